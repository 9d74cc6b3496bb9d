/**
 * `units.parse` and `units.parse_bytes`: amounts with SI (k, M, G…) or binary (Ki, Mi, Gi…) suffixes.
 * OPA computes `units.parse` with exact rationals (a whole result is exact, anything else is kept to
 * ten decimal places) and `units.parse_bytes` with 64-bit-mantissa big floats truncated to an
 * integer; both are reproduced here with BigInt arithmetic so large results stay exact.
 */
import { BuiltinError, T, expectString, family, type Builtin } from './declaration.js';
import { normalizeNumber } from '../value/value.js';

/** OPA refuses exponents written with more than six digits. */
const MAX_EXPONENT_DIGITS = 6;

const DIGIT = /[0-9]/;

/**
 * Splits "10.5Ki" into "10.5" and "Ki" the way OPA does: digits, dots, signs and an exponent (an
 * 'e' followed by a digit or sign) form the number, the rest is the unit.
 * Returns undefined when an exponent has too many digits.
 */
function splitAmount(text: string): { amount: string; unit: string } | undefined {
  let boundary = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const numeric = DIGIT.test(c) || c === '.' || c === '+' || c === '-';
    if (!numeric && c !== 'e' && c !== 'E') {
      boundary = i;
      break;
    }
    if (c === 'e' || c === 'E') {
      const next = text[i + 1];
      if (next === undefined || (!DIGIT.test(next) && next !== '+' && next !== '-')) {
        boundary = i;
        break;
      }
      if (next === '+' || next === '-') i++;
      let end = i + 1;
      while (end < text.length && DIGIT.test(text[end])) end++;
      if (end - (i + 1) > MAX_EXPONENT_DIGITS) return undefined;
    }
  }
  if (boundary === -1) return { amount: text, unit: '' };
  if (boundary === 0) return { amount: '', unit: text };
  return { amount: text.slice(0, boundary), unit: text.slice(boundary) };
}

/** An exact fraction numerator/denominator, denominator positive. */
interface Fraction {
  numerator: bigint;
  denominator: bigint;
}

/** Reads a decimal amount such as "-3.5E2" or ".5" exactly; undefined when it is not a number. */
function readDecimal(text: string): Fraction | undefined {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) return undefined;
  const [, sign, whole, fraction = '', exponentText] = match;
  if (whole === '' && fraction === '') return undefined;
  const exponent = (exponentText ? Number(exponentText) : 0) - fraction.length;
  let numerator = BigInt((whole || '0') + fraction);
  if (sign === '-') numerator = -numerator;
  if (exponent >= 0) return { numerator: numerator * 10n ** BigInt(exponent), denominator: 1n };
  return { numerator, denominator: 10n ** BigInt(-exponent) };
}

/** The exact value of the double nearest 0.001, which OPA uses for the milli suffix. */
const MILLI: Fraction = (() => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, 0.001);
  const bits = view.getBigUint64(0);
  const mantissa = (bits & ((1n << 52n) - 1n)) | (1n << 52n);
  const exponent = Number((bits >> 52n) & 0x7ffn) - 1075;
  return { numerator: mantissa, denominator: 1n << BigInt(-exponent) };
})();

const KI = 1024n;
const SI_MULTIPLIERS: Record<string, bigint> = {
  '': 1n,
  k: 1000n, K: 1000n, ki: KI, Ki: KI,
  M: 1000n ** 2n, mi: KI ** 2n, Mi: KI ** 2n,
  g: 1000n ** 3n, G: 1000n ** 3n, gi: KI ** 3n, Gi: KI ** 3n,
  t: 1000n ** 4n, T: 1000n ** 4n, ti: KI ** 4n, Ti: KI ** 4n,
  p: 1000n ** 5n, P: 1000n ** 5n, pi: KI ** 5n, Pi: KI ** 5n,
  e: 1000n ** 6n, E: 1000n ** 6n, ei: KI ** 6n, Ei: KI ** 6n,
};

const BYTE_MULTIPLIERS: Record<string, bigint> = {
  '': 1n,
  kb: 1000n, k: 1000n, kib: KI, ki: KI,
  mb: 1000n ** 2n, m: 1000n ** 2n, mib: KI ** 2n, mi: KI ** 2n,
  gb: 1000n ** 3n, g: 1000n ** 3n, gib: KI ** 3n, gi: KI ** 3n,
  tb: 1000n ** 4n, t: 1000n ** 4n, tib: KI ** 4n, ti: KI ** 4n,
  pb: 1000n ** 5n, p: 1000n ** 5n, pib: KI ** 5n, pi: KI ** 5n,
  eb: 1000n ** 6n, e: 1000n ** 6n, eib: KI ** 6n, ei: KI ** 6n,
};

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

/** Rounds a fraction to an integer, halves away from zero (big.Rat's FloatString rounding). */
function roundHalfAway(numerator: bigint, denominator: bigint): bigint {
  const quotient = abs(numerator) / denominator;
  const remainder = abs(numerator) % denominator;
  const rounded = 2n * remainder >= denominator ? quotient + 1n : quotient;
  return numerator < 0n ? -rounded : rounded;
}

/** big.Rat.FloatString(10): the value with exactly ten decimal places. */
function tenDecimals(value: Fraction): string {
  const scaled = roundHalfAway(value.numerator * 10n ** 10n, value.denominator);
  const digits = abs(scaled).toString().padStart(11, '0');
  const sign = value.numerator < 0n && scaled !== 0n ? '-' : '';
  return `${sign}${digits.slice(0, -10)}.${digits.slice(-10)}`;
}

