/**
 * Server administration and observability: INFO, CONFIG, DEBUG, SLOWLOG, LATENCY, MEMORY,
 * COMMAND, MONITOR, SHUTDOWN, ACL, TIME, LASTSAVE, ROLE, WAIT, LOLWUT, FUNCTION FLUSH, CLUSTER
 * KEYSLOT, and stubs of the persistence commands (persistence lands in a later issue).
 */
import { createHash } from 'node:crypto';
import { commandKeys, container, def, type CommandContext, type CommandSpec } from '../command.js';
import { stringOf } from '../db.js';
import { buildInfo } from '../info.js';
import { globMatch } from '../util/glob.js';
import { parseDouble } from '../util/parse.js';
import { keyFlagNames, keySpecsOf, keysFromSpecs, legacyRange, type KeyRef, type KeySpec } from '../util/key-specs.js';
import { commandTipsOf } from '../util/command-tips.js';
import { aclCategoriesFor } from '../util/acl-categories.js';
import { datasetDigest, valueDigest } from '../util/digest.js';
import { commandDocOf, type CommandArg, type CommandDoc } from '../util/command-docs.js';

const scriptCache = new Map<string, string>();

function help(c: CommandContext, lines: string[]): void {
  c.reply.arrayHeader(lines.length);
  for (const l of lines) c.reply.simple(l);
}

// ------------------------------------------------------------------ CONFIG
function configSet(c: CommandContext, argv: string[]): void {
  if (argv.length < 4 || argv.length % 2 !== 0) { c.reply.error("ERR wrong number of arguments for 'config|set' command"); return; }
  const cfg = c.server.config;
  const seen = new Set<string>();
  const pending: { name: string; value: string; num: number; old: string }[] = [];
  for (let i = 2; i < argv.length; i += 2) {
    const n = cfg.canonicalName(argv[i]!);
    if (n === 'requirepass' || n === 'masterauth' || n === 'tls-key-file-pass' || n === 'tls-client-key-file-pass') c.redactArg(i + 1);
  }
  for (let i = 2; i < argv.length; i += 2) {
    const name = argv[i]!;
    const canon = cfg.canonicalName(name);
    if (!canon) { c.reply.error(`ERR Unknown option or number of arguments for CONFIG SET - '${name}'`); return; }
    if (seen.has(canon)) { c.reply.error(`ERR CONFIG SET failed (possibly related to argument '${name}') - duplicate parameter`); return; }
    seen.add(canon);
    const r = cfg.validate(name, argv[i + 1]!);
    if ('error' in r) { c.reply.error(`ERR CONFIG SET failed (possibly related to argument '${name}') - ${r.error}`); return; }
    pending.push({ name: canon, value: r.value, num: r.num, old: cfg.get(canon) });
  }
  for (const p of pending) {
    if (p.name === 'port' && p.value !== p.old) {
      // Rebinding at runtime is not supported yet: accept the same value only.
      c.reply.error(`ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port`);
      return;
    }
  }
  for (const p of pending) cfg.setValidated(p.name, p.value, p.num);
  if (pending.some((p) => p.name === 'maxmemory')) c.server.performEvictions();
  c.reply.ok();
}

// ------------------------------------------------------------------ COMMAND
/** Command flags in Redis's reply order; may_replicate and sentinel are hidden, as in Redis. */
const FLAG_REPLY_ORDER = ['write', 'readonly', 'denyoom', 'module', 'admin', 'pubsub', 'noscript', 'blocking', 'loading',
  'stale', 'skip_monitor', 'skip_slowlog', 'asking', 'fast', 'no_auth', 'no_mandatory_keys', 'no_async_loading', 'no_multi',
  'movablekeys', 'allow_busy'];

function flagStrings(s: CommandSpec): string[] {
  const specs = keySpecsOf(s.name);
  const movable = specs.length ? legacyRange(specs).movable : s.getKeys !== undefined;
  const have = new Set<string>(s.flags);
  if (movable) have.add('movablekeys');
  return FLAG_REPLY_ORDER.filter((f) => have.has(f));
}

function commandInfo(c: CommandContext, s: CommandSpec): void {
  const r = c.reply;
  r.arrayHeader(10);
  r.bulk(s.name);
  r.integer(s.arity);
  const flags = flagStrings(s);
  r.setHeader(flags.length);
  for (const f of flags) r.simple(f);
  const specs = keySpecsOf(s.name);
  if (specs.length) {
    const lr = legacyRange(specs);
    r.integer(lr.first); r.integer(lr.last); r.integer(lr.step);
  } else {
    r.integer(s.firstKey); r.integer(s.lastKey); r.integer(s.keyStep);
  }
  const cats = aclCategoriesFor(s);
  r.setHeader(cats.length);
  for (const cat of cats) r.simple(`@${cat}`);
  const tips = commandTipsOf(s.name);
  r.setHeader(tips.length);
  for (const t of tips) r.bulk(t);
  if (specs.length) {
    r.setHeader(specs.length);
    for (const ks of specs) keySpecReply(c, ks);
  } else if (s.firstKey > 0) {
    r.arrayHeader(1);
    r.mapHeader(4);
    r.bulk('flags'); const kf = s.flags.includes('write') ? ['RW'] : ['RO']; r.setHeader(kf.length); for (const f of kf) r.simple(f);
    r.bulk('begin_search'); r.mapHeader(2); r.bulk('type'); r.bulk('index'); r.bulk('spec'); r.mapHeader(1); r.bulk('index'); r.integer(s.firstKey);
    r.bulk('find_keys'); r.mapHeader(2); r.bulk('type'); r.bulk('range'); r.bulk('spec'); r.mapHeader(3);
    r.bulk('lastkey'); r.integer(s.lastKey < 0 ? s.lastKey : s.lastKey - s.firstKey); r.bulk('keystep'); r.integer(s.keyStep); r.bulk('limit'); r.integer(0);
    r.bulk('notes'); r.bulk('');
  } else r.arrayHeader(0);
  const subs = s.subcommands ?? [];
  r.arrayHeader(subs.length);
  for (const sub of subs) commandInfo(c, sub);
}

/** One element of COMMAND INFO's key specifications (addReplyCommandKeySpecs). */
function keySpecReply(c: CommandContext, ks: KeySpec): void {
  const r = c.reply;
  r.mapHeader(ks.notes !== undefined ? 4 : 3);
  if (ks.notes !== undefined) { r.bulk('notes'); r.bulk(ks.notes); }
  r.bulk('flags');
  const fl = keyFlagNames(ks.flags);
  r.setHeader(fl.length);
  for (const f of fl) r.simple(f);
  r.bulk('begin_search'); r.mapHeader(2);
  const b = ks.begin;
  r.bulk('type'); r.bulk(b.type); r.bulk('spec');
  if (b.type === 'index') { r.mapHeader(1); r.bulk('index'); r.integer(b.pos); }
  else if (b.type === 'keyword') { r.mapHeader(2); r.bulk('keyword'); r.bulk(b.keyword); r.bulk('startfrom'); r.integer(b.startfrom); }
  else r.mapHeader(0);
  r.bulk('find_keys'); r.mapHeader(2);
  const f = ks.find;
  r.bulk('type'); r.bulk(f.type); r.bulk('spec');
  if (f.type === 'range') { r.mapHeader(3); r.bulk('lastkey'); r.integer(f.lastkey); r.bulk('keystep'); r.integer(f.step); r.bulk('limit'); r.integer(f.limit); }
  else if (f.type === 'keynum') { r.mapHeader(3); r.bulk('keynumidx'); r.integer(f.keynumidx); r.bulk('firstkey'); r.integer(f.firstkey); r.bulk('keystep'); r.integer(f.step); }
  else r.mapHeader(0);
}

