/**
 * A byte-exact model of redis-check-aof 7.0.15's `checkSingleAof` loop, as a resumable state
 * machine over chunks (so a 10 GB file is checked in bounded memory).
 *
 * redis-check-aof does not use the server's loader rules; it has its own line-based ones, and
 * scripts depend on its figures (`ok_up_to`, `ok_up_to_line`, the `0x%16llx: …` error). The
 * quirks reproduced here, on purpose:
 *   - headers are read with `fgets(buf, 128)`: a header line is at most 127 bytes, then parsed
 *     with `strtol` (leading whitespace and a sign allowed, no digits means 0, overflow clamps);
 *     the two bytes after the number must be CRLF, so a bare-LF header is an error;
 *   - `*0`, `*-1` and an empty `*` are commands with no arguments (the server refuses them);
 *   - annotations (`#…`) are read with `fgets(buf, 1024)` and do not count as lines;
 *   - `line` counts every CRLF consumed, including those of the command that failed, and is
 *     global across the files of a multi-part set (so are the last error and its position);
 *   - `ok_up_to` is the start of the last top-level command (or of the open MULTI);
 *   - only MULTI/EXEC nesting is checked (arg 0 compared up to its first NUL byte).
 *
 *   *2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n      <- one command: 5 lines, ok_up_to moves past it
 *
 * Why this is not tools/resp's RequestParser: that parser follows the server's networking rules
 * (processMultibulkBuffer: inline commands, proto limits, its own error texts) and yields
 * arguments; redis-check-aof accepts and rejects different inputs (above) and reports figures a
 * RESP parser does not track (CRLF-counted lines, the last top-level offset). Kept on purpose.
 */

/** `AOF_ANNOTATION_LINE_MAX_LEN` (server.h): fgets buffer for annotation lines. */
export const AOF_ANNOTATION_LINE_MAX_LEN = 1024;
/** redis-check-aof reads `*N` / `$N` headers with `fgets(buf, 128)`. */
const HEADER_FGETS_LEN = 128;
const LONG_MAX = 9223372036854775807n;
const LONG_MIN = -9223372036854775808n;
/** Largest magnitude handled with plain numbers. */
const LONG_MAX_N = BigInt(Number.MAX_SAFE_INTEGER);

/** State redis-check-aof keeps in globals, shared by every file of a multi-part check. */
export interface CheckGlobals {
  line: number;
  /** Last error text (already formatted with its `0x%16llx: ` prefix), '' when none. */
  error: string;
  epos: number;
  /** `--truncate-to-timestamp` value; 0 means off (as in the C tool). */
  toTimestamp: bigint;
  /** Simulated contents of the header fgets buffer (stale bytes are visible in one message). */
  fgetsBuf: Uint8Array;
}

export function newCheckGlobals(toTimestamp = 0n): CheckGlobals {
  return { line: 1, error: '', epos: 0, toTimestamp, fgetsBuf: new Uint8Array(HEADER_FGETS_LEN + 1) };
}

export type ScanStop =
  | { kind: 'eof' }
  | { kind: 'error' }
  | { kind: 'format-error' }
  /** A `#TS:` annotation newer than the target: truncate at `offset`. */
  | { kind: 'timestamp'; offset: number; ts: bigint }
  /** Fatal messages printed by processAnnotations (the C tool exits 1). */
  | { kind: 'timestamp-fatal'; reason: 'invalid' | 'nothing-before' | 'not-last'; offset: number };

const enum St { Top, Annot, Header, Data, Done }

/** Formats a C `char` (signed on x86) the way `printf("%02x")` prints it after promotion. */
function hexSignedChar(b: number): string {
  return b >= 0x80 ? (0xffffff00 + b).toString(16) : b.toString(16).padStart(2, '0');
}

