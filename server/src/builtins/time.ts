/**
 * Time built-ins: time.now_ns, time.parse_ns, time.parse_rfc3339_ns, time.parse_duration_ns,
 * time.date, time.clock, time.weekday, time.add_date, time.diff and time.format. Timestamps are
 * nanoseconds since the Unix epoch held as bigint (they exceed 2^53) and must fit Go's int64, as in
 * OPA. Layouts are Go's reference-time layouts ("2006-01-02T15:04:05Z07:00"), parsed and printed
 * the way Go's time package does, and IANA time zones are read through Intl.DateTimeFormat.
 */
import { BuiltinError, T, expectInteger, expectString, operandError, type Builtin, type Parameter } from './declaration.js';
import { normalizeNumber, type Value } from '../value/value.js';

const NANOS_PER_SECOND = 1_000_000_000n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The layout names OPA accepts in place of a layout, as Go's time package defines them. */
const NAMED_LAYOUTS: Record<string, string> = {
  ANSIC: 'Mon Jan _2 15:04:05 2006',
  UnixDate: 'Mon Jan _2 15:04:05 MST 2006',
  RubyDate: 'Mon Jan 02 15:04:05 -0700 2006',
  RFC822: '02 Jan 06 15:04 MST',
  RFC822Z: '02 Jan 06 15:04 -0700',
  RFC850: 'Monday, 02-Jan-06 15:04:05 MST',
  RFC1123: 'Mon, 02 Jan 2006 15:04:05 MST',
  RFC1123Z: 'Mon, 02 Jan 2006 15:04:05 -0700',
  RFC3339: '2006-01-02T15:04:05Z07:00',
  RFC3339Nano: '2006-01-02T15:04:05.999999999Z07:00',
};

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic (proleptic Gregorian, as Go's time package)

function floorDivide(a: number, b: number): number {
  return Math.floor(a / b);
}

function modulo(a: number, b: number): number {
  return a - Math.floor(a / b) * b;
}

/** Days since 1970-01-01 of a civil date (month 1-12). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = floorDivide(y, 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = (month + 9) % 12;
  const dayOfYear = floorDivide(153 * monthFromMarch + 2, 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + floorDivide(yearOfEra, 4) - floorDivide(yearOfEra, 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function civilFromDays(days: number): [number, number, number] {
  const shifted = days + 719468;
  const era = floorDivide(shifted, 146097);
  const dayOfEra = shifted - era * 146097;
  const yearOfEra = floorDivide(dayOfEra - floorDivide(dayOfEra, 1460) + floorDivide(dayOfEra, 36524) - floorDivide(dayOfEra, 146096), 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + floorDivide(yearOfEra, 4) - floorDivide(yearOfEra, 100));
  const monthFromMarch = floorDivide(5 * dayOfYear + 2, 153);
  const day = dayOfYear - floorDivide(153 * monthFromMarch + 2, 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return [year, month, day];
}

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysInMonth(month: number, year: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Whole seconds (floored) and the nanoseconds past them. */
function splitNanoseconds(ns: bigint): [number, number] {
  let seconds = ns / NANOS_PER_SECOND;
  let rest = ns % NANOS_PER_SECOND;
  if (rest < 0n) {
    rest += NANOS_PER_SECOND;
    seconds -= 1n;
  }
  return [Number(seconds), Number(rest)];
}

// ---------------------------------------------------------------------------------------------
// Time zones

interface Zone {
  /** Seconds east of UTC in effect at a Unix time (in seconds). */
  offsetAt(unixSeconds: number): number;
  /** The zone abbreviation Go prints for `MST` in a layout. */
  abbreviationAt(unixSeconds: number): string;
}

const UTC_ZONE: Zone = { offsetAt: () => 0, abbreviationAt: () => 'UTC' };

/**
 * A zone read through Intl. The offset is the difference between the wall clock Intl shows and
 * UTC; the abbreviation is Intl's short name where it is a real abbreviation in the locale whose
 * names match the tz database's, and otherwise the database's numeric style ("+0530", "-03").
 */
function intlZone(timeZone: string): Zone {
  const clock = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const nameLocale = timeZone.startsWith('Europe/') ? 'en-GB' : timeZone.startsWith('Australia/') ? 'en-AU' : /^Asia\/(Kolkata|Calcutta)$/.test(timeZone) ? 'en-IN' : 'en-US';
  const names = new Intl.DateTimeFormat(nameLocale, { timeZone, timeZoneName: 'short' });
  const offsetAt = (unixSeconds: number): number => {
    const parts: Record<string, number> = {};
    for (const part of clock.formatToParts(new Date(unixSeconds * 1000))) {
      if (part.type !== 'literal') parts[part.type] = Number(part.value);
    }
    const local = daysFromCivil(parts.year, parts.month, parts.day) * 86400 + (parts.hour % 24) * 3600 + parts.minute * 60 + parts.second;
    return local - unixSeconds;
  };
  return {
    offsetAt,
    abbreviationAt(unixSeconds) {
      const name = names.formatToParts(new Date(unixSeconds * 1000)).find((part) => part.type === 'timeZoneName')?.value ?? '';
      if (/^[A-Z]{2,5}$/.test(name)) return name;
      const offset = offsetAt(unixSeconds);
      const minutes = Math.abs(Math.trunc(offset / 60));
      const hours = String(Math.trunc(minutes / 60)).padStart(2, '0');
      const rest = minutes % 60;
      return `${offset < 0 ? '-' : '+'}${hours}${rest === 0 ? '' : String(rest).padStart(2, '0')}`;
    },
  };
}

const zoneCache = new Map<string, Zone>();

/** Go's time.LoadLocation, with its messages; "" and "UTC" are UTC and "Local" the host's zone. */
function loadZone(name: string): Zone {
  if (name === '' || name === 'UTC') return UTC_ZONE;
  const known = zoneCache.get(name);
  if (known) return known;
  let zone: Zone;
  if (name === 'Local') {
    const host = new Intl.DateTimeFormat().resolvedOptions().timeZone;
    zone = host === 'UTC' ? UTC_ZONE : intlZone(host);
  } else {
    if (name.includes('..') || name.startsWith('/') || name.startsWith('\\')) throw new BuiltinError('time: invalid location name');
    let resolved: string;
    try {
      resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    } catch {
      throw new BuiltinError(`unknown time zone ${name}`);
    }
    // Go finds zones by file name, so a name spelled with other letter case does not exist.
    if (resolved !== name && resolved.toLowerCase() === name.toLowerCase()) throw new BuiltinError(`unknown time zone ${name}`);
    zone = intlZone(name);
  }
  zoneCache.set(name, zone);
  return zone;
}

// ---------------------------------------------------------------------------------------------
// Instants and their fields

interface Instant {
  ns: bigint;
  zone: Zone;
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
  /** 0 for Sunday. */
  weekday: number;
  /** 1 for January 1st. */
  yearDay: number;
  offset: number;
  unixSeconds: number;
}

function fieldsOf({ ns, zone }: Instant): Fields {
  const [unixSeconds, nanosecond] = splitNanoseconds(ns);
  const offset = zone.offsetAt(unixSeconds);
  const local = unixSeconds + offset;
  const days = floorDivide(local, 86400);
  const secondOfDay = local - days * 86400;
  const [year, month, day] = civilFromDays(days);
  return {
    year,
    month,
    day,
    hour: floorDivide(secondOfDay, 3600),
    minute: floorDivide(secondOfDay % 3600, 60),
    second: secondOfDay % 60,
    nanosecond,
    weekday: modulo(days + 4, 7),
    yearDay: days - daysFromCivil(year, 1, 1) + 1,
    offset,
    unixSeconds,
  };
}

/** Seconds beyond which no instant can be a valid int64 of nanoseconds. */
const SECONDS_BOUND = 1e11;

/**
 * Go's time.Date: out-of-range fields carry over (month 13 is January of the next year), and the
 * wall clock is placed in the zone with the offset in effect then. Returns undefined far outside
 * the int64 range.
 */
function dateOf(year: number, month: number, day: number, hour: number, minute: number, second: number, nanosecond: number, zone: Zone): bigint | undefined {
  const monthIndex = month - 1;
  const normalizedYear = year + floorDivide(monthIndex, 12);
  const normalizedMonth = modulo(monthIndex, 12) + 1;
  const totalSeconds = second + floorDivide(nanosecond, 1e9);
  const nanos = modulo(nanosecond, 1e9);
  if (Math.abs(normalizedYear) > 1e6 || Math.abs(day) > 1e9) return undefined;
  const local = (daysFromCivil(normalizedYear, normalizedMonth, 1) + day - 1) * 86400 + hour * 3600 + minute * 60 + totalSeconds;
  if (!Number.isFinite(local) || Math.abs(local) > SECONDS_BOUND) return undefined;
  const offset = zone.offsetAt(local);
  let utc = local - offset;
  const corrected = zone.offsetAt(utc);
  if (corrected !== offset) utc = local - corrected;
  return BigInt(utc) * NANOS_PER_SECOND + BigInt(nanos);
}

/** OPA refuses instants whose nanoseconds do not fit an int64. */
function safeNanoseconds(ns: bigint | undefined): Value {
  if (ns === undefined || ns < INT64_MIN || ns > INT64_MAX) throw new BuiltinError('time outside of valid range');
  return normalizeNumber(ns);
}

const TIME_OPERAND = 'either number (ns) or [number (ns), string (tz)]';

/**
 * OPA's time operand: nanoseconds, or [nanoseconds, zone] or [nanoseconds, zone, layout]. OPA
 * reports any problem with it as operand 1, also for the second operand of time.diff.
 */
function timeOperand(value: Value): Instant & { layout: string } {
  let nanoseconds: Value;
  let zone = UTC_ZONE;
  let layout = '';
  if (Array.isArray(value)) {
    if (value.length === 0) throw operandError(1, TIME_OPERAND, value);
    nanoseconds = value[0];
    if (typeof nanoseconds !== 'number' && typeof nanoseconds !== 'bigint') throw operandError(1, 'number', nanoseconds);
    if (value.length > 1) {
      const name = value[1];
      if (typeof name !== 'string') throw operandError(1, 'string', name);
      zone = loadZone(name);
    }
    if (value.length > 2) {
      const text = value[2];
      if (typeof text !== 'string') throw operandError(1, 'string', text);
      layout = text;
    }
  } else if (typeof value === 'number' || typeof value === 'bigint') {
    nanoseconds = value;
  } else {
    throw operandError(1, TIME_OPERAND, value);
  }
  return { ns: exactInt64(nanoseconds), zone, layout };
}

function exactInt64(n: number | bigint): bigint {
  if (typeof n === 'number' && !Number.isInteger(n)) throw new BuiltinError('timestamp too big');
  const value = BigInt(n);
  if (value < INT64_MIN || value > INT64_MAX) throw new BuiltinError('timestamp too big');
  return value;
}

// ---------------------------------------------------------------------------------------------
// Go layouts

type StdCode =
  | 'longMonth' | 'month' | 'numMonth' | 'zeroMonth' | 'longWeekDay' | 'weekDay'
  | 'day' | 'underDay' | 'zeroDay' | 'underYearDay' | 'zeroYearDay'
  | 'hour' | 'hour12' | 'zeroHour12' | 'minute' | 'zeroMinute' | 'second' | 'zeroSecond'
  | 'longYear' | 'year' | 'PM' | 'pm' | 'TZ'
  | 'ISO8601TZ' | 'ISO8601SecondsTZ' | 'ISO8601ShortTZ' | 'ISO8601ColonTZ' | 'ISO8601ColonSecondsTZ'
  | 'numTZ' | 'numSecondsTz' | 'numShortTZ' | 'numColonTZ' | 'numColonSecondsTZ'
  | 'fracSecond0' | 'fracSecond9';

interface Std {
  code: StdCode;
  /** Fractional seconds: the number of digits and the separator ('.' or ','). */
  digits: number;
  separator: string;
}

interface Chunk {
  prefix: string;
  std?: Std;
  suffix: string;
}

const ZERO_CODES: StdCode[] = ['zeroMonth', 'zeroDay', 'zeroHour12', 'zeroMinute', 'zeroSecond', 'year'];
const ZONE_CODES: [string, StdCode][] = [
  ['-070000', 'numSecondsTz'], ['-07:00:00', 'numColonSecondsTZ'], ['-0700', 'numTZ'], ['-07:00', 'numColonTZ'], ['-07', 'numShortTZ'],
  ['Z070000', 'ISO8601SecondsTZ'], ['Z07:00:00', 'ISO8601ColonSecondsTZ'], ['Z0700', 'ISO8601TZ'], ['Z07:00', 'ISO8601ColonTZ'], ['Z07', 'ISO8601ShortTZ'],
];

function isDigitAt(text: string, index: number): boolean {
  return index < text.length && text[index] >= '0' && text[index] <= '9';
}

/** Go's nextStdChunk: the text before the first layout element, the element, and the rest. */
function nextChunk(layout: string): Chunk {
  const std = (code: StdCode, digits = 0, separator = ''): Std => ({ code, digits, separator });
  for (let i = 0; i < layout.length; i++) {
    const rest = layout.slice(i);
    const cut = (length: number, code: StdCode, prefixEnd = i): Chunk => ({ prefix: layout.slice(0, prefixEnd), std: std(code), suffix: layout.slice(i + length) });
    switch (layout[i]) {
      case 'J':
        if (rest.startsWith('Jan')) {
          if (rest.startsWith('January')) return cut(7, 'longMonth');
          if (!/^[a-z]/.test(rest.slice(3))) return cut(3, 'month');
        }
        break;
      case 'M':
        if (rest.startsWith('Mon')) {
          if (rest.startsWith('Monday')) return cut(6, 'longWeekDay');
          if (!/^[a-z]/.test(rest.slice(3))) return cut(3, 'weekDay');
        }
        if (rest.startsWith('MST')) return cut(3, 'TZ');
        break;
      case '0':
        if (rest.length >= 2 && rest[1] >= '1' && rest[1] <= '6') return cut(2, ZERO_CODES[Number(rest[1]) - 1]);
        if (rest.startsWith('002')) return cut(3, 'zeroYearDay');
        break;
      case '1':
        if (rest.startsWith('15')) return cut(2, 'hour');
        return cut(1, 'numMonth');
      case '2':
        if (rest.startsWith('2006')) return cut(4, 'longYear');
        return cut(1, 'day');
      case '_':
        if (rest.startsWith('_2')) {
          // "_2006" is a literal underscore followed by the year.
          if (rest.startsWith('_2006')) return cut(5, 'longYear', i + 1);
          return cut(2, 'underDay');
        }
        if (rest.startsWith('__2')) return cut(3, 'underYearDay');
        break;
      case '3':
        return cut(1, 'hour12');
      case '4':
        return cut(1, 'minute');
      case '5':
        return cut(1, 'second');
      case 'P':
        if (rest.startsWith('PM')) return cut(2, 'PM');
        break;
      case 'p':
        if (rest.startsWith('pm')) return cut(2, 'pm');
        break;
      case '-':
      case 'Z':
        for (const [text, code] of ZONE_CODES) if (rest.startsWith(text)) return cut(text.length, code);
        break;
      case '.':
      case ',':
        if (rest[1] === '0' || rest[1] === '9') {
          let j = i + 1;
          while (j < layout.length && layout[j] === rest[1]) j++;
          // Only a run of one repeated digit not followed by another digit is a fraction.
          if (!isDigitAt(layout, j)) {
            return { prefix: layout.slice(0, i), std: std(rest[1] === '0' ? 'fracSecond0' : 'fracSecond9', j - (i + 1), layout[i]), suffix: layout.slice(j) };
          }
        }
        break;
      default:
        break;
    }
  }
  return { prefix: layout, suffix: '' };
}

function pad(value: number, width: number): string {
  const text = String(Math.abs(value)).padStart(width, '0');
  return value < 0 ? `-${text}` : text;
}

const ISO_ZONE_CODES = new Set<StdCode>(['ISO8601TZ', 'ISO8601ColonTZ', 'ISO8601SecondsTZ', 'ISO8601ShortTZ', 'ISO8601ColonSecondsTZ']);

function formatZone(code: StdCode, offset: number): string {
  if (offset === 0 && ISO_ZONE_CODES.has(code)) return 'Z';
  let minutes = Math.trunc(offset / 60);
  let absolute = offset;
  let text = '+';
  if (minutes < 0) {
    text = '-';
    minutes = -minutes;
    absolute = -absolute;
  }
  text += pad(Math.trunc(minutes / 60), 2);
  const colon = code === 'ISO8601ColonTZ' || code === 'numColonTZ' || code === 'ISO8601ColonSecondsTZ' || code === 'numColonSecondsTZ';
  if (colon) text += ':';
  if (code !== 'numShortTZ' && code !== 'ISO8601ShortTZ') text += pad(minutes % 60, 2);
  if (code === 'ISO8601SecondsTZ' || code === 'numSecondsTz' || code === 'numColonSecondsTZ' || code === 'ISO8601ColonSecondsTZ') {
    if (code === 'numColonSecondsTZ' || code === 'ISO8601ColonSecondsTZ') text += ':';
    text += pad(absolute % 60, 2);
  }
  return text;
}

function formatFraction(nanosecond: number, std: Std): string {
  const trim = std.code === 'fracSecond9';
  if (trim && (std.digits === 0 || nanosecond === 0)) return '';
  let digits = pad(nanosecond, 9);
  if (std.digits < 9) digits = digits.slice(0, std.digits);
  if (trim) digits = digits.replace(/0+$/, '');
  return digits === '' ? '' : std.separator + digits;
}

/** Go's Time.Format. */
function formatTime(instant: Instant, layout: string): string {
  const fields = fieldsOf(instant);
  let output = '';
  let rest = layout;
  for (;;) {
    const { prefix, std, suffix } = nextChunk(rest);
    output += prefix;
    if (!std) break;
    rest = suffix;
    const hour12 = fields.hour % 12 === 0 ? 12 : fields.hour % 12;
    switch (std.code) {
      case 'year': output += pad(Math.abs(fields.year) % 100, 2); break;
      case 'longYear': output += pad(fields.year, 4); break;
      case 'month': output += MONTH_NAMES[fields.month - 1].slice(0, 3); break;
      case 'longMonth': output += MONTH_NAMES[fields.month - 1]; break;
      case 'numMonth': output += String(fields.month); break;
      case 'zeroMonth': output += pad(fields.month, 2); break;
      case 'weekDay': output += DAY_NAMES[fields.weekday].slice(0, 3); break;
      case 'longWeekDay': output += DAY_NAMES[fields.weekday]; break;
      case 'day': output += String(fields.day); break;
      case 'underDay': output += (fields.day < 10 ? ' ' : '') + String(fields.day); break;
      case 'zeroDay': output += pad(fields.day, 2); break;
      case 'underYearDay': output += (fields.yearDay < 10 ? '  ' : fields.yearDay < 100 ? ' ' : '') + String(fields.yearDay); break;
      case 'zeroYearDay': output += pad(fields.yearDay, 3); break;
      case 'hour': output += pad(fields.hour, 2); break;
      case 'hour12': output += String(hour12); break;
      case 'zeroHour12': output += pad(hour12, 2); break;
      case 'minute': output += String(fields.minute); break;
      case 'zeroMinute': output += pad(fields.minute, 2); break;
      case 'second': output += String(fields.second); break;
      case 'zeroSecond': output += pad(fields.second, 2); break;
      case 'PM': output += fields.hour >= 12 ? 'PM' : 'AM'; break;
      case 'pm': output += fields.hour >= 12 ? 'pm' : 'am'; break;
      case 'TZ': output += instant.zone.abbreviationAt(fields.unixSeconds); break;
      case 'fracSecond0':
      case 'fracSecond9': output += formatFraction(fields.nanosecond, std); break;
      default: output += formatZone(std.code, fields.offset); break;
    }
  }
  return output;
}

/** Go's quoting in time error messages: bytes outside printable ASCII as \x escapes. */
function timeQuote(text: string): string {
  let quoted = '"';
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    if (code >= 0x80 || code < 0x20) {
      for (const byte of new TextEncoder().encode(character)) quoted += `\\x${byte.toString(16).padStart(2, '0')}`;
    } else {
      if (character === '"' || character === '\\') quoted += '\\';
      quoted += character;
    }
  }
  return `${quoted}"`;
}

