/**
 * Replay helper: starts real redis-server 7.0 on an AOF (an old-style file, loaded through the
 * 7.0 upgrade path, or a multi-part directory) and returns its whole dataset key by key:
 * `db|hex(key)` -> `TYPE|canonical value|PEXPIRETIME`. Also returns null when the server refuses to
 * start (for the loader-faithful check tests).
 */
import { copyFileSync, mkdtempSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort, waitForPort } from '../helpers/real-redis.js';

export type Dataset = Map<string, string>;

/** A value in an order-independent form (hash-table iteration order is seeded per process). */
async function canonical(r: Redis, k: Buffer, type: string): Promise<string> {
  const hex = (bs: Buffer[]) => bs.map((b) => b.toString('hex'));
  switch (type) {
    case 'string': return (await r.getBuffer(k))!.toString('hex');
    case 'list': return hex(await r.lrangeBuffer(k, 0, -1)).join(',');
    case 'set': return hex(await r.smembersBuffer(k)).sort().join(',');
    case 'zset': return hex(await r.zrangeBuffer(k, 0, -1, 'WITHSCORES')).join(',');
    case 'hash': {
      const flat = hex(await r.hgetallBuffer(k).then((o) => Object.entries(o).flatMap(([f, v]) => [Buffer.from(f), v])));
      const pairs: string[] = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push(`${flat[i]}=${flat[i + 1]}`);
      return pairs.sort().join(',');
    }
    default: return (await r.dumpBuffer(k))?.toString('hex') ?? '';
  }
}

async function dumpAll(port: number): Promise<Dataset> {
  const out: Dataset = new Map();
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, enableReadyCheck: false, retryStrategy: () => null });
  r.on('error', () => undefined);
  await r.connect();
  try {
    for (let db = 0; db < 16; db++) {
      await r.select(db);
      let cursor = '0';
      do {
        const [next, keys] = await r.scanBuffer(cursor, 'COUNT', 1000);
        cursor = String(next);
        for (const k of keys) {
          const type = await r.type(k);
          const value = await canonical(r, k, type);
          const exp = await r.call('PEXPIRETIME', k);
          out.set(`${db}|${k.toString('hex')}`, `${type}|${value}|${exp}`);
        }
      } while (cursor !== '0');
    }
  } finally {
    r.disconnect();
  }
  return out;
}

/**
 * Loads `path` (an AOF file or an AOF directory with manifest) into a fresh redis-server.
 * Returns the dataset, or `{ refused: log }` if the server exits during startup.
 */
export async function replay(path: string, extra: string[] = []): Promise<Dataset | { refused: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'redkit-replay-'));
  const isDir = statSync(path).isDirectory();
  let args: string[];
  if (isDir) {
    mkdirSync(join(dir, 'appendonlydir'));
    for (const n of readdirSync(path)) if (!n.includes('.bak')) copyFileSync(join(path, n), join(dir, 'appendonlydir', n));
    const manifest = readdirSync(path).find((n) => n.endsWith('.manifest'))!;
    args = ['--appenddirname', 'appendonlydir', '--appendfilename', basename(manifest, '.manifest')];
  } else {
    copyFileSync(path, join(dir, 'appendonly.aof'));
    args = ['--appendfilename', 'appendonly.aof'];
  }
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', ...args, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  const exited = new Promise<void>((res) => proc.once('exit', () => res()));
  try {
    const up = await Promise.race([waitForPort(port, 15_000).then(() => true), exited.then(() => false)]);
    if (!up) return { refused: log };
    // the port opens before loading ends: wait for loading:0 (or for the server to give up,
    // which may take a while when it writes a crash report)
    for (let i = 0; ; i++) {
      if (proc.exitCode !== null || proc.signalCode !== null) return { refused: log };
      const info = spawnSync('redis-cli', ['-p', String(port), 'INFO', 'persistence'], { encoding: 'utf8' });
      if (/loading:0/.test(info.stdout ?? '')) break;
      if (i > 800) throw new Error(`redis-server did not finish loading: ${log.slice(-2000)}`);
      await new Promise((res) => setTimeout(res, 25));
    }
    try {
      // INFO can say loading:0 before loading has begun (e.g. while an old-style AOF is
      // migrated into appendonlydir): a LOADING reply means "not yet", so try again.
      for (let attempt = 0; ; attempt++) {
        try {
          return await dumpAll(port);
        } catch (err) {
          if (!/LOADING/.test((err as Error).message) || attempt > 400) throw err;
          await new Promise((res) => setTimeout(res, 50));
        }
      }
    } catch (err) {
      await Promise.race([exited, new Promise((res) => setTimeout(res, 20_000))]);
      if (proc.exitCode !== null || proc.signalCode !== null) return { refused: log };
      throw new Error(`${(err as Error).message}; server log: ${log.slice(-1500)}`, { cause: err });
    }
  } finally {
    if (proc.exitCode === null) {
      proc.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

export function isDataset(d: Dataset | { refused: string }): d is Dataset {
  return d instanceof Map;
}
