/** Shared helpers for the RDB reader tests: collect a dump into per-key values, Redis-style views. */
import { readRdbBatches, type RdbReaderOptions } from '../../tools/rdb/reader.js';
import type { HashField, RdbKeyRecord, RdbRecord, StreamEntry, StreamId, StreamMeta, ZsetMember } from '../../tools/rdb/types.js';

export const CORPUS = new URL('../../../shared/corpus/rdb/', import.meta.url).pathname;
export const REF = new URL('../../../shared/corpus/rdb-ref/', import.meta.url).pathname;

export async function* chunks(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, Math.min(buf.length, i + size));
}

export interface CollectedKey {
  rec: RdbKeyRecord;
  db: number;
  key: Buffer;
  items: unknown[];
  count: number;
  stream?: StreamMeta;
}

export interface Collected {
  records: RdbRecord[];
  keys: CollectedKey[];
  functions: Buffer[];
}

export async function collect(buf: Buffer, opts: RdbReaderOptions = {}, chunkSize = 4096): Promise<Collected> {
  const records: RdbRecord[] = [];
  const keys: CollectedKey[] = [];
  const functions: Buffer[] = [];
  let cur: CollectedKey | null = null;
  for await (const batch of readRdbBatches(chunks(buf, chunkSize), opts)) {
    for (const r of batch) {
      records.push(r);
      if (r.kind === 'key') {
        cur = { rec: r, db: r.db, key: r.key, items: r.value ? [r.value] : [], count: 0 };
        keys.push(cur);
      } else if (r.kind === 'elements') cur!.items.push(...r.elements.items);
      else if (r.kind === 'key-end') {
        cur!.count = r.info.count;
        if (r.stream) cur!.stream = r.stream;
      } else if (r.kind === 'function') functions.push(r.code);
    }
  }
  return { records, keys, functions };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
export function text(b: Buffer): string | { hex: string } {
  try {
    return utf8.decode(b);
  } catch {
    return { hex: b.toString('hex') };
  }
}

/** C's printf("%.17g"), as Redis 7.0 formats zset scores in replies. */
export function fmt17g(d: number): string {
  if (Number.isNaN(d)) return 'nan';
  if (!Number.isFinite(d)) return d > 0 ? 'inf' : '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const [mant, eStr] = d.toExponential(16).split('e') as [string, string];
  const e = parseInt(eStr, 10);
  if (e < -4 || e >= 17) {
    const m = mant.includes('.') ? mant.replace(/\.?0+$/, '') : mant;
    return `${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  let s = d.toFixed(Math.max(0, 16 - e));
  if (s.includes('.')) s = s.replace(/\.?0+$/, '');
  return s;
}

const cmpBuf = (a: Buffer, b: Buffer): number => Buffer.compare(a, b);
const sid = (id: StreamId): string => `${id.ms}-${id.seq}`;

/** What redis-server would hold for this key, in the redis7-view.jsonl shape (minus `encoding`). */
export function redisView(k: CollectedKey, now: number): Record<string, unknown> | null {
  const r = k.rec;
  if (r.expireMs !== null && r.expireMs < now) return null;
  const out: Record<string, unknown> = { db: k.db, key: text(k.key), type: r.type };
  if (r.expireMs !== null) out.expire_at_ms = r.expireMs;
  switch (r.type) {
    case 'string':
      out.value = text(k.items[0] as Buffer);
      break;
    case 'list':
      if (k.items.length === 0) return null;
      out.value = (k.items as Buffer[]).map(text);
      break;
    case 'set':
      if (k.items.length === 0) return null;
      out.value = [...(k.items as Buffer[])].sort(cmpBuf).map(text);
      break;
    case 'hash': {
      const items = k.items as HashField[];
      if (items.length === 0) return null;
      out.value = [...items].sort((a, b) => cmpBuf(a.field, b.field)).map((h) => [text(h.field), text(h.value)]);
      break;
    }
    case 'zset': {
      const items = k.items as ZsetMember[];
      if (items.length === 0) return null;
      out.value = [...items]
        .sort((a, b) => (a.score === b.score ? cmpBuf(a.member, b.member) : a.score < b.score ? -1 : 1))
        .map((z) => [text(z.member), fmt17g(z.score)]);
      // Skiplist zsets (types 3, 5) small enough to become listpacks on load are re-encoded
      // with d2string + lpAppend, which stores "-0" as the integer 0.
      if ((r.rdbType === 3 || r.rdbType === 5) && items.length <= 128 && items.every((z) => z.member.length <= 64)) {
        for (const pair of out.value as unknown[][]) if (pair[1] === '-0') pair[1] = '0';
      }
      break;
    }
    case 'stream': {
      const s = k.stream!;
      out.entries = (k.items as StreamEntry[]).map((e) => ({ id: sid(e.id), fields: e.fields.map(([f, v]) => [text(f), text(v)]) }));
      const meta: Record<string, unknown> = { length: s.length, 'last-generated-id': sid(s.lastId) };
      if (s.maxDeletedEntryId) meta['max-deleted-entry-id'] = sid(s.maxDeletedEntryId);
      if (s.entriesAdded !== undefined) meta['entries-added'] = s.entriesAdded;
      if (s.firstId) meta['recorded-first-entry-id'] = sid(s.firstId);
      out.meta = meta;
      out.groups = s.groups.map((g) => {
        const owner = new Map<string, string | { hex: string }>();
        for (const c of g.consumers) for (const id of c.pending) owner.set(sid(id), text(c.name));
        const pel = new Map(g.pending.map((p) => [sid(p.id), p]));
        return {
          name: text(g.name),
          'last-delivered-id': sid(g.lastId),
          'entries-read': g.entriesRead === undefined || g.entriesRead < 0 ? null : g.entriesRead,
          'pel-count': g.pending.length,
          pending: g.pending.map((p) => [sid(p.id), owner.get(sid(p.id)) ?? null, p.deliveryTimeMs, p.deliveryCount]),
          consumers: g.consumers.map((c) => ({
            name: text(c.name),
            'seen-time': c.seenTimeMs,
            'pel-count': c.pending.length,
            pending: c.pending.map((id) => [sid(id), pel.get(sid(id))?.deliveryTimeMs, pel.get(sid(id))?.deliveryCount]),
          })),
        };
      });
      break;
    }
    default:
      return null;
  }
  return out;
}

/** The collected key as an in-memory value (null for module values). */
export function toValue(k: CollectedKey): import('../../tools/rdb/writer.js').RdbValue | null {
  switch (k.rec.type) {
    case 'string':
      return { type: 'string', value: k.items[0] as Buffer };
    case 'list':
    case 'set':
      return { type: k.rec.type, items: k.items as Buffer[] };
    case 'zset':
      return { type: 'zset', items: k.items as ZsetMember[] };
    case 'hash':
      return { type: 'hash', items: k.items as HashField[] };
    case 'stream':
      return { type: 'stream', items: k.items as StreamEntry[], meta: k.stream! };
    default:
      return null;
  }
}

/** Order-insensitive, JSON-comparable form of a value (for round-trip comparisons). */
export function normalize(v: import('../../tools/rdb/writer.js').RdbValue): unknown {
  const h = (b: Buffer): string => b.toString('hex');
  switch (v.type) {
    case 'string':
      return ['string', h(v.value)];
    case 'list':
      return ['list', v.items.map(h)];
    case 'set':
      return ['set', [...new Set(v.items.map(h))].sort()];
    case 'zset':
      return ['zset', v.items.map((z) => [h(z.member), Object.is(z.score, -0) ? '-0' : String(z.score)]).sort()];
    case 'hash':
      return ['hash', v.items.map((f) => [h(f.field), h(f.value), f.expireMs ?? null]).sort()];
    case 'stream': {
      const m = v.meta;
      return [
        'stream',
        v.items.map((e) => [sid(e.id), e.fields.map(([a, b]) => [h(a), h(b)])]),
        m.length,
        sid(m.lastId),
        m.groups.map((g) => [
          h(g.name),
          sid(g.lastId),
          g.entriesRead ?? -1,
          g.pending.map((p) => [sid(p.id), p.deliveryTimeMs, p.deliveryCount]).sort(),
          g.consumers.map((c) => [h(c.name), c.seenTimeMs, c.pending.map(sid).sort()]),
        ]),
      ];
    }
  }
}
