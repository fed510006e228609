/**
 * MONITOR analysis benchmark: lines/s and peak RSS of `redkit monitor` (default report and
 * --faina) on a ~1M-line Redis 7 capture.
 *
 *   npm run build && node dist/bench/monitor/index.js [--repeat 21] [--keep FILE]
 *
 * Input: the 47,724-line corpus capture (../shared/corpus/monitor/redis7-monitor-47724.txt)
 * repeated 21 times with timestamps shifted to stay monotonic (1,002,183 lines, 82 MB), the
 * way the corpus MANIFEST describes its timing input; written to a temp dir, never committed.
 * Each measurement runs in its own child process, so RSS is that of one analysis alone, with
 * the file streamed from disk in 1 MiB chunks exactly as the CLI does. Reported: wall-clock
 * lines/s, CPU lines/s (user+system time: the machine is shared, wall time is noisy), and peak
 * RSS. Reference (corpus report, same input): redis-faina (Python 2.7) 73k lines/s, 590 MB.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MonitorAnalyzer } from '../../tools/monitor/analyze.js';
import { FainaAnalyzer } from '../../tools/monitor/faina.js';
import { openMonitorInput } from '../../tools/monitor/input.js';

const CAPTURE = '../shared/corpus/monitor/redis7-monitor-47724.txt';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Writes the repeated capture; returns the number of lines. */
function buildInput(path: string, repeat: number): number {
  const lines = readFileSync(CAPTURE, 'latin1').split('\n').filter((l) => l !== '' && l !== 'OK');
  const tsOf = (l: string): bigint => BigInt(l.slice(0, l.indexOf(' ')).replace('.', ''));
  const first = tsOf(lines[0]!);
  const span = tsOf(lines[lines.length - 1]!) - first + 1000n;
  const fd = openSync(path, 'w');
  let n = 0;
  for (let r = 0; r < repeat; r++) {
    const parts: string[] = [];
    for (const l of lines) {
      const sp = l.indexOf(' ');
      const ts = tsOf(l) + BigInt(r) * span;
      parts.push(`${ts / 1_000_000n}.${(ts % 1_000_000n).toString().padStart(6, '0')}${l.slice(sp)}\n`);
      n++;
    }
    writeSync(fd, Buffer.from(parts.join(''), 'latin1'));
  }
  closeSync(fd);
  return n;
}

interface ChildResult {
  mode: string;
  lines: number;
  wallMs: number;
  cpuMs: number;
  maxRssMB: number;
}

async function child(mode: string, file: string): Promise<void> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let lines = 0;
  // Peak RSS is sampled (once per 1 MiB chunk and at the end) rather than taken from
  // getrusage(): Linux carries ru_maxrss over exec from the forked copy of the parent, so a
  // child spawned by a big parent would report the parent's size.
  let peak = 0;
  const sample = (): void => {
    const rss = process.memoryUsage.rss();
    if (rss > peak) peak = rss;
  };
  if (mode === 'faina') {
    const a = new FainaAnalyzer({ redisVersion: 7 });
    for await (const chunk of (await openMonitorInput(file)).source) {
      a.push(chunk);
      sample();
    }
    a.finish();
    lines = a.counts.lines;
  } else {
    const a = new MonitorAnalyzer();
    for await (const chunk of (await openMonitorInput(file)).source) {
      a.push(chunk);
      sample();
    }
    lines = a.finish().lines.total;
  }
  sample();
  const cpu = process.cpuUsage(cpu0);
  const res: ChildResult = {
    mode,
    lines,
    wallMs: performance.now() - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMB: peak / (1 << 20),
  };
  process.stdout.write(`${JSON.stringify(res)}\n`);
}

async function main(): Promise<void> {
  const childMode = arg('--child');
  if (childMode) return child(childMode, arg('--file')!);
  if (!existsSync(CAPTURE)) {
    console.log(`bench/monitor: ${CAPTURE} not found (run from the repository root with ../shared beside it)`);
    return;
  }
  const repeat = Number(arg('--repeat') ?? 21);
  const dir = mkdtempSync(join(tmpdir(), 'redkit-bench-monitor-'));
  const file = arg('--keep') ?? join(dir, 'monitor-1m.txt');
  try {
    const n = buildInput(file, repeat);
    console.log(`input: ${n} lines (${repeat} x ${CAPTURE}), ${(readFileSync(file).length / 1e6).toFixed(1)} MB`);
    const self = fileURLToPath(import.meta.url);
    const results: ChildResult[] = [];
    for (let round = 0; round < 3; round++) {
      for (const mode of ['default', 'faina']) {
        const r = spawnSync(process.execPath, [self, '--child', mode, '--file', file], { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`child ${mode} failed: ${r.stderr}`);
        const res = JSON.parse(r.stdout) as ChildResult;
        results.push(res);
        console.log(
          `${res.mode.padEnd(8)} ${(res.lines / (res.wallMs / 1000) / 1e6).toFixed(2)} M lines/s wall, ` +
          `${(res.lines / (res.cpuMs / 1000) / 1e6).toFixed(2)} M lines/s CPU, peak RSS ${res.maxRssMB.toFixed(0)} MB`,
        );
      }
    }
    for (const mode of ['default', 'faina']) {
      const rs = results.filter((r) => r.mode === mode);
      const med = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const cpuRate = med(rs.map((r) => r.lines / (r.cpuMs / 1000)));
      const wallRate = Math.max(...rs.map((r) => r.lines / (r.wallMs / 1000)));
      console.log(`summary ${mode}: median ${(cpuRate / 1e6).toFixed(2)} M lines/s CPU, best ${(wallRate / 1e6).toFixed(2)} M lines/s wall, RSS median ${med(rs.map((r) => r.maxRssMB)).toFixed(0)} MB, max ${Math.max(...rs.map((r) => r.maxRssMB)).toFixed(0)} MB`);
    }
    console.log('reference: redis-faina (Python 2.7) on the same input: 0.073 M lines/s, 590 MB');
  } finally {
    if (!arg('--keep')) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
