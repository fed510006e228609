/**
 * Input for MONITOR analysis. Plain files are read into ONE reused 1 MiB buffer: the analyzers
 * copy what they keep, and a fresh Buffer per chunk (what a ReadStream hands out) piles up as
 * external memory until a GC happens to run, which on a large capture was ~45 MB of the RSS.
 * stdin and `.lz4` go through the shared tools/io openInput().
 */
import { promises as fsp } from 'node:fs';
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

/** Yields views of one buffer: each chunk is only valid until the consumer asks for the next. */
async function* reusedBufferChunks(path: string): ByteSource {
  let fh;
  try {
    fh = await fsp.open(path, 'r');
  } catch (err) {
    throw fromSystemError(err, path);
  }
  const buf = Buffer.allocUnsafe(READ_CHUNK);
  try {
    for (;;) {
      let n: number;
      try {
        ({ bytesRead: n } = await fh.read(buf, 0, buf.length, null));
      } catch (err) {
        throw fromSystemError(err, path);
      }
      if (n === 0) return;
      yield buf.subarray(0, n);
    }
  } finally {
    await fh.close();
  }
}
