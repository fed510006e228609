/**
 * bench/aof: MB/s and peak RSS of `redkit aof check` on a ~200 MB AOF written by a real
 * redis-server 7.0, side by side with redis-check-aof 7.0 in the same run (both as processes,
 * measured with /usr/bin/time). Also the loader-faithful check and stats (one run each).
 *
 *   node dist/bench/aof/index.js            # REDKIT_BENCH_AOF_MB=50 for a quicker run
 *
 * Target (issue): at least as fast as redis-check-aof, peak RSS <= 100 MB.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeCommand } from '../../tools/resp/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const targetMb = Number(process.env.REDKIT_BENCH_AOF_MB ?? 200);

function which(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
}

async function generate(dir: string): Promise<string> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const srv = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes',
    '--aof-use-rdb-preamble', 'no', '--appendfsync', 'no', '--auto-aof-rewrite-percentage', '0'], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 200; i++) {
      if (spawnSync('redis-cli', ['-p', String(port), 'PING']).stdout?.toString().includes('PONG')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const aofDir = join(dir, 'appendonlydir');
    const incr = () => join(aofDir, readdirSync(aofDir).find((n) => n.includes('.incr.'))!);
    let n = 0;
    while (statSync(incr()).size < targetMb * 1e6) {
      const cmds: Buffer[] = [];
      for (let i = 0; i < 200_000; i++, n++) {
        const k = `key:${n % 100_000}`;
        switch (n % 5) {
          case 0: cmds.push(encodeCommand(['SET', k, `value-${n}-${'x'.repeat(n % 64)}`])); break;
          case 1: cmds.push(encodeCommand(['HSET', `h:${n % 1000}`, `f${n % 500}`, `v${n}`])); break;
          case 2: cmds.push(encodeCommand(['RPUSH', `l:${n % 1000}`, `item-${n}`])); break;
          case 3: cmds.push(encodeCommand(['INCR', `c:${n % 1000}`])); break;
          default: cmds.push(encodeCommand(['SADD', `s:${n % 1000}`, `m${n % 5000}`]));
        }
        if (n % 100_000 === 0) cmds.push(encodeCommand(['DEL', `l:${n % 1000}`]));
      }
      const r = spawnSync('redis-cli', ['-p', String(port), '--pipe'], { input: Buffer.concat(cmds), maxBuffer: 1 << 26 });
      if (r.status !== 0) throw new Error(`redis-cli --pipe failed: ${r.stderr}`);
    }
    spawnSync('redis-cli', ['-p', String(port), 'SHUTDOWN', 'NOSAVE']);
    return incr();
  } finally {
    srv.kill('SIGKILL');
  }
}

interface Run { seconds: number; cpu: number; rssMb: number; status: number; out: string }

function timed(cmd: string, args: string[]): Run {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', cmd, ...args], { encoding: 'utf8', cwd: root, maxBuffer: 1 << 26 });
  const last = r.stderr.trim().split('\n').pop()!.split(' ');
  return { seconds: Number(last[0]), cpu: Number(last[2]) + Number(last[3]), rssMb: Number(last[1]) / 1024, status: r.status ?? -1, out: r.stdout.trim().split('\n').slice(-2).join(' | ') };
}

function best(cmd: string, args: string[], runs = 2): Run {
  let b: Run | undefined;
  for (let i = 0; i < runs; i++) {
    const r = timed(cmd, args);
    if (!b || r.seconds < b.seconds) b = r;
  }
  return b!;
}

async function main(): Promise<void> {
  if (!which('redis-server') || !which('redis-check-aof') || !existsSync('/usr/bin/time')) {
    console.log('bench/aof: needs redis-server, redis-check-aof and /usr/bin/time; skipped');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'redkit-bench-aof-'));
  try {
    const file = await generate(dir);
    const mb = statSync(file).size / 1e6;
    console.log(`input: ${file} (${mb.toFixed(1)} MB, written by redis-server 7.0)`);
    const cli = join(root, 'bin', 'redkit.js');
    const rows: [string, Run][] = [
      ['redis-check-aof FILE', best('redis-check-aof', [file])],
      ['redkit aof check FILE', best(process.execPath, [cli, 'aof', 'check', file])],
      ['redkit aof check --strict FILE', best(process.execPath, [cli, 'aof', 'check', '--strict', file], 1)],
      ['redkit aof stats FILE', best(process.execPath, [cli, 'aof', 'stats', file], 1)],
    ];
    // wall-clock MB/s depends on how busy the machine is; MB per CPU-second less so
    console.log('| tool | wall s | MB/s (wall) | CPU s | MB/s (CPU) | peak RSS MB | exit |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const [name, r] of rows) {
      console.log(`| ${name} | ${r.seconds.toFixed(2)} | ${(mb / Math.max(r.seconds, 0.01)).toFixed(0)} | ${r.cpu.toFixed(2)} | ${(mb / Math.max(r.cpu, 0.01)).toFixed(0)} | ${r.rssMb.toFixed(0)} | ${r.status} |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
