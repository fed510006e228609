/**
 * Real Redis for differential tests: finds the Debian redis-server / redis-cli /
 * redis-check-aof / redis-check-rdb binaries and starts throwaway servers on free ports.
 *
 * Locally, a test that needs real Redis is skipped when it is not installed. In CI
 * (CI=true) a missing binary is a failure: `.ci/run` installs the packages, so their absence
 * means the comparison did not happen, and that must not look green.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type RedisBinary = 'redis-server' | 'redis-cli' | 'redis-check-aof' | 'redis-check-rdb' | 'redis-benchmark';

export function findBinary(name: RedisBinary | string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = r.stdout.trim();
  return r.status === 0 && path ? path : undefined;
}

/**
 * Returns true when real Redis tools are available. In CI throws when they are missing, so
 * the test fails instead of being skipped. Use as `describe.skipIf(!haveRealRedis())(...)`.
 */
export function haveRealRedis(names: string[] = ['redis-server', 'redis-cli']): boolean {
  const missing = names.filter((n) => !findBinary(n));
  if (missing.length === 0) return true;
  if (process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0') {
    throw new Error(`CI requires real Redis tools, missing: ${missing.join(', ')} (apt-get install redis-server redis-tools)`);
  }
  return false;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`port ${port} did not open within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface RealRedis {
  port: number;
  dir: string;
  proc: ChildProcess;
  /** Runs redis-cli against this server and returns stdout (throws on non-zero exit). */
  cli(...args: string[]): string;
  stop(): Promise<void>;
}

/** Starts `redis-server` with `--port P --dir TMP --save "" ` plus the given directives. */
export async function startRealRedis(args: string[] = [], opts: { dir?: string } = {}): Promise<RealRedis> {
  const port = await freePort();
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'redkit-real-'));
  const proc = spawn(findBinary('redis-server') ?? 'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout?.on('data', (d) => { log += d; });
  proc.stderr?.on('data', (d) => { log += d; });
  try {
    await waitForPort(port);
  } catch (err) {
    proc.kill('SIGKILL');
    throw new Error(`redis-server did not start: ${log}`, { cause: err });
  }
  return {
    port,
    dir,
    proc,
    cli: (...cliArgs: string[]) => {
      const r = spawnSync('redis-cli', ['-p', String(port), ...cliArgs], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`redis-cli ${cliArgs.join(' ')} failed: ${r.stderr}`);
      return r.stdout;
    },
    stop: async () => {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * For other prerequisites of a test (the shared corpus beside the repo, a built dist/): locally
 * a missing one skips the test; in CI it fails, so a green CI run means the test really ran.
 */
export function requiredInCi(ok: boolean, what: string): boolean {
  if (ok) return true;
  if (process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0') {
    throw new Error(`CI requires ${what}`);
  }
  return false;
}
