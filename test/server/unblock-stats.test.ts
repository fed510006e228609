import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { haveRealRedis } from '../helpers/real-redis.js';
import { run, useServerPair } from '../helpers/differential.js';

describe.skipIf(!haveRealRedis())('stats of unblocked commands vs redis-server', () => {
  const pair = useServerPair();

  const cmdstat = async (r: Redis, name: string): Promise<string> =>
    (/cmdstat_[^:]+:calls=(\d+),.*rejected_calls=(\d+),failed_calls=(\d+)/.exec((await r.info('commandstats')).split('\r\n').find((l) => l.startsWith(`cmdstat_${name}:`)) ?? '') ?? []).slice(1).join('/');

  async function scenario(port: number): Promise<string[]> {
    const r = new Redis({ port, host: '127.0.0.1' });
    const b = new Redis({ port, host: '127.0.0.1' });
    const waitBlocked = async (): Promise<void> => { while (!/blocked_clients:1\r/.test(await r.info('clients'))) await new Promise((res) => setTimeout(res, 5)); };
    try {
      await r.flushall();
      await run(r, ['config', 'resetstat']);
      await run(r, ['xgroup', 'create', 'st', 'g', '$', 'mkstream']);
      const p = run(b, ['xreadgroup', 'group', 'g', 'alice', 'block', 0, 'streams', 'st', '>']);
      await waitBlocked();
      await run(r, ['xgroup', 'destroy', 'st', 'g']);
      const reply = await p;
      const bid = String(await b.client('ID'));
      const p2 = run(b, ['blpop', 'l', 0]);
      await waitBlocked();
      await run(r, ['client', 'unblock', bid]);
      await p2;
      const p3 = run(b, ['blpop', 'l', 0]);
      await waitBlocked();
      await run(r, ['client', 'unblock', bid, 'error']);
      await p3;
      const p4 = run(b, ['blpop', 'l', 0]);
      await waitBlocked();
      await run(r, ['rpush', 'l', 'x']);
      await p4;
      return [String(reply).slice(0, 11), await cmdstat(r, 'xreadgroup'), await cmdstat(r, 'blpop')];
    } finally { r.disconnect(); b.disconnect(); }
  }

  it('XGROUP DESTROY failing a blocked XREADGROUP and CLIENT UNBLOCK count as failed calls', async () => {
    const a = await scenario(pair.srv.port);
    expect(a).toEqual(await scenario(pair.real.port));
    expect(a).toEqual(['ERR:NOGROUP', '1/0/1', '3/0/2']);
  });
});
