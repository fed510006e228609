/**
 * Sorted set commands (t_zset.c) with Redis 7.0's replies (RESP3 pairs where Redis nests),
 * error texts, keyspace events, listpack -> skiplist conversion moments, score formatting
 * (%.17g), lexicographic ranges, ZUNION/ZINTER/ZDIFF with WEIGHTS/AGGREGATE, random
 * members, and the blocking BZPOPMIN/BZPOPMAX/BZMPOP.
 */
import { typeOf } from '../db.js';
import type { BlockRequest, CommandContext, CommandSpec } from '../command.js';
import { ZSetValue, type LexRange, type ScoreRange, type ZsetLimits } from '../types/zset.js';
import type { SetValue } from '../types/set.js';
import { parseScanArgs, scanLive, scanReply } from '../types/hash-scan.js';
import { parseBigLL, parseLL, parseLexRange, parseScoreRange, parseTimeoutSeconds, strtod } from '../types/zset-util.js';
import { sampleIndices } from './hash.js';

const ERR_NOT_INT = 'ERR value is not an integer or out of range';
const ERR_NOT_FLOAT = 'ERR value is not a valid float';
const ERR_NAN = 'ERR resulting score is not a number (NaN)';
const ERR_MINMAX_FLOAT = 'ERR min or max is not a float';
const ERR_MINMAX_LEX = 'ERR min or max not valid string range item';

const limitsCache = new WeakMap<object, ZsetLimits>();

/** zset-max-listpack-entries/value, read once per server and refreshed on CONFIG SET. */
export function zsetLimits(c: CommandContext): ZsetLimits {
  let l = limitsCache.get(c.server);
  if (!l) {
    const cfg = c.server.config;
    const lim: ZsetLimits = { maxEntries: 0, maxValue: 0 };
    const read = (): void => {
      lim.maxEntries = cfg.num('zset-max-listpack-entries');
      lim.maxValue = cfg.num('zset-max-listpack-value');
    };
    read();
    cfg.onChange(read);
    limitsCache.set(c.server, lim);
    l = lim;
  }
  return l;
}

function getZset(c: CommandContext, key: string, forWrite: boolean): ZSetValue | undefined | null {
  return c.lookup<ZSetValue>(key, 'zset', forWrite);
}

function intArg(c: CommandContext, s: string): number | null {
  const v = parseLL(s);
  if (v === null) c.reply.error(ERR_NOT_INT);
  return v;
}

/** d2string: integers without exponent, else %.17g (used by ZSCAN). */
function d2string(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 9.2e18) return BigInt(v).toString();
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return formatG17(v);
}

function formatG17(n: number): string {
  const exp = n.toExponential(16);
  const e = exp.indexOf('e');
  const x = Number(exp.slice(e + 1));
  const neg = exp[0] === '-';
  const digits = exp.slice(neg ? 1 : 0, e).replace('.', '');
  let out: string;
  if (x < -4 || x >= 17) {
    let mant = digits[0]! + '.' + digits.slice(1);
    mant = mant.replace(/0+$/, '').replace(/\.$/, '');
    out = `${mant}e${x < 0 ? '-' : '+'}${Math.abs(x) < 10 ? '0' : ''}${Math.abs(x)}`;
  } else if (x >= 0) {
    const frac = digits.slice(x + 1).replace(/0+$/, '');
    out = frac ? `${digits.slice(0, x + 1)}.${frac}` : digits.slice(0, x + 1);
  } else {
    out = '0.' + ('0'.repeat(-x - 1) + digits).replace(/0+$/, '');
  }
  return neg ? '-' + out : out;
}

/** Emits member/score pairs: flat in RESP2, [member, score] pairs in RESP3 when withscores. */
function emitPairs(c: CommandContext, items: [string, number][], withscores: boolean): void {
  const resp3 = c.reply.protocol === 3;
  c.reply.arrayHeader(withscores && !resp3 ? items.length * 2 : items.length);
  for (const [m, s] of items) {
    if (withscores && resp3) c.reply.arrayHeader(2);
    c.reply.bulk(m);
    if (withscores) c.reply.double(s);
  }
}

// ---- ZADD / ZINCRBY -------------------------------------------------------------------------

