/**
 * Sorted set value: a member -> score Map plus an ordered index with ranks (see
 * zset-chunks.ts for why it is a chunked sorted array with a Fenwick tree, not a skiplist).
 *
 * Redis keeps small sorted sets in a listpack and converts to skiplist+dict when
 * `zset-max-listpack-entries` (128) or `zset-max-listpack-value` (64 bytes) is exceeded,
 * never back on deletion (only the *STORE commands create a fresh, possibly small, value).
 * The ordering is the same in both encodings, so one structure serves both and only the
 * reported encoding (OBJECT ENCODING) follows Redis's conversion moments.
 */
import { SortedChunks, lexGteMin, lexLteMax, type LexRange, type ScoreRange } from './zset-chunks.js';

export type { LexRange, ScoreRange };

export interface ZsetLimits { maxEntries: number; maxValue: number }

/**
 * A position in the ordered index seen as a skiplist node (score, ele, forward[0],
 * backward): kept for callers written against the earlier skiplist API (geo.ts).
 * New code should use `order.scoreRange()` / `range()`.
 */
export class ZNodeView {
  readonly #order: SortedChunks;
  readonly #pos: number;
  readonly score: number;
  readonly ele: string;
  constructor(order: SortedChunks, pos: number) {
    this.#order = order;
    this.#pos = pos;
    this.score = order.scoreAt(pos);
    this.ele = order.memberAt(pos);
  }
  get forward(): (ZNodeView | null)[] {
    return [this.#pos + 1 < this.#order.length ? new ZNodeView(this.#order, this.#pos + 1) : null];
  }
  get backward(): ZNodeView | null {
    return this.#pos > 0 ? new ZNodeView(this.#order, this.#pos - 1) : null;
  }
}

export class ZSetValue {
  readonly type = 'zset' as const;
  readonly dict = new Map<string, number>();
  readonly order = new SortedChunks();
  #listpack: boolean;

  /** `sizeHint`/`eleLenHint` follow zsetTypeCreate: listpack unless they exceed the limits. */
  constructor(limits: ZsetLimits, sizeHint = 0, eleLenHint = 0) {
    this.#listpack = !(limits.maxEntries === 0 || sizeHint > limits.maxEntries || eleLenHint > limits.maxValue);
  }

