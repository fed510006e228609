/**
 * The config table: every redis.conf directive Redis 7.0 knows (names and defaults from
 * config-defaults.ts), with types, validation, aliases (hash-max-ziplist-* …) and CONFIG
 * GET/SET/RESETSTAT semantics. Values are kept in canonical string form (what CONFIG GET
 * returns); typed getters parse them once per change.
 */
import { DEFAULTS } from './config-defaults.js';
import { globMatch } from './util/glob.js';
import { parseDouble } from './util/parse.js';

type Kind = 'bool' | 'int' | 'mem' | 'str' | 'enum' | 'special';

interface Entry {
  name: string;
  kind: Kind;
  value: string;
  num: number;
  enumValues?: string[];
  multiEnum?: boolean;
  immutable?: boolean;
  min?: number;
  max?: number;
  alias?: string;
  hidden?: boolean;
  /** Extra validation for special kinds: returns an error text or null, and may canonicalize. */
  check?: (v: string) => { error: string } | { value: string };
}

const ENUMS: Record<string, string[]> = {
  'maxmemory-policy': ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'],
  loglevel: ['debug', 'verbose', 'notice', 'warning'],
  appendfsync: ['always', 'everysec', 'no'],
  supervised: ['upstart', 'systemd', 'auto', 'no'],
  'syslog-facility': ['user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'],
  'repl-diskless-load': ['disabled', 'on-empty-db', 'swapdb'],
  'oom-score-adj': ['no', 'yes', 'relative', 'absolute'],
  'acl-pubsub-default': ['allchannels', 'resetchannels'],
  'sanitize-dump-payload': ['no', 'yes', 'clients'],
  'enable-protected-configs': ['no', 'yes', 'local'],
  'enable-debug-command': ['no', 'yes', 'local'],
  'enable-module-command': ['no', 'yes', 'local'],
  'cluster-preferred-endpoint-type': ['ip', 'hostname', 'unknown-endpoint'],
  'propagation-error-behavior': ['ignore', 'panic', 'panic-on-replicas'],
  'shutdown-on-sigint': ['default', 'save', 'nosave', 'now', 'force'],
  'shutdown-on-sigterm': ['default', 'save', 'nosave', 'now', 'force'],
};
const MULTI_ENUM = new Set(['shutdown-on-sigint', 'shutdown-on-sigterm']);

const MEMORY = new Set(['proto-max-bulk-len', 'repl-backlog-size', 'maxmemory', 'cluster-link-sendbuf-limit',
  'active-defrag-ignore-bytes', 'hash-max-listpack-value', 'stream-node-max-bytes', 'zset-max-listpack-value',
  'hll-sparse-max-bytes', 'client-query-buffer-limit', 'maxmemory-clients', 'auto-aof-rewrite-min-size']);

const IMMUTABLE = new Set(['daemonize', 'io-threads-do-reads', 'always-show-logo', 'set-proc-title', 'syslog-enabled',
  'cluster-enabled', 'disable-thp', 'aclfile', 'unixsocket', 'pidfile', 'cluster-config-file', 'syslog-ident',
  'appendfilename', 'appenddirname', 'supervised', 'syslog-facility', 'databases', 'io-threads', 'tcp-backlog',
  'cluster-port', 'unixsocketperm', 'logfile', 'enable-protected-configs', 'enable-debug-command',
  'enable-module-command', 'rdbchecksum']);

/** Hidden debugging configs: returned only when named exactly (CONFIG GET key-load-delay). */
const HIDDEN: Record<string, string> = { 'key-load-delay': '0', 'rdb-key-save-delay': '0', 'loading-process-events-interval-bytes': '2097152' };

const ALIASES: Record<string, string> = {
  'hash-max-ziplist-entries': 'hash-max-listpack-entries',
  'hash-max-ziplist-value': 'hash-max-listpack-value',
  'zset-max-ziplist-entries': 'zset-max-listpack-entries',
  'zset-max-ziplist-value': 'zset-max-listpack-value',
  'list-max-ziplist-size': 'list-max-listpack-size',
  'slave-announce-ip': 'replica-announce-ip',
  'slave-announce-port': 'replica-announce-port',
  'slave-ignore-maxmemory': 'replica-ignore-maxmemory',
  'slave-lazy-flush': 'replica-lazy-flush',
  'slave-priority': 'replica-priority',
  'slave-read-only': 'replica-read-only',
  'slave-serve-stale-data': 'replica-serve-stale-data',
  'slaveof': 'replicaof',
  'min-slaves-max-lag': 'min-replicas-max-lag',
  'min-slaves-to-write': 'min-replicas-to-write',
  'repl-ping-slave-period': 'repl-ping-replica-period',
  'cluster-slave-no-failover': 'cluster-replica-no-failover',
  'cluster-slave-validity-factor': 'cluster-replica-validity-factor',
};

