/**
 * Key specifications (Redis 7's `key_specs`): for every command with key arguments, where its
 * keys are (begin_search + find_keys) and what the command does with them (flags). The data is
 * Redis 7.0.15's command metadata (src/commands/*.json), one compact string per spec:
 *
 *   'FLAGS;BEGIN;FIND[;notes]'
 *   BEGIN: iPOS (index) | kKEYWORD,STARTFROM (keyword) | u (unknown)
 *   FIND:  rLASTKEY,STEP,LIMIT (range) | nKEYNUMIDX,FIRSTKEY,STEP (keynum) | u (unknown)
 *
 * Used by COMMAND INFO (the key-specifications element) and COMMAND GETKEYSANDFLAGS.
 */

/** Key-spec flag names in Redis's reply order (addReplyFlagsForKeyArgs). */
const FLAG_ORDER: [string, string][] = [
  ['RO', 'RO'], ['RW', 'RW'], ['OW', 'OW'], ['RM', 'RM'], ['ACCESS', 'access'], ['UPDATE', 'update'],
  ['INSERT', 'insert'], ['DELETE', 'delete'], ['NOT_KEY', 'not_key'], ['INCOMPLETE', 'incomplete'],
  ['VARIABLE_FLAGS', 'variable_flags'],
];

const TABLE: Record<string, string[]> = {
  append: ['RW INSERT;i1;r0,1,0'],
  bitcount: ['RO ACCESS;i1;r0,1,0'],
  bitfield: ['RW UPDATE ACCESS VARIABLE_FLAGS;i1;r0,1,0;This command allows both access and modification of the key'],
  bitfield_ro: ['RO ACCESS;i1;r0,1,0'],
  bitop: ['OW UPDATE;i2;r0,1,0', 'RO ACCESS;i3;r-1,1,0'],
  bitpos: ['RO ACCESS;i1;r0,1,0'],
  blmove: ['RW ACCESS DELETE;i1;r0,1,0', 'RW INSERT;i2;r0,1,0'],
  blmpop: ['RW ACCESS DELETE;i2;n0,1,1'],
  blpop: ['RW ACCESS DELETE;i1;r-2,1,0'],
  brpop: ['RW ACCESS DELETE;i1;r-2,1,0'],
  brpoplpush: ['RW ACCESS DELETE;i1;r0,1,0', 'RW INSERT;i2;r0,1,0'],
  bzmpop: ['RW ACCESS DELETE;i2;n0,1,1'],
  bzpopmax: ['RW ACCESS DELETE;i1;r-2,1,0'],
  bzpopmin: ['RW ACCESS DELETE;i1;r-2,1,0'],
  copy: ['RO ACCESS;i1;r0,1,0', 'OW UPDATE;i2;r0,1,0'],
  decr: ['RW ACCESS UPDATE;i1;r0,1,0'],
  decrby: ['RW ACCESS UPDATE;i1;r0,1,0'],
  del: ['RM DELETE;i1;r-1,1,0'],
  dump: ['RO ACCESS;i1;r0,1,0'],
  eval: ['RW ACCESS UPDATE;i2;n0,1,1;We cannot tell how the keys will be used so we assume the worst, RW and UPDATE'],
  eval_ro: ['RO ACCESS;i2;n0,1,1;We cannot tell how the keys will be used so we assume the worst, RO and ACCESS'],
  evalsha: ['RW ACCESS UPDATE;i2;n0,1,1'],
  evalsha_ro: ['RO ACCESS;i2;n0,1,1'],
  exists: ['RO;i1;r-1,1,0'],
  expire: ['RW UPDATE;i1;r0,1,0'],
  expireat: ['RW UPDATE;i1;r0,1,0'],
  expiretime: ['RO ACCESS;i1;r0,1,0'],
  fcall: ['RW ACCESS UPDATE;i2;n0,1,1;We cannot tell how the keys will be used so we assume the worst, RW and UPDATE'],
  fcall_ro: ['RO ACCESS;i2;n0,1,1;We cannot tell how the keys will be used so we assume the worst, RO and ACCESS'],
  geoadd: ['RW UPDATE;i1;r0,1,0'],
  geodist: ['RO ACCESS;i1;r0,1,0'],
  geohash: ['RO ACCESS;i1;r0,1,0'],
  geopos: ['RO ACCESS;i1;r0,1,0'],
  georadius: ['RO ACCESS;i1;r0,1,0', 'OW UPDATE;kSTORE,6;r0,1,0', 'OW UPDATE;kSTOREDIST,6;r0,1,0'],
  georadius_ro: ['RO ACCESS;i1;r0,1,0'],
  georadiusbymember: ['RO ACCESS;i1;r0,1,0', 'OW UPDATE;kSTORE,5;r0,1,0', 'OW UPDATE;kSTOREDIST,5;r0,1,0'],
  georadiusbymember_ro: ['RO ACCESS;i1;r0,1,0'],
  geosearch: ['RO ACCESS;i1;r0,1,0'],
  geosearchstore: ['OW UPDATE;i1;r0,1,0', 'RO ACCESS;i2;r0,1,0'],
  get: ['RO ACCESS;i1;r0,1,0'],
  getbit: ['RO ACCESS;i1;r0,1,0'],
  getdel: ['RW ACCESS DELETE;i1;r0,1,0'],
  getex: ['RW ACCESS UPDATE;i1;r0,1,0;RW and UPDATE because it changes the TTL'],
  getrange: ['RO ACCESS;i1;r0,1,0'],
  getset: ['RW ACCESS UPDATE;i1;r0,1,0'],
  hdel: ['RW DELETE;i1;r0,1,0'],
  hexists: ['RO;i1;r0,1,0'],
  hget: ['RO ACCESS;i1;r0,1,0'],
  hgetall: ['RO ACCESS;i1;r0,1,0'],
  hincrby: ['RW ACCESS UPDATE;i1;r0,1,0'],
  hincrbyfloat: ['RW ACCESS UPDATE;i1;r0,1,0'],
  hkeys: ['RO ACCESS;i1;r0,1,0'],
  hlen: ['RO;i1;r0,1,0'],
  hmget: ['RO ACCESS;i1;r0,1,0'],
  hmset: ['RW UPDATE;i1;r0,1,0'],
  hrandfield: ['RO ACCESS;i1;r0,1,0'],
  hscan: ['RO ACCESS;i1;r0,1,0'],
  hset: ['RW UPDATE;i1;r0,1,0'],
  hsetnx: ['RW INSERT;i1;r0,1,0'],
  hstrlen: ['RO;i1;r0,1,0'],
  hvals: ['RO ACCESS;i1;r0,1,0'],
  incr: ['RW ACCESS UPDATE;i1;r0,1,0'],
  incrby: ['RW ACCESS UPDATE;i1;r0,1,0'],
  incrbyfloat: ['RW ACCESS UPDATE;i1;r0,1,0'],
  lcs: ['RO ACCESS;i1;r1,1,0'],
  lindex: ['RO ACCESS;i1;r0,1,0'],
  linsert: ['RW INSERT;i1;r0,1,0'],
  llen: ['RO;i1;r0,1,0'],
  lmove: ['RW ACCESS DELETE;i1;r0,1,0', 'RW INSERT;i2;r0,1,0'],
  lmpop: ['RW ACCESS DELETE;i1;n0,1,1'],
  lpop: ['RW ACCESS DELETE;i1;r0,1,0'],
  lpos: ['RO ACCESS;i1;r0,1,0'],
  lpush: ['RW INSERT;i1;r0,1,0'],
  lpushx: ['RW INSERT;i1;r0,1,0'],
  lrange: ['RO ACCESS;i1;r0,1,0'],
  lrem: ['RW DELETE;i1;r0,1,0'],
  lset: ['RW UPDATE;i1;r0,1,0'],
  ltrim: ['RW DELETE;i1;r0,1,0'],
  "memory|usage": ['RO;i2;r0,1,0'],
  mget: ['RO ACCESS;i1;r-1,1,0'],
  migrate: ['RW ACCESS DELETE;i3;r0,1,0', 'RW ACCESS DELETE INCOMPLETE;kKEYS,-2;r-1,1,0'],
  move: ['RW ACCESS UPDATE;i1;r0,1,0'],
  mset: ['OW UPDATE;i1;r-1,2,0'],
  msetnx: ['OW INSERT;i1;r-1,2,0'],
  "object|encoding": ['RO;i2;r0,1,0'],
  "object|freq": ['RO;i2;r0,1,0'],
  "object|idletime": ['RO;i2;r0,1,0'],
  "object|refcount": ['RO;i2;r0,1,0'],
  persist: ['RW UPDATE;i1;r0,1,0'],
  pexpire: ['RW UPDATE;i1;r0,1,0'],
  pexpireat: ['RW UPDATE;i1;r0,1,0'],
  pexpiretime: ['RO ACCESS;i1;r0,1,0'],
  pfadd: ['RW INSERT;i1;r0,1,0'],
  pfcount: ['RW ACCESS;i1;r-1,1,0;RW because it may change the internal representation of the key, and propagate to replicas'],
  pfdebug: ['RW ACCESS;i2;r0,1,0'],
  pfmerge: ['RW ACCESS INSERT;i1;r0,1,0', 'RO ACCESS;i2;r-1,1,0'],
  psetex: ['OW UPDATE;i1;r0,1,0'],
  pttl: ['RO ACCESS;i1;r0,1,0'],
  rename: ['RW ACCESS DELETE;i1;r0,1,0', 'OW UPDATE;i2;r0,1,0'],
  renamenx: ['RW ACCESS DELETE;i1;r0,1,0', 'OW INSERT;i2;r0,1,0'],
  restore: ['OW UPDATE;i1;r0,1,0'],
  "restore-asking": ['OW UPDATE;i1;r0,1,0'],
  rpop: ['RW ACCESS DELETE;i1;r0,1,0'],
  rpoplpush: ['RW ACCESS DELETE;i1;r0,1,0', 'RW INSERT;i2;r0,1,0'],
  rpush: ['RW INSERT;i1;r0,1,0'],
  rpushx: ['RW INSERT;i1;r0,1,0'],
  sadd: ['RW INSERT;i1;r0,1,0'],
  scard: ['RO;i1;r0,1,0'],
  sdiff: ['RO ACCESS;i1;r-1,1,0'],
  sdiffstore: ['OW UPDATE;i1;r0,1,0', 'RO ACCESS;i2;r-1,1,0'],
  set: ['RW ACCESS UPDATE VARIABLE_FLAGS;i1;r0,1,0;RW and ACCESS due to the optional `GET` argument'],
  setbit: ['RW ACCESS UPDATE;i1;r0,1,0'],
  setex: ['OW UPDATE;i1;r0,1,0'],
  setnx: ['OW INSERT;i1;r0,1,0'],
  setrange: ['RW UPDATE;i1;r0,1,0'],
  sinter: ['RO ACCESS;i1;r-1,1,0'],
  sintercard: ['RO ACCESS;i1;n0,1,1'],
  sinterstore: ['RW UPDATE;i1;r0,1,0', 'RO ACCESS;i2;r-1,1,0'],
  sismember: ['RO;i1;r0,1,0'],
  smembers: ['RO ACCESS;i1;r0,1,0'],
  smismember: ['RO ACCESS;i1;r0,1,0'],
  smove: ['RW ACCESS DELETE;i1;r0,1,0', 'RW INSERT;i2;r0,1,0'],
  sort: ['RO ACCESS;i1;r0,1,0', "RO ACCESS;u;u;For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort", "OW UPDATE;u;u;For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array"],
  sort_ro: ['RO ACCESS;i1;r0,1,0', "RO ACCESS;u;u;For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort"],
  spop: ['RW ACCESS DELETE;i1;r0,1,0'],
  spublish: ['NOT_KEY;i1;r0,1,0'],
  srandmember: ['RO ACCESS;i1;r0,1,0'],
  srem: ['RW DELETE;i1;r0,1,0'],
  sscan: ['RO ACCESS;i1;r0,1,0'],
  ssubscribe: ['NOT_KEY;i1;r-1,1,0'],
  strlen: ['RO;i1;r0,1,0'],
  substr: ['RO ACCESS;i1;r0,1,0'],
  sunion: ['RO ACCESS;i1;r-1,1,0'],
  sunionstore: ['OW UPDATE;i1;r0,1,0', 'RO ACCESS;i2;r-1,1,0'],
  sunsubscribe: ['NOT_KEY;i1;r-1,1,0'],
  touch: ['RO;i1;r-1,1,0'],
  ttl: ['RO ACCESS;i1;r0,1,0'],
  type: ['RO;i1;r0,1,0'],
  unlink: ['RM DELETE;i1;r-1,1,0'],
  watch: ['RO;i1;r-1,1,0'],
  xack: ['RW UPDATE;i1;r0,1,0'],
  xadd: ['RW UPDATE;i1;r0,1,0;UPDATE instead of INSERT because of the optional trimming feature'],
  xautoclaim: ['RW DELETE;i1;r0,1,0'],
  xclaim: ['RW UPDATE;i1;r0,1,0'],
  xdel: ['RW DELETE;i1;r0,1,0'],
  "xgroup|create": ['RW INSERT;i2;r0,1,0'],
  "xgroup|createconsumer": ['RW INSERT;i2;r0,1,0'],
  "xgroup|delconsumer": ['RW DELETE;i2;r0,1,0'],
  "xgroup|destroy": ['RW DELETE;i2;r0,1,0'],
  "xgroup|setid": ['RW UPDATE;i2;r0,1,0'],
  "xinfo|consumers": ['RO ACCESS;i2;r0,1,0'],
  "xinfo|groups": ['RO ACCESS;i2;r0,1,0'],
  "xinfo|stream": ['RO ACCESS;i2;r0,1,0'],
  xlen: ['RO;i1;r0,1,0'],
  xpending: ['RO ACCESS;i1;r0,1,0'],
  xrange: ['RO ACCESS;i1;r0,1,0'],
  xread: ['RO ACCESS;kSTREAMS,1;r-1,1,2'],
  xreadgroup: ['RO ACCESS;kSTREAMS,4;r-1,1,2'],
  xrevrange: ['RO ACCESS;i1;r0,1,0'],
  xsetid: ['RW UPDATE;i1;r0,1,0'],
  xtrim: ['RW DELETE;i1;r0,1,0'],
  zadd: ['RW UPDATE;i1;r0,1,0'],
  zcard: ['RO;i1;r0,1,0'],
  zcount: ['RO ACCESS;i1;r0,1,0'],
  zdiff: ['RO ACCESS;i1;n0,1,1'],
  zdiffstore: ['OW UPDATE;i1;r0,1,0', 'RO ACCESS;i2;n0,1,1'],
  zincrby: ['RW ACCESS UPDATE;i1;r0,1,0'],
  zinter: ['RO ACCESS;i1;n0,1,1'],
  zintercard: ['RO ACCESS;i1;n0,1,1'],
  zinterstore: ['OW UPDATE;i1;r0,1,0', 'RO ACCESS;i2;n0,1,1'],
  zlexcount: ['RO ACCESS;i1;r0,1,0'],
  zmpop: ['RW ACCESS DELETE;i1;n0,1,1'],
  zmscore: ['RO ACCESS;i1;r0,1,0'],
  zpopmax: ['RW ACCESS DELETE;i1;r0,1,0'],
  zpopmin: ['RW ACCESS DELETE;i1;r0,1,0'],
  zrandmember: ['RO ACCESS;i1;r0,1,0'],
  zrange: ['RO ACCESS;i1;r0,1,0'],
  zrangebylex: ['RO ACCESS;i1;r0,1,0'],
  zrangebyscore: ['RO ACCESS;i1;r0,1,0'],
  zrangestore: ['OW UPDATE;i1;r0,1,0', 'RO ACCESS;i2;r0,1,0'],
  zrank: ['RO ACCESS;i1;r0,1,0'],
  zrem: ['RW DELETE;i1;r0,1,0'],
  zremrangebylex: ['RW DELETE;i1;r0,1,0'],
  zremrangebyrank: ['RW DELETE;i1;r0,1,0'],
  zremrangebyscore: ['RW DELETE;i1;r0,1,0'],
  zrevrange: ['RO ACCESS;i1;r0,1,0'],
  zrevrangebylex: ['RO ACCESS;i1;r0,1,0'],
  zrevrangebyscore: ['RO ACCESS;i1;r0,1,0'],
  zrevrank: ['RO ACCESS;i1;r0,1,0'],
  zscan: ['RO ACCESS;i1;r0,1,0'],
  zscore: ['RO ACCESS;i1;r0,1,0'],
  zunion: ['RO ACCESS;i1;n0,1,1'],
  zunionstore: ['OW UPDATE;i1;r0,1,0', 'RO ACCESS;i2;n0,1,1'],
};

