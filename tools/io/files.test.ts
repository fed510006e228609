import { mkdtempSync, readdirSync, readFileSync, existsSync, mkdirSync } from 'node:fs';
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
