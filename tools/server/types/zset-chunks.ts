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
 *   chunks: [ {s:[1,1,2], e:['a','b','c']}, {s:[5,9], e:['x','y']} ]   fenwick over [3, 2]
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

interface Chunk { s: number[]; e: string[] }

const CHUNK_MAX = 128;

/** (s1, e1) > (s2, e2) in the index order. */
function greater(s1: number, e1: string, s2: number, e2: string): boolean {
  return s1 > s2 || (s1 === s2 && e1 > e2);
}

function lastMember(c: Chunk): string {
  return c.e[c.e.length - 1]!;
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

export class SortedChunks {
  #chunks: Chunk[] = [];
  /**
   * Last score of each chunk, in one packed array: the binary search over chunks reads these
   * (a few cache lines) instead of chasing chunk -> array -> element for every probe, which
   * dominates ZADD on a big set once the caches are cold. Members are read only on ties.
   */
  #last: number[] = [];
  /** 1-based Fenwick tree of chunk sizes. */
  #fen: number[] = [0];
  #topBit = 0;
  length = 0;

  #rebuild(): void {
    const n = this.#chunks.length;
    const last: number[] = [];
    for (let i = 0; i < n; i++) { const c = this.#chunks[i]!; last.push(c.s[c.s.length - 1]!); }
    this.#last = last;
    const f: number[] = [0];
    for (let i = 0; i < n; i++) f.push(this.#chunks[i]!.s.length);
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

  /** Chunk index and offset of position pos (0 <= pos < length). */
  #locate(pos: number): [number, number] {
    const f = this.#fen;
    const n = f.length - 1;
    let idx = 0, rem = pos;
    for (let step = this.#topBit; step > 0; step >>= 1) {
      const ni = idx + step;
      if (ni <= n && f[ni]! <= rem) { idx = ni; rem -= f[ni]!; }
    }
    return [idx, rem];
  }

  /** First chunk whose last element is >= (score, ele), or the chunk count. */
  #chunkFor(score: number, ele: string): number {
    const last = this.#last;
    let lo = 0, hi = last.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const ls = last[mid]!;
      if (ls > score || (ls === score && lastMember(this.#chunks[mid]!) >= ele)) hi = mid; else lo = mid + 1;
    }
    return lo;
  }

  /** First offset in chunk with element >= (score, ele). */
  static #offsetIn(c: Chunk, score: number, ele: string): number {
    const s = c.s;
    let lo = 0, hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const x = s[mid]!;
      if (x > score || (x === score && c.e[mid]! >= ele)) hi = mid; else lo = mid + 1;
    }
    return lo;
  }

  insert(score: number, ele: string): void {
    const ch = this.#chunks;
    if (ch.length === 0) {
      ch.push({ s: [score], e: [ele] });
      this.length = 1;
      this.#rebuild();
      return;
    }
    let ci = this.#chunkFor(score, ele);
    if (ci === ch.length) ci--;
    const c = ch[ci]!;
    const off = SortedChunks.#offsetIn(c, score, ele);
    insertScore(c.s, off, score);
    insertMember(c.e, off, ele);
    this.length++;
    if (c.s.length > CHUNK_MAX) {
      const half = c.s.length >> 1;
      ch.splice(ci + 1, 0, { s: c.s.splice(half), e: c.e.splice(half) });
      this.#rebuild();
    } else {
      this.#last[ci] = c.s[c.s.length - 1]!;
      this.#add(ci, 1);
    }
  }

  /** Chunk index and offset of (score, ele), or ci = -1 when absent. */
  #find(score: number, ele: string): [number, number] {
    const ci = this.#chunkFor(score, ele);
    if (ci === this.#chunks.length) return [-1, 0];
    const c = this.#chunks[ci]!;
    const off = SortedChunks.#offsetIn(c, score, ele);
    if (off >= c.s.length || c.s[off] !== score || c.e[off] !== ele) return [-1, 0];
    return [ci, off];
  }

  delete(score: number, ele: string): boolean {
    const [ci, off] = this.#find(score, ele);
    if (ci < 0) return false;
    this.#removeAt(ci, off);
    return true;
  }

  #removeAt(ci: number, off: number): void {
    const ch = this.#chunks;
    const c = ch[ci]!;
    removeScore(c.s, off);
    removeMember(c.e, off);
    this.length--;
    if (c.s.length === 0) {
      ch.splice(ci, 1);
      this.#rebuild();
    } else {
      this.#last[ci] = c.s[c.s.length - 1]!;
      this.#add(ci, -1);
      // Merge a small chunk into its right neighbour so deletions do not leave dust.
      const next = ch[ci + 1];
      if (c.s.length < CHUNK_MAX / 4 && next && next.s.length + c.s.length <= CHUNK_MAX) {
        next.s = c.s.concat(next.s);
        next.e = c.e.concat(next.e);
        ch.splice(ci, 1);
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
    const [ci, off] = this.#find(curScore, ele);
    if (ci < 0) { this.insert(newScore, ele); return; }
    const c = this.#chunks[ci]!;
    const s = c.s, e = c.e;
    const kept = e[off]!;
    const n = s.length - 1;
    // Strictly between the chunk's first and last other elements: the move stays inside.
    const lo = off === 0 ? 1 : 0, hi = off === n ? n - 1 : n;
    if (lo < hi && greater(newScore, kept, s[lo]!, e[lo]!) && greater(s[hi]!, e[hi]!, newScore, kept)) {
      let t = SortedChunks.#offsetIn(c, newScore, kept);
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
    const [ci, off] = this.#find(score, ele);
    return ci < 0 ? -1 : this.#prefix(ci) + off;
  }

  memberAt(pos: number): string {
    const [ci, off] = this.#locate(pos);
    return this.#chunks[ci]!.e[off]!;
  }

  scoreAt(pos: number): number {
    const [ci, off] = this.#locate(pos);
    return this.#chunks[ci]!.s[off]!;
  }

  /** Calls cb for positions start..end (inclusive, clamped by the caller), ascending or descending. */
  forEach(start: number, end: number, reverse: boolean, cb: (member: string, score: number) => void): void {
    if (start > end || start >= this.length || end < 0) return;
    const ch = this.#chunks;
    let n = end - start + 1;
    if (!reverse) {
      let [ci, off] = this.#locate(start);
      while (n > 0) {
        const c = ch[ci]!;
        const s = c.s, e = c.e;
        for (; off < s.length && n > 0; off++, n--) cb(e[off]!, s[off]!);
        ci++;
        off = 0;
      }
    } else {
      let [ci, off] = this.#locate(end);
      while (n > 0) {
        const c = ch[ci]!;
        const s = c.s, e = c.e;
        for (; off >= 0 && n > 0; off--, n--) cb(e[off]!, s[off]!);
        ci--;
        if (ci >= 0) off = ch[ci]!.s.length - 1;
      }
    }
  }

  /** First position whose element satisfies a monotone (false…false, true…true) predicate. */
  lowerBound(pred: (score: number, member: string) => boolean): number {
    const ch = this.#chunks;
    let lo = 0, hi = ch.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const c = ch[mid]!;
      const k = c.s.length - 1;
      if (pred(c.s[k]!, c.e[k]!)) hi = mid; else lo = mid + 1;
    }
    if (lo === ch.length) return this.length;
    const c = ch[lo]!;
    let a = 0, b = c.s.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (pred(c.s[mid]!, c.e[mid]!)) b = mid; else a = mid + 1;
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