class ParseFailure extends BuiltinError {}

function parseError(layout: string, value: string, layoutElement: string, valueElement: string, message = ''): ParseFailure {
  if (message !== '') return new ParseFailure(`parsing time ${timeQuote(value)}${message}`);
  return new ParseFailure(`parsing time ${timeQuote(value)} as ${timeQuote(layout)}: cannot parse ${timeQuote(valueElement)} as ${timeQuote(layoutElement)}`);
}

/** Go's skip: the literal prefix must be present, a run of spaces matching any run of spaces. */
function skipPrefix(value: string, prefix: string): string | undefined {
  let text = value;
  let expected = prefix;
  while (expected.length > 0) {
    if (expected[0] === ' ') {
      if (text.length > 0 && text[0] !== ' ') return undefined;
      expected = expected.replace(/^ +/, '');
      text = text.replace(/^ +/, '');
      continue;
    }
    if (text.length === 0 || text[0] !== expected[0]) return undefined;
    expected = expected.slice(1);
    text = text.slice(1);
  }
  return text;
}

/** Go's getnum: one or two digits (exactly two when fixed). */
function getNumber(text: string, fixed: boolean): [number, string] | undefined {
  if (!isDigitAt(text, 0)) return undefined;
  if (!isDigitAt(text, 1)) return fixed ? undefined : [Number(text[0]), text.slice(1)];
  return [Number(text.slice(0, 2)), text.slice(2)];
}

