/**
 * Generic keyspace commands (db.c, expire.c, object.c): DEL/UNLINK/EXISTS/TYPE/KEYS/SCAN/
 * RANDOMKEY/RENAME/RENAMENX/MOVE/COPY/SWAPDB, the EXPIRE family, TTL family, PERSIST, TOUCH,
 * OBJECT, DBSIZE, FLUSHDB/FLUSHALL.
 */
import { container, def, type CommandContext, type CommandSpec } from '../command.js';
import { stringOf, typeOf, type Db, type RedisValue, type Value } from '../db.js';
import type { StringValue } from '../types/string.js';
import { globMatch } from '../util/glob.js';
import { LLONG_MAX, parseLongLong, ERR_NOT_INTEGER } from '../util/parse.js';
import { freeEffort, LAZYFREE_THRESHOLD } from '../util/lazyfree.js';

/** Parsed SCAN/SSCAN/HSCAN/ZSCAN options. */
export interface ScanOptions { cursor: number; count: number; match: string | null; type: string | null; }

/**
 * Parses `cursor [MATCH p] [COUNT n] [TYPE t]` (TYPE only when allowType) starting at argv[cursorAt];
 * replies the error and returns null on failure.
 */
export function parseScanArgs(c: CommandContext, argv: string[], cursorAt: number, allowType: boolean): ScanOptions | null {
  const cs = argv[cursorAt]!;
  if (!/^\d+$/.test(cs) || cs.length > 20 || BigInt(cs) > 18446744073709551615n) { c.reply.error('ERR invalid cursor'); return null; }
  const opts: ScanOptions = { cursor: Number(cs), count: 10, match: null, type: null };
  for (let i = cursorAt + 1; i < argv.length; i++) {
    const o = argv[i]!.toLowerCase();
    const more = i + 1 < argv.length;
    if (o === 'count' && more) {
      const n = c.parseInt(argv[++i]!);
      if (n === null) return null;
      if (n < 1) { c.syntaxError(); return null; }
      opts.count = n;
    } else if (o === 'match' && more) {
      opts.match = argv[++i]!;
      if (opts.match === '*') opts.match = null;
    } else if (o === 'type' && more && allowType) {
      opts.type = argv[++i]!;
    } else { c.syntaxError(); return null; }
  }
  return opts;
}

const KNOWN_TYPES = new Set(['string', 'list', 'set', 'zset', 'hash', 'stream']);

function deleteGeneric(c: CommandContext, argv: string[]): void {
  let n = 0;
  // UNLINK always, DEL under lazyfree-lazy-user-del: costly values go to "lazy free".
  const lazy = argv[0]!.toLowerCase() === 'unlink' || c.server.config.bool('lazyfree-lazy-user-del');
  for (let i = 1; i < argv.length; i++) {
    const k = argv[i]!;
    const v = c.db.lookupWrite(k);
    if (v !== undefined && c.db.delete(k)) {
      if (lazy && freeEffort(v, c.server.config.num('list-max-listpack-size')) > LAZYFREE_THRESHOLD) c.server.lazyfreedObjects++;
      c.signalModified(k);
      c.notify('generic', 'del', k);
      // Blocked XREADGROUP clients must learn that the key is gone (signalDeletedKeyAsReady).
      c.signalKeyAsReady(k);
      n++;
    }
  }
  c.reply.integer(n);
}

function ttlGeneric(c: CommandContext, key: string, ms: boolean, abs: boolean): void {
  if (c.db.lookupRead(key, true) === undefined) { c.reply.integer(-2); return; }
  const at = c.db.getExpire(key);
  if (at === undefined) { c.reply.integer(-1); return; }
  if (abs) { c.reply.integer(ms ? at : Math.floor(at / 1000)); return; }
  let left = at - c.now();
  if (left < 0) left = 0;
  c.reply.integer(ms ? left : Math.floor((left + 500) / 1000));
}