/**
 * One command's COMMAND DOCS map, fields in Redis's order (addReplyCommandDocs); the data is
 * Redis 7.0.15's (util/command-docs.ts). A container lists only the subcommands implemented here.
 */
function commandDocs(c: CommandContext, s: CommandSpec): void {
  const r = c.reply;
  const subs = s.subcommands ?? [];
  // A command Redis does not document: the summary (if any), since and group.
  const d: CommandDoc = commandDocOf(s.name) ?? { summary: s.summary ?? '', since: s.since, group: s.group.replace('_', '-'), docFlags: [], history: [], args: [] };
  r.mapHeader(1 + (d.summary ? 1 : 0) + (d.since ? 1 : 0) + (d.complexity ? 1 : 0) + (d.docFlags.length ? 1 : 0)
    + (d.deprecatedSince ? 1 : 0) + (d.replacedBy ? 1 : 0) + (d.history.length ? 1 : 0) + (d.args.length ? 1 : 0) + (subs.length ? 1 : 0));
  if (d.summary) { r.bulk('summary'); r.bulk(d.summary); }
  if (d.since) { r.bulk('since'); r.bulk(d.since); }
  r.bulk('group'); r.bulk(d.group);
  if (d.complexity) { r.bulk('complexity'); r.bulk(d.complexity); }
  if (d.docFlags.length) { r.bulk('doc_flags'); r.setHeader(d.docFlags.length); for (const f of d.docFlags) r.simple(f); }
  if (d.deprecatedSince) { r.bulk('deprecated_since'); r.bulk(d.deprecatedSince); }
  if (d.replacedBy) { r.bulk('replaced_by'); r.bulk(d.replacedBy); }
  if (d.history.length) {
    r.bulk('history'); r.setHeader(d.history.length);
    for (const [since, changes] of d.history) { r.arrayHeader(2); r.bulk(since); r.bulk(changes); }
  }
  if (d.args.length) { r.bulk('arguments'); commandDocsArgs(c, d.args); }
  if (subs.length) {
    r.bulk('subcommands');
    r.mapHeader(subs.length);
    for (const sub of subs) { r.bulk(sub.name); commandDocs(c, sub); }
  }
}

/** COMMAND DOCS arguments, nested for oneof/block (Redis's addReplyCommandArgList). */
function commandDocsArgs(c: CommandContext, args: readonly CommandArg[]): void {
  const r = c.reply;
  r.arrayHeader(args.length);
  for (const a of args) {
    r.mapHeader(2 + (a.keySpecIndex !== undefined ? 1 : 0) + (a.token !== undefined ? 1 : 0) + (a.since ? 1 : 0) + (a.deprecatedSince ? 1 : 0)
      + (a.flags.length ? 1 : 0) + (a.args ? 1 : 0));
    r.bulk('name'); r.bulk(a.name);
    r.bulk('type'); r.bulk(a.type);
    if (a.keySpecIndex !== undefined) { r.bulk('key_spec_index'); r.integer(a.keySpecIndex); }
    if (a.token !== undefined) { r.bulk('token'); r.bulk(a.token); }
    if (a.since) { r.bulk('since'); r.bulk(a.since); }
    if (a.deprecatedSince) { r.bulk('deprecated_since'); r.bulk(a.deprecatedSince); }
    if (a.flags.length) { r.bulk('flags'); r.setHeader(a.flags.length); for (const f of a.flags) r.simple(f); }
    if (a.args) { r.bulk('arguments'); commandDocsArgs(c, a.args); }
  }
}

/**
 * COMMAND DOCS's lookup of a name (lookupCommandBySds): 'name' or 'container|sub', any case;
 * a '|' form needs a container, and deeper nesting is never found.
 */
function docsLookup(c: CommandContext, name: string): CommandSpec | undefined {
  const parts = name.split('|');
  if (parts.length > 2) return undefined;
  const base = c.server.table.get(parts[0]!);
  if (!base || parts.length === 1) return base;
  return base.subcommands ? c.server.table.sub(base, parts[1]!) : undefined;
}

function lookupCommandArgs(c: CommandContext, argv: string[]): CommandSpec | undefined {
  const s = c.server.table.get(argv[0]!);
  if (!s) return undefined;
  if (s.subcommands && argv.length >= 2) return c.server.table.sub(s, argv[1]!);
  return s;
}

function getKeysCmd(c: CommandContext, argv: string[], withFlags: boolean): void {
  const args = argv.slice(2);
  const s = lookupCommandArgs(c, args);
  if (!s) { c.reply.error('ERR Invalid command specified'); return; }
  // doesCommandHaveKeys: a key finder or a key spec that is a real key.
  const specs = keySpecsOf(s.name);
  const hasKeys = specs.length ? specs.some((k) => !k.flags.includes('NOT_KEY')) : s.getKeys !== undefined || s.firstKey > 0;
  if (!hasKeys) { c.reply.error('ERR The command has no key arguments'); return; }
  if (!(s.arity > 0 ? args.length === s.arity : args.length >= -s.arity)) { c.reply.error('ERR Invalid number of arguments specified for command'); return; }
  const noKeys = (): void => {
    if (s.flags.includes('no_mandatory_keys')) c.reply.arrayHeader(0);
    else c.reply.error('ERR Invalid arguments specified for command');
  };
  const refs = keysWithFlags(s, args);
  if (refs.length === 0) { noKeys(); return; }
  c.reply.arrayHeader(refs.length);
  for (const k of refs) {
    if (!withFlags) { c.reply.bulk(args[k.pos]!); continue; }
    c.reply.arrayHeader(2); c.reply.bulk(args[k.pos]!);
    const fl = keyFlagNames(k.flags);
    c.reply.setHeader(fl.length);
    for (const f of fl) c.reply.simple(f);
  }
}

const RW_ACCESS_UPDATE = ['RW', 'ACCESS', 'UPDATE'];

/**
 * Keys and their key-spec flags, as Redis's getKeysFromCommandWithSpecs: the key specs when
 * they resolve; otherwise (VARIABLE_FLAGS, unknown or incomplete specs) the command's own key
 * finder with the flags its getkeys procedure gives (setGetKeys, bitfieldGetKeys, sortGetKeys,
 * migrateGetKeys).
 */
