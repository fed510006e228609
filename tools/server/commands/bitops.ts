/**
 * Bit operations on string values (Redis bitops.c): SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP,
 * BITFIELD, BITFIELD_RO. Bit 0 is the most significant bit of byte 0, as in Redis.
 * Values are latin1 strings (one char per byte); writes build a Buffer and store it back.
 */
import type { CommandContext, CommandSpec } from '../command.js';
import { StringValue } from '../types/string.js';
import { parseLongLong } from '../util/parse.js';

const ERR_BIT_OFFSET = 'ERR bit offset is not an integer or out of range';
const ERR_NOT_INT = 'ERR value is not an integer or out of range';

function protoMaxBulkLen(c: CommandContext): number {
  try {
    const n = c.server.config.num('proto-max-bulk-len');
    return Number.isFinite(n) && n > 0 ? n : 512 * 1024 * 1024;
  } catch {
    return 512 * 1024 * 1024;
  }
}

/** getBitOffsetFromArgument: `#N` (times bits) when hash is allowed. */
function parseBitOffset(c: CommandContext, s: string, hash: boolean, bits: number): number | null {
  const usehash = hash && bits > 0 && s[0] === '#';
  const v = parseLongLong(usehash ? s.slice(1) : s);
  if (v === null) {
    c.reply.error(ERR_BIT_OFFSET);
    return null;
  }
  let off = v;
  if (usehash) off *= BigInt(bits);
  if (off < 0n || off >> 3n >= BigInt(protoMaxBulkLen(c))) {
    c.reply.error(ERR_BIT_OFFSET);
    return null;
  }
  return Number(off);
}

/**
 * Byte-backed string values. SETBIT/BITFIELD on a 1 MB string, or PFADD on a 12 KB dense HLL,
 * would otherwise rebuild the whole latin1 string per call. Such a value keeps its bytes in the
 * owner's structure and exposes `v` through an accessor that materializes the string only when
 * something reads it (GET, DUMP, persistence) and caches it until the next in-place edit. Any
 * other writer assigning `v` turns it back into a plain string value. One owner at a time: an
 * owner re-derives its state when `lazyOwner(v)` is not its own object anymore.
 */
interface Lazy {
  owner: object;
  materialize: () => string;
  str: string | null;
}
const lazies = new WeakMap<StringValue, Lazy>();

export function makeLazy(v: StringValue, owner: object, materialize: () => string): void {
  const lz: Lazy = { owner, materialize, str: null };
  lazies.set(v, lz);
  Object.defineProperty(v, 'v', {
    configurable: true,
    enumerable: true,
    get(): string {
      if (lz.str === null) lz.str = lz.materialize();
      return lz.str;
    },
    set(x: string) {
      lazies.delete(v);
      Object.defineProperty(v, 'v', { value: x, writable: true, configurable: true, enumerable: true });
    },
  });
}

/** The current owner of a byte-backed value, if any. */
export function lazyOwner(v: StringValue): object | undefined {
  return lazies.get(v)?.owner;
}

/** After an in-place edit by the owner: drop the cached string. */
export function lazyEdited(v: StringValue): void {
  const lz = lazies.get(v);
  if (lz) lz.str = null;
  v.raw = true;
}

interface BitState {
  buf: Buffer;
  len: number;
}

function bitStateOf(v: StringValue): BitState | undefined {
  const o = lazyOwner(v) as BitState | undefined;
  return o && (o as { buf?: unknown }).buf instanceof Buffer ? o : undefined;
}

function attach(v: StringValue, buf: Buffer, len: number): BitState {
  const st: BitState = { buf, len };
  makeLazy(v, st, () => st.buf.latin1Slice(0, st.len));
  return st;
}

/** A string for reading (the plain string, or the byte-backed object); null after WRONGTYPE. */
function lookupForBitRead(c: CommandContext, key: string): string | StringValue | undefined | null {
  const v = c.db.lookupRead(key);
  if (v === undefined || typeof v === 'string') return v;
  if (v.type === 'string') return v as StringValue;
  c.wrongType();
  return null;
}

/** The bytes of a string value for reading (no copy when the value is in bitmap mode). */
function readBytes(v: string | StringValue): Uint8Array {
  if (typeof v === 'string') return Buffer.from(v, 'latin1');
  const st = bitStateOf(v);
  return st ? st.buf.subarray(0, st.len) : Buffer.from(v.v, 'latin1');
}

