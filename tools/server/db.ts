/**
 * The keyspace: one Db per logical database (SELECT). Keys and string bytes are latin1 JS
 * strings. Like Redis's dict + expires dict, a Map indexes the keys and a second Map holds the
 * absolute expire times (ms). Expiry is lazy on access (lookup*) plus an active cycle
 * (activeExpire), driven by the server's cron at `hz`.
 *
 * Values live in slots: the index maps a key to a slot number (a small integer, stored in the
 * Map entry itself), and a slot is two adjacent cells of a chunk array, [value, meta]. The meta
 * cell holds what Redis keeps in the robj header: the 24-bit LRU clock or LFU (ldt<<8 | counter)
 * and, for strings, the "modified in place" bit that makes OBJECT ENCODING report raw. So a
 * string value is stored as the plain JS string: no wrapper object, which in V8 would cost 48 B
 * per key (three header words plus three fields) on top of the string itself. Freed slots form
 * a list threaded through their meta cells.
 *
 * Iteration state (SCAN cursors, the active-expire and eviction sampling positions) uses live
 * Map iterators, which V8 keeps valid across inserts and deletes: a key present for the whole
 * scan is returned at least once, as Redis guarantees.
 */
import type { CommandContext } from './command.js';
import { StringValue, stringEncoding, stringMemoryUsage } from './types/string.js';

export type RedisType = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream' | 'module';

/**
 * A value object. Strings are stored as plain latin1 JS strings, except byte-backed ones
 * (types/string.ts StringValue).
 */
export interface RedisValue {
  readonly type: RedisType;
  /** OBJECT ENCODING: 'int' | 'embstr' | 'raw' | 'listpack' | 'quicklist' | 'intset' | 'hashtable' | 'skiplist' | 'stream'. */
  encoding(): string;
  /** Approximate bytes used (MEMORY USAGE), for maxmemory accounting. */
  memoryUsage(): number;
  /** Optional deep copy for COPY (when absent COPY replies an error for that type). */
  clone?(): RedisValue;
}

/** What a key holds: a string's bytes, or a value object. */
export type Value = string | RedisValue;

export function typeOf(v: Value): RedisType {
  return typeof v === 'string' ? 'string' : v.type;
}

/** A string value's bytes (plain or byte-backed); undefined for other types. */
export function stringOf(v: Value): string | undefined {
  if (typeof v === 'string') return v;
  return v.type === 'string' ? (v as StringValue).v : undefined;
}

/** What the keyspace needs from the server (kept narrow so a Db can be used standalone). */
export interface DbHost {
  /** ms clock of the current command. */
  now(): number;
  /** Called when a key is found expired and removed (notify 'expired', stats, propagate DEL). */
  onExpired(db: Db, key: string): void;
  /** True while expiry must not delete keys (CLIENT PAUSE WRITE, replicas): expired keys read as missing. */
  expireDeletesPaused(): boolean;
  /** Access bookkeeping for LRU/LFU: the new 24-bit clock or LFU value (old undefined: a new object). */
  touch(old: number | undefined): number;
  /** keyspace_hits / keyspace_misses. */
  stats: { keyspace_hits: number; keyspace_misses: number; expired_keys: number };
  /** True when 'n' (new key) keyspace events are enabled. */
  readonly notifyNewKeys: boolean;
  onNewKey(db: Db, key: string): void;
  /** Keyspace notification for misses ('m'). */
  onKeyMiss(db: Db, key: string): void;
}

/** Options of set/add: keep the TTL, mark a string modified in place, or give the LRU/LFU value. */
export interface SetOptions { keepTtl?: boolean; raw?: boolean; lru?: number; }

interface ScanState { it: IterableIterator<string>; }

const SCAN_CURSOR_CACHE = 4096;
/**
 * Slots per chunk (each slot is two cells). A chunk is allocated whole (no growth copies) and
 * stays below V8's regular-object size (64 KB of cells), so it lives on ordinary heap pages.
 */
const CHUNK_BITS = 12;
const CHUNK_MASK = (1 << CHUNK_BITS) - 1;
const LRU_MASK = 0xffffff;
/** Meta bit: a string modified in place (APPEND, SETRANGE, SETBIT, HLL), OBJECT ENCODING raw. */
const META_RAW = 1 << 24;

