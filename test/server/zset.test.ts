/**
 * Sorted sets: the skiplist (ranks, ranges) as a unit, the commands over TCP against the
 * built-in server (replies, errors, encodings), and a seeded random command sequence
 * compared reply-for-reply with real redis-server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type ServerHandle } from '../../tools/server/server.js';
import { SortedChunks } from '../../tools/server/types/zset-chunks.js';
import { parseLexRange, parseScoreRange, strtod } from '../../tools/server/types/zset-util.js';
import { haveRealRedis } from '../helpers/real-redis.js';
import { run, rng, useServerPair } from '../helpers/differential.js';

/** Runs a command and returns its reply, or `ERR:<message>` for an error reply. */
describe('zset ordered index', () => {
  it('keeps (score, member) order, ranks and ranges under random updates', () => {
    const sl = new SortedChunks();
    const r = rng(1);
    const items = new Map<string, number>();
    for (let i = 0; i < 20000; i++) {
      const m = `m${Math.floor(r() * 3000)}`;
      const s = Math.floor(r() * 50);
      const cur = items.get(m);
      if (cur !== undefined) sl.updateScore(cur, m, s); else sl.insert(s, m);
      items.set(m, s);
      if (r() < 0.45) { const d = `m${Math.floor(r() * 3000)}`; const ds = items.get(d); if (ds !== undefined) { expect(sl.delete(ds, d)).toBe(true); items.delete(d); } }
    }
    const sorted = [...items].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    expect(sl.length).toBe(sorted.length);
    const walked: [string, number][] = [];
    sl.forEach(0, sl.length - 1, false, (m, s) => { walked.push([m, s]); });
    expect(walked).toEqual(sorted);
    const back: [string, number][] = [];
    sl.forEach(3, sl.length - 5, true, (m, s) => { back.push([m, s]); });
    expect(back).toEqual(sorted.slice(3, sl.length - 4).reverse());
    sorted.forEach(([m, s], i) => {
      expect(sl.rankOf(s, m)).toBe(i);
      expect(sl.memberAt(i)).toBe(m);
    });
    const [a, b] = sl.scoreRange(parseScoreRange('(10', '20')!);
    expect(sorted.slice(a, b + 1).every(([, s]) => s > 10 && s <= 20)).toBe(true);
    expect(sorted.filter(([, s]) => s > 10 && s <= 20).length).toBe(b - a + 1);
    expect(sl.delete(99, 'nope')).toBe(false);
  });

  it('moves elements inside one chunk and across chunks on score updates', () => {
    // 100 members fit one chunk (in-place moves, including the first and last positions);
    // 1000 members span several (remove + insert). Scores collide often, so ties are
    // ordered by member.
    for (const n of [100, 1000]) {
      const sl = new SortedChunks();
      const r = rng(n);
      const items = new Map<string, number>();
      for (let i = 0; i < n; i++) { const m = `k${i}`; const s = Math.floor(r() * 20); sl.insert(s, m); items.set(m, s); }
      for (let i = 0; i < 5000; i++) {
        const m = `k${Math.floor(r() * n)}`;
        const cur = items.get(m)!;
        const s = r() < 0.1 ? (r() < 0.5 ? -1 - i : 100 + i) : Math.floor(r() * 20);
        if (s === cur) continue;
        sl.updateScore(cur, m, s);
        items.set(m, s);
      }
      const sorted = [...items].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      const walked: [string, number][] = [];
      sl.forEach(0, sl.length - 1, false, (m, s) => { walked.push([m, s]); });
      expect(walked).toEqual(sorted);
      sorted.forEach(([m, s], i) => { expect(sl.rankOf(s, m)).toBe(i); });
    }
  });

  it('parses scores and ranges like Redis', () => {
    expect(strtod('1.5')).toBe(1.5);
    expect(strtod('+inf')).toBe(Infinity);
    expect(strtod('-Infinity')).toBe(-Infinity);
    expect(strtod('nan')).toBeNull();
    expect(strtod(' 1')).toBeNull();
    expect(strtod('1e400')).toBeNull();
    expect(strtod('')).toBeNull();
    expect(parseScoreRange('(1', 'x')).toBeNull();
    expect(parseLexRange('[a', '(b')).toMatchObject({ min: 'a', max: 'b', minex: false, maxex: true });
    expect(parseLexRange('a', '+')).toBeNull();
  });
});

