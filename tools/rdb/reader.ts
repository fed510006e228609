/**
 * Streaming RDB reader: a resumable state machine over a growable byte buffer.
 *
 *   52 45 44 49 53 30 30 31 30   "REDIS0010"            header (or "VALKEY080")
 *   fa 09 72 65 64 69 73 2d ...  AUX redis-ver 7.0.15
 *   fe 00                        SELECTDB 0
 *   fb 01 00                     RESIZEDB 1 keys, 0 expires
 *   00 03 66 6f 6f 03 62 61 72   type 0 (string) "foo" = "bar"
 *   ff <8 bytes CRC64 LE>        EOF + checksum
 *
 * Retry unit: one top-level entry (opcode, or a key up to its element count), or ONE element
 * of a hashtable-encoded collection / one quicklist or stream node / one module opcode. When
 * the bytes of a unit are not all buffered yet the unit is abandoned ("need more" is a value:
 * `step()` returns STEP_MORE) and re-parsed from its start once enough bytes have arrived;
 * the parser remembers how many bytes it was missing so a 100 MB string is retried once, not
 * once per chunk. Internally a nested decoder signals the shortage by throwing one
 * preallocated sentinel (no stack trace), caught only at the unit boundary, at most once per
 * refill. Memory is therefore bounded by the largest single unit (element, blob, node).
 *
 * Every Buffer the reader yields is a copy, never a view into its input buffer, so consumers
 * may keep records as long as they like without pinning the input chunks.
 */

import {
  MODULE_TYPE_CHARSET,
  QUICKLIST_NODE_CONTAINER_PACKED,
  QUICKLIST_NODE_CONTAINER_PLAIN,
  RDB_ENC_INT16,
  RDB_ENC_INT32,
  RDB_ENC_INT8,
  RDB_ENC_LZF,
  RDB_MODULE_OPCODE_DOUBLE,
  RDB_MODULE_OPCODE_EOF,
  RDB_MODULE_OPCODE_FLOAT,
  RDB_MODULE_OPCODE_SINT,
  RDB_MODULE_OPCODE_STRING,
  RDB_MODULE_OPCODE_UINT,
  RDB_OPCODE_AUX,
  RDB_OPCODE_EOF,
  RDB_OPCODE_EXPIRETIME,
  RDB_OPCODE_EXPIRETIME_MS,
  RDB_OPCODE_FREQ,
  RDB_OPCODE_FUNCTION2,
  RDB_OPCODE_FUNCTION_PRE_GA,
  RDB_OPCODE_IDLE,
  RDB_OPCODE_MODULE_AUX,
  RDB_OPCODE_RESIZEDB,
  RDB_OPCODE_SELECTDB,
  RDB_OPCODE_SLOT_IMPORT,
  RDB_OPCODE_SLOT_INFO,
  RDB_TYPE_HASH,
  RDB_TYPE_HASH_LISTPACK,
  RDB_TYPE_HASH_LISTPACK_EX,
  RDB_TYPE_HASH_LISTPACK_EX_PRE_GA,
  RDB_TYPE_HASH_METADATA,
  RDB_TYPE_HASH_METADATA_PRE_GA,
  RDB_TYPE_HASH_ZIPLIST,
  RDB_TYPE_HASH_ZIPMAP,
  RDB_TYPE_LIST,
  RDB_TYPE_LIST_QUICKLIST,
  RDB_TYPE_LIST_QUICKLIST_2,
  RDB_TYPE_LIST_ZIPLIST,
  RDB_TYPE_MODULE_2,
  RDB_TYPE_MODULE_PRE_GA,
  RDB_TYPE_SET,
  RDB_TYPE_SET_INTSET,
  RDB_TYPE_SET_LISTPACK,
  RDB_TYPE_STREAM_LISTPACKS,
  RDB_TYPE_STREAM_LISTPACKS_2,
  RDB_TYPE_STREAM_LISTPACKS_3,
  RDB_TYPE_STRING,
  RDB_TYPE_ZSET,
  RDB_TYPE_ZSET_2,
  RDB_TYPE_ZSET_LISTPACK,
  RDB_TYPE_ZSET_ZIPLIST,
  RDB_VERSION,
  RDB_VERSION_CRC,
  RDB_VERSION_VALKEY,
  STREAM_ITEM_FLAG_DELETED,
  STREAM_ITEM_FLAG_SAMEFIELDS,
} from './constants.js';
import { Crc64, crcBytesToHex } from './crc64.js';
import {
  BlobError,
  ListpackReader,
  ZiplistReader,
  copyBytes,
  entryBytes,
  entryInt,
  intToBuffer,
  intsetGet,
  intsetHeader,
  zipmapEntries,
} from './encodings.js';
import { lzfDecompressInto } from './lzf.js';
import { RedkitError, type ErrorCode } from '../errors.js';
import type {
  HashField,
  RdbEncoding,
  RdbEncodingInfo,
  RdbFunctionRecord,
  RdbKeyEndRecord,
  RdbKeyRecord,
  RdbRecord,
  RdbValueType,
  ReadRdbOptions,
  StreamConsumer,
  StreamEntry,
  StreamGroup,
  StreamId,
  StreamMeta,
  StreamPendingEntry,
  ZsetMember,
} from './types.js';

/** Options of the reader beyond the shared contract. */
export interface RdbReaderOptions extends ReadRdbOptions {
  /** Accept `REDIS` versions above 12 (parsed as 12). Default false: "unsupported RDB version N". */
  acceptFutureVersions?: boolean;
  /**
   * false: key records carry an empty Buffer instead of the key name (the name is still read
   * and validated). For counting-only consumers such as `checkRdb`: one allocation less per key.
   * Default true.
   */
  keyNames?: boolean;
  /** Records per yielded batch (readRdbBatches). Default 512 (small batches die young: less GC). */
  batchRecords?: number;
}

/** Result of one `RdbParser.step()` call. */
export const STEP_MORE = 0; // needs more input bytes
export const STEP_BATCH = 1; // the output batch is full
export const STEP_DONE = 2; // EOF opcode and checksum read

class NeedMore {}
const NEED_MORE = new NeedMore();

const S_HEADER = 0;
const S_TOP = 1;
const S_ELEMS = 2; // one element of a hashtable-encoded collection / quicklist node
const S_STREAM_NODES = 3;
const S_STREAM_META = 4;
const S_MODULE = 5;
const S_CRC = 6;
const S_DONE = 7;

const TWO32 = 4294967296;
const NO_KEY = Buffer.alloc(0);
const U64_MAX = (1n << 64n) - 1n;

interface TypeInfo {
  type: RdbValueType;
  encoding: RdbEncoding;
}