export type BeginSearch = { type: 'index'; pos: number } | { type: 'keyword'; keyword: string; startfrom: number } | { type: 'unknown' };
export type FindKeys = { type: 'range'; lastkey: number; step: number; limit: number }
  | { type: 'keynum'; keynumidx: number; firstkey: number; step: number } | { type: 'unknown' };

export interface KeySpec {
  /** Upper-case flag names as declared (RW, ACCESS …). */
  flags: string[];
  begin: BeginSearch;
  find: FindKeys;
  notes?: string;
}

function parseSpec(s: string): KeySpec {
  const [fl, b, f, ...notes] = s.split(';');
  const flags = fl!.split(' ').filter(Boolean);
  let begin: BeginSearch;
  if (b![0] === 'i') begin = { type: 'index', pos: Number(b!.slice(1)) };
  else if (b![0] === 'k') {
    const comma = b!.lastIndexOf(',');
    begin = { type: 'keyword', keyword: b!.slice(1, comma), startfrom: Number(b!.slice(comma + 1)) };
  } else begin = { type: 'unknown' };
  let find: FindKeys;
  const n = f!.slice(1).split(',').map(Number);
  if (f![0] === 'r') find = { type: 'range', lastkey: n[0]!, step: n[1]!, limit: n[2]! };
  else if (f![0] === 'n') find = { type: 'keynum', keynumidx: n[0]!, firstkey: n[1]!, step: n[2]! };
  else find = { type: 'unknown' };
  const spec: KeySpec = { flags, begin, find };
  if (notes.length) spec.notes = notes.join(';');
  return spec;
}

