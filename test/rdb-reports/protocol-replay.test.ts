/**
 * Differential test of `rdb -c protocol` against real Redis: the protocol output of a dump is
 * piped into a fresh redis-server (`redis-cli --pipe`, must report 0 errors), the server saves,
 * and the saved dump must hold the same data as the original (compared through our jsonl:
 * values, TTLs to the second, streams with entries, IDs, consumer groups, consumers and
 * pending entries with delivery counts; function libraries). Keys whose TTL has already
 * passed are gone from the replay, as they would be from Redis.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { haveRealRedis, startRealRedis, requiredInCi } from '../helpers/real-redis.js';
import { bufferSource, readRdbBatches } from '../../tools/rdb/reader.js';
import { writeReportFromBatches } from '../../tools/rdb/reports/index.js';
import { MemorySink, haveCorpus, runOn } from './helpers.js';

interface Key {
  id: string;
  type: string;
  expirySec: number | null;
  value: unknown;
}

function parseJsonl(text: string): { keys: Map<string, Key>; functions: string[] } {
  const keys = new Map<string, Key>();
  const functions: string[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const o = JSON.parse(line) as Record<string, unknown>;
    if ('function' in o) {
      functions.push(JSON.stringify(o.function));
      continue;
    }
    const id = `${o.db as number}/${JSON.stringify(o.key)}`;
    keys.set(id, { id, type: o.type as string, expirySec: o.expiry === null ? null : Math.floor((o.expiry as number) / 1000), value: normalize(o.type as string, o.value) });
  }
  return { keys, functions };
}

const str = (x: unknown): string => JSON.stringify(x);

function normalize(type: string, v: unknown): unknown {
  switch (type) {
    case 'set':
      return (v as unknown[]).map(str).sort();
    case 'hash':
      return (v as unknown[][]).map((p) => str(p.slice(0, 2))).sort();
    case 'zset':
      return (v as unknown[][]).map((p) => str([p[0], p[1] === 0 ? 0 : p[1]])).sort();
    case 'stream': {
      const s = v as Record<string, unknown> & { groups: Array<Record<string, unknown> & { consumers: Array<Record<string, unknown>> }> };
      return {
        entries: s.entries,
        length: s.length,
        last_id: s.last_id,
        max_deleted_entry_id: s.max_deleted_entry_id,
        entries_added: s.entries_added,
        groups: s.groups
          .map((g) => ({
            name: g.name,
            last_id: g.last_id,
            entries_read: g.entries_read,
            pending: (g.pending as Array<Record<string, unknown>>).map((p) => [p.id, p.delivery_time, p.delivery_count]),
            consumers: g.consumers.map((c) => ({ name: c.name, pending: c.pending })).sort((a, b) => (str(a.name) < str(b.name) ? -1 : 1)),
          }))
          .sort((a, b) => (str(a.name) < str(b.name) ? -1 : 1)),
      };
    }
    default:
      return v;
  }
}

/** A v1 stream (Redis < 7) has no entries_added / max_deleted / entries_read: Redis 7 adds them. */
function dropFieldsMissingIn(replayed: unknown, orig: unknown): void {
  const r = replayed as Record<string, unknown> & { groups: Array<Record<string, unknown>> };
  const o = orig as Record<string, unknown> & { entries: Array<{ id: string }>; groups: Array<Record<string, unknown> & { pending: unknown[][]; consumers: Array<{ pending: string[] }> }> };
  // Commands cannot recreate pending entries of messages no longer in the stream (XCLAIM
  // drops them), nor a stored length that disagrees with the entries (damaged dumps).
  const live = new Set(o.entries.map((e) => e.id));
  for (const g of o.groups) {
    g.pending = g.pending.filter((p) => live.has(p[0] as string));
    for (const c of g.consumers) c.pending = c.pending.filter((id) => live.has(id));
  }
  if (o.length !== o.entries.length) o.length = r.length;
  for (const f of ['entries_added', 'max_deleted_entry_id']) if (o[f] === undefined) r[f] = undefined;
  r.groups.forEach((g, i) => {
    if (o.groups[i] && o.groups[i]!.entries_read === undefined) g.entries_read = undefined;
  });
}

const DUMPS = ['redis7-mixed', 'rdbtools-redis_50_with_streams', 'rdbtools-parser_filters', 'hdt3213-stream_listpacks_1', 'rdbtools-non_ascii_values'];

describe.skipIf(!requiredInCi(haveCorpus, 'the shared corpus') || !haveRealRedis())('rdb -c protocol replayed into real redis-server rebuilds the dump', () => {
  for (const name of DUMPS) {
    it(name, async () => {
      const redis = await startRealRedis(['--appendonly', 'no']);
      try {
        const proto = await runOn(name, 'protocol');
        const r = spawnSync('redis-cli', ['-p', String(redis.port), '--pipe'], { input: proto, encoding: 'utf8', maxBuffer: 1 << 26 });
        expect(r.stdout, r.stdout + r.stderr).toMatch(/errors: 0,/);
        redis.cli('SAVE');
        const saved = readFileSync(join(redis.dir, 'dump.rdb'));
        const sink = new MemorySink();
        await writeReportFromBatches('jsonl', readRdbBatches(bufferSource(saved)), sink, {});
        const replay = parseJsonl(sink.bytes().toString('utf8'));
        const orig = parseJsonl((await runOn(name, 'jsonl')).toString('utf8'));
        expect(replay.functions).toEqual(orig.functions);
        const now = Math.floor(Date.now() / 1000);
        for (const [id, k] of orig.keys) {
          const got = replay.keys.get(id);
          const emptyCollection = Array.isArray(k.value) && k.value.length === 0;
          if (!got) {
            expect(emptyCollection || (k.expirySec !== null && k.expirySec <= now), `${name}: ${id} missing after replay`).toBe(true);
            continue;
          }
          expect(got.type, id).toBe(k.type);
          expect(got.expirySec, `${id} expiry`).toBe(k.expirySec);
          if (k.type === 'stream') dropFieldsMissingIn(got.value, k.value);
          expect(got.value, `${id} value`).toEqual(k.value);
        }
        expect([...replay.keys.keys()].filter((id) => !orig.keys.has(id))).toEqual([]);
      } finally {
        await redis.stop();
      }
    }, 60_000);
  }
});