/** Go's getnum3: one to three digits (exactly three when fixed). */
function getNumber3(text: string, fixed: boolean): [number, string] | undefined {
  let length = 0;
  while (length < 3 && isDigitAt(text, length)) length++;
  if (length === 0 || (fixed && length !== 3)) return undefined;
  return [Number(text.slice(0, length)), text.slice(length)];
}

/** Go's atoi: an optional sign and decimal digits, nothing else (the empty string is 0). */
function atoi(text: string): number | undefined {
  const match = /^([+-]?)([0-9]*)$/.exec(text);
  if (!match) return undefined;
  const value = match[2] === '' ? 0 : Number(match[2]);
  return match[1] === '-' ? -value : value;
}

/** Go's parseNanoseconds: the separator and up to nine digits, scaled to nanoseconds. */
function parseNanoseconds(value: string, length: number): { nanoseconds: number; rangeError: string } | undefined {
  if (value[0] !== '.' && value[0] !== ',') return undefined;
  const used = Math.min(length, 10);
  const digits = atoi(value.slice(1, used));
  if (digits === undefined) return undefined;
  if (digits < 0) return { nanoseconds: 0, rangeError: 'fractional second' };
  return { nanoseconds: digits * 10 ** (10 - used), rangeError: '' };
}

function lookupName(names: string[], text: string): [number, string] | undefined {
  for (let index = 0; index < names.length; index++) {
    const name = names[index];
    if (text.length >= name.length && text.slice(0, name.length).toLowerCase() === name.toLowerCase()) return [index, text.slice(name.length)];
  }
  return undefined;
}

