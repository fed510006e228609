/**
 * CRC-64/Jones as Redis computes it (crc64.c): reflected polynomial 0xad93d23594c935a9,
 * init 0, no final xor. `crc64(0, "123456789") = 0xe9c6d914c4b8d9ca`.
 *
 * JavaScript has no fast 64-bit integers, so the state is two 32-bit halves and the
 * tables are split likewise. Slicing-by-8 (eight 256-entry tables, one 8-byte step per
 * iteration) is what Redis's crcspeed does; it is ~5x faster here than the bytewise loop.
 */

const POLY_REFLECTED_HI = 0x95ac9329; // bit-reversed 0xad93d23594c935a9
const POLY_REFLECTED_LO = 0xac4bc9b5;

const TLO: Uint32Array[] = [];
const THI: Uint32Array[] = [];
(() => {
  const lo0 = new Uint32Array(256);
  const hi0 = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let lo = i;
    let hi = 0;
    for (let k = 0; k < 8; k++) {
      const bit = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (bit) {
        lo = (lo ^ POLY_REFLECTED_LO) >>> 0;
        hi = (hi ^ POLY_REFLECTED_HI) >>> 0;
      }
    }
    lo0[i] = lo;
    hi0[i] = hi;
  }
  TLO.push(lo0);
  THI.push(hi0);
  for (let t = 1; t < 8; t++) {
    const plo = TLO[t - 1]!;
    const phi = THI[t - 1]!;
    const lo = new Uint32Array(256);
    const hi = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      const idx = plo[i]! & 0xff;
      lo[i] = (((plo[i]! >>> 8) | (phi[i]! << 24)) ^ lo0[idx]!) >>> 0;
      hi[i] = ((phi[i]! >>> 8) ^ hi0[idx]!) >>> 0;
    }
    TLO.push(lo);
    THI.push(hi);
  }
})();

/** Incremental CRC64 state. */
export class Crc64 {
  #lo = 0;
  #hi = 0;

  update(data: Uint8Array, start = 0, end = data.length): this {
    let lo = this.#lo;
    let hi = this.#hi;
    let i = start;
    const L0 = TLO[0]!, L1 = TLO[1]!, L2 = TLO[2]!, L3 = TLO[3]!, L4 = TLO[4]!, L5 = TLO[5]!, L6 = TLO[6]!, L7 = TLO[7]!;
    const H0 = THI[0]!, H1 = THI[1]!, H2 = THI[2]!, H3 = THI[3]!, H4 = THI[4]!, H5 = THI[5]!, H6 = THI[6]!, H7 = THI[7]!;
    const end8 = end - 7;
    while (i < end8) {
      const a = lo ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
      const b = hi ^ (data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24));
      const a0 = a & 0xff, a1 = (a >>> 8) & 0xff, a2 = (a >>> 16) & 0xff, a3 = a >>> 24;
      const b0 = b & 0xff, b1 = (b >>> 8) & 0xff, b2 = (b >>> 16) & 0xff, b3 = b >>> 24;
      lo = L7[a0]! ^ L6[a1]! ^ L5[a2]! ^ L4[a3]! ^ L3[b0]! ^ L2[b1]! ^ L1[b2]! ^ L0[b3]!;
      hi = H7[a0]! ^ H6[a1]! ^ H5[a2]! ^ H4[a3]! ^ H3[b0]! ^ H2[b1]! ^ H1[b2]! ^ H0[b3]!;
      i += 8;
    }
    while (i < end) {
      const idx = (lo ^ data[i]!) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ L0[idx]!;
      hi = (hi >>> 8) ^ H0[idx]!;
      i++;
    }
    this.#lo = lo >>> 0;
    this.#hi = hi >>> 0;
    return this;
  }

  /** The checksum as 16 lowercase hex digits (the way Redis logs it). */
  hex(): string {
    return this.#hi.toString(16).padStart(8, '0') + this.#lo.toString(16).padStart(8, '0');
  }

  /** The 8 bytes Redis appends to a dump (little-endian). */
  bytes(): Buffer {
    const out = Buffer.allocUnsafe(8);
    out.writeUInt32LE(this.#lo, 0);
    out.writeUInt32LE(this.#hi, 4);
    return out;
  }

  bigint(): bigint {
    return (BigInt(this.#hi) << 32n) | BigInt(this.#lo);
  }
}

/** One-shot CRC64 of a buffer. */
export function crc64(data: Uint8Array): Crc64 {
  return new Crc64().update(data);
}

/** Renders 8 little-endian bytes (as stored in a dump) as 16 hex digits. */
export function crcBytesToHex(data: Uint8Array, at: number): string {
  let s = '';
  for (let i = 7; i >= 0; i--) s += data[at + i]!.toString(16).padStart(2, '0');
  return s;
}
