/**
 * Aggregate reports built on the memory estimate (same numbers as `rdb -c memory`):
 *
 * `redkit rdb prefixes DUMP`: memory and key counts per key prefix, largest first, as CSV.
 *   prefix,keys,size_in_bytes,num_elements,expires
 *   user:,120000,15360000,120000,0
 * A key's prefix is its first `depth` segments, each ended by one of the delimiter characters
 * (default ":"); a key with fewer delimiters is grouped under its longest such prefix, and a key
 * without any under "" (empty prefix). Memory is bounded: at most 100 000 distinct prefixes are
 * tracked, later new ones are counted under the prefix "(other)".
 *
 * `redkit rdb bigkeys DUMP`: the N largest keys of each type by estimated memory, as CSV.
 *   type,rank,database,key,size_in_bytes,encoding,num_elements,len_largest_element
 *   hash,1,0,big:hash,21495032,hashtable,300000,10
 * followed by one summary line per type: `type,total,keys,size_in_bytes`.
 * Keys and prefixes are raw bytes, CSV-quoted when they contain `,` `"` CR or LF.
 */
import type { OutputSink } from '../../io/files.js';
import { KeyFilter, type KeyFilterOptions } from './filters.js';
import { csvField, MemoryProfiler, type MemoryRow } from './memory.js';

import { ByteOut, runReport, type RecordBatches } from './run.js';

const MAX_PREFIXES = 100_000;

export interface PrefixOptions extends KeyFilterOptions {
  delimiters?: string;
  depth?: number;
  top?: number;
}

interface PrefixStats {
  keys: number;
  bytes: number;
  elements: number;
  expires: number;
}

export function keyPrefix(key: string, delimiters: string, depth: number): string {
  let seen = 0;
  for (let i = 0; i < key.length; i++) {
    if (delimiters.includes(key[i]!)) {
      seen++;
      if (seen === depth) return key.slice(0, i + 1);
    }
  }
  if (seen === 0) return '';
  // fewer delimiters than depth: up to the last delimiter
  for (let i = key.length - 1; i >= 0; i--) if (delimiters.includes(key[i]!)) return key.slice(0, i + 1);
  return '';
}

export async function writePrefixReport(batches: RecordBatches, sink: OutputSink, opts: PrefixOptions = {}): Promise<void> {
  const delimiters = opts.delimiters || ':';
  const depth = Math.max(1, opts.depth ?? 1);
  const stats = new Map<string, PrefixStats>();
  const profiler = new MemoryProfiler((row: MemoryRow) => {
    let p = keyPrefix(row.key, delimiters, depth);
    let s = stats.get(p);
    if (!s) {
      if (stats.size >= MAX_PREFIXES) {
        p = '(other)';
        s = stats.get(p);
      }
      if (!s) {
        s = { keys: 0, bytes: 0, elements: 0, expires: 0 };
        stats.set(p, s);
      }
    }
    s.keys++;
    s.bytes += Math.trunc(row.bytes);
    s.elements += row.size;
    if (row.expireMs !== null) s.expires++;
  }, 'raw');
  const out = new ByteOut();
  await runReport(batches, profiler, out, sink, new KeyFilter(opts));
  const rows = [...stats.entries()].sort((a, b) => b[1].bytes - a[1].bytes || (a[0] < b[0] ? -1 : 1));
  const top = opts.top && opts.top > 0 ? rows.slice(0, opts.top) : rows;
  out.ascii('prefix,keys,size_in_bytes,num_elements,expires\n');
  for (const [p, s] of top) out.ascii(`${csvField(p)},${s.keys},${s.bytes},${s.elements},${s.expires}\n`);
  await sink.write(out.take());
}

export interface BigKeysOptions extends KeyFilterOptions {
  top?: number;
}

export async function writeBigKeysReport(batches: RecordBatches, sink: OutputSink, opts: BigKeysOptions = {}): Promise<void> {
  const n = Math.max(1, opts.top ?? 5);
  const perType = new Map<string, { rows: MemoryRow[]; keys: number; bytes: number }>();
  const profiler = new MemoryProfiler((row: MemoryRow) => {
    let t = perType.get(row.type);
    if (!t) {
      t = { rows: [], keys: 0, bytes: 0 };
      perType.set(row.type, t);
    }
    t.keys++;
    t.bytes += Math.trunc(row.bytes);
    // Keep the n largest (n is small: insertion into a sorted array).
    const rows = t.rows;
    if (rows.length < n || row.bytes > rows[rows.length - 1]!.bytes) {
      let i = rows.length;
      while (i > 0 && rows[i - 1]!.bytes < row.bytes) i--;
      rows.splice(i, 0, row);
      if (rows.length > n) rows.pop();
    }
  }, 'raw');
  const out = new ByteOut();
  await runReport(batches, profiler, out, sink, new KeyFilter(opts));
  out.ascii('type,rank,database,key,size_in_bytes,encoding,num_elements,len_largest_element\n');
  const types = [...perType.keys()].sort();
  for (const t of types) {
    perType.get(t)!.rows.forEach((r, i) => {
      out.ascii(`${t},${i + 1},${r.db},${csvField(r.key)},${Math.trunc(r.bytes)},${r.encoding},${r.size},${r.largest}\n`);
    });
  }
  for (const t of types) {
    const s = perType.get(t)!;
    out.ascii(`${t},total,${s.keys},${s.bytes}\n`);
  }
  await sink.write(out.take());
}