  encoding(): string { return this.#listpack ? 'listpack' : 'skiplist'; }

  /** Skiplist-shaped view (firstInRange/lastInRange/first) over the index; see ZNodeView. */
  get zsl(): {
    readonly length: number;
    first(): ZNodeView | null;
    firstInRange(r: ScoreRange): ZNodeView | null;
    lastInRange(r: ScoreRange): ZNodeView | null;
  } {
    const o = this.order;
    return {
      length: o.length,
      first: () => (o.length ? new ZNodeView(o, 0) : null),
      firstInRange: (r) => { const [a, b] = o.scoreRange(r); return a <= b ? new ZNodeView(o, a) : null; },
      lastInRange: (r) => { const [a, b] = o.scoreRange(r); return a <= b ? new ZNodeView(o, b) : null; },
    };
  }
  get isListpack(): boolean { return this.#listpack; }
  get size(): number { return this.dict.size; }

  /** Deep copy (COPY), keeping the encoding. */
  clone(): ZSetValue {
    const z = new ZSetValue({ maxEntries: Infinity, maxValue: Infinity });
    this.order.forEach(0, this.order.length - 1, false, (m, s) => { z.order.insert(s, m); z.dict.set(m, s); });
    z.#listpack = this.#listpack;
    return z;
  }

  /** Estimate from up to 32 sampled members (like MEMORY USAGE's SAMPLES), O(1). */
  memoryUsage(): number {
    let sampled = 0, k = 0;
    for (const m of this.dict.keys()) {
      sampled += m.length + (this.#listpack ? 11 : 64);
      if (++k === 32) break;
    }
    return 64 + (k ? Math.round(sampled / k * this.dict.size) : 0);
  }

  score(member: string): number | undefined { return this.dict.get(member); }

  /**
   * Adds or updates; returns 'added' | 'updated' | 'nop'. Performs conversion
   * checks the way zsetAdd does (before inserting a new element).
   */
  set(member: string, score: number, limits: ZsetLimits): 'added' | 'updated' | 'nop' {
    const cur = this.dict.get(member);
    if (cur !== undefined) {
      if (cur === score) return 'nop';
      this.update(member, cur, score);
      return 'updated';
    }
    this.add(member, score, limits);
    return 'added';
  }

  /** Moves a present member from its current score `cur` (from score()) to `score`. */
  update(member: string, cur: number, score: number): void {
    // A listpack stores -0 as 0 (what ZSCORE then shows); a skiplist keeps the sign.
    if (score === 0 && this.#listpack) score = 0;
    this.order.updateScore(cur, member, score);
    this.dict.set(member, score);
  }

  /** Inserts a member known to be absent, converting the encoding first when it outgrows it. */
  add(member: string, score: number, limits: ZsetLimits): void {
    if (this.#listpack && (this.dict.size + 1 > limits.maxEntries || member.length > limits.maxValue)) {
      this.#listpack = false;
    }
    if (score === 0 && this.#listpack) score = 0;
    this.order.insert(score, member);
    this.dict.set(member, score);
  }

  delete(member: string): boolean {
    const cur = this.dict.get(member);
    if (cur === undefined) return false;
    this.dict.delete(member);
    this.order.delete(cur, member);
    return true;
  }

  /** 0-based rank, or -1 when absent. */
  rank(member: string, reverse: boolean): number {
    const s = this.dict.get(member);
    if (s === undefined) return -1;
    const r = this.order.rankOf(s, member);
    return reverse ? this.order.length - 1 - r : r;
  }

  /** [member, score] at 0-based index in ascending order. */
  at(index: number): [string, number] {
    return [this.order.memberAt(index), this.order.scoreAt(index)];
  }

  /**
   * Elements of ranks [start, end] (0-based, inclusive, already clamped) counted in the
   * requested direction: with reverse, rank 0 is the highest element (ZREVRANGE).
   */
  range(start: number, end: number, reverse: boolean, cb: (member: string, score: number) => void): void {
    if (!reverse) { this.order.forEach(start, end, false, cb); return; }
    const last = this.order.length - 1;
    this.order.forEach(last - end, last - start, true, cb);
  }

  *entries(): IterableIterator<[string, number]> {
    const out: [string, number][] = [];
    this.order.forEach(0, this.order.length - 1, false, (m, s) => { out.push([m, s]); });
    yield* out;
  }

  countInRange(r: ScoreRange): number {
    const [a, b] = this.order.scoreRange(r);
    return b - a + 1;
  }

  countInLexRange(r: LexRange): number {
    const [a, b] = this.lexSpan(r, false);
    return b - a + 1;
  }

  /**
   * Positions [first, last] of a lex range ([0, -1] when empty). Lex ranges assume equal
   * scores; when scores differ the answer depends on how Redis walks the encoding, so a
   * listpack-sized set is scanned the way zzlFirstInLexRange / zzlLastInLexRange do
   * (from the head, or from the tail for REV), and a big one is binary searched like the
   * skiplist descent.
   */
  lexSpan(r: LexRange, reverse: boolean): [number, number] {
    if (!this.#listpack) return this.order.lexRange(r);
    const n = this.order.length;
    const members: string[] = [];
    this.order.forEach(0, n - 1, false, (m) => { members.push(m); });
    if (!reverse) {
      let i = 0;
      while (i < n && !lexGteMin(members[i]!, r)) i++;
      if (i === n || !lexLteMax(members[i]!, r)) return [0, -1];
      let j = i;
      while (j + 1 < n && lexLteMax(members[j + 1]!, r)) j++;
      return [i, j];
    }
    let j = n - 1;
    while (j >= 0 && !lexLteMax(members[j]!, r)) j--;
    if (j < 0 || !lexGteMin(members[j]!, r)) return [0, -1];
    let i = j;
    while (i - 1 >= 0 && lexGteMin(members[i - 1]!, r)) i--;
    return [i, j];
  }
}
