import { describe, expect, it } from 'vitest';
import { checkSameSlot, crc16, hashedPart, keySlot } from './index.js';
import { parseHexKey, readKeyLines } from './keys.js';

describe('crc16 (XMODEM)', () => {
  it('matches the check value of the CRC-16/XMODEM catalogue entry', () => {
    expect(crc16(Buffer.from('123456789'))).toBe(0x31c3);
    expect(crc16(Buffer.alloc(0))).toBe(0);
  });
});

describe('keySlot', () => {
  it('computes the slots documented in the Redis Cluster spec', () => {
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('bar')).toBe(5061);
    expect(keySlot('')).toBe(0);
  });

  it('applies the hashtag rule: first {, first } after it, non-empty between', () => {
    expect(keySlot('{user1000}.following')).toBe(keySlot('user1000'));
    expect(keySlot('{user1000}.followers')).toBe(keySlot('user1000'));
    expect(keySlot('foo{}{bar}')).toBe(crc16(Buffer.from('foo{}{bar}')) & 0x3fff);
    expect(keySlot('foo{{bar}}zap')).toBe(keySlot('{bar'));
    expect(keySlot('foo{bar}{zap}')).toBe(keySlot('bar'));
    expect(keySlot('a}b{c')).toBe(crc16(Buffer.from('a}b{c')) & 0x3fff);
    expect(keySlot('{}')).toBe(crc16(Buffer.from('{}')) & 0x3fff);
    expect(keySlot('{')).toBe(crc16(Buffer.from('{')) & 0x3fff);
    expect(keySlot('}{x}')).toBe(keySlot('x'));
  });

  it('gives the same slot for a Buffer and its latin1 string', () => {
    for (const k of ['plain', 'x{ab}y', '\u00ff\u0000{\u0080}', 'foo{}{bar}']) {
      expect(keySlot(k)).toBe(keySlot(Buffer.from(k, 'latin1')));
    }
    const utf8 = Buffer.from('unicode:ключ');
    expect(keySlot(utf8.toString('latin1'))).toBe(keySlot(utf8));
  });

  it('explains the hashed part and checks multi-key commands', () => {
    expect(Buffer.from(hashedPart(Buffer.from('a{b}c'))).toString()).toBe('b');
    expect(checkSameSlot(['{u}:a', '{u}:b']).same).toBe(true);
    expect(checkSameSlot(['a', 'b'])).toEqual({ same: false, slots: [keySlot('a'), keySlot('b')] });
    expect(checkSameSlot([]).same).toBe(true);
  });
});

describe('key input', () => {
  async function* chunks(...parts: string[]): AsyncGenerator<Buffer> {
    for (const p of parts) yield Buffer.from(p, 'latin1');
  }
  async function collect(src: AsyncIterable<Buffer>): Promise<string[]> {
    const out: string[] = [];
    for await (const l of readKeyLines(src)) out.push(l.toString('latin1'));
    return out;
  }

  it('splits lines across chunks; an empty line is the empty key; CRLF is accepted', async () => {
    expect(await collect(chunks('a\n\nb', 'c\r\n', 'last'))).toEqual(['a', '', 'bc', 'last']);
    expect(await collect(chunks('x\n'))).toEqual(['x']);
    expect(await collect(chunks(''))).toEqual([]);
    expect(await collect(chunks('\n'))).toEqual(['']);
  });

  it('decodes hex keys and rejects bad hex with a coded error', () => {
    expect(parseHexKey('00ff41')).toEqual(Buffer.from([0, 0xff, 0x41]));
    expect(parseHexKey('0x7b7d')).toEqual(Buffer.from('{}'));
    expect(parseHexKey('')).toEqual(Buffer.alloc(0));
    expect(() => parseHexKey('abc')).toThrow(/invalid hex key/);
    expect(() => parseHexKey('zz')).toThrowError(expect.objectContaining({ code: 'REDKIT_E_SLOT_INPUT' }));
  });
});
