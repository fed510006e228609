/**
 * The collector: a pure function from the replies one scrape gathered (INFO ALL text, the
 * CONFIG values, SLOWLOG LEN / SLOWLOG GET 1, LATENCY LATEST, key checks, CLIENT LIST) to
 * metric samples with redis_exporter 1.45's names. No sockets here: the golden tests feed it
 * the corpus captures, scrape.ts feeds it live replies.
 *
 * INFO is `# Section` headers and `field:value` lines (CRLF):
 *   # Replication
 *   role:master
 *   slave0:ip=127.0.0.1,port=6411,state=online,offset=6475255,lag=0
 *   master_repl_offset:6475255
 */
import { CONFIG_GAUGES, INFO_COUNTERS, INFO_GAUGES, REDACTED_CONFIG } from './metrics.js';
import type { RespValue } from '../tools/resp/index.js';
import { MetricSet } from './samples.js';

export interface KeyCheck {
  db: string;
  key: string;
  /** TYPE reply: string, list, set, zset, hash, stream, none, or an HLL-encoded string ('hll'). */
  type: string;
  size: number;
  /** GET reply for plain strings. */
  value?: string;
}

export interface TargetReplies {
  /** INFO ALL payload. */
  info: string;
  /** CONFIG GET results as name -> value (only the keys asked for). */
  config?: ReadonlyMap<string, string>;
  slowlogLen?: RespValue;
  slowlogGet1?: RespValue;
  latencyLatest?: RespValue;
  /** Key checks (--check-keys / --check-single-keys), already resolved. */
  keys?: readonly KeyCheck[];
  /** `--count-keys` results: db, pattern, count. */
  keyCounts?: readonly { db: string; pattern: string; count: number }[];
  /** CLIENT LIST payload (with --export-client-list). */
  clientList?: string;
}

export interface CollectOptions {
  lintCleanNames?: boolean;
  includeSystemMetrics?: boolean;
  includeConfigMetrics?: boolean;
  exportClientPort?: boolean;
  /** Unix time in seconds, for redis_start_time_seconds and client ages. */
  nowSeconds: number;
}

const RE_MASTER_HOST = /^master(_[0-9]+)?_host/;
const RE_MASTER_PORT = /^master(_[0-9]+)?_port/;
const RE_MASTER_LINK_STATUS = /^master(_[0-9]+)?_link_status/;
const RE_MASTER_DIRECT = /^(master(_[0-9]+)?_(last_io_seconds_ago|sync_in_progress)|slave_repl_offset)/;
const RE_SLAVE = /^slave\d+/;

/** Go's strconv.ParseFloat on a whole string, or undefined. */
function parseFloatStrict(s: string): number | undefined {
  if (s === '') return undefined;
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(s.length - 1);
  // Number() trims whitespace and accepts 0x/0b/0o; Go's ParseFloat does not.
  if (first <= 0x20 || last <= 0x20) return undefined;
  const v = Number(s);
  if (Number.isNaN(v)) return /^[+-]?nan$/i.test(s) ? NaN : undefined;
  if (s.length > 1 && first === 0x30) {
    const c = s.charCodeAt(1) | 0x20;
    if (c === 0x78 || c === 0x62 || c === 0x6f) return undefined; // 0x.., 0b.., 0o..
  }
  return v;
}

/** `k=v` -> value as float. */
function extractVal(s: string): number | undefined {
  const eq = s.indexOf('=');
  if (eq < 0 || s.indexOf('=', eq + 1) >= 0) return undefined;
  return parseFloatStrict(s.slice(eq + 1));
}

/** Metric names from INFO field names: anything outside [a-zA-Z0-9_] becomes `_`. */
const NOT_NAME_CHAR = /[^a-zA-Z0-9_]/g;

function sanitize(name: string): string {
  NOT_NAME_CHAR.lastIndex = 0;
  return NOT_NAME_CHAR.test(name) ? name.replace(NOT_NAME_CHAR, '_') : name;
}

const GAUGES = new Map(Object.entries(INFO_GAUGES));
const COUNTERS = new Map(Object.entries(INFO_COUNTERS));

function includeField(field: string): boolean {
  return GAUGES.has(field) || COUNTERS.has(field) || field.startsWith('db') || field.startsWith('cmdstat_') || field.startsWith('cluster_');
}

function infoValue(v: string): number {
  switch (v) {
    case 'ok':
    case 'true':
      return 1;
    case 'err':
    case 'fail':
    case 'false':
      return 0;
    default:
      // redis_exporter registers the metric with 0 when the value does not parse.
      return parseFloatStrict(v) ?? 0;
  }
}

interface CmdStat {
  calls: number;
  usec: number;
}

