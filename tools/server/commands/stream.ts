/**
 * Stream commands (Redis t_stream.c): XADD, XRANGE/XREVRANGE, XLEN, XDEL, XTRIM, XREAD,
 * XREADGROUP, XGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM, XINFO, XSETID, with Redis 7.0
 * semantics (entries-read, lag, max-deleted-entry-id) and Redis's error texts.
 */
import type { BlockRequest, CommandContext, CommandSpec } from '../command.js';
import { typeOf, type RedisValue } from '../db.js';
import {
  INVALID_ENTRIES_READ,
  Stream,
  type StreamConsumer,
  type StreamEntry,
  type StreamGroup,
  type StreamNack,
  type TrimStrategy,
} from '../types/stream.js';
import { ID_MAX, ID_MIN, U64_MAX, formatStreamId, parseStreamId, type StreamId } from '../types/stream-id.js';
import { parseLongLong } from '../util/parse.js';

const ERR_INVALID_ID = 'ERR Invalid stream ID specified as stream command argument';
const ERR_NOT_INT = 'ERR value is not an integer or out of range';
/** XREAD_BLOCKED_DEFAULT_COUNT */
const XREAD_BLOCKED_DEFAULT_COUNT = 1000;

// ---------------------------------------------------------------------------------------------
// Small helpers

function lc(s: string): string {
  return s.toLowerCase();
}

/** Reads a numeric config value from the kernel's config table, with a default. */
export function configNumber(c: CommandContext, name: string, def: number): number {
  try {
    const v = c.server.config.num(name);
    return Number.isFinite(v) ? v : def;
  } catch {
    return def;
  }
}

function streamLimits(c: CommandContext) {
  return {
    nodeMaxEntries: configNumber(c, 'stream-node-max-entries', 100),
    nodeMaxBytes: configNumber(c, 'stream-node-max-bytes', 4096),
  };
}

/** getLongLongFromObjectOrReply: replies `-ERR <msg>` and returns null on failure. */
function parseLL(c: CommandContext, s: string, msg?: string): number | null {
  const v = parseLongLong(s);
  if (v === null) {
    c.reply.error(msg ? `ERR ${msg}` : ERR_NOT_INT);
    return null;
  }
  return Number(v);
}

function parseIdOrReply(c: CommandContext | null, s: string, missingSeq: bigint, strict: boolean): StreamId | null {
  const p = parseStreamId(s, missingSeq, { strict });
  if (!p) {
    if (c) c.reply.error(ERR_INVALID_ID);
    return null;
  }
  return p.id;
}

/** streamParseIntervalIDOrReply: `(` prefix for exclusive bounds. */
function parseIntervalId(c: CommandContext, s: string, missingSeq: bigint): { id: StreamId; excl: boolean } | null {
  const excl = s.length > 1 && s[0] === '(';
  const id = excl ? parseIdOrReply(c, s.slice(1), missingSeq, true) : parseIdOrReply(c, s, missingSeq, false);
  if (id === null) return null;
  return { id, excl };
}

function subcommandSyntaxError(c: CommandContext, argv: string[]): void {
  c.reply.error(
    `ERR unknown subcommand or wrong number of arguments for '${(argv[1] ?? '').slice(0, 128)}'. Try ${argv[0]!.toUpperCase()} HELP.`,
  );
}