function zaddGeneric(c: CommandContext, argv: string[], incrCmd: boolean): void {
  const key = argv[1]!;
  let scoreidx = 2;
  let nx = false, xx = false, gt = false, lt = false, ch = false, incr = incrCmd;
  while (scoreidx < argv.length) {
    const arg = argv[scoreidx]!;
    // Every option is 2 or 4 letters; skipping other lengths spares the lowercased copy of
    // the score in the common ZADD key score member.
    if (arg.length !== 2 && arg.length !== 4) break;
    const opt = arg.toLowerCase();
    if (opt === 'nx') nx = true;
    else if (opt === 'xx') xx = true;
    else if (opt === 'ch') ch = true;
    else if (opt === 'incr') incr = true;
    else if (opt === 'gt') gt = true;
    else if (opt === 'lt') lt = true;
    else break;
    scoreidx++;
  }
  let elements = argv.length - scoreidx;
  if (elements % 2 || !elements) { c.syntaxError(); return; }
  elements /= 2;
  if (nx && xx) { c.reply.error('ERR XX and NX options at the same time are not compatible'); return; }
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    c.reply.error('ERR GT, LT, and/or NX options at the same time are not compatible');
    return;
  }
  if (incr && elements > 1) { c.reply.error('ERR INCR option supports a single increment-element pair'); return; }
  // All scores are parsed before anything changes, as Redis does.
  const first = strtod(argv[scoreidx]!);
  if (first === null) { c.reply.error(ERR_NOT_FLOAT); return; }
  let scores: number[] | null = null;
  if (elements > 1) {
    scores = new Array<number>(elements);
    scores[0] = first;
    for (let j = 1; j < elements; j++) {
      const s = strtod(argv[scoreidx + j * 2]!);
      if (s === null) { c.reply.error(ERR_NOT_FLOAT); return; }
      scores[j] = s;
    }
  }
  let z = getZset(c, key, true);
  if (z === null) return;
  let added = 0, updated = 0, processed = 0;
  let score = 0;
  if (!z) {
    if (xx) {
      if (incr) c.reply.nullBulk(); else c.reply.integer(0);
      return;
    }
    z = new ZSetValue(zsetLimits(c), 0, argv[scoreidx + 1]!.length);
    c.db.add(key, z);
  }
  let err = false;
  for (let j = 0; j < elements; j++) {
    const ele = argv[scoreidx + 1 + j * 2]!;
    score = scores === null ? first : scores[j]!;
    const cur = z.score(ele);
    if (cur !== undefined) {
      if (nx) continue;
      if (incr) {
        score += cur;
        if (Number.isNaN(score)) { err = true; break; }
      }
      if ((lt && score >= cur) || (gt && score <= cur)) continue;
      processed++;
      if (score !== cur) { z.update(ele, cur, score); updated++; }
    } else {
      if (xx) continue;
      if (Number.isNaN(score)) { err = true; break; }
      z.add(ele, score, zsetLimits(c));
      added++;
      processed++;
    }
  }
  if (err) c.reply.error(ERR_NAN);
  else if (incr) { if (processed) c.reply.double(score); else c.reply.nullBulk(); }
  else c.reply.integer(ch ? added + updated : added);
  if (added || updated) {
    c.signalModified(key);
    c.notify('zset', incr ? 'zincr' : 'zadd', key);
    c.signalKeyAsReady(key);
    if (added + updated > 1) c.addDirty(added + updated - 1);
  } else if (z.size === 0) {
    c.db.delete(key);
  }
}

// ---- simple reads ---------------------------------------------------------------------------

function zcard(c: CommandContext, argv: string[]): void {
  const z = getZset(c, argv[1]!, false);
  if (z === null) return;
  c.reply.integer(z ? z.size : 0);
}

function zscore(c: CommandContext, argv: string[]): void {
  const z = getZset(c, argv[1]!, false);
  if (z === null) return;
  const s = z?.score(argv[2]!);
  if (s === undefined) c.reply.nullBulk(); else c.reply.double(s);
}

function zmscore(c: CommandContext, argv: string[]): void {
  const z = getZset(c, argv[1]!, false);
  if (z === null) return;
  c.reply.arrayHeader(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const s = z?.score(argv[i]!);
    if (s === undefined) c.reply.nullBulk(); else c.reply.double(s);
  }
}

function zrank(c: CommandContext, argv: string[], reverse: boolean): void {
  const z = getZset(c, argv[1]!, false);
  if (z === null) return;
  if (!z) { c.reply.nullBulk(); return; }
  const r = z.rank(argv[2]!, reverse);
  if (r < 0) c.reply.nullBulk(); else c.reply.integer(r);
}

function zcount(c: CommandContext, argv: string[]): void {
  const range = parseScoreRange(argv[2]!, argv[3]!);
  if (!range) { c.reply.error(ERR_MINMAX_FLOAT); return; }
  const z = getZset(c, argv[1]!, false);
  if (z === null) return;
  c.reply.integer(z ? z.countInRange(range) : 0);
}

function zlexcount(c: CommandContext, argv: string[]): void {
  const range = parseLexRange(argv[2]!, argv[3]!);
  if (!range) { c.reply.error(ERR_MINMAX_LEX); return; }
  const z = getZset(c, argv[1]!, false);
  if (z === null) return;
  c.reply.integer(z ? z.countInLexRange(range) : 0);
}

// ---- ranges ---------------------------------------------------------------------------------

function rankItems(z: ZSetValue, start: number, end: number, reverse: boolean): [string, number][] {
  const llen = z.size;
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  if (start > end || start >= llen) return [];
  if (end >= llen) end = llen - 1;
  const out: [string, number][] = [];
  z.range(start, end, reverse, (m, s) => { out.push([m, s]); });
  return out;
}

