/**
 * DUMP / RESTORE (Redis cluster.c): the payload is Redis's RDB object serialization + RDB
 * version (u16le) + CRC64, produced and parsed by the RDB codec (tools/rdb). This module only
 * converts between the server's value types and the codec's in-memory RdbValue.
 *
 * RESTORE parses synchronously with the codec's push parser (RdbParser), so a payload from a
 * real Redis (any RDB version up to 12, all encodings the reader knows) restores in one command.
 */
import type { CommandContext, CommandSpec } from '../command.js';
import type { RedisValue, Value } from '../db.js';
import type { ServerState } from '../server.js';
import { encodeDumpPayload, type RdbValue } from '../../rdb/writer.js';
import { RdbParser, STEP_DONE, STEP_MORE } from '../../rdb/reader.js';
import { crc64 } from '../../rdb/crc64.js';
import { RDB_OPCODE_EOF } from '../../rdb/constants.js';
import type { RdbRecord, StreamEntry as RdbStreamEntry, StreamMeta, HashField, ZsetMember } from '../../rdb/types.js';
import type { StringValue } from '../types/string.js';
import { ListValue } from '../types/list.js';
import { HashValue } from '../types/hash.js';
import { ZSetValue } from '../types/zset.js';
import { Stream, type StreamNack } from '../types/stream.js';
import { ID_MIN, makeId, type StreamId } from '../types/stream-id.js';
import { hashLimits } from './hash.js';
import { buildSet, setLimits } from './set.js';
import { zsetLimits } from './zset.js';
import type { SetValue } from '../types/set.js';
import { parseLongLong } from '../util/parse.js';

/** Highest payload RDB version accepted (Redis 7.4 writes 12). Redis 7.0 itself writes 10. */
const MAX_RDB_VERSION = 12;
const DUMP_RDB_VERSION = 10;

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const s = (x: Buffer): string => x.latin1Slice(0, x.length);

function idOf(x: { ms: bigint; seq: bigint }): StreamId {
  return makeId(x.ms, x.seq);
}

function rdbId(id: StreamId): { ms: bigint; seq: bigint } {
  return { ms: id >> 64n, seq: id & 0xffffffffffffffffn };
}

// ---------------------------------------------------------------------------------------------
// Server value -> RdbValue

/** The codec's in-memory value for a server value (DUMP; also usable by RDB saving). */
export function toRdbValue(v: Value): RdbValue | null {
  if (typeof v === 'string') return { type: 'string', value: b(v) };
  switch (v.type) {
    case 'string':
      return { type: 'string', value: b((v as StringValue).v) };
    case 'list': {
      const l = v as ListValue;
      return { type: 'list', items: l.length ? l.range(0, l.length - 1).map(b) : [] };
    }
    case 'set':
      return { type: 'set', items: (v as SetValue).members().map(b) };
    case 'hash': {
      const items: HashField[] = [];
      for (const [f, val] of (v as HashValue).map) items.push({ field: b(f), value: b(val) } as HashField);
      return { type: 'hash', items };
    }
    case 'zset': {
      const items: ZsetMember[] = [];
      for (const [m, sc] of (v as ZSetValue).entries()) items.push({ member: b(m), score: sc } as ZsetMember);
      return { type: 'zset', items };
    }
    case 'stream':
      return streamToRdb(v as unknown as Stream);
    default:
      return null;
  }
}

function streamToRdb(st: Stream): RdbValue {
  const items: RdbStreamEntry[] = [];
  for (const e of st.range()) {
    const fields: Array<[Buffer, Buffer]> = [];
    for (let i = 0; i < e.fields.length; i += 2) fields.push([b(e.fields[i]!), b(e.fields[i + 1]!)]);
    items.push({ id: rdbId(e.id), fields });
  }
  const meta: StreamMeta = {
    length: st.length,
    lastId: rdbId(st.lastId),
    firstId: rdbId(st.firstId),
    maxDeletedEntryId: rdbId(st.maxDeletedEntryId),
    entriesAdded: st.entriesAdded,
    groups: st.sortedGroups().map((g) => ({
      name: b(g.name),
      lastId: rdbId(g.lastId),
      entriesRead: g.entriesRead,
      pending: [...g.pel.range()].map((n) => ({ id: rdbId(n.id), deliveryTimeMs: n.deliveryTime, deliveryCount: n.deliveryCount })),
      consumers: g.sortedConsumers().map((con) => ({
        name: b(con.name),
        seenTimeMs: con.seenTime,
        pending: [...con.pel.range()].map((n) => rdbId(n.id)),
      })),
    })),
  };
  return { type: 'stream', items, meta };
}

