/**
 * HyperLogLog registers in Redis's exact byte format (hyperloglog.c), so that HLL strings move
 * freely between redkit and real Redis (DUMP/RESTORE, RDB files, GET/SET).
 *
 *   +------+---+-----+----------+
 *   | HYLL | E | N/U | Cardin.  |   16-byte header: magic, encoding (0 dense, 1 sparse),
 *   +------+---+-----+----------+   3 unused bytes, cached cardinality (uint64 LE; the MSB of
 *                                    byte 15 set = cache invalid)
 * Dense: 16384 6-bit registers, little-endian bit order (12288 bytes).
 * Sparse: opcodes ZERO `00xxxxxx` (1..64 zero registers), XZERO `01xxxxxx yyyyyyyy`
 * (1..16384 zero registers), VAL `1vvvvvxx` (value 1..32 repeated 1..4 times).
 *
 * Elements are hashed with MurmurHash64A (seed 0xadc83b19), the low 14 bits pick the register
 * and the run of zeros in the remaining 50 bits (+1) is the register candidate. Sparse updates
 * follow hllSparseSet step by step (split, promote past hll-sparse-max-bytes, merge adjacent VAL
 * opcodes scanning 5 opcodes from the previous one), so the bytes are the ones Redis writes.
 */

export const HLL_P = 14;
export const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
export const HLL_P_MASK = HLL_REGISTERS - 1;
export const HLL_BITS = 6;
export const HLL_REGISTER_MAX = (1 << HLL_BITS) - 1;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + ((HLL_REGISTERS * HLL_BITS + 7) >> 3);
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
export const HLL_MAX_ENCODING = 1;
const HLL_SPARSE_VAL_MAX_VALUE = 32;
const HLL_SPARSE_VAL_MAX_LEN = 4;
const HLL_SPARSE_ZERO_MAX_LEN = 64;
const HLL_SPARSE_XZERO_MAX_LEN = 16384;
const HLL_ALPHA_INF = 0.721347520444481703680;

// ---------------------------------------------------------------------------------------------
// MurmurHash64A over 32-bit halves (BigInt would be ~20x slower on the PFADD path).

let rHi = 0;
let rLo = 0;

/** (aHi:aLo) * (bHi:bLo) mod 2^64 into rHi:rLo. */
function mul64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const a0 = aLo & 0xffff;
  const a1 = aLo >>> 16;
  const b0 = bLo & 0xffff;
  const b1 = bLo >>> 16;
  const mid = a0 * b1 + a1 * b0;
  const lo = a0 * b0 + (mid % 65536) * 65536;
  let hi = a1 * b1 + Math.floor(mid / 65536) + Math.floor(lo / 4294967296);
  hi = (hi + Math.imul(aHi, bLo) + Math.imul(aLo, bHi)) >>> 0;
  rHi = hi;
  rLo = lo >>> 0;
}

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;

/** MurmurHash64A as Redis uses it (little-endian block reads); result in [hi, lo]. */
export function murmurHash64A(data: Uint8Array, seed: number): [number, number] {
  const len = data.length;
  // h = seed ^ (len * m)
  mul64(0, len >>> 0, M_HI, M_LO);
  let hHi = rHi;
  let hLo = (rLo ^ seed) >>> 0;
  const nblocks = len >>> 3;
  let i = 0;
  for (let b = 0; b < nblocks; b++, i += 8) {
    let kLo = (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)) >>> 0;
    let kHi = (data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24)) >>> 0;
    mul64(kHi, kLo, M_HI, M_LO);
    kHi = rHi;
    kLo = rLo;
    // k ^= k >> 47
    kLo = (kLo ^ (kHi >>> 15)) >>> 0;
    mul64(kHi, kLo, M_HI, M_LO);
    hHi = (hHi ^ rHi) >>> 0;
    hLo = (hLo ^ rLo) >>> 0;
    mul64(hHi, hLo, M_HI, M_LO);
    hHi = rHi;
    hLo = rLo;
  }
  const rem = len & 7;
  if (rem) {
    for (let j = rem - 1; j >= 0; j--) {
      const byte = data[i + j]!;
      if (j >= 4) hHi = (hHi ^ (byte << ((j - 4) * 8))) >>> 0;
      else hLo = (hLo ^ (byte << (j * 8))) >>> 0;
    }
    mul64(hHi, hLo, M_HI, M_LO);
    hHi = rHi;
    hLo = rLo;
  }
  hLo = (hLo ^ (hHi >>> 15)) >>> 0;
  mul64(hHi, hLo, M_HI, M_LO);
  hHi = rHi;
  hLo = rLo;
  hLo = (hLo ^ (hHi >>> 15)) >>> 0;
  return [hHi, hLo];
}

