import { describe, expect, it } from 'vitest';
import { py2Str, pyFixed } from './pyfmt.js';

describe('Python number formatting', () => {
  it('str(float) like Python 2.7', () => {
    expect(py2Str(6)).toBe('6.0');
    expect(py2Str(39.75)).toBe('39.75');
    expect(py2Str(289068.5)).toBe('289068.5');
    expect(py2Str(0.1)).toBe('0.1');
    expect(py2Str(1 / 3)).toBe('0.333333333333');
    expect(py2Str(123456789012)).toBe('123456789012.0');
    expect(py2Str(1e12)).toBe('1e+12');
    expect(py2Str(1234567890123.5)).toBe('1.23456789012e+12');
    expect(py2Str(0.0001)).toBe('0.0001');
    expect(py2Str(0.00001)).toBe('1e-05');
    expect(py2Str(-0.25)).toBe('-0.25');
    expect(py2Str(0)).toBe('0.0');
    expect(py2Str(1e16)).toBe('1e+16');
  });

  it("'%.2f' rounds exact ties half to even, like Python", () => {
    expect(pyFixed(0.125, 2)).toBe('0.12');
    expect(pyFixed(0.375, 2)).toBe('0.38');
    expect(pyFixed(7.7586206896551726, 2)).toBe('7.76');
    expect(pyFixed(100, 2)).toBe('100.00');
    expect(pyFixed(0.005, 2)).toBe('0.01'); // 0.005 is slightly above the tie in binary
    expect(pyFixed(-0.001, 2)).toBe('-0.00');
    expect(pyFixed(28790.456, 2)).toBe('28790.46');
  });
});
