/**
 * COMMAND DOCS against real redis-server 7.0.15, for every command and subcommand this server
 * implements, in RESP2 (ioredis) and RESP3 (the bytes).
 *
 * Two things are compared loosely, on purpose:
 * - Redis lists a container's subcommands (and, for COMMAND DOCS without arguments, all
 *   commands) in its dict's hash order, which is seeded randomly per process: those maps are
 *   compared as maps (sorted by name), everything else in order.
 * - Redis has commands and subcommands this server lacks (CLUSTER MEET, FUNCTION LOAD …): its
 *   reply is restricted to the names this server knows, after checking that every name left
 *   out is one this server does not know. Nothing of this server's may be missing from Redis's.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { ALL_COMMANDS } from '../../tools/server/commands/index.js';
import { commandDocOf } from '../../tools/server/util/command-docs.js';
import { DOCS } from '../../tools/server/util/command-docs-table.js';
import { haveRealRedis } from '../helpers/real-redis.js';
import { resp3Lines, useServerPair } from '../helpers/differential.js';

const ALL_NAMES = ALL_COMMANDS.flatMap((s) => [s.name, ...(s.subcommands ?? []).map((x) => x.name)]);

describe('COMMAND DOCS table', () => {
  it('has one decodable entry per implemented command and subcommand, and nothing else', () => {
    expect(Object.keys(DOCS).sort()).toEqual([...ALL_NAMES].sort());
    for (const n of ALL_NAMES) expect(commandDocOf(n)!.since, n).toMatch(/^\d+\.\d+\.\d+$/);
    const set = commandDocOf('set')!;
    expect(set.args.map((a) => a.name)).toEqual(['key', 'value', 'condition', 'get', 'expiration']);
    expect(set.args[4]).toMatchObject({ type: 'oneof', flags: ['optional'] });
    expect(set.args[4]!.args![2]).toEqual({ name: 'unix-time-seconds', type: 'unix-time', token: 'EXAT', since: '6.2.0', flags: [] });
    expect(commandDocOf('zadd')!.group).toBe('sorted-set');
    expect(commandDocOf('getset')).toMatchObject({ docFlags: ['deprecated'], deprecatedSince: '6.2.0' });
    expect(commandDocOf('nosuch')).toBeUndefined();
  });
});

/** A reply as ioredis gives it (RESP2: maps and sets are flat arrays). */
type R2 = unknown;

/** Pairs of a flat RESP2 map. */
function pairs(flat: R2): [string, R2][] {
  const a = flat as R2[];
  const out: [string, R2][] = [];
  for (let i = 0; i < a.length; i += 2) out.push([a[i] as string, a[i + 1]]);
  return out;
}

/**
 * One command's docs with its subcommands map sorted by name and restricted to `known`;
 * `dropped` collects the subcommands left out.
 */
function normDoc2(doc: R2, known: Set<string>, dropped: string[]): [string, R2][] {
  return pairs(doc).map(([k, v]) => {
    if (k !== 'subcommands') return [k, v];
    const subs = pairs(v).filter(([n]) => known.has(n) || (dropped.push(n), false)).sort(([a], [b]) => (a < b ? -1 : 1));
    return [k, subs.map(([n, d]) => [n, normDoc2(d, known, dropped)])];
  });
}

/** A RESP3 value with its header line kept: ['%3', [...]] for aggregates, ['$5', 'hello'], [':', '0'] … */
type R3 = [string, string | R3[]];

function parseResp3(lines: string[]): R3[] {
  let i = 0;
  const one = (): R3 => {
    const line = lines[i++]!;
    const t = line[0]!;
    const rest = line.slice(1);
    if (t === '$' || t === '=') return [line, lines[i++]!]; // no CRLF inside any docs string
    if (t === '*' || t === '~' || t === '>') return [line, Array.from({ length: Number(rest) }, one)];
    if (t === '%') return [line, Array.from({ length: 2 * Number(rest) }, one)];
    return [t, rest];
  };
  const out: R3[] = [];
  while (i < lines.length - 1) out.push(one());
  return out;
}

/** RESP3 counterpart of normDoc2: subcommands maps sorted and restricted. */
function normDoc3(doc: R3, known: Set<string>): R3 {
  const [t, v] = doc;
  if (t[0] !== '%') return doc;
  const items = v as R3[];
  const out: R3[] = [];
  for (let i = 0; i < items.length; i += 2) {
    const key = items[i]!;
    let val = items[i + 1]!;
    if (key[1] === 'subcommands') {
      const subs = val[1] as R3[];
      const kept: [R3, R3][] = [];
      for (let j = 0; j < subs.length; j += 2) if (known.has(subs[j]![1] as string)) kept.push([subs[j]!, normDoc3(subs[j + 1]!, known)]);
      kept.sort(([a], [b]) => ((a[1] as string) < (b[1] as string) ? -1 : 1));
      val = [`%${kept.length}`, kept.flat()];
    }
    out.push(key, val);
  }
  return [t, out];
}

