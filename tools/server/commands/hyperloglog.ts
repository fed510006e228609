/**
 * HyperLogLog commands (Redis hyperloglog.c): PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST.
 * An HLL is a plain string value holding Redis's exact HYLL bytes (see types/hll.ts), so GET /
 * SET / DUMP / RESTORE move HLLs between redkit and real Redis unchanged.
 */
import type { CommandContext, CommandSpec } from '../command.js';
import { StringValue } from '../types/string.js';
import { lazyEdited, lazyOwner, makeLazy } from './bitops.js';
import {
  HLL_DENSE,
  HLL_DENSE_SIZE,
  HLL_HDR_SIZE,
  HLL_REGISTERS,
  HLL_REGISTER_MAX,
  HLL_SPARSE,
  Hll,
  countRegisters,
  denseGet,
  denseSet,
} from '../types/hll.js';

const ERR_INVALID_HLL = 'INVALIDOBJ Corrupted HLL object detected';
const ERR_NOT_HLL = 'WRONGTYPE Key is not a valid HyperLogLog string value.';

/**
 * The decoded HLL lives beside the string value (a byte-backed value, see bitops.ts makeLazy):
 * PFADD edits the registers in place and the 12 KB string is only rebuilt when read.
 */
interface HllState {
  h: Hll;
}

function hllOf(v: StringValue): Hll {
  const o = lazyOwner(v) as HllState | undefined;
  if (o && (o as { h?: unknown }).h instanceof Hll) return o.h;
  const h = Hll.fromLatin1(v.v);
  const st: HllState = { h };
  makeLazy(v, st, () => st.h.toLatin1());
  return h;
}

function store(v: StringValue, h: Hll): void {
  const o = lazyOwner(v) as HllState | undefined;
  if (!o || o.h !== h) {
    const st: HllState = { h };
    makeLazy(v, st, () => st.h.toLatin1());
  }
  lazyEdited(v);
}

function sparseMaxBytes(c: CommandContext): number {
  try {
    const n = c.server.config.num('hll-sparse-max-bytes');
    return Number.isFinite(n) ? n : 3000;
  } catch {
    return 3000;
  }
}

/** Lookup + isHLLObjectOrReply: undefined when missing, null after an error reply. */
function lookupHll(c: CommandContext, key: string, forWrite: boolean): StringValue | undefined | null {
  const v = c.db.lookupStringObject(c, key, forWrite);
  if (v === null || v === undefined) return v;
  if (!Hll.isValidHeader(v.v)) {
    c.reply.error(ERR_NOT_HLL);
    return null;
  }
  return v;
}

function latin1Bytes(s: string): Uint8Array {
  return Buffer.from(s, 'latin1');
}

function pfadd(c: CommandContext, argv: string[]): void {
  const key = argv[1]!;
  let v = lookupHll(c, key, true);
  if (v === null) return;
  let updated = 0;
  let h: Hll;
  if (v === undefined) {
    h = Hll.create();
    v = new StringValue('', true);
    c.db.add(key, v);
    updated++;
  } else h = hllOf(v);
  const maxBytes = sparseMaxBytes(c);
  for (let j = 2; j < argv.length; j++) {
    const r = h.add(latin1Bytes(argv[j]!), maxBytes);
    if (r === 1) updated++;
    else if (r === -1) {
      store(v, h);
      c.reply.error(ERR_INVALID_HLL);
      return;
    }
  }
  if (updated) {
    h.invalidateCache();
    store(v, h);
    c.signalModified(key);
    c.notify('string', 'pfadd', key);
    c.addDirty(updated - 1);
  } else if (v.v === '') store(v, h);
  c.reply.integer(updated ? 1 : 0);
}