function keysWithFlags(s: CommandSpec, args: string[]): KeyRef[] {
  const specs = keySpecsOf(s.name);
  if (s.name === 'set') {
    // GET makes SET read the old value.
    const get = args.some((a, j) => j >= 3 && a.toLowerCase() === 'get');
    return [{ pos: 1, flags: get ? RW_ACCESS_UPDATE : ['OW', 'UPDATE'] }];
  }
  if (s.name === 'bitfield') {
    // Read-only when every operation is GET (OVERFLOW alone changes nothing).
    let readonly = true;
    for (let i = 2; i < args.length; i++) {
      const rem = args.length - i - 1;
      const op = args[i]!.toLowerCase();
      if (op === 'get' && rem >= 2) i += 2;
      else if (op === 'overflow' && rem >= 1) i += 1;
      else { readonly = false; break; }
    }
    return [{ pos: 1, flags: readonly ? ['RO', 'ACCESS'] : RW_ACCESS_UPDATE }];
  }
  const fromSpecs = specs.length ? keysFromSpecs(specs, args) : null;
  if (fromSpecs !== null) return fromSpecs;
  const idx = commandKeys(s, args);
  if (s.name === 'migrate') return idx.map((pos) => ({ pos, flags: ['RW', 'ACCESS', 'DELETE'] }));
  if (s.name === 'sort' || s.name === 'sort_ro') return idx.map((pos) => ({ pos, flags: pos === 1 ? ['RO', 'ACCESS'] : ['OW', 'UPDATE'] }));
  const fallback = specs[0]?.flags ?? (s.flags.includes('write') ? ['RW'] : ['RO']);
  return idx.map((pos) => ({ pos, flags: fallback }));
}

