/**
 * Server benchmark: redis-benchmark against the built-in server and against a real
 * redis-server in the same run (same flags: -c 50, -P 1 and -P 16, -r 100000), printing
 * requests/s and p50/p99 side by side with the ratio; then memory per key for 1M small string
 * keys (DEBUG POPULATE) from each server's RSS growth.
 *
 *   npm run build && node dist/bench/server/index.js [--n 50000] [--n16 300000] [--tests ping,set]
 *       [--rounds 3] [--keys 1000000] [--pipelines 1,16]   (--keys 0 skips the memory part)
 *
 * Both servers run as separate processes on this host, as does redis-benchmark: on a shared
 * 2-core machine absolute numbers move a lot between runs, so after one discarded warm-up pass
 * each, every test runs on both servers back to back in each round, and the ratio reported is
 * the median of the per-round ratios: the ratio is what to read.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TESTS = 'ping,set,get,incr,lpush,rpop,sadd,hset,zadd,lrange_100';

interface Row { rps: number; p50: number; p99: number; }

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : def;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const p = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(p));
    });
  });
}

async function waitPort(port: number, ms = 10000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`port ${port} did not open`);
}

function cli(port: number, ...args: string[]): string {
  return spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout;
}

function bench(port: number, pipeline: number, n: number, tests: string): Map<string, Row> {
  cli(port, 'FLUSHALL');
  const r = spawnSync('redis-benchmark', ['-p', String(port), '-c', '50', '-P', String(pipeline), '-n', String(n), '-r', '100000', '-t', tests, '--csv'], { encoding: 'utf8', timeout: 600_000 });
  const out = new Map<string, Row>();
  for (const line of r.stdout.split('\n')) {
    const f = line.split('","').map((x) => x.replace(/"/g, ''));
    if (f.length < 8 || f[0] === 'test') continue;
    out.set(f[0]!, { rps: Number(f[1]), p50: Number(f[4]), p99: Number(f[6]) });
  }
  return out;
}

/** The -t list cut into groups whose tests depend on each other (run together, in this order). */
function groupTests(tests: string): string[] {
  const want = tests.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
  const together = [['set', 'get'], ['lpush', 'rpop']];
  const out: string[] = [];
  const done = new Set<string>();
  for (const t of want) {
    if (done.has(t)) continue;
    const g = together.find((x) => x.includes(t))?.filter((x) => want.includes(x)) ?? [t];
    for (const x of g) done.add(x);
    out.push(g.join(','));
  }
  return out;
}

/** Median of each column over the rounds that produced the test. */
function medianRow(rows: (Row | undefined)[]): Row | undefined {
  const ok = rows.filter((r): r is Row => r !== undefined);
  if (ok.length === 0) return undefined;
  const med = (xs: number[]) => { const a = [...xs].sort((x, y) => x - y); return a[Math.floor((a.length - 1) / 2)]!; };
  return { rps: med(ok.map((r) => r.rps)), p50: med(ok.map((r) => r.p50)), p99: med(ok.map((r) => r.p99)) };
}

function rssOf(port: number): number {
  const m = /used_memory_rss:(\d+)/.exec(cli(port, 'INFO', 'memory'));
  return m ? Number(m[1]) : 0;
}

