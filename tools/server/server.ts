/**
 * The server: state shared by all clients (config, databases, stats, pub/sub, slowlog …), the
 * dispatcher (Redis's processCommand + call), blocking, client pause, WATCH, keyspace
 * notifications, expiry and eviction, and the TCP front end.
 *
 * Event loop path: one 'data' event -> the parser yields every complete command in the chunk
 * -> each is dispatched and writes its reply into the client's buffer -> one socket write at
 * the end of the chunk (pipelining without per-command flushes).
 */
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { RequestParser, RespProtocolError, RespWriter } from '../resp/index.js';
import { arityOk, commandKeys, type BlockRequest, type CommandContext, type CommandSpec, type NotifyClass } from './command.js';
import { CommandTable, F, prepareSpec } from './command.js';
import { Config } from './config.js';
import { Db, type DbHost, type RedisType, type RedisValue } from './db.js';
import { ReplyWriter } from './reply.js';
import { ClientState } from './client.js';
import { ERR_NOT_FLOAT, ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE, parseDouble, parseInteger } from './util/parse.js';
import { globMatch } from './util/glob.js';
import { Acl } from './acl.js';
import { LatencyHistogram } from './util/histogram.js';
import { ALL_COMMANDS } from './commands/index.js';
import { Tracking } from './tracking.js';
import { pubsubOutputLimit, type ObufLimit } from './util/obuf-limit.js';
import { clientInfoLine } from './commands/connection.js';

export const REDIS_VERSION = '7.0.15';

/**
 * Date.now() - performance.now() read right after the ms ticks over (spins < 1 ms, once), so
 * the derived command time never lags Date.now() by the truncated fraction.
 */
function calibratedWallBase(): number {
  const d0 = Date.now();
  let d = d0;
  let p = performance.now();
  // p is read just before the Date.now() that sees the new ms: within one iteration of the tick.
  while (d === d0) { p = performance.now(); d = Date.now(); }
  return d - p;
}

export interface ServerOptions {
  /** TCP port; 0 (default for startServer) = a random free port. */
  port?: number;
  /** Addresses to bind (default 127.0.0.1). */
  bind?: string[];
  /** redis.conf directives (name -> value), applied at startup. */
  config?: Record<string, string>;
  /** Clock (ms since epoch); tests may inject one. */
  clock?: () => number;
  /** Log line sink (redis-server format). Default: silent. */
  log?: (line: string) => void;
  /** Called when SHUTDOWN is executed (after the server stopped listening). */
  onShutdown?: () => void;
  /** Config file path to report in INFO (config_file). */
  configFile?: string;
}

export interface CommandStats {
  calls: number; usec: number; rejected: number; failed: number; hist: LatencyHistogram;
}

export interface SlowlogEntry { id: number; time: number; usec: number; argv: string[]; addr: string; name: string; }

export interface LatencySample { time: number; ms: number; }
export interface LatencyEvent { samples: LatencySample[]; max: number; }

export type PauseType = 'none' | 'write' | 'all';

const NOTIFY_BITS: Record<NotifyClass, number> = {
  generic: 1 << 2, string: 1 << 3, list: 1 << 4, set: 1 << 5, hash: 1 << 6, zset: 1 << 7,
  expired: 1 << 8, evicted: 1 << 9, stream: 1 << 10, keymiss: 1 << 11, module: 1 << 12, new: 1 << 13,
};
const NOTIFY_KEYSPACE = 1 << 0;
const NOTIFY_KEYEVENT = 1 << 1;
const NOTIFY_LETTERS: Record<string, number> = {
  g: NOTIFY_BITS.generic, $: NOTIFY_BITS.string, l: NOTIFY_BITS.list, s: NOTIFY_BITS.set, h: NOTIFY_BITS.hash,
  z: NOTIFY_BITS.zset, x: NOTIFY_BITS.expired, e: NOTIFY_BITS.evicted, t: NOTIFY_BITS.stream,
  m: NOTIFY_BITS.keymiss, d: NOTIFY_BITS.module, n: NOTIFY_BITS.new, K: NOTIFY_KEYSPACE, E: NOTIFY_KEYEVENT,
  A: NOTIFY_BITS.generic | NOTIFY_BITS.string | NOTIFY_BITS.list | NOTIFY_BITS.set | NOTIFY_BITS.hash | NOTIFY_BITS.zset | NOTIFY_BITS.expired | NOTIFY_BITS.evicted | NOTIFY_BITS.stream | NOTIFY_BITS.module,
};

const PUBSUB_ALLOWED = new Set(['ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset']);
const MULTI_NOQUEUE = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/** Redis's sdscatrepr: quoted, with C escapes (MONITOR, SLOWLOG, CLIENT LIST). */
export function reprString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 92: out += '\\\\'; break;
      case 34: out += '\\"'; break;
      case 10: out += '\\n'; break;
      case 13: out += '\\r'; break;
      case 9: out += '\\t'; break;
      case 7: out += '\\a'; break;
      case 8: out += '\\b'; break;
      default:
        if (c >= 32 && c < 127) out += s[i];
        else out += '\\x' + c.toString(16).padStart(2, '0');
    }
  }
  return out + '"';
}

/** The CommandContext given to handlers (one per client, reused). */
class Context implements CommandContext {
  db: Db;
  readonly server: ServerState;
  readonly client: ClientState;
  reply: ReplyWriter;
  cmd: CommandSpec | undefined = undefined;
  propagate: string[] | null = null;
  preventPropagation = false;

  constructor(server: ServerState, client: ClientState) {
    this.server = server;
    this.client = client;
    this.db = server.dbs[0]!;
    this.reply = client.reply;
  }

  get inMulti(): boolean { return this.client.inExec; }
  now(): number { return this.server.cmdTime; }
  signalModified(key: string, db?: Db): void { this.server.signalModified(db ?? this.db, key); }
  notify(type: NotifyClass, event: string, key: string, db?: Db): void { this.server.notify(type, event, key, (db ?? this.db).id); }
  signalKeyAsReady(key: string, db?: Db): void { this.server.signalKeyAsReady(db ?? this.db, key); }
  rewriteForPropagation(argv: string[]): void { this.propagate = argv; }
  alsoPropagate(argv: string[], db?: Db): void { this.server.alsoPropagate((db ?? this.db).id, argv); this.preventPropagation = true; }
  addDirty(n: number): void { this.server.dirty += n; }
  redactArg(i: number): void { (this.client.redacted ??= new Set()).add(i); }
  wrongType(): void { this.reply.error(ERR_WRONGTYPE); }
  syntaxError(): void { this.reply.error(ERR_SYNTAX); }
  parseInt(s: string, what?: string): number | null {
    const v = parseInteger(s);
    if (v === null) { this.reply.error(what ? `ERR ${what}` : ERR_NOT_INTEGER); return null; }
    return v;
  }
  parseFloat(s: string): number | null {
    const v = parseDouble(s);
    if (v === null) { this.reply.error(ERR_NOT_FLOAT); return null; }
    return v;
  }
  lookup<T extends RedisValue>(key: string, type: Exclude<RedisType, 'string'>, forWrite: boolean): T | undefined | null {
    return this.db.lookupTyped<T>(this, key, type, forWrite);
  }
}

export class ServerState implements DbHost {
  readonly config = new Config();
  readonly table: CommandTable;
  dbs: Db[] = [];
  readonly clients = new Map<number, ClientState>();
  readonly clock: () => number;
  /** ms time of the command being executed (cached per command, like Redis's mstime). */
  cmdTime: number;
  readonly startTime: number;
  readonly runId = randomBytes(20).toString('hex');
  replId = randomBytes(20).toString('hex');
  readonly log: (line: string) => void;
  readonly acl: Acl;
  configFile = '';
  executable = process.argv[1] ?? '';
  dirty = 0;
  lastSave: number;
  #nextClientId = 1;

