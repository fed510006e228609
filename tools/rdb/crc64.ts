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

/** Bytewise-free JS fallback (slicing-by-8 over two 32-bit halves). */
function updateJs(state: Uint32Array, data: Uint8Array, start: number, end: number): void {
  let lo = state[0]!;
  let hi = state[1]!;
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
  state[0] = lo >>> 0;
  state[1] = hi >>> 0;
}

/*
 * The fast path: the same slicing-by-8 loop as a 200-byte WebAssembly function using native
 * 64-bit integers (~4x the JS speed). Memory layout: 8 tables x 256 x u64 at [0, 16384), the
 * data window at [16384, 16384 + WASM_WINDOW). Hand-assembled below, opcode by opcode.
 */
const WASM_TABLES = 16384;
const WASM_WINDOW = 65536;

function wasmModuleBytes(): Uint8Array {
  const uleb = (n: number): number[] => {
    const out: number[] = [];
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n !== 0) b |= 0x80;
      out.push(b);
    } while (n !== 0);
    return out;
  };
  const LG = 0x20, LS = 0x21, I64_LOAD = 0x29, I64_LOAD8_U = 0x31, I64_XOR = 0x85, I64_SHR_U = 0x88;
  const I64_CONST = 0x42, I32_WRAP = 0xa7, I32_CONST = 0x41, I32_ADD = 0x6a, I32_AND = 0x71, I32_SHL = 0x74;
  const I32_GT_U = 0x4b, I32_GE_U = 0x4f, BLOCK = 0x02, LOOP = 0x03, BR_IF = 0x0d, BR = 0x0c, END = 0x0b;
  const CRC = 0, P = 1, E = 2, X = 3;
  const load64 = (offset: number): number[] => [I64_LOAD, 3, ...uleb(offset)];
  // table[(x >> shift) & 0xff] from table `t`
  const lookup = (shift: number, t: number): number[] => [
    LG, X, ...(shift ? [I64_CONST, shift, I64_SHR_U] : []), I32_WRAP,
    ...(shift === 56 ? [] : [I32_CONST, ...[0xff, 0x01], I32_AND]), I32_CONST, 3, I32_SHL, ...load64(t * 2048),
  ];
  const body: number[] = [
    1, 1, 0x7e, // one local of type i64 (x)
    BLOCK, 0x40, LOOP, 0x40,
    LG, P, I32_CONST, 8, I32_ADD, LG, E, I32_GT_U, BR_IF, 1,
    LG, CRC, LG, P, I64_LOAD, 0, 0, I64_XOR, LS, X,
    ...lookup(0, 7),
  ];
  for (let j = 1; j < 8; j++) body.push(...lookup(8 * j, 7 - j), I64_XOR);
  body.push(
    LS, CRC,
    LG, P, I32_CONST, 8, I32_ADD, LS, P,
    BR, 0, END, END,
    BLOCK, 0x40, LOOP, 0x40,
    LG, P, LG, E, I32_GE_U, BR_IF, 1,
    LG, CRC, LG, P, I64_LOAD8_U, 0, 0, I64_XOR, I32_WRAP, I32_CONST, 0xff, 0x01, I32_AND, I32_CONST, 3, I32_SHL, ...load64(0),
    LG, CRC, I64_CONST, 8, I64_SHR_U, I64_XOR, LS, CRC,
    LG, P, I32_CONST, 1, I32_ADD, LS, P,
    BR, 0, END, END,
    LG, CRC, END,
  );
  const section = (id: number, content: number[]): number[] => [id, ...uleb(content.length), ...content];
  const name = (s: string): number[] => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
  const pages = Math.ceil((WASM_TABLES + WASM_WINDOW) / 65536);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 3, 0x7e, 0x7f, 0x7f, 1, 0x7e]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0x00, pages]),
    ...section(7, [2, ...name('crc'), 0x00, 0, ...name('mem'), 0x02, 0]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}

interface WasmCrc {
  crc: (crc: bigint, p: number, end: number) => bigint;
  mem: Uint8Array;
}

/** The little of the WebAssembly JS API we use (lib "dom" is not in our tsconfig). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (mod: object, imports: object) => { exports: Record<string, unknown> };
}

let wasm: WasmCrc | null | undefined;
function getWasm(): WasmCrc | null {
  if (wasm !== undefined) return wasm;
  try {
    const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (!api) throw new Error('no WebAssembly');
    const inst = new api.Instance(new api.Module(wasmModuleBytes()), {});
    const memory = inst.exports.mem as { buffer: ArrayBuffer };
    const mem = new Uint8Array(memory.buffer);
    const dv = new DataView(memory.buffer);
    for (let t = 0; t < 8; t++) {
      for (let i = 0; i < 256; i++) {
        dv.setUint32(t * 2048 + i * 8, TLO[t]![i]!, true);
        dv.setUint32(t * 2048 + i * 8 + 4, THI[t]![i]!, true);
      }
    }
    wasm = { crc: inst.exports.crc as WasmCrc['crc'], mem };
  } catch {
    wasm = null;
  }
  return wasm;
}

/** Incremental CRC64 state. */
export class Crc64 {
  readonly #state = new Uint32Array(2); // lo, hi
  #big = 0n;
  #useBig = false;

  update(data: Uint8Array, start = 0, end = data.length): this {
    const w = end - start >= 256 ? getWasm() : null;
    if (w === null) {
      if (this.#useBig) this.#toHalves();
      updateJs(this.#state, data, start, end);
      return this;
    }
    if (!this.#useBig) {
      this.#big = (BigInt(this.#state[1]!) << 32n) | BigInt(this.#state[0]!);
      this.#useBig = true;
    }
    let crc = this.#big;
    for (let i = start; i < end; i += WASM_WINDOW) {
      const n = Math.min(WASM_WINDOW, end - i);
      w.mem.set(data.subarray(i, i + n), WASM_TABLES);
      crc = w.crc(crc, WASM_TABLES, WASM_TABLES + n);
    }
    this.#big = BigInt.asUintN(64, crc);
    return this;
  }

  #toHalves(): void {
    this.#state[0] = Number(this.#big & 0xffffffffn);
    this.#state[1] = Number(this.#big >> 32n);
    this.#useBig = false;
  }

  /** The checksum as 16 lowercase hex digits (the way Redis logs it). */
  hex(): string {
    if (this.#useBig) this.#toHalves();
    return this.#state[1]!.toString(16).padStart(8, '0') + this.#state[0]!.toString(16).padStart(8, '0');
  }

  /** The 8 bytes Redis appends to a dump (little-endian). */
  bytes(): Buffer {
    if (this.#useBig) this.#toHalves();
    const out = Buffer.allocUnsafe(8);
    out.writeUInt32LE(this.#state[0]!, 0);
    out.writeUInt32LE(this.#state[1]!, 4);
    return out;
  }

  bigint(): bigint {
    if (this.#useBig) this.#toHalves();
    return (BigInt(this.#state[1]!) << 32n) | BigInt(this.#state[0]!);
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