// ------------------------------------------------------------------ DEBUG
function sleepSync(ms: number): void {
  if (ms <= 0) return;
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function debugProtocol(c: CommandContext, what: string): void {
  const r = c.reply;
  switch (what) {
    case 'string': r.bulk('Hello World'); break;
    case 'integer': r.integer(12345); break;
    case 'double': r.double(3.141); break;
    case 'bignum': r.bigNumber('1234567999999999999999999999999999999'); break;
    case 'null': r.null(); break;
    case 'array': r.arrayHeader(3); for (let i = 0; i < 3; i++) r.integer(i); break;
    case 'set': r.setHeader(3); for (let i = 0; i < 3; i++) r.integer(i); break;
    case 'map': r.mapHeader(3); for (let i = 0; i < 3; i++) { r.integer(i); r.boolean(i === 1); } break;
    case 'attrib':
      if (r.protocol === 3) { r.raw('|1\r\n'); r.bulk('key-popularity'); r.arrayHeader(2); r.bulk('key:123'); r.integer(90); }
      r.bulk('Some real reply following the attribute');
      break;
    case 'push':
      if (r.protocol < 3) { r.error('ERR RESP2 is not supported by this command'); break; }
      r.pushHeader(2); r.bulk('server-cpu-usage'); r.integer(42);
      r.bulk('Some real reply following the push reply');
      break;
    case 'true': r.boolean(true); break;
    case 'false': r.boolean(false); break;
    case 'verbatim': r.verbatim('txt', 'This is a verbatim\nstring'); break;
    default: r.error('ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false');
  }
}

function debugObject(c: CommandContext, key: string): void {
  const db = c.db;
  const v = db.get(key);
  if (v === undefined || (db.expires.size && (db.expires.get(key) ?? Infinity) <= c.now())) { c.reply.error('ERR no such key'); return; }
  const lru = db.lruOf(key);
  const now = Math.floor(c.now() / 1000) & 0xffffff;
  const idle = c.server.lfu ? 0 : (now >= lru ? now - lru : now + 0x1000000 - lru);
  const str = stringOf(v);
  const encoding = db.encodingOf(key, v);
  const ser = str !== undefined ? str.length : db.memoryUsageOf(key, v);
  let extra = '';
  if (encoding === 'quicklist') {
    const q = v as unknown as { debugQuicklist?: () => string };
    extra = q.debugQuicklist ? ' ' + q.debugQuicklist() : ' ql_nodes:1 ql_avg_node:1.00 ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:1';
  }
  c.reply.simple(`Value at:0x7f0000000000 refcount:1 encoding:${encoding} serializedlength:${ser} lru:${lru} lru_seconds_idle:${idle}${extra}`);
}

const DEBUG_HELP = ['DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:', 'CHANGE-REPL-ID', 'DIGEST', 'DIGEST-VALUE <key> [<key> ...]', 'ERROR <string>', 'LOG <message>', 'OBJECT <key>', 'POPULATE <count> [<prefix>] [<size>]', 'PROTOCOL <type>', 'RELOAD', 'SET-ACTIVE-EXPIRE <0|1>', 'QUICKLIST-PACKED-THRESHOLD <size>', 'SLEEP <seconds>', 'JMAP', 'PAUSE-CRON <0|1>', 'REPLYBUFFER PEAK-RESET-TIME <never||reset|time>', 'HELP'];

function debugCommand(c: CommandContext, argv: string[]): void {
  const sub = (argv[1] ?? '').toLowerCase();
  const srv = c.server;
  switch (sub) {
    case 'help': help(c, DEBUG_HELP); return;
    case 'sleep': {
      const d = parseDouble(argv[2] ?? '');
      if (d === null) { c.reply.error('ERR value is not a valid float'); return; }
      sleepSync(d * 1000);
      c.reply.ok();
      return;
    }
    case 'set-active-expire':
      if (argv.length !== 3) break;
      srv.activeExpireEnabled = argv[2] !== '0';
      c.reply.ok();
      return;
    case 'pause-cron':
      if (argv.length !== 3) break;
      srv.cronPaused = argv[2] !== '0';
      c.reply.ok();
      return;
    case 'quicklist-packed-threshold': {
      const v = argv[2] === undefined ? null : srv.config && /^\d+[kmgb]*$/i.test(argv[2]) ? argv[2] : null;
      if (v === null) { c.reply.error('ERR argument must be a memory value bigger than 1 and smaller than 4gb'); return; }
      srv.quicklistPackedThreshold = parseSize(v);
      c.reply.ok();
      return;
    }
    case 'object':
      if (argv.length !== 3) break;
      debugObject(c, argv[2]!);
      return;
    case 'change-repl-id':
      srv.replId = createHash('sha1').update(String(Math.random())).digest('hex');
      c.reply.ok();
      return;
    case 'digest':
      if (argv.length !== 2) break;
      c.reply.simple(datasetDigest(c.server.dbs));
      return;
    case 'digest-value': {
      // Logically expired keys still in the dict count, as in Redis (no lookup, no expiry).
      c.reply.arrayHeader(argv.length - 2);
      for (let i = 2; i < argv.length; i++) c.reply.simple(valueDigest(c.db, argv[i]!));
      return;
    }
    case 'protocol': debugProtocol(c, (argv[2] ?? '').toLowerCase()); return;
    case 'log': srv.log(`DEBUG LOG: ${argv[2] ?? ''}`); c.reply.ok(); return;
    case 'error': c.reply.error(argv[2] ?? ''); return;
    case 'populate': {
      const count = c.parseInt(argv[2] ?? '');
      if (count === null) return;
      if (count < 0) { c.reply.error('ERR count must be greater than 0'); return; }
      const prefix = argv[3] ?? 'key';
      let size = 0;
      if (argv[4] !== undefined) { const s = c.parseInt(argv[4]); if (s === null) return; size = s; }
      for (let i = 0; i < count; i++) {
        const k = `${prefix}:${i}`;
        if (c.db.peek(k) !== undefined) continue;
        let val = `value:${i}`;
        if (size > 0) val = val.length >= size ? val.slice(0, size) : val + '\0'.repeat(size - val.length);
        c.db.add(k, val);
        c.addDirty(1);
      }
      c.reply.ok();
      return;
    }
    case 'jmap': case 'reload': case 'loadaof': case 'set-disable-deny-scripts': case 'replybuffer': case 'dict-resizing':
    case 'config-rewrite-force-all': case 'set-skip-checksum-validation': case 'aof-flush-sleep': case 'replicate': case 'stringmatch-len':
    case 'client-eviction': case 'script':
      if (sub === 'reload') srv.lastSave = srv.clock();
      c.reply.ok();
      return;
    case 'listpack': case 'quicklist': case 'ziplist':
      c.reply.simple('Listpack structure printed on stdout');
      return;
    case 'htstats': {
      const id = Number(argv[2]);
      const db = srv.dbs[id];
      if (!db) { c.reply.error('ERR Out of range database'); return; }
      c.reply.verbatim('txt', `[Dictionary HT]\nHash table 0 stats (main hash table):\n table size: ${db.size}\n number of elements: ${db.size}\n[Expires HT]\nHash table 0 stats (main hash table):\nNo stats available for empty dictionaries\n`);
      return;
    }
    case 'htstats-key': {
      const v = c.db.peek(argv[2] ?? '');
      if (v === undefined) { c.reply.error('ERR no such key'); return; }
      if (c.db.encodingOf(argv[2]!, v) !== 'hashtable') { c.reply.error('ERR The value stored at the specified key is not represented using an hash table'); return; }
      c.reply.verbatim('txt', 'Hash table 0 stats (main hash table):\n table size: 4\n');
      return;
    }
    case 'mallctl': case 'mallctl-str':
      c.reply.error('ERR jemalloc not in use');
      return;
    case 'sdslen': {
      const v = c.db.peek(argv[2] ?? '');
      if (v === undefined) { c.reply.error('ERR no such key'); return; }
      c.reply.simple(`key_sds_len:${argv[2]!.length}, key_sds_avail:0, key_zmalloc: ${argv[2]!.length + 9}, val_sds_len:${stringOf(v)?.length ?? 0}, val_sds_avail:0, val_zmalloc: 0`);
      return;
    }
    default:
      c.reply.error(`ERR unknown subcommand '${argv[1]}'. Try DEBUG HELP.`);
      return;
  }
  c.reply.error(`ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try DEBUG HELP.`);
}

function parseSize(s: string): number {
  const m = /^(\d+)([kmg]?)b?$/i.exec(s);
  if (!m) return 0;
  const mul: Record<string, number> = { '': 1, k: 1024, m: 1024 * 1024, g: 1024 * 1024 * 1024 };
  return Number(m[1]) * mul[m[2]!.toLowerCase()]!;
}

// ------------------------------------------------------------------ LATENCY
function latencyGraph(c: CommandContext, event: string): string {
  const e = c.server.latencyEvents.get(event)!;
  const max = Math.max(...e.samples.map((s) => s.ms), 1);
  const min = Math.min(...e.samples.map((s) => s.ms));
  let out = `${event} - high ${max} ms, low ${min} ms (all time high ${e.max} ms)\n`;
  out += '-'.repeat(80) + '\n';
  const rows = 4;
  for (let row = rows; row >= 1; row--) {
    let line = '';
    for (const s of e.samples) line += s.ms * rows / max >= row ? (row === rows || s.ms * rows / max < row + 1 ? '#' : '|') : ' ';
    out += line + '\n';
  }
  let ages = '';
  const now = Math.floor(c.server.clock() / 1000);
  for (const s of e.samples) ages += String(Math.min(9, now - s.time))[0];
  out += ages + '\n';
  return out;
}

const LATENCY_EVENTS_HELP = ['LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:', 'DOCTOR', '    Return a human readable latency analysis report.', 'GRAPH <event>', '    Return an ASCII latency graph for the <event> class.', 'HISTORY <event>', '    Return time-latency samples for the <event> class.', 'LATEST', '    Return the latest latency samples for all events.', 'RESET [<event> ...]', '    Reset latency data of one or more <event> classes.', '    (default: reset all data for all event classes)', 'HISTOGRAM [COMMAND ...]', '    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.', '    If no commands are specified then all histograms are replied.', 'HELP', '    Print this help.'];

function histogramReply(c: CommandContext, name: string): boolean {
  const st = c.server.commandStats.get(name);
  if (!st || st.hist.total === 0) return false;
  c.reply.bulk(name);
  c.reply.mapHeader(2);
  c.reply.bulk('calls'); c.reply.integer(st.calls);
  c.reply.bulk('histogram_usec');
  const b = st.hist.buckets();
  c.reply.mapHeader(b.length);
  for (const [k, v] of b) { c.reply.integer(k); c.reply.integer(v); }
  return true;
}

// ------------------------------------------------------------------ ACL
function aclCommand(c: CommandContext, argv: string[]): void {
  const acl = c.server.acl;
  const sub = argv[1]!.toLowerCase();
  switch (sub) {
    case 'setuser': {
      for (let i = 2; i < argv.length; i++) c.redactArg(i);
      const err = acl.setUser(argv.slice(2));
      if (err) c.reply.error(err); else c.reply.ok();
      return;
    }
    case 'deluser': {
      let n = 0;
      for (let i = 2; i < argv.length; i++) {
        if (argv[i] === 'default') { c.reply.error("ERR The 'default' user cannot be removed"); return; }
      }
      for (let i = 2; i < argv.length; i++) {
        if (acl.deleteUser(argv[i]!)) {
          n++;
          for (const cl of c.server.clients.values()) if (cl.user === argv[i]) { if (cl === c.client) cl.closeAfterReply = true; else c.server.freeClient(cl); }
        }
      }
      c.reply.integer(n);
      return;
    }
    case 'getuser': {
      const u = acl.getUser(argv[2]!);
      if (!u) { c.reply.nullBulk(); return; }
      const r = c.reply;
      r.mapHeader(6);
      r.bulk('flags'); r.strings(u.flags);
      r.bulk('passwords'); r.strings(u.passwords);
      r.bulk('commands'); r.bulk(u.commands);
      r.bulk('keys'); r.bulk(u.keys);
      r.bulk('channels'); r.bulk(u.channels);
      r.bulk('selectors'); r.arrayHeader(0);
      return;
    }
    case 'list': c.reply.strings([...acl.users.keys()].sort().map((u) => acl.describe(u))); return;
    case 'users': c.reply.strings([...acl.users.keys()].sort()); return;
    case 'whoami': c.reply.bulk(c.client.user); return;
    case 'cat': {
      if (argv.length === 2) { c.reply.strings(['keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog', 'geo', 'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting']); return; }
      const cmds = acl.commandsInCategory(argv[2]!.toLowerCase());
      if (!cmds) { c.reply.error(`ERR Unknown category '${argv[2]}'`); return; }
      c.reply.strings(cmds);
      return;
    }
    case 'genpass': {
      let bits = 256;
      if (argv[2] !== undefined) {
        const b = c.parseInt(argv[2]);
        if (b === null) return;
        if (b <= 0 || b > 4096) { c.reply.error('ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096'); return; }
        bits = b;
      }
      c.reply.bulk(acl.genpass(bits));
      return;
    }
    case 'log': {
      if (argv[2] && argv[2].toLowerCase() === 'reset') { acl.log = []; c.reply.ok(); return; }
      let n = acl.log.length;
      if (argv[2] !== undefined) { const v = c.parseInt(argv[2]); if (v === null) return; n = Math.min(n, v); }
      c.reply.arrayHeader(n);
      const now = Date.now();
      for (const e of acl.log.slice(0, n)) {
        c.reply.mapHeader(7);
        c.reply.bulk('count'); c.reply.integer(e.count);
        c.reply.bulk('reason'); c.reply.bulk(e.reason);
        c.reply.bulk('context'); c.reply.bulk(e.context);
        c.reply.bulk('object'); c.reply.bulk(e.object);
        c.reply.bulk('username'); c.reply.bulk(e.username);
        c.reply.bulk('age-seconds'); c.reply.double((now - e.createdAt) / 1000);
        c.reply.bulk('client-info'); c.reply.bulk(e.clientInfo);
      }
      return;
    }
    case 'dryrun': {
      const user = argv[2]!;
      if (!acl.users.has(user)) { c.reply.error(`ERR User '${user}' not found`); return; }
      const args = argv.slice(3);
      const s = lookupCommandArgs(c, args);
      if (!s) { c.reply.error(`ERR Command '${args[0]}' not found`); return; }
      const fake = { ...c.client, user, multi: null } as unknown as typeof c.client;
      const err = acl.check(fake, s, args);
      if (err) c.reply.bulk(`This user has no permissions to run the '${s.name}' command`); else c.reply.ok();
      return;
    }
    case 'load': case 'save':
      c.reply.error('ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.');
      return;
    case 'help':
      help(c, ['ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:', 'CAT [<category>]', 'DELUSER <username> [<username> ...]', 'DRYRUN <username> <command> [<arg> ...]', 'GETUSER <username>', 'GENPASS [<bits>]', 'LIST', 'USERS', 'WHOAMI', 'LOG [<count> | RESET]', 'SETUSER <username> <attribute> [<attribute> ...]', 'HELP']);
      return;
    default:
      c.reply.error(`ERR unknown subcommand '${argv[1]}'. Try ACL HELP.`);
  }
}

const ACL_SUBS: [string, number][] = [['setuser', -3], ['deluser', -3], ['getuser', 3], ['list', 2], ['users', 2], ['whoami', 2], ['cat', -2], ['genpass', -2], ['log', -2], ['dryrun', -4], ['load', 2], ['save', 2], ['help', 2]];

export const commands: CommandSpec[] = [
  def('info', -1, 'loading stale sentinel', [0, 0, 0], 'server', '1.0.0', (c, argv) => {
    c.reply.verbatim('txt', buildInfo(c.server, argv.slice(1)));
  }),
  def('time', 1, 'loading stale fast', [0, 0, 0], 'server', '2.6.0', (c) => {
    const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
    c.reply.arrayHeader(2); c.reply.bulk(String(Math.floor(us / 1e6))); c.reply.bulk(String(us % 1e6));
  }),
  def('lastsave', 1, 'loading stale fast', [0, 0, 0], 'server', '1.0.0', (c) => c.reply.integer(Math.floor(c.server.lastSave / 1000))),
  def('save', 1, 'admin noscript no_async_loading no_multi', [0, 0, 0], 'server', '1.0.0', (c) => { c.server.lastSave = c.server.clock(); c.server.dirty = 0; c.reply.ok(); }),
  def('bgsave', -1, 'admin noscript no_async_loading', [0, 0, 0], 'server', '1.0.0', (c) => { c.server.lastSave = c.server.clock(); c.server.dirty = 0; c.reply.simple('Background saving started'); }),
  def('bgrewriteaof', 1, 'admin noscript no_async_loading', [0, 0, 0], 'server', '1.0.0', (c) => c.reply.simple('Background append only file rewriting started')),
  def('role', 1, 'noscript loading stale fast sentinel', [0, 0, 0], 'server', '2.8.12', (c) => {
    const srv = c.server;
    if (srv.masterHost !== null) {
      c.reply.arrayHeader(5); c.reply.bulk('slave'); c.reply.bulk(srv.masterHost); c.reply.integer(srv.masterPort); c.reply.bulk('connect'); c.reply.integer(-1);
      return;
    }
    c.reply.arrayHeader(3); c.reply.bulk('master'); c.reply.integer(srv.masterReplOffset);
    c.reply.arrayHeader(srv.replicas.size);
    for (const r of srv.replicas) {
      const i = r.addr.lastIndexOf(':');
      c.reply.arrayHeader(3); c.reply.bulk(r.addr.slice(0, i)); c.reply.bulk(String(r.replListeningPort ?? r.addr.slice(i + 1))); c.reply.bulk(String(srv.masterReplOffset));
    }
  }),
  def('sync', 1, 'admin noscript no_async_loading no_multi', [0, 0, 0], 'server', '1.0.0', (c) => c.server.attachReplica(c.client, false)),
  def('psync', -3, 'admin noscript no_async_loading no_multi', [0, 0, 0], 'server', '2.8.0', (c) => c.server.attachReplica(c.client, true)),
  def('replconf', -1, 'admin noscript loading stale allow_busy', [0, 0, 0], 'server', '3.0.0', (c, argv) => {
    if (argv.length >= 2 && argv[1]!.toLowerCase() === 'ack') return;
    for (let i = 1; i + 1 < argv.length; i += 2) {
      if (argv[i]!.toLowerCase() === 'listening-port') {
        const port = Number(argv[i + 1]);
        if (Number.isInteger(port) && port >= 0 && port <= 65535) c.client.replListeningPort = port;
      }
    }
    c.reply.ok();
  }),
  def('wait', 3, 'noscript', [0, 0, 0], 'generic', '3.0.0', (c, argv) => {
    if (c.parseInt(argv[1]!) === null || c.parseInt(argv[2]!) === null) return;
    c.reply.integer(0);
  }),
  def('replicaof', 3, 'admin noscript stale no_async_loading', [0, 0, 0], 'server', '5.0.0', replicaof),
  def('slaveof', 3, 'admin noscript stale no_async_loading', [0, 0, 0], 'server', '1.0.0', replicaof),
  def('lolwut', -1, 'readonly fast', [0, 0, 0], 'server', '5.0.0', (c) => c.reply.verbatim('txt', 'Redis ver. 7.0.15 (redkit)\n')),
  def('monitor', 1, 'admin noscript loading stale', [0, 0, 0], 'server', '1.0.0', (c) => {
    if (c.client.monitor) { c.reply.ok(); return; }
    c.client.monitor = true;
    c.server.monitors.add(c.client);
    c.reply.ok();
  }),
  def('shutdown', -1, 'admin noscript loading stale no_multi sentinel allow_busy', [0, 0, 0], 'server', '1.0.0', (c, argv) => {
    for (let i = 1; i < argv.length; i++) {
      const o = argv[i]!.toLowerCase();
      if (!['nosave', 'save', 'now', 'force', 'abort'].includes(o)) { c.syntaxError(); return; }
      if (o === 'abort') { c.reply.error('ERR No shutdown in progress.'); return; }
    }
    c.server.shutdown();
  }),
  def('debug', -2, 'admin noscript loading stale', [0, 0, 0], 'server', '1.0.0', debugCommand),
  container('config', 'server', '2.0.0', [
    def('config|get', -3, 'admin noscript loading stale', [0, 0, 0], 'server', '2.0.0', (c, argv) => {
      const pairs = c.server.config.match(argv.slice(2));
      c.reply.mapHeader(pairs.length);
      for (const [k, v] of pairs) { c.reply.bulk(k); c.reply.bulk(v); }
    }),
    def('config|set', -4, 'admin noscript loading stale', [0, 0, 0], 'server', '2.0.0', configSet),
    def('config|resetstat', 2, 'admin noscript loading stale', [0, 0, 0], 'server', '2.0.0', (c) => {
      c.server.resetStats();
      c.server.lazyfreedObjects = 0; // lazyfreeResetStats
      c.server.slowlog = [];
      c.reply.ok();
    }),
    def('config|rewrite', 2, 'admin noscript loading stale', [0, 0, 0], 'server', '2.8.0', (c) => {
      if (!c.server.configFile) { c.reply.error('ERR The server is running without a config file'); return; }
      c.reply.error('ERR Rewriting config file: not supported yet');
    }),
    def('config|help', 2, 'loading stale', [0, 0, 0], 'server', '5.0.0', (c) => help(c, ['CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:', 'GET <pattern>', '    Return parameters matching the glob-like <pattern> and their values.', 'SET <directive> <value>', '    Set the configuration <directive> to <value>.', 'RESETSTAT', '    Reset statistics reported by the INFO command.', 'REWRITE', '    Rewrite the configuration file.', 'HELP', '    Print this help.'])),
  ]),
  container('slowlog', 'server', '2.2.12', [
    def('slowlog|get', -2, 'admin loading stale', [0, 0, 0], 'server', '2.2.12', (c, argv) => {
      let n = 10;
      if (argv.length === 3) {
        const v = c.parseInt(argv[2]!, 'count should be greater than or equal to -1');
        if (v === null) return;
        if (v < -1) { c.reply.error('ERR count should be greater than or equal to -1'); return; }
        n = v === -1 ? c.server.slowlog.length : v;
      } else if (argv.length > 3) { c.syntaxError(); return; }
      const list = c.server.slowlog.slice(0, n);
      c.reply.arrayHeader(list.length);
      for (const e of list) {
        c.reply.arrayHeader(6);
        c.reply.integer(e.id); c.reply.integer(e.time); c.reply.integer(e.usec);
        c.reply.strings(e.argv);
        c.reply.bulk(e.addr); c.reply.bulk(e.name);
      }
    }),
    def('slowlog|len', 2, 'admin loading stale', [0, 0, 0], 'server', '2.2.12', (c) => c.reply.integer(c.server.slowlog.length)),
    def('slowlog|reset', 2, 'admin loading stale', [0, 0, 0], 'server', '2.2.12', (c) => { c.server.slowlog = []; c.reply.ok(); }),
    def('slowlog|help', 2, 'loading stale', [0, 0, 0], 'server', '6.2.0', (c) => help(c, ['SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:', 'GET [<count>]', '    Return top <count> entries from the slowlog (default: 10, -1 mean all).', '    Entries are made of:', '    id, timestamp, time in microseconds, arguments array, client IP and port,', '    client name', 'LEN', '    Return the length of the slowlog.', 'RESET', '    Reset the slowlog.', 'HELP', '    Print this help.'])),
  ]),
  container('latency', 'server', '2.8.13', [
    def('latency|latest', 2, 'admin noscript loading stale', [0, 0, 0], 'server', '2.8.13', (c) => {
      const ev = [...c.server.latencyEvents];
      c.reply.arrayHeader(ev.length);
      for (const [name, e] of ev) {
        const last = e.samples[e.samples.length - 1]!;
        c.reply.arrayHeader(4); c.reply.bulk(name); c.reply.integer(last.time); c.reply.integer(last.ms); c.reply.integer(e.max);
      }
    }),
    def('latency|history', 3, 'admin noscript loading stale', [0, 0, 0], 'server', '2.8.13', (c, argv) => {
      const e = c.server.latencyEvents.get(argv[2]!);
      const s = e ? e.samples : [];
      c.reply.arrayHeader(s.length);
      for (const x of s) { c.reply.arrayHeader(2); c.reply.integer(x.time); c.reply.integer(x.ms); }
    }),
    def('latency|reset', -2, 'admin noscript loading stale', [0, 0, 0], 'server', '2.8.13', (c, argv) => {
      const ev = c.server.latencyEvents;
      if (argv.length === 2) { const n = ev.size; ev.clear(); c.reply.integer(n); return; }
      let n = 0;
      for (let i = 2; i < argv.length; i++) if (ev.delete(argv[i]!)) n++;
      c.reply.integer(n);
    }),
    def('latency|graph', 3, 'admin noscript loading stale', [0, 0, 0], 'server', '2.8.13', (c, argv) => {
      if (!c.server.latencyEvents.has(argv[2]!)) { c.reply.error(`ERR No samples available for event '${argv[2]}'`); return; }
      c.reply.verbatim('txt', latencyGraph(c, argv[2]!));
    }),
    def('latency|doctor', 2, 'admin noscript loading stale', [0, 0, 0], 'server', '2.8.13', (c) => {
      const ev = c.server.latencyEvents;
      let text: string;
      if (ev.size === 0) text = 'Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sleep tonight.\n';
      else {
        text = 'Dave, I have observed latency spikes in this Redis instance. You don\'t mind talking about it, do you Dave?\n\n';
        let i = 1;
        for (const [name, e] of ev) {
          const avg = Math.round(e.samples.reduce((a, s) => a + s.ms, 0) / e.samples.length);
          text += `${i++}. ${name}: ${e.samples.length} latency spikes (average ${avg}ms, mean deviation 0ms, period 0 sec). Worst all time event ${e.max}ms.\n`;
        }
        text += '\nI have a few advices for you:\n\n- Check your Slow Log to understand what are the commands you are running which are too slow to execute.\n';
      }
      c.reply.verbatim('txt', text);
    }),
    def('latency|histogram', -2, 'admin noscript loading stale', [0, 0, 0], 'server', '7.0.0', (c, argv) => {
      const names: string[] = [];
      if (argv.length === 2) {
        for (const [n, st] of c.server.commandStats) if (st.hist.total > 0) names.push(n);
      } else {
        for (let i = 2; i < argv.length; i++) {
          const a = argv[i]!.toLowerCase();
          const spec = c.server.table.get(a.split('|')[0]!);
          if (!spec) continue;
          if (spec.subcommands && !a.includes('|')) { for (const s of spec.subcommands) names.push(s.name); }
          else names.push(a);
        }
      }
      const uniq = [...new Set(names)].filter((n) => (c.server.commandStats.get(n)?.hist.total ?? 0) > 0);
      c.reply.mapHeader(uniq.length);
      for (const n of uniq) histogramReply(c, n);
    }),
    def('latency|help', 2, 'loading stale', [0, 0, 0], 'server', '2.8.13', (c) => help(c, LATENCY_EVENTS_HELP)),
  ]),
  container('memory', 'server', '4.0.0', [
    def('memory|usage', -3, 'readonly', [2, 2, 1], 'server', '4.0.0', (c, argv) => {
      if (argv.length > 3) {
        if (argv.length !== 5 || argv[3]!.toLowerCase() !== 'samples') { c.syntaxError(); return; }
        if (c.parseInt(argv[4]!) === null) return;
      }
      const v = c.db.peek(argv[2]!);
      if (v === undefined) { c.reply.nullBulk(); return; }
      c.reply.integer(c.db.memoryUsageOf(argv[2]!, v) + argv[2]!.length + 24 + (c.db.getExpire(argv[2]!) !== undefined ? 24 : 0));
    }),
    def('memory|stats', 2, '', [0, 0, 0], 'server', '4.0.0', (c) => {
      const used = c.server.usedMemory();
      const r = c.reply;
      const dbs = c.server.dbs.filter((d) => d.size > 0);
      const fields: [string, number][] = [['peak.allocated', used], ['total.allocated', used], ['startup.allocated', 876448], ['replication.backlog', 0], ['clients.slaves', 0], ['clients.normal', c.server.clients.size * 22426], ['cluster.links', 0], ['aof.buffer', 0], ['lua.caches', 0], ['functions.caches', 184]];
      r.mapHeader(fields.length + dbs.length + 14);
      for (const [k, v] of fields) { r.bulk(k); r.integer(v); }
      for (const d of dbs) { r.bulk(`db.${d.id}`); r.mapHeader(2); r.bulk('overhead.hashtable.main'); r.integer(d.size * 24); r.bulk('overhead.hashtable.expires'); r.integer(d.expires.size * 24); }
      r.bulk('overhead.total'); r.integer(876448);
      r.bulk('keys.count'); r.integer(c.server.dbs.reduce((a, d) => a + d.size, 0));
      r.bulk('keys.bytes-per-key'); r.integer(0);
      r.bulk('dataset.bytes'); r.integer(Math.max(0, used - 876448));
      r.bulk('dataset.percentage'); r.double(100);
      r.bulk('peak.percentage'); r.double(100);
      r.bulk('allocator.allocated'); r.integer(used);
      r.bulk('allocator.active'); r.integer(used);
      r.bulk('allocator.resident'); r.integer(process.memoryUsage().rss);
      r.bulk('allocator-fragmentation.ratio'); r.double(1);
      r.bulk('allocator-fragmentation.bytes'); r.integer(0);
      r.bulk('rss-overhead.ratio'); r.double(1);
      r.bulk('rss-overhead.bytes'); r.integer(0);
      r.bulk('fragmentation'); r.double(1);
    }),
    def('memory|doctor', 2, '', [0, 0, 0], 'server', '4.0.0', (c) => c.reply.verbatim('txt', 'Hi Sam, I can\'t find any memory issue in your instance. I can only account for what occurs on this base.\n')),
    def('memory|malloc-stats', 2, '', [0, 0, 0], 'server', '4.0.0', (c) => c.reply.verbatim('txt', 'Stats not supported for the current allocator\n')),
    def('memory|purge', 2, '', [0, 0, 0], 'server', '4.0.0', (c) => c.reply.ok()),
    def('memory|help', 2, 'loading stale', [0, 0, 0], 'server', '4.0.0', (c) => help(c, ['MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:', 'DOCTOR', 'MALLOC-STATS', 'PURGE', 'STATS', 'USAGE <key> [SAMPLES <count>]', 'HELP'])),
  ]),
  {
    ...container('command', 'server', '2.8.13', [
      def('command|count', 2, 'loading stale', [0, 0, 0], 'server', '2.8.13', (c) => c.reply.integer(c.server.table.size)),
      def('command|info', -2, 'loading stale', [0, 0, 0], 'server', '2.8.13', (c, argv) => {
        if (argv.length === 2) { const all = c.server.table.all(); c.reply.arrayHeader(all.length); for (const s of all) commandInfo(c, s); return; }
        c.reply.arrayHeader(argv.length - 2);
        for (let i = 2; i < argv.length; i++) {
          const parts = argv[i]!.toLowerCase().split('|');
          let s = parts.length > 2 ? undefined : c.server.table.get(parts[0]!);
          if (s && parts[1] !== undefined) s = c.server.table.sub(s, parts[1]);
          if (s) commandInfo(c, s); else c.reply.nullArray();
        }
      }),
      def('command|docs', -2, 'loading stale', [0, 0, 0], 'server', '7.0.0', (c, argv) => {
        // Unknown names are left out; a name asked twice is answered twice, as in Redis.
        const all = argv.length === 2 ? c.server.table.all() : argv.slice(2).map((n) => docsLookup(c, n)).filter((s): s is CommandSpec => !!s);
        c.reply.mapHeader(all.length);
        for (const s of all) { c.reply.bulk(s.name); commandDocs(c, s); }
      }),
      def('command|getkeys', -4, 'loading stale', [0, 0, 0], 'server', '2.8.13', (c, argv) => getKeysCmd(c, argv, false)),
      def('command|getkeysandflags', -4, 'loading stale', [0, 0, 0], 'server', '7.0.0', (c, argv) => getKeysCmd(c, argv, true)),
      def('command|list', -2, 'loading stale', [0, 0, 0], 'server', '7.0.0', (c, argv) => {
        let names = c.server.table.all().flatMap((s) => [s.name, ...(s.subcommands ?? []).map((x) => x.name)]);
        if (argv.length > 2) {
          if (argv.length !== 5 || argv[2]!.toLowerCase() !== 'filterby') { c.syntaxError(); return; }
          const by = argv[3]!.toLowerCase(), v = argv[4]!;
          if (by === 'module') names = [];
          else if (by === 'aclcat') names = c.server.acl.commandsInCategory(v.toLowerCase()) ?? [];
          else if (by === 'pattern') names = names.filter((n) => globMatch(v, n, true));
          else { c.syntaxError(); return; }
        }
        c.reply.strings(names);
      }),
      def('command|help', 2, 'loading stale', [0, 0, 0], 'server', '5.0.0', (c) => help(c, ['COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:', '(no subcommand)', '    Return details about all Redis commands.', 'COUNT', 'GETKEYS <full-command>', 'GETKEYSANDFLAGS <full-command>', 'INFO [<command-name> ...]', 'DOCS [<command-name> ...]', 'LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]', 'HELP'])),
    ], 'loading stale'),
    arity: -1,
    handler: (c: CommandContext) => { const all = c.server.table.all(); c.reply.arrayHeader(all.length); for (const s of all) commandInfo(c, s); },
  },
  {
    ...def('acl', -2, '', [0, 0, 0], 'server', '6.0.0', aclCommand),
    // Flags as Redis 7.0.15 declares them (HELP alone is scriptable; WHOAMI/CAT/GENPASS not admin).
    subcommands: ACL_SUBS.map(([n, a]) => def(`acl|${n}`, a, n === 'help' ? 'loading stale sentinel'
      : n === 'whoami' || n === 'cat' || n === 'genpass' ? 'noscript loading stale sentinel' : 'admin noscript loading stale sentinel',
      [0, 0, 0], 'server', '6.0.0', aclCommand)),
  },
  container('function', 'scripting', '7.0.0', [
    def('function|flush', -2, 'write noscript', [0, 0, 0], 'scripting', '7.0.0', (c) => c.reply.ok()),
    def('function|list', -2, 'noscript', [0, 0, 0], 'scripting', '7.0.0', (c) => c.reply.arrayHeader(0)),
    def('function|stats', 2, 'noscript allow_busy', [0, 0, 0], 'scripting', '7.0.0', (c) => {
      c.reply.mapHeader(2); c.reply.bulk('running_script'); c.reply.null(); c.reply.bulk('engines'); c.reply.mapHeader(0);
    }),
  ]),
  // Scripting is out of scope; the script cache itself (LOAD/EXISTS/FLUSH) is kept so tools
  // and transactions that manage scripts behave.
  container('script', 'scripting', '2.6.0', [
    def('script|flush', -2, 'noscript', [0, 0, 0], 'scripting', '2.6.0', (c) => { scriptCache.clear(); c.reply.ok(); }),
    def('script|exists', -3, 'noscript', [0, 0, 0], 'scripting', '2.6.0', (c, argv) => {
      c.reply.arrayHeader(argv.length - 2);
      for (let i = 2; i < argv.length; i++) c.reply.integer(scriptCache.has(argv[i]!.toLowerCase()) ? 1 : 0);
    }),
    def('script|load', 3, 'noscript stale', [0, 0, 0], 'scripting', '2.6.0', (c, argv) => {
      const sha = createHash('sha1').update(Buffer.from(argv[2]!, 'latin1')).digest('hex');
      scriptCache.set(sha, argv[2]!);
      c.reply.bulk(sha);
    }),
  ]),
  container('cluster', 'cluster', '3.0.0', [
    def('cluster|keyslot', 3, 'stale', [0, 0, 0], 'cluster', '3.0.0', (c, argv) => c.reply.integer(keyHashSlot(argv[2]!))),
    def('cluster|info', 2, 'stale', [0, 0, 0], 'cluster', '3.0.0', (c) => c.reply.error('ERR This instance has cluster support disabled')),
    def('cluster|nodes', 2, 'stale', [0, 0, 0], 'cluster', '3.0.0', (c) => c.reply.error('ERR This instance has cluster support disabled')),
    def('cluster|slots', 2, 'stale', [0, 0, 0], 'cluster', '3.0.0', (c) => c.reply.error('ERR This instance has cluster support disabled')),
    def('cluster|help', 2, 'loading stale', [0, 0, 0], 'cluster', '5.0.0', (c) => help(c, ['CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:', 'KEYSLOT <key>', '    Return the hash slot for <key>.', 'HELP', '    Print this help.'])),
    def('cluster|shards', 2, 'stale', [0, 0, 0], 'cluster', '7.0.0', (c) => c.reply.error('ERR This instance has cluster support disabled')),
  ]),
  def('readonly', 1, 'loading stale fast', [0, 0, 0], 'cluster', '3.0.0', (c) => c.reply.error('ERR This instance has cluster support disabled')),
  def('readwrite', 1, 'loading stale fast', [0, 0, 0], 'cluster', '3.0.0', (c) => c.reply.error('ERR This instance has cluster support disabled')),
];

/**
 * REPLICAOF: records the master and takes the replica role's rules (read-only, stale data);
 * the replication link itself comes with the replication issue, so the link stays down.
 */
function replicaof(c: CommandContext, argv: string[]): void {
  const srv = c.server;
  if (argv[1]!.toLowerCase() === 'no' && argv[2]!.toLowerCase() === 'one') {
    if (srv.masterHost !== null) {
      srv.masterHost = null;
      srv.masterPort = 0;
      srv.log('MASTER MODE enabled (user request from client)');
    }
    c.reply.ok();
    return;
  }
  const port = c.parseInt(argv[2]!, 'Invalid master port');
  if (port === null) return;
  if (c.client.multi !== null || c.inMulti) {
    // Allowed inside MULTI in Redis; nothing special to do here.
  }
  if (srv.masterHost === argv[1] && srv.masterPort === port) { c.reply.simple('OK Already connected to specified master'); return; }
  srv.masterHost = argv[1]!;
  srv.masterPort = port;
  // Our own replicas must resync with the new topology: drop them (replicationSetMaster).
  for (const r of [...srv.replicas]) { srv.flushClient(r); srv.freeClient(r); }
  srv.log(`REPLICAOF ${argv[1]}:${port} enabled (user request from client)`);
  c.reply.ok();
}

/** CRC16 (XMODEM) hash slot with {hash tags}, as CLUSTER KEYSLOT. */
export function keyHashSlot(key: string): number {
  let s = key.indexOf('{');
  if (s >= 0) {
    const e = key.indexOf('}', s + 1);
    if (e > s + 1) key = key.slice(s + 1, e);
  }
  let crc = 0;
  for (let i = 0; i < key.length; i++) {
    crc ^= key.charCodeAt(i) << 8;
    for (let j = 0; j < 8; j++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  s = crc;
  return s & 16383;
}
