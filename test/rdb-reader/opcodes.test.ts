/**
 * Opcodes and types the corpus has few or no samples of, built byte by byte: FUNCTION (246,
 * 7.0 RCs), Valkey's slot import (243), Redis 8's KEY_META (243, refused), SLOT_INFO (244),
 * IDLE / FREQ / EXPIRETIME (seconds), module values (type 7 skipped, type 6 refused), zset v1
 * special scores, hash field TTL layouts (types 22-25).
 */
import { describe, expect, it } from 'vitest';
import { isRedkitError } from '../../tools/errors.js';
import { crc64 } from '../../tools/rdb/crc64.js';
import type { RdbRecord } from '../../tools/rdb/types.js';
import { collect } from './helpers.js';

const s = (t: string): number[] => [t.length, ...Buffer.from(t)];
function dump(header: string, body: number[]): Buffer {
  const b = Buffer.concat([Buffer.from(header), Buffer.from(body), Buffer.from([0xff])]);
  return Buffer.concat([b, crc64(b).bytes()]);
}
const kinds = (rs: RdbRecord[]): string[] => rs.map((r) => r.kind);

describe('rare opcodes and types', () => {
  it('FUNCTION (pre-GA 246) and FUNCTION2 (245)', async () => {
    const { records } = await collect(dump('REDIS0010', [246, ...s('mylib'), ...s('LUA'), 1, ...s('desc'), ...s('return 1'), 245, ...s('#!lua name=x\n')]));
    const fns = records.filter((r) => r.kind === 'function');
    expect(fns.map((f) => f.kind === 'function' && [f.code.toString(), f.name?.toString(), f.engine?.toString(), f.description?.toString()])).toEqual([
      ['return 1', 'mylib', 'LUA', 'desc'],
      ['#!lua name=x\n', undefined, undefined, undefined],
    ]);
  });

  it('SLOT_INFO, IDLE, FREQ, EXPIRETIME in seconds', async () => {
    const body = [254, 0, 244, 0x40 | 0x30, 0x39, 5, 1, 248, 0x40 | 1, 0x2c, 0, ...s('a'), ...s('1'), 249, 7, 0, ...s('b'), ...s('2'), 253, 0x00, 0xb2, 0xd0, 0x5e, 0, ...s('c'), ...s('3')];
    const { records, keys } = await collect(dump('REDIS0012', body));
    expect(records.find((r) => r.kind === 'slot-info')).toMatchObject({ slot: 12345, slotSize: 5, expiresSlotSize: 1 });
    expect(keys.map((k) => [k.key.toString(), k.rec.idle, k.rec.freq, k.rec.expireMs])).toEqual([
      ['a', 300, undefined, null],
      ['b', undefined, 7, null],
      ['c', undefined, undefined, 0x5ed0b200 * 1000],
    ]);
    // the key record's offset starts at its first opcode
    const b = records.find((r) => r.kind === 'key' && r.key.toString() === 'b')!;
    expect(b.offset).toBe(9 + 2 + 5 + 8); // header, SELECTDB, SLOT_INFO, key a (IDLE + type + name + value)
  });

  it('243 is Valkey slot import in VALKEY080 files and refused in REDIS files', async () => {
    const body = [243, ...s('job1'), 2, 0, 10, 20, 30, 0, ...s('k'), ...s('v')];
    const { keys } = await collect(dump('VALKEY080', body));
    expect(keys.map((k) => k.key.toString())).toEqual(['k']);
    const err = await collect(dump('REDIS0012', body)).catch((e: unknown) => e);
    expect(isRedkitError(err) && [err.code, err.offset, err.message]).toEqual(['REDKIT_E_RDB_UNKNOWN_TYPE', 9, 'unsupported opcode 243 (RDB_OPCODE_KEY_META, Redis 8)']);
  });

  it('module values: type 7 skipped with the module name, type 6 refused', async () => {
    const id = (name: string, ver: number): number[] => {
      const cs = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      let v = 0n;
      for (const ch of name) v = (v << 6n) | BigInt(cs.indexOf(ch));
      v = (v << 10n) | BigInt(ver);
      const b = Buffer.alloc(8);
      b.writeBigUInt64BE(v);
      return [0x81, ...b];
    };
    // opcodes: UINT 5, SINT 1, FLOAT, DOUBLE, STRING "xyz", EOF
    const payload = [2, 5, 1, 1, 3, 0, 0, 0x80, 0x3f, 4, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 5, ...s('xyz'), 0];
    const { records } = await collect(dump('REDIS0009', [247, ...id('test__rdb', 1), 2, 2, ...payload, 7, ...s('m'), ...id('ReJSON-RL', 3), ...payload]));
    expect(kinds(records)).toEqual(['header', 'module-aux', 'key', 'key-end', 'eof']);
    expect(records[1]).toMatchObject({ moduleName: 'test__rdb', moduleVersion: 1, when: 2 });
    expect(records[2]).toMatchObject({ type: 'module', module: { name: 'ReJSON-RL', version: 3 } });
    expect(records[3]).toMatchObject({ info: { count: 0, moduleBytes: payload.length } });
    const err = await collect(dump('REDIS0008', [6, ...s('m'), ...id('ReJSON-RL', 3), 0])).catch((e: unknown) => e);
    expect(isRedkitError(err) && err.code).toBe('REDKIT_E_RDB_CORRUPT');
  });

  it('zset v1 special scores', async () => {
    const { keys } = await collect(dump('REDIS0006', [3, ...s('z'), 4, ...s('a'), 253, ...s('b'), 254, ...s('c'), 255, ...s('d'), 4, ...Buffer.from('2.50')]));
    const items = keys[0]!.items as Array<{ member: Buffer; score: number; scoreText?: string }>;
    expect(items.map((z) => [z.member.toString(), z.score, z.scoreText])).toEqual([
      ['a', NaN, 'nan'],
      ['b', Infinity, 'inf'],
      ['c', -Infinity, '-inf'],
      ['d', 2.5, '2.50'],
    ]);
  });

  it('hash field TTL layouts: 24 relative to the min TTL, 22 absolute, Valkey hash2', async () => {
    const ms = (n: number): number[] => [...Buffer.from(new BigInt64Array([BigInt(n)]).buffer)];
    const min = 1_800_000_000_000;
    const t24 = await collect(dump('REDIS0012', [24, ...s('h'), ...ms(min), 2, 0, ...s('f1'), ...s('v1'), 0x40 | 0x03, 0xe9, ...s('f2'), ...s('v2')]));
    expect((t24.keys[0]!.items as Array<{ expireMs?: number }>).map((h) => h.expireMs)).toEqual([undefined, min + 1000]);
    const abs = min + 5;
    const lenAbs = [0x81, ...Buffer.from(new BigUint64Array([BigInt(abs)]).buffer).reverse()];
    const t22 = await collect(dump('REDIS0012', [22, ...s('h'), 1, ...lenAbs, ...s('f'), ...s('v')]));
    expect((t22.keys[0]!.items as Array<{ expireMs?: number }>)[0]!.expireMs).toBe(abs);
    const valkey = await collect(dump('VALKEY080', [22, ...s('h'), 2, ...s('f'), ...s('v'), ...ms(abs), ...s('g'), ...s('w'), ...ms(-1)]));
    expect((valkey.keys[0]!.items as Array<{ field: Buffer; expireMs?: number }>).map((h) => [h.field.toString(), h.expireMs])).toEqual([
      ['f', abs],
      ['g', undefined],
    ]);
  });
});
