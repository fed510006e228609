import { describe, expect, it } from 'vitest';
import { parseDuration, parseFlags, resolveFlags } from './options.js';
import { parseAddr, parseKeyArg, redactAddr } from './target.js';
import { createServer, type Socket } from 'node:net';
import { RespError } from '../tools/resp/index.js';
import { RedisConnection, TargetError, parseReply } from './connection.js';
import { parseListenAddress } from './app.js';
import { freePort } from '../test/helpers/real-redis.js';

describe('flags', () => {
  it('Go durations', () => {
    expect(parseDuration('15s')).toBe(15_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(() => parseDuration('15')).toThrow(/invalid duration/);
  });

  it('--flag v, --flag=v, -flag v, booleans, environment defaults', () => {
    const v = parseFlags(['-redis.addr', 'redis://h:1', '--namespace=rk', '--include-system-metrics', '-set-client-name=false'],
      { REDIS_PASSWORD: 'pw', REDIS_EXPORTER_CONNECTION_TIMEOUT: '2s' });
    const { options, warnings } = resolveFlags(v);
    expect(options).toMatchObject({ addr: 'redis://h:1', namespace: 'rk', includeSystemMetrics: true, setClientName: false, password: 'pw', timeoutMs: 2000 });
    expect(warnings).toEqual([]);
    expect(resolveFlags(parseFlags(['--is-cluster'], {})).warnings).toEqual(['--is-cluster ignored: cluster key checks are not supported']);
    expect(() => parseFlags(['--nope'], {})).toThrow(/unknown flag/);
    expect(() => parseFlags(['--redis.addr'], {})).toThrow(/needs a value/);
  });

  it('listen addresses', () => {
    expect(parseListenAddress(':9121')).toEqual({ host: '0.0.0.0', port: 9121 });
    expect(parseListenAddress('127.0.0.1:9121')).toEqual({ host: '127.0.0.1', port: 9121 });
    expect(parseListenAddress('[::1]:9121')).toEqual({ host: '::1', port: 9121 });
  });
});

describe('addresses and keys', () => {
  it('parses the forms redis_exporter accepts', () => {
    expect(parseAddr('redis://u:p%40ss@h:7000/3')).toMatchObject({ host: 'h', port: 7000, db: 3, username: 'u', password: 'p@ss', tls: false });
    expect(parseAddr('h:7000')).toMatchObject({ host: 'h', port: 7000, db: 0 });
    expect(parseAddr('rediss://h')).toMatchObject({ host: 'h', port: 6379, tls: true });
    expect(parseAddr('unix:///run/redis.sock')).toMatchObject({ path: '/run/redis.sock' });
    expect(() => parseAddr('http://h')).toThrow(TargetError);
  });

  it('redacts passwords', () => {
    expect(redactAddr('redis://user:secret@h:1')).toBe('redis://user:xxxxx@h:1');
    expect(redactAddr('redis://:secret@h:1')).toBe('redis://:xxxxx@h:1');
    expect(redactAddr('redis://h:1')).toBe('redis://h:1');
  });

  it('key lists', () => {
    expect(parseKeyArg('db0=user:*,db3=a%2Cb,plain')).toEqual([{ db: '0', key: 'user:*' }, { db: '3', key: 'a,b' }, { db: '0', key: 'plain' }]);
    expect(() => parseKeyArg('dbx=k')).toThrow();
  });
});

describe('reconnect backoff', () => {
  it('does not retry a refused target before the backoff has passed, then doubles it', async () => {
    let now = 1_000_000;
    const port = await freePort();
    const c = new RedisConnection({ host: '127.0.0.1', port, timeoutMs: 500, minBackoffMs: 250, maxBackoffMs: 1000, now: () => now });
    await expect(c.pipeline([['PING']])).rejects.toThrow('connection refused');
    expect(c.connects).toBe(1);
    await expect(c.pipeline([['PING']])).rejects.toThrow('connection refused');
    expect(c.connects).toBe(1); // within 250 ms: not retried
    now += 251;
    await expect(c.pipeline([['PING']])).rejects.toThrow('connection refused');
    expect(c.connects).toBe(2);
    now += 251; // backoff is now 500 ms
    await expect(c.pipeline([['PING']])).rejects.toThrow();
    expect(c.connects).toBe(2);
    c.close();
  });
});

describe('replies through the shared codec', () => {
  it('parseReply: one complete reply; incomplete or bad bytes are "protocol error"', () => {
    expect(parseReply(Buffer.from('*3\r\n$3\r\nfoo\r\n:42\r\n$-1\r\n'))).toEqual([Buffer.from('foo'), 42, null]);
    expect(parseReply(Buffer.from('-ERR no\r\n'))).toBeInstanceOf(RespError);
    expect(() => parseReply(Buffer.from('$5\r\nab'))).toThrow(new TargetError('protocol error', 'incomplete reply'));
    expect(() => parseReply(Buffer.from('A\r\n'))).toThrow(TargetError);
  });

  it('matches pipelined replies dribbled byte by byte; a bad reply drops the link and the next batch reconnects', async () => {
    let mode: 'good' | 'bad' = 'good';
    const sockets = new Set<Socket>();
    const server = createServer((sock) => {
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
      sock.on('data', async () => {
        if (mode === 'bad') { sock.write('?garbage\r\n'); return; }
        const reply = Buffer.from('+PONG\r\n$5\r\nhello\r\n-WRONGTYPE Operation against a key\r\n*2\r\n:1\r\n$0\r\n\r\n');
        for (const b of reply) {
          sock.write(Buffer.from([b]));
          await new Promise((r) => setImmediate(r));
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const c = new RedisConnection({ host: '127.0.0.1', port, timeoutMs: 2000, minBackoffMs: 0 });
    try {
      const replies = await c.pipeline([['PING'], ['GET', 'k'], ['LPUSH', 'k', 'v'], ['X']]);
      expect(replies.slice(0, 2)).toEqual(['PONG', Buffer.from('hello')]);
      expect(replies[2]).toBeInstanceOf(RespError);
      expect((replies[2] as RespError).code).toBe('WRONGTYPE');
      expect(replies[3]).toEqual([1, Buffer.alloc(0)]);
      mode = 'bad';
      await expect(c.pipeline([['PING']])).rejects.toThrow(new TargetError('protocol error', 'unexpected type byte 0x3f'));
      expect(c.connected).toBe(false);
      mode = 'good';
      await expect(c.pipeline([['PING'], ['GET', 'k'], ['LPUSH', 'k', 'v'], ['X']])).resolves.toHaveLength(4);
      expect(c.connects).toBe(2);
    } finally {
      c.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
