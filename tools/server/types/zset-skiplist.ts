/**
 * Skiplist with spans (ranks), as in Redis's t_zset.c (William Pugh's skiplist,
 * augmented with a span per forward link so ZRANK / ZRANGE by index are O(log n)).
 *
 * Elements are ordered by (score, member) where members compare bytewise; members
 * are latin1 JS strings (one char per byte), so `<` on strings is memcmp order.
 */

export const ZSKIPLIST_MAXLEVEL = 32;
const ZSKIPLIST_P = 0.25;

export class SkipNode {
  ele: string;
  score: number;
  backward: SkipNode | null = null;
  forward: (SkipNode | null)[];
  span: number[];
  constructor(level: number, score: number, ele: string) {
    this.ele = ele;
    this.score = score;
    this.forward = new Array<SkipNode | null>(level).fill(null);
    this.span = new Array<number>(level).fill(0);
  }
}

/** Score range with exclusive flags (ZRANGEBYSCORE "(1" "+inf"). */
export interface ScoreRange { min: number; max: number; minex: boolean; maxex: boolean }
/** Lex range: min/max are members, or the special -/+ markers. */
export interface LexRange { min: string; max: string; minex: boolean; maxex: boolean; minInf: -1 | 0 | 1; maxInf: -1 | 0 | 1 }

export function valueGteMin(v: number, r: ScoreRange): boolean { return r.minex ? v > r.min : v >= r.min; }
export function valueLteMax(v: number, r: ScoreRange): boolean { return r.maxex ? v < r.max : v <= r.max; }

function cmpLex(a: string, b: string): number { return a < b ? -1 : a > b ? 1 : 0; }
export function lexGteMin(v: string, r: LexRange): boolean {
  if (r.minInf === -1) return true;
  if (r.minInf === 1) return false;
  const c = cmpLex(v, r.min);
  return r.minex ? c > 0 : c >= 0;
}
export function lexLteMax(v: string, r: LexRange): boolean {
  if (r.maxInf === 1) return true;
  if (r.maxInf === -1) return false;
  const c = cmpLex(v, r.max);
  return r.maxex ? c < 0 : c <= 0;
}

function randomLevel(): number {
  let level = 1;
  while (Math.random() < ZSKIPLIST_P && level < ZSKIPLIST_MAXLEVEL) level++;
  return level;
}

function lessThan(score: number, ele: string, node: SkipNode): boolean {
  return node.score < score || (node.score === score && node.ele < ele);
}

export class SkipList {
  readonly header = new SkipNode(ZSKIPLIST_MAXLEVEL, 0, '');
  tail: SkipNode | null = null;
  length = 0;
  level = 1;
  readonly #update: SkipNode[] = new Array<SkipNode>(ZSKIPLIST_MAXLEVEL);
  readonly #rank: number[] = new Array<number>(ZSKIPLIST_MAXLEVEL).fill(0);

