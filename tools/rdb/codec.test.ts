/** Unit tests: CRC64, LZF, listpack / ziplist / intset / zipmap decoders, strtod, module names. */
import { describe, expect, it } from 'vitest';
import { Crc64, crc64 } from './crc64.js';
import { lzfCompress, lzfDecompress } from './lzf.js';
import { BlobError, ListpackReader, ZiplistReader, entryBytes, intsetGet, intsetHeader, zipmapEntries } from './encodings.js';
import { ListpackBuilder } from './writer.js';
import { moduleNameFromId, strtod } from './reader.js';

describe('crc64 (Jones, as Redis)', () => {
  it('matches the check value', () => {
    expect(crc64(Buffer.from('123456789')).hex()).toBe('e9c6d914c4b8d9ca');
    expect(crc64(Buffer.alloc(0)).hex()).toBe('0000000000000000');
  });
  it('is incremental across any split, fast path and fallback agree', () => {
    const data = Buffer.from(Array.from({ length: 100_003 }, (_, i) => (i * 2654435761) >>> 24));
    const whole = crc64(data).hex();
    for (const step of [1, 7, 255, 256, 4096, 65537]) {
      const c = new Crc64();
      for (let i = 0; i < data.length; i += step) c.update(data, i, Math.min(data.length, i + step));
      expect(c.hex()).toBe(whole);
    }
    expect(crc64(data).bytes().readBigUInt64LE(0)).toBe(BigInt('0x' + whole));
  });
});

describe('lzf', () => {
  it('round-trips and rejects malformed input', () => {
    const text = Buffer.from('abcabcabcabcabcabc hello hello hello '.repeat(50));
    const c = lzfCompress(text);
    expect(c.length).toBeLessThan(text.length / 4);
    expect(lzfDecompress(c, text.length)).toEqual(text);
    const rnd = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7919 * 31) & 255));
    expect(lzfDecompress(lzfCompress(rnd), rnd.length)).toEqual(rnd);
    expect(lzfDecompress(c, text.length + 1)).toBeNull(); // wrong expected length
    expect(lzfDecompress(Buffer.from([0x20, 0x05]), 4)).toBeNull(); // back reference before the start
  });
  it('decodes a literal run and an overlapping back reference', () => {
    // "a" then copy 7 bytes from distance 1 -> "aaaaaaaa"
    expect(lzfDecompress(Buffer.from([0x00, 0x61, 0xa0, 0x00]), 8)!.toString()).toBe('aaaaaaaa');
  });
});

describe('listpack', () => {
  it('decodes every encoding the builder writes', () => {
    const ints = [0, 127, 128, -1, -4096, 4095, 4096, -32768, 32767, 32768, -8388608, 8388607, 8388608, 2 ** 31 - 1, -(2 ** 31), 2 ** 31];
    const lp = new ListpackBuilder();
    for (const n of ints) lp.int(n);
    lp.int(9223372036854775807n).int(-9223372036854775808n);
    const strs = [Buffer.alloc(0), Buffer.from('x'.repeat(63)), Buffer.from('y'.repeat(64)), Buffer.from('z'.repeat(4095)), Buffer.from('w'.repeat(4096)), Buffer.from('v'.repeat(70000))];
    for (const s of strs) lp.str(s);
    const blob = lp.finish();
    const r = new ListpackReader(blob);
    const got: string[] = [];
    while (r.next()) got.push(entryBytes(r).toString());
    expect(got).toEqual([...ints.map(String), '9223372036854775807', '-9223372036854775808', ...strs.map((s) => s.toString())]);
  });
  it('rejects bad headers, lengths, back-lengths and counts', () => {
    const blob = new ListpackBuilder().str(Buffer.from('abc')).int(5).finish();
    const bad = (b: Buffer): unknown => {
      try {
        const r = new ListpackReader(b);
        while (r.next());
        return null;
      } catch (e) {
        return e;
      }
    };
    expect(bad(blob)).toBeNull();
    const size = Buffer.from(blob);
    size.writeUInt32LE(blob.length + 1, 0);
    expect(bad(size)).toBeInstanceOf(BlobError);
    const count = Buffer.from(blob);
    count.writeUInt16LE(3, 4);
    expect(bad(count)).toBeInstanceOf(BlobError);
    const back = Buffer.from(blob);
    back[6 + 4] = 9; // back-length of the first entry
    expect(bad(back)).toBeInstanceOf(BlobError);
    const end = Buffer.from(blob);
    end[end.length - 1] = 0;
    expect(bad(end)).toBeInstanceOf(BlobError);
    expect(bad(blob.subarray(0, 4))).toBeInstanceOf(BlobError);
  });
});

