/**
 * Input for MONITOR analysis. Plain files are read into two reused 1 MiB buffers: the analyzers
 * copy what they keep, and a fresh Buffer per chunk (what a ReadStream hands out) piles up as
 * external memory until a GC happens to run, which on a large capture was ~45 MB of the RSS.
 * stdin and `.lz4` go through the shared tools/io openInput().
 */
import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { RedkitError, fromSystemError } from '../errors.js';
import { openInput, READ_CHUNK, type ByteSource } from '../io/files.js';

export interface MonitorInput {
  source: ByteSource;
  name: string;
}

export async function openMonitorInput(path: string): Promise<MonitorInput> {
  if (path === '-' || path.endsWith('.lz4')) {
    const i = await openInput(path);
    return { source: i.source, name: i.name };
  }
  let st;
  try {
    st = await fsp.stat(path);
  } catch (err) {
    throw fromSystemError(err, path);
  }
  if (st.isDirectory()) throw new RedkitError('REDKIT_E_IS_DIRECTORY', `${path}: is a directory`, { file: path });
  return { source: reusedBufferChunks(path), name: path };
}

/**
 * Yields views of two alternating buffers: while the consumer parses one chunk, the next is
 * being read into the other. Each chunk is valid until the consumer asks for the one after next.
 */
async function* reusedBufferChunks(path: string): ByteSource {
  let fh: FileHandle;
  try {
    fh = await fsp.open(path, 'r');
  } catch (err) {
    throw fromSystemError(err, path);
  }
  const read = (b: Buffer): Promise<number> =>
    fh.read(b, 0, b.length, null).then((r) => r.bytesRead, (err: unknown) => { throw fromSystemError(err, path); });
  let cur = Buffer.allocUnsafe(READ_CHUNK);
  let other = Buffer.allocUnsafe(READ_CHUNK);
  let pending: Promise<number> | undefined = read(cur);
  try {
    for (;;) {
      const n = await pending;
      pending = undefined;
      if (n === 0) return;
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