/** Adds the INFO-derived families. Returns the parsed field map (callers need role etc.). */
export function collectInfo(m: MetricSet, info: string, dbCount: number, opts: CollectOptions): Map<string, string> {
  const kv = new Map<string, string>();
  const handledDbs = new Set<string>();
  const cmdStats = new Map<string, CmdStat>();
  const latency = new Map<string, [number, number][]>();
  let section = '';
  let masterHost = '';
  let masterPort = '';

  for (const raw of info.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('# ')) {
      section = line.slice(2);
      continue;
    }
    if (line.length < 2) continue;
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const field = line.slice(0, colon);
    const value = line.slice(colon + 1);
    kv.set(field, value);
    if (field.startsWith('master')) {
      if (RE_MASTER_HOST.test(field)) masterHost = value;
      if (RE_MASTER_PORT.test(field)) masterPort = value;
    }

    switch (section) {
      case 'Replication':
        if (replicationField(m, masterHost, masterPort, field, value)) continue;
        break;
      case 'Server':
        if (field === 'uptime_in_seconds') {
          const up = parseFloatStrict(value);
          if (up !== undefined) m.gauge('start_time_seconds', Math.floor(opts.nowSeconds) - up);
        }
        break;
      case 'Commandstats': {
        const c = commandStat(m, field, value);
        if (c) cmdStats.set(c.cmd, c);
        continue;
      }
      case 'Latencystats': {
        const prefix = 'latency_percentiles_usec_';
        if (field.startsWith(prefix)) {
          const qs: [number, number][] = [];
          let ok = true;
          for (const part of value.split(',')) {
            const eq = part.indexOf('=');
            const q = parseFloatStrict(part.slice(1, eq));
            const v = parseFloatStrict(part.slice(eq + 1));
            if (eq < 0 || q === undefined || v === undefined) { ok = false; break; }
            qs.push([q, v]);
          }
          if (ok) latency.set(field.slice(prefix.length), qs);
        }
        continue;
      }
      case 'Errorstats': {
        if (field.startsWith('errorstat_')) {
          const count = extractVal(value);
          if (count !== undefined) m.counter('errors_total', count, field.slice('errorstat_'.length));
        }
        continue;
      }
      case 'Keyspace': {
        const ks = parseKeyspace(field, value);
        if (ks) {
          m.gauge('db_keys', ks.keys, field);
          m.gauge('db_keys_expiring', ks.expires, field);
          if (ks.cached !== undefined) m.gauge('db_keys_cached', ks.cached, field);
          if (ks.avgTtl !== undefined) m.gauge('db_avg_ttl_seconds', ks.avgTtl, field);
          handledDbs.add(field);
          continue;
        }
        break;
      }
      default:
        break;
    }
    if (field === 'total_system_memory') {
      if (opts.includeSystemMetrics) m.gauge('total_system_memory_bytes', infoValue(value));
      continue;
    }
    if (!includeField(field)) continue;
    infoField(m, field, value);
  }

  for (const [cmd, qs] of latency) {
    const c = cmdStats.get(cmd);
    if (c) m.summary('latency_percentiles_usec', [cmd], c.calls, c.usec, qs);
  }
  for (let i = 0; i < dbCount; i++) {
    const db = `db${i}`;
    if (!handledDbs.has(db)) {
      m.gauge('db_keys', 0, db);
      m.gauge('db_keys_expiring', 0, db);
    }
  }
  const g = (k: string) => kv.get(k) ?? '';
  m.gauge('instance_info', 1, g('role'), g('redis_version'), g('redis_build_id'), g('redis_mode'), g('os'),
    g('maxmemory_policy'), g('tcp_port'), g('run_id'), g('process_id'));
  if (kv.get('role') === 'slave') {
    m.gauge('slave_info', 1, g('master_host'), g('master_port'), g('slave_read_only'));
  }
  return kv;
}

function infoField(m: MetricSet, field: string, value: string): void {
  const org = sanitize(field);
  const counter = COUNTERS.get(org);
  let name = GAUGES.get(org) ?? counter ?? org;
  let v = infoValue(value);
  const type = counter !== undefined ? 'counter' : 'gauge';
  if (name === 'latest_fork_usec') {
    name = 'latest_fork_seconds';
    v /= 1e6;
  }
  m.add(type, name, v);
}

