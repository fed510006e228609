/**
 * Python formatting rules that redis-rdb-tools' outputs depend on, reproduced exactly:
 * `repr(float)`, `datetime.isoformat()`, `int(bytes)` parsing, and which stored elements the
 * Python parser hands to its callbacks as `int` rather than `bytes` (that changes element
 * lengths and ziplist sizes in the memory report).
 *
 *   pyFloatRepr(1)        -> '1.0'        pyFloatRepr(1e16) -> '1e+16'
 *   pyFloatRepr(0.00001)  -> '1e-05'      pyFloatRepr(NaN)  -> 'nan'
 *   isoformatMs(1671963072573) -> '2022-12-25T10:11:12.573000'
 */
import type { RdbEncoding } from '../types.js';

/** Python's `repr(float)`: shortest round-trip digits; exponent form below 1e-4 and from 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const a = x < 0 ? -x : x;
  if (a >= 1e-4 && a < 1e16) {
    // Same shortest digits and fixed notation in both languages; Python adds ".0" to integers.
    const t = String(x);
    return Number.isInteger(x) ? t + '.0' : t;
  }
  const e = x.toExponential(); // shortest digits: "-d.ddde+N"
  const neg = e.charCodeAt(0) === 45;
  const ePos = e.indexOf('e');
  const mant = e.slice(neg ? 1 : 0, ePos);
  const exp = Number(e.slice(ePos + 1));
  const digits = mant.replace('.', '');
  const sign = neg ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const m = digits.length === 1 ? digits : digits[0] + '.' + digits.slice(1);
    const a = Math.abs(exp);
    return sign + m + 'e' + (exp < 0 ? '-' : '+') + (a < 10 ? '0' + a : String(a));
  }
  if (exp < 0) return sign + '0.' + '0'.repeat(-exp - 1) + digits;
  const intLen = exp + 1;
  if (digits.length <= intLen) return sign + digits + '0'.repeat(intLen - digits.length) + '.0';
  return sign + digits.slice(0, intLen) + '.' + digits.slice(intLen);
}

/** Decimal text of an integer-valued double (ziplist integer scores), exact beyond 2^53. */
export function intText(x: number): string {
  return Number.isSafeInteger(x) ? String(x) : BigInt(x).toString();
}

/** redis-rdb-tools clamps datetimes at this many seconds since the epoch (parser.to_datetime). */
const MAX_SECONDS = 221925052800;

/** Seconds since the epoch of an expiry, as rdbtools computes it (`calendar.timegm`). */
export function expireSeconds(ms: number): number {
  const s = Math.floor(ms / 1000);
  return s > MAX_SECONDS ? MAX_SECONDS : s;
}

/** `datetime.isoformat()` of the naive UTC datetime rdbtools builds from a ms timestamp. */
export function isoformatMs(ms: number): string {
  let secs = Math.floor(ms / 1000);
  const micros = (ms - secs * 1000) * 1000;
  if (secs > MAX_SECONDS) secs = MAX_SECONDS;
  const d = new Date(secs * 1000);
  const y = d.getUTCFullYear();
  const p2 = (n: number) => (n < 10 ? '0' + n : String(n));
  const base = `${String(y).padStart(4, '0')}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
  return micros ? `${base}.${String(Math.round(micros)).padStart(6, '0')}` : base;
}

// Python int() over bytes: ASCII whitespace around, optional sign, digits with single
// underscores between them.
const PY_INT = /^[ \t\n\v\f\r]*([+-]?)(\d+(?:_\d+)*)[ \t\n\v\f\r]*$/;

/** `int(b)` in Python 3, or undefined where it raises ValueError. */
export function pyIntParse(text: string): bigint | undefined {
  const m = PY_INT.exec(text);
  if (!m) return undefined;
  const v = BigInt(m[2]!.replace(/_/g, ''));
  return m[1] === '-' ? -v : v;
}

/** True when `int(b)` succeeds in Python (used by the memory profiler's sizeof_string). */
export function pyIntOk(b: Buffer): boolean {
  const n = b.length;
  if (n === 0 || n > 4096) return false;
  const c = b[0]!;
  // Fast path: a plain digit string.
  if (c >= 0x30 && c <= 0x39) {
    let i = 1;
    while (i < n && b[i]! >= 0x30 && b[i]! <= 0x39) i++;
    if (i === n) return true;
    const d = b[i]!;
    // only '_' (digit groups) or trailing whitespace may follow a digit run
    if (d !== 0x5f && d !== 0x20 && (d < 0x09 || d > 0x0d)) return false;
  } else if (c > 0x2d && c !== 0x5f) {
    return false; // letters etc. cannot start an int
  }
  return PY_INT.test(b.toString('latin1'));
}

/**
 * Would Redis store this element as an integer (so rdbtools sees a Python int)?
 * - 'int32': strings saved with rdbSaveRawString (len <= 11, canonical decimal within int32)
 * - 'int64': ziplist/listpack entries (canonical decimal within int64)
 */
export function storedAsInt(b: Buffer, width: 'int32' | 'int64'): boolean {
  const n = b.length;
  if (n === 0 || n > 20) return false;
  let i = 0;
  if (b[0] === 0x2d) {
    if (n === 1) return false;
    i = 1;
  }
  if (b[i] === 0x30) return n === 1; // "0" only; "-0", "007" are not canonical
  for (let k = i; k < n; k++) {
    const c = b[k]!;
    if (c < 0x30 || c > 0x39) return false;
  }
  const digits = n - i;
  if (width === 'int32') {
    if (digits > 10) return false;
    const v = Number(b.toString('latin1'));
    return v >= -2147483648 && v <= 2147483647;
  }
  if (digits < 19) return true;
  if (digits > 19) return false;
  const v = BigInt(b.toString('latin1'));
  return v >= -9223372036854775808n && v <= 9223372036854775807n;
}

/** Integer width a value of this encoding is stored with when it looks like an integer. */
export function intWidthOf(encoding: RdbEncoding): 'int32' | 'int64' | 'always' | 'never' {
  switch (encoding) {
    case 'intset':
      return 'always';
    case 'ziplist':
    case 'quicklist':
    case 'quicklist2':
    case 'listpack':
      return 'int64';
    case 'zipmap':
      return 'never';
    default:
      return 'int32';
  }
}
