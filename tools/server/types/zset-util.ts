/**
 * Number and range parsing with Redis's exact acceptance rules, shared by the collection
 * command modules (list/hash/set/zset/sort).
 *
 * - `parseLL`: string2ll (no spaces, no '+', no leading zeros, int64 range).
 * - `strtod`: C strtod as Redis uses it through getDoubleFromObject (accepts "inf",
 *   "+inf", "-infinity", exponents, hex; rejects NaN, spaces, overflow to ±HUGE_VAL and
 *   underflow to 0).
 * - `parseScoreRange` / `parseLexRange`: ZRANGEBYSCORE "(1.5" / ZRANGEBYLEX "[a" "-" "+".
 */
import type { LexRange, ScoreRange } from './zset-chunks.js';

const INT_RE = /^-?[1-9][0-9]*$/;
const MAX_I64 = 9223372036854775807n;
const MIN_I64 = -9223372036854775808n;

/** string2ll as a bigint, or null. */
export function parseBigLL(s: string): bigint | null {
  if (s === '0') return 0n;
  if (s.length === 0 || s.length > 20 || !INT_RE.test(s)) return null;
  const b = BigInt(s);
  if (b > MAX_I64 || b < MIN_I64) return null;
  return b;
}

/** string2ll as a JS number (exact below 2^53; larger values are rounded), or null. */
export function parseLL(s: string): number | null {
  if (s === '0') return 0;
  const n = s.length;
  if (n === 0 || n > 20) return null;
  if (n < 16) {
    if (!INT_RE.test(s)) return null;
    return Number(s);
  }
  const b = parseBigLL(s);
  return b === null ? null : Number(b);
}

const DEC_RE = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const INF_RE = /^[+-]?(?:inf|infinity)$/i;
const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?$/;

/** strtod + the checks of getDoubleFromObject; null when invalid. */
export function strtod(s: string): number | null {
  const n = s.length;
  if (n === 0) return null;
  // Fast path for the common score: an integer of at most 15 digits (exact as a double,
  // no exponent, cannot overflow or underflow). Anything else takes the full grammar.
  if (n <= 15) {
    let i = n > 1 && s.charCodeAt(0) === 45 /* - */ ? 1 : 0;
    for (; i < n; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
    }
    if (i === n) return Number(s);
  }
  if (DEC_RE.test(s)) {
    const v = Number(s);
    if (!Number.isFinite(v)) return null; // overflow: ERANGE with HUGE_VAL
    if (v === 0 && /[1-9]/.test(s.replace(/[eE].*$/, ''))) return null; // underflow
    return v;
  }
  if (INF_RE.test(s)) return s[0] === '-' ? -Infinity : Infinity;
  const m = HEX_RE.exec(s);
  if (m && (m[2] || m[3])) {
    let v = 0;
    for (const ch of m[2]!) v = v * 16 + parseInt(ch, 16);
    let scale = 1 / 16;
    for (const ch of m[3] ?? '') { v += parseInt(ch, 16) * scale; scale /= 16; }
    if (m[4]) v *= 2 ** Number(m[4]);
    if (!Number.isFinite(v)) return null;
    return m[1] === '-' ? -v : v;
  }
  return null;
}

/** zslParseRange; null when min or max is not a float. */
export function parseScoreRange(min: string, max: string): ScoreRange | null {
  let minex = false, maxex = false;
  if (min[0] === '(') { minex = true; min = min.slice(1); }
  if (max[0] === '(') { maxex = true; max = max.slice(1); }
  const a = strtodRange(min), b = strtodRange(max);
  if (a === null || b === null) return null;
  return { min: a, max: b, minex, maxex };
}

/** zslParseRange uses plain strtod: overflow to inf is accepted, NaN is not. */
function strtodRange(s: string): number | null {
  if (s.length === 0) return null;
  if (DEC_RE.test(s)) return Number(s);
  return strtod(s);
}

