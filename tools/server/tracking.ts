/**
 * Client-side caching support (tracking.c): CLIENT TRACKING in default mode (the server
 * remembers which keys each client read and sends an invalidation when one changes) and BCAST
 * mode (clients subscribe to key prefixes and get invalidations for every matching key).
 * Invalidations go to the client itself as RESP3 pushes, or to a redirect client: RESP3
 * push, or, for RESP2, a message on the `__redis__:invalidate` channel.
 */
import type { ClientState } from './client.js';
import type { ServerState } from './server.js';

export const INVALIDATE_CHANNEL = '__redis__:invalidate';

interface Prefix { clients: Set<ClientState>; keys: Map<string, ClientState | null>; }

export class Tracking {
  readonly #srv: ServerState;
  /** key -> ids of clients that read it (default mode). */
  readonly table = new Map<string, Set<number>>();
  readonly prefixes = new Map<string, Prefix>();
  /** Invalidations for the client running the current command: sent after its reply. */
  #selfPending: { target: ClientState; keys: string[] | null }[] = [];
  clients = 0;

  constructor(srv: ServerState) {
    this.#srv = srv;
  }

  get totalItems(): number {
    let n = 0;
    for (const s of this.table.values()) n += s.size;
    return n;
  }

  enable(c: ClientState, opts: { redirect: number; bcast: boolean; optin: boolean; optout: boolean; noloop: boolean; prefixes: string[] }): void {
    if (!c.tracking) this.clients++;
    const prev = c.tracking;
    const prefixes = prev ? [...prev.prefixes] : [];
    c.tracking = { ...opts, prefixes, caching: null, broken: false };
    if (opts.bcast) {
      const list = opts.prefixes.length ? opts.prefixes : [''];
      for (const p of list) {
        if (!prefixes.includes(p)) prefixes.push(p);
        let e = this.prefixes.get(p);
        if (!e) { e = { clients: new Set(), keys: new Map() }; this.prefixes.set(p, e); }
        e.clients.add(c);
      }
    }
  }

  disable(c: ClientState): void {
    if (!c.tracking) return;
    for (const p of c.tracking.prefixes) {
      const e = this.prefixes.get(p);
      if (!e) continue;
      e.clients.delete(c);
      if (e.clients.size === 0) this.prefixes.delete(p);
    }
    c.tracking = null;
    this.clients--;
  }

  /** Prefix overlap check for BCAST (a client's prefixes must not be prefixes of each other). */
  checkPrefixes(c: ClientState, prefixes: string[]): string | null {
    const existing = c.tracking ? c.tracking.prefixes : [];
    for (let i = 0; i < prefixes.length; i++) {
      const p = prefixes[i]!;
      for (const q of existing) {
        if (q !== p && (q.startsWith(p) || p.startsWith(q))) return `ERR Prefix '${p}' overlaps with an existing prefix '${q}'. Prefixes for a single client must not overlap.`;
      }
      for (let j = i + 1; j < prefixes.length; j++) {
        const q = prefixes[j]!;
        if (q !== p && (q.startsWith(p) || p.startsWith(q))) return `ERR Prefix '${p}' overlaps with another provided prefix '${q}'. Prefixes for a single client must not overlap.`;
      }
    }
    return null;
  }

  /** After a read-only command: remember the keys it read (default mode, OPTIN/OPTOUT rules). */
  rememberKeys(c: ClientState, keys: string[]): void {
    const t = c.tracking;
    if (!t || t.bcast) return;
    if (t.optin && t.caching !== true) return;
    if (t.optout && t.caching === false) return;
    for (const k of keys) {
      let set = this.table.get(k);
      if (!set) { set = new Set(); this.table.set(k, set); }
      set.add(c.id);
    }
  }

  /** A key changed (or expired/evicted): notify who read it and queue it for BCAST prefixes. */
  invalidateKey(key: string, by: ClientState | null, bcast = true): void {
    if (bcast && this.prefixes.size) {
      for (const [p, e] of this.prefixes) {
        if (key.startsWith(p)) e.keys.set(key, by);
      }
    }
    const set = this.table.get(key);
    if (!set) return;
    this.table.delete(key);
    for (const id of set) {
      const c = this.#srv.clients.get(id);
      if (!c || !c.tracking || c.tracking.bcast) continue;
      if (c.tracking.noloop && c === by) continue;
      this.#send(c, [key], by);
    }
  }

  /** FLUSHALL/FLUSHDB: every tracking client gets a null invalidation. */
  invalidateAll(by: ClientState | null): void {
    for (const c of this.#srv.clients.values()) {
      if (c.tracking) this.#send(c, null, by);
    }
    this.table.clear();
  }

  /** tracking-table-max-keys: evict keys (with invalidations) while over the limit. */
  limitUsedSlots(max: number): void {
    if (max <= 0 || this.table.size <= max) return;
    for (const key of this.table.keys()) {
      if (this.table.size <= max) break;
      this.invalidateKey(key, null, false);
    }
  }

  /** Sends pending BCAST invalidations (one message per prefix per client), end of event. */
  flushBroadcast(): void {
    for (const e of this.prefixes.values()) {
      if (e.keys.size === 0) continue;
      for (const c of e.clients) {
        const keys: string[] = [];
        for (const [k, by] of e.keys) if (!(c.tracking?.noloop && by === c)) keys.push(k);
        if (keys.length) this.#send(c, keys, null);
      }
      e.keys.clear();
    }
  }

  /** Invalidations deferred for the running client, written after its reply. */
  flushSelf(): void {
    if (this.#selfPending.length === 0) return;
    const list = this.#selfPending;
    this.#selfPending = [];
    for (const p of list) this.#write(p.target, p.keys);
  }

  #send(c: ClientState, keys: string[] | null, by: ClientState | null): void {
    const t = c.tracking!;
    let target = c;
    if (t.redirect > 0) {
      const r = this.#srv.clients.get(t.redirect);
      if (!r) {
        // The redirect client is gone: RESP3 clients are told once per event.
        if (c.resp === 3 && !t.broken) {
          t.broken = true;
          c.reply.pushHeader(2); c.reply.bulk('tracking-redir-broken'); c.reply.integer(t.redirect);
          this.#srv.markPending(c);
        } else t.broken = true;
        return;
      }
      target = r;
    }
    if (target.resp !== 3 && !target.channels.has(INVALIDATE_CHANNEL)) return;
    const current = this.#srv.currentClient;
    if (by !== null && target === by && current === by) {
      this.#selfPending.push({ target, keys });
      return;
    }
    if (target === current && this.#srv.inCommand > 0) {
      this.#selfPending.push({ target, keys });
      return;
    }
    this.#write(target, keys);
  }

  #write(target: ClientState, keys: string[] | null): void {
    const w = target.reply;
    if (target.resp === 3) {
      w.pushHeader(2); w.bulk('invalidate');
    } else {
      w.arrayHeader(3); w.bulk('message'); w.bulk(INVALIDATE_CHANNEL);
    }
    if (keys === null) w.nullArray();
    else { w.arrayHeader(keys.length); for (const k of keys) w.bulk(k); }
    this.#srv.markPending(target);
  }
}
