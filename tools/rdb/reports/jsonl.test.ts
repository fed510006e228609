import { describe, expect, it } from 'vitest';
import { jsonBytes, writeJsonBytes } from './jsonl.js';
import { jsonQuote, writeJsonQuoted, escapeBytes, writeEscaped, type EscapeMode } from './escape.js';
import { ByteOut } from './run.js';

function randomBuffers(n: number): Buffer[] {
  let seed = 42;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
  const out: Buffer[] = [Buffer.alloc(0), Buffer.from('plain'), Buffer.from('quote " and \\ back'), Buffer.from('é€😀'), Buffer.from([0xff, 0x00])];
  for (let i = 0; i < n; i++) {
    const len = Math.floor(rnd() * 40);
    const b = Buffer.alloc(len);
    const kind = i % 3;
    for (let k = 0; k < len; k++) b[k] = kind === 0 ? 0x20 + Math.floor(rnd() * 95) : kind === 1 ? Math.floor(rnd() * 256) : Math.floor(rnd() * 128);
    out.push(i % 7 === 0 ? Buffer.from(b.toString('utf8')) : b);
  }
  return out;
}

describe('byte writers match the string forms', () => {
  const bufs = randomBuffers(3000);
  it('jsonl: binary-safe round trip', () => {
    for (const b of bufs) {
      const out = new ByteOut();
      writeJsonBytes(out, b);
      const text = out.take().toString('latin1');
      expect(text).toBe(jsonBytes(b));
      const v = JSON.parse(Buffer.from(text, 'latin1').toString('utf8')) as string | { base64: string };
      const back = typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v.base64, 'base64');
      expect(back.equals(b)).toBe(true);
    }
  });
  it('json and escaped bytes, every mode', () => {
    for (const mode of ['raw', 'print', 'utf8', 'base64'] as EscapeMode[]) {
      for (const skip of [false, true]) {
        for (const b of bufs) {
          const o1 = new ByteOut();
          writeJsonQuoted(o1, b, mode, skip);
          expect(o1.take().toString('latin1')).toBe(jsonQuote(b, mode, skip));
          const o2 = new ByteOut();
          writeEscaped(o2, b, mode, skip);
          expect(o2.take().toString('latin1')).toBe(escapeBytes(b, mode, skip));
        }
      }
    }
  });
});
