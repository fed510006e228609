/**
 * The exporter against the built-in server (tools/server): as a master with a real
 * redis-server replica, it must report replication the way Redis 7.0 does, so the same
 * dashboards work: redis_connected_slave_offset_bytes{slave_ip,slave_port,slave_state} with the
 * replica's listening port, and offsets that agree with the replica's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExporter, type RunningExporter } from '../../exporter/app.js';
import { RedisConnection } from '../../exporter/connection.js';
import { startServer, type ServerHandle } from '../../tools/server/server.js';
import { findBinary, freePort, haveRealRedis, waitForPort } from '../helpers/real-redis.js';
import { parseExposition, type Parsed } from './exposition.js';

describe.skipIf(!haveRealRedis())('built-in server as master, real redis-server as replica', () => {
  let srv: ServerHandle;
  let replica: ChildProcess;
  let replicaPort = 0;
  let replicaDir = '';
  let exp: RunningExporter;
  let conn: RedisConnection;

  beforeAll(async () => {
    srv = await startServer({ port: 0 });
    replicaPort = await freePort();
    // The replica stores the RDB it receives from the master: give it its own directory.
    replicaDir = mkdtempSync(join(tmpdir(), 'redkit-replica-'));
    replica = spawn(findBinary('redis-server')!, ['--port', String(replicaPort), '--bind', '127.0.0.1', '--save', '', '--dir', replicaDir,
      '--replicaof', '127.0.0.1', String(srv.port)], { stdio: 'ignore' });
    await waitForPort(replicaPort);
    conn = new RedisConnection({ host: '127.0.0.1', port: srv.port, timeoutMs: 2000 });
    exp = await startExporter({ listenAddress: '127.0.0.1:0', telemetryPath: '/metrics', namespace: 'redis', timeoutMs: 2000,
      addr: `redis://127.0.0.1:${srv.port}` });
  });

  afterAll(async () => {
    await exp?.close();
    conn?.close();
    replica?.kill('SIGTERM');
    await srv?.close();
    if (replicaDir) rmSync(replicaDir, { recursive: true, force: true });
  });

  const scrape = async (q = '/metrics'): Promise<Parsed> => parseExposition(await (await fetch(`${exp.url}${q}`)).text());

  it('reports the replica and offsets like Redis 7.0', async () => {
    let m = await scrape();
    for (let i = 0; i < 100 && m.samples.get('redis_connected_slaves{}') !== 1; i++) {
      await new Promise((r) => setTimeout(r, 100));
      m = await scrape();
    }
    expect(m.samples.get('redis_up{}')).toBe(1);
    expect(m.samples.get('redis_connected_slaves{}')).toBe(1);
    await conn.pipeline([['SET', 'k1', 'v1'], ['SET', 'k2', 'v2']]);
    // Wait for the replica to catch up, then both sides must agree.
    let r = await scrape(`/scrape?target=${encodeURIComponent(`redis://127.0.0.1:${replicaPort}`)}`);
    const link = `{master_host="127.0.0.1",master_port="${srv.port}"}`;
    for (let i = 0; i < 50; i++) {
      m = await scrape();
      r = await scrape(`/scrape?target=${encodeURIComponent(`redis://127.0.0.1:${replicaPort}`)}`);
      if (r.samples.get(`redis_master_link_up${link}`) === 1 &&
        r.samples.get(`redis_slave_repl_offset${link}`) === m.samples.get('redis_master_repl_offset{}')) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(r.samples.get(`redis_master_link_up${link}`)).toBe(1);
    const masterOffset = m.samples.get('redis_master_repl_offset{}')!;
    expect(masterOffset).toBeGreaterThan(0);
    expect(r.samples.get(`redis_slave_repl_offset${link}`)).toBe(masterOffset);
    const slaveKey = [...m.samples.keys()].find((k) => k.startsWith('redis_connected_slave_offset_bytes{'));
    expect(slaveKey).toBe(`redis_connected_slave_offset_bytes{slave_ip="127.0.0.1",slave_port="${replicaPort}",slave_state="online"}`);
  }, 30_000);
});
