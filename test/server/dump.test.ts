/**
 * DUMP / RESTORE: round trips of every type over TCP, RESTORE options and error texts, and
 * cross-restores with real redis-server in both directions (payloads real Redis writes load
 * here, and real Redis loads ours).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type ServerHandle } from '../../tools/server/server.js';
import { haveRealRedis } from '../helpers/real-redis.js';
import { useServerPair } from '../helpers/differential.js';

async function fill(r: Redis): Promise<void> {
  await r.del('s', 'n', 'l', 'h', 'z', 'st', 'si', 'ss', 'big');
  await r.set('s', 'hello');
  await r.set('n', '12345');
  await r.rpush('l', 'a', 'b', 'c', '1', '2');
  await r.hset('h', 'f1', 'v1', 'f2', 'v2');
  await r.zadd('z', 1, 'a', 2.5, 'b', -3, 'c');
  await r.sadd('si', '1', '2', '3');
  await r.sadd('ss', 'x', 'y');
  await r.pfadd('hll', 'a', 'b');
  const big: string[] = [];
  for (let i = 0; i < 300; i++) big.push(`f${i}`, 'v'.repeat(i % 80));
  await r.hset('big', ...big);
  for (let i = 1; i <= 150; i++) await r.xadd('st', `${i}-0`, 'f', String(i), ...(i % 10 === 0 ? ['other', 'x'] : []));
  await r.xdel('st', '5-0');
  await r.xgroup('CREATE', 'st', 'g', '0');
  await r.xreadgroup('GROUP', 'g', 'c1', 'COUNT', 3, 'STREAMS', 'st', '>');
}

const KEYS = ['s', 'n', 'l', 'h', 'z', 'si', 'ss', 'hll', 'big', 'st'];

async function snapshot(r: Redis, k: string): Promise<unknown> {
  const t = await r.type(k);
  switch (t) {
    case 'string':
      return r.get(k);
    case 'list':
      return r.lrange(k, 0, -1);
    case 'hash':
      return r.hgetall(k);
    case 'zset':
      return r.zrange(k, 0, -1, 'WITHSCORES');
    case 'set':
      return (await r.smembers(k)).sort();
    case 'stream': {
      const info = (await r.call('xinfo', 'stream', k, 'full')) as unknown[];
      return JSON.stringify(info)
        .replace(/"seen-time",\d+/g, '')
        .replace(/"radix-tree-nodes",\d+/g, '')
        .replace(/,\d{13},/g, ',T,');
    }
    default:
      return t;
  }
}

describe('DUMP / RESTORE over TCP', () => {
  let srv: ServerHandle;
  let r: Redis;
  beforeAll(async () => {
    srv = await startServer({ port: 0 });
    r = new Redis({ port: srv.port, host: '127.0.0.1' });
  });
  afterAll(async () => {
    r.disconnect();
    await srv.close();
  });

  it('round-trips every type', async () => {
    await fill(r);
    for (const k of KEYS) {
      const before = await snapshot(r, k);
      const payload = (await r.dumpBuffer(k))!;
      expect(await r.restore(`${k}:copy`, 0, payload)).toBe('OK');
      expect(await snapshot(r, `${k}:copy`), k).toEqual(before);
    }
  });

  it('options and errors', async () => {
    await r.set('foo', 'bar');
    const p = (await r.dumpBuffer('foo'))!;
    await expect(r.restore('foo', 0, p)).rejects.toThrow('BUSYKEY Target key name already exists.');
    expect(await r.restore('foo', 5000, p, 'REPLACE')).toBe('OK');
    expect(await r.pttl('foo')).toBeGreaterThan(4000);
    expect(await r.restore('foo2', Date.now() + 3000, p, 'ABSTTL')).toBe('OK');
    expect(await r.pttl('foo2')).toBeGreaterThan(2000);
    await expect(r.call('restore', 'x', 0, p, 'bogus')).rejects.toThrow('ERR syntax error');
    const bad = Buffer.from(p);
    bad[1] = bad[1]! ^ 0xff;
    await expect(r.restore('x', 0, bad)).rejects.toThrow('ERR DUMP payload version or checksum are wrong');
    await expect(r.restore('x', -1, p)).rejects.toThrow('ERR Invalid TTL value, must be >= 0');
    expect(await r.dump('nonexisting')).toBeNull();
  });
});

describe.skipIf(!haveRealRedis())('DUMP / RESTORE: cross-restore with real redis-server', () => {
  const pair = useServerPair();
  let a: Redis;
  let b: Redis;
  beforeAll(() => ({ ours: a, theirs: b } = pair));

  it('real Redis payloads restore here, and ours restore there, with the same content', async () => {
    await fill(a);
    await fill(b);
    for (const k of KEYS) {
      const fromReal = (await b.dumpBuffer(k))!;
      expect(await a.restore(`${k}:r`, 0, fromReal), k).toBe('OK');
      expect(await snapshot(a, `${k}:r`), k).toEqual(await snapshot(b, k));
      const fromUs = (await a.dumpBuffer(k))!;
      expect(await b.restore(`${k}:u`, 0, fromUs), k).toBe('OK');
      expect(await snapshot(b, `${k}:u`), k).toEqual(await snapshot(a, k));
      expect(await b.call('object', 'encoding', `${k}:u`)).toBe(await a.call('object', 'encoding', `${k}:r`));
    }
  });

  it('restores the legacy (Redis <= 6.2) stream payload with derived 7.0 counters', async () => {
    // From unit/type/stream-cgroups: a v5 stream with two groups after XDEL and XTRIM.
    const hex =
      '0f011000000000000000010000000000000000c3404a405716570000002300020104010101846461746105000103010020010381610204' +
      '200a0001400a0062600a0002400a0063600a4022018164200a4039200a0065600a0005400a0066200a00ff020600020267310500040000' +
      '00000000000100000000000000003ef783437a01000001000000000000000200000000000000003ef783437a0100000100000000000000' +
      '0400000000000000003ef783437a01000001000000000000000500000000000000003ef783437a0100000101036331313ef783437a0100' +
      '00040000000000000001000000000000000000000000000000020000000000000000000000000000000400000000000000000000000000' +
      '00000500000000000000000267320000000009003d52ef6867521dfa';
    const payload = Buffer.from(hex, 'hex');
    for (const r of [a, b]) {
      await r.del('x');
      expect(await r.restore('x', 0, payload)).toBe('OK');
    }
    const ia = (await a.call('xinfo', 'stream', 'x', 'full')) as unknown[];
    const ib = (await b.call('xinfo', 'stream', 'x', 'full')) as unknown[];
    expect(JSON.stringify(ia)).toBe(JSON.stringify(ib));
  });
});