const TYPES: Array<TypeInfo | undefined> = [];
TYPES[RDB_TYPE_STRING] = { type: 'string', encoding: 'string' };
TYPES[RDB_TYPE_LIST] = { type: 'list', encoding: 'linkedlist' };
TYPES[RDB_TYPE_SET] = { type: 'set', encoding: 'hashtable' };
TYPES[RDB_TYPE_ZSET] = { type: 'zset', encoding: 'skiplist' };
TYPES[RDB_TYPE_HASH] = { type: 'hash', encoding: 'hashtable' };
TYPES[RDB_TYPE_ZSET_2] = { type: 'zset', encoding: 'skiplist' };
TYPES[RDB_TYPE_MODULE_PRE_GA] = { type: 'module', encoding: 'module' };
TYPES[RDB_TYPE_MODULE_2] = { type: 'module', encoding: 'module' };
TYPES[RDB_TYPE_HASH_ZIPMAP] = { type: 'hash', encoding: 'zipmap' };
TYPES[RDB_TYPE_LIST_ZIPLIST] = { type: 'list', encoding: 'ziplist' };
TYPES[RDB_TYPE_SET_INTSET] = { type: 'set', encoding: 'intset' };
TYPES[RDB_TYPE_ZSET_ZIPLIST] = { type: 'zset', encoding: 'ziplist' };
TYPES[RDB_TYPE_HASH_ZIPLIST] = { type: 'hash', encoding: 'ziplist' };
TYPES[RDB_TYPE_LIST_QUICKLIST] = { type: 'list', encoding: 'quicklist' };
TYPES[RDB_TYPE_STREAM_LISTPACKS] = { type: 'stream', encoding: 'stream' };
TYPES[RDB_TYPE_HASH_LISTPACK] = { type: 'hash', encoding: 'listpack' };
TYPES[RDB_TYPE_ZSET_LISTPACK] = { type: 'zset', encoding: 'listpack' };
TYPES[RDB_TYPE_LIST_QUICKLIST_2] = { type: 'list', encoding: 'quicklist2' };
TYPES[RDB_TYPE_STREAM_LISTPACKS_2] = { type: 'stream', encoding: 'stream' };
TYPES[RDB_TYPE_SET_LISTPACK] = { type: 'set', encoding: 'listpack' };
TYPES[RDB_TYPE_STREAM_LISTPACKS_3] = { type: 'stream', encoding: 'stream' };
TYPES[RDB_TYPE_HASH_METADATA_PRE_GA] = { type: 'hash', encoding: 'hashtable' };
TYPES[RDB_TYPE_HASH_LISTPACK_EX_PRE_GA] = { type: 'hash', encoding: 'listpack' };
TYPES[RDB_TYPE_HASH_METADATA] = { type: 'hash', encoding: 'hashtable' };
TYPES[RDB_TYPE_HASH_LISTPACK_EX] = { type: 'hash', encoding: 'listpack' };

/** Decodes the 9-character module type name and encoding version from a module id (module.c). */
export function moduleNameFromId(id: bigint): { name: string; version: number } {
  let name = '';
  for (let j = 0; j < 9; j++) name += MODULE_TYPE_CHARSET[Number((id >> BigInt(64 - 6 * (j + 1))) & 63n)];
  return { name, version: Number(id & 1023n) };
}

/**
 * Parses a number the way C's strtod does for zset scores (leading blanks, "inf", "-inf",
 * "infinity", "nan", any case; the longest numeric prefix). Returns NaN for no number.
 */
export function strtod(text: string): number {
  const s = text.trimStart();
  const m = /^([+-]?)(inf(inity)?|nan)/i.exec(s);
  if (m) {
    if (m[2]!.toLowerCase() === 'nan') return NaN;
    return m[1] === '-' ? -Infinity : Infinity;
  }
  if (/^[+-]?0x/i.test(s)) {
    const h = /^([+-]?)0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?/i.exec(s)!;
    const int = h[2] ? parseInt(h[2], 16) : 0;
    const frac = h[3] ? parseInt(h[3], 16) / 16 ** h[3].length : 0;
    const v = (int + frac) * 2 ** (h[4] ? parseInt(h[4], 10) : 0);
    return h[1] === '-' ? -v : v;
  }
  return parseFloat(s);
}

const scratchF64 = new Float64Array(1);
const scratchF64Bytes = new Uint8Array(scratchF64.buffer);
const scratchF32 = new Float32Array(1);
const scratchF32Bytes = new Uint8Array(scratchF32.buffer);

/**
 * The parser. Feed it with `push(chunk)` and `end()`, drain it with `step(out)`.
 * `readRdbBatches` / `readRdb` below are the pull API on top of it.
 */
export class RdbParser {
  // input buffer: bytes [pos, end) are unparsed; buf[0] is at file offset `base`
  #buf: Buffer = Buffer.alloc(0);
  #owned = false;
  #own: Buffer = Buffer.alloc(0);
  #pos = 0;
  #end = 0;
  #base = 0;
  #inputEnded = false;
  /** File offset up to which bytes are needed before a retry can succeed. */
  #wantUntil = 0;
  #needWhat = '';
  #needBytes = 0;
  #needAt = 0;

  #crc = new Crc64();
  #crcPos = 0; // buffer position up to which the CRC has been computed

  readonly #opts: Required<Pick<RdbReaderOptions, 'ignoreCrc' | 'chunkElements' | 'keysOnly' | 'acceptFutureVersions' | 'keyNames'>> & { fileName: string | undefined };
  #state = S_HEADER;
  version = 0;
  valkey = false;
  #db = 0;
  #scratch: Buffer = Buffer.allocUnsafe(64 * 1024);

  // pending per-key opcodes
  #keyStart = -1;
  #expireMs: number | null = null;
  #idle: number | undefined = undefined;
  #freq: number | undefined = undefined;

  // current collection
  #key: Buffer = Buffer.alloc(0);
  #rdbType = 0;
  #ti: TypeInfo = TYPES[0]!;
  #remaining = 0;
  #count = 0;
  #nodes = 0;
  #blobBytes = 0;
  #minExpire = 0;
  #items: unknown[] = [];
  #chunkStart = 0;
  #chunkEnd = 0;
  #moduleStart = 0;
  #batchItems = 0;