function pfcount(c: CommandContext, argv: string[]): void {
  if (argv.length > 2) {
    const max = new Uint8Array(HLL_REGISTERS);
    for (let j = 1; j < argv.length; j++) {
      const v = lookupHll(c, argv[j]!, false);
      if (v === null) return;
      if (v === undefined) continue;
      if (!hllOf(v).mergeInto(max)) {
        c.reply.error(ERR_INVALID_HLL);
        return;
      }
    }
    c.reply.integer(countRegisters(max));
    return;
  }
  const key = argv[1]!;
  const v = lookupHll(c, key, false);
  if (v === null) return;
  if (v === undefined) {
    c.reply.integer(0);
    return;
  }
  const h = hllOf(v);
  if (h.cacheValid) {
    c.reply.integer(h.getCache());
    return;
  }
  const card = h.count();
  if (card === null) {
    c.reply.error(ERR_INVALID_HLL);
    return;
  }
  h.setCache(card);
  store(v, h);
  c.signalModified(key);
  c.reply.integer(card);
}

function pfmerge(c: CommandContext, argv: string[]): void {
  const max = new Uint8Array(HLL_REGISTERS);
  let useDense = false;
  for (let j = 1; j < argv.length; j++) {
    const v = lookupHll(c, argv[j]!, false);
    if (v === null) return;
    if (v === undefined) continue;
    const h = hllOf(v);
    if (h.encoding === HLL_DENSE) useDense = true;
    if (!h.mergeInto(max)) {
      c.reply.error(ERR_INVALID_HLL);
      return;
    }
  }
  const key = argv[1]!;
  let v = c.db.lookupStringObject(c, key, true);
  if (v === null) return;
  let h: Hll;
  if (v === undefined) {
    h = Hll.create();
    v = new StringValue('', true);
    c.db.add(key, v);
  } else h = hllOf(v);
  if (useDense && !h.toDense()) {
    c.reply.error(ERR_INVALID_HLL);
    return;
  }
  const maxBytes = sparseMaxBytes(c);
  for (let j = 0; j < HLL_REGISTERS; j++) {
    if (max[j] === 0) continue;
    h.set(j, max[j]!, maxBytes);
  }
  h.invalidateCache();
  store(v, h);
  c.signalModified(key);
  c.notify('string', 'pfadd', key);
  c.reply.ok();
}

function pfdebug(c: CommandContext, argv: string[]): void {
  const cmd = argv[1]!;
  const key = argv[2]!;
  if (c.db.peek(key) === undefined) {
    c.reply.error('ERR The specified key does not exist');
    return;
  }
  const v = c.db.lookupStringObject(c, key, true);
  if (!v) return;
  if (!Hll.isValidHeader(v.v)) {
    c.reply.error(ERR_NOT_HLL);
    return;
  }
  const h = hllOf(v);
  const sub = cmd.toLowerCase();
  const arityErr = (): void => {
    c.reply.error(`ERR Wrong number of arguments for the '${cmd}' subcommand`);
  };
  if (sub === 'getreg') {
    if (argv.length !== 3) return arityErr();
    if (h.encoding === HLL_SPARSE) {
      if (!h.toDense()) {
        c.reply.error(ERR_INVALID_HLL);
        return;
      }
      store(v, h);
      c.addDirty(1);
    }
    c.reply.arrayHeader(HLL_REGISTERS);
    for (let j = 0; j < HLL_REGISTERS; j++) c.reply.integer(denseGet(h.buf, HLL_HDR_SIZE, j));
  } else if (sub === 'decode') {
    if (argv.length !== 3) return arityErr();
    const d = h.decodeSparse();
    if (d === null) {
      c.reply.error('ERR HLL encoding is not sparse');
      return;
    }
    c.reply.bulk(d);
  } else if (sub === 'encoding') {
    if (argv.length !== 3) return arityErr();
    c.reply.simple(h.encoding === HLL_DENSE ? 'dense' : 'sparse');
  } else if (sub === 'todense') {
    if (argv.length !== 3) return arityErr();
    let conv = 0;
    if (h.encoding === HLL_SPARSE) {
      if (!h.toDense()) {
        c.reply.error(ERR_INVALID_HLL);
        return;
      }
      store(v, h);
      conv = 1;
      c.addDirty(1);
    }
    c.reply.integer(conv);
  } else c.reply.error(`ERR Unknown PFDEBUG subcommand '${cmd}'`);
}

