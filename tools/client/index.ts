/**
 * A small Redis client on the RESP codec: one connection, pipelined calls (replies are matched
 * to calls in order), AUTH/SELECT on connect, timeouts, and a MONITOR mode. It is what the
 * exporter, live MONITOR analysis, `slot --cluster` and the tests use to talk to servers; it is
 * deliberately small (no cluster routing, no auto-reconnect: callers that need reconnection,
 * like the exporter, reconnect with their own backoff).
 *
 *   const c = await RedisClient.connect(parseRedisUrl('redis://:secret@127.0.0.1:6379/0'));
 *   const info = await c.call('INFO', 'all');     // Buffer
 *   await c.close();
 *
 * Errors are RedkitErrors: REDKIT_E_CONNECT (refused, unreachable, closed), REDKIT_E_AUTH,
 * REDKIT_E_TIMEOUT, REDKIT_E_REPLY (an error reply; `.reply` holds it). Passwords never appear
 * in messages.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { RedkitError } from '../errors.js';
import { NEED_MORE, ReplyParser, RespError, encodeCommand, type RespValue } from '../resp/index.js';

export interface RedisClientOptions {
  host?: string;
  port?: number;
  /** Unix socket path (instead of host/port). */
  path?: string;
  username?: string;
  password?: string;
  db?: number;
  /** Connect (and AUTH/SELECT) timeout. Default 5000 ms. */
  timeoutMs?: number;
  /** Per-call timeout; on expiry the connection is closed (replies would be out of order). 0 = none. */
  commandTimeoutMs?: number;
  /** TLS options; set (even to {}) to use TLS. */
  tls?: ConnectionOptions;
  /** Client name sent with CLIENT SETNAME after connecting. */
  name?: string;
}

export class ReplyError extends RedkitError {
  readonly reply: RespError;
  constructor(reply: RespError, command: string) {
    super('REDKIT_E_REPLY', `${command}: ${reply.message}`);
    this.reply = reply;
  }
}

interface Pending {
  resolve: (v: RespValue) => void;
  reject: (e: Error) => void;
  command: string;
  timer: NodeJS.Timeout | undefined;
}

export class RedisClient {
  readonly #socket: Socket;
  readonly #parser = new ReplyParser();
  readonly #pending: Pending[] = [];
  readonly #opts: RedisClientOptions;
  readonly #address: string;
  #closed = false;
  #closeError: Error | undefined;
  #monitor: ((line: string) => void) | undefined;
  #onClose: Array<(err?: Error) => void> = [];

