/**
 * The CLI as users run it (spawned, needs `npm run build`): the `rdb` bin and `redkit rdb` give
 * the reference bytes, bad input gives `redkit: <what> at offset N` and exit 1 without a stack
 * trace, `-f` never leaves a partial file, `rdb check` exit codes, and the modern subcommands.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS, REF, haveCorpus } from './helpers.js';
import { requiredInCi } from '../helpers/real-redis.js';

const built = existsSync(resolve('dist/tools/cli/main.js'));
const tmp = mkdtempSync(join(tmpdir(), 'redkit-rdb-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Minimal RFC 4180 parser (quoted fields with "" escapes and embedded newlines). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
      i++;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
    i++;
  }
  return rows;
}

function run(bin: 'rdb' | 'redkit', args: string[]): { status: number | null; stdout: Buffer; stderr: string } {
  const r = spawnSync(process.execPath, [`bin/${bin}.js`, ...args], { maxBuffer: 1 << 26 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

describe.skipIf(!requiredInCi(built, 'a built dist/ (npm run build)') || !requiredInCi(haveCorpus, 'the shared corpus'))('rdb CLI', () => {
  it('`rdb --command json dump.rdb` prints the reference bytes', () => {
    const r = run('rdb', ['--command', 'json', join(CORPUS, 'rdbtools-non_ascii_values.rdb')]);
    expect(r.status).toBe(0);
    expect(r.stdout.equals(readFileSync(join(REF, 'rdbtools-non_ascii_values.json.json')))).toBe(true);
  });

  it('`redkit rdb -c memory -l 5 -f FILE` writes the file', () => {
    const out = join(tmp, 'largest.csv');
    const r = run('redkit', ['rdb', '-c', 'memory', '-l', '5', '-f', out, join(CORPUS, 'rdbtools-parser_filters.rdb')]);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(REF, 'options', 'parser_filters.memory-largest-5.csv'), 'utf8'));
  });

  it('repeated -n / -t and -e work like argparse', () => {
    const r = run('rdb', ['-c', 'json', '-n', '0', '-n', '2', join(CORPUS, 'rdbtools-multiple_databases.rdb')]);
    expect(r.stdout.toString()).toBe(readFileSync(join(REF, 'options', 'multiple_databases.db0.db2.json'), 'utf8'));
    const t = run('rdb', ['-c', 'json', '-t', 'hash', '-t', 'set', join(CORPUS, 'rdbtools-parser_filters.rdb')]);
    expect(t.stdout.toString()).toBe(readFileSync(join(REF, 'options', 'parser_filters.type-hash-set.json'), 'utf8'));
    const e = run('rdb', ['-c', 'protocol', '-e', 'print', join(CORPUS, 'rdbtools-non_ascii_values.rdb')]);
    expect(e.stdout.toString()).toBe(readFileSync(join(REF, 'options', 'non_ascii_values.escape-print.protocol.aof'), 'utf8'));
  });

  it('a corrupt dump: one-line error with offset, exit 1, no partial -f file', () => {
    const out = join(tmp, 'corrupt.json');
    const r = run('redkit', ['rdb', '-c', 'json', '-f', out, join(CORPUS, 'redis-corrupt_ziplist.rdb')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^redkit: .+ at offset \d+\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp).filter((f) => f.includes('corrupt'))).toEqual([]);
  });

  it('a truncated dump and a non-RDB file fail cleanly', () => {
    const data = readFileSync(join(CORPUS, 'redis7-mixed.rdb'));
    const cut = join(tmp, 'cut.rdb');
    writeFileSync(cut, data.subarray(0, 100_000));
    const r = run('rdb', ['-c', 'memory', cut]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^redkit: .+ at offset \d+\n$/m);
    const notRdb = join(tmp, 'not.rdb');
    writeFileSync(notRdb, 'hello world, not a dump');
    const n = run('rdb', ['-c', 'json', notRdb]);
    expect(n.status).toBe(1);
    expect(n.stderr).toMatch(/^redkit: /);
  });

  it('usage errors: unknown command, missing dump, -x with -a', () => {
    expect(run('rdb', ['-c', 'bogus', 'x.rdb']).stderr).toMatch(/Invalid Command bogus/);
    expect(run('rdb', ['-c', 'json']).status).toBe(1);
    expect(run('rdb', ['-c', 'protocol', '-x', '-a', '5', join(CORPUS, 'rdbtools-keys_with_expiry.rdb')]).status).toBe(1);
  });

  it('a CRC mismatch still gives rdbtools output, with a warning', () => {
    const r = run('rdb', ['-c', 'justkeys', join(CORPUS, 'librdb-invalid_chksum_v8.rdb')]);
    expect(r.status).toBe(0);
    expect(r.stdout.equals(readFileSync(join(REF, 'librdb-invalid_chksum_v8.justkeys.txt')))).toBe(true);
    expect(r.stderr).toMatch(/warning: RDB CRC64 checksum does not match/);
  });

  it('rdb check: exit 0 for a good dump, 1 with the problem and its offset', () => {
    const ok = run('redkit', ['rdb', 'check', join(CORPUS, 'redis7-mixed.rdb')]);
    expect(ok.status).toBe(0);
    expect(ok.stdout.toString()).toMatch(/RDB looks OK/);
    const bad = run('redkit', ['rdb', 'check', join(CORPUS, 'noderdbtools-error_reporting.rdb')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^redkit: .+ at offset \d+\n$/);
  });

  it('jsonl, memory-csv, prefixes and bigkeys', () => {
    const j = run('redkit', ['rdb', 'jsonl', join(CORPUS, 'redis7-mixed.rdb')]);
    expect(j.status).toBe(0);
    const lines = j.stdout.toString().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => 'key' in l).length).toBe(60);
    const csv = run('redkit', ['rdb', 'memory-csv', join(CORPUS, 'redis7-mixed.rdb')]).stdout.toString();
    // valid CSV: parsed per RFC 4180, every row has the 8 columns of the header
    const rows = parseCsv(csv);
    expect(rows.length).toBe(61);
    for (const row of rows) expect(row.length, row.join('|')).toBe(8);
    expect(rows.some((r) => r[2]!.includes(',') || r[2]!.includes('"') || r[2]!.includes('\n'))).toBe(true);
    const p = run('redkit', ['rdb', 'prefixes', join(CORPUS, 'redis7-mixed.rdb')]);
    expect(p.stdout.toString()).toMatch(/^prefix,keys,size_in_bytes,num_elements,expires\n/);
    expect(p.stdout.toString()).toMatch(/\nzset:,/);
    const b = run('redkit', ['rdb', 'bigkeys', '--top', '1', join(CORPUS, 'redis7-mixed.rdb')]);
    expect(b.stdout.toString()).toMatch(/\nsortedset,1,0,zset:big,/);
  });
});