const EXPIRE_NX = 1, EXPIRE_XX = 2, EXPIRE_GT = 4, EXPIRE_LT = 8;

function expireGeneric(c: CommandContext, argv: string[], baseMs: number, seconds: boolean): void {
  const key = argv[1]!;
  let flag = 0;
  for (let i = 3; i < argv.length; i++) {
    const o = argv[i]!.toLowerCase();
    if (o === 'nx') flag |= EXPIRE_NX;
    else if (o === 'xx') flag |= EXPIRE_XX;
    else if (o === 'gt') flag |= EXPIRE_GT;
    else if (o === 'lt') flag |= EXPIRE_LT;
    else { c.reply.error(`ERR Unsupported option ${argv[i]}`); return; }
  }
  if ((flag & EXPIRE_NX) && (flag & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT))) { c.reply.error('ERR NX and XX, GT or LT options at the same time are not compatible'); return; }
  if ((flag & EXPIRE_GT) && (flag & EXPIRE_LT)) { c.reply.error('ERR GT and LT options at the same time are not compatible'); return; }
  const w = parseLongLong(argv[2]!);
  if (w === null) { c.reply.error(ERR_NOT_INTEGER); return; }
  let when = w;
  const errExpire = () => c.reply.error(`ERR invalid expire time in '${argv[0]!.toLowerCase()}' command`);
  if (seconds) {
    if (when > LLONG_MAX / 1000n || when < -LLONG_MAX / 1000n) { errExpire(); return; }
    when *= 1000n;
  }
  if (when > LLONG_MAX - BigInt(baseMs)) { errExpire(); return; }
  when += BigInt(baseMs);
  const db = c.db;
  if (db.lookupWrite(key) === undefined) { c.reply.integer(0); return; }
  const whenMs = Number(when);
  if (flag) {
    const cur = db.getExpire(key);
    if ((flag & EXPIRE_NX) && cur !== undefined) { c.reply.integer(0); return; }
    if ((flag & EXPIRE_XX) && cur === undefined) { c.reply.integer(0); return; }
    if ((flag & EXPIRE_GT) && (cur === undefined || whenMs <= cur)) { c.reply.integer(0); return; }
    if ((flag & EXPIRE_LT) && cur !== undefined && whenMs >= cur) { c.reply.integer(0); return; }
  }
  if (whenMs <= c.server.clock()) {
    db.delete(key);
    c.rewriteForPropagation(['DEL', key]);
    c.signalModified(key);
    c.notify('generic', 'del', key);
    c.reply.integer(1);
    return;
  }
  db.setExpire(key, whenMs);
  c.rewriteForPropagation(['PEXPIREAT', key, String(whenMs)]);
  c.signalModified(key);
  c.notify('generic', 'expire', key);
  c.reply.integer(1);
}

/** Deep copy of a value for COPY (strings are immutable JS strings; other types via their clone()). */
export function cloneValue(v: Value): Value | null {
  const s = stringOf(v);
  if (s !== undefined) return s;
  return (v as RedisValue).clone ? (v as RedisValue).clone!() : null;
}

function dbIndexArg(c: CommandContext, s: string): Db | null {
  const n = c.parseInt(s);
  if (n === null) return null;
  if (n < 0 || n >= c.server.dbs.length) { c.reply.error('ERR DB index is out of range'); return null; }
  return c.server.dbs[n]!;
}

function renameGeneric(c: CommandContext, argv: string[], nx: boolean): void {
  const src = argv[1]!, dst = argv[2]!;
  const db = c.db;
  const v = db.lookupWrite(src);
  if (v === undefined) { c.reply.error('ERR no such key'); return; }
  if (src === dst) { if (nx) c.reply.integer(0); else c.reply.ok(); return; }
  const exp = db.getExpire(src);
  if (db.lookupWrite(dst) !== undefined) {
    if (nx) { c.reply.integer(0); return; }
    db.delete(dst);
  }
  const attrs = db.attributes(src);
  db.delete(src);
  db.add(dst, v, attrs);
  if (exp !== undefined) db.setExpire(dst, exp);
  c.signalModified(src);
  c.signalModified(dst);
  c.notify('generic', 'rename_from', src);
  c.notify('generic', 'rename_to', dst);
  c.signalKeyAsReady(src);
  c.signalKeyAsReady(dst);
  if (nx) c.reply.integer(1); else c.reply.ok();
}

