/**
 * `rdb --command memory` (redis-rdb-tools' MemoryCallback + PrintAllKeys): an estimate of the
 * memory each key would take in a 64-bit Redis 5 with jemalloc, as CSV.
 *
 *   database,type,key,size_in_bytes,encoding,num_elements,len_largest_element,expiry
 *   0,hash,h1,780,hashtable,3,406,
 *   0,string,k,128,string,27,27,2022-12-25T10:11:12.573000
 *
 * The arithmetic is rdbtools' (memprofiler.py), including its quirks, because scripts compare
 * these numbers across runs: strings that Python's `int()` accepts cost 0 bytes; integer-encoded
 * elements have length 8; every list is costed as a quicklist of 8 KiB ziplists whatever its
 * encoding in the file; hashtable sizes include 1.5x the bucket array; sizes are truncated to
 * integers only when printed. The key column is NOT CSV-quoted (keys with commas or quotes
 * break the CSV, as in rdbtools; `redkit rdb memory-csv` writes valid CSV).
 *
 * One deliberate difference: rdbtools draws a random skiplist level per zset member, so its
 * skiplist rows change between runs; we use the expected level (4/3 for p = 1/4), giving the
 * mean of rdbtools' values.
 */
import type { RdbEncoding, RdbKeyEndRecord, RdbKeyRecord, RdbRecord, RdbValueType, StreamMeta } from '../types.js';
import { escapeBytes, writeEscaped, type EscapeMode } from './escape.js';
import { intWidthOf, isoformatMs, pyIntOk, pyIntParse, storedAsInt } from './pyfmt.js';
import type { ByteOut, RdbReport } from './run.js';

const POINTER = 8;
const LONG = 8;
/** Expected skiplist level with ZSKIPLIST_P = 0.25: 1 / (1 - p). */
const EXPECTED_SKIPLIST_LEVEL = 4 / 3;
const QUICKLIST_FILL_BYTES = 8192;

// jemalloc 4.0.4 size classes with LG_QUANTUM=3 (the table rdbtools uses): 8..64 by 8, then 4
// classes per doubling.
const SIZE_CLASSES: number[] = (() => {
  const c = [8, 16, 24, 32, 40, 48, 56, 64];
  for (let base = 64; base < 2 ** 63; base *= 2) {
    const step = base / 4;
    for (let k = 1; k <= 4; k++) c.push(base + k * step);
  }
  return c;
})();

export function jemallocSize(size: number): number {
  // Fast path, same classes as the table: multiples of 8 up to 64, then 4 per doubling.
  if (size <= 64) return size <= 8 ? 8 : (size + 7) & ~7;
  if (size <= 2 ** 40) {
    let base = 64;
    while (base * 2 < size) base *= 2;
    const step = base / 4;
    return Math.ceil(size / step) * step;
  }
  let lo = 0;
  let hi = SIZE_CLASSES.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (SIZE_CLASSES[mid]! < size) lo = mid + 1;
    else hi = mid;
  }
  return lo < SIZE_CLASSES.length ? SIZE_CLASSES[lo]! : size;
}

/** rdbtools' sizeof_string: an sds string (Redis >= 3.2 headers), 0 for integers. */
export function sizeofString(b: Buffer): number {
  if (pyIntOk(b)) return 0;
  const l = b.length;
  if (l < 32) return jemallocSize(l + 2);
  if (l < 256) return jemallocSize(l + 4);
  if (l < 65536) return jemallocSize(l + 6);
  if (l < 2 ** 32) return jemallocSize(l + 10);
  return jemallocSize(l + 18);
}

function nextPower(size: number): number {
  let p = 1;
  while (p <= size) p *= 2;
  return p;
}

function hashtableOverhead(size: number): number {
  return 4 + 7 * LONG + 4 * POINTER + nextPower(size) * POINTER * 1.5;
}

const HT_ENTRY = 2 * POINTER + 8;
const ROBJ = POINTER + 8;

function skiplistOverhead(size: number): number {
  return 2 * POINTER + hashtableOverhead(size) + (2 * POINTER + 16);
}

const SKIPLIST_ENTRY = HT_ENTRY + 2 * POINTER + 8 + (POINTER + 8) * EXPECTED_SKIPLIST_LEVEL;

function quicklistOverhead(zips: number): number {
  return 2 * POINTER + LONG + 2 * 4 + zips * (4 * POINTER + LONG + 2 * 4);
}

const ZIPLIST_HEADER = 4 + 4 + 2 + 1;

function ziplistEntryInt(v: number): number {
  const size = v < 12 ? 0 : v < 2 ** 8 ? 1 : v < 2 ** 16 ? 2 : v < 2 ** 24 ? 3 : v < 2 ** 32 ? 4 : 8;
  return 1 + 1 + size;
}