/**
 * Elements of positions [first, last] after LIMIT offset/count, in the requested direction.
 * A negative offset yields nothing and a negative count means "all", as in Redis.
 */
function window(z: ZSetValue, first: number, last: number, offset: number, limit: number, reverse: boolean): [string, number][] {
  const out: [string, number][] = [];
  if (offset < 0 || first > last) return out;
  let n = last - first + 1 - offset;
  if (limit >= 0 && limit < n) n = limit;
  if (n <= 0) return out;
  if (reverse) z.order.forEach(last - offset - n + 1, last - offset, true, (m, s) => { out.push([m, s]); });
  else z.order.forEach(first + offset, first + offset + n - 1, false, (m, s) => { out.push([m, s]); });
  return out;
}

function scoreItems(z: ZSetValue, r: ScoreRange, offset: number, limit: number, reverse: boolean): [string, number][] {
  const [first, last] = z.order.scoreRange(r);
  return window(z, first, last, offset, limit, reverse);
}

function lexItems(z: ZSetValue, r: LexRange, offset: number, limit: number, reverse: boolean): [string, number][] {
  const [first, last] = z.lexSpan(r, reverse);
  return window(z, first, last, offset, limit, reverse);
}

type RangeType = 'auto' | 'rank' | 'score' | 'lex';
type Direction = 'auto' | 'forward' | 'reverse';