function replyHelp(c: CommandContext, cmd: string, lines: string[]): void {
  c.reply.arrayHeader(lines.length + 3);
  c.reply.simple(`${cmd.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const l of lines) c.reply.simple(l);
  c.reply.simple('HELP');
  c.reply.simple('    Prints this help.');
}

function lookupStream(c: CommandContext, key: string, forWrite: boolean): Stream | undefined | null {
  return c.db.lookupTyped<Stream>(c, key, 'stream', forWrite);
}

function replyEntry(c: CommandContext, e: StreamEntry): void {
  c.reply.arrayHeader(2);
  c.reply.bulk(formatStreamId(e.id));
  c.reply.arrayHeader(e.fields.length);
  for (const f of e.fields) c.reply.bulk(f);
}

function findConsumer(g: StreamGroup, name: string, now: number, refresh: boolean): StreamConsumer | undefined {
  const con = g.consumers.get(name);
  if (con && refresh) con.seenTime = now;
  return con;
}

function createConsumer(c: CommandContext, key: string, g: StreamGroup, name: string, propagate = false): StreamConsumer {
  const con = g.createConsumer(name, c.now());
  c.addDirty(1);
  c.notify('stream', 'xgroup-createconsumer', key);
  if (propagate) c.alsoPropagate(['XGROUP', 'CREATECONSUMER', key, g.name, name]);
  return con;
}

/** Redis's preventCommandPropagation (the command's effects are propagated as XCLAIM etc.). */
function preventPropagation(c: CommandContext): void {
  (c as unknown as { preventPropagation?: boolean }).preventPropagation = true;
}

/** streamPropagateXCLAIM: an idempotent XCLAIM that recreates the NACK on replicas / AOF. */
function propagateXclaim(c: CommandContext, key: string, group: StreamGroup, id: StreamId, nack: StreamNack): void {
  c.alsoPropagate([
    'XCLAIM', key, group.name, nack.consumer.name, '0', formatStreamId(id),
    'TIME', String(nack.deliveryTime), 'RETRYCOUNT', String(nack.deliveryCount),
    'FORCE', 'JUSTID', 'LASTID', formatStreamId(group.lastId),
  ]);
}

/** streamPropagateGroupID */
function propagateGroupId(c: CommandContext, key: string, group: StreamGroup): void {
  c.alsoPropagate(['XGROUP', 'SETID', key, group.name, formatStreamId(group.lastId), 'ENTRIESREAD', String(group.entriesRead)]);
}

/**
 * streamReplyWithRange: collects the entries first (our writer has no deferred lengths), then
 * writes them. With a group: advances last-delivered-id / entries-read and creates NACKs.
 */
function replyRange(
  c: CommandContext,
  s: Stream,
  start: StreamId,
  end: StreamId,
  count: number,
  rev: boolean,
  group?: StreamGroup,
  consumer?: StreamConsumer,
  noack = false,
  propKey?: string,
): number {
  const out: StreamEntry[] = [];
  let propagateLastId = false;
  for (const e of s.range(start, end, rev)) {
    if (group && e.id > group.lastId) {
      if (group.entriesRead !== INVALID_ENTRIES_READ && !s.rangeHasTombstones(e.id, null)) {
        group.entriesRead++;
      } else if (s.entriesAdded) {
        group.entriesRead = s.estimateDistanceFromFirstEverEntry(e.id);
      }
      group.lastId = e.id;
      if (noack) propagateLastId = true;
    }
    if (group && consumer && !noack) {
      const now = c.now();
      const existing = group.pel.get(e.id);
      if (existing) {
        existing.consumer.pel.delete(e.id);
        existing.consumer = consumer;
        existing.deliveryTime = now;
        existing.deliveryCount = 1;
        consumer.pel.set(existing);
      } else {
        const nack: StreamNack = { id: e.id, deliveryTime: now, deliveryCount: 1, consumer };
        group.pel.set(nack);
        consumer.pel.set(nack);
      }
      if (propKey !== undefined) propagateXclaim(c, propKey, group, e.id, group.pel.get(e.id)!);
    }
    out.push(e);
    if (count && out.length === count) break;
  }
  if (group && propKey !== undefined && propagateLastId) propagateGroupId(c, propKey, group);
  c.reply.arrayHeader(out.length);
  for (const e of out) replyEntry(c, e);
  return out.length;
}

/** streamReplyWithRangeFromConsumerPEL: the consumer's history (XREADGROUP with an ID). */
function replyFromConsumerPel(c: CommandContext, s: Stream, start: StreamId, count: number, consumer: StreamConsumer): void {
  const items: StreamNack[] = [];
  for (const n of consumer.pel.range(start, ID_MAX)) {
    if (count && items.length >= count) break;
    items.push(n);
  }
  c.reply.arrayHeader(items.length);
  const now = c.now();
  for (const n of items) {
    const e = s.get(n.id);
    if (!e) {
      c.reply.arrayHeader(2);
      c.reply.bulk(formatStreamId(n.id));
      c.reply.nullArray();
    } else {
      replyEntry(c, e);
      n.deliveryTime = now;
      n.deliveryCount++;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// XADD / XTRIM argument parsing (streamParseAddOrTrimArgsOrReply)

interface AddTrimArgs {
  trim: TrimStrategy | null;
  /** argv index of the MAXLEN/MINID value (for propagation rewrite). */
  trimArgIdx: number;
  noMkStream: boolean;
  idGiven: boolean;
  seqGiven: boolean;
  id: StreamId;
  idPos: number;
}

function parseAddTrimArgs(c: CommandContext, argv: string[], xadd: boolean): AddTrimArgs | null {
  let kind: 'maxlen' | 'minid' | null = null;
  let approx = false;
  let maxlen = 0;
  let minid: StreamId = ID_MIN;
  let limit = 0;
  let limitGiven = false;
  const a: AddTrimArgs = { trim: null, trimArgIdx: -1, noMkStream: false, idGiven: false, seqGiven: true, id: ID_MIN, idPos: -1 };
  let i = 2;
  for (; i < argv.length; i++) {
    const moreargs = argv.length - 1 - i;
    const opt = argv[i]!;
    const o = lc(opt);
    if (xadd && opt === '*') break;
    if (o === 'maxlen' && moreargs) {
      if (kind !== null) {
        c.reply.error('ERR syntax error, MAXLEN and MINID options at the same time are not compatible');
        return null;
      }
      approx = false;
      const next = argv[i + 1]!;
      if (moreargs >= 2 && next === '~') {
        approx = true;
        i++;
      } else if (moreargs >= 2 && next === '=') i++;
      const v = parseLL(c, argv[i + 1]!);
      if (v === null) return null;
      if (v < 0) {
        c.reply.error('ERR The MAXLEN argument must be >= 0.');
        return null;
      }
      maxlen = v;
      i++;
      kind = 'maxlen';
      a.trimArgIdx = i;
    } else if (o === 'minid' && moreargs) {
      if (kind !== null) {
        c.reply.error('ERR syntax error, MAXLEN and MINID options at the same time are not compatible');
        return null;
      }
      approx = false;
      const next = argv[i + 1]!;
      if (moreargs >= 2 && next === '~') {
        approx = true;
        i++;
      } else if (moreargs >= 2 && next === '=') i++;
      const id = parseIdOrReply(c, argv[i + 1]!, 0n, true);
      if (id === null) return null;
      minid = id;
      i++;
      kind = 'minid';
      a.trimArgIdx = i;
    } else if (o === 'limit' && moreargs) {
      const v = parseLL(c, argv[i + 1]!);
      if (v === null) return null;
      if (v < 0) {
        c.reply.error('ERR The LIMIT argument must be >= 0.');
        return null;
      }
      limit = v;
      limitGiven = true;
      i++;
    } else if (xadd && o === 'nomkstream') {
      a.noMkStream = true;
    } else if (xadd) {
      const p = parseStreamId(opt, 0n, { strict: true, allowAutoSeq: true });
      if (!p) {
        c.reply.error(ERR_INVALID_ID);
        return null;
      }
      a.id = p.id;
      a.seqGiven = !p.seqAuto;
      a.idGiven = true;
      break;
    } else {
      c.syntaxError();
      return null;
    }
  }
  a.idPos = i;
  if (limit && kind === null) {
    c.reply.error('ERR syntax error, LIMIT cannot be used without specifying a trimming strategy');
    return null;
  }
  if (!xadd && kind === null) {
    c.reply.error('ERR syntax error, XTRIM must be called with a trimming strategy');
    return null;
  }
  if (limitGiven) {
    if (!approx) {
      c.reply.error('ERR syntax error, LIMIT cannot be used without the special ~ option');
      return null;
    }
  } else if (approx) {
    limit = 100 * configNumber(c, 'stream-node-max-entries', 100);
    if (limit <= 0) limit = 10000;
    if (limit > 1000000) limit = 1000000;
  } else limit = 0;
  if (kind === 'maxlen') a.trim = { kind, maxlen, approx, limit };
  else if (kind === 'minid') a.trim = { kind, minid, approx, limit };
  return a;
}

/** Rewrites `~ N` into `= <exact result>` for propagation (streamRewriteTrimArgument). */
function rewriteTrim(argv: string[], a: AddTrimArgs, s: Stream): string[] {
  const out = argv.slice();
  out[a.trimArgIdx - 1] = '=';
  if (a.trim!.kind === 'maxlen') out[a.trimArgIdx] = String(s.length);
  else out[a.trimArgIdx] = formatStreamId(s.firstIdWithTombstones());
  return out;
}

// ---------------------------------------------------------------------------------------------
// Handlers

function xadd(c: CommandContext, argv: string[]): void {
  const a = parseAddTrimArgs(c, argv, true);
  if (!a) return;
  const fieldPos = a.idPos + 1;
  const nf = argv.length - fieldPos;
  if (nf < 2 || nf % 2 === 1) {
    c.reply.error(`ERR wrong number of arguments for 'xadd' command`);
    return;
  }
  if (a.idGiven && a.seqGiven && a.id === ID_MIN) {
    c.reply.error('ERR The ID specified in XADD must be greater than 0-0');
    return;
  }
  const key = argv[1]!;
  let s = lookupStream(c, key, true);
  if (s === null) return;
  let created = false;
  if (s === undefined) {
    if (a.noMkStream) {
      c.reply.nullBulk();
      return;
    }
    s = new Stream();
    created = true;
  }
  if (s.lastId === ID_MAX) {
    c.reply.error('ERR The stream has exhausted the last possible ID, unable to add more items');
    return;
  }
  let id: StreamId;
  if (a.idGiven) {
    if (a.seqGiven) id = a.id;
    else if (s.lastId >> 64n === a.id >> 64n) {
      if ((s.lastId & U64_MAX) === U64_MAX) {
        c.reply.error('ERR The ID specified in XADD is equal or smaller than the target stream top item');
        return;
      }
      id = s.lastId + 1n;
    } else id = a.id;
  } else {
    const n = s.nextId(c.now());
    if (n === null) {
      c.reply.error('ERR The stream has exhausted the last possible ID, unable to add more items');
      return;
    }
    id = n;
  }
  if (id <= s.lastId) {
    c.reply.error('ERR The ID specified in XADD is equal or smaller than the target stream top item');
    return;
  }
  if (!s.append(id, argv, streamLimits(c), fieldPos)) {
    c.reply.error('ERR Elements are too large to be stored');
    return;
  }
  if (created) c.db.add(key, s as unknown as RedisValue);
  const idStr = formatStreamId(id);
  c.reply.bulk(idStr);
  c.signalModified(key);
  c.notify('stream', 'xadd', key);
  let prop = argv;
  if (a.trim) {
    if (s.trim(a.trim)) c.notify('stream', 'xtrim', key);
    if (a.trim.approx) prop = rewriteTrim(prop, a, s);
  }
  if (!a.idGiven || !a.seqGiven) {
    if (prop === argv) prop = argv.slice();
    prop[a.idPos] = idStr;
  }
  if (prop !== argv) c.rewriteForPropagation(prop);
  c.signalKeyAsReady(key);
}

function xtrim(c: CommandContext, argv: string[]): void {
  const a = parseAddTrimArgs(c, argv, false);
  if (!a) return;
  const key = argv[1]!;
  const s = lookupStream(c, key, true);
  if (s === null) return;
  if (s === undefined) {
    c.reply.integer(0);
    return;
  }
  const deleted = s.trim(a.trim!);
  if (deleted) {
    c.notify('stream', 'xtrim', key);
    if (a.trim!.approx) c.rewriteForPropagation(rewriteTrim(argv, a, s));
    c.signalModified(key);
    c.addDirty(deleted - 1);
  }
  c.reply.integer(deleted);
}

function xrangeGeneric(c: CommandContext, argv: string[], rev: boolean): void {
  const startArg = rev ? argv[3]! : argv[2]!;
  const endArg = rev ? argv[2]! : argv[3]!;
  const st = parseIntervalId(c, startArg, 0n);
  if (!st) return;
  let start = st.id;
  if (st.excl) {
    if (start === ID_MAX) {
      c.reply.error('ERR invalid start ID for the interval');
      return;
    }
    start++;
  }
  const en = parseIntervalId(c, endArg, U64_MAX);
  if (!en) return;
  let end = en.id;
  if (en.excl) {
    if (end === ID_MIN) {
      c.reply.error('ERR invalid end ID for the interval');
      return;
    }
    end--;
  }
  let count = -1;
  for (let j = 4; j < argv.length; j++) {
    const additional = argv.length - j - 1;
    if (lc(argv[j]!) === 'count' && additional >= 1) {
      const v = parseLL(c, argv[j + 1]!);
      if (v === null) return;
      count = v < 0 ? 0 : v;
      j++;
    } else {
      c.syntaxError();
      return;
    }
  }
  const s = lookupStream(c, argv[1]!, false);
  if (s === null) return;
  if (s === undefined) {
    c.reply.arrayHeader(0);
    return;
  }
  if (count === 0) {
    c.reply.nullArray();
    return;
  }
  replyRange(c, s, start, end, count === -1 ? 0 : count, rev);
}

function xlen(c: CommandContext, argv: string[]): void {
  const s = lookupStream(c, argv[1]!, false);
  if (s === null) return;
  c.reply.integer(s ? s.length : 0);
}

function xdel(c: CommandContext, argv: string[]): void {
  const key = argv[1]!;
  const s = lookupStream(c, key, true);
  if (s === null) return;
  if (s === undefined) {
    c.reply.integer(0);
    return;
  }
  const ids: StreamId[] = [];
  for (let j = 2; j < argv.length; j++) {
    const id = parseIdOrReply(c, argv[j]!, 0n, true);
    if (id === null) return;
    ids.push(id);
  }
  let deleted = 0;
  let firstEntry = false;
  for (const id of ids) {
    if (s.delete(id)) {
      if (id === s.firstId) firstEntry = true;
      deleted++;
    }
  }
  if (deleted) {
    if (s.length === 0) s.firstId = ID_MIN;
    else if (firstEntry) s.refreshFirstId();
    c.signalModified(key);
    c.notify('stream', 'xdel', key);
    c.addDirty(deleted - 1);
  }
  c.reply.integer(deleted);
}

// XREAD / XREADGROUP -------------------------------------------------------------------------

interface ReadState {
  keys: string[];
  ids: StreamId[];
  groupName: string | null;
  consumerName: string | null;
  noack: boolean;
  count: number;
}

function xreadGetKeys(argv: string[]): number[] {
  for (let i = 1; i < argv.length; i++) {
    const o = lc(argv[i]!);
    if (o === 'streams') {
      const first = i + 1;
      const n = Math.floor((argv.length - first) / 2);
      const out: number[] = [];
      for (let k = 0; k < n; k++) out.push(first + k);
      return out;
    }
    if (o === 'block' || o === 'count') i++;
    else if (o === 'group') i += 2;
  }
  return [];
}

function xreadCommon(c: CommandContext, argv: string[], xreadgroup: boolean): void | BlockRequest {
  let timeout = -1;
  let count = 0;
  let streamsArg = 0;
  let streamsCount = 0;
  let noack = false;
  let groupName: string | null = null;
  let consumerName: string | null = null;
  for (let i = 1; i < argv.length; i++) {
    const moreargs = argv.length - i - 1;
    const o = lc(argv[i]!);
    if (o === 'block' && moreargs) {
      i++;
      const v = parseLongLong(argv[i]!);
      if (v === null) {
        c.reply.error('ERR timeout is not an integer or out of range');
        return;
      }
      if (v < 0n) {
        c.reply.error('ERR timeout is negative');
        return;
      }
      timeout = Number(v);
    } else if (o === 'count' && moreargs) {
      i++;
      const v = parseLL(c, argv[i]!);
      if (v === null) return;
      count = v < 0 ? 0 : v;
    } else if (o === 'streams' && moreargs) {
      streamsArg = i + 1;
      streamsCount = argv.length - streamsArg;
      if (streamsCount % 2 !== 0) {
        c.reply.error("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
        return;
      }
      streamsCount /= 2;
      break;
    } else if (o === 'group' && moreargs >= 2) {
      if (!xreadgroup) {
        c.reply.error('ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.');
        return;
      }
      groupName = argv[i + 1]!;
      consumerName = argv[i + 2]!;
      i += 2;
    } else if (o === 'noack') {
      if (!xreadgroup) {
        c.reply.error('ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.');
        return;
      }
      noack = true;
    } else {
      c.syntaxError();
      return;
    }
  }
  if (streamsArg === 0) {
    c.syntaxError();
    return;
  }
  if (xreadgroup && groupName === null) {
    c.reply.error('ERR Missing GROUP option for XREADGROUP');
    return;
  }
  const keys: string[] = [];
  const ids: StreamId[] = [];
  for (let i = streamsArg + streamsCount; i < argv.length; i++) {
    const key = argv[i - streamsCount]!;
    const s = lookupStream(c, key, false);
    if (s === null) return;
    if (groupName !== null) {
      if (!s || !s.groups.has(groupName)) {
        c.reply.error(`NOGROUP No such key '${key}' or consumer group '${groupName}' in XREADGROUP with GROUP option`);
        return;
      }
    }
    const arg = argv[i]!;
    keys.push(key);
    if (arg === '$') {
      if (xreadgroup) {
        c.reply.error(
          'ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
        );
        return;
      }
      ids.push(s ? s.lastId : ID_MIN);
      continue;
    } else if (arg === '>') {
      if (!xreadgroup) {
        c.reply.error('ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.');
        return;
      }
      ids.push(ID_MAX);
      continue;
    }
    const id = parseIdOrReply(c, arg, 0n, true);
    if (id === null) return;
    ids.push(id);
  }
  const st: ReadState = { keys, ids, groupName, consumerName, noack, count };
  // Effects are propagated as XCLAIM / XGROUP commands, never the read itself.
  preventPropagation(c);
  if (serveRead(c, st)) return;
  if (timeout !== -1) {
    if (c.inMulti) {
      c.reply.nullArray();
      return;
    }
    const blockCount = count ? count : XREAD_BLOCKED_DEFAULT_COUNT;
    return {
      block: {
        keys: [...new Set(keys)],
        timeoutMs: timeout,
        onReady: (c2) => serveBlocked(c2, st, blockCount),
        onTimeout: (c2) => {
          c2.reply.nullArray();
        },
      },
    };
  }
  c.reply.nullArray();
}

/** Tries to serve an XREAD/XREADGROUP synchronously; false when nothing could be served. */
function serveRead(c: CommandContext, st: ReadState): boolean {
  interface Part {
    key: string;
    s: Stream;
    gt: StreamId;
    history: boolean;
    group?: StreamGroup;
  }
  const parts: Part[] = [];
  for (let i = 0; i < st.keys.length; i++) {
    const key = st.keys[i]!;
    const v = c.db.peek(key);
    if (v === undefined || typeOf(v) !== 'stream') continue;
    const s = v as unknown as Stream;
    let gt = st.ids[i]!;
    let serve = false;
    let history = false;
    let group: StreamGroup | undefined;
    if (st.groupName !== null) {
      group = s.groups.get(st.groupName);
      if (!group) continue;
      if (gt !== ID_MAX) {
        serve = true;
        history = true;
      } else if (s.length) {
        const maxid = s.lastValidId();
        if (maxid > group.lastId) {
          serve = true;
          gt = group.lastId;
        }
      }
    } else if (s.length) {
      if (s.lastValidId() > gt) serve = true;
    }
    if (serve) parts.push({ key, s, gt, history, group });
  }
  if (!parts.length) return false;
  const resp3 = c.client.resp === 3;
  if (resp3) c.reply.mapHeader(parts.length);
  else c.reply.arrayHeader(parts.length);
  for (const p of parts) {
    if (!resp3) c.reply.arrayHeader(2);
    c.reply.bulk(p.key);
    let consumer: StreamConsumer | undefined;
    if (p.group) {
      consumer = findConsumer(p.group, st.consumerName!, c.now(), true);
      if (!consumer) consumer = createConsumer(c, p.key, p.group, st.consumerName!, st.noack);
    }
    const start = p.gt === ID_MAX ? ID_MAX : p.gt + 1n;
    if (p.group && p.history) replyFromConsumerPel(c, p.s, start, st.count, consumer!);
    else replyRange(c, p.s, start, ID_MAX, st.count, false, p.group, consumer, st.noack, p.group ? p.key : undefined);
    if (p.group) c.addDirty(1);
  }
  return true;
}

/** serveClientsBlockedOnStreamKey for one parked client. */
function serveBlocked(c: CommandContext, st: ReadState, count: number): boolean {
  for (let i = 0; i < st.keys.length; i++) {
    const key = st.keys[i]!;
    const v = c.db.peek(key);
    if (v === undefined || typeOf(v) !== 'stream') {
      // unblockDeletedStreamReadgroupClients: the key was deleted or overwritten.
      if (st.groupName !== null) {
        c.reply.error('UNBLOCKED the stream key no longer exists');
        return true;
      }
      continue;
    }
    const s = v as unknown as Stream;
    let gt = st.ids[i]!;
    let group: StreamGroup | undefined;
    if (st.groupName !== null) {
      group = s.groups.get(st.groupName);
      if (!group) {
        c.reply.error('NOGROUP the consumer group this client was blocked on no longer exists');
        return true;
      }
      gt = group.lastId;
    }
    if (s.lastId > gt) {
      let consumer: StreamConsumer | undefined;
      if (group) {
        consumer = findConsumer(group, st.consumerName!, c.now(), true);
        if (!consumer) consumer = createConsumer(c, key, group, st.consumerName!, st.noack);
        preventPropagation(c);
      }
      const resp3 = c.client.resp === 3;
      if (resp3) c.reply.mapHeader(1);
      else {
        c.reply.arrayHeader(1);
        c.reply.arrayHeader(2);
      }
      c.reply.bulk(key);
      replyRange(c, s, gt === ID_MAX ? ID_MAX : gt + 1n, ID_MAX, count, false, group, consumer, st.noack, group ? key : undefined);
      return true;
    }
  }
  return false;
}

function xread(c: CommandContext, argv: string[]): void | BlockRequest {
  return xreadCommon(c, argv, false);
}

function xreadgroup(c: CommandContext, argv: string[]): void | BlockRequest {
  return xreadCommon(c, argv, true);
}

// XGROUP ---------------------------------------------------------------------------------------

interface XgroupCtx {
  s: Stream | undefined;
  group: StreamGroup | undefined;
  mkstream: boolean;
  entriesRead: number;
}

function xgroupPrologue(c: CommandContext, argv: string[], sub: string): XgroupCtx | null {
  let mkstream = false;
  let entriesRead = INVALID_ENTRIES_READ;
  const create = sub === 'create';
  const setid = sub === 'setid';
  let i = 5;
  while (i < argv.length) {
    const o = lc(argv[i]!);
    if (create && o === 'mkstream') {
      mkstream = true;
      i++;
    } else if ((create || setid) && o === 'entriesread' && i + 1 < argv.length) {
      const v = parseLL(c, argv[i + 1]!);
      if (v === null) return null;
      if (v < 0 && v !== INVALID_ENTRIES_READ) {
        c.reply.error('ERR value for ENTRIESREAD must be positive or -1');
        return null;
      }
      entriesRead = v;
      i += 2;
    } else {
      subcommandSyntaxError(c, argv);
      return null;
    }
  }
  const s = lookupStream(c, argv[2]!, true);
  if (s === null) return null;
  const grp = argv[3]!;
  let group: StreamGroup | undefined;
  if (!mkstream) {
    if (!s) {
      c.reply.error(
        'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
      );
      return null;
    }
    group = s.groups.get(grp);
    if (!group && (setid || sub === 'createconsumer' || sub === 'delconsumer')) {
      c.reply.error(`NOGROUP No such consumer group '${grp}' for key name '${argv[2]}'`);
      return null;
    }
  } else if (s) group = s.groups.get(grp);
  return { s, group, mkstream, entriesRead };
}

function xgroupCreate(c: CommandContext, argv: string[]): void {
  if (argv.length > 8) return subcommandSyntaxError(c, argv);
  const x = xgroupPrologue(c, argv, 'create');
  if (!x) return;
  const key = argv[2]!;
  let id: StreamId;
  if (argv[4] === '$') id = x.s ? x.s.lastId : ID_MIN;
  else {
    const p = parseIdOrReply(c, argv[4]!, 0n, true);
    if (p === null) return;
    id = p;
  }
  let s = x.s;
  if (!s) {
    s = new Stream();
    c.db.add(key, s as unknown as RedisValue);
    c.signalModified(key);
  }
  if (s.createGroup(argv[3]!, id, x.entriesRead)) {
    c.reply.ok();
    c.addDirty(1);
    c.notify('stream', 'xgroup-create', key);
  } else c.reply.error('BUSYGROUP Consumer Group name already exists');
}

function xgroupSetid(c: CommandContext, argv: string[]): void {
  if (argv.length !== 5 && argv.length !== 7) return subcommandSyntaxError(c, argv);
  const x = xgroupPrologue(c, argv, 'setid');
  if (!x) return;
  let id: StreamId;
  if (argv[4] === '$') id = x.s!.lastId;
  else {
    const p = parseIdOrReply(c, argv[4]!, 0n, false);
    if (p === null) return;
    id = p;
  }
  x.group!.lastId = id;
  x.group!.entriesRead = x.entriesRead;
  c.reply.ok();
  c.addDirty(1);
  c.notify('stream', 'xgroup-setid', argv[2]!);
}

function xgroupDestroy(c: CommandContext, argv: string[]): void {
  if (argv.length !== 4) return subcommandSyntaxError(c, argv);
  const x = xgroupPrologue(c, argv, 'destroy');
  if (!x) return;
  if (x.group) {
    x.s!.groups.delete(argv[3]!);
    c.reply.integer(1);
    c.addDirty(1);
    c.notify('stream', 'xgroup-destroy', argv[2]!);
    c.signalKeyAsReady(argv[2]!);
  } else c.reply.integer(0);
}

function xgroupCreateConsumer(c: CommandContext, argv: string[]): void {
  if (argv.length !== 5) return subcommandSyntaxError(c, argv);
  const x = xgroupPrologue(c, argv, 'createconsumer');
  if (!x) return;
  if (x.group!.consumers.has(argv[4]!)) {
    c.reply.integer(0);
    return;
  }
  createConsumer(c, argv[2]!, x.group!, argv[4]!);
  c.reply.integer(1);
}

function xgroupDelConsumer(c: CommandContext, argv: string[]): void {
  if (argv.length !== 5) return subcommandSyntaxError(c, argv);
  const x = xgroupPrologue(c, argv, 'delconsumer');
  if (!x) return;
  let pending = 0;
  if (x.group!.consumers.has(argv[4]!)) {
    pending = x.group!.deleteConsumer(argv[4]!);
    c.addDirty(1);
    c.notify('stream', 'xgroup-delconsumer', argv[2]!);
  }
  c.reply.integer(pending);
}

function xgroupHelp(c: CommandContext, argv: string[]): void {
  if (argv.length !== 2) return subcommandSyntaxError(c, argv);
  replyHelp(c, argv[0]!, [
    'CREATE <key> <groupname> <id|$> [option]',
    '    Create a new consumer group. Options are:',
    '    * MKSTREAM',
    '      Create the empty stream if it does not exist.',
    '    * ENTRIESREAD entries_read',
    "      Set the group's entries_read counter (internal use).",
    'CREATECONSUMER <key> <groupname> <consumer>',
    '    Create a new consumer in the specified group.',
    'DELCONSUMER <key> <groupname> <consumer>',
    '    Remove the specified consumer.',
    'DESTROY <key> <groupname>',
    '    Remove the specified group.',
    'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
    '    Set the current group ID and entries_read counter.',
  ]);
}

// XSETID ---------------------------------------------------------------------------------------

function xsetid(c: CommandContext, argv: string[]): void {
  const id = parseIdOrReply(c, argv[2]!, 0n, true);
  if (id === null) return;
  let entriesAdded = -1;
  let maxXdel: StreamId = ID_MIN;
  let i = 3;
  while (i < argv.length) {
    const moreargs = argv.length - 1 - i;
    const o = lc(argv[i]!);
    if (o === 'entriesadded' && moreargs) {
      const v = parseLL(c, argv[i + 1]!);
      if (v === null) return;
      if (v < 0) {
        c.reply.error('ERR entries_added must be positive');
        return;
      }
      entriesAdded = v;
      i += 2;
    } else if (o === 'maxdeletedid' && moreargs) {
      const m = parseIdOrReply(c, argv[i + 1]!, 0n, true);
      if (m === null) return;
      if (id < m) {
        c.reply.error('ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id');
        return;
      }
      maxXdel = m;
      i += 2;
    } else {
      c.syntaxError();
      return;
    }
  }
  const s = lookupStream(c, argv[1]!, true);
  if (s === null) return;
  if (s === undefined) {
    c.reply.error('ERR no such key');
    return;
  }
  if (s.length > 0) {
    if (id < s.lastValidId()) {
      c.reply.error('ERR The ID specified in XSETID is smaller than the target stream top item');
      return;
    }
    if (entriesAdded !== -1 && s.length > entriesAdded) {
      c.reply.error('ERR The entries_added specified in XSETID is smaller than the target stream length');
      return;
    }
  }
  s.lastId = id;
  if (entriesAdded !== -1) s.entriesAdded = entriesAdded;
  if (maxXdel !== ID_MIN) s.maxDeletedEntryId = maxXdel;
  c.reply.ok();
  c.signalModified(argv[1]!);
  c.notify('stream', 'xsetid', argv[1]!);
}

// XACK / XPENDING / XCLAIM / XAUTOCLAIM -----------------------------------------------------------

function xack(c: CommandContext, argv: string[]): void {
  const s = lookupStream(c, argv[1]!, false);
  if (s === null) return;
  const group = s?.groups.get(argv[2]!);
  if (!s || !group) {
    c.reply.integer(0);
    return;
  }
  const ids: StreamId[] = [];
  for (let j = 3; j < argv.length; j++) {
    const id = parseIdOrReply(c, argv[j]!, 0n, true);
    if (id === null) return;
    ids.push(id);
  }
  let acked = 0;
  for (const id of ids) {
    const nack = group.pel.get(id);
    if (nack) {
      group.pel.delete(id);
      nack.consumer.pel.delete(id);
      acked++;
    }
  }
  if (acked) {
    c.signalModified(argv[1]!);
    c.addDirty(acked - 1);
  }
  c.reply.integer(acked);
}

function xpending(c: CommandContext, argv: string[]): void {
  const justinfo = argv.length === 3;
  const key = argv[1]!;
  const groupname = argv[2]!;
  let start: StreamId = ID_MIN;
  let end: StreamId = ID_MAX;
  let count = 0;
  let minidle = 0;
  let consumername: string | null = null;
  if (argv.length !== 3 && (argv.length < 6 || argv.length > 9)) {
    c.syntaxError();
    return;
  }
  if (argv.length >= 6) {
    let startidx = 3;
    if (lc(argv[3]!) === 'idle') {
      const v = parseLL(c, argv[4]!);
      if (v === null) return;
      minidle = v;
      if (argv.length < 8) {
        c.syntaxError();
        return;
      }
      startidx += 2;
    }
    const cv = parseLL(c, argv[startidx + 2]!);
    if (cv === null) return;
    count = cv < 0 ? 0 : cv;
    const st = parseIntervalId(c, argv[startidx]!, 0n);
    if (!st) return;
    start = st.id;
    if (st.excl) {
      if (start === ID_MAX) {
        c.reply.error('ERR invalid start ID for the interval');
        return;
      }
      start++;
    }
    const en = parseIntervalId(c, argv[startidx + 1]!, U64_MAX);
    if (!en) return;
    end = en.id;
    if (en.excl) {
      if (end === ID_MIN) {
        c.reply.error('ERR invalid end ID for the interval');
        return;
      }
      end--;
    }
    if (startidx + 3 < argv.length) consumername = argv[startidx + 3]!;
  }
  const s = lookupStream(c, key, false);
  if (s === null) return;
  const group = s?.groups.get(groupname);
  if (!s || !group) {
    c.reply.error(`NOGROUP No such key '${key}' or consumer group '${groupname}'`);
    return;
  }
  if (justinfo) {
    c.reply.arrayHeader(4);
    c.reply.integer(group.pel.size);
    if (group.pel.size === 0) {
      c.reply.nullBulk();
      c.reply.nullBulk();
      c.reply.nullArray();
    } else {
      c.reply.bulk(formatStreamId(group.pel.first()!.id));
      c.reply.bulk(formatStreamId(group.pel.last()!.id));
      const cons = group.sortedConsumers().filter((x) => x.pel.size > 0);
      c.reply.arrayHeader(cons.length);
      for (const con of cons) {
        c.reply.arrayHeader(2);
        c.reply.bulk(con.name);
        c.reply.bulk(String(con.pel.size));
      }
    }
    return;
  }
  let pel = group.pel;
  if (consumername !== null) {
    const con = group.consumers.get(consumername);
    if (!con) {
      c.reply.arrayHeader(0);
      return;
    }
    pel = con.pel;
  }
  const now = c.now();
  const out: StreamNack[] = [];
  if (count) {
    for (const n of pel.range(start, end)) {
      if (minidle && now - n.deliveryTime < minidle) continue;
      out.push(n);
      if (out.length >= count) break;
    }
  }
  c.reply.arrayHeader(out.length);
  for (const n of out) {
    c.reply.arrayHeader(4);
    c.reply.bulk(formatStreamId(n.id));
    c.reply.bulk(n.consumer.name);
    c.reply.integer(Math.max(0, now - n.deliveryTime));
    c.reply.integer(n.deliveryCount);
  }
}

function xclaim(c: CommandContext, argv: string[]): void {
  const key = argv[1]!;
  const s = lookupStream(c, key, false);
  if (s === null) return;
  const group = s?.groups.get(argv[2]!);
  if (!s || !group) {
    c.reply.error(`NOGROUP No such key '${key}' or consumer group '${argv[2]}'`);
    return;
  }
  let minidle = parseLL(c, argv[4]!, 'Invalid min-idle-time argument for XCLAIM');
  if (minidle === null) return;
  if (minidle < 0) minidle = 0;
  const ids: StreamId[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    const id = parseIdOrReply(null, argv[j]!, 0n, true);
    if (id === null) break;
    ids.push(id);
  }
  const now = c.now();
  let force = false;
  let justid = false;
  let retrycount = -1;
  let deliverytime = -1;
  let lastId: StreamId = ID_MIN;
  for (; j < argv.length; j++) {
    const moreargs = argv.length - 1 - j;
    const opt = argv[j]!;
    const o = lc(opt);
    if (o === 'force') force = true;
    else if (o === 'justid') justid = true;
    else if (o === 'idle' && moreargs) {
      j++;
      const v = parseLL(c, argv[j]!, 'Invalid IDLE option argument for XCLAIM');
      if (v === null) return;
      deliverytime = now - v;
    } else if (o === 'time' && moreargs) {
      j++;
      const v = parseLL(c, argv[j]!, 'Invalid TIME option argument for XCLAIM');
      if (v === null) return;
      deliverytime = v;
    } else if (o === 'retrycount' && moreargs) {
      j++;
      const v = parseLL(c, argv[j]!, 'Invalid RETRYCOUNT option argument for XCLAIM');
      if (v === null) return;
      retrycount = v;
    } else if (o === 'lastid' && moreargs) {
      j++;
      const v = parseIdOrReply(c, argv[j]!, 0n, true);
      if (v === null) return;
      lastId = v;
    } else {
      c.reply.error(`ERR Unrecognized XCLAIM option '${opt}'`);
      return;
    }
  }
  let dirty = false;
  let propagateLastId = false;
  if (lastId > group.lastId) {
    group.lastId = lastId;
    dirty = true;
    propagateLastId = true;
  }
  preventPropagation(c);
  if (deliverytime !== -1) {
    if (deliverytime < 0 || deliverytime > now) deliverytime = now;
  } else deliverytime = now;
  let consumer: StreamConsumer | undefined;
  const name = argv[3]!;
  const out: (StreamEntry | StreamId)[] = [];
  for (const id of ids) {
    let nack = group.pel.get(id);
    const entry = s.get(id);
    if (!entry) {
      if (nack) {
        propagateXclaim(c, key, group, id, nack);
        propagateLastId = false;
        group.pel.delete(id);
        nack.consumer.pel.delete(id);
        dirty = true;
      }
      continue;
    }
    let forced = false;
    if (force && !nack) {
      nack = { id, deliveryTime: now, deliveryCount: 1, consumer: undefined as unknown as StreamConsumer };
      group.pel.set(nack);
      forced = true;
    }
    if (!nack) continue;
    if (!forced && minidle) {
      if (now - nack.deliveryTime < minidle) continue;
    }
    if (!consumer) {
      consumer = findConsumer(group, name, now, true);
      if (!consumer) consumer = createConsumer(c, key, group, name);
    }
    const prev = forced ? undefined : nack.consumer;
    if (prev && prev !== consumer) prev.pel.delete(id);
    nack.deliveryTime = deliverytime;
    if (retrycount >= 0) nack.deliveryCount = retrycount;
    else if (!justid) nack.deliveryCount++;
    if (prev !== consumer) {
      consumer.pel.set(nack);
      nack.consumer = consumer;
    }
    out.push(justid ? id : entry);
    propagateXclaim(c, key, group, id, nack);
    propagateLastId = false;
    dirty = true;
  }
  if (propagateLastId) propagateGroupId(c, key, group);
  if (dirty) c.signalModified(key);
  c.reply.arrayHeader(out.length);
  for (const x of out) {
    if (typeof x === 'bigint') c.reply.bulk(formatStreamId(x));
    else replyEntry(c, x);
  }
}

function xautoclaim(c: CommandContext, argv: string[]): void {
  const key = argv[1]!;
  let minidle = parseLL(c, argv[4]!, 'Invalid min-idle-time argument for XAUTOCLAIM');
  if (minidle === null) return;
  if (minidle < 0) minidle = 0;
  const st = parseIntervalId(c, argv[5]!, 0n);
  if (!st) return;
  let start = st.id;
  if (st.excl) {
    if (start === ID_MAX) {
      c.reply.error('ERR invalid start ID for the interval');
      return;
    }
    start++;
  }
  let count = 100;
  let justid = false;
  const attemptsFactor = 10;
  for (let j = 6; j < argv.length; j++) {
    const moreargs = argv.length - 1 - j;
    const o = lc(argv[j]!);
    if (o === 'count' && moreargs) {
      const maxCount = Math.floor(Number(0x7fffffffffffffffn) / 16);
      const v = parseLongLong(argv[j + 1]!);
      if (v === null) {
        c.reply.error(ERR_NOT_INT);
        return;
      }
      if (v < 1n || Number(v) > maxCount) {
        c.reply.error('ERR COUNT must be > 0');
        return;
      }
      count = Number(v);
      j++;
    } else if (o === 'justid') justid = true;
    else {
      c.syntaxError();
      return;
    }
  }
  const s = lookupStream(c, key, false);
  if (s === null) return;
  const group = s?.groups.get(argv[2]!);
  if (!s || !group) {
    c.reply.error(`NOGROUP No such key '${key}' or consumer group '${argv[2]}'`);
    return;
  }
  let attempts = count * attemptsFactor;
  const now = c.now();
  const name = argv[3]!;
  let consumer: StreamConsumer | undefined;
  const claimed: (StreamEntry | StreamId)[] = [];
  const deleted: StreamId[] = [];
  const nacks = [...group.pel.range(start, ID_MAX)];
  let k = 0;
  let dirty = false;
  while (attempts-- && count && k < nacks.length) {
    const nack = nacks[k++]!;
    const id = nack.id;
    const entry = s.get(id);
    if (!entry) {
      propagateXclaim(c, key, group, id, nack);
      group.pel.delete(id);
      nack.consumer.pel.delete(id);
      deleted.push(id);
      count--;
      dirty = true;
      continue;
    }
    if (minidle && now - nack.deliveryTime < minidle) continue;
    if (!consumer) {
      consumer = findConsumer(group, name, now, true);
      if (!consumer) consumer = createConsumer(c, key, group, name);
    }
    if (nack.consumer !== consumer) nack.consumer.pel.delete(id);
    nack.deliveryTime = now;
    if (!justid) nack.deliveryCount++;
    if (nack.consumer !== consumer) {
      consumer.pel.set(nack);
      nack.consumer = consumer;
    }
    claimed.push(justid ? id : entry);
    count--;
    propagateXclaim(c, key, group, id, nack);
    dirty = true;
  }
  preventPropagation(c);
  const nextNack = nacks[k];
  const endId = nextNack ? nextNack.id : ID_MIN;
  if (dirty) c.signalModified(key);
  c.reply.arrayHeader(3);
  c.reply.bulk(formatStreamId(endId));
  c.reply.arrayHeader(claimed.length);
  for (const x of claimed) {
    if (typeof x === 'bigint') c.reply.bulk(formatStreamId(x));
    else replyEntry(c, x);
  }
  c.reply.arrayHeader(deleted.length);
  for (const id of deleted) c.reply.bulk(formatStreamId(id));
}

// XINFO ----------------------------------------------------------------------------------------

function lookupForInfo(c: CommandContext, key: string): Stream | null {
  const s = lookupStream(c, key, false);
  if (s === null) return null;
  if (s === undefined) {
    c.reply.error('ERR no such key');
    return null;
  }
  return s;
}

function replyLag(c: CommandContext, s: Stream, g: StreamGroup): void {
  const lag = s.groupLag(g);
  if (lag === null) c.reply.null();
  else c.reply.integer(lag);
}

function replyEntriesRead(c: CommandContext, g: StreamGroup): void {
  if (g.entriesRead !== INVALID_ENTRIES_READ) c.reply.integer(g.entriesRead);
  else c.reply.null();
}

function xinfoStream(c: CommandContext, argv: string[]): void {
  let full = false;
  let count = 10;
  const optc = argv.length - 3;
  if (optc > 0) {
    if (optc !== 1 && optc !== 3) return subcommandSyntaxError(c, argv);
    if (lc(argv[3]!) !== 'full') return subcommandSyntaxError(c, argv);
    full = true;
    if (optc === 3) {
      if (lc(argv[4]!) !== 'count') return subcommandSyntaxError(c, argv);
      const v = parseLL(c, argv[5]!);
      if (v === null) return;
      count = v < 0 ? 10 : v;
    }
  }
  const s = lookupForInfo(c, argv[2]!);
  if (!s) return;
  const r = c.reply;
  r.mapHeader(full ? 9 : 10);
  r.bulk('length').integer(s.length);
  r.bulk('radix-tree-keys').integer(s.nodeCount);
  r.bulk('radix-tree-nodes').integer(radixNodesEstimate(s));
  r.bulk('last-generated-id').bulk(formatStreamId(s.lastId));
  r.bulk('max-deleted-entry-id').bulk(formatStreamId(s.maxDeletedEntryId));
  r.bulk('entries-added').integer(s.entriesAdded);
  r.bulk('recorded-first-entry-id').bulk(formatStreamId(s.firstId));
  if (!full) {
    r.bulk('groups').integer(s.groups.size);
    r.bulk('first-entry');
    const f = s.firstEntry();
    if (f) replyEntry(c, f);
    else r.null();
    r.bulk('last-entry');
    const l = s.lastEntry();
    if (l) replyEntry(c, l);
    else r.null();
    return;
  }
  r.bulk('entries');
  replyRange(c, s, ID_MIN, ID_MAX, count, false);
  r.bulk('groups');
  const groups = s.sortedGroups();
  r.arrayHeader(groups.length);
  for (const g of groups) {
    r.mapHeader(7);
    r.bulk('name').bulk(g.name);
    r.bulk('last-delivered-id').bulk(formatStreamId(g.lastId));
    r.bulk('entries-read');
    replyEntriesRead(c, g);
    r.bulk('lag');
    replyLag(c, s, g);
    r.bulk('pel-count').integer(g.pel.size);
    r.bulk('pending');
    const pend: StreamNack[] = [];
    for (const n of g.pel.range()) {
      if (count && pend.length >= count) break;
      pend.push(n);
    }
    r.arrayHeader(pend.length);
    for (const n of pend) {
      r.arrayHeader(4);
      r.bulk(formatStreamId(n.id)).bulk(n.consumer.name).integer(n.deliveryTime).integer(n.deliveryCount);
    }
    r.bulk('consumers');
    const cons = g.sortedConsumers();
    r.arrayHeader(cons.length);
    for (const con of cons) {
      r.mapHeader(4);
      r.bulk('name').bulk(con.name);
      r.bulk('seen-time').integer(con.seenTime);
      r.bulk('pel-count').integer(con.pel.size);
      r.bulk('pending');
      const cp: StreamNack[] = [];
      for (const n of con.pel.range()) {
        if (count && cp.length >= count) break;
        cp.push(n);
      }
      r.arrayHeader(cp.length);
      for (const n of cp) {
        r.arrayHeader(3);
        r.bulk(formatStreamId(n.id)).integer(n.deliveryTime).integer(n.deliveryCount);
      }
    }
  }
}

/** A plausible radix-tree node count (Redis's rax compresses 16-byte keys; not modelled). */
function radixNodesEstimate(s: Stream): number {
  return s.nodeCount === 0 ? 1 : s.nodeCount * 2;
}

function xinfoGroups(c: CommandContext, argv: string[]): void {
  if (argv.length !== 3) return subcommandSyntaxError(c, argv);
  const s = lookupForInfo(c, argv[2]!);
  if (!s) return;
  const groups = s.sortedGroups();
  c.reply.arrayHeader(groups.length);
  for (const g of groups) {
    c.reply.mapHeader(6);
    c.reply.bulk('name').bulk(g.name);
    c.reply.bulk('consumers').integer(g.consumers.size);
    c.reply.bulk('pending').integer(g.pel.size);
    c.reply.bulk('last-delivered-id').bulk(formatStreamId(g.lastId));
    c.reply.bulk('entries-read');
    replyEntriesRead(c, g);
    c.reply.bulk('lag');
    replyLag(c, s, g);
  }
}

function xinfoConsumers(c: CommandContext, argv: string[]): void {
  if (argv.length !== 4) return subcommandSyntaxError(c, argv);
  const s = lookupForInfo(c, argv[2]!);
  if (!s) return;
  const g = s.groups.get(argv[3]!);
  if (!g) {
    c.reply.error(`NOGROUP No such consumer group '${argv[3]}' for key name '${argv[2]}'`);
    return;
  }
  const now = c.now();
  const cons = g.sortedConsumers();
  c.reply.arrayHeader(cons.length);
  for (const con of cons) {
    c.reply.mapHeader(3);
    c.reply.bulk('name').bulk(con.name);
    c.reply.bulk('pending').integer(con.pel.size);
    c.reply.bulk('idle').integer(Math.max(0, now - con.seenTime));
  }
}

function xinfoHelp(c: CommandContext, argv: string[]): void {
  if (argv.length !== 2) return subcommandSyntaxError(c, argv);
  replyHelp(c, argv[0]!, [
    'CONSUMERS <key> <groupname>',
    '    Show consumers of <groupname>.',
    'GROUPS <key>',
    '    Show the stream consumer groups.',
    'STREAM <key> [FULL [COUNT <count>]',
    '    Show information about the stream.',
  ]);
}

function containerHandler(c: CommandContext, argv: string[]): void {
  subcommandSyntaxError(c, argv);
}

// ---------------------------------------------------------------------------------------------

const k1 = { firstKey: 1, lastKey: 1, keyStep: 1 };
const k2 = { firstKey: 2, lastKey: 2, keyStep: 1 };
const nokeys = { firstKey: 0, lastKey: 0, keyStep: 0 };

export const commands = [
  { name: 'xadd', arity: -5, flags: ['write', 'denyoom', 'fast'], ...k1, group: 'stream', since: '5.0.0', handler: xadd },
  { name: 'xrange', arity: -4, flags: ['readonly'], ...k1, group: 'stream', since: '5.0.0', handler: (c, a) => xrangeGeneric(c, a, false) },
  { name: 'xrevrange', arity: -4, flags: ['readonly'], ...k1, group: 'stream', since: '5.0.0', handler: (c, a) => xrangeGeneric(c, a, true) },
  { name: 'xlen', arity: 2, flags: ['readonly', 'fast'], ...k1, group: 'stream', since: '5.0.0', handler: xlen },
  { name: 'xdel', arity: -3, flags: ['write', 'fast'], ...k1, group: 'stream', since: '5.0.0', handler: xdel },
  { name: 'xtrim', arity: -4, flags: ['write'], ...k1, group: 'stream', since: '5.0.0', handler: xtrim },
  {
    name: 'xread', arity: -4, flags: ['readonly', 'blocking'], firstKey: 0, lastKey: 0, keyStep: 0,
    getKeys: xreadGetKeys, group: 'stream', since: '5.0.0', handler: xread,
  },
  {
    name: 'xreadgroup', arity: -7, flags: ['write', 'blocking'], firstKey: 0, lastKey: 0, keyStep: 0,
    getKeys: xreadGetKeys, group: 'stream', since: '5.0.0', handler: xreadgroup,
  },
  { name: 'xsetid', arity: -3, flags: ['write', 'denyoom', 'fast'], ...k1, group: 'stream', since: '5.0.0', handler: xsetid },
  { name: 'xack', arity: -4, flags: ['write', 'fast'], ...k1, group: 'stream', since: '5.0.0', handler: xack },
  { name: 'xpending', arity: -3, flags: ['readonly'], ...k1, group: 'stream', since: '5.0.0', handler: xpending },
  { name: 'xclaim', arity: -6, flags: ['write', 'fast'], ...k1, group: 'stream', since: '5.0.0', handler: xclaim },
  { name: 'xautoclaim', arity: -6, flags: ['write', 'fast'], ...k1, group: 'stream', since: '6.2.0', handler: xautoclaim },
  {
    name: 'xgroup', arity: -2, flags: [], ...nokeys, group: 'stream', since: '5.0.0', handler: containerHandler,
    subcommands: [
      { name: 'xgroup|create', arity: -5, flags: ['write', 'denyoom'], ...k2, group: 'stream', since: '5.0.0', handler: xgroupCreate },
      { name: 'xgroup|setid', arity: -5, flags: ['write'], ...k2, group: 'stream', since: '5.0.0', handler: xgroupSetid },
      { name: 'xgroup|destroy', arity: 4, flags: ['write'], ...k2, group: 'stream', since: '5.0.0', handler: xgroupDestroy },
      { name: 'xgroup|createconsumer', arity: 5, flags: ['write', 'denyoom'], ...k2, group: 'stream', since: '6.2.0', handler: xgroupCreateConsumer },
      { name: 'xgroup|delconsumer', arity: 5, flags: ['write'], ...k2, group: 'stream', since: '5.0.0', handler: xgroupDelConsumer },
      { name: 'xgroup|help', arity: 2, flags: ['loading', 'stale'], ...nokeys, group: 'stream', since: '5.0.0', handler: xgroupHelp },
    ],
  },
  {
    name: 'xinfo', arity: -2, flags: [], ...nokeys, group: 'stream', since: '5.0.0', handler: containerHandler,
    subcommands: [
      { name: 'xinfo|stream', arity: -3, flags: ['readonly'], ...k2, group: 'stream', since: '5.0.0', handler: xinfoStream },
      { name: 'xinfo|groups', arity: 3, flags: ['readonly'], ...k2, group: 'stream', since: '5.0.0', handler: xinfoGroups },
      { name: 'xinfo|consumers', arity: 4, flags: ['readonly'], ...k2, group: 'stream', since: '5.0.0', handler: xinfoConsumers },
      { name: 'xinfo|help', arity: 2, flags: ['loading', 'stale'], ...nokeys, group: 'stream', since: '5.0.0', handler: xinfoHelp },
    ],
  },
] satisfies CommandSpec[];
