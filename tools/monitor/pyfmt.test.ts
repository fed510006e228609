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

describe('FainaAnalyzer options', () => {
  it('--redis-version < 2.5 reads the 2.4 format and charges a gap to the line itself', async () => {
    const { FainaAnalyzer } = await import('./faina.js');
    const a = new FainaAnalyzer({ redisVersion: 2.4 });
    a.push(Buffer.from('1339518083.000000 (db 0) "get" "a:1"\n1339518083.000100 (db 0) "set" "b:1" "x"\n1339518083.000300 "keys" "*"\n'));
    const out = a.finish();
    expect(out).toContain('Lines Processed  \t3\n');
    // gaps go to the later line: set ~100 us, keys ~200 us (float artefacts as in Python)
    expect(out).toContain('Heaviest Commands (microsecs)\n========================================\nkeys  \t200.25\nset   \t99.75\n');
  });

  it('--prefix-delimiter splits on another string', async () => {
    const { FainaAnalyzer } = await import('./faina.js');
    const a = new FainaAnalyzer({ prefixDelimiter: '/' });
    a.push(Buffer.from('1.000000 [0 127.0.0.1:1] "GET" "a/b:c"\n1.000001 [0 127.0.0.1:1] "GET" "a/d"\n'));
    expect(a.finish()).toContain('Top Prefixes\n========================================\na  \t2\t(100.00%)\n');
  });
});

describe('ByteCounter', () => {
  it('counts byte strings exactly and refuses past its bounds', async () => {
    const { ByteCounter } = await import('./intern.js');
    const c = new ByteCounter(16, { maxNameBytes: 8, slabBytes: 64 });
    const b = Buffer.from('aa:bb:aa:cc:aa');
    expect(c.add(b, 0, 2)).toBe(true);
    expect(c.add(b, 6, 8)).toBe(true);
    expect(c.add(b, 3, 5)).toBe(true);
    expect(c.add(Buffer.from('this name is too long'), 0, 21)).toBe(false);
    for (let i = 0; i < 20; i++) c.add(Buffer.from(`k${i}`), 0, `k${i}`.length);
    expect(c.size).toBe(16);
    expect(new Map(c.entries()).get('aa')).toBe(2);
    expect(new Map(c.entries()).get('bb')).toBe(1);
  });
});

describe('Python 2.7 dict emulation', () => {
  it('hashes like the reference BigInt form', async () => {
    const { py2StrHash, py2StrHashBig } = await import('./py2dict.js');
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      let s = '';
      const len = i % 40;
      for (let j = 0; j < len; j++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        s += String.fromCharCode(seed >>> 24);
      }
      expect(py2StrHash(s)).toBe(py2StrHashBig(s));
    }
    expect(py2StrHash('mylist')).toBe(3786183244841165924n);
  });
});