/** zrangeGenericCommand: argv[argStart] is the source key; dst set for ZRANGESTORE. */
function zrangeGeneric(c: CommandContext, argv: string[], argStart: number, dst: string | null,
  rangetype: RangeType, direction: Direction): void {
  const key = argv[argStart]!;
  let minidx = argStart + 1, maxidx = argStart + 2;
  let withscores = false, offset = 0, limit = -1;
  for (let j = argStart + 3; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const a = argv[j]!.toLowerCase();
    if (dst === null && a === 'withscores') withscores = true;
    else if (a === 'limit' && left >= 2) {
      const o = intArg(c, argv[j + 1]!); if (o === null) return;
      const l = intArg(c, argv[j + 2]!); if (l === null) return;
      offset = o; limit = l;
      j += 2;
    } else if (direction === 'auto' && a === 'rev') direction = 'reverse';
    else if (rangetype === 'auto' && a === 'bylex') rangetype = 'lex';
    else if (rangetype === 'auto' && a === 'byscore') rangetype = 'score';
    else { c.syntaxError(); return; }
  }
  if (direction === 'auto') direction = 'forward';
  if (rangetype === 'auto') rangetype = 'rank';
  if (limit !== -1 && rangetype === 'rank') {
    c.reply.error('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
    return;
  }
  if (withscores && rangetype === 'lex') {
    c.reply.error('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
    return;
  }
  const reverse = direction === 'reverse';
  if (reverse && rangetype !== 'rank') { const t = maxidx; maxidx = minidx; minidx = t; }
  let start = 0, end = 0;
  let srange: ScoreRange | null = null;
  let lrange: LexRange | null = null;
  if (rangetype === 'rank') {
    const a = intArg(c, argv[minidx]!); if (a === null) return;
    const b = intArg(c, argv[maxidx]!); if (b === null) return;
    start = a; end = b;
  } else if (rangetype === 'score') {
    srange = parseScoreRange(argv[minidx]!, argv[maxidx]!);
    if (!srange) { c.reply.error(ERR_MINMAX_FLOAT); return; }
  } else {
    lrange = parseLexRange(argv[minidx]!, argv[maxidx]!);
    if (!lrange) { c.reply.error(ERR_MINMAX_LEX); return; }
  }
  const z = getZset(c, key, false);
  if (z === null) return;
  let items: [string, number][] = [];
  if (z) {
    if (rangetype === 'rank') items = rankItems(z, start, end, reverse);
    else if (rangetype === 'score') items = scoreItems(z, srange!, offset, limit, reverse);
    else items = lexItems(z, lrange!, offset, limit, reverse);
  }
  if (dst === null) { emitPairs(c, items, withscores); return; }
  storeZset(c, dst, items, 'zrangestore');
}

/** Stores a result zset (or deletes dst when empty) and replies its size. */
function storeZset(c: CommandContext, dst: string, items: Iterable<[string, number]>, event: string, shrink = false): void {
  const lim = zsetLimits(c);
  const arr = Array.isArray(items) ? items as [string, number][] : [...items];
  let maxlen = 0;
  for (const [m] of arr) if (m.length > maxlen) maxlen = m.length;
  const z = new ZSetValue(lim, arr.length, shrink ? maxlen : 0);
  for (const [m, s] of arr) z.set(m, s, lim);
  if (z.size > 0) {
    c.db.set(dst, z);
    c.reply.integer(z.size);
    c.notify('zset', event, dst);
    c.signalModified(dst);
  } else {
    c.reply.integer(0);
    if (c.db.delete(dst)) {
      c.signalModified(dst);
      c.notify('generic', 'del', dst);
    }
  }
}

// ---- removals -------------------------------------------------------------------------------

function zrem(c: CommandContext, argv: string[]): void {
  const key = argv[1]!;
  const z = getZset(c, key, true);
  if (z === null) return;
  if (!z) { c.reply.integer(0); return; }
  let deleted = 0, keyRemoved = false;
  for (let i = 2; i < argv.length; i++) {
    if (z.delete(argv[i]!)) {
      deleted++;
      if (z.size === 0) { c.db.delete(key); keyRemoved = true; break; }
    }
  }
  if (deleted) {
    c.notify('zset', 'zrem', key);
    if (keyRemoved) c.notify('generic', 'del', key);
    c.signalModified(key);
    if (deleted > 1) c.addDirty(deleted - 1);
  }
  c.reply.integer(deleted);
}

function zremrange(c: CommandContext, argv: string[], type: 'rank' | 'score' | 'lex'): void {
  const key = argv[1]!;
  let start = 0, end = 0;
  let srange: ScoreRange | null = null, lrange: LexRange | null = null;
  if (type === 'rank') {
    const a = intArg(c, argv[2]!); if (a === null) return;
    const b = intArg(c, argv[3]!); if (b === null) return;
    start = a; end = b;
  } else if (type === 'score') {
    srange = parseScoreRange(argv[2]!, argv[3]!);
    if (!srange) { c.reply.error(ERR_MINMAX_FLOAT); return; }
  } else {
    lrange = parseLexRange(argv[2]!, argv[3]!);
    if (!lrange) { c.reply.error(ERR_MINMAX_LEX); return; }
  }
  const z = getZset(c, key, true);
  if (z === null) return;
  if (!z) { c.reply.integer(0); return; }
  let items: [string, number][];
  if (type === 'rank') items = rankItems(z, start, end, false);
  else if (type === 'score') items = scoreItems(z, srange!, 0, -1, false);
  else items = lexItems(z, lrange!, 0, -1, false);
  for (const [m] of items) z.delete(m);
  if (items.length) {
    c.notify('zset', `zremrangeby${type}`, key);
    if (z.size === 0) { c.db.delete(key); c.notify('generic', 'del', key); }
    c.signalModified(key);
    if (items.length > 1) c.addDirty(items.length - 1);
  }
  c.reply.integer(items.length);
}

// ---- pops -----------------------------------------------------------------------------------

/** genericZpopCommand on one zset known to exist; replies per the flags. */
function zpopFrom(c: CommandContext, key: string, z: ZSetValue, max: boolean, emitKey: boolean, count: number,
  nested: boolean): number {
  if (count === -1) count = 1;
  const n = Math.min(count, z.size);
  if (!nested && !emitKey) c.reply.arrayHeader(n * 2);
  else if (nested && !emitKey) c.reply.arrayHeader(n);
  else if (!nested && emitKey) { c.reply.arrayHeader(n * 2 + 1); c.reply.bulk(key); }
  else { c.reply.arrayHeader(2); c.reply.bulk(key); c.reply.arrayHeader(n); }
  for (let i = 0; i < n; i++) {
    const [m, s] = z.at(max ? z.size - 1 : 0);
    z.delete(m);
    if (nested) c.reply.arrayHeader(2);
    c.reply.bulk(m);
    c.reply.double(s);
  }
  if (n > 0) {
    c.notify('zset', max ? 'zpopmax' : 'zpopmin', key);
    c.signalModified(key);
    if (n > 1) c.addDirty(n - 1);
  }
  if (z.size === 0) { c.db.delete(key); c.notify('generic', 'del', key); }
  return n;
}

function zpopMinMax(c: CommandContext, argv: string[], max: boolean): void {
  if (argv.length > 3) { c.syntaxError(); return; }
  let count = -1;
  if (argv.length === 3) {
    const v = parseLL(argv[2]!);
    if (v === null) { c.reply.error(ERR_NOT_INT); return; }
    if (v < 0) { c.reply.error('ERR value is out of range, must be positive'); return; }
    count = v;
  }
  const nested = c.reply.protocol === 3 && count !== -1;
  const key = argv[1]!;
  const z = getZset(c, key, true);
  if (z === null) return;
  if (!z) { c.reply.arrayHeader(0); return; }
  if (count === 0) { c.reply.arrayHeader(0); return; }
  zpopFrom(c, key, z, max, false, count, nested);
}

function propagatePop(c: CommandContext, key: string, max: boolean, count: number, n: number): void {
  if (count === -1) c.rewriteForPropagation([max ? 'ZPOPMAX' : 'ZPOPMIN', key]);
  else c.rewriteForPropagation([max ? 'ZPOPMAX' : 'ZPOPMIN', key, String(n)]);
}

function blockingZpop(c: CommandContext, keys: string[], max: boolean, timeoutArg: string, count: number,
  nested: boolean, nilWhenEmpty: boolean): void | BlockRequest {
  const t = parseTimeoutSeconds(timeoutArg);
  if (typeof t === 'string') { c.reply.error(t); return; }
  for (const key of keys) {
    const z = getZset(c, key, true);
    if (z === null) return;
    if (!z || z.size === 0) continue;
    const n = zpopFrom(c, key, z, max, true, count, nested);
    propagatePop(c, key, max, count, n);
    return;
  }
  if (c.inMulti) { c.reply.nullArray(); return; }
  void nilWhenEmpty;
  return {
    block: {
      keys,
      timeoutMs: t,
      // See list.ts: serve from the key that became ready when the kernel passes it.
      onReady: (rc: CommandContext, readyKey?: string) => {
        for (const key of readyKey !== undefined ? [readyKey] : keys) {
          const v = rc.db.lookupWrite(key);
          if (v === undefined || typeOf(v) !== 'zset') continue;
          const z = v as ZSetValue;
          if (z.size === 0) continue;
          const n = zpopFrom(rc, key, z, max, true, count, nested);
          propagatePop(rc, key, max, count, n);
          return true;
        }
        return false;
      },
      onTimeout: (rc) => { rc.reply.nullArray(); },
    },
  };
}

function zmpopGeneric(c: CommandContext, argv: string[], numkeysIdx: number, block: boolean): void | BlockRequest {
  const nk = parseLL(argv[numkeysIdx]!);
  if (nk === null || nk < 1) { c.reply.error('ERR numkeys should be greater than 0'); return; }
  const whereIdx = numkeysIdx + nk + 1;
  if (whereIdx >= argv.length) { c.syntaxError(); return; }
  const w = argv[whereIdx]!.toLowerCase();
  let max: boolean;
  if (w === 'min') max = false;
  else if (w === 'max') max = true;
  else { c.syntaxError(); return; }
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && argv[j]!.toLowerCase() === 'count' && more) {
      j++;
      const v = parseLL(argv[j]!);
      if (v === null || v < 1) { c.reply.error('ERR count should be greater than 0'); return; }
      count = v;
    } else { c.syntaxError(); return; }
  }
  if (count === -1) count = 1;
  const keys = argv.slice(numkeysIdx + 1, numkeysIdx + 1 + nk);
  if (block) return blockingZpop(c, keys, max, argv[1]!, count, true, true);
  for (const key of keys) {
    const z = getZset(c, key, true);
    if (z === null) return;
    if (!z) continue;
    const n = zpopFrom(c, key, z, max, true, count, true);
    propagatePop(c, key, max, count, n);
    return;
  }
  c.reply.nullArray();
}

