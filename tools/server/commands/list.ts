/**
 * List commands (t_list.c): pushes, pops (with COUNT), ranges, LPOS, LMOVE, LMPOP and the
 * blocking variants BLPOP/BRPOP/BRPOPLPUSH/BLMOVE/BLMPOP, with Redis 7.0's replies, error
 * texts, keyspace events and propagation (blocking pops propagate as LPOP/RPOP/LMOVE).
 */
import { typeOf } from '../db.js';
import type { BlockRequest, CommandContext, CommandSpec } from '../command.js';
import { ListValue } from '../types/list.js';
import { parseLL, parseTimeoutSeconds } from '../types/zset-util.js';

type Where = 'left' | 'right';

const ERR_NOT_INT = 'ERR value is not an integer or out of range';

function pushEvent(w: Where): string { return w === 'left' ? 'lpush' : 'rpush'; }
function popEvent(w: Where): string { return w === 'left' ? 'lpop' : 'rpop'; }

function parseWhere(c: CommandContext, s: string): Where | null {
  const l = s.toLowerCase();
  if (l === 'left') return 'left';
  if (l === 'right') return 'right';
  c.syntaxError();
  return null;
}

/** getLongFromObjectOrReply. */
function intArg(c: CommandContext, s: string): number | null {
  const v = parseLL(s);
  if (v === null) c.reply.error(ERR_NOT_INT);
  return v;
}

/** getRangeLongFromObjectOrReply(min..LONG_MAX) with a message used for both failures. */
function rangeArg(c: CommandContext, s: string, min: number, msg?: string): number | null {
  const v = parseLL(s);
  if (v === null) { c.reply.error(msg ? `ERR ${msg}` : ERR_NOT_INT); return null; }
  if (v < min) { c.reply.error(msg ? `ERR ${msg}` : 'ERR value is out of range, must be positive'); return null; }
  return v;
}

function getList(c: CommandContext, key: string, forWrite: boolean): ListValue | undefined | null {
  return c.lookup<ListValue>(key, 'list', forWrite);
}

/** Deletes the key when the list became empty (notify 'del'), as listElementsRemoved does. */
function afterRemove(c: CommandContext, key: string, list: ListValue, event: string): void {
  c.notify('list', event, key);
  if (list.length === 0) {
    c.db.delete(key);
    c.notify('generic', 'del', key);
  }
  c.signalModified(key);
}

function push(list: ListValue, w: Where, v: string): void {
  if (w === 'left') list.pushHead(v); else list.pushTail(v);
}

function pop(list: ListValue, w: Where): string | undefined {
  return w === 'left' ? list.popHead() : list.popTail();
}

function pushGeneric(c: CommandContext, argv: string[], w: Where, xx: boolean): void {
  const key = argv[1]!;
  let list = getList(c, key, true);
  if (list === null) return;
  if (!list) {
    if (xx) { c.reply.integer(0); return; }
    list = new ListValue();
    c.db.add(key, list);
  }
  for (let i = 2; i < argv.length; i++) push(list, w, argv[i]!);
  c.reply.integer(list.length);
  c.signalKeyAsReady(key);
  c.signalModified(key);
  c.notify('list', pushEvent(w), key);
  if (argv.length > 3) c.addDirty(argv.length - 3);
}

/** Reply with list[start..end] after Redis's index normalisation (addListRangeReply). */
function rangeReply(c: CommandContext, list: ListValue, start: number, end: number): void {
  const llen = list.length;
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  if (start > end || start >= llen) { c.reply.arrayHeader(0); return; }
  if (end >= llen) end = llen - 1;
  c.reply.arrayHeader(end - start + 1);
  for (let i = start; i <= end; i++) c.reply.bulk(list.get(i)!);
}

function popGeneric(c: CommandContext, argv: string[], w: Where): void {
  if (argv.length > 3) { c.reply.error(`ERR wrong number of arguments for '${argv[0]!.toLowerCase()}' command`); return; }
  const hasCount = argv.length === 3;
  let count = 0;
  if (hasCount) {
    const v = rangeArg(c, argv[2]!, 0);
    if (v === null) return;
    count = v;
  }
  const key = argv[1]!;
  const list = getList(c, key, true);
  if (list === null) return;
  if (!list) { if (hasCount) c.reply.nullArray(); else c.reply.nullBulk(); return; }
  if (hasCount && count === 0) { c.reply.arrayHeader(0); return; }
  if (!hasCount) {
    c.reply.bulk(pop(list, w)!);
    afterRemove(c, key, list, popEvent(w));
    return;
  }
  const n = Math.min(count, list.length);
  c.reply.arrayHeader(n);
  for (let i = 0; i < n; i++) c.reply.bulk(pop(list, w)!);
  afterRemove(c, key, list, popEvent(w));
}