/** C `strtol(s, &end, 10)` over bytes; returns the value (clamped) and the end index. */
export function cStrtol(buf: Uint8Array, start: number, limit: number): { value: bigint; end: number; overflow: boolean } {
  let i = start;
  while (i < limit && (buf[i] === 0x20 || (buf[i]! >= 0x09 && buf[i]! <= 0x0d))) i++;
  let neg = false;
  if (i < limit && (buf[i] === 0x2b || buf[i] === 0x2d)) { neg = buf[i] === 0x2d; i++; }
  const digitsStart = i;
  let v = 0n;
  let small = 0;
  let useBig = false;
  while (i < limit && buf[i]! >= 0x30 && buf[i]! <= 0x39) {
    if (!useBig) {
      small = small * 10 + (buf[i]! - 0x30);
      if (small > 1e15) { useBig = true; v = BigInt(small); }
    } else {
      v = v * 10n + BigInt(buf[i]! - 0x30);
    }
    i++;
  }
  if (i === digitsStart) return { value: 0n, end: start, overflow: false };
  if (!useBig) v = BigInt(small);
  if (neg) v = -v;
  let overflow = false;
  if (v > LONG_MAX) { v = LONG_MAX; overflow = true; }
  if (v < LONG_MIN) { v = LONG_MIN; overflow = true; }
  return { value: v, end: i, overflow };
}

export class CheckScanner {
  readonly #g: CheckGlobals;
  readonly #fileName: string;
  readonly #lastFile: boolean;
  /** Absolute offset of the next byte to consume. */
  #off: number;
  /** `ok_up_to`. */
  pos: number;
  multi = 0;
  #st: St = St.Top;
  // line buffers (header: <=127 bytes, annotation: <=1023 bytes)
  #line = new Uint8Array(AOF_ANNOTATION_LINE_MAX_LEN);
  #lineLen = 0;
  #prefix = 0x2a;
  // command state
  #argc = 0;
  #argi = 0;
  // bulk state
  #need = 0;
  #got = 0;
  #last2 = [0, 0];
  #head = new Uint8Array(6);
  #zeroBuf = new Uint8Array(HEADER_FGETS_LEN + 1);
  #stop: ScanStop | undefined;
  /** Commands fully read (for stats/progress). */
  commands = 0;

  constructor(globals: CheckGlobals, fileName: string, lastFile: boolean, startOffset = 0) {
    this.#g = globals;
    this.#fileName = fileName;
    this.#lastFile = lastFile;
    this.#off = startOffset;
    this.pos = startOffset;
  }

