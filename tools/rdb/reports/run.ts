/**
 * Driver shared by every report: pulls record batches from the reader, applies the key
 * filters, hands each record to the report synchronously, and writes the report's output in
 * large chunks (respecting the sink's back-pressure between batches).
 *
 * Reports append "byte strings" (one char per output byte, see escape.ts) to a ByteOut; the
 * driver turns them into Buffers with one latin1 copy per chunk.
 */
import type { OutputSink } from '../../io/files.js';
import type { RdbEofRecord, RdbRecord } from '../types.js';
import type { KeyFilter } from './filters.js';

/** Output is handed to the sink once this many bytes are pending. */
const FLUSH_AT = 1 << 20;

export class ByteOut {
  s = '';

  take(): Buffer {
    const b = Buffer.from(this.s, 'latin1');
    this.s = '';
    return b;
  }
}

export interface RdbReport {
  /** A record that passed the filters (header, aux, selectdb, key, elements, key-end, eof, ...). */
  onRecord(rec: RdbRecord): void;
}

/** Something the reports can be fed from: the reader's `readRdbBatches` result. */
export type RecordBatches = AsyncIterable<RdbRecord[]>;

/** Drives `report` over all batches; returns the dump's eof record (CRC outcome). */
export async function runReport(batches: RecordBatches, report: RdbReport, out: ByteOut, sink: OutputSink, filter?: KeyFilter): Promise<RdbEofRecord | undefined> {
  const filtering = filter !== undefined && filter.active;
  let skipping = false;
  let eof: RdbEofRecord | undefined;
  for await (const batch of batches) {
    for (let i = 0; i < batch.length; i++) {
      const rec = batch[i]!;
      if (filtering) {
        if (rec.kind === 'key') {
          skipping = !filter.matches(rec);
          if (skipping) continue;
        } else if (skipping) {
          if (rec.kind === 'elements') continue;
          if (rec.kind === 'key-end') {
            skipping = false;
            continue;
          }
        }
      }
      if (rec.kind === 'eof') eof = rec;
      report.onRecord(rec);
    }
    if (out.s.length >= FLUSH_AT) await sink.write(out.take());
  }
  if (out.s.length > 0) await sink.write(out.take());
  return eof;
}

/** Runs a report over in-memory records (tests, small inputs). */
export function renderRecords(records: Iterable<RdbRecord>, make: (out: ByteOut) => RdbReport, filter?: KeyFilter): Buffer {
  const out = new ByteOut();
  const report = make(out);
  let skipping = false;
  for (const rec of records) {
    if (filter?.active) {
      if (rec.kind === 'key') {
        skipping = !filter.matches(rec);
        if (skipping) continue;
      } else if (skipping) {
        if (rec.kind === 'elements') continue;
        if (rec.kind === 'key-end') {
          skipping = false;
          continue;
        }
      }
    }
    report.onRecord(rec);
  }
  return out.take();
}
