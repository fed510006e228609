/**
 * Exporter benchmark: scrape latency (median, p99), bytes per scrape, and what each scrape
 * costs the target (its main-thread time from INFO commandstats, commands and connections),
 * for `redkit exporter` and, when installed (Debian prometheus-redis-exporter), for
 * redis_exporter, against the same real redis-server in the same run.
 *
 *   npm run build && node dist/bench/exporter/index.js [--scrapes N]
 *
 * Both exporters run as separate processes with default flags; scrapes are sequential HTTP
 * GETs of /metrics, interleaved so machine noise hits both alike. Exporter CPU per scrape
 * comes from /proc/<pid>/stat (utime + stime).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisConnection } from '../../exporter/connection.js';
import { replyText } from '../../exporter/collect.js';

function which(name: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() || undefined : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const p = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(p));
    });
  });
}

async function waitForPort(port: number, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); r(true); });
      s.once('error', () => r(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`port ${port} did not open`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** utime + stime of a process, in ms (Linux /proc; clock ticks are 100 Hz there). */
function cpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return NaN;
  }
}

function stop(p: ChildProcess | undefined): void {
  if (p && p.exitCode === null) p.kill('SIGTERM');
}

interface Result {
  name: string;
  latencies: number[];
  bytes: number;
  targetUsecPerScrape: number;
  targetCallsPerScrape: number;
  connectionsPerScrape: number;
  perCommand: string;
  cpuMsPerScrape: number;
}

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