  get stopped(): ScanStop | undefined { return this.#stop; }
  get offset(): number { return this.#off; }

  #error(msg: string): void {
    this.#g.error = `0x${this.#g.epos.toString(16).padStart(16, ' ')}: ${msg}`;
  }

  /** Feeds the next chunk; returns false once the scan has stopped (the rest is not needed). */
  feed(chunk: Uint8Array): boolean {
    let i = 0;
    const n = chunk.length;
    while (i < n && this.#st !== St.Done) {
      switch (this.#st) {
        case St.Top: {
          if (!this.multi) this.pos = this.#off;
          const c = chunk[i]!;
          if (c === 0x23) { this.#g.epos = this.#off; this.#lineLen = 0; this.#st = St.Annot; }
          else if (c === 0x2a) { this.#beginHeader(0x2a); this.#argi = 0; }
          else { this.#finish({ kind: 'format-error' }); }
          break;
        }
        case St.Annot:
        case St.Header: {
          const max = (this.#st === St.Annot ? AOF_ANNOTATION_LINE_MAX_LEN : HEADER_FGETS_LEN) - 1;
          const room = max - this.#lineLen;
          let end = chunk.indexOf(0x0a, i);
          let complete: boolean;
          if (end !== -1 && end - i + 1 <= room) { end = end + 1; complete = true; }
          else { end = Math.min(n, i + room); complete = this.#lineLen + (end - i) >= max; }
          const line = this.#line;
          let ll = this.#lineLen;
          for (let k = i; k < end; k++) line[ll++] = chunk[k]!;
          this.#lineLen = ll;
          this.#off += end - i;
          i = end;
          if (complete) this.#lineDone();
          break;
        }
        case St.Data: {
          const take = Math.min(this.#need - this.#got, n - i);
          const headIdx = this.#got;
          if (this.#argi === 0 && headIdx < 6) {
            for (let k = headIdx; k < 6 && k - headIdx < take; k++) this.#head[k] = chunk[i + k - headIdx]!;
          }
          this.#got += take;
          if (take >= 2) { this.#last2[0] = chunk[i + take - 2]!; this.#last2[1] = chunk[i + take - 1]!; }
          else if (take === 1) { this.#last2[0] = this.#last2[1]!; this.#last2[1] = chunk[i]!; }
          i += take;
          this.#off += take;
          if (this.#got === this.#need) this.#bulkDone();
          break;
        }
        default:
          break;
      }
    }
    return this.#st !== St.Done;
  }

  /** Signals end of file and returns why the scan stopped. */
  end(): ScanStop {
    if (this.#st === St.Annot || this.#st === St.Header) {
      if (this.#lineLen > 0) this.#lineDone(); // fgets returns the partial line
      else this.#finish({ kind: 'eof' }); // fgets returned NULL: no message of its own
    }
    if (this.#st === St.Data) {
      this.#error(`Expected to read ${this.#need} bytes, got ${this.#got} bytes`);
      this.#finish({ kind: 'error' });
    } else if (this.#st === St.Top) {
      if (!this.multi) this.pos = this.#off; // the loop's `pos = ftello()` before fgets hits EOF
      this.#finish({ kind: 'eof' });
    }
    const stop = this.#stop ?? { kind: 'eof' };
    if (stop.kind === 'eof' && this.multi && this.#g.error.length === 0) {
      this.#error('Reached EOF before reading EXEC for MULTI');
    }
    // the C tool tests feof(): reaching EOF after an error also counts
    return stop;
  }

  /** Stop reason before end() (e.g. an error in the middle). */
  #finish(stop: ScanStop): void {
    if (!this.#stop) this.#stop = stop;
    this.#st = St.Done;
  }

  #beginHeader(prefix: number): void {
    this.#g.epos = this.#off;
    this.#prefix = prefix;
    this.#lineLen = 0;
    this.#st = St.Header;
  }

  #lineDone(): void {
    if (this.#st === St.Annot) { this.#annotationDone(); return; }
    const g = this.#g;
    const len = this.#lineLen;
    const line = this.#line;
    // fast path: `<prefix><1..15 digits>\r\n` (what every well-formed AOF has)
    if (line[0] === this.#prefix && len >= 4 && len <= 18 && line[len - 2] === 0x0d && line[len - 1] === 0x0a) {
      let v = 0;
      let k = 1;
      while (k < len - 2 && line[k]! >= 0x30 && line[k]! <= 0x39) { v = v * 10 + (line[k]! - 0x30); k++; }
      if (k === len - 2) {
        if (this.#prefix === 0x2a) {
          const fb = g.fgetsBuf;
          for (let j = 0; j < len; j++) fb[j] = line[j]!;
          fb[len] = 0;
        }
        g.line += 1;
        this.#headerValue(v);
        return;
      }
    }
    // `*` headers see stale bytes of the previous `*` header (observed with the real tool);
    // the `$` header buffer is overwritten by other calls in between, so its stale bytes are 0.
    const fb = this.#prefix === 0x2a ? g.fgetsBuf : this.#zeroBuf;
    if (this.#prefix !== 0x2a) fb.fill(0);
    fb.set(this.#line.subarray(0, len), 0);
    fb[len] = 0;
    if (fb[0] !== this.#prefix) {
      this.#error(`Expected prefix '${String.fromCharCode(this.#prefix)}', got: '${String.fromCharCode(fb[0]!)}'`);
      this.#finish({ kind: 'error' });
      return;
    }
    // strtol stops at the NUL fgets wrote (or an embedded one)
    let lim = 1;
    while (lim < len && fb[lim] !== 0) lim++;
    const { value, end } = cStrtol(fb, 1, lim);
    const e0 = fb[end]!;
    const e1 = fb[end + 1]!;
    if (e0 !== 0x0d || e1 !== 0x0a) {
      this.#error(`Expected \\r\\n, got: ${hexSignedChar(e0)}${hexSignedChar(e1)}`);
      this.#finish({ kind: 'error' });
      return;
    }
    g.line += 1;
    if (value < -LONG_MAX_N || value > LONG_MAX_N) { this.#headerValueBig(value); return; }
    this.#headerValue(Number(value));
  }

  /** A header value beyond 2^53: only the error texts need its exact digits. */
  #headerValueBig(value: bigint): void {
    if (this.#prefix === 0x2a) { this.#argc = Number(value); this.#nextArg(); return; }
    if (value < 0n || value > LONG_MAX - 2n) {
      this.#error(`Expected to read string of ${value} bytes, which is not in the suitable range`);
      this.#finish({ kind: 'error' });
      return;
    }
    this.#headerValue(Number(value));
  }

  #headerValue(value: number): void {
    if (this.#prefix === 0x2a) {
      this.#argc = value;
      this.#nextArg();
      return;
    }
    if (value < 0) {
      this.#error(`Expected to read string of ${value} bytes, which is not in the suitable range`);
      this.#finish({ kind: 'error' });
      return;
    }
    this.#g.epos = this.#off;
    this.#need = value + 2;
    this.#got = 0;
    if (this.#argi === 0) { const h = this.#head; h[0] = h[1] = h[2] = h[3] = h[4] = h[5] = 0; }
    this.#st = St.Data;
  }

  #nextArg(): void {
    if (this.#argi < this.#argc) { this.#beginHeader(0x24); return; }
    this.commands++;
    this.#st = St.Top;
  }

  #bulkDone(): void {
    const g = this.#g;
    if (this.#last2[0] !== 0x0d || this.#last2[1] !== 0x0a) {
      this.#error(`Expected \\r\\n, got: ${hexSignedChar(this.#last2[0]!)}${hexSignedChar(this.#last2[1]!)}`);
      this.#finish({ kind: 'error' });
      return;
    }
    g.line += 1;
    if (this.#argi === 0) {
      const dataLen = this.#need - 2;
      const word = this.#cWord(dataLen);
      if (word === 'multi') {
        if (this.multi++) {
          this.#error(`Unexpected MULTI in AOF ${this.#fileName}`);
          this.#finish({ kind: 'error' });
          return;
        }
      } else if (word === 'exec') {
        if (--this.multi) {
          this.#error(`Unexpected EXEC in AOF ${this.#fileName}`);
          this.#finish({ kind: 'error' });
          return;
        }
      }
    }
    this.#argi++;
    this.#nextArg();
  }

  /** Arg 0 as C's strcasecmp sees it (up to its first NUL): 'multi', 'exec' or ''. */
  #cWord(dataLen: number): string {
    const h = this.#head;
    const is = (word: string) => {
      const n = word.length;
      if (dataLen < n || (dataLen > n && h[n] !== 0)) return false;
      for (let k = 0; k < n; k++) if ((h[k]! | 0x20) !== word.charCodeAt(k)) return false;
      return true;
    };
    if (is('multi')) return 'multi';
    if (is('exec')) return 'exec';
    return '';
  }

  #annotationDone(): void {
    const g = this.#g;
    const line = this.#line;
    const len = this.#lineLen;
    this.#st = St.Top;
    if (g.toTimestamp === 0n) return;
    if (!(len >= 4 && line[0] === 0x23 && line[1] === 0x54 && line[2] === 0x53 && line[3] === 0x3a)) return;
    let lim = 4;
    while (lim < len && line[lim] !== 0) lim++;
    const { value, end, overflow } = cStrtol(line, 4, lim);
    if (overflow || end >= len || line[end] !== 0x0d) {
      this.#finish({ kind: 'timestamp-fatal', reason: 'invalid', offset: g.epos });
      return;
    }
    if (value <= g.toTimestamp) return;
    if (g.epos === 0) { this.#finish({ kind: 'timestamp-fatal', reason: 'nothing-before', offset: 0 }); return; }
    if (!this.#lastFile) { this.#finish({ kind: 'timestamp-fatal', reason: 'not-last', offset: g.epos }); return; }
    this.#finish({ kind: 'timestamp', offset: g.epos, ts: value });
  }
}
