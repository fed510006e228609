/**
 * SORT / SORT_RO (sort.c): numeric or ALPHA ordering of a list, set or sorted set, BY an
 * external key pattern (`weight_*`, `obj_*->field` for hash fields, or a pattern without
 * `*` meaning "don't sort"), LIMIT, GET patterns (`#` is the element itself) and STORE into
 * a list. Comparison of equal scores falls back to the elements' bytes, as Redis does, so
 * the output is deterministic.
 */
import type { CommandContext, CommandSpec } from '../command.js';
import { stringOf, typeOf, type Db, type RedisValue } from '../db.js';
import { ListValue } from '../types/list.js';
import type { SetValue } from '../types/set.js';
import type { ZSetValue } from '../types/zset.js';
import type { HashValue } from '../types/hash.js';
import { parseLL } from '../types/zset-util.js';

interface SortItem { obj: string; score: number; cmp: string | null }

/** lookupKeyByPattern: `#` -> the element; `pre*post` -> string key; `pre*post->field` -> hash field. */
function lookupByPattern(db: Db, pattern: string, subst: string): string | null {
  if (pattern === '#') return subst;
  const p = pattern.indexOf('*');
  if (p < 0) return null;
  const f = pattern.indexOf('->', p + 1);
  let field: string | null = null;
  let keyPat = pattern;
  if (f >= 0 && f + 2 < pattern.length) {
    field = pattern.slice(f + 2);
    keyPat = pattern.slice(0, f);
  }
  const key = keyPat.slice(0, p) + subst + keyPat.slice(p + 1);
  const o = db.lookupRead(key);
  if (o === undefined) return null;
  if (field !== null) {
    if (typeOf(o) !== 'hash') return null;
    return (o as HashValue).get(field) ?? null;
  }
  return stringOf(o) ?? null;
}

function cmpBytes(a: string, b: string): number { return a < b ? -1 : a > b ? 1 : 0; }

/** strtod as SORT uses it: the whole string must parse; empty string parses as 0. */
function sortScore(s: string): number | null {
  if (s.length === 0) return 0;
  const t = s.trimStart();
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t[0] === '-' ? -Infinity : Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null;
  const v = Number(t);
  if (!Number.isFinite(v)) return null;
  return v;
}

