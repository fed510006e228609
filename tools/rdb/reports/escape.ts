/**
 * Byte escaping for the redis-rdb-tools compatible reports (`-e raw|print|utf8|base64`).
 *
 * Every report builds its output as a "byte string": a JS string whose char codes are all
 * < 256, one char per output byte (what Buffer's 'latin1' encoding maps 1:1). That keeps raw
 * key bytes intact end to end and lets a whole chunk become a Buffer with one copy.
 *
 * The modes, as redis-rdb-tools 0.1.15 defines them (encodehelpers.py):
 *   raw     bytes as they are (JSON: every byte becomes the code point of the same value, so
 *           0xFF is written `\u00ff`)
 *   print   printable ASCII (0x20..0x7E) as is, every other byte as `\xNN` (uppercase hex)
 *   utf8    valid UTF-8 sequences as is, each byte of an invalid sequence as `\xNN`
 *   base64  standard base64 of the bytes
 * "skipPrintable" (used for keys, hash fields and zset members): a string made only of
 * printable ASCII is written raw whatever the mode; with base64 a key `abc` stays `abc`.
 *
 * JSON strings follow Python's `json.dumps` (ensure_ascii): `\"`, `\\`, `\n`, `\r`, `\t`, `\b`,
 * `\f`, other controls and every non-ASCII code point as `\uXXXX` (lowercase hex, surrogate
 * pairs above U+FFFF), 0x7F included.
 */

interface Latin1Slicer {
  latin1Slice(start: number, end: number): string;
}
/** Buffer#latin1Slice (undocumented in @types/node, present in every Node): bytes -> byte string. */
export function latin1(b: Buffer, start = 0, end = b.length): string {
  return (b as unknown as Latin1Slicer).latin1Slice(start, end);
}

export type EscapeMode = 'raw' | 'print' | 'utf8' | 'base64';
export const ESCAPE_MODES: readonly EscapeMode[] = ['raw', 'print', 'utf8', 'base64'];

const HEX_UPPER: string[] = [];
const HEX_JSON_U: string[] = [];
for (let i = 0; i < 256; i++) {
  HEX_UPPER.push('\\x' + i.toString(16).toUpperCase().padStart(2, '0'));
  HEX_JSON_U.push('\\u' + i.toString(16).padStart(4, '0'));
}

/** True when every byte is printable ASCII (0x20..0x7E). */
const NOT_PRINTABLE = /[^\x20-\x7e]/;
/** Characters a JSON string cannot carry literally, in a latin1 view of the bytes. */
const JSON_UNSAFE = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;

export function isPrintableAscii(s: string): boolean {
  return !NOT_PRINTABLE.test(s);
}

function printEscape(s: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) {
      out += s.slice(start, i) + HEX_UPPER[c]!;
      start = i + 1;
    }
  }
  return start === 0 ? s : out + s.slice(start);
}

/**
 * Walks `b` as UTF-8 the way Python's (and WHATWG's) decoder does: a maximal valid sequence is
 * handed to `valid(start, end)`, every byte that cannot start or continue one to `invalid(byte)`.
 */
function walkUtf8(b: Uint8Array, valid: (start: number, end: number, cp: number) => void, invalid: (byte: number) => void): void {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      valid(i, i + 1, c);
      i++;
      continue;
    }
    let need = 0;
    let lo = 0x80;
    let hi = 0xbf;
    let cp = 0;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      cp = c & 0x0f;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      cp = c & 0x07;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else {
      invalid(c);
      i++;
      continue;
    }
    let j = i + 1;
    let ok = true;
    for (let k = 0; k < need; k++, j++) {
      const d = j < n ? b[j]! : -1;
      if (d < lo || d > hi) {
        ok = false;
        break;
      }
      lo = 0x80;
      hi = 0xbf;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (ok) {
      valid(i, j, cp);
      i = j;
    } else {
      // The lead byte and the valid continuation bytes seen so far form one invalid sequence.
      for (let k = i; k < j; k++) invalid(b[k]!);
      i = j;
    }
  }
}

function utf8EscapeBytes(b: Buffer): string {
  let out = '';
  let bad = false;
  walkUtf8(
    b,
    (s, e) => {
      out += latin1(b, s, e);
    },
    (byte) => {
      bad = true;
      out += HEX_UPPER[byte]!;
    },
  );
  return bad ? out : latin1(b);
}

/**
 * `apply_escape_bytes`: the bytes to write for `b` in a byte-oriented output (protocol,
 * justkeys, justkeyvals, diff, memory CSV), as a byte string.
 */
export function escapeBytes(b: Buffer, mode: EscapeMode, skipPrintable = false): string {
  const s = latin1(b);
  if (mode === 'raw') return s;
  if (skipPrintable && !NOT_PRINTABLE.test(s)) return s;
  switch (mode) {
    case 'print':
      return printEscape(s);
    case 'utf8':
      return NOT_PRINTABLE.test(s) ? utf8EscapeBytes(b) : s;
    case 'base64':
      return b.toString('base64');
  }
}

/** Escapes text that is already decoded to code points (char codes may exceed 255). */
function jsonQuoteText(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c) continue;
    out += s.slice(start, i);
    start = i + 1;
    out += jsonEscapeUnit(c);
  }
  return out + s.slice(start) + '"';
}

