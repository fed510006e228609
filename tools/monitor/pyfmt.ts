/**
 * Python-compatible number formatting, for byte-exact redis-faina output.
 *
 * redis-faina prints floats with Python 2.7's `str(float)` (12 significant digits, `%.12g`
 * plus a `.0` when the result looks like an integer) and percentages with `'%.2f'`. Python
 * rounds the exact binary value half-to-even; JS `toFixed`/`toPrecision` round exact ties up,
 * so both are implemented here on the exact decimal expansion of the double (BigInt).
 * Only used when rendering reports (a few dozen numbers), never per input line.
 */

/** x = sign * digits / 10^scale exactly. */
interface ExactDecimal {
  negative: boolean;
  digits: bigint;
  scale: number;
}

function exact(x: number): ExactDecimal {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const negative = hi >>> 31 === 1;
  const biasedExp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biasedExp === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = biasedExp - 1075;
  }
  if (exp >= 0) return { negative, digits: mant << BigInt(exp), scale: 0 };
  // m * 2^exp = m * 5^-exp / 10^-exp
  return { negative, digits: mant * 5n ** BigInt(-exp), scale: -exp };
}

/** Rounds n / 10^k to an integer, half to even. */
function divRoundHalfEven(n: bigint, k: number): bigint {
  if (k <= 0) return n * 10n ** BigInt(-k);
  const d = 10n ** BigInt(k);
  const q = n / d;
  const r = n - q * d;
  const twice = r * 2n;
  if (twice > d || (twice === d && (q & 1n) === 1n)) return q + 1n;
  return q;
}

/** Python `'%.Nf' % x`. */
export function pyFixed(x: number, fractionDigits: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const e = exact(x);
  const n = divRoundHalfEven(e.digits, e.scale - fractionDigits);
  let s = n.toString();
  if (fractionDigits > 0) {
    s = s.padStart(fractionDigits + 1, '0');
    s = `${s.slice(0, s.length - fractionDigits)}.${s.slice(s.length - fractionDigits)}`;
  }
  return (e.negative ? '-' : '') + s;
}

/** Python 2.7 `str(x)` for a float: `%.12g`, plus `.0` when it would read as an integer. */
export function py2Str(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return `${sign}0.0`;
  const e = exact(x);
  let digits = e.digits.toString();
  let exp10 = digits.length - 1 - e.scale; // decimal exponent of the leading digit
  const P = 12;
  if (digits.length > P) {
    let n = divRoundHalfEven(e.digits, digits.length - P);
    if (n.toString().length > P) {
      n /= 10n;
      exp10 += 1;
    }
    digits = n.toString();
  }
  digits = digits.replace(/0+$/, '') || '0';
  let out: string;
  if (exp10 < -4 || exp10 >= P) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const ee = Math.abs(exp10).toString().padStart(2, '0');
    out = `${mant}e${exp10 < 0 ? '-' : '+'}${ee}`;
  } else if (exp10 < 0) {
    out = `0.${'0'.repeat(-exp10 - 1)}${digits}`;
  } else if (digits.length <= exp10 + 1) {
    out = `${digits}${'0'.repeat(exp10 + 1 - digits.length)}.0`;
  } else {
    out = `${digits.slice(0, exp10 + 1)}.${digits.slice(exp10 + 1)}`;
  }
  return sign + out;
}
