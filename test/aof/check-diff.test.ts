/**
 * Differential test: `redkit aof check` against the real redis-check-aof 7.0 on a corpus made by
 * a real redis-server and damaged copies of it. Same stdout (pid/date of log lines normalised),
 * same exit code, same resulting file sizes after --fix / --truncate-to-timestamp.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, copyFileSync, unlinkSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { haveRealRedis } from '../helpers/real-redis.js';
import { buildCorpus, copyDir, type Corpus } from './corpus.js';
import { checkAof } from '../../tools/aof/check.js';
import { encodeCommand } from '../../tools/resp/index.js';

interface Case {
  name: string;
  /** Builds the input inside `dir`; returns the path to check. */
  make: (dir: string) => string;
  fix?: boolean;
  ts?: string;
  /** Bytes the C tool reads from outside its buffer (stack garbage): masked in both outputs. */
  mask?: RegExp;
  /** Known, intended difference: compare nothing but run both. */
  differs?: (c: string, ours: string) => void;
}

const norm = (s: string, dir: string) => s.split(dir).join('<D>').replace(/^\d+:C \d\d \w{3} \d{4} [\d:.]+ # /gm, 'PID:C DATE # ');

/** Size and digest of every file (backups aside): after a fix both tools leave the same bytes. */
function sizes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of readdirSync(dir)) {
    if (n.includes('.bak') || statSync(join(dir, n)).isDirectory()) continue;
    out[n] = `${statSync(join(dir, n)).size}:${createHash('sha1').update(readFileSync(join(dir, n))).digest('hex')}`;
  }
  return out;
}

/** Offsets of command starts (`*` at the start of a line) in a RESP AOF. */
function commandStarts(buf: Buffer): number[] {
  const out: number[] = [];
  if (buf[0] === 0x2a) out.push(0);
  let p = 0;
  for (;;) {
    p = buf.indexOf('\n*', p);
    if (p === -1) break;
    out.push(p + 1);
    p++;
  }
  return out;
}

