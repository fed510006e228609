/**
 * SORT / SORT_RO over TCP against the built-in server, and the same SORT invocations
 * compared with real redis-server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type ServerHandle } from '../../tools/server/server.js';
import { haveRealRedis, startRealRedis, type RealRedis } from '../helpers/real-redis.js';
import { run } from '../helpers/differential.js';

async function fixture(r: Redis): Promise<void> {
  await r.flushdb();
  await run(r, ['rpush', 'l', 3, 1, 2, 10]);
  await run(r, ['sadd', 's', 'b', 'a', 'c']);
  await run(r, ['zadd', 'z', 1, 'x', 3, 'y', 2, 'z']);
  await run(r, ['mset', 'w_3', 30, 'w_1', 10, 'w_2', 20, 'w_10', 5, 'name_1', 'one', 'name_3', 'three']);
  await run(r, ['hset', 'h_1', 'f', 9, 'n', 'uno']);
  await run(r, ['hset', 'h_2', 'f', 1, 'n', 'dos']);
  await run(r, ['rpush', 'bad', 'a', 'b']);
}

const CASES: (string | number)[][] = [
  ['sort', 'l'],
  ['sort', 'l', 'desc'],
  ['sort', 'l', 'alpha'],
  ['sort', 'l', 'limit', 1, 2],
  ['sort', 'l', 'limit', -5, 2],
  ['sort', 'l', 'by', 'w_*'],
  ['sort', 'l', 'by', 'h_*->f', 'get', '#', 'get', 'h_*->n'],
  ['sort', 'l', 'by', 'nosort', 'get', 'name_*'],
  ['sort', 's', 'alpha', 'desc'],
  ['sort', 'z'],
  ['sort', 'z', 'by', 'nosort', 'desc', 'limit', 1, 1],
  ['sort', 'bad'],
  ['sort', 'l', 'store', 'out'],
  ['lrange', 'out', 0, -1],
  ['sort', 'nokey', 'store', 'out'],
  ['exists', 'out'],
  ['sort', 'l', 'foo'],
  ['sort_ro', 'l', 'store', 'x'],
  ['sort_ro', 'l', 'desc'],
  ['sort', 'w_1'],
];

describe('SORT over TCP', () => {
  let srv: ServerHandle;
  let r: Redis;
  beforeAll(async () => {
    srv = await startServer({ port: 0 });
    r = new Redis({ port: srv.port, host: '127.0.0.1' });
    await fixture(r);
  });
  afterAll(async () => {
    r.disconnect();
    await srv.close();
  });

  it('numeric, alpha, BY, GET, LIMIT, STORE and errors', async () => {
    expect(await run(r, ['sort', 'l'])).toEqual(['1', '2', '3', '10']);
    expect(await run(r, ['sort', 'l', 'alpha'])).toEqual(['1', '10', '2', '3']);
    expect(await run(r, ['sort', 'l', 'by', 'w_*'])).toEqual(['10', '1', '2', '3']);
    expect(await run(r, ['sort', 'l', 'by', 'nosort', 'get', 'name_*'])).toEqual(['three', 'one', null, null]);
    expect(await run(r, ['sort', 'bad'])).toBe("ERR:ERR One or more scores can't be converted into double");
    expect(await run(r, ['sort', 'l', 'store', 'out'])).toBe(4);
    expect(await run(r, ['sort_ro', 'l', 'store', 'x'])).toBe('ERR:ERR syntax error');
    expect(await run(r, ['command', 'getkeys', 'sort', 'abc', 'store', 'invalid', 'store', 'def'])).toEqual(['abc', 'def']);
  });
});

describe.skipIf(!haveRealRedis())('SORT differential vs real redis-server', () => {
  let srv: ServerHandle;
  let real: RealRedis;
  let a: Redis, b: Redis;
  beforeAll(async () => {
    srv = await startServer({ port: 0 });
    real = await startRealRedis();
    a = new Redis({ port: srv.port, host: '127.0.0.1' });
    b = new Redis({ port: real.port, host: '127.0.0.1' });
    await fixture(a);
    await fixture(b);
  });
  afterAll(async () => {
    a.disconnect();
    b.disconnect();
    await srv.close();
    await real.stop();
  });

  it('replies match for a seeded random sequence of SORT options', async () => {
    let seed = 12345;
    const rand = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    const pick = <T>(a: T[]): T => a[Math.floor(rand() * a.length)]!;
    for (let i = 0; i < 300; i++) {
      const key = pick(['l', 'z', 'bad', 'nokey', 'w_1']);
      const cmd: (string | number)[] = [pick(['sort', 'sort_ro']), key];
      if (rand() < 0.4) cmd.push(pick(['asc', 'desc']));
      const alpha = rand() < 0.3;
      if (alpha) cmd.push('alpha');
      // ALPHA BY a pattern that is missing for some elements compares them as equal, and
      // Redis then keeps its dict order, which differs between runs: not comparable.
      if (rand() < 0.4) cmd.push('by', alpha ? 'nosort' : pick(['w_*', 'h_*->f', 'nosort', 'missing_*', 'h_*->nofield']));
      if (rand() < 0.4) cmd.push('limit', Math.floor(rand() * 6) - 1, Math.floor(rand() * 6) - 1);
      if (rand() < 0.4) cmd.push('get', pick(['#', 'name_*', 'h_*->n', 'w_*']));
      if (rand() < 0.2) cmd.push('get', '#');
      if (cmd[0] === 'sort' && rand() < 0.2) cmd.push('store', 'dst');
      const [x, y] = await Promise.all([run(a, cmd), run(b, cmd)]);
      expect({ cmd, reply: x }).toEqual({ cmd, reply: y });
      if (cmd.includes('store')) {
        const [p, q] = await Promise.all([run(a, ['lrange', 'dst', 0, -1]), run(b, ['lrange', 'dst', 0, -1])]);
        expect({ cmd, stored: p }).toEqual({ cmd, stored: q });
      }
    }
  });

  it('replies match', async () => {
    for (const cmd of CASES) {
      const [x, y] = await Promise.all([run(a, cmd), run(b, cmd)]);
      const norm = (v: unknown): unknown => (cmd[1] === 's' && Array.isArray(v) && !cmd.includes('alpha') ? [...v].sort() : v);
      expect({ cmd, reply: norm(x) }).toEqual({ cmd, reply: norm(y) });
    }
  });
});
