/**
 * Streaming AOF reader with provenance: yields every command (and annotation) of one AOF byte
 * stream, each with its file, byte offset, length, protocol line, db (tracking SELECT), whether
 * it is inside MULTI…EXEC, and the last `#TS:` seen. It reads what redis-server's loader reads
 * (bare-LF headers, any two bytes after a bulk), and reports damage instead of guessing:
 *
 *   #TS:1700000000\r\n                      -> annotation (ts 1700000000)
 *   *2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n      -> command ['SELECT','3'], db 3 from here on
 *   *3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv    -> damage 'truncated' at the `*` (EOF inside it)
 *
 * With `salvage`, after a damaged region the reader looks for the next offset where a complete,
 * well-formed command of a known Redis command starts, reports the skipped byte range, and goes
 * on. Memory is bounded by the largest single command (plus `resyncWindow` while resyncing).
 *
 * Why not tools/resp's RequestParser: the loader (loadSingleAppendOnlyFile) is not the network
 * parser. It reads `#` annotations, accepts bare-LF headers and any two bytes after a bulk, has
 * no inline commands, and a damaged command must be reported with its offset, protocol line and
 * reason (and resynchronised past with salvage) rather than answered with a protocol error.
 */
import { COMMAND_ARITY } from './command-table.js';

export interface AofProvenance {
  /** Name of the file (as given by the caller). */
  file: string;
  /** Byte offset of the record's first byte in that file. */
  offset: number;
  length: number;
  /** 1-based protocol line of the record's first byte (headers, bulk terminators, annotations). */
  line: number;
}

export interface AofCommandRecord extends AofProvenance {
  kind: 'command';
  /**
   * Arguments: views into the reader's window, valid until the next batch is asked for (with
   * `readAof`, until the iteration moves past the current batch). Copy what you keep longer.
   */
  args: Buffer[];
  /** 0-based index of the command in the stream (annotations not counted). */
  index: number;
  /** Database the command runs in (SELECT records carry the db they select). */
  db: number;
  /** MULTI, the queued commands and EXEC of a transaction are all `inMulti`. */
  inMulti: boolean;
  /** Last `#TS:` annotation before the record, if any. */
  timestamp: number | undefined;
  /** Loader-accepted oddities: 'bare-lf' header, 'no-crlf' after a bulk. */
  quirks?: string[];
}

export interface AofAnnotationRecord extends AofProvenance {
  kind: 'annotation';
  /** A view, valid as long as `args` of a command record (see there). */
  text: Buffer;
  /** For `#TS:<unix>`: the timestamp. */
  ts: number | undefined;
}

export type DamageReason =
  | 'truncated' // EOF inside a command
  | 'format' // a byte other than '*' or '#' where a command starts
  | 'bad-argc' // *N with N < 1 or not a number
  | 'bad-header' // $ header missing or malformed
  | 'bad-length'; // negative or absurd bulk length

export interface AofDamageRecord extends AofProvenance {
  kind: 'damage';
  reason: DamageReason;
  detail: string;
  /** With salvage: where reading resumed (end of the skipped range), or undefined at EOF. */
  resumeAt?: number;
}

export type AofRecord = AofCommandRecord | AofAnnotationRecord | AofDamageRecord;

export interface ReadAofOptions {
  file?: string;
  /** Offset of the first byte of `source` in the file (after an RDB preamble). */
  startOffset?: number;
  /** Initial db (a continuation file starts in the db its predecessor ended in). */
  db?: number;
  /** Keep going after damage (see module comment). Default false: stop at the first damage. */
  salvage?: boolean;
  /** Largest bulk accepted (Redis proto-max-bulk-len default, 512 MB). */
  maxBulkLen?: number;
  /** Index of the first command (for continuation across files). */
  firstIndex?: number;
}

const PROTO_MAX_BULK_LEN = 512 * 1024 * 1024;
const MAX_ARGC = 1024 * 1024;
/** Longest header line the loader reads (fgets with AOF_ANNOTATION_LINE_MAX_LEN). */
const MAX_LINE = 1023;

