/**
 * RespWriter: builds replies (or commands) into one growing buffer, so a server can answer a
 * whole pipeline with a single socket write.
 *
 *   const w = new RespWriter({ protocol: 2 });
 *   w.arrayHeader(2); w.bulk('a'); w.integer(1);   // *2\r\n$1\r\na\r\n:1\r\n
 *   socket.write(w.take());
 *
 * Strings are written as latin1 by default (one char per byte: the server's binary-safe
 * representation); pass `stringEncoding: 'utf8'` for text produced by humans. Buffers are
 * always written as they are.
 *
 * RESP2/RESP3 differences handled here: null (`$-1` / `*-1` vs `_`), map (`*2n` vs `%n`),
 * set (`*n` vs `~n`), double (bulk string vs `,`), boolean (`:1` vs `#t`), verbatim (bulk vs
 * `=`), big number (bulk vs `(`), push (`*n` vs `>n`).
 */

import './buffer-fast.js';

/** Size of each output block after the first (Redis's PROTO_REPLY_CHUNK_BYTES). */
const INITIAL = 16 * 1024;
/** The first block is small (a slice of Node's buffer pool): an idle connection costs ~256 B. */
const FIRST = 256;

/** Precomputed `:N\r\n` and `$N\r\n`/`*N\r\n` headers for small N: most replies hit these. */
const SMALL = 512;
/** Up to this length strings/buffers are copied byte by byte (see #ascii). Must stay < 100. */
const SHORT = 32;
const OK = Buffer.from('+OK\r\n', 'latin1');
const intCache: Buffer[] = [];
const bulkHdrCache: Buffer[] = [];
const arrHdrCache: Buffer[] = [];
for (let i = 0; i < SMALL; i++) {
  intCache.push(Buffer.from(`:${i}\r\n`, 'latin1'));
  bulkHdrCache.push(Buffer.from(`$${i}\r\n`, 'latin1'));
  arrHdrCache.push(Buffer.from(`*${i}\r\n`, 'latin1'));
}

export interface RespWriterOptions {
  protocol?: 2 | 3;
  stringEncoding?: 'latin1' | 'utf8';
}

/**
 * Redis 7.0's formatting of doubles in replies: C's `%.17g` (so ZSCORE of 1.1 is
 * "1.1000000000000001"), with inf/-inf/nan spelled out.
 */
export function formatDouble(n: number): string {
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (Number.isNaN(n)) return 'nan';
  return formatG(n, 17);
}

/** C printf `%.<precision>g` for finite doubles. */
export function formatG(n: number, precision: number): string {
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const exp = n.toExponential(precision - 1); // "-d.ddddde+X"
  const e = exp.indexOf('e');
  const x = Number(exp.slice(e + 1));
  const neg = exp[0] === '-';
  const digits = exp.slice(neg ? 1 : 0, e).replace('.', '');
  let out: string;
  if (x < -4 || x >= precision) {
    let mant = digits[0]! + (digits.length > 1 ? '.' + digits.slice(1) : '');
    if (mant.includes('.')) mant = mant.replace(/0+$/, '').replace(/\.$/, '');
    const ax = Math.abs(x);
    out = `${mant}e${x < 0 ? '-' : '+'}${ax < 10 ? '0' : ''}${ax}`;
  } else if (x >= 0) {
    const intPart = digits.slice(0, x + 1);
    const frac = digits.slice(x + 1).replace(/0+$/, '');
    out = frac ? `${intPart}.${frac}` : intPart;
  } else {
    const frac = ('0'.repeat(-x - 1) + digits).replace(/0+$/, '');
    out = `0.${frac}`;
  }
  return neg ? `-${out}` : out;
}

export class RespWriter {
  protocol: 2 | 3;
  readonly #enc: 'latin1' | 'utf8';
  #buf: Buffer;
  #len = 0;
  /** Start of the bytes not yet taken: take() hands out #buf[#start, #len) without copying. */
  #start = 0;

  constructor(opts: RespWriterOptions = {}) {
    this.protocol = opts.protocol ?? 2;
    this.#enc = opts.stringEncoding ?? 'latin1';
    this.#buf = Buffer.allocUnsafe(FIRST);
  }

  /** Bytes written and not yet taken. */
  get length(): number {
    return this.#len - this.#start;
  }

