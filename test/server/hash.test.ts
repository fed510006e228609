/**
 * Hashes over TCP against the built-in server (replies, errors, encodings, float
 * formatting) and a seeded random command sequence compared with real redis-server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type ServerHandle } from '../../tools/server/server.js';
import { formatHumanDouble } from '../../tools/server/types/zset-util.js';
import { haveRealRedis } from '../helpers/real-redis.js';
import { run, rng, useServerPair } from '../helpers/differential.js';

describe('HINCRBYFLOAT formatting', () => {
  it('prints like Redis (no exponent, no trailing zeros)', () => {
    expect(formatHumanDouble(10.5)).toBe('10.5');
    expect(formatHumanDouble(3)).toBe('3');
    expect(formatHumanDouble(1e21)).toBe('1000000000000000000000');
    expect(formatHumanDouble(1.5e-7)).toBe('0.00000015');
    expect(formatHumanDouble(-0)).toBe('0');
  });
});

describe('hash commands over TCP', () => {
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

  it('set/get family and errors', async () => {
    await r.del('h');
    expect(await run(r, ['hset', 'h', 'a', 1, 'b', 2])).toBe(2);
    expect(await run(r, ['hset', 'h', 'a'])).toBe("ERR:ERR wrong number of arguments for 'hset' command");
    expect(await run(r, ['hmset', 'h', 'c', 3])).toBe('OK');
    expect(await run(r, ['hsetnx', 'h', 'a', 9])).toBe(0);
    expect(await run(r, ['hmget', 'h', 'a', 'zz', 'c'])).toEqual(['1', null, '3']);
    expect(await run(r, ['hgetall', 'h'])).toEqual({ a: '1', b: '2', c: '3' });
    expect(await run(r, ['hstrlen', 'h', 'a'])).toBe(1);
    expect(await run(r, ['hincrby', 'h', 'a', 10])).toBe(11);
    expect(await run(r, ['hincrbyfloat', 'h', 'a', '0.5'])).toBe('11.5');
    expect(await run(r, ['hincrby', 'h', 'a', 1])).toBe('ERR:ERR hash value is not an integer');
    expect(await run(r, ['hincrbyfloat', 'h', 'a', 'inf'])).toBe('ERR:ERR value is NaN or Infinity');
    await run(r, ['hset', 'h', 'big', '9223372036854775807']);
    expect(await run(r, ['hincrby', 'h', 'big', 1])).toBe('ERR:ERR increment or decrement would overflow');
    expect(await run(r, ['hdel', 'h', 'a', 'b', 'nope'])).toBe(2);
    expect(await run(r, ['hlen', 'h'])).toBe(2);
    expect(await run(r, ['hexists', 'h', 'c'])).toBe(1);
    expect(await run(r, ['hdel', 'h', 'c', 'big'])).toBe(2);
    expect(await run(r, ['exists', 'h'])).toBe(0);
  });

  it('encoding follows hash-max-listpack-entries (512) / -value (64)', async () => {
    await r.del('e', 'v');
    for (let i = 0; i < 512; i++) await r.hset('e', `f${i}`, i);
    expect(await run(r, ['object', 'encoding', 'e'])).toBe('listpack');
    await r.hset('e', 'f512', 1);
    expect(await run(r, ['object', 'encoding', 'e'])).toBe('hashtable');
    await r.hset('v', 'f', 'x'.repeat(65));
    expect(await run(r, ['object', 'encoding', 'v'])).toBe('hashtable');
  });

  it('HRANDFIELD and HSCAN', async () => {
    await r.del('rh');
    await run(r, ['hset', 'rh', 'a', 1, 'b', 2, 'c', 3]);
    expect((await run(r, ['hrandfield', 'rh', -7]) as string[]).length).toBe(7);
    expect((await run(r, ['hrandfield', 'rh', 5, 'withvalues']) as string[]).length).toBe(6);
    expect(await run(r, ['hrandfield', 'rh', 1, 'bad'])).toBe('ERR:ERR syntax error');
    expect(await run(r, ['hrandfield', 'rh', '-9223372036854775808'])).toBe('ERR:ERR value is out of range');
    expect(await run(r, ['hscan', 'rh', 0, 'match', 'b*'])).toEqual(['0', ['b', '2']]);
    expect(await run(r, ['hscan', 'rh', 0, 'count', 0])).toBe('ERR:ERR syntax error');
  });

  it('HSCAN returns every field present for the whole scan while the hash changes', async () => {
    await r.del('sh');
    for (let i = 0; i < 1000; i += 100) {
      const args: (string | number)[] = ['hset', 'sh'];
      for (let j = i; j < i + 100; j++) args.push(`f${j}`, j);
      await run(r, args);
    }
    const seen = new Set<string>();
    let cursor = '0';
    let step = 0;
    do {
      const [next, items] = await run(r, ['hscan', 'sh', cursor, 'count', 50]) as [string, string[]];
      for (let i = 0; i < items.length; i += 2) seen.add(items[i]!);
      // Churn: delete fields below 500 and add new ones while scanning.
      await run(r, ['hdel', 'sh', `f${step}`]);
      await run(r, ['hset', 'sh', `new${step}`, 1]);
      step++;
      cursor = next;
    } while (cursor !== '0');
    for (let j = 500; j < 1000; j++) expect(seen.has(`f${j}`)).toBe(true);
  });
});

function hashSequence(seed: number, n: number): (string | number)[][] {
  const r = rng(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)]!;
  const keys = ['h1', 'h2'];
  const f = (): string => pick(['a', 'b', 'c', 'd', '1', 'x'.repeat(80)]);
  const v = (): string => pick(['1', '-5', '2.5', 'abc', '', '9223372036854775807', '1e3']);
  const cmds: (() => (string | number)[])[] = [
    () => ['hset', pick(keys), f(), v(), f(), v()],
    () => ['hsetnx', pick(keys), f(), v()],
    () => ['hget', pick(keys), f()],
    () => ['hmget', pick(keys), f(), f()],
    () => ['hdel', pick(keys), f(), f()],
    () => ['hlen', pick(keys)],
    () => ['hstrlen', pick(keys), f()],
    () => ['hexists', pick(keys), f()],
    () => ['hincrby', pick(keys), f(), pick(['1', '-3', '100', 'x'])],
    () => ['hincrbyfloat', pick(keys), f(), pick(['1.5', '-0.25', '1e2', 'nan', '3', '0.1', '1.1', '-3.0e3', '1.23456789012345678', '5.0e-5', '+.5'])],
    () => ['hgetall', pick(keys)],
    () => ['hkeys', pick(keys)],
    () => ['hvals', pick(keys)],
    () => ['object', 'encoding', pick(keys)],
  ];
  const out: (string | number)[][] = [];
  for (let i = 0; i < n; i++) out.push(pick(cmds)());
  return out;
}

describe.skipIf(!haveRealRedis())('hash differential vs real redis-server', () => {
  const pair = useServerPair();

  it('replies match for a seeded random sequence', async () => {
    for (const cmd of hashSequence(7, 1500)) {
      const [x, y] = await Promise.all([run(pair.ours, cmd), run(pair.theirs, cmd)]);
      // A hashtable's iteration order is Redis's dict order: compare HKEYS/HVALS as multisets.
      const norm = (v: unknown): unknown => (Array.isArray(v) && (cmd[0] === 'hkeys' || cmd[0] === 'hvals') ? [...v].sort() : v);
      expect({ cmd, reply: norm(x) }).toEqual({ cmd, reply: norm(y) });
    }
  });
});
