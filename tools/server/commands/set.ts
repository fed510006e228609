/**
 * Set commands (t_set.c) with Redis 7.0's replies (RESP3 sets where Redis uses them),
 * error texts, keyspace events, intset -> hashtable conversions, SPOP/SRANDMEMBER count
 * semantics and SPOP propagated as SREM (or DEL when the whole set is popped).
 */
import { typeOf } from '../db.js';
import type { CommandContext, CommandSpec } from '../command.js';
import { SetValue, isInt64String, type SetLimits } from '../types/set.js';
import { parseScanArgs, scanLive, scanReply } from '../types/hash-scan.js';
import { parseBigLL, parseLL } from '../types/zset-util.js';
import { sampleIndices } from './hash.js';

const ERR_NOT_INT = 'ERR value is not an integer or out of range';

const limitsCache = new WeakMap<object, SetLimits>();

/** set-max-intset-entries, read once per server and refreshed on CONFIG SET. */
export function setLimits(c: CommandContext): SetLimits {
  let l = limitsCache.get(c.server);
  if (!l) {
    const cfg = c.server.config;
    const lim: SetLimits = { maxIntsetEntries: 0 };
    const read = (): void => { lim.maxIntsetEntries = cfg.num('set-max-intset-entries'); };
    read();
    cfg.onChange(read);
    limitsCache.set(c.server, lim);
    l = lim;
  }
  return l;
}

function getSet(c: CommandContext, key: string, forWrite: boolean): SetValue | undefined | null {
  return c.lookup<SetValue>(key, 'set', forWrite);
}

/** Builds a set from members the way Redis does for *STORE results (starts as intset). */
export function buildSet(members: Iterable<string>, lim: SetLimits): SetValue {
  const s = new SetValue(true);
  for (const m of members) s.add(m, lim);
  return s;
}

function sadd(c: CommandContext, argv: string[]): void {
  const key = argv[1]!;
  let s = getSet(c, key, true);
  if (s === null) return;
  if (!s) {
    s = SetValue.forFirstMember(argv[2]!);
    c.db.add(key, s);
  }
  const lim = setLimits(c);
  let added = 0;
  for (let i = 2; i < argv.length; i++) if (s.add(argv[i]!, lim)) added++;
  if (added) {
    c.signalModified(key);
    c.notify('set', 'sadd', key);
    if (added > 1) c.addDirty(added - 1);
  }
  c.reply.integer(added);
}

function srem(c: CommandContext, argv: string[]): void {
  const key = argv[1]!;
  const s = getSet(c, key, true);
  if (s === null) return;
  if (!s) { c.reply.integer(0); return; }
  let deleted = 0;
  let keyRemoved = false;
  for (let i = 2; i < argv.length; i++) {
    if (s.delete(argv[i]!)) {
      deleted++;
      if (s.size === 0) { c.db.delete(key); keyRemoved = true; break; }
    }
  }
  if (deleted) {
    c.signalModified(key);
    c.notify('set', 'srem', key);
    if (keyRemoved) c.notify('generic', 'del', key);
    if (deleted > 1) c.addDirty(deleted - 1);
  }
  c.reply.integer(deleted);
}

function smove(c: CommandContext, argv: string[]): void {
  const srcKey = argv[1]!, dstKey = argv[2]!, ele = argv[3]!;
  const src = c.db.lookupWrite(srcKey);
  const dst = c.db.lookupWrite(dstKey);
  if (src === undefined) { c.reply.integer(0); return; }
  if (typeOf(src) !== 'set' || (dst !== undefined && typeOf(dst) !== 'set')) { c.wrongType(); return; }
  const ss = src as SetValue;
  if (src === dst) { c.reply.integer(ss.has(ele) ? 1 : 0); return; }
  if (!ss.delete(ele)) { c.reply.integer(0); return; }
  c.notify('set', 'srem', srcKey);
  if (ss.size === 0) { c.db.delete(srcKey); c.notify('generic', 'del', srcKey); }
  let ds = dst as SetValue | undefined;
  if (!ds) { ds = SetValue.forFirstMember(ele); c.db.add(dstKey, ds); }
  c.signalModified(srcKey);
  if (ds.add(ele, setLimits(c))) {
    c.signalModified(dstKey);
    c.notify('set', 'sadd', dstKey);
  }
  c.reply.integer(1);
}