type Parse =
  | { t: 'cmd'; end: number; args: Buffer[]; lines: number; quirks: string[] | undefined }
  | { t: 'ann'; end: number; text: Buffer }
  | { t: 'need'; min: number }
  | { t: 'bad'; reason: DamageReason; detail: string; lines: number };

/** Reads a `<prefix><int>\r?\n` line at p. */
function readIntLine(buf: Buffer, p: number, eof: boolean): { v: number; next: number; bare: boolean } | 'need' | string {
  const lim = Math.min(buf.length, p + MAX_LINE);
  const nl = buf.indexOf(0x0a, p);
  if (nl === -1 || nl >= lim) {
    if (!eof && buf.length < p + MAX_LINE) return 'need';
    return eof && nl === -1 ? 'eof' : 'line too long';
  }
  let i = p + 1;
  let neg = false;
  if (buf[i] === 0x2d) { neg = true; i++; }
  const ds = i;
  let v = 0;
  while (i < nl && buf[i]! >= 0x30 && buf[i]! <= 0x39) { v = v * 10 + (buf[i]! - 0x30); i++; }
  if (i === ds) return 'not a number';
  const bare = i === nl;
  if (!bare && !(buf[i] === 0x0d && i + 1 === nl)) return 'junk after the number';
  return { v: neg ? -v : v, next: nl + 1, bare };
}

/** Tries to parse one record at p. Never throws; 'need' asks for more bytes. */
function parseAt(buf: Buffer, p: number, eof: boolean, maxBulk: number): Parse {
  const c = buf[p]!;
  if (c === 0x23) {
    const nl = buf.indexOf(0x0a, p);
    if (nl === -1 || nl - p >= MAX_LINE) {
      if (nl === -1 && !eof && buf.length - p < MAX_LINE) return { t: 'need', min: buf.length + 1 };
      const end = nl === -1 ? Math.min(buf.length, p + MAX_LINE) : Math.min(nl + 1, p + MAX_LINE);
      return { t: 'ann', end, text: buf.subarray(p, end) };
    }
    return { t: 'ann', end: nl + 1, text: buf.subarray(p, nl + 1) };
  }
  if (c !== 0x2a) return { t: 'bad', reason: 'format', detail: `expected '*' or '#', got byte 0x${c.toString(16).padStart(2, '0')}`, lines: 0 };
  const h = readIntLine(buf, p, eof);
  if (h === 'need') return { t: 'need', min: buf.length + 1 };
  if (h === 'eof') return { t: 'bad', reason: 'truncated', detail: 'EOF inside the *N header', lines: 0 };
  if (typeof h === 'string') return { t: 'bad', reason: 'bad-argc', detail: `bad *N header: ${h}`, lines: 0 };
  if (h.v < 1 || h.v > MAX_ARGC) return { t: 'bad', reason: 'bad-argc', detail: `argument count ${h.v}`, lines: 0 };
  let quirks: string[] | undefined = h.bare ? ['bare-lf'] : undefined;
  let q = h.next;
  let lines = 1;
  const args: Buffer[] = new Array(h.v);
  for (let j = 0; j < h.v; j++) {
    if (q >= buf.length) return eof ? { t: 'bad', reason: 'truncated', detail: `EOF before argument ${j + 1} of ${h.v}`, lines } : { t: 'need', min: q + 1 };
    if (buf[q] !== 0x24) return { t: 'bad', reason: 'bad-header', detail: `expected '$' for argument ${j + 1} of ${h.v}, got byte 0x${buf[q]!.toString(16).padStart(2, '0')}`, lines };
    const l = readIntLine(buf, q, eof);
    if (l === 'need') return { t: 'need', min: buf.length + 1 };
    if (l === 'eof') return { t: 'bad', reason: 'truncated', detail: `EOF inside the $ header of argument ${j + 1}`, lines };
    if (typeof l === 'string') return { t: 'bad', reason: 'bad-header', detail: `bad $ header of argument ${j + 1}: ${l}`, lines };
    if (l.v < 0 || l.v > maxBulk) return { t: 'bad', reason: 'bad-length', detail: `bulk length ${l.v} of argument ${j + 1}`, lines };
    if (l.bare) (quirks ??= []).push('bare-lf');
    lines++;
    const end = l.next + l.v + 2;
    if (end > buf.length) {
      if (eof) return { t: 'bad', reason: 'truncated', detail: `EOF inside argument ${j + 1} of ${h.v} (needs ${l.v} bytes)`, lines };
      return { t: 'need', min: end };
    }
    args[j] = buf.subarray(l.next, l.next + l.v);
    if (buf[end - 2] !== 0x0d || buf[end - 1] !== 0x0a) (quirks ??= []).push('no-crlf');
    lines++;
    q = end;
  }
  return { t: 'cmd', end: q, args, lines, quirks };
}

