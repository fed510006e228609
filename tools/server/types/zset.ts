/**
 * Sorted set value: a member -> score Map plus a ranked skiplist (see zset-skiplist.ts).
 *
 * Redis keeps small sorted sets in a listpack and converts to skiplist+dict when
 * `zset-max-listpack-entries` (128) or `zset-max-listpack-value` (64 bytes) is exceeded,
 * never back on deletion (only the *STORE commands create a fresh, possibly small, value).
 * The ordering is the same in both encodings, so one structure serves both and only the
 * reported encoding (OBJECT ENCODING) follows Redis's conversion moments.
 */
import { SkipList, type SkipNode, type ScoreRange, type LexRange } from './zset-skiplist.js';

export type { ScoreRange, LexRange, SkipNode };

export interface ZsetLimits { maxEntries: number; maxValue: number }

export class ZSetValue {
  readonly type = 'zset' as const;
  readonly dict = new Map<string, number>();
  readonly zsl = new SkipList();
  #listpack: boolean;

  /** `sizeHint`/`eleLenHint` follow zsetTypeCreate: listpack unless they exceed the limits. */
  constructor(limits: ZsetLimits, sizeHint = 0, eleLenHint = 0) {
    this.#listpack = !(limits.maxEntries === 0 || sizeHint > limits.maxEntries || eleLenHint > limits.maxValue);
  }

  encoding(): string { return this.#listpack ? 'listpack' : 'skiplist'; }
  get isListpack(): boolean { return this.#listpack; }
  get size(): number { return this.dict.size; }

  /** Deep copy (COPY), keeping the encoding. */
  clone(): ZSetValue {
    const z = new ZSetValue({ maxEntries: Infinity, maxValue: Infinity });
    for (const [m, s] of this.entries()) { z.zsl.insert(s, m); z.dict.set(m, s); }
    z.#listpack = this.#listpack;
    return z;
  }

  /** Content digest (DEBUG DIGEST-VALUE). */
  digest(): string {
    return [...this.entries()].map(([m, s]) => `${m.length}:${m}=${s}`).join(',');
  }

  memoryUsage(): number {
    let n = 64;
    for (const k of this.dict.keys()) n += k.length + (this.#listpack ? 11 : 64);
    return n;
  }

  convertToSkiplist(): void { this.#listpack = false; }

  /** zsetConvertToListpackIfNeeded: used after *STORE builds a result. */
  shrinkIfFits(limits: ZsetLimits): void {
    if (this.#listpack) return;
    if (this.dict.size > limits.maxEntries) return;
    for (const k of this.dict.keys()) if (k.length > limits.maxValue) return;
    this.#listpack = true;
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
      this.zsl.updateScore(cur, member, score);
      this.dict.set(member, score);
      return 'updated';
    }
    if (this.#listpack && (this.dict.size + 1 > limits.maxEntries || member.length > limits.maxValue)) {
      this.#listpack = false;
    }
    this.zsl.insert(score, member);
    this.dict.set(member, score);
    return 'added';
  }

  delete(member: string): boolean {
    const cur = this.dict.get(member);
    if (cur === undefined) return false;
    this.dict.delete(member);
    this.zsl.delete(cur, member);
    return true;
  }

  /** 0-based rank, or -1 when absent. */
  rank(member: string, reverse: boolean): number {
    const s = this.dict.get(member);
    if (s === undefined) return -1;
    const r = this.zsl.getRank(s, member);
    return reverse ? this.zsl.length - r : r - 1;
  }

  /** Node at 0-based index in ascending order. */
  nodeAt(index: number): SkipNode | null { return this.zsl.getByRank(index + 1); }

  /** Elements in [start, end] (0-based, inclusive, already clamped), ascending or reversed. */
  range(start: number, end: number, reverse: boolean, cb: (member: string, score: number) => void): void {
    const len = this.zsl.length;
    let n = end - start + 1;
    let node: SkipNode | null = reverse ? this.zsl.getByRank(len - start) : this.zsl.getByRank(start + 1);
    while (n-- > 0 && node) {
      cb(node.ele, node.score);
      node = reverse ? node.backward : node.forward[0]!;
    }
  }

  *entries(): IterableIterator<[string, number]> {
    for (let n = this.zsl.first(); n; n = n.forward[0]!) yield [n.ele, n.score];
  }

  countInRange(r: ScoreRange): number {
    const first = this.zsl.firstInRange(r);
    if (!first) return 0;
    const last = this.zsl.lastInRange(r)!;
    return this.zsl.getRank(last.score, last.ele) - this.zsl.getRank(first.score, first.ele) + 1;
  }

  countInLexRange(r: LexRange): number {
    const first = this.zsl.firstInLexRange(r);
    if (!first) return 0;
    const last = this.zsl.lastInLexRange(r)!;
    return this.zsl.getRank(last.score, last.ele) - this.zsl.getRank(first.score, first.ele) + 1;
  }
}
