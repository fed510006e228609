/**
 * Redis 7 multi-part AOF manifest: parse (with the server's own rules and error texts) and
 * format (as the server writes it).
 *
 *   file appendonly.aof.2.base.rdb seq 2 type b
 *   file appendonly.aof.2.incr.aof seq 2 type i
 *
 * Rules of `aofLoadManifestFromFile` (aof.c, 7.0.15) kept here: lines are read with
 * `fgets(buf, 1025)`; a line starting with `#` is a comment (only at column 0); every other line
 * must end with `\n` (also the last one: "contains too long line"), is trimmed of " \t\r\n",
 * split like `sdssplitargs` (quotes, `\xHH`), and needs an even number (>= 6) of words: unknown
 * keys are ignored (forward compatibility). `seq` is atoll (0 is missing), `type` is the first
 * byte of its value: b (base, at most one), h (history), i (incr, strictly increasing seq).
 */
import { splitArgs } from '../resp/index.js';

export const MANIFEST_MAX_LINE = 1024;
export const AOF_FILE_TYPE_BASE = 'b';
export const AOF_FILE_TYPE_HIST = 'h';
export const AOF_FILE_TYPE_INCR = 'i';

export type AofFileType = 'b' | 'h' | 'i';

export interface AofInfo {
  fileName: string;
  seq: number;
  type: AofFileType;
  /** 1-based line in the manifest. */
  line: number;
}

export interface AofManifest {
  base: AofInfo | undefined;
  history: AofInfo[];
  incr: AofInfo[];
}

/** The server's message for each way a manifest can be invalid. */
export const MANIFEST_ERRORS = {
  empty: 'Found an empty AOF manifest',
  tooLong: 'The AOF manifest file contains too long line',
  format: 'Invalid AOF manifest file format',
  path: "File can't be a path, just a filename",
  duplicateBase: 'Found duplicate base file information',
  nonMonotonic: 'Found a non-monotonic sequence number',
  unknownType: 'Unknown AOF file type',
} as const;

export class ManifestError extends Error {
  /** The server's error text (one of MANIFEST_ERRORS). */
  readonly reason: string;
  /** 1-based line number, when the error is about one line. */
  readonly lineNo: number | undefined;
  /** The trimmed line as the server prints it after `>>> `. */
  readonly lineText: string | undefined;
  constructor(reason: string, lineNo?: number, lineText?: string) {
    super(lineNo === undefined ? reason : `${reason} (line ${lineNo}: '${lineText ?? ''}')`);
    this.reason = reason;
    this.lineNo = lineNo;
    this.lineText = lineText;
  }
}

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x0b || b === 0x0c;
}

/** C `atoll`: leading space, sign, digits; anything else stops. */
function atoll(s: Buffer): number {
  let i = 0;
  while (i < s.length && isSpace(s[i]!)) i++;
  let neg = false;
  if (s[i] === 0x2b || s[i] === 0x2d) { neg = s[i] === 0x2d; i++; }
  let v = 0;
  while (i < s.length && s[i]! >= 0x30 && s[i]! <= 0x39) { v = v * 10 + (s[i]! - 0x30); i++; }
  return neg ? -v : v;
}

