/**
 * The exporter end to end over TCP: against the replay server (corpus replies), against
 * failing targets (down, wrong password), and through the CLI (flags, SIGTERM).
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExporter, type RunningExporter } from '../../exporter/app.js';
import { corpusReplies, startReplayServer, type ReplayServer } from './replay-server.js';
import { parseExposition } from './exposition.js';
import { freePort, waitForPort } from '../helpers/real-redis.js';

const base = { listenAddress: '127.0.0.1:0', telemetryPath: '/metrics', namespace: 'redis', timeoutMs: 2000 };

async function get(url: string): Promise<{ status: number; text: string }> {
  const r = await fetch(url);
  return { status: r.status, text: await r.text() };
}

describe('against the replay server (Redis 7.0.15 captured replies)', () => {
  let srv: ReplayServer;
  let exp: RunningExporter;
  beforeAll(async () => {
    srv = await startReplayServer(corpusReplies('master'));
    exp = await startExporter({ ...base, addr: `redis://127.0.0.1:${srv.port}` });
  });
  afterAll(async () => {
    await exp?.close();
    await srv?.close();
  });

  it('scrapes over one persistent connection with one small pipelined batch per scrape', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await get(`${exp.url}/metrics`);
      expect(r.status).toBe(200);
      const p = parseExposition(r.text);
      expect(p.samples.get('redis_up{}')).toBe(1);
      expect(p.samples.get('redis_exporter_last_scrape_error{err=""}')).toBe(0);
      expect(p.samples.get('redis_exporter_scrapes_total{}')).toBe(i + 1);
      expect(p.samples.get('redis_master_repl_offset{}')).toBe(6475255);
    }
    expect(srv.connections).toBe(1);
    const lines = srv.commands.map((c) => c.join(' '));
    expect(lines[0]).toBe('CLIENT SETNAME redis_exporter');
    expect(lines.slice(1, 6)).toEqual(['CONFIG GET databases io-threads maxclients maxmemory', 'INFO ALL', 'LATENCY LATEST', 'SLOWLOG LEN', 'SLOWLOG GET 1']);
    expect(lines).toHaveLength(1 + 3 * 5);
    expect(lines).not.toContain('CONFIG GET *');
  });

  it('/scrape?target= serves other targets; a missing target is a 400 and counted', async () => {
    const r = await get(`${exp.url}/scrape?target=${encodeURIComponent(`redis://127.0.0.1:${srv.port}`)}`);
    const p = parseExposition(r.text);
    expect(p.samples.get('redis_up{}')).toBe(1);
    expect([...p.families.keys()].some((n) => n.startsWith('process_'))).toBe(false);
    const bad = await get(`${exp.url}/scrape`);
    expect(bad.status).toBe(400);
    const after = parseExposition((await get(`${exp.url}/metrics`)).text);
    expect(after.samples.get('redis_target_scrape_request_errors_total{}')).toBe(1);
  });

  it('/health', async () => {
    expect(await get(`${exp.url}/health`)).toEqual({ status: 200, text: 'ok' });
  });
});

describe('CONFIG variants', () => {
  it('Redis < 7 (one pattern per CONFIG GET): falls back to one command per key after the first scrape', async () => {
    const srv = await startReplayServer(corpusReplies('master'), { redis6Config: true });
    const exp = await startExporter({ ...base, addr: `redis://127.0.0.1:${srv.port}` });
    try {
      await fetch(`${exp.url}/metrics`);
      const p = parseExposition(await (await fetch(`${exp.url}/metrics`)).text());
      expect(p.samples.get('redis_up{}')).toBe(1);
      expect(p.samples.get('redis_config_maxmemory{}')).toBe(268435456);
      expect(p.samples.get('redis_db_keys{db="db15"}')).toBe(0);
      const lines = srv.commands.map((c) => c.join(' '));
      expect(lines.filter((l) => l.startsWith('CONFIG GET')).slice(1)).toEqual(['CONFIG GET databases', 'CONFIG GET io-threads', 'CONFIG GET maxclients', 'CONFIG GET maxmemory']);
    } finally {
      await exp.close();
      await srv.close();
    }
  });

  it('--include-config-metrics uses CONFIG GET * and never exports secrets', async () => {
    const srv = await startReplayServer(corpusReplies('master'));
    const exp = await startExporter({ ...base, addr: `redis://127.0.0.1:${srv.port}`, includeConfigMetrics: true });
    try {
      const p = parseExposition(await (await fetch(`${exp.url}/metrics`)).text());
      expect(p.samples.get('redis_config_value{key="maxmemory"}')).toBe(268435456);
      expect([...p.samples.keys()].some((k) => /key="(requirepass|masterauth)"/.test(k))).toBe(false);
      expect(srv.commands.map((c) => c.join(' '))).toContain('CONFIG GET *');
    } finally {
      await exp.close();
      await srv.close();
    }
  });
});

describe('failing targets: redis_up 0 and a low-cardinality error, never the password', () => {
  it('target down -> "connection refused"', async () => {
    const port = await freePort();
    const exp = await startExporter({ ...base, addr: `redis://127.0.0.1:${port}` });
    try {
      const p = parseExposition((await get(`${exp.url}/metrics`)).text);
      expect(p.samples.get('redis_up{}')).toBe(0);
      expect(p.samples.get('redis_exporter_last_scrape_error{err="connection refused"}')).toBe(1);
      expect(p.samples.has('redis_master_repl_offset{}')).toBe(false);
    } finally {
      await exp.close();
    }
  });

  it('wrong password, no password, right password (from the URL, the flag and the password file)', async () => {
    const secret = 's3cr3t-Pa55';
    const srv = await startReplayServer(corpusReplies('replica'), { password: secret });
    const addr = `redis://127.0.0.1:${srv.port}`;
    const wrong = await startExporter({ ...base, addr, password: 'not-it-Zz9' });
    const none = await startExporter({ ...base, addr });
    const inUrl = await startExporter({ ...base, addr: `redis://:${secret}@127.0.0.1:${srv.port}` });
    const fromMap = await startExporter({ ...base, addr: '', passwordMap: new Map([[addr, secret]]) });
    try {
      const w = (await get(`${wrong.url}/metrics`)).text;
      expect(parseExposition(w).samples.get('redis_exporter_last_scrape_error{err="authentication failed: WRONGPASS"}')).toBe(1);
      expect(w).not.toContain('not-it-Zz9');
      const n = parseExposition((await get(`${none.url}/metrics`)).text);
      expect(n.samples.get('redis_up{}')).toBe(0);
      expect(n.samples.get('redis_exporter_last_scrape_error{err="authentication failed: NOAUTH"}')).toBe(1);
      const u = (await get(`${inUrl.url}/metrics`)).text;
      expect(parseExposition(u).samples.get('redis_up{}')).toBe(1);
      expect(u).not.toContain(secret);
      const f = (await get(`${fromMap.url}/scrape?target=${encodeURIComponent(addr)}`)).text;
      expect(parseExposition(f).samples.get('redis_master_link_up{master_host="127.0.0.1",master_port="6410"}')).toBe(1);
      expect(f).not.toContain(secret);
    } finally {
      await Promise.all([wrong.close(), none.close(), inUrl.close(), fromMap.close()]);
      await srv.close();
    }
  });

  it('reconnects after the target restarts', async () => {
    const srv = await startReplayServer(corpusReplies('master'));
    const exp = await startExporter({ ...base, addr: `redis://127.0.0.1:${srv.port}` });
    try {
      expect(parseExposition((await get(`${exp.url}/metrics`)).text).samples.get('redis_up{}')).toBe(1);
      await srv.close(); // drops the connection and stops listening
      const down = parseExposition((await get(`${exp.url}/metrics`)).text);
      expect(down.samples.get('redis_up{}')).toBe(0);
    } finally {
      await exp.close();
    }
  });
});

describe('CLI', () => {
  it('redis_exporter-style flags (single dash), serves, and exits 0 on SIGTERM', async () => {
    const srv = await startReplayServer(corpusReplies('master'));
    const port = await freePort();
    const proc = spawn(process.execPath, ['bin/redkit.js', 'exporter', '-redis.addr', `redis://127.0.0.1:${srv.port}`,
      `-web.listen-address=127.0.0.1:${port}`, '--namespace', 'rk', '-include-system-metrics'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr!.on('data', (d) => { stderr += d; });
    try {
      await waitForPort(port);
      const p = parseExposition((await get(`http://127.0.0.1:${port}/metrics`)).text);
      expect(p.samples.get('rk_up{}')).toBe(1);
      expect(p.samples.has('rk_total_system_memory_bytes{}')).toBe(true);
      const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
      proc.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).toContain('providing metrics at');
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await srv.close();
    }
  });

  it('unknown flags are a usage error', async () => {
    const proc = spawn(process.execPath, ['bin/redkit.js', 'exporter', '--no-such-flag'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr!.on('data', (d) => { stderr += d; });
    const code = await new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(stderr).toMatch(/^redkit: unknown flag "--no-such-flag"/);
  });
});