  constructor(opts: RdbReaderOptions = {}) {
    this.#opts = {
      ignoreCrc: opts.ignoreCrc ?? false,
      chunkElements: Math.max(1, opts.chunkElements ?? 1024),
      keysOnly: opts.keysOnly ?? false,
      acceptFutureVersions: opts.acceptFutureVersions ?? false,
      keyNames: opts.keyNames ?? true,
      fileName: opts.fileName,
    };
  }

  /** File offset of the next unparsed byte. */
  get offset(): number {
    return this.#base + this.#pos;
  }

  /** True when enough bytes are buffered for the last failed unit to be retried. */
  get ready(): boolean {
    return this.#inputEnded || this.#base + this.#end >= this.#wantUntil;
  }

  get done(): boolean {
    return this.#state === S_DONE;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#flushCrc();
    const rem = this.#end - this.#pos;
    if (rem === 0) {
      // Nothing left over: parse straight from the caller's chunk (we never write into it).
      this.#base += this.#end;
      this.#buf = chunk;
      this.#pos = this.#crcPos = 0;
      this.#end = chunk.length;
      this.#owned = false;
      return;
    }
    // Append to our own reusable buffer (records never point into it, so reuse is safe).
    const need = rem + chunk.length;
    let own = this.#own;
    if (this.#owned && this.#end + chunk.length <= own.length) {
      chunk.copy(own, this.#end);
      this.#end += chunk.length;
      return;
    }
    if (own.length < need) {
      // Grow with the bytes actually received (doubling), never with a length the file
      // claims: a corrupt 4 GB length must end as "truncated", not as a 4 GB allocation.
      own = Buffer.allocUnsafe(Math.max(need + 65536, own.length * 2));
      this.#buf.copy(own, 0, this.#pos, this.#end);
    } else if (this.#owned) {
      own.copyWithin(0, this.#pos, this.#end);
    } else {
      this.#buf.copy(own, 0, this.#pos, this.#end);
    }
    chunk.copy(own, rem);
    this.#base += this.#pos;
    this.#own = own;
    this.#buf = own;
    this.#owned = true;
    this.#pos = this.#crcPos = 0;
    this.#end = need;
  }

  /**
   * Stops referring to the last pushed chunk: checksums what was parsed and copies the
   * unparsed tail into the parser's own buffer. Call it before the chunk's memory is reused
   * (`openInput(path, { reuseBuffers: true })` overwrites a chunk once the next is requested).
   * Costs nothing more than `push` would have spent on the same tail.
   */
  detach(): void {
    this.#flushCrc();
    if (this.#owned) return;
    const rem = this.#end - this.#pos;
    this.#base += this.#pos;
    if (rem > 0) {
      let own = this.#own;
      if (own.length < rem) own = this.#own = Buffer.allocUnsafe(Math.max(rem + 65536, own.length * 2));
      this.#buf.copy(own, 0, this.#pos, this.#end);
      this.#buf = own;
      this.#owned = true;
    } else {
      this.#buf = NO_KEY;
    }
    this.#pos = this.#crcPos = 0;
    this.#end = rem;
  }

  /** Declares the end of input. */
  end(): void {
    this.#inputEnded = true;
  }

  /**
   * Parses as many units as are buffered, appending records to `out`, until the batch holds
   * `maxRecords`, more input is needed, or the dump is complete.
   */
  step(out: RdbRecord[], maxRecords = 1024): number {
    // A batch also ends once it carries a chunk's worth of elements, so a big collection
    // never piles up in one batch (memory stays bounded by chunkElements).
    this.#batchItems = 0;
    while (out.length < maxRecords && this.#batchItems < this.#opts.chunkElements) {
      const unitStart = this.#pos;
      try {
        switch (this.#state) {
          case S_TOP:
            this.#parseTop(out);
            break;
          case S_ELEMS:
            this.#parseElement(out);
            break;
          case S_STREAM_NODES:
            this.#parseStreamNode(out);
            break;
          case S_STREAM_META:
            this.#parseStreamMeta(out);
            break;
          case S_MODULE:
            this.#parseModuleOpcode(out);
            break;
          case S_HEADER:
            this.#parseHeader(out);
            break;
          case S_CRC:
            this.#parseCrc(out);
            break;
          default:
            return STEP_DONE;
        }
      } catch (err) {
        if (err !== NEED_MORE) {
          if (err instanceof BlobError) throw this.#error('REDKIT_E_RDB_CORRUPT', err.message, unitStart);
          throw err;
        }
        this.#pos = unitStart;
        if (this.#inputEnded) throw this.#truncated(unitStart);
        return STEP_MORE;
      }
    }
    return this.#state === S_DONE ? STEP_DONE : STEP_BATCH;
  }

  // ---- errors -------------------------------------------------------------------------

  #error(code: ErrorCode, message: string, bufPos: number): RedkitError {
    return new RedkitError(code, message, { offset: this.#base + bufPos, file: this.#opts.fileName });
  }

  #truncated(unitStart: number): RedkitError {
    if (this.#state === S_HEADER && this.#base + this.#end === 0) {
      return new RedkitError('REDKIT_E_EMPTY_INPUT', 'empty file (0 bytes), not an RDB', { offset: 0, file: this.#opts.fileName });
    }
    const at = this.#needAt || this.#base + unitStart;
    return new RedkitError(
      'REDKIT_E_RDB_TRUNCATED',
      `unexpected end of file while reading ${this.#needWhat || 'the next entry'} (need ${this.#needBytes} bytes, ${Math.max(0, this.#base + this.#end - at)} left)`,
      { offset: at, file: this.#opts.fileName },
    );
  }

  #need(n: number, what: string): never {
    this.#needAt = this.#base + this.#pos;
    this.#needBytes = n;
    this.#needWhat = what;
    this.#wantUntil = this.#needAt + n;
    throw NEED_MORE;
  }

  // ---- primitives ---------------------------------------------------------------------

  #flushCrc(): void {
    if (this.#pos > this.#crcPos) {
      this.#crc.update(this.#buf, this.#crcPos, this.#pos);
      this.#crcPos = this.#pos;
    }
  }

  #byte(what: string): number {
    if (this.#pos >= this.#end) this.#need(1, what);
    return this.#buf[this.#pos++]!;
  }

  #bytes(n: number, what: string): number {
    const p = this.#pos;
    if (this.#end - p < n) this.#need(n, what);
    this.#pos = p + n;
    return p;
  }

  /** rdbLoadLen: a length (never an encoded value); 64-bit lengths above 2^53 lose precision. */
  #len(what = 'a length'): number {
    const buf = this.#buf;
    const p = this.#pos;
    if (p >= this.#end) this.#need(1, what);
    const c = buf[p]!;
    const t = c >> 6;
    if (t === 0) {
      this.#pos = p + 1;
      return c & 0x3f;
    }
    if (t === 1) {
      if (this.#end - p < 2) this.#need(2, what);
      this.#pos = p + 2;
      return ((c & 0x3f) << 8) | buf[p + 1]!;
    }
    if (c === 0x80) {
      if (this.#end - p < 5) this.#need(5, what);
      this.#pos = p + 5;
      return buf.readUInt32BE(p + 1);
    }
    if (c === 0x81) {
      if (this.#end - p < 9) this.#need(9, what);
      this.#pos = p + 9;
      return buf.readUInt32BE(p + 1) * TWO32 + buf.readUInt32BE(p + 5);
    }
    throw this.#error('REDKIT_E_RDB_CORRUPT', `invalid length encoding 0x${c.toString(16)} where ${what} was expected`, p);
  }

  /** A length read exactly as an unsigned 64-bit integer (stream ids, module ids). */
  #lenBig(what: string): bigint {
    const p = this.#pos;
    if (p < this.#end && this.#buf[p] === 0x81) {
      if (this.#end - p < 9) this.#need(9, what);
      this.#pos = p + 9;
      return this.#buf.readBigUInt64BE(p + 1);
    }
    return BigInt(this.#len(what));
  }

  /**
   * Reads an RDB string and returns where its bytes are: in the input buffer at [#sStart, #sEnd)
   * (#sBuf === input buffer), or in a fresh/scratch buffer for LZF and integer encodings.
   * `materialize` false (keysOnly) skips copying but still validates LZF payloads.
   */
  #sBuf: Uint8Array = this.#buf;
  #sStart = 0;
  #sEnd = 0;
  #sInt: number | null = null;
  #sFresh = false;

  #string(what: string, fresh: boolean): void {
    const buf = this.#buf;
    const p = this.#pos;
    if (p >= this.#end) this.#need(1, what);
    const c = buf[p]!;
    const t = c >> 6;
    let n: number;
    let hdr: number;
    if (t === 0) {
      n = c & 0x3f;
      hdr = 1;
    } else if (t === 1) {
      if (this.#end - p < 2) this.#need(2, what);
      n = ((c & 0x3f) << 8) | buf[p + 1]!;
      hdr = 2;
    } else if (t === 2) {
      this.#pos = p;
      n = this.#len(what);
      hdr = this.#pos - p;
      this.#pos = p;
    } else {
      const enc = c & 0x3f;
      this.#sFresh = false;
      if (enc === RDB_ENC_INT8) {
        if (this.#end - p < 2) this.#need(2, what);
        this.#sInt = (buf[p + 1]! << 24) >> 24;
        this.#pos = p + 2;
        return;
      }
      if (enc === RDB_ENC_INT16) {
        if (this.#end - p < 3) this.#need(3, what);
        this.#sInt = buf.readInt16LE(p + 1);
        this.#pos = p + 3;
        return;
      }
      if (enc === RDB_ENC_INT32) {
        if (this.#end - p < 5) this.#need(5, what);
        this.#sInt = buf.readInt32LE(p + 1);
        this.#pos = p + 5;
        return;
      }
      if (enc === RDB_ENC_LZF) {
        this.#pos = p + 1;
        const clen = this.#len(what);
        const ulen = this.#len(what);
        const start = this.#pos;
        // LZF expands at most ~90x (a 3-byte back reference yields 264 bytes).
        if (ulen > clen * 100 + 64) {
          throw this.#error('REDKIT_E_RDB_CORRUPT', `invalid LZF-compressed string (${clen} bytes cannot expand to ${ulen})`, p);
        }
        if (this.#end - start < clen) this.#need(clen, what);
        let out: Buffer;
        if (fresh) out = Buffer.allocUnsafe(ulen);
        else {
          if (this.#scratch.length < ulen) this.#scratch = Buffer.allocUnsafe(Math.max(ulen, this.#scratch.length * 2));
          out = this.#scratch;
        }
        if (lzfDecompressInto(this.#buf, start, start + clen, out, ulen) !== ulen) {
          throw this.#error('REDKIT_E_RDB_CORRUPT', `invalid LZF-compressed string (${clen} bytes expanding to ${ulen})`, p);
        }
        this.#pos = start + clen;
        this.#sInt = null;
        this.#sBuf = out;
        this.#sStart = 0;
        this.#sEnd = ulen;
        this.#sFresh = fresh;
        return;
      }
      throw this.#error('REDKIT_E_RDB_CORRUPT', `unknown RDB string encoding ${enc}`, p);
    }
    if (this.#end - p - hdr < n) {
      this.#pos = p + hdr;
      this.#need(n, what);
    }
    this.#sInt = null;
    this.#sBuf = buf;
    this.#sStart = p + hdr;
    this.#sEnd = p + hdr + n;
    this.#sFresh = false;
    this.#pos = p + hdr + n;
  }

  /** Reads a string and returns it as a new Buffer (integers as decimal text, like Redis). */
  #str(what: string): Buffer {
    this.#string(what, true);
    if (this.#sInt !== null) return intToBuffer(this.#sInt);
    if (this.#sFresh) return this.#sBuf as Buffer;
    return copyBytes(this.#sBuf, this.#sStart, this.#sEnd);
  }

  /** Reads and validates a string without keeping it. */
  #skipStr(what: string): void {
    this.#string(what, false);
  }

  /** Reads a string that is a blob (ziplist, listpack, ...): result in #sBuf[#sStart, #sEnd). */
  #blob(what: string): void {
    this.#string(what, false);
    if (this.#sInt !== null) {
      // An integer-encoded blob is never valid: Redis would fail the integrity check.
      throw this.#error('REDKIT_E_RDB_CORRUPT', `${what} is stored as an integer`, this.#pos - 1);
    }
  }

  #millis(what: string): number {
    const p = this.#bytes(8, what);
    const lo = this.#buf.readUInt32LE(p);
    const hi = this.#buf.readInt32LE(p + 4);
    return hi * TWO32 + lo;
  }

  #double(what: string): number {
    const p = this.#bytes(8, what);
    for (let i = 0; i < 8; i++) scratchF64Bytes[i] = this.#buf[p + i]!;
    return scratchF64[0]!;
  }

  /** Zset v1 score: length byte (253 nan, 254 +inf, 255 -inf) + ASCII text. */
  #asciiScore(): { score: number; text: string } {
    const n = this.#byte('a zset score');
    if (n === 253) return { score: NaN, text: 'nan' };
    if (n === 254) return { score: Infinity, text: 'inf' };
    if (n === 255) return { score: -Infinity, text: '-inf' };
    const p = this.#bytes(n, 'a zset score');
    const text = this.#buf.toString('latin1', p, p + n);
    return { score: strtod(text), text };
  }

  // ---- header, top level ------------------------------------------------------------

  #parseHeader(out: RdbRecord[]): void {
    const avail = this.#end - this.#pos;
    const b = this.#buf;
    const p = this.#pos;
    // Decide "not an RDB" as early as the bytes allow.
    const sig = avail >= 6 ? b.toString('latin1', p, p + 6) : b.toString('latin1', p, p + avail);
    const isRedis = 'REDIS'.startsWith(sig.slice(0, 5));
    const isValkey = 'VALKEY'.startsWith(sig);
    if (!isRedis && !isValkey) {
      throw this.#error('REDKIT_E_RDB_NOT_RDB', 'not an RDB file (no REDIS or VALKEY signature)', p);
    }
    if (avail < 9) this.#need(9, 'the RDB header');
    const valkey = sig === 'VALKEY';
    const digits = valkey ? b.toString('latin1', p + 6, p + 9) : b.toString('latin1', p + 5, p + 9);
    if (!valkey && sig.slice(0, 5) !== 'REDIS') {
      throw this.#error('REDKIT_E_RDB_NOT_RDB', 'not an RDB file (no REDIS or VALKEY signature)', p);
    }
    const vAt = p + (valkey ? 6 : 5);
    if (!/^\d+$/.test(digits)) throw this.#error('REDKIT_E_RDB_VERSION', `invalid RDB version "${digits}"`, vAt);
    const version = parseInt(digits, 10);
    if (valkey) {
      if (version !== RDB_VERSION_VALKEY && !(this.#opts.acceptFutureVersions && version > RDB_VERSION_VALKEY)) {
        throw this.#error('REDKIT_E_RDB_VERSION', `unsupported Valkey RDB version ${version}`, vAt);
      }
    } else if (version < 1 || (version > RDB_VERSION && !this.#opts.acceptFutureVersions)) {
      throw this.#error('REDKIT_E_RDB_VERSION', `unsupported RDB version ${version}`, vAt);
    }
    this.#pos = p + 9;
    this.version = version;
    this.valkey = valkey;
    out.push({ kind: 'header', offset: this.#base + p, length: 9, magic: valkey ? 'VALKEY' : 'REDIS', version });
    this.#state = S_TOP;
  }

  #parseTop(out: RdbRecord[]): void {
    const start = this.#pos;
    const type = this.#byte('the next opcode or type');
    if (type <= 25 && type !== 8) {
      this.#parseKey(out, type, start);
      return;
    }
    switch (type) {
      case RDB_OPCODE_EXPIRETIME_MS: {
        const ms = this.#millis('an expire time');
        this.#setKeyStart(start);
        this.#expireMs = ms;
        return;
      }
      case RDB_OPCODE_EXPIRETIME: {
        const p = this.#bytes(4, 'an expire time');
        const s = this.#buf.readInt32LE(p);
        this.#setKeyStart(start);
        this.#expireMs = s * 1000;
        return;
      }
      case RDB_OPCODE_IDLE: {
        const idle = this.#len('an LRU idle time');
        this.#setKeyStart(start);
        this.#idle = idle;
        return;
      }
      case RDB_OPCODE_FREQ: {
        const f = this.#byte('an LFU frequency');
        this.#setKeyStart(start);
        this.#freq = f;
        return;
      }
      case RDB_OPCODE_SELECTDB: {
        const db = this.#len('a database number');
        this.#noPendingKey(start, 'SELECTDB');
        this.#db = db;
        out.push({ kind: 'selectdb', offset: this.#base + start, length: this.#pos - start, db });
        return;
      }
      case RDB_OPCODE_RESIZEDB: {
        const dbSize = this.#len('a RESIZEDB size');
        const expiresSize = this.#len('a RESIZEDB size');
        this.#noPendingKey(start, 'RESIZEDB');
        out.push({ kind: 'resizedb', offset: this.#base + start, length: this.#pos - start, db: this.#db, dbSize, expiresSize });
        return;
      }
      case RDB_OPCODE_AUX: {
        const key = this.#str('an AUX field name');
        const value = this.#str('an AUX field value');
        this.#noPendingKey(start, 'AUX');
        out.push({ kind: 'aux', offset: this.#base + start, length: this.#pos - start, key, value });
        return;
      }
      case RDB_OPCODE_SLOT_INFO: {
        const slot = this.#len('a slot number');
        const slotSize = this.#len('a slot size');
        const expiresSlotSize = this.#len('a slot size');
        out.push({ kind: 'slot-info', offset: this.#base + start, length: this.#pos - start, slot, slotSize, expiresSlotSize });
        return;
      }
      case RDB_OPCODE_MODULE_AUX: {
        const moduleId = this.#lenBig('a module id');
        const whenOpAt = this.#pos;
        const whenOp = this.#len('a module when-opcode');
        if (whenOp !== RDB_MODULE_OPCODE_UINT) {
          throw this.#error('REDKIT_E_RDB_CORRUPT', `bad when_opcode ${whenOp} in module aux data`, whenOpAt);
        }
        const when = this.#len('a module when value');
        const { name, version } = moduleNameFromId(moduleId);
        while (this.#moduleOpcode(name)) {
          /* skip the opaque payload */
        }
        out.push({ kind: 'module-aux', offset: this.#base + start, length: this.#pos - start, moduleId, moduleName: name, moduleVersion: version, when });
        return;
      }
      case RDB_OPCODE_FUNCTION2: {
        const code = this.#str('a function library');
        out.push({ kind: 'function', offset: this.#base + start, length: this.#pos - start, code });
        return;
      }
      case RDB_OPCODE_FUNCTION_PRE_GA: {
        const name = this.#str('a function library name');
        const engine = this.#str('a function engine name');
        const hasDesc = this.#len('a function description flag');
        const description = hasDesc ? this.#str('a function description') : undefined;
        const code = this.#str('a function library');
        const rec: RdbFunctionRecord = { kind: 'function', offset: this.#base + start, length: this.#pos - start, code, name, engine };
        if (description) rec.description = description;
        out.push(rec);
        return;
      }
      case RDB_OPCODE_SLOT_IMPORT: {
        if (!this.valkey) {
          throw this.#error('REDKIT_E_RDB_UNKNOWN_TYPE', 'unsupported opcode 243 (RDB_OPCODE_KEY_META, Redis 8)', start);
        }
        // Valkey 9: slot import job name and slot ranges; nothing a reader needs.
        this.#skipStr('a slot import job name');
        const n = this.#len('a slot range count');
        for (let i = 0; i < n; i++) {
          this.#len('a slot range');
          this.#len('a slot range');
        }
        return;
      }
      case RDB_OPCODE_EOF: {
        this.#noPendingKey(start, 'EOF');
        if (this.version >= RDB_VERSION_CRC) {
          this.#state = S_CRC;
          this.#flushCrc();
          return;
        }
        out.push({ kind: 'eof', offset: this.#base + start, length: 1, crc: 'absent', trailingOffset: this.#base + this.#pos });
        this.#state = S_DONE;
        return;
      }
      default:
        throw this.#error(
          'REDKIT_E_RDB_UNKNOWN_TYPE',
          type === 8 || type < 243
            ? `unknown RDB object type ${type}${type >= 100 && type < 200 ? ' (a Redis Enterprise opcode?)' : ''}`
            : `unknown RDB opcode ${type}`,
          start,
        );
    }
  }

  #parseCrc(out: RdbRecord[]): void {
    // The CRC covers everything up to and including the EOF opcode, just before #pos.
    this.#flushCrc();
    const p = this.#bytes(8, 'the CRC64 checksum');
    const stored = crcBytesToHex(this.#buf, p);
    let crc: 'ok' | 'disabled' | 'ignored' = 'ok';
    if (stored === '0000000000000000') crc = 'disabled';
    else {
      const computed = this.#crc.hex();
      if (computed !== stored) {
        if (!this.#opts.ignoreCrc) {
          throw this.#error('REDKIT_E_RDB_BAD_CRC', `CRC64 mismatch: stored ${stored}, computed ${computed}`, p);
        }
        crc = 'ignored';
      }
    }
    this.#crcPos = this.#pos; // the checksum bytes themselves are not checksummed
    const eofOffset = this.#base + p - 1;
    out.push({ kind: 'eof', offset: eofOffset, length: 9, storedCrc: stored, crc, trailingOffset: this.#base + this.#pos });
    this.#state = S_DONE;
  }

  #setKeyStart(start: number): void {
    if (this.#keyStart < 0) this.#keyStart = this.#base + start;
  }

  #noPendingKey(start: number, what: string): void {
    if (this.#keyStart >= 0) {
      throw this.#error('REDKIT_E_RDB_CORRUPT', `${what} opcode between a key's expire/LRU/LFU opcodes and the key`, start);
    }
  }

  // ---- keys ---------------------------------------------------------------------------

  #parseKey(out: RdbRecord[], rdbType: number, start: number): void {
    const ti = TYPES[rdbType];
    if (ti === undefined) throw this.#error('REDKIT_E_RDB_UNKNOWN_TYPE', `unknown RDB object type ${rdbType}`, start);
    let key: Buffer;
    if (this.#opts.keyNames) key = this.#str('a key');
    else {
      this.#skipStr('a key');
      key = NO_KEY;
    }
    const keyStart = this.#keyStart >= 0 ? this.#keyStart : this.#base + start;
    const keysOnly = this.#opts.keysOnly;

    if (rdbType === RDB_TYPE_STRING) {
      let value: Buffer | undefined;
      if (keysOnly) this.#skipStr('a string value');
      else value = this.#str('a string value');
      this.#emitKey(out, key, rdbType, ti, keyStart, value, undefined);
      this.#emitKeyEnd(out, key, ti, keyStart, { count: 1 }, undefined);
      return;
    }

    switch (rdbType) {
      case RDB_TYPE_LIST:
      case RDB_TYPE_SET:
      case RDB_TYPE_ZSET:
      case RDB_TYPE_ZSET_2:
      case RDB_TYPE_HASH:
      case RDB_TYPE_LIST_QUICKLIST:
      case RDB_TYPE_LIST_QUICKLIST_2:
      case RDB_TYPE_HASH_METADATA_PRE_GA:
      case RDB_TYPE_HASH_METADATA: {
        let minExpire = 0;
        if (rdbType === RDB_TYPE_HASH_METADATA) minExpire = this.#millis('a hash min expire time');
        const n = this.#len('an element count');
        this.#emitKey(out, key, rdbType, ti, keyStart, undefined, undefined);
        this.#beginCollection(key, rdbType, ti, n);
        this.#minExpire = minExpire;
        if (rdbType === RDB_TYPE_LIST_QUICKLIST || rdbType === RDB_TYPE_LIST_QUICKLIST_2) this.#nodes = n;
        if (n === 0) this.#finishCollection(out);
        else this.#state = S_ELEMS;
        return;
      }
      case RDB_TYPE_STREAM_LISTPACKS:
      case RDB_TYPE_STREAM_LISTPACKS_2:
      case RDB_TYPE_STREAM_LISTPACKS_3: {
        const n = this.#len('a stream node count');
        this.#emitKey(out, key, rdbType, ti, keyStart, undefined, undefined);
        this.#beginCollection(key, rdbType, ti, n);
        this.#nodes = n;
        this.#state = n === 0 ? S_STREAM_META : S_STREAM_NODES;
        return;
      }
      case RDB_TYPE_MODULE_2: {
        const id = this.#lenBig('a module id');
        const { name, version } = moduleNameFromId(id);
        this.#emitKey(out, key, rdbType, ti, keyStart, undefined, { id, name, version });
        this.#beginCollection(key, rdbType, ti, 0);
        this.#moduleStart = this.#base + this.#pos;
        this.#moduleName = name;
        this.#state = S_MODULE;
        return;
      }
      case RDB_TYPE_MODULE_PRE_GA:
        throw this.#error('REDKIT_E_RDB_CORRUPT', 'module value of type 6 (4.0 release candidate) has no annotations and cannot be skipped', start);
      default:
        break;
    }

    // Blob encodings: one RDB string holding the whole value.
    let minExpire = 0;
    if (rdbType === RDB_TYPE_HASH_LISTPACK_EX) minExpire = this.#millis('a hash min expire time');
    const blobAt = this.#pos;
    this.#blob(`a ${ti.encoding} blob`);
    const blobEnd = this.#pos;
    this.#emitKey(out, key, rdbType, ti, keyStart, undefined, undefined);
    this.#beginCollection(key, rdbType, ti, 0);
    this.#minExpire = minExpire;
    this.#chunkStart = this.#base + blobAt;
    this.#chunkEnd = this.#base + blobEnd;
    const info: RdbEncodingInfo = { count: 0, blobBytes: this.#sEnd - this.#sStart };
    try {
      this.#decodeBlob(out, rdbType, info);
    } catch (err) {
      if (err instanceof BlobError) {
        throw this.#error('REDKIT_E_RDB_CORRUPT', `${this.#typeLabel(rdbType)} integrity check failed: ${err.message}`, blobAt);
      }
      throw err;
    }
    this.#flushChunk(out);
    info.count = this.#count;
    this.#emitKeyEnd(out, key, ti, keyStart, info, undefined);
  }

  #typeLabel(rdbType: number): string {
    const ti = TYPES[rdbType]!;
    return `${ti.type[0]!.toUpperCase()}${ti.type.slice(1)} ${ti.encoding}`;
  }

  #moduleName = '';

  #beginCollection(key: Buffer, rdbType: number, ti: TypeInfo, n: number): void {
    this.#key = key;
    this.#rdbType = rdbType;
    this.#ti = ti;
    this.#remaining = n;
    this.#count = 0;
    this.#nodes = 0;
    this.#blobBytes = 0;
    this.#items = [];
    this.#chunkStart = this.#base + this.#pos;
    this.#chunkEnd = this.#chunkStart;
  }

  #emitKey(
    out: RdbRecord[],
    key: Buffer,
    rdbType: number,
    ti: TypeInfo,
    keyStart: number,
    value: Buffer | undefined,
    module: { id: bigint; name: string; version: number } | undefined,
  ): void {
    const rec: RdbKeyRecord = {
      kind: 'key',
      offset: keyStart,
      length: this.#base + this.#pos - keyStart,
      db: this.#db,
      key,
      type: ti.type,
      rdbType,
      encoding: ti.encoding,
      expireMs: this.#expireMs,
    };
    if (this.#idle !== undefined) rec.idle = this.#idle;
    if (this.#freq !== undefined) rec.freq = this.#freq;
    if (value !== undefined) rec.value = value;
    if (module !== undefined) rec.module = module;
    out.push(rec);
    this.#keyStartSaved = keyStart;
    this.#keyStart = -1;
    this.#expireMs = null;
    this.#idle = undefined;
    this.#freq = undefined;
  }

  #keyStartSaved = 0;

  #emitKeyEnd(out: RdbRecord[], key: Buffer, ti: TypeInfo, keyStart: number, info: RdbEncodingInfo, stream: StreamMeta | undefined): void {
    const rec: RdbKeyEndRecord = {
      kind: 'key-end',
      offset: keyStart,
      length: this.#base + this.#pos - keyStart,
      db: this.#db,
      key,
      type: ti.type,
      encoding: ti.encoding,
      info,
    };
    if (stream) rec.stream = stream;
    out.push(rec);
  }

  /** Adds one decoded element to the current chunk, flushing a full chunk. */
  #add(out: RdbRecord[], item: unknown): void {
    this.#count++;
    if (this.#opts.keysOnly) return;
    this.#items.push(item);
    if (this.#items.length >= this.#opts.chunkElements) this.#flushChunk(out);
  }

  #flushChunk(out: RdbRecord[]): void {
    if (this.#items.length === 0) {
      this.#chunkStart = this.#chunkEnd;
      return;
    }
    const t = this.#ti.type;
    this.#batchItems += this.#items.length;
    out.push({
      kind: 'elements',
      offset: this.#chunkStart,
      length: this.#chunkEnd - this.#chunkStart,
      db: this.#db,
      key: this.#key,
      elements: { type: t as 'list', items: this.#items as Buffer[] },
    });
    this.#items = [];
    this.#chunkStart = this.#chunkEnd;
  }

  #finishCollection(out: RdbRecord[]): void {
    this.#flushChunk(out);
    const info: RdbEncodingInfo = { count: this.#count };
    if (this.#rdbType === RDB_TYPE_LIST_QUICKLIST || this.#rdbType === RDB_TYPE_LIST_QUICKLIST_2) {
      info.nodes = this.#nodes;
      info.blobBytes = this.#blobBytes;
    }
    this.#emitKeyEnd(out, this.#key, this.#ti, this.#keyStartSaved, info, undefined);
    this.#state = S_TOP;
  }

  // ---- hashtable-encoded collections: one element per unit -----------------------------

  #parseElement(out: RdbRecord[]): void {
    const at = this.#pos;
    const keysOnly = this.#opts.keysOnly;
    switch (this.#rdbType) {
      case RDB_TYPE_LIST:
      case RDB_TYPE_SET:
        if (keysOnly) {
          this.#skipStr('a collection element');
          this.#count++;
        } else {
          const v = this.#str('a collection element');
          this.#chunkEnd = this.#base + this.#pos;
          this.#add(out, v);
        }
        break;
      case RDB_TYPE_ZSET_2: {
        if (keysOnly) {
          this.#skipStr('a zset member');
          this.#bytes(8, 'a zset score');
          this.#count++;
        } else {
          const member = this.#str('a zset member');
          const score = this.#double('a zset score');
          this.#chunkEnd = this.#base + this.#pos;
          const z: ZsetMember = { member, score };
          this.#add(out, z);
        }
        break;
      }
      case RDB_TYPE_ZSET: {
        const member = keysOnly ? (this.#skipStr('a zset member'), null) : this.#str('a zset member');
        const s = this.#asciiScore();
        this.#chunkEnd = this.#base + this.#pos;
        if (member === null) this.#count++;
        else this.#add(out, { member, score: s.score, scoreText: s.text } satisfies ZsetMember);
        break;
      }
      case RDB_TYPE_HASH: {
        if (keysOnly) {
          this.#skipStr('a hash field');
          this.#skipStr('a hash value');
          this.#count++;
        } else {
          const field = this.#str('a hash field');
          const value = this.#str('a hash value');
          this.#chunkEnd = this.#base + this.#pos;
          this.#add(out, { field, value } satisfies HashField);
        }
        break;
      }
      case RDB_TYPE_HASH_METADATA:
      case RDB_TYPE_HASH_METADATA_PRE_GA: {
        let ttl = 0;
        if (this.#rdbType === RDB_TYPE_HASH_METADATA_PRE_GA && this.valkey) {
          // Valkey 9 "hash2": field, value, then an absolute int64 expiry (-1 = none).
          const field = this.#str('a hash field');
          const value = this.#str('a hash value');
          const exp = this.#millis('a hash field expire time');
          this.#chunkEnd = this.#base + this.#pos;
          const hf: HashField = { field, value };
          if (exp >= 0) hf.expireMs = exp;
          this.#add(out, hf);
          break;
        }
        ttl = this.#len('a hash field TTL');
        const field = this.#str('a hash field');
        const value = this.#str('a hash value');
        this.#chunkEnd = this.#base + this.#pos;
        const hf: HashField = { field, value };
        if (ttl !== 0) hf.expireMs = this.#rdbType === RDB_TYPE_HASH_METADATA ? ttl + this.#minExpire - 1 : ttl;
        this.#add(out, hf);
        break;
      }
      case RDB_TYPE_LIST_QUICKLIST: {
        this.#blob('a quicklist ziplist node');
        this.#chunkEnd = this.#base + this.#pos;
        this.#blobBytes += this.#sEnd - this.#sStart;
        this.#decodeNode(out, at, false);
        break;
      }
      case RDB_TYPE_LIST_QUICKLIST_2: {
        const container = this.#len('a quicklist node container');
        if (container !== QUICKLIST_NODE_CONTAINER_PLAIN && container !== QUICKLIST_NODE_CONTAINER_PACKED) {
          throw this.#error('REDKIT_E_RDB_CORRUPT', `quicklist integrity check failed: unknown node container ${container}`, at);
        }
        if (container === QUICKLIST_NODE_CONTAINER_PLAIN) {
          if (keysOnly) {
            this.#skipStr('a quicklist plain node');
            this.#blobBytes += this.#sInt === null ? this.#sEnd - this.#sStart : 0;
            this.#count++;
          } else {
            const v = this.#str('a quicklist plain node');
            this.#blobBytes += v.length;
            this.#chunkEnd = this.#base + this.#pos;
            this.#add(out, v);
          }
        } else {
          this.#blob('a quicklist listpack node');
          this.#chunkEnd = this.#base + this.#pos;
          this.#blobBytes += this.#sEnd - this.#sStart;
          this.#decodeNode(out, at, true);
        }
        break;
      }
      default:
        throw this.#error('REDKIT_E_RDB_CORRUPT', `internal: no element reader for type ${this.#rdbType}`, at);
    }
    if (--this.#remaining === 0) this.#finishCollection(out);
  }

  /** One quicklist node (ziplist or listpack blob in #sBuf). */
  #decodeNode(out: RdbRecord[], at: number, listpack: boolean): void {
    try {
      const r = listpack ? new ListpackReader(this.#sBuf, this.#sStart, this.#sEnd) : new ZiplistReader(this.#sBuf, this.#sStart, this.#sEnd);
      let n = 0;
      if (this.#opts.keysOnly) {
        while (r.next()) n++;
        this.#count += n;
      } else {
        while (r.next()) {
          this.#add(out, entryBytes(r));
          n++;
        }
      }
      // Empty nodes are skipped silently, as Redis does when loading.
    } catch (err) {
      if (err instanceof BlobError) throw this.#error('REDKIT_E_RDB_CORRUPT', `List quicklist integrity check failed: ${err.message}`, at);
      throw err;
    }
  }

  // ---- blob-encoded values --------------------------------------------------------------

  #decodeBlob(out: RdbRecord[], rdbType: number, info: RdbEncodingInfo): void {
    const b = this.#sBuf;
    const s = this.#sStart;
    const e = this.#sEnd;
    const keysOnly = this.#opts.keysOnly;
    switch (rdbType) {
      case RDB_TYPE_SET_INTSET: {
        const { width, count } = intsetHeader(b, s, e);
        info.intsetWidth = width;
        if (keysOnly) {
          this.#count = count;
          return;
        }
        for (let i = 0; i < count; i++) this.#add(out, intToBuffer(intsetGet(b, s, width, i)));
        return;
      }
      case RDB_TYPE_HASH_ZIPMAP: {
        const r = zipmapEntries(b, s, e);
        for (let i = 0; i < r.length; i += 4) {
          if (keysOnly) this.#count++;
          else this.#add(out, { field: copyBytes(b, r[i]!, r[i + 1]!), value: copyBytes(b, r[i + 2]!, r[i + 3]!) } satisfies HashField);
        }
        return;
      }
      case RDB_TYPE_LIST_ZIPLIST:
      case RDB_TYPE_SET_LISTPACK: {
        const r = rdbType === RDB_TYPE_LIST_ZIPLIST ? new ZiplistReader(b, s, e) : new ListpackReader(b, s, e);
        if (keysOnly) {
          let n = 0;
          while (r.next()) n++;
          this.#count = n;
        } else {
          while (r.next()) this.#add(out, entryBytes(r));
        }
        return;
      }
      case RDB_TYPE_ZSET_ZIPLIST:
      case RDB_TYPE_ZSET_LISTPACK: {
        const r = rdbType === RDB_TYPE_ZSET_ZIPLIST ? new ZiplistReader(b, s, e) : new ListpackReader(b, s, e);
        while (r.next()) {
          const member = keysOnly ? null : entryBytes(r);
          if (!r.next()) throw new BlobError('odd number of entries (member without score)');
          if (member === null) {
            this.#count++;
            continue;
          }
          const z: ZsetMember = { member, score: 0 };
          if (r.isInt) z.score = Number(r.int);
          else {
            const text = Buffer.from(b.buffer, b.byteOffset + r.strStart, r.strEnd - r.strStart).toString('latin1');
            z.score = strtod(text);
            z.scoreText = text;
          }
          this.#add(out, z);
        }
        return;
      }
      case RDB_TYPE_HASH_ZIPLIST:
      case RDB_TYPE_HASH_LISTPACK:
      case RDB_TYPE_HASH_LISTPACK_EX:
      case RDB_TYPE_HASH_LISTPACK_EX_PRE_GA: {
        const r = rdbType === RDB_TYPE_HASH_ZIPLIST ? new ZiplistReader(b, s, e) : new ListpackReader(b, s, e);
        const triplets = rdbType === RDB_TYPE_HASH_LISTPACK_EX || rdbType === RDB_TYPE_HASH_LISTPACK_EX_PRE_GA;
        while (r.next()) {
          const field = keysOnly ? null : entryBytes(r);
          if (!r.next()) throw new BlobError('odd number of entries (field without value)');
          const value = keysOnly ? null : entryBytes(r);
          let ttl: number | bigint = 0;
          if (triplets) {
            if (!r.next()) throw new BlobError('field without TTL in a listpack with field TTLs');
            ttl = entryInt(r, 'hash field TTL');
          }
          if (field === null || value === null) {
            this.#count++;
            continue;
          }
          const hf: HashField = { field, value };
          if (ttl !== 0 && ttl !== 0n) hf.expireMs = Number(ttl);
          this.#add(out, hf);
        }
        return;
      }
      default:
        throw new BlobError(`internal: no blob decoder for type ${rdbType}`);
    }
  }

  // ---- streams --------------------------------------------------------------------------

  #parseStreamNode(out: RdbRecord[]): void {
    const at = this.#pos;
    // Master key: 16-byte big-endian stream id (ms, seq) of the node's master entry.
    this.#string('a stream node key', false);
    if (this.#sInt !== null || this.#sEnd - this.#sStart !== 16) {
      throw this.#error('REDKIT_E_RDB_CORRUPT', 'stream node key is not a 128-bit stream id', at);
    }
    const kb = this.#sBuf;
    const ks = this.#sStart;
    const masterMs = readU64BE(kb, ks);
    const masterSeq = readU64BE(kb, ks + 8);
    const lpAt = this.#pos;
    this.#blob('a stream listpack');
    this.#chunkEnd = this.#base + this.#pos;
    this.#blobBytes += this.#sEnd - this.#sStart;
    try {
      this.#decodeStreamListpack(out, masterMs, masterSeq);
    } catch (err) {
      if (err instanceof BlobError) throw this.#error('REDKIT_E_RDB_CORRUPT', `Stream listpack integrity check failed: ${err.message}`, lpAt);
      throw err;
    }
    this.#flushChunk(out);
    if (--this.#remaining === 0) this.#state = S_STREAM_META;
  }

  #decodeStreamListpack(out: RdbRecord[], masterMs: bigint, masterSeq: bigint): void {
    const r = new ListpackReader(this.#sBuf, this.#sStart, this.#sEnd);
    const int = (what: string): number => {
      if (!r.next()) throw new BlobError(`missing ${what}`);
      const v = entryInt(r, what);
      return Number(v);
    };
    const bigint = (what: string): bigint => {
      if (!r.next()) throw new BlobError(`missing ${what}`);
      return BigInt(entryInt(r, what));
    };
    const bytes = (what: string): Buffer => {
      if (!r.next()) throw new BlobError(`missing ${what}`);
      return entryBytes(r);
    };
    const skip = (what: string): void => {
      if (!r.next()) throw new BlobError(`missing ${what}`);
    };
    const keysOnly = this.#opts.keysOnly;
    const count = int('master entry count');
    const deleted = int('master entry deleted count');
    const nMaster = int('master field count');
    const masterFields: Buffer[] = [];
    for (let i = 0; i < nMaster; i++) masterFields.push(bytes('master field'));
    if (int('master entry terminator') !== 0) throw new BlobError('master entry terminator is not 0');
    if (count + deleted === 0) throw new BlobError('empty listpack inside stream');
    for (let i = 0; i < count + deleted; i++) {
      const flags = int('entry flags');
      const msDiff = bigint('entry id ms');
      const seqDiff = bigint('entry id seq');
      const same = (flags & STREAM_ITEM_FLAG_SAMEFIELDS) !== 0;
      const nf = same ? nMaster : int('entry field count');
      const isDeleted = (flags & STREAM_ITEM_FLAG_DELETED) !== 0;
      const fields: Array<[Buffer, Buffer]> = [];
      for (let f = 0; f < nf; f++) {
        if (isDeleted || keysOnly) {
          if (!same) skip('entry field');
          skip('entry value');
        } else {
          const field = same ? masterFields[f]! : bytes('entry field');
          fields.push([field, bytes('entry value')]);
        }
      }
      const lpCount = int('entry lp-count');
      const expect = same ? nf + 3 : nf * 2 + 4;
      if (lpCount !== expect) throw new BlobError(`entry lp-count ${lpCount} does not match its ${expect} listpack entries`);
      if (isDeleted) continue;
      if (keysOnly) {
        this.#count++;
        continue;
      }
      const entry: StreamEntry = { id: { ms: masterMs + msDiff, seq: masterSeq + seqDiff }, fields };
      this.#add(out, entry);
    }
    if (r.next()) throw new BlobError('trailing entries after the last stream entry');
  }

  #streamId(what: string): StreamId {
    const ms = this.#lenBig(what);
    const seq = this.#lenBig(what);
    return { ms, seq };
  }

  #rawStreamId(what: string): StreamId {
    const p = this.#bytes(16, what);
    return { ms: readU64BE(this.#buf, p), seq: readU64BE(this.#buf, p + 8) };
  }

  #parseStreamMeta(out: RdbRecord[]): void {
    const v2 = this.#rdbType >= RDB_TYPE_STREAM_LISTPACKS_2;
    const v3 = this.#rdbType >= RDB_TYPE_STREAM_LISTPACKS_3;
    const length = this.#len('a stream length');
    const lastId = this.#streamId('a stream last id');
    const meta: StreamMeta = { length, lastId, groups: [] };
    if (v2) {
      meta.firstId = this.#streamId('a stream first id');
      meta.maxDeletedEntryId = this.#streamId('a stream max deleted id');
      meta.entriesAdded = this.#len('a stream entries-added count');
    }
    const ngroups = this.#len('a consumer group count');
    for (let g = 0; g < ngroups; g++) {
      const name = this.#str('a consumer group name');
      const gLast = this.#streamId('a consumer group last id');
      const group: StreamGroup = { name, lastId: gLast, pending: [], consumers: [] };
      if (v2) {
        const er = this.#lenBig('a consumer group entries-read');
        group.entriesRead = er === U64_MAX ? -1 : Number(er);
      }
      const npel = this.#len('a PEL size');
      for (let i = 0; i < npel; i++) {
        const id = this.#rawStreamId('a PEL entry id');
        const deliveryTimeMs = this.#millis('a PEL delivery time');
        const deliveryCount = this.#len('a PEL delivery count');
        const pe: StreamPendingEntry = { id, deliveryTimeMs, deliveryCount };
        group.pending.push(pe);
      }
      const nconsumers = this.#len('a consumer count');
      for (let c = 0; c < nconsumers; c++) {
        const cname = this.#str('a consumer name');
        const seenTimeMs = this.#millis('a consumer seen time');
        const consumer: StreamConsumer = { name: cname, seenTimeMs, pending: [] };
        if (v3) consumer.activeTimeMs = this.#millis('a consumer active time');
        const n = this.#len('a consumer PEL size');
        for (let i = 0; i < n; i++) consumer.pending.push(this.#rawStreamId('a consumer PEL entry id'));
        group.consumers.push(consumer);
      }
      meta.groups.push(group);
    }
    const info: RdbEncodingInfo = { count: this.#count, nodes: this.#nodes, blobBytes: this.#blobBytes };
    this.#emitKeyEnd(out, this.#key, this.#ti, this.#keyStartSaved, info, meta);
    this.#state = S_TOP;
  }

  // ---- modules ----------------------------------------------------------------------------

  /** Skips one RDB_MODULE_OPCODE_* item; returns false at RDB_MODULE_OPCODE_EOF. */
  #moduleOpcode(name: string): boolean {
    const at = this.#pos;
    const op = this.#len('a module opcode');
    switch (op) {
      case RDB_MODULE_OPCODE_EOF:
        return false;
      case RDB_MODULE_OPCODE_SINT:
      case RDB_MODULE_OPCODE_UINT:
        this.#lenBig('a module integer');
        return true;
      case RDB_MODULE_OPCODE_FLOAT: {
        const p = this.#bytes(4, 'a module float');
        for (let i = 0; i < 4; i++) scratchF32Bytes[i] = this.#buf[p + i]!;
        return true;
      }
      case RDB_MODULE_OPCODE_DOUBLE:
        this.#bytes(8, 'a module double');
        return true;
      case RDB_MODULE_OPCODE_STRING:
        this.#skipStr('a module string');
        return true;
      default:
        throw this.#error('REDKIT_E_RDB_CORRUPT', `unknown module opcode ${op} in module ${name} data`, at);
    }
  }

  #parseModuleOpcode(out: RdbRecord[]): void {
    if (this.#moduleOpcode(this.#moduleName)) return;
    const info: RdbEncodingInfo = { count: 0, moduleBytes: this.#base + this.#pos - this.#moduleStart };
    this.#emitKeyEnd(out, this.#key, this.#ti, this.#keyStartSaved, info, undefined);
    this.#state = S_TOP;
  }
}

function readU64BE(b: Uint8Array, p: number): bigint {
  const hi = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  const lo = ((b[p + 4]! << 24) | (b[p + 5]! << 16) | (b[p + 6]! << 8) | b[p + 7]!) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/**
 * Reads a dump and yields its records in batches (arrays of up to `batchRecords` records):
 * the fast API for reports over millions of keys. Throws RedkitError with the offset of the
 * first problem; stops after the EOF opcode and checksum (the `eof` record's `trailingOffset`
 * says where any following bytes, e.g. an AOF tail, start).
 */
export async function* readRdbBatches(source: AsyncIterable<Buffer>, opts: RdbReaderOptions = {}): AsyncGenerator<RdbRecord[]> {
  const parser = new RdbParser(opts);
  const max = opts.batchRecords ?? 512;
  let out: RdbRecord[] = [];
  let failure: unknown = null;
  // Records parsed before a failure are delivered first (e.g. the check counts keys read
  // before the bad CRC), then the error is thrown.
  const step = (): number => {
    try {
      return parser.step(out, max);
    } catch (err) {
      failure = err;
      return STEP_DONE;
    }
  };
  let done = false;
  for await (const chunk of source) {
    parser.push(chunk);
    if (!parser.ready) {
      parser.detach();
      continue;
    }
    for (;;) {
      const st = step();
      if (st === STEP_MORE) break;
      if (out.length > 0) {
        yield out;
        out = [];
      }
      if (st === STEP_DONE) {
        done = true;
        break;
      }
    }
    if (done) break;
    // The source may reuse this chunk's memory for the one after it.
    parser.detach();
  }
  if (!done) {
    parser.end();
    for (;;) {
      const st = step();
      if (out.length > 0) {
        yield out;
        out = [];
      }
      if (st === STEP_DONE) break;
    }
  }
  if (failure !== null) throw failure;
}

/** One record at a time (convenient; `readRdbBatches` is faster for big dumps). */
export async function* readRdb(source: AsyncIterable<Buffer>, opts: RdbReaderOptions = {}): AsyncGenerator<RdbRecord> {
  for await (const batch of readRdbBatches(source, opts)) yield* batch;
}

/** Wraps one in-memory buffer as a byte source (tests, DUMP payloads). */
export async function* bufferSource(buf: Buffer, chunkSize = buf.length || 1): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += chunkSize) yield buf.subarray(i, Math.min(buf.length, i + chunkSize));
}