  private constructor(socket: Socket, opts: RedisClientOptions, address: string) {
    this.#socket = socket;
    this.#opts = opts;
    this.#address = address;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (err) => this.#fail(connectError(err, address)));
    socket.on('close', () => this.#fail(new RedkitError('REDKIT_E_CONNECT', `connection to ${address} closed`)));
  }

  /** host:port (or the socket path) this client talks to. */
  get address(): string {
    return this.#address;
  }

  get closed(): boolean {
    return this.#closed;
  }

  static async connect(opts: RedisClientOptions = {}): Promise<RedisClient> {
    const host = opts.host ?? '127.0.0.1';
    const port = opts.port ?? 6379;
    const address = opts.path ?? `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const timeoutMs = opts.timeoutMs ?? 5000;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s: Socket = opts.tls
        ? tlsConnect({ ...opts.tls, host, port, servername: opts.tls.servername ?? host })
        : opts.path ? netConnect(opts.path) : netConnect(port, host);
      const timer = setTimeout(() => {
        s.destroy();
        reject(new RedkitError('REDKIT_E_TIMEOUT', `connecting to ${address} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      s.once(opts.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        resolve(s);
      });
      s.once('error', (err) => {
        clearTimeout(timer);
        reject(connectError(err, address));
      });
    });
    const client = new RedisClient(socket, opts, address);
    try {
      if (opts.password !== undefined && opts.password !== '') {
        const args = opts.username ? ['AUTH', opts.username, opts.password] : ['AUTH', opts.password];
        await client.#callWithin(timeoutMs, args, 'AUTH').catch((err: unknown) => {
          if (err instanceof ReplyError) throw new RedkitError('REDKIT_E_AUTH', `authentication failed: ${err.reply.message}`);
          throw err;
        });
      }
      if (opts.db) await client.#callWithin(timeoutMs, ['SELECT', opts.db], 'SELECT');
      if (opts.name) await client.#callWithin(timeoutMs, ['CLIENT', 'SETNAME', opts.name], 'CLIENT SETNAME');
    } catch (err) {
      client.destroy();
      throw err;
    }
    return client;
  }

  #callWithin(ms: number, args: Array<string | number | Buffer>, label: string): Promise<RespValue> {
    return this.#send(args, label, ms);
  }

  /** Sends a command; resolves with the reply, rejects with ReplyError on an error reply. */
  call(...args: Array<string | number | Buffer>): Promise<RespValue> {
    return this.#send(args, String(args[0] ?? '').toUpperCase(), this.#opts.commandTimeoutMs ?? 0);
  }

  /** Like call, but an error reply resolves as a RespError value instead of rejecting. */
  async callRaw(...args: Array<string | number | Buffer>): Promise<RespValue> {
    try {
      return await this.call(...args);
    } catch (err) {
      if (err instanceof ReplyError) return err.reply;
      throw err;
    }
  }

  #send(args: Array<string | number | Buffer>, label: string, timeoutMs: number): Promise<RespValue> {
    if (this.#closed) return Promise.reject(this.#closeError ?? new RedkitError('REDKIT_E_CONNECT', `connection to ${this.#address} is closed`));
    return new Promise<RespValue>((resolve, reject) => {
      const p: Pending = { resolve, reject, command: label, timer: undefined };
      if (timeoutMs > 0) {
        p.timer = setTimeout(() => {
          this.#fail(new RedkitError('REDKIT_E_TIMEOUT', `${label} to ${this.#address} timed out after ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.#pending.push(p);
      this.#socket.write(encodeCommand(args));
    });
  }

  /**
   * Sends MONITOR; every line the server streams afterwards goes to `onLine` (without the
   * leading '+'). Resolves once the server has accepted MONITOR.
   */
  async monitor(onLine: (line: string) => void): Promise<void> {
    await this.call('MONITOR');
    this.#monitor = onLine;
  }

  /** Called once when the connection ends (with the error, if it failed). */
  onClose(cb: (err?: Error) => void): void {
    if (this.#closed) cb(this.#closeError);
    else this.#onClose.push(cb);
  }

  #onData(chunk: Buffer): void {
    this.#parser.feed(chunk);
    for (;;) {
      let v: RespValue | typeof NEED_MORE;
      try {
        v = this.#parser.next();
      } catch (err) {
        this.#fail(new RedkitError('REDKIT_E_REPLY', `bad reply from ${this.#address}: ${(err as Error).message}`));
        return;
      }
      if (v === NEED_MORE) return;
      const p = this.#pending.shift();
      if (!p) {
        if (this.#monitor && typeof v === 'string') this.#monitor(v);
        continue;
      }
      if (p.timer) clearTimeout(p.timer);
      if (v instanceof RespError) p.reject(new ReplyError(v, p.command));
      else p.resolve(v);
    }
  }

  #fail(err: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeError = err;
    for (const p of this.#pending.splice(0)) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(err);
    }
    this.#socket.destroy();
    for (const cb of this.#onClose.splice(0)) cb(err);
  }

  /** Closes the connection after pending replies have arrived (QUIT). */
  async close(): Promise<void> {
    if (this.#closed) return;
    const quit = this.call('QUIT').catch(() => undefined);
    await Promise.race([quit, new Promise((r) => setTimeout(r, 1000))]);
    this.destroy();
  }

  /** Closes the connection now; pending calls are rejected. */
  destroy(): void {
    if (this.#closed) return;
    this.#closed = true;
    const err = new RedkitError('REDKIT_E_CONNECT', `connection to ${this.#address} closed by client`);
    this.#closeError = err;
    for (const p of this.#pending.splice(0)) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(err);
    }
    this.#socket.destroy();
    for (const cb of this.#onClose.splice(0)) cb();
  }
}

function connectError(err: unknown, address: string): RedkitError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reason =
    code === 'ECONNREFUSED' ? 'connection refused'
    : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'host not found'
    : code === 'ETIMEDOUT' ? 'timed out'
    : code === 'EHOSTUNREACH' || code === 'ENETUNREACH' ? 'host unreachable'
    : code === 'ECONNRESET' ? 'connection reset'
    : code === 'ENOENT' ? 'no such socket'
    : (err as Error | undefined)?.message ?? String(err);
  return new RedkitError('REDKIT_E_CONNECT', `could not connect to ${address}: ${reason}`, { cause: err });
}

/**
 * Parses `redis://[user[:password]@]host[:port][/db]`, `rediss://…` (TLS),
 * `unix:///path/to/socket[?db=N]`, or a bare `host:port`.
 */
export function parseRedisUrl(url: string): RedisClientOptions {
  if (!url.includes('://')) {
    const m = /^\[?([^\]]*?)\]?(?::(\d+))?$/.exec(url);
    if (!m) throw new RedkitError('REDKIT_E_USAGE', `invalid Redis address: ${url}`);
    return { host: m[1] || '127.0.0.1', port: m[2] ? Number(m[2]) : 6379 };
  }
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RedkitError('REDKIT_E_USAGE', `invalid Redis URL: ${redactUrl(url)}`);
  }
  const opts: RedisClientOptions = {};
  if (u.protocol === 'unix:') {
    opts.path = decodeURIComponent(u.pathname);
    const db = u.searchParams.get('db');
    if (db) opts.db = Number(db);
  } else if (u.protocol === 'redis:' || u.protocol === 'rediss:') {
    opts.host = u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
    opts.port = u.port ? Number(u.port) : 6379;
    const db = u.pathname.replace(/^\//, '');
    if (db) {
      if (!/^\d+$/.test(db)) throw new RedkitError('REDKIT_E_USAGE', `invalid database in Redis URL: ${redactUrl(url)}`);
      opts.db = Number(db);
    }
    if (u.protocol === 'rediss:') opts.tls = {};
  } else {
    throw new RedkitError('REDKIT_E_USAGE', `unsupported URL scheme ${u.protocol} (use redis://, rediss:// or unix://)`);
  }
  if (u.username) opts.username = decodeURIComponent(u.username);
  if (u.password) opts.password = decodeURIComponent(u.password);
  return opts;
}

/** The URL with any password replaced by `***`, for logs and errors. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@');
}