function replicationField(m: MetricSet, host: string, port: string, field: string, value: string): boolean {
  if (RE_MASTER_LINK_STATUS.test(field)) {
    m.gauge('master_link_up', value === 'up' ? 1 : 0, host, port);
    return true;
  }
  if (RE_MASTER_DIRECT.test(field)) {
    let name = field;
    if (field.endsWith('last_io_seconds_ago')) name = 'master_last_io_seconds_ago';
    else if (field.endsWith('sync_in_progress')) name = 'master_sync_in_progress';
    // Go's strconv.Atoi: integers only, 0 otherwise.
    const n = /^[+-]?\d+$/.test(value) ? Number(value) : 0;
    m.gauge(name, n, host, port);
    return true;
  }
  if (RE_SLAVE.test(field)) {
    const parts = new Map<string, string>();
    for (const kvPart of value.split(',')) {
      const x = kvPart.split('=');
      if (x.length !== 2) return false;
      parts.set(x[0]!, x[1]!);
    }
    const offset = parseFloatStrict(parts.get('offset') ?? '');
    if (offset === undefined) return false;
    let lag = -1;
    if (parts.has('lag')) {
      const l = parseFloatStrict(parts.get('lag')!);
      if (l === undefined) return false;
      lag = l;
    }
    const labels = [parts.get('ip') ?? '', parts.get('port') ?? '', parts.get('state') ?? ''];
    m.gauge('connected_slave_offset_bytes', offset, ...labels);
    if (lag > -1) m.gauge('connected_slave_lag_seconds', lag, ...labels);
    return true;
  }
  return false;
}

function commandStat(m: MetricSet, field: string, value: string): (CmdStat & { cmd: string }) | undefined {
  // cmdstat_get:calls=21,usec=175,usec_per_call=8.33,rejected_calls=0,failed_calls=0  (6.2+)
  if (!field.startsWith('cmdstat_')) return undefined;
  const cmd = field.slice('cmdstat_'.length);
  const parts = value.split(',');
  if (parts.length < 3) return undefined;
  const calls = extractVal(parts[0]!);
  const usec = extractVal(parts[1]!);
  if (calls === undefined || usec === undefined) return undefined;
  m.counter('commands_total', calls, cmd);
  m.counter('commands_duration_seconds_total', usec / 1e6, cmd);
  if (parts.length >= 5) {
    const rejected = extractVal(parts[3]!);
    const failed = extractVal(parts[4]!);
    if (rejected !== undefined && failed !== undefined) {
      m.counter('commands_rejected_calls_total', rejected, cmd);
      m.counter('commands_failed_calls_total', failed, cmd);
    }
  }
  return { cmd, calls, usec };
}

/** db0:keys=1,expires=0,avg_ttl=0[,cached_keys=0] */
function parseKeyspace(field: string, value: string):
  { keys: number; expires: number; avgTtl: number | undefined; cached: number | undefined } | undefined {
  if (!field.startsWith('db')) return undefined;
  const parts = value.split(',');
  if (parts.length < 2 || parts.length > 4) return undefined;
  const keys = extractVal(parts[0]!);
  const expires = extractVal(parts[1]!);
  if (keys === undefined || expires === undefined) return undefined;
  let avgTtl: number | undefined;
  if (parts.length > 2) {
    const t = extractVal(parts[2]!);
    if (t === undefined) return undefined;
    avgTtl = t / 1000;
  }
  let cached: number | undefined;
  if (parts.length > 3) {
    cached = extractVal(parts[3]!);
    if (cached === undefined) return undefined;
  }
  return { keys, expires, avgTtl, cached };
}

/**
 * The text of a simple or bulk string reply (the codec hands bulk strings out as Buffers);
 * undefined for anything else (errors, integers, arrays, null).
 */
export function replyText(v: RespValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  return Buffer.isBuffer(v) ? v.toString('utf8') : undefined;
}

function isInt(v: RespValue | undefined): v is number {
  return typeof v === 'number';
}

/** SLOWLOG LEN + SLOWLOG GET 1 -> slowlog_length, slowlog_last_id, last_slow_execution_duration_seconds. */
export function collectSlowlog(m: MetricSet, len: RespValue | undefined, get1: RespValue | undefined): void {
  if (isInt(len)) m.gauge('slowlog_length', len);
  if (!Array.isArray(get1)) return;
  let lastId = 0;
  let lastDuration = 0;
  const first = get1[0];
  if (Array.isArray(first) && first.length > 0) {
    if (isInt(first[0])) lastId = first[0];
    if (first.length > 2 && isInt(first[2])) lastDuration = first[2] / 1e6;
  }
  m.gauge('slowlog_last_id', lastId);
  m.gauge('last_slow_execution_duration_seconds', lastDuration);
}

/** LATENCY LATEST rows [event, unix time, latest ms, max ms] -> latency_spike_* per event. */
export function collectLatency(m: MetricSet, latest: RespValue | undefined): void {
  if (!Array.isArray(latest)) return;
  for (const row of latest) {
    if (!Array.isArray(row) || row.length < 4) continue;
    const event = replyText(row[0]);
    const [, when, ms] = row;
    if (event === undefined || !isInt(when) || !isInt(ms)) continue;
    m.gauge('latency_spike_last', when, event);
    m.gauge('latency_spike_duration_seconds', ms / 1e3, event);
  }
}

