/**
 * String commands (t_string.c): GET/SET family, MGET/MSET, APPEND, STRLEN, INCR family,
 * INCRBYFLOAT, SETRANGE/GETRANGE, LCS.
 */
import { def, type CommandContext, type CommandSpec } from '../command.js';
import { stringOf, typeOf } from '../db.js';
import { formatLongDouble, LLONG_MAX, LLONG_MIN, parseDouble, parseInteger, parseLongLong, ERR_NOT_INTEGER } from '../util/parse.js';

/** The string bytes at key: undefined when missing, null after replying WRONGTYPE. */
export function getString(c: CommandContext, key: string, forWrite = false): string | undefined | null {
  return c.db.lookupString(c, key, forWrite);
}

/** proto-max-bulk-len check for values grown by SETRANGE/APPEND/SETBIT. */
export function checkStringLength(c: CommandContext, size: number): boolean {
  if (size > c.server.protoMaxBulkLen) {
    c.reply.error('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    return false;
  }
  return true;
}

const OBJ_NO_FLAGS = 0, OBJ_SET_NX = 1, OBJ_SET_XX = 2, OBJ_EX = 4, OBJ_PX = 8, OBJ_KEEPTTL = 16, OBJ_SET_GET = 32, OBJ_EXAT = 64, OBJ_PXAT = 128, OBJ_PERSIST = 256;

/** Parses SET/GETEX extended arguments (parseExtendedStringArgumentsOrReply). */
function parseExtended(c: CommandContext, argv: string[], start: number, isGetex: boolean): { flags: number; expire: string | null } | null {
  let flags = OBJ_NO_FLAGS;
  let expire: string | null = null;
  for (let j = start; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const next = j + 1 < argv.length ? argv[j + 1]! : null;
    if (opt === 'nx' && !isGetex && !(flags & (OBJ_SET_XX))) flags |= OBJ_SET_NX;
    else if (opt === 'xx' && !isGetex && !(flags & OBJ_SET_NX)) flags |= OBJ_SET_XX;
    else if (opt === 'get' && !isGetex) flags |= OBJ_SET_GET;
    else if (opt === 'keepttl' && !isGetex && !(flags & (OBJ_PERSIST | OBJ_EX | OBJ_EXAT | OBJ_PX | OBJ_PXAT))) flags |= OBJ_KEEPTTL;
    else if (opt === 'persist' && isGetex && !(flags & (OBJ_EX | OBJ_EXAT | OBJ_PX | OBJ_PXAT | OBJ_KEEPTTL))) flags |= OBJ_PERSIST;
    else if (opt === 'ex' && next !== null && !(flags & (OBJ_KEEPTTL | OBJ_PERSIST | OBJ_EXAT | OBJ_PX | OBJ_PXAT))) { flags |= OBJ_EX; expire = next; j++; }
    else if (opt === 'px' && next !== null && !(flags & (OBJ_KEEPTTL | OBJ_PERSIST | OBJ_EX | OBJ_EXAT | OBJ_PXAT))) { flags |= OBJ_PX; expire = next; j++; }
    else if (opt === 'exat' && next !== null && !(flags & (OBJ_KEEPTTL | OBJ_PERSIST | OBJ_EX | OBJ_PX | OBJ_PXAT))) { flags |= OBJ_EXAT; expire = next; j++; }
    else if (opt === 'pxat' && next !== null && !(flags & (OBJ_KEEPTTL | OBJ_PERSIST | OBJ_EX | OBJ_EXAT | OBJ_PX))) { flags |= OBJ_PXAT; expire = next; j++; }
    else { c.syntaxError(); return null; }
  }
  return { flags, expire };
}

/** Absolute expire ms from EX/PX/EXAT/PXAT, or null after replying the error. */
function expireAt(c: CommandContext, flags: number, expire: string, cmd: string): number | null {
  const v = parseLongLong(expire);
  if (v === null) { c.reply.error(ERR_NOT_INTEGER); return null; }
  const secs = (flags & (OBJ_EX | OBJ_EXAT)) !== 0;
  if (v <= 0n || (secs && v > LLONG_MAX / 1000n)) { c.reply.error(`ERR invalid expire time in '${cmd}' command`); return null; }
  let ms = secs ? v * 1000n : v;
  if (flags & (OBJ_EX | OBJ_PX)) ms += BigInt(c.now());
  if (ms <= 0n || ms > LLONG_MAX) { c.reply.error(`ERR invalid expire time in '${cmd}' command`); return null; }
  return Number(ms);
}

function setGeneric(c: CommandContext, key: string, val: string, flags: number, expire: string | null, cmd: string, okReply: boolean, argv?: string[]): void {
  let at = 0;
  if (expire !== null) {
    const r = expireAt(c, flags, expire, cmd);
    if (r === null) return;
    at = r;
  }
  const db = c.db;
  if (flags & OBJ_SET_GET) {
    const old = getString(c, key);
    if (old === null) return;
    c.reply.bulk(old ?? null);
  }
  if (flags & (OBJ_SET_NX | OBJ_SET_XX)) {
    const exists = db.lookupWrite(key) !== undefined;
    if (((flags & OBJ_SET_NX) && exists) || ((flags & OBJ_SET_XX) && !exists)) {
      if (!(flags & OBJ_SET_GET)) { if (okReply) c.reply.nullBulk(); else c.reply.integer(0); }
      return;
    }
  }
  db.set(key, val, (flags & OBJ_KEEPTTL) ? { keepTtl: true } : undefined);
  c.signalModified(key);
  c.notify('string', 'set', key);
  if (expire !== null) {
    db.setExpire(key, at);
    c.notify('generic', 'expire', key);
    // Every TTL form (EX/PX/EXAT/PXAT, SETEX, PSETEX) propagates as SET key value PXAT <ms>,
    // the same canonical form Redis writes, so replicas and the AOF agree on the deadline.
    c.rewriteForPropagation(['SET', key, val, 'PXAT', String(at)]);
  } else if (flags & OBJ_SET_GET) {
    // GET only shapes the reply: SET … GET propagates without it, GETSET as a plain SET.
    if (cmd === 'getset') c.rewriteForPropagation(['SET', key, val]);
    else if (argv) c.rewriteForPropagation(argv.filter((a, j) => j < 3 || a.toLowerCase() !== 'get'));
  }
  if (!(flags & OBJ_SET_GET)) { if (okReply) c.reply.ok(); else c.reply.integer(1); }
}

function incrDecr(c: CommandContext, key: string, by: bigint | number): void {
  const db = c.db;
  const sv = db.lookupString(c, key, true);
  if (sv === null) return;
  let next: string;
  /** The result as a JS number when it is exactly representable (the common case). */
  let num: number | null = null;
  if (sv === undefined) {
    next = String(by);
    if (typeof by === 'number') num = by;
  } else {
    const cur = sv;
    const n = cur.length < 16 ? parseInteger(cur) : null;
    if (n !== null && typeof by === 'number' && Number.isSafeInteger(n + by)) {
      num = n + by;
      next = String(num);
    } else {
      const v = parseLongLong(cur);
      if (v === null) { c.reply.error(ERR_NOT_INTEGER); return; }
      const r = v + BigInt(by);
      if (r > LLONG_MAX || r < LLONG_MIN) { c.reply.error('ERR increment or decrement would overflow'); return; }
      next = String(r);
    }
  }
  if (sv !== undefined) db.replaceString(key, next, false);
  else db.set(key, next, { keepTtl: true });
  c.signalModified(key);
  c.notify('string', 'incrby', key);
  if (num !== null) c.reply.integer(num);
  else {
    const big = BigInt(next);
    c.reply.integer(big >= -(2n ** 53n) && big <= 2n ** 53n ? Number(big) : big);
  }
}

function parseIncr(c: CommandContext, s: string): bigint | null {
  const v = parseLongLong(s);
  if (v === null) { c.reply.error(ERR_NOT_INTEGER); return null; }
  return v;
}

/** LCS (Redis 7.0 lcsCommand): dynamic programming over the two strings. */
function lcs(c: CommandContext, argv: string[]): void {
  let getLen = false, getIdx = false, withMatchLen = false, minMatchLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    if (opt === 'idx') getIdx = true;
    else if (opt === 'len') getLen = true;
    else if (opt === 'withmatchlen') withMatchLen = true;
    else if (opt === 'minmatchlen' && j + 1 < argv.length) {
      const v = c.parseInt(argv[++j]!);
      if (v === null) return;
      minMatchLen = v < 0 ? 0 : v;
    } else { c.syntaxError(); return; }
  }
  const va = c.db.lookupRead(argv[1]!);
  const vb = c.db.lookupRead(argv[2]!);
  if ((va !== undefined && typeOf(va) !== 'string') || (vb !== undefined && typeOf(vb) !== 'string')) {
    c.reply.error('ERR The specified keys must contain string values');
    return;
  }
  if (getIdx && getLen) {
    c.reply.error('ERR If you want both the length and indexes, please just use IDX.');
    return;
  }
  const a = va === undefined ? '' : stringOf(va)!;
  const b = vb === undefined ? '' : stringOf(vb)!;
  const alen = a.length, blen = b.length;
  if ((alen + 1) * (blen + 1) > 2 ** 31) { c.reply.error('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len'); return; }
  const w = blen + 1;
  const dp = new Uint32Array((alen + 1) * w);
  for (let i = 1; i <= alen; i++) {
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= blen; j++) {
      if (ca === b.charCodeAt(j - 1)) dp[i * w + j] = dp[(i - 1) * w + j - 1]! + 1;
      else {
        const l1 = dp[(i - 1) * w + j]!, l2 = dp[i * w + j - 1]!;
        dp[i * w + j] = l1 > l2 ? l1 : l2;
      }
    }
  }
  const idx = dp[alen * w + blen]!;
  const result: string[] = new Array(idx);
  const matches: [number, number, number, number, number][] = [];
  let i = alen, j = blen;
  let arangeStart = alen, arangeEnd = 0, brangeStart = 0, brangeEnd = 0;
  let k = idx;
  const computeLcs = !getIdx && !getLen;
  while (i > 0 && j > 0) {
    let emitRange = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      if (computeLcs) result[--k] = a[i - 1]!;
      if (arangeStart === alen) {
        arangeStart = i - 1; arangeEnd = i - 1; brangeStart = j - 1; brangeEnd = j - 1;
      } else if (arangeStart === i && brangeStart === j) {
        arangeStart--; brangeStart--;
      } else emitRange = true;
      if (arangeStart === 0 || brangeStart === 0) emitRange = true;
      i--; j--;
    } else {
      const lcs1 = dp[(i - 1) * w + j]!, lcs2 = dp[i * w + j - 1]!;
      if (lcs1 > lcs2) i--; else j--;
      if (arangeStart !== alen) emitRange = true;
    }
    if (emitRange) {
      const matchLen = arangeEnd - arangeStart + 1;
      if (minMatchLen === 0 || matchLen >= minMatchLen) matches.push([arangeStart, arangeEnd, brangeStart, brangeEnd, matchLen]);
      arangeStart = alen;
    }
  }
  if (getIdx) {
    c.reply.mapHeader(2);
    c.reply.bulk('matches');
    c.reply.arrayHeader(matches.length);
    for (const m of matches) {
      c.reply.arrayHeader(withMatchLen ? 3 : 2);
      c.reply.arrayHeader(2); c.reply.integer(m[0]); c.reply.integer(m[1]);
      c.reply.arrayHeader(2); c.reply.integer(m[2]); c.reply.integer(m[3]);
      if (withMatchLen) c.reply.integer(m[4]);
    }
    c.reply.bulk('len');
    c.reply.integer(idx);
  } else if (getLen) c.reply.integer(idx);
  else c.reply.bulk(result.join(''));
}