/** zslParseLexRange; null when an item is not valid. */
export function parseLexRange(min: string, max: string): LexRange | null {
  const r: LexRange = { min: '', max: '', minex: false, maxex: false, minInf: 0, maxInf: 0 };
  const p = (s: string, isMin: boolean): boolean => {
    const c = s[0];
    let inf: -1 | 0 | 1 = 0, ex = false, v = '';
    if (c === '+' && s.length === 1) inf = 1;
    else if (c === '-' && s.length === 1) inf = -1;
    else if (c === '(') { ex = true; v = s.slice(1); }
    else if (c === '[') v = s.slice(1);
    else return false;
    if (isMin) { r.minInf = inf; r.minex = ex; r.min = v; } else { r.maxInf = inf; r.maxex = ex; r.max = v; }
    return true;
  };
  if (!p(min, true) || !p(max, false)) return null;
  return r;
}

/**
 * Redis's `%.17Lg`-based long double formatting for HINCRBYFLOAT/INCRBYFLOAT (LD_STR_HUMAN):
 * fixed notation, no exponent, trailing zeros removed. We compute in doubles, so the
 * shortest round-trip representation stands in for the 80-bit long double's rounding.
 */
export function formatHumanDouble(v: number): string {
  if (Object.is(v, -0)) return '0';
  if (Number.isInteger(v) && Math.abs(v) < 1e21) return BigInt(v).toString();
  let s = String(v);
  if (!/e/i.test(s)) return s;
  // Expand exponent notation into plain digits.
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s)!;
  const digits = m[2]! + (m[3] ?? '');
  const exp = Number(m[4]);
  if (exp < 0) s = '0.' + '0'.repeat(-exp - 1) + digits;
  else s = digits.length > exp + 1 ? digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1) : digits + '0'.repeat(exp + 1 - digits.length);
  return m[1] + s;
}

/** getTimeoutFromObjectOrReply (seconds): relative ms (0 = forever) or an error text. */
export function parseTimeoutSeconds(s: string): number | string {
  const v = strtod(s);
  if (v === null || !Number.isFinite(v)) return 'ERR timeout is not a float or out of range';
  const ms = Math.ceil(v * 1000);
  if (ms < 0) return 'ERR timeout is negative';
  if (ms > 9.2e18) return 'ERR timeout is out of range';
  return ms;
}

/** glob-style pattern matching (stringmatchlen), for the SCAN family's MATCH. */
export function globMatch(pattern: string, str: string, nocase = false): boolean {
  return matchAt(pattern, 0, str, 0, nocase, 0);
}

function lower(c: string, nocase: boolean): string { return nocase ? c.toLowerCase() : c; }

function matchAt(p: string, pi: number, s: string, si: number, nocase: boolean, depth: number): boolean {
  if (depth > 1000) return false;
  while (pi < p.length) {
    const pc = p[pi]!;
    switch (pc) {
      case '*':
        while (p[pi + 1] === '*') pi++;
        if (pi + 1 === p.length) return true;
        for (let k = si; k <= s.length; k++) if (matchAt(p, pi + 1, s, k, nocase, depth + 1)) return true;
        return false;
      case '?':
        if (si >= s.length) return false;
        si++;
        break;
      case '[': {
        if (si >= s.length) return false;
        pi++;
        const not = p[pi] === '^';
        if (not) pi++;
        let match = false;
        for (;;) {
          if (pi >= p.length) { pi--; break; }
          if (p[pi] === '\\' && pi + 1 < p.length) {
            pi++;
            if (p[pi] === s[si]) match = true;
          } else if (p[pi] === ']') {
            break;
          } else if (p[pi + 1] === '-' && pi + 2 < p.length) {
            let start = lower(p[pi]!, nocase), end = lower(p[pi + 2]!, nocase);
            const c = lower(s[si]!, nocase);
            if (start > end) [start, end] = [end, start];
            pi += 2;
            if (c >= start && c <= end) match = true;
          } else if (lower(p[pi]!, nocase) === lower(s[si]!, nocase)) {
            match = true;
          }
          pi++;
        }
        if (not) match = !match;
        if (!match) return false;
        si++;
        break;
      }
      default:
        if (pc === '\\' && pi + 1 < p.length) pi++;
        if (si >= s.length || lower(p[pi]!, nocase) !== lower(s[si]!, nocase)) return false;
        si++;
    }
    pi++;
    if (si >= s.length) {
      while (p[pi] === '*') pi++;
      break;
    }
  }
  return pi >= p.length && si >= s.length;
}

