/**
 * Lists: the ring-buffer deque as a unit, the commands over TCP against the built-in server
 * (replies, errors, blocking pops), and a seeded random command sequence compared
 * reply-for-reply with real redis-server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type ServerHandle } from '../../tools/server/server.js';
import { ListValue } from '../../tools/server/types/list.js';
import { haveRealRedis } from '../helpers/real-redis.js';
import { run, rng, useServerPair } from '../helpers/differential.js';

describe('ListValue deque', () => {
  it('behaves like an array under random operations', () => {
    const l = new ListValue();
    const ref: string[] = [];
    const r = rng(7);
    for (let i = 0; i < 5000; i++) {
      const op = Math.floor(r() * 8);
      const v = String(i);
      if (op === 0) { l.pushHead(v); ref.unshift(v); }
      else if (op === 1) { l.pushTail(v); ref.push(v); }
      else if (op === 2) { expect(l.popHead()).toBe(ref.shift()); }
      else if (op === 3) { expect(l.popTail()).toBe(ref.pop()); }
      else if (op === 4 && ref.length) { const k = Math.floor(r() * (ref.length + 1)); l.insertAt(k, v); ref.splice(k, 0, v); }
      else if (op === 5 && ref.length) { const k = Math.floor(r() * ref.length); l.removeAt(k); ref.splice(k, 1); }
      else if (op === 6 && ref.length) { const k = Math.floor(r() * ref.length); l.set(k, v); ref[k] = v; }
      else if (op === 7 && ref.length > 10) { l.trim(2, ref.length - 3); ref.splice(0, 2); ref.splice(ref.length - 2, 2); }
      expect(l.length).toBe(ref.length);
    }
    expect([...l]).toEqual(ref);
    expect(l.encoding()).toBe('quicklist');
  });
});

describe('list commands over TCP', () => {
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

  it('push, range, index, set, insert, rem, trim, pos', async () => {
    await r.del('l');
    expect(await run(r, ['rpush', 'l', 'a', 'b', 'c'])).toBe(3);
    expect(await run(r, ['lpush', 'l', 'z'])).toBe(4);
    expect(await run(r, ['lrange', 'l', 0, -1])).toEqual(['z', 'a', 'b', 'c']);
    expect(await run(r, ['lindex', 'l', -1])).toBe('c');
    expect(await run(r, ['lindex', 'l', 'x'])).toBe('ERR:ERR value is not an integer or out of range');
    expect(await run(r, ['lset', 'l', 9, 'x'])).toBe('ERR:ERR index out of range');
    expect(await run(r, ['lset', 'nokey', 0, 'x'])).toBe('ERR:ERR no such key');
    expect(await run(r, ['linsert', 'l', 'before', 'b', 'ab'])).toBe(5);
    expect(await run(r, ['linsert', 'l', 'middle', 'b', 'ab'])).toBe('ERR:ERR syntax error');
    expect(await run(r, ['linsert', 'l', 'after', 'nope', 'x'])).toBe(-1);
    expect(await run(r, ['rpush', 'l', 'a', 'a'])).toBe(7);
    expect(await run(r, ['lpos', 'l', 'a', 'rank', -1, 'count', 0])).toEqual([6, 5, 1]);
    expect(await run(r, ['lpos', 'l', 'a', 'rank', 0])).toMatch(/RANK can't be zero/);
    expect(await run(r, ['lrem', 'l', -2, 'a'])).toBe(2);
    expect(await run(r, ['ltrim', 'l', 1, -2])).toBe('OK');
    expect(await run(r, ['lrange', 'l', 0, -1])).toEqual(['a', 'ab', 'b']);
    expect(await run(r, ['object', 'encoding', 'l'])).toBe('quicklist');
    expect(await run(r, ['lpushx', 'nokey', 'a'])).toBe(0);
  });

  it('pops with count, LMOVE, LMPOP', async () => {
    await r.del('p', 'q');
    await run(r, ['rpush', 'p', 1, 2, 3, 4]);
    expect(await run(r, ['lpop', 'p', 2])).toEqual(['1', '2']);
    expect(await run(r, ['rpop', 'p', 0])).toEqual([]);
    expect(await run(r, ['rpop', 'p', -1])).toBe('ERR:ERR value is out of range, must be positive');
    expect(await run(r, ['lpop', 'nokey', 2])).toBeNull();
    expect(await run(r, ['lmove', 'p', 'q', 'right', 'left'])).toBe('4');
    expect(await run(r, ['lmove', 'p', 'q', 'up', 'left'])).toBe('ERR:ERR syntax error');
    expect(await run(r, ['lmpop', 2, 'nokey', 'q', 'left', 'count', 5])).toEqual(['q', ['4']]);
    expect(await run(r, ['lmpop', 0, 'q', 'left'])).toBe('ERR:ERR numkeys should be greater than 0');
    expect(await run(r, ['lmpop', 1, 'p', 'left', 'count', 0])).toBe('ERR:ERR count should be greater than 0');
    expect(await run(r, ['rpoplpush', 'p', 'p'])).toBe('3');
  });

  it('blocking pops are served by a later push and time out with nil', async () => {
    await r.del('bl', 'dst');
    const b = new Redis({ port: srv.port, host: '127.0.0.1' });
    const pending = run(b, ['blpop', 'bl', 0]);
    await new Promise((res) => setTimeout(res, 50));
    await run(r, ['rpush', 'bl', 'x', 'y']);
    expect(await pending).toEqual(['bl', 'x']);
    expect(await run(b, ['brpop', 'nothing', '0.05'])).toBeNull();
    const mv = run(b, ['blmove', 'src', 'dst', 'left', 'right', 0]);
    await new Promise((res) => setTimeout(res, 50));
    await run(r, ['lpush', 'src', 'v']);
    expect(await mv).toBe('v');
    expect(await run(r, ['lrange', 'dst', 0, -1])).toEqual(['v']);
    expect(await run(b, ['blpop', 'bl', '-1'])).toBe('ERR:ERR timeout is negative');
    expect(await run(b, ['blpop', 'bl', 'x'])).toBe('ERR:ERR timeout is not a float or out of range');
    b.disconnect();
  });

  it('WRONGTYPE', async () => {
    await r.set('s', 'v');
    expect(await run(r, ['lpush', 's', 'a'])).toBe('ERR:WRONGTYPE Operation against a key holding the wrong kind of value');
    expect(await run(r, ['blpop', 's', 0])).toBe('ERR:WRONGTYPE Operation against a key holding the wrong kind of value');
  });
});

function listSequence(seed: number, n: number): (string | number)[][] {
  const r = rng(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)]!;
  const keys = ['l1', 'l2'];
  const v = (): string => pick(['a', 'b', 'c', '1', '2', '']);
  const idx = (): number => Math.floor(r() * 12) - 6;
  const cmds: (() => (string | number)[])[] = [
    () => ['lpush', pick(keys), v(), v()],
    () => ['rpush', pick(keys), v()],
    () => ['lpushx', pick(keys), v()],
    () => ['rpushx', pick(keys), v()],
    () => ['linsert', pick(keys), pick(['before', 'after']), v(), v()],
    () => ['llen', pick(keys)],
    () => ['lindex', pick(keys), idx()],
    () => ['lset', pick(keys), idx(), v()],
    () => ['lrange', pick(keys), idx(), idx()],
    () => ['ltrim', pick(keys), idx(), idx()],
    () => ['lpop', pick(keys), ...pick([[], [2], [0]])],
    () => ['rpop', pick(keys), ...pick([[], [3]])],
    () => ['lrem', pick(keys), idx(), v()],
    () => ['lpos', pick(keys), v(), ...pick([[], ['rank', -1], ['count', 0], ['rank', 2, 'count', 2, 'maxlen', 5]])],
    () => ['rpoplpush', pick(keys), pick(keys)],
    () => ['lmove', pick(keys), pick(keys), pick(['left', 'right']), pick(['left', 'right'])],
    () => ['lmpop', 2, pick(keys), pick(keys), pick(['left', 'right']), 'count', 2],
  ];
  const out: (string | number)[][] = [];
  for (let i = 0; i < n; i++) out.push(pick(cmds)());
  return out;
}

describe.skipIf(!haveRealRedis())('list differential vs real redis-server', () => {
  const pair = useServerPair();

  it('replies match for a seeded random sequence', async () => {
    for (const cmd of listSequence(42, 1500)) {
      const [x, y] = await Promise.all([run(pair.ours, cmd), run(pair.theirs, cmd)]);
      expect({ cmd, reply: x }).toEqual({ cmd, reply: y });
    }
  });
});
