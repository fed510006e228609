/**
 * Where the commands of an AOF are: one old-style file (RESP, or RDB preamble + RESP tail), or
 * a Redis 7 multi-part set (manifest: BASE then INCR files; HISTORY files are not loaded).
 * `readAofSet` streams every record of every part in loading order, with provenance.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import { RedkitError, isRedkitError } from '../errors.js';
import { openInput } from '../io/files.js';
import { detectInputKind, findManifestInDir } from './check.js';
import { parseManifest, ManifestError, type AofManifest } from './manifest.js';
import { readRdbBatches } from '../rdb/reader.js';
import { readAofBatches, type AofRecord, type ReadAofOptions } from './reader.js';

export interface AofPart {
  /** Path on disk. */
  path: string;
  /** Name as the manifest (or the user) gives it. */
  name: string;
  role: 'single' | 'base' | 'incr';
  size: number;
  /** The part starts with an RDB; its RESP tail starts at `rdbEnd`. */
  rdb: boolean;
  rdbEnd: number;
  /** Manifest seq (multi-part). */
  seq?: number;
}

export interface AofLayout {
  kind: 'single' | 'multi-part';
  /** The manifest path (multi-part). */
  manifestPath?: string;
  dir: string;
  manifest?: AofManifest;
  parts: AofPart[];
}

/** The RDB part of a file, as one opaque record (its bytes are copied verbatim by edits). */
export interface AofRdbRecord {
  kind: 'rdb';
  file: string;
  offset: number;
  length: number;
  line: number;
}

export type AofSetRecord = (AofRecord | AofRdbRecord) & { part: number };

async function fileSize(path: string): Promise<number> {
  try {
    return (await fsp.stat(path)).size;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new RedkitError('REDKIT_E_NOT_FOUND', `${path}: no such file`, { file: path, cause: err });
    throw new RedkitError('REDKIT_E_IO', `${path}: ${(err as Error).message}`, { file: path, cause: err });
  }
}

async function rdbInfo(path: string, size: number): Promise<{ rdb: boolean; rdbEnd: number }> {
  if (size < 8) return { rdb: false, rdbEnd: 0 };
  const fh = await fsp.open(path, 'r');
  const sig = Buffer.alloc(5);
  try {
    await fh.read(sig, 0, 5, 0);
  } finally {
    await fh.close();
  }
  if (sig.toString('latin1') !== 'REDIS') return { rdb: false, rdbEnd: 0 };
  // The boundary between the RDB and the RESP tail is found by parsing the RDB (keys only).
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const batch of readRdbBatches(stream as AsyncIterable<Buffer>, { keysOnly: true, fileName: path })) {
      for (const rec of batch) if (rec.kind === 'eof') return { rdb: true, rdbEnd: rec.trailingOffset };
    }
  } catch (err) {
    if (isRedkitError(err)) throw new RedkitError('REDKIT_E_RDB_CORRUPT', `${path}: the RDB part is damaged: ${err.describe()}`, { file: path, offset: err.offset, cause: err });
    throw err;
  } finally {
    stream.destroy();
  }
  throw new RedkitError('REDKIT_E_RDB_TRUNCATED', `${path}: the RDB part ends before its EOF opcode`, { file: path });
}

/** Resolves a file, a manifest or an AOF directory. */
export async function resolveLayout(input: string): Promise<AofLayout> {
  let path = input;
  let st;
  try {
    st = await fsp.stat(path);
  } catch (err) {
    throw new RedkitError('REDKIT_E_NOT_FOUND', `${path}: no such file or directory`, { file: path, cause: err });
  }
  if (st.isDirectory()) {
    const m = await findManifestInDir(path);
    if (!m) throw new RedkitError('REDKIT_E_AOF_MANIFEST', `${path}: no (single) *.manifest file in this directory`, { file: path });
    path = m;
  }
  const kind = await detectInputKind(path);
  if (kind !== 'manifest') {
    const size = await fileSize(path);
    const r = await rdbInfo(path, size);
    return { kind: 'single', dir: dirname(path), parts: [{ path, name: path, role: 'single', size, ...r }] };
  }
  let manifest: AofManifest;
  try {
    manifest = parseManifest(await fsp.readFile(path));
  } catch (err) {
    if (err instanceof ManifestError) throw new RedkitError('REDKIT_E_AOF_MANIFEST', `${path}: ${err.message}`, { file: path, cause: err });
    throw err;
  }
  const dir = dirname(path);
  const parts: AofPart[] = [];
  for (const [ai, role] of [...(manifest.base ? [[manifest.base, 'base'] as const] : []), ...manifest.incr.map((i) => [i, 'incr'] as const)]) {
    const p = join(dir, ai.fileName);
    const size = await fileSize(p);
    const r = role === 'base' ? await rdbInfo(p, size) : { rdb: false, rdbEnd: 0 };
    parts.push({ path: p, name: ai.fileName, role, size, seq: ai.seq, ...r });
  }
  return { kind: 'multi-part', manifestPath: path, dir, manifest, parts };
}

/**
 * Streams the bytes of a file in [start, end) through two reused read buffers (openInput's
 * reuseBuffers: the AOF reader copies what it parses into its own window, so no 1 MiB Buffer
 * per chunk is left for the GC to find).
 */
export async function* fileSource(path: string, start = 0, end?: number): AsyncIterable<Buffer> {
  if (end !== undefined && end <= start) return;
  const input = await openInput(path, end === undefined ? { reuseBuffers: true, start } : { reuseBuffers: true, start, end });
  yield* input.source;
}

/** Every record of every part, in loading order. Each file starts in db 0 (as the loader's fresh client). */
export async function* readAofSet(layout: AofLayout, opts: ReadAofSetOptions = {}): AsyncGenerator<AofSetRecord> {
  for await (const batch of readAofSetBatches(layout, opts)) yield* batch;
}

export interface ReadAofSetOptions extends Omit<ReadAofOptions, 'file' | 'startOffset' | 'db' | 'firstIndex'> {
  /** Called now and then with the bytes done over all parts (for a progress bar). */
  progress?: (done: number, total: number) => void;
}

/** `readAofSet` in arrays of records (the fast path). */
export async function* readAofSetBatches(layout: AofLayout, opts: ReadAofSetOptions = {}): AsyncGenerator<AofSetRecord[]> {
  let index = 0;
  const total = layout.parts.reduce((a, p) => a + p.size, 0);
  let before = 0;
  let lastReport = 0;
  const { progress, ...readOpts } = opts;
  for (let i = 0; i < layout.parts.length; i++) {
    const part = layout.parts[i]!;
    if (part.rdb) yield [{ kind: 'rdb', file: part.name, offset: 0, length: part.rdbEnd, line: 1, part: i }];
    for await (const batch of readAofBatches(fileSource(part.path, part.rdbEnd), { ...readOpts, file: part.name, startOffset: part.rdbEnd, db: 0, firstIndex: index })) {
      for (const rec of batch) {
        (rec as AofSetRecord).part = i;
        if (rec.kind === 'command') index = rec.index + 1;
      }
      if (progress) {
        const last = batch[batch.length - 1]!;
        const done = before + last.offset + last.length;
        if (done - lastReport >= 16 << 20) { lastReport = done; progress(done, total); }
      }
      yield batch as AofSetRecord[];
    }
    before += part.size;
  }
  if (progress && lastReport > 0) progress(total, total);
}
