/**
 * RDB writer: encodes values the way Redis 7.0 saves them, so redis-server 7.0 loads what we
 * write, plus DUMP/RESTORE payloads.
 *
 *   const w = new RdbWriter();                       // RDB 10, Redis 7.0 aux fields
 *   w.selectDb(0, 2, 1);
 *   w.key(Buffer.from('k'), { type: 'string', value: Buffer.from('v') }, { expireMs: 4102444800000 });
 *   w.key(Buffer.from('l'), { type: 'list', items: [Buffer.from('a')] });
 *   const file = Buffer.concat([w.take(), w.end()]);  // or take() repeatedly to stream
 *
 * Encodings chosen like Redis 7.0 with its default thresholds (options named after the configs):
 * strings as INT8/16/32 when canonical integers, else raw (never LZF); lists as quicklist2
 * listpack nodes (type 18); sets as intset (11) / hashtable (2) (set listpack 20 only for RDB
 * 11+); zsets as listpack (17) / skiplist (5); hashes as listpack (16) / hashtable (4) (with
 * field TTLs: types 25 / 24, RDB 12 only); streams as type 19 (RDB 10) or 21 (RDB 11+).
 *
 * DUMP payload: <type byte><value><RDB version u16le><CRC64 u64le over everything before>.
 */

import {
  QUICKLIST_NODE_CONTAINER_PACKED,
  RDB_OPCODE_AUX,
  RDB_OPCODE_EOF,
  RDB_OPCODE_EXPIRETIME_MS,
  RDB_OPCODE_FREQ,
  RDB_OPCODE_FUNCTION2,
  RDB_OPCODE_IDLE,
  RDB_OPCODE_RESIZEDB,
  RDB_OPCODE_SELECTDB,
  RDB_TYPE_HASH,
  RDB_TYPE_HASH_LISTPACK,
  RDB_TYPE_HASH_LISTPACK_EX,
  RDB_TYPE_HASH_METADATA,
  RDB_TYPE_LIST_QUICKLIST_2,
  RDB_TYPE_SET,
  RDB_TYPE_SET_INTSET,
  RDB_TYPE_SET_LISTPACK,
  RDB_TYPE_STREAM_LISTPACKS_2,
  RDB_TYPE_STREAM_LISTPACKS_3,
  RDB_TYPE_STRING,
  RDB_TYPE_ZSET_2,
  RDB_TYPE_ZSET_LISTPACK,
  RDB_VERSION,
  STREAM_ITEM_FLAG_NONE,
  STREAM_ITEM_FLAG_SAMEFIELDS,
} from './constants.js';
import { Crc64, crc64 } from './crc64.js';
import { readRdbBatches } from './reader.js';
import { RedkitError } from '../errors.js';
import type { HashField, StreamEntry, StreamId, StreamMeta, ZsetMember } from './types.js';

/** An in-memory value: what DUMP/RESTORE and the writer work with. */
export type RdbValue =
  | { type: 'string'; value: Buffer }
  | { type: 'list'; items: Buffer[] }
  | { type: 'set'; items: Buffer[] }
  | { type: 'zset'; items: ZsetMember[] }
  | { type: 'hash'; items: HashField[] }
  | { type: 'stream'; items: StreamEntry[]; meta: StreamMeta };

export interface RdbEncodeOptions {
  /** RDB version to target (decides which types may be used). Default 10 (Redis 7.0). */
  rdbVersion?: number;
  /** list-max-listpack-size: negative = byte limit class (-2 = 8 KB), positive = entries. Default -2. */
  listMaxListpackSize?: number;
  setMaxIntsetEntries?: number;
  /** Redis 7.2+ (RDB 11): small non-integer sets as listpack. Default 128. */
  setMaxListpackEntries?: number;
  setMaxListpackValue?: number;
  zsetMaxListpackEntries?: number;
  zsetMaxListpackValue?: number;
  hashMaxListpackEntries?: number;
  hashMaxListpackValue?: number;
  streamNodeMaxBytes?: number;
  streamNodeMaxEntries?: number;
}