// ---- ZRANDMEMBER ----------------------------------------------------------------------------

function zrandmember(c: CommandContext, argv: string[]): void {
  if (argv.length >= 3) {
    const big = parseBigLL(argv[2]!);
    if (big === null) { c.reply.error(ERR_NOT_INT); return; }
    if (big < -9223372036854775807n) { c.reply.error('ERR value is out of range'); return; }
    const l = Number(big);
    let withscores = false;
    if (argv.length === 4 && argv[3]!.toLowerCase() === 'withscores') withscores = true;
    else if (argv.length >= 4) { c.syntaxError(); return; }
    if (withscores && big < -4611686018427387903n) { c.reply.error('ERR value is out of range'); return; }
    const z = getZset(c, argv[1]!, false);
    if (z === null) return;
    if (!z || l === 0) { c.reply.arrayHeader(0); return; }
    const size = z.size;
    const uniq = l > 0;
    const count = Math.abs(l);
    if (!uniq || count === 1) {
      const items: [string, number][] = [];
      for (let i = 0; i < count; i++) {
        items.push(z.at(Math.floor(Math.random() * size)));
      }
      emitPairs(c, items, withscores);
      return;
    }
    if (count >= size) { emitPairs(c, [...z.entries()], withscores); return; }
    const idx = sampleIndices(size, count);
    if (z.isListpack) idx.sort((a, b) => a - b);
    const items: [string, number][] = idx.map((i) => z.at(i));
    emitPairs(c, items, withscores);
    return;
  }
  const z = getZset(c, argv[1]!, false);
  if (z === null) return;
  if (!z) { c.reply.nullBulk(); return; }
  c.reply.bulk(z.at(Math.floor(Math.random() * z.size))[0]);
}

// ---- ZUNION / ZINTER / ZDIFF ----------------------------------------------------------------

type Aggregate = 'sum' | 'min' | 'max';
interface Src { z?: ZSetValue; s?: SetValue; weight: number }

