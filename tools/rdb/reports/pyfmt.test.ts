import { describe, expect, it } from 'vitest';
import { isoformatMs, pyFloatRepr, pyIntParse, storedAsInt } from './pyfmt.js';
import { ByteOut } from './run.js';
import { escapeBytes, jsonQuote } from './escape.js';

describe('Python formatting', () => {
  it('repr(float) like CPython', () => {
    const cases: Array<[number, string]> = [
      [1, '1.0'], [-1, '-1.0'], [0, '0.0'], [-0, '-0.0'], [2.37, '2.37'], [0.1, '0.1'], [1e16, '1e+16'],
      [1.5e16, '1.5e+16'], [9999999999999998, '9999999999999998.0'], [0.0001, '0.0001'], [0.00001, '1e-05'],
      [1.7649999999999999, '1.765'], [123456789012345680, '1.2345678901234568e+17'], [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'], [Infinity, 'inf'], [-Infinity, '-inf'], [NaN, 'nan'],
      [3.141592653589793, '3.141592653589793'], [1e-300, '1e-300'], [1e22, '1e+22'], [123.456, '123.456'],
    ];
    for (const [x, want] of cases) expect(pyFloatRepr(x), String(x)).toBe(want);
  });
  it('datetime.isoformat', () => {
    expect(isoformatMs(1671963072573)).toBe('2022-12-25T10:11:12.573000');
    expect(isoformatMs(4102444800000)).toBe('2100-01-01T00:00:00');
  });
  it('int(bytes) and stored-as-int', () => {
    expect(pyIntParse(' 1_000 ')).toBe(1000n);
    expect(pyIntParse('007')).toBe(7n);
    expect(pyIntParse('1__0')).toBeUndefined();
    expect(storedAsInt(Buffer.from('2147483647'), 'int32')).toBe(true);
    expect(storedAsInt(Buffer.from('2147483648'), 'int32')).toBe(false);
    expect(storedAsInt(Buffer.from('-9223372036854775808'), 'int64')).toBe(true);
    expect(storedAsInt(Buffer.from('007'), 'int64')).toBe(false);
    expect(storedAsInt(Buffer.from('-0'), 'int64')).toBe(false);
  });
});

describe('ByteOut and escaping', () => {
  it('writes integers', () => {
    const out = new ByteOut();
    for (const n of [0, 7, 10, 99, 100, 123456789, -5, -1000, 2 ** 53 - 1]) {
      out.int(n);
      out.byte(0x20);
    }
    expect(out.take().toString()).toBe('0 7 10 99 100 123456789 -5 -1000 9007199254740991 ');
  });
  it('escapes like encodehelpers.py', () => {
    const b = Buffer.from([0x61, 0x00, 0xff, 0xc3, 0xa9, 0x22]);
    expect(escapeBytes(b, 'print')).toBe('a\\x00\\xFF\\xC3\\xA9"');
    expect(escapeBytes(b, 'utf8')).toBe('a\x00\\xFF\xc3\xa9"');
    expect(escapeBytes(Buffer.from('abc'), 'base64', true)).toBe('abc');
    expect(jsonQuote(b, 'utf8')).toBe('"a\\u0000\\\\xFF\\u00e9\\""');
    expect(jsonQuote(Buffer.from('\u{1F600}'), 'utf8')).toBe('"\\ud83d\\ude00"');
    expect(jsonQuote(Buffer.from([0xed, 0xa0, 0x80]), 'utf8')).toBe('"\\\\xED\\\\xA0\\\\x80"');
  });
});

import { jemallocSize } from './memory.js';
describe('jemalloc size classes', () => {
  it('fast path equals the class table', () => {
    const table = [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 640, 768, 896, 1024, 1280];
    for (let size = 1; size <= 1280; size++) expect(jemallocSize(size), String(size)).toBe(table.find((c) => c >= size));
    expect(jemallocSize(1048577)).toBe(1310720);
  });
});

import { pythonRegex } from './filters.js';
describe('Python regex (re.match on bytes)', () => {
  const m = (re: string, s: string) => {
    const r = pythonRegex(re);
    r.lastIndex = 0;
    return r.test(s);
  };
  it('anchors at the start only, . excludes only \\n, inline flags', () => {
    expect(m('k.*', 'k1')).toBe(true);
    expect(m('1', 'k1')).toBe(false);
    expect(m('a.b', 'a\rb')).toBe(true);
    expect(m('a.b', 'a\nb')).toBe(false);
    expect(m('(?i)USER', 'user:1')).toBe(true);
    expect(m('(?s)a.b', 'a\nb')).toBe(true);
    expect(m('(?P<x>a)(?P=x)', 'aa')).toBe(true);
    expect(m('x\\Z', 'x')).toBe(true);
    expect(m('x\\Z', 'xy')).toBe(false);
    expect(m('[.]', '.')).toBe(true);
    expect(m('[.]', 'a')).toBe(false);
  });
});
