/**
 * RequestParser: incremental parser for what clients send to a server — multibulk commands
 * and inline commands — with Redis's limits and error texts (networking.c,
 * processMultibulkBuffer / processInlineBuffer).
 *
 *   *2\r\n$3\r\nGET\r\n$3\r\nkey\r\n   -> ['GET', 'key']
 *   PING\r\n                          -> ['PING']          (inline; sdssplitargs rules)
 *
 * Usage: `feed(chunk)`, then call `next()` until it returns null ("need more bytes").
 * A protocol violation throws RespProtocolError whose message is the text Redis replies with
 * (`Protocol error: invalid bulk length` …); the server replies `-ERR <message>` and closes.
 *
 * Arguments come out as latin1 strings (one char per byte; the server's representation) or,
 * with `args: 'buffer'`, as Buffers (copies, safe to keep).
 */
import './buffer-fast.js';
import { splitArgs } from './split-args.js';

/** PROTO_INLINE_MAX_SIZE: longest inline request / bulk or multibulk header line. */
export const PROTO_INLINE_MAX_SIZE = 64 * 1024;
/** proto-max-bulk-len default (512 MB). */
export const PROTO_MAX_BULK_LEN = 512 * 1024 * 1024;
/** Bulk arguments at least this big are assembled in their own buffer, not by concatenation. */
const BIG_ARG = 32 * 1024;
const INT_MAX = 2147483647;
const EMPTY = Buffer.alloc(0);

export class RespProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RespProtocolError';
  }
}

export interface RequestParserOptions {
  /** proto-max-bulk-len. */
  maxBulkLen?: number;
  /** Longest inline request and header line. */
  maxInline?: number;
  /** Largest multibulk count accepted (Redis: INT_MAX; 1024*1024 is reasonable for tools). */
  maxMultibulk?: number;
  args?: 'latin1' | 'buffer';
}

type Arg = string | Buffer;

export class RequestParser<A extends Arg = string> {
  readonly #maxBulk: number;
  readonly #maxInline: number;
  readonly #maxMulti: number;
  readonly #asBuffer: boolean;

  #buf: Buffer = EMPTY;
  #pos = 0;
  /** Remaining bulk arguments of the command being read (0 = at a command boundary). */
  #multibulk = 0;
  /** Length of the bulk being read, or -1 while waiting for its `$` header. */
  #bulkLen = -1;
  #args: A[] = [];
  /** Big argument being assembled in place (bulkLen + 2 bytes, CRLF included). */
  #big: Buffer | null = null;
  #bigFilled = 0;
  /** Count of arguments of BIG_ARG bytes or more produced so far (their slicing is not free). */
  bigArgs = 0;

  constructor(opts: RequestParserOptions = {}) {
    this.#maxBulk = opts.maxBulkLen ?? PROTO_MAX_BULK_LEN;
    this.#maxInline = opts.maxInline ?? PROTO_INLINE_MAX_SIZE;
    this.#maxMulti = opts.maxMultibulk ?? INT_MAX;
    this.#asBuffer = opts.args === 'buffer';
  }

  /** Bytes received and not yet consumed (client-query-buffer accounting). */
  get pending(): number {
    return this.#buf.length - this.#pos + (this.#big ? this.#bigFilled : 0);
  }

  /** True when no partial command is buffered. */
  get idle(): boolean {
    return this.#multibulk === 0 && this.#big === null && this.#pos >= this.#buf.length;
  }