// ---------------------------------------------------------------------------------------------
// RdbValue -> server value

/**
 * Builds a server value from a decoded RDB value (RESTORE; also usable by RDB loading), with
 * encodings chosen from the server's config thresholds. Null for empty collections or an
 * inconsistent stream.
 */
export function valueFromRdb(server: ServerState, v: RdbValue): Value | null {
  return fromRdbValue({ server } as unknown as CommandContext, v);
}

function fromRdbValue(c: CommandContext, v: RdbValue): Value | null {
  switch (v.type) {
    case 'string':
      return s(v.value);
    case 'list': {
      if (v.items.length === 0) return null;
      const l = new ListValue(v.items.length);
      for (const it of v.items) l.pushTail(s(it));
      return l as unknown as RedisValue;
    }
    case 'set': {
      if (v.items.length === 0) return null;
      return buildSet(v.items.map(s), setLimits(c)) as unknown as RedisValue;
    }
    case 'hash': {
      if (v.items.length === 0) return null;
      const lim = hashLimits(c);
      const h = new HashValue();
      for (const f of v.items) {
        const field = s(f.field);
        const val = s(f.value);
        if (field.length > lim.maxValue || val.length > lim.maxValue) h.convertToHashtable();
        h.set(field, val, lim);
      }
      return h as unknown as RedisValue;
    }
    case 'zset': {
      if (v.items.length === 0) return null;
      const lim = zsetLimits(c);
      let maxlen = 0;
      for (const m of v.items) maxlen = Math.max(maxlen, m.member.length);
      const z = new ZSetValue(lim, v.items.length, maxlen);
      for (const m of v.items) z.set(s(m.member), m.score, lim);
      return z as unknown as RedisValue;
    }
    case 'stream':
      return streamFromRdb(c, v.items, v.meta) as unknown as RedisValue;
    default:
      return null;
  }
}

function streamFromRdb(c: CommandContext, items: RdbStreamEntry[], meta: StreamMeta): Stream | null {
  const st = new Stream();
  const limits = {
    nodeMaxEntries: configNum(c, 'stream-node-max-entries', 100),
    nodeMaxBytes: configNum(c, 'stream-node-max-bytes', 4096),
  };
  for (const e of items) {
    const fields: string[] = [];
    for (const [f, val] of e.fields) fields.push(s(f), s(val));
    const id = idOf(e.id);
    if (id <= st.lastId && st.length) return null;
    st.append(id, fields, limits);
  }
  if (st.length !== meta.length) return null;
  st.lastId = idOf(meta.lastId);
  if (meta.entriesAdded !== undefined) {
    st.entriesAdded = meta.entriesAdded;
    st.firstId = meta.firstId ? idOf(meta.firstId) : ID_MIN;
    st.maxDeletedEntryId = meta.maxDeletedEntryId ? idOf(meta.maxDeletedEntryId) : ID_MIN;
  } else {
    // RDB_TYPE_STREAM_LISTPACKS (v1, Redis <= 6.2): derive the 7.0 counters like rdbLoad does.
    st.maxDeletedEntryId = ID_MIN;
    st.entriesAdded = st.length;
    st.firstId = st.firstEntry()?.id ?? ID_MIN;
  }
  for (const g of meta.groups) {
    const lastId = idOf(g.lastId);
    const entriesRead = g.entriesRead !== undefined ? g.entriesRead : st.estimateDistanceFromFirstEverEntry(lastId);
    const grp = st.createGroup(s(g.name), lastId, entriesRead);
    if (!grp) return null;
    const nacks = new Map<StreamId, StreamNack>();
    for (const p of g.pending) {
      const nack = { id: idOf(p.id), deliveryTime: p.deliveryTimeMs, deliveryCount: p.deliveryCount } as StreamNack;
      nacks.set(nack.id, nack);
    }
    for (const con of g.consumers) {
      const consumer = grp.createConsumer(s(con.name), con.seenTimeMs);
      for (const pid of con.pending) {
        const nack = nacks.get(idOf(pid));
        if (!nack || nack.consumer) return null;
        nack.consumer = consumer;
        consumer.pel.set(nack);
      }
    }
    for (const nack of nacks.values()) {
      if (!nack.consumer) return null;
      grp.pel.set(nack);
    }
  }
  return st;
}

