/**
 * Driver shared by every report: pulls record batches from the reader, applies the key
 * filters, hands each record to the report synchronously, and writes the report's output in
 * large chunks (respecting the sink's back-pressure between batches).
 *
 * Reports append "byte strings" (one char per output byte, see escape.ts) to a ByteOut; the
 * driver turns them into Buffers with one latin1 copy per chunk.
 */
import { AtomicOutput, StdoutOutput, type OutputSink } from '../../io/files.js';
import type { RdbEofRecord, RdbRecord } from '../types.js';
import type { KeyFilter } from './filters.js';

/** Output is handed to the sink once this many bytes are pending. */
const FLUSH_AT = 256 << 10;
/** Size of each output block (room for a batch's output past FLUSH_AT, so a recycled block rarely overflows). */
const BLOCK = 1 << 20;
/** A chunk this large is written through by the file sink's write() (its buffering is 64 KiB). */
const SINK_BUFFERS_BELOW = 64 * 1024;

interface Latin1Writer {
  latin1Write(s: string, offset: number, length: number): number;
}

/**
 * Output under construction: bytes appended into large preallocated blocks (no string
 * concatenation, no per-key allocation). Full blocks are handed out by `take()` and never
 * reused, so a sink may keep them.
 */
export class ByteOut {
  buf: Buffer = Buffer.allocUnsafeSlow(BLOCK);
  pos = 0;
  /** The whole allocation `buf` is a view of. */
  #block: Buffer = this.buf;
  #done: Buffer[] = [];
  #doneBytes = 0;

  /** Bytes appended and not yet taken. */
  get size(): number {
    return this.#doneBytes + this.pos;
  }

  /** Makes room for `n` more bytes in `buf` at `pos`. */
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (this.pos > 0) {
      this.#done.push(this.buf.subarray(0, this.pos));
      this.#doneBytes += this.pos;
    }
    this.buf = this.#block = Buffer.allocUnsafeSlow(Math.max(BLOCK, n));
    this.pos = 0;
  }

  /** Appends a byte string (every char code < 256). */
  ascii(s: string): void {
    const n = s.length;
    this.reserve(n);
    const buf = this.buf;
    let p = this.pos;
    if (n < 24) {
      for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
      this.pos = p;
    } else {
      this.pos = p + (buf as unknown as Latin1Writer).latin1Write(s, p, n);
    }
  }

  bytes(b: Uint8Array): void {
    const n = b.length;
    this.reserve(n);
    const buf = this.buf;
    let p = this.pos;
    if (n < 32) {
      for (let i = 0; i < n; i++) buf[p++] = b[i]!;
      this.pos = p;
    } else {
      buf.set(b, p);
      this.pos = p + n;
    }
  }

  byte(c: number): void {
    if (this.pos >= this.buf.length) this.reserve(1);
    this.buf[this.pos++] = c;
  }

  /** Decimal text of an integer (safe-integer range; others via String()). */
  int(n: number): void {
    if (!Number.isSafeInteger(n)) {
      this.ascii(String(n));
      return;
    }
    this.reserve(21);
    const buf = this.buf;
    let p = this.pos;
    if (n < 0) {
      buf[p++] = 0x2d;
      n = -n;
    }
    if (n < 10) {
      buf[p++] = 0x30 + n;
    } else if (n <= 0x7fffffff) {
      let digits = 1;
      for (let t = n; t >= 10; t = (t / 10) | 0) digits++;
      let q = p + digits;
      p = q;
      while (n >= 10) {
        const nq = (n / 10) | 0;
        buf[--q] = 0x30 + (n - nq * 10);
        n = nq;
      }
      buf[--q] = 0x30 + n;
    } else {
      let digits = 1;
      for (let t = n; t >= 10; t = Math.floor(t / 10)) digits++;
      let q = p + digits;
      p = q;
      while (n >= 10) {
        const d = n % 10;
        buf[--q] = 0x30 + d;
        n = (n - d) / 10;
      }
      buf[--q] = 0x30 + n;
    }
    this.pos = p;
  }

  /** Everything appended so far, as one Buffer (copies only when several blocks are pending). */
  take(): Buffer {
    let out: Buffer;
    if (this.#done.length === 0) {
      out = this.buf.subarray(0, this.pos);
    } else {
      this.#done.push(this.buf.subarray(0, this.pos));
      out = Buffer.concat(this.#done, this.#doneBytes + this.pos);
      this.#done = [];
      this.#doneBytes = 0;
    }
    // The taken bytes now belong to the caller: continue in the rest of the block.
    this.buf = this.buf.subarray(this.pos);
    this.pos = 0;
    if (this.buf.length < 4096) this.buf = this.#block = Buffer.allocUnsafeSlow(BLOCK);
    return out;
  }

  /**
   * Writes from the start of the current block again. Only for a caller that knows no Buffer
   * returned by `take()` is referenced any more (the sink has written it out): without this,
   * every block becomes garbage that is freed only by a full GC, which a small heap rarely runs.
   */
  rewind(): void {
    if (this.pos === 0 && this.#done.length === 0) this.buf = this.#block;
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
  // A file sink has written a large chunk by the time write() resolves; stdout has once its
  // stream holds nothing more (an async pipe keeps the chunk queued until written).
  const isStdout = sink instanceof StdoutOutput;
  const fileSink = sink instanceof AtomicOutput;
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
    if (out.size >= FLUSH_AT) {
      const chunk = out.take();
      await sink.write(chunk);
      if (chunk.length >= SINK_BUFFERS_BELOW && (fileSink || (isStdout && process.stdout.writableLength === 0))) out.rewind();
    }
  }
  if (out.size > 0) await sink.write(out.take());
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
