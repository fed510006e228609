/**
 * Sets over TCP against the built-in server (replies, errors, intset/hashtable encodings,
 * random members) and a seeded random command sequence compared with real redis-server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type ServerHandle } from '../../tools/server/server.js';
import { SetValue, isInt64String } from '../../tools/server/types/set.js';
import { haveRealRedis } from '../helpers/real-redis.js';
import { run, rng, useServerPair } from '../helpers/differential.js';

describe('SetValue', () => {
  it('intset rules and sorted intset order', () => {
    expect(isInt64String('-12')).toBe(true);
    expect(isInt64String('012')).toBe(false);
    expect(isInt64String('-0')).toBe(false);
    expect(isInt64String('9223372036854775808')).toBe(false);
    const s = new SetValue();
    for (const v of ['5', '-1', '30']) s.add(v, { maxIntsetEntries: 512 });
    expect(s.members()).toEqual(['-1', '5', '30']);
    expect(s.encoding()).toBe('intset');
    s.add('a', { maxIntsetEntries: 512 });
    expect(s.encoding()).toBe('hashtable');
    s.delete('5');
    expect(s.has('5')).toBe(false);
    expect(s.size).toBe(3);
  });
});

describe('set commands over TCP', () => {
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

  it('membership, algebra and stores', async () => {
    await r.del('a', 'b', 'd');
    expect(await run(r, ['sadd', 'a', 3, 1, 2, 2])).toBe(3);
    expect(await run(r, ['smembers', 'a'])).toEqual(['1', '2', '3']);
    expect(await run(r, ['object', 'encoding', 'a'])).toBe('intset');
    expect(await run(r, ['sadd', 'b', 2, 3, 'x'])).toBe(3);
    expect(await run(r, ['object', 'encoding', 'b'])).toBe('hashtable');
    expect((await run(r, ['sinter', 'a', 'b']) as string[]).sort()).toEqual(['2', '3']);
    expect(await run(r, ['sintercard', 2, 'a', 'b', 'limit', 1])).toBe(1);
    expect(await run(r, ['sintercard', 0, 'a'])).toBe('ERR:ERR numkeys should be greater than 0');
    expect(await run(r, ['sintercard', 3, 'a'])).toBe("ERR:ERR Number of keys can't be greater than number of args");
    expect(await run(r, ['sdiff', 'a', 'b'])).toEqual(['1']);
    expect(await run(r, ['sunionstore', 'd', 'a', 'b'])).toBe(4);
    expect(await run(r, ['sinterstore', 'd', 'a', 'nokey'])).toBe(0);
    expect(await run(r, ['exists', 'd'])).toBe(0);
    expect(await run(r, ['smove', 'a', 'b', 1])).toBe(1);
    expect(await run(r, ['smismember', 'b', 1, 9])).toEqual([1, 0]);
    expect(await run(r, ['srem', 'a', 2, 3])).toBe(2);
    expect(await run(r, ['exists', 'a'])).toBe(0);
  });

  it('SPOP / SRANDMEMBER counts, SSCAN', async () => {
    await r.del('p');
    await run(r, ['sadd', 'p', 'a', 'b', 'c', 'd']);
    expect((await run(r, ['srandmember', 'p', -10]) as string[]).length).toBe(10);
    expect((await run(r, ['srandmember', 'p', 10]) as string[]).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect((await run(r, ['srandmember', 'p', 2]) as string[]).length).toBe(2);
    expect((await run(r, ['spop', 'p', 3]) as string[]).length).toBe(3);
    expect(await run(r, ['scard', 'p'])).toBe(1);
    expect(await run(r, ['spop', 'p', -1])).toBe('ERR:ERR value is out of range, must be positive');
    expect((await run(r, ['sscan', 'p', 0]) as unknown[])[0]).toBe('0');
    await run(r, ['spop', 'p']);
    expect(await run(r, ['exists', 'p'])).toBe(0);
  });
});

function setSequence(seed: number, n: number): (string | number)[][] {
  const r = rng(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)]!;
  const keys = ['s1', 's2', 's3'];
  const m = (): string => pick(['1', '2', '3', '10', '-4', 'a', 'b', 'c']);
  const cmds: (() => (string | number)[])[] = [
    () => ['sadd', pick(keys), m(), m()],
    () => ['srem', pick(keys), m(), m()],
    () => ['smove', pick(keys), pick(keys), m()],
    () => ['sismember', pick(keys), m()],
    () => ['smismember', pick(keys), m(), m()],
    () => ['scard', pick(keys)],
    () => ['sintercard', 2, pick(keys), pick(keys)],
    () => ['sinterstore', pick(keys), pick(keys), pick(keys)],
    () => ['sunionstore', pick(keys), pick(keys), pick(keys)],
    () => ['sdiffstore', pick(keys), pick(keys), pick(keys)],
    () => ['object', 'encoding', pick(keys)],
    () => ['scard', pick(keys)],
  ];
  const out: (string | number)[][] = [];
  for (let i = 0; i < n; i++) out.push(pick(cmds)());
  out.push(['smembers', 's1'], ['smembers', 's2'], ['smembers', 's3']);
  return out;
}

describe.skipIf(!haveRealRedis())('set differential vs real redis-server', () => {
  const pair = useServerPair();

  it('replies match for a seeded random sequence (unordered replies compared sorted)', async () => {
    for (const cmd of setSequence(99, 1500)) {
      const [x, y] = await Promise.all([run(pair.ours, cmd), run(pair.theirs, cmd)]);
      const norm = (v: unknown): unknown => (Array.isArray(v) && cmd[0] === 'smembers' ? [...v].sort() : v);
      expect({ cmd, reply: norm(x) }).toEqual({ cmd, reply: norm(y) });
    }
  });
});
