/**
 * The iteration order of a CPython 2.7 dict of str keys, for choosing which of several equal
 * rows redis-faina shows when a tie straddles its top-8 cut.
 *
 * redis-faina sorts `dict.iteritems()` by count (a stable sort), so among equal counts the rows
 * come in dict order, which in Python 2.7 (no hash randomisation by default) is a deterministic
 * function of the keys and their insertion order: the string hash below, open addressing with
 * perturbed probing (`i = 5*i + perturb + 1; perturb >>= 5`), and a resize to the smallest
 * power of two above 4*used (2*used past 50000 entries) once the table is 2/3 full, re-inserting
 * in old slot order (Objects/stringobject.c string_hash, Objects/dictobject.c). Only used at
 * report time, over the distinct names.
 */

const M64 = (1n << 64n) - 1n;

/**
 * CPython 2.7 `hash(str)` on a 64-bit build (bytes = latin1 chars), as an unsigned 64-bit
 * value. Computed on two 32-bit halves (x * 1000003 mod 2^64) for speed; see py2StrHashBig.
 */
export function py2StrHash(s: string): bigint {
  const n = s.length;
  if (n === 0) return 0n;
  let hi = 0;
  let lo = ((s.charCodeAt(0) & 0xff) << 7) >>> 0;
  for (let i = 0; i < n; i++) {
    const p = lo * 1000003; // < 2^52: exact
    const carry = Math.floor(p / 4294967296);
    hi = (Math.imul(hi, 1000003) + carry) >>> 0;
    lo = ((p >>> 0) ^ (s.charCodeAt(i) & 0xff)) >>> 0;
  }
  lo = (lo ^ n) >>> 0;
  let x = (BigInt(hi) << 32n) | BigInt(lo);
  if (x === M64) x = M64 - 1n; // -1 is reserved: becomes -2
  return x;
}

/** Reference form of py2StrHash (BigInt arithmetic), for tests. */
export function py2StrHashBig(s: string): bigint {
  if (s.length === 0) return 0n;
  let x = BigInt(s.charCodeAt(0) & 0xff) << 7n;
  for (let i = 0; i < s.length; i++) x = ((1000003n * x) & M64) ^ BigInt(s.charCodeAt(i) & 0xff);
  x ^= BigInt(s.length);
  x &= M64;
  if (x === M64) x = M64 - 1n;
  return x;
}

const MINSIZE = 8;

class Table {
  keys: Array<string | undefined>;
  hashes: bigint[];
  mask: number;

  constructor(size: number) {
    this.keys = new Array<string | undefined>(size);
    this.hashes = new Array<bigint>(size);
    this.mask = size - 1;
  }

  /** First empty slot of the probe sequence (there are no deletions, hence no dummies). */
  insertClean(key: string, hash: bigint): void {
    const mask = BigInt(this.mask);
    let i = hash & mask;
    let perturb = hash;
    while (this.keys[Number(i & mask)] !== undefined) {
      i = ((i << 2n) + i + perturb + 1n) & M64;
      perturb >>= 5n;
    }
    const slot = Number(i & mask);
    this.keys[slot] = key;
    this.hashes[slot] = hash;
  }
}

/** The order in which a Python 2.7 dict yields `keys` inserted in the given order. */
export function py2DictOrder(keys: Iterable<string>): string[] {
  let t = new Table(MINSIZE);
  let used = 0;
  for (const k of keys) {
    t.insertClean(k, py2StrHash(k));
    used++;
    // PyDict_SetItem: resize when fill*3 >= size*2 (fill == used without deletions)
    if (used * 3 >= (t.mask + 1) * 2) {
      const minused = (used > 50000 ? 2 : 4) * used;
      let size = MINSIZE;
      while (size <= minused) size <<= 1;
      const old = t;
      t = new Table(size);
      for (let i = 0; i <= old.mask; i++) {
        const ok = old.keys[i];
        if (ok !== undefined) t.insertClean(ok, old.hashes[i]!);
      }
    }
  }
  return t.keys.filter((k): k is string => k !== undefined);
}
