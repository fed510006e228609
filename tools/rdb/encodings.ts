/**
 * Decoders for the compact blobs an RDB embeds as single strings: ziplist (Redis 2.6-6.2),
 * listpack (5.0+), intset (2.2+) and zipmap (2.2-2.6). Each walks its blob with an integer
 * cursor, validates it the way Redis's `*ValidateIntegrity(..., deep=1)` does (header sizes
 * vs blob size, every entry in bounds, back-lengths, terminator, element count), and hands
 * entries out without allocating until the caller asks for the bytes.
 *
 *   listpack  <total-bytes u32le> <num-elements u16le> <entry>* 0xFF
 *             entry = <encoding+data> <backlen 1..5 bytes, varint from the right>
 *   ziplist   <zlbytes u32le> <zltail u32le> <zllen u16le> <entry>* 0xFF
 *             entry = <prevlen 1 or 0xFE+4> <encoding> <data>
 *   intset    <encoding u32le: 2|4|8> <length u32le> <sorted little-endian integers>
 *   zipmap    <len u8> (<klen> key <vlen> <free u8> value <free bytes>)* 0xFF
 */

import {
  LP_EOF,
  LP_HDR_NUMELE_UNKNOWN,
  LP_HDR_SIZE,
  ZIP_BIG_PREVLEN,
  ZIP_END,
  ZIPLIST_HEADER_SIZE,
  ZIPMAP_BIGLEN,
  ZIPMAP_END,
} from './constants.js';

/** Thrown by the blob decoders; the reader turns it into REDKIT_E_RDB_CORRUPT at the blob's offset. */
export class BlobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlobError';
  }
}

const TWO32 = 4294967296;

/** Copies `src[start, end)` into a new Buffer (never a view: records must not pin input chunks). */
export function copyBytes(src: Uint8Array, start: number, end: number): Buffer {
  const n = end - start;
  const out = Buffer.allocUnsafe(n);
  if (n < 128) {
    for (let i = 0; i < n; i++) out[i] = src[start + i]!;
  } else {
    out.set(src.subarray(start, end));
  }
  return out;
}

const SMALL_INTS: Buffer[] = [];
for (let i = 0; i < 1024; i++) SMALL_INTS.push(Buffer.from(String(i), 'latin1'));

/** Decimal text of an integer as a Buffer (what Redis returns for int-encoded values). */
export function intToBuffer(n: number | bigint): Buffer {
  if (typeof n === 'number' && n >= 0 && n < 1024) return Buffer.from(SMALL_INTS[n]!);
  return Buffer.from(String(n), 'latin1');
}

/** Common cursor protocol for listpack and ziplist entries. */
export interface PackEntry {
  /** True when the current entry is an integer (then `int` holds it), else a string at [strStart, strEnd). */
  isInt: boolean;
  int: number | bigint;
  strStart: number;
  strEnd: number;
  readonly blob: Uint8Array;
}

/** Materializes the current entry as bytes (integers as decimal text). */
export function entryBytes(e: PackEntry): Buffer {
  return e.isInt ? intToBuffer(e.int) : copyBytes(e.blob, e.strStart, e.strEnd);
}

/** Current entry as a JS number when it is an integer or numeric text (used for stream fields). */
export function entryInt(e: PackEntry, what: string): number | bigint {
  if (e.isInt) return e.int;
  const s = Buffer.from(e.blob.buffer, e.blob.byteOffset + e.strStart, e.strEnd - e.strStart).toString('latin1');
  if (!/^-?\d+$/.test(s)) throw new BlobError(`${what} is not an integer`);
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : BigInt(s);
}

