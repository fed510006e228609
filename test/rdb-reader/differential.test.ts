/**
 * Differential test against real redis-server 7.0: a seeded random dataset of every type and
 * encoding (binary keys and values, big and small collections, TTLs, several dbs, streams
 * with groups and PELs) is written to a server, SAVEd, read by our reader and compared with
 * what the server returns for each key. Then our writer re-encodes what we read, a second
 * server loads that file, and must hold the same data; DUMP payloads go both ways.
 */
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveRealRedis, startRealRedis, type RealRedis } from '../helpers/real-redis.js';
import { RdbWriter, decodeDumpPayload, encodeDumpPayload } from '../../tools/rdb/writer.js';
import { strtod } from '../../tools/rdb/reader.js';
import { collect, normalize, toValue, type CollectedKey } from './helpers.js';
import { rng } from '../helpers/rng.js';

const SEED = 20260523;
const CONFIG = [
  '--hash-max-listpack-entries', '128', '--hash-max-listpack-value', '64',
  '--zset-max-listpack-entries', '128', '--zset-max-listpack-value', '64',
  '--set-max-intset-entries', '512', '--list-max-listpack-size', '-2',
  '--stream-node-max-entries', '100', '--rdbcompression', 'yes', '--appendonly', 'no',
];

type Cmd = Array<string | Buffer | number>;

function makeDataset(rnd: () => number): Map<number, Cmd[]> {
  const int = (n: number): number => Math.floor(rnd() * n);
  const pick = <T>(xs: T[]): T => xs[int(xs.length)]!;
  const bytes = (n: number): Buffer => {
    const b = Buffer.allocUnsafe(n);
    if (n < 4) for (let i = 0; i < n; i++) b[i] = int(256);
    else for (let i = 0; i < n; i += 4) b.writeUInt32LE((rnd() * 4294967296) >>> 0, Math.min(i, n - 4));
    return b;
  };
  const word = (): Buffer => {
    switch (int(6)) {
      case 0: return bytes(1 + int(20));
      case 1: return Buffer.from(String(int(2000) - 1000));
      case 2: return Buffer.from(pick(['9223372036854775807', '-9223372036854775808', '4294967296', '007', '-0', '1e5', '3.14']));
      case 3: return Buffer.from(`w${int(100000)}`);
      case 4: return Buffer.from('x'.repeat(60 + int(20)));
      default: return Buffer.from(`${'é€😀'.slice(0, 1 + int(3))}${int(1000)}`);
    }
  };
  const dbs = new Map<number, Cmd[]>();
  const futureMs = 4102444800000; // 2100-01-01
  for (const db of [0, 1, 3, 15]) {
    const cmds: Cmd[] = [];
    const n = db === 0 ? 4000 : 300;
    for (let i = 0; i < n; i++) {
      const key = int(10) === 0 ? Buffer.concat([bytes(3), Buffer.from(`:${db}:${i}`)]) : Buffer.from(`k:${db}:${i}`);
      const kind = int(100);
      if (kind < 40) {
        const v = int(20) === 0 ? Buffer.from('abc'.repeat(3000 + int(2000))) : int(3) === 0 ? Buffer.from(String(int(1e9) - 5e8)) : bytes(int(200));
        cmds.push(['SET', key, v]);
      } else if (kind < 55) {
        const len = int(30) === 0 ? 2000 + int(3000) : 1 + int(40);
        const items = Array.from({ length: len }, () => (int(50) === 0 ? bytes(9000) : word()));
        for (let j = 0; j < items.length; j += 500) cmds.push(['RPUSH', key, ...items.slice(j, j + 500)]);
      } else if (kind < 70) {
        const t = int(4);
        const len = t === 3 ? 1000 + int(1000) : 1 + int(60);
        const items = Array.from({ length: len }, () => (t === 0 ? Buffer.from(String(int(70000) - 35000)) : t === 1 ? Buffer.from(pick(['9223372036854775807', '-9223372036854775808', String(int(100))])) : word()));
        for (let j = 0; j < items.length; j += 500) cmds.push(['SADD', key, ...items.slice(j, j + 500)]);
      } else if (kind < 82) {
        const len = int(10) === 0 ? 200 + int(300) : 1 + int(60);
        const args: Cmd = ['ZADD', key];
        for (let j = 0; j < len; j++) {
          const s = pick([() => String(int(1000)), () => (rnd() * 1e6 - 5e5).toString(), () => pick(['inf', '-inf', '0', '1e-300', '1.7976931348623157e308', '0.1']), () => String(rnd())])();
          args.push(s, int(15) === 0 ? Buffer.from('m'.repeat(70) + j) : word());
        }
        cmds.push(args);
      } else if (kind < 94) {
        const len = int(10) === 0 ? 200 + int(300) : 1 + int(30);
        const args: Cmd = ['HSET', key];
        for (let j = 0; j < len; j++) args.push(Buffer.concat([Buffer.from(`f${j}:`), word()]), int(20) === 0 ? bytes(100) : word());
        cmds.push(args);
      } else {
        const len = int(5) === 0 ? 300 + int(300) : int(20);
        let ms = 1700000000000 + int(1000);
        for (let j = 0; j < len; j++) {
          ms += int(3);
          const fields: Cmd = int(3) === 0 ? ['a', word(), 'b', word()] : ['sensor', String(int(10)), 'v', word()];
          cmds.push(['XADD', key, `${ms}-${j}`, ...fields]);
        }
        if (len === 0) cmds.push(['XADD', key, '1-1', 'x', 'y'], ['XDEL', key, '1-1']);
        if (len > 3) cmds.push(['XDEL', key, `${ms}-${len - 1}`]);
        for (let g = 0; g < int(3); g++) {
          cmds.push(['XGROUP', 'CREATE', key, `g${g}`, '0']);
          if (len > 0) cmds.push(['XREADGROUP', 'GROUP', `g${g}`, `c${int(3)}`, 'COUNT', String(1 + int(20)), 'STREAMS', key, '>']);
          cmds.push(['XGROUP', 'CREATECONSUMER', key, `g${g}`, 'idle']);
        }
      }
      if (int(5) === 0) cmds.push(['PEXPIREAT', key, String(futureMs + int(1e9))]);
    }
    dbs.set(db, cmds);
  }
  return dbs;
}

