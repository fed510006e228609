/** Shared helpers for the rdb report tests: run a report in-process over a corpus file. */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { OutputSink } from '../../tools/io/files.js';
import { bufferSource, readRdbBatches } from '../../tools/rdb/reader.js';
import { writeReportFromBatches, type ReportName, type ReportOptions } from '../../tools/rdb/reports/index.js';

export const CORPUS = resolve('../shared/corpus/rdb');
export const REF = resolve('../shared/corpus/rdb-ref');
export const haveCorpus = existsSync(CORPUS) && existsSync(REF);

export class MemorySink implements OutputSink {
  chunks: Buffer[] = [];
  committed = false;
  async write(c: string | Uint8Array): Promise<void> {
    this.chunks.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c));
  }
  async commit(): Promise<void> {
    this.committed = true;
  }
  async abort(): Promise<void> {}
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

export function corpusInput(name: string): string {
  const rdb = resolve(CORPUS, `${name}.rdb`);
  return existsSync(rdb) ? rdb : resolve(CORPUS, `${name}.aof`);
}

/** Runs report `cmd` over a corpus dump (as the CLI does: CRC mismatches tolerated). */
export async function runOn(name: string, cmd: ReportName, opts: ReportOptions = {}, chunk = 64 * 1024): Promise<Buffer> {
  const sink = new MemorySink();
  const data = readFileSync(corpusInput(name));
  await writeReportFromBatches(cmd, readRdbBatches(bufferSource(data, chunk), { ignoreCrc: true, chunkElements: 100 }), sink, opts);
  return sink.bytes();
}