/** `args[0]` lowercased, with a fast path for the commands the reader itself tracks. */
function lowerName(b: Buffer): string {
  return b.length <= 24 ? b.toString('latin1').toLowerCase() : '';
}

/** Is `args[0]` a Redis command name (so a resync point is believable)? */
function knownCommand(name: Buffer): boolean {
  return name.length < 40 && COMMAND_ARITY[name.toString('latin1').toLowerCase()] !== undefined;
}

function parseTs(text: Buffer): number | undefined {
  const m = /^#TS:(\d+)\r?\n?$/.exec(text.toString('latin1'));
  return m ? Number(m[1]) : undefined;
}

/**
 * Reads one AOF byte stream (RESP part only: pass the bytes after an RDB preamble with
 * `startOffset` set to where they start).
 */
export async function* readAof(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, opts: ReadAofOptions = {}): AsyncGenerator<AofRecord> {
  for await (const batch of readAofBatches(source, opts)) yield* batch;
}

/** Records per batch: amortises the async-iteration cost over many small commands. */
const BATCH = 512;
/** Initial window: one read chunk (1 MiB) plus the unread tail of the previous one. */
const WINDOW = 2 << 20;

/** Same records as `readAof`, in arrays (the fast path for big files). */
export async function* readAofBatches(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, opts: ReadAofOptions = {}): AsyncGenerator<AofRecord[]> {
  let out: AofRecord[] = [];
  const file = opts.file ?? '<aof>';
  const maxBulk = opts.maxBulkLen ?? PROTO_MAX_BULK_LEN;
  // The reader owns one window buffer, reused for the whole stream: unread bytes are moved to
  // its front and source chunks are copied in behind them (so sources may reuse their chunks,
  // see openInput's reuseBuffers). It only grows for a command larger than itself. Records are
  // views into it, hence a batch is always handed out before the window is refilled.
  let store = Buffer.allocUnsafeSlow(WINDOW);
  let window: Buffer = store.subarray(0, 0);
  let winOff = opts.startOffset ?? 0; // file offset of window[0]
  let p = 0; // parse position in window
  let line = 1;
  let db = opts.db ?? 0;
  let index = opts.firstIndex ?? 0;
  let multi = false;
  let ts: number | undefined;
  let eof = false;
  const it = Symbol.asyncIterator in source
    ? source[Symbol.asyncIterator]()
    : (async function* () { yield* source as Iterable<Uint8Array>; })();

  /**
   * Makes at least `min` bytes available in the window (or reaches EOF). Overwrites the window:
   * every record handed out before must be done with (callers yield `out` first).
   */
  const fill = async (min: number): Promise<void> => {
    // unread bytes to the front of the store
    const keep = window.subarray(p);
    winOff += p;
    min -= p;
    p = 0;
    let len = keep.length;
    if (keep.buffer === store.buffer) {
      const from = keep.byteOffset - store.byteOffset;
      if (from > 0) store.copyWithin(0, from, from + len);
    } else {
      keep.copy(store, 0);
    }
    while (!eof && len < min) {
      const r = await it.next();
      if (r.done) { eof = true; break; }
      const b = r.value;
      if (len + b.length > store.length) {
        const bigger = Buffer.allocUnsafeSlow(Math.max(store.length * 2, len + b.length));
        store.copy(bigger, 0, 0, len);
        store = bigger;
      }
      store.set(b, len);
      len += b.length;
    }
    window = store.subarray(0, len);
  };

  await fill(1);
  for (;;) {
    if (p >= window.length) {
      if (eof) break;
      if (out.length) { yield out; out = []; }
      await fill(p + 1);
      if (p >= window.length) break;
    }
    const r = parseAt(window, p, eof, maxBulk);
    if (r.t === 'need') {
      if (out.length) { yield out; out = []; }
      await fill(Math.max(r.min, window.length + 1));
      continue;
    }
    const offset = winOff + p;
    if (r.t === 'ann') {
      const text = r.text;
      const t = parseTs(text);
      if (t !== undefined) ts = t;
      out.push({ kind: 'annotation', text, ts: t, file, offset, length: r.end - p, line });
      line++;
      p = r.end;
      continue;
    }
    if (r.t === 'cmd') {
      // args are views into the window (no copy), valid until the next batch is requested;
      // callers that buffer records across batches copy them (rewrite.ts own()).
      const args = r.args;
      const name = lowerName(args[0]!);
      if (name === 'select' && args.length >= 2) {
        const n = Number(args[1]!.toString('latin1'));
        if (Number.isInteger(n) && n >= 0) db = n;
      }
      let inMulti = multi;
      if (name === 'multi') { multi = true; inMulti = true; }
      else if (name === 'exec') { inMulti = multi; multi = false; }
      const rec: AofCommandRecord = { kind: 'command', args, index: index++, db, inMulti, timestamp: ts, file, offset, length: r.end - p, line };
      if (r.quirks) rec.quirks = r.quirks;
      out.push(rec);
      if (out.length >= BATCH) { yield out; out = []; }
      line += r.lines;
      p = r.end;
      continue;
    }
    // damage
    const damage: AofDamageRecord = { kind: 'damage', reason: r.reason, detail: r.detail, file, offset, length: 0, line };
    if (!opts.salvage) {
      damage.length = winOff + window.length - offset;
      out.push(damage);
      break;
    }
    // salvage: find the next believable command start after the damage. Candidates are any
    // '*' that begins a complete, well-formed command whose name Redis knows.
    let q = p + 1;
    let resume: number | undefined;
    for (;;) {
      // drop what is behind the search point, keeping one byte of context
      if (q - 1 > 0) { window = window.subarray(q - 1); winOff += q - 1; q = 1; }
      p = 0;
      const star = window.indexOf(0x2a, q);
      if (star === -1) {
        if (eof) break;
        q = window.length;
        if (out.length) { yield out; out = []; }
        await fill(window.length + 1);
        continue;
      }
      const t = parseAt(window, star, eof, maxBulk);
      if (t.t === 'need') {
        if (out.length) { yield out; out = []; }
        await fill(Math.max(t.min, window.length + 1));
        q = star;
        continue;
      }
      if (t.t === 'cmd' && knownCommand(t.args[0]!) && !t.quirks) { resume = star; break; }
      q = star + 1;
    }
    const resumeAbs = resume === undefined ? winOff + window.length : winOff + resume;
    damage.length = resumeAbs - offset;
    if (resume !== undefined) damage.resumeAt = resumeAbs;
    out.push(damage);
    multi = false; // a transaction cut by damage is not continued (see rewrite.ts)
    if (resume === undefined) break;
    p = resume;
  }
  if (out.length) yield out;
}

/** Convenience: the `args[0]` of a command, lowercased. */
export function commandName(rec: AofCommandRecord): string {
  return rec.args[0]!.toString('latin1').toLowerCase();
}
