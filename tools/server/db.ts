/**
 * The keyspace: one Db per logical database (SELECT). Keys and string bytes are latin1 JS
 * strings. A Map holds the values, a second Map the absolute expire times (ms), like Redis's
 * dict + expires dict. Expiry is lazy on access (lookup*) plus an active cycle (activeExpire),
 * driven by the server's cron at `hz`.
 *
 * Iteration state (SCAN cursors, the active-expire and eviction sampling positions) uses live
 * Map iterators, which V8 keeps valid across inserts and deletes: a key present for the whole
 * scan is returned at least once, as Redis guarantees.
 */
import type { CommandContext } from './command.js';

export interface RedisValue {
  readonly type: 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream' | 'module';
  /** OBJECT ENCODING: 'int' | 'embstr' | 'raw' | 'listpack' | 'quicklist' | 'intset' | 'hashtable' | 'skiplist' | 'stream'. */
  encoding(): string;
  /** Approximate bytes used (MEMORY USAGE), for maxmemory accounting. */
  memoryUsage(): number;
  /** LRU clock (seconds) or LFU (ldt<<8 | counter), maintained by the keyspace. */
  lru?: number;
  /** Optional deep copy for COPY (when absent COPY replies an error for that type). */
  clone?(): RedisValue;
  /** Optional: content digest for DEBUG DIGEST-VALUE (any stable string of the content). */
  digest?(): string;
}

/** What the keyspace needs from the server (kept narrow so a Db can be used standalone). */
export interface DbHost {
  /** ms clock of the current command. */
  now(): number;
  /** Called when a key is found expired and removed (notify 'expired', stats, propagate DEL). */
  onExpired(db: Db, key: string): void;
  /** True while expiry must not delete keys (CLIENT PAUSE WRITE, replicas): expired keys read as missing. */
  expireDeletesPaused(): boolean;
  /** Access bookkeeping for LRU/LFU (returns the new lru field value). */
  touch(old: number | undefined): number;
  /** keyspace_hits / keyspace_misses. */
  stats: { keyspace_hits: number; keyspace_misses: number; expired_keys: number };
  /** True when 'n' (new key) keyspace events are enabled. */
  readonly notifyNewKeys: boolean;
  onNewKey(db: Db, key: string): void;
  /** Keyspace notification for misses ('m'). */
  onKeyMiss(db: Db, key: string): void;
}

interface ScanState { it: IterableIterator<string>; }

const SCAN_CURSOR_CACHE = 4096;

export class Db {
  readonly id: number;
  #host: DbHost;
  dict = new Map<string, RedisValue>();
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

  get size(): number { return this.dict.size; }
  get expiresCount(): number { return this.expires.size; }

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
  lookupRead(key: string, noTouch = false): RedisValue | undefined {
    const v = this.dict.get(key);
    if (v === undefined || (this.expires.size !== 0 && this.expireIfNeeded(key))) {
      this.#host.stats.keyspace_misses++;
      this.#host.onKeyMiss(this, key);
      return undefined;
    }
    this.#host.stats.keyspace_hits++;
    if (!this.noTouch && !noTouch) v.lru = this.#host.touch(v.lru);
    return v;
  }

  /** Write lookup: lazy-expires; no hit/miss stats. */
  lookupWrite(key: string): RedisValue | undefined {
    const v = this.dict.get(key);
    if (v === undefined) return undefined;
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    if (!this.noTouch) v.lru = this.#host.touch(v.lru);
    return v;
  }

  /** Lookup without any side effect except lazy expiry (EXISTS-like internal use, no stats). */
  peek(key: string): RedisValue | undefined {
    const v = this.dict.get(key);
    if (v === undefined) return undefined;
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    return v;
  }

  /** Typed lookup: undefined if missing; replies WRONGTYPE and returns null if of another type. */
  lookupTyped<T extends RedisValue>(c: CommandContext, key: string, type: RedisValue['type'], forWrite: boolean): T | undefined | null {
    const v = forWrite ? this.lookupWrite(key) : this.lookupRead(key);
    if (v === undefined) return undefined;
    if (v.type !== type) { c.wrongType(); return null; }
    return v as T;
  }

  has(key: string): boolean {
    return this.peek(key) !== undefined;
  }

  /** Sets the value; an overwrite clears the TTL unless keepTtl. */
  set(key: string, value: RedisValue, opts?: { keepTtl?: boolean }): void {
    if (value.lru === undefined || value.lru === 0) value.lru = this.#host.touch(undefined);
    if (this.#host.notifyNewKeys && !this.dict.has(key)) this.#host.onNewKey(this, key);
    this.dict.set(key, value);
    if (!(opts && opts.keepTtl) && this.expires.size !== 0) this.expires.delete(key);
  }

  /** Adds a key that must not exist. */
  add(key: string, value: RedisValue): void {
    if (value.lru === undefined || value.lru === 0) value.lru = this.#host.touch(undefined);
    if (this.#host.notifyNewKeys) this.#host.onNewKey(this, key);
    this.dict.set(key, value);
  }

  /** Deletes a key (and its TTL); true when it existed. */
  delete(key: string): boolean {
    if (!this.dict.has(key)) return false;
    this.#deleteRaw(key);
    return true;
  }

  #deleteRaw(key: string): void {
    this.dict.delete(key);
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
    return this.dict.keys();
  }

  /** Removes everything; returns how many keys there were. */
  flush(): number {
    const n = this.dict.size;
    this.dict = new Map();
    this.expires = new Map();
    this.#scans.clear();
    this.#expireIt = null;
    this.#sampleIt = null;
    return n;
  }

  /** SWAPDB: exchange contents (not watchers or blocked clients). */
  swapWith(other: Db): void {
    const d = this.dict; this.dict = other.dict; other.dict = d;
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
    if (cursor === 0) st = { it: this.dict.keys() };
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
    for (let tries = 0; tries < 100 && this.dict.size > 0; tries++) {
      const k = this.sample(1 + Math.floor(Math.random() * Math.min(this.dict.size, 32)))[0];
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
    if (this.dict.size === 0) return [];
    let last: string | undefined;
    for (let i = 0; i < skip; i++) {
      if (!this.#sampleIt) this.#sampleIt = this.dict.keys();
      const r = this.#sampleIt.next();
      if (r.done) { this.#sampleIt = null; i--; if (this.dict.size === 0) break; continue; }
      last = r.value;
    }
    return last === undefined ? [] : [last];
  }

  /** Up to n keys from the rolling sampler (for eviction). */
  sampleMany(n: number, fromExpires: boolean): string[] {
    const out: string[] = [];
    const total = fromExpires ? this.expires.size : this.dict.size;
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
        if (!this.#sampleIt) this.#sampleIt = this.dict.keys();
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
