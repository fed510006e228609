/**
 * Key positions of Redis commands, for finding the keys in MONITOR lines (instead of
 * redis-faina's "the first argument").
 *
 * Derived from Redis 7.0.15's command table (src/commands/*.json, `key_specs`), in the same
 * terms as COMMAND INFO / COMMAND DOCS: a begin-search step (an argument index, or a keyword
 * searched from `startfrom`, negative = from the end backwards) then a find-keys step (a range
 * `lastkey, step, limit`, or a key count `keynumidx, firstkey, step`). The extraction follows
 * Redis's getKeysUsingKeySpecs() (src/db.c). Specs flagged NOT_KEY (SPUBLISH channels) are left
 * out; SORT/SORT_RO and MIGRATE, whose specs are `unknown`/INCOMPLETE in Redis, have their own
 * code below like Redis's sortGetKeys()/migrateGetKeys(). Subcommands are `CONTAINER|SUB`.
 * (When the server's own command table becomes importable this table can be generated from it.)
 *
 *   keyPositions(['SET', 'k', 'v'])                          -> [1]
 *   keyPositions(['EVAL', 'return 1', '2', 'a', 'b', 'x'])   -> [3, 4]
 *   keyPositions(['XREAD', 'COUNT', '2', 'STREAMS', 's1', 's2', '0', '0']) -> [4, 5]
 */

type Begin = { index: number } | { keyword: string; startfrom: number };
type Find = { lastkey: number; step: number; limit: number } | { keynumidx: number; firstkey: number; step: number };
export interface KeySpec {
  begin: Begin;
  find: Find;
}

/** index begin, range find */
function R(pos: number, lastkey: number, step: number, limit: number): KeySpec {
  return { begin: { index: pos }, find: { lastkey, step, limit } };
}
/** keyword begin, range find */
function KR(keyword: string, startfrom: number, lastkey: number, step: number, limit: number): KeySpec {
  return { begin: { keyword, startfrom }, find: { lastkey, step, limit } };
}
/** index begin, keynum find */
function N(pos: number, keynumidx: number, firstkey: number, step: number): KeySpec {
  return { begin: { index: pos }, find: { keynumidx, firstkey, step } };
}

/** Commands that have subcommands (the key specs are on `NAME|SUB`). */
export const CONTAINERS: ReadonlySet<string> = new Set([
  'ACL',
  'CLIENT',
  'CLUSTER',
  'COMMAND',
  'CONFIG',
  'FUNCTION',
  'LATENCY',
  'MEMORY',
  'MODULE',
  'OBJECT',
  'PUBSUB',
  'SCRIPT',
  'SENTINEL',
  'SLOWLOG',
  'XGROUP',
  'XINFO',
]);