/** Ranges that tests and users hit (the rest accept any integer of the right sign). */
const RANGES: Record<string, [number, number]> = {
  hz: [0, 2147483647],
  databases: [1, 2147483647],
  'maxmemory-samples': [1, 64],
  'maxmemory-eviction-tenacity': [0, 100],
  'slowlog-max-len': [0, 2147483647],
  'slowlog-log-slower-than': [-1, Number.MAX_SAFE_INTEGER],
  'latency-monitor-threshold': [0, Number.MAX_SAFE_INTEGER],
  'list-max-listpack-size': [-2147483648, 2147483647],
  'list-compress-depth': [0, 2147483647],
  'active-expire-effort': [1, 10],
  'lfu-log-factor': [0, 2147483647],
  'lfu-decay-time': [0, 2147483647],
  maxclients: [1, 2147483647],
  port: [0, 65535],
  'tls-port': [0, 65535],
  timeout: [0, 2147483647],
  'tcp-keepalive': [0, 2147483647],
  'proto-max-bulk-len': [1024 * 1024, Number.MAX_SAFE_INTEGER],
  'client-query-buffer-limit': [1024 * 1024, Number.MAX_SAFE_INTEGER],
  'active-defrag-cycle-min': [1, 99],
  'active-defrag-cycle-max': [1, 99],
  'active-defrag-threshold-lower': [0, 1000],
  'active-defrag-threshold-upper': [0, 1000],
  'replica-priority': [0, 2147483647],
  'repl-diskless-sync-delay': [0, 2147483647],
  'repl-timeout': [1, 2147483647],
  'repl-ping-replica-period': [1, 2147483647],
  'min-replicas-to-write': [0, 2147483647],
  'min-replicas-max-lag': [0, 2147483647],
  'lua-time-limit': [0, Number.MAX_SAFE_INTEGER],
  'busy-reply-threshold': [0, Number.MAX_SAFE_INTEGER],
  'acllog-max-len': [0, Number.MAX_SAFE_INTEGER],
  'stream-node-max-entries': [0, Number.MAX_SAFE_INTEGER],
  'tracking-table-max-keys': [0, Number.MAX_SAFE_INTEGER],
  'hash-max-listpack-entries': [0, Number.MAX_SAFE_INTEGER],
  'zset-max-listpack-entries': [0, Number.MAX_SAFE_INTEGER],
  'set-max-intset-entries': [0, Number.MAX_SAFE_INTEGER],
  'shutdown-timeout': [0, 2147483647],
  'socket-mark-id': [0, 2147483647],
};

const HIDDEN_NUM_STRINGS = new Set(['oom-score-adj-values', 'latency-tracking-info-percentiles', 'save', 'bind', 'client-output-buffer-limit', 'notify-keyspace-events', 'dir', 'requirepass', 'masterauth', 'replicaof']);

/** Parses a memory value (redis.conf memtoull): returns bytes or null. */
export function memToBytes(s: string): number | null {
  const m = /^(\d+)(b|k|kb|m|mb|g|gb)?$/i.exec(s);
  if (!m) return null;
  const mul: Record<string, number> = { b: 1, k: 1000, kb: 1024, m: 1e6, mb: 1048576, g: 1e9, gb: 1073741824 };
  return Number(m[1]) * mul[(m[2] ?? 'b').toLowerCase()]!;
}

/** notify-keyspace-events letters -> canonical string (keyspaceEventsFlagsToString order). */
export function canonicalNotify(s: string): string | null {
  const set = new Set<string>();
  for (const ch of s) {
    if ('g$lshzxetmdKEAn'.indexOf(ch) < 0) return null;
    if (ch === 'A') for (const c of 'g$lshzxetd') set.add(c);
    else set.add(ch);
  }
  let out = '';
  const all = 'g$lshzxetd'.split('').every((c) => set.has(c));
  if (all) out += 'A';
  else for (const c of 'g$lshzxetd') if (set.has(c)) out += c;
  if (set.has('K')) out += 'K';
  if (set.has('E')) out += 'E';
  if (set.has('m')) out += 'm';
  if (set.has('n')) out += 'n';
  return out;
}

