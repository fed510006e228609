/**
 * Builds a corpus of real AOFs with real redis-server 7.0 (into a temp dir): a few thousand
 * commands over several dbs, MULTI/EXEC blocks, expiries, binary and large values, and FLUSHDB /
 * FLUSHALL for the edit tests. Layouts produced:
 *   resp/      multi-part, RESP base (aof-use-rdb-preamble no), timestamps on
 *   rdb/       multi-part, RDB base after BGREWRITEAOF, then an INCR file
 *   single.aof old-style RESP file (base + incr of resp/ concatenated)
 *   pre.aof    old-style RDB-preamble file (base + incr of rdb/ concatenated)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRealRedis, type RealRedis } from '../helpers/real-redis.js';
import { encodeCommand } from '../../tools/resp/index.js';
import type { Arg } from '../../tools/aof/writer.js';

export interface Corpus {
  root: string;
  respDir: string;
  rdbDir: string;
  single: string;
  pre: string;
}

function pipe(r: RealRedis, cmds: Arg[][]): void {
  const data = Buffer.concat(cmds.map(encodeCommand));
  const res = spawnSync('redis-cli', ['-p', String(r.port), '--pipe'], { input: data, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`redis-cli --pipe failed: ${res.stdout} ${res.stderr}`);
}

/** A deterministic workload; `phase` varies key names so the two phases differ. */
export function workload(phase: string, n = 1500): Arg[][] {
  const cmds: Arg[][] = [];
  let seed = 42;
  const rnd = (m: number) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % m; };
  for (let i = 0; i < n; i++) {
    const db = i % 37 === 0 ? rnd(4) : -1;
    if (db >= 0) cmds.push(['SELECT', String(db)]);
    const k = `${phase}:k${rnd(400)}`;
    switch (rnd(10)) {
      case 0: cmds.push(['RPUSH', `${phase}:list${rnd(20)}`, `v${i}`, `w${i}`]); break;
      case 1: cmds.push(['HSET', `${phase}:h${rnd(20)}`, `f${rnd(50)}`, `v${i}`]); break;
      case 2: cmds.push(['SADD', `${phase}:s${rnd(20)}`, `m${rnd(100)}`]); break;
      case 3: cmds.push(['ZADD', `${phase}:z${rnd(20)}`, String(rnd(1000) / 7), `m${rnd(100)}`]); break;
      case 4: cmds.push(['INCR', `${phase}:ctr${rnd(10)}`]); break;
      case 5: cmds.push(['MULTI'], ['SET', k, `tx${i}`], ['INCR', `${phase}:txctr`], ['EXEC']); break;
      case 6: cmds.push(['EXPIRE', k, '100000']); break;
      case 7: cmds.push(['DEL', `${phase}:k${rnd(400)}`]); break;
      default: cmds.push(['SET', k, `value-${i}-${'x'.repeat(rnd(40))}`]);
    }
    if (i === 400) cmds.push(['SET', Buffer.from([0xff, 0x00, 0x0d, 0x0a, 0x80]), Buffer.from([0, 1, 2, 0xfe])]);
    if (i === 500) cmds.push(['SET', `${phase}:big`, 'B'.repeat(70_000)]);
    if (i === 700) cmds.push(['FLUSHDB']);
  }
  cmds.push(['SELECT', '0']);
  return cmds;
}

async function waitRewrite(r: RealRedis): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const info = r.cli('INFO', 'persistence');
    if (/aof_rewrite_in_progress:0/.test(info) && /aof_rewrite_scheduled:0/.test(info)) return;
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error('BGREWRITEAOF did not finish');
}

async function makeDir(dir: string, preamble: boolean): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const r = await startRealRedis(['--appendonly', 'yes', '--aof-use-rdb-preamble', preamble ? 'yes' : 'no',
    '--aof-timestamp-enabled', 'yes', '--appendfsync', 'always'], { dir });
  try {
    pipe(r, workload('a'));
    if (preamble) {
      r.cli('BGREWRITEAOF');
      await waitRewrite(r);
    }
    pipe(r, workload('b', 1000));
  } finally {
    await r.stop();
  }
  return join(dir, 'appendonlydir');
}

export async function buildCorpus(): Promise<Corpus> {
  const root = mkdtempSync(join(tmpdir(), 'redkit-aof-corpus-'));
  const respDir = await makeDir(join(root, 'resp'), false);
  const rdbDir = await makeDir(join(root, 'rdb'), true);
  const concat = (dir: string, out: string) => {
    const names = readdirSync(dir).filter((n) => !n.endsWith('.manifest')).sort((a, b) => (a.includes('.base.') ? -1 : b.includes('.base.') ? 1 : a.localeCompare(b)));
    writeFileSync(out, Buffer.concat(names.map((n) => readFileSync(join(dir, n)))));
  };
  const single = join(root, 'single.aof');
  const pre = join(root, 'pre.aof');
  concat(respDir, single);
  concat(rdbDir, pre);
  return { root, respDir, rdbDir, single, pre };
}

/** Copies an AOF directory (for damaging it). */
export function copyDir(from: string, to: string): string {
  mkdirSync(to, { recursive: true });
  for (const n of readdirSync(from)) copyFileSync(join(from, n), join(to, n));
  return to;
}
