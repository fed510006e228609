/**
 * `redkit rdb memory-csv DUMP`: the memory report (same columns, same numbers as
 * `rdb -c memory`) as valid RFC 4180 CSV: a key containing a comma, a double quote, CR or LF is
 * quoted and its quotes doubled. Keys are written as their raw bytes. Lines end with "\n".
 * (Hand-written quoting: one regex test per key is all it takes, and it keeps the hot loop free
 * of a per-row stream transform, so no CSV library is needed.)
 */
import type { RdbRecord } from '../types.js';
import { MemoryReport } from './memory.js';
import type { ByteOut, RdbReport } from './run.js';

export { csvField } from './memory.js';

export interface MemoryCsvOptions {
  minBytes?: number;
  largest?: number;
}

export class MemoryCsvReport implements RdbReport {
  #inner: MemoryReport;

  constructor(out: ByteOut, opts: MemoryCsvOptions = {}) {
    this.#inner = new MemoryReport(out, { ...opts, escape: 'raw', quoteKey: true });
  }

  onRecord(rec: RdbRecord): void {
    this.#inner.onRecord(rec);
  }
}
