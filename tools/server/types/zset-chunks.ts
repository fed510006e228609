/**
 * The ordered index of a sorted set: elements sorted by (score, member), members compared
 * bytewise (latin1 strings compare like memcmp), with O(log n) insert/delete/rank/select.
 *
 * Redis uses a skiplist with spans. In JS a node-per-element skiplist costs three heap
 * objects per element (node + forward + span arrays) and a cache miss per hop, which makes
 * the garbage collector and pointer chasing dominate ZADD. This structure keeps elements in
 * sorted chunks of at most CHUNK_MAX entries (parallel score/member arrays), and a Fenwick
 * tree over the chunk sizes gives ranks: rank = (sizes of the chunks before) + offset.
 * Observable behaviour (order, ranks, ranges) is the same as the skiplist's.
 *
 *   scores: [ [1,1,2], [5,9] ]   members: [ ['a','b','c'], ['x','y'] ]   fenwick over [3, 2]
 */
export interface ScoreRange { min: number; max: number; minex: boolean; maxex: boolean }
/** Lex range: min/max are members; minInf/maxInf -1 for '-', 1 for '+'. */
export interface LexRange { min: string; max: string; minex: boolean; maxex: boolean; minInf: -1 | 0 | 1; maxInf: -1 | 0 | 1 }

export function valueGteMin(v: number, r: ScoreRange): boolean { return r.minex ? v > r.min : v >= r.min; }
export function valueLteMax(v: number, r: ScoreRange): boolean { return r.maxex ? v < r.max : v <= r.max; }

export function lexGteMin(v: string, r: LexRange): boolean {
  if (r.minInf === -1) return true;
  if (r.minInf === 1) return false;
  return r.minex ? v > r.min : v >= r.min;
}
export function lexLteMax(v: string, r: LexRange): boolean {
  if (r.maxInf === 1) return true;
  if (r.maxInf === -1) return false;
  return r.maxex ? v < r.max : v <= r.max;
}

const CHUNK_MAX = 128;

/** (s1, e1) > (s2, e2) in the index order. */
function greater(s1: number, e1: string, s2: number, e2: string): boolean {
  return s1 > s2 || (s1 === s2 && e1 > e2);
}

/*
 * a.splice(i, 0, v) / a.splice(i, 1) without allocating the removed-elements array. There is
 * one copy for score arrays and one for member arrays on purpose: a keyed store site that sees
 * both number and string arrays makes V8 generalize every array it touches to PACKED_ELEMENTS,
 * which boxes non-integer scores as heap numbers (an extra load per comparison, and write
 * barriers when shifting).
 */
function insertScore(a: number[], i: number, v: number): void {
  let j = a.length;
  a.push(v);
  for (; j > i; j--) a[j] = a[j - 1]!;
  a[i] = v;
}

function removeScore(a: number[], i: number): void {
  const n = a.length - 1;
  for (let j = i; j < n; j++) a[j] = a[j + 1]!;
  a.pop();
}

function insertMember(a: string[], i: number, v: string): void {
  let j = a.length;
  a.push(v);
  for (; j > i; j--) a[j] = a[j - 1]!;
  a[i] = v;
}

function removeMember(a: string[], i: number): void {
  const n = a.length - 1;
  for (let j = i; j < n; j++) a[j] = a[j + 1]!;
  a.pop();
}

function lastOf(e: string[]): string {
  return e[e.length - 1]!;
}

export class SortedChunks {
  /*
   * Chunk i is the pair (#cs[i], #ce[i]): its scores and its members, in order. Two parallel
   * arrays of arrays rather than an array of {s, e} objects: one dependent load (a cache
   * miss on a big set) less each time a chunk is visited.
   */
  #cs: number[][] = [];
  #ce: string[][] = [];
  /**
   * Last score of each chunk, in one packed array: the binary search over chunks reads these
   * (a few cache lines) instead of chasing chunk -> array -> element for every probe, which
   * dominates ZADD on a big set once the caches are cold. Members are read only on ties.
   */
  #last: number[] = [];
  /** 1-based Fenwick tree of chunk sizes. */
  #fen: number[] = [0];
  #topBit = 0;
  /** Results of #find / #locate (fields, not a returned tuple: no allocation per call). */
  #ci = 0;
  #off = 0;
  length = 0;

