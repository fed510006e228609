/**
 * Key input for `redkit slot`: keys one per line (an empty line is the empty key; a final line
 * without a newline is still a key; one trailing CR is dropped so CRLF files work; use --hex
 * for keys containing CR or LF), and hex-encoded keys.
 */
import { RedkitError } from '../errors.js';

/** Splits a byte stream into lines, yielding each line's bytes (copies, safe to keep). */
export async function* readKeyLines(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  let rest: Buffer | undefined;
  for await (const chunk0 of source) {
    const chunk = Buffer.isBuffer(chunk0) ? chunk0 : Buffer.from(chunk0.buffer, chunk0.byteOffset, chunk0.byteLength);
    let buf = rest ? Buffer.concat([rest, chunk]) : chunk;
    rest = undefined;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, start);
      if (nl < 0) break;
      yield Buffer.from(stripCr(buf, start, nl));
      start = nl + 1;
    }
    if (start < buf.length) rest = Buffer.from(buf.subarray(start));
    buf = Buffer.alloc(0);
  }
  if (rest && rest.length > 0) yield Buffer.from(stripCr(rest, 0, rest.length));
}

function stripCr(buf: Buffer, start: number, end: number): Buffer {
  return end > start && buf[end - 1] === 0x0d ? buf.subarray(start, end - 1) : buf.subarray(start, end);
}

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;

/** Decodes a hex key (`666f6f` = `foo`; an optional `0x` prefix is accepted; empty = empty key). */
export function parseHexKey(text: string, where?: string): Buffer {
  const t = text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text;
  if (!HEX_RE.test(t)) {
    throw new RedkitError('REDKIT_E_SLOT_INPUT', `invalid hex key ${JSON.stringify(text)}${where ? ` (${where})` : ''}: expected an even number of hex digits`);
  }
  return Buffer.from(t, 'hex');
}