export const commands: CommandSpec[] = [
  def('get', 2, 'readonly fast', [1, 1, 1], 'string', '1.0.0', (c, argv) => {
    const v = getString(c, argv[1]!);
    if (v !== null) c.reply.bulk(v ?? null);
  }),
  def('set', -3, 'write denyoom', [1, 1, 1], 'string', '1.0.0', (c, argv) => {
    if (argv.length === 3) {
      const key = argv[1]!;
      c.db.set(key, argv[2]!);
      c.signalModified(key);
      if (c.server.notifyFlags) c.notify('string', 'set', key);
      c.reply.ok();
      return;
    }
    const ext = parseExtended(c, argv, 3, false);
    if (!ext) return;
    setGeneric(c, argv[1]!, argv[2]!, ext.flags, ext.expire, 'set', true, argv);
  }),
  def('setnx', 3, 'write denyoom fast', [1, 1, 1], 'string', '1.0.0', (c, argv) => {
    setGeneric(c, argv[1]!, argv[2]!, OBJ_SET_NX, null, 'setnx', false);
  }),
  def('setex', 4, 'write denyoom', [1, 1, 1], 'string', '2.0.0', (c, argv) => {
    setGeneric(c, argv[1]!, argv[3]!, OBJ_EX, argv[2]!, 'setex', true);
  }),
  def('psetex', 4, 'write denyoom', [1, 1, 1], 'string', '2.6.0', (c, argv) => {
    setGeneric(c, argv[1]!, argv[3]!, OBJ_PX, argv[2]!, 'psetex', true);
  }),
  def('getset', 3, 'write denyoom fast', [1, 1, 1], 'string', '1.0.0', (c, argv) => {
    setGeneric(c, argv[1]!, argv[2]!, OBJ_SET_GET, null, 'getset', true);
  }),
  def('getdel', 2, 'write fast', [1, 1, 1], 'string', '6.2.0', (c, argv) => {
    const key = argv[1]!;
    const v = getString(c, key);
    if (v === null) return;
    if (v === undefined) { c.reply.nullBulk(); return; }
    c.reply.bulk(v);
    c.db.delete(key);
    c.signalModified(key);
    c.notify('generic', 'del', key);
    c.rewriteForPropagation(['DEL', key]);
  }),
  def('getex', -2, 'write fast', [1, 1, 1], 'string', '6.2.0', (c, argv) => {
    const ext = parseExtended(c, argv, 2, true);
    if (!ext) return;
    const key = argv[1]!;
    let at = 0;
    if (ext.expire !== null) {
      const r = expireAt(c, ext.flags, ext.expire, 'getex');
      if (r === null) return;
      at = r;
    }
    const v = getString(c, key);
    if (v === null) return;
    if (v === undefined) { c.reply.nullBulk(); return; }
    c.reply.bulk(v);
    if (ext.expire !== null) {
      if (at <= c.now()) {
        c.db.delete(key);
        c.signalModified(key);
        c.notify('generic', 'del', key);
        c.rewriteForPropagation(['DEL', key]);
      } else {
        c.db.setExpire(key, at);
        c.signalModified(key);
        c.notify('generic', 'expire', key);
        c.rewriteForPropagation(['PEXPIREAT', key, String(at)]);
      }
    } else if (ext.flags & OBJ_PERSIST) {
      if (c.db.removeExpire(key)) {
        c.signalModified(key);
        c.notify('generic', 'persist', key);
        c.rewriteForPropagation(['PERSIST', key]);
      }
    }
  }),
  def('mget', -2, 'readonly fast', [1, -1, 1], 'string', '1.0.0', (c, argv) => {
    c.reply.arrayHeader(argv.length - 1);
    for (let i = 1; i < argv.length; i++) {
      const v = c.db.lookupRead(argv[i]!);
      c.reply.bulk(v === undefined ? null : stringOf(v) ?? null);
    }
  }),
  def('mset', -3, 'write denyoom', [1, -1, 2], 'string', '1.0.1', (c, argv) => {
    if (argv.length % 2 === 0) { c.reply.error("ERR wrong number of arguments for 'mset' command"); return; }
    for (let i = 1; i < argv.length; i += 2) {
      c.db.set(argv[i]!, argv[i + 1]!);
      c.signalModified(argv[i]!);
      c.notify('string', 'set', argv[i]!);
    }
    c.reply.ok();
  }),
  def('msetnx', -3, 'write denyoom', [1, -1, 2], 'string', '1.0.1', (c, argv) => {
    if (argv.length % 2 === 0) { c.reply.error("ERR wrong number of arguments for 'msetnx' command"); return; }
    for (let i = 1; i < argv.length; i += 2) {
      if (c.db.lookupWrite(argv[i]!) !== undefined) { c.reply.integer(0); return; }
    }
    for (let i = 1; i < argv.length; i += 2) {
      c.db.set(argv[i]!, argv[i + 1]!);
      c.signalModified(argv[i]!);
      c.notify('string', 'set', argv[i]!);
    }
    c.reply.integer(1);
  }),
  def('append', 3, 'write denyoom fast', [1, 1, 1], 'string', '2.0.0', (c, argv) => {
    const key = argv[1]!;
    const v = c.db.lookupString(c, key, true);
    if (v === null) return;
    let len: number;
    if (v === undefined) {
      c.db.add(key, argv[2]!);
      len = argv[2]!.length;
    } else {
      if (!checkStringLength(c, v.length + argv[2]!.length)) return;
      const next = v + argv[2]!;
      c.db.replaceString(key, next, true);
      len = next.length;
    }
    c.signalModified(key);
    c.notify('string', 'append', key);
    c.reply.integer(len);
  }),
  def('strlen', 2, 'readonly fast', [1, 1, 1], 'string', '2.2.0', (c, argv) => {
    const v = getString(c, argv[1]!);
    if (v !== null) c.reply.integer(v === undefined ? 0 : v.length);
  }),
  def('incr', 2, 'write denyoom fast', [1, 1, 1], 'string', '1.0.0', (c, argv) => incrDecr(c, argv[1]!, 1)),
  def('decr', 2, 'write denyoom fast', [1, 1, 1], 'string', '1.0.0', (c, argv) => incrDecr(c, argv[1]!, -1)),
  def('incrby', 3, 'write denyoom fast', [1, 1, 1], 'string', '1.0.0', (c, argv) => {
    const by = parseIncr(c, argv[2]!);
    if (by !== null) incrDecr(c, argv[1]!, by >= -(2n ** 52n) && by <= 2n ** 52n ? Number(by) : by);
  }),
  def('decrby', 3, 'write denyoom fast', [1, 1, 1], 'string', '1.0.0', (c, argv) => {
    const by = parseIncr(c, argv[2]!);
    if (by === null) return;
    if (by === LLONG_MIN) { c.reply.error('ERR decrement would overflow'); return; }
    incrDecr(c, argv[1]!, -by >= -(2n ** 52n) && -by <= 2n ** 52n ? Number(-by) : -by);
  }),
  def('incrbyfloat', 3, 'write denyoom fast', [1, 1, 1], 'string', '2.6.0', (c, argv) => {
    const key = argv[1]!;
    const cur = getString(c, key, true);
    if (cur === null) return;
    let base = 0;
    if (cur !== undefined) {
      const d = parseDouble(cur);
      if (d === null) { c.reply.error('ERR value is not a valid float'); return; }
      base = d;
    }
    const incr = parseDouble(argv[2]!);
    if (incr === null) { c.reply.error('ERR value is not a valid float'); return; }
    const r = base + incr;
    if (!Number.isFinite(r)) { c.reply.error('ERR increment would produce NaN or Infinity'); return; }
    const s = formatLongDouble(r, Math.abs(base) + Math.abs(incr));
    if (cur !== undefined) c.db.replaceString(key, s, false);
    else c.db.set(key, s, { keepTtl: true });
    c.signalModified(key);
    c.notify('string', 'incrbyfloat', key);
    c.rewriteForPropagation(['SET', key, s, 'KEEPTTL']);
    c.reply.bulk(s);
  }),
  def('setrange', 4, 'write denyoom', [1, 1, 1], 'string', '2.2.0', (c, argv) => {
    const key = argv[1]!;
    const offset = c.parseInt(argv[2]!);
    if (offset === null) return;
    const value = argv[3]!;
    if (offset < 0) { c.reply.error('ERR offset is out of range'); return; }
    const v = c.db.lookupString(c, key, true);
    if (v === null) return;
    if (v === undefined) {
      if (value.length === 0) { c.reply.integer(0); return; }
      if (!checkStringLength(c, offset + value.length)) return;
      c.db.add(key, '\0'.repeat(offset) + value, { raw: true });
      c.signalModified(key);
      c.notify('string', 'setrange', key);
      c.reply.integer(offset + value.length);
      return;
    }
    if (value.length === 0) { c.reply.integer(v.length); return; }
    if (!checkStringLength(c, offset + value.length)) return;
    let cur = v;
    if (cur.length < offset) cur += '\0'.repeat(offset - cur.length);
    const next = cur.slice(0, offset) + value + cur.slice(offset + value.length);
    c.db.replaceString(key, next, true);
    c.signalModified(key);
    c.notify('string', 'setrange', key);
    c.reply.integer(next.length);
  }),
  def('getrange', 4, 'readonly', [1, 1, 1], 'string', '2.4.0', getrange),
  def('substr', 4, 'readonly', [1, 1, 1], 'string', '1.0.0', getrange),
  def('lcs', -3, 'readonly', [1, 2, 1], 'string', '7.0.0', lcs),
];

function getrange(c: CommandContext, argv: string[]): void {
  const startArg = parseInteger(argv[2]!);
  const endArg = parseInteger(argv[3]!);
  if (startArg === null || endArg === null) { c.reply.error(ERR_NOT_INTEGER); return; }
  const s = getString(c, argv[1]!);
  if (s === null) return;
  if (s === undefined) { c.reply.bulk(''); return; }
  let start = startArg, end = endArg;
  const len = s.length;
  if (start < 0 && end < 0 && start > end) { c.reply.bulk(''); return; }
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) { c.reply.bulk(''); return; }
  c.reply.bulk(s.slice(start, end + 1));
}