/** hllPatLen: register index and the run length of zeros + 1 for an element. */
export function hllPatLen(ele: Uint8Array): { index: number; count: number } {
  const [hi, lo] = murmurHash64A(ele, 0xadc83b19);
  const index = lo & HLL_P_MASK;
  // hash >>= HLL_P; hash |= 1 << HLL_Q; count trailing zeros + 1.
  const sLo = ((lo >>> HLL_P) | (hi << (32 - HLL_P))) >>> 0;
  const sHi = (hi >>> HLL_P) | (1 << (HLL_Q - 32));
  let count: number;
  if (sLo !== 0) count = ctz32(sLo) + 1;
  else count = 32 + ctz32(sHi) + 1;
  return { index, count };
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

// ---------------------------------------------------------------------------------------------
// Dense registers.

export function denseGet(regs: Uint8Array, off: number, i: number): number {
  const bit = i * HLL_BITS;
  const b = off + (bit >> 3);
  const fb = bit & 7;
  const b0 = regs[b]!;
  const b1 = b + 1 < regs.length ? regs[b + 1]! : 0;
  return ((b0 >> fb) | (b1 << (8 - fb))) & HLL_REGISTER_MAX;
}

export function denseSet(regs: Uint8Array, off: number, i: number, val: number): void {
  const bit = i * HLL_BITS;
  const b = off + (bit >> 3);
  const fb = bit & 7;
  regs[b] = (regs[b]! & ~(HLL_REGISTER_MAX << fb)) | (val << fb);
  if (fb > 8 - HLL_BITS) {
    const fb8 = 8 - fb;
    regs[b + 1] = (regs[b + 1]! & ~(HLL_REGISTER_MAX >> fb8)) | (val >> fb8);
  }
}

// ---------------------------------------------------------------------------------------------
// The HLL object: a growable byte buffer holding header + representation.

export class Hll {
  buf: Uint8Array;
  len: number;

  constructor(bytes: Uint8Array, len = bytes.length) {
    this.buf = bytes;
    this.len = len;
  }

  /** createHLLObject: an empty sparse HLL (XZERO opcodes covering all registers). */
  static create(): Hll {
    const n = HLL_HDR_SIZE + Math.ceil(HLL_REGISTERS / HLL_SPARSE_XZERO_MAX_LEN) * 2;
    const b = new Uint8Array(n + 64);
    b.set([0x48, 0x59, 0x4c, 0x4c], 0); // HYLL
    b[4] = HLL_SPARSE;
    let p = HLL_HDR_SIZE;
    let aux = HLL_REGISTERS;
    while (aux) {
      const x = Math.min(HLL_SPARSE_XZERO_MAX_LEN, aux);
      b[p] = ((x - 1) >> 8) | 0x40;
      b[p + 1] = (x - 1) & 0xff;
      p += 2;
      aux -= x;
    }
    return new Hll(b, n);
  }

  static fromLatin1(s: string): Hll {
    const b = new Uint8Array(s.length + 64);
    for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
    return new Hll(b, s.length);
  }

  toLatin1(): string {
    return Buffer.from(this.buf.buffer, this.buf.byteOffset, this.len).toString('latin1');
  }

  bytes(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.len));
  }

  /** isHLLObjectOrReply's checks (without the type check). */
  static isValidHeader(s: string): boolean {
    if (s.length < HLL_HDR_SIZE) return false;
    if (s.charCodeAt(0) !== 0x48 || s.charCodeAt(1) !== 0x59 || s.charCodeAt(2) !== 0x4c || s.charCodeAt(3) !== 0x4c) return false;
    const enc = s.charCodeAt(4);
    if (enc > HLL_MAX_ENCODING) return false;
    if (enc === HLL_DENSE && s.length !== HLL_DENSE_SIZE) return false;
    return true;
  }

  get encoding(): number {
    return this.buf[4]!;
  }

  invalidateCache(): void {
    this.buf[15] = this.buf[15]! | 0x80;
  }

  get cacheValid(): boolean {
    return (this.buf[15]! & 0x80) === 0;
  }

  getCache(): number {
    let v = 0;
    for (let i = 7; i >= 0; i--) v = v * 256 + this.buf[8 + i]!;
    return v;
  }

  setCache(card: number): void {
    let v = card;
    for (let i = 0; i < 8; i++) {
      this.buf[8 + i] = v % 256;
      v = Math.floor(v / 256);
    }
  }

  #ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    const nb = new Uint8Array(Math.max(this.len + extra, this.buf.length * 2));
    nb.set(this.buf.subarray(0, this.len));
    this.buf = nb;
  }

  /** hllAdd: 1 when a register changed, 0 if not, -1 when the sparse form is invalid. */
  add(ele: Uint8Array, sparseMaxBytes: number): number {
    const { index, count } = hllPatLen(ele);
    return this.set(index, count, sparseMaxBytes);
  }

  set(index: number, count: number, sparseMaxBytes: number): number {
    if (this.encoding === HLL_DENSE) return this.#denseSet(index, count);
    if (this.encoding === HLL_SPARSE) return this.#sparseSet(index, count, sparseMaxBytes);
    return -1;
  }

  #denseSet(index: number, count: number): number {
    const old = denseGet(this.buf, HLL_HDR_SIZE, index);
    if (count > old) {
      denseSet(this.buf, HLL_HDR_SIZE, index, count);
      return 1;
    }
    return 0;
  }

  /** hllSparseToDense: false when the sparse representation is invalid. */
  toDense(): boolean {
    if (this.encoding === HLL_DENSE) return true;
    const dense = new Uint8Array(HLL_DENSE_SIZE);
    dense.set(this.buf.subarray(0, HLL_HDR_SIZE));
    dense[4] = HLL_DENSE;
    const b = this.buf;
    let p = HLL_HDR_SIZE;
    const end = this.len;
    let idx = 0;
    while (p < end) {
      const op = b[p]!;
      if ((op & 0xc0) === 0) {
        idx += (op & 0x3f) + 1;
        p++;
      } else if ((op & 0xc0) === 0x40) {
        idx += (((op & 0x3f) << 8) | (b[p + 1] ?? 0)) + 1;
        p += 2;
      } else {
        const runlen = (op & 3) + 1;
        const val = ((op >> 2) & 0x1f) + 1;
        if (runlen + idx > HLL_REGISTERS) break;
        for (let r = 0; r < runlen; r++) denseSet(dense, HLL_HDR_SIZE, idx++, val);
        p++;
      }
    }
    if (idx !== HLL_REGISTERS) return false;
    this.buf = dense;
    this.len = HLL_DENSE_SIZE;
    return true;
  }

  #sparseSet(index: number, count: number, sparseMaxBytes: number): number {
    if (count > HLL_SPARSE_VAL_MAX_VALUE) return this.#promote(index, count);
    this.#ensure(3);
    let b = this.buf;
    const sparse = HLL_HDR_SIZE;
    let end = this.len;
    let p = sparse;
    let first = 0;
    let prev = -1;
    let span = 0;
    while (p < end) {
      let oplen = 1;
      const op = b[p]!;
      if ((op & 0xc0) === 0) span = (op & 0x3f) + 1;
      else if (op & 0x80) span = (op & 3) + 1;
      else {
        span = (((op & 0x3f) << 8) | (b[p + 1] ?? 0)) + 1;
        oplen = 2;
      }
      if (index <= first + span - 1) break;
      prev = p;
      p += oplen;
      first += span;
    }
    if (span === 0 || p >= end) return -1;
    const op = b[p]!;
    const isXzero = (op & 0xc0) === 0x40;
    const isZero = (op & 0xc0) === 0;
    const isVal = (op & 0x80) !== 0;
    let next = isXzero ? p + 2 : p + 1;
    if (next >= end) next = -1;
    const runlen = isZero ? (op & 0x3f) + 1 : isXzero ? (((op & 0x3f) << 8) | b[p + 1]!) + 1 : (op & 3) + 1;

    let updatedInPlace = false;
    if (isVal) {
      const oldcount = ((op >> 2) & 0x1f) + 1;
      if (oldcount >= count) return 0;
      if (runlen === 1) {
        b[p] = valOp(count, 1);
        updatedInPlace = true;
      }
    }
    if (!updatedInPlace && isZero && runlen === 1) {
      b[p] = valOp(count, 1);
      updatedInPlace = true;
    }
    if (!updatedInPlace) {
      const seq: number[] = [];
      const last = first + span - 1;
      if (isZero || isXzero) {
        if (index !== first) pushZero(seq, index - first);
        seq.push(valOp(count, 1));
        if (index !== last) pushZero(seq, last - index);
      } else {
        const curval = ((op >> 2) & 0x1f) + 1;
        if (index !== first) seq.push(valOp(curval, index - first));
        seq.push(valOp(count, 1));
        if (index !== last) seq.push(valOp(curval, last - index));
      }
      const oldlen = isXzero ? 2 : 1;
      const deltalen = seq.length - oldlen;
      if (deltalen > 0 && this.len + deltalen > sparseMaxBytes) return this.#promote(index, count);
      if (deltalen && next !== -1) b.copyWithin(next + deltalen, next, end);
      this.len += deltalen;
      for (let k = 0; k < seq.length; k++) b[p + k] = seq[k]!;
      end += deltalen;
    }
    // Step 4: merge adjacent VAL opcodes with equal values, scanning 5 opcodes from prev.
    b = this.buf;
    p = prev >= 0 ? prev : sparse;
    let scanlen = 5;
    while (p < end && scanlen--) {
      const o = b[p]!;
      if ((o & 0xc0) === 0x40) {
        p += 2;
        continue;
      } else if ((o & 0xc0) === 0) {
        p++;
        continue;
      }
      if (p + 1 < end && b[p + 1]! & 0x80) {
        const v1 = ((o >> 2) & 0x1f) + 1;
        const o2 = b[p + 1]!;
        const v2 = ((o2 >> 2) & 0x1f) + 1;
        if (v1 === v2) {
          const l = (o & 3) + 1 + (o2 & 3) + 1;
          if (l <= HLL_SPARSE_VAL_MAX_LEN) {
            b[p + 1] = valOp(v1, l);
            b.copyWithin(p, p + 1, end);
            this.len--;
            end--;
            continue;
          }
        }
      }
      p++;
    }
    this.invalidateCache();
    return 1;
  }

  #promote(index: number, count: number): number {
    if (!this.toDense()) return -1;
    return this.#denseSet(index, count);
  }

  /** Register histogram (reghisto); sets invalid when the sparse form does not cover 16384. */
  histogram(): { histo: Int32Array; invalid: boolean } {
    const histo = new Int32Array(64);
    let invalid = false;
    if (this.encoding === HLL_DENSE) {
      for (let i = 0; i < HLL_REGISTERS; i++) histo[denseGet(this.buf, HLL_HDR_SIZE, i)]!++;
    } else {
      const b = this.buf;
      let p = HLL_HDR_SIZE;
      let idx = 0;
      while (p < this.len) {
        const op = b[p]!;
        if ((op & 0xc0) === 0) {
          const r = (op & 0x3f) + 1;
          idx += r;
          histo[0]! += r;
          p++;
        } else if ((op & 0xc0) === 0x40) {
          const r = (((op & 0x3f) << 8) | (b[p + 1] ?? 0)) + 1;
          idx += r;
          histo[0]! += r;
          p += 2;
        } else {
          const r = (op & 3) + 1;
          idx += r;
          histo[((op >> 2) & 0x1f) + 1]! += r;
          p++;
        }
      }
      if (idx !== HLL_REGISTERS) invalid = true;
    }
    return { histo, invalid };
  }

  /** hllCount: the estimate, or null when the sparse representation is invalid. */
  count(): number | null {
    const { histo, invalid } = this.histogram();
    if (invalid) return null;
    return countFromHistogram(histo);
  }

  /** hllMerge into `max` (uint8 per register); false when the sparse form is invalid. */
  mergeInto(max: Uint8Array): boolean {
    if (this.encoding === HLL_DENSE) {
      for (let i = 0; i < HLL_REGISTERS; i++) {
        const v = denseGet(this.buf, HLL_HDR_SIZE, i);
        if (v > max[i]!) max[i] = v;
      }
      return true;
    }
    const b = this.buf;
    let p = HLL_HDR_SIZE;
    let i = 0;
    while (p < this.len) {
      const op = b[p]!;
      if ((op & 0xc0) === 0) {
        i += (op & 0x3f) + 1;
        p++;
      } else if ((op & 0xc0) === 0x40) {
        i += (((op & 0x3f) << 8) | (b[p + 1] ?? 0)) + 1;
        p += 2;
      } else {
        let runlen = (op & 3) + 1;
        const v = ((op >> 2) & 0x1f) + 1;
        if (runlen + i > HLL_REGISTERS) break;
        while (runlen--) {
          if (v > max[i]!) max[i] = v;
          i++;
        }
        p++;
      }
    }
    return i === HLL_REGISTERS;
  }

  /** All 16384 register values. */
  registers(): Uint8Array {
    const out = new Uint8Array(HLL_REGISTERS);
    if (this.encoding === HLL_DENSE) {
      for (let i = 0; i < HLL_REGISTERS; i++) out[i] = denseGet(this.buf, HLL_HDR_SIZE, i);
    } else this.mergeInto(out);
    return out;
  }

  /** PFDEBUG DECODE text, or null when not sparse. */
  decodeSparse(): string | null {
    if (this.encoding !== HLL_SPARSE) return null;
    const parts: string[] = [];
    const b = this.buf;
    let p = HLL_HDR_SIZE;
    while (p < this.len) {
      const op = b[p]!;
      if ((op & 0xc0) === 0) {
        parts.push(`z:${(op & 0x3f) + 1}`);
        p++;
      } else if ((op & 0xc0) === 0x40) {
        parts.push(`Z:${(((op & 0x3f) << 8) | (b[p + 1] ?? 0)) + 1}`);
        p += 2;
      } else {
        parts.push(`v:${((op >> 2) & 0x1f) + 1},${(op & 3) + 1}`);
        p++;
      }
    }
    return parts.join(' ');
  }
}

