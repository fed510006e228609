/**
 * ReplyParser: incremental RESP2/RESP3 parser for what servers send (replies and pushes).
 * See types.ts for how each wire type maps to a JS value.
 *
 *   const p = new ReplyParser();
 *   p.feed(chunk);
 *   for (let v = p.next(); v !== NEED_MORE; v = p.next()) handle(v);
 *
 * A value that is not complete yet is re-parsed from its start when more bytes arrive; when a
 * bulk string's length is known, parsing waits until that many bytes are buffered, so big
 * replies are not re-scanned chunk by chunk.
 */
import { RespProtocolError } from './request-parser.js';
import { RespError, RespMap, RespPush, VerbatimString, type RespValue } from './types.js';

export const NEED_MORE: unique symbol = Symbol('NEED_MORE');

class Incomplete {
  constructor(readonly needBytes: number) {}
}

export class ReplyParser {
  #buf: Buffer = Buffer.alloc(0);
  #pos = 0;
  /** Total bytes that must be buffered before re-trying (0 = try on any new data). */
  #wait = 0;
  /** Where the top-level value being parsed starts. */
  #start = 0;

  feed(chunk: Buffer): void {
    if (this.#pos >= this.#buf.length) this.#buf = chunk;
    else this.#buf = Buffer.concat([this.#buf.subarray(this.#pos), chunk]);
    this.#pos = 0;
  }

  /** Bytes buffered and not yet parsed. */
  get pending(): number {
    return this.#buf.length - this.#pos;
  }

  next(): RespValue | typeof NEED_MORE {
    if (this.#pos >= this.#buf.length) return NEED_MORE;
    if (this.#wait && this.#buf.length - this.#pos < this.#wait) return NEED_MORE;
    const start = this.#pos;
    this.#start = start;
    try {
      const v = this.#any();
      this.#wait = 0;
      return v;
    } catch (e) {
      if (e instanceof Incomplete) {
        this.#wait = e.needBytes > 0 ? e.needBytes : 0;
        this.#pos = start;
        return NEED_MORE;
      }
      throw e;
    }
  }

  #line(): [number, number] {
    const buf = this.#buf;
    const cr = buf.indexOf(0x0d, this.#pos);
    if (cr === -1 || cr + 1 >= buf.length) throw new Incomplete(0);
    const s = this.#pos;
    this.#pos = cr + 2;
    return [s, cr];
  }

  #lineText(): string {
    const [s, e] = this.#line();
    return this.#buf.toString('utf8', s, e);
  }

  #int(): number {
    const t = this.#lineText();
    const n = Number(t);
    if (!Number.isInteger(n)) throw new RespProtocolError(`Protocol error: bad integer '${t}'`);
    return n;
  }

  #blob(): Buffer | null {
    const n = this.#int();
    if (n < 0) return null;
    const buf = this.#buf;
    if (buf.length - this.#pos < n + 2) throw new Incomplete(this.#pos - this.#start + n + 2);
    const b = Buffer.from(buf.subarray(this.#pos, this.#pos + n));
    this.#pos += n + 2;
    return b;
  }

  #any(): RespValue {
    if (this.#pos >= this.#buf.length) throw new Incomplete(0);
    const t = this.#buf[this.#pos++]!;
    switch (t) {
      case 0x2b: // '+'
        return this.#lineText();
      case 0x2d: // '-'
        return new RespError(this.#lineText());
      case 0x3a: { // ':'
        const s = this.#lineText();
        const n = Number(s);
        return Number.isSafeInteger(n) ? n : BigInt(s);
      }
      case 0x24: // '$'
        return this.#blob();
      case 0x2a: // '*'
      case 0x7e: { // '~' set
        const n = this.#int();
        if (n < 0) return null;
        const arr: RespValue[] = new Array(n);
        for (let i = 0; i < n; i++) arr[i] = this.#any();
        return arr;
      }
      case 0x25: { // '%' map
        const n = this.#int();
        const entries: Array<[RespValue, RespValue]> = new Array(n);
        for (let i = 0; i < n; i++) {
          const k = this.#any();
          entries[i] = [k, this.#any()];
        }
        return new RespMap(entries);
      }
      case 0x3e: { // '>' push
        const n = this.#int();
        const items: RespValue[] = new Array(n);
        for (let i = 0; i < n; i++) items[i] = this.#any();
        return new RespPush(items);
      }
      case 0x7c: { // '|' attributes: read and drop, then the real value
        const n = this.#int();
        for (let i = 0; i < 2 * n; i++) this.#any();
        return this.#any();
      }
      case 0x5f: // '_'
        this.#line();
        return null;
      case 0x23: // '#'
        return this.#lineText() === 't';
      case 0x2c: { // ','
        const s = this.#lineText();
        return s === 'inf' ? Infinity : s === '-inf' ? -Infinity : s === 'nan' ? NaN : Number(s);
      }
      case 0x28: // '('
        return BigInt(this.#lineText());
      case 0x3d: { // '='
        const b = this.#blob();
        if (b === null) return null;
        return new VerbatimString(b.toString('latin1', 0, 3), b.subarray(4));
      }
      case 0x21: { // '!' blob error
        const b = this.#blob();
        return new RespError(b === null ? '' : b.toString('utf8'));
      }
      default:
        throw new RespProtocolError(`Protocol error: unexpected type byte 0x${t.toString(16)}`);
    }
  }
}
