import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveRealRedis, startRealRedis, freePort, type RealRedis } from '../../test/helpers/real-redis.js';
import { RedisClient, ReplyError, parseRedisUrl, redactUrl } from './index.js';

describe('parseRedisUrl', () => {
  it('parses the URL forms', () => {
    expect(parseRedisUrl('redis://u:p%40ss@h:7000/3')).toEqual({ host: 'h', port: 7000, db: 3, username: 'u', password: 'p@ss' });
    expect(parseRedisUrl('rediss://h')).toEqual({ host: 'h', port: 6379, tls: {} });
    expect(parseRedisUrl('unix:///tmp/r.sock?db=2')).toEqual({ path: '/tmp/r.sock', db: 2 });
    expect(parseRedisUrl('10.0.0.1:6380')).toEqual({ host: '10.0.0.1', port: 6380 });
    expect(() => parseRedisUrl('http://x')).toThrow(/unsupported URL scheme/);
    expect(redactUrl('redis://u:secret@h:1/0')).toBe('redis://u:***@h:1/0');
  });
});

describe('RedisClient', () => {
  it('reports a refused connection plainly', async () => {
    const port = await freePort();
    await expect(RedisClient.connect({ port })).rejects.toMatchObject({
      code: 'REDKIT_E_CONNECT', message: `could not connect to 127.0.0.1:${port}: connection refused`,
    });
  });

  describe.skipIf(!haveRealRedis())('against real redis-server', () => {
    let redis: RealRedis;
    beforeAll(async () => { redis = await startRealRedis(['--requirepass', 'sekret']); });
    afterAll(async () => { await redis?.stop(); });

    it('authenticates, pipelines and maps error replies', async () => {
      const c = await RedisClient.connect({ port: redis.port, password: 'sekret', db: 2 });
      const replies = await Promise.all([c.call('SET', 'k', Buffer.from([0, 255])), c.call('GET', 'k'), c.call('INCR', 'n'), c.call('PING')]);
      expect(replies).toEqual(['OK', Buffer.from([0, 255]), 1, 'PONG']);
      const err = await c.call('LPUSH', 'k', 'x').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ReplyError);
      expect((err as ReplyError).reply.code).toBe('WRONGTYPE');
      expect(await c.callRaw('NOSUCHCMD')).toMatchObject({ message: expect.stringContaining('unknown command') });
      await c.close();
    });

    it('fails auth without leaking the password', async () => {
      const err = await RedisClient.connect({ port: redis.port, password: 'wrong-pass' }).catch((e: unknown) => e as Error);
      expect(err).toMatchObject({ code: 'REDKIT_E_AUTH' });
      expect((err as Error).message).not.toContain('wrong-pass');
    });

    it('streams MONITOR lines', async () => {
      const mon = await RedisClient.connect({ port: redis.port, password: 'sekret' });
      const lines: string[] = [];
      await mon.monitor((l) => lines.push(l));
      const c = await RedisClient.connect({ port: redis.port, password: 'sekret' });
      await c.call('SET', 'a b', 'x"y');
      for (let i = 0; i < 50 && lines.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(lines.some((l) => l.includes('"SET" "a b" "x\\"y"'))).toBe(true);
      await c.close();
      mon.destroy();
    });
  });
});
