/**
 * RDB reports: the redis-rdb-tools 0.1.15 commands (json, memory, justkeys, justkeyvals,
 * protocol, diff) byte for byte, plus JSON Lines, valid memory CSV, key-prefix and big-key
 * reports. Each report consumes the reader's records synchronously and appends bytes to a
 * ByteOut; `writeReport` drives one over a byte source into an output sink.
 *
 *   await writeReport('json', openInput('dump.rdb').source, await openOutput('out.json'), {});
 */
import type { OutputSink } from '../../io/files.js';
import { readRdbBatches } from '../reader.js';
import type { RdbEofRecord, ReadRdbOptions } from '../types.js';
import { DiffReport } from './diff.js';
import type { EscapeMode } from './escape.js';
import { KeyFilter, type KeyFilterOptions } from './filters.js';
import { JsonReport } from './json.js';
import { JsonlReport } from './jsonl.js';
import { JustKeysReport, JustKeyValsReport } from './justkeys.js';
import { MemoryReport } from './memory.js';
import { MemoryCsvReport } from './memory-csv.js';
import { ProtocolReport } from './protocol.js';
import { ByteOut, runReport, type RdbReport, type RecordBatches } from './run.js';

export const RDBTOOLS_COMMANDS = ['json', 'memory', 'justkeys', 'justkeyvals', 'protocol', 'diff'] as const;
export type RdbtoolsCommand = (typeof RDBTOOLS_COMMANDS)[number];
export type ReportName = RdbtoolsCommand | 'jsonl' | 'memory-csv';

export interface ReportOptions extends KeyFilterOptions {
  /** `-e`; default per command as in rdbtools (json: utf8, diff: print, others: raw). */
  escape?: EscapeMode;
  /** memory `-b` */
  minBytes?: number;
  /** memory `-l` */
  largest?: number;
  /** protocol `-x` */
  noExpire?: boolean;
  /** protocol `-a` */
  amendExpireSeconds?: number;
  /** json/justkeyvals/protocol: write streams exactly as rdbtools does (`{}`, nothing). */
  rdbtoolsStreams?: boolean;
}

export function makeReport(name: ReportName, out: ByteOut, opts: ReportOptions = {}): RdbReport {
  switch (name) {
    case 'json':
      return new JsonReport(out, opts.escape ?? 'utf8', opts.rdbtoolsStreams);
    case 'justkeys':
      return new JustKeysReport(out, opts.escape ?? 'raw');
    case 'justkeyvals':
      return new JustKeyValsReport(out, opts.escape ?? 'raw', opts.rdbtoolsStreams);
    case 'diff':
      return new DiffReport(out, opts.escape ?? 'print');
    case 'protocol':
      return new ProtocolReport(out, { escape: opts.escape ?? 'raw', noExpire: opts.noExpire, amendExpireSeconds: opts.amendExpireSeconds, rdbtoolsStreams: opts.rdbtoolsStreams });
    case 'memory':
      return new MemoryReport(out, { escape: opts.escape ?? 'raw', minBytes: opts.minBytes, largest: opts.largest });
    case 'memory-csv':
      return new MemoryCsvReport(out, { minBytes: opts.minBytes, largest: opts.largest });
    case 'jsonl':
      return new JsonlReport(out);
  }
}

/** Runs report `name` over already-read record batches. */
export async function writeReportFromBatches(name: ReportName, batches: RecordBatches, sink: OutputSink, opts: ReportOptions = {}): Promise<RdbEofRecord | undefined> {
  const filter = new KeyFilter(opts);
  const out = new ByteOut();
  const report = makeReport(name, out, opts);
  return runReport(batches, report, out, sink, filter);
}

/** Reads the dump from `source` and writes report `name` to `sink` (does not commit it). */
export async function writeReport(name: ReportName, source: AsyncIterable<Buffer>, sink: OutputSink, opts: ReportOptions = {}, readOpts: ReadRdbOptions = {}): Promise<RdbEofRecord | undefined> {
  return writeReportFromBatches(name, readRdbBatches(source, readOpts), sink, opts);
}

export { ByteOut, runReport, renderRecords } from './run.js';
export { KeyFilter } from './filters.js';
export { ESCAPE_MODES, type EscapeMode } from './escape.js';
