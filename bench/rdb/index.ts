/**
 * RDB benchmark: `redkit rdb check`, `rdb -c json` and `rdb -c memory` on a ~130 MB dump, side
 * by side with redis-check-rdb on the same file in the same run; MB/s by wall time and by CPU
 * time (user+sys, which other processes on this shared machine do not inflate as much), and
 * peak RSS of each process. Then a benny suite of the in-process reports on the 2.5 MB
 * redis7-mixed corpus dump.
 *
 *   npm run build && node dist/bench/rdb/index.js
 *   REDKIT_BENCH_RDB=/path/big.rdb node dist/bench/rdb/index.js   # reuse a dump
 *
 * The dump is made by ../shared/corpus/rdb/make-big-dump.sh against a throwaway real
 * redis-server on a free port, in a temp dir that is removed afterwards.
 * Targets (issue, 2-core machine): check >= redis-check-rdb (~100 MB/s), json >= 64 MB/s,
 * memory >= 75 MB/s, peak RSS <= 100 MB. Each run is repeated 3 times; the best is reported.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import benny from 'benny';
import type { OutputSink } from '../../tools/io/files.js';
import { bufferSource, readRdbBatches } from '../../tools/rdb/reader.js';
import { writeReportFromBatches, type ReportName } from '../../tools/rdb/reports/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const corpus = resolve(root, '..', 'shared', 'corpus', 'rdb');

interface Measure {
  wall: number;
  cpu: number;
  rssKb: number;
  status: number;
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
  });
}

async function waitForPort(port: number, ms = 10000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const r = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'PING'], { encoding: 'utf8' });
    if (r.stdout?.trim() === 'PONG') return;
    await new Promise((r2) => setTimeout(r2, 100));
  }
  throw new Error(`redis-server did not answer on port ${port}`);
}

async function makeBigDump(dir: string): Promise<string> {
  const script = join(corpus, 'make-big-dump.sh');
  const port = await freePort();
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  try {
    await waitForPort(port);
    const out = join(dir, 'big.rdb');
    console.log(`generating ${out} with make-big-dump.sh on port ${port} (about a minute)...`);
    const r = spawnSync('bash', [script, String(port), out], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`make-big-dump.sh failed (${r.status})`);
    return out;
  } finally {
    server.kill('SIGTERM');
  }
}

/** Runs a command under /usr/bin/time; best of `rounds` by wall time. */
function measure(cmd: string[], rounds = 3): Measure {
  let best: Measure | undefined;
  for (let i = 0; i < rounds; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', ...cmd], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 24 });
    const last = r.stderr.trim().split('\n').pop() ?? '';
    const [e, u, s, m] = last.split(' ').map(Number);
    const got = { wall: e!, cpu: u! + s!, rssKb: m!, status: r.status ?? -1 };
    if (!best || got.wall < best.wall) best = got;
  }
  return best!;
}

class NullSink implements OutputSink {
  bytes = 0;
  async write(c: string | Uint8Array): Promise<void> {
    this.bytes += c.length;
  }
  async commit(): Promise<void> {}
  async abort(): Promise<void> {}
}

async function main(): Promise<void> {
  if (!existsSync('/usr/bin/time')) throw new Error('/usr/bin/time is needed to measure peak RSS');
  let dir: string | undefined;
  let dump = process.env.REDKIT_BENCH_RDB;
  try {
    if (!dump) {
      dir = mkdtempSync(join(tmpdir(), 'redkit-bench-rdb-'));
      dump = await makeBigDump(dir);
    }
    const mb = statSync(dump).size / 1e6;
    const redkit = [process.execPath, join(root, 'bin', 'redkit.js')];
    const runs: Array<[string, string[], number | undefined]> = [
      ['redis-check-rdb', ['redis-check-rdb', dump], undefined],
      ['redkit rdb check', [...redkit, 'rdb', 'check', dump], 100],
      ['rdb -c json', [...redkit, 'rdb', '-c', 'json', dump], 64],
      ['rdb -c memory', [...redkit, 'rdb', '-c', 'memory', dump], 75],
      ['rdb -c justkeys', [...redkit, 'rdb', '-c', 'justkeys', dump], undefined],
      ['rdb -c protocol', [...redkit, 'rdb', '-c', 'protocol', dump], undefined],
      ['redkit rdb jsonl', [...redkit, 'rdb', 'jsonl', dump], undefined],
    ];
    console.log(`\ndump: ${dump} (${mb.toFixed(1)} MB); load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
    console.log('| run | wall s | MB/s (wall) | CPU s | MB/s (CPU) | peak RSS MB | target MB/s | exit |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const [name, cmd, target] of runs) {
      const m = measure(cmd);
      console.log(
        `| ${name} | ${m.wall.toFixed(2)} | ${(mb / m.wall).toFixed(1)} | ${m.cpu.toFixed(2)} | ${(mb / m.cpu).toFixed(1)} | ${(m.rssKb / 1024).toFixed(0)} | ${target ?? '-'} | ${m.status} |`,
      );
    }
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }

  // In-process reports on the corpus's Redis 7 dump (benny, ops/s).
  const mixed = join(corpus, 'redis7-mixed.rdb');
  if (existsSync(mixed)) {
    const data = readFileSync(mixed);
    const report = (name: ReportName) => async () => {
      await writeReportFromBatches(name, readRdbBatches(bufferSource(data, 1 << 20)), new NullSink(), {});
    };
    await benny.suite(
      `rdb reports on redis7-mixed.rdb (${(data.length / 1e6).toFixed(1)} MB)`,
      benny.add('json', report('json')),
      benny.add('memory', report('memory')),
      benny.add('protocol', report('protocol')),
      benny.add('jsonl', report('jsonl')),
      benny.cycle(),
      benny.complete(),
    );
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
