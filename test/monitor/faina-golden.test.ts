/**
 * Golden test: `--faina` output against redis-faina's own output (Python 2.7, corpus
 * `<capture>.faina.txt`), byte for byte except the order of rows with equal values, which
 * redis-faina leaves to Python's dict order and we define (value descending, then name).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { FainaAnalyzer } from '../../tools/monitor/faina.js';

const CORPUS = '../shared/corpus/monitor';
const CAPTURES = ['redis7-monitor-232', 'redis7-monitor-47724', 'synthetic-faina-edge-cases'];

/**
 * Normal form of a faina report for comparison: padding removed, rows of each section sorted
 * by (value, name), and in a full section (8 rows) the names of the rows that tie with the
 * last row masked: which of several equal rows make the cut is Python dict order in redis-faina
 * (it differs between Python 2 and 3, see the corpus MANIFEST), name order in ours.
 */
export function normaliseTies(report: string): string {
  const sections = report.split('\n\n');
  return sections.map((sec) => {
    const [title, rule, ...rows] = sec.split('\n');
    if (rule === undefined || rows.length === 0 || rows[0] === 'n/a') return sec;
    const slowest = title === 'Slowest Calls';
    const parsed = rows.map((line) => {
      const tab = line.indexOf('\t');
      const key = line.slice(0, tab).replace(/ +$/, '');
      const val = line.slice(tab + 1);
      return slowest ? { name: val, value: key } : { name: key, value: val.replace(/ +\t/, '\t') };
    });
    const last = parsed[parsed.length - 1]!.value;
    const masked = parsed.map((r) => (parsed.length === 8 && r.value === last ? { ...r, name: '*' } : r));
    masked.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return [title, rule, ...masked.map((r) => `${r.name}|${r.value}`)].join('\n');
  }).join('\n\n');
}

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
