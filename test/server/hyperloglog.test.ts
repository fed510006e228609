/**
 * HyperLogLog: register format and estimator unit tests, commands over TCP, and byte-level
 * differential checks against real redis-server (the same PFADDs give the same GET bytes,
 * sparse and dense; HLLs made by real Redis count and merge the same here).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type ServerHandle } from '../../tools/server/server.js';
import { HLL_DENSE, HLL_SPARSE, Hll, murmurHash64A } from '../../tools/server/types/hll.js';
import { haveRealRedis } from '../helpers/real-redis.js';
import { useServerPair } from '../helpers/differential.js';

describe('HLL registers', () => {
  it('MurmurHash64A matches a BigInt reference implementation', () => {
    const M = 0xc6a4a7935bd1e995n;
    const U = (x: bigint) => BigInt.asUintN(64, x);
    const ref = (data: Uint8Array, seed: bigint): bigint => {
      let h = U(seed ^ U(BigInt(data.length) * M));
      const n = data.length >> 3;
      for (let i = 0; i < n; i++) {
        let k = 0n;
        for (let j = 7; j >= 0; j--) k = (k << 8n) | BigInt(data[i * 8 + j]!);
        k = U(k * M);
        k ^= k >> 47n;
        k = U(k * M);
        h ^= k;
        h = U(h * M);
      }
      const rem = data.length & 7;
      if (rem) {
        for (let j = rem - 1; j >= 0; j--) h ^= BigInt(data[n * 8 + j]!) << BigInt(8 * j);
        h = U(h * M);
      }
      h ^= h >> 47n;
      h = U(h * M);
      h ^= h >> 47n;
      return h;
    };
    for (const s of ['', 'a', 'abc', 'hello world', '0123456789abcdef', 'x'.repeat(37)]) {
      const d = Buffer.from(s);
      const [hi, lo] = murmurHash64A(d, 0xadc83b19);
      expect((BigInt(hi) << 32n) | BigInt(lo)).toBe(ref(d, 0xadc83b19n));
    }
  });

  it('promotes sparse to dense past hll-sparse-max-bytes and keeps the estimate', () => {
    const h = Hll.create();
    for (let i = 0; i < 200; i++) h.add(Buffer.from(`e${i}`), 3000);
    expect(h.encoding).toBe(HLL_SPARSE);
    for (let i = 200; i < 5000; i++) h.add(Buffer.from(`e${i}`), 3000);
    expect(h.encoding).toBe(HLL_DENSE);
    const n = h.count()!;
    expect(Math.abs(n - 5000) / 5000).toBeLessThan(0.05);
  });

  it('detects a corrupted sparse representation', () => {
    const h = Hll.create();
    h.add(Buffer.from('a'), 3000);
    const bad = Hll.fromLatin1(h.toLatin1() + 'hello');
    expect(bad.count()).toBeNull();
  });
});

describe('HyperLogLog commands over TCP', () => {
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

  it('PFADD / PFCOUNT / PFMERGE / PFDEBUG and errors', async () => {
    await r.del('h1', 'h2', 'h3', 'str');
    expect(await r.pfadd('h1', 'a', 'b', 'c')).toBe(1);
    expect(await r.pfadd('h1', 'a', 'b', 'c')).toBe(0);
    expect(await r.pfcount('h1')).toBe(3);
    await r.pfadd('h2', 'c', 'd');
    expect(await r.pfmerge('h3', 'h1', 'h2')).toBe('OK');
    expect(await r.pfcount('h3')).toBe(4);
    expect(await r.pfcount('h1', 'h2')).toBe(4);
    expect(await r.call('pfdebug', 'encoding', 'h1')).toBe('sparse');
    expect(await r.call('pfdebug', 'todense', 'h1')).toBe(1);
    expect(await r.call('pfdebug', 'encoding', 'h1')).toBe('dense');
    expect(await r.pfcount('h1')).toBe(3);
    await r.set('str', 'not an hll at all');
    await expect(r.pfadd('str', 'x')).rejects.toThrow('WRONGTYPE Key is not a valid HyperLogLog string value.');
    await r.del('h4');
    await r.pfadd('h4', 'a', 'b', 'c');
    await r.append('h4', 'hello');
    await expect(r.pfcount('h4')).rejects.toThrow('INVALIDOBJ Corrupted HLL object detected');
  });
});

describe.skipIf(!haveRealRedis())('HyperLogLog: differential against real redis-server', () => {
  const pair = useServerPair();
  let a: Redis;
  let b: Redis;
  beforeAll(() => ({ ours: a, theirs: b } = pair));

  it('the same PFADDs give the same bytes (sparse, promotion, dense) and counts', async () => {
    await a.del('h');
    await b.del('h');
    let n = 0;
    for (const batch of [1, 2, 5, 20, 100, 300, 700, 1500, 4000]) {
      const els: string[] = [];
      for (let i = 0; i < batch; i++) els.push(`el:${n++}:${(n * 7919) % 1013}`);
      expect(await a.pfadd('h', ...els)).toBe(await b.pfadd('h', ...els));
      expect((await a.getBuffer('h'))!.equals((await b.getBuffer('h'))!)).toBe(true);
      expect(await a.pfcount('h')).toBe(await b.pfcount('h'));
      expect((await a.getBuffer('h'))!.equals((await b.getBuffer('h'))!)).toBe(true);
    }
  });

  it('HLLs edited by bit and string commands behave the same', async () => {
    const run = async (r: Redis, args: (string | number)[]): Promise<unknown> => {
      try {
        const v = await r.callBuffer(String(args[0]), ...args.slice(1).map(String));
        return Buffer.isBuffer(v) ? v.toString('hex') : v;
      } catch (e) {
        return `ERR:${(e as Error).message}`;
      }
    };
    const els = Array.from({ length: 400 }, (_, i) => `x${i}`);
    const cmds: (string | number)[][] = [
      ['del', 'mx'], ['pfadd', 'mx', ...els.slice(0, 50)], ['setbit', 'mx', 160, 1], ['pfcount', 'mx'], ['get', 'mx'],
      ['pfadd', 'mx', 'more'], ['pfcount', 'mx'], ['del', 'mx'], ['pfadd', 'mx', ...els], ['pfdebug', 'todense', 'mx'],
      ['setbit', 'mx', 1000, 1], ['pfcount', 'mx'], ['pfadd', 'mx', 'y1', 'y2'], ['pfcount', 'mx'], ['get', 'mx'],
      ['setrange', 'mx', 20, 'abc'], ['pfcount', 'mx'], ['append', 'mx', 'zz'], ['pfcount', 'mx'],
    ];
    for (const c of cmds) expect(await run(a, c), JSON.stringify(c)).toEqual(await run(b, c));
  });

  it('HLLs written by real Redis count and merge identically here', async () => {
    await b.del('r1', 'r2');
    const e1: string[] = [];
    const e2: string[] = [];
    for (let i = 0; i < 3000; i++) e1.push(`a${i}`);
    for (let i = 0; i < 50; i++) e2.push(`b${i}`);
    await b.pfadd('r1', ...e1);
    await b.pfadd('r2', ...e2);
    for (const k of ['r1', 'r2']) await a.set(k, (await b.getBuffer(k))!);
    expect(await a.pfcount('r1')).toBe(await b.pfcount('r1'));
    expect(await a.pfcount('r1', 'r2')).toBe(await b.pfcount('r1', 'r2'));
    await a.pfmerge('m', 'r2', 'r1');
    await b.pfmerge('m', 'r2', 'r1');
    expect((await a.getBuffer('m'))!.equals((await b.getBuffer('m'))!)).toBe(true);
    await a.pfmerge('m2', 'r2');
    await b.pfmerge('m2', 'r2');
    expect((await a.getBuffer('m2'))!.equals((await b.getBuffer('m2'))!)).toBe(true);
  });
});