async function main(): Promise<void> {
  const scrapesArg = process.argv.indexOf('--scrapes');
  const N = scrapesArg > 0 ? Number(process.argv[scrapesArg + 1]) : 600;
  const redisServer = which('redis-server');
  if (!redisServer) {
    console.log('redis-server not installed: exporter bench skipped');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'redkit-bench-exporter-'));
  const rport = await freePort();
  const redis = spawn(redisServer, ['--port', String(rport), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const procs: ChildProcess[] = [redis];
  try {
    await waitForPort(rport);
    const admin = new RedisConnection({ host: '127.0.0.1', port: rport, timeoutMs: 10_000, minBackoffMs: 50, maxBackoffMs: 200 });
    // A loaded machine may accept on the port before redis-server answers: retry PING.
    for (let i = 0; ; i++) {
      try {
        await admin.pipeline([['PING']]);
        break;
      } catch (err) {
        if (i > 50) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    // A dataset and command mix like a small production instance: 3 DBs, 20 command types.
    for (let db = 0; db < 3; db++) {
      const cmds: (string | number)[][] = [['SELECT', db]];
      for (let i = 0; i < 5000; i++) cmds.push(['SET', `user:${i}:name`, `name-${i}`], ['EXPIRE', `user:${i}:name`, 3600 + i]);
      for (let i = 0; i < 200; i++) cmds.push(['HSET', `session:${i}`, 'a', i], ['LPUSH', 'queue', i], ['SADD', 'tags', i], ['ZADD', 'z', i, `m${i}`]);
      cmds.push(['GET', 'user:1:name'], ['INCR', 'counter'], ['LRANGE', 'queue', 0, 10], ['HGETALL', 'session:1'], ['SMEMBERS', 'tags'], ['ZRANGE', 'z', 0, 5], ['MGET', 'a', 'b'], ['DEL', 'nothing'], ['EXISTS', 'x'], ['TTL', 'user:2:name'], ['TYPE', 'z'], ['PING']);
      await admin.pipeline(cmds);
    }
    await admin.pipeline([['SELECT', 0]]);

    const exporters: { name: string; start: (port: number) => ChildProcess }[] = [
      {
        name: 'redkit exporter',
        start: (port) => spawn(process.execPath, ['bin/redkit.js', 'exporter', '--redis.addr', `redis://127.0.0.1:${rport}`, '--web.listen-address', `127.0.0.1:${port}`], { stdio: 'ignore' }),
      },
    ];
    const reBin = which('prometheus-redis-exporter') ?? which('redis_exporter');
    let reVersion = '';
    if (reBin) {
      const v = spawnSync(reBin, ['--version'], { encoding: 'utf8' });
      reVersion = (`${v.stdout}${v.stderr}`.match(/Exporter ([^\s"]+)/) ?? [])[1] ?? '?';
      exporters.push({
        name: `redis_exporter ${reVersion}`,
        start: (port) => spawn(reBin, ['-redis.addr', `redis://127.0.0.1:${rport}`, '-web.listen-address', `127.0.0.1:${port}`], { stdio: 'ignore' }),
      });
    } else {
      console.log('redis_exporter not installed (apt-get install prometheus-redis-exporter): measuring redkit only');
    }

    const running: { name: string; url: string; pid: number | undefined }[] = [];
    for (const e of exporters) {
      const port = await freePort();
      const p = e.start(port);
      procs.push(p);
      await waitForPort(port);
      running.push({ name: e.name, url: `http://127.0.0.1:${port}/metrics`, pid: p.pid });
    }
    const scrape = async (url: string): Promise<[number, number]> => {
      const t0 = performance.now();
      const body = await (await fetch(url)).arrayBuffer();
      return [performance.now() - t0, body.byteLength];
    };
    // Warm-up (JIT, connection setup).
    for (const r of running) for (let i = 0; i < 30; i++) await scrape(r.url);

    const results: Result[] = running.map((r) => ({ name: r.name, latencies: [], bytes: 0, targetUsecPerScrape: 0, targetCallsPerScrape: 0, connectionsPerScrape: 0, perCommand: '', cpuMsPerScrape: 0 }));
    const cpuStart = running.map((r) => cpuMs(r.pid));
    // Interleaved A, B, A, B …: load from the rest of the machine hits both alike.
    for (let i = 0; i < N; i++) {
      for (let k = 0; k < running.length; k++) {
        const [ms, bytes] = await scrape(running[k]!.url);
        results[k]!.latencies.push(ms);
        results[k]!.bytes = bytes;
      }
    }
    running.forEach((r, k) => { results[k]!.cpuMsPerScrape = (cpuMs(r.pid) - cpuStart[k]!) / N; });
    // Target-side cost: reset stats, scrape M times, read commandstats (INFO's own call is
    // recorded after it runs, so it is not in its own reply; CONFIG RESETSTAT is excluded).
    const M = 100;
    for (let k = 0; k < running.length; k++) {
      await admin.pipeline([['CONFIG', 'RESETSTAT']]);
      for (let i = 0; i < M; i++) await scrape(running[k]!.url);
      const [stats, info] = (await admin.pipeline([['INFO', 'commandstats'], ['INFO', 'stats']])).map((r) => replyText(r) ?? '');
      let usec = 0;
      let calls = 0;
      const per: string[] = [];
      for (const m of stats!.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
        if (m[1] === 'config|resetstat') continue;
        calls += Number(m[2]);
        usec += Number(m[3]);
        per.push(`${m[1]} ${(Number(m[3]) / M).toFixed(1)}`);
      }
      results[k]!.targetUsecPerScrape = usec / M;
      results[k]!.targetCallsPerScrape = calls / M;
      results[k]!.connectionsPerScrape = Number(/total_connections_received:(\d+)/.exec(info!)![1]) / M;
      results[k]!.perCommand = per.join(', ');
    }
    admin.close();

    console.log(`exporter bench: ${N} scrapes each (sequential, interleaved), target redis-server ${spawnSync(redisServer, ['--version'], { encoding: 'utf8' }).stdout.match(/v=([\d.]+)/)?.[1] ?? '?'}, node ${process.version}`);
    console.log('| exporter | median ms | p99 ms | exporter CPU ms/scrape | bytes/scrape | target µs/scrape (commandstats) | commands/scrape | new connections/scrape |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const r of results) {
      const s = [...r.latencies].sort((a, b) => a - b);
      console.log(`| ${r.name} | ${quantile(s, 0.5).toFixed(2)} | ${quantile(s, 0.99).toFixed(2)} | ${r.cpuMsPerScrape.toFixed(2)} | ${r.bytes} | ${r.targetUsecPerScrape.toFixed(1)} | ${r.targetCallsPerScrape.toFixed(1)} | ${r.connectionsPerScrape.toFixed(2)} |`);
    }
    for (const r of results) console.log(`  ${r.name} target µs per scrape by command: ${r.perCommand}`);
  } finally {
    for (const p of procs.reverse()) stop(p);
    await new Promise((r) => setTimeout(r, 200));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