/** Grows the bitmap to `size` bytes (zero-filled), with amortized capacity. */
function ensureSize(st: BitState, size: number): void {
  if (size <= st.len) return;
  if (size > st.buf.length) {
    const nb = Buffer.alloc(Math.max(size, Math.min(st.buf.length * 2, size + 64 * 1024 * 1024)));
    st.buf.copy(nb, 0, 0, st.len);
    st.buf = nb;
  } else st.buf.fill(0, st.len, size);
  st.len = size;
}

/** lookupStringForBitCommand: the value grown with zeros to hold `maxbit`; null after WRONGTYPE. */
function lookupForBitWrite(c: CommandContext, key: string, maxbit: number): { v: StringValue; st: BitState; dirty: boolean } | null {
  const byte = Math.floor(maxbit / 8);
  const cur = c.db.lookupStringObject(c, key, true);
  if (cur === null) return null;
  if (cur === undefined) {
    const v = new StringValue('', true);
    const st = attach(v, Buffer.alloc(byte + 1), byte + 1);
    c.db.add(key, v);
    return { v, st, dirty: true };
  }
  // dbUnshareStringValue: a bit write leaves the string raw even when no bit changes.
  cur.raw = true;
  let st = bitStateOf(cur);
  if (!st) {
    const b = Buffer.from(cur.v, 'latin1');
    st = attach(cur, b, b.length);
  }
  const oldLen = st.len;
  ensureSize(st, byte + 1);
  return { v: cur, st, dirty: st.len !== oldLen };
}

/** After an in-place edit: drop the materialized string. */
function touched(v: StringValue, _st: BitState): void {
  lazyEdited(v);
}

function setbit(c: CommandContext, argv: string[]): void {
  const key = argv[1]!;
  const off = parseBitOffset(c, argv[2]!, false, 0);
  if (off === null) return;
  const on = parseLongLong(argv[3]!);
  if (on === null || (on & ~1n) !== 0n) {
    c.reply.error('ERR bit is not an integer or out of range');
    return;
  }
  const r = lookupForBitWrite(c, key, off);
  if (!r) return;
  const byte = Math.floor(off / 8);
  const bit = 7 - (off % 8);
  const buf = r.st.buf;
  let byteval = buf[byte]!;
  const bitval = byteval & (1 << bit);
  if (r.dirty || (bitval !== 0) !== (on === 1n)) {
    byteval &= ~(1 << bit);
    byteval |= Number(on) << bit;
    buf[byte] = byteval;
    touched(r.v, r.st);
    c.signalModified(key);
    c.notify('string', 'setbit', key);
  }
  c.reply.integer(bitval ? 1 : 0);
}

function getbit(c: CommandContext, argv: string[]): void {
  const off = parseBitOffset(c, argv[2]!, false, 0);
  if (off === null) return;
  const v = lookupForBitRead(c, argv[1]!);
  if (v === null) return;
  if (v === undefined) {
    c.reply.integer(0);
    return;
  }
  const byte = Math.floor(off / 8);
  const bit = 7 - (off % 8);
  const st = typeof v === 'string' ? undefined : bitStateOf(v);
  const str = typeof v === 'string' ? v : v.v;
  let bitval: number;
  if (st) bitval = byte < st.len ? st.buf[byte]! & (1 << bit) : 0;
  else bitval = byte < str.length ? str.charCodeAt(byte) & (1 << bit) : 0;
  c.reply.integer(bitval ? 1 : 0);
}

function bitop(c: CommandContext, argv: string[]): void {
  const op = argv[1]!.toLowerCase();
  if (op !== 'and' && op !== 'or' && op !== 'xor' && op !== 'not') {
    c.syntaxError();
    return;
  }
  if (op === 'not' && argv.length !== 4) {
    c.reply.error('ERR BITOP NOT must be called with a single source key.');
    return;
  }
  const target = argv[2]!;
  const srcs: (Buffer | null)[] = [];
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const v = lookupForBitRead(c, argv[j]!);
    if (v === null) return;
    if (v === undefined) {
      srcs.push(null);
      continue;
    }
    const b = Buffer.from(readBytes(v));
    srcs.push(b);
    if (b.length > maxlen) maxlen = b.length;
  }
  if (maxlen) {
    const res = Buffer.alloc(maxlen);
    const first = srcs[0];
    if (first) first.copy(res);
    if (op === 'not') {
      for (let i = 0; i < maxlen; i++) res[i] = ~res[i]! & 0xff;
    } else {
      for (let k = 1; k < srcs.length; k++) {
        const s = srcs[k];
        const n = s ? s.length : 0;
        if (op === 'and') {
          for (let i = 0; i < maxlen; i++) res[i] = res[i]! & (i < n ? s![i]! : 0);
        } else if (op === 'or') {
          for (let i = 0; i < n; i++) res[i] = res[i]! | s![i]!;
        } else {
          for (let i = 0; i < n; i++) res[i] = res[i]! ^ s![i]!;
        }
      }
    }
    c.db.set(target, res.latin1Slice(0, res.length), { raw: true });
    c.signalModified(target);
    c.notify('string', 'set', target);
  } else if (c.db.delete(target)) {
    c.signalModified(target);
    c.notify('generic', 'del', target);
  }
  c.reply.integer(maxlen);
}

