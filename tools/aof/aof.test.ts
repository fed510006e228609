/**
 * Unit tests of the AOF codec pieces: manifest parse/format, the redis-check-aof scanner's
 * quirks (chunk boundaries, figures), the reader's provenance and salvage, globs.
 */
import { describe, expect, it } from 'vitest';
import { formatManifest, parseManifest, ManifestError } from './manifest.js';
import { CheckScanner, newCheckGlobals } from './check-scanner.js';
import { readAof, type AofRecord } from './reader.js';
import { encodeCommand as enc } from '../resp/index.js';
import { globToRegExp } from './edit.js';

const valid = Buffer.concat([enc(['SELECT', '2']), enc(['SET', 'a', '1']), enc(['MULTI']), enc(['INCR', 'c']), enc(['EXEC']), enc(['SET', 'b', '2'])]);

async function all(data: Buffer, opts = {}): Promise<AofRecord[]> {
  const out: AofRecord[] = [];
  for await (const r of readAof([data], opts)) out.push(r.kind === 'command' ? { ...r, args: r.args.map((a) => Buffer.from(a)) } : r); // copies: records are views into the reader's window
  return out;
}

describe('manifest', () => {
  it('parses, ignores unknown keys and comments, keeps order', () => {
    const am = parseManifest(Buffer.from('# c\nfile a.rdb seq 1 type b\nfile "b c.aof" seq 2 type i extra x\nfile h.aof seq 1 type h\n'));
    expect(am.base?.fileName).toBe('a.rdb');
    expect(am.incr.map((i) => i.fileName)).toEqual(['b c.aof']);
    expect(am.history).toHaveLength(1);
  });
  it('round-trips names that need quoting', () => {
    const am = parseManifest(Buffer.from('file "x y\\n\\x01.aof" seq 3 type i\n'));
    expect(am.incr[0]!.fileName).toBe('x y\n\u0001.aof');
    expect(parseManifest(formatManifest(am))).toEqual(am);
  });
  it.each([
    ['', 'Found an empty AOF manifest'],
    ['file a seq 1 type b', 'The AOF manifest file contains too long line'],
    ['file a seq 1 type b\nfile c seq 2 type b\n', 'Found duplicate base file information'],
    ['file a seq 2 type i\nfile c seq 2 type i\n', 'Found a non-monotonic sequence number'],
    ['file a seq 0 type i\n', 'Invalid AOF manifest file format'],
    ['file a/b seq 1 type i\n', "File can't be a path, just a filename"],
    ['file a seq 1 type z\n', 'Unknown AOF file type'],
    ['\n', 'Invalid AOF manifest file format'],
  ])('rejects %j', (text, reason) => {
    try {
      parseManifest(Buffer.from(text));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ManifestError);
      expect((err as ManifestError).reason).toBe(reason);
    }
  });
});

describe('check scanner (redis-check-aof figures)', () => {
  const scan = (data: Buffer, chunk: number) => {
    const g = newCheckGlobals();
    const s = new CheckScanner(g, 'f', true);
    for (let i = 0; i < data.length; i += chunk) if (!s.feed(data.subarray(i, i + chunk))) break;
    const stop = s.end();
    return { stop: stop.kind, pos: s.pos, line: g.line, error: g.error };
  };
  // expected figures are what redis-check-aof 7.0.15 prints for the same bytes
  it('gives the same answer whatever the chunking', () => {
    const damaged = Buffer.concat([valid, Buffer.from('*3\r\n$3\r\nSET\r\n$1\r\nz\r\n$1')]);
    const ref = scan(damaged, damaged.length);
    expect(ref).toEqual({ stop: 'error', pos: valid.length, line: 36, error: '0x              93: Expected \\r\\n, got: 0000' });
    for (const c of [1, 2, 3, 7, 64]) expect(scan(damaged, c)).toEqual(ref);
  });
  it('counts CRLF lines, not annotations; accepts *0', () => {
    const r = scan(Buffer.concat([Buffer.from('#TS:1\r\n*0\r\n'), valid]), 5);
    expect(r).toEqual({ stop: 'eof', pos: valid.length + 11, line: 32, error: '' });
  });
  it('reports EOF inside MULTI at the MULTI', () => {
    const data = Buffer.concat([enc(['SET', 'a', '1']), enc(['multi']), enc(['SET', 'b', '2'])]);
    const r = scan(data, 4);
    expect(r.pos).toBe(enc(['SET', 'a', '1']).length);
    expect(r.error).toMatch(/Reached EOF before reading EXEC for MULTI$/);
  });
});

