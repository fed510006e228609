/**
 * Bad input: every failure is a RedkitError with a code, a short message and the byte offset
 * where the problem starts; never a stack-trace-only crash, never a silent success.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isRedkitError, type RedkitError } from '../../tools/errors.js';
import { RdbWriter } from '../../tools/rdb/writer.js';
import { openInput } from '../../tools/io/files.js';
import { checkRdb } from '../../tools/rdb/check.js';
import { CORPUS, collect } from './helpers.js';

async function fail(buf: Buffer, opts = {}, chunk = 4096): Promise<RedkitError> {
  const err = await collect(buf, opts, chunk).then(() => null, (e: unknown) => e);
  if (!isRedkitError(err)) throw new Error(`expected a RedkitError, got ${String(err)}`);
  return err;
}

function sample(): Buffer {
  const w = new RdbWriter({ now: () => 0 });
  w.selectDb(0, 3, 1);
  w.key(Buffer.from('str'), { type: 'string', value: Buffer.from('x'.repeat(67)) }, { expireMs: 4102444800000 });
  w.key(Buffer.from('set'), { type: 'set', items: Array.from({ length: 600 }, (_, i) => Buffer.from(`member-${i}`)) });
  w.key(Buffer.from('list'), { type: 'list', items: [Buffer.from('a'), Buffer.from('b')] });
  return Buffer.concat([w.take(), w.end()]);
}

describe('bad RDB input', () => {
  it('empty input', async () => {
    const e = await fail(Buffer.alloc(0));
    expect(e.code).toBe('REDKIT_E_EMPTY_INPUT');
    expect(e.offset).toBe(0);
  });

  it('not an RDB', async () => {
    for (const text of ['hello world', '*2\r\n$3\r\nGET\r\n', 'REDIX0009', 'VALKEZ']) {
      const e = await fail(Buffer.from(text));
      expect(e.code).toBe('REDKIT_E_RDB_NOT_RDB');
      expect(e.offset).toBe(0);
      expect(e.describe()).toBe('not an RDB file (no REDIS or VALKEY signature) at offset 0');
    }
  });

  it('future and invalid versions', async () => {
    const good = sample();
    const v13 = Buffer.concat([Buffer.from('REDIS0013'), good.subarray(9)]);
    const e = await fail(v13);
    expect([e.code, e.offset, e.message]).toEqual(['REDKIT_E_RDB_VERSION', 5, 'unsupported RDB version 13']);
    // accepted on request (its CRC no longer matches the patched header, so ignore it too)
    const { keys } = await collect(v13, { acceptFutureVersions: true, ignoreCrc: true });
    expect(keys.length).toBe(3);
    expect((await fail(Buffer.from('REDIS00x1'))).code).toBe('REDKIT_E_RDB_VERSION');
    expect((await fail(Buffer.from('REDIS0000'))).message).toBe('unsupported RDB version 0');
    expect((await fail(Buffer.from('VALKEY081'))).message).toBe('unsupported Valkey RDB version 81');
  });

  it('truncated at every byte', async () => {
    const good = sample();
    for (let n = 1; n < good.length; n += n < 80 ? 1 : 97) {
      const e = await fail(good.subarray(0, n), {}, 1 + (n % 13));
      expect(e.code, `cut at ${n}`).toBe('REDKIT_E_RDB_TRUNCATED');
      expect(e.offset!).toBeLessThanOrEqual(n);
      expect(e.message).toMatch(/^unexpected end of file while reading .+ \(need \d+ bytes, \d+ left\)$/);
    }
    // inside the 67-byte string value, the message names what was being read
    const cut = good.indexOf(Buffer.from('x'.repeat(67))) + 10;
    const e = await fail(good.subarray(0, cut));
    expect(e.message).toBe('unexpected end of file while reading a string value (need 67 bytes, 10 left)');
    expect(e.offset).toBe(cut - 10);
  });

  it('bad CRC fails unless ignored', async () => {
    const good = sample();
    const bad = Buffer.from(good);
    bad[bad.length - 1] ^= 0xff;
    const e = await fail(bad);
    expect(e.code).toBe('REDKIT_E_RDB_BAD_CRC');
    expect(e.offset).toBe(bad.length - 8);
    expect(e.message).toMatch(/^CRC64 mismatch: stored [0-9a-f]{16}, computed [0-9a-f]{16}$/);
    const { records } = await collect(bad, { ignoreCrc: true });
    expect(records.at(-1)).toMatchObject({ kind: 'eof', crc: 'ignored' });
    // a flipped byte inside a value is caught by the checksum too
    const inner = Buffer.from(good);
    inner[good.indexOf(Buffer.from('member-300'))] ^= 0x01;
    expect((await fail(inner)).code).toBe('REDKIT_E_RDB_BAD_CRC');
  });

  it('unknown types and opcodes', async () => {
    const good = sample();
    const at = good.indexOf(Buffer.from([0xfe, 0x00])) + 5; // first key's EXPIRETIME_MS opcode... replace it
    const bad = Buffer.from(good);
    bad[at] = 30;
    const e = await fail(bad);
    expect(e.code).toBe('REDKIT_E_RDB_UNKNOWN_TYPE');
    expect(e.offset).toBe(at);
    expect(e.message).toBe('unknown RDB object type 30');
  });

  it('corrupt blobs: listpack header length', async () => {
    const w = new RdbWriter({ now: () => 0 });
    w.selectDb(0);
    w.key(Buffer.from('h'), { type: 'hash', items: [{ field: Buffer.from('f'), value: Buffer.from('v') }] });
    const good = Buffer.concat([w.take(), w.end()]);
    const bad = Buffer.from(good);
    const lpAt = good.indexOf(Buffer.from([16, 1, 0x68])) + 3; // type 16, key "h", then the blob length byte
    bad[lpAt + 1] ^= 0x01; // listpack total-bytes
    const e = await fail(bad, { ignoreCrc: true });
    expect(e.code).toBe('REDKIT_E_RDB_CORRUPT');
    expect(e.offset).toBe(lpAt);
    expect(e.message).toMatch(/^Hash listpack integrity check failed: listpack header says \d+ bytes but the blob has \d+$/);
  });

  it('a corrupt huge length ends as truncated (no giant allocation); impossible LZF lengths are corrupt', async () => {
    const huge = Buffer.concat([Buffer.from('REDIS0009'), Buffer.from([0xfe, 0, 0, 1, 0x6b, 0x80, 0xff, 0xff, 0xff, 0x00]), Buffer.alloc(100_000)]);
    const e = await fail(huge, {}, 1000);
    expect([e.code, e.offset]).toEqual(['REDKIT_E_RDB_TRUNCATED', 19]);
    expect(e.message).toBe('unexpected end of file while reading a string value (need 4294967040 bytes, 100000 left)');
    const lzf = Buffer.concat([Buffer.from('REDIS0009'), Buffer.from([0xfe, 0, 0, 1, 0x6b, 0xc3, 0x05, 0x80, 0x7f, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 0xff])]);
    const e2 = await fail(lzf);
    expect([e2.code, e2.offset]).toEqual(['REDKIT_E_RDB_CORRUPT', 14]);
  });

  it('missing file and directory are coded errors before parsing; checkRdb reports problems as results', async () => {
    await expect(openInput(CORPUS + 'no-such.rdb')).rejects.toMatchObject({ code: 'REDKIT_E_NOT_FOUND' });
    await expect(openInput(CORPUS)).rejects.toMatchObject({ code: 'REDKIT_E_IS_DIRECTORY' });
    const input = await openInput(CORPUS + 'librdb-future_v19.rdb');
    const res = await checkRdb(input.source, { fileName: input.name });
    expect(res.ok).toBe(false);
    expect(res.problem).toEqual({ code: 'REDKIT_E_RDB_VERSION', message: 'unsupported RDB version 99', offset: 5 });
  });

  it('every corpus file cut in half is reported as truncated', async () => {
    for (const f of ['redis7-lru.rdb', 'rdbtools-redis_50_with_streams.rdb', 'librdb-module_aux_v12.rdb', 'hdt3213-valkey_hash2_with_hfe.rdb']) {
      const buf = readFileSync(CORPUS + f);
      const e = await fail(buf.subarray(0, buf.length >> 1));
      expect(e.code, f).toBe('REDKIT_E_RDB_TRUNCATED');
    }
  });
});