/** Builds a ziplist (ziplist.c layout) from raw entry encodings. */
function ziplist(entries: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  let prev = 0;
  let tail = 10;
  let off = 10;
  for (const e of entries) {
    const pl = prev < 254 ? Buffer.from([prev]) : Buffer.concat([Buffer.from([254]), Buffer.from(new Uint32Array([prev]).buffer)]);
    const full = Buffer.concat([pl, e]);
    tail = off;
    off += full.length;
    prev = full.length;
    parts.push(full);
  }
  const body = Buffer.concat(parts);
  const hdr = Buffer.alloc(10);
  hdr.writeUInt32LE(10 + body.length + 1, 0);
  hdr.writeUInt32LE(tail, 4);
  hdr.writeUInt16LE(entries.length, 8);
  return Buffer.concat([hdr, body, Buffer.from([255])]);
}

describe('ziplist', () => {
  it('decodes strings and every integer encoding', () => {
    const i16 = Buffer.alloc(3); i16[0] = 0xc0; i16.writeInt16LE(-300, 1);
    const i32 = Buffer.alloc(5); i32[0] = 0xd0; i32.writeInt32LE(100000, 1);
    const i64 = Buffer.alloc(9); i64[0] = 0xe0; i64.writeBigInt64LE(-9223372036854775808n, 1);
    const i24 = Buffer.from([0xf0, 0xff, 0xff, 0x7f]);
    const i8 = Buffer.from([0xfe, 0x80]);
    const imm = Buffer.from([0xf1 + 12]);
    const s300 = Buffer.concat([Buffer.from([0x41, 0x2c]), Buffer.alloc(300, 0x61)]);
    const zl = ziplist([Buffer.from([0x03, 0x61, 0x62, 0x63]), i16, i32, i64, i24, i8, imm, s300]);
    const r = new ZiplistReader(zl);
    const got: string[] = [];
    while (r.next()) got.push(entryBytes(r).toString());
    expect(got).toEqual(['abc', '-300', '100000', '-9223372036854775808', '8388607', '-128', '12', 'a'.repeat(300)]);
  });
  it('rejects a wrong prevlen, tail or count', () => {
    const zl = ziplist([Buffer.from([0x01, 0x61]), Buffer.from([0x01, 0x62])]);
    const run = (b: Buffer): void => {
      const r = new ZiplistReader(b);
      while (r.next());
    };
    expect(() => run(zl)).not.toThrow();
    const prev = Buffer.from(zl); prev[10 + 3] = 7; expect(() => run(prev)).toThrow(BlobError);
    const tail = Buffer.from(zl); tail.writeUInt32LE(10, 4); expect(() => run(tail)).toThrow(BlobError);
    const cnt = Buffer.from(zl); cnt.writeUInt16LE(5, 8); expect(() => run(cnt)).toThrow(BlobError);
  });
});

describe('intset and zipmap', () => {
  it('intset header and members', () => {
    const b = Buffer.alloc(8 + 3 * 8);
    b.writeUInt32LE(8, 0); b.writeUInt32LE(3, 4);
    [-9223372036854775808n, 0n, 9223372036854775807n].forEach((v, i) => b.writeBigInt64LE(v, 8 + i * 8));
    const h = intsetHeader(b, 0, b.length);
    expect(h).toEqual({ width: 8, count: 3 });
    expect([0, 1, 2].map((i) => String(intsetGet(b, 0, 8, i)))).toEqual(['-9223372036854775808', '0', '9223372036854775807']);
    expect(() => intsetHeader(b, 0, b.length - 1)).toThrow(BlobError);
    const w = Buffer.from(b); w.writeUInt32LE(3, 0);
    expect(() => intsetHeader(w, 0, w.length)).toThrow(BlobError);
  });
  it('zipmap entries and integrity', () => {
    const zm = Buffer.from([2, 1, 0x61, 1, 0, 0x62, 2, 0x63, 0x64, 2, 1, 0x65, 0x66, 0x00, 0xff]);
    expect(zipmapEntries(zm, 0, zm.length)).toEqual([2, 3, 5, 6, 7, 9, 11, 13]);
    const cnt = Buffer.from(zm); cnt[0] = 3;
    expect(() => zipmapEntries(cnt, 0, cnt.length)).toThrow(BlobError);
    expect(() => zipmapEntries(zm, 0, zm.length - 1)).toThrow(BlobError);
  });
});

describe('strtod and module ids', () => {
  it('parses like C strtod', () => {
    expect(strtod('1.5')).toBe(1.5);
    expect(strtod('inf')).toBe(Infinity);
    expect(strtod('-INF')).toBe(-Infinity);
    expect(strtod('+infinity')).toBe(Infinity);
    expect(Number.isNaN(strtod('nan'))).toBe(true);
    expect(strtod('  -3e2xyz')).toBe(-300);
    expect(strtod('0x1p4')).toBe(16);
    expect(Object.is(strtod('-0'), -0)).toBe(true);
  });
  it('decodes module type names', () => {
    // "ReJSON-RL" version 0 as redis_40_with_module.rdb stores it
    const charset = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    let id = 0n;
    for (const ch of 'ReJSON-RL') id = (id << 6n) | BigInt(charset.indexOf(ch));
    id = (id << 10n) | 3n;
    expect(moduleNameFromId(id)).toEqual({ name: 'ReJSON-RL', version: 3 });
  });
});