/**
 * x87 80-bit long double emulation for HINCRBYFLOAT (Redis computes `long double` sums and
 * prints them with "%.17Lf", trailing zeros removed). Values are m * 2^e with a 64-bit
 * mantissa, rounded half-to-even like the FPU, so e.g. 9223372036854775807 + -0.25 prints
 * 9223372036854775807 as Redis does (a double would give ...808).
 */
interface LongDouble { m: bigint; e: number }

const DEC_PARTS_RE = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/;
const TWO63 = 1n << 63n;
const TWO64 = 1n << 64n;

function bitLength(n: bigint): number { return n === 0n ? 0 : n.toString(2).length; }

function roundToLongDouble(num: bigint, den: bigint): LongDouble {
  if (num === 0n) return { m: 0n, e: 0 };
  const neg = num < 0n;
  const a = neg ? -num : num;
  let e = bitLength(a) - bitLength(den) - 64;
  for (;;) {
    const n2 = e <= 0 ? a << BigInt(-e) : a;
    const d2 = e <= 0 ? den : den << BigInt(e);
    let m = n2 / d2;
    if (m >= TWO64) { e++; continue; }
    if (m < TWO63) { e--; continue; }
    const r2 = (n2 % d2) * 2n;
    if (r2 > d2 || (r2 === d2 && (m & 1n) === 1n)) m++;
    if (m === TWO64) { m = TWO63; e++; }
    return { m: neg ? -m : m, e };
  }
}

function parseLongDouble(s: string): LongDouble | null {
  const p = DEC_PARTS_RE.exec(s);
  if (!p || (p[2] === '' && (p[3] ?? '') === '')) return null;
  const frac = p[3] ?? '';
  const exp10 = Number(p[4] ?? '0') - frac.length;
  if (Math.abs(exp10) > 5000) return null;
  let num = BigInt((p[2] || '0') + frac);
  if (p[1] === '-') num = -num;
  let den = 1n;
  if (exp10 >= 0) num *= 10n ** BigInt(exp10); else den = 10n ** BigInt(-exp10);
  return roundToLongDouble(num, den);
}

function addLongDouble(x: LongDouble, y: LongDouble): LongDouble {
  const emin = Math.min(x.e, y.e);
  const num = (x.m << BigInt(x.e - emin)) + (y.m << BigInt(y.e - emin));
  return emin >= 0 ? roundToLongDouble(num << BigInt(emin), 1n) : roundToLongDouble(num, 1n << BigInt(-emin));
}

/** "%.17Lf" with trailing zeros (and a bare '.') removed; "-0" becomes "0". */
function formatLongDoubleHuman(v: LongDouble): string {
  const neg = v.m < 0n;
  const am = neg ? -v.m : v.m;
  const scale = 10n ** 17n;
  let q: bigint;
  if (v.e >= 0) q = (am << BigInt(v.e)) * scale;
  else {
    const n = am * scale;
    const d = 1n << BigInt(-v.e);
    q = n / d;
    const r2 = (n % d) * 2n;
    if (r2 > d || (r2 === d && (q & 1n) === 1n)) q++;
  }
  const s = q.toString().padStart(18, '0');
  const intPart = s.slice(0, -17);
  const frac = s.slice(-17).replace(/0+$/, '');
  const out = frac ? `${intPart}.${frac}` : intPart;
  return neg && out !== '0' ? `-${out}` : out;
}

/**
 * HINCRBYFLOAT's sum of two valid float strings, formatted as Redis replies it; null when
 * either is not a plain decimal (hex, inf), in which case callers use doubles.
 */
export function addLongDoubleHuman(a: string, b: string): string | null {
  const x = parseLongDouble(a), y = parseLongDouble(b);
  if (!x || !y) return null;
  return formatLongDoubleHuman(addLongDouble(x, y));
}
