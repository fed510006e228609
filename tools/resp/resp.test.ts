import { describe, expect, it } from 'vitest';
import {
  NEED_MORE, ReplyParser, RequestParser, RespError, RespMap, RespProtocolError, RespWriter,
  encodeCommand, formatDouble, splitArgs, VerbatimString,
} from './index.js';

function parseAll(p: RequestParser, input: Buffer, chunk = input.length): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < input.length; i += chunk) {
    p.feed(input.subarray(i, i + chunk));
    for (let c = p.next(); c !== null; c = p.next()) out.push(c);
  }
  return out;
}

describe('RequestParser', () => {
  const wire = Buffer.concat([
    encodeCommand(['SET', 'k', 'v\r\nx']),
    Buffer.from('PING\r\n'),
    Buffer.from('*0\r\n'),
    Buffer.from('set "a b" \'c d\' "\\x41\\n"\n'),
    Buffer.from('\r\n'),
    encodeCommand(['GET', Buffer.from([0, 255, 13, 10])]),
  ]);
  const expected = [['SET', 'k', 'v\r\nx'], ['PING'], ['set', 'a b', 'c d', 'A\n'], ['GET', '\x00\xff\r\n']];

  it('parses multibulk and inline commands, whole or byte by byte', () => {
    for (const chunk of [wire.length, 1, 2, 3, 7]) {
      expect(parseAll(new RequestParser(), wire, chunk)).toEqual(expected);
    }
  });

  it('assembles big arguments across chunks', () => {
    const big = Buffer.alloc(200_000, 0x61);
    const cmd = encodeCommand(['SET', 'k', big]);
    const p = new RequestParser<Buffer>({ args: 'buffer' });
    const out: Buffer[][] = [];
    for (let i = 0; i < cmd.length; i += 4096) {
      p.feed(cmd.subarray(i, i + 4096));
      for (let c = p.next(); c !== null; c = p.next()) out.push(c);
    }
    expect(out).toHaveLength(1);
    expect(out[0]![2]!.equals(big)).toBe(true);
    expect(p.idle).toBe(true);
  });

  it('gives the same commands and errors whole, in random chunks, and across release()', () => {
    // Seeded random streams: commands with 1-6 args of 0-40 random bytes (some 33 KB), then
    // sometimes a malformed tail. Whole-buffer parsing takes the one-pass fast path; byte by
    // byte and random chunks take the incremental one; release() models the shared read buffer.
    let seed = 12345;
    const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    const tails = ['*x\r\n', '*1\r\n$-5\r\n', '*2\r\n:5\r\n', '*1\r\n$3\r\nab', '*3\r\n$1\r\na\r\n', '*-1\r\n', '*0\r\n', '*1\r\n$0\r\n\r\n'];
    for (let round = 0; round < 60; round++) {
      const parts: Buffer[] = [];
      for (let k = rnd(20) + 1; k > 0; k--) {
        const args: Buffer[] = [];
        for (let a = rnd(6) + 1; a > 0; a--) {
          const n = rnd(50) === 0 ? 33_000 : rnd(41);
          args.push(Buffer.from(Array.from({ length: n }, () => rnd(256))));
        }
        parts.push(encodeCommand(args));
      }
      if (rnd(2) === 0) parts.push(Buffer.from(tails[rnd(tails.length)]!));
      const wire = Buffer.concat(parts);
      const run = (sizes: () => number): [string[][], string] => {
        const p = new RequestParser();
        const out: string[][] = [];
        let err = '';
        try {
          for (let i = 0; i < wire.length;) {
            const n = Math.max(1, sizes());
            const chunk = Buffer.from(wire.subarray(i, i + n)); // a copy: overwritten below
            p.feed(chunk);
            for (let c = p.next(); c !== null; c = p.next()) out.push(c);
            p.release();
            chunk.fill(0x3f);
            i += n;
          }
        } catch (e) {
          err = (e as Error).message;
        }
        return [out, err];
      };
      const whole = run(() => wire.length);
      expect(run(() => 1)).toEqual(whole);
      expect(run(() => rnd(300) + 1)).toEqual(whole);
    }
  });

  it("uses Redis's protocol error texts", () => {
    const cases: Array<[string, string]> = [
      ['*x\r\n', 'Protocol error: invalid multibulk length'],
      ['*1\r\n$-5\r\n', 'Protocol error: invalid bulk length'],
      ['*1\r\n:5\r\n', "Protocol error: expected '$', got ':'"],
      ['set "abc\r\n', 'Protocol error: unbalanced quotes in request'],
    ];
    for (const [input, msg] of cases) {
      const p = new RequestParser();
      p.feed(Buffer.from(input));
      expect(() => p.next()).toThrow(new RespProtocolError(msg));
    }
    const p = new RequestParser({ maxBulkLen: 10 });
    p.feed(Buffer.from('*1\r\n$11\r\n'));
    expect(() => p.next()).toThrow('Protocol error: invalid bulk length');
    const q = new RequestParser();
    q.feed(Buffer.alloc(70 * 1024, 0x61));
    expect(() => q.next()).toThrow('Protocol error: too big inline request');
  });
});