function sismember(c: CommandContext, argv: string[]): void {
  const s = getSet(c, argv[1]!, false);
  if (s === null) return;
  c.reply.integer(s && s.has(argv[2]!) ? 1 : 0);
}

function smismember(c: CommandContext, argv: string[]): void {
  const s = getSet(c, argv[1]!, false);
  if (s === null) return;
  c.reply.arrayHeader(argv.length - 2);
  for (let i = 2; i < argv.length; i++) c.reply.integer(s && s.has(argv[i]!) ? 1 : 0);
}

function scard(c: CommandContext, argv: string[]): void {
  const s = getSet(c, argv[1]!, false);
  if (s === null) return;
  c.reply.integer(s ? s.size : 0);
}

function spop(c: CommandContext, argv: string[]): void {
  const key = argv[1]!;
  if (argv.length > 3) { c.syntaxError(); return; }
  if (argv.length === 3) { spopWithCount(c, argv); return; }
  const s = getSet(c, key, true);
  if (s === null) return;
  if (!s) { c.reply.nullBulk(); return; }
  const ele = s.random();
  s.delete(ele);
  c.notify('set', 'spop', key);
  c.rewriteForPropagation(['SREM', key, ele]);
  c.reply.bulk(ele);
  if (s.size === 0) { c.db.delete(key); c.notify('generic', 'del', key); }
  c.signalModified(key);
}

function spopWithCount(c: CommandContext, argv: string[]): void {
  const key = argv[1]!;
  const l = parseLL(argv[2]!);
  if (l === null) { c.reply.error(ERR_NOT_INT); return; }
  if (l < 0) { c.reply.error('ERR value is out of range, must be positive'); return; }
  const s = getSet(c, key, true);
  if (s === null) return;
  if (!s || l === 0) { c.reply.setHeader(0); return; }
  const size = s.size;
  c.notify('set', 'spop', key);
  if (l >= size) {
    const all = s.members();
    c.reply.setHeader(all.length);
    for (const m of all) c.reply.bulk(m);
    c.db.delete(key);
    c.notify('generic', 'del', key);
    c.rewriteForPropagation(['DEL', key]);
    c.signalModified(key);
    return;
  }
  const count = l;
  const remaining = size - count;
  const popped: string[] = [];
  if (remaining * 5 > count) {
    for (let i = 0; i < count; i++) {
      const e = s.random();
      s.delete(e);
      popped.push(e);
    }
  } else {
    // Keep `remaining` random members in a fresh set (it may become an intset again).
    const keep: string[] = [];
    for (let i = 0; i < remaining; i++) {
      const e = s.random();
      s.delete(e);
      keep.push(e);
    }
    popped.push(...s.members());
    const ns = buildSet(keep, setLimits(c));
    if (!isInt64String(keep[0]!)) ns.convertToHashtable();
    c.db.set(key, ns, { keepTtl: true });
  }
  c.reply.setHeader(popped.length);
  for (const e of popped) c.reply.bulk(e);
  c.rewriteForPropagation(['SREM', key, ...popped]);
  c.signalModified(key);
}

function srandmember(c: CommandContext, argv: string[]): void {
  if (argv.length > 3) { c.syntaxError(); return; }
  if (argv.length === 3) {
    const big = parseBigLL(argv[2]!);
    if (big === null) { c.reply.error(ERR_NOT_INT); return; }
    if (big < -9223372036854775807n) { c.reply.error('ERR value is out of range'); return; }
    const l = Number(big);
    const s = getSet(c, argv[1]!, false);
    if (s === null) return;
    if (!s || l === 0) { c.reply.arrayHeader(0); return; }
    if (l < 0) {
      const n = -l;
      c.reply.arrayHeader(n);
      for (let i = 0; i < n; i++) c.reply.bulk(s.random());
      return;
    }
    if (l >= s.size) {
      const all = s.members();
      c.reply.arrayHeader(all.length);
      for (const m of all) c.reply.bulk(m);
      return;
    }
    const picked = sampleIndices(s.size, l);
    c.reply.arrayHeader(l);
    for (const i of picked) c.reply.bulk(s.at(i)!);
    return;
  }
  const s = getSet(c, argv[1]!, false);
  if (s === null) return;
  if (!s) { c.reply.nullBulk(); return; }
  c.reply.bulk(s.random());
}

