/**
 * checkRdb against redis-check-rdb 7.0.15's recorded output (rdb-ref/*.redis-check-rdb.txt):
 * same keys / expires / already-expired counts and AUX / SELECTDB lines where that tool
 * reads the file; a problem with an offset where both fail.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkRdb, formatCheckReport } from '../../tools/rdb/check.js';
import { CORPUS, REF, chunks } from './helpers.js';

const files = readdirSync(CORPUS).filter((f) => f.endsWith('.rdb') || f.endsWith('.aof')).sort();

describe('checkRdb vs redis-check-rdb 7.0.15', () => {
  for (const f of files) {
    const refPath = `${REF}${f.replace(/\.(rdb|aof)$/, '')}.redis-check-rdb.txt`;
    if (!existsSync(refPath)) continue;
    it(f, async () => {
      const ref = readFileSync(refPath, 'utf8');
      const buf = readFileSync(CORPUS + f);
      const res = await checkRdb(chunks(buf, 65536), { fileName: f, now: () => 1795417956000 });
      const report = formatCheckReport(res);
      expect(report.split('\n')[0]).toBe(`[offset 0] Checking RDB file ${f}`);
      const refOk = ref.includes('RDB looks OK');
      if (refOk) {
        expect(res.ok, res.problem?.message).toBe(true);
        const num = (what: string): number => Number(new RegExp(`\\[info\\] (\\d+) ${what}`).exec(ref)![1]);
        expect(res.keys).toBe(num('keys read'));
        expect(res.expires).toBe(num('expires'));
        expect(res.alreadyExpired).toBe(num('already expired'));
        // AUX / SELECTDB / checksum lines appear with the same text (offsets are ours).
        const strip = (s: string): string[] => s.split('\n').filter((l) => /AUX FIELD|Selecting DB|Checksum OK|checksum disabled/.test(l)).map((l) => l.replace(/^\[offset \d+\] /, ''));
        expect(strip(report)).toEqual(strip(ref));
        expect(report).toContain('\\o/ RDB looks OK! \\o/');
      } else if (/Can't handle RDB format version (11|12)|Wrong signature/.test(ref) && !f.includes('redis_ent_opcode')) {
        // Newer formats than redis-check-rdb 7.0 knows: we read them (not the Redis
        // Enterprise-only opcode, which is an error with its offset).
        expect(res.ok, res.problem?.message).toBe(true);
      } else if (f === 'redis-corrupt_empty_keys.rdb') {
        // redis-check-rdb stops at the first empty key; redis-server skips them: so do we, and say so.
        expect(res.ok).toBe(true);
        expect(res.emptyKeys).toBe(9);
        expect(report).toContain('[info] 9 empty keys skipped');
      } else {
        expect(res.ok).toBe(false);
        expect(res.problem!.offset).toBeTypeOf('number');
        expect(report).toContain('--- RDB ERROR DETECTED ---');
        // Keys read before the problem: the same count redis-check-rdb reports.
        if (!/Can't handle RDB format/.test(ref)) expect(res.keys).toBe(Number(/\[info\] (\d+) keys read/.exec(ref)![1]));
        expect(report).toMatch(/\[offset \d+\] /);
      }
    });
  }

  it('counts per db, already-expired keys relative to the injected clock', async () => {
    const buf = readFileSync(CORPUS + 'redis7-mixed.rdb');
    const at2050 = await checkRdb(chunks(buf, 1 << 20), { now: () => Date.UTC(2050, 0, 1) });
    expect(at2050.dbs.map((d) => [d.db, d.keys, d.expires, d.alreadyExpired])).toEqual([
      [0, 46, 0, 0],
      [1, 11, 10, 1],
      [2, 2, 0, 0],
      [15, 1, 0, 0],
    ]);
    expect(at2050.functions).toBe(1);
    expect(at2050.crc).toBe('ok');
    expect(at2050.types['quicklist-v2']).toBe(6);
    const at2200 = await checkRdb(chunks(buf, 1 << 20), { now: () => Date.UTC(2200, 0, 1) });
    expect(at2200.alreadyExpired).toBe(10);
  });
});