const cache = new Map<string, KeySpec[]>();

/** The key specs of a command ('set', 'xinfo|stream' …); [] when it has no keys. */
export function keySpecsOf(name: string): KeySpec[] {
  let specs = cache.get(name);
  if (specs === undefined) {
    specs = (TABLE[name] ?? []).map(parseSpec);
    cache.set(name, specs);
  }
  return specs;
}

/** Flag names as Redis replies them (RO, RW, OW, RM, then lower-case access/update/…), in its order. */
export function keyFlagNames(flags: readonly string[]): string[] {
  const out: string[] = [];
  for (const [f, shown] of FLAG_ORDER) if (flags.includes(f)) out.push(shown);
  return out;
}

/** One key argument and the flags that apply to it. */
export interface KeyRef { pos: number; flags: string[] }

/**
 * Redis's getKeysUsingKeySpecs: the key positions the specs find in argv (argv[0] = command
 * name, subcommand at argv[1]), or null when a spec cannot be resolved (unknown or incomplete
 * spec, keyword or count out of range), where Redis falls back to the command's own key finder.
 */
export function keysFromSpecs(specs: readonly KeySpec[], argv: readonly string[]): KeyRef[] | null {
  const out: KeyRef[] = [];
  const argc = argv.length;
  for (const spec of specs) {
    if (spec.flags.includes('NOT_KEY')) continue;
    let first = 0;
    const b = spec.begin;
    if (b.type === 'index') first = b.pos;
    else if (b.type === 'keyword') {
      const start = b.startfrom > 0 ? b.startfrom : argc + b.startfrom;
      const end = b.startfrom > 0 ? argc - 1 : 1;
      const kw = b.keyword.toLowerCase();
      const dir = start <= end ? 1 : -1;
      for (let i = start; i !== end; i += dir) {
        if (i >= argc || i < 1) break;
        if (argv[i]!.toLowerCase() === kw) { first = i + 1; break; }
      }
      if (first === 0) continue;
    } else return null;
    let last: number;
    let step: number;
    const f = spec.find;
    if (f.type === 'range') {
      step = f.step;
      if (f.lastkey >= 0) last = first + f.lastkey;
      else if (f.limit === 0) last = argc + f.lastkey;
      else last = first + (Math.trunc((argc - first) / f.limit) + f.lastkey);
    } else if (f.type === 'keynum') {
      step = f.step;
      if (first + f.keynumidx >= argc) return null;
      const s = argv[first + f.keynumidx]!;
      if (!/^-?\d+$/.test(s)) return null;
      const numkeys = Number(s);
      if (numkeys < 0) return null;
      first += f.firstkey;
      last = first + numkeys - 1;
    } else return null;
    if (last >= argc || last < first || first >= argc) return null;
    for (let i = first; i <= last; i += step) out.push({ pos: i, flags: spec.flags });
    if (spec.flags.includes('INCOMPLETE')) return null;
  }
  return out;
}

