/**
 * `sprintf` and the Go `fmt` formatting it stands on. OPA hands its arguments to Go's fmt.Sprintf after
 * turning numbers into Go ints, *big.Ints or float64s, strings into Go strings, and every other value
 * into its Rego text, so this file re-creates fmt's verbs, flags, widths, precisions, argument indexes
 * and its "%!verb(type=value)" complaints over a small model of Go values. The same model serves the
 * Go template engine (strings.render_template) and the float and quoting helpers serve YAML output.
 */
import { T, expectArray, expectString, family, type Builtin } from './declaration.js';
import { ObjectValue, SetValue, compareStrings, numberText, type Value } from '../value/value.js';

// ---------------------------------------------------------------------------------------------
// A model of the Go values fmt is asked to print

/** A Go value as fmt sees it: its kind decides which verbs apply, its type name shows up in complaints. */
export type GoValue =
  | { kind: 'int'; value: bigint }
  | { kind: 'bigInt'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string; typeName?: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'nil' }
  | { kind: 'map'; entries: [GoValue, GoValue][] }
  | { kind: 'slice'; items: GoValue[] };

export const goNil: GoValue = { kind: 'nil' };

export function goString(value: string, typeName?: string): GoValue {
  return typeName ? { kind: 'string', value, typeName } : { kind: 'string', value };
}

export function goInt(value: bigint | number): GoValue {
  return { kind: 'int', value: BigInt(value) };
}