function sortGeneric(c: CommandContext, argv: string[], readonly: boolean): void {
  let desc = false, alpha = false, dontsort = false;
  let limitStart = 0, limitCount = -1;
  let sortby: string | null = null, storekey: string | null = null;
  const gets: string[] = [];
  let j = 2;
  while (j < argv.length) {
    const left = argv.length - j - 1;
    const a = argv[j]!.toLowerCase();
    if (a === 'asc') desc = false;
    else if (a === 'desc') desc = true;
    else if (a === 'alpha') alpha = true;
    else if (a === 'limit' && left >= 2) {
      const s = parseLL(argv[j + 1]!);
      const n = s === null ? null : parseLL(argv[j + 2]!);
      if (s === null || n === null) { c.reply.error('ERR value is not an integer or out of range'); return; }
      limitStart = s; limitCount = n;
      j += 2;
    } else if (!readonly && a === 'store' && left >= 1) {
      storekey = argv[j + 1]!;
      j++;
    } else if (a === 'by' && left >= 1) {
      sortby = argv[j + 1]!;
      if (!sortby.includes('*')) dontsort = true;
      j++;
    } else if (a === 'get' && left >= 1) {
      gets.push(argv[j + 1]!);
      j++;
    } else { c.syntaxError(); return; }
    j++;
  }
  const found = c.db.lookupRead(argv[1]!);
  const t = found === undefined ? undefined : typeOf(found);
  if (t !== undefined && t !== 'set' && t !== 'list' && t !== 'zset') { c.wrongType(); return; }
  const sortval = found as RedisValue | undefined;
  if (dontsort && sortval?.type === 'set' && storekey !== null) { dontsort = false; alpha = true; sortby = null; }

  let vectorlen = 0;
  if (sortval?.type === 'list') vectorlen = (sortval as ListValue).length;
  else if (sortval?.type === 'set') vectorlen = (sortval as SetValue).size;
  else if (sortval?.type === 'zset') vectorlen = (sortval as ZSetValue).size;

  let start = Math.min(Math.max(limitStart, 0), vectorlen);
  limitCount = Math.min(Math.max(limitCount, -1), vectorlen);
  let end = limitCount < 0 ? vectorlen - 1 : start + limitCount - 1;
  if (start >= vectorlen) { start = vectorlen - 1; end = vectorlen - 2; }
  if (end >= vectorlen) end = vectorlen - 1;

  let vector: SortItem[] = [];
  const item = (obj: string): SortItem => ({ obj, score: 0, cmp: null });
  if (sortval?.type === 'list' && dontsort) {
    const l = sortval as ListValue;
    if (end >= start) {
      const n = end - start + 1;
      for (let k = 0; k < n; k++) vector.push(item(l.get(desc ? l.length - start - 1 - k : start + k)!));
      end -= start;
      start = 0;
    }
  } else if (sortval?.type === 'list') {
    for (const v of sortval as ListValue) vector.push(item(v));
  } else if (sortval?.type === 'set') {
    for (const v of (sortval as SetValue).members()) vector.push(item(v));
  } else if (sortval?.type === 'zset' && dontsort) {
    const z = sortval as ZSetValue;
    if (end >= start) {
      z.range(start, end, desc, (m) => { vector.push(item(m)); });
      end -= start;
      start = 0;
    }
  } else if (sortval?.type === 'zset') {
    for (const m of (sortval as ZSetValue).dict.keys()) vector.push(item(m));
  }

  let convError = false;
  if (!dontsort) {
    for (const it of vector) {
      let byval: string | null;
      if (sortby !== null) {
        byval = lookupByPattern(c.db, sortby, it.obj);
        if (byval === null) continue;
      } else byval = it.obj;
      if (alpha) {
        if (sortby !== null) it.cmp = byval;
      } else {
        const s = sortScore(byval);
        if (s === null) convError = true; else it.score = s;
      }
    }
    const byPattern = sortby !== null;
    const cmp = (a: SortItem, b: SortItem): number => {
      let r: number;
      if (!alpha) {
        r = a.score > b.score ? 1 : a.score < b.score ? -1 : cmpBytes(a.obj, b.obj);
      } else if (byPattern) {
        if (a.cmp === null || b.cmp === null) r = a.cmp === b.cmp ? 0 : a.cmp === null ? -1 : 1;
        else r = cmpBytes(a.cmp, b.cmp);
      } else r = cmpBytes(a.obj, b.obj);
      return desc ? -r : r;
    };
    vector = vector.slice().sort(cmp);
  }

  const outputlen = gets.length ? gets.length * (end - start + 1) : end - start + 1;
  if (convError) { c.reply.error('ERR One or more scores can\'t be converted into double'); return; }
  if (storekey === null) {
    c.reply.arrayHeader(Math.max(outputlen, 0));
    for (let k = start; k <= end; k++) {
      const obj = vector[k]!.obj;
      if (!gets.length) c.reply.bulk(obj);
      for (const g of gets) {
        const v = lookupByPattern(c.db, g, obj);
        if (v === null) c.reply.nullBulk(); else c.reply.bulk(v);
      }
    }
    return;
  }
  const out = new ListValue();
  for (let k = start; k <= end; k++) {
    const obj = vector[k]!.obj;
    if (!gets.length) out.pushTail(obj);
    else for (const g of gets) out.pushTail(lookupByPattern(c.db, g, obj) ?? '');
  }
  if (outputlen > 0) {
    c.db.set(storekey, out);
    c.notify('list', 'sortstore', storekey);
    c.signalModified(storekey);
    c.signalKeyAsReady(storekey);
  } else if (c.db.delete(storekey)) {
    c.signalModified(storekey);
    c.notify('generic', 'del', storekey);
  }
  c.reply.integer(Math.max(outputlen, 0));
}

/** SORT's keys: the sorted key plus STORE's destination (BY/GET patterns are not declared keys). */
function sortKeys(argv: string[]): number[] {
  const skip: Record<string, number> = { limit: 2, get: 1, by: 1 };
  let store = -1;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!.toLowerCase();
    const n = skip[a];
    if (n !== undefined) i += n;
    else if (a === 'store' && i + 1 < argv.length) store = i + 1; // the last STORE wins, as sortGetKeys
  }
  return store < 0 ? [1] : [1, store];
}

export const commands = [
  { name: 'sort', arity: -2, flags: ['write', 'denyoom'], firstKey: 1, lastKey: 1, keyStep: 1, getKeys: sortKeys, group: 'generic', since: '1.0.0',
    handler: (c, a) => sortGeneric(c, a, false) },
  // SORT_RO's BY/GET patterns read other keys, so Redis marks it movablekeys too.
  { name: 'sort_ro', arity: -2, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, getKeys: () => [1], group: 'generic', since: '7.0.0',
    handler: (c, a) => sortGeneric(c, a, true) },
] satisfies CommandSpec[];
