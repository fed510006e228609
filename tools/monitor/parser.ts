/**
 * Parser for Redis MONITOR output, one line at a time, without copying the line.
 *
 *   1700000000.123456 [0 127.0.0.1:54508] "SET" "user:1" "{\"a\":1}"
 *   1700000000.123460 [0 lua] "INCR" "counter:hits"
 *   1700000000.123470 [3 unix:/run/redis/6410.sock] "SADD" "s" "m"
 *   1700000000.123480 [0 [::1]:5555] "GET" "bin:\xff\xfe\x00\x01"
 *   1339518083.107412 (db 0) "keys" "*"                         (Redis 2.4 format)
 *
 * The line is `<sec>.<usec> [<db> <client>] <args>` where client is `a.b.c.d:port`,
 * `[ipv6]:port`, `unix:<path>` or `lua`, and each argument is written by Redis's sdscatrepr():
 * in double quotes, with `\\ \" \n \r \t \a \b` and `\xHH` for other non-printable bytes.
 * Timestamps are kept as exact integer microseconds (sec * 10^6 + usec fits a double exactly
 * until the year 2255). A line that is not in this form is "junk": `parse()` returns false and
 * `error` says why; the caller counts it. redis-cli's own `OK` (the reply to MONITOR) and blank
 * lines are recognised as not being commands. A leading `+` and a trailing `\r` (raw RESP
 * captures) are accepted.
 */

export type ClientKind = 'tcp' | 'ipv6' | 'unix' | 'lua' | 'none';

const Q = 0x22; // "
const BS = 0x5c; // \
const SP = 0x20;

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

export class MonitorLine {
  /** Microseconds since the epoch (exact integer). */
  ts = 0;
  db = 0;
  clientKind: ClientKind = 'none';
  argc = 0;
  /** Why the last parse() failed. */
  error = '';
  #buf: Buffer = Buffer.alloc(0);
  #cs = 0;
  #ce = 0;
  #start = 0;
  #end = 0;
  #argsStart = 0;
  #as = new Int32Array(64);
  #ae = new Int32Array(64);
  #esc = new Uint8Array(64);

  /** Parses buf[start, end) (no newline). Returns false for junk (see `error`). */
  parse(buf: Buffer, start: number, end: number): boolean {
    if (end > start && buf[end - 1] === 0x0d) end--;
    if (end > start && buf[start] === 0x2b) start++; // '+' of a raw RESP status reply
    this.#buf = buf;
    this.#start = start;
    this.#end = end;
    this.argc = 0;
    let p = start;
    // <sec>.<usec>
    let sec = 0;
    const s0 = p;
    for (; p < end; p++) {
      const c = buf[p]! - 0x30;
      if (c < 0 || c > 9) break;
      sec = sec * 10 + c;
    }
    if (p === s0 || p - s0 > 12 || buf[p] !== 0x2e) return this.#fail('bad timestamp');
    p++;
    let frac = 0;
    let fd = 0;
    for (; p < end; p++) {
      const c = buf[p]! - 0x30;
      if (c < 0 || c > 9) break;
      if (fd < 6) frac = frac * 10 + c;
      fd++;
    }
    if (fd === 0) return this.#fail('bad timestamp');
    for (let k = fd; k < 6; k++) frac *= 10;
    this.ts = sec * 1_000_000 + frac;
    if (buf[p] !== SP) return this.#fail('bad timestamp');
    p++;
    if (buf[p] === 0x5b) {
      // [<db> <client>]
      p++;
      let db = 0;
      const d0 = p;
      for (; p < end; p++) {
        const c = buf[p]! - 0x30;
        if (c < 0 || c > 9) break;
        db = db * 10 + c;
      }
      if (p === d0 || buf[p] !== SP) return this.#fail('bad [db client] field');
      this.db = db;
      p++;
      const c0 = p;
      // the client ends at the first `]` followed by ` "` (an IPv6 address has its own `]`)
      let ce = -1;
      for (let q = c0; q < end; q++) {
        if (buf[q] === 0x5d && (q + 1 === end || (buf[q + 1] === SP && buf[q + 2] === Q))) {
          ce = q;
          break;
        }
      }
      if (ce <= c0) return this.#fail('bad [db client] field');
      const first = buf[c0]!;
      this.#cs = c0;
      this.#ce = ce;
      if (ce - c0 === 3 && first === 0x6c && buf[c0 + 1] === 0x75 && buf[c0 + 2] === 0x61) this.clientKind = 'lua';
      else if (first === 0x5b) this.clientKind = 'ipv6';
      else if (first === 0x75 && ce - c0 > 5 && buf[c0 + 1] === 0x6e && buf[c0 + 2] === 0x69 && buf[c0 + 3] === 0x78 && buf[c0 + 4] === 0x3a) this.clientKind = 'unix';
      else this.clientKind = 'tcp';
      p = ce + 1;
    } else if (buf[p] === 0x28 && buf[p + 1] === 0x64 && buf[p + 2] === 0x62 && buf[p + 3] === SP) {
      // (db <n>)  -- Redis 2.4
      p += 4;
      let db = 0;
      const d0 = p;
      for (; p < end; p++) {
        const c = buf[p]! - 0x30;
        if (c < 0 || c > 9) break;
        db = db * 10 + c;
      }
      if (p === d0 || buf[p] !== 0x29) return this.#fail('bad (db N) field');
      this.db = db;
      this.#cs = this.#ce = p;
      this.clientKind = 'none';
      p++;
    } else if (buf[p] === Q) {
      // Redis < 2.4 without db: `<ts> "cmd" …`
      this.db = 0;
      this.#cs = this.#ce = p;
      this.clientKind = 'none';
      p--;
    } else {
      return this.#fail('missing [db client]');
    }
    this.#argsStart = p + 1;
    // arguments: (' ' '"' … '"')+
    let n = 0;
    while (p < end) {
      if (buf[p] !== SP || buf[p + 1] !== Q) return this.#fail('bad argument quoting');
      p += 2;
      const a0 = p;
      let esc = 0;
      for (;;) {
        if (p >= end) return this.#fail('unterminated argument');
        const c = buf[p]!;
        if (c === Q) break;
        if (c === BS) {
          esc = 1;
          p += 2;
        } else p++;
      }
      if (n === this.#as.length) this.#grow();
      this.#as[n] = a0;
      this.#ae[n] = p;
      this.#esc[n] = esc;
      n++;
      p++;
    }
    if (n === 0) return this.#fail('no arguments');
    this.argc = n;
    return true;
  }

  #fail(why: string): false {
    this.error = why;
    this.argc = 0;
    return false;
  }

