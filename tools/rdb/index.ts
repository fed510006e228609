/**
 * tools/rdb: the RDB codec.
 *
 * - reader.ts: `readRdbBatches(source, opts)` / `readRdb(source, opts)`: streaming records
 *   (types.ts is the record contract), `RdbParser` for push-style use.
 * - check.ts: `checkRdb(source, opts)` (redis-check-rdb as a library) and `formatCheckReport`.
 * - writer.ts: `RdbWriter` (dump files real Redis loads), `encodeDumpPayload` /
 *   `decodeDumpPayload` (DUMP/RESTORE), the in-memory `RdbValue` type.
 * - encodings.ts, lzf.ts, crc64.ts: the blob formats, LZF and CRC-64/Jones.
 * - constants.ts: every on-disk constant, named as upstream.
 * - reports/: redis-rdb-tools style reports built on the reader.
 */
export * from './types.js';
export { readRdb, readRdbBatches, bufferSource, RdbParser, moduleNameFromId, strtod, type RdbReaderOptions } from './reader.js';
export { checkRdb, formatCheckReport, type CheckOptions, type CheckResult, type CheckDbStats, type CheckEvent } from './check.js';
export { Crc64, crc64 } from './crc64.js';
export { lzfDecompress, lzfCompress } from './lzf.js';
export {
  RdbWriter,
  ListpackBuilder,
  encodeDumpPayload,
  decodeDumpPayload,
  chooseRdbType,
  canonicalInt,
  type RdbValue,
  type RdbEncodeOptions,
  type RdbWriterOptions,
  type DecodedDump,
} from './writer.js';