/** Redis 7.0.15 key specs, by upper-case command name. Commands without keys are absent. */
export const KEY_SPECS: Readonly<Record<string, readonly KeySpec[]>> = {
  APPEND: [R(1, 0, 1, 0)],
  BITCOUNT: [R(1, 0, 1, 0)],
  BITFIELD: [R(1, 0, 1, 0)],
  BITFIELD_RO: [R(1, 0, 1, 0)],
  BITOP: [R(2, 0, 1, 0), R(3, -1, 1, 0)],
  BITPOS: [R(1, 0, 1, 0)],
  BLMOVE: [R(1, 0, 1, 0), R(2, 0, 1, 0)],
  BLMPOP: [N(2, 0, 1, 1)],
  BLPOP: [R(1, -2, 1, 0)],
  BRPOP: [R(1, -2, 1, 0)],
  BRPOPLPUSH: [R(1, 0, 1, 0), R(2, 0, 1, 0)],
  BZMPOP: [N(2, 0, 1, 1)],
  BZPOPMAX: [R(1, -2, 1, 0)],
  BZPOPMIN: [R(1, -2, 1, 0)],
  COPY: [R(1, 0, 1, 0), R(2, 0, 1, 0)],
  DECR: [R(1, 0, 1, 0)],
  DECRBY: [R(1, 0, 1, 0)],
  DEL: [R(1, -1, 1, 0)],
  DUMP: [R(1, 0, 1, 0)],
  EVAL: [N(2, 0, 1, 1)],
  EVALSHA: [N(2, 0, 1, 1)],
  EVALSHA_RO: [N(2, 0, 1, 1)],
  EVAL_RO: [N(2, 0, 1, 1)],
  EXISTS: [R(1, -1, 1, 0)],
  EXPIRE: [R(1, 0, 1, 0)],
  EXPIREAT: [R(1, 0, 1, 0)],
  EXPIRETIME: [R(1, 0, 1, 0)],
  FCALL: [N(2, 0, 1, 1)],
  FCALL_RO: [N(2, 0, 1, 1)],
  GEOADD: [R(1, 0, 1, 0)],
  GEODIST: [R(1, 0, 1, 0)],
  GEOHASH: [R(1, 0, 1, 0)],
  GEOPOS: [R(1, 0, 1, 0)],
  GEORADIUS: [R(1, 0, 1, 0), KR('STORE', 6, 0, 1, 0), KR('STOREDIST', 6, 0, 1, 0)],
  GEORADIUSBYMEMBER: [R(1, 0, 1, 0), KR('STORE', 5, 0, 1, 0), KR('STOREDIST', 5, 0, 1, 0)],
  GEORADIUSBYMEMBER_RO: [R(1, 0, 1, 0)],
  GEORADIUS_RO: [R(1, 0, 1, 0)],
  GEOSEARCH: [R(1, 0, 1, 0)],
  GEOSEARCHSTORE: [R(1, 0, 1, 0), R(2, 0, 1, 0)],
  GET: [R(1, 0, 1, 0)],
  GETBIT: [R(1, 0, 1, 0)],
  GETDEL: [R(1, 0, 1, 0)],
  GETEX: [R(1, 0, 1, 0)],
  GETRANGE: [R(1, 0, 1, 0)],
  GETSET: [R(1, 0, 1, 0)],
  HDEL: [R(1, 0, 1, 0)],
  HEXISTS: [R(1, 0, 1, 0)],
  HGET: [R(1, 0, 1, 0)],
  HGETALL: [R(1, 0, 1, 0)],
  HINCRBY: [R(1, 0, 1, 0)],
  HINCRBYFLOAT: [R(1, 0, 1, 0)],
  HKEYS: [R(1, 0, 1, 0)],
  HLEN: [R(1, 0, 1, 0)],
  HMGET: [R(1, 0, 1, 0)],
  HMSET: [R(1, 0, 1, 0)],
  HRANDFIELD: [R(1, 0, 1, 0)],
  HSCAN: [R(1, 0, 1, 0)],
  HSET: [R(1, 0, 1, 0)],
  HSETNX: [R(1, 0, 1, 0)],
  HSTRLEN: [R(1, 0, 1, 0)],
  HVALS: [R(1, 0, 1, 0)],
  INCR: [R(1, 0, 1, 0)],
  INCRBY: [R(1, 0, 1, 0)],
  INCRBYFLOAT: [R(1, 0, 1, 0)],
  LCS: [R(1, 1, 1, 0)],
  LINDEX: [R(1, 0, 1, 0)],
  LINSERT: [R(1, 0, 1, 0)],
  LLEN: [R(1, 0, 1, 0)],
  LMOVE: [R(1, 0, 1, 0), R(2, 0, 1, 0)],
  LMPOP: [N(1, 0, 1, 1)],
  LPOP: [R(1, 0, 1, 0)],
  LPOS: [R(1, 0, 1, 0)],
  LPUSH: [R(1, 0, 1, 0)],
  LPUSHX: [R(1, 0, 1, 0)],
  LRANGE: [R(1, 0, 1, 0)],
  LREM: [R(1, 0, 1, 0)],
  LSET: [R(1, 0, 1, 0)],
  LTRIM: [R(1, 0, 1, 0)],
  'MEMORY|USAGE': [R(2, 0, 1, 0)],
  MGET: [R(1, -1, 1, 0)],
  MIGRATE: [R(3, 0, 1, 0), KR('KEYS', -2, -1, 1, 0)],
  MOVE: [R(1, 0, 1, 0)],
  MSET: [R(1, -1, 2, 0)],
  MSETNX: [R(1, -1, 2, 0)],
  'OBJECT|ENCODING': [R(2, 0, 1, 0)],
  'OBJECT|FREQ': [R(2, 0, 1, 0)],
  'OBJECT|IDLETIME': [R(2, 0, 1, 0)],
  'OBJECT|REFCOUNT': [R(2, 0, 1, 0)],
  PERSIST: [R(1, 0, 1, 0)],
  PEXPIRE: [R(1, 0, 1, 0)],
  PEXPIREAT: [R(1, 0, 1, 0)],
  PEXPIRETIME: [R(1, 0, 1, 0)],
  PFADD: [R(1, 0, 1, 0)],
  PFCOUNT: [R(1, -1, 1, 0)],
  PFDEBUG: [R(2, 0, 1, 0)],
  PFMERGE: [R(1, 0, 1, 0), R(2, -1, 1, 0)],
  PSETEX: [R(1, 0, 1, 0)],
  PTTL: [R(1, 0, 1, 0)],
  RENAME: [R(1, 0, 1, 0), R(2, 0, 1, 0)],
  RENAMENX: [R(1, 0, 1, 0), R(2, 0, 1, 0)],
  RESTORE: [R(1, 0, 1, 0)],
  'RESTORE-ASKING': [R(1, 0, 1, 0)],
  RPOP: [R(1, 0, 1, 0)],
  RPOPLPUSH: [R(1, 0, 1, 0), R(2, 0, 1, 0)],
  RPUSH: [R(1, 0, 1, 0)],
  RPUSHX: [R(1, 0, 1, 0)],
  SADD: [R(1, 0, 1, 0)],
  SCARD: [R(1, 0, 1, 0)],
  SDIFF: [R(1, -1, 1, 0)],
  SDIFFSTORE: [R(1, 0, 1, 0), R(2, -1, 1, 0)],
  SET: [R(1, 0, 1, 0)],
  SETBIT: [R(1, 0, 1, 0)],
  SETEX: [R(1, 0, 1, 0)],
  SETNX: [R(1, 0, 1, 0)],
  SETRANGE: [R(1, 0, 1, 0)],
  SINTER: [R(1, -1, 1, 0)],
  SINTERCARD: [N(1, 0, 1, 1)],
  SINTERSTORE: [R(1, 0, 1, 0), R(2, -1, 1, 0)],
  SISMEMBER: [R(1, 0, 1, 0)],
  SMEMBERS: [R(1, 0, 1, 0)],
  SMISMEMBER: [R(1, 0, 1, 0)],
  SMOVE: [R(1, 0, 1, 0), R(2, 0, 1, 0)],
  SORT: [R(1, 0, 1, 0)],
  SORT_RO: [R(1, 0, 1, 0)],
  SPOP: [R(1, 0, 1, 0)],
  SRANDMEMBER: [R(1, 0, 1, 0)],
  SREM: [R(1, 0, 1, 0)],
  SSCAN: [R(1, 0, 1, 0)],
  STRLEN: [R(1, 0, 1, 0)],
  SUBSTR: [R(1, 0, 1, 0)],
  SUNION: [R(1, -1, 1, 0)],
  SUNIONSTORE: [R(1, 0, 1, 0), R(2, -1, 1, 0)],
  TOUCH: [R(1, -1, 1, 0)],
  TTL: [R(1, 0, 1, 0)],
  TYPE: [R(1, 0, 1, 0)],
  UNLINK: [R(1, -1, 1, 0)],
  WATCH: [R(1, -1, 1, 0)],
  XACK: [R(1, 0, 1, 0)],
  XADD: [R(1, 0, 1, 0)],
  XAUTOCLAIM: [R(1, 0, 1, 0)],
  XCLAIM: [R(1, 0, 1, 0)],
  XDEL: [R(1, 0, 1, 0)],
  'XGROUP|CREATE': [R(2, 0, 1, 0)],
  'XGROUP|CREATECONSUMER': [R(2, 0, 1, 0)],
  'XGROUP|DELCONSUMER': [R(2, 0, 1, 0)],
  'XGROUP|DESTROY': [R(2, 0, 1, 0)],
  'XGROUP|SETID': [R(2, 0, 1, 0)],
  'XINFO|CONSUMERS': [R(2, 0, 1, 0)],
  'XINFO|GROUPS': [R(2, 0, 1, 0)],
  'XINFO|STREAM': [R(2, 0, 1, 0)],
  XLEN: [R(1, 0, 1, 0)],
  XPENDING: [R(1, 0, 1, 0)],
  XRANGE: [R(1, 0, 1, 0)],
  XREAD: [KR('STREAMS', 1, -1, 1, 2)],
  XREADGROUP: [KR('STREAMS', 4, -1, 1, 2)],
  XREVRANGE: [R(1, 0, 1, 0)],
  XSETID: [R(1, 0, 1, 0)],
  XTRIM: [R(1, 0, 1, 0)],
  ZADD: [R(1, 0, 1, 0)],
  ZCARD: [R(1, 0, 1, 0)],
  ZCOUNT: [R(1, 0, 1, 0)],
  ZDIFF: [N(1, 0, 1, 1)],
  ZDIFFSTORE: [R(1, 0, 1, 0), N(2, 0, 1, 1)],
  ZINCRBY: [R(1, 0, 1, 0)],
  ZINTER: [N(1, 0, 1, 1)],
  ZINTERCARD: [N(1, 0, 1, 1)],
  ZINTERSTORE: [R(1, 0, 1, 0), N(2, 0, 1, 1)],
  ZLEXCOUNT: [R(1, 0, 1, 0)],
  ZMPOP: [N(1, 0, 1, 1)],
  ZMSCORE: [R(1, 0, 1, 0)],
  ZPOPMAX: [R(1, 0, 1, 0)],
  ZPOPMIN: [R(1, 0, 1, 0)],
  ZRANDMEMBER: [R(1, 0, 1, 0)],
  ZRANGE: [R(1, 0, 1, 0)],
  ZRANGEBYLEX: [R(1, 0, 1, 0)],
  ZRANGEBYSCORE: [R(1, 0, 1, 0)],
  ZRANGESTORE: [R(1, 0, 1, 0), R(2, 0, 1, 0)],
  ZRANK: [R(1, 0, 1, 0)],
  ZREM: [R(1, 0, 1, 0)],
  ZREMRANGEBYLEX: [R(1, 0, 1, 0)],
  ZREMRANGEBYRANK: [R(1, 0, 1, 0)],
  ZREMRANGEBYSCORE: [R(1, 0, 1, 0)],
  ZREVRANGE: [R(1, 0, 1, 0)],
  ZREVRANGEBYLEX: [R(1, 0, 1, 0)],
  ZREVRANGEBYSCORE: [R(1, 0, 1, 0)],
  ZREVRANK: [R(1, 0, 1, 0)],
  ZSCAN: [R(1, 0, 1, 0)],
  ZSCORE: [R(1, 0, 1, 0)],
  ZUNION: [N(1, 0, 1, 1)],
  ZUNIONSTORE: [R(1, 0, 1, 0), N(2, 0, 1, 1)],
};