function ziplistEntryBytes(len: number): number {
  const header = len <= 63 ? 1 : len <= 16383 ? 2 : 5;
  return (len < 254 ? 1 : 5) + header + len;
}

function streamRadixTree(n: number): number {
  const nodes = Math.floor(n * 2.5);
  return 16 * n + nodes * 4 + nodes * 30 * LONG;
}

/** One key's estimate. `key` (the escaped key as a byte string) is computed on first use. */
export class MemoryRow {
  #key: string | undefined;
  constructor(
    readonly db: number,
    readonly type: string,
    readonly keyBytes: Buffer,
    readonly escape: EscapeMode,
    readonly bytes: number,
    readonly encoding: string,
    readonly size: number,
    readonly largest: number,
    readonly expireMs: number | null,
  ) {}

  get key(): string {
    return (this.#key ??= escapeBytes(this.keyBytes, this.escape, true));
  }
}

export interface MemoryOptions {
  escape?: EscapeMode;
  /** `-b`: only keys of at least this many bytes. */
  minBytes?: number;
  /** `-l`: only the N largest keys. */
  largest?: number;
  /** Quote the key column as CSV requires (memory-csv); rdbtools does not. */
  quoteKey?: boolean;
}

const TYPE_NAMES: Record<RdbValueType, string> = {
  string: 'string',
  list: 'list',
  set: 'set',
  zset: 'sortedset',
  hash: 'hash',
  stream: 'stream',
  module: 'module',
};

/** Computes one row per key from the record stream; `onRow` receives finished rows. */
export class MemoryProfiler {
  #onRow: (row: MemoryRow) => void;
  #esc: EscapeMode;
  #key: RdbKeyRecord | undefined;
  #size = 0;
  #largest = 0;
  #count = 0;
  #width: 'int32' | 'int64' | 'always' | 'never' = 'int32';
  // lists (costed as a quicklist)
  #zips = 1;
  #zipSize = 0;
  #zipped = 0;

  constructor(onRow: (row: MemoryRow) => void, escape: EscapeMode = 'raw') {
    this.#onRow = onRow;
    this.#esc = escape;
  }

  #elementLength(b: Buffer): number {
    const w = this.#width;
    if (w === 'always') return LONG;
    if (w === 'never') return b.length;
    return storedAsInt(b, w) ? LONG : b.length;
  }

  onRecord(rec: RdbRecord): void {
    switch (rec.kind) {
      case 'key':
        this.#startKey(rec);
        return;
      case 'elements':
        this.#elements(rec);
        return;
      case 'key-end':
        this.#endKey(rec);
        return;
      default:
        return;
    }
  }

