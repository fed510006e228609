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

/** A node (Redis: one listpack in the radix tree). */
export interface StreamNode {
  masterId: StreamId;
  entries: StreamEntry[];
  live: number;
  /** Approximate listpack size in bytes (for stream-node-max-bytes). */
  bytes: number;
  masterFields: string[];
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

  encoding(): string {
    return 'stream';
  }

  memoryUsage(): number {
    let bytes = 64;
    for (const n of this.nodes) bytes += n.bytes + 32;
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
  append(id: StreamId, fields: string[], limits: StreamLimits): boolean {
    let total = 0;
    for (const f of fields) total += f.length;
    if (total > STREAM_LISTPACK_MAX_SIZE) return false;
    let node: StreamNode | undefined = this.nodes[this.nodes.length - 1];
    if (node) {
      let maxBytes = limits.nodeMaxBytes;
      if (maxBytes === 0 || maxBytes > STREAM_LISTPACK_MAX_SIZE) maxBytes = STREAM_LISTPACK_MAX_SIZE;
      if (node.bytes + total >= maxBytes) node = undefined;
      else if (limits.nodeMaxEntries && node.entries.length >= limits.nodeMaxEntries) node = undefined;
    }
    if (!node) {
      node = { masterId: id, entries: [], live: 0, bytes: 0, masterFields: [] };
      const master: string[] = [];
      for (let i = 0; i < fields.length; i += 2) master.push(fields[i]!);
      node.masterFields = master;
      // count, deleted, num-fields, fields…, master terminator; listpack header + end.
      node.bytes = 7 + lpIntSize(1) + lpIntSize(0) + lpIntSize(master.length) + lpIntSize(0);
      for (const f of master) node.bytes += lpStrSize(f);
      this.nodes.push(node);
    }
    node.bytes += entryBytes(node, id, fields);
    node.entries.push({ id, fields, deleted: false });
    node.live++;
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
        const es = node.entries;
        let i = 0;
        if (es.length && es[0]!.id < start) i = entryLowerBound(es, start);
        for (; i < es.length; i++) {
          const e = es[i]!;
          if (e.id > end) return;
          if (!e.deleted) yield e;
        }
      }
    } else {
      let ni = this.#nodeFor(end);
      for (; ni >= 0; ni--) {
        const node = this.nodes[ni]!;
        const es = node.entries;
        let i = entryLowerBound(es, end + 1n) - 1;
        for (; i >= 0; i--) {
          const e = es[i]!;
          if (e.id < start) return;
          if (!e.deleted) yield e;
        }
      }
    }
  }

  get(id: StreamId): StreamEntry | undefined {
    const ni = this.#nodeFor(id);
    if (ni < 0) return undefined;
    const es = this.nodes[ni]!.entries;
    const i = entryLowerBound(es, id);
    const e = es[i];
    return e && e.id === id && !e.deleted ? e : undefined;
  }

  firstEntry(): StreamEntry | undefined {
    for (const e of this.range()) return e;
    return undefined;
  }

  lastEntry(): StreamEntry | undefined {
    for (const e of this.range(ID_MIN, ID_MAX, true)) return e;
    return undefined;
  }

  /** XDEL of one ID: true when it existed. Updates max-deleted-entry-id and first ID. */
  delete(id: StreamId): boolean {
    const ni = this.#nodeFor(id);
    if (ni < 0) return false;
    const node = this.nodes[ni]!;
    const i = entryLowerBound(node.entries, id);
    const e = node.entries[i];
    if (!e || e.id !== id || e.deleted) return false;
    e.deleted = true;
    node.live--;
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
      else removeNode = node.entries[node.entries.length - 1]!.id < t.minid;
      if (removeNode) {
        this.nodes.shift();
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (t.approx) break;
      for (const e of node.entries) {
        const stop = t.kind === 'maxlen' ? this.length <= t.maxlen : e.id >= t.minid;
        if (stop) break;
        if (!e.deleted) {
          e.deleted = true;
          node.live--;
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

function entryLowerBound(es: StreamEntry[], id: StreamId): number {
  let lo = 0;
  let hi = es.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (es[mid]!.id < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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

function entryBytes(node: StreamNode, id: StreamId, fields: string[]): number {
  const msDiff = (id >> 64n) - (node.masterId >> 64n);
  const seqDiff = (id & U64_MAX) - (node.masterId & U64_MAX);
  let bytes = lpIntSize(0) + lpIntSize(msDiff) + lpIntSize(seqDiff);
  let same = fields.length / 2 === node.masterFields.length;
  if (same) {
    for (let i = 0; i < node.masterFields.length; i++) {
      if (fields[i * 2] !== node.masterFields[i]) {
        same = false;
        break;
      }
    }
  }
  let elements = 0;
  if (same) {
    for (let i = 1; i < fields.length; i += 2) bytes += lpStrSize(fields[i]!);
    elements = fields.length / 2;
  } else {
    bytes += lpIntSize(fields.length / 2);
    for (const f of fields) bytes += lpStrSize(f);
    elements = fields.length + 1;
  }
  bytes += lpIntSize(elements + 3);
  return bytes;
}
