/**
 * Hash commands (t_hash.c) with Redis 7.0's replies, error texts, keyspace events,
 * listpack -> hashtable conversion moments and HRANDFIELD's count semantics.
 */
import type { CommandContext, CommandSpec } from '../command.js';
import { HashValue, type HashLimits } from '../types/hash.js';
import { parseScanArgs, scanLive, scanReply } from '../types/hash-scan.js';
import { addLongDoubleHuman, formatHumanDouble, parseBigLL, strtod } from '../types/zset-util.js';

const ERR_NOT_INT = 'ERR value is not an integer or out of range';

const limitsCache = new WeakMap<object, HashLimits>();

/** hash-max-listpack-entries/value, read once per server and refreshed on CONFIG SET. */
export function hashLimits(c: CommandContext): HashLimits {
  let l = limitsCache.get(c.server);
  if (!l) {
    const cfg = c.server.config;
    const lim: HashLimits = { maxEntries: 0, maxValue: 0 };
    const read = (): void => {
      lim.maxEntries = cfg.num('hash-max-listpack-entries');
      lim.maxValue = cfg.num('hash-max-listpack-value');
    };
    read();
    cfg.onChange(read);
    limitsCache.set(c.server, lim);
    l = lim;
  }
  return l;
}

function getHash(c: CommandContext, key: string, forWrite: boolean): HashValue | undefined | null {
  return c.lookup<HashValue>(key, 'hash', forWrite);
}

/** hashTypeLookupWriteOrCreate. */
function getOrCreate(c: CommandContext, key: string): HashValue | null {
  const h = getHash(c, key, true);
  if (h === null) return null;
  if (h) return h;
  const nh = new HashValue();
  c.db.add(key, nh);
  return nh;
}

function hset(c: CommandContext, argv: string[]): void {
  if (argv.length % 2 === 1) {
    c.reply.error(`ERR wrong number of arguments for '${argv[0]!.toLowerCase()}' command`);
    return;
  }
  const key = argv[1]!;
  const h = getOrCreate(c, key);
  if (!h) return;
  const lim = hashLimits(c);
  h.tryConversion(argv, 2, argv.length - 1, lim);
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) if (h.set(argv[i]!, argv[i + 1]!, lim)) created++;
  if (argv[0]!.length === 4) c.reply.integer(created);
  else c.reply.ok();
  c.signalModified(key);
  c.notify('hash', 'hset', key);
  if (argv.length > 4) c.addDirty((argv.length - 2) / 2 - 1);
}

function hsetnx(c: CommandContext, argv: string[]): void {
  const key = argv[1]!;
  const h = getOrCreate(c, key);
  if (!h) return;
  if (h.get(argv[2]!) !== undefined) { c.reply.integer(0); return; }
  const lim = hashLimits(c);
  h.tryConversion(argv, 2, 3, lim);
  h.set(argv[2]!, argv[3]!, lim);
  c.reply.integer(1);
  c.signalModified(key);
  c.notify('hash', 'hset', key);
}

function hget(c: CommandContext, argv: string[]): void {
  const h = getHash(c, argv[1]!, false);
  if (h === null) return;
  const v = h?.get(argv[2]!);
  if (v === undefined) c.reply.nullBulk(); else c.reply.bulk(v);
}

function hmget(c: CommandContext, argv: string[]): void {
  const h = getHash(c, argv[1]!, false);
  if (h === null) return;
  c.reply.arrayHeader(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const v = h?.get(argv[i]!);
    if (v === undefined) c.reply.nullBulk(); else c.reply.bulk(v);
  }
}

function hdel(c: CommandContext, argv: string[]): void {
  const key = argv[1]!;
  const h = getHash(c, key, true);
  if (h === null) return;
  if (!h) { c.reply.integer(0); return; }
  let deleted = 0;
  let keyRemoved = false;
  for (let i = 2; i < argv.length; i++) {
    if (h.delete(argv[i]!)) {
      deleted++;
      if (h.size === 0) { c.db.delete(key); keyRemoved = true; break; }
    }
  }
  if (deleted) {
    c.signalModified(key);
    c.notify('hash', 'hdel', key);
    if (keyRemoved) c.notify('generic', 'del', key);
    if (deleted > 1) c.addDirty(deleted - 1);
  }
  c.reply.integer(deleted);
}