export type ConfigListener = (name: string, value: string) => void;

export class Config {
  readonly #entries = new Map<string, Entry>();
  readonly #listeners: ConfigListener[] = [];

  constructor() {
    for (const line of DEFAULTS.split('\n')) {
      if (!line) continue;
      const eq = line.indexOf('=');
      const name = line.slice(0, eq);
      const value = line.slice(eq + 1);
      if (ALIASES[name]) continue;
      this.#entries.set(name, this.#makeEntry(name, value));
    }
    for (const [name, value] of Object.entries(HIDDEN)) this.#entries.set(name, { ...this.#makeEntry(name, value), hidden: true });
    for (const [alias, target] of Object.entries(ALIASES)) {
      const e = this.#entries.get(target);
      if (e) this.#entries.set(alias, { ...e, name: alias, alias: target });
    }
  }

  #makeEntry(name: string, value: string): Entry {
    let kind: Kind;
    if (ENUMS[name]) kind = 'enum';
    else if (MEMORY.has(name)) kind = 'mem';
    else if (HIDDEN_NUM_STRINGS.has(name)) kind = 'special';
    else if (value === 'yes' || value === 'no') kind = 'bool';
    else if (/^-?\d+$/.test(value)) kind = 'int';
    else kind = 'str';
    const e: Entry = { name, kind, value, num: Number(value) || 0 };
    if (kind === 'enum') { e.enumValues = ENUMS[name]!; e.multiEnum = MULTI_ENUM.has(name); }
    if (IMMUTABLE.has(name)) e.immutable = true;
    const r = RANGES[name];
    if (r) { e.min = r[0]; e.max = r[1]; }
    else if (kind === 'int' || kind === 'mem') { e.min = /^-/.test(value) ? -Number.MAX_SAFE_INTEGER : 0; e.max = Number.MAX_SAFE_INTEGER; }
    if (kind === 'special') e.check = specialCheck(name);
    if (kind === 'bool') e.num = value === 'yes' ? 1 : 0;
    return e;
  }

  onChange(fn: ConfigListener): void { this.#listeners.push(fn); }

  #resolve(name: string): Entry | undefined {
    const e = this.#entries.get(name.toLowerCase());
    if (!e) return undefined;
    return e.alias ? this.#entries.get(e.alias) : e;
  }

  has(name: string): boolean { return this.#resolve(name) !== undefined; }

  /** Canonical string value (CONFIG GET form). */
  get(name: string): string {
    const e = this.#resolve(name);
    if (!e) throw new Error(`unknown config ${name}`);
    return e.value;
  }

  /** Numeric value of an int/mem/bool config (bool: 1/0). */
  num(name: string): number {
    const e = this.#resolve(name);
    if (!e) throw new Error(`unknown config ${name}`);
    return e.num;
  }

  bool(name: string): boolean { return this.num(name) === 1; }

  /** CONFIG GET pattern(s): [name, value] pairs (aliases only when named exactly, like Redis). */
  match(patterns: string[]): [string, string][] {
    const out = new Map<string, string>();
    for (const p of patterns) {
      const lp = p.toLowerCase();
      const hasGlob = /[*?[]/.test(lp);
      if (!hasGlob) {
        const e = this.#entries.get(lp);
        if (e) out.set(e.name, (e.alias ? this.#entries.get(e.alias)! : e).value);
        continue;
      }
      for (const e of this.#entries.values()) {
        if (!e.hidden && globMatch(lp, e.name, true)) out.set(e.name, (e.alias ? this.#entries.get(e.alias)! : e).value);
      }
    }
    return [...out];
  }

  /**
   * Validates one directive; returns the canonical value or an error text (without the
   * "CONFIG SET failed (possibly related to argument 'x') - " prefix).
   */
  validate(name: string, raw: string, startup = false): { value: string; num: number } | { error: string; unknown?: boolean; immutable?: boolean } {
    const e = this.#resolve(name);
    if (!e) return { error: 'unknown', unknown: true };
    if (e.immutable && !startup) return { error: "can't set immutable config", immutable: true };
    switch (e.kind) {
      case 'bool': {
        const l = raw.toLowerCase();
        if (l !== 'yes' && l !== 'no') return { error: "argument must be 'yes' or 'no'" };
        return { value: l, num: l === 'yes' ? 1 : 0 };
      }
      case 'int':
      case 'mem': {
        let n: number | null;
        if (e.kind === 'mem') {
          if (name === 'maxmemory-clients' && raw.endsWith('%')) {
            n = /^\d+$/.test(raw.slice(0, -1)) ? Number(raw.slice(0, -1)) : null;
            if (n === null) return { error: 'argument must be a memory or percent value' };
            if (n > 100) return { error: 'percentage argument must be less or equal to 100' };
            return { value: raw, num: -n };
          }
          else n = /^-?\d+$/.test(raw) ? Number(raw) : memToBytes(raw);
          if (n === null || Number.isNaN(n)) return { error: 'argument must be a memory value' };
        } else {
          n = /^-?\d+$/.test(raw) ? Number(raw) : null;
          if (n === null) return { error: "argument couldn't be parsed into an integer" };
        }
        if ((e.min !== undefined && n < e.min) || (e.max !== undefined && n > e.max)) {
          return { error: `argument must be between ${e.min} and ${e.max === Number.MAX_SAFE_INTEGER ? '9223372036854775807' : e.max} inclusive` };
        }
        return { value: String(n), num: n };
      }
      case 'enum': {
        const parts = raw.toLowerCase().split(/\s+/).filter(Boolean);
        if ((!e.multiEnum && parts.length !== 1) || parts.length === 0 || parts.some((p) => !e.enumValues!.includes(p))) {
          return { error: `argument(s) must be one of the following: ${e.enumValues!.join(', ')}` };
        }
        return { value: parts.join(' '), num: 0 };
      }
      case 'special': {
        const r = e.check!(raw);
        if ('error' in r) return r;
        return { value: r.value, num: 0 };
      }
      default:
        return { value: raw, num: 0 };
    }
  }

  /** Sets a validated value (no checks) and notifies listeners. */
  setValidated(name: string, value: string, num: number): void {
    const e = this.#resolve(name)!;
    e.value = value;
    e.num = num;
    for (const fn of this.#listeners) fn(e.name, value);
  }

  /** Validate and set; returns an error text or null. */
  set(name: string, raw: string, startup = false): string | null {
    const r = this.validate(name, raw, startup);
    if ('error' in r) return r.error;
    this.setValidated(name, r.value, r.num);
    return null;
  }

  /** Canonical name (aliases resolved). */
  canonicalName(name: string): string | undefined {
    return this.#resolve(name)?.name;
  }

  names(): string[] {
    return [...this.#entries.keys()];
  }
}

function specialCheck(name: string): (v: string) => { error: string } | { value: string } {
  switch (name) {
    case 'save':
      return (v) => {
        const parts = v.split(/\s+/).filter(Boolean);
        if (parts.length % 2 !== 0) return { error: 'Invalid save parameters' };
        for (const p of parts) if (!/^\d+$/.test(p)) return { error: 'Invalid save parameters' };
        return { value: parts.join(' ') };
      };
    case 'notify-keyspace-events':
      return (v) => {
        const c = canonicalNotify(v);
        return c === null ? { error: 'Invalid event class character. Use \'Ag$lshzxeKEtmdn\'.' } : { value: c };
      };
    case 'latency-tracking-info-percentiles':
      return (v) => {
        const parts = v.split(/\s+/).filter(Boolean);
        const nums: string[] = [];
        for (const p of parts) {
          const d = parseDouble(p);
          if (d === null || d < 0 || d > 100) return { error: 'latency-tracking-info-percentiles can only be a double between 0 and 100 and whitespace separated' };
          nums.push(String(d));
        }
        return { value: nums.join(' ') };
      };
    case 'oom-score-adj-values':
      return (v) => {
        const parts = v.split(/\s+/).filter(Boolean);
        if (parts.length !== 3 || parts.some((p) => !/^-?\d+$/.test(p) || Math.abs(Number(p)) > 2000)) return { error: 'Invalid oom-score-adj-values' };
        return { value: parts.join(' ') };
      };
    case 'client-output-buffer-limit':
      return (v) => {
        const parts = v.split(/\s+/).filter(Boolean);
        if (parts.length % 4 !== 0) return { error: 'Wrong number of arguments in buffer limit configuration.' };
        return { value: v };
      };
    default:
      return (v) => ({ value: v });
  }
}