/** What a server holds for one key, in `normalize()` form. */
async function serverValue(r: Redis, key: Buffer): Promise<{ type: string; expireMs: number | null; value: unknown }> {
  const type = (await r.type(key)) as string;
  const pexp = Number(await r.call('PEXPIRETIME', key));
  const expireMs = pexp < 0 ? null : pexp;
  const h = (b: Buffer): string => b.toString('hex');
  let value: unknown;
  switch (type) {
    case 'string':
      value = ['string', h((await r.getBuffer(key))!)];
      break;
    case 'list':
      value = ['list', (await r.lrangeBuffer(key, 0, -1)).map(h)];
      break;
    case 'set':
      value = ['set', [...new Set((await r.smembersBuffer(key)).map(h))].sort()];
      break;
    case 'zset': {
      const flat = (await r.callBuffer('ZRANGE', key, '0', '-1', 'WITHSCORES')) as Buffer[];
      const pairs: string[][] = [];
      for (let i = 0; i < flat.length; i += 2) {
        const s = strtod(flat[i + 1]!.toString());
        pairs.push([h(flat[i]!), Object.is(s, -0) ? '-0' : String(s)]);
      }
      value = ['zset', pairs.sort()];
      break;
    }
    case 'hash': {
      const flat = (await r.callBuffer('HGETALL', key)) as Buffer[];
      const pairs: unknown[] = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push([h(flat[i]!), h(flat[i + 1]!), null]);
      value = ['hash', pairs.sort()];
      break;
    }
    case 'stream': {
      const entries = (await r.callBuffer('XRANGE', key, '-', '+')) as Array<[Buffer, Buffer[]]>;
      const info = (await r.call('XINFO', 'STREAM', key, 'FULL', 'COUNT', '0')) as unknown[];
      const get = (arr: unknown[], name: string): unknown => arr[arr.indexOf(name) + 1];
      const groups = (get(info, 'groups') as unknown[][]).map((g) => {
        const pel = get(g, 'pending') as Array<[string, string, number, number]>;
        const consumers = get(g, 'consumers') as unknown[][];
        const er = get(g, 'entries-read');
        return [
          h(Buffer.from(get(g, 'name') as string)),
          get(g, 'last-delivered-id'),
          er === null ? -1 : er,
          pel.map((p) => [p[0], p[2], p[3]]).sort(),
          consumers.map((c) => [h(Buffer.from(get(c, 'name') as string)), get(c, 'seen-time'), (get(c, 'pending') as unknown[][]).map((p) => p[0]).sort()]),
        ];
      });
      value = [
        'stream',
        entries.map(([id, kv]) => {
          const fields: string[][] = [];
          for (let i = 0; i < kv.length; i += 2) fields.push([h(kv[i]!), h(kv[i + 1]!)]);
          return [id.toString(), fields];
        }),
        get(info, 'length'),
        get(info, 'last-generated-id'),
        groups,
      ];
      break;
    }
    default:
      value = null;
  }
  return { type, expireMs, value };
}

function ourValue(k: CollectedKey): { type: string; expireMs: number | null; value: unknown } {
  const v = toValue(k)!;
  return { type: k.rec.type, expireMs: k.rec.expireMs, value: normalize(v) };
}

