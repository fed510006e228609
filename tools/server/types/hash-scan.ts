/**
 * HSCAN / SSCAN / ZSCAN argument parsing and replies (db.c scanGenericCommand for
 * collection values). Small encodings (listpack, intset) are returned whole with cursor 0,
 * as Redis does; big ones are walked in their iteration order with the cursor being the
 * position reached.
 */
import type { CommandContext } from '../command.js';
import { globMatch } from './zset-util.js';

export interface ScanOptions { cursor: number; count: number; match: string | null }

/** Parses `cursor [MATCH p] [COUNT n]` starting at argv[2]; replies the error and returns null. */
export function parseScanArgs(c: CommandContext, argv: string[]): ScanOptions | null {
  const cs = argv[2]!;
  if (!/^[0-9]+$/.test(cs) || cs.length > 20 || BigInt(cs) > 18446744073709551615n) {
    c.reply.error('ERR invalid cursor');
    return null;
  }
  const opts: ScanOptions = { cursor: Number(cs), count: 10, match: null };
  for (let i = 3; i < argv.length; i += 2) {
    const opt = argv[i]!.toLowerCase();
    const more = argv.length - i - 1;
    if (opt === 'count' && more >= 1) {
      const s = argv[i + 1]!;
      if (!/^-?(0|[1-9][0-9]*)$/.test(s) || s.length > 20) { c.reply.error('ERR value is not an integer or out of range'); return null; }
      const n = Number(s);
      if (n < 1) { c.syntaxError(); return null; }
      opts.count = n;
    } else if (opt === 'match' && more >= 1) {
      const p = argv[i + 1]!;
      opts.match = p === '*' ? null : p;
    } else {
      c.syntaxError();
      return null;
    }
  }
  return opts;
}

/**
 * Emits a scan reply from flat [k, v, k, v …] or [k …] items (stride 1 or 2), filtering on
 * MATCH against the first of each group.
 */
export function scanReply(c: CommandContext, next: number, items: string[], stride: 1 | 2, match: string | null): void {
  let out = items;
  if (match !== null) {
    out = [];
    for (let i = 0; i < items.length; i += stride) {
      if (globMatch(match, items[i]!)) {
        out.push(items[i]!);
        if (stride === 2) out.push(items[i + 1]!);
      }
    }
  }
  c.reply.arrayHeader(2);
  c.reply.bulk(String(next));
  c.reply.arrayHeader(out.length);
  for (const s of out) c.reply.bulk(s);
}

/**
 * Cursor state for big collections: cursor ids map to live iterators over the value's
 * Map/Set (V8 keeps them valid across inserts and deletes), so an element present for the
 * whole scan is returned at least once even while the collection changes, as Redis
 * guarantees. An unknown cursor (expired from the small cache) restarts from the beginning,
 * which may repeat elements, and that SCAN allows.
 */
interface LiveScans { next: number; its: Map<number, Iterator<unknown>> }
const liveScans = new WeakMap<object, LiveScans>();
const MAX_LIVE_SCANS = 64;

export function scanLive<T>(owner: object, cursor: number, count: number, open: () => Iterator<T>): { next: number; items: T[] } {
  let st = liveScans.get(owner);
  if (!st) { st = { next: 1, its: new Map() }; liveScans.set(owner, st); }
  let it = cursor !== 0 ? st.its.get(cursor) as Iterator<T> | undefined : undefined;
  if (it) st.its.delete(cursor); else it = open();
  const items: T[] = [];
  for (let i = 0; i < count; i++) {
    const r = it.next();
    if (r.done) return { next: 0, items };
    items.push(r.value);
  }
  const id = st.next++;
  if (st.its.size >= MAX_LIVE_SCANS) st.its.delete(st.its.keys().next().value!);
  st.its.set(id, it);
  return { next: id, items };
}
