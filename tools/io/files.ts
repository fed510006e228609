/**
 * The one place that opens inputs and outputs (DESIGN.md "I/O").
 *
 * - `openInput(path)`: an async iterable of Buffer chunks from a file, `-` (stdin) or a `.lz4`
 *   file (LZ4 frame, via lz4-napi). Missing files and directories become coded errors.
 * - `AtomicOutput`: writes to a temp file beside the target, fsyncs, renames on `commit()`,
 *   and deletes the temp file on `abort()`, so a failed run never leaves a file that looks
 *   complete.
 * - `openOutput(path)`: stdout for undefined / `-`, otherwise an AtomicOutput.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { RedkitError, fromSystemError } from '../errors.js';

export type ByteSource = AsyncIterable<Buffer>;

/** Chunk size for file reads: large enough to amortise syscalls, small enough to bound memory. */
export const READ_CHUNK = 1 << 20;

export interface InputInfo {
  source: ByteSource;
  /** Size in bytes when known (regular files), for progress and offsets. */
  size: number | undefined;
  name: string;
}

export interface OpenInputOptions {
  /**
   * Read a plain file into two alternating buffers instead of allocating a Buffer per chunk.
   * Each chunk is then valid only until the consumer asks for the chunk after next: for
   * consumers that copy what they keep (parsers). Saves tens of MB of RSS on big inputs, where
   * fresh chunks pile up as external memory until a GC runs.
   */
  reuseBuffers?: boolean;
  /** Byte range of a plain file to read: [start, end). */
  start?: number;
  end?: number;
}

export async function openInput(path: string, opts: OpenInputOptions = {}): Promise<InputInfo> {
  if (path === '-') {
    return { source: process.stdin as AsyncIterable<Buffer>, size: undefined, name: '<stdin>' };
  }
  let st;
  try {
    st = await fsp.stat(path);
  } catch (err) {
    throw fromSystemError(err, path);
  }
  if (st.isDirectory()) throw new RedkitError('REDKIT_E_IS_DIRECTORY', `${path}: is a directory`, { file: path });
  if (path.endsWith('.lz4')) {
    return { source: lz4Source(path), size: undefined, name: path };
  }
  const start = opts.start ?? 0;
  const end = Math.min(opts.end ?? st.size, st.size);
  const size = Math.max(0, end - start);
  if (opts.reuseBuffers) return { source: reusedBufferChunks(path, start, end), size, name: path };
  if (size === 0) return { source: emptySource(), size, name: path };
  const stream = createReadStream(path, { highWaterMark: READ_CHUNK, start, end: end - 1 });
  return { source: wrapErrors(stream, path), size, name: path };
}

async function* emptySource(): ByteSource {}

async function* wrapErrors(stream: Readable, path: string): ByteSource {
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (err) {
    throw fromSystemError(err, path);
  }
}

/**
 * Yields views of two alternating buffers: while the consumer parses one chunk, the next is
 * being read into the other. Each chunk is valid until the consumer asks for the one after next.
 */
async function* reusedBufferChunks(path: string, start: number, end: number): ByteSource {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw fromSystemError(err, path);
  }
  let pos = start;
  const read = (b: Buffer): Promise<number> => {
    const len = Math.min(b.length, end - pos);
    if (len <= 0) return Promise.resolve(0);
    const at = pos;
    pos += len;
    return fh.read(b, 0, len, at).then((r) => r.bytesRead, (err: unknown) => { throw fromSystemError(err, path); });
  };
  let cur = Buffer.allocUnsafe(Math.min(READ_CHUNK, Math.max(1, end - start)));
  let other = Buffer.allocUnsafe(cur.length);
  let pending: Promise<number> | undefined = read(cur);
  try {
    for (;;) {
      const n = await pending;
      pending = undefined;
      if (!n) return;
      const chunk = cur.subarray(0, n);
      [cur, other] = [other, cur];
      pending = read(cur);
      yield chunk;
    }
  } finally {
    if (pending) await pending.catch(() => undefined);
    await fh.close();
  }
}