/** Go's parseTimeZone: the length of a zone abbreviation at the start of the text, or 0. */
function zoneNameLength(value: string): number {
  if (value.length < 3) return 0;
  if (value.startsWith('ChST') || value.startsWith('MeST')) return 4;
  if (value.startsWith('GMT')) return value.length === 3 ? 3 : 3 + signedOffsetLength(value.slice(3));
  if (value[0] === '+' || value[0] === '-') return signedOffsetLength(value);
  let upper = 0;
  while (upper < 6 && upper < value.length && value[upper] >= 'A' && value[upper] <= 'Z') upper++;
  if (upper === 5 && value[4] === 'T') return 5;
  if (upper === 4 && (value[3] === 'T' || value.startsWith('WITA'))) return 4;
  if (upper === 3) return 3;
  return 0;
}

function signedOffsetLength(value: string): number {
  if (value[0] !== '+' && value[0] !== '-') return 0;
  const digits = /^[0-9]*/.exec(value.slice(1))?.[0] ?? '';
  if (digits === '' || Number(digits) > 12 * 60 * 60) return 0;
  return 1 + digits.length;
}

/**
 * Go's time.Parse, returning nanoseconds since the epoch (not yet checked against the int64
 * range). A zone abbreviation other than UTC counts as offset zero, which is what Go does for
 * abbreviations its local zone does not know (OPA usually runs in UTC).
 */