/** Reads argument i (0 = command name) as a latin1 string. */
export interface ArgReader {
  arg(i: number): string;
}

function eqIgnoreCase(a: string, upper: string): boolean {
  return a.length === upper.length && a.toUpperCase() === upper;
}

/** Redis's string2ll for the numkeys argument: an optional '-' and digits, no spaces. */
function parseCount(s: string): number {
  return /^-?\d{1,15}$/.test(s) ? Number(s) : NaN;
}

/**
 * Writes the argument indexes holding keys to out[0..n) and returns n (entries past n are
 * stale: `out` is a reusable scratch array, never truncated, to keep the hot path allocation-free).
 * `name` is the upper-case command name (argument 0). Malformed commands (wrong numkeys,
 * missing keyword) yield the keys that can be found, like Redis's partial key extraction.
 */
export function keyPositionsInto(name: string, argc: number, args: ArgReader, out: number[]): number {
  let specs: readonly KeySpec[] | undefined;
  if (CONTAINERS.has(name)) {
    if (argc < 2) return 0;
    specs = KEY_SPECS[`${name}|${args.arg(1).toUpperCase()}`];
  } else if (name === 'SORT' || name === 'SORT_RO') {
    return sortKeys(name, argc, args, out);
  } else if (name === 'MIGRATE') {
    return migrateKeys(argc, args, out);
  } else {
    specs = KEY_SPECS[name];
  }
  if (!specs) return 0;
  return specKeysInto(specs, argc, args, out);
}

