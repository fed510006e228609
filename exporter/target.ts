/**
 * One scraped Redis: its persistent connection, the commands one scrape sends, and the
 * exporter's own per-target metrics (redis_up, scrape durations, last error).
 *
 * A default scrape is ONE pipelined round trip:
 *   CONFIG GET databases io-threads maxclients maxmemory   (not CONFIG GET *)
 *   INFO ALL
 *   LATENCY LATEST
 *   SLOWLOG LEN
 *   SLOWLOG GET 1
 * Key checks add a few more round trips (TYPE, then the size command that fits the type:
 * never a probe that fails, e.g. no PFCOUNT on plain strings).
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { RespError, type RespValue } from '../tools/resp/index.js';
import { RedisConnection, TargetError } from './connection.js';
import { collectTarget, configMap, replyText, type KeyCheck, type TargetReplies } from './collect.js';
import { CONFIG_KEYS } from './metrics.js';
import { MetricSet, renderText } from './samples.js';

export interface TargetOptions {
  /** redis://[user:password@]host:port[/db], rediss://…, unix:///path, or host:port. */
  addr: string;
  user?: string;
  password?: string;
  /** `--connection-timeout`, also the bound for one scrape. */
  timeoutMs: number;
  namespace: string;
  lintCleanNames?: boolean;
  includeSystemMetrics?: boolean;
  includeConfigMetrics?: boolean;
  exportClientList?: boolean;
  exportClientPort?: boolean;
  checkKeys?: string;
  checkSingleKeys?: string;
  countKeys?: string;
  checkKeysBatchSize?: number;
  configCommand?: string;
  setClientName?: boolean;
  tls?: TlsOptions;
  /** Unix-time clock in ms (tests). */
  now?: () => number;
  /** Told when the target goes down or comes back (address redacted, no secrets). */
  log?: (line: string) => void;
}

export interface ParsedAddr {
  host: string;
  port: number;
  path?: string;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
}