function parseTime(layout: string, value: string): bigint | undefined {
  let rest = layout;
  let text = value;
  let year = 0;
  let month = -1;
  let day = -1;
  let yearDay = -1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let nanosecond = 0;
  let zoneOffset: number | undefined;
  // "UTC" or an ISO "Z" wins over any numeric offset, as in Go.
  let utc = false;
  let amSet = false;
  let pmSet = false;
  for (;;) {
    const { prefix, std, suffix } = nextChunk(rest);
    const element = rest.slice(prefix.length, rest.length - suffix.length);
    const skipped = skipPrefix(text, prefix);
    if (skipped === undefined) throw parseError(layout, value, prefix, text);
    text = skipped;
    if (!std) {
      if (text.length !== 0) throw parseError(layout, value, '', text, `: extra text: ${timeQuote(text)}`);
      break;
    }
    rest = suffix;
    const hold = text;
    let failed = false;
    let rangeError = '';
    /** Reads a separator and digits (`length` characters in all) as the fraction of a second. */
    const readFraction = (length: number): void => {
      const parsed = parseNanoseconds(text, length);
      if (!parsed) failed = true;
      else ({ nanoseconds: nanosecond, rangeError } = parsed);
      text = text.slice(length);
    };
    const take = (result: [number, string] | undefined): number => {
      if (!result) {
        failed = true;
        return 0;
      }
      text = result[1];
      return result[0];
    };
    switch (std.code) {
      case 'year': {
        if (text.length < 2) { failed = true; break; }
        const parsed = atoi(text.slice(0, 2));
        text = text.slice(2);
        if (parsed === undefined) { failed = true; break; }
        year = parsed >= 69 ? parsed + 1900 : parsed + 2000;
        break;
      }
      case 'longYear': {
        if (text.length < 4 || !isDigitAt(text, 0)) { failed = true; break; }
        const parsed = atoi(text.slice(0, 4));
        text = text.slice(4);
        if (parsed === undefined) failed = true;
        else year = parsed;
        break;
      }
      case 'month':
        month = take(lookupName(MONTH_NAMES.map((name) => name.slice(0, 3)), text)) + 1;
        break;
      case 'longMonth':
        month = take(lookupName(MONTH_NAMES, text)) + 1;
        break;
      case 'numMonth':
      case 'zeroMonth':
        month = take(getNumber(text, std.code === 'zeroMonth'));
        if (!failed && (month <= 0 || month > 12)) rangeError = 'month';
        break;
      case 'weekDay':
        take(lookupName(DAY_NAMES.map((name) => name.slice(0, 3)), text));
        break;
      case 'longWeekDay':
        take(lookupName(DAY_NAMES, text));
        break;
      case 'day':
      case 'underDay':
      case 'zeroDay':
        if (std.code === 'underDay' && text[0] === ' ') text = text.slice(1);
        day = take(getNumber(text, std.code === 'zeroDay'));
        break;
      case 'underYearDay':
      case 'zeroYearDay':
        for (let index = 0; index < 2; index++) if (std.code === 'underYearDay' && text[0] === ' ') text = text.slice(1);
        yearDay = take(getNumber3(text, std.code === 'zeroYearDay'));
        break;
      case 'hour':
        hour = take(getNumber(text, false));
        if (hour < 0 || hour >= 24) rangeError = 'hour';
        break;
      case 'hour12':
      case 'zeroHour12':
        hour = take(getNumber(text, std.code === 'zeroHour12'));
        if (hour < 0 || hour > 12) rangeError = 'hour';
        break;
      case 'minute':
      case 'zeroMinute':
        minute = take(getNumber(text, std.code === 'zeroMinute'));
        if (minute < 0 || minute >= 60) rangeError = 'minute';
        break;
      case 'second':
      case 'zeroSecond': {
        second = take(getNumber(text, std.code === 'zeroSecond'));
        if (failed) break;
        if (second < 0 || second >= 60) {
          rangeError = 'second';
          break;
        }
        // A fraction in the value with none in the layout is read here.
        if (text.length >= 2 && (text[0] === '.' || text[0] === ',') && isDigitAt(text, 1)) {
          const next = nextChunk(rest).std?.code;
          if (next === 'fracSecond0' || next === 'fracSecond9') break;
          let length = 2;
          while (isDigitAt(text, length)) length++;
          readFraction(length);
        }
        break;
      }
      case 'PM':
      case 'pm': {
        if (text.length < 2) { failed = true; break; }
        const marker = text.slice(0, 2);
        text = text.slice(2);
        const [pm, am] = std.code === 'PM' ? ['PM', 'AM'] : ['pm', 'am'];
        if (marker === pm) pmSet = true;
        else if (marker === am) amSet = true;
        else failed = true;
        break;
      }
      case 'TZ': {
        if (text.startsWith('UTC')) {
          utc = true;
          text = text.slice(3);
          break;
        }
        const length = zoneNameLength(text);
        if (length === 0) { failed = true; break; }
        text = text.slice(length);
        break;
      }
      case 'fracSecond0': {
        const length = 1 + std.digits;
        if (text.length < length) { failed = true; break; }
        readFraction(length);
        break;
      }
      case 'fracSecond9': {
        if (text.length < 2 || (text[0] !== '.' && text[0] !== ',') || !isDigitAt(text, 1)) break;
        let length = 1;
        while (isDigitAt(text, length)) length++;
        readFraction(length);
        break;
      }
      default: {
        if (ISO_ZONE_CODES.has(std.code) && text[0] === 'Z') {
          utc = true;
          text = text.slice(1);
          break;
        }
        const offset = parseNumericZone(std.code, text);
        if (!offset) { failed = true; break; }
        text = offset.rest;
        rangeError = offset.rangeError;
        if (offset.offset === undefined) failed = true;
        else zoneOffset = offset.offset;
        break;
      }
    }
    if (rangeError !== '') throw parseError(layout, value, element, text, `: ${rangeError} out of range`);
    if (failed) throw parseError(layout, value, element, hold);
  }
  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;

  if (yearDay >= 0) {
    let dayOfYear = yearDay;
    let fromYearDay = 0;
    let dayFromYearDay = 0;
    if (isLeapYear(year)) {
      if (dayOfYear === 31 + 29) {
        fromYearDay = 2;
        dayFromYearDay = 29;
      } else if (dayOfYear > 31 + 29) {
        dayOfYear--;
      }
    }
    if (dayOfYear < 1 || dayOfYear > 365) throw parseError(layout, value, '', text, ': day-of-year out of range');
    if (fromYearDay === 0) {
      const daysBefore = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
      fromYearDay = floorDivide(dayOfYear - 1, 31) + 1;
      if (daysBefore[fromYearDay] < dayOfYear) fromYearDay++;
      dayFromYearDay = dayOfYear - daysBefore[fromYearDay - 1];
    }
    if (month >= 0 && month !== fromYearDay) throw parseError(layout, value, '', text, ': day-of-year does not match month');
    month = fromYearDay;
    if (day >= 0 && day !== dayFromYearDay) throw parseError(layout, value, '', text, ': day-of-year does not match day');
    day = dayFromYearDay;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysInMonth(month, year)) throw parseError(layout, value, '', text, ': day out of range');
  const wallClock = dateOf(year, month, day, hour, minute, second, nanosecond, UTC_ZONE);
  const offset = utc ? 0 : zoneOffset ?? 0;
  return wallClock === undefined ? undefined : wallClock - BigInt(offset) * NANOS_PER_SECOND;
}

