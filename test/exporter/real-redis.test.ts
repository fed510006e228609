/**
 * Against real redis-server 7.0: key checks that never make the target fail a command,
 * replication fields on master and replica, a bounded scrape when the target hangs, and a
 * password-protected target.
 */
import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExporter } from '../../exporter/app.js';
import { haveRealRedis, startRealRedis, type RealRedis } from '../helpers/real-redis.js';
import { parseExposition } from './exposition.js';

const base = { listenAddress: '127.0.0.1:0', telemetryPath: '/metrics', namespace: 'redis', timeoutMs: 2000 };
const scrape = async (url: string) => parseExposition(await (await fetch(url)).text());

describe.skipIf(!haveRealRedis())('real redis-server', () => {
  let master: RealRedis;
  beforeAll(async () => {
    master = await startRealRedis();
    // Start the replica's full sync at once (Redis waits 5 s for more replicas by default).
    master.cli('CONFIG', 'SET', 'repl-diskless-sync-delay', '0');
    master.cli('SET', 'counter:hits', '12345');
    master.cli('SET', 'greeting', 'hello');
    master.cli('PFADD', 'hll:visitors', 'a', 'b', 'c');
    master.cli('RPUSH', 'queue:jobs', '1', '2', '3');
    master.cli('SADD', 'set:tags', 'x', 'y');
    master.cli('-n', '1', 'SET', 'user:1:name', 'ann');
    for (let i = 0; i < 30; i++) master.cli('SET', `user:${i}:name`, `n${i}`);
  });
  afterAll(async () => { await master?.stop(); });

  it('key checks: sizes and values like redis_exporter, without a single failed command on the target', async () => {
    master.cli('CONFIG', 'RESETSTAT');
    const exp = await startExporter({ ...base, addr: `redis://127.0.0.1:${master.port}`,
      checkSingleKeys: 'db0=counter:hits,db0=greeting,db0=hll:visitors,db0=queue:jobs,db0=set:tags,db0=missing,db1=user:1:name',
      checkKeys: 'db0=user:1*', countKeys: 'db0=user:*' });
    try {
      for (let i = 0; i < 3; i++) await fetch(`${exp.url}/metrics`);
      const p = await scrape(`${exp.url}/metrics`);
      expect(p.samples.get('redis_key_size{db="db0",key="counter:hits"}')).toBe(5);
      expect(p.samples.get('redis_key_value{db="db0",key="counter:hits"}')).toBe(12345);
      expect(p.samples.get('redis_key_value_as_string{db="db0",key="greeting",val="hello"}')).toBe(1);
      expect(p.samples.get('redis_key_size{db="db0",key="hll:visitors"}')).toBe(3);
      expect(p.samples.get('redis_key_size{db="db0",key="queue:jobs"}')).toBe(3);
      expect(p.samples.get('redis_key_size{db="db0",key="set:tags"}')).toBe(2);
      expect(p.samples.get('redis_key_size{db="db0",key="missing"}')).toBe(0);
      expect(p.samples.get('redis_key_size{db="db1",key="user:1:name"}')).toBe(3);
      expect(p.samples.get('redis_key_size{db="db0",key="user:10:name"}')).toBe(3);
      expect(p.samples.get('redis_keys_count{db="db0",key="user:*"}')).toBe(30);
      const stats = master.cli('INFO', 'errorstats');
      expect(stats).not.toMatch(/errorstat_/);
      expect(master.cli('INFO', 'commandstats')).not.toMatch(/cmdstat_pfcount:calls=(?!4,)/); // only the 4 HLL checks
    } finally {
      await exp.close();
    }
  });

  it('replica: master_link_up, slave_repl_offset, slave_info; master: connected_slave_*', async () => {
    const replica = await startRealRedis();
    try {
      replica.cli('REPLICAOF', '127.0.0.1', String(master.port));
      const expR = await startExporter({ ...base, addr: `redis://127.0.0.1:${replica.port}` });
      const expM = await startExporter({ ...base, addr: `redis://127.0.0.1:${master.port}` });
      try {
        let r = await scrape(`${expR.url}/metrics`);
        for (let i = 0; i < 150 && r.samples.get(`redis_master_link_up{master_host="127.0.0.1",master_port="${master.port}"}`) !== 1; i++) {
          await new Promise((res) => setTimeout(res, 100));
          r = await scrape(`${expR.url}/metrics`);
        }
        const ml = `{master_host="127.0.0.1",master_port="${master.port}"}`;
        expect(r.samples.get(`redis_master_link_up${ml}`)).toBe(1);
        expect(r.samples.has(`redis_slave_repl_offset${ml}`)).toBe(true);
        expect(r.samples.get(`redis_slave_info{master_host="127.0.0.1",master_port="${master.port}",read_only="1"}`)).toBe(1);
        const m = await scrape(`${expM.url}/metrics`);
        const key = [...m.samples.keys()].find((k) => k.startsWith('redis_connected_slave_offset_bytes{'));
        expect(key).toContain(`slave_port="${replica.port}"`);
        expect(m.samples.get('redis_connected_slaves{}')).toBe(1);
      } finally {
        await expR.close();
        await expM.close();
      }
    } finally {
      await replica.stop();
    }
  });

  it('requirepass: wrong password is "authentication failed", right one works, neither appears anywhere', async () => {
    const secured = await startRealRedis(['--requirepass', 'Secr3t-pw']);
    const lines: string[] = [];
    const bad = await startExporter({ ...base, addr: `redis://127.0.0.1:${secured.port}`, password: 'Wr0ng-pw', log: (l) => lines.push(l) });
    const good = await startExporter({ ...base, addr: `redis://:Secr3t-pw@127.0.0.1:${secured.port}`, log: (l) => lines.push(l) });
    try {
      const b = await (await fetch(`${bad.url}/metrics`)).text();
      expect(parseExposition(b).samples.get('redis_exporter_last_scrape_error{err="authentication failed: WRONGPASS"}')).toBe(1);
      const g = await (await fetch(`${good.url}/metrics`)).text();
      expect(parseExposition(g).samples.get('redis_up{}')).toBe(1);
      for (const text of [b, g, lines.join('\n')]) {
        expect(text).not.toContain('Secr3t-pw');
        expect(text).not.toContain('Wr0ng-pw');
      }
      expect(lines.join('\n')).toContain('xxxxx@127.0.0.1');
    } finally {
      await bad.close();
      await good.close();
      await secured.stop();
    }
  });
});

describe('a target that accepts but never answers', () => {
  it('the scrape ends at the timeout with redis_up 0 and "reply timeout"', async () => {
    const sockets = new Set<Socket>();
    const hang = createServer((s) => { sockets.add(s); s.on('error', () => {}); });
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const port = (hang.address() as { port: number }).port;
    const exp = await startExporter({ ...base, timeoutMs: 300, setClientName: false, addr: `redis://127.0.0.1:${port}` });
    try {
      const t0 = Date.now();
      const p = await scrape(`${exp.url}/metrics`);
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(p.samples.get('redis_up{}')).toBe(0);
      expect(p.samples.get('redis_exporter_last_scrape_error{err="reply timeout"}')).toBe(1);
    } finally {
      await exp.close();
      for (const s of sockets) s.destroy();
      await new Promise((r) => hang.close(r));
    }
  });
});