/** Looks up all keys as sets; undefined entries for missing keys; null after a WRONGTYPE reply. */
function lookupSets(c: CommandContext, keys: string[]): (SetValue | undefined)[] | null {
  const out: (SetValue | undefined)[] = [];
  for (const k of keys) {
    const v = c.db.lookupRead(k);
    if (v !== undefined && typeOf(v) !== 'set') { c.wrongType(); return null; }
    out.push(v as SetValue | undefined);
  }
  return out;
}

function storeResult(c: CommandContext, dst: string, members: string[], event: string): void {
  if (members.length > 0) {
    const ns = buildSet(members, setLimits(c));
    c.db.set(dst, ns);
    c.reply.integer(ns.size);
    c.notify('set', event, dst);
    c.signalModified(dst);
  } else {
    c.reply.integer(0);
    if (c.db.delete(dst)) {
      c.signalModified(dst);
      c.notify('generic', 'del', dst);
    }
  }
}

function interMembers(sets: SetValue[], limit = 0): string[] {
  const sorted = sets.slice().sort((a, b) => a.size - b.size);
  const first = sorted[0]!;
  const out: string[] = [];
  for (const m of first.members()) {
    let ok = true;
    for (let j = 1; j < sorted.length; j++) {
      if (sorted[j] === first) continue;
      if (!sorted[j]!.has(m)) { ok = false; break; }
    }
    if (ok) {
      out.push(m);
      if (limit && out.length >= limit) break;
    }
  }
  return out;
}

function sinterGeneric(c: CommandContext, keys: string[], dst: string | null): void {
  const sets = lookupSets(c, keys);
  if (!sets) return;
  if (sets.some((s) => !s)) {
    if (dst !== null) {
      if (c.db.delete(dst)) { c.signalModified(dst); c.notify('generic', 'del', dst); }
      c.reply.integer(0);
    } else {
      c.reply.setHeader(0);
    }
    return;
  }
  const res = interMembers(sets as SetValue[]);
  if (dst !== null) { storeResult(c, dst, res, 'sinterstore'); return; }
  c.reply.setHeader(res.length);
  for (const m of res) c.reply.bulk(m);
}

function sintercard(c: CommandContext, argv: string[]): void {
  const numkeys = parseLL(argv[1]!);
  if (numkeys === null || numkeys < 1) { c.reply.error('ERR numkeys should be greater than 0'); return; }
  if (numkeys > argv.length - 2) { c.reply.error('ERR Number of keys can\'t be greater than number of args'); return; }
  let limit = 0;
  for (let j = 2 + numkeys; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (argv[j]!.toLowerCase() === 'limit' && more) {
      j++;
      const v = parseLL(argv[j]!);
      if (v === null || v < 0) { c.reply.error('ERR LIMIT can\'t be negative'); return; }
      limit = v;
    } else {
      c.syntaxError();
      return;
    }
  }
  const sets = lookupSets(c, argv.slice(2, 2 + numkeys));
  if (!sets) return;
  if (sets.some((s) => !s)) { c.reply.integer(0); return; }
  c.reply.integer(interMembers(sets as SetValue[], limit).length);
}

function sunionDiff(c: CommandContext, keys: string[], dst: string | null, op: 'union' | 'diff'): void {
  const sets = lookupSets(c, keys);
  if (!sets) return;
  let res: string[];
  if (op === 'union') {
    const seen = new Set<string>();
    for (const s of sets) if (s) for (const m of s.members()) seen.add(m);
    res = [...seen];
  } else {
    const first = sets[0];
    res = [];
    if (first) {
      for (const m of first.members()) {
        let keep = true;
        for (let j = 1; j < sets.length; j++) {
          const s = sets[j];
          if (s && (s === first || s.has(m))) { keep = false; break; }
        }
        if (keep) res.push(m);
      }
    }
  }
  if (dst !== null) {
    storeResult(c, dst, res, op === 'union' ? 'sunionstore' : 'sdiffstore');
    return;
  }
  c.reply.setHeader(res.length);
  for (const m of res) c.reply.bulk(m);
}