describe('splitArgs', () => {
  it('follows sdssplitargs', () => {
    expect(splitArgs(Buffer.from('  a  "b\\tc"  \'d\\\'e\'  '))).toEqual(['a', 'b\tc', "d'e"]);
    expect(splitArgs(Buffer.from('"a"b'))).toBeNull();
    expect(splitArgs(Buffer.from("'unterminated"))).toBeNull();
    expect(splitArgs(Buffer.from(''))).toEqual([]);
    expect(splitArgs(Buffer.from('""'))).toEqual(['']);
  });
});

describe('RespWriter', () => {
  it('writes RESP2 and RESP3 forms', () => {
    const w2 = new RespWriter({ protocol: 2 });
    w2.mapHeader(1).bulk('a').double(1.5).nullBulk().boolean(true).simple('OK').error('ERR x').integer(-3);
    expect(w2.take().toString('latin1')).toBe('*2\r\n$1\r\na\r\n$3\r\n1.5\r\n$-1\r\n:1\r\n+OK\r\n-ERR x\r\n:-3\r\n');
    const w3 = new RespWriter({ protocol: 3 });
    w3.mapHeader(1).bulk('a').double(1.5).nullBulk().boolean(true).verbatim('txt', 'hi');
    expect(w3.take().toString('latin1')).toBe('%1\r\n$1\r\na\r\n,1.5\r\n_\r\n#t\r\n=6\r\ntxt:hi\r\n');
  });
  it('writes latin1 strings byte for byte', () => {
    const w = new RespWriter();
    w.bulk('\x00\xff');
    expect([...w.take()]).toEqual([...Buffer.from('$2\r\n\x00\xff\r\n', 'latin1')]);
  });
  it('writes every length around the short-copy and header-cache limits the same way', () => {
    const w = new RespWriter();
    let want = '';
    for (const n of [0, 1, 9, 10, 11, 31, 32, 33, 99, 100, 511, 512, 513, 70000]) {
      let s = '';
      for (let i = 0; i < n; i++) s += String.fromCharCode((i * 37) & 0xff);
      w.bulk(s).bulk(Buffer.from(s, 'latin1')).raw(s).raw(Buffer.from(s, 'latin1'));
      want += `$${n}\r\n${s}\r\n`.repeat(2) + s + s;
    }
    expect(w.take().toString('latin1')).toBe(want);
    w.simple('a\r\nb').error('ERR x\ny').simple('OK').simple('QUEUED');
    expect(w.take().toString('latin1')).toBe('+a  b\r\n-ERR x y\r\n+OK\r\n+QUEUED\r\n');
    const u = new RespWriter({ stringEncoding: 'utf8' });
    u.bulk('é').simple('ü');
    expect(u.take().toString('utf8')).toBe('$2\r\né\r\n+ü\r\n');
  });
  it("formats doubles like Redis 7.0's %.17g", () => {
    expect(formatDouble(1.1)).toBe('1.1000000000000001');
    expect(formatDouble(3)).toBe('3');
    expect(formatDouble(1e21)).toBe('1e+21');
    expect(formatDouble(1e-5)).toBe('1.0000000000000001e-05');
    expect(formatDouble(0.0001)).toBe('0.0001');
    expect(formatDouble(-2.5)).toBe('-2.5');
    expect(formatDouble(Infinity)).toBe('inf');
    expect(formatDouble(123456789012345680000)).toBe('1.2345678901234568e+20');
  });
});

describe('ReplyParser', () => {
  it('parses every RESP2/RESP3 type, in any chunking', () => {
    const wire = Buffer.from(
      '+OK\r\n-ERR bad\r\n:42\r\n:99999999999999999999\r\n$3\r\nfoo\r\n$-1\r\n*2\r\n$1\r\na\r\n:1\r\n*-1\r\n' +
      '_\r\n#t\r\n,1.5\r\n,inf\r\n(123\r\n=7\r\ntxt:abc\r\n%1\r\n+k\r\n:2\r\n~1\r\n+m\r\n>2\r\n+message\r\n+x\r\n|1\r\n+a\r\n+b\r\n+after\r\n');
    for (const chunk of [wire.length, 1, 5]) {
      const p = new ReplyParser();
      const out: unknown[] = [];
      for (let i = 0; i < wire.length; i += chunk) {
        p.feed(wire.subarray(i, i + chunk));
        for (let v = p.next(); v !== NEED_MORE; v = p.next()) out.push(v);
      }
      expect(out).toHaveLength(18);
      expect(out[0]).toBe('OK');
      expect(out[1]).toEqual(new RespError('ERR bad'));
      expect((out[1] as RespError).code).toBe('ERR');
      expect(out[2]).toBe(42);
      expect(out[3]).toBe(99999999999999999999n);
      expect(out[4]).toEqual(Buffer.from('foo'));
      expect(out[5]).toBeNull();
      expect(out[6]).toEqual([Buffer.from('a'), 1]);
      expect(out[7]).toBeNull();
      expect(out[8]).toBeNull();
      expect(out[9]).toBe(true);
      expect(out[10]).toBe(1.5);
      expect(out[11]).toBe(Infinity);
      expect(out[12]).toBe(123n);
      expect(out[13]).toEqual(new VerbatimString('txt', Buffer.from('abc')));
      expect((out[14] as RespMap).get('k')).toBe(2);
      expect(out[15]).toEqual(['m']);
      expect(out[17]).toBe('after');
    }
  });
});