  #startKey(rec: RdbKeyRecord): void {
    this.#key = rec;
    this.#size = HT_ENTRY + sizeofString(rec.key) + ROBJ + (rec.expireMs !== null ? HT_ENTRY + 8 : 0);
    this.#largest = 0;
    this.#count = 0;
    this.#width = intWidthOf(rec.encoding);
    this.#zips = 1;
    this.#zipSize = 0;
    this.#zipped = 0;
  }

  #elements(rec: Extract<RdbRecord, { kind: 'elements' }>): void {
    const el = rec.elements;
    const enc = this.#key?.encoding;
    const hashtable = enc === 'hashtable';
    let largest = this.#largest;
    let size = this.#size;
    switch (el.type) {
      case 'list':
        for (const v of el.items) {
          const isInt = this.#width === 'always' || (this.#width !== 'never' && storedAsInt(v, this.#width === 'int32' ? 'int32' : 'int64'));
          const len = isInt ? LONG : v.length;
          if (len > largest) largest = len;
          const inZip = isInt ? ziplistEntryInt(Number(v.toString('latin1'))) : ziplistEntryBytes(v.length);
          if (this.#zipSize + inZip > QUICKLIST_FILL_BYTES) {
            this.#zipSize = inZip;
            this.#zips++;
          } else {
            this.#zipSize += inZip;
          }
          this.#zipped += inZip;
        }
        this.#count += el.items.length;
        break;
      case 'set':
        for (const v of el.items) {
          const len = this.#elementLength(v);
          if (len > largest) largest = len;
          if (hashtable) size += sizeofString(v) + HT_ENTRY;
        }
        break;
      case 'hash': {
        const zipmap = enc === 'zipmap';
        for (const f of el.items) {
          const fl = this.#elementLength(f.field);
          // zipmap values go through Python's int(): those that parse have length 8
          const vl = zipmap ? (pyIntParse(f.value.toString('latin1')) !== undefined ? LONG : f.value.length) : this.#elementLength(f.value);
          if (fl > largest) largest = fl;
          if (vl > largest) largest = vl;
          if (hashtable) size += sizeofString(f.field) + sizeofString(f.value) + HT_ENTRY + (f.expireMs !== undefined ? 8 : 0);
        }
        break;
      }
      case 'zset': {
        const skiplist = enc === 'skiplist';
        for (const m of el.items) {
          const len = this.#elementLength(m.member);
          if (len > largest) largest = len;
          if (skiplist) size += 8 + sizeofString(m.member) + SKIPLIST_ENTRY;
        }
        break;
      }
      case 'stream':
        break;
    }
    this.#largest = largest;
    this.#size = size;
  }

  #endKey(rec: RdbKeyEndRecord): void {
    const key = this.#key;
    if (!key) return;
    this.#key = undefined;
    const info = rec.info;
    let size = this.#size;
    let count = info.count;
    let largest = this.#largest;
    let encoding: string = rec.encoding;
    switch (rec.type) {
      case 'string': {
        const v = key.value ?? Buffer.alloc(0);
        size += sizeofString(v);
        count = largest = storedAsInt(v, 'int32') ? LONG : v.length;
        break;
      }
      case 'list':
        encoding = 'quicklist';
        size += quicklistOverhead(this.#zips) + ZIPLIST_HEADER * this.#zips + this.#zipped;
        count = this.#count;
        break;
      case 'set':
      case 'hash':
        if (usesBlob(rec.encoding)) size += info.blobBytes ?? 0;
        else size += hashtableOverhead(count);
        break;
      case 'zset':
        if (usesBlob(rec.encoding)) size += info.blobBytes ?? 0;
        else size += skiplistOverhead(count);
        break;
      case 'stream': {
        encoding = 'listpack';
        const r = streamSize(info.nodes ?? 1, info.blobBytes ?? 0, rec.stream);
        size += r.size;
        largest = r.largest;
        count = 1;
        break;
      }
      case 'module':
        encoding = key.module?.name ?? 'module';
        // rdbtools counts the module id's length encoding too (usually 9 bytes) in the payload.
        size += 8 + 1 + lengthEncodingSize(key.module?.id ?? 0n) + (info.moduleBytes ?? 0);
        count = 1;
        largest = size;
        break;
    }
    this.#onRow(new MemoryRow(key.db, TYPE_NAMES[rec.type], key.key, this.#esc, size, encoding, count, largest, key.expireMs));
  }
}

/** Bytes of an RDB length encoding of `v` (6-bit, 14-bit, 32-bit or 64-bit form). */
function lengthEncodingSize(v: bigint): number {
  return v < 64n ? 1 : v < 16384n ? 2 : v < 4294967296n ? 5 : 9;
}

function usesBlob(enc: RdbEncoding): boolean {
  return enc === 'ziplist' || enc === 'zipmap' || enc === 'intset' || enc === 'listpack';
}

/**
 * Stream estimate (rdbtools' start_stream/stream_listpack/end_stream). The reader gives the
 * total listpack bytes and the node count; per-node sizes are taken as equal when there are
 * several nodes (exact for one node).
 */
function streamSize(nodes: number, blobBytes: number, meta: StreamMeta | undefined): { size: number; largest: number } {
  let size = POINTER * 2 + 8 + 16 + POINTER + 8 * 2;
  const n = Math.max(nodes, 0);
  let largest = 0;
  if (n > 0) {
    const each = Math.floor(blobBytes / n);
    const rest = blobBytes - each * n;
    size += jemallocSize(each) * (n - 1) + jemallocSize(each + rest);
    largest = each + rest;
  }
  size += streamRadixTree(n);
  for (const g of meta?.groups ?? []) {
    size += POINTER * 2 + 16;
    const pending = g.pending.length;
    size += streamRadixTree(pending) + pending * (POINTER + 8 + 8);
    for (const c of g.consumers) {
      size += POINTER * 2 + 8 + sizeofString(c.name) + streamRadixTree(c.pending.length);
    }
  }
  return { size, largest };
}

/** Python's tuple order on (bytes, record): the heap key of `--largest`. */
function rowLess(a: MemoryRow, b: MemoryRow): boolean {
  if (a.bytes !== b.bytes) return a.bytes < b.bytes;
  if (a.db !== b.db) return a.db < b.db;
  if (a.type !== b.type) return a.type < b.type;
  if (a.key !== b.key) return a.key < b.key;
  if (a.encoding !== b.encoding) return a.encoding < b.encoding;
  if (a.size !== b.size) return a.size < b.size;
  if (a.largest !== b.largest) return a.largest < b.largest;
  return (a.expireMs ?? -Infinity) < (b.expireMs ?? -Infinity);
}