  #grow(): void {
    const m = this.#as.length * 2;
    const as = new Int32Array(m);
    as.set(this.#as);
    const ae = new Int32Array(m);
    ae.set(this.#ae);
    const esc = new Uint8Array(m);
    esc.set(this.#esc);
    this.#as = as;
    this.#ae = ae;
    this.#esc = esc;
  }

  /** The client as printed: `127.0.0.1:5000`, `[::1]:5555`, `unix:/path`, `lua`, or '' (2.4 format). */
  get client(): string {
    return this.#buf.latin1Slice(this.#cs, this.#ce);
  }

  /** The line's buffer and the byte ranges in it, for interning without strings. */
  get buffer(): Buffer {
    return this.#buf;
  }

  get clientStart(): number {
    return this.#cs;
  }

  get clientEnd(): number {
    return this.#ce;
  }

  argStart(i: number): number {
    return this.#as[i]!;
  }

  argEnd(i: number): number {
    return this.#ae[i]!;
  }

  argEscaped(i: number): boolean {
    return this.#esc[i] === 1;
  }

  /** Encoded length of argument i (as printed, before unescaping). */
  rawArgLength(i: number): number {
    return this.#ae[i]! - this.#as[i]!;
  }

  /** Argument i, unescaped, as a latin1 string (one char per byte). */
  arg(i: number): string {
    const s = this.#as[i]!;
    const e = this.#ae[i]!;
    if (!this.#esc[i]) return this.#buf.latin1Slice(s, e);
    return unescapeRepr(this.#buf, s, e).toString('latin1');
  }

  /** Argument i, unescaped, as bytes (a copy). */
  argBytes(i: number): Buffer {
    const s = this.#as[i]!;
    const e = this.#ae[i]!;
    if (!this.#esc[i]) return Buffer.from(this.#buf.subarray(s, e));
    return unescapeRepr(this.#buf, s, e);
  }

  /** The arguments part of the line as printed by Redis (escaped, quoted). */
  rawArgs(maxLength = Infinity): string {
    const e = Math.min(this.#end, this.#argsStart + maxLength);
    return this.#buf.latin1Slice(this.#argsStart, e);
  }

  /** The whole line (latin1). */
  text(maxLength = Infinity): string {
    return this.#buf.latin1Slice(this.#start, Math.min(this.#end, this.#start + maxLength));
  }
}

/** Decodes sdscatrepr() escapes in buf[s, e): \\ \" \n \r \t \a \b \xHH (others: the char). */
export function unescapeRepr(buf: Uint8Array, s: number, e: number): Buffer {
  const out = Buffer.allocUnsafe(e - s);
  let o = 0;
  for (let p = s; p < e; p++) {
    const c = buf[p]!;
    if (c !== BS || p + 1 >= e) {
      out[o++] = c;
      continue;
    }
    const n = buf[++p]!;
    switch (n) {
      case 0x6e: out[o++] = 0x0a; break; // \n
      case 0x72: out[o++] = 0x0d; break; // \r
      case 0x74: out[o++] = 0x09; break; // \t
      case 0x61: out[o++] = 0x07; break; // \a
      case 0x62: out[o++] = 0x08; break; // \b
      case 0x78: { // \xHH
        const h = p + 2 < e ? hexVal(buf[p + 1]!) : -1;
        const l = p + 2 < e ? hexVal(buf[p + 2]!) : -1;
        if (h >= 0 && l >= 0) {
          out[o++] = (h << 4) | l;
          p += 2;
        } else out[o++] = n;
        break;
      }
      default: out[o++] = n; // \\ \" and anything else: the char itself
    }
  }
  return out.subarray(0, o);
}

/** Redis's sdscatrepr(): the quoted, escaped form MONITOR prints. */
export function reprBytes(bytes: Uint8Array): string {
  let s = '"';
  for (const c of bytes) {
    if (c === BS || c === Q) s += `\\${String.fromCharCode(c)}`;
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x0d) s += '\\r';
    else if (c === 0x09) s += '\\t';
    else if (c === 0x07) s += '\\a';
    else if (c === 0x08) s += '\\b';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `${s}"`;
}
