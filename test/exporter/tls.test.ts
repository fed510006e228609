/** TLS to Redis (rediss://, --tls-ca-cert-file, client certificates) against real redis-server. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { get as httpsGet } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExporter } from '../../exporter/app.js';
import { findBinary, freePort, haveRealRedis, waitForPort } from '../helpers/real-redis.js';
import { parseExposition } from './exposition.js';

const ready = haveRealRedis(['redis-server', 'openssl']);

function openssl(dir: string, ...args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

describe.skipIf(!ready)('TLS', () => {
  let dir = '';
  let redis: ChildProcess;
  let port = 0;
  const base = { listenAddress: '127.0.0.1:0', telemetryPath: '/metrics', namespace: 'redis', timeoutMs: 3000 };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'redkit-tls-'));
    openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=redkit-test-ca');
    openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
    writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    openssl(dir, 'x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2',
      '-extfile', 'san.ext');
  }, 30_000);

  afterAll(async () => {
    redis?.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('rediss:// with the CA works; without it the error is "tls error"', async () => {
    port = await freePort();
    redis = spawn(findBinary('redis-server')!, ['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--save', '',
      '--tls-cert-file', join(dir, 'server.crt'), '--tls-key-file', join(dir, 'server.key'), '--tls-ca-cert-file', join(dir, 'ca.crt'),
      '--tls-auth-clients', 'no', '--dir', dir], { stdio: 'ignore' });
    await waitForPort(port);
    const good = await startExporter({ ...base, addr: `rediss://127.0.0.1:${port}`, tls: { ca: readFileSync(join(dir, 'ca.crt')) } });
    const bad = await startExporter({ ...base, addr: `rediss://127.0.0.1:${port}` });
    try {
      const g = parseExposition(await (await fetch(`${good.url}/metrics`)).text());
      expect(g.samples.get('redis_up{}')).toBe(1);
      const b = parseExposition(await (await fetch(`${bad.url}/metrics`)).text());
      expect(b.samples.get('redis_up{}')).toBe(0);
      const errKey = [...b.samples.keys()].find((k) => k.startsWith('redis_exporter_last_scrape_error{'));
      expect(errKey).toMatch(/err="tls error/);
    } finally {
      await good.close();
      await bad.close();
    }
  }, 30_000);

  it('serves /metrics over HTTPS with --tls-server-cert-file/--tls-server-key-file', async () => {
    const exp = await startExporter({ ...base, addr: '', https: { cert: readFileSync(join(dir, 'server.crt')), key: readFileSync(join(dir, 'server.key')) } });
    try {
      expect(exp.url).toMatch(/^https:/);
      const body = await new Promise<string>((resolve, reject) => {
        httpsGet(`${exp.url}/health`, { ca: readFileSync(join(dir, 'ca.crt')) }, (res) => {
          let b = '';
          res.on('data', (d) => { b += d; });
          res.on('end', () => resolve(b));
        }).on('error', reject);
      });
      expect(body).toBe('ok');
    } finally {
      await exp.close();
    }
  });
});
