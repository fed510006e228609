/**
 * Set value: members in a dense array plus a Map member -> index, so membership,
 * add and remove are O(1) and SPOP / SRANDMEMBER can pick uniformly at random in O(1).
 *
 * Encodings as in Redis 7.0: "intset" while every member is an integer in canonical form
 * (what string2ll accepts) and the set has at most `set-max-intset-entries` (512)
 * members, "hashtable" afterwards (never back). An intset is sorted, so its members are
 * listed in ascending numeric order, as Redis does.
 */
export interface SetLimits { maxIntsetEntries: number }

const MIN_I64 = -(2n ** 63n);
const MAX_I64 = 2n ** 63n - 1n;

/** string2ll: canonical base-10 int64 ("-0", "+1", "01", " 1" are not). */
export function isInt64String(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 20) return false;
  let i = 0;
  if (s.charCodeAt(0) === 45) { if (n === 1) return false; i = 1; }
  const c0 = s.charCodeAt(i);
  if (c0 === 48) return n === 1;
  if (c0 < 49 || c0 > 57) return false;
  for (let k = i + 1; k < n; k++) { const c = s.charCodeAt(k); if (c < 48 || c > 57) return false; }
  if (n - i < 19) return true;
  const b = BigInt(s);
  return b >= MIN_I64 && b <= MAX_I64;
}

function cmpIntStrings(a: string, b: string): number {
  if (a.length < 16 && b.length < 16) return Number(a) - Number(b);
  const x = BigInt(a), y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export class SetValue {
  readonly type = 'set' as const;
  readonly #items: string[] = [];
  readonly #index = new Map<string, number>();
  #intset: boolean;

  constructor(intset = true) { this.#intset = intset; }

  /** setTypeCreate: intset when the first value is an integer. */
  static forFirstMember(v: string): SetValue { return new SetValue(isInt64String(v)); }

  encoding(): string { return this.#intset ? 'intset' : 'hashtable'; }
  get isIntset(): boolean { return this.#intset; }
  get size(): number { return this.#items.length; }

  /** Deep copy (COPY), keeping the encoding. */
  clone(): SetValue {
    const s = new SetValue(this.#intset);
    for (const v of this.#items) { s.#index.set(v, s.#items.length); s.#items.push(v); }
    return s;
  }

  /** Estimate from up to 32 sampled members (like MEMORY USAGE's SAMPLES), O(1). */
  memoryUsage(): number {
    const n = this.#items.length;
    if (this.#intset) return 64 + n * 8;
    const k = Math.min(n, 32);
    let sampled = 0;
    for (let i = 0; i < k; i++) sampled += this.#items[i]!.length + 40;
    return 64 + (k ? Math.round(sampled / k * n) : 0);
  }

  convertToHashtable(): void { this.#intset = false; }

  has(v: string): boolean { return this.#index.has(v); }

  add(v: string, limits: SetLimits): boolean {
    if (this.#index.has(v)) return false;
    if (this.#intset && (!isInt64String(v) || this.#items.length + 1 > limits.maxIntsetEntries)) this.#intset = false;
    this.#index.set(v, this.#items.length);
    this.#items.push(v);
    return true;
  }

  delete(v: string): boolean {
    const i = this.#index.get(v);
    if (i === undefined) return false;
    const last = this.#items.pop()!;
    this.#index.delete(v);
    if (i < this.#items.length) {
      this.#items[i] = last;
      this.#index.set(last, i);
    }
    return true;
  }

  random(): string { return this.#items[Math.floor(Math.random() * this.#items.length)]!; }

  /** Members; sorted numerically for intsets (Redis's intset order). */
  members(): string[] {
    if (this.#intset) return this.#items.slice().sort(cmpIntStrings);
    return this.#items.slice();
  }

  /** Live iterator over the members (stays valid while the set changes; for SSCAN). */
  liveKeys(): IterableIterator<string> { return this.#index.keys(); }

  /** Direct access by dense index; order is not meaningful. */
  at(i: number): string | undefined { return this.#items[i]; }

  *[Symbol.iterator](): IterableIterator<string> { yield* this.#items; }
}