  #rebuild(): void {
    const cs = this.#cs;
    const n = cs.length;
    const last: number[] = [];
    for (let i = 0; i < n; i++) { const s = cs[i]!; last.push(s[s.length - 1]!); }
    this.#last = last;
    const f: number[] = [0];
    for (let i = 0; i < n; i++) f.push(cs[i]!.length);
    for (let i = 1; i <= n; i++) {
      const j = i + (i & -i);
      if (j <= n) f[j]! += f[i]!;
    }
    this.#fen = f;
    let b = 1;
    while (b * 2 <= n) b *= 2;
    this.#topBit = n ? b : 0;
  }

  #add(ci: number, d: number): void {
    const f = this.#fen;
    for (let i = ci + 1; i < f.length; i += i & -i) f[i]! += d;
  }

  /** Number of elements in chunks [0, ci). */
  #prefix(ci: number): number {
    let s = 0;
    const f = this.#fen;
    for (let i = ci; i > 0; i -= i & -i) s += f[i]!;
    return s;
  }

  /** Sets #ci / #off to the chunk and offset of position pos (0 <= pos < length). */
  #locate(pos: number): void {
    const f = this.#fen;
    const n = f.length - 1;
    let idx = 0, rem = pos;
    for (let step = this.#topBit; step > 0; step >>= 1) {
      const ni = idx + step;
      if (ni <= n && f[ni]! <= rem) { idx = ni; rem -= f[ni]!; }
    }
    this.#ci = idx;
    this.#off = rem;
  }

  /** First chunk whose last element is >= (score, ele), or the chunk count. */
  #chunkFor(score: number, ele: string): number {
    const last = this.#last;
    let lo = 0, hi = last.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const ls = last[mid]!;
      if (ls > score || (ls === score && lastOf(this.#ce[mid]!) >= ele)) hi = mid; else lo = mid + 1;
    }
    return lo;
  }

  /** First offset in a chunk with element >= (score, ele). */
  static #offsetIn(s: number[], e: string[], score: number, ele: string): number {
    let lo = 0, hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const x = s[mid]!;
      if (x > score || (x === score && e[mid]! >= ele)) hi = mid; else lo = mid + 1;
    }
    return lo;
  }

  insert(score: number, ele: string): void {
    const cs = this.#cs, ce = this.#ce;
    if (cs.length === 0) {
      cs.push([score]);
      ce.push([ele]);
      this.length = 1;
      this.#rebuild();
      return;
    }
    let ci = this.#chunkFor(score, ele);
    if (ci === cs.length) ci--;
    const s = cs[ci]!, e = ce[ci]!;
    const off = SortedChunks.#offsetIn(s, e, score, ele);
    insertScore(s, off, score);
    insertMember(e, off, ele);
    this.length++;
    if (s.length > CHUNK_MAX) {
      const half = s.length >> 1;
      cs.splice(ci + 1, 0, s.splice(half));
      ce.splice(ci + 1, 0, e.splice(half));
      this.#rebuild();
    } else {
      this.#last[ci] = s[s.length - 1]!;
      this.#add(ci, 1);
    }
  }

  /** Sets #ci / #off to the chunk and offset of (score, ele); false when absent. */
  #find(score: number, ele: string): boolean {
    const ci = this.#chunkFor(score, ele);
    if (ci === this.#cs.length) return false;
    const s = this.#cs[ci]!, e = this.#ce[ci]!;
    const off = SortedChunks.#offsetIn(s, e, score, ele);
    if (off >= s.length || s[off] !== score || e[off] !== ele) return false;
    this.#ci = ci;
    this.#off = off;
    return true;
  }

  delete(score: number, ele: string): boolean {
    if (!this.#find(score, ele)) return false;
    this.#removeAt(this.#ci, this.#off);
    return true;
  }

  #removeAt(ci: number, off: number): void {
    const cs = this.#cs, ce = this.#ce;
    const s = cs[ci]!, e = ce[ci]!;
    removeScore(s, off);
    removeMember(e, off);
    this.length--;
    if (s.length === 0) {
      cs.splice(ci, 1);
      ce.splice(ci, 1);
      this.#rebuild();
    } else {
      this.#last[ci] = s[s.length - 1]!;
      this.#add(ci, -1);
      // Merge a small chunk into its right neighbour so deletions do not leave dust.
      if (s.length < CHUNK_MAX / 4 && ci + 1 < cs.length && cs[ci + 1]!.length + s.length <= CHUNK_MAX) {
        cs[ci + 1] = s.concat(cs[ci + 1]!);
        ce[ci + 1] = e.concat(ce[ci + 1]!);
        cs.splice(ci, 1);
        ce.splice(ci, 1);
        this.#rebuild();
      }
    }
  }

  /**
   * Moves an element to a new score (it must be present with curScore). The member string
   * already stored is kept (the caller's copy is usually a fresh argument string: storing it
   * would keep two copies of each updated member alive, the Map's key and this one). When
   * the new position is inside the same chunk, the elements in between are shifted by one
   * in place, like zslUpdateScore's in-place case; otherwise it is a remove and an insert.
   */
  updateScore(curScore: number, ele: string, newScore: number): void {
    if (!this.#find(curScore, ele)) { this.insert(newScore, ele); return; }
    const ci = this.#ci, off = this.#off;
    const s = this.#cs[ci]!, e = this.#ce[ci]!;
    const kept = e[off]!;
    const n = s.length - 1;
    // Strictly between the chunk's first and last other elements: the move stays inside.
    const lo = off === 0 ? 1 : 0, hi = off === n ? n - 1 : n;
    if (lo < hi && greater(newScore, kept, s[lo]!, e[lo]!) && greater(s[hi]!, e[hi]!, newScore, kept)) {
      let t = SortedChunks.#offsetIn(s, e, newScore, kept);
      if (t <= off) {
        for (let j = off; j > t; j--) { s[j] = s[j - 1]!; e[j] = e[j - 1]!; }
      } else {
        t--;
        for (let j = off; j < t; j++) { s[j] = s[j + 1]!; e[j] = e[j + 1]!; }
      }
      s[t] = newScore;
      e[t] = kept;
      this.#last[ci] = s[n]!;
      return;
    }
    this.#removeAt(ci, off);
    this.insert(newScore, kept);
  }

  /** 0-based rank of an element known by its score, or -1. */
  rankOf(score: number, ele: string): number {
    return this.#find(score, ele) ? this.#prefix(this.#ci) + this.#off : -1;
  }

  memberAt(pos: number): string {
    this.#locate(pos);
    return this.#ce[this.#ci]![this.#off]!;
  }

  scoreAt(pos: number): number {
    this.#locate(pos);
    return this.#cs[this.#ci]![this.#off]!;
  }

  /** Calls cb for positions start..end (inclusive, clamped by the caller), ascending or descending. */
  forEach(start: number, end: number, reverse: boolean, cb: (member: string, score: number) => void): void {
    if (start > end || start >= this.length || end < 0) return;
    const cs = this.#cs, ce = this.#ce;
    let n = end - start + 1;
    this.#locate(reverse ? end : start);
    let ci = this.#ci, off = this.#off;
    if (!reverse) {
      while (n > 0) {
        const s = cs[ci]!, e = ce[ci]!;
        for (; off < s.length && n > 0; off++, n--) cb(e[off]!, s[off]!);
        ci++;
        off = 0;
      }
    } else {
      while (n > 0) {
        const s = cs[ci]!, e = ce[ci]!;
        for (; off >= 0 && n > 0; off--, n--) cb(e[off]!, s[off]!);
        ci--;
        if (ci >= 0) off = cs[ci]!.length - 1;
      }
    }
  }

  /** First position whose element satisfies a monotone (false…false, true…true) predicate. */
  lowerBound(pred: (score: number, member: string) => boolean): number {
    const cs = this.#cs, ce = this.#ce;
    let lo = 0, hi = cs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const s = cs[mid]!;
      const k = s.length - 1;
      if (pred(s[k]!, ce[mid]![k]!)) hi = mid; else lo = mid + 1;
    }
    if (lo === cs.length) return this.length;
    const s = cs[lo]!, e = ce[lo]!;
    let a = 0, b = s.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (pred(s[mid]!, e[mid]!)) b = mid; else a = mid + 1;
    }
    return this.#prefix(lo) + a;
  }

  /** Positions [first, last] of the elements in a score range ([0, -1] when empty). */
  scoreRange(r: ScoreRange): [number, number] {
    if (r.min > r.max || (r.min === r.max && (r.minex || r.maxex))) return [0, -1];
    const first = this.lowerBound((s) => valueGteMin(s, r));
    const last = this.lowerBound((s) => !valueLteMax(s, r)) - 1;
    return first <= last ? [first, last] : [0, -1];
  }

  /** Positions [first, last] of the elements in a lex range ([0, -1] when empty). */
  lexRange(r: LexRange): [number, number] {
    if (r.minInf === 1 || r.maxInf === -1) return [0, -1];
    if (r.minInf === 0 && r.maxInf === 0 && (r.min > r.max || (r.min === r.max && (r.minex || r.maxex)))) return [0, -1];
    const first = this.lowerBound((_s, e) => lexGteMin(e, r));
    const last = this.lowerBound((_s, e) => !lexLteMax(e, r)) - 1;
    return first <= last ? [first, last] : [0, -1];
  }
}