const POPCOUNT = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let n = i;
  let cnt = 0;
  while (n) {
    cnt += n & 1;
    n >>= 1;
  }
  POPCOUNT[i] = cnt;
}

function popcount(s: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = start; i <= end; i++) n += POPCOUNT[s[i]!]!;
  return n;
}

function bitcount(c: CommandContext, argv: string[]): void {
  const v = lookupForBitRead(c, argv[1]!);
  if (v === null) return;
  if (v === undefined) {
    c.reply.integer(0);
    return;
  }
  const s = readBytes(v);
  const strlen = s.length;
  let start: number;
  let end: number;
  let isbit = false;
  if (argv.length === 4 || argv.length === 5) {
    const a = parseLongLong(argv[2]!);
    if (a === null) return void c.reply.error(ERR_NOT_INT);
    const b = parseLongLong(argv[3]!);
    if (b === null) return void c.reply.error(ERR_NOT_INT);
    if (a < 0n && b < 0n && a > b) {
      c.reply.integer(0);
      return;
    }
    if (argv.length === 5) {
      const u = argv[4]!.toLowerCase();
      if (u === 'bit') isbit = true;
      else if (u !== 'byte') {
        c.syntaxError();
        return;
      }
    }
    let totlen = BigInt(strlen);
    if (isbit) totlen <<= 3n;
    let st = a;
    let en = b;
    if (st < 0n) st = totlen + st;
    if (en < 0n) en = totlen + en;
    if (st < 0n) st = 0n;
    if (en < 0n) en = 0n;
    if (en >= totlen) en = totlen - 1n;
    start = Number(st);
    end = Number(en);
  } else if (argv.length === 2) {
    start = 0;
    end = strlen - 1;
  } else {
    c.syntaxError();
    return;
  }
  if (start > end) {
    c.reply.integer(0);
    return;
  }
  if (!isbit) {
    c.reply.integer(popcount(s, start, end));
    return;
  }
  const sb = Math.floor(start / 8);
  const eb = Math.floor(end / 8);
  let count = popcount(s, sb, eb);
  const firstMask = ~((1 << (8 - (start & 7))) - 1) & 0xff;
  const lastMask = (1 << (7 - (end & 7))) - 1;
  count -= POPCOUNT[s[sb]! & firstMask]!;
  count -= POPCOUNT[s[eb]! & lastMask]!;
  c.reply.integer(count);
}

