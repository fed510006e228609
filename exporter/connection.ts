/**
 * One persistent connection per scraped target, with pipelining, a per-batch deadline and
 * reconnect with exponential backoff.
 *
 * Why not a new connection per scrape (what redis_exporter 1.45 does): every connect costs the
 * target an accept, a client object, AUTH and CLIENT SETNAME, and shows up as churn in
 * `total_connections_received`. Here a scrape is one pipelined round trip on a connection
 * that stays open; when it breaks (timeout, reset, target restart) it is dropped and the next
 * scrape reconnects, no sooner than the backoff allows, so a dead target is not hammered.
 *
 * Errors are turned into a small fixed vocabulary (`TargetError.kind`) so they can be used as
 * the `err` label of `redis_exporter_last_scrape_error` without cardinality blow-up, and they
 * never contain the password (they do not contain the address either; the target is already
 * known from the scrape's `instance` label).
 *
 * Bytes on the wire go through the shared RESP codec (tools/resp): `encodeCommand` for the
 * pipelined requests, `ReplyParser` for the replies (values as in tools/resp/types.ts: bulk
 * strings are Buffers, error replies are `RespError` values, not thrown errors).
 *
 * Why not tools/client's RedisClient: it writes each call separately (a scrape is one write
 * here), makes a failed CLIENT SETNAME fatal (here it is not: ACLs may deny it), sends AUTH,
 * SELECT and SETNAME as three round trips, reports failures as REDKIT_E_* errors whose
 * messages carry the address (here: the fixed kinds below), and sets an IP address as TLS
 * servername (Node warns). This class keeps those behaviours on the same codec.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions as TlsOptions } from 'node:tls';
import { NEED_MORE, ReplyParser, RespError, RespProtocolError, encodeCommand, type RespValue } from '../tools/resp/index.js';

export type TargetErrorKind =
  | 'connection refused'
  | 'connection timeout'
  | 'connection reset'
  | 'host not found'
  | 'authentication failed'
  | 'reply timeout'
  | 'protocol error'
  | 'tls error'
  | 'loading dataset'
  | 'connection error';

/** A failure talking to a target. `message` is safe for labels and logs: no address, no secret. */
export class TargetError extends Error {
  constructor(readonly kind: TargetErrorKind, detail?: string) {
    super(detail ? `${kind}: ${detail}` : kind);
    this.name = 'TargetError';
  }
}

/** A reply the codec cannot parse: the link is dropped (request/reply matching is lost). */
function protocolError(err: unknown): TargetError {
  if (err instanceof TargetError) return err;
  // The codec's texts are Redis's ("Protocol error: unexpected type byte 0x41"); keep the detail.
  const detail = err instanceof RespProtocolError ? err.message.replace(/^Protocol error: /, '') : undefined;
  return new TargetError('protocol error', detail);
}

export interface ConnectionOptions {
  host: string;
  port: number;
  /** Unix socket path; when set, host/port are ignored. */
  path?: string;
  username?: string;
  password?: string;
  db?: number;
  /** Applies to connect and to each pipelined batch. */
  timeoutMs: number;
  /** `CLIENT SETNAME` after connecting (redis_exporter's --set-client-name, default on). */
  clientName?: string;
  tls?: TlsOptions;
  /** First reconnect delay; doubles per consecutive failure up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Injectable clock (ms) so tests control backoff. */
  now?: () => number;
}

interface Pending {
  resolve: (v: RespValue) => void;
  reject: (e: Error) => void;
}

/** One live socket; replies are matched to requests in order. */
class Link {
  readonly #socket: Socket;
  readonly #parser = new ReplyParser();
  readonly #pending: Pending[] = [];
  #dead: Error | undefined;

  constructor(socket: Socket, onClose: () => void) {
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (err) => this.#fail(classifySocketError(err)));
    socket.on('close', () => {
      this.#fail(new TargetError('connection reset', 'connection closed'));
      onClose();
    });
  }

  get alive(): boolean {
    return this.#dead === undefined;
  }

  #onData(chunk: Buffer): void {
    this.#parser.feed(chunk);
    try {
      while (this.#pending.length > 0) {
        const v = this.#parser.next();
        if (v === NEED_MORE) break;
        this.#pending.shift()!.resolve(v);
      }
    } catch (err) {
      this.#fail(protocolError(err));
    }
  }

  #fail(err: Error): void {
    if (this.#dead) return;
    this.#dead = err;
    for (const p of this.#pending.splice(0)) p.reject(err);
    this.#socket.destroy();
  }

  /** Sends all commands in one write; resolves with one reply per command, in order. */
  pipeline(commands: readonly (readonly (string | number)[])[], timeoutMs: number): Promise<RespValue[]> {
    if (this.#dead) return Promise.reject(this.#dead);
    const replies = commands.map(
      () => new Promise<RespValue>((resolve, reject) => this.#pending.push({ resolve, reject })),
    );
    this.#socket.write(Buffer.concat(commands.map((c) => encodeCommand(c))));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // A late reply would desynchronise request/reply matching: drop the link.
        const err = new TargetError('reply timeout');
        this.#fail(err);
        reject(err);
      }, timeoutMs);
    });
    return Promise.race([Promise.all(replies), deadline]).finally(() => clearTimeout(timer));
  }

  close(): void {
    this.#fail(new TargetError('connection reset', 'closed by exporter'));
  }
}