describe('reader', () => {
  it('yields provenance: offset, length, line, db, inMulti, timestamp', async () => {
    const data = Buffer.concat([Buffer.from('#TS:1700000000\r\n'), valid]);
    const recs = await all(data);
    const cmds = recs.filter((r) => r.kind === 'command');
    expect(recs[0]).toMatchObject({ kind: 'annotation', ts: 1700000000, offset: 0 });
    expect(cmds.map((c) => [c.args[0]!.toString(), c.db, c.inMulti])).toEqual([
      ['SELECT', 2, false], ['SET', 2, false], ['MULTI', 2, true], ['INCR', 2, true], ['EXEC', 2, true], ['SET', 2, false],
    ]);
    expect(cmds[1]).toMatchObject({ offset: 16 + enc(['SELECT', '2']).length, length: enc(['SET', 'a', '1']).length, timestamp: 1700000000, index: 1 });
    let p = 0;
    for (const r of recs) { expect(r.offset).toBe(p); p += r.length; }
  });
  it('stops at damage, or salvages past it and reports the skipped range', async () => {
    const bad = Buffer.from('*3\r\n$3\r\nSET\r\nXXXXb\r\n$1\r\n2\r\n');
    const data = Buffer.concat([enc(['SET', 'a', '1']), bad, enc(['SET', 'c', '3'])]);
    const strict = await all(data);
    expect(strict.at(-1)).toMatchObject({ kind: 'damage', reason: 'bad-header', offset: enc(['SET', 'a', '1']).length });
    const salv = await all(data, { salvage: true });
    const dmg = salv.find((r) => r.kind === 'damage')!;
    expect(dmg).toMatchObject({ offset: enc(['SET', 'a', '1']).length, length: bad.length });
    expect(salv.filter((r) => r.kind === 'command').map((r) => (r.kind === 'command' ? r.args[1]!.toString() : ''))).toEqual(['a', 'c']);
  });
  it('reads bare-LF headers like the server (flagged)', async () => {
    const recs = await all(Buffer.from('*2\n$3\r\nGET\r\n$1\r\nx\r\n'));
    expect(recs[0]).toMatchObject({ kind: 'command', quirks: ['bare-lf'] });
  });
  it('reports truncation and *0', async () => {
    expect((await all(valid.subarray(0, valid.length - 3))).at(-1)).toMatchObject({ kind: 'damage', reason: 'truncated' });
    expect((await all(Buffer.from('*0\r\n'))).at(-1)).toMatchObject({ kind: 'damage', reason: 'bad-argc' });
  });
});

describe('misc', () => {
  it('globs like Redis', () => {
    expect(globToRegExp('user:*').test('user:12')).toBe(true);
    expect(globToRegExp('h?llo').test('hallo')).toBe(true);
    expect(globToRegExp('h[ae]llo').test('hillo')).toBe(false);
    expect(globToRegExp('h[^e]llo').test('hallo')).toBe(true);
    expect(globToRegExp('a\\*b').test('a*b')).toBe(true);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });
});

describe('stats', () => {
  it('counts keys exactly, then estimates past maxKeys', async () => {
    const { aofStats } = await import('./stats.js');
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'redkit-aof-stats-'));
    try {
      const cmds: Buffer[] = [];
      for (let i = 0; i < 30_000; i++) cmds.push(enc(['SET', `key:${i}`, 'v']), enc(['INCR', `key:${i % 10}`]));
      writeFileSync(join(dir, 'a.aof'), Buffer.concat([Buffer.from('#TS:100\r\n'), ...cmds, Buffer.from('#TS:160\r\n')]));
      const exact = await aofStats(join(dir, 'a.aof'));
      expect(exact).toMatchObject({ commands: 60_000, keys: 30_000, keysEstimated: false, firstTimestamp: 100, lastTimestamp: 160 });
      expect(exact.byCommand.set!.count).toBe(30_000);
      const est = await aofStats(join(dir, 'a.aof'), { maxKeys: 1000 });
      expect(est.keysEstimated).toBe(true);
      expect(Math.abs(est.keys - 30_000) / 30_000).toBeLessThan(0.03);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