/** Python's heapq.heappop (sift the last item down from the root), applied as rdbtools does. */
function heappop<T>(heap: T[], less: (a: T, b: T) => boolean): T {
  const last = heap.pop()!;
  if (heap.length === 0) return last;
  const top = heap[0]!;
  heap[0] = last;
  // _siftup: move the smaller child up until a leaf, then bubble the item back up.
  const end = heap.length;
  let pos = 0;
  const item = heap[0]!;
  let child = 1;
  while (child < end) {
    const right = child + 1;
    if (right < end && !less(heap[child]!, heap[right]!)) child = right;
    heap[pos] = heap[child]!;
    pos = child;
    child = 2 * pos + 1;
  }
  heap[pos] = item;
  while (pos > 0) {
    const parent = (pos - 1) >> 1;
    if (less(item, heap[parent]!)) {
      heap[pos] = heap[parent]!;
      pos = parent;
    } else break;
  }
  heap[pos] = item;
  return top;
}

export const MEMORY_CSV_HEADER = 'database,type,key,size_in_bytes,encoding,num_elements,len_largest_element,expiry\n';

const NEEDS_QUOTES = /[",\r\n]/;

/** RFC 4180 quoting of one CSV field (a byte string). */
export function csvField(s: string): string {
  return NEEDS_QUOTES.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/** rdbtools' CSV row (note: fields are not quoted), or with `quoteKey` a valid CSV row. */
export function writeMemoryRow(out: ByteOut, r: MemoryRow, quoteKey = false): void {
  out.int(r.db);
  out.ascii(TYPE_FIELD[r.type] ?? ',' + r.type + ',');
  if (quoteKey) out.ascii(csvField(r.key));
  else writeEscaped(out, r.keyBytes, r.escape, true);
  out.byte(0x2c);
  out.int(Math.trunc(r.bytes));
  out.byte(0x2c);
  out.ascii(r.encoding);
  out.byte(0x2c);
  out.int(r.size);
  out.byte(0x2c);
  out.int(r.largest);
  out.byte(0x2c);
  if (r.expireMs !== null) out.ascii(isoformatCached(r.expireMs));
  out.byte(0x0a);
}

const TYPE_FIELD: Record<string, string> = Object.fromEntries(Object.values(TYPE_NAMES).map((t) => [t, ',' + t + ',']));

let lastIsoMs = NaN;
let lastIso = '';
/** Dumps often share expiry times: remember the last one formatted. */
function isoformatCached(ms: number): string {
  if (ms !== lastIsoMs) {
    lastIso = isoformatMs(ms);
    lastIsoMs = ms;
  }
  return lastIso;
}

export class MemoryReport implements RdbReport {
  #out: ByteOut;
  #profiler: MemoryProfiler;
  #minBytes: number | undefined;
  #largest: number | undefined;
  /** Min-heap (by rowLess) of the N largest rows so far. */
  #top: MemoryRow[] = [];
  #quoteKey: boolean;

  constructor(out: ByteOut, opts: MemoryOptions = {}) {
    this.#out = out;
    this.#minBytes = opts.minBytes;
    this.#largest = opts.largest;
    this.#quoteKey = opts.quoteKey ?? false;
    out.ascii(MEMORY_CSV_HEADER);
    this.#profiler = new MemoryProfiler((row) => this.#row(row), opts.escape ?? 'raw');
  }

  #row(row: MemoryRow): void {
    if (this.#largest === undefined) {
      if (this.#minBytes === undefined || row.bytes >= this.#minBytes) writeMemoryRow(this.#out, row, this.#quoteKey);
      return;
    }
    const heap = this.#top;
    if (this.#largest <= 0) return;
    if (heap.length < this.#largest) {
      heap.push(row);
      let pos = heap.length - 1;
      while (pos > 0) {
        const parent = (pos - 1) >> 1;
        if (rowLess(row, heap[parent]!)) {
          heap[pos] = heap[parent]!;
          pos = parent;
        } else break;
      }
      heap[pos] = row;
    } else if (rowLess(heap[0]!, row)) {
      // Replace the smallest kept row and sift it down.
      const n = heap.length;
      let pos = 0;
      for (;;) {
        let child = 2 * pos + 1;
        if (child >= n) break;
        if (child + 1 < n && rowLess(heap[child + 1]!, heap[child]!)) child++;
        if (!rowLess(heap[child]!, row)) break;
        heap[pos] = heap[child]!;
        pos = child;
      }
      heap[pos] = row;
    }
  }

  onRecord(rec: RdbRecord): void {
    this.#profiler.onRecord(rec);
    if (rec.kind === 'eof') this.finish();
  }

  /** With `--largest`: prints the kept rows in the order rdbtools does (heappop over nlargest's list). */
  finish(): void {
    if (this.#largest === undefined) return;
    const list = this.#top.slice().sort((a, b) => (rowLess(b, a) ? -1 : rowLess(a, b) ? 1 : 0));
    this.#top = [];
    this.#largest = undefined;
    while (list.length > 0) this.#row(heappop(list, rowLess));
  }
}