function srcSize(s: Src): number { return s.z ? s.z.size : s.s ? s.s.size : 0; }
function srcScore(s: Src, m: string): number | undefined {
  if (s.z) return s.z.score(m);
  if (s.s) return s.s.has(m) ? 1 : undefined;
  return undefined;
}
function* srcEntries(s: Src): IterableIterator<[string, number]> {
  if (s.z) yield* s.z.entries();
  else if (s.s) for (const m of s.s.members()) yield [m, 1];
}

function aggregate(a: number, b: number, agg: Aggregate): number {
  if (agg === 'sum') { const r = a + b; return Number.isNaN(r) ? 0 : r; }
  if (agg === 'min') return a < b ? a : b;
  return a > b ? a : b;
}

function weighted(score: number, w: number): number {
  const r = score * w;
  return Number.isNaN(r) ? 0 : r;
}

function zsetOp(c: CommandContext, argv: string[], dst: string | null, numkeysIdx: number,
  op: 'union' | 'inter' | 'diff', cardOnly: boolean, cmdName: string): void {
  const setnum = intArg(c, argv[numkeysIdx]!);
  if (setnum === null) return;
  if (setnum < 1) { c.reply.error(`ERR at least 1 input key is needed for '${cmdName}' command`); return; }
  if (setnum > argv.length - (numkeysIdx + 1)) { c.syntaxError(); return; }
  const src: Src[] = [];
  let j = numkeysIdx + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const v = c.db.lookupRead(argv[j]!);
    if (v !== undefined) {
      if (typeOf(v) === 'zset') src.push({ z: v as ZSetValue, weight: 1 });
      else if (typeOf(v) === 'set') src.push({ s: v as SetValue, weight: 1 });
      else { c.wrongType(); return; }
    } else src.push({ weight: 1 });
  }
  let agg: Aggregate = 'sum';
  let withscores = false;
  let limit = 0;
  let remaining = argv.length - j;
  while (remaining > 0) {
    const a = argv[j]!.toLowerCase();
    if (op !== 'diff' && !cardOnly && remaining >= setnum + 1 && a === 'weights') {
      j++; remaining--;
      for (let i = 0; i < setnum; i++, j++, remaining--) {
        const w = strtod(argv[j]!);
        if (w === null) { c.reply.error('ERR weight value is not a float'); return; }
        src[i]!.weight = w;
      }
    } else if (op !== 'diff' && !cardOnly && remaining >= 2 && a === 'aggregate') {
      j++; remaining--;
      const g = argv[j]!.toLowerCase();
      if (g === 'sum' || g === 'min' || g === 'max') agg = g;
      else { c.syntaxError(); return; }
      j++; remaining--;
    } else if (remaining >= 1 && dst === null && !cardOnly && a === 'withscores') {
      j++; remaining--;
      withscores = true;
    } else if (cardOnly && remaining >= 2 && a === 'limit') {
      j++; remaining--;
      const l = parseLL(argv[j]!);
      if (l === null || l < 0) { c.reply.error('ERR LIMIT can\'t be negative'); return; }
      limit = l;
      j++; remaining--;
    } else { c.syntaxError(); return; }
  }
  const result = new Map<string, number>();
  if (op === 'inter') {
    const sorted = src.slice().sort((x, y) => srcSize(x) - srcSize(y));
    const first = sorted[0]!;
    if (srcSize(first) > 0) {
      for (const [m, s0] of srcEntries(first)) {
        let score = weighted(s0, first.weight);
        let ok = true;
        for (let k = 1; k < sorted.length; k++) {
          const o = sorted[k]!;
          if (o.z && o.z === first.z || o.s && o.s === first.s) {
            score = aggregate(score, weighted(s0, o.weight), agg);
            continue;
          }
          const v = srcScore(o, m);
          if (v === undefined) { ok = false; break; }
          score = aggregate(score, weighted(v, o.weight), agg);
        }
        if (ok) {
          result.set(m, score);
          if (cardOnly && limit && result.size >= limit) break;
        }
      }
    }
  } else if (op === 'union') {
    for (const s of src) {
      for (const [m, sc] of srcEntries(s)) {
        const w = weighted(sc, s.weight);
        const cur = result.get(m);
        result.set(m, cur === undefined ? w : aggregate(cur, w, agg));
      }
    }
  } else {
    const first = src[0]!;
    for (const [m, sc] of srcEntries(first)) {
      let keep = true;
      for (let k = 1; k < src.length; k++) {
        const o = src[k]!;
        if ((o.z && o.z === first.z) || (o.s && o.s === first.s) || srcScore(o, m) !== undefined) { keep = false; break; }
      }
      if (keep) result.set(m, sc);
    }
  }
  if (cardOnly) { c.reply.integer(result.size); return; }
  const items = [...result].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  if (dst !== null) {
    storeZset(c, dst, items, `z${op}store`, true);
    return;
  }
  emitPairs(c, items, withscores);
}

