/**
 * `redkit aof …` from the command line: the --fix question (answered on stdin like
 * redis-check-aof, or with --yes), backups, exit codes of check / --strict, and the repair,
 * edit and stats commands on the small hand-made fixtures in fixtures/aof/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requiredInCi } from '../helpers/real-redis.js';

const root = join(import.meta.dirname, '..', '..');
const fixtures = join(root, 'fixtures', 'aof');
const haveDist = existsSync(join(root, 'dist', 'tools', 'cli', 'main.js'));

function redkit(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'redkit.js'), ...args], { encoding: 'latin1', input: input ?? '', cwd: root });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!requiredInCi(haveDist, 'a built dist/ (npm run build)'))('redkit aof CLI', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'redkit-aof-cli-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const copy = (name: string) => { const p = join(dir, `${Math.random().toString(36).slice(2)}-${name}`); copyFileSync(join(fixtures, name), p); return p; };

  it('check: valid file, exit 0, redis-check-aof lines', () => {
    const r = redkit(['aof', 'check', join(fixtures, 'valid.aof')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Start checking Old-Style AOF\nAOF analyzed: filename=.*valid\.aof, size=\d+, ok_up_to=\d+, ok_up_to_line=\d+, diff=0\nAOF .*valid\.aof is valid\n$/);
  });

  it('check: truncated file, exit 1, offsets', () => {
    const r = redkit(['aof', 'check', join(fixtures, 'truncated.aof')]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('Expected to read');
    expect(r.stdout).toContain('is not valid. Use the --fix option to try fixing it.');
  });

  it('--fix asks; "n" aborts and leaves the file alone', () => {
    const p = copy('truncated.aof');
    const before = readFileSync(p);
    const r = redkit(['aof', 'check', '--fix', p], 'n\n');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('Continue? [y/N]: Aborting...');
    expect(readFileSync(p)).toEqual(before);
  });

  it('--fix with "y" on stdin truncates, keeps a .bak; --yes needs no stdin', () => {
    const p = copy('truncated.aof');
    const size = statSync(p).size;
    const r = redkit(['aof', 'check', '--fix', p], 'y\n');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`Successfully truncated AOF ${p}`);
    expect(statSync(p).size).toBeLessThan(size);
    expect(statSync(`${p}.bak`).size).toBe(size);
    expect(r.stderr).toContain(`${p}.bak`);
    const q = copy('truncated.aof');
    const r2 = redkit(['aof', 'check', '--fix', '--yes', '--backup', `${q}.orig`, q]);
    expect(r2.status).toBe(0);
    expect(statSync(`${q}.orig`).size).toBe(size);
    expect(redkit(['aof', 'check', q]).status).toBe(0);
  });

  it('--fix with stdin closed aborts like the original (never hangs)', () => {
    const p = copy('truncated.aof');
    const r = redkit(['aof', 'check', '--fix', p]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('Aborting...');
  });

  it('--truncate-to-timestamp: cut, and invalid value', () => {
    const p = copy('timestamps.aof');
    const r = redkit(['aof', 'check', '--truncate-to-timestamp', '1700000100', p]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`Successfully truncated AOF ${p} to timestamp 1700000100`);
    expect(readFileSync(p, 'latin1')).not.toContain('#TS:1700000200');
    const bad = redkit(['aof', 'check', '--truncate-to-timestamp', '12x', p]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('Invalid timestamp, aborting...\n');
  });

  it('check of a multi-part directory and its manifest', () => {
    const d = join(dir, 'mp');
    cpSync(join(fixtures, 'multipart'), d, { recursive: true });
    for (const target of [d, join(d, 'appendonly.aof.manifest')]) {
      const r = redkit(['aof', 'check', target]);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('Start checking Multi Part AOF');
      expect(r.stdout).toContain('All AOF files and manifest are valid');
    }
  });

  it('check --strict: exit 0 loads, 1 refuses, 2 loads after truncation; --json', () => {
    expect(redkit(['aof', 'check', '--strict', join(fixtures, 'valid.aof')]).status).toBe(0);
    const u = redkit(['aof', 'check', '--strict', join(fixtures, 'unknown-command.aof')]);
    expect(u.status).toBe(1);
    expect(u.stdout).toContain("Unknown command 'NOSUCHCMD'");
    // redis-check-aof passes that file; the server would not start
    expect(redkit(['aof', 'check', join(fixtures, 'unknown-command.aof')]).status).toBe(0);
    expect(redkit(['aof', 'check', '--strict', join(fixtures, 'truncated.aof')]).status).toBe(2);
    const j = JSON.parse(redkit(['aof', 'check', '--strict', '--json', join(fixtures, 'bare-lf.aof')]).stdout);
    expect(j.verdict).toBe('loads');
    expect(j.findings[0].code).toBe('bare-lf');
  });

  it('repair --salvage reports the skipped range and writes a clean file', () => {
    const out = join(dir, 'salvaged.aof');
    const r = redkit(['aof', 'repair', '--salvage', join(fixtures, 'garbage-middle.aof'), '-o', out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/skipped .*garbage-middle\.aof bytes \d+\.\.\d+/);
    expect(redkit(['aof', 'check', out]).status).toBe(0);
    const stats = JSON.parse(redkit(['aof', 'stats', '--json', out]).stdout);
    expect(stats.byCommand.set.count).toBe(3); // SET a, SET c, SET d: only SET b was damaged
  });

  it('repair refuses to overwrite its input without --in-place; usage errors exit 1', () => {
    const p = copy('garbage-middle.aof');
    const r = redkit(['aof', 'repair', p, '-o', p]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('--in-place');
    expect(redkit(['aof', 'repair', p]).status).toBe(1);
  });

  it('edit --drop-flush 1 and stats', () => {
    const out = join(dir, 'noflush.aof');
    const r = redkit(['aof', 'edit', '--drop-flush', '1', join(fixtures, 'flush.aof'), '-o', out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('dropped 1 FLUSHALL/FLUSHDB');
    const s = JSON.parse(redkit(['aof', 'stats', '--json', out]).stdout);
    expect(s.byCommand.flushall.count).toBe(1);
    const text = redkit(['aof', 'stats', join(fixtures, 'flush.aof')]).stdout;
    expect(text).toContain('commands:');
    expect(text).toMatch(/flushall\s+2/);
  });
});