/** A numeric zone offset in the given style; offset is undefined when the sign or digits are bad. */
function parseNumericZone(code: StdCode, text: string): { offset?: number; rest: string; rangeError: string } | undefined {
  let sign: string;
  let hours: string;
  let minutes = '00';
  let seconds = '00';
  let rest: string;
  if (code === 'ISO8601ColonTZ' || code === 'numColonTZ') {
    if (text.length < 6 || text[3] !== ':') return undefined;
    [sign, hours, minutes, rest] = [text[0], text.slice(1, 3), text.slice(4, 6), text.slice(6)];
  } else if (code === 'numShortTZ' || code === 'ISO8601ShortTZ') {
    if (text.length < 3) return undefined;
    [sign, hours, rest] = [text[0], text.slice(1, 3), text.slice(3)];
  } else if (code === 'ISO8601ColonSecondsTZ' || code === 'numColonSecondsTZ') {
    if (text.length < 9 || text[3] !== ':' || text[6] !== ':') return undefined;
    [sign, hours, minutes, seconds, rest] = [text[0], text.slice(1, 3), text.slice(4, 6), text.slice(7, 9), text.slice(9)];
  } else if (code === 'ISO8601SecondsTZ' || code === 'numSecondsTz') {
    if (text.length < 7) return undefined;
    [sign, hours, minutes, seconds, rest] = [text[0], text.slice(1, 3), text.slice(3, 5), text.slice(5, 7), text.slice(7)];
  } else {
    if (text.length < 5) return undefined;
    [sign, hours, minutes, rest] = [text[0], text.slice(1, 3), text.slice(3, 5), text.slice(5)];
  }
  const h = getNumber(hours, true);
  const m = h && getNumber(minutes, true);
  const s = m && getNumber(seconds, true);
  let rangeError = '';
  if (h && h[0] > 24) rangeError = 'time zone offset hour';
  if (m && m[0] > 60) rangeError = 'time zone offset minute';
  if (s && s[0] > 60) rangeError = 'time zone offset second';
  if (!h || !m || !s || (sign !== '+' && sign !== '-')) return { rest, rangeError };
  const offset = (h[0] * 60 + m[0]) * 60 + s[0];
  return { offset: sign === '-' ? -offset : offset, rest, rangeError };
}

