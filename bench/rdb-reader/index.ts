/**
 * RDB reader benchmark: parse-only (`checkRdb`, keysOnly) and full decode (`readRdbBatches`)
 * throughput and peak RSS on a ~130 MB dump of 1.26 M keys, next to redis-check-rdb.
 *
 *   node dist/bench/rdb-reader/index.js [DUMP]
 *
 * Without DUMP it builds one with ../shared/corpus/rdb/make-big-dump.sh against a throwaway
 * redis-server (deleted afterwards). Each measurement runs in its own process so peak RSS is
 * the reader's alone. Targets: parse-only >= 100 MB/s, peak RSS <= 100 MB.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkRdb } from '../../tools/rdb/check.js';
import { readRdbBatches } from '../../tools/rdb/reader.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..', '..');

async function measure(mode: string, file: string): Promise<void> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let records = 0;
  if (mode === 'check') {
    const res = await checkRdb(createReadStream(file, { highWaterMark: 1 << 20 }), { fileName: file });
    if (!res.ok) throw new Error(res.problem?.message);
    records = res.keys;
  } else {
    for await (const batch of readRdbBatches(createReadStream(file, { highWaterMark: 1 << 20 }), { keysOnly: mode === 'keys' })) records += batch.length;
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  process.stdout.write(JSON.stringify({ wall, cpu: (cpu.user + cpu.system) / 1e6, rssMB: process.resourceUsage().maxRSS / 1024, records }));
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function makeDump(dir: string): Promise<string> {
  const script = join(root, '..', 'shared', 'corpus', 'rdb', 'make-big-dump.sh');
  if (!existsSync(script)) throw new Error(`no DUMP given and ${script} not found`);
  const port = await freePort();
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 100; i++) {
      if (spawnSync('redis-cli', ['-p', String(port), 'PING'], { encoding: 'utf8' }).stdout.trim() === 'PONG') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const out = join(dir, 'big.rdb');
    const r = spawnSync('bash', [script, String(port), out], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error('make-big-dump.sh failed');
    return out;
  } finally {
    server.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === '--measure') {
    await measure(process.argv[3]!, process.argv[4]!);
    return;
  }
  let tmp: string | undefined;
  let file = process.argv[2];
  if (!file) {
    tmp = mkdtempSync(join(tmpdir(), 'redkit-bench-rdb-'));
    console.log('generating the benchmark dump with make-big-dump.sh ...');
    file = await makeDump(tmp);
  }
  try {
    const mb = statSync(file).size / 1e6;
    console.log(`dump: ${file} (${mb.toFixed(1)} MB)`);
    for (const mode of ['check', 'keys', 'full']) {
      const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--measure', mode, file], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
      const m = JSON.parse(r.stdout) as { wall: number; cpu: number; rssMB: number; records: number };
      const label = { check: 'checkRdb (parse-only)', keys: 'readRdbBatches keysOnly', full: 'readRdbBatches full decode' }[mode];
      console.log(`${label!.padEnd(28)} ${(mb / m.wall).toFixed(1).padStart(6)} MB/s wall, ${(mb / m.cpu).toFixed(1).padStart(6)} MB/s cpu, peak RSS ${m.rssMB.toFixed(0)} MB`);
    }
    const t0 = performance.now();
    const rc = spawnSync('redis-check-rdb', [file], { stdio: 'ignore' });
    if (rc.status === 0) console.log(`${'redis-check-rdb 7.0'.padEnd(28)} ${(mb / ((performance.now() - t0) / 1000)).toFixed(1).padStart(6)} MB/s wall`);
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