function readInt64LE(b: Uint8Array, p: number): number | bigint {
  const lo = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  const hi = b[p + 4]! | (b[p + 5]! << 8) | (b[p + 6]! << 16) | (b[p + 7]! << 24); // signed
  if (hi >= -0x200000 && hi < 0x200000) return hi * TWO32 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/**
 * Listpack iterator: `new ListpackReader(blob, start, end)`, then `while (r.next()) ...`.
 * The constructor validates the header; `next()` validates each entry; when it returns false
 * the terminator and element count have been checked.
 */
export class ListpackReader implements PackEntry {
  readonly blob: Uint8Array;
  readonly count: number; // header count (65535 = unknown)
  isInt = false;
  int: number | bigint = 0;
  strStart = 0;
  strEnd = 0;
  #p: number;
  #end: number;
  #seen = 0;

  constructor(blob: Uint8Array, start = 0, end = blob.length) {
    this.blob = blob;
    const size = end - start;
    if (size < LP_HDR_SIZE + 1) throw new BlobError(`listpack of ${size} bytes is shorter than its header`);
    const total = (blob[start]! | (blob[start + 1]! << 8) | (blob[start + 2]! << 16) | (blob[start + 3]! << 24)) >>> 0;
    if (total !== size) throw new BlobError(`listpack header says ${total} bytes but the blob has ${size}`);
    if (blob[end - 1] !== LP_EOF) throw new BlobError('listpack does not end with 0xFF');
    this.count = blob[start + 4]! | (blob[start + 5]! << 8);
    this.#p = start + LP_HDR_SIZE;
    this.#end = end - 1;
  }

  next(): boolean {
    const b = this.blob;
    const p = this.#p;
    const end = this.#end;
    if (p >= end) {
      if (p !== end) throw new BlobError('listpack entry runs past the end');
      if (this.count !== LP_HDR_NUMELE_UNKNOWN && this.count !== this.#seen) {
        throw new BlobError(`listpack header says ${this.count} entries but it holds ${this.#seen}`);
      }
      return false;
    }
    const c = b[p]!;
    let len: number; // encoding + data bytes
    if (c < 0x80) {
      this.isInt = true;
      this.int = c;
      len = 1;
    } else if (c < 0xc0) {
      const n = c & 0x3f;
      this.isInt = false;
      this.strStart = p + 1;
      this.strEnd = p + 1 + n;
      len = 1 + n;
    } else if (c < 0xe0) {
      if (p + 1 >= end) throw new BlobError('listpack entry runs past the end');
      let v = ((c & 0x1f) << 8) | b[p + 1]!;
      if (v >= 4096) v -= 8192;
      this.isInt = true;
      this.int = v;
      len = 2;
    } else if (c < 0xf0) {
      if (p + 1 >= end) throw new BlobError('listpack entry runs past the end');
      const n = ((c & 0x0f) << 8) | b[p + 1]!;
      this.isInt = false;
      this.strStart = p + 2;
      this.strEnd = p + 2 + n;
      len = 2 + n;
    } else {
      switch (c) {
        case 0xf0: {
          if (p + 4 >= end) throw new BlobError('listpack entry runs past the end');
          const n = (b[p + 1]! | (b[p + 2]! << 8) | (b[p + 3]! << 16) | (b[p + 4]! << 24)) >>> 0;
          this.isInt = false;
          this.strStart = p + 5;
          this.strEnd = p + 5 + n;
          len = 5 + n;
          break;
        }
        case 0xf1:
          if (p + 2 >= end) throw new BlobError('listpack entry runs past the end');
          this.isInt = true;
          this.int = ((b[p + 1]! | (b[p + 2]! << 8)) << 16) >> 16;
          len = 3;
          break;
        case 0xf2:
          if (p + 3 >= end) throw new BlobError('listpack entry runs past the end');
          this.isInt = true;
          this.int = ((b[p + 1]! | (b[p + 2]! << 8) | (b[p + 3]! << 16)) << 8) >> 8;
          len = 4;
          break;
        case 0xf3:
          if (p + 4 >= end) throw new BlobError('listpack entry runs past the end');
          this.isInt = true;
          this.int = b[p + 1]! | (b[p + 2]! << 8) | (b[p + 3]! << 16) | (b[p + 4]! << 24);
          len = 5;
          break;
        case 0xf4:
          if (p + 8 >= end) throw new BlobError('listpack entry runs past the end');
          this.isInt = true;
          this.int = readInt64LE(b, p + 1);
          len = 9;
          break;
        default:
          throw new BlobError(`invalid listpack entry encoding 0x${c.toString(16)}`);
      }
    }
    const backlen = len < 128 ? 1 : len < 16384 ? 2 : len < 2097152 ? 3 : len < 268435456 ? 4 : 5;
    const next = p + len + backlen;
    if (next > end) throw new BlobError('listpack entry runs past the end');
    // The back-length is a varint stored right to left; check that it encodes `len`.
    let q = next - 1;
    let v = 0;
    let shift = 0;
    for (let i = 0; i < backlen; i++) {
      const x = b[q--]!;
      v += (x & 127) * 2 ** shift;
      shift += 7;
      if ((x & 128) === 0) {
        if (i !== backlen - 1) v = -1;
        break;
      }
    }
    if (v !== len) throw new BlobError('listpack entry back-length does not match its size');
    this.#p = next;
    this.#seen++;
    return true;
  }
}

/** Ziplist iterator with the same protocol as ListpackReader. */
export class ZiplistReader implements PackEntry {
  readonly blob: Uint8Array;
  readonly count: number;
  isInt = false;
  int: number | bigint = 0;
  strStart = 0;
  strEnd = 0;
  #p: number;
  #end: number;
  #start: number;
  #tail: number;
  #prevLen = 0;
  #prevStart = -1;
  #seen = 0;

  constructor(blob: Uint8Array, start = 0, end = blob.length) {
    this.blob = blob;
    const size = end - start;
    if (size < ZIPLIST_HEADER_SIZE + 1) throw new BlobError(`ziplist of ${size} bytes is shorter than its header`);
    const total = (blob[start]! | (blob[start + 1]! << 8) | (blob[start + 2]! << 16) | (blob[start + 3]! << 24)) >>> 0;
    if (total !== size) throw new BlobError(`ziplist header says ${total} bytes but the blob has ${size}`);
    this.#tail = (blob[start + 4]! | (blob[start + 5]! << 8) | (blob[start + 6]! << 16) | (blob[start + 7]! << 24)) >>> 0;
    if (this.#tail > size - 1) throw new BlobError('ziplist tail offset points past the end');
    if (blob[end - 1] !== ZIP_END) throw new BlobError('ziplist does not end with 0xFF');
    this.count = blob[start + 8]! | (blob[start + 9]! << 8);
    this.#start = start;
    this.#p = start + ZIPLIST_HEADER_SIZE;
    this.#end = end - 1;
  }

  next(): boolean {
    const b = this.blob;
    let p = this.#p;
    const end = this.#end;
    if (p >= end) {
      if (p !== end) throw new BlobError('ziplist entry runs past the end');
      const tailAt = this.#prevStart < 0 ? ZIPLIST_HEADER_SIZE : this.#prevStart - this.#start;
      if (this.#prevStart >= 0 && tailAt !== this.#tail) throw new BlobError('ziplist tail offset does not point at the last entry');
      if (this.count !== 65535 && this.count !== this.#seen) {
        throw new BlobError(`ziplist header says ${this.count} entries but it holds ${this.#seen}`);
      }
      return false;
    }
    const entryStart = p;
    let prevlen = b[p]!;
    if (prevlen === ZIP_BIG_PREVLEN) {
      if (p + 4 >= end) throw new BlobError('ziplist entry runs past the end');
      prevlen = (b[p + 1]! | (b[p + 2]! << 8) | (b[p + 3]! << 16) | (b[p + 4]! << 24)) >>> 0;
      p += 5;
    } else if (prevlen === ZIP_END) {
      throw new BlobError('ziplist entry has an invalid prevlen');
    } else {
      p += 1;
    }
    if (prevlen !== this.#prevLen) throw new BlobError('ziplist entry prevlen does not match the previous entry');
    if (p >= end) throw new BlobError('ziplist entry runs past the end');
    const c = b[p]!;
    let dataEnd: number;
    if (c < 0xc0) {
      let n: number;
      let hdr: number;
      if (c < 0x40) {
        n = c & 0x3f;
        hdr = 1;
      } else if (c < 0x80) {
        if (p + 1 >= end) throw new BlobError('ziplist entry runs past the end');
        n = ((c & 0x3f) << 8) | b[p + 1]!;
        hdr = 2;
      } else {
        if (c !== 0x80) throw new BlobError(`invalid ziplist entry encoding 0x${c.toString(16)}`);
        if (p + 4 >= end) throw new BlobError('ziplist entry runs past the end');
        n = ((b[p + 1]! << 24) | (b[p + 2]! << 16) | (b[p + 3]! << 8) | b[p + 4]!) >>> 0;
        hdr = 5;
      }
      this.isInt = false;
      this.strStart = p + hdr;
      this.strEnd = p + hdr + n;
      dataEnd = this.strEnd;
    } else {
      this.isInt = true;
      switch (c) {
        case 0xc0:
          dataEnd = p + 3;
          if (dataEnd > end) break;
          this.int = ((b[p + 1]! | (b[p + 2]! << 8)) << 16) >> 16;
          break;
        case 0xd0:
          dataEnd = p + 5;
          if (dataEnd > end) break;
          this.int = b[p + 1]! | (b[p + 2]! << 8) | (b[p + 3]! << 16) | (b[p + 4]! << 24);
          break;
        case 0xe0:
          dataEnd = p + 9;
          if (dataEnd > end) break;
          this.int = readInt64LE(b, p + 1);
          break;
        case 0xf0:
          dataEnd = p + 4;
          if (dataEnd > end) break;
          this.int = ((b[p + 1]! | (b[p + 2]! << 8) | (b[p + 3]! << 16)) << 8) >> 8;
          break;
        case 0xfe:
          dataEnd = p + 2;
          if (dataEnd > end) break;
          this.int = (b[p + 1]! << 24) >> 24;
          break;
        default:
          if (c >= 0xf1 && c <= 0xfd) {
            this.int = (c & 0x0f) - 1;
            dataEnd = p + 1;
          } else {
            throw new BlobError(`invalid ziplist entry encoding 0x${c.toString(16)}`);
          }
      }
    }
    if (dataEnd > end) throw new BlobError('ziplist entry runs past the end');
    this.#prevLen = dataEnd - entryStart;
    this.#prevStart = entryStart;
    this.#p = dataEnd;
    this.#seen++;
    return true;
  }
}

/** Intset: validates the header and size, returns the width and count. */
export function intsetHeader(blob: Uint8Array, start: number, end: number): { width: number; count: number } {
  const size = end - start;
  if (size < 8) throw new BlobError(`intset of ${size} bytes is shorter than its header`);
  const width = (blob[start]! | (blob[start + 1]! << 8) | (blob[start + 2]! << 16) | (blob[start + 3]! << 24)) >>> 0;
  if (width !== 2 && width !== 4 && width !== 8) throw new BlobError(`intset has invalid encoding ${width}`);
  const count = (blob[start + 4]! | (blob[start + 5]! << 8) | (blob[start + 6]! << 16) | (blob[start + 7]! << 24)) >>> 0;
  if (8 + count * width !== size) throw new BlobError(`intset header says ${count} elements of ${width} bytes but the blob has ${size} bytes`);
  return { width, count };
}

/** The i-th intset member. */
export function intsetGet(blob: Uint8Array, start: number, width: number, i: number): number | bigint {
  const p = start + 8 + i * width;
  if (width === 2) return ((blob[p]! | (blob[p + 1]! << 8)) << 16) >> 16;
  if (width === 4) return blob[p]! | (blob[p + 1]! << 8) | (blob[p + 2]! << 16) | (blob[p + 3]! << 24);
  return readInt64LE(blob, p);
}

/**
 * Zipmap: validated like zipmapValidateIntegrity(deep=1), returns [field, value] byte ranges
 * as a flat array (start, end, start, end, ...).
 */
export function zipmapEntries(blob: Uint8Array, start: number, end: number): number[] {
  const size = end - start;
  if (size < 2) throw new BlobError(`zipmap of ${size} bytes is too short`);
  if (blob[end - 1] !== ZIPMAP_END) throw new BlobError('zipmap does not end with 0xFF');
  const last = end - 1; // index of the terminator
  const out: number[] = [];
  let p = start + 1;
  let count = 0;
  const readLen = (): number => {
    const c = blob[p]!;
    if (c < ZIPMAP_BIGLEN) {
      p += 1;
      return c;
    }
    if (p + 5 > last) throw new BlobError('zipmap entry runs past the end');
    const n = (blob[p + 1]! | (blob[p + 2]! << 8) | (blob[p + 3]! << 16) | (blob[p + 4]! << 24)) >>> 0;
    p += 5;
    return n;
  };
  while (p < last && blob[p] !== ZIPMAP_END) {
    const kl = readLen();
    const ks = p;
    p += kl;
    if (p >= last) throw new BlobError('zipmap entry runs past the end');
    const vl = readLen();
    if (p >= last) throw new BlobError('zipmap entry runs past the end');
    const free = blob[p++]!;
    const vs = p;
    p += vl + free;
    if (p > last) throw new BlobError('zipmap entry runs past the end');
    out.push(ks, ks + kl, vs, vs + vl);
    count++;
  }
  if (p !== last) throw new BlobError('zipmap terminator is not at the end of the blob');
  if (count === 0) throw new BlobError('zipmap is empty');
  if (blob[start] !== ZIPMAP_BIGLEN && blob[start] !== count) {
    throw new BlobError(`zipmap header says ${blob[start]} entries but it holds ${count}`);
  }
  return out;
}
