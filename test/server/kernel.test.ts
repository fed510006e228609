/**
 * Kernel of the built-in server over TCP: strings, keyspace, expiry, transactions, pub/sub,
 * admin commands, error texts and protocol robustness, with ioredis and raw sockets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { Redis } from 'ioredis';
import { startServer, type ServerHandle } from '../../tools/server/index.js';

let srv: ServerHandle;
let r: Redis;

function raw(port: number, payload: Buffer | string, waitMs = 150): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let out = '';
    s.on('data', (d) => { out += d.toString('latin1'); });
    s.on('error', () => {});
    s.on('close', () => resolve(out));
    s.write(payload);
    setTimeout(() => { s.destroy(); resolve(out); }, waitMs);
  });
}

beforeAll(async () => {
  const t0 = performance.now();
  srv = await startServer();
  expect(performance.now() - t0).toBeLessThan(1000);
  r = new Redis({ port: srv.port, lazyConnect: false, maxRetriesPerRequest: 0 });
});

afterAll(async () => {
  r.disconnect();
  await srv.close();
});

describe('strings', () => {
  it('SET/GET with options and encodings', async () => {
    expect(await r.set('k', 'v')).toBe('OK');
    expect(await r.get('k')).toBe('v');
    expect(await r.set('k', 'w', 'NX')).toBeNull();
    expect(await r.set('k', 'w', 'XX', 'GET')).toBe('v');
    expect(await r.set('n', '12345')).toBe('OK');
    expect(await r.object('ENCODING', 'n')).toBe('int');
    expect(await r.object('ENCODING', 'k')).toBe('embstr');
    await r.append('k', 'x');
    expect(await r.object('ENCODING', 'k')).toBe('raw');
    await expect(r.set('k', 'v', 'EX', 0)).rejects.toThrow("ERR invalid expire time in 'set' command");
  });

  it('INCR family with int64 limits and INCRBYFLOAT formatting', async () => {
    await r.set('i', '9223372036854775806');
    await r.incr('i');
    expect(await r.get('i')).toBe('9223372036854775807');
    await expect(r.incr('i')).rejects.toThrow('ERR increment or decrement would overflow');
    await r.set('f', '1');
    expect(await r.incrbyfloat('f', '-1.1')).toBe('-0.1');
    await r.set('s', 'abc');
    await expect(r.incr('s')).rejects.toThrow('ERR value is not an integer or out of range');
  });

  it('SETRANGE/GETRANGE/LCS', async () => {
    expect(await r.setrange('sr', 5, 'hi')).toBe(7);
    expect(await r.getrange('sr', -2, -1)).toBe('hi');
    await r.mset('a', 'ohmytext', 'b', 'mynewtext');
    expect(await r.call('LCS', 'a', 'b')).toBe('mytext');
    expect(await r.call('LCS', 'a', 'b', 'LEN')).toBe(6);
  });
});

describe('keyspace and expiry', () => {
  it('EXPIRE options, TTL, PERSIST and lazy expiry', async () => {
    await r.set('e', '1');
    expect(await r.call('EXPIRE', 'e', '100', 'NX')).toBe(1);
    expect(await r.call('EXPIRE', 'e', '50', 'GT')).toBe(0);
    expect(await r.ttl('e')).toBe(100);
    expect(await r.persist('e')).toBe(1);
    expect(await r.ttl('e')).toBe(-1);
    await r.set('p', '1', 'PX', 5);
    await new Promise((res) => setTimeout(res, 20));
    expect(await r.exists('p')).toBe(0);
    expect(await r.ttl('nokey')).toBe(-2);
  });

  it('SCAN returns every key once the cursor ends', async () => {
    await r.select(2);
    for (let i = 0; i < 300; i++) await r.set(`s:${i}`, 'x');
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', 's:*', 'COUNT', 50);
      keys.forEach((k) => seen.add(k));
      cursor = next;
    } while (cursor !== '0');
    expect(seen.size).toBe(300);
    await r.flushdb();
    await r.select(0);
  });

  it('RENAME, COPY, MOVE, TYPE, DBSIZE, errors', async () => {
    await r.set('src', 'v');
    expect(await r.rename('src', 'dst')).toBe('OK');
    await expect(r.rename('src', 'x')).rejects.toThrow('ERR no such key');
    expect(await r.copy('dst', 'dst2')).toBe(1);
    expect(await r.move('dst2', 1)).toBe(1);
    expect(await r.type('dst')).toBe('string');
    await expect(r.call('GET', 'a', 'b')).rejects.toThrow("ERR wrong number of arguments for 'get' command");
    await expect(r.call('NOPE', 'x')).rejects.toThrow("ERR unknown command 'NOPE', with args beginning with: 'x' ");
  });
});

describe('transactions and pub/sub', () => {
  it('MULTI/EXEC, WATCH aborts on change', async () => {
    const res = await r.multi().set('m', '1').incr('m').exec();
    expect(res).toEqual([[null, 'OK'], [null, 2]]);
    const other = new Redis({ port: srv.port });
    await r.watch('m');
    await other.set('m', '5');
    expect(await r.multi().get('m').exec()).toBeNull();
    other.disconnect();
  });

  it('PUBLISH reaches channel and pattern subscribers', async () => {
    const sub = new Redis({ port: srv.port });
    const got: string[] = [];
    sub.on('message', (ch, msg) => got.push(`${ch}:${msg}`));
    sub.on('pmessage', (p, ch, msg) => got.push(`${p}|${ch}:${msg}`));
    await sub.subscribe('news');
    await sub.psubscribe('n*');
    expect(await r.publish('news', 'hi')).toBe(2);
    await new Promise((res) => setTimeout(res, 30));
    expect(got.sort()).toEqual(['n*|news:hi', 'news:hi']);
    sub.disconnect();
  });
});

describe('admin and observability', () => {
  it('INFO has Redis 7.0 sections and fields', async () => {
    const info = await r.info('everything');
    for (const f of ['redis_version:7.0.15', 'role:master', 'connected_slaves:0', 'master_repl_offset:', 'used_memory:', 'keyspace_hits:', '# Keyspace', '# Commandstats', 'cmdstat_set:calls=']) {
      expect(info).toContain(f);
    }
  });

  it('CONFIG GET/SET validation, SLOWLOG, CLIENT', async () => {
    expect(await r.config('SET', 'slowlog-log-slower-than', '0')).toBe('OK');
    await r.ping();
    expect(Number(await r.call('SLOWLOG', 'LEN'))).toBeGreaterThan(0);
    await r.config('SET', 'slowlog-log-slower-than', '10000');
    await expect(r.config('SET', 'maxmemory-policy', 'bogus')).rejects.toThrow("CONFIG SET failed (possibly related to argument 'maxmemory-policy')");
    expect(await r.config('GET', 'hash-max-ziplist-entries')).toEqual(['hash-max-ziplist-entries', '512']);
    await r.client('SETNAME', 'tester');
    expect(String(await r.client('LIST'))).toMatch(/name=tester .* cmd=client\|list user=default redir=-1 resp=2/);
  });

  it('HELLO 3 switches to RESP3', async () => {
    const out = await raw(srv.port, '*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n');
    expect(out.startsWith('%7\r\n')).toBe(true);
    expect(out).toContain('$5\r\nproto\r\n:3\r\n');
  });

  it('maxmemory noeviction answers OOM', async () => {
    await r.config('SET', 'maxmemory', '1');
    await expect(r.set('big', 'x')).rejects.toThrow("OOM command not allowed when used memory > 'maxmemory'.");
    await r.config('SET', 'maxmemory', '0');
  });
});

describe('protocol robustness', () => {
  it('pipelines replies in order with inline commands', async () => {
    const out = await raw(srv.port, 'PING\r\nSET pk 1\r\nINCR pk\r\nGET pk\r\n');
    expect(out).toBe('+PONG\r\n+OK\r\n:2\r\n$1\r\n2\r\n');
  });

  it('bad input gets Redis error texts and a disconnect; the server keeps serving', async () => {
    expect(await raw(srv.port, '*3000000000\r\n')).toBe('-ERR Protocol error: invalid multibulk length\r\n');
    expect(await raw(srv.port, '*1\r\n$999999999999\r\n')).toBe('-ERR Protocol error: invalid bulk length\r\n');
    expect(await raw(srv.port, '*1\r\nfoo\r\n')).toBe("-ERR Protocol error: expected '$', got 'f'\r\n");
    expect(await raw(srv.port, Buffer.alloc(70 * 1024, 0x61), 300)).toBe('-ERR Protocol error: too big inline request\r\n');
    expect(await raw(srv.port, 'set "a b\r\n')).toBe('-ERR Protocol error: unbalanced quotes in request\r\n');
    // a client that sends half a command and stalls does not block others
    const staller = net.connect(srv.port, '127.0.0.1');
    staller.write('*2\r\n$3\r\nGET\r\n$10\r\nabc');
    expect(await r.ping()).toBe('PONG');
    staller.destroy();
  });
});
