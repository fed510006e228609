/**
 * Loader-faithful check vs the real thing: for each damaged AOF, `strictCheck` predicts whether
 * redis-server 7.0 starts (cleanly, or by truncating with aof-load-truncated), and we start the
 * real server on it to see. Where redis-check-aof disagrees with the server, the test shows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haveRealRedis } from '../helpers/real-redis.js';
import { replay, isDataset } from './replay.js';
import { strictCheck } from '../../tools/aof/strict.js';
import { encodeCommand as enc } from '../../tools/resp/index.js';

const base = Buffer.concat([
  enc(['SELECT', '0']), enc(['SET', 'a', '1']), enc(['RPUSH', 'l', 'x', 'y']),
  enc(['MULTI']), enc(['INCR', 'c']), enc(['EXEC']), enc(['SET', 'b', '2']),
]);

interface Case {
  name: string;
  data: Buffer;
  verdict: 'loads' | 'loads-truncated' | 'refuses';
  /** What redis-check-aof says (exit code), to document where it disagrees with the server. */
  checkAof: 0 | 1;
  code?: string;
}

const cases: Case[] = [
  { name: 'intact', data: base, verdict: 'loads', checkAof: 0 },
  { name: '*0 command', data: Buffer.concat([base, Buffer.from('*0\r\n'), enc(['SET', 'z', '9'])]), verdict: 'refuses', checkAof: 0, code: 'star-zero' },
  { name: 'unknown command', data: Buffer.concat([base, enc(['NOSUCHCMD', 'x']), enc(['SET', 'z', '9'])]), verdict: 'refuses', checkAof: 0, code: 'unknown-command' },
  { name: 'unknown subcommand', data: Buffer.concat([base, enc(['CONFIG', 'NOPE']), enc(['SET', 'z', '9'])]), verdict: 'refuses', checkAof: 0, code: 'unknown-subcommand' },
  { name: 'bare-LF headers', data: Buffer.from(base.toString('latin1').replace(/\*(\d)\r\n/g, '*$1\n'), 'latin1'), verdict: 'loads', checkAof: 1, code: 'bare-lf' },
  { name: 'truncated last command', data: base.subarray(0, base.length - 5), verdict: 'loads-truncated', checkAof: 1, code: 'truncated' },
  { name: 'EOF inside MULTI', data: Buffer.concat([base, enc(['MULTI']), enc(['SET', 'q', '1'])]), verdict: 'loads-truncated', checkAof: 1, code: 'eof-in-multi' },
  { name: 'nested MULTI', data: Buffer.concat([base, enc(['MULTI']), enc(['MULTI']), enc(['SET', 'n', '1']), enc(['EXEC'])]), verdict: 'loads', checkAof: 1, code: 'nested-multi' },
  { name: 'EXEC without MULTI', data: Buffer.concat([base, enc(['EXEC']), enc(['SET', 'z', '9'])]), verdict: 'loads', checkAof: 1, code: 'exec-without-multi' },
  { name: 'garbage line', data: Buffer.concat([base, Buffer.from('hello\r\n'), enc(['SET', 'z', '9'])]), verdict: 'refuses', checkAof: 1, code: 'format' },
  { name: 'negative bulk length', data: Buffer.concat([base, Buffer.from('*2\r\n$-3\r\n'), enc(['SET', 'z', '9'])]), verdict: 'refuses', checkAof: 1, code: 'negative-length' },
];

describe.skipIf(!haveRealRedis(['redis-server', 'redis-check-aof']))('strict check predicts what redis-server 7.0 does', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'redkit-aof-strict-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const c of cases) {
    it(c.name, async () => {
      const p = join(dir, `${c.name.replace(/\W+/g, '_')}.aof`);
      writeFileSync(p, c.data);
      const r = await strictCheck(p);
      expect(r.verdict).toBe(c.verdict);
      if (c.code) expect(r.findings.map((f) => f.code)).toContain(c.code);
      const real = await replay(p);
      expect(isDataset(real)).toBe(c.verdict !== 'refuses');
      if (c.verdict === 'loads-truncated') {
        // with aof-load-truncated no, the server refuses: so does our prediction
        expect((await strictCheck(p, { aofLoadTruncated: false })).verdict).toBe('refuses');
        expect(isDataset(await replay(p, ['--aof-load-truncated', 'no']))).toBe(false);
      }
      expect(spawnSync('redis-check-aof', [p]).status).toBe(c.checkAof);
    });
  }

  it('multi-part: a file listed in the manifest is missing', async () => {
    const d = join(dir, 'mp');
    mkdirSync(d);
    writeFileSync(join(d, 'appendonly.aof.1.base.aof'), base);
    writeFileSync(join(d, 'appendonly.aof.manifest'), 'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
    const r = await strictCheck(d);
    expect(r.verdict).toBe('refuses');
    expect(r.findings[0]!.code).toBe('missing-file');
    expect(isDataset(await replay(d))).toBe(false);
  });

  it('multi-part: a truncated file that is not the last one stops the server', async () => {
    const d = join(dir, 'mp2');
    mkdirSync(d);
    writeFileSync(join(d, 'appendonly.aof.1.base.aof'), base.subarray(0, base.length - 3));
    writeFileSync(join(d, 'appendonly.aof.1.incr.aof'), enc(['SET', 'z', '9']));
    writeFileSync(join(d, 'appendonly.aof.manifest'), 'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
    const r = await strictCheck(d);
    expect(r.verdict).toBe('refuses');
    expect(r.findings.map((f) => f.code)).toContain('not-last-file');
    expect(isDataset(await replay(d))).toBe(false);
  });
});