/**
 * PFSELFTEST: register access on random values, then dense vs sparse agreement and the error
 * bound at cardinalities 1, 10 … 10^6 (Redis goes to 10^7; the bound checked is the same).
 */
function pfselftest(c: CommandContext): void {
  const regs = new Uint8Array(HLL_DENSE_SIZE);
  const bytecounters = new Uint8Array(HLL_REGISTERS);
  for (let j = 0; j < 100; j++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const r = (Math.random() * 256) & HLL_REGISTER_MAX;
      bytecounters[i] = r;
      denseSet(regs, HLL_HDR_SIZE, i, r);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const val = denseGet(regs, HLL_HDR_SIZE, i);
      if (val !== bytecounters[i]) {
        c.reply.error(`ERR TESTFAILED Register ${i} should be ${bytecounters[i]} but is ${val}`);
        return;
      }
    }
  }
  const dense = Hll.create();
  dense.toDense();
  const sparse = Hll.create();
  const relerr = 1.04 / Math.sqrt(HLL_REGISTERS);
  let checkpoint = 1;
  const seedHi = (Math.random() * 0x100000000) >>> 0;
  const seedLo = (Math.random() * 0x100000000) >>> 0;
  const ele = new Uint8Array(8);
  const dv = new DataView(ele.buffer);
  const maxBytes = sparseMaxBytes(c);
  for (let j = 1; j <= 1000000; j++) {
    dv.setUint32(0, (j ^ seedLo) >>> 0, true);
    dv.setUint32(4, seedHi, true);
    dense.add(ele, maxBytes);
    sparse.add(ele, maxBytes);
    if (j === checkpoint) {
      if (j < maxBytes / 2 && sparse.encoding !== HLL_SPARSE) {
        c.reply.error('ERR TESTFAILED sparse encoding not used');
        return;
      }
      const dc = dense.count()!;
      if (dc !== sparse.count()) {
        c.reply.error('ERR TESTFAILED dense/sparse disagree');
        return;
      }
      let maxerr = Math.ceil(relerr * 6 * checkpoint);
      if (j === 10) maxerr = 1;
      const abserr = Math.abs(checkpoint - dc);
      if (abserr > maxerr) {
        c.reply.error(`ERR TESTFAILED Too big error. card:${checkpoint} abserr:${abserr}`);
        return;
      }
      checkpoint *= 10;
    }
  }
  c.reply.ok();
}

export const commands = [
  { name: 'pfadd', arity: -2, flags: ['write', 'denyoom', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, group: 'hyperloglog', since: '2.8.9', handler: pfadd },
  { name: 'pfcount', arity: -2, flags: ['readonly', 'may_replicate'], firstKey: 1, lastKey: -1, keyStep: 1, group: 'hyperloglog', since: '2.8.9', handler: pfcount },
  { name: 'pfmerge', arity: -2, flags: ['write', 'denyoom'], firstKey: 1, lastKey: -1, keyStep: 1, group: 'hyperloglog', since: '2.8.9', handler: pfmerge },
  { name: 'pfdebug', arity: 3, flags: ['write', 'denyoom', 'admin'], firstKey: 2, lastKey: 2, keyStep: 1, group: 'hyperloglog', since: '2.8.9', handler: pfdebug },
  { name: 'pfselftest', arity: 1, flags: ['admin'], firstKey: 0, lastKey: 0, keyStep: 0, group: 'hyperloglog', since: '2.8.9', handler: (c) => pfselftest(c) },
] satisfies CommandSpec[];