function configNum(c: CommandContext, name: string, def: number): number {
  try {
    const n = c.server.config.num(name);
    return Number.isFinite(n) ? n : def;
  } catch {
    return def;
  }
}

// ---------------------------------------------------------------------------------------------
// Payload parsing (synchronous)

/** verifyDumpPayload: footer version and CRC64. */
function verifyPayload(p: Buffer): boolean {
  if (p.length < 10) return false;
  const footer = p.length - 10;
  const ver = p.readUInt16LE(footer);
  if (ver > MAX_RDB_VERSION) return false;
  const stored = p.subarray(footer + 2);
  return crc64(p.subarray(0, footer + 2)).bytes().equals(stored);
}

/** The value in a verified payload, or null when it does not parse ("Bad data format"). */
function decodePayload(p: Buffer): RdbValue | null {
  const bodyEnd = p.length - 10;
  if (bodyEnd < 1) return null;
  // Re-frame as a tiny RDB (version 9: no trailing CRC checked) with an empty key name.
  const framed = Buffer.concat([Buffer.from('REDIS0009'), p.subarray(0, 1), Buffer.from([0]), p.subarray(1, bodyEnd), Buffer.from([RDB_OPCODE_EOF]), Buffer.alloc(8)]);
  const parser = new RdbParser({ chunkElements: 1 << 20, ignoreCrc: true });
  const records: RdbRecord[] = [];
  try {
    parser.push(framed);
    parser.end();
    for (let guard = 0; guard < 1_000_000; guard++) {
      const st = parser.step(records, 1 << 20);
      if (st === STEP_DONE || st === STEP_MORE) break;
    }
  } catch {
    return null;
  }
  let value: RdbValue | null = null;
  const items: unknown[] = [];
  let keys = 0;
  let sawEof = false;
  for (const r of records) {
    if (r.kind === 'key') {
      keys++;
      if (r.type === 'module') return null;
      if (r.type === 'string') value = { type: 'string', value: r.value! };
    } else if (r.kind === 'elements') {
      for (const it of r.elements.items) items.push(it);
    } else if (r.kind === 'key-end') {
      if (value === null) {
        const t = r.type;
        if (t === 'stream') {
          if (!r.stream) return null;
          value = { type: 'stream', items: items as RdbStreamEntry[], meta: r.stream };
        } else if (t === 'list' || t === 'set') value = { type: t, items: items as Buffer[] };
        else if (t === 'zset') value = { type: 'zset', items: items as ZsetMember[] };
        else if (t === 'hash') value = { type: 'hash', items: items as HashField[] };
      }
    } else if (r.kind === 'eof') {
      sawEof = r.offset === framed.length - 9;
    }
  }
  if (keys !== 1 || !sawEof) return null;
  return value;
}

// ---------------------------------------------------------------------------------------------
// Commands

function dump(c: CommandContext, argv: string[]): void {
  const v = c.db.lookupRead(argv[1]!);
  if (v === undefined) {
    c.reply.nullBulk();
    return;
  }
  const rv = toRdbValue(v);
  if (!rv) {
    c.reply.error('ERR DUMP is not supported for this value type');
    return;
  }
  const payload = encodeDumpPayload(rv, {
    rdbVersion: DUMP_RDB_VERSION,
    listMaxListpackSize: configNum(c, 'list-max-listpack-size', -2),
    setMaxIntsetEntries: configNum(c, 'set-max-intset-entries', 512),
    zsetMaxListpackEntries: configNum(c, 'zset-max-listpack-entries', 128),
    zsetMaxListpackValue: configNum(c, 'zset-max-listpack-value', 64),
    hashMaxListpackEntries: configNum(c, 'hash-max-listpack-entries', 128),
    hashMaxListpackValue: configNum(c, 'hash-max-listpack-value', 64),
    streamNodeMaxBytes: configNum(c, 'stream-node-max-bytes', 4096),
    streamNodeMaxEntries: configNum(c, 'stream-node-max-entries', 100),
  });
  c.reply.bulk(payload);
}

