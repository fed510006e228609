/**
 * Golden test: `--faina` output against redis-faina's own output (Python 2.7, corpus
 * `<capture>.faina.txt`), byte for byte except the order of rows with equal values, which
 * redis-faina leaves to Python's dict order and we define (value descending, then name).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { FainaAnalyzer } from '../../tools/monitor/faina.js';
import { normaliseTies } from './helpers.js';
import { requiredInCi } from '../helpers/real-redis.js';

const CORPUS = '../shared/corpus/monitor';
const CAPTURES = ['redis7-monitor-232', 'redis7-monitor-47724', 'synthetic-faina-edge-cases'];

/** Sorts each run of consecutive rows that have the same value column (no masking). */
function sortTies(report: string): string {
  return report.split('\n\n').map((sec) => {
    const lines = sec.split('\n');
    const slowest = lines[0] === 'Slowest Calls';
    const value = (l: string): string => (slowest ? l.slice(0, l.indexOf('\t')) : l.slice(l.indexOf('\t') + 1).split('\t')[0]!).trim();
    const out = lines.slice(0, 2);
    let group: string[] = [];
    for (const l of lines.slice(2)) {
      if (group.length > 0 && value(group[0]!) !== value(l)) {
        out.push(...group.sort());
        group = [];
      }
      group.push(l);
    }
    out.push(...group.sort());
    return out.join('\n');
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

function runFaina(input: Buffer, chunk = 1 << 20, tieOrder: 'name' | 'python2' = 'name'): string {
  const a = new FainaAnalyzer({ tieOrder });
  for (let i = 0; i < input.length; i += chunk) a.push(input.subarray(i, i + chunk));
  return a.finish();
}

describe.skipIf(!requiredInCi(existsSync(CORPUS), 'the shared corpus'))('--faina golden files', () => {
  for (const name of CAPTURES) {
    it(`matches redis-faina on ${name}`, () => {
      const input = readFileSync(`${CORPUS}/${name}.txt`);
      const expected = readFileSync(`${CORPUS}/${name}.faina.txt`, 'latin1');
      const ours = runFaina(input);
      expect(normaliseTies(ours)).toBe(normaliseTies(expected));
      checkPadding(ours);
      // chunk boundaries must not matter
      expect(runFaina(input, 777)).toBe(ours);
      // the same rows as redis-faina, equal rows in name order: equal after sorting tie groups
      expect(sortTies(ours)).toBe(sortTies(expected));
      // and with redis-faina's own (Python 2.7 dict) order for equal rows: identical bytes
      expect(runFaina(input, 1 << 20, 'python2')).toBe(expected);
    });
  }
});
