/**
 * The RDB part of an RDB-preamble AOF (or of a multi-part BASE file): where it ends, and the
 * lines redis-check-rdb prints about it when redis-check-aof checks it.
 *
 * This is a structural walker (it skips values, checks the CRC64), not a value decoder: the AOF
 * tools only need the boundary between the RDB and the RESP tail, the key/expiry counts and the
 * `[offset N] …` lines of redis-check-rdb 7.0. It works on a growing window of the file and
 * restarts the current top-level record when it runs out of bytes (the window doubles, so the
 * cost stays linear and memory is bounded by the largest record).
 *
 *   REDIS0010 | FA aux… | FE db | FB sizes | [FC ms] type key value … | FF crc64(8)
 *
 * Why not tools/rdb's reader: redis-check-aof prints redis-check-rdb's progress lines with the
 * offsets redis-check-rdb reaches at each step (and its exact wording on every failure), which
 * this walker reproduces byte for byte (test/aof/check-diff.test.ts); tools/rdb's checkRdb
 * reports its own offsets. The layout boundary for the other AOF tools does come from
 * tools/rdb (readRdbBatches). Folding these lines into tools/rdb/check.ts is a known follow-up.
 */
import { open } from 'node:fs/promises';
import { Crc64 } from '../rdb/crc64.js';

/** RDB_VERSION of Redis 7.0 (what redis-check-aof 7.0 accepts). */
const RDB_VERSION = 10;
const RDB_OPCODE_FUNCTION2 = 245; // 7.0
const RDB_OPCODE_MODULE_AUX = 247;
const RDB_OPCODE_IDLE = 248;
const RDB_OPCODE_FREQ = 249;
const RDB_OPCODE_AUX = 250;
const RDB_OPCODE_RESIZEDB = 251;
const RDB_OPCODE_EXPIRETIME_MS = 252;
const RDB_OPCODE_EXPIRETIME = 253;
const RDB_OPCODE_SELECTDB = 254;
const RDB_OPCODE_EOF = 255;

/** redis-check-rdb 7.0's names for object types (index = type id). */
const RDB_TYPE_STRING = ['string', 'list-linked', 'set-hashtable', 'zset-v1', 'hash-hashtable', 'zset-v2', 'module-value', '', '',
  'hash-zipmap', 'list-ziplist', 'set-intset', 'zset-ziplist', 'hash-ziplist', 'quicklist', 'stream', 'hash-listpack', 'zset-listpack', 'quicklist-v2'];

class NeedMore extends Error {}
class Corrupt extends Error {}

export interface RdbWalkResult {
  ok: boolean;
  /** First byte after the RDB (after the checksum): where the RESP tail starts. */
  end: number;
  keys: number;
  expires: number;
  alreadyExpired: number;
}

type Line = (offset: number, text: string) => void;

class Cursor {
  p = 0;
  constructor(readonly buf: Buffer, readonly eof: boolean) {}
  need(n: number): void {
    if (this.p + n > this.buf.length) throw this.eof ? new Corrupt('Unexpected EOF reading RDB file') : new NeedMore();
  }
  u8(): number {
    this.need(1);
    return this.buf[this.p++]!;
  }
  skip(n: number): void {
    this.need(n);
    this.p += n;
  }
  /** rdbLoadLen: returns [value, isEncoded]. */
  len(): [number, boolean] {
    const t = this.u8();
    const kind = t >> 6;
    if (kind === 0) return [t & 0x3f, false];
    if (kind === 1) return [((t & 0x3f) << 8) | this.u8(), false];
    if (kind === 3) return [t & 0x3f, true];
    if (t === 0x80) { this.need(4); const v = this.buf.readUInt32BE(this.p); this.p += 4; return [v, false]; }
    if (t === 0x81) { this.need(8); const v = Number(this.buf.readBigUInt64BE(this.p)); this.p += 8; return [v, false]; }
    throw new Corrupt(`Unknown length encoding ${t} in rdbLoadLen()`);
  }
  plainLen(): number {
    const [v, enc] = this.len();
    if (enc) throw new Corrupt('Unexpected encoded length');
    return v;
  }
  /** Reads a string; returns it only when `keep` (otherwise skips it). */
  str(keep: boolean): Buffer | undefined {
    const [v, enc] = this.len();
    if (!enc) {
      this.need(v);
      const s = keep ? this.buf.subarray(this.p, this.p + v) : undefined;
      this.p += v;
      return s;
    }
    if (v === 0) { this.need(1); const n = this.buf.readInt8(this.p); this.p += 1; return keep ? Buffer.from(String(n)) : undefined; }
    if (v === 1) { this.need(2); const n = this.buf.readInt16LE(this.p); this.p += 2; return keep ? Buffer.from(String(n)) : undefined; }
    if (v === 2) { this.need(4); const n = this.buf.readInt32LE(this.p); this.p += 4; return keep ? Buffer.from(String(n)) : undefined; }
    if (v === 3) {
      const clen = this.plainLen();
      const ulen = this.plainLen();
      this.need(clen);
      const s = keep ? lzfDecompress(this.buf.subarray(this.p, this.p + clen), ulen) : undefined;
      this.p += clen;
      return s;
    }
    throw new Corrupt(`Unknown RDB string encoding type ${v}`);
  }
}