function jsonEscapeUnit(c: number): string {
  switch (c) {
    case 0x22:
      return '\\"';
    case 0x5c:
      return '\\\\';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    case 0x08:
      return '\\b';
    case 0x0c:
      return '\\f';
  }
  return c < 256 ? HEX_JSON_U[c]! : '\\u' + c.toString(16).padStart(4, '0');
}

function jsonUtf8(b: Buffer): string {
  let out = '"';
  walkUtf8(
    b,
    (s, e, cp) => {
      if (e - s === 1) {
        out += cp >= 0x20 && cp <= 0x7e && cp !== 0x22 && cp !== 0x5c ? String.fromCharCode(cp) : jsonEscapeUnit(cp);
      } else if (cp < 0x10000) {
        out += '\\u' + cp.toString(16).padStart(4, '0');
      } else {
        const v = cp - 0x10000;
        out += '\\u' + (0xd800 + (v >> 10)).toString(16) + '\\u' + (0xdc00 + (v & 0x3ff)).toString(16);
      }
    },
    (byte) => {
      // The escape text `\xNN` itself goes through json.dumps: its backslash is doubled.
      out += '\\' + HEX_UPPER[byte]!;
    },
  );
  return out + '"';
}

/**
 * `json.dumps(bytes_to_unicode(b, mode, skipPrintable))`: a complete JSON string literal
 * (with quotes), pure ASCII.
 */
export function jsonQuote(b: Buffer, mode: EscapeMode, skipPrintable = false): string {
  const s = latin1(b);
  if (!JSON_UNSAFE.test(s)) return mode === 'base64' && !skipPrintable ? '"' + b.toString('base64') + '"' : '"' + s + '"';
  if (skipPrintable && !NOT_PRINTABLE.test(s)) return jsonQuoteText(s);
  switch (mode) {
    case 'raw':
      return jsonQuoteText(s);
    case 'print':
      return jsonQuoteText(printEscape(s));
    case 'utf8':
      return jsonUtf8(b);
    case 'base64':
      return '"' + b.toString('base64') + '"';
  }
}

/** JSON string literal for ASCII text we produce ourselves (numbers, ids). */
export function jsonQuoteAscii(text: string, mode: EscapeMode): string {
  if (mode === 'base64') return '"' + Buffer.from(text, 'latin1').toString('base64') + '"';
  return '"' + text + '"';
}

/** `apply_escape_bytes` for ASCII text we produce ourselves (numbers): only base64 changes it. */
export function escapeAscii(text: string, mode: EscapeMode): string {
  return mode === 'base64' ? Buffer.from(text, 'latin1').toString('base64') : text;
}

/** Where the fast writers append (run.ts's ByteOut). */
export interface ByteSink {
  buf: Buffer;
  pos: number;
  reserve(n: number): void;
  ascii(s: string): void;
  bytes(b: Uint8Array): void;
}

/**
 * Appends `jsonQuote(b, mode, skipPrintable)` to `out` without building strings when every
 * byte is printable ASCII (the common case); other inputs take the string path.
 */
export function writeJsonQuoted(out: ByteSink, b: Buffer, mode: EscapeMode, skipPrintable: boolean): void {
  if (mode === 'base64' && !skipPrintable) {
    out.ascii('"' + b.toString('base64') + '"');
    return;
  }
  const n = b.length;
  // Pass 1: classify (0 = copy as is, 1 = needs a backslash, 2 = not printable ASCII).
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const t = JSON_CLASS[b[i]!]!;
    if (t > worst) {
      worst = t;
      if (t === 2) break;
    }
  }
  if (worst === 2) {
    out.ascii(jsonQuote(b, mode, skipPrintable));
    return;
  }
  out.reserve(2 * n + 2);
  const buf = out.buf;
  let p = out.pos;
  buf[p++] = 0x22;
  if (worst === 0) {
    if (n < 32) for (let i = 0; i < n; i++) buf[p++] = b[i]!;
    else {
      buf.set(b, p);
      p += n;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const c = b[i]!;
      if (c === 0x22 || c === 0x5c) buf[p++] = 0x5c;
      buf[p++] = c;
    }
  }
  buf[p++] = 0x22;
  out.pos = p;
}

/** 0 = printable ASCII, 1 = `"` or `\\`, 2 = control, DEL or non-ASCII. */
export const JSON_CLASS = new Uint8Array(256);
for (let c = 0; c < 256; c++) JSON_CLASS[c] = c < 0x20 || c > 0x7e ? 2 : c === 0x22 || c === 0x5c ? 1 : 0;

/** Appends `escapeBytes(b, mode, skipPrintable)` to `out` (raw and printable bytes are copied). */
export function writeEscaped(out: ByteSink, b: Buffer, mode: EscapeMode, skipPrintable = false): void {
  if (mode === 'raw') {
    out.bytes(b);
    return;
  }
  if (mode === 'base64' && !skipPrintable) {
    out.ascii(b.toString('base64'));
    return;
  }
  const n = b.length;
  for (let i = 0; i < n; i++) {
    if (JSON_CLASS[b[i]!] === 2) {
      out.ascii(escapeBytes(b, mode, skipPrintable));
      return;
    }
  }
  out.bytes(b);
}