/**
 * LZ4-framed input. lz4-napi decodes whole frames only, so the compressed file is read into
 * memory and decoded at once; the decoded buffer is then handed out in READ_CHUNK slices.
 * (Documented limit: an .lz4 input needs memory for its compressed and decompressed size.)
 */
async function* lz4Source(path: string): ByteSource {
  const { decompressFrame } = await import('lz4-napi');
  let raw: Buffer;
  try {
    raw = await fsp.readFile(path);
  } catch (err) {
    throw fromSystemError(err, path);
  }
  let out: Buffer;
  try {
    out = await decompressFrame(raw);
  } catch (err) {
    throw new RedkitError('REDKIT_E_LZ4', `${path}: not a valid LZ4 frame`, { file: path, cause: err });
  }
  for (let off = 0; off < out.length; off += READ_CHUNK) yield out.subarray(off, off + READ_CHUNK);
}

/** Something bytes and text can be written to. */
export interface OutputSink {
  write(chunk: string | Uint8Array): Promise<void>;
  /** Makes the output final (rename into place, or flush stdout). */
  commit(): Promise<void>;
  /** Discards a partial output (removes the temp file). Safe to call after commit (no-op). */
  abort(): Promise<void>;
}

/** Collects small writes into 64 KiB blocks before handing them to `sink`. */
const BLOCK = 64 * 1024;

abstract class BufferedOutput implements OutputSink {
  #buf: Buffer[] = [];
  #buffered = 0;

  protected abstract sink(data: Buffer): Promise<void>;
  abstract commit(): Promise<void>;
  abstract abort(): Promise<void>;

  async write(chunk: string | Uint8Array): Promise<void> {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.#buf.push(b);
    this.#buffered += b.length;
    if (this.#buffered >= BLOCK) await this.flush();
  }

  protected async flush(): Promise<void> {
    if (this.#buffered === 0) return;
    const data = this.#buf.length === 1 ? this.#buf[0]! : Buffer.concat(this.#buf, this.#buffered);
    this.#buf = [];
    this.#buffered = 0;
    await this.sink(data);
  }
}

export class AtomicOutput extends BufferedOutput {
  readonly path: string;
  readonly tempPath: string;
  #fh: FileHandle | undefined;
  #done = false;

  private constructor(path: string, tempPath: string, fh: FileHandle) {
    super();
    this.path = path;
    this.tempPath = tempPath;
    this.#fh = fh;
  }

  static async create(path: string): Promise<AtomicOutput> {
    const tempPath = join(dirname(path), `.${basename(path)}.redkit-${process.pid}-${Date.now()}.tmp`);
    let fh: FileHandle;
    try {
      fh = await open(tempPath, 'wx');
    } catch (err) {
      throw fromSystemError(err, path);
    }
    return new AtomicOutput(path, tempPath, fh);
  }

  protected async sink(data: Buffer): Promise<void> {
    await this.#fh!.write(data);
  }

  async commit(): Promise<void> {
    if (this.#done) return;
    await this.flush();
    const fh = this.#fh!;
    await fh.sync();
    await fh.close();
    this.#fh = undefined;
    await fsp.rename(this.tempPath, this.path);
    this.#done = true;
  }

  async abort(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    if (this.#fh) await this.#fh.close().catch(() => undefined);
    this.#fh = undefined;
    await fsp.unlink(this.tempPath).catch(() => undefined);
  }
}

/** Writes to stdout, respecting back-pressure; `commit` waits for the drain. */
export class StdoutOutput extends BufferedOutput {
  protected async sink(data: Buffer): Promise<void> {
    if (!process.stdout.write(data)) {
      await new Promise<void>((resolve) => process.stdout.once('drain', resolve));
    }
  }

  async commit(): Promise<void> {
    await this.flush();
  }

  async abort(): Promise<void> {
    await this.flush();
  }
}

export async function openOutput(path: string | undefined): Promise<OutputSink> {
  if (path === undefined || path === '-') return new StdoutOutput();
  return AtomicOutput.create(path);
}
