/**
 * Differential test: our keySlot against CLUSTER KEYSLOT of a real `redis-server
 * --cluster-enabled yes`, over thousands of keys (brace edge cases, UTF-8, binary, long keys).
 * The commands are pipelined over one raw TCP connection (binary-safe RESP).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { haveRealRedis, startRealRedis, type RealRedis } from '../helpers/real-redis.js';
import { keySlot } from '../../tools/slot/index.js';
import { edgeCaseKeys } from './keys.js';

function encode(args: Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) parts.push(Buffer.from(`$${a.length}\r\n`), a, Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

/** Sends CLUSTER KEYSLOT for every key in one pipeline and returns the integer replies. */
async function realSlots(port: number, keys: Buffer[]): Promise<number[]> {
  const sock = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => { sock.once('connect', resolve); sock.once('error', reject); });
  const cmd = [Buffer.from('CLUSTER'), Buffer.from('KEYSLOT')];
  sock.write(Buffer.concat(keys.map((k) => encode([...cmd, k]))));
  const out: number[] = [];
  let text = '';
  await new Promise<void>((resolve, reject) => {
    sock.on('error', reject);
    sock.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      let nl: number;
      while ((nl = text.indexOf('\r\n')) >= 0) {
        const line = text.slice(0, nl);
        text = text.slice(nl + 2);
        if (line[0] !== ':') { reject(new Error(`unexpected reply ${line}`)); return; }
        out.push(Number(line.slice(1)));
      }
      if (out.length === keys.length) resolve();
    });
  });
  sock.destroy();
  return out;
}

describe.skipIf(!haveRealRedis())('keySlot vs real Redis CLUSTER KEYSLOT', () => {
  let redis: RealRedis;
  beforeAll(async () => {
    redis = await startRealRedis(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf']);
  });
  afterAll(async () => { await redis?.stop(); });

  it('agrees on every key of the edge-case corpus', async () => {
    const keys = edgeCaseKeys(6000, 0x5eed);
    expect(keys.length).toBeGreaterThan(5000);
    const theirs = await realSlots(redis.port, keys);
    const mismatches: string[] = [];
    keys.forEach((k, i) => {
      const ours = keySlot(k);
      if (ours !== theirs[i]) mismatches.push(`${k.toString('hex')}: ours ${ours}, redis ${theirs[i]}`);
      // the latin1-string form used by the built-in server must agree too
      if (keySlot(k.toString('latin1')) !== theirs[i]) mismatches.push(`latin1 ${k.toString('hex')}`);
    });
    expect(mismatches.slice(0, 10)).toEqual([]);
  });

  it('agrees on the keys cluster-key-slot gets wrong', async () => {
    const keys = ['foo{}{bar}', '{}{bar}', 'a{}b}c', '{{}}', '{}}x{y}'].map((s) => Buffer.from(s));
    expect(await realSlots(redis.port, keys)).toEqual(keys.map((k) => keySlot(k)));
  });
});