describe.skipIf(!haveRealRedis())('differential: real redis-server 7.0', () => {
  let a: RealRedis;
  let b: RealRedis | undefined;
  let ra: Redis;
  let ours: CollectedKey[] = [];
  let functions: Buffer[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'redkit-rdbdiff-'));

  beforeAll(async () => {
    a = await startRealRedis(CONFIG);
    ra = new Redis({ port: a.port, lazyConnect: true, maxRetriesPerRequest: 0 });
    await ra.connect();
    const rnd = rng(SEED);
    for (const [db, cmds] of makeDataset(rnd)) {
      await ra.select(db);
      const p = ra.pipeline();
      for (const c of cmds) p.call(String(c[0]), ...c.slice(1));
      const res = await p.exec();
      for (const [err] of res ?? []) if (err) throw err;
    }
    await ra.call('FUNCTION', 'LOAD', "#!lua name=difflib\nredis.register_function('f1', function(keys, args) return 1 end)");
    await ra.select(0);
    await ra.call('SAVE');
    const parsed = await collect(readFileSync(join(a.dir, 'dump.rdb')), {}, 65536);
    ours = parsed.keys;
    functions = parsed.functions;
  }, 60_000);

  afterAll(async () => {
    ra?.disconnect();
    await a?.stop();
    await b?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('reads every key the server holds, with the same type, TTL and value', async () => {
    const byDb = new Map<number, CollectedKey[]>();
    for (const k of ours) byDb.set(k.db, [...(byDb.get(k.db) ?? []), k]);
    expect([...byDb.keys()].sort((x, y) => x - y)).toEqual([0, 1, 3, 15]);
    const encodings = new Set(ours.map((k) => k.rec.encoding));
    // Both encodings of every family appear (thresholds set above).
    for (const e of ['string', 'quicklist2', 'intset', 'hashtable', 'listpack', 'skiplist', 'stream']) expect(encodings).toContain(e);
    for (const [db, keys] of byDb) {
      await ra.select(db);
      expect(Number(await ra.dbsize())).toBe(keys.length);
      // Many keys in flight at once: ioredis pipelines them.
      for (let i = 0; i < keys.length; i += 256) {
        const part = keys.slice(i, i + 256);
        const wants = await Promise.all(part.map((k) => serverValue(ra, k.key)));
        part.forEach((k, j) => expect(ourValue(k), `${db} ${k.key.toString('hex')}`).toEqual(wants[j]));
      }
    }
    expect(functions.map((f) => f.toString())).toEqual([expect.stringContaining('name=difflib')]);
  }, 60_000);

  it('real redis-server loads what our writer writes', async () => {
    const w = new RdbWriter();
    for (const f of functions) w.function(f);
    const dbs = [...new Set(ours.map((k) => k.db))];
    const parts: Buffer[] = [];
    for (const db of dbs) {
      const keys = ours.filter((k) => k.db === db);
      w.selectDb(db, keys.length, keys.filter((k) => k.rec.expireMs !== null).length);
      for (const k of keys) {
        w.key(k.key, toValue(k)!, { expireMs: k.rec.expireMs });
        parts.push(w.take());
      }
    }
    parts.push(w.take(), w.end());
    writeFileSync(join(tmp, 'ours.rdb'), Buffer.concat(parts));
    b = await startRealRedis([...CONFIG, '--dbfilename', 'ours.rdb'], { dir: tmp });
    const rb = new Redis({ port: b.port, lazyConnect: true, maxRetriesPerRequest: 0 });
    await rb.connect();
    try {
      for (const db of dbs) {
        await ra.select(db);
        await rb.select(db);
        expect(await rb.dbsize()).toBe(await ra.dbsize());
        const keys = ours.filter((x) => x.db === db);
        for (let i = 0; i < keys.length; i += 256) {
          const part = keys.slice(i, i + 256);
          const [gotB, gotA] = await Promise.all([Promise.all(part.map((k) => serverValue(rb, k.key))), Promise.all(part.map((k) => serverValue(ra, k.key)))]);
          part.forEach((k, j) => expect(gotB[j], k.key.toString('hex')).toEqual(gotA[j]));
        }
      }
      expect(((await rb.call('FUNCTION', 'LIST')) as unknown[]).length).toBe(1);

      // DUMP payloads: the server's decode to what we read; ours RESTORE into the server.
      await ra.select(0);
      await rb.select(0);
      const sample = ours.filter((k) => k.db === 0);
      const seen = new Set<string>();
      for (const k of sample) {
        if (seen.has(k.rec.encoding)) continue;
        seen.add(k.rec.encoding);
        const dump = (await ra.callBuffer('DUMP', k.key)) as Buffer;
        const decoded = await decodeDumpPayload(dump);
        expect(normalize(decoded.value)).toEqual(normalize(toValue(k)!));
        const newKey = Buffer.concat([Buffer.from('restored:'), k.key]);
        await rb.callBuffer('RESTORE', newKey, '0', encodeDumpPayload(toValue(k)!));
        const got = await serverValue(rb, newKey);
        expect(got.value).toEqual((await serverValue(ra, k.key)).value);
      }
      expect(seen.size).toBeGreaterThanOrEqual(7);
    } finally {
      rb.disconnect();
    }
  }, 60_000);
});