/** LZF decompression (liblzf format), only for AUX fields that are printed. */
function lzfDecompress(src: Uint8Array, outLen: number): Buffer {
  const out = Buffer.alloc(outLen);
  let ip = 0;
  let op = 0;
  while (ip < src.length) {
    let ctrl = src[ip++]!;
    if (ctrl < 32) {
      ctrl++;
      if (op + ctrl > outLen || ip + ctrl > src.length) throw new Corrupt('Invalid LZF compressed string');
      for (let k = 0; k < ctrl; k++) out[op++] = src[ip++]!;
    } else {
      let len = ctrl >> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (len === 7) len += src[ip++]!;
      ref -= src[ip++]!;
      len += 2;
      if (ref < 0 || op + len > outLen) throw new Corrupt('Invalid LZF compressed string');
      for (let k = 0; k < len; k++) out[op++] = out[ref++]!;
    }
  }
  return out;
}

/** Skips one value of RDB object type `type`. */
function skipValue(c: Cursor, type: number): void {
  switch (type) {
    case 0: c.str(false); return; // string
    case 1: case 2: { const n = c.plainLen(); for (let i = 0; i < n; i++) c.str(false); return; } // list, set
    case 3: { const n = c.plainLen(); for (let i = 0; i < n; i++) { c.str(false); const l = c.u8(); if (l < 253) c.skip(l); } return; } // zset v1
    case 4: { const n = c.plainLen(); for (let i = 0; i < 2 * n; i++) c.str(false); return; } // hash
    case 5: { const n = c.plainLen(); for (let i = 0; i < n; i++) { c.str(false); c.skip(8); } return; } // zset2
    case 9: case 10: case 11: case 12: case 13: case 16: case 17: case 20: c.str(false); return; // blobs
    case 14: { const n = c.plainLen(); for (let i = 0; i < n; i++) c.str(false); return; } // quicklist
    case 18: { const n = c.plainLen(); for (let i = 0; i < n; i++) { c.plainLen(); c.str(false); } return; } // quicklist2
    case 15: case 19: case 21: { skipStream(c, type); return; }
    default: throw new Corrupt(type === 6 || type === 7 ? 'Module values cannot be checked without the module' : `Invalid object type: ${type}`);
  }
}

function skipStream(c: Cursor, type: number): void {
  const nodes = c.plainLen();
  for (let i = 0; i < nodes; i++) { c.str(false); c.str(false); }
  c.plainLen(); c.plainLen(); c.plainLen(); // length, last id
  if (type >= 19) { c.plainLen(); c.plainLen(); c.plainLen(); c.plainLen(); c.plainLen(); }
  const groups = c.plainLen();
  for (let g = 0; g < groups; g++) {
    c.str(false);
    c.plainLen(); c.plainLen();
    if (type >= 19) c.plainLen();
    const pel = c.plainLen();
    for (let k = 0; k < pel; k++) { c.skip(16); c.skip(8); c.plainLen(); }
    const consumers = c.plainLen();
    for (let k = 0; k < consumers; k++) {
      c.str(false);
      c.skip(8);
      if (type >= 21) c.skip(8);
      const cp = c.plainLen();
      c.skip(16 * cp);
    }
  }
}

/** C `%s` of a byte string: stops at the first NUL; bytes shown one char per byte. */
function cstr(b: Buffer | undefined): string {
  if (!b) return '';
  const z = b.indexOf(0);
  return (z === -1 ? b : b.subarray(0, z)).toString('latin1');
}

/**
 * Walks the RDB at the start of `path`. `line` receives redis-check-rdb's `[offset N] …` lines.
 */
