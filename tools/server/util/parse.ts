/**
 * Number parsing with Redis's exact rules (util.c string2ll / string2ld) and error texts.
 * All functions are pure: they return null on failure; CommandContext.parseInt/parseFloat reply
 * the error text for you.
 */

export const ERR_NOT_INTEGER = 'ERR value is not an integer or out of range';
export const ERR_NOT_FLOAT = 'ERR value is not a valid float';
export const ERR_TIMEOUT = 'ERR timeout is not a float or out of range';
export const ERR_TIMEOUT_NEGATIVE = 'ERR timeout is negative';
export const ERR_SYNTAX = 'ERR syntax error';
export const ERR_WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
export const ERR_OVERFLOW = 'ERR increment or decrement would overflow';

export const LLONG_MAX = 9223372036854775807n;
export const LLONG_MIN = -9223372036854775808n;

const INT_RE = /^-?(?:0|[1-9][0-9]*)$/;

/** string2ll: strict decimal int64 (no spaces, no '+', no leading zeros, no "-0"). */
export function parseLongLong(s: string): bigint | null {
  if (s.length === 0 || s.length > 20 || !INT_RE.test(s) || s === '-0') return null;
  const v = BigInt(s);
  if (v > LLONG_MAX || v < LLONG_MIN) return null;
  return v;
}

/**
 * string2ll as a JS number (exact up to 2^53; use parseLongLong where the full int64 range
 * matters, e.g. INCR). Fast path for short strings.
 */
export function parseInteger(s: string): number | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  if (n < 16) {
    let i = 0;
    let neg = false;
    if (s.charCodeAt(0) === 45) { neg = true; i = 1; if (n === 1) return null; }
    const first = s.charCodeAt(i);
    if (first === 48 && n > i + 1) return null;
    if (neg && first === 48) return null;
    let v = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return null;
      v = v * 10 + c;
    }
    return neg ? -v : v;
  }
  const b = parseLongLong(s);
  return b === null ? null : Number(b);
}

/** True when Redis would store this string with the 'int' encoding (string2l on a <=20 byte string). */
export function isIntEncodable(s: string): boolean {
  return s.length <= 20 && s.length > 0 && parseLongLong(s) !== null;
}

/**
 * strtold-like parsing used by Redis for floats: no leading/trailing space, no empty string,
 * "inf"/"+inf"/"-inf"/"infinity" accepted, NaN rejected.
 */
export function parseDouble(s: string): number | null {
  const n = s.length;
  if (n === 0 || n > 5120) return null;
  const c0 = s.charCodeAt(0);
  const cl = s.charCodeAt(n - 1);
  if (c0 <= 32 || cl <= 32) return null;
  let v = Number(s);
  if (Number.isNaN(v)) {
    const l = s.toLowerCase();
    if (l === 'inf' || l === '+inf' || l === 'infinity' || l === '+infinity') v = Infinity;
    else if (l === '-inf' || l === '-infinity') v = -Infinity;
    else return null;
  } else if (s === 'Infinity' || s === '+Infinity' || s === '-Infinity') {
    // Number() accepts these spellings; strtold too (case-insensitive), fine.
  } else if (/^[+-]?0[box]/i.test(s) && !/^[+-]?0x[0-9a-f]/i.test(s)) {
    return null; // Number() accepts 0b/0o literals; strtold does not
  }
  return v;
}

/**
 * Formats the result of INCRBYFLOAT / HINCRBYFLOAT like Redis's "%.17Lg" on a long double:
 * the extra precision of long double hides binary rounding noise (1 + -1.1 = "-0.1"), which we
 * emulate by preferring the 15-significant-digit form when it is within rounding of the value.
 */
export function formatLongDouble(v: number, operandScale = Math.abs(v)): string {
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e17) return String(v);
  // The rounding error of a double sum is bounded by the operands' magnitude (operandScale).
  const p15 = Number(v.toPrecision(15));
  const chosen = Math.abs(p15 - v) <= Math.max(Math.abs(v), operandScale) * 4.5e-16 ? p15 : v;
  let s = String(chosen);
  if (s.includes('e')) {
    // %Lg switches to exponent form only below 1e-4 or at/above 1e17
    const abs = Math.abs(chosen);
    if (abs >= 1e-4 && abs < 1e17) s = chosen.toFixed(20).replace(/\.?0+$/, '');
    else s = s.replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return s;
}

/** Timeout argument of blocking commands (seconds as float) -> ms, or an error text. */
export function parseTimeoutSeconds(s: string): number | string {
  const v = parseDouble(s);
  if (v === null || !Number.isFinite(v)) return ERR_TIMEOUT;
  if (v < 0) return ERR_TIMEOUT_NEGATIVE;
  const ms = Math.ceil(v * 1000);
  if (ms > Number.MAX_SAFE_INTEGER) return ERR_TIMEOUT;
  return ms;
}

/** Parses memory sizes like redis.conf: 1gb, 10mb, 512k … (memtoull). */
export function parseMemory(s: string): number | null {
  const m = /^(-?\d+)(b|k|kb|m|mb|g|gb)?$/i.exec(s.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'b').toLowerCase();
  const mul: Record<string, number> = { b: 1, k: 1000, kb: 1024, m: 1e6, mb: 1024 * 1024, g: 1e9, gb: 1024 * 1024 * 1024 };
  return n * mul[unit]!;
}