  stats = {
    keyspace_hits: 0, keyspace_misses: 0, expired_keys: 0, expired_stale_perc: 0, expired_time_cap_reached_count: 0,
    expire_cycle_cpu_milliseconds: 0, evicted_keys: 0, evicted_clients: 0, total_eviction_exceeded_time: 0,
    total_connections_received: 0, total_commands_processed: 0, rejected_connections: 0,
    net_input_bytes: 0, net_output_bytes: 0, total_error_replies: 0, unexpected_error_replies: 0,
    dump_payload_sanitizations: 0, total_reads_processed: 0, total_writes_processed: 0,
    client_query_buffer_limit_disconnections: 0, client_output_buffer_limit_disconnections: 0,
    total_net_input_bytes_prev: 0, total_net_output_bytes_prev: 0, total_commands_prev: 0,
    instantaneous_ops_per_sec: 0, instantaneous_input_kbps: 0, instantaneous_output_kbps: 0,
    io_threaded_reads_processed: 0, io_threaded_writes_processed: 0, tracking_total_keys: 0,
    pubsubshard_channels: 0, blocked_clients: 0, watching_clients: 0, total_watched_keys: 0,
  };
  commandStats = new Map<string, CommandStats>();
  errorStats = new Map<string, number>();

  // pub/sub
  readonly channels = new Map<string, Set<ClientState>>();
  readonly patterns = new Map<string, Set<ClientState>>();
  readonly shardChannels = new Map<string, Set<ClientState>>();
  readonly monitors = new Set<ClientState>();

  // slowlog / latency
  slowlog: SlowlogEntry[] = [];
  slowlogNextId = 0;
  readonly latencyEvents = new Map<string, LatencyEvent>();

  // client pause
  pauseType: PauseType = 'none';
  pauseEnd = 0;
  #pauseTimer: NodeJS.Timeout | null = null;
  #postponed: ClientState[] = [];

  // blocking
  #readyKeys: [Db, string][] = [];
  #resume: ClientState[] = [];
  /** Clients with output to flush at the end of the event (ClientState.pendingWrite dedupes). */
  #pendingWrite: ClientState[] = [];

  // config-derived fast fields
  notifyFlags = 0;
  slowlogThreshold = 10000;
  slowlogMaxLen = 128;
  latencyThreshold = 0;
  latencyTracking = true;
  /** client-output-buffer-limit, pubsub class. */
  pubsubObufLimit: ObufLimit = pubsubOutputLimit('');
  maxmemory = 0;
  maxmemoryPolicy = 'noeviction';
  lfu = false;
  activeExpireEnabled = true;
  protoMaxBulkLen = 512 * 1024 * 1024;
  queryBufferLimit = 1024 * 1024 * 1024;
  requirePass: string | null = null;
  minReplicasToWrite = 0;
  /** REPLICAOF host (no replication link yet: the role and its write/stale rules only). */
  masterHost: string | null = null;
  masterPort = 0;

  #listeners: net.Server[] = [];
  #cron: NodeJS.Timeout | null = null;
  #cronLoops = 0;
  #shutdownCb: (() => void) | undefined;
  port = 0;
  bindAddrs: string[] = ['127.0.0.1'];
  closing = false;
  /** Set by DEBUG SET-ACTIVE-EXPIRE / PAUSE-CRON. */
  cronPaused = false;
  /** Instantaneous metrics samples. */
  #opsSamples: number[] = [];
  #inSamples: number[] = [];
  #outSamples: number[] = [];
  #lastSample = { t: 0, cmds: 0, inb: 0, outb: 0 };
  /** Dataset memory accounting (approximate; see usedMemory). */
  lazyfreedObjects = 0;
  statsResetAt: number;
  /** Extra reply hook for tracking invalidations (set by the tracking module). */
  onKeyModified: ((db: Db, key: string) => void) | null = null;
  /** Clients that attached with SYNC/PSYNC: they receive the propagated write stream. */
  readonly replicas = new Set<ClientState>();
  masterReplOffset = 0;
  /** The client whose command is executing. */
  currentClient: ClientState | null = null;
  /** Depth of running command handlers (EXEC nests). */
  inCommand = 0;
  readonly tracking = new Tracking(this);
  #replDb = -1;
  #pendingProp: [number, string[]][] = [];
  /** DEBUG QUICKLIST-PACKED-THRESHOLD (bytes): list items at least this big are stored plain. */
  quicklistPackedThreshold = 1 << 30;

  /**
   * Without an injected clock, a command's ms time is derived from the performance.now() read
   * that also starts its duration timer (one clock read instead of two); the wall-clock base is
   * re-read by the cron so clock adjustments are followed within 1/hz s.
   */
  readonly #fastClock: boolean;
  /** performance.now() at the end of the last call() (processInput chains command timers). */
  #lastEnd = 0;
  #wallBase = calibratedWallBase();

  constructor(opts: ServerOptions = {}) {
    this.clock = opts.clock ?? Date.now;
    this.#fastClock = opts.clock === undefined;
    this.cmdTime = this.clock();
    this.startTime = this.cmdTime;
    this.lastSave = this.cmdTime;
    this.statsResetAt = this.cmdTime;
    this.log = opts.log ?? (() => {});
    this.#shutdownCb = opts.onShutdown;
    this.configFile = opts.configFile ?? '';
    this.table = new CommandTable(ALL_COMMANDS);
    this.acl = new Acl(this);
    this.config.set('bind', '127.0.0.1', true);
    this.config.set('dir', process.cwd(), true);
    this.config.onChange((name, value) => this.#applyConfig(name, value));
    for (const [k, v] of Object.entries(opts.config ?? {})) {
      const err = this.applyStartupDirective(k, v);
      if (err) throw new Error(err);
    }
    if (opts.bind) this.config.set('bind', opts.bind.join(' '), true);
    if (opts.port !== undefined) this.config.set('port', String(opts.port), true);
    this.#applyAll();
    const n = this.config.num('databases');
    for (let i = 0; i < n; i++) this.dbs.push(new Db(i, this));
  }

  /** A startup directive (command line / config file): returns an error text or null. */
  applyStartupDirective(name: string, value: string): string | null {
    const lname = name.toLowerCase();
    if (lname === 'rename-command') {
      const [from, to] = value.split(/\s+/);
      if (from === undefined) return 'rename-command needs two arguments';
      if (!this.table.rename(from, to ?? '')) return `No such command in rename-command`;
      return null;
    }
    if (lname === 'user') { const e = this.acl.setUser(value.split(/\s+/)); return e; }
    if (lname === 'include' || lname === 'loadmodule') return null;
    const err = this.config.set(lname, value, true);
    if (err === 'unknown') return `Bad directive or wrong number of arguments: ${name}`;
    return err;
  }

  #applyAll(): void {
    for (const n of ['notify-keyspace-events', 'slowlog-log-slower-than', 'slowlog-max-len', 'latency-monitor-threshold',
      'maxmemory', 'maxmemory-policy', 'proto-max-bulk-len', 'client-query-buffer-limit', 'requirepass', 'latency-tracking',
      'client-output-buffer-limit']) {
      this.#applyConfig(n, this.config.get(n));
    }
  }