/** Pops up to count from the list and replies [key, [elements]] (LMPOP / BLMPOP). */
function popRangeWithKey(c: CommandContext, key: string, list: ListValue, w: Where, count: number): number {
  const n = Math.min(count, list.length);
  c.reply.arrayHeader(2);
  c.reply.bulk(key);
  c.reply.arrayHeader(n);
  for (let i = 0; i < n; i++) c.reply.bulk(pop(list, w)!);
  afterRemove(c, key, list, popEvent(w));
  return n;
}

/** LMOVE core once the source exists and is non-empty; false if the destination had the wrong type. */
function moveOne(c: CommandContext, src: string, list: ListValue, dst: string, from: Where, to: Where): boolean {
  let dlist = getList(c, dst, true);
  if (dlist === null) return false;
  const value = pop(list, from)!;
  if (!dlist) {
    dlist = new ListValue();
    c.db.add(dst, dlist);
    c.signalKeyAsReady(dst);
  }
  push(dlist, to, value);
  c.signalModified(dst);
  c.notify('list', pushEvent(to), dst);
  c.reply.bulk(value);
  c.notify('list', popEvent(from), src);
  if (list.length === 0) {
    c.db.delete(src);
    c.notify('generic', 'del', src);
  }
  c.signalModified(src);
  return true;
}

function lmoveGeneric(c: CommandContext, src: string, dst: string, from: Where, to: Where): void {
  const list = getList(c, src, true);
  if (list === null) return;
  if (!list || list.length === 0) { c.reply.nullBulk(); return; }
  moveOne(c, src, list, dst, from, to);
}

// ---- blocking ---------------------------------------------------------------------------

function popName(w: Where): string { return w === 'left' ? 'LPOP' : 'RPOP'; }

/** Serves one blocked/non-blocked pop from the first non-empty list; true when served. */
function servePop(c: CommandContext, keys: string[], w: Where, count: number, replyErrors: boolean): boolean | null {
  for (const key of keys) {
    let list: ListValue | undefined | null;
    if (replyErrors) {
      list = getList(c, key, true);
      if (list === null) return null;
    } else {
      const v = c.db.lookupWrite(key);
      list = v !== undefined && typeOf(v) === 'list' ? v as ListValue : undefined;
    }
    if (!list || list.length === 0) continue;
    if (count !== -1) {
      const n = popRangeWithKey(c, key, list, w, count);
      c.rewriteForPropagation([popName(w), key, String(n)]);
      return true;
    }
    const v = pop(list, w)!;
    c.reply.arrayHeader(2);
    c.reply.bulk(key);
    c.reply.bulk(v);
    afterRemove(c, key, list, popEvent(w));
    c.rewriteForPropagation([popName(w), key]);
    return true;
  }
  return false;
}

function blockingPop(c: CommandContext, keys: string[], w: Where, timeoutArg: string, count: number): void | BlockRequest {
  const t = parseTimeoutSeconds(timeoutArg);
  if (typeof t === 'string') { c.reply.error(t); return; }
  const served = servePop(c, keys, w, count, true);
  if (served !== false) return;
  if (c.inMulti) { c.reply.nullArray(); return; }
  return {
    block: {
      keys,
      timeoutMs: t,
      // Redis serves a blocked client from the key that became ready; a kernel that passes
      // it gets that behaviour, otherwise the first non-empty key in argument order is used.
      onReady: (rc: CommandContext, readyKey?: string) => servePop(rc, readyKey !== undefined ? [readyKey] : keys, w, count, false) === true,
      onTimeout: (rc) => { rc.reply.nullArray(); },
    },
  };
}

function blockingMove(c: CommandContext, src: string, dst: string, from: Where, to: Where, timeoutArg: string,
  isBrpoplpush: boolean): void | BlockRequest {
  const t = parseTimeoutSeconds(timeoutArg);
  if (typeof t === 'string') { c.reply.error(t); return; }
  const list = getList(c, src, true);
  if (list === null) return;
  const propagate = (rc: CommandContext): void => {
    rc.rewriteForPropagation(isBrpoplpush ? ['RPOPLPUSH', src, dst]
      : ['LMOVE', src, dst, from.toUpperCase(), to.toUpperCase()]);
  };
  if (list && list.length > 0) {
    if (moveOne(c, src, list, dst, from, to)) propagate(c);
    return;
  }
  if (c.inMulti) { c.reply.nullBulk(); return; }
  return {
    block: {
      keys: [src],
      timeoutMs: t,
      onReady: (rc) => {
        const v = rc.db.lookupWrite(src);
        if (v === undefined || typeOf(v) !== 'list' || (v as ListValue).length === 0) return false;
        if (moveOne(rc, src, v as ListValue, dst, from, to)) propagate(rc);
        return true;
      },
      onTimeout: (rc) => { rc.reply.nullBulk(); },
    },
  };
}