function sscan(c: CommandContext, argv: string[]): void {
  const opts = parseScanArgs(c, argv);
  if (!opts) return;
  const s = getSet(c, argv[1]!, false);
  if (s === null) return;
  if (!s) { scanReply(c, 0, [], 1, null); return; }
  if (s.isIntset) { scanReply(c, 0, s.members(), 1, opts.match); return; }
  const { next, items } = scanLive(s, opts.cursor, opts.count, () => s.liveKeys());
  scanReply(c, next, items.filter((m) => s.has(m)), 1, opts.match);
}

const SET = 'set';

export const commands = [
  { name: 'sadd', arity: -3, flags: ['write', 'denyoom', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, group: SET, since: '1.0.0', handler: sadd },
  { name: 'srem', arity: -3, flags: ['write', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, group: SET, since: '1.0.0', handler: srem },
  { name: 'smove', arity: 4, flags: ['write', 'fast'], firstKey: 1, lastKey: 2, keyStep: 1, group: SET, since: '1.0.0', handler: smove },
  { name: 'sismember', arity: 3, flags: ['readonly', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, group: SET, since: '1.0.0', handler: sismember },
  { name: 'smismember', arity: -3, flags: ['readonly', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, group: SET, since: '6.2.0', handler: smismember },
  { name: 'scard', arity: 2, flags: ['readonly', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, group: SET, since: '1.0.0', handler: scard },
  { name: 'spop', arity: -2, flags: ['write', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, group: SET, since: '1.0.0', handler: spop },
  { name: 'srandmember', arity: -2, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, group: SET, since: '1.0.0', handler: srandmember },
  { name: 'sinter', arity: -2, flags: ['readonly'], firstKey: 1, lastKey: -1, keyStep: 1, group: SET, since: '1.0.0',
    handler: (c, a) => sinterGeneric(c, a.slice(1), null) },
  { name: 'smembers', arity: 2, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, group: SET, since: '1.0.0',
    handler: (c, a) => sinterGeneric(c, a.slice(1), null) },
  { name: 'sintercard', arity: -3, flags: ['readonly'], firstKey: 0, lastKey: 0, keyStep: 0, group: SET, since: '7.0.0',
    getKeys: (a) => {
      const n = parseLL(a[1] ?? '') ?? 0;
      if (n < 1 || n > a.length - 2) return [];
      const o: number[] = [];
      for (let i = 0; i < n; i++) o.push(2 + i);
      return o;
    },
    handler: sintercard },
  { name: 'sinterstore', arity: -3, flags: ['write', 'denyoom'], firstKey: 1, lastKey: -1, keyStep: 1, group: SET, since: '1.0.0',
    handler: (c, a) => sinterGeneric(c, a.slice(2), a[1]!) },
  { name: 'sunion', arity: -2, flags: ['readonly'], firstKey: 1, lastKey: -1, keyStep: 1, group: SET, since: '1.0.0',
    handler: (c, a) => sunionDiff(c, a.slice(1), null, 'union') },
  { name: 'sunionstore', arity: -3, flags: ['write', 'denyoom'], firstKey: 1, lastKey: -1, keyStep: 1, group: SET, since: '1.0.0',
    handler: (c, a) => sunionDiff(c, a.slice(2), a[1]!, 'union') },
  { name: 'sdiff', arity: -2, flags: ['readonly'], firstKey: 1, lastKey: -1, keyStep: 1, group: SET, since: '1.0.0',
    handler: (c, a) => sunionDiff(c, a.slice(1), null, 'diff') },
  { name: 'sdiffstore', arity: -3, flags: ['write', 'denyoom'], firstKey: 1, lastKey: -1, keyStep: 1, group: SET, since: '1.0.0',
    handler: (c, a) => sunionDiff(c, a.slice(2), a[1]!, 'diff') },
  { name: 'sscan', arity: -3, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, group: SET, since: '2.8.0', handler: sscan },
] satisfies CommandSpec[];
