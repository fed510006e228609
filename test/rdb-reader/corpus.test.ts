/**
 * Golden test over every file of ../shared/corpus/rdb: each gets the outcome MANIFEST.md gives
 * it (parses, or fails with the right code at the right offset), and for the files redis-server
 * 7.0.15 loads, the decoded content equals what Redis held (rdb-ref/<name>.redis7-view.jsonl).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isRedkitError } from '../../tools/errors.js';
import { CORPUS, REF, collect, redisView, text } from './helpers.js';

/**
 * Files our reader rejects, with the code and offset. Everything else must parse, including
 * what redis-check-rdb 7.0 cannot read (RDB 11/12, VALKEY080, module values it has no module
 * for) and `redis-corrupt_empty_keys.rdb` (redis-check-rdb stops at the first empty key;
 * redis-server skips them; we yield them with count 0).
 */
const FAILS: Record<string, { code: string; offset: number; message: RegExp }> = {
  'hdt3213-zipmap_big_len.rdb': { code: 'REDKIT_E_RDB_CORRUPT', offset: 34, message: /zipmap integrity check failed/ },
  'librdb-future_v19.rdb': { code: 'REDKIT_E_RDB_VERSION', offset: 5, message: /^unsupported RDB version 99$/ },
  'librdb-invalid_chksum_v8.rdb': { code: 'REDKIT_E_RDB_BAD_CRC', offset: 201, message: /^CRC64 mismatch: stored b477e446e98e5402, computed a609bb6465990fe1$/ },
  'librdb-redis_ent_opcode_ram_lru.rdb': { code: 'REDKIT_E_RDB_UNKNOWN_TYPE', offset: 280, message: /unknown RDB object type 107/ },
  'noderdbtools-error_reporting.rdb': { code: 'REDKIT_E_RDB_CORRUPT', offset: 49, message: /unknown RDB string encoding 63/ },
  'redis-corrupt_ziplist.rdb': { code: 'REDKIT_E_RDB_CORRUPT', offset: 488, message: /Hash ziplist integrity check failed/ },
};

const files = readdirSync(CORPUS).filter((f) => f.endsWith('.rdb') || f.endsWith('.aof')).sort();

describe('RDB corpus', () => {
  it('has all 104 files (103 dumps and the preamble AOF)', () => {
    expect(files.length).toBe(104);
  });

  for (const f of files) {
    it(`${f}: outcome`, async () => {
      const buf = readFileSync(CORPUS + f);
      const fail = FAILS[f];
      if (fail) {
        const err = await collect(buf).then(() => null, (e: unknown) => e);
        expect(isRedkitError(err), String(err)).toBe(true);
        if (!isRedkitError(err)) return;
        expect(err.code).toBe(fail.code);
        expect(err.offset).toBe(fail.offset);
        expect(err.message).toMatch(fail.message);
        return;
      }
      const { records } = await collect(buf, {}, 1 + (buf.length % 977));
      const eof = records[records.length - 1]!;
      expect(eof.kind).toBe('eof');
      if (eof.kind === 'eof') {
        expect(eof.offset + eof.length).toBe(eof.trailingOffset);
        const tail = buf.length - eof.trailingOffset;
        // Only the preamble AOF (52 bytes of RESP) and rdbtools' module dump (40 junk bytes) have a tail.
        expect(tail).toBe(f === 'redis-rdb-preamble.aof' ? 52 : f === 'rdbtools-redis_40_with_module.rdb' ? 40 : 0);
      }
      // Records tile the file: every record's offset lies within it and they come in order.
      let last = -1;
      for (const r of records) {
        expect(r.offset).toBeGreaterThanOrEqual(last);
        expect(r.offset + r.length).toBeLessThanOrEqual(buf.length);
        if (r.kind !== 'elements' && r.kind !== 'key-end') last = r.offset;
      }
      // keysOnly sees the same keys and counts.
      const full = await collect(buf);
      const ko = await collect(buf, { keysOnly: true });
      expect(ko.keys.map((k) => [k.db, k.key.toString('hex'), k.count])).toEqual(full.keys.map((k) => [k.db, k.key.toString('hex'), k.count]));
    });
  }

  const viewed = files.filter((f) => existsSync(`${REF}${f.replace(/\.(rdb|aof)$/, '')}.redis7-view.jsonl`));
  it('has 57 redis7 views', () => {
    expect(viewed.length).toBe(57);
  });

  for (const f of viewed) {
    it(`${f}: content equals what redis-server 7.0.15 loaded`, async () => {
      const lines = readFileSync(`${REF}${f.replace(/\.(rdb|aof)$/, '')}.redis7-view.jsonl`, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
      const { keys, functions } = await collect(readFileSync(CORPUS + f));
      const fnLine = lines.find((l) => 'functions' in l);
      const expected = lines.filter((l) => !('functions' in l));
      if (fnLine) {
        const libs = fnLine.functions as unknown[][];
        const codes = libs.map((lib) => lib[lib.indexOf('library_code') + 1]);
        expect(functions.map((c) => c.toString('utf8')).sort()).toEqual([...codes].sort());
      }
      const now = Date.now();
      const ours = new Map<string, Record<string, unknown>>();
      for (const k of keys) {
        const v = redisView(k, now);
        if (v) ours.set(`${k.db}:${k.key.toString('hex')}`, v);
      }
      const exp = new Map<string, Record<string, unknown>>();
      for (const e of expected) {
        const keyText = e.key as string | { hex: string };
        const hex = typeof keyText === 'string' ? Buffer.from(keyText, 'utf8').toString('hex') : keyText.hex;
        const { encoding: _enc, ...rest } = e;
        void _enc;
        exp.set(`${e.db as number}:${hex}`, rest);
      }
      expect([...ours.keys()].sort()).toEqual([...exp.keys()].sort());
      for (const [id, want] of exp) {
        const got = { ...ours.get(id)! };
        if (want.type === 'stream') {
          // Redis recomputes v1 metadata on load; compare what the file states.
          const wm = want.meta as Record<string, unknown>;
          const gm = got.meta as Record<string, unknown>;
          for (const k of Object.keys(wm)) if (!(k in gm)) delete wm[k];
          const wg = want.groups as Array<Record<string, unknown>>;
          const gg = got.groups as Array<Record<string, unknown>>;
          wg.forEach((g, i) => {
            const o = gg[i];
            if (!o) return;
            // v1 files have no entries-read: Redis derives it on load.
            if (o['entries-read'] === null) g['entries-read'] = null;
            // XINFO STREAM FULL lists at most 10 PEL entries per group and consumer.
            o.pending = (o.pending as unknown[]).slice(0, (g.pending as unknown[]).length);
            const wc = g.consumers as Array<Record<string, unknown>>;
            (o.consumers as Array<Record<string, unknown>>).forEach((c, j) => {
              c.pending = (c.pending as unknown[]).slice(0, (wc[j]?.pending as unknown[] | undefined)?.length ?? 0);
            });
          });
        }

        expect(got, `${f} ${id} ${JSON.stringify(text(Buffer.from(id.split(':')[1]!, 'hex')))}`).toEqual(want);
      }
    });
  }
});
