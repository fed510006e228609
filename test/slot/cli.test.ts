/**
 * `redkit slot` and `redkit rdb slots` end to end: keys from arguments, stdin and hex; the
 * CROSSSLOT check; `--cluster` against a real single-node cluster; and the per-slot report of a
 * dump written by a real cluster-enabled redis-server, checked against CLUSTER COUNTKEYSINSLOT.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { haveRealRedis, startRealRedis, type RealRedis } from '../helpers/real-redis.js';
import { keySlot } from '../../tools/slot/index.js';
import { pipeline } from './resp-pipe.js';

const BIN = 'bin/redkit.js';

function redkit(args: string[], input?: Buffer | string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout.toString('latin1'), stderr: r.stderr.toString() };
}

describe('redkit slot', () => {
  it('prints SLOT<TAB>KEY for keys given as arguments, in order', () => {
    const r = redkit(['slot', 'foo', 'bar', 'user:{42}:profile', 'ключ']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`12182\tfoo\n5061\tbar\n${keySlot('42')}\tuser:{42}:profile\n${keySlot(Buffer.from('ключ'))}\t${Buffer.from('ключ').toString('latin1')}\n`);
  });

  it('reads keys from stdin, one per line; an empty line is the empty key', () => {
    const r = redkit(['slot'], 'a\n\nfoo{}{bar}\nlast');
    expect(r.stdout).toBe(`${keySlot('a')}\ta\n0\t\n${keySlot('foo{}{bar}')}\tfoo{}{bar}\n${keySlot('last')}\tlast\n`);
    const big = Array.from({ length: 20000 }, (_, i) => `k:${i}`);
    const rb = redkit(['slot'], `${big.join('\n')}\n`);
    expect(rb.stdout.split('\n').length).toBe(20001);
    expect(rb.stdout.split('\n')[19999]).toBe(`${keySlot('k:19999')}\tk:19999`);
  });

  it('takes hex keys for binary data, and rejects bad hex', () => {
    const r = redkit(['slot', '--hex', '666f6f', '00ff7b617d']);
    expect(r.stdout).toBe(`12182\t666f6f\n${keySlot('a')}\t00ff7b617d\n`);
    expect(redkit(['slot', '--hex'], '666f6f\n\n').stdout).toBe('12182\t666f6f\n0\t\n');
    const bad = redkit(['slot', '--hex', 'xyz']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^redkit: invalid hex key "xyz"/);
  });

  it('--check-same-slot exits 1 with CROSSSLOT when keys differ', () => {
    expect(redkit(['slot', '--check-same-slot', '{u1}:a', '{u1}:b']).status).toBe(0);
    const r = redkit(['slot', '--check-same-slot', 'a', 'b']);
    expect(r.status).toBe(1);
    expect(r.stdout.split('\n').length).toBe(3);
    expect(r.stderr).toContain("CROSSSLOT Keys in request don't hash to the same slot");
  });
});

describe.skipIf(!haveRealRedis())('slot --cluster and rdb slots against a real cluster node', () => {
  let redis: RealRedis;
  let plain: RealRedis;
  beforeAll(async () => {
    redis = await startRealRedis(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf']);
    plain = await startRealRedis();
  });
  afterAll(async () => {
    await redis?.stop();
    await plain?.stop();
  });

  it('adds the owning node from CLUSTER SLOTS', async () => {
    await pipeline(redis.port, [['CLUSTER', 'ADDSLOTSRANGE', '0', '8000']]);
    const part = redkit(['slot', '--cluster', `redis://127.0.0.1:${redis.port}`, 'foo', 'bar']);
    expect(part.stdout).toBe(`12182\tfoo\t(unassigned)\n5061\tbar\t127.0.0.1:${redis.port}\n`);
    await pipeline(redis.port, [['CLUSTER', 'ADDSLOTSRANGE', '8001', '16383']]);
    const all = redkit(['slot', '--cluster', `redis://127.0.0.1:${redis.port}`, 'foo']);
    expect(all.stdout).toBe(`12182\tfoo\t127.0.0.1:${redis.port}\n`);
    const notCluster = redkit(['slot', '--cluster', `redis://127.0.0.1:${plain.port}`, 'foo']);
    expect(notCluster.status).toBe(1);
    expect(notCluster.stderr).toMatch(/^redkit: .*not usable as a cluster node: .*cluster support disabled/);
  });

  it('rdb slots counts what CLUSTER COUNTKEYSINSLOT counts', async () => {
    // wait until the node serves all slots (cluster state ok)
    for (let i = 0; i < 100; i++) {
      const info = String((await pipeline(redis.port, [['CLUSTER', 'INFO']]))[0]);
      if (info.includes('cluster_state:ok')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const cmds: string[][] = [];
    for (let i = 0; i < 3000; i++) {
      const k = i % 5 === 0 ? `user:{${i % 37}}:${i}` : `key:${i}`;
      if (i % 3 === 0) cmds.push(['HSET', `h:${k}`, 'f', 'v'.repeat(i % 50)]);
      else if (i % 3 === 1) cmds.push(['RPUSH', `l:${k}`, 'a', 'b', String(i)]);
      else cmds.push(['SET', k, 'x'.repeat(i % 100), 'EX', '100000']);
    }
    cmds.push(['SAVE']);
    const replies = await pipeline(redis.port, cmds);
    expect(replies.filter((r) => r instanceof Error)).toEqual([]);
    const counts = (await pipeline(redis.port, Array.from({ length: 16384 }, (_, s) => ['CLUSTER', 'COUNTKEYSINSLOT', String(s)]))) as number[];

    const dump = join(redis.dir, 'dump.rdb');
    const r = redkit(['rdb', 'slots', dump, '--json', '--nodes', join(redis.dir, 'nodes.conf')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const rep = JSON.parse(r.stdout) as { keys: number; bytes: number; slots: Array<{ slot: number; keys: number; bytes: number }>; nodes: Array<{ address: string; keys: number; slots: number }> };
    expect(rep.keys).toBe(3000);
    const ours = new Array<number>(16384).fill(0);
    for (const s of rep.slots) ours[s.slot] = s.keys;
    expect(ours).toEqual(counts);
    expect(rep.bytes).toBeLessThan(statSync(dump).size);
    expect(rep.bytes).toBeGreaterThan(3000 * 5);
    expect(rep.nodes).toHaveLength(1);
    // a lone node that never met another one does not know its own IP: nodes.conf says ":port"
    expect(rep.nodes[0]).toMatchObject({ address: `:${redis.port}`, keys: 3000, slots: 16384 });

    const text = redkit(['rdb', 'slots', dump]);
    expect(text.stdout).toContain('Keys            3000\n');
    const perSlot = redkit(['rdb', 'slots', dump, '--per-slot']).stdout.trim().split('\n');
    expect(perSlot).toHaveLength(16385);
    expect(readFileSync(dump).subarray(0, 5).toString()).toBe('REDIS');
  });
});