  feed(chunk: Buffer): void {
    if (this.#big) {
      const need = this.#big.length - this.#bigFilled;
      const n = Math.min(need, chunk.length);
      chunk.copy(this.#big, this.#bigFilled, 0, n);
      this.#bigFilled += n;
      if (n === chunk.length) return;
      chunk = chunk.subarray(n);
    }
    if (this.#pos >= this.#buf.length) {
      this.#buf = chunk;
    } else {
      this.#buf = Buffer.concat([this.#buf.subarray(this.#pos), chunk]);
    }
    this.#pos = 0;
  }

  /**
   * Stops referring to the last fed chunk: copies its unconsumed bytes. Call it when the
   * chunk's memory is about to be reused (a socket reading into one shared buffer).
   */
  release(): void {
    if (this.#pos >= this.#buf.length) {
      this.#buf = EMPTY;
      this.#pos = 0;
    } else {
      this.#buf = Buffer.from(this.#buf.subarray(this.#pos));
      this.#pos = 0;
    }
  }

  #arg(start: number, end: number): A {
    const b = this.#buf;
    if (this.#asBuffer) return Buffer.from(b.subarray(start, end)) as A;
    // Very short arguments (command names, small values) are cheaper built in JS than with a
    // call into Buffer's C++ slice.
    switch (end - start) {
      case 0: return '' as A;
      case 1: return String.fromCharCode(b[start]!) as A;
      case 2: return String.fromCharCode(b[start]!, b[start + 1]!) as A;
      case 3: return String.fromCharCode(b[start]!, b[start + 1]!, b[start + 2]!) as A;
      case 4: return String.fromCharCode(b[start]!, b[start + 1]!, b[start + 2]!, b[start + 3]!) as A;
      default: return b.latin1Slice(start, end) as A;
    }
  }

  /**
   * Fast path: a whole well-formed multibulk command already in the buffer, read in one pass.
   * Returns null, having changed nothing, for anything else (incomplete, big argument,
   * malformed): the incremental path below then handles it, with Redis's errors.
   */
  #whole(): A[] | null {
    const b = this.#buf;
    const len = b.length;
    let p = this.#pos + 1;
    let n = 0;
    let c = 0;
    // *<count>\r\n (1 to 7 digits: up to the 1M default of Redis's multibulk sanity limit)
    while (p < len && (c = b[p]!) >= 0x30 && c <= 0x39) { n = n * 10 + c - 0x30; p++; }
    if (p >= len - 1 || c !== 0x0d || b[p + 1] !== 0x0a || n === 0 || p - this.#pos > 8 || n > this.#maxMulti) return null;
    p += 2;
    const args = new Array<A>(n);
    for (let i = 0; i < n; i++) {
      if (p >= len || b[p] !== 0x24) return null;
      p++;
      const start = p;
      let l = 0;
      while (p < len && (c = b[p]!) >= 0x30 && c <= 0x39) { l = l * 10 + c - 0x30; p++; }
      if (p === start || p - start > 5 || p >= len - 1 || c !== 0x0d || b[p + 1] !== 0x0a) return null;
      p += 2;
      if (l >= BIG_ARG || p + l + 2 > len) return null;
      args[i] = this.#arg(p, p + l);
      p += l + 2;
    }
    this.#pos = p;
    return args;
  }

  /** The next complete command, or null when more bytes are needed. */
  next(): A[] | null {
    if (this.#multibulk === 0 && this.#big === null && this.#buf[this.#pos] === 0x2a) {
      const args = this.#whole();
      if (args !== null) return args;
    }
    for (;;) {
      if (this.#multibulk === 0) {
        const buf = this.#buf;
        const len = buf.length;
        if (this.#pos >= len) return null;
        if (buf[this.#pos] === 0x2a /* '*' */) {
          const cr = findCR(buf, this.#pos, len);
          if (cr === -1 || cr + 1 >= len) {
            if (len - this.#pos > this.#maxInline) throw new RespProtocolError('Protocol error: too big mbulk count string');
            return null;
          }
          const n = parseDecimal(buf, this.#pos + 1, cr);
          if (n === null || n > INT_MAX || n > this.#maxMulti) throw new RespProtocolError('Protocol error: invalid multibulk length');
          this.#pos = cr + 2;
          if (n <= 0) continue; // `*0` / `*-1`: nothing to execute
          this.#multibulk = n;
          this.#bulkLen = -1;
          this.#args = [];
        } else {
          const inline = this.#inline();
          if (inline === null) return null;
          if (inline.length === 0) continue;
          return inline;
        }
      }
      if (!this.#readBulks()) return null;
      const args = this.#args;
      this.#args = [];
      return args;
    }
  }

  /** Reads bulk arguments of the current multibulk; true when the command is complete. */
  #readBulks(): boolean {
    while (this.#multibulk > 0) {
      if (this.#big) {
        if (this.#bigFilled < this.#big.length) return false;
        const big = this.#big;
        this.#big = null;
        if (big[big.length - 2] !== 0x0d || big[big.length - 1] !== 0x0a) throw new RespProtocolError('Protocol error: expected CRLF after bulk');
        const body = big.subarray(0, big.length - 2);
        this.bigArgs++;
        this.#args.push((this.#asBuffer ? body : body.latin1Slice(0, body.length)) as A);
        this.#bulkLen = -1;
        this.#multibulk--;
        continue;
      }
      const buf = this.#buf;
      const len = buf.length;
      if (this.#bulkLen === -1) {
        if (this.#pos >= len) return false;
        const cr = findCR(buf, this.#pos, len);
        if (cr === -1 || cr + 1 >= len) {
          if (len - this.#pos > this.#maxInline) throw new RespProtocolError('Protocol error: too big bulk count string');
          return false;
        }
        if (buf[this.#pos] !== 0x24 /* '$' */) {
          throw new RespProtocolError(`Protocol error: expected '$', got '${String.fromCharCode(buf[this.#pos]!)}'`);
        }
        const n = parseDecimal(buf, this.#pos + 1, cr);
        if (n === null || n < 0 || n > this.#maxBulk) throw new RespProtocolError('Protocol error: invalid bulk length');
        this.#pos = cr + 2;
        this.#bulkLen = n;
        if (n >= BIG_ARG && len - this.#pos < n + 2) {
          // Assemble a big argument in its own buffer: no quadratic concatenation.
          const big = Buffer.allocUnsafe(n + 2);
          const have = len - this.#pos;
          buf.copy(big, 0, this.#pos, len);
          this.#big = big;
          this.#bigFilled = have;
          this.#pos = len;
          return false;
        }
      }
      const n = this.#bulkLen;
      if (len - this.#pos < n + 2) return false;
      if (n >= BIG_ARG) this.bigArgs++;
      this.#args.push(this.#arg(this.#pos, this.#pos + n));
      this.#pos += n + 2;
      this.#bulkLen = -1;
      this.#multibulk--;
    }
    return true;
  }

  #inline(): A[] | null {
    const buf = this.#buf;
    let nl = buf.indexOf(0x0a, this.#pos);
    // Redis finds the newline with strchr(): a NUL byte before it hides it (the request then
    // waits for more bytes, and is too big past PROTO_INLINE_MAX_SIZE).
    if (nl !== -1) for (let i = this.#pos; i < nl; i++) if (buf[i] === 0) { nl = -1; break; }
    if (nl === -1) {
      if (buf.length - this.#pos > this.#maxInline) throw new RespProtocolError('Protocol error: too big inline request');
      return null;
    }
    let end = nl;
    if (end > this.#pos && buf[end - 1] === 0x0d) end--;
    const parts = splitArgs(buf, this.#pos, end);
    this.#pos = nl + 1;
    if (parts === null) throw new RespProtocolError('Protocol error: unbalanced quotes in request');
    if (this.#asBuffer) return parts.map((p) => Buffer.from(p, 'latin1')) as A[];
    return parts as A[];
  }
}

/**
 * Index of the first CR at or after `from`, or -1. Header lines (`*3`, `$16`) are a few bytes:
 * a short JS scan beats a call into Buffer#indexOf; longer lines fall back to it.
 */
function findCR(buf: Buffer, from: number, len: number): number {
  // Redis looks for the CR with strchr(): a NUL byte before it hides it (-1: wait for more).
  const stop = Math.min(len, from + 24);
  for (let i = from; i < stop; i++) {
    const b = buf[i]!;
    if (b === 0x0d) return i;
    if (b === 0) return -1;
  }
  if (stop >= len) return -1;
  const cr = buf.indexOf(0x0d, stop);
  const to = cr === -1 ? len : cr;
  for (let i = stop; i < to; i++) if (buf[i] === 0) return -1;
  return cr;
}

/** Parses a signed decimal in buf[start, end); null if not a valid integer (Redis string2ll rules). */
export function parseDecimal(buf: Uint8Array, start: number, end: number): number | null {
  if (start >= end || end - start > 20) return null;
  let i = start;
  let neg = false;
  if (buf[i] === 0x2d) {
    neg = true;
    i++;
    if (i >= end) return null;
  }
  let v = 0;
  for (; i < end; i++) {
    const d = buf[i]! - 0x30;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  return neg ? -v : v;
}