function zsetOpKeys(numkeysIdx: number, withDst: boolean) {
  return (argv: string[]): number[] => {
    const n = parseLL(argv[numkeysIdx] ?? '') ?? 0;
    // Like Redis's genericGetKeys: no keys when numkeys is out of range (a syntax error follows).
    if (n < 1 || n > argv.length - numkeysIdx - 1) return [];
    const out: number[] = withDst ? [1] : [];
    for (let i = 0; i < n && numkeysIdx + 1 + i < argv.length; i++) out.push(numkeysIdx + 1 + i);
    return out;
  };
}

// ---- ZSCAN ----------------------------------------------------------------------------------

function zscan(c: CommandContext, argv: string[]): void {
  const opts = parseScanArgs(c, argv);
  if (!opts) return;
  const z = getZset(c, argv[1]!, false);
  if (z === null) return;
  if (!z) { scanReply(c, 0, [], 2, null); return; }
  const items: string[] = [];
  if (z.isListpack) {
    for (const [m, s] of z.entries()) items.push(m, d2string(s));
    scanReply(c, 0, items, 2, opts.match);
    return;
  }
  const { next, items: members } = scanLive(z, opts.cursor, opts.count, () => z.dict.keys());
  for (const m of members) {
    const s = z.score(m);
    if (s !== undefined) items.push(m, d2string(s));
  }
  scanReply(c, next, items, 2, opts.match);
}

const Z = 'sorted_set';
type Spec = CommandSpec;
const k1 = { firstKey: 1, lastKey: 1, keyStep: 1 } as const;

function mpopKeys(numkeysIdx: number) {
  return (argv: string[]): number[] => {
    const n = parseLL(argv[numkeysIdx] ?? '') ?? 0;
    const out: number[] = [];
    for (let i = 0; i < n && numkeysIdx + 1 + i < argv.length; i++) out.push(numkeysIdx + 1 + i);
    return out;
  };
}