function hlen(c: CommandContext, argv: string[]): void {
  const h = getHash(c, argv[1]!, false);
  if (h === null) return;
  c.reply.integer(h ? h.size : 0);
}

function hstrlen(c: CommandContext, argv: string[]): void {
  const h = getHash(c, argv[1]!, false);
  if (h === null) return;
  c.reply.integer(h?.get(argv[2]!)?.length ?? 0);
}

function hexists(c: CommandContext, argv: string[]): void {
  const h = getHash(c, argv[1]!, false);
  if (h === null) return;
  c.reply.integer(h?.get(argv[2]!) !== undefined ? 1 : 0);
}

function hincrby(c: CommandContext, argv: string[]): void {
  const incr = parseBigLL(argv[3]!);
  if (incr === null) { c.reply.error(ERR_NOT_INT); return; }
  const key = argv[1]!;
  const h = getOrCreate(c, key);
  if (!h) return;
  const cur = h.get(argv[2]!);
  let value = 0n;
  if (cur !== undefined) {
    const v = parseBigLL(cur);
    if (v === null) { c.reply.error('ERR hash value is not an integer'); return; }
    value = v;
  }
  const res = value + incr;
  if (res > 9223372036854775807n || res < -9223372036854775808n) {
    c.reply.error('ERR increment or decrement would overflow');
    return;
  }
  h.set(argv[2]!, res.toString(), hashLimits(c));
  c.reply.integer(res);
  c.signalModified(key);
  c.notify('hash', 'hincrby', key);
}

function hincrbyfloat(c: CommandContext, argv: string[]): void {
  const incr = strtod(argv[3]!);
  if (incr === null) { c.reply.error('ERR value is not a valid float'); return; }
  if (!Number.isFinite(incr)) { c.reply.error('ERR value is NaN or Infinity'); return; }
  const key = argv[1]!;
  const h = getOrCreate(c, key);
  if (!h) return;
  const cur = h.get(argv[2]!);
  let value = 0;
  if (cur !== undefined) {
    const v = strtod(cur);
    if (v === null) { c.reply.error('ERR hash value is not a float'); return; }
    value = v;
  }
  const res = value + incr;
  if (!Number.isFinite(res)) { c.reply.error('ERR increment would produce NaN or Infinity'); return; }
  const s = addLongDoubleHuman(cur ?? '0', argv[3]!) ?? formatHumanDouble(res);
  const lim = hashLimits(c);
  h.tryConversion([argv[2]!, s], 0, 1, lim);
  h.set(argv[2]!, s, lim);
  c.reply.bulk(s);
  c.signalModified(key);
  c.notify('hash', 'hincrbyfloat', key);
  c.rewriteForPropagation(['HSET', key, argv[2]!, s]);
}

function getall(c: CommandContext, argv: string[], keys: boolean, vals: boolean): void {
  const h = getHash(c, argv[1]!, false);
  if (h === null) return;
  if (!h) {
    if (keys && vals) c.reply.mapHeader(0); else c.reply.arrayHeader(0);
    return;
  }
  if (keys && vals) c.reply.mapHeader(h.size); else c.reply.arrayHeader(h.size);
  for (const [k, v] of h.map) {
    if (keys) c.reply.bulk(k);
    if (vals) c.reply.bulk(v);
  }
}

/** Uniform random distinct indices (partial Fisher-Yates). */
export function sampleIndices(n: number, k: number): number[] {
  // Partial Fisher-Yates over a virtual identity array: O(k) time and memory.
  const swapped = new Map<number, number>();
  const out: number[] = [];
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(Math.random() * (n - i));
    const vj = swapped.get(j) ?? j;
    const vi = swapped.get(i) ?? i;
    swapped.set(j, vi);
    out.push(vj);
  }
  return out;
}