/** Rounds |x| = m × 2^e (m a positive integer) to a 64-bit mantissa, halves to even. */
function roundTo64Bits(mantissa: bigint, exponent: number): { mantissa: bigint; exponent: number } {
  const bits = mantissa.toString(2).length;
  if (bits <= 64) return { mantissa, exponent };
  const shift = BigInt(bits - 64);
  let kept = mantissa >> shift;
  const rest = mantissa - (kept << shift);
  const half = 1n << (shift - 1n);
  if (rest > half || (rest === half && (kept & 1n) === 1n)) kept++;
  return { mantissa: kept, exponent: exponent + Number(shift) };
}

/** A fraction rounded to a float with a 64-bit mantissa (big.Float's default precision), as m × 2^e. */
function toFloat64Bits(value: Fraction): { negative: boolean; mantissa: bigint; exponent: number } {
  const negative = value.numerator < 0n;
  const numerator = abs(value.numerator);
  if (numerator === 0n) return { negative, mantissa: 0n, exponent: 0 };
  // Scale so that the integer quotient has at least 66 bits, then round that quotient to 64 bits;
  // the sticky remainder keeps halfway cases exact.
  const scale = 66 - (numerator.toString(2).length - value.denominator.toString(2).length);
  const shifted = scale >= 0 ? numerator << BigInt(scale) : numerator;
  const denominator = scale >= 0 ? value.denominator : value.denominator << BigInt(-scale);
  let quotient = shifted / denominator;
  const inexact = shifted % denominator !== 0n;
  // A sticky bit below the rounding position makes an inexact value round away from a tie.
  quotient = (quotient << 1n) | (inexact ? 1n : 0n);
  const rounded = roundTo64Bits(quotient, -scale - 1);
  return { negative, ...rounded };
}

export const builtins: Builtin[] = family([
  {
    name: 'units.parse',
    categories: [],
    params: [
      {
        name: 'x',
        type: T.string,
        description: 'An amount with an optional suffix: m (milli), k, M, G, T, P, E (powers of 1000) or Ki, Mi, Gi, Ti, Pi, Ei (powers of 1024).',
      },
    ],
    result: { name: 'y', type: T.number, description: 'The amount as a plain number.' },
    description:
      'Converts an amount with an SI or binary unit suffix, such as "10K" or "1.5Gi", into a number. ' +
      'Suffixes are case-sensitive only where it matters ("m" is milli, "M" is mega); quotes are ignored.',
    impl(args) {
      const text = expectString(args, 0).replaceAll('"', '');
      if (text.includes(' ')) throw new BuiltinError('spaces not allowed in resource strings');
      const split = splitAmount(text);
      if (!split) throw new BuiltinError('exponent too large');
      if (split.amount === '') throw new BuiltinError('no amount provided');
      // Only the letters after the first are folded, so that 'm' and 'M' stay apart.
      const chars = Array.from(split.unit);
      const unit = chars.length > 1 ? chars[0] + chars.slice(1).join('').toLowerCase() : split.unit;
      let multiplier: Fraction;
      if (unit === 'm') multiplier = MILLI;
      else if (unit in SI_MULTIPLIERS) multiplier = { numerator: SI_MULTIPLIERS[unit], denominator: 1n };
      else throw new BuiltinError(`unit ${unit} not recognized`);
      const amount = readDecimal(split.amount);
      if (!amount) throw new BuiltinError('could not parse amount to a number');
      const numerator = amount.numerator * multiplier.numerator;
      const denominator = amount.denominator * multiplier.denominator;
      if (numerator % denominator === 0n) return normalizeNumber(numerator / denominator);
      // OPA keeps the ten-decimal text as a number; as a fraction it is a double here.
      return normalizeNumber(Number(tenDecimals({ numerator, denominator })));
    },
  },
  {
    name: 'units.parse_bytes',
    categories: [],
    params: [
      {
        name: 'x',
        type: T.string,
        description: 'A byte amount with an optional unit: KB, MB, GB… (powers of 1000) or KiB, MiB, GiB… (powers of 1024), in any case.',
      },
    ],
    result: { name: 'y', type: T.number, description: 'The number of bytes, as a whole number.' },
    description:
      'Converts a byte amount with a unit, such as "10KB" or "1.5GiB", into a whole number of bytes. ' +
      'Units are case-insensitive, the trailing "b" is optional, and fractions of a byte are dropped.',
    impl(args) {
      const text = expectString(args, 0).toLowerCase().replaceAll('"', '');
      if (text.includes(' ')) throw new BuiltinError('spaces not allowed in resource strings');
      const split = splitAmount(text);
      if (!split) throw new BuiltinError('exponent too large');
      if (split.amount === '') throw new BuiltinError('no byte amount provided');
      const multiplier = BYTE_MULTIPLIERS[split.unit];
      if (multiplier === undefined) throw new BuiltinError(`byte unit ${split.unit} not recognized`);
      const amount = readDecimal(split.amount);
      if (!amount) throw new BuiltinError('could not parse byte amount to a number');
      // OPA reads the amount into a 64-bit-mantissa float, multiplies (rounding again) and truncates.
      const float = toFloat64Bits(amount);
      const product = roundTo64Bits(float.mantissa * multiplier, float.exponent);
      let bytes = product.exponent >= 0 ? product.mantissa << BigInt(product.exponent) : product.mantissa >> BigInt(-product.exponent);
      if (float.negative) bytes = -bytes;
      return normalizeNumber(bytes);
    },
  },
]);
