/**
 * How redis-rdb-tools renders element values that are not plain bytes: zset scores (a Python
 * float, an int from a ziplist integer entry, or the raw ASCII of a zset v1 score), zipmap
 * values (passed through Python's `int()` when that succeeds), and stream IDs.
 */
import type { RdbEncoding, StreamId, ZsetMember } from '../types.js';
import { intText, pyFloatRepr, pyIntParse } from './pyfmt.js';

/** Text of a score as rdbtools prints it, given the zset's RDB type and encoding. */
export function scoreText(m: ZsetMember, rdbType: number, encoding: RdbEncoding): string {
  if (rdbType === 3) return m.scoreText ?? pyFloatRepr(m.score);
  if (encoding === 'ziplist' || encoding === 'listpack') {
    // A ziplist entry stored as an integer reaches rdbtools as a Python int (no ".0").
    return m.scoreText === undefined && Number.isInteger(m.score) ? intText(m.score) : pyFloatRepr(m.score);
  }
  return pyFloatRepr(m.score);
}

/** rdbtools converts zipmap values with `int()` when it can ("007" becomes "7"). */
export function zipmapValue(v: Buffer): Buffer {
  const n = v.length;
  if (n === 0 || n > 64) return v;
  const c = v[0]!;
  if (!((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x20 || (c >= 0x09 && c <= 0x0d))) return v;
  const i = pyIntParse(v.toString('latin1'));
  if (i === undefined) return v;
  const t = i.toString();
  return t.length === n && t === v.toString('latin1') ? v : Buffer.from(t, 'latin1');
}

export function streamIdText(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}
