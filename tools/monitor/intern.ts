/**
 * A small hash table keyed by byte ranges, so that values repeated on many lines (command
 * names, client addresses) are recognised from the bytes without creating a string per line.
 * Bounded: once `capacity` entries exist, `get` still finds them but `add` refuses new ones
 * (callers fall back to the string path).
 */
export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;

/**
 * FNV's low bits only ever see the low bits of the state: mix the high bits down (murmur3
 * fmix) because table indexes are taken from the low bits.
 */
export function fmix(h0: number): number {
  let h = h0 ^ (h0 >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  return h ^ (h >>> 13);
}

export class ByteInterner<T> {
  readonly capacity: number;
  #mask: number;
  #keys: Array<Buffer | undefined>;
  #hashes: Int32Array;
  #values: Array<T | undefined>;
  #size = 0;

  constructor(capacity = 4096) {
    this.capacity = capacity;
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    this.#mask = slots - 1;
    this.#keys = new Array<Buffer | undefined>(slots);
    this.#hashes = new Int32Array(slots);
    this.#values = new Array<T | undefined>(slots);
  }

  static hash(buf: Uint8Array, s: number, e: number): number {
    let h = FNV_OFFSET;
    for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i]!, FNV_PRIME);
    return fmix(h);
  }

  #find(buf: Uint8Array, s: number, e: number, h: number): number {
    const len = e - s;
    let i = h & this.#mask;
    for (;;) {
      const k = this.#keys[i];
      if (k === undefined) return -1 - i;
      if (this.#hashes[i] === h && k.length === len) {
        let j = 0;
        while (j < len && k[j] === buf[s + j]) j++;
        if (j === len) return i;
      }
      i = (i + 1) & this.#mask;
    }
  }

  get(buf: Uint8Array, s: number, e: number, h = ByteInterner.hash(buf, s, e)): T | undefined {
    const i = this.#find(buf, s, e, h);
    return i >= 0 ? this.#values[i] : undefined;
  }

  /** Adds a value for these bytes; returns false when full. */
  add(buf: Uint8Array, s: number, e: number, value: T, h = ByteInterner.hash(buf, s, e)): boolean {
    const i = this.#find(buf, s, e, h);
    if (i >= 0) {
      this.#values[i] = value;
      return true;
    }
    if (this.#size >= this.capacity) return false;
    const slot = -1 - i;
    this.#keys[slot] = Buffer.from(buf.subarray(s, e));
    this.#hashes[slot] = h;
    this.#values[slot] = value;
    this.#size++;
    return true;
  }

  /** All keys with their values (in table order). */
  *entries(): IterableIterator<[Buffer, T]> {
    for (let i = 0; i < this.#values.length; i++) {
      const k = this.#keys[i];
      if (k !== undefined) yield [k, this.#values[i]!];
    }
  }

  /** All values (in table order). */
  *values(): IterableIterator<T> {
    for (let i = 0; i < this.#values.length; i++) if (this.#keys[i] !== undefined) yield this.#values[i]!;
  }

  get size(): number {
    return this.#size;
  }
}

/**
 * Counts per byte string, in flat typed arrays (the hot path of key and prefix counting):
 * one Int32Array row per slot `[hash, offset, length, count]` and the names' bytes in one slab,
 * so a lookup touches two cache lines instead of chasing Buffer objects. Bounded: at most
 * `capacity` names and `slabBytes` of name bytes; `add` returns false when either is full, and
 * names longer than `maxNameBytes` are never taken (callers count those elsewhere).
 */
export class ByteCounter {
  readonly capacity: number;
  readonly maxNameBytes: number;
  #mask: number;
  #meta: Int32Array;
  #slab: Uint8Array;
  #slabUsed = 0;
  readonly #slabMax: number;
  #size = 0;

  constructor(capacity = 1 << 16, opts: { slabBytes?: number; maxNameBytes?: number } = {}) {
    this.capacity = capacity;
    this.maxNameBytes = opts.maxNameBytes ?? 1024;
    this.#slabMax = opts.slabBytes ?? 16 << 20;
    // start small (cache-friendly for the usual few thousand names) and double at half full
    this.#mask = 1023;
    this.#meta = new Int32Array(1024 * 4);
    this.#slab = new Uint8Array(Math.min(this.#slabMax, 1 << 18));
  }

  #grow(): void {
    const old = this.#meta;
    const slots = (this.#mask + 1) * 2;
    const mask = slots - 1;
    const meta = new Int32Array(slots * 4);
    for (let r = 0; r < old.length; r += 4) {
      if (old[r + 3] === 0) continue;
      let i = old[r]! & mask;
      while (meta[(i << 2) + 3] !== 0) i = (i + 1) & mask;
      meta.set(old.subarray(r, r + 4), i << 2);
    }
    this.#meta = meta;
    this.#mask = mask;
  }

  /** Adds n to the count of buf[s, e). Returns false when the name cannot be tracked here. */
  add(buf: Uint8Array, s: number, e: number, n = 1): boolean {
    return this.addHashed(buf, s, e, ByteInterner.hash(buf, s, e), n);
  }

  /** Like add, with h = ByteInterner.hash(buf, s, e) already computed. */
  addHashed(buf: Uint8Array, s: number, e: number, h: number, n = 1): boolean {
    const len = e - s;
    if (len > this.maxNameBytes) return false;
    const meta = this.#meta;
    const slab = this.#slab;
    let i = h & this.#mask;
    for (;;) {
      const r = i << 2;
      const count = meta[r + 3]!;
      if (count === 0) break;
      if (meta[r] === h && meta[r + 2] === len) {
        const off = meta[r + 1]!;
        let j = 0;
        while (j < len && slab[off + j] === buf[s + j]) j++;
        if (j === len) {
          meta[r + 3] = count + n;
          return true;
        }
      }
      i = (i + 1) & this.#mask;
    }
    if (this.#size >= this.capacity) return false;
    if ((this.#size + 1) * 2 > this.#mask + 1) {
      this.#grow();
      return this.addHashed(buf, s, e, h, n);
    }
    if (this.#slabUsed + len > this.#slab.length) {
      if (this.#slabUsed + len > this.#slabMax) return false;
      let size = this.#slab.length * 2;
      while (size < this.#slabUsed + len) size *= 2;
      const bigger = new Uint8Array(Math.min(size, this.#slabMax));
      bigger.set(this.#slab.subarray(0, this.#slabUsed));
      this.#slab = bigger;
    }
    const off = this.#slabUsed;
    this.#slab.set(buf.subarray(s, e), off);
    this.#slabUsed += len;
    const r = i << 2;
    meta[r] = h;
    meta[r + 1] = off;
    meta[r + 2] = len;
    meta[r + 3] = n;
    this.#size++;
    return true;
  }

  /** Every name (latin1 string of its bytes) with its count. */
  *entries(): IterableIterator<[string, number]> {
    const meta = this.#meta;
    const slab = Buffer.from(this.#slab.buffer, this.#slab.byteOffset, this.#slabUsed);
    for (let r = 0; r < meta.length; r += 4) {
      if (meta[r + 3] !== 0) yield [slab.latin1Slice(meta[r + 1]!, meta[r + 1]! + meta[r + 2]!), meta[r + 3]!];
    }
  }

  get size(): number {
    return this.#size;
  }
}