/** LMPOP numkeys key... LEFT|RIGHT [COUNT n] / BLMPOP timeout numkeys ... */
function lmpopGeneric(c: CommandContext, argv: string[], numkeysIdx: number, block: boolean): void | BlockRequest {
  const numkeys = rangeArg(c, argv[numkeysIdx]!, 1, 'numkeys should be greater than 0');
  if (numkeys === null) return;
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) { c.syntaxError(); return; }
  const w = parseWhere(c, argv[whereIdx]!);
  if (w === null) return;
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && argv[j]!.toLowerCase() === 'count' && more) {
      j++;
      const v = rangeArg(c, argv[j]!, 1, 'count should be greater than 0');
      if (v === null) return;
      count = v;
    } else {
      c.syntaxError();
      return;
    }
  }
  if (count === -1) count = 1;
  const keys = argv.slice(numkeysIdx + 1, numkeysIdx + 1 + numkeys);
  if (block) return blockingPop(c, keys, w, argv[1]!, count);
  const served = servePop(c, keys, w, count, true);
  if (served === false) c.reply.nullArray();
}

function mpopKeys(numkeysIdx: number) {
  return (argv: string[]): number[] => {
    const n = parseLL(argv[numkeysIdx] ?? '');
    // Like Redis's genericGetKeys: no keys when numkeys is out of range (a syntax error follows).
    if (n === null || n < 1 || n > argv.length - numkeysIdx - 1) return [];
    const out: number[] = [];
    for (let i = 0; i < n && numkeysIdx + 1 + i < argv.length; i++) out.push(numkeysIdx + 1 + i);
    return out;
  };
}

// ---- command handlers ------------------------------------------------------------------------

function linsert(c: CommandContext, argv: string[]): void {
  const dir = argv[2]!.toLowerCase();
  let after: boolean;
  if (dir === 'after') after = true;
  else if (dir === 'before') after = false;
  else { c.syntaxError(); return; }
  const key = argv[1]!;
  const list = getList(c, key, true);
  if (list === null) return;
  if (!list) { c.reply.integer(0); return; }
  const pivot = argv[3]!;
  const n = list.length;
  for (let i = 0; i < n; i++) {
    if (list.get(i) === pivot) {
      list.insertAt(after ? i + 1 : i, argv[4]!);
      c.signalModified(key);
      c.notify('list', 'linsert', key);
      c.reply.integer(list.length);
      return;
    }
  }
  c.reply.integer(-1);
}

function llen(c: CommandContext, argv: string[]): void {
  const list = getList(c, argv[1]!, false);
  if (list === null) return;
  c.reply.integer(list ? list.length : 0);
}

function lindex(c: CommandContext, argv: string[]): void {
  const list = getList(c, argv[1]!, false);
  if (list === null) return;
  const idx = intArg(c, argv[2]!);
  if (idx === null) return;
  if (!list) { c.reply.nullBulk(); return; }
  const i = idx < 0 ? list.length + idx : idx;
  const v = list.get(i);
  if (v === undefined) c.reply.nullBulk(); else c.reply.bulk(v);
}

function lset(c: CommandContext, argv: string[]): void {
  const key = argv[1]!;
  const list = getList(c, key, true);
  if (list === null) return;
  if (!list) { c.reply.error('ERR no such key'); return; }
  const idx = intArg(c, argv[2]!);
  if (idx === null) return;
  const i = idx < 0 ? list.length + idx : idx;
  if (i < 0 || i >= list.length) { c.reply.error('ERR index out of range'); return; }
  list.set(i, argv[3]!);
  c.reply.ok();
  c.signalModified(key);
  c.notify('list', 'lset', key);
}

function lrange(c: CommandContext, argv: string[]): void {
  const start = intArg(c, argv[2]!);
  if (start === null) return;
  const end = intArg(c, argv[3]!);
  if (end === null) return;
  const list = getList(c, argv[1]!, false);
  if (list === null) return;
  if (!list) { c.reply.arrayHeader(0); return; }
  rangeReply(c, list, start, end);
}