// ---------------------------------------------------------------------------------------------
// Durations

const DURATION_UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  'µs': 1000n,
  'μs': 1000n,
  ms: 1_000_000n,
  s: NANOS_PER_SECOND,
  m: 60n * NANOS_PER_SECOND,
  h: 3600n * NANOS_PER_SECOND,
};

/** Go's time.ParseDuration: signed sequences like "1h30m", "1.5s" or "-300ms", in nanoseconds. */
function parseDuration(original: string): bigint {
  const invalid = () => new BuiltinError(`time: invalid duration ${timeQuote(original)}`);
  let text = original;
  let negative = false;
  if (text[0] === '-' || text[0] === '+') {
    negative = text[0] === '-';
    text = text.slice(1);
  }
  if (text === '0') return 0n;
  if (text === '') throw invalid();
  const limit = 1n << 63n;
  let total = 0n;
  while (text !== '') {
    if (!(text[0] === '.' || isDigitAt(text, 0))) throw invalid();
    const whole = /^[0-9]*/.exec(text)?.[0] ?? '';
    let value = whole === '' ? 0n : BigInt(whole);
    if (value > limit) throw invalid();
    text = text.slice(whole.length);
    let fraction = 0n;
    let scale = 1;
    let fractionDigits = '';
    if (text[0] === '.') {
      fractionDigits = /^[0-9]*/.exec(text.slice(1))?.[0] ?? '';
      text = text.slice(1 + fractionDigits.length);
      // Go stops gathering precision once the fraction would overflow an int64.
      for (const digit of fractionDigits) {
        const next = fraction * 10n + BigInt(digit);
        if (next > limit - 1n) break;
        fraction = next;
        scale *= 10;
      }
    }
    if (whole === '' && fractionDigits === '') throw invalid();
    const unitText = /^[^0-9.]*/.exec(text)?.[0] ?? '';
    if (unitText === '') throw new BuiltinError(`time: missing unit in duration ${timeQuote(original)}`);
    text = text.slice(unitText.length);
    const unit = DURATION_UNITS[unitText];
    if (unit === undefined) throw new BuiltinError(`time: unknown unit ${timeQuote(unitText)} in duration ${timeQuote(original)}`);
    if (value > limit / unit) throw invalid();
    value *= unit;
    if (fraction > 0n) {
      // Go computes the fractional part in float64, then truncates.
      value += BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)));
      if (value > limit) throw invalid();
    }
    total += value;
    if (total > limit) throw invalid();
  }
  if (negative) return -total;
  if (total > limit - 1n) throw invalid();
  return total;
}

// ---------------------------------------------------------------------------------------------
// time.diff (the algorithm OPA borrows from github.com/icza/gox)

function timeDifference(first: Instant, second: Instant): number[] {
  // Both are read in the first operand's zone, earlier one first.
  let [earlier, later] = [first.ns, second.ns];
  if (earlier > later) [earlier, later] = [later, earlier];
  const a = fieldsOf({ ns: earlier, zone: first.zone });
  const b = fieldsOf({ ns: later, zone: first.zone });
  let years = b.year - a.year;
  let months = b.month - a.month;
  let days = b.day - a.day;
  let hours = b.hour - a.hour;
  let minutes = b.minute - a.minute;
  let seconds = b.second - a.second;
  if (seconds < 0) {
    seconds += 60;
    minutes--;
  }
  if (minutes < 0) {
    minutes += 60;
    hours--;
  }
  if (hours < 0) {
    hours += 24;
    days--;
  }
  if (days < 0) {
    days += daysInMonth(a.month, a.year);
    months--;
  }
  if (months < 0) {
    months += 12;
    years--;
  }
  return [years, months, days, hours, minutes, seconds];
}

// ---------------------------------------------------------------------------------------------
// Declarations

const TIME_TYPE = T.anyOf(T.number, T.tuple(T.number, T.string));
const TIME_DESCRIPTION = 'Nanoseconds since the Unix epoch, or `[ns, tz]` to read them in the IANA time zone `tz` (such as "Europe/Paris"; "" or "UTC" for UTC, "Local" for the host\'s zone).';

/** time.date, time.clock and time.weekday: one field or another of a time read in a zone. */
function calendarBuiltin(name: string, result: Parameter, description: string, read: (fields: Fields) => Value): Builtin {
  return {
    name,
    params: [{ name: 'x', type: TIME_TYPE, description: TIME_DESCRIPTION }],
    result,
    description,
    categories: [],
    impl: (args) => read(fieldsOf(timeOperand(args[0]))),
  };
}

