/**
 * Bounded-memory statistics for streaming reports.
 *
 * - `TopK`: counts per name in a Map, exact until `capacity` distinct names have been seen;
 *   past that, the least-counted half is dropped (a batch variant of Misra-Gries / lossy
 *   counting). Reported counts are then lower bounds, each at most `maxError` below the truth,
 *   and any name whose true count exceeds `maxError` is still present.
 * - `LogHistogram`: counts of non-negative integers (microseconds) in log-linear buckets:
 *   exact below 2048, then 1024 sub-buckets per power of two (relative error < 0.1%). Fixed
 *   size, so quantiles over any number of values use the same few hundred KB.
 */

export interface TopEntry {
  name: string;
  count: number;
}

export function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class TopK {
  readonly capacity: number;
  #map = new Map<string, { c: number }>();
  #maxError = 0;
  #total = 0;

  constructor(capacity: number) {
    this.capacity = Math.max(16, capacity);
  }

  add(name: string, n = 1): void {
    this.#total += n;
    const h = this.#map.get(name);
    if (h === undefined) {
      this.#map.set(name, { c: n });
      if (this.#map.size > this.capacity) this.#prune();
    } else {
      h.c += n;
    }
  }

  #prune(): void {
    const counts = Float64Array.from(this.#map.values(), (h) => h.c).sort().reverse();
    const threshold = counts[Math.floor(this.capacity / 2)]!;
    for (const [k, h] of this.#map) if (h.c <= threshold) this.#map.delete(k);
    this.#maxError += threshold;
  }

  get approximate(): boolean {
    return this.#maxError > 0;
  }

  get maxError(): number {
    return this.#maxError;
  }

  /** Sum of all counts added (exact). */
  get total(): number {
    return this.#total;
  }

  /** Distinct names currently tracked. */
  get size(): number {
    return this.#map.size;
  }

  /** Every tracked name with its count, in first-insertion order. */
  *entries(): IterableIterator<[string, number]> {
    for (const [name, h] of this.#map) yield [name, h.c];
  }

  /** The n largest, count descending then name ascending (byte order for latin1 strings). */
  top(n: number): TopEntry[] {
    const all: TopEntry[] = [];
    for (const [name, h] of this.#map) all.push({ name, count: h.c });
    all.sort((a, b) => b.count - a.count || byName(a.name, b.name));
    return all.slice(0, n);
  }
}

const EXACT = 2048;
const SUB_BITS = 10;
const SUB = 1 << SUB_BITS;
const MAX_EXP = 53;

export class LogHistogram {
  #counts = new Float64Array(EXACT + (MAX_EXP - 11 + 1) * SUB);
  #n = 0;
  #max = 0;
  #sum = 0;

  static #index(v: number): number {
    if (v < EXACT) return v;
    const e = Math.floor(Math.log2(v));
    const sub = Math.floor(v / 2 ** (e - SUB_BITS)) - SUB; // 0..1023
    return EXACT + (e - 11) * SUB + Math.min(Math.max(sub, 0), SUB - 1);
  }

  static #lower(i: number): number {
    if (i < EXACT) return i;
    const e = 11 + Math.floor((i - EXACT) / SUB);
    const sub = (i - EXACT) % SUB;
    return (SUB + sub) * 2 ** (e - SUB_BITS);
  }

  /** Adds a non-negative integer value (fractions are truncated). */
  add(v: number, count = 1): void {
    const x = Math.max(0, Math.trunc(v));
    this.#counts[LogHistogram.#index(Math.min(x, 2 ** MAX_EXP - 1))]! += count;
    this.#n += count;
    this.#sum += x * count;
    if (x > this.#max) this.#max = x;
  }

  get count(): number {
    return this.#n;
  }

  get max(): number {
    return this.#max;
  }

  get sum(): number {
    return this.#sum;
  }

  /** The value at rank floor(q * n) (0-based) of the sorted values: exact below 2048. */
  quantile(q: number): number {
    if (this.#n === 0) return 0;
    const rank = Math.min(this.#n - 1, Math.floor(q * this.#n));
    let seen = 0;
    const c = this.#counts;
    for (let i = 0; i < c.length; i++) {
      seen += c[i]!;
      if (seen > rank) return Math.min(LogHistogram.#lower(i), this.#max);
    }
    return this.#max;
  }

  /** Power-of-two buckets `[lo, hi)` with their counts, for a printed histogram. */
  pow2Buckets(): Array<{ lo: number; hi: number; count: number }> {
    const out = new Map<number, number>();
    const c = this.#counts;
    for (let i = 0; i < c.length; i++) {
      if (c[i] === 0) continue;
      const lo = LogHistogram.#lower(i);
      const b = lo === 0 ? 0 : Math.floor(Math.log2(lo)) + 1;
      out.set(b, (out.get(b) ?? 0) + c[i]!);
    }
    return [...out].sort((a, b) => a[0] - b[0]).map(([b, count]) => ({ lo: b === 0 ? 0 : 2 ** (b - 1), hi: 2 ** b, count }));
  }
}
