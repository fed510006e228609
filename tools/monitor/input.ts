/**
 * Input for MONITOR analysis: files, stdin and `.lz4` through the shared openInput(). Plain
 * files are read into reused buffers (the analyzers copy what they keep): a fresh Buffer per
 * chunk piles up as external memory until a GC happens to run, ~45 MB of RSS on a large capture.
 */
import { openInput, type ByteSource } from '../io/files.js';

export interface MonitorInput {
  source: ByteSource;
  name: string;
}

export async function openMonitorInput(path: string): Promise<MonitorInput> {
  const input = await openInput(path, { reuseBuffers: true });
  return { source: input.source, name: input.name };
}