describe.skipIf(!haveRealRedis())('COMMAND DOCS as redis-server 7.0.15', () => {
  const pair = useServerPair();
  let ours: Redis;
  let theirs: Redis;
  let names: string[];
  let known: Set<string>;
  let containers: Set<string>;
  beforeAll(async () => {
    ({ ours, theirs } = pair);
    names = (await ours.call('command', 'list')) as string[];
    known = new Set(names);
    containers = new Set(ALL_COMMANDS.filter((s) => s.subcommands).map((s) => s.name));
  });

  it('RESP2: every command and subcommand, asked for by name', async () => {
    expect(names.length).toBe(ALL_NAMES.length);
    const a = pairs(await ours.call('command', 'docs', ...names));
    const b = pairs(await theirs.call('command', 'docs', ...names));
    expect(a.map(([n]) => n)).toEqual(names);
    expect(b.map(([n]) => n)).toEqual(names);
    const dropped: string[] = [];
    for (let i = 0; i < names.length; i++) {
      const oursDropped: string[] = [];
      expect(normDoc2(a[i]![1], known, oursDropped), names[i]).toEqual(normDoc2(b[i]![1], known, dropped));
      expect(oursDropped).toEqual([]);
    }
    // What Redis has beyond this server: subcommands of CLUSTER, FUNCTION and SCRIPT only.
    expect(dropped.length).toBeGreaterThan(0);
    for (const n of dropped) expect(await ours.call('command', 'docs', n), n).toEqual([]);
    // Leaf commands (no subcommands map) are equal as they are, without normalising.
    for (let i = 0; i < names.length; i++) if (!containers.has(names[i]!)) expect(a[i], names[i]).toEqual(b[i]);
  });

  it('RESP3: the same bytes for every leaf command and subcommand', async () => {
    const leaves = names.filter((n) => !containers.has(n));
    const cmds = leaves.map((n) => ['COMMAND', 'DOCS', n]);
    const a = await resp3Lines(pair.srv.port, cmds);
    const b = await resp3Lines(pair.real.port, cmds);
    expect(a.length).toBeGreaterThan(leaves.length * 10);
    // On a difference, show the lines around the first one rather than two 60k-line arrays.
    const i = a.findIndex((line, j) => line !== b[j]);
    if (i >= 0) expect(a.slice(Math.max(0, i - 20), i + 5)).toEqual(b.slice(Math.max(0, i - 20), i + 5));
    expect(a.length).toBe(b.length);
  });

  it('RESP3: containers, with subcommand maps compared as maps', async () => {
    const cmds = [...containers].map((n) => ['COMMAND', 'DOCS', n]);
    const a = parseResp3(await resp3Lines(pair.srv.port, cmds));
    const b = parseResp3(await resp3Lines(pair.real.port, cmds));
    expect(a.length).toBe(cmds.length + 1); // + the final ECHO
    for (let i = 0; i < cmds.length; i++) {
      const [ta, va] = a[i]!;
      const [tb, vb] = b[i]!;
      expect([ta, tb]).toEqual(['%1', '%1']);
      expect((va as R3[])[0]).toEqual((vb as R3[])[0]);
      expect(normDoc3((va as R3[])[1]!, known), cmds[i]![2]).toEqual(normDoc3((vb as R3[])[1]!, known));
    }
  });

  it('without arguments: the same names as Redis (less those not implemented) and the same docs', async () => {
    const a = pairs(await ours.call('command', 'docs'));
    const b = pairs(await theirs.call('command', 'docs'));
    const topLevel = ALL_COMMANDS.map((s) => s.name);
    expect(a.map(([n]) => n).sort()).toEqual([...topLevel].sort());
    const bByName = new Map(b);
    for (const [n, doc] of a) {
      expect(bByName.has(n), n).toBe(true);
      expect(normDoc2(doc, known, []), n).toEqual(normDoc2(bByName.get(n), known, []));
    }
    // Every name only Redis lists is one this server does not know.
    const extra = b.map(([n]) => n).filter((n) => !known.has(n));
    expect(extra.length).toBe(b.length - a.length);
    for (const n of extra) expect(await ours.call('command', 'docs', n), n).toEqual([]);
    // RESP3: a map of the same maps.
    const [r3a] = parseResp3(await resp3Lines(pair.srv.port, [['COMMAND', 'DOCS']]));
    const [r3b] = parseResp3(await resp3Lines(pair.real.port, [['COMMAND', 'DOCS']]));
    expect(r3a![0]).toBe(`%${a.length}`);
    const asMap = (m: R3): Map<string, R3> => {
      const v = m[1] as R3[];
      const out = new Map<string, R3>();
      for (let i = 0; i < v.length; i += 2) out.set(v[i]![1] as string, normDoc3(v[i + 1]!, known));
      return out;
    };
    const ma = asMap(r3a!);
    const mb = asMap(r3b!);
    for (const [n, d] of ma) expect(d, n).toEqual(mb.get(n));
  });

  it('unknown names are left out; names are found in any case and as container|sub', async () => {
    const odd = [
      ['nosuch'], ['nosuch', 'GeT', 'nosuch2'], ['Get', 'get', 'GET'], ['CONFIG|get', 'config|GET', 'Client|List'],
      ['get|x', 'config|', 'config|get|x', '|get', '', 'config|nosuch', 'cluster|meet', 'function|load'], ['XINFO|stream', 'zAdd', 'migrate'],
    ];
    for (const args of odd) {
      const a = pairs(await ours.call('command', 'docs', ...args));
      const b = pairs(await theirs.call('command', 'docs', ...args));
      expect(a.map(([n]) => n), args.join(' ')).toEqual(b.filter(([n]) => known.has(n)).map(([n]) => n));
      expect(a, args.join(' ')).toEqual(b.filter(([n]) => known.has(n)));
    }
    const cmds = odd.map((args) => ['COMMAND', 'DOCS', ...args]).filter((c) => !c.some((n) => n.includes('meet') || n.includes('load')));
    expect(await resp3Lines(pair.srv.port, cmds)).toEqual(await resp3Lines(pair.real.port, cmds));
  });
});