/** Key positions from a resolved spec list (the part of keyPositionsInto after the lookup). */
export function specKeysInto(specs: readonly KeySpec[], argc: number, args: ArgReader, out: number[]): number {
  let n = 0;
  for (const spec of specs) {
    let first = 0;
    const b = spec.begin;
    if ('index' in b) first = b.index;
    else {
      const start = b.startfrom > 0 ? b.startfrom : argc + b.startfrom;
      const end = b.startfrom > 0 ? argc - 1 : 1;
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (eqIgnoreCase(args.arg(i), b.keyword)) {
          first = i + 1;
          break;
        }
      }
      if (!first) continue;
    }
    let last: number;
    let step: number;
    const f = spec.find;
    if ('lastkey' in f) {
      step = f.step;
      if (f.lastkey >= 0) last = first + f.lastkey;
      else if (!f.limit) last = argc + f.lastkey;
      else last = first + (Math.trunc((argc - first) / f.limit) + f.lastkey);
    } else {
      step = f.step;
      if (first + f.keynumidx >= argc) continue;
      const numkeys = parseCount(args.arg(first + f.keynumidx));
      if (!(numkeys >= 0)) continue;
      first += f.firstkey;
      last = first + numkeys - 1;
    }
    if (last >= argc || last < first || first >= argc) continue;
    for (let i = first; i <= last; i += step) out[n++] = i;
  }
  return n;
}