const DEFAULTS: Required<RdbEncodeOptions> = {
  rdbVersion: 10,
  listMaxListpackSize: -2,
  setMaxIntsetEntries: 512,
  setMaxListpackEntries: 128,
  setMaxListpackValue: 64,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
  hashMaxListpackEntries: 128,
  hashMaxListpackValue: 64,
  streamNodeMaxBytes: 4096,
  streamNodeMaxEntries: 100,
};

/** Growable byte sink. */
class Out {
  buf = Buffer.allocUnsafe(4096);
  len = 0;

  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const nb = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(nb, 0, 0, this.len);
    this.buf = nb;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.len));
    this.len = 0;
    return out;
  }
}

/** rdbSaveLen. */
function writeLen(o: Out, n: number | bigint): void {
  if (typeof n === 'bigint' || n > 0xffffffff) {
    const v = BigInt(n);
    o.ensure(9);
    o.buf[o.len++] = 0x81;
    o.buf.writeBigUInt64BE(BigInt.asUintN(64, v), o.len);
    o.len += 8;
  } else if (n < 64) {
    o.byte(n);
  } else if (n < 16384) {
    o.ensure(2);
    o.buf[o.len++] = 0x40 | (n >> 8);
    o.buf[o.len++] = n & 0xff;
  } else {
    o.ensure(5);
    o.buf[o.len++] = 0x80;
    o.buf.writeUInt32BE(n, o.len);
    o.len += 4;
  }
}

/** The value of `b` as an integer when it is the canonical decimal text of an int64, else null. */
export function canonicalInt(b: Buffer): bigint | null {
  const n = b.length;
  if (n === 0 || n > 20) return null;
  let i = 0;
  if (b[0] === 0x2d) {
    if (n === 1) return null;
    i = 1;
  }
  if (b[i] === 0x30 && n > i + 1) return null; // leading zero
  if (b[i] === 0x30 && i === 1) return null; // "-0"
  for (let j = i; j < n; j++) if (b[j]! < 0x30 || b[j]! > 0x39) return null;
  if (n < 16) return BigInt(parseInt(b.toString('latin1'), 10));
  const v = BigInt(b.toString('latin1'));
  if (v < -(1n << 63n) || v > (1n << 63n) - 1n) return null;
  return v;
}

/** rdbSaveRawString with integer encoding (no LZF). */
function writeString(o: Out, b: Buffer): void {
  if (b.length <= 11) {
    const v = canonicalInt(b);
    if (v !== null && v >= -(1n << 31n) && v < 1n << 31n) {
      const n = Number(v);
      if (n >= -128 && n <= 127) {
        o.byte(0xc0);
        o.byte(n & 0xff);
      } else if (n >= -32768 && n <= 32767) {
        o.ensure(3);
        o.buf[o.len++] = 0xc1;
        o.buf.writeInt16LE(n, o.len);
        o.len += 2;
      } else {
        o.ensure(5);
        o.buf[o.len++] = 0xc2;
        o.buf.writeInt32LE(n, o.len);
        o.len += 4;
      }
      return;
    }
  }
  writeLen(o, b.length);
  o.bytes(b);
}

function writeMillis(o: Out, ms: number): void {
  o.ensure(8);
  o.buf.writeBigInt64LE(BigInt(Math.trunc(ms)), o.len);
  o.len += 8;
}

function writeDouble(o: Out, d: number): void {
  o.ensure(8);
  o.buf.writeDoubleLE(d, o.len);
  o.len += 8;
}

/** Listpack builder (listpack.c format). */
export class ListpackBuilder {
  #o = new Out();
  #count = 0;

  constructor() {
    this.#o.ensure(6);
    this.#o.len = 6;
  }

  get count(): number {
    return this.#count;
  }

  /** Bytes the finished listpack would take. */
  get bytes(): number {
    return this.#o.len + 1;
  }

