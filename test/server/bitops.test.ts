/**
 * Bit operations over TCP and a seeded differential run against real redis-server (SETBIT,
 * GETBIT, BITCOUNT/BITPOS in BYTE and BIT mode, BITOP, BITFIELD with every overflow mode).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type ServerHandle } from '../../tools/server/server.js';
import { haveRealRedis } from '../helpers/real-redis.js';
import { run, useServerPair } from '../helpers/differential.js';
import { rng } from '../helpers/rng.js';

describe('bit operations over TCP', () => {
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

  it('SETBIT / GETBIT / BITCOUNT / BITPOS / BITOP / BITFIELD', async () => {
    await r.del('b', 'c', 'd');
    expect(await r.setbit('b', 7, 1)).toBe(0);
    expect(await r.getBuffer('b')).toEqual(Buffer.from([1]));
    expect(await r.getbit('b', 7)).toBe(1);
    expect(await r.bitcount('b')).toBe(1);
    await r.set('c', Buffer.from([0xff, 0xf0, 0x00]));
    expect(await r.call('bitcount', 'c', 1, 9, 'BIT')).toBe(9);
    expect(await r.bitpos('c', 0)).toBe(12);
    expect(await r.call('bitpos', 'c', 1, 2, -1, 'BYTE')).toBe(-1);
    expect(await r.bitop('AND', 'd', 'b', 'c')).toBe(3);
    expect(await r.call('bitfield', 'bf', 'SET', 'u8', '#1', 255, 'INCRBY', 'u8', '#1', 10, 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '#1', 250)).toEqual([
      0, 9, null,
    ]);
    await expect(r.setbit('b', -1, 1)).rejects.toThrow('ERR bit offset is not an integer or out of range');
    await expect(r.setbit('b', 1, 2)).rejects.toThrow('ERR bit is not an integer or out of range');
    await expect(r.call('bitfield', 'b', 'GET', 'u64', 0)).rejects.toThrow(/Invalid bitfield type/);
    await expect(r.call('bitfield_ro', 'b', 'SET', 'u8', 0, 1)).rejects.toThrow('ERR BITFIELD_RO only supports the GET subcommand');
  });
});

describe.skipIf(!haveRealRedis())('bit operations: differential against real redis-server', () => {
  const pair = useServerPair();
  let a: Redis;
  let b: Redis;
  beforeAll(() => ({ ours: a, theirs: b } = pair));

  it('same replies and bytes for a random command sequence', async () => {
    const rand = rng(7);
    const int = (n: number) => Math.floor(rand() * n);
    const keys = ['k1', 'k2', 'k3'];
    const cmds: (string | number)[][] = [['del', ...keys, 'dst']];
    for (let i = 0; i < 600; i++) {
      const k = keys[int(3)]!;
      const x = int(15);
      const types = ['u1', 'u5', 'u8', 'i8', 'i13', 'u31', 'i32', 'u63', 'i64'];
      const t = types[int(types.length)]!;
      const ov = ['WRAP', 'SAT', 'FAIL'][int(3)]!;
      const off = int(3) === 0 ? `#${int(6)}` : String(int(120));
      const val = String(Math.floor((rand() - 0.5) * 2 ** (int(3) === 0 ? 62 : 20)));
      if (x === 0) cmds.push(['setbit', k, int(200), int(2)]);
      else if (x === 1) cmds.push(['getbit', k, int(220)]);
      else if (x === 2) cmds.push(['bitcount', k]);
      else if (x === 3) cmds.push(['bitcount', k, int(40) - 20, int(40) - 20, int(2) ? 'BIT' : 'BYTE']);
      else if (x === 4) cmds.push(['bitpos', k, int(2)]);
      else if (x === 5) cmds.push(['bitpos', k, int(2), int(30) - 15, int(30) - 15, int(2) ? 'BIT' : 'BYTE']);
      else if (x === 6) cmds.push(['bitop', ['AND', 'OR', 'XOR'][int(3)]!, 'dst', k, keys[int(3)]!, 'missing']);
      else if (x === 7) cmds.push(['bitop', 'NOT', 'dst', k]);
      else if (x === 8) cmds.push(['bitfield', k, 'OVERFLOW', ov, 'INCRBY', t, off, val, 'GET', t, off]);
      else if (x === 9) cmds.push(['bitfield', k, 'OVERFLOW', ov, 'SET', t, off, val]);
      else if (x === 10) cmds.push(['bitfield_ro', k, 'GET', t, off]);
      else if (x === 11) cmds.push(['bitpos', k, int(2), int(10)]);
      else if (x === 12) cmds.push(['append', k, 'ab']);
      else if (x === 13) cmds.push(['setrange', k, int(20), 'xyz']);
      else cmds.push(['get', k], ['strlen', k]);
      if (i % 25 === 0) cmds.push(['get', k], ['get', 'dst']);
    }
    for (const c of cmds) expect(await run(a, c), JSON.stringify(c)).toEqual(await run(b, c));
  });
});