  #applyConfig(name: string, value: string): void {
    switch (name) {
      case 'notify-keyspace-events': {
        let f = 0;
        for (const ch of value) f |= NOTIFY_LETTERS[ch] ?? 0;
        this.notifyFlags = f;
        break;
      }
      case 'slowlog-log-slower-than': this.slowlogThreshold = Number(value); break;
      case 'slowlog-max-len': this.slowlogMaxLen = Number(value); this.#trimSlowlog(); break;
      case 'latency-monitor-threshold': this.latencyThreshold = Number(value); break;
      case 'latency-tracking': this.latencyTracking = value === 'yes'; break;
      case 'client-output-buffer-limit': this.pubsubObufLimit = pubsubOutputLimit(value); break;
      case 'maxmemory': this.maxmemory = Number(value); break;
      case 'maxmemory-policy': this.maxmemoryPolicy = value; this.lfu = value.includes('lfu'); break;
      case 'proto-max-bulk-len': this.protoMaxBulkLen = Number(value); break;
      case 'client-query-buffer-limit': this.queryBufferLimit = Number(value); break;
      case 'requirepass': this.requirePass = value === '' ? null : value; this.acl.setDefaultPassword(this.requirePass); break;
      case 'hz': this.#restartCron(); break;
      case 'min-replicas-to-write': this.minReplicasToWrite = Number(value); break;
      default: break;
    }
  }

  // ---------------------------------------------------------------- DbHost
  now(): number { return this.cmdTime; }
  expireDeletesPaused(): boolean { return this.pauseType !== 'none'; }
  onExpired(db: Db, key: string): void {
    if (this.replicas.size !== 0) this.#pendingProp.push([db.id, [this.config.bool('lazyfree-lazy-expire') ? 'UNLINK' : 'DEL', key]]);
    this.notify('expired', 'expired', key, db.id);
    this.signalModified(db, key);
    this.dirty++;
  }
  get notifyNewKeys(): boolean { return (this.notifyFlags & NOTIFY_BITS.new) !== 0; }
  onNewKey(db: Db, key: string): void { this.notify('new', 'new', key, db.id); }
  onKeyMiss(db: Db, key: string): void {
    if (this.notifyFlags & NOTIFY_BITS.keymiss) this.notify('keymiss', 'keymiss', key, db.id);
  }
  /** LRU clock (seconds, 24 bits) or LFU (ldt<<8 | counter) bookkeeping on access. */
  touch(old: number | undefined): number {
    if (!this.lfu) return Math.floor(this.cmdTime / 1000) & 0xffffff;
    return this.lfuTouch(old);
  }

  lfuTouch(old: number | undefined): number {
    const nowMin = Math.floor(this.cmdTime / 60000) & 0xffff;
    if (old === undefined || old === 0) return (nowMin << 8) | 5; // LFU_INIT_VAL
    let counter = old & 0xff;
    const ldt = old >>> 8;
    const decayTime = this.config.num('lfu-decay-time');
    const elapsed = nowMin >= ldt ? nowMin - ldt : 65535 - ldt + nowMin;
    const periods = decayTime ? Math.floor(elapsed / decayTime) : 0;
    counter = periods > counter ? 0 : counter - periods;
    if (counter < 255) {
      const r = Math.random();
      const base = counter - 5 < 0 ? 0 : counter - 5;
      const p = 1 / (base * this.config.num('lfu-log-factor') + 1);
      if (r < p) counter++;
    }
    return (nowMin << 8) | counter;
  }

  /** LFU counter after decay (OBJECT FREQ). */
  lfuDecayed(v: number): number {
    const nowMin = Math.floor(this.cmdTime / 60000) & 0xffff;
    const ldt = v >>> 8;
    const counter = v & 0xff;
    const decayTime = this.config.num('lfu-decay-time');
    const elapsed = nowMin >= ldt ? nowMin - ldt : 65535 - ldt + nowMin;
    const periods = decayTime ? Math.floor(elapsed / decayTime) : 0;
    return periods > counter ? 0 : counter - periods;
  }

  // ---------------------------------------------------------------- keyspace signals
  signalModified(db: Db, key: string): void {
    this.dirty++;
    if (db.watched.size !== 0) this.touchWatchedKey(db, key);
    if (this.tracking.clients !== 0) this.tracking.invalidateKey(key, this.currentClient);
    if (this.onKeyModified) this.onKeyModified(db, key);
    // Clients blocked on a key that was overwritten (e.g. SET over a stream) re-check it, as
    // Redis 7.0's signalDeletedKeyAsReady does; their onReady treats a wrong type as absent.
    if (db.blocking.size !== 0 && db.blocking.has(key)) this.signalKeyAsReady(db, key);
  }

  touchWatchedKey(db: Db, key: string): void {
    const set = db.watched.get(key) as Set<ClientState> | undefined;
    if (!set) return;
    for (const c of set) {
      // A key that was already logically expired when WATCHed and is now deleted does not
      // invalidate the transaction (Redis 7.0 isWatchedKeyExpired / touchWatchedKey).
      const w = c.watched.find((x) => x.db === db && x.key === key);
      if (w && w.expired && !db.contains(key)) continue;
      c.dirtyCas = true;
    }
  }

  /** FLUSHDB/FLUSHALL/SWAPDB: every watched key of the db whose existence changes. */
  touchAllWatchedKeysInDb(db: Db, other?: Db): void {
    for (const [key, set] of db.watched) {
      const exists = db.contains(key) || (other ? other.contains(key) : false);
      if (!exists) continue;
      for (const c of set as Set<ClientState>) c.dirtyCas = true;
    }
  }

  notify(type: NotifyClass, event: string, key: string, dbid: number): void {
    const f = this.notifyFlags;
    if (!(f & NOTIFY_BITS[type])) return;
    if (f & NOTIFY_KEYSPACE) this.publish(`__keyspace@${dbid}__:${key}`, event);
    if (f & NOTIFY_KEYEVENT) this.publish(`__keyevent@${dbid}__:${event}`, key);
  }

  signalKeyAsReady(db: Db, key: string): void {
    if (db.blocking.size === 0 || !db.blocking.has(key)) return;
    this.#readyKeys.push([db, key]);
  }

  // ---------------------------------------------------------------- pub/sub
  publish(channel: string, message: string): number {
    let n = 0;
    const subs = this.channels.get(channel);
    if (subs) {
      for (const c of subs) {
        const w = c.reply;
        w.pushHeader(3); w.bulk('message'); w.bulk(channel); w.bulk(message);
        this.#queuedForSubscriber(c);
        n++;
      }
    }
    if (this.patterns.size) {
      for (const [pat, set] of this.patterns) {
        if (!globMatch(pat, channel)) continue;
        for (const c of set) {
          const w = c.reply;
          w.pushHeader(4); w.bulk('pmessage'); w.bulk(pat); w.bulk(channel); w.bulk(message);
          this.#queuedForSubscriber(c);
          n++;
        }
      }
    }
    this.#closeOverLimit();
    return n;
  }

  publishShard(channel: string, message: string): number {
    let n = 0;
    const subs = this.shardChannels.get(channel);
    if (subs) {
      for (const c of subs) {
        const w = c.reply;
        w.pushHeader(3); w.bulk('smessage'); w.bulk(channel); w.bulk(message);
        this.#queuedForSubscriber(c);
        n++;
      }
    }
    this.#closeOverLimit();
    return n;
  }

  /** Subscribers past client-output-buffer-limit during this publish (freed after it). */
  #overLimit: ClientState[] = [];

  /**
   * After output is queued for a subscriber: schedules it and applies the pubsub class of
   * client-output-buffer-limit as Redis's checkClientOutputBufferLimits does (unsent bytes =
   * queued on the socket + not yet flushed; past the hard limit, or past the soft limit for
   * longer than its seconds, the client is closed). The publishing client itself is left alone.
   */
  #queuedForSubscriber(c: ClientState): void {
    this.markPending(c);
    const limit = this.pubsubObufLimit;
    if ((limit.hard === 0 && limit.soft === 0) || c === this.currentClient) return;
    const used = (c.socket?.writableLength ?? 0) + c.reply.length;
    if (limit.hard !== 0 && used >= limit.hard) { this.#overLimit.push(c); return; }
    if (limit.soft !== 0 && used >= limit.soft) {
      if (c.obufSoftSince === 0) c.obufSoftSince = this.cmdTime;
      else if (this.cmdTime - c.obufSoftSince > limit.softSeconds * 1000) this.#overLimit.push(c);
    } else {
      c.obufSoftSince = 0;
    }
  }

  #closeOverLimit(): void {
    if (this.#overLimit.length === 0) return;
    const over = this.#overLimit;
    this.#overLimit = [];
    for (const c of over) {
      if (c.closed) continue;
      this.log(`Client ${clientInfoLine(this, c)} scheduled to be closed ASAP for overcoming of output buffer limits.`);
      this.freeClient(c);
    }
  }

  markPending(c: ClientState): void {
    if (c.pendingWrite) return;
    c.pendingWrite = true;
    this.#pendingWrite.push(c);
  }

  // ---------------------------------------------------------------- clients
  newClient(socket: net.Socket | null): ClientState {
    const reply = new ReplyWriter({ protocol: 2 });
    const parser = socket ? new RequestParser({ maxBulkLen: this.protoMaxBulkLen, args: 'latin1' }) : null;
    const c = new ClientState(this.#nextClientId++, socket, reply, parser, this.clock());
    c.ctx = new Context(this, c);
    reply.onError = (code) => this.countError(code);
    c.authenticated = this.acl.defaultNoAuth();
    this.clients.set(c.id, c);
    return c;
  }

  countError(code: string): void {
    this.stats.total_error_replies++;
    let key = code;
    if (!/^[A-Z]+$/.test(key) || key.length > 128) key = 'ERR';
    if (this.errorStats.size >= 128 && !this.errorStats.has(key)) {
      // Redis stops tracking new error codes past 128 distinct ones (ERRORSTATS_LIMIT).
      return;
    }
    this.errorStats.set(key, (this.errorStats.get(key) ?? 0) + 1);
  }

  selectDb(c: ClientState, index: number): void {
    c.dbIndex = index;
    c.ctx.db = this.dbs[index]!;
  }

  /** Frees the client: subscriptions, watches, blocking, monitor. */
  freeClient(c: ClientState): void {
    if (c.closed) return;
    c.closed = true;
    this.unwatchAll(c);
    this.unsubscribeAll(c, false);
    this.tracking.disable(c);
    if (c.blocked) this.unblock(c, true);
    if (c.postponed) { c.postponed = null; this.stats.blocked_clients--; this.#postponed = this.#postponed.filter((x) => x !== c); }
    this.monitors.delete(c);
    this.replicas.delete(c);
    this.clients.delete(c.id);
    if (c.socket && !c.socket.destroyed) c.socket.destroy();
  }

  unwatchAll(c: ClientState): void {
    for (const w of c.watched) {
      const set = w.db.watched.get(w.key) as Set<ClientState> | undefined;
      if (set) { set.delete(c); if (set.size === 0) w.db.watched.delete(w.key); }
    }
    c.watched = [];
    c.dirtyCas = false;
  }

  unsubscribeAll(c: ClientState, notify: boolean): void {
    for (const ch of c.channels) this.#unsub(this.channels, c, ch);
    for (const p of c.patterns) this.#unsub(this.patterns, c, p);
    for (const ch of c.shardChannels) this.#unsub(this.shardChannels, c, ch);
    if (notify) { /* replies are written by the commands themselves */ }
    c.channels.clear(); c.patterns.clear(); c.shardChannels.clear();
  }

  #unsub(map: Map<string, Set<ClientState>>, c: ClientState, name: string): void {
    const set = map.get(name);
    if (set) { set.delete(c); if (set.size === 0) map.delete(name); }
  }

  // ---------------------------------------------------------------- input processing
  /** Handles bytes from a client socket. */
  onData(c: ClientState, chunk: Buffer): void {
    this.stats.net_input_bytes += chunk.length;
    this.stats.total_reads_processed++;
    c.totNetIn += chunk.length;
    const p = c.parser!;
    p.feed(chunk);
    if (p.pending > this.queryBufferLimit) {
      this.log(`closing client that reached max query buffer length: id=${c.id} addr=${c.addr} (qbuf initial bytes: ...)`);
      this.stats.client_query_buffer_limit_disconnections++;
      this.freeClient(c);
      return;
    }
    if (c.blocked || c.postponed) return;
    this.processInput(c);
    this.scheduleAfterEvent();
  }

  /** Runs every complete command buffered for the client (until it blocks or closes). */
  processInput(c: ClientState): void {
    const p = c.parser;
    if (!p) return;
    // One clock read per command: a command's end time starts the next one's timer (parsing a
    // normal command in between costs well under a microsecond; a big argument re-reads it).
    let t = performance.now();
    while (!c.blocked && !c.postponed && !c.closed && !c.closeAfterReply) {
      let argv: string[] | null;
      const bigBefore = p.bigArgs;
      try {
        argv = p.next();
      } catch (e) {
        if (e instanceof RespProtocolError) {
          c.reply.error(`ERR ${e.message}`);
          this.log(`Protocol error (${e.message}) from client: id=${c.id} addr=${c.addr}`);
          c.closeAfterReply = true;
          break;
        }
        throw e;
      }
      if (argv === null) break;
      if (argv.length === 0) continue;
      if (p.bigArgs !== bigBefore) t = performance.now();
      if (c.replyMode === 'on') {
        this.#lastEnd = t;
        this.processCommand(c, argv, t);
        t = this.#lastEnd;
        continue;
      }
      // CLIENT REPLY OFF|SKIP: send what is pending, run, then drop this command's output.
      const before = c.replyMode;
      this.flushClient(c);
      this.processCommand(c, argv);
      if (!((c.replyMode as string) === 'on' && c.lastCmd === 'client|reply')) c.reply.take();
      if (c.pushOut !== null && c.pushOut.length !== 0) c.reply.raw(c.pushOut.take());
      if (before === 'skip' && c.replyMode === 'skip') c.replyMode = 'on';
    }
    this.markPending(c);
  }

  /** Redis's processCommand: lookup, checks, MULTI queueing, then call(). */
  processCommand(c: ClientState, argv: string[], t0 = performance.now()): void {
    const now = this.#fastClock ? Math.floor(this.#wallBase + t0) : this.clock();
    this.cmdTime = now;
    c.lastInteraction = now;
    c.curArgv = argv;
    const ctx = c.ctx as Context;
    const reply = c.reply;
    let spec = this.table.get(argv[0]!);
    if (spec !== undefined && spec.subcommands !== undefined && argv.length >= 2) {
      const sub = this.table.sub(spec, argv[1]!);
      if (!sub) {
        this.#reject(c, undefined, `ERR unknown subcommand '${argv[1]!.slice(0, 128)}'. Try ${argv[0]!.toUpperCase()} HELP.`);
        return;
      }
      spec = sub;
    }
    if (spec === undefined) {
      let args = '';
      for (let i = 1; i < argv.length && args.length < 128; i++) args += `'${argv[i]!.slice(0, 128 - args.length)}' `;
      this.#reject(c, undefined, `ERR unknown command '${argv[0]!.slice(0, 128)}', with args beginning with: ${args}`);
      return;
    }
    c.lastCmd = spec.name;
    if (!arityOk(spec, argv.length)) {
      this.#reject(c, spec, `ERR wrong number of arguments for '${spec.name}' command`);
      return;
    }
    if (spec.name === 'debug' && !this.#protectedAllowed(c, 'enable-debug-command')) {
      this.#reject(c, spec, 'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.');
      return;
    }
    const flags = spec.flags;
    const bits = spec.bits ?? prepareSpec(spec).bits!;
    if (!c.authenticated && (bits & F.NO_AUTH) === 0) {
      this.#reject(c, spec, 'NOAUTH Authentication required.');
      return;
    }
    if (c.multi !== null && (bits & F.NO_MULTI) !== 0) {
      this.#reject(c, spec, 'ERR Command not allowed inside a transaction');
      return;
    }
    if (c.user !== 'default' || !this.#defaultAllPowerful()) {
      const err = this.acl.check(c, spec, argv);
      if (err) { this.#reject(c, spec, err); return; }
    }
    const isExec = spec.name === 'exec';
    if (this.maxmemory > 0) {
      const oom = !this.performEvictions();
      let denyoom = flags.includes('denyoom') || (isExec && c.multi !== null && c.multi.some((q) => q.spec.flags.includes('denyoom')));
      if (c.multi !== null && !isExec && spec.name !== 'discard' && spec.name !== 'quit' && spec.name !== 'reset') denyoom = true;
      if (oom && denyoom) {
        this.#reject(c, spec, "OOM command not allowed when used memory > 'maxmemory'.");
        return;
      }
    }
    const isWriteCmd = this.minReplicasToWrite > 0 || this.masterHost !== null
      ? flags.includes('write') || (isExec && c.multi !== null && c.multi.some((q) => q.spec.flags.includes('write')))
      : false;
    if (isWriteCmd && this.minReplicasToWrite > 0 && this.replicas.size < this.minReplicasToWrite && !c.isMaster) {
      this.#reject(c, spec, 'NOREPLICAS Not enough good replicas to write.');
      return;
    }
    if (this.masterHost !== null && isWriteCmd && this.config.bool('replica-read-only') && !c.isMaster) {
      this.#reject(c, spec, "READONLY You can't write against a read only replica.");
      return;
    }
    if (c.resp === 2 && c.inPubSub && !PUBSUB_ALLOWED.has(spec.name)) {
      this.#reject(c, spec, `ERR Can't execute '${spec.name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`);
      return;
    }
    if (this.masterHost !== null && !this.config.bool('replica-serve-stale-data')) {
      const stale = (s: CommandSpec) => !s.flags.includes('stale');
      if (stale(spec) || (isExec && c.multi !== null && c.multi.some((q) => stale(q.spec)))) {
        this.#reject(c, spec, "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.");
        return;
      }
    }
    if (this.pauseType !== 'none' && !c.isMaster) {
      const isWrite = (s: CommandSpec) => s.flags.includes('write') || s.flags.includes('may_replicate');
      if (this.pauseType === 'all' || isWrite(spec) || (isExec && c.multi !== null && c.multi.some((q) => isWrite(q.spec)))) {
        c.postponed = argv;
        this.#postponed.push(c);
        this.stats.blocked_clients++;
        return;
      }
    }
    if (c.multi !== null && !MULTI_NOQUEUE.has(spec.name)) {
      c.multi.push({ spec, argv });
      reply.simple('QUEUED');
      return;
    }
    void ctx;
    if (this.tracking.clients !== 0) this.tracking.limitUsedSlots(this.config.num('tracking-table-max-keys'));
    this.call(c, spec, argv, t0);
    if (this.#pendingProp.length !== 0) this.flushPropagation();
    if (this.tracking.clients !== 0) this.tracking.flushSelf();
    this.currentClient = null;
    if (this.#readyKeys.length !== 0) this.handleClientsBlockedOnKeys();
  }

  /** allowProtectedAction: 'yes', or 'local' and a loopback peer (CMD_PROTECTED commands: DEBUG). */
  #protectedAllowed(c: ClientState, option: string): boolean {
    const v = this.config.get(option);
    if (v === 'yes') return true;
    if (v !== 'local') return false;
    const ip = c.addr.slice(0, c.addr.lastIndexOf(':'));
    return ip === '127.0.0.1' || ip === '::1' || c.addr === '';
  }

  #reject(c: ClientState, spec: CommandSpec | undefined, msg: string): void {
    if (c.multi !== null) c.dirtyExec = true;
    if (spec) this.cmdStats(spec).rejected++;
    if (spec && spec.name === 'exec' && c.multi !== null) {
      // execCommandAbort: the whole transaction is discarded.
      c.multi = null;
      c.dirtyExec = false;
      this.unwatchAll(c);
      c.reply.error(`EXECABORT Transaction discarded because of: ${msg.replace(/[\r\n]/g, ' ')}`);
      return;
    }
    c.reply.error(msg.replace(/[\r\n]/g, ' '));
  }

  /** The stats record of each spec by spec id (cleared by CONFIG RESETSTAT). */
  #statsById: (CommandStats | undefined)[] = [];

  cmdStats(spec: CommandSpec): CommandStats {
    const id = spec.id ?? prepareSpec(spec).id!;
    const cached = this.#statsById[id];
    if (cached !== undefined) return cached;
    let s = this.commandStats.get(spec.name);
    if (s === undefined) {
      s = { calls: 0, usec: 0, rejected: 0, failed: 0, hist: new LatencyHistogram() };
      this.commandStats.set(spec.name, s);
    }
    this.#statsById[id] = s;
    return s;
  }

  /** Redis's call(): runs the handler with stats, slowlog, latency, MONITOR feed and blocking. */
  call(c: ClientState, spec: CommandSpec, argv: string[], t0 = performance.now()): void {
    const ctx = c.ctx as Context;
    const reply = c.reply;
    this.currentClient = c;
    ctx.cmd = spec;
    ctx.propagate = null;
    ctx.preventPropagation = false;
    c.redacted = null;
    const errBefore = reply.errors;
    const monitorDbId = c.dbIndex;
    const dirtyBefore = this.dirty;
    this.inCommand++;
    let r;
    try {
      r = spec.handler(ctx, argv);
    } finally {
      this.inCommand--;
    }
    const blocking = r !== undefined && r !== reply && (r as BlockRequest).block !== undefined && !c.inExec && !c.closed;
    const t1 = performance.now();
    this.#lastEnd = t1;
    const usec = Math.round((t1 - t0) * 1000);
    const bits = spec.bits ?? prepareSpec(spec).bits!;
    const tr = c.tracking;
    if (tr !== null) {
      if ((bits & F.READONLY) !== 0 && !tr.bcast) this.tracking.rememberKeys(c, this.keysOf(spec, argv));
      if (spec.name !== 'client|caching') tr.caching = null;
    }
    this.stats.total_commands_processed++;
    c.totCmds++;
    const st = this.cmdStats(spec);
    // Redis counts the call when it runs, blocked or not; a blocked command's failure,
    // latency histogram and slowlog entry come when it is unblocked (updateStatsOnUnblock).
    st.calls++;
    st.usec += usec;
    if (!blocking) {
      if (reply.errors !== errBefore) st.failed++;
      if (this.latencyTracking) st.hist.record(usec);
    }
    if (this.replicas.size !== 0 && spec.name !== 'exec') {
      if (ctx.propagate !== null || (!ctx.preventPropagation && this.dirty !== dirtyBefore && (bits & (F.WRITE | F.MAY_REPLICATE)) !== 0)) {
        this.#pendingProp.push([monitorDbId, ctx.propagate ?? argv]);
      }
    }
    if (!blocking && this.slowlogThreshold >= 0 && usec >= this.slowlogThreshold && (bits & F.SKIP_SLOWLOG) === 0 && !c.inExec) {
      this.slowlogPush(c, argv, usec);
    }
    if (this.latencyThreshold > 0 && usec / 1000 >= this.latencyThreshold) {
      this.latencyAddSample((bits & F.FAST) !== 0 ? 'fast-command' : 'command', Math.floor(usec / 1000));
    }
    if (this.monitors.size !== 0 && (bits & (F.SKIP_MONITOR | F.ADMIN)) === 0) {
      this.feedMonitors(c, monitorDbId, argv);
    }
    if (r !== undefined && r !== reply && (r as BlockRequest).block) {
      const req = (r as BlockRequest).block;
      if (c.inExec || c.closed) req.onTimeout(ctx);
      else this.blockClient(c, spec, argv, req);
    }
  }

  feedMonitors(c: ClientState, dbid: number, argv: string[]): void {
    const t = this.clock();
    const us = (performance.timeOrigin + performance.now()) * 1000;
    const sec = Math.floor(t / 1000);
    const micro = Math.floor(us % 1000000);
    let line = `+${sec}.${String(micro).padStart(6, '0')} [${dbid} ${c.socket ? c.addr : 'lua'}]`;
    const red = c.redacted;
    for (let i = 0; i < argv.length; i++) line += ' ' + (red !== null && red.has(i) ? '"(redacted)"' : reprString(argv[i]!));
    for (const m of this.monitors) {
      if (m === c) continue;
      m.reply.simple(line.slice(1));
      this.markPending(m);
    }
  }

  slowlogPush(c: ClientState, argv: string[], usec: number): void {
    const args: string[] = [];
    const n = Math.min(argv.length, 32);
    const red = c.redacted;
    for (let i = 0; i < n; i++) {
      if (n === 32 && i === 31 && argv.length > 32) { args.push(`... (${argv.length - 31} more arguments)`); break; }
      const a = red !== null && red.has(i) ? '(redacted)' : argv[i]!;
      args.push(a.length > 128 ? `${a.slice(0, 128)}... (${a.length - 128} more bytes)` : a);
    }
    this.slowlog.unshift({ id: this.slowlogNextId++, time: Math.floor(this.cmdTime / 1000), usec, argv: args, addr: c.socket ? c.addr : '', name: c.name });
    this.#trimSlowlog();
  }

  #trimSlowlog(): void {
    if (this.slowlog.length > this.slowlogMaxLen) this.slowlog.length = this.slowlogMaxLen;
  }

  latencyAddSample(event: string, ms: number): void {
    let e = this.latencyEvents.get(event);
    if (!e) { e = { samples: [], max: 0 }; this.latencyEvents.set(event, e); }
    const time = Math.floor(this.clock() / 1000);
    const last = e.samples[e.samples.length - 1];
    if (last && last.time === time) {
      last.ms = Math.max(last.ms, ms);
    } else {
      e.samples.push({ time, ms });
      if (e.samples.length > 160) e.samples.shift();
    }
    if (ms > e.max) e.max = ms;
  }

  // ---------------------------------------------------------------- blocking
  blockClient(c: ClientState, spec: CommandSpec, argv: string[], req: BlockRequest['block']): void {
    const db = c.ctx.db;
    c.blocked = { req, db, timer: null, deadline: req.timeoutMs > 0 ? this.clock() + req.timeoutMs : 0, spec, argv };
    for (const k of req.keys) {
      let list = db.blocking.get(k);
      if (!list) { list = []; db.blocking.set(k, list); }
      list.push(c);
    }
    this.stats.blocked_clients++;
    if (req.timeoutMs > 0) {
      c.blocked.timer = setTimeout(() => this.#blockTimeout(c), req.timeoutMs);
    }
  }

  #blockTimeout(c: ClientState): void {
    const b = c.blocked;
    if (!b) return;
    this.cmdTime = this.clock();
    this.unblock(c, false);
    const t0 = performance.now();
    b.req.onTimeout(c.ctx);
    this.#statsOnUnblock(c, b.spec, b.argv, performance.now() - t0, false);
    this.#resume.push(c);
    this.afterEvent();
  }

  #statsOnUnblock(c: ClientState, spec: CommandSpec, argv: string[], ms: number, failed: boolean): void {
    const usec = Math.round(ms * 1000);
    const st = this.cmdStats(spec);
    st.usec += usec;
    if (failed) st.failed++;
    if (this.latencyTracking) st.hist.record(usec);
    if (this.slowlogThreshold >= 0 && usec >= this.slowlogThreshold) this.slowlogPush(c, argv, usec);
  }

  /** Removes the client from the blocking tables (cancelled = not served). */
  unblock(c: ClientState, cancelled: boolean): void {
    const b = c.blocked;
    if (!b) return;
    c.blocked = null;
    if (b.timer) clearTimeout(b.timer);
    for (const k of b.req.keys) {
      const list = b.db.blocking.get(k) as ClientState[] | undefined;
      if (!list) continue;
      const i = list.indexOf(c);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) b.db.blocking.delete(k);
    }
    this.stats.blocked_clients--;
    if (cancelled && b.req.onCancel) b.req.onCancel();
  }

  /** CLIENT UNBLOCK: timeout (default) or error. */
  unblockClientByRequest(c: ClientState, withError: boolean): boolean {
    const b = c.blocked;
    if (!b) return false;
    this.unblock(c, true);
    if (withError) c.reply.error('UNBLOCKED client unblocked via CLIENT UNBLOCK');
    else b.req.onTimeout(c.ctx);
    // Redis 7.0 (clientCommand UNBLOCK) counts either form as a failed call.
    this.#statsOnUnblock(c, b.spec, b.argv, 0, true);
    this.#resume.push(c);
    this.markPending(c);
    return true;
  }

  handleClientsBlockedOnKeys(): void {
    let guard = 0;
    while (this.#readyKeys.length !== 0 && guard++ < 100000) {
      const ready = this.#readyKeys;
      this.#readyKeys = [];
      const seen = new Set<string>();
      for (const [db, key] of ready) {
        const id = `${db.id}\u0000${key}`;
        if (seen.has(id)) continue;
        seen.add(id);
        const list = db.blocking.get(key) as ClientState[] | undefined;
        if (!list) continue;
        for (const c of [...list]) {
          if (!c.blocked || c.blocked.db !== db) continue;
          const b = c.blocked;
          this.cmdTime = this.clock();
          const saveDb = c.ctx.db;
          c.ctx.db = db;
          (c.ctx as Context).cmd = b.spec;
          const dirtyBefore = this.dirty;
          (c.ctx as Context).propagate = null;
          const t0 = performance.now();
          const prevCurrent = this.currentClient;
          this.currentClient = c;
          this.inCommand++;
          let served: boolean;
          const errBefore = c.reply.errors;
          try {
            served = b.req.onReady(c.ctx, key);
          } finally {
            this.inCommand--;
            this.currentClient = prevCurrent;
          }
          if (served) this.#statsOnUnblock(c, b.spec, b.argv, performance.now() - t0, c.reply.errors !== errBefore);
          c.ctx.db = saveDb;
          if (this.replicas.size !== 0 && this.dirty !== dirtyBefore) {
            this.#pendingProp.push([db.id, (c.ctx as Context).propagate ?? b.argv]);
            this.flushPropagation();
          }
          if (served) {
            this.unblock(c, false);
            if (this.monitors.size) this.feedMonitors(c, db.id, b.argv);
            if (this.tracking.clients !== 0) this.tracking.flushSelf();
            this.markPending(c);
            this.#resume.push(c);
          }
        }
      }
    }
  }

  #afterScheduled = false;
  readonly #deferredAfterEvent = (): void => { this.#afterScheduled = false; this.afterEvent(); };

  /**
   * afterEvent() once the poll phase is over (setImmediate runs right after it): every socket
   * that was readable in this event-loop iteration is read and served first, then the replies go
   * out in one burst, as Redis writes in beforeSleep. Writing as each socket is served instead
   * makes each write wake a client that already went back to sleep, which on a VM costs more
   * than the command.
   */
  scheduleAfterEvent(): void {
    if (this.#afterScheduled) return;
    this.#afterScheduled = true;
    setImmediate(this.#deferredAfterEvent);
  }

  /** End of an event: resume unblocked clients, then one socket write per client with output. */
  afterEvent(): void {
    if (this.tracking.clients !== 0) { this.tracking.flushSelf(); this.tracking.flushBroadcast(); }
    if (this.#readyKeys.length !== 0) this.handleClientsBlockedOnKeys();
    let guard = 0;
    while (this.#resume.length !== 0 && guard++ < 1000) {
      const list = this.#resume;
      this.#resume = [];
      for (const c of list) if (!c.closed && !c.blocked) this.processInput(c);
      if (this.#readyKeys.length !== 0) this.handleClientsBlockedOnKeys();
    }
    const pending = this.#pendingWrite;
    for (let i = 0; i < pending.length; i++) {
      const c = pending[i]!;
      c.pendingWrite = false;
      this.flushClient(c);
    }
    pending.length = 0;
  }

  flushClient(c: ClientState): void {
    const w = c.reply;
    if (c.closed) return;
    if (w.length !== 0) {
      const buf = w.take();
      this.stats.net_output_bytes += buf.length;
      this.stats.total_writes_processed++;
      c.totNetOut += buf.length;
      c.socket?.write(buf);
    }
    if (c.closeAfterReply && c.socket) {
      const s = c.socket;
      this.freeClientSoft(c);
      // Like Redis's close(fd) after the reply: flush, then drop the connection entirely (a
      // client still sending gets a reset instead of writing into a half-closed socket).
      s.pause();
      s.once('finish', () => s.destroy());
      s.end();
    }
  }

  /** Frees the client state but lets the socket drain (QUIT, protocol errors, CLIENT KILL self). */
  freeClientSoft(c: ClientState): void {
    const s = c.socket;
    c.socket = null;
    this.freeClient(c);
    c.socket = s;
  }

  // ---------------------------------------------------------------- propagation
  /**
   * Sends the commands collected during the last command to the replicas (several ones are
   * wrapped in MULTI/EXEC, as Redis 7.0 propagatePendingCommands does), with SELECT when the
   * db changes. The AOF will consume the same stream.
   */
  /** Queues a command for propagation (it goes out after the current command, in order). */
  alsoPropagate(dbid: number, argv: string[]): void {
    if (this.replicas.size !== 0) this.#pendingProp.push([dbid, argv]);
  }

  flushPropagation(): void {
    const ops = this.#pendingProp;
    this.#pendingProp = [];
    if (this.replicas.size === 0 || ops.length === 0) return;
    const wrap = ops.length > 1;
    if (wrap) this.#feedReplicas(ops[0]![0], ['MULTI']);
    for (const [db, argv] of ops) this.#feedReplicas(db, argv);
    if (wrap) this.#feedReplicas(this.#replDb, ['EXEC']);
  }

  #feedReplicas(db: number, argv: string[]): void {
    if (db !== this.#replDb && db >= 0) {
      this.#sendToReplicas(['SELECT', String(db)]);
      this.#replDb = db;
    }
    this.#sendToReplicas(argv);
  }

  /** Encodes once, writes to every replica; the replication offset counts the stream's bytes once. */
  #sendToReplicas(argv: string[]): void {
    this.#replEnc.command(argv);
    const bytes = this.#replEnc.take();
    this.masterReplOffset += bytes.length;
    for (const r of this.replicas) {
      r.reply.raw(bytes);
      this.markPending(r);
    }
  }

  readonly #replEnc = new RespWriter();

  /** SYNC/PSYNC: the client becomes a replica: an (empty) RDB payload, then the write stream. */
  attachReplica(c: ClientState, psync: boolean): void {
    if (psync) c.reply.simple(`FULLRESYNC ${this.replId} ${this.masterReplOffset}`);
    // Minimal RDB: magic + version, EOF opcode, zero checksum (= not checked).
    const rdb = Buffer.concat([Buffer.from('REDIS0010', 'latin1'), Buffer.from([0xff, 0, 0, 0, 0, 0, 0, 0, 0])]);
    c.reply.raw(`$${rdb.length}\r\n`);
    c.reply.raw(rdb);
    c.isReplica = true;
    this.replicas.add(c);
    this.#replDb = -1;
  }

  // ---------------------------------------------------------------- client pause
  pauseClients(type: PauseType, endMs: number): void {
    // A later, stronger or longer pause wins (Redis keeps the most restrictive).
    if (this.pauseType === 'all' && type === 'write' && this.pauseEnd > endMs) return;
    if (this.pauseType !== 'none' && this.pauseType === type && this.pauseEnd > endMs) return;
    this.pauseType = type === 'write' && this.pauseType === 'all' ? 'all' : type;
    this.pauseEnd = Math.max(endMs, this.pauseType === type ? endMs : this.pauseEnd);
    if (this.#pauseTimer) clearTimeout(this.#pauseTimer);
    this.#pauseTimer = setTimeout(() => this.unpauseClients(), Math.max(0, this.pauseEnd - this.clock()));
  }

  unpauseClients(): void {
    if (this.#pauseTimer) { clearTimeout(this.#pauseTimer); this.#pauseTimer = null; }
    this.pauseType = 'none';
    this.pauseEnd = 0;
    const list = this.#postponed;
    this.#postponed = [];
    for (const c of list) {
      const argv = c.postponed;
      c.postponed = null;
      this.stats.blocked_clients--;
      if (c.closed || !argv) continue;
      this.processCommand(c, argv);
      this.markPending(c);
      this.#resume.push(c);
    }
    this.afterEvent();
  }

  #aclGen = -1;
  #aclAllPowerful = true;
  /** Whether the default user may run everything (cached until an ACL change). */
  #defaultAllPowerful(): boolean {
    if (this.#aclGen !== this.acl.generation) {
      this.#aclGen = this.acl.generation;
      this.#aclAllPowerful = this.acl.defaultIsAllPowerful();
    }
    return this.#aclAllPowerful;
  }

  // ---------------------------------------------------------------- memory / eviction
  #memBaseline = 0;
  #memCache = 0;
  #memCacheDirty = -1;
  #memCacheAt = 0;
  /**
   * used_memory: a deterministic estimate (startup baseline + what each key reports through
   * memoryUsage() + per-key/TTL overheads + client buffers), so maxmemory and INFO behave
   * predictably; the V8 heap itself moves with garbage collection. Recomputed when the
   * dataset changed; above 200k keys at most once a second (an approximation, like Redis's
   * sampled eviction).
   */
  usedMemory(): number {
    if (this.#memBaseline === 0) this.#memBaseline = 1_000_000;
    const now = this.clock();
    if (this.dirty === this.#memCacheDirty && now - this.#memCacheAt < 1000) return this.#memCache + this.#clientMemory();
    let keys = 0;
    for (const db of this.dbs) keys += db.size;
    if (keys > 200_000 && now - this.#memCacheAt < 1000 && this.#memCacheDirty !== -1) return this.#memCache + this.#clientMemory();
    let sum = this.#memBaseline;
    for (const db of this.dbs) {
      sum += db.memoryEstimate(40);
      sum += db.expires.size * 32;
    }
    this.#memCache = sum;
    this.#memCacheDirty = this.dirty;
    this.#memCacheAt = now;
    return sum + this.#clientMemory();
  }

  #clientMemory(): number {
    let n = 0;
    for (const c of this.clients.values()) n += (c.parser ? c.parser.pending : 0) + c.reply.length;
    return n;
  }

  #evictBaseline = 0;
  /**
   * Evicts keys while used memory is above maxmemory (policies as Redis, sampled: each round
   * takes maxmemory-samples keys from a rolling position of each db and evicts the best
   * candidate). Memory is estimated as heap usage at the start minus what was freed, since the
   * heap only shrinks after GC. Returns false when still over the limit (OOM).
   */
  performEvictions(): boolean {
    if (this.pauseType !== 'none') return true;
    const used = this.usedMemory();
    if (used <= this.maxmemory) return true;
    const policy = this.maxmemoryPolicy;
    if (policy === 'noeviction') return false;
    let toFree = used - this.maxmemory;
    const samples = this.config.num('maxmemory-samples');
    const volatile = policy.startsWith('volatile');
    let rounds = 0;
    while (toFree > 0 && rounds++ < 10000) {
      let best: { db: Db; key: string; score: number } | null = null;
      for (const db of this.dbs) {
        const keys = db.sampleMany(policy.endsWith('random') ? 1 : samples, volatile);
        for (const key of keys) {
          if (!db.contains(key)) continue;
          let score: number;
          if (policy.endsWith('random')) score = Math.random();
          else if (policy === 'volatile-ttl') score = -(db.expires.get(key) ?? Infinity);
          else if (this.lfu) score = 255 - this.lfuDecayed(db.lruOf(key));
          else score = ((Math.floor(this.cmdTime / 1000) & 0xffffff) - db.lruOf(key) + 0x1000000) % 0x1000000;
          if (!best || score > best.score) best = { db, key, score };
        }
      }
      if (!best) return false;
      const v = best.db.get(best.key)!;
      toFree -= Math.max(64, best.db.memoryUsageOf(best.key, v) + best.key.length + 64);
      best.db.delete(best.key);
      this.stats.evicted_keys++;
      this.notify('evicted', 'evicted', best.key, best.db.id);
      this.signalModified(best.db, best.key);
    }
    void this.#evictBaseline;
    return toFree <= 0;
  }

  // ---------------------------------------------------------------- cron
  #restartCron(): void {
    if (!this.#cron) return;
    clearInterval(this.#cron);
    this.#startCron();
  }

  #startCron(): void {
    const hz = Math.min(500, Math.max(1, this.config.num('hz') || 10));
    this.#cron = setInterval(() => this.cron(), Math.floor(1000 / hz));
    this.#cron.unref();
  }

  /** serverCron: active expire, pause end, client timeouts, instantaneous metrics. */
  cron(): void {
    const p1 = performance.now();
    this.cmdTime = this.clock();
    const p2 = performance.now();
    // Date.now() truncates to the ms, so a sample is at most the true base (minus the fraction):
    // keep the largest, so derived times never lag Date.now(); a sample clearly below it means
    // the wall clock was set back. Samples taken across a pause (GC, preemption) are skipped.
    if (p2 - p1 < 0.02) {
      const sample = this.cmdTime - p2;
      if (sample > this.#wallBase || sample < this.#wallBase - 1.5) this.#wallBase = sample;
    }
    this.#cronLoops++;
    if (this.activeExpireEnabled && this.pauseType === 'none' && !this.cronPaused) {
      const t0 = performance.now();
      const effort = this.config.num('active-expire-effort');
      const budget = 20 * effort + 5 * (effort - 1);
      for (const db of this.dbs) {
        if (db.expires.size === 0) continue;
        // Keep going while more than ~10% of the sample was expired (ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE).
        for (let iter = 0; iter < 16; iter++) {
          const [checked, expired] = db.activeExpire(budget);
          if (checked === 0 || expired * 10 <= checked) break;
          if (performance.now() - t0 > 25) { this.stats.expired_time_cap_reached_count++; break; }
        }
      }
      const ms = performance.now() - t0;
      this.stats.expire_cycle_cpu_milliseconds += ms;
      if (this.latencyThreshold > 0 && ms >= this.latencyThreshold) this.latencyAddSample('expire-cycle', Math.floor(ms));
    }
    const timeout = this.config.num('timeout');
    if (timeout > 0 && this.#cronLoops % 10 === 0) {
      const now = this.clock();
      for (const c of this.clients.values()) {
        if (c.blocked || c.inPubSub || c.monitor || !c.socket) continue;
        if (now - c.lastInteraction > timeout * 1000) { this.log(`Closing idle client`); this.freeClient(c); }
      }
    }
    if (this.#pendingProp.length !== 0) this.flushPropagation();
    if (this.tracking.clients !== 0 || this.tracking.table.size !== 0) this.tracking.limitUsedSlots(this.config.num('tracking-table-max-keys'));
    this.#trackInstantaneous();
    if (this.maxmemory > 0 && this.maxmemoryPolicy !== 'noeviction') this.performEvictions();
    this.afterEvent();
  }

  #trackInstantaneous(): void {
    const now = this.clock();
    const l = this.#lastSample;
    if (l.t === 0) { this.#lastSample = { t: now, cmds: this.stats.total_commands_processed, inb: this.stats.net_input_bytes, outb: this.stats.net_output_bytes }; return; }
    const dt = now - l.t;
    if (dt < 100) return;
    const push = (arr: number[], v: number) => { arr.push(v); if (arr.length > 16) arr.shift(); };
    push(this.#opsSamples, ((this.stats.total_commands_processed - l.cmds) * 1000) / dt);
    push(this.#inSamples, (this.stats.net_input_bytes - l.inb) / dt);
    push(this.#outSamples, (this.stats.net_output_bytes - l.outb) / dt);
    this.#lastSample = { t: now, cmds: this.stats.total_commands_processed, inb: this.stats.net_input_bytes, outb: this.stats.net_output_bytes };
    const avg = (a: number[]) => (a.length ? a.reduce((x, y) => x + y, 0) / a.length : 0);
    this.stats.instantaneous_ops_per_sec = Math.round(avg(this.#opsSamples));
    this.stats.instantaneous_input_kbps = Math.round(avg(this.#inSamples) * 100) / 100;
    this.stats.instantaneous_output_kbps = Math.round(avg(this.#outSamples) * 100) / 100;
  }

  resetStats(): void {
    for (const k of Object.keys(this.stats) as (keyof ServerState['stats'])[]) {
      if (k === 'blocked_clients' || k === 'watching_clients' || k === 'total_watched_keys' || k === 'pubsubshard_channels' || k === 'tracking_total_keys') continue;
      this.stats[k] = 0;
    }
    this.commandStats.clear();
    this.#statsById = [];
    this.errorStats.clear();
    this.statsResetAt = this.clock();
  }

  // ---------------------------------------------------------------- network
  async listen(): Promise<number> {
    const port = this.config.num('port');
    const addrs = this.config.get('bind').split(/\s+/).filter(Boolean).map((a) => (a.startsWith('-') ? a.slice(1) : a));
    this.bindAddrs = addrs.length ? addrs : ['127.0.0.1'];
    let boundPort = port;
    for (const addr of this.bindAddrs) {
      const host = addr === '*' ? '0.0.0.0' : addr;
      const srv = net.createServer({ noDelay: true, pauseOnConnect: true }, (s) => this.#accept(s));
      srv.maxConnections = this.config.num('maxclients') + 32;
      try {
        await new Promise<void>((resolve, reject) => {
          srv.once('error', reject);
          srv.listen({ port: boundPort, host, backlog: this.config.num('tcp-backlog') }, () => { srv.off('error', reject); resolve(); });
        });
      } catch (e) {
        // An optional address (prefixed with '-' in bind) that is unavailable is skipped.
        if (this.#listeners.length > 0) continue;
        throw e;
      }
      const a = srv.address();
      if (a && typeof a === 'object') boundPort = a.port;
      this.#listeners.push(srv);
    }
    this.port = boundPort;
    if (port === 0) this.config.set('port', String(boundPort), true);
    this.#startCron();
    return boundPort;
  }

  #accept(s: net.Socket): void {
    this.stats.total_connections_received++;
    if (this.clients.size >= this.config.num('maxclients')) {
      this.stats.rejected_connections++;
      s.end('-ERR max number of clients reached\r\n', () => s.destroy());
      return;
    }
    const c = this.newClient(s);
    if (this.config.bool('protected-mode') && !this.requirePass && this.acl.defaultNoAuth()) {
      const ra = s.remoteAddress ?? '';
      const local = ra === '127.0.0.1' || ra === '::1' || ra === '::ffff:127.0.0.1' || ra.startsWith('127.');
      const explicitBind = this.config.get('bind') !== '* -::*' && !this.config.get('bind').split(/\s+/).includes('*') && !this.config.get('bind').split(/\s+/).includes('0.0.0.0');
      if (!local && !explicitBind) {
        s.end('-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command \'CONFIG SET protected-mode no\' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to \'no\', and then restarting the server. 3) If you started the server manually just for testing, restart it with the \'--protected-mode no\' option. 4) Setup a bind address or an authentication password. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n', () => s.destroy());
        this.freeClientSoft(c);
        return;
      }
    }
    const onChunk = (chunk: Buffer): void => {
      try {
        this.onData(c, chunk);
      } catch (e) {
        // A handler bug must not take the server down: report it as an error reply to the
        // command that hit it, log it, and keep serving.
        this.log(`Internal error while serving client id=${c.id}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
        c.reply.error(`ERR internal error: ${e instanceof Error ? e.message : String(e)}`);
        this.flushClient(c);
        this.afterEvent();
      }
    };
    const sock = this.#readInto(s, (n) => {
      onChunk(this.#readBuf.subarray(0, n));
      // The shared read buffer is reused by the next read of any client.
      c.parser?.release();
    }) ?? s;
    if (sock === s) {
      s.on('data', onChunk);
      s.resume();
    }
    c.socket = sock;
    const keepalive = this.config.num('tcp-keepalive');
    if (keepalive > 0) sock.setKeepAlive(true, keepalive * 1000);
    sock.on('error', () => this.freeClient(c));
    sock.on('close', () => { this.freeClient(c); this.afterEvent(); });
  }

  /** One read buffer for every client: reads are handled one at a time, to completion. */
  readonly #readBuf = Buffer.allocUnsafe(64 * 1024);

  /**
   * Re-wraps an accepted (paused) connection in a socket that reads straight into #readBuf
   * (net's `onread` option): no Readable-stream machinery and no buffer allocated per read,
   * which is most of Node's per-request cost at pipeline depth 1. Returns null when this Node
   * does not expose the connection's handle (then the 'data' path is used).
   */
  #readInto(s: net.Socket, onRead: (n: number) => void): net.Socket | null {
    const handle = (s as unknown as { _handle?: { readStart?: unknown } | null })._handle;
    if (!handle || typeof handle.readStart !== 'function') return null;
    (s as unknown as { _handle: unknown })._handle = null;
    s.destroy(); // releases the original wrapper (and the server's connection count) only
    const opts = {
      handle, readable: true, writable: true,
      onread: { buffer: this.#readBuf, callback: (n: number) => { onRead(n); return true; } },
    };
    return new net.Socket(opts as unknown as net.SocketConstructorOpts);
  }

  /** Stops listening and disconnects everyone. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.#cron) clearInterval(this.#cron);
    if (this.#pauseTimer) clearTimeout(this.#pauseTimer);
    for (const c of [...this.clients.values()]) {
      if (c.blocked?.timer) clearTimeout(c.blocked.timer);
      c.socket?.destroy();
      this.freeClient(c);
    }
    await Promise.all(this.#listeners.map((l) => new Promise<void>((r) => l.close(() => r()))));
    this.#listeners = [];
  }

  /** SHUTDOWN: reply nothing, close, and tell the host program. */
  shutdown(): void {
    this.log('User requested shutdown...');
    this.log('Redis is now ready to exit, bye bye...');
    void this.close().then(() => this.#shutdownCb?.());
  }

  /** Keys of a command (COMMAND GETKEYS, ACL). */
  keysOf(spec: CommandSpec, argv: string[]): string[] {
    return commandKeys(spec, argv).map((i) => argv[i]!).filter((k) => k !== undefined);
  }

  get cronLoops(): number { return this.#cronLoops; }
}

/** Handle returned by startServer. */
export interface ServerHandle {
  readonly port: number;
  readonly host: string;
  readonly state: ServerState;
  /** redis://host:port */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts a server (random free port by default) and resolves once it accepts connections.
 *
 *   const srv = await startServer();            // 127.0.0.1, random port
 *   const client = new Redis(srv.port);          // ioredis / node-redis / redis-cli
 *   await srv.close();
 */
export async function startServer(options: ServerOptions = {}): Promise<ServerHandle> {
  const state = new ServerState({ ...options, port: options.port ?? 0 });
  const port = await state.listen();
  const host = state.bindAddrs[0] === '*' || state.bindAddrs[0] === '0.0.0.0' ? '127.0.0.1' : state.bindAddrs[0]!;
  return { port, host, state, url: `redis://${host}:${port}`, close: () => state.close() };
}