function valOp(val: number, len: number): number {
  return (((val - 1) << 2) | (len - 1) | 0x80) & 0xff;
}

function pushZero(seq: number[], len: number): void {
  if (len > HLL_SPARSE_ZERO_MAX_LEN) {
    seq.push(((len - 1) >> 8) | 0x40, (len - 1) & 0xff);
  } else seq.push((len - 1) & 0x3f);
}

function hllSigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

function hllTau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1.0;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    z -= Math.pow(1 - x, 2) * y;
  } while (zPrime !== z);
  return z / 3;
}

/** The estimator of hllCount from a register histogram. */
export function countFromHistogram(histo: ArrayLike<number>): number {
  const m = HLL_REGISTERS;
  let z = m * hllTau((m - histo[HLL_Q + 1]!) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += histo[j]!;
    z *= 0.5;
  }
  z += m * hllSigma(histo[0]! / m);
  return llround((HLL_ALPHA_INF * m * m) / z);
}

/** llroundl: round half away from zero. */
function llround(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** Count of a raw register array (PFCOUNT with several keys). */
export function countRegisters(regs: Uint8Array): number {
  const histo = new Int32Array(64);
  for (let i = 0; i < HLL_REGISTERS; i++) histo[regs[i]!]!++;
  return countFromHistogram(histo);
}