/** Parses the address forms redis_exporter accepts. Throws TargetError on nonsense. */
export function parseAddr(addr: string): ParsedAddr {
  let a = addr.trim();
  if (a.startsWith('unix://')) return { host: '', port: 0, path: a.slice('unix://'.length), db: 0, tls: false };
  if (!a.includes('://')) a = `redis://${a}`;
  let u: URL;
  try {
    u = new URL(a);
  } catch {
    throw new TargetError('connection error', 'invalid address');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new TargetError('connection error', 'invalid address scheme');
  const dbPart = u.pathname.replace(/^\//, '');
  const db = dbPart === '' ? 0 : Number(dbPart);
  const out: ParsedAddr = {
    host: u.hostname.replace(/^\[|\]$/g, '') || 'localhost',
    port: u.port ? Number(u.port) : 6379,
    db: Number.isInteger(db) && db >= 0 ? db : 0,
    tls: u.protocol === 'rediss:',
  };
  if (u.username) out.username = decodeURIComponent(u.username);
  if (u.password) out.password = decodeURIComponent(u.password);
  return out;
}

/** The address with any password removed, for logs. */
export function redactAddr(addr: string): string {
  return addr.replace(/(\/\/[^:/@]*):[^@/]*@/, '$1:xxxxx@');
}

/**
 * redis_exporter's --redis.password-file: a JSON object mapping target URIs to passwords.
 * Returns the map; never logs its content.
 */
export function readPasswordFile(path: string): Map<string, string> {
  const map = new Map<string, string>();
  const data = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  if (data && typeof data === 'object') {
    for (const [k, v] of Object.entries(data as Record<string, unknown>)) if (typeof v === 'string') map.set(k, v);
  }
  return map;
}

interface DbKey {
  db: string;
  key: string;
}

/** `db0=user:*,db3=sessions:*,plainkey` (URL-escaped keys allowed), as redis_exporter parses it. */
export function parseKeyArg(arg: string | undefined): DbKey[] {
  const out: DbKey[] = [];
  if (!arg) return out;
  for (const item of arg.split(',')) {
    if (item === '') continue;
    const frags = item.split('=');
    let db: string;
    let key: string;
    if (frags.length === 1) {
      db = '0';
      key = decodeURIComponent(frags[0]!.trim().replace(/\+/g, ' '));
    } else if (frags.length === 2) {
      db = frags[0]!.trim().replace(/db/g, '');
      key = decodeURIComponent(frags[1]!.trim().replace(/\+/g, ' '));
    } else {
      throw new TargetError('connection error', `invalid key list argument`);
    }
    if (db === '' || key === '') continue;
    if (!/^\d+$/.test(db)) throw new TargetError('connection error', `invalid database index`);
    out.push({ db, key });
  }
  return out;
}

const GLOB = /[?*[\]^]/;

export class Target {
  readonly opts: TargetOptions;
  readonly #conn: RedisConnection;
  readonly #db: number;
  #configMulti: boolean | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #lastError: string | undefined = '';
  // exporter's own counters for this target
  scrapes = 0;
  durationSum = 0;
  lastUsed = 0;

  constructor(opts: TargetOptions) {
    this.opts = opts;
    const a = parseAddr(opts.addr);
    this.#db = a.db;
    // SNI only for names: Node refuses an IP address as servername (the certificate's IP SAN is still checked).
    const tls = a.tls || opts.tls !== undefined ? { ...(opts.tls ?? {}), ...(a.path || isIP(a.host) ? {} : { servername: a.host }) } : undefined;
    this.#conn = new RedisConnection({
      host: a.host,
      port: a.port,
      ...(a.path ? { path: a.path } : {}),
      ...(opts.user || a.username ? { username: opts.user || a.username } : {}),
      ...(opts.password || a.password ? { password: opts.password || a.password } : {}),
      db: a.db,
      timeoutMs: opts.timeoutMs,
      ...(opts.setClientName === false ? {} : { clientName: 'redis_exporter' }),
      ...(tls ? { tls } : {}),
      ...(opts.now ? { now: opts.now } : {}),
    });
  }

  get connects(): number {
    return this.#conn.connects;
  }

  close(): void {
    this.#conn.close();
  }

  /** One scrape, serialised per target. Returns the exposition text for this target. */
  scrape(deadlineMs?: number): Promise<string> {
    const run = this.#queue.then(() => this.#scrape(deadlineMs));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #scrape(deadlineMs?: number): Promise<string> {
    const now = this.opts.now ?? Date.now;
    const t0 = performance.now();
    this.lastUsed = now();
    const timeout = Math.max(50, Math.min(this.opts.timeoutMs, deadlineMs ?? Infinity));
    const m = new MetricSet({ lintCleanNames: this.opts.lintCleanNames === true });
    let connectSeconds = 0;
    let error: string | undefined;
    try {
      const c0 = performance.now();
      await this.#conn.connect();
      connectSeconds = (performance.now() - c0) / 1000;
      const replies = await this.#gather(t0 + timeout);
      collectTarget(m, replies, {
        nowSeconds: now() / 1000,
        lintCleanNames: this.opts.lintCleanNames === true,
        includeSystemMetrics: this.opts.includeSystemMetrics === true,
        includeConfigMetrics: this.opts.includeConfigMetrics === true,
        exportClientPort: this.opts.exportClientPort === true,
      });
      m.gauge('last_key_groups_scrape_duration_milliseconds', 0);
    } catch (err) {
      error = err instanceof TargetError ? err.message : 'internal error';
      // Nothing from a half-done scrape: start over with an empty set.
      for (const k of [...m.families.keys()]) m.families.delete(k);
      connectSeconds = (performance.now() - t0) / 1000;
    }
    if (error !== this.#lastError) {
      // Log state changes only: a dead target scraped every 15 s must not flood the log.
      this.opts.log?.(`redkit exporter: ${redactAddr(this.opts.addr)}: ${error ?? 'up'}`);
      this.#lastError = error;
    }
    const took = (performance.now() - t0) / 1000;
    this.scrapes++;
    this.durationSum += took;
    m.gauge('exporter_last_scrape_connect_time_seconds', connectSeconds);
    m.gauge('exporter_last_scrape_duration_seconds', took);
    m.gauge('exporter_last_scrape_error', error ? 1 : 0, error ?? '');
    m.gauge('up', error ? 0 : 1);
    m.counter('exporter_scrapes_total', this.scrapes);
    m.summary('exporter_scrape_duration_seconds', [], this.scrapes, this.durationSum, []);
    return renderText(m.families.values(), this.opts.namespace);
  }

  #configCommands(): (string | number)[][] {
    const cmd = this.opts.configCommand || 'CONFIG';
    if (this.opts.includeConfigMetrics) return [[cmd, 'GET', '*']];
    // Redis 7 accepts several names in one CONFIG GET; older servers get one command each.
    if (this.#configMulti === false) return CONFIG_KEYS.map((k) => [cmd, 'GET', k]);
    return [[cmd, 'GET', ...CONFIG_KEYS]];
  }

  async #gather(deadline: number): Promise<TargetReplies> {
    const config = this.#configCommands();
    const cmds: (string | number)[][] = [...config, ['INFO', 'ALL'], ['LATENCY', 'LATEST'], ['SLOWLOG', 'LEN'], ['SLOWLOG', 'GET', 1]];
    if (this.opts.exportClientList) cmds.push(['CLIENT', 'LIST']);
    const replies = await this.#conn.pipeline(cmds, left(deadline));
    const configReplies = replies.slice(0, config.length);
    const [infoReply, latency, slowLen, slowGet, clientListReply] = replies.slice(config.length);
    if (infoReply instanceof RespError) throw replyToError(infoReply);
    const info = replyText(infoReply);
    if (info === undefined) throw new TargetError('protocol error', 'INFO reply is not a string');
    const cfg = new Map<string, string>();
    for (const r of configReplies) {
      if (r instanceof RespError) {
        if (r.code === 'NOAUTH' || r.code === 'NOPERM') continue;
        if (config.length === 1 && !this.opts.includeConfigMetrics && this.#configMulti === undefined) this.#configMulti = false;
        continue;
      }
      if (config.length === 1 && !this.opts.includeConfigMetrics) this.#configMulti = true;
      for (const [k, v] of configMap(r) ?? []) cfg.set(k, v);
    }
    const out: TargetReplies = { info, slowlogLen: slowLen, slowlogGet1: slowGet, latencyLatest: latency };
    if (cfg.size > 0) out.config = cfg;
    const clientList = replyText(clientListReply);
    if (clientList !== undefined) out.clientList = clientList;
    if (this.opts.checkKeys || this.opts.checkSingleKeys) out.keys = await this.#checkKeys(deadline);
    if (this.opts.countKeys) out.keyCounts = await this.#countKeys(deadline);
    return out;
  }

  async #scan(db: string, pattern: string, deadline: number): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    const count = this.opts.checkKeysBatchSize ?? 1000;
    for (let i = 0; i < 100_000; i++) {
      const r = await this.#conn.pipeline([['SELECT', db], ['SCAN', cursor, 'MATCH', pattern, 'COUNT', count], ['SELECT', this.#db]], left(deadline));
      const scan = r[1];
      if (!Array.isArray(scan) || scan.length !== 2) break;
      const [next, batch] = scan;
      const nextCursor = replyText(next);
      if (nextCursor === undefined || !Array.isArray(batch)) break;
      for (const k of batch) {
        const key = replyText(k);
        if (key !== undefined) keys.push(key);
      }
      cursor = nextCursor;
      if (cursor === '0') break;
    }
    return keys;
  }

  async #countKeys(deadline: number): Promise<{ db: string; pattern: string; count: number }[]> {
    const out = [];
    for (const k of parseKeyArg(this.opts.countKeys)) {
      out.push({ db: k.db, pattern: k.key, count: (await this.#scan(k.db, k.key, deadline)).length });
    }
    return out;
  }

  async #checkKeys(deadline: number): Promise<KeyCheck[]> {
    const all: DbKey[] = [...parseKeyArg(this.opts.checkSingleKeys)];
    for (const k of parseKeyArg(this.opts.checkKeys)) {
      if (GLOB.test(k.key)) for (const key of await this.#scan(k.db, k.key, deadline)) all.push({ db: k.db, key });
      else all.push(k);
    }
    if (all.length === 0) return [];
    // Round 1: TYPE of every key (SELECT before each db change, back to our db at the end).
    const withDb = (f: (k: DbKey) => (string | number)[][]): (string | number)[][] => {
      const cmds: (string | number)[][] = [];
      let cur = '';
      for (const k of all) {
        if (k.db !== cur) { cmds.push(['SELECT', k.db]); cur = k.db; }
        cmds.push(...f(k));
      }
      cmds.push(['SELECT', this.#db]);
      return cmds;
    };
    const pick = (replies: RespValue[], cmds: (string | number)[][], per: number): RespValue[][] => {
      const out: RespValue[][] = [];
      for (let i = 0; i < cmds.length; i++) {
        if (cmds[i]![0] === 'SELECT') continue;
        out.push(replies.slice(i, i + per));
        i += per - 1;
      }
      return out;
    };
    const typeCmds = withDb((k) => [['TYPE', k.key]]);
    const types = pick(await this.#conn.pipeline(typeCmds, left(deadline)), typeCmds, 1).map((r) => replyText(r[0]) ?? 'none');
    // Round 2: the size command that fits the type; strings also get their first 4 bytes so
    // HyperLogLogs (magic "HYLL") are recognised without a failing PFCOUNT probe.
    const SIZE: Record<string, string> = { list: 'LLEN', set: 'SCARD', zset: 'ZCARD', hash: 'HLEN', stream: 'XLEN', string: 'STRLEN' };
    let idx = 0;
    const sizeCmds = withDb((k) => {
      const t = types[idx++]!;
      const c = SIZE[t];
      if (t === 'string') return [['STRLEN', k.key], ['GETRANGE', k.key, 0, 3]];
      return c ? [[c, k.key], ['PING']] : [['PING'], ['PING']];
    });
    const sizes = pick(await this.#conn.pipeline(sizeCmds, left(deadline)), sizeCmds, 2);
    // Round 3: PFCOUNT for HLLs, GET for plain strings (their value is exported).
    idx = 0;
    const isHll = sizes.map((r, i) => types[i] === 'string' && replyText(r[1]) === 'HYLL');
    const valueCmds = withDb((k) => {
      const i = idx++;
      if (types[i] !== 'string') return [['PING']];
      return isHll[i] ? [['PFCOUNT', k.key]] : [['GET', k.key]];
    });
    const values = pick(await this.#conn.pipeline(valueCmds, left(deadline)), valueCmds, 1);
    return all.map((k, i) => {
      const t = types[i]!;
      if (t === 'none' || !(t in SIZE)) return { db: k.db, key: k.key, type: 'none', size: 0 };
      if (isHll[i]) {
        const n = values[i]![0];
        return { db: k.db, key: k.key, type: 'hll', size: typeof n === 'number' ? n : 0 };
      }
      const size = sizes[i]![0];
      const check: KeyCheck = { db: k.db, key: k.key, type: t, size: typeof size === 'number' ? size : 0 };
      const v = replyText(values[i]![0]);
      if (t === 'string' && v !== undefined) check.value = v;
      return check;
    });
  }
}

/** Time left until the scrape's deadline (performance.now() ms); a spent budget is a reply timeout. */
function left(deadline: number): number {
  const ms = deadline - performance.now();
  if (ms <= 0) throw new TargetError('reply timeout');
  return ms;
}

function replyToError(r: RespError): TargetError {
  switch (r.code) {
    case 'NOAUTH':
    case 'WRONGPASS':
    case 'NOPERM':
      return new TargetError('authentication failed', r.code);
    case 'LOADING':
      return new TargetError('loading dataset');
    default:
      return new TargetError('connection error', `INFO failed: ${r.code}`);
  }
}
