/**
 * Shared pieces of the server's differential tests: a seeded PRNG (mulberry32) for command
 * sequences, and `run`, which sends one command through ioredis and turns an error reply into a
 * comparable `ERR:<message>` string, so replies of the built-in server and real redis-server
 * can be compared with one toEqual.
 */
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { encodeCommand } from '../../tools/resp/index.js';
import { startServer, type ServerHandle } from '../../tools/server/server.js';
import { startRealRedis, type RealRedis } from './real-redis.js';

export async function run(r: Redis, args: (string | number)[]): Promise<unknown> {
  try {
    return await r.call(String(args[0]), ...args.slice(1).map(String));
  } catch (e) {
    return `ERR:${(e as Error).message}`;
  }
}

export { rng } from './rng.js';

/** The built-in server and a real redis-server for one describe block, with an ioredis client to each. */
export interface ServerPair {
  readonly ours: Redis;
  readonly theirs: Redis;
  /** The built-in server's handle and the real server (ports, stop). */
  readonly srv: ServerHandle;
  readonly real: RealRedis;
}

/**
 * Registers beforeAll/afterAll hooks that start both servers and stop them afterwards; `config`
 * (redis.conf directives) is given to both, e.g. { 'enable-debug-command': 'yes' }.
 */
export function useServerPair(config: Record<string, string> = {}): ServerPair {
  let srv: ServerHandle | undefined;
  let real: RealRedis | undefined;
  let ours: Redis | undefined;
  let theirs: Redis | undefined;
  beforeAll(async () => {
    srv = await startServer({ port: 0, config });
    real = await startRealRedis(Object.entries(config).flatMap(([k, v]) => [`--${k}`, v]));
    ours = new Redis({ port: srv.port, host: '127.0.0.1' });
    theirs = new Redis({ port: real.port, host: '127.0.0.1' });
  });
  afterAll(async () => {
    ours?.disconnect();
    theirs?.disconnect();
    await srv?.close();
    await real?.stop();
  });
  return {
    get ours() { return ours!; },
    get theirs() { return theirs!; },
    get srv() { return srv!; },
    get real() { return real!; },
  };
}

/** Sends HELLO 3 then `cmds` on a raw socket; returns the reply lines after HELLO's. */
export async function resp3Lines(port: number, cmds: string[][]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let stage = 0;
    sock.on('error', reject);
    sock.on('data', (d: Buffer) => {
      if (stage === 0) {
        stage = 1;
        for (const c of cmds) sock.write(encodeCommand(c));
        sock.write(encodeCommand(['ECHO', 'END-OF-TEST']));
        return;
      }
      chunks.push(d);
      if (Buffer.concat(chunks).includes('END-OF-TEST')) {
        sock.end();
        resolve(Buffer.concat(chunks).toString('latin1').split('\r\n'));
      }
    });
    sock.write(encodeCommand(['HELLO', '3']));
  });
}