export class Db {
  readonly id: number;
  #host: DbHost;
  /** key -> slot. */
  #index = new Map<string, number>();
  /** Slot s is cells 2(s & CHUNK_MASK) and +1 of #chunks[s >>> CHUNK_BITS]: [value, meta]. */
  #chunks: unknown[][] = [];
  #slots = 0;
  /** Head of the free-slot list (-1: none); a free slot's meta cell holds the next. */
  #free = -1;
  /** The last write lookup's key and slot: an in-place update right after it needs no second lookup. */
  #wKey: string | undefined = undefined;
  #wSlot = 0;
  expires = new Map<string, number>();
  /** WATCHed keys -> watching clients (kernel-owned; opaque to families). */
  readonly watched = new Map<string, Set<unknown>>();
  /** Clients blocked on keys (kernel-owned). */
  readonly blocking = new Map<string, unknown[]>();
  /** avg_ttl estimate for INFO keyspace (updated by the active expire cycle). */
  avgTtl = 0;
  #scans = new Map<number, ScanState>();
  #nextCursor = 1;
  #expireIt: IterableIterator<[string, number]> | null = null;
  #sampleIt: IterableIterator<string> | null = null;
  /** When true, lookups do not update LRU/LFU (OBJECT, DEBUG OBJECT, CLIENT NO-TOUCH). */
  noTouch = false;

  constructor(id: number, host: DbHost) {
    this.id = id;
    this.#host = host;
  }

  get size(): number { return this.#index.size; }
  get expiresCount(): number { return this.expires.size; }

  // ------------------------------------------------------------------ slots
  #value(slot: number): Value {
    return this.#chunks[slot >>> CHUNK_BITS]![(slot & CHUNK_MASK) << 1] as Value;
  }

