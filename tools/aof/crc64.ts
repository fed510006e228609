/**
 * CRC-64/Jones as Redis uses it for RDB checksums (reflected, poly 0xad93d23594c935a9,
 * init 0, no final xor; crc64("123456789") = 0xe9c6d914c4b8d9ca), on two 32-bit halves so
 * the hot loop stays in small integers.
 */
const POLY_HI = 0x95ac9329; // reflected polynomial 0x95ac9329ac4bc9b5
const POLY_LO = 0xac4bc9b5;

const T_HI = new Uint32Array(256);
const T_LO = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let hi = 0;
  let lo = i;
  for (let k = 0; k < 8; k++) {
    const bit = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (bit) { hi = (hi ^ POLY_HI) >>> 0; lo = (lo ^ POLY_LO) >>> 0; }
  }
  T_HI[i] = hi;
  T_LO[i] = lo;
}

/** Continues a CRC over `data`; returns the new [hi, lo] halves. */
export function crc64Update(hi: number, lo: number, data: Uint8Array): [number, number] {
  for (let i = 0; i < data.length; i++) {
    const idx = (lo ^ data[i]!) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ T_LO[idx]!;
    hi = (hi >>> 8) ^ T_HI[idx]!;
  }
  return [hi >>> 0, lo >>> 0];
}