describe.skipIf(!haveRealRedis(['redis-server', 'redis-cli', 'redis-check-aof']))('aof check vs redis-check-aof 7.0', () => {
  let corpus: Corpus;
  let work: string;
  beforeAll(async () => {
    corpus = await buildCorpus();
    work = join(corpus.root, 'work');
    mkdirSync(work);
  }, 60_000);
  afterAll(() => {
    if (corpus) rmSync(corpus.root, { recursive: true, force: true });
  });

  const single = () => readFileSync(corpus.single);
  // a command boundary at ~40% of the file, and the one after it
  const cut = (f: (buf: Buffer, b: number, b2: number) => Buffer) => (dir: string) => {
    const buf = single();
    const starts = commandStarts(buf);
    const b = starts[Math.floor(starts.length * 0.4)]!;
    const b2 = starts[Math.floor(starts.length * 0.4) + 1]!;
    writeFileSync(join(dir, 'a.aof'), f(buf, b, b2));
    return join(dir, 'a.aof');
  };
  const splice = (buf: Buffer, at: number, del: number, ins: Buffer | string) =>
    Buffer.concat([buf.subarray(0, at), Buffer.from(ins), buf.subarray(at + del)]);
  const withTs = (buf: Buffer, b: number, b2: number) =>
    Buffer.concat([Buffer.from('#TS:1000\r\n'), buf.subarray(0, b), Buffer.from('#TS:2000\r\n'), buf.subarray(b, b2), Buffer.from('#TS:3000\r\n'), buf.subarray(b2)]);
  const multiDir = (which: 'resp' | 'rdb', edit?: (dir: string) => void) => (dir: string) => {
    const d = copyDir(which === 'resp' ? corpus.respDir : corpus.rdbDir, join(dir, 'appendonlydir'));
    edit?.(d);
    return join(d, 'appendonly.aof.manifest');
  };
  const manifestOf = (d: string) => readFileSync(join(d, 'appendonly.aof.manifest'), 'latin1');
  const setManifest = (d: string, text: string) => writeFileSync(join(d, 'appendonly.aof.manifest'), text, 'latin1');
  const incrName = (d: string) => readdirSync(d).find((n) => n.includes('.incr.'))!;
  const baseName = (d: string) => readdirSync(d).find((n) => n.includes('.base.'))!;

  const cases: Case[] = [
    { name: 'intact single file', make: (d) => { copyFileSync(corpus.single, join(d, 'a.aof')); return join(d, 'a.aof'); } },
    { name: 'a key named filename', make: cut((buf, b) => splice(buf, b, 0, encodeCommand(['SET', 'filename', 'x']))),
      // redis-check-aof 7.0 reads any file with a line starting with "file" (the key `filename`) as a manifest
      differs: (c, ours) => { expect(c).toContain('Invalid AOF manifest file format'); expect(ours).toContain('is valid'); } },
    { name: 'intact RDB-preamble file', make: (d) => { copyFileSync(corpus.pre, join(d, 'a.aof')); return join(d, 'a.aof'); } },
    { name: 'intact multi-part RESP', make: multiDir('resp') },
    { name: 'intact multi-part RDB base', make: multiDir('rdb') },
    { name: 'empty file', make: (d) => { writeFileSync(join(d, 'a.aof'), ''); return join(d, 'a.aof'); } },
    { name: 'cut at a command boundary', make: cut((buf, b) => buf.subarray(0, b)) },
    { name: 'cut after the * byte', make: cut((buf, b) => buf.subarray(0, b + 1)) },
    { name: 'cut inside *N\\r', make: cut((buf, b) => buf.subarray(0, b + 3)) },
    { name: 'cut after *N header', make: cut((buf, b) => buf.subarray(0, b + 4)) },
    { name: 'cut inside $ header', make: cut((buf, b) => buf.subarray(0, b + 6)) },
    { name: 'cut mid bulk', make: cut((buf, b) => buf.subarray(0, b + 10)) },
    { name: 'cut between CR and LF', make: cut((buf, _b, b2) => buf.subarray(0, b2 - 1)) },
    { name: 'cut before final CRLF', make: cut((buf, _b, b2) => buf.subarray(0, b2 - 2)) },
    { name: 'garbage in the middle', make: cut((buf, b) => splice(buf, b + 2, 4, 'ABCD')) },
    { name: 'garbage at a command start', make: cut((buf, b) => splice(buf, b, 0, 'hello world\r\n')) },
    { name: 'bad count (too many args)', make: cut((buf, b) => splice(buf, b + 1, 1, '9')) },
    { name: 'bad bulk length', make: cut((buf, b) => splice(buf, b + 5, 1, '7')) },
    { name: 'negative bulk length', make: cut((buf, b) => splice(buf, b + 4, 0, '$-5\r\n')) },
    { name: 'missing CRLF after bulk', make: cut((buf, _b, b2) => splice(buf, b2 - 2, 2, 'xy')) },
    { name: 'bare LF header', make: cut((buf, b) => splice(buf, b + 2, 1, '')) },
    { name: 'header with junk', make: cut((buf, b) => splice(buf, b + 2, 0, 'x')) },
    { name: 'very long header', mask: /got: 00../, make: cut((buf, b) => splice(buf, b, 0, `*${'1'.repeat(200)}\r\n`)) },
    { name: 'high byte at command start', make: cut((buf, b) => splice(buf, b, 0, Buffer.from([0xff, 0x0d, 0x0a]))) },
    { name: '*0 command', make: cut((buf, b) => splice(buf, b, 0, '*0\r\n')) },
    { name: 'nested MULTI', make: cut((buf, b) => splice(buf, b, 0, Buffer.concat([encodeCommand(['MULTI']), encodeCommand(['MULTI'])]))) },
    { name: 'EXEC without MULTI', make: cut((buf, b) => splice(buf, b, 0, encodeCommand(['EXEC']))) },
    { name: 'EOF inside MULTI', make: cut((buf) => { const m = buf.toString('latin1').toLowerCase().indexOf('multi\r\n'); return buf.subarray(0, m + 7 + 40); }) },
    { name: 'EOF right after MULTI', make: cut((buf) => { const m = buf.toString('latin1').toLowerCase().indexOf('multi\r\n'); return buf.subarray(0, m + 7); }) },
    { name: 'timestamp cut', ts: '1500', make: cut(withTs) },
    { name: 'timestamp nothing to cut', ts: '5000', make: cut(withTs) },
    { name: 'timestamp nothing before', ts: '500', make: cut(withTs) },
    { name: 'invalid timestamp annotation', ts: '1500', make: cut((buf, b) => splice(buf, b, 0, '#TS:12x\r\n')) },
    ...[0.05, 0.3, 0.6, 0.95].map((f): Case => ({ name: `preamble: cut inside the RDB at ${f * 100}%`, make: (d) => {
      const p = readFileSync(corpus.pre);
      const rdbEnd = p.indexOf('*2\r\n$6\r\nSELECT');
      writeFileSync(join(d, 'a.aof'), p.subarray(0, Math.floor(rdbEnd * f)));
      return join(d, 'a.aof');
    } })),
    { name: 'preamble: flipped byte in a string value of the RDB (CRC error)', make: (d) => {
      const p = Buffer.from(readFileSync(corpus.pre));
      const i = p.indexOf('value-', Math.floor(p.indexOf('*2\r\n$6\r\nSELECT') * 0.5)) + 2;
      p[i] = p[i]! ^ 0x01;
      writeFileSync(join(d, 'a.aof'), p);
      return join(d, 'a.aof');
    } },
    { name: 'preamble: flipped byte inside a listpack of the RDB', make: (d) => {
      const p = Buffer.from(readFileSync(corpus.pre));
      const i = p.indexOf('item', 0) >= 0 ? p.indexOf('w1', 200) : 300;
      p[i] = p[i]! ^ 0x40;
      writeFileSync(join(d, 'a.aof'), p);
      return join(d, 'a.aof');
    },
    // redis-check-rdb also runs the server's deep integrity checks of listpacks/ziplists (and then
    // exits through serverLog); we check the structure and the CRC64. Both reject the file.
    differs: (c, ours) => {
      expect(c).toMatch(/RDB ERROR DETECTED|rdb file reading failure/);
      expect(ours).toContain('--- RDB ERROR DETECTED ---');
      expect(ours).toContain('RDB preamble of AOF file is not sane, aborting.');
    } },
    { name: 'preamble: cut in RESP tail', make: (d) => { const p = readFileSync(corpus.pre); writeFileSync(join(d, 'a.aof'), p.subarray(0, p.length - 30)); return join(d, 'a.aof'); } },
    { name: 'multi-part: incr cut', make: multiDir('resp', (d) => { const f = join(d, incrName(d)); const b = readFileSync(f); writeFileSync(f, b.subarray(0, b.length - 25)); }) },
    { name: 'multi-part RDB: incr cut', make: multiDir('rdb', (d) => { const f = join(d, incrName(d)); const b = readFileSync(f); writeFileSync(f, b.subarray(0, b.length - 7)); }) },
    { name: 'multi-part: base damaged (not last)', make: multiDir('rdb', (d) => { const f = join(d, baseName(d)); writeFileSync(f, Buffer.concat([readFileSync(f), Buffer.from('*2\r\n$3\r\nGET')])); }) },
    { name: 'manifest: missing incr file', make: multiDir('resp', (d) => unlinkSync(join(d, incrName(d)))) },
    { name: 'manifest: duplicate base', make: multiDir('resp', (d) => setManifest(d, manifestOf(d) + `file ${baseName(d)} seq 1 type b\n`)) },
    { name: 'manifest: seq 0', make: multiDir('resp', (d) => setManifest(d, manifestOf(d).replace(/seq \d+ type i/, 'seq 0 type i'))) },
    { name: 'manifest: non-monotonic seq', make: multiDir('resp', (d) => setManifest(d, manifestOf(d) + `file ${incrName(d)} seq 1 type i\n`)) },
    { name: 'manifest: unknown type', make: multiDir('resp', (d) => setManifest(d, manifestOf(d).replace('type i', 'type x'))) },
    { name: 'manifest: no final newline', make: multiDir('resp', (d) => setManifest(d, manifestOf(d).trimEnd())) },
    { name: 'manifest: comments, extra fields, quoted name', make: multiDir('resp', (d) => {
      const inc = incrName(d);
      renameSync(join(d, inc), join(d, `my ${inc}`));
      setManifest(d, `# written by hand\n${manifestOf(d).replace(`file ${inc} seq 1 type i`, `file "my ${inc}" seq 1 type i startoffset 0 endoffset 9`)}`);
    }) },
    { name: 'manifest: blank line', make: multiDir('resp', (d) => setManifest(d, `${manifestOf(d)}\n`)) },
    { name: 'manifest: path as file name', make: multiDir('resp', (d) => setManifest(d, manifestOf(d).replace('file ', 'file ../'))) },
    { name: 'manifest: odd field count', make: multiDir('resp', (d) => setManifest(d, manifestOf(d).replace('type i', 'type i extra'))) },
    { name: 'manifest: unbalanced quotes', make: multiDir('resp', (d) => setManifest(d, manifestOf(d).replace('file ', 'file "'))) },
    { name: 'multi-part: timestamp cut in the last file', ts: '1500', make: multiDir('resp', (d) => {
      const f = join(d, incrName(d));
      const b = readFileSync(f);
      const starts = commandStarts(b);
      writeFileSync(f, withTs(b, starts[Math.floor(starts.length / 3)]!, starts[Math.floor(starts.length / 2)]!));
    }) },
    { name: 'multi-part: timestamp past the target in a file that is not the last', ts: '1500', make: multiDir('resp', (d) => {
      writeFileSync(join(d, baseName(d)), Buffer.concat([Buffer.from('#TS:1000\r\n'), encodeCommand(['SET', 'x', '1']), Buffer.from('#TS:2000\r\n'), encodeCommand(['SET', 'y', '1'])]));
    }) },
    { name: 'missing path', make: (d) => join(d, 'nope.aof') },
  ];

  for (const c of cases) {
    for (const fix of c.ts ? [false] : [false, true]) {
      it(`${c.name}${fix ? ' --fix' : ''}${c.ts ? ` --truncate-to-timestamp ${c.ts}` : ''}`, async () => {
        const dc = join(work, `c-${Math.random().toString(36).slice(2)}`);
        const du = join(work, `u-${Math.random().toString(36).slice(2)}`);
        mkdirSync(dc);
        mkdirSync(du);
        const pc = c.make(dc);
        const pu = c.make(du);
        const args = c.ts ? ['--truncate-to-timestamp', c.ts, pc] : fix ? ['--fix', pc] : [pc];
        const real = spawnSync('redis-check-aof', args, { input: 'y\n', encoding: 'latin1' });
        let ours = '';
        const res = await checkAof(pu, { fix, yes: fix, toTimestamp: c.ts ? BigInt(c.ts) : 0n, print: (s) => { ours += s; } });
        let cOut = norm(real.stdout, dc);
        let uOut = norm(ours, du);
        if (c.mask) { cOut = cOut.replace(c.mask, '<masked>'); uOut = uOut.replace(c.mask, '<masked>'); }
        if (c.differs) {
          c.differs(cOut, uOut);
          return;
        }
        expect(uOut).toBe(cOut);
        expect(res.exitCode).toBe(real.status);
        if (existsSync(pc)) {
          const sub = (p: string) => (statSync(p).isDirectory() ? p : join(p, '..'));
          expect(sizes(sub(pu))).toEqual(sizes(sub(pc)));
        }
        for (const f of res.fixed) expect(existsSync(f.backup)).toBe(true);
      });
    }
  }
});