  #backlen(l: number): void {
    const o = this.#o;
    if (l <= 127) o.byte(l);
    else if (l < 16383) {
      o.byte(l >> 7);
      o.byte((l & 127) | 128);
    } else if (l < 2097151) {
      o.byte(l >> 14);
      o.byte(((l >> 7) & 127) | 128);
      o.byte((l & 127) | 128);
    } else if (l < 268435455) {
      o.byte(l >> 21);
      o.byte(((l >> 14) & 127) | 128);
      o.byte(((l >> 7) & 127) | 128);
      o.byte((l & 127) | 128);
    } else {
      o.byte(Math.floor(l / 2 ** 28));
      o.byte(((l >> 21) & 127) | 128);
      o.byte(((l >> 14) & 127) | 128);
      o.byte(((l >> 7) & 127) | 128);
      o.byte((l & 127) | 128);
    }
  }

  int(v: number | bigint): this {
    const o = this.#o;
    this.#count++;
    if (typeof v === 'bigint') {
      if (v >= -(2n ** 53n) && v <= 2n ** 53n) return this.#intNum(Number(v));
      o.ensure(9);
      o.buf[o.len++] = 0xf4;
      o.buf.writeBigInt64LE(v, o.len);
      o.len += 8;
      this.#backlen(9);
      return this;
    }
    return this.#intNum(v);
  }

  #intNum(n: number): this {
    const o = this.#o;
    if (n >= 0 && n <= 127) {
      o.byte(n);
      this.#backlen(1);
    } else if (n >= -4096 && n <= 4095) {
      const x = n & 0x1fff;
      o.byte(0xc0 | (x >> 8));
      o.byte(x & 0xff);
      this.#backlen(2);
    } else if (n >= -32768 && n <= 32767) {
      o.ensure(3);
      o.buf[o.len++] = 0xf1;
      o.buf.writeInt16LE(n, o.len);
      o.len += 2;
      this.#backlen(3);
    } else if (n >= -8388608 && n <= 8388607) {
      const x = n & 0xffffff;
      o.byte(0xf2);
      o.byte(x & 0xff);
      o.byte((x >> 8) & 0xff);
      o.byte((x >> 16) & 0xff);
      this.#backlen(4);
    } else if (n >= -2147483648 && n <= 2147483647) {
      o.ensure(5);
      o.buf[o.len++] = 0xf3;
      o.buf.writeInt32LE(n, o.len);
      o.len += 4;
      this.#backlen(5);
    } else {
      o.ensure(9);
      o.buf[o.len++] = 0xf4;
      o.buf.writeBigInt64LE(BigInt(n), o.len);
      o.len += 8;
      this.#backlen(9);
    }
    return this;
  }

  /** Appends an element; canonical integers are stored as integers, like lpAppend does. */
  entry(b: Buffer): this {
    const v = b.length <= 20 ? canonicalInt(b) : null;
    if (v !== null) return this.int(v);
    return this.str(b);
  }

  str(b: Buffer): this {
    const o = this.#o;
    this.#count++;
    const n = b.length;
    let hdr: number;
    if (n < 64) {
      o.byte(0x80 | n);
      hdr = 1;
    } else if (n < 4096) {
      o.byte(0xe0 | (n >> 8));
      o.byte(n & 0xff);
      hdr = 2;
    } else {
      o.ensure(5);
      o.buf[o.len++] = 0xf0;
      o.buf.writeUInt32LE(n, o.len);
      o.len += 4;
      hdr = 5;
    }
    o.bytes(b);
    this.#backlen(hdr + n);
    return this;
  }

  finish(): Buffer {
    const o = this.#o;
    o.byte(0xff);
    o.buf.writeUInt32LE(o.len, 0);
    o.buf.writeUInt16LE(Math.min(this.#count, 65535), 4);
    return Buffer.from(o.buf.subarray(0, o.len));
  }
}

/** zset score as Redis's d2string would store it in a listpack ("inf", integers as integers). */
function scoreEntry(lp: ListpackBuilder, score: number): void {
  if (Number.isInteger(score) && Math.abs(score) < 2 ** 53 && !Object.is(score, -0)) lp.int(score);
  else if (score === Infinity) lp.str(Buffer.from('inf'));
  else if (score === -Infinity) lp.str(Buffer.from('-inf'));
  else lp.str(Buffer.from(Object.is(score, -0) ? '-0' : String(score)));
}

const cmpId = (a: StreamId, b: StreamId): number => (a.ms === b.ms ? (a.seq === b.seq ? 0 : a.seq < b.seq ? -1 : 1) : a.ms < b.ms ? -1 : 1);

function rawId(o: Out, id: StreamId): void {
  o.ensure(16);
  o.buf.writeBigUInt64BE(id.ms, o.len);
  o.buf.writeBigUInt64BE(id.seq, o.len + 8);
  o.len += 16;
}

function writeStreamId(o: Out, id: StreamId): void {
  writeLen(o, id.ms);
  writeLen(o, id.seq);
}

/** Picks the RDB type for a value under the options (what Redis 7.0 would use). */
export function chooseRdbType(v: RdbValue, opts: RdbEncodeOptions = {}): number {
  const c = { ...DEFAULTS, ...opts };
  switch (v.type) {
    case 'string':
      return RDB_TYPE_STRING;
    case 'list':
      return RDB_TYPE_LIST_QUICKLIST_2;
    case 'set': {
      if (v.items.length > 0 && v.items.length <= c.setMaxIntsetEntries && v.items.every((b) => canonicalInt(b) !== null)) return RDB_TYPE_SET_INTSET;
      if (c.rdbVersion >= 11 && v.items.length <= c.setMaxListpackEntries && v.items.every((b) => b.length <= c.setMaxListpackValue)) return RDB_TYPE_SET_LISTPACK;
      return RDB_TYPE_SET;
    }
    case 'zset':
      return v.items.length <= c.zsetMaxListpackEntries && v.items.every((z) => z.member.length <= c.zsetMaxListpackValue) ? RDB_TYPE_ZSET_LISTPACK : RDB_TYPE_ZSET_2;
    case 'hash': {
      const ttl = v.items.some((h) => h.expireMs !== undefined);
      const small = v.items.length <= c.hashMaxListpackEntries && v.items.every((h) => h.field.length <= c.hashMaxListpackValue && h.value.length <= c.hashMaxListpackValue);
      if (ttl) {
        if (c.rdbVersion < 12) throw new RedkitError('REDKIT_E_RDB_VERSION', `hash field TTLs need RDB 12 (Redis 7.4), not ${c.rdbVersion}`);
        return small ? RDB_TYPE_HASH_LISTPACK_EX : RDB_TYPE_HASH_METADATA;
      }
      return small ? RDB_TYPE_HASH_LISTPACK : RDB_TYPE_HASH;
    }
    case 'stream':
      return c.rdbVersion >= 11 ? RDB_TYPE_STREAM_LISTPACKS_3 : RDB_TYPE_STREAM_LISTPACKS_2;
  }
}

/** Writes a value body (after the type byte and key). */
function writeValue(o: Out, v: RdbValue, rdbType: number, c: Required<RdbEncodeOptions>): void {
  switch (v.type) {
    case 'string':
      writeString(o, v.value);
      return;
    case 'list': {
      // quicklist2: nodes of PACKED listpacks, each within list-max-listpack-size.
      const maxBytes = c.listMaxListpackSize < 0 ? 4096 * 2 ** Math.min(4, -c.listMaxListpackSize - 1) : Infinity;
      const maxEntries = c.listMaxListpackSize > 0 ? c.listMaxListpackSize : Infinity;
      const nodes: Buffer[] = [];
      let lp = new ListpackBuilder();
      for (const item of v.items) {
        if (lp.count > 0 && (lp.count >= maxEntries || lp.bytes + item.length + 11 > maxBytes)) {
          nodes.push(lp.finish());
          lp = new ListpackBuilder();
        }
        lp.entry(item);
      }
      if (lp.count > 0) nodes.push(lp.finish());
      writeLen(o, nodes.length);
      for (const n of nodes) {
        writeLen(o, QUICKLIST_NODE_CONTAINER_PACKED);
        writeLen(o, n.length);
        o.bytes(n);
      }
      return;
    }
    case 'set': {
      if (rdbType === RDB_TYPE_SET_INTSET) {
        const ints = v.items.map((b) => canonicalInt(b)!).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        const uniq = ints.filter((x, i) => i === 0 || x !== ints[i - 1]);
        const max = uniq.reduce((m, x) => (x < 0n ? (-x - 1n > m ? -x - 1n : m) : x > m ? x : m), 0n);
        const width = max < 1n << 15n ? 2 : max < 1n << 31n ? 4 : 8;
        const blob = Buffer.alloc(8 + uniq.length * width);
        blob.writeUInt32LE(width, 0);
        blob.writeUInt32LE(uniq.length, 4);
        uniq.forEach((x, i) => {
          const p = 8 + i * width;
          if (width === 2) blob.writeInt16LE(Number(x), p);
          else if (width === 4) blob.writeInt32LE(Number(x), p);
          else blob.writeBigInt64LE(x, p);
        });
        writeLen(o, blob.length);
        o.bytes(blob);
        return;
      }
      if (rdbType === RDB_TYPE_SET_LISTPACK) {
        const lp = new ListpackBuilder();
        for (const m of v.items) lp.entry(m);
        const blob = lp.finish();
        writeLen(o, blob.length);
        o.bytes(blob);
        return;
      }
      writeLen(o, v.items.length);
      for (const m of v.items) writeString(o, m);
      return;
    }
    case 'zset': {
      const sorted = [...v.items].sort((a, b) => (a.score === b.score ? Buffer.compare(a.member, b.member) : a.score < b.score ? -1 : 1));
      if (rdbType === RDB_TYPE_ZSET_LISTPACK) {
        const lp = new ListpackBuilder();
        for (const z of sorted) {
          lp.entry(z.member);
          scoreEntry(lp, z.score);
        }
        const blob = lp.finish();
        writeLen(o, blob.length);
        o.bytes(blob);
        return;
      }
      // Redis saves skiplists from the tail so that loading inserts at the head.
      writeLen(o, sorted.length);
      for (let i = sorted.length - 1; i >= 0; i--) {
        writeString(o, sorted[i]!.member);
        writeDouble(o, sorted[i]!.score);
      }
      return;
    }
    case 'hash': {
      if (rdbType === RDB_TYPE_HASH_LISTPACK || rdbType === RDB_TYPE_HASH_LISTPACK_EX) {
        const ex = rdbType === RDB_TYPE_HASH_LISTPACK_EX;
        if (ex) {
          const ttls = v.items.filter((h) => h.expireMs !== undefined).map((h) => h.expireMs!);
          writeMillis(o, ttls.length ? Math.min(...ttls) : 0);
        }
        const lp = new ListpackBuilder();
        for (const h of v.items) {
          lp.entry(h.field);
          lp.entry(h.value);
          if (ex) lp.int(h.expireMs ?? 0);
        }
        const blob = lp.finish();
        writeLen(o, blob.length);
        o.bytes(blob);
        return;
      }
      if (rdbType === RDB_TYPE_HASH_METADATA) {
        const ttls = v.items.filter((h) => h.expireMs !== undefined).map((h) => h.expireMs!);
        const min = Math.min(...ttls);
        writeMillis(o, min);
        writeLen(o, v.items.length);
        for (const h of v.items) {
          writeLen(o, h.expireMs === undefined ? 0 : h.expireMs - min + 1);
          writeString(o, h.field);
          writeString(o, h.value);
        }
        return;
      }
      writeLen(o, v.items.length);
      for (const h of v.items) {
        writeString(o, h.field);
        writeString(o, h.value);
      }
      return;
    }
    case 'stream':
      writeStream(o, v.items, v.meta, rdbType, c);
      return;
  }
}

function writeStream(o: Out, entries: StreamEntry[], meta: StreamMeta, rdbType: number, c: Required<RdbEncodeOptions>): void {
  // Nodes: up to stream-node-max-entries entries / stream-node-max-bytes bytes each.
  const nodes: Array<{ master: StreamId; lp: Buffer }> = [];
  let i = 0;
  while (i < entries.length) {
    const master = entries[i]!.id;
    const masterFields = entries[i]!.fields.map(([f]) => f);
    const group: StreamEntry[] = [];
    let bytes = 0;
    while (i < entries.length && group.length < c.streamNodeMaxEntries && (group.length === 0 || bytes < c.streamNodeMaxBytes)) {
      const e = entries[i]!;
      group.push(e);
      for (const [f, v] of e.fields) bytes += f.length + v.length + 4;
      i++;
    }
    const lp = new ListpackBuilder();
    lp.int(group.length).int(0).int(masterFields.length);
    for (const f of masterFields) lp.entry(f);
    lp.int(0);
    for (const e of group) {
      const same = e.fields.length === masterFields.length && e.fields.every(([f], k) => f.equals(masterFields[k]!));
      lp.int(same ? STREAM_ITEM_FLAG_SAMEFIELDS : STREAM_ITEM_FLAG_NONE);
      lp.int(e.id.ms - master.ms);
      lp.int(e.id.seq - master.seq);
      if (same) {
        for (const [, v] of e.fields) lp.entry(v);
        lp.int(e.fields.length + 3);
      } else {
        lp.int(e.fields.length);
        for (const [f, v] of e.fields) {
          lp.entry(f);
          lp.entry(v);
        }
        lp.int(e.fields.length * 2 + 4);
      }
    }
    nodes.push({ master, lp: lp.finish() });
  }
  writeLen(o, nodes.length);
  for (const n of nodes) {
    writeLen(o, 16);
    rawId(o, n.master);
    writeLen(o, n.lp.length);
    o.bytes(n.lp);
  }
  writeLen(o, meta.length);
  writeStreamId(o, meta.lastId);
  const zero: StreamId = { ms: 0n, seq: 0n };
  writeStreamId(o, meta.firstId ?? (entries[0]?.id ?? zero));
  writeStreamId(o, meta.maxDeletedEntryId ?? zero);
  writeLen(o, meta.entriesAdded ?? meta.length);
  writeLen(o, meta.groups.length);
  for (const g of meta.groups) {
    writeString(o, g.name);
    writeStreamId(o, g.lastId);
    writeLen(o, g.entriesRead === undefined || g.entriesRead < 0 ? (1n << 64n) - 1n : g.entriesRead);
    const pel = [...g.pending].sort((a, b) => cmpId(a.id, b.id));
    writeLen(o, pel.length);
    for (const p of pel) {
      rawId(o, p.id);
      writeMillis(o, p.deliveryTimeMs);
      writeLen(o, p.deliveryCount);
    }
    writeLen(o, g.consumers.length);
    for (const cons of g.consumers) {
      writeString(o, cons.name);
      writeMillis(o, cons.seenTimeMs);
      if (rdbType >= RDB_TYPE_STREAM_LISTPACKS_3) writeMillis(o, cons.activeTimeMs ?? cons.seenTimeMs);
      const ids = [...cons.pending].sort(cmpId);
      writeLen(o, ids.length);
      for (const id of ids) rawId(o, id);
    }
  }
}

export interface RdbWriterOptions extends RdbEncodeOptions {
  /** AUX fields after the header. Default: redis-ver 7.0.15, redis-bits 64, ctime (from `now`), used-mem 0, aof-base 0. */
  aux?: Array<[string | Buffer, string | Buffer]>;
  /** Clock for the default ctime AUX field. Default Date.now. */
  now?: () => number;
}

/**
 * Streaming dump writer: call `selectDb`, `key`, `function`..., drain bytes with `take()`
 * as you go, and finish with `end()` (EOF opcode + CRC64). The checksum covers all bytes.
 */
export class RdbWriter {
  readonly #o = new Out();
  readonly #crc = new Crc64();
  readonly #c: Required<RdbEncodeOptions>;
  #ended = false;

  constructor(opts: RdbWriterOptions = {}) {
    this.#c = { ...DEFAULTS, ...opts };
    const v = this.#c.rdbVersion;
    if (v < 1 || v > RDB_VERSION) throw new RedkitError('REDKIT_E_RDB_VERSION', `cannot write RDB version ${v}`);
    this.#o.bytes(Buffer.from(`REDIS${String(v).padStart(4, '0')}`, 'latin1'));
    const now = (opts.now ?? Date.now)();
    const aux = opts.aux ?? [
      ['redis-ver', '7.0.15'],
      ['redis-bits', '64'],
      ['ctime', String(Math.floor(now / 1000))],
      ['used-mem', '0'],
      ['aof-base', '0'],
    ];
    for (const [k, val] of aux) this.aux(k, val);
  }

  aux(key: string | Buffer, value: string | Buffer): this {
    this.#o.byte(RDB_OPCODE_AUX);
    writeString(this.#o, typeof key === 'string' ? Buffer.from(key) : key);
    writeString(this.#o, typeof value === 'string' ? Buffer.from(value) : value);
    return this;
  }

  /** SELECTDB, plus RESIZEDB when sizes are given. */
  selectDb(db: number, dbSize?: number, expiresSize?: number): this {
    this.#o.byte(RDB_OPCODE_SELECTDB);
    writeLen(this.#o, db);
    if (dbSize !== undefined) {
      this.#o.byte(RDB_OPCODE_RESIZEDB);
      writeLen(this.#o, dbSize);
      writeLen(this.#o, expiresSize ?? 0);
    }
    return this;
  }

  /** FUNCTION2: one library's source code (RDB 10+). */
  function(code: Buffer | string): this {
    this.#o.byte(RDB_OPCODE_FUNCTION2);
    writeString(this.#o, typeof code === 'string' ? Buffer.from(code) : code);
    return this;
  }

  key(key: Buffer, value: RdbValue, opts: { expireMs?: number | null; idle?: number; freq?: number } = {}): this {
    const o = this.#o;
    if (opts.expireMs !== undefined && opts.expireMs !== null) {
      o.byte(RDB_OPCODE_EXPIRETIME_MS);
      writeMillis(o, opts.expireMs);
    }
    if (opts.idle !== undefined) {
      o.byte(RDB_OPCODE_IDLE);
      writeLen(o, opts.idle);
    }
    if (opts.freq !== undefined) {
      o.byte(RDB_OPCODE_FREQ);
      o.byte(opts.freq & 0xff);
    }
    const t = chooseRdbType(value, this.#c);
    o.byte(t);
    writeString(o, key);
    writeValue(o, value, t, this.#c);
    return this;
  }

  /** Bytes produced since the last take() (the checksum is updated as they leave). */
  take(): Buffer {
    const b = this.#o.take();
    this.#crc.update(b);
    return b;
  }

  /** EOF opcode and checksum: the last bytes of the file. */
  end(): Buffer {
    if (this.#ended) throw new Error('RdbWriter.end() called twice');
    this.#ended = true;
    this.#o.byte(RDB_OPCODE_EOF);
    const b = this.#o.take();
    this.#crc.update(b);
    return Buffer.concat([b, this.#crc.bytes()]);
  }
}

/** DUMP payload of a value (what `DUMP key` returns): value + RDB version (u16le) + CRC64 (le). */
export function encodeDumpPayload(value: RdbValue, opts: RdbEncodeOptions = {}): Buffer {
  const c = { ...DEFAULTS, ...opts };
  const o = new Out();
  const t = chooseRdbType(value, c);
  o.byte(t);
  writeValue(o, value, t, c);
  o.ensure(2);
  o.buf.writeUInt16LE(c.rdbVersion, o.len);
  o.len += 2;
  const body = o.take();
  return Buffer.concat([body, crc64(body).bytes()]);
}

export interface DecodedDump {
  value: RdbValue;
  rdbType: number;
  rdbVersion: number;
}

/**
 * Parses a DUMP payload (RESTORE's input): checks the footer (version <= 12, CRC64 unless it
 * is zero) and decodes the value with the streaming reader. Throws RedkitError
 * (REDKIT_E_RDB_CORRUPT / _BAD_CRC / _VERSION) for bad payloads; the server maps these to
 * "ERR DUMP payload version or checksum are wrong" / "Bad data format".
 */
export async function decodeDumpPayload(payload: Buffer): Promise<DecodedDump> {
  if (payload.length < 11) throw new RedkitError('REDKIT_E_RDB_CORRUPT', 'DUMP payload is too short', { offset: 0 });
  const bodyEnd = payload.length - 10;
  const version = payload.readUInt16LE(bodyEnd);
  if (version > RDB_VERSION) throw new RedkitError('REDKIT_E_RDB_VERSION', `DUMP payload RDB version ${version} is not supported`, { offset: bodyEnd });
  const stored = payload.subarray(bodyEnd + 2);
  if (!stored.equals(Buffer.alloc(8))) {
    const computed = crc64(payload.subarray(0, bodyEnd + 2)).bytes();
    if (!computed.equals(stored)) throw new RedkitError('REDKIT_E_RDB_BAD_CRC', 'DUMP payload checksum mismatch', { offset: bodyEnd + 2 });
  }
  const rdbType = payload[0]!;
  // Re-frame as a tiny RDB (version 4: no trailing CRC) with an empty key name.
  const framed = Buffer.concat([Buffer.from('REDIS0004'), payload.subarray(0, 1), Buffer.from([0]), payload.subarray(1, bodyEnd), Buffer.from([RDB_OPCODE_EOF])]);
  async function* src(): AsyncGenerator<Buffer> {
    yield framed;
  }
  let value: RdbValue | null = null;
  const items: unknown[] = [];
  let meta: StreamMeta | undefined;
  let eofAt = -1;
  let keys = 0;
  try {
    for await (const batch of readRdbBatches(src(), { chunkElements: 4096 })) {
      for (const r of batch) {
        if (r.kind === 'key') {
          keys++;
          if (r.type === 'module') throw new RedkitError('REDKIT_E_RDB_UNKNOWN_TYPE', 'DUMP payload holds a module value', { offset: 0 });
          if (r.type === 'string') value = { type: 'string', value: r.value! };
        } else if (r.kind === 'elements') items.push(...r.elements.items);
        else if (r.kind === 'key-end') {
          if (r.stream) meta = r.stream;
          if (value === null) {
            const t = r.type;
            if (t === 'stream') value = { type: 'stream', items: items as StreamEntry[], meta: meta! };
            else if (t === 'list' || t === 'set') value = { type: t, items: items as Buffer[] };
            else if (t === 'zset') value = { type: 'zset', items: items as ZsetMember[] };
            else if (t === 'hash') value = { type: 'hash', items: items as HashField[] };
          }
        } else if (r.kind === 'eof') eofAt = r.offset;
      }
    }
  } catch (err) {
    if (err instanceof RedkitError) {
      // Offsets into the framed buffer: shift back to payload offsets.
      throw new RedkitError(err.code, err.message, { offset: err.offset === undefined ? undefined : Math.max(0, err.offset - 10), cause: err });
    }
    throw err;
  }
  if (keys !== 1 || value === null || eofAt !== framed.length - 1) {
    throw new RedkitError('REDKIT_E_RDB_CORRUPT', 'DUMP payload value does not end where the footer starts', { offset: 0 });
  }
  return { value, rdbType, rdbVersion: version };
}
