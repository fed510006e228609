/**
 * DEBUG DIGEST / DEBUG DIGEST-VALUE give the same digits as redis-server 7.0 for the same
 * dataset: every type and encoding, TTLs, several dbs, stream entries deleted and groups.
 */
import { describe, expect, it } from 'vitest';
import { run, useServerPair } from '../helpers/differential.js';
import { rng } from '../helpers/rng.js';
import { startRealRedis } from '../helpers/real-redis.js';

describe('DEBUG DIGEST: same digits as redis-server', () => {
  const pair = useServerPair({ 'enable-debug-command': 'yes' });

  it('DEBUG is refused unless enable-debug-command allows it, with Redis\'s error', async () => {
    const { startServer } = await import('../../tools/server/server.js');
    const { Redis } = await import('ioredis');
    for (const [setting, allowed] of [['no', false], ['local', true], ['yes', true]] as const) {
      const srv = await startServer({ port: 0, config: { 'enable-debug-command': setting } });
      const r = new Redis({ port: srv.port, host: '127.0.0.1', lazyConnect: true });
      await r.connect();
      const got = await run(r, ['DEBUG', 'DIGEST']);
      if (allowed) expect(got).toMatch(/^[0-9a-f]{40}$/);
      else {
        // The refusal as redis-server words it, with the same setting.
        const real = await startRealRedis(['--enable-debug-command', setting]);
        const rr = new Redis({ port: real.port, host: '127.0.0.1' });
        const want = await run(rr, ['DEBUG', 'DIGEST']);
        rr.disconnect();
        await real.stop();
        expect(want).toMatch(/^ERR:ERR DEBUG command not allowed/);
        expect(got).toBe(want);
      }
      r.disconnect();
      await srv.close();
    }
  });

  it('empty, then a dataset of every type in three dbs; DIGEST-VALUE per key', async () => {
    const { ours, theirs } = pair;
    const both = async (cmd: (string | number)[]): Promise<[unknown, unknown]> => [await run(ours, cmd), await run(theirs, cmd)];
    await both(['FLUSHALL']);
    const empty = await both(['DEBUG', 'DIGEST']);
    expect(empty).toEqual(['0'.repeat(40), '0'.repeat(40)]);
    const rand = rng(7);
    const cmds: (string | number)[][] = [
      ['SET', 'int', '12345'], ['SET', 'emb', 'hello'], ['SET', 'raw', 'x'.repeat(100)], ['SET', 'bin', '\x00\xff\r\n'],
      ['APPEND', 'int', '6'], ['SETBIT', 'bits', 100, 1], ['PFADD', 'hll', 'a', 'b', 'c'],
      ['RPUSH', 'l', 'a', '1', 'b', '2'], ['LPUSH', 'l', 'z'],
      ['SADD', 'iset', 3, 1, 2], ['SADD', 'hset', 'a', 'b', 'c'],
      ['ZADD', 'z', 1, 'a', 2.5, 'b', '-inf', 'c', '+inf', 'd', 0, 'e', '-0', 'f', 1e300, 'g', '0.1', 'h', 7, '12'],
      ['HSET', 'h', 'f1', 'v1', 'f2', '2'], ['ZADD', 'z', '-1.5e-3', 'i'],
      ['CONFIG', 'SET', 'zset-max-listpack-entries', 0], ['ZADD', 'zs', '-0', 'a', 1, 'b'], ['ZSCORE', 'zs', 'a'],
      ['ZUNIONSTORE', 'zu', 1, 'zs'], ['CONFIG', 'SET', 'zset-max-listpack-entries', 128], ['ZUNIONSTORE', 'zl', 1, 'zs'],
      ['ZSCORE', 'zl', 'a'], ['ZSCORE', 'z', 'f'], ['ZINCRBY', 'zs', '-0', 'a'],
      ['XADD', 's', '1-1', 'a', '1'], ['XADD', 's', '1-2', 'b', '2', 'c', '3'], ['XADD', 's', '5-0', 'a', '1'], ['XDEL', 's', '1-2'],
      ['XGROUP', 'CREATE', 's', 'g', '0'], ['XREADGROUP', 'GROUP', 'g', 'c1', 'COUNT', 1, 'STREAMS', 's', '>'],
      ['SET', 'ttl', 'v', 'EX', 1000], ['HSET', 'httl', 'f', 'v'], ['EXPIRE', 'httl', 500],
      ['SELECT', 3], ['SET', 'int', '12345'], ['RPUSH', 'l', 'x'], ['SELECT', 0],
    ];
    // Big collections (hashtable / skiplist / quicklist encodings).
    for (let i = 0; i < 300; i++) {
      cmds.push(['SADD', 'bigset', `m${i}`], ['HSET', 'bighash', `f${i}`, String(rand())], ['RPUSH', 'biglist', `e${i}`]);
      cmds.push(['ZADD', 'bigzset', String(Math.floor(rand() * 1000) / 8), `m${i}`], ['SADD', 'bigiset', i * 7]);
    }
    for (const c of cmds) {
      const [a, b] = await both(c);
      expect({ c, a }).toEqual({ c, a: b });
    }
    const d = await both(['DEBUG', 'DIGEST']);
    expect(d[0]).toMatch(/^[0-9a-f]{40}$/);
    expect(d[0]).toEqual(d[1]);
    const keys = ((await ours.keys('*')) as string[]).sort();
    const dv = await both(['DEBUG', 'DIGEST-VALUE', ...keys, 'missing']);
    expect(dv[0]).toEqual(dv[1]);
    expect((dv[0] as string[]).at(-1)).toBe('0'.repeat(40));
    // Order matters for lists, not for sets and hashes; any change shows.
    await both(['LSET', 'l', 0, 'y']);
    const changed = await both(['DEBUG', 'DIGEST']);
    expect(changed[0]).toEqual(changed[1]);
    expect(changed[0]).not.toEqual(d[0]);
  });
});