describe('zset commands over TCP', () => {
  let srv: ServerHandle;
  let r: Redis;
  beforeAll(async () => {
    srv = await startServer({ port: 0 });
    r = new Redis({ port: srv.port, host: '127.0.0.1', lazyConnect: false });
  });
  afterAll(async () => {
    r.disconnect();
    await srv.close();
  });

  it('ZADD options, scores and replies', async () => {
    await r.del('z');
    expect(await run(r, ['zadd', 'z', 1, 'a', 2, 'b', 3, 'c'])).toBe(3);
    expect(await run(r, ['zadd', 'z', 'xx', 'ch', 5, 'a', 6, 'd'])).toBe(1);
    expect(await run(r, ['zadd', 'z', 'nx', 'xx', 1, 'a'])).toBe('ERR:ERR XX and NX options at the same time are not compatible');
    expect(await run(r, ['zadd', 'z', 'gt', 'lt', 1, 'a'])).toBe('ERR:ERR GT, LT, and/or NX options at the same time are not compatible');
    expect(await run(r, ['zadd', 'z', 'incr', 1, 'a', 2, 'b'])).toBe('ERR:ERR INCR option supports a single increment-element pair');
    expect(await run(r, ['zadd', 'z', 'nan', 'a'])).toBe('ERR:ERR value is not a valid float');
    expect(await run(r, ['zadd', 'z', 1, 'a', 2])).toBe('ERR:ERR syntax error');
    expect(await run(r, ['zincrby', 'z', '0.1', 'b'])).toBe('2.1000000000000001');
    expect(await run(r, ['zadd', 'z', 'gt', 'incr', '-1', 'a'])).toBeNull();
    expect(await run(r, ['zscore', 'z', 'a'])).toBe('5');
    expect(await run(r, ['zadd', 'z', '+inf', 'i'])).toBe(1);
    expect(await run(r, ['zincrby', 'z', '-inf', 'i'])).toBe('ERR:ERR resulting score is not a number (NaN)');
    expect(await run(r, ['zrange', 'z', 0, -1, 'withscores'])).toEqual(['b', '2.1000000000000001', 'c', '3', 'a', '5', 'i', 'inf']);
    expect(await run(r, ['object', 'encoding', 'z'])).toBe('listpack');
  });

  it('ranges by rank, score and lex with LIMIT and REV', async () => {
    await r.del('z', 'l', 'dst');
    await run(r, ['zadd', 'z', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e']);
    expect(await run(r, ['zrangebyscore', 'z', '(1', '4', 'limit', 1, 2])).toEqual(['c', 'd']);
    expect(await run(r, ['zrevrangebyscore', 'z', '+inf', '-inf', 'limit', 0, 2])).toEqual(['e', 'd']);
    expect(await run(r, ['zrange', 'z', '(4', '2', 'byscore', 'rev'])).toEqual(['c', 'b']);
    expect(await run(r, ['zrange', 'z', 0, 1, 'limit', 0, 1])).toBe('ERR:ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
    expect(await run(r, ['zrangebyscore', 'z', 'x', 1])).toBe('ERR:ERR min or max is not a float');
    await run(r, ['zadd', 'l', 0, 'alpha', 0, 'bar', 0, 'cool', 0, 'down']);
    expect(await run(r, ['zrangebylex', 'l', '[bar', '(down'])).toEqual(['bar', 'cool']);
    expect(await run(r, ['zrevrangebylex', 'l', '+', '-', 'limit', 1, 2])).toEqual(['cool', 'bar']);
    expect(await run(r, ['zlexcount', 'l', '-', '+'])).toBe(4);
    expect(await run(r, ['zrangebylex', 'l', 'a', 'b'])).toBe('ERR:ERR min or max not valid string range item');
    expect(await run(r, ['zrangestore', 'dst', 'z', 1, 3])).toBe(3);
    expect(await run(r, ['zrange', 'dst', 0, -1])).toEqual(['b', 'c', 'd']);
    expect(await run(r, ['zrank', 'z', 'c'])).toBe(2);
    expect(await run(r, ['zrevrank', 'z', 'c'])).toBe(2);
    expect(await run(r, ['zcount', 'z', '(1', '(5'])).toBe(3);
    expect(await run(r, ['zremrangebyscore', 'z', '-inf', '(2'])).toBe(1);
    expect(await run(r, ['zremrangebyrank', 'z', 0, 0])).toBe(1);
    expect(await run(r, ['zremrangebylex', 'l', '-', '[bar'])).toBe(2);
  });

  it('encoding converts to skiplist past zset-max-listpack-entries', async () => {
    await r.del('big');
    for (let i = 0; i < 128; i++) await r.zadd('big', i, `m${i}`);
    expect(await run(r, ['object', 'encoding', 'big'])).toBe('listpack');
    await r.zadd('big', 128, 'm128');
    expect(await run(r, ['object', 'encoding', 'big'])).toBe('skiplist');
    await r.del('long');
    await r.zadd('long', 1, 'x'.repeat(65));
    expect(await run(r, ['object', 'encoding', 'long'])).toBe('skiplist');
    await run(r, ['config', 'set', 'zset-max-ziplist-entries', '1']);
    await r.del('cfg');
    await r.zadd('cfg', 1, 'a', 2, 'b');
    expect(await run(r, ['object', 'encoding', 'cfg'])).toBe('skiplist');
    await run(r, ['config', 'set', 'zset-max-ziplist-entries', '128']);
  });

  it('set operations with weights and aggregate', async () => {
    await r.del('za', 'zb', 'sa', 'out');
    await run(r, ['zadd', 'za', 1, 'a', 2, 'b', 3, 'c']);
    await run(r, ['zadd', 'zb', 1, 'b', 2, 'c', 3, 'd']);
    await run(r, ['sadd', 'sa', 'a', 'd']);
    expect(await run(r, ['zunion', 2, 'za', 'zb', 'withscores'])).toEqual(['a', '1', 'b', '3', 'd', '3', 'c', '5']);
    expect(await run(r, ['zinter', 2, 'za', 'zb', 'weights', 2, 3, 'aggregate', 'max', 'withscores'])).toEqual(['b', '4', 'c', '6']);
    expect(await run(r, ['zdiff', 2, 'za', 'zb'])).toEqual(['a']);
    expect(await run(r, ['zunionstore', 'out', 2, 'za', 'sa'])).toBe(4);
    expect(await run(r, ['zrange', 'out', 0, -1, 'withscores'])).toEqual(['d', '1', 'a', '2', 'b', '2', 'c', '3']);
    expect(await run(r, ['zintercard', 2, 'za', 'zb', 'limit', 1])).toBe(1);
    expect(await run(r, ['zunion', 0, 'za'])).toBe("ERR:ERR at least 1 input key is needed for 'zunion' command");
    expect(await run(r, ['zunionstore', 'out', 2, 'za', 'zb', 'withscores'])).toBe('ERR:ERR syntax error');
  });

  it('pops, blocking pops and ZMPOP', async () => {
    await r.del('p', 'q');
    await run(r, ['zadd', 'p', 1, 'a', 2, 'b', 3, 'c']);
    expect(await run(r, ['zpopmin', 'p'])).toEqual(['a', '1']);
    expect(await run(r, ['zpopmax', 'p', 5])).toEqual(['c', '3', 'b', '2']);
    expect(await run(r, ['exists', 'p'])).toBe(0);
    expect(await run(r, ['zpopmin', 'p', -1])).toBe('ERR:ERR value is out of range, must be positive');
    await run(r, ['zadd', 'q', 1, 'x', 2, 'y']);
    expect(await run(r, ['zmpop', 2, 'p', 'q', 'max', 'count', 5])).toEqual(['q', [['y', '2'], ['x', '1']]]);
    expect(await run(r, ['zmpop', 1, 'q', 'min'])).toBeNull();
    const b = new Redis({ port: srv.port, host: '127.0.0.1' });
    const pending = run(b, ['bzpopmin', 'q', 0]);
    await new Promise((res) => setTimeout(res, 50));
    await run(r, ['zadd', 'q', 7, 'late']);
    expect(await pending).toEqual(['q', 'late', '7']);
    expect(await run(b, ['bzpopmax', 'q', '0.05'])).toBeNull();
    b.disconnect();
  });

  it('ZRANDMEMBER count semantics and ZSCAN', async () => {
    await r.del('rz');
    await run(r, ['zadd', 'rz', 1, 'a', 2, 'b', 3, 'c']);
    expect((await run(r, ['zrandmember', 'rz', -10]) as string[]).length).toBe(10);
    expect((await run(r, ['zrandmember', 'rz', 10]) as string[]).sort()).toEqual(['a', 'b', 'c']);
    const two = await run(r, ['zrandmember', 'rz', 2, 'withscores']) as string[];
    expect(two.length).toBe(4);
    expect(await run(r, ['zscan', 'rz', 0])).toEqual(['0', ['a', '1', 'b', '2', 'c', '3']]);
    expect(await run(r, ['zscan', 'rz', 'x'])).toBe('ERR:ERR invalid cursor');
  });

  it('WRONGTYPE on other types', async () => {
    await r.set('str', 'x');
    expect(await run(r, ['zadd', 'str', 1, 'a'])).toBe('ERR:WRONGTYPE Operation against a key holding the wrong kind of value');
    expect(await run(r, ['zunion', 1, 'str'])).toBe('ERR:WRONGTYPE Operation against a key holding the wrong kind of value');
  });
});

/** A seeded random sequence of zset commands; every reply must match real Redis. */
function zsetSequence(seed: number, n: number): (string | number)[][] {
  const r = rng(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)]!;
  const keys = ['z1', 'z2', 'z3'];
  const mem = (): string => pick(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', '1', '22', 'x'.repeat(70)]);
  const score = (): string => pick(['0', '1', '-1', '2.5', '1e3', '-inf', '+inf', '0.1', '3', '(2', 'abc']);
  const idx = (): number => Math.floor(r() * 10) - 5;
  const cmds: (() => (string | number)[])[] = [
    () => ['zadd', pick(keys), ...pick([[], ['nx'], ['xx'], ['gt'], ['lt', 'ch'], ['incr']]), score().replace('(', ''), mem()],
    () => ['zadd', pick(keys), score().replace('(', ''), mem(), score().replace('(', ''), mem()],
    () => ['zincrby', pick(keys), score().replace('(', ''), mem()],
    () => ['zrem', pick(keys), mem(), mem()],
    () => ['zrange', pick(keys), idx(), idx(), ...pick([[], ['withscores'], ['rev']])],
    () => ['zrangebyscore', pick(keys), score(), score(), ...pick([[], ['withscores'], ['limit', 1, 2]])],
    () => ['zrevrangebyscore', pick(keys), score(), score()],
    () => ['zrangebylex', pick(keys), pick(['-', '[a', '(c', '[e']), pick(['+', '[d', '(h', 'z'])],
    () => ['zcount', pick(keys), score(), score()],
    () => ['zrank', pick(keys), mem()],
    () => ['zrevrank', pick(keys), mem()],
    () => ['zscore', pick(keys), mem()],
    () => ['zmscore', pick(keys), mem(), mem()],
    () => ['zcard', pick(keys)],
    () => ['zpopmin', pick(keys), ...pick([[], [2], [-1]])],
    () => ['zpopmax', pick(keys)],
    () => ['zremrangebyrank', pick(keys), idx(), idx()],
    () => ['zremrangebyscore', pick(keys), score(), score()],
    () => ['zunionstore', pick(keys), 2, pick(keys), pick(keys), ...pick([[], ['weights', 2, 3], ['aggregate', 'min']])],
    () => ['zinterstore', pick(keys), 2, pick(keys), pick(keys)],
    () => ['zdiff', 2, pick(keys), pick(keys), 'withscores'],
    () => ['zinter', 2, pick(keys), pick(keys), 'withscores'],
    () => ['zmpop', 2, pick(keys), pick(keys), pick(['min', 'max']), 'count', 2],
    () => ['object', 'encoding', pick(keys)],
  ];
  const out: (string | number)[][] = [];
  for (let i = 0; i < n; i++) out.push(pick(cmds)());
  return out;
}

describe.skipIf(!haveRealRedis())('zset differential vs real redis-server', () => {
  const pair = useServerPair();

  it('replies match for a seeded random sequence', async () => {
    for (const cmd of zsetSequence(20261123, 1500)) {
      const [x, y] = await Promise.all([run(pair.ours, cmd), run(pair.theirs, cmd)]);
      expect({ cmd, reply: x }).toEqual({ cmd, reply: y });
    }
  });
});