/** Convenience form over an array of arguments. */
export function keyPositions(args: readonly string[]): number[] {
  const out: number[] = [];
  if (args.length === 0) return out;
  const n = keyPositionsInto(args[0]!.toUpperCase(), args.length, { arg: (i) => args[i]! }, out);
  return out.slice(0, n);
}

/** SORT key [BY p] [LIMIT o c] [GET p …] [ASC|DESC] [ALPHA] [STORE dst]: like sortGetKeys(). */
function sortKeys(name: string, argc: number, args: ArgReader, out: number[]): number {
  const arg = (i: number): string => args.arg(i);
  if (argc < 2) return 0;
  out[0] = 1;
  if (name === 'SORT_RO') return 1;
  let store = -1;
  for (let i = 2; i < argc; i++) {
    const a = arg(i).toUpperCase();
    if (a === 'LIMIT') i += 2;
    else if (a === 'GET' || a === 'BY') i += 1;
    else if (a === 'STORE' && i + 1 < argc) store = i + 1;
  }
  if (store > 0) {
    out[1] = store;
    return 2;
  }
  return 1;
}

/** MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH pw | AUTH2 u pw] [KEYS k…]. */
function migrateKeys(argc: number, args: ArgReader, out: number[]): number {
  const arg = (i: number): string => args.arg(i);
  if (argc < 6) return 0;
  let first = 3;
  let num = 1;
  for (let i = 6; i < argc; i++) {
    const a = arg(i).toUpperCase();
    if (a === 'KEYS') {
      if (arg(3).length > 0) num = 0;
      else {
        first = i + 1;
        num = argc - first;
      }
      break;
    }
    if (a === 'AUTH') i += 1;
    else if (a === 'AUTH2') i += 2;
  }
  let n = 0;
  for (let i = first; i < first + num; i++) out[n++] = i;
  return n;
}

/** Script commands: logged by Redis 7 BEFORE they run; their redis.call()s appear as `[db lua]`. */
export const SCRIPT_COMMANDS: ReadonlySet<string> = new Set(['EVAL', 'EVALSHA', 'EVAL_RO', 'EVALSHA_RO', 'FCALL', 'FCALL_RO']);
