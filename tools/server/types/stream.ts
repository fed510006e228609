/**
 * The stream value type, modelled on Redis's t_stream.c: entries live in append-only nodes
 * (Redis: listpacks under a radix tree keyed by the node's master ID). A node is closed when it
 * holds `stream-node-max-entries` entries (live + deleted) or its listpack would reach
 * `stream-node-max-bytes`; XDEL only flags an entry as deleted and drops the node when its last
 * live entry goes. Approximate trimming (`~`) removes whole nodes only, so modelling nodes is what
 * makes `XADD MAXLEN ~ 555` leave exactly the 600 entries Redis leaves.
 *
 * Consumer groups keep a last-delivered ID, the 7.0 entries-read counter, a group PEL and
 * per-consumer PELs (NACKs shared between the two, as in Redis).
 */
import type { StreamId } from './stream-id.js';
import { ID_MAX, ID_MIN, U64_MAX, idMs, makeId } from './stream-id.js';

export interface StreamEntry {
  id: StreamId;
  /** field, value, field, value … (latin1 byte strings). */
  fields: string[];
  deleted: boolean;
}

/** Entry flags (Redis's STREAM_ITEM_FLAG_*). */
const FLAG_DELETED = 1;
const FLAG_SAMEFIELDS = 2;

/**
 * A node (Redis: one listpack in the radix tree). Entries are stored column-wise to keep the
 * per-entry cost small: IDs in a BigUint64Array (ms, seq pairs), flags in a Uint8Array, and the
 * strings in one flat array; an entry whose field names equal the node's master fields stores
 * only its values (Redis's SAMEFIELDS compression).
 */
export class StreamNode {
  readonly masterId: StreamId;
  readonly masterFields: string[];
  /** Entries in the node, deleted ones included. */
  count = 0;
  live = 0;
  /** Approximate listpack size in bytes (for stream-node-max-bytes). */
  bytes = 0;
  #ids: BigUint64Array;
  #flags: Uint8Array;
  #off: Uint32Array;
  /** Open node: the strings. A sealed node (no more appends) keeps them as one string. */
  #vals: string[] = [];
  #blob = '';
  #blobOff: Uint32Array | null = null;

  constructor(masterId: StreamId, masterFields: string[], capacity: number) {
    this.masterId = masterId;
    this.masterFields = masterFields;
    const cap = Math.max(1, Math.min(capacity, 128));
    this.#ids = new BigUint64Array(cap * 2);
    this.#flags = new Uint8Array(cap);
    this.#off = new Uint32Array(cap + 1);
  }