function hrandfield(c: CommandContext, argv: string[]): void {
  if (argv.length >= 3) {
    const big = parseBigLL(argv[2]!);
    if (big === null) { c.reply.error(ERR_NOT_INT); return; }
    if (big < -9223372036854775807n) { c.reply.error('ERR value is out of range'); return; }
    const l = Number(big);
    let withvalues = false;
    if (argv.length === 4 && argv[3]!.toLowerCase() === 'withvalues') withvalues = true;
    else if (argv.length >= 4) { c.syntaxError(); return; }
    if (withvalues && big < -4611686018427387903n) { c.reply.error('ERR value is out of range'); return; }
    const h = getHash(c, argv[1]!, false);
    if (h === null) return;
    if (!h || l === 0) { c.reply.arrayHeader(0); return; }
    const fields = h.fieldList();
    const resp3Pairs = withvalues && c.reply.protocol === 3;
    const emit = (k: string, v: string): void => {
      if (resp3Pairs) c.reply.arrayHeader(2);
      c.reply.bulk(k);
      if (withvalues) c.reply.bulk(v);
    };
    const emitField = (f: string): void => emit(f, h.get(f)!);
    if (l < 0) {
      const count = -l;
      c.reply.arrayHeader(resp3Pairs || !withvalues ? count : count * 2);
      for (let i = 0; i < count; i++) emitField(fields[Math.floor(Math.random() * fields.length)]!);
      return;
    }
    const count = Math.min(l, fields.length);
    c.reply.arrayHeader(resp3Pairs || !withvalues ? count : count * 2);
    if (count >= fields.length) {
      for (const f of fields) emitField(f);
      return;
    }
    const picked = sampleIndices(fields.length, count);
    if (h.isListpack) picked.sort((a, b) => a - b);
    for (const i of picked) emitField(fields[i]!);
    return;
  }
  const h = getHash(c, argv[1]!, false);
  if (h === null) return;
  if (!h) { c.reply.nullBulk(); return; }
  const fields = h.fieldList();
  c.reply.bulk(fields[Math.floor(Math.random() * fields.length)]!);
}

function hscan(c: CommandContext, argv: string[]): void {
  const opts = parseScanArgs(c, argv);
  if (!opts) return;
  const h = getHash(c, argv[1]!, false);
  if (h === null) return;
  if (!h) { scanReply(c, 0, [], 2, null); return; }
  const items: string[] = [];
  if (h.isListpack) {
    for (const [k, v] of h.map) items.push(k, v);
    scanReply(c, 0, items, 2, opts.match);
    return;
  }
  const { next, items: keys } = scanLive(h, opts.cursor, opts.count, () => h.map.keys());
  for (const k of keys) {
    const v = h.map.get(k);
    if (v !== undefined) items.push(k, v);
  }
  scanReply(c, next, items, 2, opts.match);
}

const HASH = 'hash';

export const commands = [
  { name: 'hset', arity: -4, flags: ['write', 'denyoom', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, group: HASH, since: '2.0.0', handler: hset },
  { name: 'hmset', arity: -4, flags: ['write', 'denyoom', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, group: HASH, since: '2.0.0', handler: hset },
  { name: 'hsetnx', arity: 4, flags: ['write', 'denyoom', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, group: HASH, since: '2.0.0', handler: hsetnx },
  { name: 'hget', arity: 3, flags: ['readonly', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, group: HASH, since: '2.0.0', handler: hget },
  { name: 'hmget', arity: -3, flags: ['readonly', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, group: HASH, since: '2.0.0', handler: hmget },
  { name: 'hdel', arity: -3, flags: ['write', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, group: HASH, since: '2.0.0', handler: hdel },
  { name: 'hlen', arity: 2, flags: ['readonly', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, group: HASH, since: '2.0.0', handler: hlen },
  { name: 'hstrlen', arity: 3, flags: ['readonly', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, group: HASH, since: '3.2.0', handler: hstrlen },
  { name: 'hexists', arity: 3, flags: ['readonly', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, group: HASH, since: '2.0.0', handler: hexists },
  { name: 'hincrby', arity: 4, flags: ['write', 'denyoom', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, group: HASH, since: '2.0.0', handler: hincrby },
  { name: 'hincrbyfloat', arity: 4, flags: ['write', 'denyoom', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, group: HASH, since: '2.6.0', handler: hincrbyfloat },
  { name: 'hkeys', arity: 2, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, group: HASH, since: '2.0.0', handler: (c, a) => getall(c, a, true, false) },
  { name: 'hvals', arity: 2, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, group: HASH, since: '2.0.0', handler: (c, a) => getall(c, a, false, true) },
  { name: 'hgetall', arity: 2, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, group: HASH, since: '2.0.0', handler: (c, a) => getall(c, a, true, true) },
  { name: 'hrandfield', arity: -2, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, group: HASH, since: '6.2.0', handler: hrandfield },
  { name: 'hscan', arity: -3, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, group: HASH, since: '2.8.0', handler: hscan },
] satisfies CommandSpec[];