/** Parses manifest bytes; throws ManifestError with the server's message. */
export function parseManifest(data: Uint8Array): AofManifest {
  const am: AofManifest = { base: undefined, history: [], incr: [] };
  let maxSeq = 0;
  let lineNo = 0;
  let p = 0;
  for (;;) {
    if (p >= data.length) {
      if (lineNo === 0) throw new ManifestError(MANIFEST_ERRORS.empty);
      break;
    }
    // fgets(buf, 1025): up to 1024 bytes or through '\n'
    const nl = data.indexOf(0x0a, p);
    const end = nl !== -1 && nl - p + 1 <= MANIFEST_MAX_LINE ? nl + 1 : Math.min(data.length, p + MANIFEST_MAX_LINE);
    let raw = data.subarray(p, end);
    p = end;
    lineNo++;
    // fgets stops copying at nothing, but C string functions stop at the first NUL
    const nul = raw.indexOf(0);
    if (raw[0] === 0x23) continue;
    if (nul !== -1) raw = raw.subarray(0, nul);
    if (raw.indexOf(0x0a) === -1) throw new ManifestError(MANIFEST_ERRORS.tooLong);
    let a = 0;
    let b = raw.length;
    const trim = (c: number) => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
    while (a < b && trim(raw[a]!)) a++;
    while (b > a && trim(raw[b - 1]!)) b--;
    const line = raw.subarray(a, b);
    const text = Buffer.from(line).toString('latin1');
    if (line.length === 0) throw new ManifestError(MANIFEST_ERRORS.format, lineNo, text);
    // sdssplitargs, as aofLoadManifestFromFile uses (arguments come back as latin1 strings)
    const argv = splitArgs(line)?.map((a) => Buffer.from(a, 'latin1')) ?? null;
    if (argv === null || argv.length < 6 || argv.length % 2) throw new ManifestError(MANIFEST_ERRORS.format, lineNo, text);
    let fileName: string | undefined;
    let seq = 0;
    let type = 0;
    for (let i = 0; i < argv.length; i += 2) {
      const key = argv[i]!.toString('latin1').toLowerCase();
      const val = argv[i + 1]!;
      if (key === 'file') {
        fileName = val.toString();
        if (val.includes(0x2f) || val.includes(0x5c)) throw new ManifestError(MANIFEST_ERRORS.path, lineNo, text);
      } else if (key === 'seq') {
        seq = atoll(val);
      } else if (key === 'type') {
        type = val.length ? val[0]! : 0;
      }
    }
    if (!fileName || !seq || !type) throw new ManifestError(MANIFEST_ERRORS.format, lineNo, text);
    const t = String.fromCharCode(type);
    const info = { fileName, seq, type: t as AofFileType, line: lineNo };
    if (t === AOF_FILE_TYPE_BASE) {
      if (am.base) throw new ManifestError(MANIFEST_ERRORS.duplicateBase, lineNo, text);
      am.base = info;
    } else if (t === AOF_FILE_TYPE_HIST) {
      am.history.push(info);
    } else if (t === AOF_FILE_TYPE_INCR) {
      if (seq <= maxSeq) throw new ManifestError(MANIFEST_ERRORS.nonMonotonic, lineNo, text);
      am.incr.push(info);
      maxSeq = seq;
    } else {
      throw new ManifestError(MANIFEST_ERRORS.unknownType, lineNo, text);
    }
  }
  return am;
}

/** True when the name needs quoting in a manifest (sdsneedsrepr). */
function needsRepr(name: Buffer): boolean {
  for (const c of name) {
    if (c === 0x5c || c === 0x22 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x07 || c === 0x08 || c < 0x20 || c > 0x7e || c === 0x20) return true;
  }
  return false;
}

/** sdscatrepr: "…" with \n \r \t \a \b \\ \" escapes and \xHH for non-printables. */
function repr(name: Buffer): string {
  let s = '"';
  for (const c of name) {
    if (c === 0x5c) s += '\\\\';
    else if (c === 0x22) s += '\\"';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x0d) s += '\\r';
    else if (c === 0x09) s += '\\t';
    else if (c === 0x07) s += '\\a';
    else if (c === 0x08) s += '\\b';
    else if (c >= 0x20 && c <= 0x7e) s += String.fromCharCode(c);
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `${s}"`;
}

/** Formats a manifest as the server writes it: base, then history, then incr files. */
export function formatManifest(am: AofManifest): Buffer {
  const lines: string[] = [];
  const one = (ai: AofInfo) => {
    const nb = Buffer.from(ai.fileName);
    lines.push(`file ${needsRepr(nb) ? repr(nb) : ai.fileName} seq ${ai.seq} type ${ai.type}\n`);
  };
  if (am.base) one(am.base);
  am.history.forEach(one);
  am.incr.forEach(one);
  return Buffer.from(lines.join(''));
}
