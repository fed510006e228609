/**
 * Golden test: `--faina` output against redis-faina's own output (Python 2.7, corpus
 * `<capture>.faina.txt`), byte for byte except the order of rows with equal values, which
 * redis-faina leaves to Python's dict order and we define (value descending, then name).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { FainaAnalyzer } from '../../tools/monitor/faina.js';
import { normaliseTies } from './helpers.js';

const CORPUS = '../shared/corpus/monitor';
const CAPTURES = ['redis7-monitor-232', 'redis7-monitor-47724', 'synthetic-faina-edge-cases'];

/** Python 2's `print key, padding, '\t', val` layout, checked on our own output. */
function checkPadding(report: string): void {
  for (const sec of report.split('\n\n')) {
    const rows = sec.split('\n').slice(2).filter((r) => r.includes('\t'));
    if (rows.length === 0) continue;
    const widths = new Set(rows.map((r) => r.indexOf('\t')));
    expect(widths.size).toBe(1);
    const keys = rows.map((r) => r.slice(0, r.indexOf('\t')).replace(/ +$/, ''));
    expect([...widths][0]).toBe(Math.max(...keys.map((k) => k.length)) + 2);
  }
}

function runFaina(input: Buffer, chunk = 1 << 20): string {
  const a = new FainaAnalyzer();
  for (let i = 0; i < input.length; i += chunk) a.push(input.subarray(i, i + chunk));
  return a.finish();
}

describe.skipIf(!existsSync(CORPUS))('--faina golden files', () => {
  for (const name of CAPTURES) {
    it(`matches redis-faina on ${name}`, () => {
      const input = readFileSync(`${CORPUS}/${name}.txt`);
      const expected = readFileSync(`${CORPUS}/${name}.faina.txt`, 'latin1');
      const ours = runFaina(input);
      expect(normaliseTies(ours)).toBe(normaliseTies(expected));
      checkPadding(ours);
      // chunk boundaries must not matter
      expect(runFaina(input, 777)).toBe(ours);
    });
  }
});