export const commands = [
  { name: 'zadd', arity: -4, flags: ['write', 'denyoom', 'fast'], ...k1, group: Z, since: '1.2.0', handler: (c, a) => zaddGeneric(c, a, false) },
  { name: 'zincrby', arity: 4, flags: ['write', 'denyoom', 'fast'], ...k1, group: Z, since: '1.2.0', handler: (c, a) => zaddGeneric(c, a, true) },
  { name: 'zcard', arity: 2, flags: ['readonly', 'fast'], ...k1, group: Z, since: '1.2.0', handler: zcard },
  { name: 'zcount', arity: 4, flags: ['readonly', 'fast'], ...k1, group: Z, since: '2.0.0', handler: zcount },
  { name: 'zlexcount', arity: 4, flags: ['readonly', 'fast'], ...k1, group: Z, since: '2.8.9', handler: zlexcount },
  { name: 'zscore', arity: 3, flags: ['readonly', 'fast'], ...k1, group: Z, since: '1.2.0', handler: zscore },
  { name: 'zmscore', arity: -3, flags: ['readonly', 'fast'], ...k1, group: Z, since: '6.2.0', handler: zmscore },
  { name: 'zrank', arity: 3, flags: ['readonly', 'fast'], ...k1, group: Z, since: '2.0.0', handler: (c, a) => zrank(c, a, false) },
  { name: 'zrevrank', arity: 3, flags: ['readonly', 'fast'], ...k1, group: Z, since: '2.0.0', handler: (c, a) => zrank(c, a, true) },
  { name: 'zrange', arity: -4, flags: ['readonly'], ...k1, group: Z, since: '1.2.0', handler: (c, a) => zrangeGeneric(c, a, 1, null, 'auto', 'auto') },
  { name: 'zrangestore', arity: -5, flags: ['write', 'denyoom'], firstKey: 1, lastKey: 2, keyStep: 1, group: Z, since: '6.2.0',
    handler: (c, a) => zrangeGeneric(c, a, 2, a[1]!, 'auto', 'auto') },
  { name: 'zrevrange', arity: -4, flags: ['readonly'], ...k1, group: Z, since: '1.2.0', handler: (c, a) => zrangeGeneric(c, a, 1, null, 'rank', 'reverse') },
  { name: 'zrangebyscore', arity: -4, flags: ['readonly'], ...k1, group: Z, since: '1.0.5', handler: (c, a) => zrangeGeneric(c, a, 1, null, 'score', 'forward') },
  { name: 'zrevrangebyscore', arity: -4, flags: ['readonly'], ...k1, group: Z, since: '2.2.0', handler: (c, a) => zrangeGeneric(c, a, 1, null, 'score', 'reverse') },
  { name: 'zrangebylex', arity: -4, flags: ['readonly'], ...k1, group: Z, since: '2.8.9', handler: (c, a) => zrangeGeneric(c, a, 1, null, 'lex', 'forward') },
  { name: 'zrevrangebylex', arity: -4, flags: ['readonly'], ...k1, group: Z, since: '2.8.9', handler: (c, a) => zrangeGeneric(c, a, 1, null, 'lex', 'reverse') },
  { name: 'zrem', arity: -3, flags: ['write', 'fast'], ...k1, group: Z, since: '1.2.0', handler: zrem },
  { name: 'zremrangebyrank', arity: 4, flags: ['write'], ...k1, group: Z, since: '2.0.0', handler: (c, a) => zremrange(c, a, 'rank') },
  { name: 'zremrangebyscore', arity: 4, flags: ['write'], ...k1, group: Z, since: '1.2.0', handler: (c, a) => zremrange(c, a, 'score') },
  { name: 'zremrangebylex', arity: 4, flags: ['write'], ...k1, group: Z, since: '2.8.9', handler: (c, a) => zremrange(c, a, 'lex') },
  { name: 'zpopmin', arity: -2, flags: ['write', 'fast'], ...k1, group: Z, since: '5.0.0', handler: (c, a) => zpopMinMax(c, a, false) },
  { name: 'zpopmax', arity: -2, flags: ['write', 'fast'], ...k1, group: Z, since: '5.0.0', handler: (c, a) => zpopMinMax(c, a, true) },
  { name: 'bzpopmin', arity: -3, flags: ['write', 'blocking', 'fast', 'noscript'], firstKey: 1, lastKey: -2, keyStep: 1, group: Z, since: '5.0.0',
    handler: (c, a) => blockingZpop(c, a.slice(1, -1), false, a[a.length - 1]!, -1, false, false) },
  { name: 'bzpopmax', arity: -3, flags: ['write', 'blocking', 'fast', 'noscript'], firstKey: 1, lastKey: -2, keyStep: 1, group: Z, since: '5.0.0',
    handler: (c, a) => blockingZpop(c, a.slice(1, -1), true, a[a.length - 1]!, -1, false, false) },
  { name: 'zmpop', arity: -4, flags: ['write'], firstKey: 0, lastKey: 0, keyStep: 0, getKeys: mpopKeys(1), group: Z, since: '7.0.0',
    handler: (c, a) => { zmpopGeneric(c, a, 1, false); } },
  { name: 'bzmpop', arity: -5, flags: ['write', 'blocking'], firstKey: 0, lastKey: 0, keyStep: 0, getKeys: mpopKeys(2), group: Z, since: '7.0.0',
    handler: (c, a) => zmpopGeneric(c, a, 2, true) },
  { name: 'zrandmember', arity: -2, flags: ['readonly'], ...k1, group: Z, since: '6.2.0', handler: zrandmember },
  { name: 'zunion', arity: -3, flags: ['readonly'], firstKey: 0, lastKey: 0, keyStep: 0, getKeys: zsetOpKeys(1, false), group: Z, since: '6.2.0',
    handler: (c, a) => zsetOp(c, a, null, 1, 'union', false, 'zunion') },
  { name: 'zinter', arity: -3, flags: ['readonly'], firstKey: 0, lastKey: 0, keyStep: 0, getKeys: zsetOpKeys(1, false), group: Z, since: '6.2.0',
    handler: (c, a) => zsetOp(c, a, null, 1, 'inter', false, 'zinter') },
  { name: 'zdiff', arity: -3, flags: ['readonly'], firstKey: 0, lastKey: 0, keyStep: 0, getKeys: zsetOpKeys(1, false), group: Z, since: '6.2.0',
    handler: (c, a) => zsetOp(c, a, null, 1, 'diff', false, 'zdiff') },
  { name: 'zintercard', arity: -3, flags: ['readonly'], firstKey: 0, lastKey: 0, keyStep: 0, getKeys: zsetOpKeys(1, false), group: Z, since: '7.0.0',
    handler: (c, a) => zsetOp(c, a, null, 1, 'inter', true, 'zintercard') },
  { name: 'zunionstore', arity: -4, flags: ['write', 'denyoom'], firstKey: 0, lastKey: 0, keyStep: 0, getKeys: zsetOpKeys(2, true), group: Z, since: '2.0.0',
    handler: (c, a) => zsetOp(c, a, a[1]!, 2, 'union', false, 'zunionstore') },
  { name: 'zinterstore', arity: -4, flags: ['write', 'denyoom'], firstKey: 0, lastKey: 0, keyStep: 0, getKeys: zsetOpKeys(2, true), group: Z, since: '2.0.0',
    handler: (c, a) => zsetOp(c, a, a[1]!, 2, 'inter', false, 'zinterstore') },
  { name: 'zdiffstore', arity: -4, flags: ['write', 'denyoom'], firstKey: 0, lastKey: 0, keyStep: 0, getKeys: zsetOpKeys(2, true), group: Z, since: '6.2.0',
    handler: (c, a) => zsetOp(c, a, a[1]!, 2, 'diff', false, 'zdiffstore') },
  { name: 'zscan', arity: -3, flags: ['readonly'], ...k1, group: Z, since: '2.8.0', handler: zscan },
] satisfies Spec[];