async function main(): Promise<void> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = path.resolve(here, '../../..');
  const n1 = Number(arg('n', '50000'));
  const n16 = Number(arg('n16', '300000'));
  const tests = arg('tests', TESTS);
  const keys = Number(arg('keys', '1000000'));
  const rounds = Math.max(1, Number(arg('rounds', '3')));
  const pipelines = arg('pipelines', '1,16').split(',').map(Number);
  const ourPort = await freePort();
  const realPort = await freePort();
  const procs: ChildProcess[] = [];
  const startBoth = async (): Promise<void> => {
    procs.push(spawn(process.execPath, [path.join(root, 'bin/redkit.js'), 'server', '--port', String(ourPort), '--save', '', '--enable-debug-command', 'yes'], { stdio: 'ignore' }));
    procs.push(spawn('redis-server', ['--port', String(realPort), '--save', '', '--appendonly', 'no', '--enable-debug-command', 'yes'], { stdio: 'ignore' }));
    await waitPort(ourPort);
    await waitPort(realPort);
  };
  try {
    await startBoth();
    for (const p of pipelines) {
      const n = p === 1 ? n1 : n16;
      const target = p === 1 ? 0.8 : 0.5;
      const ours: Map<string, Row>[] = [];
      const real: Map<string, Row>[] = [];
      // A discarded warm-up pass on both: steady state is compared (our command handlers are
      // JIT-compiled during the first few thousand calls; Redis has no warm-up).
      bench(ourPort, p, Math.ceil(n / 5), tests);
      bench(realPort, p, Math.ceil(n / 5), tests);
      // Each round runs every group of tests on both servers back to back (which one goes
      // first alternates), so a slow spell of this shared machine hits both sides of a ratio.
      // A group keeps the tests that feed each other (GET reads what SET wrote, RPOP pops what
      // LPUSH pushed); FLUSHALL comes before each group.
      const groups = groupTests(tests);
      for (let r = 0; r < rounds; r++) {
        const o = new Map<string, Row>(), t = new Map<string, Row>();
        for (const g of groups) {
          const order: [number, Map<string, Row>][] = r % 2 === 0 ? [[ourPort, o], [realPort, t]] : [[realPort, t], [ourPort, o]];
          for (const [port, into] of order) for (const [k, v] of bench(port, p, n, g)) into.set(k, v);
        }
        ours.push(o);
        real.push(t);
      }
      console.log(`\n-c 50 -P ${p} -n ${n} -r 100000, ${rounds} rounds, each test run on both servers back to back (target ${target}x)`);
      console.log('medians of requests/s, p50 and p99 ms; ratio = median of the per-round ratios');
      console.log(`${'test'.padEnd(22)} ${'redkit rps'.padStart(11)} ${'p50'.padStart(7)} ${'p99'.padStart(7)} | ${'redis rps'.padStart(11)} ${'p50'.padStart(7)} ${'p99'.padStart(7)} | ratio | rounds`);
      let met = 0, total = 0;
      for (const name of real[0]!.keys()) {
        const o = medianRow(ours.map((m) => m.get(name)));
        const rr = medianRow(real.map((m) => m.get(name)));
        const fmt = (x: Row | undefined) => (x ? `${x.rps.toFixed(0).padStart(11)} ${x.p50.toFixed(3).padStart(7)} ${x.p99.toFixed(3).padStart(7)}` : 'ERR'.padStart(27));
        const perRound = ours.map((m, i) => { const a = m.get(name), b = real[i]!.get(name); return a && b ? a.rps / b.rps : NaN; });
        const okRatios = perRound.filter((x) => !Number.isNaN(x)).sort((x, y) => x - y);
        const ratio = okRatios.length ? okRatios[Math.floor((okRatios.length - 1) / 2)]! : 0;
        const per = perRound.map((x) => (Number.isNaN(x) ? '-' : x.toFixed(2)));
        total++;
        if (ratio >= target) met++;
        console.log(`${name.slice(0, 22).padEnd(22)} ${fmt(o)} | ${fmt(rr)} | ${ratio.toFixed(2)}x | ${per.join(' ')}`);
      }
      console.log(`${met}/${total} tests at or above ${target}x`);
    }
    if (keys <= 0) return;
    // Memory per key: 1M small string keys (DEBUG POPULATE -> "key:N" = "value:N"), on fresh
    // servers (after the load above, a garbage collection during the measurement would make
    // the RSS difference meaningless).
    for (const p of procs.splice(0)) p.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    await startBoth();
    await new Promise((r) => setTimeout(r, 500));
    const before = [rssOf(ourPort), rssOf(realPort)];
    cli(ourPort, 'DEBUG', 'POPULATE', String(keys));
    cli(realPort, 'DEBUG', 'POPULATE', String(keys));
    await new Promise((r) => setTimeout(r, 1500));
    const after = [rssOf(ourPort), rssOf(realPort)];
    const per = [(after[0]! - before[0]!) / keys, (after[1]! - before[1]!) / keys];
    console.log(`\nmemory per key (${keys} string keys, RSS growth): redkit ${per[0]!.toFixed(1)} B, redis ${per[1]!.toFixed(1)} B, ratio ${(per[0]! / per[1]!).toFixed(2)}x`);
  } finally {
    for (const p of procs) p.kill('SIGKILL');
  }
}

await main();