export async function walkRdb(path: string, line: Line, nowMs = Date.now()): Promise<RdbWalkResult> {
  const fh = await open(path, 'r');
  const res: RdbWalkResult = { ok: false, end: 0, keys: 0, expires: 0, alreadyExpired: 0 };
  let fileOff = 0; // file offset of window[0]
  let window = Buffer.alloc(0);
  let eof = false;
  let want = 1 << 20;
  const crc = new Crc64();
  const fill = async (): Promise<void> => {
    const add = Buffer.alloc(Math.max(want, 1 << 16));
    const { bytesRead } = await fh.read(add, 0, add.length, fileOff + window.length);
    if (bytesRead === 0) eof = true;
    window = Buffer.concat([window, add.subarray(0, bytesRead)]);
    want = Math.min(want * 2, 256 << 20);
  };
  /** Consumes window bytes up to `n` into the CRC and drops them. */
  const consume = (n: number): void => {
    crc.update(window, 0, n);
    window = window.subarray(n);
    fileOff += n;
  };
  let expire = -1;
  let version = 0;
  let doing = 'start';
  let c: Cursor | undefined; // the record being parsed (its position is where an error happens)
  // redis-check-rdb starts with key_type 0 (its state is zero-initialised) and sets it to -1
  // after each complete key: errors before the first key say "Reading type 0 (string)"
  let keyType = 0;
  let key: Buffer | undefined;
  try {
    await fill();
    // header
    if (window.length < 9) throw new Corrupt('Unexpected EOF reading RDB file');
    if (window.toString('latin1', 0, 5) !== 'REDIS') throw new Corrupt('Wrong signature trying to load DB from file');
    version = parseInt(window.toString('latin1', 5, 9), 10) || 0;
    if (version < 1 || version > RDB_VERSION) throw new Corrupt(`Can't handle RDB format version ${version}`);
    consume(9);
    for (;;) {
      c = new Cursor(window, eof);
      key = undefined;
      doing = 'read-type';
      try {
        const type = c.u8();
        if (type === RDB_OPCODE_EXPIRETIME_MS || type === RDB_OPCODE_EXPIRETIME) doing = 'read-expire';
        if (type === RDB_OPCODE_EXPIRETIME_MS) { c.need(8); expire = Number(window.readBigInt64LE(c.p)); c.p += 8; consume(c.p); continue; }
        if (type === RDB_OPCODE_EXPIRETIME) { c.need(4); expire = window.readInt32LE(c.p) * 1000; c.p += 4; consume(c.p); continue; }
        if (type === RDB_OPCODE_FREQ) { c.skip(1); consume(c.p); continue; }
        if (type === RDB_OPCODE_IDLE) { c.plainLen(); consume(c.p); continue; }
        if (type === RDB_OPCODE_EOF) { consume(c.p); c = undefined; break; }
        if (type === RDB_OPCODE_SELECTDB) {
          doing = 'read-len';
          const db = c.plainLen();
          consume(c.p);
          line(fileOff, `Selecting DB ID ${db}`);
          continue;
        }
        if (type === RDB_OPCODE_RESIZEDB) { doing = 'read-len'; c.plainLen(); c.plainLen(); consume(c.p); continue; }
        if (type === RDB_OPCODE_AUX) {
          doing = 'read-aux';
          const k = c.str(true);
          const v = c.str(true);
          const text = `AUX FIELD ${cstr(k)} = '${cstr(v)}'`;
          consume(c.p);
          line(fileOff, text);
          continue;
        }
        if (type === RDB_OPCODE_FUNCTION2) { doing = 'read-functions'; c.str(false); consume(c.p); continue; }
        if (type === RDB_OPCODE_MODULE_AUX) throw new Corrupt('Module AUX data cannot be checked without the module');
        if (type > 21 || (type >= 6 && type <= 8)) throw new Corrupt(`Invalid object type: ${type}`);
        keyType = type;
        doing = 'read-key';
        key = c.str(true);
        doing = 'read-object-value';
        skipValue(c, type);
        res.keys++;
        if (expire !== -1) { res.expires++; if (expire < nowMs) res.alreadyExpired++; }
        expire = -1;
        consume(c.p);
        c = undefined;
        keyType = -1;
        key = undefined;
      } catch (err) {
        if (err instanceof NeedMore) { await fill(); continue; }
        throw err;
      }
    }
    if (version >= 5) {
      doing = 'check-sum';
      while (window.length < 8 && !eof) await fill();
      if (window.length < 8) {
        c = undefined; // the offset is the end of the EOF opcode
        throw new Corrupt('Unexpected EOF reading RDB file');
      }
      const stored = window.subarray(0, 8);
      const disabled = stored.every((b) => b === 0);
      const matches = stored.equals(crc.bytes());
      window = window.subarray(8);
      fileOff += 8;
      if (disabled) line(fileOff, 'RDB file was saved with checksum disabled: no check performed.');
      else if (!matches) throw new Corrupt('RDB CRC error');
      else line(fileOff, 'Checksum OK');
    }
    res.ok = true;
    res.end = fileOff;
    return res;
  } catch (err) {
    if (!(err instanceof Corrupt)) throw err;
    // redis-check-rdb: offset = bytes consumed before the failing read; the key being read
    // counts as read; then what it was doing, the key and its type.
    const at = fileOff + (c?.p ?? 0);
    line(-1, '--- RDB ERROR DETECTED ---');
    line(at, err.message);
    line(-1, `[additional info] While doing: ${doing}`);
    if (key) {
      res.keys++;
      line(-1, `[additional info] Reading key '${cstr(key)}'`);
    }
    if (keyType !== -1) line(-1, `[additional info] Reading type ${keyType} (${RDB_TYPE_STRING[keyType] ?? 'unknown'})`);
    res.end = at;
    return res;
  } finally {
    await fh.close();
  }
}

/** redis-check-rdb's output for the preamble, as redis-check-aof prints it. */
export async function checkRdbPreamble(path: string, name: string, print: (s: string) => void): Promise<RdbWalkResult> {
  const show: Line = (off, text) => print(off < 0 ? `${text}\n` : `[offset ${off}] ${text}\n`);
  show(0, `Checking RDB file ${Buffer.from(name).toString('latin1')}`);
  const r = await walkRdb(path, show);
  if (r.ok) show(r.end, '\\o/ RDB looks OK! \\o/');
  print(`[info] ${r.keys} keys read\n[info] ${r.expires} expires\n[info] ${r.alreadyExpired} already expired\n`);
  return r;
}
