/**
 * Integration: real redis-server master + replica (Debian 7.0.x), our exporter, and a real
 * Prometheus (Debian package) scraping it every second. Prometheus's HTTP API must return
 * redis_up, redis_master_repl_offset and redis_connected_slave_offset_bytes; promtool
 * must find no problem in our output with --lint-clean-names.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExporter, type RunningExporter } from '../../exporter/app.js';
import { findBinary, freePort, haveRealRedis, startRealRedis, waitForPort, type RealRedis } from '../helpers/real-redis.js';
import { parseExposition } from './exposition.js';

const ready = haveRealRedis(['redis-server', 'redis-cli', 'prometheus', 'promtool']);

async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.skipIf(!ready)('real Redis master + replica, scraped by real Prometheus', () => {
  let master: RealRedis;
  let replica: RealRedis;
  let exp: RunningExporter;
  let prom: ChildProcess | undefined;
  let promPort = 0;
  let dir = '';

  beforeAll(async () => {
    master = await startRealRedis();
    replica = await startRealRedis();
    replica.cli('REPLICAOF', '127.0.0.1', String(master.port));
    master.cli('SET', 'k', 'v');
    await until('replication link', async () => (replica.cli('INFO', 'replication').includes('master_link_status:up') ? true : undefined));
    exp = await startExporter({ listenAddress: '127.0.0.1:0', telemetryPath: '/metrics', namespace: 'redis', timeoutMs: 2000,
      addr: `redis://127.0.0.1:${master.port}`, lintCleanNames: false });
    dir = mkdtempSync(join(tmpdir(), 'redkit-prom-'));
    promPort = await freePort();
    const replicaTarget = `redis://127.0.0.1:${replica.port}`;
    writeFileSync(join(dir, 'prometheus.yml'), [
      'global: {scrape_interval: 1s, evaluation_interval: 1s}',
      'scrape_configs:',
      `  - job_name: redkit`,
      `    static_configs: [{targets: ['127.0.0.1:${exp.port}']}]`,
      `  - job_name: redkit-multi`,
      `    metrics_path: /scrape`,
      `    static_configs: [{targets: ['${replicaTarget}']}]`,
      `    relabel_configs:`,
      `      - {source_labels: [__address__], target_label: __param_target}`,
      `      - {source_labels: [__param_target], target_label: instance}`,
      `      - {target_label: __address__, replacement: '127.0.0.1:${exp.port}'}`,
      '',
    ].join('\n'));
    prom = spawn(findBinary('prometheus')!, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`], { stdio: 'ignore' });
    await waitForPort(promPort, 15_000);
  }, 40_000);

  afterAll(async () => {
    if (prom && prom.exitCode === null) {
      const exited = new Promise((r) => prom!.once('exit', r));
      prom.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (prom.exitCode === null) prom.kill('SIGKILL');
    }
    await exp?.close();
    await replica?.stop();
    await master?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const query = async (q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[] | undefined> => {
    const r = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`);
    const body = (await r.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    return body.status === 'success' && body.data.result.length > 0 ? body.data.result : undefined;
  };

  it('Prometheus has redis_up, redis_master_repl_offset and redis_connected_slave_offset_bytes', async () => {
    const up = await until('redis_up', () => query('redis_up{job="redkit"}'));
    expect(up[0]!.value[1]).toBe('1');
    const off = await until('redis_master_repl_offset', () => query('redis_master_repl_offset{job="redkit"}'));
    expect(Number(off[0]!.value[1])).toBeGreaterThan(0);
    const slave = await until('redis_connected_slave_offset_bytes', () => query('redis_connected_slave_offset_bytes{job="redkit"}'));
    expect(slave[0]!.metric).toMatchObject({ slave_ip: '127.0.0.1', slave_port: String(replica.port), slave_state: 'online' });
    // The replica, through the multi-target endpoint.
    const link = await until('redis_master_link_up', () => query('redis_master_link_up{job="redkit-multi"}'));
    expect(link[0]!.value[1]).toBe('1');
    expect(link[0]!.metric.instance).toBe(`redis://127.0.0.1:${replica.port}`);
  }, 30_000);

  it('promtool check metrics: no problem with --lint-clean-names; the compatible names keep the 14 known ones', async () => {
    const clean = await startExporter({ listenAddress: '127.0.0.1:0', telemetryPath: '/metrics', namespace: 'redis', timeoutMs: 2000,
      addr: `redis://127.0.0.1:${master.port}`, lintCleanNames: true });
    try {
      const text = await (await fetch(`${clean.url}/metrics`)).text();
      expect(parseExposition(text).samples.get('redis_up{}')).toBe(1);
      const r = spawnSync(findBinary('promtool')!, ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    } finally {
      await clean.close();
    }
    const compat = await (await fetch(`${exp.url}/metrics`)).text();
    const r = spawnSync(findBinary('promtool')!, ['check', 'metrics'], { input: compat, encoding: 'utf8' });
    const problems = (r.stdout + r.stderr).split('\n').filter((l) => l.startsWith('redis_'));
    // redis_exporter 1.45 has 14; last_key_groups_… counts too. prom-client adds 3 nodejs_*_total.
    expect(problems.length).toBe(14);
  });
});