function bitpos(c: CommandContext, argv: string[]): void {
  const bitArg = parseLongLong(argv[2]!);
  if (bitArg === null) return void c.reply.error(ERR_NOT_INT);
  if (bitArg !== 0n && bitArg !== 1n) {
    c.reply.error('ERR The bit argument must be 1 or 0.');
    return;
  }
  const bit = Number(bitArg);
  const v = lookupForBitRead(c, argv[1]!);
  if (v === null) return;
  if (v === undefined) {
    c.reply.integer(bit ? -1 : 0);
    return;
  }
  const s = readBytes(v);
  const strlen = s.length;
  let isbit = false;
  let endGiven = false;
  let startBit: number;
  let endBit: number;
  if (argv.length >= 4 && argv.length <= 6) {
    const a = parseLongLong(argv[3]!);
    if (a === null) return void c.reply.error(ERR_NOT_INT);
    if (argv.length === 6) {
      const u = argv[5]!.toLowerCase();
      if (u === 'bit') isbit = true;
      else if (u !== 'byte') {
        c.syntaxError();
        return;
      }
    }
    let totlen = BigInt(strlen);
    let b: bigint;
    if (argv.length >= 5) {
      const e = parseLongLong(argv[4]!);
      if (e === null) return void c.reply.error(ERR_NOT_INT);
      b = e;
      endGiven = true;
    } else b = isbit ? (totlen << 3n) + 7n : totlen - 1n;
    if (isbit) totlen <<= 3n;
    let st = a;
    let en = b;
    if (st < 0n) st = totlen + st;
    if (en < 0n) en = totlen + en;
    if (st < 0n) st = 0n;
    if (en < 0n) en = 0n;
    if (en >= totlen) en = totlen - 1n;
    if (st > en) {
      c.reply.integer(-1);
      return;
    }
    if (isbit) {
      startBit = Number(st);
      endBit = Number(en);
    } else {
      startBit = Number(st) * 8;
      endBit = Number(en) * 8 + 7;
    }
  } else if (argv.length === 3) {
    if (strlen === 0) {
      c.reply.integer(-1);
      return;
    }
    startBit = 0;
    endBit = strlen * 8 - 1;
  } else {
    c.syntaxError();
    return;
  }
  // Scan bit by bit at the edges and byte by byte in the middle.
  let pos = startBit;
  const skipByte = bit ? 0x00 : 0xff;
  while (pos <= endBit) {
    if ((pos & 7) === 0 && pos + 7 <= endBit) {
      const byte = s[Math.floor(pos / 8)]!;
      if (byte === skipByte) {
        pos += 8;
        continue;
      }
      for (let k = 0; k < 8; k++) {
        if (((byte >> (7 - k)) & 1) === bit) {
          c.reply.integer(pos + k);
          return;
        }
      }
    }
    const byte = s[Math.floor(pos / 8)]!;
    if (((byte >> (7 - (pos & 7))) & 1) === bit) {
      c.reply.integer(pos);
      return;
    }
    pos++;
  }
  if (bit === 1 || endGiven) {
    c.reply.integer(-1);
    return;
  }
  // Looking for a clear bit without an explicit end: the first bit after the range's last byte.
  c.reply.integer((Math.floor(endBit / 8) + 1) * 8);
}

// BITFIELD ---------------------------------------------------------------------------------------

type Overflow = 'wrap' | 'sat' | 'fail';

interface BitfieldOp {
  op: 'get' | 'set' | 'incrby';
  offset: number;
  value: bigint;
  overflow: Overflow;
  bits: number;
  signed: boolean;
}

function getUnsigned(buf: Uint8Array, offset: number, bits: number): bigint {
  let v = 0n;
  for (let j = 0; j < bits; j++) {
    const o = offset + j;
    const byte = Math.floor(o / 8);
    const bv = byte < buf.length ? (buf[byte]! >> (7 - (o % 8))) & 1 : 0;
    v = (v << 1n) | BigInt(bv);
  }
  return v;
}

function setUnsigned(buf: Uint8Array, offset: number, bits: number, value: bigint): void {
  for (let j = 0; j < bits; j++) {
    const bitval = Number((value >> BigInt(bits - 1 - j)) & 1n);
    const o = offset + j;
    const byte = Math.floor(o / 8);
    const bit = 7 - (o % 8);
    buf[byte] = ((buf[byte]! & ~(1 << bit)) | (bitval << bit)) & 0xff;
  }
}

/** Applies overflow policy; returns [overflowed, value to store]. */
function applyOverflow(sum: bigint, bits: number, signed: boolean, ow: Overflow): [boolean, bigint] {
  const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  const min = signed ? -max - 1n : 0n;
  if (sum > max || sum < min) {
    if (ow === 'wrap') return [true, signed ? BigInt.asIntN(bits, sum) : BigInt.asUintN(bits, sum)];
    if (ow === 'sat') return [true, sum > max ? max : min];
    return [true, 0n];
  }
  return [false, sum];
}