/** COMMAND INFO's legacy (first key, last key, step) and whether keys are "movable". */
export interface LegacyRange { first: number; last: number; step: number; movable: boolean }

/**
 * Redis's populateCommandLegacyRangeSpec: one index+range spec is used as is; otherwise the
 * consecutive step-1 index+range specs are merged, and any other spec makes the keys movable.
 */
export function legacyRange(specs: readonly KeySpec[]): LegacyRange {
  const none: LegacyRange = { first: 0, last: 0, step: 0, movable: false };
  if (specs.length === 0) return none;
  const asLegacy = (pos: number, lastkey: number, step: number, movable: boolean): LegacyRange =>
    ({ first: pos, last: lastkey >= 0 ? pos + lastkey : lastkey, step, movable });
  const s0 = specs[0]!;
  if (specs.length === 1 && s0.begin.type === 'index' && s0.find.type === 'range') {
    return asLegacy(s0.begin.pos, s0.find.lastkey, s0.find.step, s0.flags.includes('INCOMPLETE'));
  }
  let first = Infinity;
  let last = 0;
  let prevLast = 0;
  let movable = false;
  // Redis compares lastkey as unsigned: a negative (counted from the end) one wins.
  const unsignedMax = (a: number, b: number): number => ((a >>> 0) >= (b >>> 0) ? a : b);
  for (const ks of specs) {
    if (ks.begin.type !== 'index' || ks.find.type !== 'range') { movable = true; continue; }
    if (ks.find.step !== 1 || (prevLast !== 0 && prevLast !== ks.begin.pos - 1)) { movable = true; continue; }
    if (ks.flags.includes('INCOMPLETE')) movable = true;
    first = Math.min(first, ks.begin.pos);
    const abs = ks.find.lastkey >= 0 ? ks.find.lastkey + ks.begin.pos : ks.find.lastkey;
    last = unsignedMax(last, abs);
    prevLast = last;
  }
  if (first === Infinity) return { ...none, movable: true };
  return { first, last, step: 1, movable };
}
