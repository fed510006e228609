/**
 * `redkit monitor` end to end: the CLI on corpus files (--faina against redis-faina's output,
 * default text, --json, stdin, .lz4, errors) and live against a real redis-server
 * (`redkit monitor redis://… --lines N / --duration T` sends MONITOR itself).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haveRealRedis, startRealRedis, type RealRedis, requiredInCi } from '../helpers/real-redis.js';
import { normaliseTies } from './helpers.js';

const CORPUS = '../shared/corpus/monitor';
const BIN = 'bin/redkit.js';

function redkit(args: string[], input?: Buffer | string): { status: number | null; stdout: Buffer; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

describe.skipIf(!requiredInCi(existsSync(CORPUS), 'the shared corpus'))('redkit monitor (files)', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'redkit-mon-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--faina prints redis-faina\'s report (ties aside, byte for byte)', () => {
    for (const name of ['redis7-monitor-232', 'synthetic-faina-edge-cases']) {
      const r = redkit(['monitor', '--faina', `${CORPUS}/${name}.txt`]);
      expect(r.status).toBe(0);
      expect(normaliseTies(r.stdout.toString('latin1'))).toBe(normaliseTies(readFileSync(`${CORPUS}/${name}.faina.txt`, 'latin1')));
      const exact = redkit(['monitor', '--faina', '--tie-order', 'python2', `${CORPUS}/${name}.txt`]);
      expect(exact.stdout.toString('latin1')).toBe(readFileSync(`${CORPUS}/${name}.faina.txt`, 'latin1'));
    }
  });

  it('reads stdin and .lz4 the same as a file', async () => {
    const raw = readFileSync(`${CORPUS}/redis7-monitor-232.txt`);
    const fromFile = redkit(['monitor', '--json', `${CORPUS}/redis7-monitor-232.txt`]);
    const fromStdin = redkit(['monitor', '--json', '-'], raw);
    const { compressFrame } = await import('lz4-napi');
    writeFileSync(join(dir, 'cap.txt.lz4'), await compressFrame(raw));
    const fromLz4 = redkit(['monitor', '--json', join(dir, 'cap.txt.lz4')]);
    expect(fromFile.status).toBe(0);
    expect(fromStdin.stdout.toString()).toBe(fromFile.stdout.toString());
    expect(fromLz4.stdout.toString()).toBe(fromFile.stdout.toString());
    const report = JSON.parse(fromFile.stdout.toString());
    expect(report.lines.total).toBe(232);
    expect(report.attribution).toBe('logged-after (Redis >= 7.0)');
  });

  it('reads a multi-chunk file (double-buffered) the same as stdin', () => {
    const name = `${CORPUS}/redis7-monitor-47724.txt`;
    const fromFile = redkit(['monitor', '--json', name]);
    const fromStdin = redkit(['monitor', '--json', '-'], readFileSync(name));
    expect(fromFile.status).toBe(0);
    expect(fromFile.stdout.toString()).toBe(fromStdin.stdout.toString());
    expect(JSON.parse(fromFile.stdout.toString()).lines.total).toBe(47724);
  });

  it('handles empty input and reports junk on stderr without failing', () => {
    const empty = redkit(['monitor', '-'], '');
    expect(empty.status).toBe(0);
    expect(empty.stdout.toString()).toContain('Lines Processed');
    const fainaEmpty = redkit(['monitor', '--faina', '-'], '');
    expect(fainaEmpty.status).toBe(0);
    expect(fainaEmpty.stdout.toString()).toContain('Commands/Sec     \tn/a');
    const junk = redkit(['monitor', '-'], 'not monitor output\n1.000000 [0 127.0.0.1:1] "PING"\n');
    expect(junk.status).toBe(0);
    expect(junk.stderr).toContain('1 junk line(s) skipped');
  });

  it('fails cleanly on a missing file and bad options', () => {
    const r = redkit(['monitor', join(dir, 'nope.txt')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^redkit: .*nope\.txt: no such file\n$/);
    expect(redkit(['monitor', '--faina', '--json', '-'], '').status).toBe(1);
    expect(redkit(['monitor', '--faina', '--redis-version', 'x', '-'], '').stderr).toContain('--redis-version must be a number');
    expect(redkit(['monitor', '--lines', '3', '-'], '').stderr).toContain('live capture');
  });
});

function send(port: number, commands: string[][]): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => {
      const payload = commands.map((c) => `*${c.length}\r\n${c.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`).join('');
      s.end(payload);
    });
    s.on('data', () => undefined);
    s.on('close', () => resolve());
    s.on('error', reject);
  });
}

describe.skipIf(!haveRealRedis())('redkit monitor redis://… (live, real redis-server)', () => {
  let redis: RealRedis;
  beforeAll(async () => { redis = await startRealRedis(); });
  afterAll(async () => { await redis?.stop(); });

  async function runLive(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [BIN, 'monitor', `redis://127.0.0.1:${redis.port}`, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    let exited = false;
    const done = new Promise<number | null>((resolve) => child.on('exit', (code) => { exited = true; resolve(code); }));
    // traffic until the capture ends (MONITOR starts a little after spawn)
    const deadline = Date.now() + 15_000;
    while (!exited && Date.now() < deadline) {
      await send(redis.port, [['SET', 'live:{1}:a', 'v'], ['get', 'live:{1}:a'], ['EVAL', "return redis.call('INCR', KEYS[1])", '1', 'live:counter']]);
      await new Promise((r) => setTimeout(r, 30));
    }
    const status = await done;
    return { status, stdout, stderr };
  }

  it('--lines N stops after N lines and reports them', async () => {
    const r = await runLive(['--lines', '9', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.lines.total).toBe(9);
    expect(report.lines.junk).toBe(0);
    expect(report.lines.commands + report.lines.scriptCommands).toBe(9);
    expect(report.topKeys.map((k: { name: string }) => k.name)).toContain('live:{1}:a');
  });

  it('--duration T stops after T', async () => {
    const t0 = Date.now();
    const r = await runLive(['--duration', '400ms']);
    expect(r.status).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.stdout).toContain('Top Commands');
  });

  it('reports a connection failure as a one-line error', () => {
    const r = redkit(['monitor', 'redis://127.0.0.1:1', '--lines', '1']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^redkit: could not connect to 127\.0\.0\.1:1/);
  });
});