/** The name reflect.TypeOf(...).String() gives for the value. */
export function goTypeName(value: GoValue): string {
  switch (value.kind) {
    case 'int':
      return 'int';
    case 'bigInt':
      return '*big.Int';
    case 'float':
      return 'float64';
    case 'string':
      return value.typeName ?? 'string';
    case 'bool':
      return 'bool';
    case 'nil':
      return '<nil>';
    case 'map':
      return 'map[string]interface {}';
    case 'slice':
      return '[]interface {}';
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * How OPA's sprintf hands a Rego value to Go: integers that fit in an int64 become Go ints, larger
 * integers *big.Int, other numbers float64, strings stay strings, and anything else (booleans, null,
 * composites) is passed as its Rego text, so `%v`, `%s` and `%d` of `true` all see the string "true".
 */
export function sprintfArgument(value: Value): GoValue {
  if (typeof value === 'string') return goString(value);
  if (typeof value === 'bigint') {
    return value >= INT64_MIN && value <= INT64_MAX ? { kind: 'int', value } : { kind: 'bigInt', value };
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { kind: 'int', value: BigInt(value) } : { kind: 'float', value };
  }
  return goString(regoText(value));
}

/**
 * A value's text as OPA prints a term: strings Go-quoted, objects `{"a": 1}` with sorted keys, sets
 * `{1, 2}` or `set()`, arrays `[1, 2]`. This is what `sprintf` shows for composite arguments.
 */
export function regoText(value: Value): string {
  switch (typeof value) {
    case 'string':
      return goQuote(value);
    case 'number':
    case 'bigint':
      return numberText(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map(regoText).join(', ')}]`;
      if (value instanceof SetValue) {
        return value.size === 0 ? 'set()' : `{${value.values().map(regoText).join(', ')}}`;
      }
      return `{${(value as ObjectValue).entries().map(([k, v]) => `${regoText(k)}: ${regoText(v)}`).join(', ')}}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Go's strconv quoting

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isGoPrintable(codePoint: number): boolean {
  if (codePoint === 0x20) return true;
  if (codePoint < 0x20 || codePoint === 0x7f) return false;
  return PRINTABLE.test(String.fromCodePoint(codePoint));
}

function hex(n: number, digits: number): string {
  return n.toString(16).padStart(digits, '0');
}

function escapeRune(codePoint: number, quote: string, asciiOnly: boolean): string {
  const char = String.fromCodePoint(codePoint);
  if (char === quote || char === '\\') return '\\' + char;
  if (asciiOnly ? codePoint < 0x80 && isGoPrintable(codePoint) : isGoPrintable(codePoint)) return char;
  switch (codePoint) {
    case 0x07:
      return '\\a';
    case 0x08:
      return '\\b';
    case 0x0c:
      return '\\f';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    case 0x0b:
      return '\\v';
  }
  if (codePoint < 0x20 || codePoint === 0x7f) return '\\x' + hex(codePoint, 2);
  // Lone surrogates cannot exist in Go strings; Go would have replaced them with U+FFFD.
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return asciiOnly ? '\\ufffd' : '\ufffd';
  if (codePoint < 0x10000) return '\\u' + hex(codePoint, 4);
  return '\\U' + hex(codePoint, 8);
}

/** strconv.Quote (or QuoteToASCII): a double-quoted Go string literal. */
export function goQuote(text: string, asciiOnly = false): string {
  let out = '"';
  for (const char of text) out += escapeRune(char.codePointAt(0)!, '"', asciiOnly);
  return out + '"';
}

/** strconv.QuoteRune (or QuoteRuneToASCII). */
function goQuoteRune(codePoint: number, asciiOnly: boolean): string {
  if (codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) codePoint = 0xfffd;
  return `'${escapeRune(codePoint, "'", asciiOnly)}'`;
}

/** strconv.CanBackquote: no backquote, no control characters other than tab. */
function canBackquote(text: string): boolean {
  for (const char of text) {
    const c = char.codePointAt(0)!;
    if (c === 0x60 || c === 0xfeff) return false;
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return false;
  }
  return true;
}

function runeCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function truncateRunes(text: string, count: number): string {
  let out = '';
  let n = 0;
  for (const char of text) {
    if (n++ >= count) break;
    out += char;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Go's strconv float formatting

interface Decimal {
  /** Significant digits without leading or trailing zeros ('' for zero). */
  digits: string;
  /** Position of the decimal point: value = 0.digits × 10^point. */
  point: number;
}

/**
 * The magnitude of a finite double as mantissa × 2^exponent with an integer mantissa: the stored
 * fraction, with the implicit leading bit added for normal numbers.
 */
function binaryParts(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const exponentBits = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (exponentBits === 0) return { mantissa: fraction, exponent: -1074 };
  return { mantissa: fraction | (1n << 52n), exponent: exponentBits - 1075 };
}

/** The exact decimal expansion of a finite double (every double is a finite decimal). */
function exactDecimal(x: number): Decimal {
  if (x === 0) return { digits: '', point: 0 };
  const { mantissa, exponent } = binaryParts(x);
  let digits: string;
  let point: number;
  if (exponent >= 0) {
    digits = (mantissa << BigInt(exponent)).toString();
    point = digits.length;
  } else {
    digits = (mantissa * 5n ** BigInt(-exponent)).toString();
    point = digits.length + exponent;
  }
  return { digits: digits.replace(/0+$/, ''), point };
}

/** The shortest digits that read back as the same double (what Go's shortest formatting uses). */
function shortestDecimal(x: number): Decimal {
  if (x === 0) return { digits: '', point: 0 };
  const [mantissa, exponent] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '').replace(/0+$/, '');
  return { digits, point: Number(exponent) + 1 };
}

/** Rounds to `count` significant digits, halfway cases to even, as Go's decimal rounding does. */
function roundDecimal(decimal: Decimal, count: number): Decimal {
  const { digits, point } = decimal;
  if (count >= digits.length) return decimal;
  if (count < 0) return { digits: '', point: 0 };
  const next = digits.charCodeAt(count) - 48;
  let up: boolean;
  if (next === 5 && count + 1 === digits.length) {
    up = count > 0 && (digits.charCodeAt(count - 1) - 48) % 2 === 1;
  } else {
    up = next >= 5;
  }
  let kept = digits.slice(0, count);
  if (!up) {
    kept = kept.replace(/0+$/, '');
    return { digits: kept, point: kept === '' ? 0 : point };
  }
  let i = kept.length - 1;
  while (i >= 0 && kept[i] === '9') i--;
  if (i < 0) return { digits: '1', point: point + 1 };
  kept = kept.slice(0, i) + String.fromCharCode(kept.charCodeAt(i) + 1);
  return { digits: kept, point };
}

function digitAt(decimal: Decimal, index: number): string {
  return index >= 0 && index < decimal.digits.length ? decimal.digits[index] : '0';
}

function formatE(decimal: Decimal, precision: number, letter: string): string {
  let out = decimal.digits.length ? decimal.digits[0] : '0';
  if (precision > 0) {
    out += '.';
    for (let i = 1; i <= precision; i++) out += digitAt(decimal, i);
  }
  let exponent = decimal.digits.length === 0 ? 0 : decimal.point - 1;
  const sign = exponent < 0 ? '-' : '+';
  if (exponent < 0) exponent = -exponent;
  return `${out}${letter}${sign}${exponent < 10 ? '0' : ''}${exponent}`;
}

function formatF(decimal: Decimal, precision: number): string {
  let out = '';
  if (decimal.point > 0) {
    for (let i = 0; i < decimal.point; i++) out += digitAt(decimal, i);
  } else {
    out = '0';
  }
  if (precision > 0) {
    out += '.';
    for (let i = 0; i < precision; i++) out += digitAt(decimal, decimal.point + i);
  }
  return out;
}

/** strconv's %b: decimal mantissa and binary exponent. */
function formatBinaryExponent(x: number): string {
  const { mantissa, exponent } = binaryParts(x);
  return `${mantissa}p${exponent >= 0 ? '+' : ''}${exponent}`;
}

/** strconv's %x for floats: a normalised hexadecimal mantissa and a binary exponent. */
function formatHexFloat(x: number, precision: number, upper: boolean): string {
  let { mantissa, exponent } = binaryParts(x);
  // Go counts the exponent from the leading bit, not from the last one.
  exponent += 52;
  if (mantissa === 0n) exponent = 0;
  const top = 1n << 60n;
  const mask60 = top - 1n;
  mantissa <<= 8n;
  while (mantissa !== 0n && (mantissa & top) === 0n) {
    mantissa <<= 1n;
    exponent--;
  }
  if (precision >= 0 && precision < 15) {
    const shift = BigInt(precision * 4);
    const extra = (mantissa << shift) & mask60;
    mantissa >>= 60n - shift;
    if ((extra | (mantissa & 1n)) > 1n << 59n) mantissa++;
    mantissa <<= 60n - shift;
    if ((mantissa & (1n << 61n)) !== 0n) {
      mantissa >>= 1n;
      exponent++;
    }
  }
  const digitsOf = upper ? '0123456789ABCDEF' : '0123456789abcdef';
  let out = `0${upper ? 'X' : 'x'}${(mantissa >> 60n) & 1n}`;
  mantissa = (mantissa << 4n) & ((1n << 64n) - 1n);
  if (precision < 0 && mantissa !== 0n) {
    out += '.';
    while (mantissa !== 0n) {
      out += digitsOf[Number((mantissa >> 60n) & 15n)];
      mantissa = (mantissa << 4n) & ((1n << 64n) - 1n);
    }
  } else if (precision > 0) {
    out += '.';
    for (let i = 0; i < precision; i++) {
      out += digitsOf[Number((mantissa >> 60n) & 15n)];
      mantissa = (mantissa << 4n) & ((1n << 64n) - 1n);
    }
  }
  const sign = exponent < 0 ? '-' : '+';
  const magnitude = Math.abs(exponent);
  return `${out}${upper ? 'P' : 'p'}${sign}${magnitude < 10 ? '0' : ''}${magnitude}`;
}

/**
 * strconv.FormatFloat(x, format, precision, 64) for finite x: formats e, E, f, g, G, b, x, X, with
 * precision -1 meaning the shortest text that reads back exactly. Rounding is exact, ties to even.
 */
export function formatGoFloat(x: number, format: string, precision: number): string {
  const negative = x < 0 || Object.is(x, -0);
  const sign = negative ? '-' : '';
  if (format === 'b') return sign + formatBinaryExponent(x);
  if (format === 'x' || format === 'X') return sign + formatHexFloat(x, precision, format === 'X');
  const shortest = precision < 0;
  let decimal: Decimal;
  if (shortest) {
    decimal = shortestDecimal(x);
  } else {
    const exact = exactDecimal(x);
    switch (format) {
      case 'e':
      case 'E':
        decimal = roundDecimal(exact, precision + 1);
        break;
      case 'f':
        decimal = roundDecimal(exact, exact.point + precision);
        break;
      default:
        if (precision === 0) precision = 1;
        decimal = roundDecimal(exact, precision);
    }
  }
  switch (format) {
    case 'e':
    case 'E':
      return sign + formatE(decimal, shortest ? Math.max(decimal.digits.length - 1, 0) : precision, format);
    case 'f':
      return sign + formatF(decimal, shortest ? Math.max(decimal.digits.length - decimal.point, 0) : precision);
    default: {
      let eprecision = shortest ? 6 : precision;
      if (!shortest && eprecision > decimal.digits.length && decimal.digits.length >= decimal.point) {
        eprecision = decimal.digits.length;
      }
      if (shortest) precision = decimal.digits.length;
      const exponent = decimal.point - 1;
      if (exponent < -4 || exponent >= eprecision) {
        if (precision > decimal.digits.length) precision = decimal.digits.length;
        return sign + formatE(decimal, precision - 1, format === 'G' ? 'E' : 'e');
      }
      if (precision > decimal.point) precision = decimal.digits.length;
      return sign + formatF(decimal, Math.max(precision - decimal.point, 0));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Go's fmt

interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  width: number;
  widthPresent: boolean;
  precision: number;
  precisionPresent: boolean;
}

function clearFlags(): Flags {
  return {
    plus: false, minus: false, sharp: false, space: false, zero: false, plusV: false, sharpV: false,
    width: 0, widthPresent: false, precision: 0, precisionPresent: false,
  };
}

/** fmt refuses widths and precisions beyond a million. */
const TOO_LARGE = 1e6;

class Printer {
  out = '';
  flags: Flags = clearFlags();
  /** Set when the format used explicit argument indexes (then unused arguments are not reported). */
  reordered = false;
  goodArgNum = true;

  private writePadding(count: number): void {
    if (count <= 0) return;
    this.out += (this.flags.zero ? '0' : ' ').repeat(count);
  }

  /** Pads to the width with spaces or zeros, on the left unless the minus flag is set. */
  private pad(text: string): void {
    const flags = this.flags;
    if (!flags.widthPresent || flags.width === 0) {
      this.out += text;
      return;
    }
    const count = flags.width - runeCount(text);
    if (!flags.minus) {
      this.writePadding(count);
      this.out += text;
    } else {
      this.out += text;
      this.writePadding(count);
    }
  }

  /** Pads with spaces even when the zero flag is set (integers handle their zeros themselves). */
  private padSpaces(text: string): void {
    const zero = this.flags.zero;
    this.flags.zero = false;
    this.pad(text);
    this.flags.zero = zero;
  }

  badVerb(verb: string, arg: GoValue | undefined): void {
    this.out += `%!${verb}(`;
    if (arg === undefined || arg.kind === 'nil') {
      this.out += '<nil>';
    } else {
      this.out += goTypeName(arg) + '=';
      this.printArg(arg, 'v', 0);
    }
    this.out += ')';
  }

  printArg(arg: GoValue, verb: string, depth: number): void {
    if (verb === 'T' && depth === 0) {
      this.fmtString(goTypeName(arg), 's');
      return;
    }
    if (verb === 'w' || verb === 'p') {
      this.badVerb(verb, arg);
      return;
    }
    switch (arg.kind) {
      case 'nil':
        if (depth > 0 || verb === 'v') this.padSpaces('<nil>');
        else this.badVerb(verb, arg);
        return;
      case 'bool':
        if (verb === 't' || verb === 'v') this.pad(arg.value ? 'true' : 'false');
        else this.badVerb(verb, arg);
        return;
      case 'int':
        this.fmtIntegerVerb(arg.value, verb, arg);
        return;
      case 'bigInt':
        this.fmtBigInt(arg.value, verb);
        return;
      case 'float':
        this.fmtFloatVerb(arg.value, verb, arg);
        return;
      case 'string':
        this.fmtStringVerb(arg.value, verb, arg);
        return;
      case 'map': {
        this.out += 'map[';
        const entries = [...arg.entries].sort((a, b) => compareGoKeys(a[0], b[0]));
        entries.forEach(([key, value], index) => {
          if (index > 0) this.out += ' ';
          this.printArg(key, verb, depth + 1);
          this.out += ':';
          this.printArg(value, verb, depth + 1);
        });
        this.out += ']';
        return;
      }
      case 'slice':
        this.out += '[';
        arg.items.forEach((item, index) => {
          if (index > 0) this.out += ' ';
          this.printArg(item, verb, depth + 1);
        });
        this.out += ']';
        return;
    }
  }

  private fmtIntegerVerb(value: bigint, verb: string, arg: GoValue): void {
    switch (verb) {
      case 'v':
      case 'd':
        this.fmtInteger(value, 10, verb, false);
        return;
      case 'b':
        this.fmtInteger(value, 2, verb, false);
        return;
      case 'o':
      case 'O':
        this.fmtInteger(value, 8, verb, false);
        return;
      case 'x':
        this.fmtInteger(value, 16, verb, false);
        return;
      case 'X':
        this.fmtInteger(value, 16, verb, true);
        return;
      case 'c':
        this.pad(String.fromCodePoint(validRune(value)));
        return;
      case 'q':
        this.pad(goQuoteRune(Number(validRuneOrLarge(value)), this.flags.plus));
        return;
      case 'U':
        this.fmtUnicode(value);
        return;
      default:
        this.badVerb(verb, arg);
    }
  }

  /** fmt's integer formatting: precision is a minimum digit count, zero padding counts as precision. */
  private fmtInteger(value: bigint, base: number, verb: string, upper: boolean): void {
    const flags = this.flags;
    const negative = value < 0n;
    const magnitude = negative ? -value : value;
    let precision = 0;
    if (flags.precisionPresent) {
      precision = flags.precision;
      // Precision 0 and value 0 print nothing but the padding.
      if (precision === 0 && magnitude === 0n) {
        if (flags.widthPresent) this.out += ' '.repeat(flags.width);
        return;
      }
    } else if (flags.zero && !flags.minus && flags.widthPresent) {
      precision = flags.width;
      if (negative || flags.plus || flags.space) precision--;
    }
    let digits = magnitude.toString(base);
    if (upper) digits = digits.toUpperCase();
    if (digits.length < precision) digits = '0'.repeat(precision - digits.length) + digits;
    let prefix = '';
    if (flags.sharp) {
      if (base === 2) prefix = '0b';
      else if (base === 8 && digits[0] !== '0') prefix = '0';
      else if (base === 16) prefix = upper ? '0X' : '0x';
    }
    if (verb === 'O') prefix = '0o';
    const sign = negative ? '-' : flags.plus ? '+' : flags.space ? ' ' : '';
    this.padSpaces(sign + prefix + digits);
  }

  private fmtUnicode(value: bigint): void {
    const flags = this.flags;
    let digits = (value < 0n ? value + 2n ** 64n : value).toString(16).toUpperCase();
    const minimum = flags.precisionPresent && flags.precision > 4 ? flags.precision : 4;
    if (digits.length < minimum) digits = '0'.repeat(minimum - digits.length) + digits;
    let text = 'U+' + digits;
    if (flags.sharp && value >= 0n && value <= 0x10ffffn && isGoPrintable(Number(value))) {
      text += ` '${String.fromCodePoint(Number(value))}'`;
    }
    this.padSpaces(text);
  }

  /** math/big's own Format for *big.Int, which differs from fmt's integers in its complaints. */
  private fmtBigInt(value: bigint, verb: string): void {
    const flags = this.flags;
    let base: number;
    switch (verb) {
      case 'b':
        base = 2;
        break;
      case 'o':
      case 'O':
        base = 8;
        break;
      case 'd':
      case 's':
      case 'v':
        base = 10;
        break;
      case 'x':
      case 'X':
        base = 16;
        break;
      default:
        this.out += `%!${verb}(big.Int=${value.toString()})`;
        return;
    }
    const plus = flags.plus || flags.plusV;
    const sharp = flags.sharp || flags.sharpV;
    const sign = value < 0n ? '-' : plus ? '+' : flags.space ? ' ' : '';
    let prefix = '';
    if (sharp) {
      if (verb === 'b') prefix = '0b';
      else if (verb === 'o') prefix = '0';
      else if (verb === 'x') prefix = '0x';
      else if (verb === 'X') prefix = '0X';
    }
    if (verb === 'O') prefix = '0o';
    let digits = (value < 0n ? -value : value).toString(base);
    if (verb === 'X') digits = digits.toUpperCase();
    let zeros = 0;
    if (flags.precisionPresent) {
      if (digits.length < flags.precision) zeros = flags.precision - digits.length;
      else if (digits === '0' && flags.precision === 0) return;
    }
    let left = 0;
    let right = 0;
    const length = sign.length + prefix.length + zeros + digits.length;
    if (flags.widthPresent && length < flags.width) {
      const extra = flags.width - length;
      if (flags.minus) right = extra;
      else if (flags.zero && !flags.precisionPresent) zeros = extra;
      else left = extra;
    }
    this.out += ' '.repeat(left) + sign + prefix + '0'.repeat(zeros) + digits + ' '.repeat(right);
  }

  private fmtFloatVerb(value: number, verb: string, arg: GoValue): void {
    switch (verb) {
      case 'v':
        this.fmtFloat(value, 'g', -1);
        return;
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
        this.fmtFloat(value, verb, -1);
        return;
      case 'f':
      case 'e':
      case 'E':
      case 'F':
        this.fmtFloat(value, verb, 6);
        return;
      default:
        this.badVerb(verb, arg);
    }
  }

  private fmtFloat(value: number, verb: string, precision: number): void {
    const flags = this.flags;
    if (flags.precisionPresent) precision = flags.precision;
    let num = formatGoFloat(value, verb === 'F' ? 'f' : verb, precision);
    if (num[0] !== '-') num = '+' + num;
    if (flags.space && num[0] === '+' && !flags.plus) num = ' ' + num.slice(1);
    if (flags.sharp && verb !== 'b') num = sharpenFloat(num, verb, precision);
    if (flags.plus || num[0] !== '+') {
      if (flags.zero && !flags.minus && flags.widthPresent && flags.width > num.length) {
        this.out += num[0];
        this.writePadding(flags.width - num.length);
        this.out += num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  private fmtStringVerb(value: string, verb: string, arg: GoValue): void {
    switch (verb) {
      case 'v':
        if (this.flags.sharpV) this.fmtQuoted(value);
        else this.fmtString(value, 's');
        return;
      case 's':
        this.fmtString(value, 's');
        return;
      case 'q':
        this.fmtQuoted(value);
        return;
      case 'x':
      case 'X':
        this.fmtHexString(value, verb === 'X');
        return;
      default:
        this.badVerb(verb, arg);
    }
  }

  private fmtString(value: string, _verb: 's'): void {
    const flags = this.flags;
    this.pad(flags.precisionPresent ? truncateRunes(value, flags.precision) : value);
  }

  private fmtQuoted(value: string): void {
    const flags = this.flags;
    const text = flags.precisionPresent ? truncateRunes(value, flags.precision) : value;
    if (flags.sharp && canBackquote(text)) this.pad('`' + text + '`');
    else this.pad(goQuote(text, flags.plus));
  }

  private fmtHexString(value: string, upper: boolean): void {
    const flags = this.flags;
    const digitsOf = upper ? '0123456789ABCDEF' : '0123456789abcdef';
    let bytes = new TextEncoder().encode(value);
    if (flags.precisionPresent && flags.precision < bytes.length) bytes = bytes.slice(0, flags.precision);
    const length = bytes.length;
    let width = 2 * length;
    if (width > 0) {
      if (flags.space) {
        if (flags.sharp) width *= 2;
        width += length - 1;
      } else if (flags.sharp) {
        width += 2;
      }
    } else {
      if (flags.widthPresent) this.writePadding(flags.width);
      return;
    }
    if (flags.widthPresent && flags.width > width && !flags.minus) this.writePadding(flags.width - width);
    const prefix = '0' + (upper ? 'X' : 'x');
    if (flags.sharp) this.out += prefix;
    bytes.forEach((byte, index) => {
      if (flags.space && index > 0) {
        this.out += ' ';
        if (flags.sharp) this.out += prefix;
      }
      this.out += digitsOf[byte >> 4] + digitsOf[byte & 15];
    });
    if (flags.widthPresent && flags.width > width && flags.minus) this.writePadding(flags.width - width);
  }
}

/** A code point for %c: out-of-range values print as U+FFFD, as Go's runes do. */
function validRune(value: bigint): number {
  if (value < 0n || value > 0x10ffffn) return 0xfffd;
  const n = Number(value);
  return n >= 0xd800 && n <= 0xdfff ? 0xfffd : n;
}

function validRuneOrLarge(value: bigint): bigint {
  return value < 0n || value > 0x10ffffn ? 0xfffdn : value;
}

/** The '#' flag for floats: always a decimal point, and %g keeps its trailing zeros. */
function sharpenFloat(num: string, verb: string, precision: number): string {
  let digits = 0;
  if (verb === 'g' || verb === 'G' || verb === 'x') digits = precision === -1 ? 6 : precision;
  let tail = '';
  let hasPoint = false;
  let sawNonzero = false;
  for (let i = 1; i < num.length; i++) {
    const c = num[i];
    if (c === '.') {
      hasPoint = true;
    } else if (c === 'p' || c === 'P') {
      tail = num.slice(i);
      num = num.slice(0, i);
    } else if ((c === 'e' || c === 'E') && verb !== 'x' && verb !== 'X') {
      tail = num.slice(i);
      num = num.slice(0, i);
    } else {
      if (c !== '0') sawNonzero = true;
      if (sawNonzero) digits--;
    }
  }
  if (!hasPoint) {
    if (num.length === 2 && num[1] === '0') digits--;
    num += '.';
  }
  while (digits > 0) {
    num += '0';
    digits--;
  }
  return num + tail;
}

/** Orders map keys as fmt does for map[string]interface{}: by string, numbers numerically. */
function compareGoKeys(a: GoValue, b: GoValue): number {
  if (a.kind === 'string' && b.kind === 'string') return compareStrings(a.value, b.value);
  const textA = goPrint([a]);
  const textB = goPrint([b]);
  return textA < textB ? -1 : textA > textB ? 1 : 0;
}

/** Reads a decimal number in the format at `start`; gives up beyond a million as fmt does. */
function parseNumber(format: string, start: number, end: number): { value: number; present: boolean; next: number } {
  if (start >= end) return { value: 0, present: false, next: end };
  let value = 0;
  let present = false;
  let next = start;
  for (; next < end && format[next] >= '0' && format[next] <= '9'; next++) {
    if (value > TOO_LARGE) return { value: 0, present: false, next: end };
    value = value * 10 + (format.charCodeAt(next) - 48);
    present = true;
  }
  return { value, present, next };
}

/** Reads an explicit argument index such as [2]; returns it zero-based. */
function parseArgumentIndex(format: string, start: number): { index: number; width: number; ok: boolean } {
  if (format.length - start < 3) return { index: 0, width: 1, ok: false };
  for (let i = start + 1; i < format.length; i++) {
    if (format[i] === ']') {
      const number = parseNumber(format, start + 1, i);
      if (!number.present || number.next !== i) return { index: 0, width: i - start + 1, ok: false };
      return { index: number.value - 1, width: i - start + 1, ok: true };
    }
  }
  return { index: 0, width: 1, ok: false };
}

/**
 * fmt.Sprintf over Go values: the same verbs, flags, widths, precisions, `*` arguments, `[n]` argument
 * indexes, and the same complaints for bad verbs, missing, extra and badly indexed arguments.
 */
export function goSprintf(format: string, args: GoValue[]): string {
  const printer = new Printer();
  const end = format.length;
  let argNum = 0;
  let afterIndex = false;

  const argumentNumber = (current: number, i: number): { argNum: number; i: number; found: boolean } => {
    if (i >= end || format[i] !== '[') return { argNum: current, i, found: false };
    printer.reordered = true;
    const parsed = parseArgumentIndex(format, i);
    if (parsed.ok && parsed.index >= 0 && parsed.index < args.length) {
      return { argNum: parsed.index, i: i + parsed.width, found: true };
    }
    printer.goodArgNum = false;
    return { argNum: current, i: i + parsed.width, found: parsed.ok };
  };

  const intFromArgument = (index: number): { value: number; ok: boolean; next: number } => {
    if (index >= args.length) return { value: 0, ok: false, next: index };
    const arg = args[index];
    if (arg.kind !== 'int') return { value: 0, ok: false, next: index + 1 };
    const value = Number(arg.value);
    if (value > TOO_LARGE || value < -TOO_LARGE) return { value: 0, ok: false, next: index + 1 };
    return { value, ok: true, next: index + 1 };
  };

  let i = 0;
  while (i < end) {
    printer.goodArgNum = true;
    const start = i;
    while (i < end && format[i] !== '%') i++;
    if (i > start) printer.out += format.slice(start, i);
    if (i >= end) break;
    i++;

    printer.flags = clearFlags();
    const flags = printer.flags;
    let simple = false;
    for (; i < end; i++) {
      const c = format[i];
      if (c === '#') flags.sharp = true;
      else if (c === '0') flags.zero = !flags.minus;
      else if (c === '+') flags.plus = true;
      else if (c === '-') {
        flags.minus = true;
        flags.zero = false;
      } else if (c === ' ') flags.space = true;
      else {
        // The common case: flags then a lower-case letter, with an argument left to print.
        if (c >= 'a' && c <= 'z' && argNum < args.length) {
          if (c === 'v') {
            flags.sharpV = flags.sharp;
            flags.sharp = false;
            flags.plusV = flags.plus;
            flags.plus = false;
          }
          printer.printArg(args[argNum], c, 0);
          argNum++;
          i++;
          simple = true;
        }
        break;
      }
    }
    if (simple) continue;

    let parsed = argumentNumber(argNum, i);
    argNum = parsed.argNum;
    i = parsed.i;
    afterIndex = parsed.found;

    if (i < end && format[i] === '*') {
      i++;
      const width = intFromArgument(argNum);
      flags.width = width.value;
      flags.widthPresent = width.ok;
      argNum = width.next;
      if (!width.ok) printer.out += '%!(BADWIDTH)';
      if (flags.width < 0) {
        flags.width = -flags.width;
        flags.minus = true;
        flags.zero = false;
      }
      afterIndex = false;
    } else {
      const width = parseNumber(format, i, end);
      flags.width = width.value;
      flags.widthPresent = width.present;
      i = width.next;
      if (afterIndex && flags.widthPresent) printer.goodArgNum = false;
    }

    if (i + 1 < end && format[i] === '.') {
      i++;
      if (afterIndex) printer.goodArgNum = false;
      parsed = argumentNumber(argNum, i);
      argNum = parsed.argNum;
      i = parsed.i;
      afterIndex = parsed.found;
      if (i < end && format[i] === '*') {
        i++;
        const precision = intFromArgument(argNum);
        flags.precision = precision.value;
        flags.precisionPresent = precision.ok;
        argNum = precision.next;
        if (flags.precision < 0) {
          flags.precision = 0;
          flags.precisionPresent = false;
        }
        if (!precision.ok) printer.out += '%!(BADPREC)';
        afterIndex = false;
      } else {
        const precision = parseNumber(format, i, end);
        flags.precision = precision.value;
        flags.precisionPresent = true;
        i = precision.next;
      }
    }

    if (!afterIndex) {
      parsed = argumentNumber(argNum, i);
      argNum = parsed.argNum;
      i = parsed.i;
      afterIndex = parsed.found;
    }

    if (i >= end) {
      printer.out += '%!(NOVERB)';
      break;
    }

    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;

    if (verb === '%') {
      printer.out += '%';
    } else if (!printer.goodArgNum) {
      printer.out += `%!${verb}(BADINDEX)`;
    } else if (argNum >= args.length) {
      printer.out += `%!${verb}(MISSING)`;
    } else {
      if (verb === 'v') {
        flags.sharpV = flags.sharp;
        flags.sharp = false;
        flags.plusV = flags.plus;
        flags.plus = false;
      }
      printer.printArg(args[argNum], verb, 0);
      argNum++;
    }
  }

  if (!printer.reordered && argNum < args.length) {
    printer.flags = clearFlags();
    printer.out += '%!(EXTRA ';
    args.slice(argNum).forEach((arg, index) => {
      if (index > 0) printer.out += ', ';
      if (arg.kind === 'nil') {
        printer.out += '<nil>';
      } else {
        printer.out += goTypeName(arg) + '=';
        printer.printArg(arg, 'v', 0);
      }
    });
    printer.out += ')';
  }
  return printer.out;
}

/** fmt.Sprint: operands printed with %v, a space between two operands when neither is a string. */
export function goPrint(args: GoValue[]): string {
  const printer = new Printer();
  let previousString = false;
  args.forEach((arg, index) => {
    const isString = arg.kind === 'string';
    if (index > 0 && !isString && !previousString) printer.out += ' ';
    printer.flags = clearFlags();
    printer.printArg(arg, 'v', 0);
    previousString = isString;
  });
  return printer.out;
}

/** fmt.Sprintln: operands printed with %v, always separated by spaces, and a final newline. */
export function goPrintln(args: GoValue[]): string {
  const printer = new Printer();
  args.forEach((arg, index) => {
    if (index > 0) printer.out += ' ';
    printer.flags = clearFlags();
    printer.printArg(arg, 'v', 0);
  });
  return printer.out + '\n';
}

export const builtins: Builtin[] = family([
  {
    name: 'sprintf',
    categories: ['strings'],
    params: [
      { name: 'format', type: T.string, description: 'A Go-style format string with verbs such as %s, %d, %v and %.2f.' },
      { name: 'values', type: T.array(T.any), description: 'The values the verbs in the format take in turn.' },
    ],
    result: { name: 'output', type: T.string, description: 'The formatted text.' },
    description:
      'Formats values into a string the way Go\'s fmt.Sprintf does. Numbers keep full precision; ' +
      'booleans, null and composite values are formatted as their Rego text.',
    impl(args) {
      const format = expectString(args, 0);
      const values = expectArray(args, 1);
      return goSprintf(format, values.map(sprintfArgument));
    },
  },
]);