  #meta(slot: number): number {
    return this.#chunks[slot >>> CHUNK_BITS]![((slot & CHUNK_MASK) << 1) + 1] as number;
  }

  #store(slot: number, value: Value, meta: number): void {
    const ch = this.#chunks[slot >>> CHUNK_BITS]!;
    const i = (slot & CHUNK_MASK) << 1;
    ch[i] = value;
    ch[i + 1] = meta;
  }

  #alloc(value: Value, meta: number): number {
    let slot = this.#free;
    if (slot >= 0) {
      this.#free = this.#meta(slot);
      this.#store(slot, value, meta);
      return slot;
    }
    slot = this.#slots++;
    if ((slot & CHUNK_MASK) === 0) this.#chunks.push(new Array<unknown>(2 << CHUNK_BITS));
    this.#store(slot, value, meta);
    return slot;
  }

  #release(slot: number): void {
    this.#store(slot, undefined as unknown as Value, this.#free);
    this.#free = slot;
  }

  #touchSlot(slot: number): void {
    const ch = this.#chunks[slot >>> CHUNK_BITS]!;
    const i = ((slot & CHUNK_MASK) << 1) + 1;
    const m = ch[i] as number;
    ch[i] = (m & META_RAW) | this.#host.touch(m & LRU_MASK);
  }

  // ------------------------------------------------------------------ lookups
  /** Deletes the key if it is logically expired; returns true when it was (and is now gone). */
  expireIfNeeded(key: string): boolean {
    const at = this.expires.get(key);
    if (at === undefined) return false;
    if (at > this.#host.now()) return false;
    if (this.#host.expireDeletesPaused()) return true;
    this.#deleteRaw(key);
    this.#host.stats.expired_keys++;
    this.#host.onExpired(this, key);
    return true;
  }

  /** Read lookup: lazy-expires; updates LRU/LFU and keyspace_hits/misses. */
  lookupRead(key: string, noTouch = false): Value | undefined {
    const slot = this.#index.get(key);
    if (slot === undefined || (this.expires.size !== 0 && this.expireIfNeeded(key))) {
      this.#host.stats.keyspace_misses++;
      this.#host.onKeyMiss(this, key);
      return undefined;
    }
    this.#host.stats.keyspace_hits++;
    if (!this.noTouch && !noTouch) this.#touchSlot(slot);
    return this.#value(slot);
  }

  /** Write lookup: lazy-expires; no hit/miss stats. */
  lookupWrite(key: string): Value | undefined {
    const slot = this.#index.get(key);
    if (slot === undefined) return undefined;
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    if (!this.noTouch) this.#touchSlot(slot);
    this.#wKey = key;
    this.#wSlot = slot;
    return this.#value(slot);
  }

  /** Lookup without any side effect except lazy expiry (EXISTS-like internal use, no stats). */
  peek(key: string): Value | undefined {
    const slot = this.#index.get(key);
    if (slot === undefined) return undefined;
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    return this.#value(slot);
  }

  /** The value without expiry, stats or LRU (the raw dict lookup). */
  get(key: string): Value | undefined {
    const slot = this.#index.get(key);
    return slot === undefined ? undefined : this.#value(slot);
  }

  /** True when the key is in the dict, expired or not (the raw dict lookup). */
  contains(key: string): boolean {
    return this.#index.has(key);
  }

  /** Typed lookup of a value object (not strings: lookupString): undefined if missing; replies WRONGTYPE and returns null if of another type. */
  lookupTyped<T extends RedisValue>(c: CommandContext, key: string, type: Exclude<RedisType, 'string'>, forWrite: boolean): T | undefined | null {
    const v = forWrite ? this.lookupWrite(key) : this.lookupRead(key);
    if (v === undefined) return undefined;
    if (typeof v === 'string' || v.type !== type) { c.wrongType(); return null; }
    return v as T;
  }

  /** A string's bytes: undefined if missing; replies WRONGTYPE and returns null if of another type. */
  lookupString(c: CommandContext, key: string, forWrite: boolean): string | undefined | null {
    const v = forWrite ? this.lookupWrite(key) : this.lookupRead(key);
    if (v === undefined || typeof v === 'string') return v;
    if (v.type === 'string') return (v as StringValue).v;
    c.wrongType();
    return null;
  }

  /**
   * The key's string as a StringValue object, for the families that attach byte-backed state
   * (bitmaps, HLLs): a plain string is replaced by an object in its slot, keeping the TTL, the
   * LRU/LFU and the raw bit. Undefined if missing; replies WRONGTYPE and returns null if of
   * another type.
   */
  lookupStringObject(c: CommandContext, key: string, forWrite: boolean): StringValue | undefined | null {
    const v = forWrite ? this.lookupWrite(key) : this.lookupRead(key);
    if (v === undefined) return undefined;
    if (typeof v === 'string') {
      const slot = this.#index.get(key)!;
      const meta = this.#meta(slot);
      const o = new StringValue(v, (meta & META_RAW) !== 0);
      this.#store(slot, o, meta);
      return o;
    }
    if (v.type !== 'string') { c.wrongType(); return null; }
    return v as StringValue;
  }

  has(key: string): boolean {
    return this.peek(key) !== undefined;
  }

  // ------------------------------------------------------------------ LRU/LFU and encoding
  /** The key's 24-bit LRU clock or LFU value (0 when missing). */
  lruOf(key: string): number {
    const slot = this.#index.get(key);
    return slot === undefined ? 0 : this.#meta(slot) & LRU_MASK;
  }

  setLru(key: string, lru: number): void {
    const slot = this.#index.get(key);
    if (slot !== undefined) this.#store(slot, this.#value(slot), (this.#meta(slot) & META_RAW) | (lru & LRU_MASK));
  }

  /** What a moved value keeps (RENAME, MOVE): its LRU/LFU and raw bit, as options for add/set. */
  attributes(key: string): SetOptions {
    const slot = this.#index.get(key);
    if (slot === undefined) return {};
    const m = this.#meta(slot);
    return { lru: m & LRU_MASK, raw: (m & META_RAW) !== 0 };
  }

  /** True for a string modified in place (OBJECT ENCODING raw, as Redis after APPEND/SETRANGE). */
  isRaw(key: string): boolean {
    const slot = this.#index.get(key);
    return slot !== undefined && (this.#meta(slot) & META_RAW) !== 0;
  }

  /** OBJECT ENCODING of the key's value. */
  encodingOf(key: string, v: Value): string {
    return typeof v === 'string' ? stringEncoding(v, this.isRaw(key)) : v.encoding();
  }

  /** Approximate bytes of the key's value (MEMORY USAGE, maxmemory accounting). */
  memoryUsageOf(key: string, v: Value): number {
    return Db.#usage(v, this.isRaw(key));
  }

  static #usage(v: Value, raw: boolean): number {
    return typeof v === 'string' ? stringMemoryUsage(v, raw) : v.memoryUsage();
  }

  /** The meta cell of a new value: the raw bit, and the given LRU/LFU or a fresh one. */
  #newMeta(opts: SetOptions | undefined): number {
    return (opts?.raw ? META_RAW : 0) | (opts?.lru !== undefined ? opts.lru & LRU_MASK : this.#host.touch(undefined));
  }

  // ------------------------------------------------------------------ writes
  /** Sets the value (a new object: fresh LRU/LFU unless given); an overwrite clears the TTL unless keepTtl. */
  set(key: string, value: Value, opts?: SetOptions): void {
    const meta = this.#newMeta(opts);
    const slot = this.#index.get(key);
    if (slot !== undefined) this.#store(slot, value, meta);
    else {
      if (this.#host.notifyNewKeys) this.#host.onNewKey(this, key);
      this.#index.set(key, this.#alloc(value, meta));
    }
    if (!(opts && opts.keepTtl) && this.expires.size !== 0) this.expires.delete(key);
  }

  /** Adds a key that must not exist. */
  add(key: string, value: Value, opts?: SetOptions): void {
    const meta = this.#newMeta(opts);
    if (this.#host.notifyNewKeys) this.#host.onNewKey(this, key);
    this.#index.set(key, this.#alloc(value, meta));
  }

  /**
   * Replaces the bytes of an existing string key, keeping its TTL: in place, like Redis's
   * APPEND/SETRANGE/INCR on an unshared object (raw marks the in-place modification; fresh
   * gives the LRU/LFU of a new object, as SET's overwrite does).
   */
  replaceString(key: string, s: string, raw: boolean, fresh = false): void {
    const slot = key === this.#wKey ? this.#wSlot : this.#index.get(key);
    if (slot === undefined) return;
    const m = this.#meta(slot);
    this.#store(slot, s, (raw ? META_RAW : 0) | (fresh ? this.#host.touch(undefined) : m & LRU_MASK));
  }

  /** Deletes a key (and its TTL); true when it existed. */
  delete(key: string): boolean {
    if (!this.#index.has(key)) return false;
    this.#deleteRaw(key);
    return true;
  }

  #deleteRaw(key: string): void {
    const slot = this.#index.get(key);
    if (slot === undefined) return;
    this.#index.delete(key);
    this.#release(slot);
    if (slot === this.#wSlot) this.#wKey = undefined;
    if (this.expires.size !== 0) this.expires.delete(key);
  }

  getExpire(key: string): number | undefined {
    return this.expires.size === 0 ? undefined : this.expires.get(key);
  }

  setExpire(key: string, atMs: number): void {
    this.expires.set(key, atMs);
  }

  removeExpire(key: string): boolean {
    return this.expires.delete(key);
  }

  keys(): IterableIterator<string> {
    return this.#index.keys();
  }

  /** Sum over the keys of perKey + key length + the value's bytes (used_memory's estimate). */
  memoryEstimate(perKey: number): number {
    let sum = 0;
    const chunks = this.#chunks;
    for (const [k, slot] of this.#index) {
      const ch = chunks[slot >>> CHUNK_BITS]!;
      const i = (slot & CHUNK_MASK) << 1;
      sum += perKey + k.length + Db.#usage(ch[i] as Value, ((ch[i + 1] as number) & META_RAW) !== 0);
    }
    return sum;
  }

  /** [key, value] pairs, live (like a Map iterator). */
  *entries(): IterableIterator<[string, Value]> {
    for (const [k, slot] of this.#index) yield [k, this.#value(slot)];
  }

  /** Removes everything; returns how many keys there were. */
  flush(): number {
    const n = this.#index.size;
    this.#index = new Map();
    this.#chunks = [];
    this.#slots = 0;
    this.#free = -1;
    this.#wKey = undefined;
    this.expires = new Map();
    this.#scans.clear();
    this.#expireIt = null;
    this.#sampleIt = null;
    return n;
  }

  /** SWAPDB: exchange contents (not watchers or blocked clients). */
  swapWith(other: Db): void {
    const d = this.#index; this.#index = other.#index; other.#index = d;
    const ch = this.#chunks; this.#chunks = other.#chunks; other.#chunks = ch;
    const n = this.#slots; this.#slots = other.#slots; other.#slots = n;
    const f = this.#free; this.#free = other.#free; other.#free = f;
    this.#wKey = undefined; other.#wKey = undefined;
    const e = this.expires; this.expires = other.expires; other.expires = e;
    const a = this.avgTtl; this.avgTtl = other.avgTtl; other.avgTtl = a;
    this.#scans.clear(); this.#expireIt = null; this.#sampleIt = null;
    other.#scans.clear(); other.#expireIt = null; other.#sampleIt = null;
  }

  /**
   * One SCAN step. Cursor 0 starts; returns the next cursor (0 = done) and up to ~count keys
   * (expired keys are skipped). Cursors are handles to live iterators (bounded cache); an
   * unknown cursor ends the scan.
   */
  scan(cursor: number, count: number, filter?: (key: string) => boolean): { cursor: number; keys: string[] } {
    let st: ScanState | undefined;
    if (cursor === 0) st = { it: this.#index.keys() };
    else {
      st = this.#scans.get(cursor);
      if (st) this.#scans.delete(cursor);
      else return { cursor: 0, keys: [] };
    }
    const keys: string[] = [];
    let visited = 0;
    const limit = Math.max(1, count);
    for (;;) {
      if (visited >= limit) break;
      const r = st.it.next();
      if (r.done) return { cursor: 0, keys };
      visited++;
      const k = r.value;
      if (this.expires.size !== 0 && this.expireIfNeeded(k)) continue;
      if (filter && !filter(k)) continue;
      keys.push(k);
    }
    const id = this.#nextCursor++;
    if (this.#nextCursor > 2 ** 52) this.#nextCursor = 1;
    this.#scans.set(id, st);
    if (this.#scans.size > SCAN_CURSOR_CACHE) {
      const oldest = this.#scans.keys().next().value;
      if (oldest !== undefined) this.#scans.delete(oldest);
    }
    return { cursor: id, keys };
  }

  /** A pseudo-random key (rolling sampler, random skip), skipping expired ones; undefined when empty. */
  randomKey(): string | undefined {
    for (let tries = 0; tries < 100 && this.#index.size > 0; tries++) {
      const k = this.sample(1 + Math.floor(Math.random() * Math.min(this.#index.size, 32)))[0];
      if (k === undefined) return undefined;
      const at = this.expires.get(k);
      if (at !== undefined && at <= this.#host.now()) {
        if (this.#host.expireDeletesPaused()) {
          if (tries > 50) return k;
          continue;
        }
        this.expireIfNeeded(k);
        continue;
      }
      return k;
    }
    return undefined;
  }

  /** Samples keys from a rolling position (eviction pool, RANDOMKEY); returns the last of `skip` steps. */
  sample(skip: number): string[] {
    if (this.#index.size === 0) return [];
    let last: string | undefined;
    for (let i = 0; i < skip; i++) {
      if (!this.#sampleIt) this.#sampleIt = this.#index.keys();
      const r = this.#sampleIt.next();
      if (r.done) { this.#sampleIt = null; i--; if (this.#index.size === 0) break; continue; }
      last = r.value;
    }
    return last === undefined ? [] : [last];
  }

  /** Up to n keys from the rolling sampler (for eviction). */
  sampleMany(n: number, fromExpires: boolean): string[] {
    const out: string[] = [];
    const total = fromExpires ? this.expires.size : this.#index.size;
    if (total === 0) return out;
    n = Math.min(n, total);
    let guard = 0;
    while (out.length < n && guard++ < n * 3) {
      if (fromExpires) {
        if (!this.#expireIt) this.#expireIt = this.expires.entries();
        const r = this.#expireIt.next();
        if (r.done) { this.#expireIt = null; continue; }
        out.push(r.value[0]);
      } else {
        if (!this.#sampleIt) this.#sampleIt = this.#index.keys();
        const r = this.#sampleIt.next();
        if (r.done) { this.#sampleIt = null; continue; }
        out.push(r.value);
      }
    }
    return out;
  }

  /**
   * Active expire: examines up to `budget` keys with a TTL from the rolling position, deleting
   * the expired ones. Returns [checked, expired].
   */
  activeExpire(budget: number): [number, number] {
    if (this.expires.size === 0) return [0, 0];
    const now = this.#host.now();
    let checked = 0;
    let expired = 0;
    let ttlSum = 0;
    let ttlN = 0;
    let wraps = 0;
    while (checked < budget && this.expires.size > 0) {
      if (!this.#expireIt) this.#expireIt = this.expires.entries();
      const r = this.#expireIt.next();
      if (r.done) { this.#expireIt = null; if (++wraps > 1) break; continue; }
      checked++;
      const [k, at] = r.value;
      if (at <= now) {
        this.#deleteRaw(k);
        this.#host.stats.expired_keys++;
        this.#host.onExpired(this, k);
        expired++;
      } else {
        ttlSum += at - now;
        ttlN++;
      }
    }
    if (ttlN > 0) {
      const avg = ttlSum / ttlN;
      this.avgTtl = this.avgTtl === 0 ? avg : Math.round((this.avgTtl / 50) * 49 + avg / 50);
    }
    return [checked, expired];
  }
}