/** CONFIG values -> config_<key> gauges (and all keys with --include-config-metrics). Returns `databases`. */
export function collectConfig(m: MetricSet, config: ReadonlyMap<string, string> | undefined, includeAll: boolean): number {
  let dbCount = 0;
  if (!config) return dbCount;
  for (const [key, value] of config) {
    if (key === 'databases') {
      const n = /^[+-]?\d+$/.test(value) ? Number(value) : NaN;
      if (!Number.isNaN(n)) dbCount = n;
    }
    if (includeAll && !REDACTED_CONFIG.has(key)) {
      m.gauge('config_key_value', 1, key, value);
      const v = parseFloatStrict(value);
      if (v !== undefined) m.gauge('config_value', v, key);
    }
    if (CONFIG_GAUGES.has(key)) {
      const v = parseFloatStrict(value);
      if (v !== undefined) m.gauge(`config_${key.replace(/-/g, '_')}`, v);
    }
  }
  return dbCount;
}

export function collectKeys(m: MetricSet, keys: readonly KeyCheck[] | undefined): void {
  for (const k of keys ?? []) {
    const db = `db${k.db}`;
    if (k.type === 'none') {
      m.gauge('key_size', 0, db, k.key);
      continue;
    }
    m.gauge('key_size', k.size, db, k.key);
    if (k.type === 'string' && k.value !== undefined) {
      const v = parseFloatStrict(k.value);
      if (v !== undefined) m.gauge('key_value', v, db, k.key);
      else m.gauge('key_value_as_string', 1, db, k.key, k.value);
    }
  }
}

/** CLIENT LIST -> connected_clients_details (redis_exporter's --export-client-list). */
export function collectClientList(m: MetricSet, list: string | undefined, opts: CollectOptions): void {
  if (list === undefined) return;
  const labelNames = ['name', 'created_at', 'idle_since', 'flags', 'db', 'omem', 'cmd', 'host'];
  if (opts.exportClientPort) labelNames.push('port');
  for (const line of list.split('\n')) {
    const l = line.trim();
    if (!/^id=\d+ addr=\d+/.test(l)) continue;
    const f = new Map<string, string>();
    let ok = true;
    for (const part of l.split(' ')) {
      const x = part.split('=');
      if (x.length !== 2) { ok = false; break; }
      f.set(x[0]!, x[1]!);
    }
    if (!ok) continue;
    const age = f.get('age') ?? '';
    const idle = f.get('idle') ?? '';
    if (!/^-?\d+$/.test(age) || !/^-?\d+$/.test(idle)) continue;
    const hp = (f.get('addr') ?? '').split(':');
    if (hp.length !== 2) continue;
    const values = [f.get('name') ?? '', String(Math.trunc(opts.nowSeconds) - Number(age)), String(Math.trunc(opts.nowSeconds) - Number(idle)),
      f.get('flags') ?? '', f.get('db') ?? '', f.get('omem') ?? '', f.get('cmd') ?? '', hp[0]!];
    if (opts.exportClientPort) values.push(hp[1]!);
    m.add('gauge', 'connected_clients_details', 1, values, labelNames);
  }
}

/** Everything a healthy scrape reports about the target, from its replies. */
export function collectTarget(m: MetricSet, r: TargetReplies, opts: CollectOptions): void {
  let dbCount = collectConfig(m, r.config, opts.includeConfigMetrics === true);
  // CONFIG may be renamed or denied: then redis_exporter assumes Redis's default of 16.
  if (/(^|\n)cluster_enabled:1\r?$/m.test(r.info)) dbCount = 1;
  else if (dbCount === 0) dbCount = 16;
  collectInfo(m, r.info, dbCount, opts);
  collectLatency(m, r.latencyLatest);
  collectKeys(m, r.keys);
  collectSlowlog(m, r.slowlogLen, r.slowlogGet1);
  for (const c of r.keyCounts ?? []) m.gauge('keys_count', c.count, `db${c.db}`, c.pattern);
  collectClientList(m, r.clientList, opts);
}

/** Flattens a CONFIG GET reply (name, value, name, value …) into a map. */
export function configMap(reply: RespValue | undefined): Map<string, string> | undefined {
  if (!Array.isArray(reply) || reply.length % 2 !== 0) return undefined;
  const out = new Map<string, string>();
  for (let i = 0; i < reply.length; i += 2) {
    const k = replyText(reply[i]);
    const v = replyText(reply[i + 1]);
    if (k !== undefined && v !== undefined) out.set(k, v);
  }
  return out;
}