  #grow(): void {
    const cap = this.#flags.length * 2;
    const ids = new BigUint64Array(cap * 2);
    ids.set(this.#ids);
    this.#ids = ids;
    const flags = new Uint8Array(cap);
    flags.set(this.#flags);
    this.#flags = flags;
    const off = new Uint32Array(cap + 1);
    off.set(this.#off);
    this.#off = off;
  }

  push(id: StreamId, argv: readonly string[], from: number): void {
    if (this.count === this.#flags.length) this.#grow();
    const i = this.count;
    this.#ids[i * 2] = id >> 64n;
    this.#ids[i * 2 + 1] = id & U64_MAX;
    const n = argv.length - from;
    const mf = this.masterFields;
    let same = n === mf.length * 2;
    if (same) {
      for (let k = 0; k < mf.length; k++) {
        if (argv[from + k * 2] !== mf[k]) {
          same = false;
          break;
        }
      }
    }
    if (this.#blobOff) this.#unseal();
    const vals = this.#vals;
    if (same) {
      for (let k = from + 1; k < argv.length; k += 2) vals.push(argv[k]!);
      this.#flags[i] = FLAG_SAMEFIELDS;
    } else {
      for (let k = from; k < argv.length; k++) vals.push(argv[k]!);
      this.#flags[i] = 0;
    }
    this.#off[i + 1] = vals.length;
    this.count++;
    this.live++;
  }

  /**
   * Called when the node is closed for appends: its strings become one flat string plus
   * offsets, which costs ~4 bytes per string instead of a heap object each.
   */
  seal(): void {
    if (this.#blobOff) return;
    const vals = this.#vals;
    const off = new Uint32Array(vals.length + 1);
    let n = 0;
    for (let k = 0; k < vals.length; k++) {
      n += vals[k]!.length;
      off[k + 1] = n;
    }
    // Join and flatten (a cons string would keep the pieces alive).
    const joined = vals.join('');
    this.#blob = joined.length ? Buffer.from(joined, 'latin1').latin1Slice(0, joined.length) : '';
    this.#blobOff = off;
    this.#vals = [];
  }

  /** Appending to a sealed node (the later node emptied by XDEL, or limits raised by CONFIG SET). */
  #unseal(): void {
    const bo = this.#blobOff!;
    const vals: string[] = [];
    for (let k = 0; k + 1 < bo.length; k++) vals.push(this.#blob.substring(bo[k]!, bo[k + 1]!));
    this.#vals = vals;
    this.#blob = '';
    this.#blobOff = null;
  }

  #val(k: number): string {
    const bo = this.#blobOff;
    return bo ? this.#blob.substring(bo[k]!, bo[k + 1]!) : this.#vals[k]!;
  }

  idAt(i: number): StreamId {
    return (this.#ids[i * 2]! << 64n) | this.#ids[i * 2 + 1]!;
  }

  deletedAt(i: number): boolean {
    return (this.#flags[i]! & FLAG_DELETED) !== 0;
  }

  /** Marks entry i deleted; false when it already was. */
  markDeleted(i: number): boolean {
    if (this.#flags[i]! & FLAG_DELETED) return false;
    this.#flags[i] = this.#flags[i]! | FLAG_DELETED;
    this.live--;
    return true;
  }

  fieldsAt(i: number): string[] {
    const a = this.#off[i]!;
    const b = this.#off[i + 1]!;
    if (this.#flags[i]! & FLAG_SAMEFIELDS) {
      const mf = this.masterFields;
      const out = new Array<string>(mf.length * 2);
      for (let k = 0; k < mf.length; k++) {
        out[k * 2] = mf[k]!;
        out[k * 2 + 1] = this.#val(a + k);
      }
      return out;
    }
    const out = new Array<string>(b - a);
    for (let k = a; k < b; k++) out[k - a] = this.#val(k);
    return out;
  }

  entryAt(i: number): StreamEntry {
    return { id: this.idAt(i), fields: this.fieldsAt(i), deleted: this.deletedAt(i) };
  }

  /** First index whose ID is >= id. */
  lowerBound(id: StreamId): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.idAt(mid) < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get lastIdInNode(): StreamId {
    return this.idAt(this.count - 1);
  }

  clone(): StreamNode {
    const n = new StreamNode(this.masterId, this.masterFields.slice(), 1);
    n.count = this.count;
    n.live = this.live;
    n.bytes = this.bytes;
    n.#ids = this.#ids.slice();
    n.#flags = this.#flags.slice();
    n.#off = this.#off.slice();
    n.#vals = this.#vals.slice();
    n.#blob = this.#blob;
    n.#blobOff = this.#blobOff ? this.#blobOff.slice() : null;
    return n;
  }

  /** Rough heap footprint of this node. */
  heapBytes(): number {
    let n = 96 + this.#flags.length * 21;
    if (this.#blobOff) return n + this.#blobOff.length * 4 + this.#blob.length;
    n += this.#vals.length * 8;
    for (const v of this.#vals) n += 16 + v.length;
    return n;
  }
}

export interface StreamNack {
  id: StreamId;
  deliveryTime: number;
  deliveryCount: number;
  consumer: StreamConsumer;
}

/** A PEL: NACKs ordered by ID, with O(1) lookup. */
export class Pel {
  readonly #map = new Map<StreamId, StreamNack>();
  #sorted: StreamId[] = [];
  #dirty = false;

  get size(): number {
    return this.#map.size;
  }
  get(id: StreamId): StreamNack | undefined {
    return this.#map.get(id);
  }
  has(id: StreamId): boolean {
    return this.#map.has(id);
  }
  set(nack: StreamNack): void {
    if (!this.#map.has(nack.id)) {
      const last = this.#sorted[this.#sorted.length - 1];
      if (!this.#dirty && (last === undefined || nack.id > last)) this.#sorted.push(nack.id);
      else {
        this.#sorted.push(nack.id);
        this.#dirty = true;
      }
    }
    this.#map.set(nack.id, nack);
  }
  delete(id: StreamId): boolean {
    if (!this.#map.delete(id)) return false;
    this.#dirty = true;
    return true;
  }
  #ids(): StreamId[] {
    if (this.#dirty) {
      this.#sorted = [...this.#map.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      this.#dirty = false;
    }
    return this.#sorted;
  }
  /** NACKs with start <= id <= end in ID order (reverse when rev). */
  *range(start: StreamId = ID_MIN, end: StreamId = ID_MAX, rev = false): IterableIterator<StreamNack> {
    const ids = this.#ids().slice();
    if (!rev) {
      let i = lowerBound(ids, start);
      for (; i < ids.length && ids[i]! <= end; i++) {
        const n = this.#map.get(ids[i]!);
        if (n) yield n;
      }
    } else {
      let i = lowerBound(ids, end + 1n) - 1;
      for (; i >= 0 && ids[i]! >= start; i--) {
        const n = this.#map.get(ids[i]!);
        if (n) yield n;
      }
    }
  }
  first(): StreamNack | undefined {
    for (const n of this.range()) return n;
    return undefined;
  }
  last(): StreamNack | undefined {
    for (const n of this.range(ID_MIN, ID_MAX, true)) return n;
    return undefined;
  }
}

function lowerBound(ids: StreamId[], x: StreamId): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ids[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface StreamConsumer {
  name: string;
  seenTime: number;
  pel: Pel;
}

/** Redis's SCG_INVALID_ENTRIES_READ. */
export const INVALID_ENTRIES_READ = -1;

export class StreamGroup {
  readonly name: string;
  lastId: StreamId;
  entriesRead: number;
  readonly pel = new Pel();
  readonly consumers = new Map<string, StreamConsumer>();

  constructor(name: string, lastId: StreamId, entriesRead: number) {
    this.name = name;
    this.lastId = lastId;
    this.entriesRead = entriesRead;
  }

  createConsumer(name: string, now: number): StreamConsumer {
    const c: StreamConsumer = { name, seenTime: now, pel: new Pel() };
    this.consumers.set(name, c);
    return c;
  }

  /** Deletes a consumer and its pending entries (from the group PEL too); returns how many. */
  deleteConsumer(name: string): number {
    const c = this.consumers.get(name);
    if (!c) return 0;
    const pending = c.pel.size;
    for (const n of c.pel.range()) this.pel.delete(n.id);
    this.consumers.delete(name);
    return pending;
  }

  sortedConsumers(): StreamConsumer[] {
    return [...this.consumers.values()].sort((a, b) => cmpBytes(a.name, b.name));
  }
}

export function cmpBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface StreamLimits {
  nodeMaxEntries: number;
  nodeMaxBytes: number;
}

export type TrimStrategy =
  | { kind: 'maxlen'; maxlen: number; approx: boolean; limit: number }
  | { kind: 'minid'; minid: StreamId; approx: boolean; limit: number };

/** Redis's STREAM_LISTPACK_MAX_SIZE (1 GiB). */
const STREAM_LISTPACK_MAX_SIZE = 1 << 30;

export class Stream {
  readonly type = 'stream' as const;
  readonly nodes: StreamNode[] = [];
  length = 0;
  lastId: StreamId = ID_MIN;
  /** Recorded first entry ID (0-0 when empty). */
  firstId: StreamId = ID_MIN;
  maxDeletedEntryId: StreamId = ID_MIN;
  entriesAdded = 0;
  readonly groups = new Map<string, StreamGroup>();
  /** LRU/LFU field maintained by the keyspace. */
  lru = 0;

  encoding(): string {
    return 'stream';
  }

  /** Deep copy (COPY): same node layout, groups, consumers and shared NACKs. */
  clone(): Stream {
    const s = new Stream();
    for (const n of this.nodes) s.nodes.push(n.clone());
    s.length = this.length;
    s.lastId = this.lastId;
    s.firstId = this.firstId;
    s.maxDeletedEntryId = this.maxDeletedEntryId;
    s.entriesAdded = this.entriesAdded;
    for (const g of this.groups.values()) {
      const ng = s.createGroup(g.name, g.lastId, g.entriesRead)!;
      const map = new Map<StreamConsumer, StreamConsumer>();
      for (const con of g.consumers.values()) map.set(con, ng.createConsumer(con.name, con.seenTime));
      for (const n of g.pel.range()) {
        const nn: StreamNack = { id: n.id, deliveryTime: n.deliveryTime, deliveryCount: n.deliveryCount, consumer: map.get(n.consumer)! };
        ng.pel.set(nn);
        nn.consumer.pel.set(nn);
      }
    }
    return s;
  }

  memoryUsage(): number {
    let bytes = 64;
    for (const n of this.nodes) bytes += n.heapBytes();
    for (const g of this.groups.values()) bytes += 64 + g.name.length + g.pel.size * 48 + g.consumers.size * 64;
    return bytes;
  }

  /** The ID XADD * would generate now (streamNextID). */
  nextId(nowMs: number): StreamId | null {
    const ms = BigInt(Math.max(0, Math.floor(nowMs)));
    const lastMs = idMs(this.lastId);
    if (lastMs < ms) return makeId(ms, 0n);
    return this.lastId === ID_MAX ? null : this.lastId + 1n;
  }

  /**
   * Appends an entry with the given ID (already validated > lastId by the caller).
   * Returns false when the fields are too big for a node (ERANGE in Redis).
   */
  append(id: StreamId, fields: readonly string[], limits: StreamLimits, from = 0): boolean {
    let total = 0;
    for (let k = from; k < fields.length; k++) total += fields[k]!.length;
    if (total > STREAM_LISTPACK_MAX_SIZE) return false;
    let node: StreamNode | undefined = this.nodes[this.nodes.length - 1];
    if (node) {
      let maxBytes = limits.nodeMaxBytes;
      if (maxBytes === 0 || maxBytes > STREAM_LISTPACK_MAX_SIZE) maxBytes = STREAM_LISTPACK_MAX_SIZE;
      if (node.bytes + total >= maxBytes) node = undefined;
      else if (limits.nodeMaxEntries && node.count >= limits.nodeMaxEntries) node = undefined;
    }
    if (!node) {
      this.nodes[this.nodes.length - 1]?.seal();
      const master: string[] = [];
      for (let i = from; i < fields.length; i += 2) master.push(fields[i]!);
      node = new StreamNode(id, master, limits.nodeMaxEntries || 128);
      // count, deleted, num-fields, fields…, master terminator; listpack header + end.
      node.bytes = 7 + lpIntSize(1) + lpIntSize(0) + lpIntSize(master.length) + lpIntSize(0);
      for (const f of master) node.bytes += lpStrSize(f);
      this.nodes.push(node);
    }
    node.bytes += entryBytes(node, id, fields, from);
    node.push(id, fields, from);
    this.length++;
    this.lastId = id;
    this.entriesAdded++;
    if (this.length === 1) this.firstId = id;
    return true;
  }

  /** Index of the node that may hold `id` (last node whose master ID <= id), or -1. */
  #nodeFor(id: StreamId): number {
    let lo = 0;
    let hi = this.nodes.length - 1;
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.nodes[mid]!.masterId <= id) {
        ans = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ans;
  }

  /** Live entries with start <= id <= end, ascending (or descending when rev). */
  *range(start: StreamId = ID_MIN, end: StreamId = ID_MAX, rev = false): IterableIterator<StreamEntry> {
    if (start > end) return;
    if (!rev) {
      let ni = Math.max(0, this.#nodeFor(start));
      for (; ni < this.nodes.length; ni++) {
        const node = this.nodes[ni]!;
        if (node.masterId > end) return;
        let i = node.masterId < start ? node.lowerBound(start) : 0;
        for (; i < node.count; i++) {
          const id = node.idAt(i);
          if (id > end) return;
          if (!node.deletedAt(i)) yield { id, fields: node.fieldsAt(i), deleted: false };
        }
      }
    } else {
      let ni = this.#nodeFor(end);
      for (; ni >= 0; ni--) {
        const node = this.nodes[ni]!;
        let i = node.lowerBound(end + 1n) - 1;
        for (; i >= 0; i--) {
          const id = node.idAt(i);
          if (id < start) return;
          if (!node.deletedAt(i)) yield { id, fields: node.fieldsAt(i), deleted: false };
        }
      }
    }
  }

  get(id: StreamId): StreamEntry | undefined {
    const ni = this.#nodeFor(id);
    if (ni < 0) return undefined;
    const node = this.nodes[ni]!;
    const i = node.lowerBound(id);
    if (i >= node.count || node.idAt(i) !== id || node.deletedAt(i)) return undefined;
    return node.entryAt(i);
  }

  /** The first ID in the first node, tombstones included (streamGetEdgeID(s,1,0)). */
  firstIdWithTombstones(): StreamId {
    const n = this.nodes[0];
    return n ? n.idAt(0) : ID_MAX;
  }

  firstEntry(): StreamEntry | undefined {
    for (const e of this.range()) return e;
    return undefined;
  }

  lastEntry(): StreamEntry | undefined {
    for (const e of this.range(ID_MIN, ID_MAX, true)) return e;
    return undefined;
  }

  /** XDEL of one ID: true when it existed. Updates max-deleted-entry-id. */
  delete(id: StreamId): boolean {
    const ni = this.#nodeFor(id);
    if (ni < 0) return false;
    const node = this.nodes[ni]!;
    const i = node.lowerBound(id);
    if (i >= node.count || node.idAt(i) !== id || !node.markDeleted(i)) return false;
    if (node.live === 0) this.nodes.splice(ni, 1);
    this.length--;
    if (id > this.maxDeletedEntryId) this.maxDeletedEntryId = id;
    return true;
  }

  /** After deletions: recompute the recorded first ID (0-0 when empty). */
  refreshFirstId(): void {
    if (this.length === 0) this.firstId = ID_MIN;
    else this.firstId = this.firstEntry()?.id ?? ID_MIN;
  }

  /** streamTrim: returns the number of deleted entries. */
  trim(t: TrimStrategy): number {
    let deleted = 0;
    while (this.nodes.length) {
      if (t.kind === 'maxlen' && this.length <= t.maxlen) break;
      const node = this.nodes[0]!;
      const entries = node.live;
      if (t.limit && deleted + entries > t.limit) break;
      let removeNode: boolean;
      if (t.kind === 'maxlen') removeNode = this.length - entries >= t.maxlen;
      else removeNode = node.lastIdInNode < t.minid;
      if (removeNode) {
        this.nodes.shift();
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (t.approx) break;
      for (let i = 0; i < node.count; i++) {
        const stop = t.kind === 'maxlen' ? this.length <= t.maxlen : node.idAt(i) >= t.minid;
        if (stop) break;
        if (node.markDeleted(i)) {
          this.length--;
          deleted++;
        }
      }
      break;
    }
    if (this.length === 0) this.firstId = ID_MIN;
    else if (deleted) this.refreshFirstId();
    return deleted;
  }

  /** streamRangeHasTombstones. */
  rangeHasTombstones(start: StreamId | null, end: StreamId | null): boolean {
    if (!this.length || this.maxDeletedEntryId === ID_MIN) return false;
    if (this.firstId > this.maxDeletedEntryId) return false;
    const s = start ?? ID_MIN;
    const e = end ?? ID_MAX;
    return s <= this.maxDeletedEntryId && this.maxDeletedEntryId <= e;
  }

  /** streamEstimateDistanceFromFirstEverEntry: -1 when not obtainable. */
  estimateDistanceFromFirstEverEntry(id: StreamId): number {
    if (!this.entriesAdded) return 0;
    if (!this.length && id <= this.lastId) return this.entriesAdded;
    if (id === this.lastId) return this.entriesAdded;
    if (id > this.lastId) return INVALID_ENTRIES_READ;
    if (this.maxDeletedEntryId === ID_MIN || this.maxDeletedEntryId < this.firstId) {
      if (id < this.firstId) return this.entriesAdded - this.length;
      if (id === this.firstId) return this.entriesAdded - this.length + 1;
    }
    return INVALID_ENTRIES_READ;
  }

  /** streamReplyWithCGLag's value: null when not available. */
  groupLag(g: StreamGroup): number | null {
    if (!this.entriesAdded) return 0;
    if (g.entriesRead !== INVALID_ENTRIES_READ && !this.rangeHasTombstones(g.lastId, null)) {
      return this.entriesAdded - g.entriesRead;
    }
    const er = this.estimateDistanceFromFirstEverEntry(g.lastId);
    return er !== INVALID_ENTRIES_READ ? this.entriesAdded - er : null;
  }

  createGroup(name: string, lastId: StreamId, entriesRead: number): StreamGroup | null {
    if (this.groups.has(name)) return null;
    const g = new StreamGroup(name, lastId, entriesRead);
    this.groups.set(name, g);
    return g;
  }

  sortedGroups(): StreamGroup[] {
    return [...this.groups.values()].sort((a, b) => cmpBytes(a.name, b.name));
  }

  /** Number of radix-tree keys (nodes). */
  get nodeCount(): number {
    return this.nodes.length;
  }

  /** Last live entry's ID (streamLastValidID), 0-0 when empty. */
  lastValidId(): StreamId {
    return this.lastEntry()?.id ?? ID_MIN;
  }
}


/** Bytes a listpack element holding this integer takes (encoding + backlen). */
function lpIntSize(v: number | bigint): number {
  const n = typeof v === 'bigint' ? v : BigInt(v);
  let enc: number;
  if (n >= 0n && n <= 127n) enc = 1;
  else if (n >= -4096n && n <= 4095n) enc = 2;
  else if (n >= -32768n && n <= 32767n) enc = 3;
  else if (n >= -8388608n && n <= 8388607n) enc = 4;
  else if (n >= -2147483648n && n <= 2147483647n) enc = 5;
  else enc = 9;
  return enc + 1;
}

function lpStrSize(s: string): number {
  // Strings that look like integers are stored as integers.
  if (s.length > 0 && s.length <= 20 && /^(-?[1-9][0-9]*|0)$/.test(s)) {
    const n = BigInt(s);
    if (n >= -(2n ** 63n) && n < 2n ** 63n) return lpIntSize(n);
  }
  const len = s.length;
  const enc = len < 64 ? 1 + len : len < 4096 ? 2 + len : 5 + len;
  const back = enc <= 127 ? 1 : enc < 16383 ? 2 : enc < 2097151 ? 3 : enc < 268435455 ? 4 : 5;
  return enc + back;
}

function entryBytes(node: StreamNode, id: StreamId, fields: readonly string[], from: number): number {
  const msDiff = (id >> 64n) - (node.masterId >> 64n);
  const seqDiff = (id & U64_MAX) - (node.masterId & U64_MAX);
  let bytes = lpIntSize(0) + lpIntSize(msDiff) + lpIntSize(seqDiff);
  const n = fields.length - from;
  let same = n / 2 === node.masterFields.length;
  if (same) {
    for (let i = 0; i < node.masterFields.length; i++) {
      if (fields[from + i * 2] !== node.masterFields[i]) {
        same = false;
        break;
      }
    }
  }
  let elements: number;
  if (same) {
    for (let i = from + 1; i < fields.length; i += 2) bytes += lpStrSize(fields[i]!);
    elements = n / 2;
  } else {
    bytes += lpIntSize(n / 2);
    for (let i = from; i < fields.length; i++) bytes += lpStrSize(fields[i]!);
    elements = n + 1;
  }
  bytes += lpIntSize(elements + 3);
  return bytes;
}