function restore(c: CommandContext, argv: string[]): void {
  const key = argv[1]!;
  let replace = false;
  let absttl = false;
  let lruIdle = -1;
  let lfuFreq = -1;
  for (let j = 4; j < argv.length; j++) {
    const additional = argv.length - j - 1;
    const o = argv[j]!.toLowerCase();
    if (o === 'replace') replace = true;
    else if (o === 'absttl') absttl = true;
    else if (o === 'idletime' && additional >= 1 && lfuFreq === -1) {
      const v = parseLongLong(argv[j + 1]!);
      if (v === null) {
        c.reply.error('ERR value is not an integer or out of range');
        return;
      }
      if (v < 0n) {
        c.reply.error('ERR Invalid IDLETIME value, must be >= 0');
        return;
      }
      lruIdle = Number(v);
      j++;
    } else if (o === 'freq' && additional >= 1 && lruIdle === -1) {
      const v = parseLongLong(argv[j + 1]!);
      if (v === null) {
        c.reply.error('ERR value is not an integer or out of range');
        return;
      }
      if (v < 0n || v > 255n) {
        c.reply.error('ERR Invalid FREQ value, must be >= 0 and <= 255');
        return;
      }
      lfuFreq = Number(v);
      j++;
    } else {
      c.syntaxError();
      return;
    }
  }
  if (!replace && c.db.lookupWrite(key) !== undefined) {
    c.reply.error('BUSYKEY Target key name already exists.');
    return;
  }
  const ttlV = parseLongLong(argv[2]!);
  if (ttlV === null) {
    c.reply.error('ERR value is not an integer or out of range');
    return;
  }
  if (ttlV < 0n) {
    c.reply.error('ERR Invalid TTL value, must be >= 0');
    return;
  }
  let ttl = Number(ttlV);
  const payload = b(argv[3]!);
  if (!verifyPayload(payload)) {
    c.reply.error('ERR DUMP payload version or checksum are wrong');
    return;
  }
  const rv = decodePayload(payload);
  const obj = rv ? fromRdbValue(c, rv) : null;
  if (!obj) {
    c.reply.error('ERR Bad data format');
    return;
  }
  let deleted = false;
  if (replace) deleted = c.db.delete(key);
  if (ttl && !absttl) ttl += c.now();
  if (ttl && ttl <= c.now()) {
    if (deleted) {
      c.rewriteForPropagation(['del', key]);
      c.signalModified(key);
      c.notify('generic', 'del', key);
    }
    c.reply.ok();
    return;
  }
  // objectSetLRUOrLFU
  let lru: number | undefined;
  if (lfuFreq >= 0 && c.server.lfu) {
    const nowMin = Math.floor(c.now() / 60000) & 0xffff;
    lru = (nowMin << 8) | lfuFreq;
  } else if (lruIdle >= 0 && !c.server.lfu) {
    const now = Math.floor(c.now() / 1000) & 0xffffff;
    lru = now - lruIdle;
    if (lru < 0) lru += 0x1000000;
    if (lru === 0) lru = 0x1000000 - 1;
  }
  c.db.add(key, obj, lru === undefined ? undefined : { lru });
  if (ttl) {
    c.db.setExpire(key, ttl);
    if (!absttl) {
      const prop = argv.slice();
      prop[2] = String(ttl);
      if (!prop.slice(4).some((a) => a.toLowerCase() === 'absttl')) prop.push('ABSTTL');
      c.rewriteForPropagation(prop);
    }
  }
  c.signalModified(key);
  c.notify('generic', 'restore', key);
  c.reply.ok();
}

export const commands = [
  { name: 'dump', arity: 2, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, group: 'generic', since: '2.6.0', handler: dump },
  { name: 'restore', arity: -4, flags: ['write', 'denyoom'], firstKey: 1, lastKey: 1, keyStep: 1, group: 'generic', since: '2.6.0', handler: restore },
] satisfies CommandSpec[];