export function flushDb(c: CommandContext, db: Db): number {
  c.server.touchAllWatchedKeysInDb(db);
  const n = db.flush();
  for (const k of db.blocking.keys()) c.signalKeyAsReady(k, db);
  c.addDirty(n);
  return n;
}

/** FLUSHALL/FLUSHDB [SYNC|ASYNC]: null after a syntax error, else whether the flush is async. */
function flushArgs(c: CommandContext, argv: string[]): boolean | null {
  if (argv.length > 2) { c.syntaxError(); return null; }
  if (argv.length === 2) {
    const o = argv[1]!.toLowerCase();
    if (o !== 'sync' && o !== 'async') { c.syntaxError(); return null; }
    return o === 'async';
  }
  return c.server.config.bool('lazyfree-lazy-user-flush');
}

function objectLookup(c: CommandContext, key: string): Value | undefined {
  const db = c.db;
  const save = db.noTouch;
  db.noTouch = true;
  const v = db.peek(key);
  db.noTouch = save;
  return v;
}

export const commands: CommandSpec[] = [
  def('del', -2, 'write', [1, -1, 1], 'generic', '1.0.0', deleteGeneric),
  def('unlink', -2, 'write fast', [1, -1, 1], 'generic', '4.0.0', deleteGeneric),
  def('exists', -2, 'readonly fast', [1, -1, 1], 'generic', '1.0.0', (c, argv) => {
    let n = 0;
    for (let i = 1; i < argv.length; i++) if (c.db.lookupRead(argv[i]!, true) !== undefined) n++;
    c.reply.integer(n);
  }),
  def('type', 2, 'readonly fast', [1, 1, 1], 'generic', '1.0.0', (c, argv) => {
    const v = c.db.lookupRead(argv[1]!, true);
    c.reply.simple(v === undefined ? 'none' : typeOf(v));
  }),
  def('keys', 2, 'readonly', [0, 0, 0], 'generic', '1.0.0', (c, argv) => {
    const pat = argv[1]!;
    const all = pat === '*';
    const out: string[] = [];
    const db = c.db;
    const now = c.now();
    for (const k of db.keys()) {
      if (!all && !globMatch(pat, k)) continue;
      const at = db.expires.size ? db.expires.get(k) : undefined;
      if (at !== undefined && at <= now) continue;
      out.push(k);
    }
    c.reply.arrayHeader(out.length);
    for (const k of out) c.reply.bulk(k);
  }),
  def('scan', -2, 'readonly', [0, 0, 0], 'generic', '2.8.0', (c, argv) => {
    const o = parseScanArgs(c, argv, 1, true);
    if (!o) return;
    const db = c.db;
    const type = o.type === null ? null : o.type.toLowerCase();
    const match = o.match;
    const filter = match === null && type === null ? undefined : (k: string) => {
      if (match !== null && !globMatch(match, k)) return false;
      if (type !== null) {
        if (!KNOWN_TYPES.has(type)) return false;
        const v = db.get(k);
        if (v === undefined || typeOf(v) !== type) return false;
      }
      return true;
    };
    const r = db.scan(o.cursor, o.count, filter);
    c.reply.arrayHeader(2);
    c.reply.bulk(String(r.cursor));
    c.reply.arrayHeader(r.keys.length);
    for (const k of r.keys) c.reply.bulk(k);
  }),
  def('randomkey', 1, 'readonly', [0, 0, 0], 'generic', '1.0.0', (c) => {
    c.reply.bulk(c.db.randomKey() ?? null);
  }),
  def('rename', 3, 'write', [1, 2, 1], 'generic', '1.0.0', (c, argv) => renameGeneric(c, argv, false)),
  def('renamenx', 3, 'write fast', [1, 2, 1], 'generic', '1.0.0', (c, argv) => renameGeneric(c, argv, true)),
  def('move', 3, 'write fast', [1, 1, 1], 'generic', '1.0.0', (c, argv) => {
    const key = argv[1]!;
    const n = parseLongLong(argv[2]!);
    if (n === null || n < 0n || n >= BigInt(c.server.dbs.length)) { c.reply.error(n === null ? ERR_NOT_INTEGER : 'ERR DB index is out of range'); return; }
    const dst = c.server.dbs[Number(n)]!;
    const src = c.db;
    if (src === dst) { c.reply.error('ERR source and destination objects are the same'); return; }
    const v = src.lookupWrite(key);
    if (v === undefined) { c.reply.integer(0); return; }
    if (dst.lookupWrite(key) !== undefined) { c.reply.integer(0); return; }
    const exp = src.getExpire(key);
    dst.add(key, v, src.attributes(key));
    if (exp !== undefined) dst.setExpire(key, exp);
    src.delete(key);
    c.signalModified(key, src);
    c.signalModified(key, dst);
    c.notify('generic', 'move_from', key, src);
    c.notify('generic', 'move_to', key, dst);
    c.signalKeyAsReady(key, dst);
    c.reply.integer(1);
  }),
  def('copy', -3, 'write denyoom', [1, 2, 1], 'generic', '6.2.0', (c, argv) => {
    const src = argv[1]!, dstKey = argv[2]!;
    let dst = c.db;
    let replace = false;
    for (let i = 3; i < argv.length; i++) {
      const o = argv[i]!.toLowerCase();
      if (o === 'replace') replace = true;
      else if (o === 'db' && i + 1 < argv.length) {
        const d = dbIndexArg(c, argv[++i]!);
        if (!d) return;
        dst = d;
      } else { c.syntaxError(); return; }
    }
    if (src === dstKey && dst === c.db) { c.reply.error('ERR source and destination objects are the same'); return; }
    const v = c.db.lookupWrite(src);
    if (v === undefined) { c.reply.integer(0); return; }
    if (dst.lookupWrite(dstKey) !== undefined) {
      if (!replace) { c.reply.integer(0); return; }
      dst.delete(dstKey);
    }
    const copy = cloneValue(v);
    if (copy === null) { c.reply.error('ERR COPY is not supported for this value type'); return; }
    const exp = c.db.getExpire(src);
    // A copy is a new object (fresh LRU/LFU) of the same encoding.
    dst.add(dstKey, copy, { raw: typeof v === 'string' ? c.db.isRaw(src) : v.type === 'string' && (v as StringValue).raw });
    if (exp !== undefined) dst.setExpire(dstKey, exp);
    c.signalModified(dstKey, dst);
    c.notify('generic', 'copy_to', dstKey, dst);
    c.signalKeyAsReady(dstKey, dst);
    c.reply.integer(1);
  }),
  def('swapdb', 3, 'write fast', [0, 0, 0], 'server', '4.0.0', (c, argv) => {
    const a = c.parseInt(argv[1]!, 'invalid first DB index');
    if (a === null) return;
    const b = c.parseInt(argv[2]!, 'invalid second DB index');
    if (b === null) return;
    const n = c.server.dbs.length;
    if (a < 0 || a >= n || b < 0 || b >= n) { c.reply.error('ERR DB index is out of range'); return; }
    const da = c.server.dbs[a]!, db = c.server.dbs[b]!;
    if (da !== db) {
      c.server.touchAllWatchedKeysInDb(da, db);
      c.server.touchAllWatchedKeysInDb(db, da);
      da.swapWith(db);
      // Clients blocked on keys of either db may now be served.
      for (const k of da.blocking.keys()) c.signalKeyAsReady(k, da);
      for (const k of db.blocking.keys()) c.signalKeyAsReady(k, db);
      c.addDirty(1);
    }
    c.reply.ok();
  }),
  def('expire', -3, 'write fast', [1, 1, 1], 'generic', '1.0.0', (c, argv) => expireGeneric(c, argv, c.now(), true)),
  def('pexpire', -3, 'write fast', [1, 1, 1], 'generic', '2.6.0', (c, argv) => expireGeneric(c, argv, c.now(), false)),
  def('expireat', -3, 'write fast', [1, 1, 1], 'generic', '1.2.0', (c, argv) => expireGeneric(c, argv, 0, true)),
  def('pexpireat', -3, 'write fast', [1, 1, 1], 'generic', '2.6.0', (c, argv) => expireGeneric(c, argv, 0, false)),
  def('ttl', 2, 'readonly fast', [1, 1, 1], 'generic', '1.0.0', (c, argv) => ttlGeneric(c, argv[1]!, false, false)),
  def('pttl', 2, 'readonly fast', [1, 1, 1], 'generic', '2.6.0', (c, argv) => ttlGeneric(c, argv[1]!, true, false)),
  def('expiretime', 2, 'readonly fast', [1, 1, 1], 'generic', '7.0.0', (c, argv) => ttlGeneric(c, argv[1]!, false, true)),
  def('pexpiretime', 2, 'readonly fast', [1, 1, 1], 'generic', '7.0.0', (c, argv) => ttlGeneric(c, argv[1]!, true, true)),
  def('persist', 2, 'write fast', [1, 1, 1], 'generic', '2.2.0', (c, argv) => {
    const key = argv[1]!;
    if (c.db.lookupWrite(key) === undefined) { c.reply.integer(0); return; }
    if (!c.db.removeExpire(key)) { c.reply.integer(0); return; }
    c.signalModified(key);
    c.notify('generic', 'persist', key);
    c.reply.integer(1);
  }),
  def('touch', -2, 'readonly fast', [1, -1, 1], 'generic', '3.2.1', (c, argv) => {
    let n = 0;
    for (let i = 1; i < argv.length; i++) if (c.db.lookupRead(argv[i]!) !== undefined) n++;
    c.reply.integer(n);
  }),
  def('dbsize', 1, 'readonly fast', [0, 0, 0], 'server', '1.0.0', (c) => c.reply.integer(c.db.size)),
  def('flushdb', -1, 'write', [0, 0, 0], 'server', '1.0.0', (c, argv) => {
    const async = flushArgs(c, argv);
    if (async === null) return;
    const n = flushDb(c, c.db);
    // emptyDbAsync hands every key to the lazyfree thread.
    if (async) c.server.lazyfreedObjects += n;
    c.server.tracking.invalidateAll(c.client);
    c.reply.ok();
  }),
  def('flushall', -1, 'write', [0, 0, 0], 'server', '1.0.0', (c, argv) => {
    const async = flushArgs(c, argv);
    if (async === null) return;
    for (const db of c.server.dbs) {
      const n = flushDb(c, db);
      if (async) c.server.lazyfreedObjects += n;
    }
    c.server.tracking.invalidateAll(c.client);
    c.server.dirty++;
    c.reply.ok();
  }),
  def('migrate', -6, 'write', [3, 3, 1], 'generic', '2.6.0', (c, argv) => {
    // MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH pw | AUTH2 user pw] [KEYS k…]
    let keys = argv[3] === '' ? [] : [argv[3]!];
    for (let i = 6; i < argv.length; i++) {
      const o = argv[i]!.toLowerCase();
      if (o === 'copy' || o === 'replace') continue;
      if (o === 'auth' && i + 1 < argv.length) { c.redactArg(++i); continue; }
      if (o === 'auth2' && i + 2 < argv.length) { c.redactArg(++i); c.redactArg(++i); continue; }
      if (o === 'keys') {
        if (argv[3] !== '') { c.reply.error('ERR When using MIGRATE KEYS option, the key argument must be set to the empty string'); return; }
        keys = argv.slice(i + 1);
        break;
      }
      c.syntaxError();
      return;
    }
    if (c.parseInt(argv[4]!) === null || c.parseInt(argv[5]!) === null) return;
    if (!keys.some((k) => c.db.lookupRead(k) !== undefined)) { c.reply.simple('NOKEY'); return; }
    // Moving data needs a connection to the target and DUMP payloads: not built yet.
    c.reply.error('IOERR MIGRATE of existing keys is not supported by this server yet');
  }, {
    getKeys: (argv) => {
      for (let i = 6; i < argv.length; i++) {
        const o = argv[i]!.toLowerCase();
        if (o === 'auth') { i++; continue; }
        if (o === 'auth2') { i += 2; continue; }
        // KEYS with a non-empty key argument is a syntax error left to the command: no keys.
        if (o === 'keys') return argv[3] !== '' ? [] : argv.slice(i + 1).map((_, j) => i + 1 + j);
      }
      return [3];
    },
  }),
  container('object', 'generic', '2.2.3', [
    def('object|encoding', 3, 'readonly', [2, 2, 1], 'generic', '2.2.3', (c, argv) => {
      const v = objectLookup(c, argv[2]!);
      if (v === undefined) c.reply.nullBulk(); else c.reply.bulk(c.db.encodingOf(argv[2]!, v));
    }),
    def('object|refcount', 3, 'readonly', [2, 2, 1], 'generic', '2.2.3', (c, argv) => {
      const v = objectLookup(c, argv[2]!);
      if (v === undefined) { c.reply.nullBulk(); return; }
      // Small integers are shared objects in Redis (OBJ_SHARED_REFCOUNT).
      if (c.db.encodingOf(argv[2]!, v) === 'int') {
        const n = Number(stringOf(v));
        if (n >= 0 && n < 10000) { c.reply.integer(2147483647); return; }
      }
      c.reply.integer(1);
    }),
    def('object|idletime', 3, 'readonly', [2, 2, 1], 'generic', '2.2.3', (c, argv) => {
      const v = objectLookup(c, argv[2]!);
      if (v === undefined) { c.reply.nullBulk(); return; }
      if (c.server.lfu) { c.reply.error('ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.'); return; }
      const now = Math.floor(c.now() / 1000) & 0xffffff;
      const lru = c.db.lruOf(argv[2]!);
      c.reply.integer(now >= lru ? now - lru : now + 0x1000000 - lru);
    }),
    def('object|freq', 3, 'readonly', [2, 2, 1], 'generic', '4.0.0', (c, argv) => {
      const v = objectLookup(c, argv[2]!);
      if (v === undefined) { c.reply.nullBulk(); return; }
      if (!c.server.lfu) { c.reply.error('ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.'); return; }
      c.reply.integer(c.server.lfuDecayed(c.db.lruOf(argv[2]!)));
    }),
    def('object|help', 2, 'loading stale', [0, 0, 0], 'generic', '6.2.0', (c) => {
      const lines = ['OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:', 'ENCODING <key>', "    Return the kind of internal representation used in order to store the value", '    associated with a <key>.', 'FREQ <key>', '    Return the access frequency index of the <key>. The returned integer is', '    proportional to the logarithm of the recent access frequency of the key.', 'IDLETIME <key>', '    Return the idle time of the <key>, that is the approximated number of', '    seconds elapsed since the last access to the key.', 'REFCOUNT <key>', '    Return the number of references of the value associated with the specified', '    <key>.', 'HELP', '    Print this help.'];
      c.reply.arrayHeader(lines.length);
      for (const l of lines) c.reply.simple(l);
    }),
  ]),
];