function ltrim(c: CommandContext, argv: string[]): void {
  let start = intArg(c, argv[2]!);
  if (start === null) return;
  let end = intArg(c, argv[3]!);
  if (end === null) return;
  const key = argv[1]!;
  const list = getList(c, key, true);
  if (list === null) return;
  if (!list) { c.reply.ok(); return; }
  const llen = list.length;
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  if (start > end || start >= llen) list.clear();
  else {
    if (end >= llen) end = llen - 1;
    if (start === 0) { while (list.length > end + 1) list.popTail(); }
    else if (end === llen - 1) { for (let i = 0; i < start; i++) list.popHead(); }
    else list.trim(start, end);
  }
  c.notify('list', 'ltrim', key);
  if (list.length === 0) {
    c.db.delete(key);
    c.notify('generic', 'del', key);
  }
  c.signalModified(key);
  c.reply.ok();
}

function lpos(c: CommandContext, argv: string[]): void {
  const ele = argv[2]!;
  let rank = 1, count = -1, maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const more = argv.length - 1 - j;
    if (opt === 'rank' && more) {
      j++;
      const v = intArg(c, argv[j]!);
      if (v === null) return;
      if (v === 0) {
        c.reply.error('ERR RANK can\'t be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list');
        return;
      }
      rank = v;
    } else if (opt === 'count' && more) {
      j++;
      const v = rangeArg(c, argv[j]!, 0, 'COUNT can\'t be negative');
      if (v === null) return;
      count = v;
    } else if (opt === 'maxlen' && more) {
      j++;
      const v = rangeArg(c, argv[j]!, 0, 'MAXLEN can\'t be negative');
      if (v === null) return;
      maxlen = v;
    } else {
      c.syntaxError();
      return;
    }
  }
  let fromTail = false;
  if (rank < 0) { rank = -rank; fromTail = true; }
  const list = getList(c, argv[1]!, false);
  if (list === null) return;
  if (!list) { if (count !== -1) c.reply.arrayHeader(0); else c.reply.nullBulk(); return; }
  const llen = list.length;
  const out: number[] = [];
  let matches = 0;
  let found = -1;
  for (let index = 0; index < llen && (maxlen === 0 || index < maxlen); index++) {
    const pos = fromTail ? llen - index - 1 : index;
    if (list.get(pos) === ele) {
      matches++;
      if (matches >= rank) {
        if (count !== -1) {
          out.push(pos);
          if (count && matches - rank + 1 >= count) break;
        } else {
          found = pos;
          break;
        }
      }
    }
  }
  if (count !== -1) {
    c.reply.arrayHeader(out.length);
    for (const p of out) c.reply.integer(p);
  } else if (found !== -1) c.reply.integer(found);
  else c.reply.nullBulk();
}

function lrem(c: CommandContext, argv: string[]): void {
  const toRemove = intArg(c, argv[2]!);
  if (toRemove === null) return;
  const key = argv[1]!;
  const list = getList(c, key, true);
  if (list === null) return;
  if (!list) { c.reply.integer(0); return; }
  const ele = argv[3]!;
  let removed = 0;
  if (toRemove >= 0) {
    const limit = toRemove === 0 ? Infinity : toRemove;
    let seen = 0;
    removed = list.filter((v) => {
      if (seen < limit && v === ele) { seen++; return false; }
      return true;
    });
  } else {
    const limit = -toRemove;
    const drop = new Set<number>();
    for (let i = list.length - 1; i >= 0 && drop.size < limit; i--) if (list.get(i) === ele) drop.add(i);
    if (drop.size === 1) { list.removeAt([...drop][0]!); removed = 1; }
    else if (drop.size > 0) removed = list.filter((_v, i) => !drop.has(i));
  }
  if (removed) afterRemove(c, key, list, 'lrem');
  c.reply.integer(removed);
}

const LIST = 'list';