  insert(score: number, ele: string): SkipNode {
    const update = this.#update;
    const rank = this.#rank;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1]!;
      let f = x.forward[i];
      while (f && lessThan(score, ele, f)) {
        rank[i]! += x.span[i]!;
        x = f;
        f = x.forward[i];
      }
      update[i] = x;
    }
    const level = randomLevel();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.header;
        this.header.span[i] = this.length;
      }
      this.level = level;
    }
    const node = new SkipNode(level, score, ele);
    for (let i = 0; i < level; i++) {
      const u = update[i]!;
      node.forward[i] = u.forward[i]!;
      u.forward[i] = node;
      node.span[i] = u.span[i]! - (rank[0]! - rank[i]!);
      u.span[i] = rank[0]! - rank[i]! + 1;
    }
    for (let i = level; i < this.level; i++) update[i]!.span[i]!++;
    node.backward = update[0] === this.header ? null : update[0]!;
    const f0 = node.forward[0];
    if (f0) f0.backward = node; else this.tail = node;
    this.length++;
    return node;
  }

  #deleteNode(x: SkipNode, update: SkipNode[]): void {
    for (let i = 0; i < this.level; i++) {
      const u = update[i]!;
      if (u.forward[i] === x) {
        u.span[i]! += x.span[i]! - 1;
        u.forward[i] = x.forward[i]!;
      } else {
        u.span[i]!--;
      }
    }
    const f0 = x.forward[0];
    if (f0) f0.backward = x.backward; else this.tail = x.backward;
    while (this.level > 1 && this.header.forward[this.level - 1] === null) this.level--;
    this.length--;
  }

  #findUpdate(score: number, ele: string): SkipNode {
    const update = this.#update;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i];
      while (f && lessThan(score, ele, f)) { x = f; f = x.forward[i]; }
      update[i] = x;
    }
    return x;
  }

  delete(score: number, ele: string): boolean {
    const x = this.#findUpdate(score, ele).forward[0];
    if (x && x.score === score && x.ele === ele) {
      this.#deleteNode(x, this.#update);
      return true;
    }
    return false;
  }

  /** Changes the score of an element known to be present with curScore. */
  updateScore(curScore: number, ele: string, newScore: number): SkipNode {
    const update = this.#update;
    const x = this.#findUpdate(curScore, ele).forward[0]!;
    // Fast path: the node stays in place.
    if ((x.backward === null || x.backward.score < newScore) &&
        (x.forward[0] === null || x.forward[0]!.score > newScore)) {
      x.score = newScore;
      return x;
    }
    this.#deleteNode(x, update);
    return this.insert(newScore, ele);
  }

  /** 1-based rank of the element, 0 when absent. */
  getRank(score: number, ele: string): number {
    let rank = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i];
      while (f && (f.score < score || (f.score === score && f.ele <= ele))) {
        rank += x.span[i]!;
        x = f;
        f = x.forward[i];
      }
      if (x !== this.header && x.ele === ele) return rank;
    }
    return 0;
  }

  /** Node at 1-based rank. */
  getByRank(rank: number): SkipNode | null {
    let traversed = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i];
      while (f && traversed + x.span[i]! <= rank) {
        traversed += x.span[i]!;
        x = f;
        f = x.forward[i];
      }
      if (traversed === rank) return x;
    }
    return null;
  }

  first(): SkipNode | null { return this.header.forward[0] ?? null; }

  #isInRange(r: ScoreRange): boolean {
    if (r.min > r.max || (r.min === r.max && (r.minex || r.maxex))) return false;
    const t = this.tail;
    if (!t || !valueGteMin(t.score, r)) return false;
    const f = this.header.forward[0];
    if (!f || !valueLteMax(f.score, r)) return false;
    return true;
  }

  firstInRange(r: ScoreRange): SkipNode | null {
    if (!this.#isInRange(r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i];
      while (f && !valueGteMin(f.score, r)) { x = f; f = x.forward[i]; }
    }
    const n = x.forward[0];
    if (!n || !valueLteMax(n.score, r)) return null;
    return n;
  }

  lastInRange(r: ScoreRange): SkipNode | null {
    if (!this.#isInRange(r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i];
      while (f && valueLteMax(f.score, r)) { x = f; f = x.forward[i]; }
    }
    if (x === this.header || !valueGteMin(x.score, r)) return null;
    return x;
  }

  #isInLexRange(r: LexRange): boolean {
    if (r.minInf === 1 || r.maxInf === -1) return false;
    if (r.minInf === 0 && r.maxInf === 0) {
      const c = cmpLex(r.min, r.max);
      if (c > 0 || (c === 0 && (r.minex || r.maxex))) return false;
    }
    const t = this.tail;
    if (!t || !lexGteMin(t.ele, r)) return false;
    const f = this.header.forward[0];
    if (!f || !lexLteMax(f.ele, r)) return false;
    return true;
  }

  firstInLexRange(r: LexRange): SkipNode | null {
    if (!this.#isInLexRange(r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i];
      while (f && !lexGteMin(f.ele, r)) { x = f; f = x.forward[i]; }
    }
    const n = x.forward[0];
    if (!n || !lexLteMax(n.ele, r)) return null;
    return n;
  }

  lastInLexRange(r: LexRange): SkipNode | null {
    if (!this.#isInLexRange(r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i];
      while (f && lexLteMax(f.ele, r)) { x = f; f = x.forward[i]; }
    }
    if (x === this.header || !lexGteMin(x.ele, r)) return null;
    return x;
  }
}