function bitfieldGeneric(c: CommandContext, argv: string[], readonlyCmd: boolean): void {
  const ops: BitfieldOp[] = [];
  let overflow: Overflow = 'wrap';
  let readonly = true;
  let highestWrite = 0;
  for (let j = 2; j < argv.length; j++) {
    const remargs = argv.length - j - 1;
    const sub = argv[j]!.toLowerCase();
    let op: BitfieldOp['op'];
    if (sub === 'get' && remargs >= 2) op = 'get';
    else if (sub === 'set' && remargs >= 3) op = 'set';
    else if (sub === 'incrby' && remargs >= 3) op = 'incrby';
    else if (sub === 'overflow' && remargs >= 1) {
      const t = argv[j + 1]!.toLowerCase();
      j++;
      if (t === 'wrap' || t === 'sat' || t === 'fail') overflow = t;
      else {
        c.reply.error('ERR Invalid OVERFLOW type specified');
        return;
      }
      continue;
    } else {
      c.syntaxError();
      return;
    }
    const type = argv[j + 1]!;
    const signed = type[0] === 'i';
    const bitsV = type[0] === 'i' || type[0] === 'u' ? parseLongLong(type.slice(1)) : null;
    if (bitsV === null || bitsV < 1n || (signed && bitsV > 64n) || (!signed && bitsV > 63n)) {
      c.reply.error('ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.');
      return;
    }
    const bits = Number(bitsV);
    const offset = parseBitOffset(c, argv[j + 2]!, true, bits);
    if (offset === null) return;
    let value = 0n;
    if (op !== 'get') {
      readonly = false;
      if (highestWrite < offset + bits - 1) highestWrite = offset + bits - 1;
      const v = parseLongLong(argv[j + 3]!);
      if (v === null) {
        c.reply.error(ERR_NOT_INT);
        return;
      }
      value = v;
    }
    ops.push({ op, offset, value, overflow, bits, signed });
    j += op === 'get' ? 2 : 3;
  }
  const key = argv[1]!;
  let buf: Uint8Array | null = null;
  let target: { v: StringValue; st: BitState } | null = null;
  let dirty = false;
  if (readonly) {
    const v = lookupForBitRead(c, key);
    if (v === null) return;
    if (v) buf = readBytes(v);
  } else {
    if (readonlyCmd) {
      c.reply.error('ERR BITFIELD_RO only supports the GET subcommand');
      return;
    }
    const r = lookupForBitWrite(c, key, highestWrite);
    if (!r) return;
    buf = r.st.buf;
    target = r;
    dirty = r.dirty;
  }
  c.reply.arrayHeader(ops.length);
  let changes = 0;
  for (const o of ops) {
    if (o.op === 'get') {
      if (!buf) {
        c.reply.integer(0);
        continue;
      }
      const u = getUnsigned(buf, o.offset, o.bits);
      c.reply.integer(o.signed ? BigInt.asIntN(o.bits, u) : u);
      continue;
    }
    const raw = getUnsigned(buf!, o.offset, o.bits);
    const oldval = o.signed ? BigInt.asIntN(o.bits, raw) : raw;
    let newval: bigint;
    let retval: bigint;
    let over: boolean;
    if (o.op === 'incrby') {
      [over, newval] = applyOverflow(oldval + o.value, o.bits, o.signed, o.overflow);
      retval = newval;
    } else {
      const input = o.signed ? o.value : BigInt.asUintN(64, o.value);
      [over, newval] = applyOverflow(input, o.bits, o.signed, o.overflow);
      retval = oldval;
    }
    if (over && o.overflow === 'fail') {
      c.reply.null();
      continue;
    }
    c.reply.integer(retval);
    setUnsigned(buf!, o.offset, o.bits, BigInt.asUintN(o.bits, newval));
    if (dirty || oldval !== newval) changes++;
  }
  if (target && (changes || dirty)) touched(target.v, target.st);
  if (changes) {
    c.signalModified(key);
    c.notify('string', 'setbit', key);
    c.addDirty(changes - 1);
  }
}

export const commands = [
  { name: 'setbit', arity: 4, flags: ['write', 'denyoom'], firstKey: 1, lastKey: 1, keyStep: 1, group: 'bitmap', since: '2.2.0', handler: setbit },
  { name: 'getbit', arity: 3, flags: ['readonly', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, group: 'bitmap', since: '2.2.0', handler: getbit },
  { name: 'bitcount', arity: -2, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, group: 'bitmap', since: '2.6.0', handler: bitcount },
  { name: 'bitpos', arity: -3, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, group: 'bitmap', since: '2.8.7', handler: bitpos },
  { name: 'bitop', arity: -4, flags: ['write', 'denyoom'], firstKey: 2, lastKey: -1, keyStep: 1, group: 'bitmap', since: '2.6.0', handler: bitop },
  { name: 'bitfield', arity: -2, flags: ['write', 'denyoom'], firstKey: 1, lastKey: 1, keyStep: 1, group: 'bitmap', since: '3.2.0', handler: (c, a) => bitfieldGeneric(c, a, false) },
  { name: 'bitfield_ro', arity: -2, flags: ['readonly', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, group: 'bitmap', since: '6.0.0', handler: (c, a) => bitfieldGeneric(c, a, true) },
] satisfies CommandSpec[];
