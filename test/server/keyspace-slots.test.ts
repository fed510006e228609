/**
 * The keyspace's slot storage (db.ts): string values stored as plain strings with their LRU/LFU
 * and raw bit in a slot's meta cell, freed slots reused, chunks crossed. A seeded differential
 * run against real redis-server over thousands of keys (more than one chunk), and what a moved
 * value keeps (RENAME, MOVE, COPY) compared field by field, and empty or byte-backed strings read
 * by every command that takes a string.
 */
import { describe, expect, it } from 'vitest';
import { run, useServerPair } from '../helpers/differential.js';
import { rng } from '../helpers/rng.js';

describe('keyspace slots: differential against real redis-server', () => {
  const pair = useServerPair();

  it('same replies for a random mix of string writes, deletes and moves over 6,000 keys', async () => {
    const { ours, theirs } = pair;
    for (const r of [ours, theirs]) await r.flushall();
    const rand = rng(20261123);
    const key = (): string => `k:${Math.floor(rand() * 6000)}`;
    // Absolute deadlines and EXPIRETIME: TTL's rounding would depend on when each server runs.
    const at = Math.floor(Date.now() / 1000) + 100_000;
    const cmds: (string | number)[][] = [];
    // Fill past one chunk (4,096 slots), delete a third, refill: freed slots get reused.
    for (let i = 0; i < 6000; i++) cmds.push(['SET', `k:${i}`, `v${i}`]);
    for (let i = 0; i < 6000; i += 3) cmds.push(['DEL', `k:${i}`]);
    for (let i = 0; i < 4000; i++) {
      const x = rand();
      const k = key();
      if (x < 0.15) cmds.push(['SET', k, String(Math.floor(rand() * 1000))]);
      else if (x < 0.25) cmds.push(['GET', k]);
      else if (x < 0.32) cmds.push(['DEL', k]);
      else if (x < 0.38) cmds.push(['APPEND', k, 'xy']);
      else if (x < 0.43) cmds.push(['INCR', k]);
      else if (x < 0.48) cmds.push(['SETRANGE', k, Math.floor(rand() * 8), 'ab']);
      else if (x < 0.53) cmds.push(['SETBIT', k, Math.floor(rand() * 64), 1]);
      else if (x < 0.56) cmds.push(['PFADD', `h:${Math.floor(rand() * 20)}`, String(rand())]);
      else if (x < 0.6) cmds.push(['RENAME', k, key()]);
      else if (x < 0.63) cmds.push(['COPY', k, key(), 'REPLACE']);
      else if (x < 0.66) cmds.push(['MOVE', k, 1]);
      else if (x < 0.7) cmds.push(['EXPIREAT', k, at + Math.floor(rand() * 1000)]);
      else if (x < 0.74) cmds.push(['EXPIRETIME', k]);
      else if (x < 0.8) cmds.push(['OBJECT', 'ENCODING', k]);
      else if (x < 0.84) cmds.push(['TYPE', k]);
      else if (x < 0.88) cmds.push(['STRLEN', k]);
      else if (x < 0.92) cmds.push(['GETRANGE', k, 0, -1]);
      else if (x < 0.95) cmds.push(['LPUSH', k, 'e']);
      else if (x < 0.97) cmds.push(['SETNX', k, 'n']);
      else cmds.push(['DBSIZE']);
    }
    const a: unknown[] = [];
    const b: unknown[] = [];
    for (const c of cmds) {
      a.push(await run(ours, c));
      b.push(await run(theirs, c));
    }
    for (let i = 0; i < cmds.length; i++) {
      if (a[i] !== b[i]) expect({ cmd: cmds[i], ours: a[i] }).toEqual({ cmd: cmds[i], ours: b[i] });
    }
    // Every key's final value, TTL and encoding in both databases.
    for (const db of [0, 1]) {
      for (const r of [ours, theirs]) await r.select(db);
      const keys = ((await ours.keys('*')) as string[]).sort();
      expect(keys).toEqual(((await theirs.keys('*')) as string[]).sort());
      for (const k of keys) {
        const probe = async (r: typeof ours): Promise<unknown[]> => [
          await run(r, ['TYPE', k]), await run(r, ['DUMP', k]).then((d) => typeof d === 'string' ? d.length : d),
          await run(r, ['EXPIRETIME', k]), await run(r, ['OBJECT', 'ENCODING', k]),
        ];
        expect([k, ...(await probe(ours))]).toEqual([k, ...(await probe(theirs))]);
      }
    }
    for (const r of [ours, theirs]) await r.select(0);
  }, 120_000);

  it('a renamed or moved key keeps its LFU counter and raw encoding; idle times as Redis', async () => {
    const { ours, theirs } = pair;
    for (const r of [ours, theirs]) {
      await r.flushall();
      await r.set('src', 'hello');
      const payload = await r.dumpBuffer('src');
      await r.call('RESTORE', 'old', '0', payload, 'IDLETIME', '5000');
      await r.call('RESTORE', 'old2', '0', payload, 'IDLETIME', '5000');
      await r.call('APPEND', 'old2', '!');
      await r.rename('old', 'renamed');
      await r.move('old2', 2);
      await r.call('COPY', 'renamed', 'copied');
    }
    const probe = async (r: typeof ours): Promise<unknown[]> => {
      const out: unknown[] = [];
      for (const [db, k] of [[0, 'renamed'], [2, 'old2'], [0, 'copied']] as const) {
        await r.select(db);
        out.push(k, Number(await r.call('OBJECT', 'IDLETIME', k)) >= 5000, await r.call('OBJECT', 'ENCODING', k));
      }
      await r.select(0);
      return out;
    };
    const got = await probe(ours);
    expect(got).toEqual(await probe(theirs));
    // RENAME and MOVE look the key up for writing, which touches its LRU clock, as in Redis.
    expect(got).toEqual(['renamed', false, 'embstr', 'old2', false, 'raw', 'copied', false, 'embstr']);

    for (const r of [ours, theirs]) {
      await r.flushall();
      await r.config('SET', 'maxmemory-policy', 'allkeys-lfu');
      await r.set('src', 'v');
      await r.call('RESTORE', 'f', '0', await r.dumpBuffer('src'), 'FREQ', '100');
      await r.rename('f', 'g');
    }
    const freq = [Number(await ours.call('OBJECT', 'FREQ', 'g')), Number(await theirs.call('OBJECT', 'FREQ', 'g'))];
    for (const r of [ours, theirs]) await r.config('SET', 'maxmemory-policy', 'noeviction');
    expect(freq[0]).toBe(freq[1]);
    expect(freq[0]).toBeGreaterThanOrEqual(99);
  });

  it('an empty string is a value, and a bitmap or HLL is still a string, for every command that reads one', async () => {
    // A plain '' in a slot is falsy and a byte-backed string is an object: both must read as
    // string values. Replies compared as raw bytes (DUMP payloads included).
    const { ours, theirs } = pair;
    const setup: string[][] = [['SET', 'e', ''], ['SET', 'w_1', ''], ['RPUSH', 'l', '1'], ['SADD', 's', 'a'],
      ['SETBIT', 'b', '1', '1'], ['PFADD', 'h', 'x'], ['SET', 'p', 'ab']];
    const probes: string[][] = [
      ['DUMP', 'e'], ['SMOVE', 'e', 's', 'a'], ['SMOVE', 's', 'e', 'a'], ['SINTER', 'e', 's'],
      ['SUNIONSTORE', 'u', 'e', 's'], ['ZUNIONSTORE', 'z', '1', 'e'], ['ZINTER', '2', 'e', 's'],
      ['SORT', 'l', 'BY', 'nosort', 'GET', 'w_*'],
      ['MGET', 'b', 'h', 'e', 'l'], ['LCS', 'b', 'p'], ['LCS', 'h', 'e'], ['DUMP', 'b'], ['GET', 'b'], ['STRLEN', 'h'],
      ['GETRANGE', 'b', '0', '-1'], ['APPEND', 'b', 'z'], ['MGET', 'b'], ['TYPE', 'e'], ['EXISTS', 'e'],
    ];
    const reply = async (r: typeof ours, cmd: string[]): Promise<unknown> => {
      const hex = (x: unknown): unknown => (Buffer.isBuffer(x) ? x.toString('hex') : Array.isArray(x) ? x.map(hex) : x);
      try { return hex(await r.callBuffer(cmd[0]!, ...cmd.slice(1))); } catch (e) { return `ERR:${(e as Error).message}`; }
    };
    const out: unknown[][] = [[], []];
    for (const [i, r] of [ours, theirs].entries()) {
      await r.flushall();
      for (const cmd of setup) await r.call(cmd[0]!, ...cmd.slice(1));
      for (const cmd of probes) out[i]!.push([cmd.join(' '), await reply(r, cmd)]);
    }
    expect(out[0]).toEqual(out[1]);
    // MEMORY USAGE is an estimate here (not Redis's allocator sizes): a number, not nil.
    expect(typeof await ours.call('MEMORY', 'USAGE', 'e')).toBe('number');
  });
});