  /**
   * Returns everything written since the last take(), without copying: a view of the current
   * block, whose bytes are never written again (later output goes after it, or into a new
   * block once this one is full). So the result stays valid however long the caller keeps it.
   */
  take(): Buffer {
    const out = this.#buf.subarray(this.#start, this.#len);
    this.#start = this.#len;
    if (this.#buf.length > 4 * 1024 * 1024) {
      // After a big reply, do not keep (or keep appending to) a huge block.
      this.#buf = Buffer.allocUnsafe(INITIAL);
      this.#start = this.#len = 0;
    }
    return out;
  }

  #ensure(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    // A new block for the untaken bytes plus n (taken views keep the old block alive).
    const pending = this.#len - this.#start;
    let size = INITIAL;
    while (size < pending + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.#buf.copy(next, 0, this.#start, this.#len);
    this.#buf = next;
    this.#start = 0;
    this.#len = pending;
  }

  // Short strings and buffers are copied with plain loops: a call into Buffer's C++ write or
  // TypedArray#set costs more than the copy itself below ~32 bytes (LRANGE of small values,
  // headers, "+OK").
  #ascii(s: string): void {
    const n = s.length;
    this.#ensure(n);
    if (n <= SHORT) {
      const b = this.#buf;
      let o = this.#len;
      for (let i = 0; i < n; i++) b[o++] = s.charCodeAt(i);
      this.#len = o;
    } else {
      this.#len += this.#buf.latin1Write(s, this.#len);
    }
  }

  #crlf(): void {
    this.#ensure(2);
    const b = this.#buf;
    b[this.#len] = 0x0d;
    b[this.#len + 1] = 0x0a;
    this.#len += 2;
  }

  #bytes(src: Uint8Array): void {
    const n = src.length;
    this.#ensure(n);
    if (n <= SHORT) {
      const b = this.#buf;
      let o = this.#len;
      for (let i = 0; i < n; i++) b[o++] = src[i]!;
      this.#len = o;
    } else {
      this.#buf.set(src, this.#len);
      this.#len += n;
    }
  }

  /** Appends pre-encoded RESP bytes. */
  raw(b: Uint8Array | string): this {
    if (typeof b === 'string') this.#ascii(b);
    else this.#bytes(b);
    return this;
  }

  /** `+s\r\n` (CR and LF inside `s` become spaces, as Redis's addReplyStatus does). */
  simple(s: string): this {
    if (s === 'OK') return this.#bytes(OK), this;
    this.#line(0x2b, s);
    return this;
  }

  /** `msg` without the leading '-', e.g. `ERR syntax error` or `WRONGTYPE Operation …`. */
  error(msg: string): this {
    this.#line(0x2d, msg);
    return this;
  }

  /** A type byte, `s` with CR/LF replaced by spaces, CRLF. */
  #line(type: number, s: string): void {
    if (s.indexOf('\r') !== -1 || s.indexOf('\n') !== -1) s = s.replace(/[\r\n]/g, ' ');
    this.#ensure(1);
    this.#buf[this.#len++] = type;
    this.#text(s);
    this.#crlf();
  }

  integer(n: number | bigint): this {
    if (typeof n === 'number' && n >= 0 && n < SMALL && Number.isInteger(n)) return this.#bytes(intCache[n]!), this;
    this.#ascii(`:${typeof n === 'number' ? Math.trunc(n) : n}\r\n`);
    return this;
  }

  #text(s: string): void {
    if (this.#enc === 'latin1') this.#ascii(s);
    else {
      const n = Buffer.byteLength(s, 'utf8');
      this.#ensure(n);
      this.#len += this.#buf.utf8Write(s, this.#len);
    }
  }

  bulk(v: string | Uint8Array | null | undefined): this {
    if (v === null || v === undefined) return this.nullBulk();
    if (typeof v === 'string') {
      if (this.#enc !== 'latin1') {
        const n = Buffer.byteLength(v, 'utf8');
        this.#ascii(`$${n}\r\n`);
        this.#text(v);
        this.#crlf();
        return this;
      }
      const n = v.length;
      if (n > SHORT) {
        this.#ascii(`$${n}\r\n`);
        this.#ensure(n + 2);
        this.#len += this.#buf.latin1Write(v, this.#len);
        this.#crlf();
        return this;
      }
      // Header, body and CRLF in one pass (n <= SHORT, so the header is at most "$32\r\n").
      this.#ensure(n + 7);
      const b = this.#buf;
      let o = this.#len;
      b[o++] = 0x24;
      if (n >= 10) b[o++] = 0x30 + ((n / 10) | 0);
      b[o++] = 0x30 + (n % 10);
      b[o++] = 0x0d; b[o++] = 0x0a;
      for (let i = 0; i < n; i++) b[o++] = v.charCodeAt(i);
      b[o++] = 0x0d; b[o++] = 0x0a;
      this.#len = o;
      return this;
    }
    if (v.length < SMALL) this.#bytes(bulkHdrCache[v.length]!);
    else this.#ascii(`$${v.length}\r\n`);
    this.#bytes(v);
    this.#crlf();
    return this;
  }

  nullBulk(): this {
    this.#ascii(this.protocol === 3 ? '_\r\n' : '$-1\r\n');
    return this;
  }

  nullArray(): this {
    this.#ascii(this.protocol === 3 ? '_\r\n' : '*-1\r\n');
    return this;
  }

  /** RESP3 null; in RESP2 the null bulk string. */
  null(): this {
    return this.nullBulk();
  }

  arrayHeader(n: number): this {
    if (n < SMALL) this.#bytes(arrHdrCache[n]!);
    else this.#ascii(`*${n}\r\n`);
    return this;
  }

  /** A map of `n` pairs: RESP3 `%n`, RESP2 a flat array of 2n elements. */
  mapHeader(n: number): this {
    if (this.protocol === 3) this.#ascii(`%${n}\r\n`);
    else this.arrayHeader(2 * n);
    return this;
  }

  setHeader(n: number): this {
    if (this.protocol === 3) this.#ascii(`~${n}\r\n`);
    else this.arrayHeader(n);
    return this;
  }

  pushHeader(n: number): this {
    if (this.protocol === 3) this.#ascii(`>${n}\r\n`);
    else this.arrayHeader(n);
    return this;
  }

  /** Double: RESP3 `,1.5`, RESP2 a bulk string with Redis's formatting (or `text` if given). */
  double(n: number, text?: string): this {
    const s = text ?? formatDouble(n);
    if (this.protocol === 3) this.#ascii(`,${s}\r\n`);
    else this.bulk(s);
    return this;
  }

  boolean(b: boolean): this {
    if (this.protocol === 3) this.#ascii(b ? '#t\r\n' : '#f\r\n');
    else this.integer(b ? 1 : 0);
    return this;
  }

  /** Verbatim string (`=len\r\ntxt:...`), a bulk string in RESP2. `format` is 3 chars (txt, mkd). */
  verbatim(format: string, text: string | Uint8Array): this {
    if (this.protocol !== 3) return this.bulk(text);
    const body = typeof text === 'string' ? Buffer.from(text, this.#enc) : text;
    this.#ascii(`=${body.length + 4}\r\n${format}:`);
    this.#bytes(body);
    this.#crlf();
    return this;
  }

  bigNumber(s: string | bigint): this {
    if (this.protocol === 3) this.#ascii(`(${s}\r\n`);
    else this.bulk(String(s));
    return this;
  }

  /** Encodes a command (array of bulk strings), e.g. for AOF output or a client request. */
  command(args: ReadonlyArray<string | Uint8Array | number | bigint>): this {
    this.arrayHeader(args.length);
    for (const a of args) this.bulk(typeof a === 'number' || typeof a === 'bigint' ? String(a) : a);
    return this;
  }
}

/**
 * Encodes one command as a RESP array of bulk strings. Strings are UTF-8 here (this is the
 * convenient form for clients and tools); pass Buffers for binary data.
 */
export function encodeCommand(args: ReadonlyArray<string | Uint8Array | number | bigint>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`, 'latin1')];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a, 'utf8') : typeof a === 'number' || typeof a === 'bigint' ? Buffer.from(String(a)) : Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    parts.push(Buffer.from(`$${b.length}\r\n`, 'latin1'), b, CRLF_BUF);
  }
  return Buffer.concat(parts);
}

const CRLF_BUF = Buffer.from('\r\n', 'latin1');
