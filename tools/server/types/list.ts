/**
 * List value: a growable ring buffer (deque) with O(1) push/pop at both ends and O(1)
 * index access, standing in for Redis's quicklist.
 *
 * Redis 7.0 always reports lists as "quicklist" (listpack-encoded small lists arrived
 * in 7.2), so OBJECT ENCODING is constant here.
 */
export class ListValue {
  readonly type = 'list' as const;
  #buf: (string | undefined)[];
  #head = 0;
  #len = 0;
  #mask: number;

  constructor(capacity = 8) {
    let cap = 8;
    while (cap < capacity) cap *= 2;
    this.#buf = new Array<string | undefined>(cap);
    this.#mask = cap - 1;
  }

  encoding(): string { return 'quicklist'; }

  /** Deep copy (COPY). */
  clone(): ListValue {
    const l = new ListValue(this.#len);
    for (let i = 0; i < this.#len; i++) l.pushTail(this.get(i)!);
    return l;
  }

  get length(): number { return this.#len; }

  /** Estimate from up to 32 sampled elements (like MEMORY USAGE's SAMPLES), O(1). */
  memoryUsage(): number {
    const k = Math.min(this.#len, 32);
    let sampled = 0;
    for (let i = 0; i < k; i++) sampled += this.get(i)!.length + 2;
    return 48 + this.#buf.length * 8 + (k ? Math.round(sampled / k * this.#len) : 0);
  }

  #grow(): void {
    const old = this.#buf;
    const cap = old.length * 2;
    const buf = new Array<string | undefined>(cap);
    for (let i = 0; i < this.#len; i++) buf[i] = old[(this.#head + i) & this.#mask];
    this.#buf = buf;
    this.#head = 0;
    this.#mask = cap - 1;
  }

  pushTail(v: string): void {
    if (this.#len === this.#buf.length) this.#grow();
    this.#buf[(this.#head + this.#len) & this.#mask] = v;
    this.#len++;
  }

  pushHead(v: string): void {
    if (this.#len === this.#buf.length) this.#grow();
    this.#head = (this.#head - 1) & this.#mask;
    this.#buf[this.#head] = v;
    this.#len++;
  }

  popHead(): string | undefined {
    if (this.#len === 0) return undefined;
    const v = this.#buf[this.#head];
    this.#buf[this.#head] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    this.#len--;
    return v;
  }

  popTail(): string | undefined {
    if (this.#len === 0) return undefined;
    const i = (this.#head + this.#len - 1) & this.#mask;
    const v = this.#buf[i];
    this.#buf[i] = undefined;
    this.#len--;
    return v;
  }

  /** 0-based index (no negatives). */
  get(i: number): string | undefined {
    if (i < 0 || i >= this.#len) return undefined;
    return this.#buf[(this.#head + i) & this.#mask];
  }

  set(i: number, v: string): void { this.#buf[(this.#head + i) & this.#mask] = v; }

  /** Inserts before position i (0..length), shifting the shorter side. */
  insertAt(i: number, v: string): void {
    if (i <= 0) { this.pushHead(v); return; }
    if (i >= this.#len) { this.pushTail(v); return; }
    if (this.#len === this.#buf.length) this.#grow();
    const m = this.#mask;
    if (i < this.#len / 2) {
      this.#head = (this.#head - 1) & m;
      for (let k = 0; k < i; k++) this.#buf[(this.#head + k) & m] = this.#buf[(this.#head + k + 1) & m];
    } else {
      for (let k = this.#len; k > i; k--) this.#buf[(this.#head + k) & m] = this.#buf[(this.#head + k - 1) & m];
    }
    this.#buf[(this.#head + i) & m] = v;
    this.#len++;
  }

  /** Removes the element at position i. */
  removeAt(i: number): void {
    const m = this.#mask;
    if (i < this.#len / 2) {
      for (let k = i; k > 0; k--) this.#buf[(this.#head + k) & m] = this.#buf[(this.#head + k - 1) & m];
      this.#buf[this.#head] = undefined;
      this.#head = (this.#head + 1) & m;
    } else {
      for (let k = i; k < this.#len - 1; k++) this.#buf[(this.#head + k) & m] = this.#buf[(this.#head + k + 1) & m];
      this.#buf[(this.#head + this.#len - 1) & m] = undefined;
    }
    this.#len--;
  }

  /** Keeps only [start, end] (0-based inclusive, clamped by the caller; start > end empties). */
  trim(start: number, end: number): void {
    if (start > end || start >= this.#len) { this.clear(); return; }
    const keep = end - start + 1;
    const out: string[] = new Array<string>(keep);
    for (let k = 0; k < keep; k++) out[k] = this.get(start + k)!;
    this.clear();
    for (const v of out) this.pushTail(v);
  }

  /** Filters in place, keeping elements for which keep() is true; returns how many were removed. */
  filter(keep: (v: string, i: number) => boolean): number {
    const out: string[] = [];
    const n = this.#len;
    for (let k = 0; k < n; k++) { const v = this.get(k)!; if (keep(v, k)) out.push(v); }
    if (out.length === n) return 0;
    this.clear();
    for (const v of out) this.pushTail(v);
    return n - out.length;
  }

  clear(): void {
    this.#buf = new Array<string | undefined>(8);
    this.#mask = 7;
    this.#head = 0;
    this.#len = 0;
  }

  range(start: number, end: number): string[] {
    const out: string[] = [];
    for (let k = start; k <= end && k < this.#len; k++) out.push(this.#buf[(this.#head + k) & this.#mask]!);
    return out;
  }

  *[Symbol.iterator](): IterableIterator<string> {
    for (let k = 0; k < this.#len; k++) yield this.#buf[(this.#head + k) & this.#mask]!;
  }
}