export const commands = [
  { name: 'lpush', arity: -3, flags: ['write', 'denyoom', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, group: LIST, since: '1.0.0',
    handler: (c, a) => pushGeneric(c, a, 'left', false) },
  { name: 'rpush', arity: -3, flags: ['write', 'denyoom', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, group: LIST, since: '1.0.0',
    handler: (c, a) => pushGeneric(c, a, 'right', false) },
  { name: 'lpushx', arity: -3, flags: ['write', 'denyoom', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, group: LIST, since: '2.2.0',
    handler: (c, a) => pushGeneric(c, a, 'left', true) },
  { name: 'rpushx', arity: -3, flags: ['write', 'denyoom', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, group: LIST, since: '2.2.0',
    handler: (c, a) => pushGeneric(c, a, 'right', true) },
  { name: 'linsert', arity: 5, flags: ['write', 'denyoom'], firstKey: 1, lastKey: 1, keyStep: 1, group: LIST, since: '2.2.0', handler: linsert },
  { name: 'llen', arity: 2, flags: ['readonly', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, group: LIST, since: '1.0.0', handler: llen },
  { name: 'lindex', arity: 3, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, group: LIST, since: '1.0.0', handler: lindex },
  { name: 'lset', arity: 4, flags: ['write', 'denyoom'], firstKey: 1, lastKey: 1, keyStep: 1, group: LIST, since: '1.0.0', handler: lset },
  { name: 'lrange', arity: 4, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, group: LIST, since: '1.0.0', handler: lrange },
  { name: 'ltrim', arity: 4, flags: ['write'], firstKey: 1, lastKey: 1, keyStep: 1, group: LIST, since: '1.0.0', handler: ltrim },
  { name: 'lpos', arity: -3, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, group: LIST, since: '6.0.6', handler: lpos },
  { name: 'lrem', arity: 4, flags: ['write'], firstKey: 1, lastKey: 1, keyStep: 1, group: LIST, since: '1.0.0', handler: lrem },
  { name: 'lpop', arity: -2, flags: ['write', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, group: LIST, since: '1.0.0',
    handler: (c, a) => popGeneric(c, a, 'left') },
  { name: 'rpop', arity: -2, flags: ['write', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, group: LIST, since: '1.0.0',
    handler: (c, a) => popGeneric(c, a, 'right') },
  { name: 'rpoplpush', arity: 3, flags: ['write', 'denyoom'], firstKey: 1, lastKey: 2, keyStep: 1, group: LIST, since: '1.2.0',
    handler: (c, a) => lmoveGeneric(c, a[1]!, a[2]!, 'right', 'left') },
  { name: 'lmove', arity: 5, flags: ['write', 'denyoom'], firstKey: 1, lastKey: 2, keyStep: 1, group: LIST, since: '6.2.0',
    handler: (c, a) => {
      const from = parseWhere(c, a[3]!); if (from === null) return;
      const to = parseWhere(c, a[4]!); if (to === null) return;
      lmoveGeneric(c, a[1]!, a[2]!, from, to);
    } },
  { name: 'lmpop', arity: -4, flags: ['write'], firstKey: 0, lastKey: 0, keyStep: 0, getKeys: mpopKeys(1), group: LIST, since: '7.0.0',
    handler: (c, a) => { lmpopGeneric(c, a, 1, false); } },
  { name: 'blpop', arity: -3, flags: ['write', 'blocking', 'noscript'], firstKey: 1, lastKey: -2, keyStep: 1, group: LIST, since: '2.0.0',
    handler: (c, a) => blockingPop(c, a.slice(1, -1), 'left', a[a.length - 1]!, -1) },
  { name: 'brpop', arity: -3, flags: ['write', 'blocking', 'noscript'], firstKey: 1, lastKey: -2, keyStep: 1, group: LIST, since: '2.0.0',
    handler: (c, a) => blockingPop(c, a.slice(1, -1), 'right', a[a.length - 1]!, -1) },
  { name: 'brpoplpush', arity: 4, flags: ['write', 'denyoom', 'blocking', 'noscript'], firstKey: 1, lastKey: 2, keyStep: 1, group: LIST, since: '2.2.0',
    handler: (c, a) => blockingMove(c, a[1]!, a[2]!, 'right', 'left', a[3]!, true) },
  { name: 'blmove', arity: 6, flags: ['write', 'denyoom', 'blocking', 'noscript'], firstKey: 1, lastKey: 2, keyStep: 1, group: LIST, since: '6.2.0',
    handler: (c, a) => {
      const from = parseWhere(c, a[3]!); if (from === null) return;
      const to = parseWhere(c, a[4]!); if (to === null) return;
      return blockingMove(c, a[1]!, a[2]!, from, to, a[5]!, false);
    } },
  { name: 'blmpop', arity: -5, flags: ['write', 'blocking'], firstKey: 0, lastKey: 0, keyStep: 0, getKeys: mpopKeys(2), group: LIST, since: '7.0.0',
    handler: (c, a) => lmpopGeneric(c, a, 2, true) },
] satisfies CommandSpec[];