export const builtins: Builtin[] = [
  {
    name: 'time.now_ns',
    params: [],
    result: { name: 'now', type: T.number, description: 'Nanoseconds since the Unix epoch.' },
    description: 'Returns the current time; every call within one query returns the same value.',
    categories: [],
    nondeterministic: true,
    impl: (_args, context) => normalizeNumber(context.nowNs()),
  },
  {
    name: 'time.parse_ns',
    params: [
      {
        name: 'layout',
        type: T.string,
        description: 'A Go layout written with the reference time "Mon Jan 2 15:04:05 MST 2006", or a layout name such as "RFC3339" or "RFC1123".',
      },
      { name: 'value', type: T.string, description: 'The text to parse.' },
    ],
    result: { name: 'ns', type: T.number, description: 'Nanoseconds since the Unix epoch.' },
    description: "Parses a time with a Go layout; a time without an offset is taken as UTC.",
    categories: [],
    impl: (args) => {
      const layout = expectString(args, 0);
      const text = expectString(args, 1);
      return safeNanoseconds(parseTime(NAMED_LAYOUTS[layout] ?? layout, text));
    },
  },
  {
    name: 'time.parse_rfc3339_ns',
    params: [{ name: 'value', type: T.string, description: 'An RFC 3339 timestamp such as "2017-06-02T19:00:00-07:00".' }],
    result: { name: 'ns', type: T.number, description: 'Nanoseconds since the Unix epoch.' },
    description: 'Parses an RFC 3339 timestamp.',
    categories: [],
    impl: (args) => safeNanoseconds(parseTime(NAMED_LAYOUTS.RFC3339, expectString(args, 0))),
  },
  {
    name: 'time.parse_duration_ns',
    params: [{ name: 'duration', type: T.string, description: 'A Go duration such as "300ms", "-1.5h" or "2h45m" (units ns, us, µs, ms, s, m, h).' }],
    result: { name: 'ns', type: T.number, description: 'The duration in nanoseconds.' },
    description: 'Parses a duration into nanoseconds.',
    categories: [],
    impl: (args) => normalizeNumber(parseDuration(expectString(args, 0))),
  },
  calendarBuiltin(
    'time.date',
    { name: 'date', type: T.tuple(T.number, T.number, T.number), description: '`[year, month, day]`, the month from 1 to 12.' },
    'Returns the calendar date of a time.',
    (fields) => [fields.year, fields.month, fields.day],
  ),
  calendarBuiltin(
    'time.clock',
    { name: 'output', type: T.tuple(T.number, T.number, T.number), description: '`[hour, minute, second]`, the hour from 0 to 23.' },
    'Returns the time of day of a time.',
    (fields) => [fields.hour, fields.minute, fields.second],
  ),
  calendarBuiltin(
    'time.weekday',
    { name: 'day', type: T.string, description: 'The English name of the day, such as "Monday".' },
    'Returns the day of the week of a time.',
    (fields) => DAY_NAMES[fields.weekday],
  ),
  {
    name: 'time.add_date',
    params: [
      { name: 'ns', type: T.number, description: 'Nanoseconds since the Unix epoch.' },
      { name: 'years', type: T.number, description: 'Years to add (may be negative).' },
      { name: 'months', type: T.number, description: 'Months to add (may be negative).' },
      { name: 'days', type: T.number, description: 'Days to add (may be negative).' },
    ],
    result: { name: 'output', type: T.number, description: 'The shifted time in nanoseconds since the Unix epoch.' },
    description: 'Adds years, months and days to a time; overflowing dates carry over, so October 31 plus one month is December 1.',
    categories: [],
    impl: (args) => {
      const instant = timeOperand(args[0]);
      const years = expectInteger(args, 1);
      const months = expectInteger(args, 2);
      const days = expectInteger(args, 3);
      const fields = fieldsOf(instant);
      const shifted = dateOf(fields.year + years, fields.month + months, fields.day + days, fields.hour, fields.minute, fields.second, fields.nanosecond, instant.zone);
      return safeNanoseconds(shifted);
    },
  },
  {
    name: 'time.diff',
    params: [
      { name: 'ns1', type: TIME_TYPE, description: TIME_DESCRIPTION },
      { name: 'ns2', type: TIME_TYPE, description: 'The other time, in the same forms; it is read in the time zone of `ns1`.' },
    ],
    result: {
      name: 'output',
      type: T.tuple(T.number, T.number, T.number, T.number, T.number, T.number),
      description: '`[years, months, days, hours, minutes, seconds]` between the two times, all zero or positive.',
    },
    description: 'Returns the calendar difference between two times, whichever comes first.',
    categories: [],
    impl: (args) => timeDifference(timeOperand(args[0]), timeOperand(args[1])),
  },
  {
    name: 'time.format',
    params: [
      {
        name: 'x',
        type: T.anyOf(T.number, T.tuple(T.number, T.string), T.tuple(T.number, T.string, T.string)),
        description: 'Nanoseconds since the Unix epoch, `[ns, tz]`, or `[ns, tz, layout]` with a Go layout or a layout name such as "RFC1123Z".',
      },
    ],
    result: { name: 'formatted timestamp', type: T.string, description: 'The formatted time; RFC 3339 with nanoseconds unless a layout is given.' },
    description: 'Formats a time in a time zone with a Go layout.',
    categories: [],
    impl: (args) => {
      const instant = timeOperand(args[0]);
      const layout = instant.layout === '' ? NAMED_LAYOUTS.RFC3339Nano : NAMED_LAYOUTS[instant.layout] ?? instant.layout;
      return formatTime(instant, layout);
    },
  },
];
