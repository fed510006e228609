import { mkdtempSync, readdirSync, readFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtomicOutput, openInput } from './files.js';
import { RedkitError } from '../errors.js';

describe('openInput', () => {
  it('reports a missing file with a coded error', async () => {
    await expect(openInput('/nonexistent/x.rdb')).rejects.toMatchObject({ code: 'REDKIT_E_NOT_FOUND' });
  });
  it('reports a directory with a coded error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redkit-io-'));
    mkdirSync(join(dir, 'd'));
    const err = await openInput(join(dir, 'd')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedkitError);
    expect((err as RedkitError).code).toBe('REDKIT_E_IS_DIRECTORY');
  });
});

describe('AtomicOutput', () => {
  it('only shows the file under its name after commit, and removes it on abort', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redkit-io-'));
    const target = join(dir, 'out.txt');
    const out = await AtomicOutput.create(target);
    await out.write('hello ');
    expect(existsSync(target)).toBe(false);
    await out.write(Buffer.from('world'));
    await out.commit();
    expect(readFileSync(target, 'utf8')).toBe('hello world');

    const out2 = await AtomicOutput.create(join(dir, 'partial.txt'));
    await out2.write('half');
    await out2.abort();
    expect(readdirSync(dir)).toEqual(['out.txt']);
  });
});

describe('openInput options', () => {
  const dir = mkdtempSync(join(tmpdir(), 'redkit-io-'));
  const path = join(dir, 'data.bin');
  const data = Buffer.from(Array.from({ length: 3_000_000 }, (_, i) => i % 251));
  writeFileSync(path, data);

  async function collect(source: AsyncIterable<Buffer>, copy: boolean): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const c of source) parts.push(copy ? Buffer.from(c) : c);
    return Buffer.concat(parts);
  }

  it('reads a byte range, with and without reused buffers', async () => {
    for (const reuseBuffers of [false, true]) {
      const whole = await openInput(path, { reuseBuffers });
      expect(whole.size).toBe(data.length);
      expect((await collect(whole.source, true)).equals(data)).toBe(true);
      const part = await openInput(path, { reuseBuffers, start: 1_000_001, end: 2_500_000 });
      expect(part.size).toBe(1_499_999);
      expect((await collect(part.source, true)).equals(data.subarray(1_000_001, 2_500_000))).toBe(true);
      const empty = await openInput(path, { reuseBuffers, start: 10, end: 10 });
      expect((await collect(empty.source, true)).length).toBe(0);
    }
  });
});