function classifySocketError(err: unknown): TargetError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  switch (code) {
    case 'ECONNREFUSED':
    case 'ENOENT': // unix socket path missing
      return new TargetError('connection refused');
    case 'ECONNRESET':
    case 'EPIPE':
      return new TargetError('connection reset');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new TargetError('host not found');
    case 'ETIMEDOUT':
      return new TargetError('connection timeout');
    default:
      if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || /certificate|SSL/i.test(String((err as Error)?.message))) {
        return new TargetError('tls error', code || undefined);
      }
      return new TargetError('connection error', code || undefined);
  }
}

/**
 * A target connection that (re)connects lazily on use. `pipeline()` either returns the replies
 * or throws a TargetError; it never throws anything carrying the password.
 */
export class RedisConnection {
  readonly #opts: ConnectionOptions;
  #link: Link | undefined;
  #connecting: Promise<Link> | undefined;
  #failures = 0;
  #retryAt = 0;
  #lastError: TargetError | undefined;
  #closed = false;
  /** Number of TCP connections opened so far (visible to tests and the bench). */
  connects = 0;

  constructor(opts: ConnectionOptions) {
    this.#opts = opts;
  }

  #now(): number {
    return (this.#opts.now ?? Date.now)();
  }

  get connected(): boolean {
    return this.#link?.alive === true;
  }

  /** Runs the commands as one pipelined batch. Connects first if needed. */
  async pipeline(commands: readonly (readonly (string | number)[])[], timeoutMs = this.#opts.timeoutMs): Promise<RespValue[]> {
    const link = await this.#ensure();
    return link.pipeline(commands, timeoutMs);
  }

  /** Makes sure a connection is up; resolves true when a new one had to be opened. */
  async connect(): Promise<boolean> {
    if (this.#link?.alive) return false;
    await this.#ensure();
    return true;
  }

  async #ensure(): Promise<Link> {
    if (this.#closed) throw new TargetError('connection reset', 'closed by exporter');
    if (this.#link?.alive) return this.#link;
    if (this.#connecting) return this.#connecting;
    if (this.#lastError && this.#now() < this.#retryAt) throw this.#lastError;
    this.#connecting = this.#open().then(
      (link) => {
        this.#failures = 0;
        this.#lastError = undefined;
        this.#link = link;
        return link;
      },
      (err: unknown) => {
        const te = err instanceof TargetError ? err : classifySocketError(err);
        this.#failures++;
        const min = this.#opts.minBackoffMs ?? 250;
        const max = this.#opts.maxBackoffMs ?? 5_000;
        this.#retryAt = this.#now() + Math.min(max, min * 2 ** (this.#failures - 1));
        this.#lastError = te;
        throw te;
      },
    ).finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #open(): Promise<Link> {
    const o = this.#opts;
    this.connects++;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const onError = (err: Error) => {
        clearTimeout(timer);
        s.destroy();
        reject(classifySocketError(err));
      };
      const readyEvent = o.tls ? 'secureConnect' : 'connect';
      const s: Socket = o.tls
        ? tlsConnect({ ...o.tls, ...(o.path ? { path: o.path } : { host: o.host, port: o.port }) })
        : o.path ? netConnect(o.path) : netConnect(o.port, o.host);
      const timer = setTimeout(() => {
        s.destroy();
        reject(new TargetError('connection timeout'));
      }, o.timeoutMs);
      s.once('error', onError);
      s.once(readyEvent, () => {
        clearTimeout(timer);
        s.off('error', onError);
        resolve(s);
      });
    });
    const link = new Link(socket, () => {
      if (this.#link === link) this.#link = undefined;
    });
    const hello: (string | number)[][] = [];
    if (o.password !== undefined && o.password !== '') {
      hello.push(o.username ? ['AUTH', o.username, o.password] : ['AUTH', o.password]);
    }
    if (o.clientName) hello.push(['CLIENT', 'SETNAME', o.clientName]);
    if (o.db) hello.push(['SELECT', o.db]);
    if (hello.length > 0) {
      const replies = await link.pipeline(hello, o.timeoutMs).catch((err: unknown) => {
        link.close();
        throw err;
      });
      for (let i = 0; i < replies.length; i++) {
        const r = replies[i];
        if (!(r instanceof RespError)) continue;
        const isAuth = hello[i]![0] === 'AUTH';
        // CLIENT SETNAME may be renamed/denied by ACL: not fatal.
        if (hello[i]![0] === 'CLIENT') continue;
        link.close();
        if (isAuth) throw new TargetError('authentication failed', r.code);
        throw new TargetError('connection error', `${String(hello[i]![0])} failed: ${r.code}`);
      }
    }
    return link;
  }

  close(): void {
    this.#closed = true;
    this.#link?.close();
    this.#link = undefined;
  }
}

/** Parses exactly one complete reply (e.g. a captured reply file); throws if incomplete. */
export function parseReply(buf: Buffer): RespValue {
  const p = new ReplyParser();
  p.feed(buf);
  let v: RespValue | typeof NEED_MORE;
  try {
    v = p.next();
  } catch (err) {
    throw protocolError(err);
  }
  if (v === NEED_MORE) throw new TargetError('protocol error', 'incomplete reply');
  return v;
}
