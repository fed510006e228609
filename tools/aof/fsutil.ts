/**
 * Safe file replacement for AOF fixes: never modify the input in place.
 *
 * The new content goes to a temp file beside the target (AtomicOutput: fsync + rename), and
 * before the rename the original is hard-linked (or copied) to a backup name, so at every
 * moment either the old or the new file is at the target path and the old one survives.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import { AtomicOutput } from '../io/files.js';
import { fromSystemError } from '../errors.js';

/** `<path>.bak`, or `<path>.bak.1`, `.bak.2`… when taken. */
export async function freeBackupName(path: string): Promise<string> {
  for (let i = 0; ; i++) {
    const name = i === 0 ? `${path}.bak` : `${path}.bak.${i}`;
    try {
      await fsp.lstat(name);
    } catch {
      return name;
    }
  }
}

/** Keeps the current file at `backup` (hard link when possible, else a copy). */
export async function keepBackup(path: string, backup: string): Promise<void> {
  try {
    await fsp.link(path, backup);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw fromSystemError(err, backup);
    await fsp.copyFile(path, backup);
  }
}

/** Replaces `path` by its first `length` bytes; returns the backup path. */
export async function truncateWithBackup(path: string, length: number, backup?: string): Promise<string> {
  const out = await AtomicOutput.create(path);
  try {
    if (length > 0) {
      const stream = createReadStream(path, { start: 0, end: length - 1, highWaterMark: 1 << 20 });
      for await (const chunk of stream) await out.write(chunk as Buffer);
    }
    const bak = backup ?? (await freeBackupName(path));
    await keepBackup(path, bak);
    await out.commit();
    return bak;
  } catch (err) {
    await out.abort();
    throw err;
  }
}

/** Replaces `path` by what `fill` writes, keeping a backup; returns the backup path. */
export async function replaceWithBackup(path: string, fill: (out: AtomicOutput) => Promise<void>, backup?: string): Promise<string> {
  const out = await AtomicOutput.create(path);
  try {
    await fill(out);
    const bak = backup ?? (await freeBackupName(path));
    await keepBackup(path, bak);
    await out.commit();
    return bak;
  } catch (err) {
    await out.abort();
    throw err;
  }
}
