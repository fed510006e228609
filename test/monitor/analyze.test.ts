/**
 * The default (corrected) MONITOR report: parsing of every client kind and escape, exact
 * timestamps, Redis-version-aware time attribution on the corpus timing captures, key
 * positions, scripts, junk lines and empty input.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { MonitorAnalyzer, type MonitorOptions, type MonitorReport } from '../../tools/monitor/analyze.js';
import { MonitorLine } from '../../tools/monitor/parser.js';
import { renderReport } from '../../tools/monitor/report.js';
import { requiredInCi } from '../helpers/real-redis.js';

const CORPUS = '../shared/corpus/monitor';

function analyze(input: string | Buffer, opts: MonitorOptions = {}, chunk = 4096): MonitorReport {
  const a = new MonitorAnalyzer(opts);
  const buf = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  for (let i = 0; i < buf.length; i += chunk) a.push(buf.subarray(i, i + chunk));
  return a.finish();
}

function parse(line: string): MonitorLine {
  const L = new MonitorLine();
  const b = Buffer.from(line, 'latin1');
  if (!L.parse(b, 0, b.length)) throw new Error(`junk: ${L.error}`);
  return L;
}

describe('MONITOR line parser', () => {
  it('reads every client kind', () => {
    const v4 = parse('1700000000.000001 [0 127.0.0.1:6000] "GET" "a"');
    expect([v4.ts, v4.db, v4.clientKind, v4.client, v4.argc]).toEqual([1700000000000001, 0, 'tcp', '127.0.0.1:6000', 2]);
    const v6 = parse('1700000000.000010 [0 [::1]:5555] "GET" "v6:key"');
    expect([v6.clientKind, v6.client, v6.arg(1)]).toEqual(['ipv6', '[::1]:5555', 'v6:key']);
    const unix = parse('1795417910.274277 [0 unix:/run/redis/6410.sock] "SADD" "set:tags" "t0"');
    expect([unix.clientKind, unix.client]).toEqual(['unix', 'unix:/run/redis/6410.sock']);
    const lua = parse('1795417910.274277 [3 lua] "incr" "counter:x"');
    expect([lua.clientKind, lua.db, lua.arg(0)]).toEqual(['lua', 3, 'incr']);
    const old = parse('1339518083.107412 (db 2) "keys" "*"');
    expect([old.db, old.clientKind, old.arg(1)]).toEqual([2, 'none', '*']);
  });

  it('decodes C escapes to bytes', () => {
    const L = parse(String.raw`1.000000 [0 127.0.0.1:1] "SET" "bin:\xff\xfe\x00\x01" "val\r\n\x00\x7f\x80\xff \"q\" 'sq' \\ end" "\t\a\b"`);
    expect(L.argBytes(1)).toEqual(Buffer.from([0x62, 0x69, 0x6e, 0x3a, 0xff, 0xfe, 0x00, 0x01]));
    expect(L.argBytes(2)).toEqual(Buffer.from('val\r\n\x00\x7f\x80\xff "q" \'sq\' \\ end', 'latin1'));
    expect(L.argBytes(3)).toEqual(Buffer.from([9, 7, 8]));
  });

  it('keeps timestamps exact (no float rounding)', () => {
    expect(parse('1795417895.100779 [3 127.0.0.1:1] "PING"').ts).toBe(1795417895100779);
    expect(parse('1795417895.1 [3 127.0.0.1:1] "PING"').ts).toBe(1795417895100000);
  });

  it('rejects junk with a reason', () => {
    const L = new MonitorLine();
    for (const [line, why] of [
      ['hello', 'bad timestamp'],
      ['1.5 [0 127.0.0.1:1] "GET" "unterminated', 'unterminated argument'],
      ['1.5 [0 127.0.0.1:1]', 'no arguments'],
      ['1.5 [0 127.0.0.1:1] GET', 'bad [db client] field'],
      ['1.5 [x 127.0.0.1:1] "GET"', 'bad [db client] field'],
    ] as const) {
      const b = Buffer.from(line);
      expect(L.parse(b, 0, b.length), line).toBe(false);
      expect(L.error).toBe(why);
    }
  });
});

describe('time attribution', () => {
  it.skipIf(!requiredInCi(existsSync(CORPUS), 'the shared corpus'))('Redis 7: native commands are charged the gap BEFORE their line', () => {
    const r = analyze(readFileSync(`${CORPUS}/redis7-monitor-timing-native.txt`));
    const slow = Object.fromEntries(r.slowestCalls.map((s) => [s.call.split(' ')[0], s.us]));
    // SORT of a 1M list (~185 ms) and SINTERSTORE of a 1M set (~373 ms), as captured
    expect(slow['"SORT"']).toBe(1795417894726794 - 1795417894541024);
    expect(slow['"SINTERSTORE"']).toBe(1795417895100482 - 1795417894727034);
    expect(r.slowestCalls[0]!.call).toMatch(/^"SINTERSTORE"/);
    expect(r.dbs).toEqual([{ db: 0, commands: 6, us: expect.any(Number) }, { db: 3, commands: 2, us: 100 }]);
    expect(r.lines).toMatchObject({ total: 9, commands: 8, ignored: 1, junk: 0 });
  });

  it.skipIf(!requiredInCi(existsSync(CORPUS), 'the shared corpus'))('Redis 7: a script is charged the gap AFTER its EVAL line', () => {
    const r = analyze(readFileSync(`${CORPUS}/redis7-monitor-timing-eval.txt`));
    const ev = r.heaviestCommands.find((h) => h.name === 'EVAL')!;
    expect(ev.us).toBe(1795417821769236 - 1795417821741317);
  });

  it.skipIf(!requiredInCi(existsSync(CORPUS), 'the shared corpus'))('Redis < 7: every command is charged the gap AFTER its line', () => {
    const r = analyze(readFileSync(`${CORPUS}/redis7-monitor-timing-native.txt`), { redisVersion: '6.2' });
    expect(r.attribution).toBe('logged-before (Redis < 7.0)');
    // under the old rule the SORT's 185 ms land on the SET before it
    expect(r.slowestCalls.find((s) => s.call.startsWith('"SET" "order:a"'))!.us).toBe(1795417894726794 - 1795417894541024);
  });

  it('charges lua lines to their script and counts their keys once', () => {
    const input = [
      '100.000000 [0 127.0.0.1:1] "SET" "a" "1"',
      '100.000010 [0 127.0.0.1:1] "EVALSHA" "d3c21d0c2b9ca22f82737626a27bcaf5d288f99f" "1" "k:1"',
      '100.000030 [0 lua] "GET" "k:1"',
      '100.000070 [0 lua] "set" "k:2" "v"',
      '100.000100 [0 127.0.0.1:2] "GET" "b"',
      '100.000105 [0 127.0.0.1:2] "get" "b"',
      '',
    ].join('\n');
    const r = analyze(input);
    const evalsha = r.heaviestCommands.find((h) => h.name === 'EVALSHA')!;
    expect(evalsha).toEqual({ name: 'EVALSHA', us: 20 + 40 + 30, calls: 1 });
    expect(r.idleUs).toBe(10); // the gap before the script's start line
    expect(r.topKeys.map((k) => [k.name, k.count])).toEqual([['b', 2], ['a', 1], ['k:1', 1], ['k:2', 1]]);
    expect(r.topCommands.map((c) => [c.name, c.count])).toEqual([['GET', 2], ['EVALSHA', 1], ['SET', 1]]);
    expect(r.topScriptCommands.map((c) => [c.name, c.count])).toEqual([['GET', 1], ['SET', 1]]);
    expect(r.lines.scriptCommands).toBe(2);
    expect(r.clientKinds).toMatchObject({ tcp: 4, lua: 2 });
  });
});

describe('report contents', () => {
  it('finds keys by key positions, not the first argument', () => {
    const input = [
      '1.000000 [0 127.0.0.1:1] "SELECT" "5"',
      '1.000001 [5 127.0.0.1:1] "MSET" "m:1" "x" "m:2" "y"',
      '1.000002 [5 127.0.0.1:1] "CLIENT" "SETNAME" "x"',
      '1.000003 [5 127.0.0.1:1] "XREAD" "COUNT" "1" "STREAMS" "s:1" "0"',
      '1.000004 [5 127.0.0.1:1] "OBJECT" "ENCODING" "m:1"',
    ].join('\n');
    const r = analyze(input);
    expect(r.topKeys.map((k) => k.name)).toEqual(['m:1', 'm:2', 's:1']);
    expect(r.topPrefixes).toEqual([{ name: 'm', count: 3, percent: 75 }, { name: 's', count: 1, percent: 25 }]);
  });

  it('shows binary keys escaped and UTF-8 keys as text', () => {
    const input = String.raw`1.000000 [0 127.0.0.1:1] "GET" "bin:\xff\xfe\x00\x01"
1.000001 [0 127.0.0.1:1] "GET" "unicode:\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87"
`;
    const r = analyze(input);
    expect(r.topKeys.map((k) => k.name).sort()).toEqual([String.raw`"bin:\xff\xfe\x00\x01"`, 'unicode:ключ']);
  });

  it('counts junk lines and never fails on them', () => {
    const r = analyze('OK\n\ngarbage here\n1.000000 [0 127.0.0.1:1] "PING"\n1.5 [0 127.0.0.1:1] "GET" "x\n');
    expect(r.lines).toMatchObject({ total: 5, commands: 1, ignored: 2, junk: 2 });
    expect(r.lines.junkExamples.map((j) => [j.line, j.reason])).toEqual([[3, 'bad timestamp'], [5, 'unterminated argument']]);
    expect(r.lines.junkExamples[0]!.offset).toBe(4);
    expect(renderReport(r)).toContain('Junk Lines (skipped)');
  });

  it('gives an empty report for empty and one-line input', () => {
    for (const input of ['', 'OK\n', '1700000000.000001 [0 127.0.0.1:1] "GET" "a"']) {
      const r = analyze(input);
      expect(r.commandTime).toBeNull();
      expect(r.commandsPerSec).toBeNull();
      const text = renderReport(r);
      expect(text).toContain('Command Time (microsecs, upper bounds)\n========================================\nn/a');
    }
  });

  it.skipIf(!requiredInCi(existsSync(CORPUS), 'the shared corpus'))('sees the lua and unix lines redis-faina drops (MANIFEST counts)', () => {
    const r = analyze(readFileSync(`${CORPUS}/redis7-monitor-47724.txt`), {}, 1 << 16);
    expect(r.clientKinds.lua).toBe(2700);
    expect(r.clientKinds.unix).toBe(601);
    expect(r.lines.total).toBe(47724);
    expect(r.lines.junk).toBe(0);
    expect(r.dbs.map((d) => d.db)).toEqual([0, 1, 2, 3, 5, 15]);
    // chunking does not change anything
    expect(analyze(readFileSync(`${CORPUS}/redis7-monitor-47724.txt`), {}, 999)).toEqual(r);
  });
});
