/**
 * Hashes, HMACs and X.509 parsing: `crypto.md5`, `crypto.hmac.*`, `crypto.x509.*` and
 * `crypto.parse_private_keys`. OPA returns Go's `x509.Certificate`, `x509.CertificateRequest`,
 * `tls.Certificate` and private-key structs marshalled to JSON, so this file reads DER itself and
 * builds values with the same field names and encodings (bytes as base64, big integers as numbers).
 * It also holds the byte-level helpers the token and request-signing families share: Go's base64
 * and PEM decoders (with Go's error messages) and public and private key loading.
 */
import * as nodeCrypto from 'node:crypto';
import { isIP } from 'node:net';
import {
  BuiltinError,
  expectObject,
  expectString,
  operandError,
  T,
  type Builtin,
  type BuiltinContext,
} from './declaration.js';
import { normalizeNumber, ObjectValue, SetValue, type Value } from '../value/value.js';

// ---------------------------------------------------------------------------------------------
// Bytes

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

export function utf8Bytes(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** Go converts bytes to a string without checks; invalid UTF-8 shows up here as U+FFFD. */
export function bytesToText(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

export function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function standardBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Unpadded base64url, as JOSE uses. */
export function base64UrlNoPad(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function startsWithText(bytes: Uint8Array, prefix: string): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix.charCodeAt(i)) return false;
  return true;
}

function bigintOf(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${hexOf(bytes)}`);
}

function bigintFromBase64Url(text: string): bigint {
  return bigintOf(Buffer.from(text, 'base64url'));
}

function numberValue(n: bigint): Value {
  return normalizeNumber(n);
}

// ---------------------------------------------------------------------------------------------
// Base64 as Go's encoding/base64 decodes it

const STANDARD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function decodeMap(alphabet: string): Int16Array {
  const map = new Int16Array(256).fill(-1);
  for (let i = 0; i < alphabet.length; i++) map[alphabet.charCodeAt(i)] = i;
  return map;
}

const STANDARD_MAP = decodeMap(STANDARD_ALPHABET);
const URL_MAP = decodeMap(URL_ALPHABET);

export interface Base64Options {
  /** The URL-safe alphabet (`-_`) instead of the standard one (`+/`). */
  url?: boolean;
  /** Unpadded input, as Go's `RawStdEncoding`/`RawURLEncoding` expect. */
  raw?: boolean;
}

/**
 * Decodes base64 exactly as Go's non-strict decoder does: carriage returns and line feeds are
 * skipped, padding rules are Go's, and errors read "illegal base64 data at input byte N" with N
 * counted in UTF-8 bytes of the input.
 */
export function decodeGoBase64(input: string | Uint8Array, options: Base64Options = {}): Uint8Array {
  const source = typeof input === 'string' ? utf8Bytes(input) : input;
  const map = options.url ? URL_MAP : STANDARD_MAP;
  const padded = !options.raw;
  const out = new Uint8Array(Math.floor((source.length * 3) / 4) + 3);
  let written = 0;
  let position = 0;
  const corrupt = (offset: number): BuiltinError => new BuiltinError(`illegal base64 data at input byte ${offset}`);

  while (position < source.length) {
    const quantum = [0, 0, 0, 0];
    let length = 4;
    let finished = false;
    for (let j = 0; j < 4; j++) {
      if (position === source.length) {
        if (j === 0) return out.slice(0, written);
        if (j === 1 || padded) throw corrupt(position - j);
        length = j;
        finished = true;
        break;
      }
      const byte = source[position++];
      const sextet = map[byte];
      if (sextet >= 0) {
        quantum[j] = sextet;
        continue;
      }
      if (byte === 0x0a || byte === 0x0d) {
        j--;
        continue;
      }
      if (!padded || byte !== 0x3d) throw corrupt(position - 1);
      // Padding: only after two or three symbols, and "==" must be complete.
      if (j === 0 || j === 1) throw corrupt(position - 1);
      if (j === 2) {
        while (position < source.length && (source[position] === 0x0a || source[position] === 0x0d)) position++;
        if (position === source.length) throw corrupt(source.length);
        if (source[position] !== 0x3d) throw corrupt(position - 1);
        position++;
      }
      while (position < source.length && (source[position] === 0x0a || source[position] === 0x0d)) position++;
      if (position < source.length) throw corrupt(position);
      length = j;
      finished = true;
      break;
    }
    const bits = (quantum[0] << 18) | (quantum[1] << 12) | (quantum[2] << 6) | quantum[3];
    const bytes = [(bits >> 16) & 0xff, (bits >> 8) & 0xff, bits & 0xff];
    for (let k = 0; k < length - 1; k++) out[written++] = bytes[k];
    if (finished) break;
  }
  return out.slice(0, written);
}

/**
 * OPA's `base64url.decode`: adds missing padding the way RFC 7515 appendix C describes, then
 * decodes with Go's padded URL alphabet.
 */
export function decodeBase64UrlLikeOpa(text: string): Uint8Array {
  let padded = text;
  if (!text.endsWith('=')) {
    switch (utf8Bytes(text).length % 4) {
      case 0:
        break;
      case 2:
        padded += '==';
        break;
      case 3:
        padded += '=';
        break;
      default:
        throw new BuiltinError(`illegal base64url string: ${text}`);
    }
  }
  return decodeGoBase64(padded, { url: true });
}

// ---------------------------------------------------------------------------------------------
// PEM as Go's encoding/pem decodes it

export interface PemBlock {
  type: string;
  headers: Map<string, string>;
  bytes: Uint8Array;
}

const PEM_START = '\n-----BEGIN ';
const PEM_END = '\n-----END ';
const PEM_END_OF_LINE = '-----';

/** One line without its line ending and trailing blanks, and what follows it (Go's getLine). */
function pemLine(text: string): [string, string] {
  const newline = text.indexOf('\n');
  let line = newline < 0 ? text : text.slice(0, newline);
  const rest = newline < 0 ? '' : text.slice(newline + 1);
  if (newline >= 0 && line.endsWith('\r')) line = line.slice(0, -1);
  return [line.replace(/[ \t]+$/, ''), rest];
}

/**
 * Finds the first PEM block as Go's `pem.Decode` does, skipping text before it and blocks that do
 * not parse. Works on a binary string (one char per byte) so the returned rest keeps its bytes.
 */
export function decodePem(input: string | Uint8Array): { block: PemBlock | undefined; rest: Uint8Array } {
  const data = typeof input === 'string' ? utf8Bytes(input) : input;
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
  let rest = text;
  for (;;) {
    if (rest.startsWith(PEM_START.slice(1))) {
      rest = rest.slice(PEM_START.length - 1);
    } else {
      const at = rest.indexOf(PEM_START);
      if (at < 0) return { block: undefined, rest: data };
      rest = rest.slice(at + PEM_START.length);
    }
    let typeLine: string;
    [typeLine, rest] = pemLine(rest);
    if (!typeLine.endsWith(PEM_END_OF_LINE)) continue;
    typeLine = typeLine.slice(0, -PEM_END_OF_LINE.length);

    const headers = new Map<string, string>();
    let truncated = false;
    for (;;) {
      if (rest.length === 0) {
        truncated = true;
        break;
      }
      const [line, next] = pemLine(rest);
      const colon = line.indexOf(':');
      if (colon < 0) break;
      headers.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
      rest = next;
    }
    if (truncated) return { block: undefined, rest: data };

    let endIndex: number;
    let endTrailerIndex: number;
    if (headers.size === 0 && rest.startsWith(PEM_END.slice(1))) {
      endIndex = 0;
      endTrailerIndex = PEM_END.length - 1;
    } else {
      endIndex = rest.indexOf(PEM_END);
      endTrailerIndex = endIndex + PEM_END.length;
    }
    if (endIndex < 0) continue;

    const trailer = rest.slice(endTrailerIndex);
    const trailerLength = typeLine.length + PEM_END_OF_LINE.length;
    if (trailer.length < trailerLength) continue;
    const endLineRest = trailer.slice(trailerLength);
    const expectedTrailer = trailer.slice(0, trailerLength);
    if (!expectedTrailer.startsWith(typeLine) || !expectedTrailer.endsWith(PEM_END_OF_LINE)) continue;
    if (pemLine(endLineRest)[0].length !== 0) continue;

    const base64Text = rest.slice(0, endIndex).replace(/[ \t]/g, '');
    let bytes: Uint8Array;
    try {
      bytes = decodeGoBase64(Buffer.from(base64Text, 'latin1'));
    } catch {
      continue;
    }
    const [, after] = pemLine(rest.slice(endIndex + PEM_END.length - 1));
    return {
      block: { type: Buffer.from(typeLine, 'latin1').toString('utf8'), headers, bytes },
      rest: Buffer.from(after, 'latin1'),
    };
  }
}

/** Wraps DER bytes in a PEM block, as Go's `pem.Encode` writes it. */
function encodePem(type: string, bytes: Uint8Array): string {
  const body = standardBase64(bytes).replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${type}-----\n${body}${body.endsWith('\n') || body === '' ? '' : '\n'}-----END ${type}-----\n`;
}

// ---------------------------------------------------------------------------------------------
// DER reading

const TAG_BOOLEAN = 0x01;
const TAG_INTEGER = 0x02;
const TAG_BIT_STRING = 0x03;
const TAG_OCTET_STRING = 0x04;
const TAG_OID = 0x06;
const TAG_UTF8_STRING = 0x0c;
const TAG_NUMERIC_STRING = 0x12;
const TAG_PRINTABLE_STRING = 0x13;
const TAG_T61_STRING = 0x14;
const TAG_IA5_STRING = 0x16;
const TAG_UTC_TIME = 0x17;
const TAG_GENERALIZED_TIME = 0x18;
const TAG_BMP_STRING = 0x1e;
const TAG_SEQUENCE = 0x30;
const TAG_SET = 0x31;
const contextTag = (n: number, constructed: boolean): number => 0x80 | (constructed ? 0x20 : 0) | n;

class DerError extends Error {}

interface DerElement {
  tag: number;
  /** The whole element: tag, length and contents. */
  element: Uint8Array;
  /** The contents only. */
  contents: Uint8Array;
}

/**
 * A cursor over DER bytes in the manner of Go's cryptobyte: each read either returns a well-formed
 * element (minimal lengths, single-byte tags) or undefined, and nothing is consumed on failure.
 */
class DerReader {
  private position = 0;
  constructor(private readonly data: Uint8Array) {}

  get empty(): boolean {
    return this.position >= this.data.length;
  }

  peekTag(): number | undefined {
    return this.empty ? undefined : this.data[this.position];
  }

  /** Reads any element. */
  readAny(): DerElement | undefined {
    const data = this.data;
    let at = this.position;
    if (at + 2 > data.length) return undefined;
    const tag = data[at++];
    // Tags above 30 use the multi-byte form, which X.509 never needs.
    if ((tag & 0x1f) === 0x1f) return undefined;
    let length = data[at++];
    if (length & 0x80) {
      const count = length & 0x7f;
      if (count === 0 || count > 4 || at + count > data.length) return undefined;
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + data[at++];
      // DER: the long form only when needed, with no leading zero bytes.
      if (length < 0x80 || data[at - count] === 0) return undefined;
    }
    if (at + length > data.length) return undefined;
    const element = data.subarray(this.position, at + length);
    const contents = data.subarray(at, at + length);
    this.position = at + length;
    return { tag, element, contents };
  }

  read(tag: number): DerElement | undefined {
    if (this.peekTag() !== tag) return undefined;
    return this.readAny();
  }

  /** Reads an optional element: undefined when absent, throws `failure` when malformed. */
  readOptional(tag: number, failure: string): DerElement | undefined {
    if (this.peekTag() !== tag) return undefined;
    const element = this.readAny();
    if (!element) throw new DerError(failure);
    return element;
  }

  expect(tag: number, failure: string): DerElement {
    const element = this.read(tag);
    if (!element) throw new DerError(failure);
    return element;
  }
}

/** A DER INTEGER's contents as a bigint, rejecting non-minimal encodings as Go does. */
function derInteger(contents: Uint8Array): bigint | undefined {
  if (contents.length === 0) return undefined;
  if (contents.length > 1 && ((contents[0] === 0 && !(contents[1] & 0x80)) || (contents[0] === 0xff && contents[1] & 0x80))) {
    return undefined;
  }
  let value = bigintOf(contents);
  if (contents[0] & 0x80) value -= 1n << BigInt(contents.length * 8);
  return value;
}

function readInteger(reader: DerReader, failure: string): bigint {
  const element = reader.read(TAG_INTEGER);
  const value = element && derInteger(element.contents);
  if (value === undefined) throw new DerError(failure);
  return value;
}

function readSmallInteger(reader: DerReader, failure: string): number {
  const value = readInteger(reader, failure);
  if (value > 0x7fffffffn || value < -0x80000000n) throw new DerError(failure);
  return Number(value);
}

/** Object identifier arcs; undefined when malformed. */
function derOid(contents: Uint8Array): bigint[] | undefined {
  if (contents.length === 0 || contents[contents.length - 1] & 0x80) return undefined;
  const arcs: bigint[] = [];
  let value = 0n;
  let started = false;
  for (const byte of contents) {
    // A leading 0x80 would be a non-minimal encoding.
    if (!started && byte === 0x80) return undefined;
    started = true;
    value = (value << 7n) | BigInt(byte & 0x7f);
    if (!(byte & 0x80)) {
      if (arcs.length === 0) {
        if (value < 80n) arcs.push(value / 40n, value % 40n);
        else arcs.push(2n, value - 80n);
      } else {
        arcs.push(value);
      }
      value = 0n;
      started = false;
    }
  }
  return arcs;
}

function readOid(reader: DerReader, failure: string): bigint[] {
  const element = reader.read(TAG_OID);
  const oid = element && derOid(element.contents);
  if (!oid) throw new DerError(failure);
  return oid;
}

const oidText = (oid: readonly bigint[]): string => oid.join('.');

/** A BIT STRING's bytes, as Go's `ReadASN1BitString` accepts it. */
function derBitString(contents: Uint8Array): { bytes: Uint8Array; bitLength: number } | undefined {
  if (contents.length === 0) return undefined;
  const padding = contents[0];
  if (padding > 7 || (contents.length === 1 && padding > 0)) return undefined;
  const bytes = contents.subarray(1);
  if (bytes.length > 0 && bytes[bytes.length - 1] & ((1 << padding) - 1)) return undefined;
  return { bytes, bitLength: bytes.length * 8 - padding };
}

/** The elements of a DER SEQUENCE (which must fill `bytes`), each with tag `tag`. */
function sequenceOf(bytes: Uint8Array, tag: number, failure: string): DerElement[] {
  const sequence = new DerReader(bytes).read(TAG_SEQUENCE);
  if (!sequence) throw new DerError(failure);
  const reader = new DerReader(sequence.contents);
  const items: DerElement[] = [];
  while (!reader.empty) items.push(reader.expect(tag, failure));
  return items;
}

function readBoolean(reader: DerReader, failure: string): boolean {
  const element = reader.read(TAG_BOOLEAN);
  if (!element || element.contents.length !== 1 || (element.contents[0] !== 0 && element.contents[0] !== 0xff)) {
    throw new DerError(failure);
  }
  return element.contents[0] === 0xff;
}

// ---------------------------------------------------------------------------------------------
// X.509 building blocks: strings, names, times, algorithm identifiers

/** Go's `parseASN1String`: the string types X.509 names use, validated the same way. */
function asn1String(tag: number, contents: Uint8Array): string {
  switch (tag) {
    case TAG_T61_STRING:
      // Treated as Latin-1, as Go and BoringSSL do.
      return Buffer.from(contents).toString('latin1');
    case TAG_PRINTABLE_STRING:
      for (const byte of contents) {
        const ok =
          (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x30 && byte <= 0x39) ||
          " '()+,-./:=?*&".includes(String.fromCharCode(byte));
        if (!ok) throw new DerError('invalid PrintableString');
      }
      return bytesToText(contents);
    case TAG_UTF8_STRING:
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(contents);
      } catch {
        throw new DerError('invalid UTF-8 string');
      }
    case TAG_BMP_STRING: {
      if (contents.length % 2 !== 0) throw new DerError('invalid BMPString');
      let end = contents.length;
      if (end >= 2 && contents[end - 1] === 0 && contents[end - 2] === 0) end -= 2;
      let text = '';
      for (let i = 0; i < end; i += 2) {
        const unit = (contents[i] << 8) | contents[i + 1];
        if (unit === 0xfffe || unit === 0xffff || (unit >= 0xfdd0 && unit <= 0xfdef) || (unit >= 0xd800 && unit <= 0xdfff)) {
          throw new DerError('invalid BMPString');
        }
        text += String.fromCharCode(unit);
      }
      return text;
    }
    case TAG_IA5_STRING:
      for (const byte of contents) if (byte >= 0x80) throw new DerError('invalid IA5String');
      return bytesToText(contents);
    case TAG_NUMERIC_STRING:
      for (const byte of contents) if (!((byte >= 0x30 && byte <= 0x39) || byte === 0x20)) throw new DerError('invalid NumericString');
      return bytesToText(contents);
    default:
      throw new DerError(`unsupported string type: ${tag}`);
  }
}

interface NameAttribute {
  type: bigint[];
  value: string;
}

/** A distinguished name: the raw DER and its attributes in order (RDN sets flattened, as Go keeps them). */
interface DistinguishedName {
  raw: Uint8Array;
  attributes: NameAttribute[];
}

function parseName(element: DerElement): DistinguishedName {
  const sequence = new DerReader(element.contents);
  const attributes: NameAttribute[] = [];
  while (!sequence.empty) {
    const set = sequence.read(TAG_SET);
    if (!set) throw new DerError('x509: invalid RDNSequence');
    const members = new DerReader(set.contents);
    while (!members.empty) {
      const pair = members.read(TAG_SEQUENCE);
      if (!pair) throw new DerError('x509: invalid RDNSequence: invalid attribute');
      const fields = new DerReader(pair.contents);
      const typeElement = fields.read(TAG_OID);
      const type = typeElement && derOid(typeElement.contents);
      if (!type) throw new DerError('x509: invalid RDNSequence: invalid attribute type');
      const valueElement = fields.readAny();
      if (!valueElement) throw new DerError('x509: invalid RDNSequence: invalid attribute value');
      let value: string;
      try {
        value = asn1String(valueElement.tag, valueElement.contents);
      } catch (error) {
        throw new DerError(`x509: invalid RDNSequence: invalid attribute value: ${(error as Error).message}`);
      }
      attributes.push({ type, value });
    }
  }
  return { raw: element.element, attributes };
}

const NAME_FIELDS: Record<string, string> = {
  '2.5.4.6': 'Country',
  '2.5.4.10': 'Organization',
  '2.5.4.11': 'OrganizationalUnit',
  '2.5.4.7': 'Locality',
  '2.5.4.8': 'Province',
  '2.5.4.9': 'StreetAddress',
  '2.5.4.17': 'PostalCode',
};

/** Go's `pkix.Name` as JSON: multi-valued fields, the common name and serial, and every attribute in `Names`. */
function nameValue(name: DistinguishedName): ObjectValue {
  const lists = new Map<string, string[]>();
  let commonName = '';
  let serialNumber = '';
  for (const { type, value } of name.attributes) {
    const key = oidText(type);
    if (key === '2.5.4.3') commonName = value;
    else if (key === '2.5.4.5') serialNumber = value;
    else if (NAME_FIELDS[key]) {
      const field = NAME_FIELDS[key];
      if (!lists.has(field)) lists.set(field, []);
      lists.get(field)!.push(value);
    }
  }
  const record: Record<string, Value> = {};
  for (const field of Object.values(NAME_FIELDS)) record[field] = lists.get(field) ?? null;
  record.SerialNumber = serialNumber;
  record.CommonName = commonName;
  record.Names = name.attributes.length
    ? name.attributes.map((attribute) => ObjectValue.fromRecord({ Type: oidArray(attribute.type), Value: attribute.value }))
    : null;
  record.ExtraNames = null;
  return ObjectValue.fromRecord(record);
}

/** Go's `asn1.ObjectIdentifier` marshals as an array of integers. */
function oidArray(oid: readonly bigint[]): Value[] {
  return oid.map((arc) => numberValue(arc));
}

/** A point in time from a certificate, with the zone offset it was written with. */
interface CertificateTime {
  /** Milliseconds since the epoch. */
  milliseconds: number;
  offsetMinutes: number;
}

function parseTime(reader: DerReader): CertificateTime {
  const tag = reader.peekTag();
  if (tag === TAG_UTC_TIME) {
    const element = reader.readAny();
    const time = element && parseTimeText(bytesToText(element.contents), true);
    if (!time) throw new DerError('x509: malformed UTCTime');
    return time;
  }
  if (tag === TAG_GENERALIZED_TIME) {
    const element = reader.readAny();
    const time = element && parseTimeText(bytesToText(element.contents), false);
    if (!time) throw new DerError('x509: malformed GeneralizedTime');
    return time;
  }
  throw new DerError('x509: unsupported time format');
}

/**
 * UTCTime (YYMMDDHHMM[SS]) or GeneralizedTime (YYYYMMDDHHMMSS), each ending in Z or ±hhmm. Go
 * accepts only texts that format back identically, which rules out fractions and bad fields.
 */
function parseTimeText(text: string, utc: boolean): CertificateTime | undefined {
  const pattern = utc ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})$/ : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|[+-]\d{4})$/;
  const match = pattern.exec(text);
  if (!match) return undefined;
  let year = Number(match[1]);
  if (utc) year += year < 50 ? 2000 : 1900;
  const [month, day, hour, minute] = [match[2], match[3], match[4], match[5]].map(Number);
  const second = match[6] === undefined ? 0 : Number(match[6]);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (day > daysInMonth) return undefined;
  let offsetMinutes = 0;
  if (match[7] !== 'Z') {
    const sign = match[7][0] === '-' ? -1 : 1;
    const hours = Number(match[7].slice(1, 3));
    const minutes = Number(match[7].slice(3, 5));
    if (hours > 23 || minutes > 59) return undefined;
    offsetMinutes = sign * (hours * 60 + minutes);
  }
  // setUTCFullYear, unlike Date.UTC, keeps years below 100 as written.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return { milliseconds: date.getTime() - offsetMinutes * 60000, offsetMinutes };
}

/** Go's `time.Time` JSON form (RFC 3339 with nanoseconds, Z for a zero offset). */
function timeValue(time: CertificateTime): string {
  const shifted = new Date(time.milliseconds + time.offsetMinutes * 60000);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const date = `${pad(shifted.getUTCFullYear(), 4)}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())}`;
  const clock = `${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}:${pad(shifted.getUTCSeconds())}`;
  if (time.offsetMinutes === 0) return `${date}T${clock}Z`;
  const sign = time.offsetMinutes < 0 ? '-' : '+';
  const offset = Math.abs(time.offsetMinutes);
  return `${date}T${clock}${sign}${pad(Math.floor(offset / 60))}:${pad(offset % 60)}`;
}

function timeNanoseconds(time: CertificateTime): bigint {
  return BigInt(time.milliseconds) * 1_000_000n;
}

interface AlgorithmIdentifier {
  oid: bigint[];
  /** The parameters element, when present. */
  parameters: DerElement | undefined;
}

function parseAlgorithmIdentifier(contents: Uint8Array): AlgorithmIdentifier {
  const reader = new DerReader(contents);
  const oid = readOid(reader, 'x509: malformed OID');
  if (reader.empty) return { oid, parameters: undefined };
  const parameters = reader.readAny();
  if (!parameters) throw new DerError('x509: malformed parameters');
  return { oid, parameters };
}

/** Go's `x509.SignatureAlgorithm` numbering. */
const SIGNATURE_ALGORITHMS: Record<string, number> = {
  '1.2.840.113549.1.1.2': 1, // MD2WithRSA
  '1.2.840.113549.1.1.4': 2, // MD5WithRSA
  '1.2.840.113549.1.1.5': 3, // SHA1WithRSA
  '1.3.14.3.2.29': 3,
  '1.2.840.113549.1.1.11': 4, // SHA256WithRSA
  '1.2.840.113549.1.1.12': 5, // SHA384WithRSA
  '1.2.840.113549.1.1.13': 6, // SHA512WithRSA
  '1.2.840.10040.4.3': 7, // DSAWithSHA1
  '2.16.840.1.101.3.4.3.2': 8, // DSAWithSHA256
  '1.2.840.10045.4.1': 9, // ECDSAWithSHA1
  '1.2.840.10045.4.3.2': 10, // ECDSAWithSHA256
  '1.2.840.10045.4.3.3': 11, // ECDSAWithSHA384
  '1.2.840.10045.4.3.4': 12, // ECDSAWithSHA512
  '1.3.101.112': 16, // PureEd25519
};
const OID_RSA_PSS = '1.2.840.113549.1.1.10';
const HASH_OIDS: Record<string, { name: string; size: number }> = {
  '2.16.840.1.101.3.4.2.1': { name: 'sha256', size: 32 },
  '2.16.840.1.101.3.4.2.2': { name: 'sha384', size: 48 },
  '2.16.840.1.101.3.4.2.3': { name: 'sha512', size: 64 },
};
const NULL_BYTES = Uint8Array.of(0x05, 0x00);

/** Maps an algorithm identifier to Go's numbering; RSA-PSS only with Go's three accepted parameter sets. */
function signatureAlgorithmOf(identifier: AlgorithmIdentifier): number {
  const key = oidText(identifier.oid);
  if (key === '1.3.101.112' && identifier.parameters) return 0;
  if (key !== OID_RSA_PSS) return SIGNATURE_ALGORITHMS[key] ?? 0;
  try {
    const parameters = identifier.parameters;
    if (!parameters || parameters.tag !== TAG_SEQUENCE) return 0;
    const reader = new DerReader(parameters.contents);
    const explicit = (n: number): DerReader | undefined => {
      const element = reader.read(contextTag(n, true));
      return element ? new DerReader(element.contents) : undefined;
    };
    const hashReader = explicit(0);
    const mgfReader = explicit(1);
    const saltReader = explicit(2);
    const trailerReader = explicit(3);
    if (!hashReader || !mgfReader) return 0;
    const hash = parseAlgorithmIdentifier(hashReader.expect(TAG_SEQUENCE, 'pss').contents);
    const mgf = parseAlgorithmIdentifier(mgfReader.expect(TAG_SEQUENCE, 'pss').contents);
    if (oidText(mgf.oid) !== '1.2.840.113549.1.1.8' || !mgf.parameters || mgf.parameters.tag !== TAG_SEQUENCE) return 0;
    const mgfHash = parseAlgorithmIdentifier(mgf.parameters.contents);
    const nullOrAbsent = (element: DerElement | undefined): boolean => !element || sameBytes(element.element, NULL_BYTES);
    const salt = saltReader ? readSmallInteger(saltReader, 'pss') : 20;
    const trailer = trailerReader ? readSmallInteger(trailerReader, 'pss') : 1;
    if (!nullOrAbsent(hash.parameters) || oidText(mgfHash.oid) !== oidText(hash.oid) || !nullOrAbsent(mgfHash.parameters) || trailer !== 1) return 0;
    const details = HASH_OIDS[oidText(hash.oid)];
    if (!details || details.size !== salt) return 0;
    return { sha256: 13, sha384: 14, sha512: 15 }[details.name as 'sha256' | 'sha384' | 'sha512'];
  } catch {
    return 0;
  }
}

/** Go's `x509.PublicKeyAlgorithm` numbering. */
const PUBLIC_KEY_ALGORITHMS: Record<string, number> = {
  '1.2.840.113549.1.1.1': 1, // RSA
  '1.2.840.10040.4.1': 2, // DSA
  '1.2.840.10045.2.1': 3, // ECDSA
  '1.3.101.112': 4, // Ed25519
};
const NAMED_CURVES: Record<string, { name: string; size: number }> = {
  '1.3.132.0.33': { name: 'P-224', size: 28 },
  '1.2.840.10045.3.1.7': { name: 'P-256', size: 32 },
  '1.3.132.0.34': { name: 'P-384', size: 48 },
  '1.3.132.0.35': { name: 'P-521', size: 66 },
};

/** A certificate's or request's public key: Go's JSON form plus what verification needs. */
export interface SubjectPublicKey {
  algorithm: number;
  /** The Go struct as JSON: `{N, E}` for RSA, `{Curve, X, Y}` for ECDSA, base64 for Ed25519. */
  json: Value;
  /** The whole SubjectPublicKeyInfo, for Node's key import. */
  spki: Uint8Array;
}

/** Go's `parsePublicKey`, for the algorithms certificates carry. */
function parseSubjectPublicKey(spki: DerElement): SubjectPublicKey | undefined {
  const outer = new DerReader(spki.contents);
  const identifierElement = outer.read(TAG_SEQUENCE);
  if (!identifierElement) throw new DerError('x509: malformed public key algorithm identifier');
  const identifier = parseAlgorithmIdentifier(identifierElement.contents);
  const keyElement = outer.read(TAG_BIT_STRING);
  const bits = keyElement && derBitString(keyElement.contents);
  if (!bits) throw new DerError('x509: malformed subjectPublicKey');
  const algorithm = PUBLIC_KEY_ALGORITHMS[oidText(identifier.oid)] ?? 0;
  const key = bits.bytes;
  switch (algorithm) {
    case 1: {
      if (!identifier.parameters || !sameBytes(identifier.parameters.element, NULL_BYTES)) {
        throw new DerError('x509: RSA key missing NULL parameters');
      }
      const sequence = new DerReader(key).read(TAG_SEQUENCE);
      if (!sequence) throw new DerError('x509: invalid RSA public key');
      const fields = new DerReader(sequence.contents);
      const modulus = readInteger(fields, 'x509: invalid RSA modulus');
      const exponent = readInteger(fields, 'x509: invalid RSA public exponent');
      if (modulus <= 0n) throw new DerError('x509: RSA modulus is not a positive number');
      if (exponent <= 0n || exponent > 0x7fffffffn) throw new DerError('x509: RSA public exponent is not a positive number');
      return { algorithm, spki: spki.element, json: ObjectValue.fromRecord({ N: numberValue(modulus), E: Number(exponent) }) };
    }
    case 2: {
      const parameters = identifier.parameters && identifier.parameters.tag === TAG_SEQUENCE ? new DerReader(identifier.parameters.contents) : undefined;
      const y = derInteger(new DerReader(key).read(TAG_INTEGER)?.contents ?? new Uint8Array());
      if (y === undefined) throw new DerError('x509: invalid DSA public key');
      if (!parameters) throw new DerError('x509: invalid DSA parameters');
      const p = readInteger(parameters, 'x509: invalid DSA parameters');
      const q = readInteger(parameters, 'x509: invalid DSA parameters');
      const g = readInteger(parameters, 'x509: invalid DSA parameters');
      if (p <= 0n || q <= 0n || g <= 0n || y <= 0n) throw new DerError('x509: zero or negative DSA parameter');
      return {
        algorithm,
        spki: spki.element,
        json: ObjectValue.fromRecord({
          Parameters: ObjectValue.fromRecord({ P: numberValue(p), Q: numberValue(q), G: numberValue(g) }),
          Y: numberValue(y),
        }),
      };
    }
    case 3: {
      const curveOid = identifier.parameters && identifier.parameters.tag === TAG_OID ? derOid(identifier.parameters.contents) : undefined;
      if (!curveOid) throw new DerError('x509: invalid ECDSA parameters');
      const curve = NAMED_CURVES[oidText(curveOid)];
      if (!curve) throw new DerError('x509: unsupported elliptic curve');
      if (key.length !== 1 + 2 * curve.size || key[0] !== 4) throw new DerError('x509: failed to unmarshal elliptic curve point');
      try {
        nodeCrypto.createPublicKey({ key: Buffer.from(spki.element), format: 'der', type: 'spki' });
      } catch {
        throw new DerError('x509: failed to unmarshal elliptic curve point');
      }
      // Go's curve values have no exported fields, so the curve marshals as an empty object.
      return {
        algorithm,
        spki: spki.element,
        json: ObjectValue.fromRecord({
          Curve: new ObjectValue(),
          X: numberValue(bigintOf(key.subarray(1, 1 + curve.size))),
          Y: numberValue(bigintOf(key.subarray(1 + curve.size))),
        }),
      };
    }
    case 4:
      if (identifier.parameters) throw new DerError('x509: Ed25519 key encoded with illegal parameters');
      if (key.length !== 32) throw new DerError('x509: wrong Ed25519 public key size');
      return { algorithm, spki: spki.element, json: standardBase64(key) };
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// IP addresses and URLs in the forms Go's net and net/url packages print

/** Go's `net.IP.String()` for 4- and 16-byte addresses (IPv4-mapped IPv6 prints as IPv4). */
export function ipText(ip: Uint8Array): string {
  if (ip.length === 4) return Array.from(ip).join('.');
  if (ip.length === 16 && ip.subarray(0, 10).every((b) => b === 0) && ip[10] === 0xff && ip[11] === 0xff) {
    return Array.from(ip.subarray(12)).join('.');
  }
  if (ip.length !== 16) return `?${hexOf(ip)}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((ip[i] << 8) | ip[i + 1]);
  // The first longest run of two or more zero groups becomes "::".
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength && j - i >= 2) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.map((g) => g.toString(16)).join(':');
  const head = groups.slice(0, bestStart).map((g) => g.toString(16)).join(':');
  const tail = groups.slice(bestStart + bestLength).map((g) => g.toString(16)).join(':');
  return `${head}::${tail}`;
}

/** Go's `url.URL` fields, as a SAN URI parses. */
export interface GoUrl {
  scheme: string;
  opaque: string;
  hasUser: boolean;
  host: string;
  path: string;
  rawPath: string;
  omitHost: boolean;
  forceQuery: boolean;
  rawQuery: string;
  fragment: string;
  rawFragment: string;
}

function percentDecode(text: string): string {
  if (!/%/.test(text)) return text;
  if (/%(?![0-9a-fA-F]{2})/.test(text)) throw new Error(`invalid URL escape "${text.slice(text.search(/%(?![0-9a-fA-F]{2})/), text.search(/%(?![0-9a-fA-F]{2})/) + 3)}"`);
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%') {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...utf8Bytes(text[i]));
    }
  }
  return bytesToText(Uint8Array.from(bytes));
}

/** Go's `url.escape` for paths and fragments. */
function percentEncode(text: string, mode: 'path' | 'fragment'): string {
  let out = '';
  for (const byte of utf8Bytes(text)) {
    const c = String.fromCharCode(byte);
    const keep =
      /[A-Za-z0-9\-_.~]/.test(c) ||
      (mode === 'path' && '$&+,/:;=@'.includes(c)) ||
      (mode === 'fragment' && "$&+,/:;=?@!()*".includes(c));
    out += keep ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A simplified `url.Parse` covering what certificate URIs and request URLs contain. */
export function parseGoUrl(text: string): GoUrl {
  if (/[\x00-\x1f\x7f]/.test(text)) throw new Error('net/url: invalid control character in URL');
  const url: GoUrl = {
    scheme: '', opaque: '', hasUser: false, host: '', path: '', rawPath: '',
    omitHost: false, forceQuery: false, rawQuery: '', fragment: '', rawFragment: '',
  };
  let rest = text;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    const rawFragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
    url.fragment = percentDecode(rawFragment);
    url.rawFragment = percentEncode(url.fragment, 'fragment') === rawFragment ? '' : rawFragment;
  }
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
  if (schemeMatch) {
    url.scheme = schemeMatch[1].toLowerCase();
    rest = rest.slice(schemeMatch[0].length);
  } else if (rest.startsWith(':')) {
    throw new Error('missing protocol scheme');
  }
  if (rest.endsWith('?') && rest.split('?').length === 2) {
    url.forceQuery = true;
    rest = rest.slice(0, -1);
  } else {
    const question = rest.indexOf('?');
    if (question >= 0) {
      url.rawQuery = rest.slice(question + 1);
      rest = rest.slice(0, question);
    }
  }
  if (!rest.startsWith('/')) {
    if (url.scheme !== '') {
      url.opaque = rest;
      return url;
    }
    const colon = rest.indexOf(':');
    const slash = rest.indexOf('/');
    if (colon >= 0 && (slash < 0 || colon < slash)) throw new Error('first path segment in URL cannot contain colon');
  }
  if ((url.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    const slash = authority.indexOf('/');
    rest = slash >= 0 ? authority.slice(slash) : '';
    if (slash >= 0) authority = authority.slice(0, slash);
    const at = authority.lastIndexOf('@');
    if (at >= 0) {
      url.hasUser = true;
      authority = authority.slice(at + 1);
    }
    url.host = percentDecode(authority);
  } else if (url.scheme !== '' && rest.startsWith('/')) {
    url.omitHost = true;
  }
  url.path = percentDecode(rest);
  url.rawPath = percentEncode(url.path, 'path') === rest ? '' : rest;
  return url;
}

/** Go's `url.URL.EscapedPath()`. */
export function goUrlEscapedPath(url: GoUrl): string {
  return url.rawPath || percentEncode(url.path, 'path');
}

/** Go's `url.URL.String()` for the URLs `parseGoUrl` produces. */
function goUrlText(url: GoUrl): string {
  let out = url.scheme ? `${url.scheme}:` : '';
  if (url.opaque) {
    out += url.opaque;
  } else {
    if (url.scheme || url.host || url.hasUser) {
      if (!(url.omitHost && url.host === '' && !url.hasUser) && (url.host || url.path || url.hasUser)) out += `//${url.host}`;
    }
    const path = goUrlEscapedPath(url);
    if (path && !path.startsWith('/') && url.host) out += '/';
    out += path;
  }
  if (url.forceQuery || url.rawQuery) out += `?${url.rawQuery}`;
  if (url.fragment) out += `#${url.rawFragment || percentEncode(url.fragment, 'fragment')}`;
  return out;
}

/** Go marshals `*url.URL` as its struct; the user info has no exported fields. */
function goUrlValue(url: GoUrl): ObjectValue {
  return ObjectValue.fromRecord({
    Scheme: url.scheme,
    Opaque: url.opaque,
    User: url.hasUser ? new ObjectValue() : null,
    Host: url.host,
    Path: url.path,
    RawPath: url.rawPath,
    OmitHost: url.omitHost,
    ForceQuery: url.forceQuery,
    RawQuery: url.rawQuery,
    Fragment: url.fragment,
    RawFragment: url.rawFragment,
  });
}

/** Go's `domainToReverseLabels` validity check. */
function validDomain(domain: string): boolean {
  if (domain === '') return true;
  const labels = domain.split('.');
  return labels.every((label) => label.length > 0 && /^[\x21-\x7e]+$/.test(label));
}

// ---------------------------------------------------------------------------------------------
// Certificates

interface Extension {
  id: bigint[];
  critical: boolean;
  value: Uint8Array;
}

interface IpRange {
  ip: Uint8Array;
  mask: Uint8Array;
}

interface SubjectAltNames {
  dnsNames: string[] | null;
  emailAddresses: string[] | null;
  ipAddresses: Uint8Array[] | null;
  uris: GoUrl[] | null;
}

/** A parsed certificate with every field Go's `x509.Certificate` exposes. */
export interface Certificate extends SubjectAltNames {
  raw: Uint8Array;
  rawTbs: Uint8Array;
  rawSubjectPublicKeyInfo: Uint8Array;
  rawSubject: Uint8Array;
  rawIssuer: Uint8Array;
  signature: Uint8Array;
  signatureAlgorithm: number;
  publicKeyAlgorithm: number;
  publicKey: SubjectPublicKey | undefined;
  version: number;
  serialNumber: bigint;
  issuer: DistinguishedName;
  subject: DistinguishedName;
  notBefore: CertificateTime;
  notAfter: CertificateTime;
  keyUsage: number;
  extensions: Extension[];
  unhandledCriticalExtensions: bigint[][] | null;
  extKeyUsage: number[] | null;
  unknownExtKeyUsage: bigint[][] | null;
  basicConstraintsValid: boolean;
  isCA: boolean;
  maxPathLen: number;
  maxPathLenZero: boolean;
  subjectKeyId: Uint8Array | null;
  authorityKeyId: Uint8Array | null;
  ocspServer: string[] | null;
  issuingCertificateURL: string[] | null;
  permittedDNSDomainsCritical: boolean;
  permittedDNSDomains: string[] | null;
  excludedDNSDomains: string[] | null;
  permittedIPRanges: IpRange[] | null;
  excludedIPRanges: IpRange[] | null;
  permittedEmailAddresses: string[] | null;
  excludedEmailAddresses: string[] | null;
  permittedURIDomains: string[] | null;
  excludedURIDomains: string[] | null;
  crlDistributionPoints: string[] | null;
  policyIdentifiers: bigint[][] | null;
  policies: string[] | null;
  inhibitAnyPolicy: number;
  inhibitAnyPolicyZero: boolean;
  inhibitPolicyMapping: number;
  inhibitPolicyMappingZero: boolean;
  requireExplicitPolicy: number;
  requireExplicitPolicyZero: boolean;
  policyMappings: { issuerDomainPolicy: string; subjectDomainPolicy: string }[] | null;
}

/** Go's `x509.ExtKeyUsage` numbering. */
const EXT_KEY_USAGES: Record<string, number> = {
  '2.5.29.37.0': 0,
  '1.3.6.1.5.5.7.3.1': 1,
  '1.3.6.1.5.5.7.3.2': 2,
  '1.3.6.1.5.5.7.3.3': 3,
  '1.3.6.1.5.5.7.3.4': 4,
  '1.3.6.1.5.5.7.3.5': 5,
  '1.3.6.1.5.5.7.3.6': 6,
  '1.3.6.1.5.5.7.3.7': 7,
  '1.3.6.1.5.5.7.3.8': 8,
  '1.3.6.1.5.5.7.3.9': 9,
  '1.3.6.1.4.1.311.10.3.3': 10,
  '2.16.840.1.113730.4.1': 11,
  '1.3.6.1.4.1.311.2.1.22': 12,
  '1.3.6.1.4.1.311.61.1.1': 13,
};

function append<T>(list: T[] | null, item: T): T[] {
  if (list) {
    list.push(item);
    return list;
  }
  return [item];
}

function isAscii(text: string): boolean {
  return /^[\x00-\x7f]*$/.test(text);
}

/** Go's `parseSANExtension`: DNS names, email addresses, URIs and IP addresses. */
function parseSubjectAltNames(value: Uint8Array): SubjectAltNames {
  const names: SubjectAltNames = { dnsNames: null, emailAddresses: null, ipAddresses: null, uris: null };
  const sequence = new DerReader(value).read(TAG_SEQUENCE);
  if (!sequence) throw new DerError('x509: invalid subject alternative names');
  const reader = new DerReader(sequence.contents);
  while (!reader.empty) {
    const name = reader.readAny();
    if (!name) throw new DerError('x509: invalid subject alternative name');
    const text = Buffer.from(name.contents).toString('latin1');
    switch (name.tag ^ 0x80) {
      case 1:
        if (!isAscii(text)) throw new DerError('x509: SAN rfc822Name is malformed');
        names.emailAddresses = append(names.emailAddresses, text);
        break;
      case 2:
        if (!isAscii(text)) throw new DerError('x509: SAN dNSName is malformed');
        names.dnsNames = append(names.dnsNames, text);
        break;
      case 6: {
        if (!isAscii(text)) throw new DerError('x509: SAN uniformResourceIdentifier is malformed');
        let url: GoUrl;
        try {
          url = parseGoUrl(text);
        } catch (error) {
          throw new DerError(`x509: cannot parse URI ${JSON.stringify(text)}: ${(error as Error).message}`);
        }
        if (url.host.length > 0 && !validDomain(url.host)) throw new DerError(`x509: cannot parse URI ${JSON.stringify(text)}: invalid domain`);
        names.uris = append(names.uris, url);
        break;
      }
      case 7:
        if (name.contents.length !== 4 && name.contents.length !== 16) {
          throw new DerError(`x509: cannot parse IP address of length ${name.contents.length}`);
        }
        names.ipAddresses = append(names.ipAddresses, name.contents);
        break;
    }
  }
  return names;
}

/** Go's `parseNameConstraintsExtension`; returns whether some constraint kind went unhandled. */
function parseNameConstraints(certificate: Certificate, extension: Extension): boolean {
  const outer = new DerReader(extension.value);
  const top = outer.read(TAG_SEQUENCE);
  if (!top || !outer.empty) throw new DerError('x509: invalid NameConstraints extension');
  const reader = new DerReader(top.contents);
  const permitted = reader.readOptional(contextTag(0, true), 'x509: invalid NameConstraints extension');
  const excluded = reader.readOptional(contextTag(1, true), 'x509: invalid NameConstraints extension');
  if (!reader.empty) throw new DerError('x509: invalid NameConstraints extension');
  if ((!permitted && !excluded) || ((permitted?.contents.length ?? 0) === 0 && (excluded?.contents.length ?? 0) === 0)) {
    throw new DerError('x509: empty name constraints extension');
  }
  let unhandled = false;
  const values = (subtrees: DerElement | undefined) => {
    const result = { dns: null as string[] | null, ips: null as IpRange[] | null, emails: null as string[] | null, uris: null as string[] | null };
    if (!subtrees) return result;
    const trees = new DerReader(subtrees.contents);
    while (!trees.empty) {
      const subtree = trees.read(TAG_SEQUENCE);
      const base = subtree && new DerReader(subtree.contents).readAny();
      if (!base) throw new DerError('x509: invalid NameConstraints extension');
      const text = Buffer.from(base.contents).toString('latin1');
      switch (base.tag) {
        case contextTag(2, false):
          if (!isAscii(text)) throw new DerError('x509: invalid constraint value: invalid IA5String');
          if (!validDomain(text.startsWith('.') ? text.slice(1) : text)) throw new DerError(`x509: failed to parse dnsName constraint ${JSON.stringify(text)}`);
          result.dns = append(result.dns, text);
          break;
        case contextTag(7, false): {
          const length = base.contents.length;
          if (length !== 8 && length !== 32) throw new DerError(`x509: IP constraint contained value of length ${length}`);
          const ip = base.contents.subarray(0, length / 2);
          const mask = base.contents.subarray(length / 2);
          if (!validMask(mask)) throw new DerError(`x509: IP constraint contained invalid mask ${hexOf(mask)}`);
          result.ips = append(result.ips, { ip, mask });
          break;
        }
        case contextTag(1, false):
          if (!isAscii(text)) throw new DerError('x509: invalid constraint value: invalid IA5String');
          if (!text.includes('@') && !validDomain(text.startsWith('.') ? text.slice(1) : text)) {
            throw new DerError(`x509: failed to parse rfc822Name constraint ${JSON.stringify(text)}`);
          }
          result.emails = append(result.emails, text);
          break;
        case contextTag(6, false):
          if (!isAscii(text)) throw new DerError('x509: invalid constraint value: invalid IA5String');
          if (!validDomain(text.startsWith('.') ? text.slice(1) : text)) throw new DerError(`x509: failed to parse URI constraint ${JSON.stringify(text)}`);
          result.uris = append(result.uris, text);
          break;
        default:
          unhandled = true;
      }
    }
    return result;
  };
  const allowed = values(permitted);
  const denied = values(excluded);
  certificate.permittedDNSDomains = allowed.dns;
  certificate.permittedIPRanges = allowed.ips;
  certificate.permittedEmailAddresses = allowed.emails;
  certificate.permittedURIDomains = allowed.uris;
  certificate.excludedDNSDomains = denied.dns;
  certificate.excludedIPRanges = denied.ips;
  certificate.excludedEmailAddresses = denied.emails;
  certificate.excludedURIDomains = denied.uris;
  certificate.permittedDNSDomainsCritical = extension.critical;
  return unhandled;
}

function validMask(mask: Uint8Array): boolean {
  let seenZero = false;
  for (const byte of mask) {
    if (seenZero) {
      if (byte !== 0) return false;
      continue;
    }
    if (byte === 0xff) continue;
    if (![0x00, 0x80, 0xc0, 0xe0, 0xf0, 0xf8, 0xfc, 0xfe].includes(byte)) return false;
    seenZero = true;
  }
  return true;
}

function bitAt(bits: { bytes: Uint8Array; bitLength: number }, index: number): number {
  if (index < 0 || index >= bits.bitLength) return 0;
  return (bits.bytes[index >> 3] >> (7 - (index & 7))) & 1;
}

/** Go's `processExtensions`: fills the typed fields from the extensions Go understands. */
function processExtensions(certificate: Certificate): void {
  for (const extension of certificate.extensions) {
    let unhandled = false;
    const id = oidText(extension.id);
    const reader = new DerReader(extension.value);
    switch (id) {
      case '2.5.29.15': {
        const element = reader.read(TAG_BIT_STRING);
        const bits = element && derBitString(element.contents);
        if (!bits) throw new DerError('x509: invalid key usage');
        let usage = 0;
        for (let i = 0; i < 9; i++) if (bitAt(bits, i)) usage |= 1 << i;
        certificate.keyUsage = usage;
        break;
      }
      case '2.5.29.19': {
        const sequence = reader.read(TAG_SEQUENCE);
        if (!sequence) throw new DerError('x509: invalid basic constraints');
        const fields = new DerReader(sequence.contents);
        let isCA = false;
        if (fields.peekTag() === TAG_BOOLEAN) isCA = readBoolean(fields, 'x509: invalid basic constraints');
        let maxPathLen = -1;
        if (fields.peekTag() === TAG_INTEGER) maxPathLen = readSmallInteger(fields, 'x509: invalid basic constraints');
        certificate.isCA = isCA;
        certificate.maxPathLen = maxPathLen;
        certificate.basicConstraintsValid = true;
        certificate.maxPathLenZero = maxPathLen === 0;
        break;
      }
      case '2.5.29.17': {
        const names = parseSubjectAltNames(extension.value);
        Object.assign(certificate, names);
        if (!names.dnsNames && !names.emailAddresses && !names.ipAddresses && !names.uris) unhandled = true;
        break;
      }
      case '2.5.29.30':
        unhandled = parseNameConstraints(certificate, extension);
        break;
      case '2.5.29.31':
        for (const point of sequenceOf(extension.value, TAG_SEQUENCE, 'x509: invalid CRL distribution point')) {
          const name = new DerReader(point.contents).readOptional(contextTag(0, true), 'x509: invalid CRL distribution point');
          if (!name) continue;
          const fullName = new DerReader(name.contents).read(contextTag(0, true));
          if (!fullName) throw new DerError('x509: invalid CRL distribution point');
          const uris = new DerReader(fullName.contents);
          while (!uris.empty && uris.peekTag() === contextTag(6, false)) {
            const uri = uris.readAny();
            if (!uri) throw new DerError('x509: invalid CRL distribution point');
            certificate.crlDistributionPoints = append(certificate.crlDistributionPoints, Buffer.from(uri.contents).toString('latin1'));
          }
        }
        break;
      case '2.5.29.35': {
        const sequence = reader.read(TAG_SEQUENCE);
        if (!sequence) throw new DerError('x509: invalid authority key identifier');
        const fields = new DerReader(sequence.contents);
        const keyId = fields.readOptional(contextTag(0, false), 'x509: invalid authority key identifier');
        if (keyId) certificate.authorityKeyId = keyId.contents;
        break;
      }
      case '2.5.29.37': {
        const sequence = reader.read(TAG_SEQUENCE);
        if (!sequence) throw new DerError('x509: invalid extended key usages');
        const usages = new DerReader(sequence.contents);
        while (!usages.empty) {
          const oid = readOid(usages, 'x509: invalid extended key usages');
          const known = EXT_KEY_USAGES[oidText(oid)];
          if (known === undefined) certificate.unknownExtKeyUsage = append(certificate.unknownExtKeyUsage, oid);
          else certificate.extKeyUsage = append(certificate.extKeyUsage, known);
        }
        break;
      }
      case '2.5.29.14': {
        const keyId = reader.read(TAG_OCTET_STRING);
        if (!keyId) throw new DerError('x509: invalid subject key identifier');
        certificate.subjectKeyId = keyId.contents;
        break;
      }
      case '2.5.29.32': {
        const seen = new Set<string>();
        const found: string[] = [];
        const identifiers: bigint[][] = [];
        for (const policy of sequenceOf(extension.value, TAG_SEQUENCE, 'x509: invalid certificate policies')) {
          const oidElement = new DerReader(policy.contents).read(TAG_OID);
          const oid = oidElement && derOid(oidElement.contents);
          if (!oid || seen.has(oidText(oid))) throw new DerError('x509: invalid certificate policies');
          seen.add(oidText(oid));
          found.push(oidText(oid));
          // Arcs that do not fit Go's int are left out of the legacy identifiers.
          if (oid.every((arc) => arc <= 0x7fffffffffffffffn)) identifiers.push(oid);
        }
        certificate.policies = found.length ? found : null;
        certificate.policyIdentifiers = identifiers;
        break;
      }
      case '2.5.29.33':
        for (const pair of sequenceOf(extension.value, TAG_SEQUENCE, 'x509: invalid policy mappings extension')) {
          const fields = new DerReader(pair.contents);
          const issuer = readOid(fields, 'x509: invalid policy mappings extension');
          const subject = readOid(fields, 'x509: invalid policy mappings extension');
          certificate.policyMappings = append(certificate.policyMappings, { issuerDomainPolicy: oidText(issuer), subjectDomainPolicy: oidText(subject) });
        }
        break;
      case '2.5.29.36': {
        const sequence = reader.read(TAG_SEQUENCE);
        if (!sequence) throw new DerError('x509: invalid policy constraints extension');
        const fields = new DerReader(sequence.contents);
        // Both fields are optional [0] and [1] integers; the "Zero" flags tell 0 from absent.
        const optionalCount = (n: number): number | undefined => {
          const element = fields.readOptional(contextTag(n, false), 'x509: invalid policy constraints extension');
          if (!element) return undefined;
          const value = derInteger(element.contents);
          if (value === undefined || value > 0x7fffffffn || value < -0x80000000n) throw new DerError('x509: invalid policy constraints extension');
          return Number(value);
        };
        const requireExplicit = optionalCount(0);
        if (requireExplicit !== undefined) {
          certificate.requireExplicitPolicy = requireExplicit;
          certificate.requireExplicitPolicyZero = requireExplicit === 0;
        }
        const inhibitMapping = optionalCount(1);
        if (inhibitMapping !== undefined) {
          certificate.inhibitPolicyMapping = inhibitMapping;
          certificate.inhibitPolicyMappingZero = inhibitMapping === 0;
        }
        break;
      }
      case '2.5.29.54':
        certificate.inhibitAnyPolicy = readSmallInteger(reader, 'x509: invalid inhibit any policy extension');
        certificate.inhibitAnyPolicyZero = certificate.inhibitAnyPolicy === 0;
        break;
      case '1.3.6.1.5.5.7.1.1':
        for (const entry of sequenceOf(extension.value, TAG_SEQUENCE, 'x509: invalid authority info access')) {
          const fields = new DerReader(entry.contents);
          const method = oidText(readOid(fields, 'x509: invalid authority info access'));
          if (fields.peekTag() !== contextTag(6, false)) continue;
          const location = fields.readAny();
          if (!location) throw new DerError('x509: invalid authority info access');
          const text = Buffer.from(location.contents).toString('latin1');
          if (method === '1.3.6.1.5.5.7.48.1') certificate.ocspServer = append(certificate.ocspServer, text);
          else if (method === '1.3.6.1.5.5.7.48.2') certificate.issuingCertificateURL = append(certificate.issuingCertificateURL, text);
        }
        break;
      default:
        unhandled = true;
    }
    if (extension.critical && unhandled) {
      certificate.unhandledCriticalExtensions = append(certificate.unhandledCriticalExtensions, extension.id);
    }
  }
}

function parseExtension(element: DerElement): Extension {
  const reader = new DerReader(element.contents);
  const idElement = reader.read(TAG_OID);
  const id = idElement && derOid(idElement.contents);
  if (!id) throw new DerError('x509: malformed extension OID field');
  let critical = false;
  if (reader.peekTag() === TAG_BOOLEAN) critical = readBoolean(reader, 'x509: malformed extension critical field');
  const value = reader.read(TAG_OCTET_STRING);
  if (!value) throw new DerError('x509: malformed extension value field');
  return { id, critical, value: value.contents };
}

/**
 * Parses one DER certificate from the start of `der` the way Go's `parseCertificate` does, with
 * its error messages. The caller can use `raw.length` to find where the next one begins.
 */
function parseCertificateDer(der: Uint8Array): Certificate {
  const input = new DerReader(der);
  const whole = input.read(TAG_SEQUENCE);
  if (!whole) throw new DerError('x509: malformed certificate');
  const outer = new DerReader(whole.contents);
  const tbsElement = outer.read(TAG_SEQUENCE);
  if (!tbsElement) throw new DerError('x509: malformed tbs certificate');
  const tbs = new DerReader(tbsElement.contents);

  let version = 0;
  const versionElement = tbs.readOptional(contextTag(0, true), 'x509: malformed version');
  if (versionElement) {
    const inner = new DerReader(versionElement.contents);
    const value = inner.read(TAG_INTEGER);
    const parsed = value && derInteger(value.contents);
    if (parsed === undefined || !inner.empty || parsed > 0x7fffffffn) throw new DerError('x509: malformed version');
    version = Number(parsed);
  }
  if (version < 0) throw new DerError('x509: malformed version');
  version++;
  if (version > 3) throw new DerError('x509: invalid version');

  const serialNumber = readInteger(tbs, 'x509: malformed serial number');
  const innerAlgorithm = tbs.read(TAG_SEQUENCE);
  if (!innerAlgorithm) throw new DerError('x509: malformed signature algorithm identifier');
  const outerAlgorithm = outer.read(TAG_SEQUENCE);
  if (!outerAlgorithm) throw new DerError('x509: malformed algorithm identifier');
  if (!sameBytes(innerAlgorithm.contents, outerAlgorithm.contents)) {
    throw new DerError("x509: inner and outer signature algorithm identifiers don't match");
  }
  const signatureAlgorithm = signatureAlgorithmOf(parseAlgorithmIdentifier(innerAlgorithm.contents));

  const issuerElement = tbs.read(TAG_SEQUENCE);
  if (!issuerElement) throw new DerError('x509: malformed issuer');
  const issuer = parseName(issuerElement);
  const validity = tbs.read(TAG_SEQUENCE);
  if (!validity) throw new DerError('x509: malformed validity');
  const validityReader = new DerReader(validity.contents);
  const notBefore = parseTime(validityReader);
  const notAfter = parseTime(validityReader);
  const subjectElement = tbs.read(TAG_SEQUENCE);
  if (!subjectElement) throw new DerError('x509: malformed issuer');
  const subject = parseName(subjectElement);
  const spki = tbs.read(TAG_SEQUENCE);
  if (!spki) throw new DerError('x509: malformed spki');
  const spkiIdentifier = new DerReader(spki.contents).read(TAG_SEQUENCE);
  if (!spkiIdentifier) throw new DerError('x509: malformed public key algorithm identifier');
  const publicKey = parseSubjectPublicKey(spki);

  const certificate: Certificate = {
    raw: whole.element,
    rawTbs: tbsElement.element,
    rawSubjectPublicKeyInfo: spki.element,
    rawSubject: subjectElement.element,
    rawIssuer: issuerElement.element,
    signature: new Uint8Array(),
    signatureAlgorithm,
    publicKeyAlgorithm: PUBLIC_KEY_ALGORITHMS[oidText(parseAlgorithmIdentifier(spkiIdentifier.contents).oid)] ?? 0,
    publicKey,
    version,
    serialNumber,
    issuer,
    subject,
    notBefore,
    notAfter,
    keyUsage: 0,
    extensions: [],
    unhandledCriticalExtensions: null,
    extKeyUsage: null,
    unknownExtKeyUsage: null,
    basicConstraintsValid: false,
    isCA: false,
    maxPathLen: 0,
    maxPathLenZero: false,
    subjectKeyId: null,
    authorityKeyId: null,
    ocspServer: null,
    issuingCertificateURL: null,
    dnsNames: null,
    emailAddresses: null,
    ipAddresses: null,
    uris: null,
    permittedDNSDomainsCritical: false,
    permittedDNSDomains: null,
    excludedDNSDomains: null,
    permittedIPRanges: null,
    excludedIPRanges: null,
    permittedEmailAddresses: null,
    excludedEmailAddresses: null,
    permittedURIDomains: null,
    excludedURIDomains: null,
    crlDistributionPoints: null,
    policyIdentifiers: null,
    policies: null,
    inhibitAnyPolicy: 0,
    inhibitAnyPolicyZero: false,
    inhibitPolicyMapping: 0,
    inhibitPolicyMappingZero: false,
    requireExplicitPolicy: 0,
    requireExplicitPolicyZero: false,
    policyMappings: null,
  };

  if (version > 1) {
    tbs.readOptional(contextTag(1, false), 'x509: malformed issuerUniqueID');
    tbs.readOptional(contextTag(2, false), 'x509: malformed subjectUniqueID');
    if (version === 3) {
      const extensionsElement = tbs.readOptional(contextTag(3, true), 'x509: malformed extensions');
      if (extensionsElement) {
        const list = new DerReader(extensionsElement.contents).read(TAG_SEQUENCE);
        if (!list) throw new DerError('x509: malformed extensions');
        const reader = new DerReader(list.contents);
        const seen = new Set<string>();
        while (!reader.empty) {
          const element = reader.read(TAG_SEQUENCE);
          if (!element) throw new DerError('x509: malformed extension');
          const extension = parseExtension(element);
          const key = oidText(extension.id);
          if (seen.has(key)) throw new DerError(`x509: certificate contains duplicate extension with OID "${key}"`);
          seen.add(key);
          certificate.extensions.push(extension);
        }
        processExtensions(certificate);
      }
    }
  }

  const signatureElement = outer.read(TAG_BIT_STRING);
  const signature = signatureElement && derBitString(signatureElement.contents);
  if (!signature) throw new DerError('x509: malformed signature');
  certificate.signature = signature.bytes;
  return certificate;
}

/** Go's `x509.ParseCertificates`: concatenated DER certificates. */
function parseCertificatesDer(der: Uint8Array): Certificate[] {
  const certificates: Certificate[] = [];
  let rest = der;
  while (rest.length > 0) {
    const certificate = parseCertificateDer(rest);
    certificates.push(certificate);
    rest = rest.subarray(certificate.raw.length);
  }
  return certificates;
}

/** Go's `x509.ParseCertificate`: exactly one certificate. Throws BuiltinError with Go's message. */
export function parseCertificate(der: Uint8Array): Certificate {
  const certificate = guarded(() => parseCertificateDer(der));
  if (certificate.raw.length !== der.length) throw new BuiltinError('x509: trailing data');
  return certificate;
}

/** Runs a DER parse, turning its failures into built-in errors. */
function guarded<R>(parse: () => R): R {
  try {
    return parse();
  } catch (error) {
    if (error instanceof DerError) throw new BuiltinError(error.message);
    throw error;
  }
}

const bytesOrNull = (bytes: Uint8Array | null): Value => (bytes ? standardBase64(bytes) : null);
const stringsOrNull = (list: string[] | null): Value => (list ? [...list] : null);
const ipRangesOrNull = (ranges: IpRange[] | null): Value =>
  ranges ? ranges.map((range) => ObjectValue.fromRecord({ IP: ipText(range.ip), Mask: standardBase64(range.mask) })) : null;

function extensionValue(extension: Extension): ObjectValue {
  return ObjectValue.fromRecord({ Id: oidArray(extension.id), Critical: extension.critical, Value: standardBase64(extension.value) });
}

/**
 * The certificate as OPA returns it: Go's `x509.Certificate` marshalled to JSON, plus
 * `URIStrings` (the SAN URIs as text) where OPA adds it.
 */
function certificateValue(certificate: Certificate, withUriStrings: boolean): ObjectValue {
  const record: Record<string, Value> = {
    Raw: standardBase64(certificate.raw),
    RawTBSCertificate: standardBase64(certificate.rawTbs),
    RawSubjectPublicKeyInfo: standardBase64(certificate.rawSubjectPublicKeyInfo),
    RawSubject: standardBase64(certificate.rawSubject),
    RawIssuer: standardBase64(certificate.rawIssuer),
    Signature: standardBase64(certificate.signature),
    SignatureAlgorithm: certificate.signatureAlgorithm,
    PublicKeyAlgorithm: certificate.publicKeyAlgorithm,
    PublicKey: certificate.publicKey?.json ?? null,
    Version: certificate.version,
    SerialNumber: numberValue(certificate.serialNumber),
    Issuer: nameValue(certificate.issuer),
    Subject: nameValue(certificate.subject),
    NotBefore: timeValue(certificate.notBefore),
    NotAfter: timeValue(certificate.notAfter),
    KeyUsage: certificate.keyUsage,
    Extensions: certificate.extensions.length ? certificate.extensions.map(extensionValue) : null,
    ExtraExtensions: null,
    UnhandledCriticalExtensions: certificate.unhandledCriticalExtensions ? certificate.unhandledCriticalExtensions.map(oidArray) : null,
    ExtKeyUsage: certificate.extKeyUsage ? [...certificate.extKeyUsage] : null,
    UnknownExtKeyUsage: certificate.unknownExtKeyUsage ? certificate.unknownExtKeyUsage.map(oidArray) : null,
    BasicConstraintsValid: certificate.basicConstraintsValid,
    IsCA: certificate.isCA,
    MaxPathLen: certificate.maxPathLen,
    MaxPathLenZero: certificate.maxPathLenZero,
    SubjectKeyId: bytesOrNull(certificate.subjectKeyId),
    AuthorityKeyId: bytesOrNull(certificate.authorityKeyId),
    OCSPServer: stringsOrNull(certificate.ocspServer),
    IssuingCertificateURL: stringsOrNull(certificate.issuingCertificateURL),
    DNSNames: stringsOrNull(certificate.dnsNames),
    EmailAddresses: stringsOrNull(certificate.emailAddresses),
    IPAddresses: certificate.ipAddresses ? certificate.ipAddresses.map(ipText) : null,
    URIs: certificate.uris ? certificate.uris.map(goUrlValue) : null,
    PermittedDNSDomainsCritical: certificate.permittedDNSDomainsCritical,
    PermittedDNSDomains: stringsOrNull(certificate.permittedDNSDomains),
    ExcludedDNSDomains: stringsOrNull(certificate.excludedDNSDomains),
    PermittedIPRanges: ipRangesOrNull(certificate.permittedIPRanges),
    ExcludedIPRanges: ipRangesOrNull(certificate.excludedIPRanges),
    PermittedEmailAddresses: stringsOrNull(certificate.permittedEmailAddresses),
    ExcludedEmailAddresses: stringsOrNull(certificate.excludedEmailAddresses),
    PermittedURIDomains: stringsOrNull(certificate.permittedURIDomains),
    ExcludedURIDomains: stringsOrNull(certificate.excludedURIDomains),
    CRLDistributionPoints: stringsOrNull(certificate.crlDistributionPoints),
    PolicyIdentifiers: certificate.policyIdentifiers ? certificate.policyIdentifiers.map(oidArray) : null,
    Policies: stringsOrNull(certificate.policies),
    InhibitAnyPolicy: certificate.inhibitAnyPolicy,
    InhibitAnyPolicyZero: certificate.inhibitAnyPolicyZero,
    InhibitPolicyMapping: certificate.inhibitPolicyMapping,
    InhibitPolicyMappingZero: certificate.inhibitPolicyMappingZero,
    RequireExplicitPolicy: certificate.requireExplicitPolicy,
    RequireExplicitPolicyZero: certificate.requireExplicitPolicyZero,
    PolicyMappings: certificate.policyMappings
      ? certificate.policyMappings.map((mapping) =>
          ObjectValue.fromRecord({ IssuerDomainPolicy: mapping.issuerDomainPolicy, SubjectDomainPolicy: mapping.subjectDomainPolicy }),
        )
      : null,
  };
  if (withUriStrings) record.URIStrings = certificate.uris ? certificate.uris.map(goUrlText) : null;
  return ObjectValue.fromRecord(record);
}

/** OPA's certificate input: PEM text, or base64 of PEM or of DER (one or more certificates). */
function certificatesFromString(input: string): Certificate[] {
  if (input.startsWith('-----BEGIN')) return certificatesFromPem(utf8Bytes(input));
  const decoded = decodeGoBase64(input);
  if (startsWithText(decoded, '-----BEGIN')) return certificatesFromPem(decoded);
  return guarded(() => parseCertificatesDer(decoded));
}

function certificatesFromPem(pem: Uint8Array): Certificate[] {
  const chunks: Uint8Array[] = [];
  let rest = pem;
  while (rest.length > 0) {
    const { block, rest: after } = decodePem(rest);
    if (!block) break;
    if (block.type !== 'CERTIFICATE') throw new BuiltinError(`PEM block type is '${block.type}', expected CERTIFICATE`);
    chunks.push(block.bytes);
    rest = after;
  }
  return guarded(() => parseCertificatesDer(Buffer.concat(chunks)));
}

// ---------------------------------------------------------------------------------------------
// Chain verification, after Go's `Certificate.Verify`

interface VerifyOptions {
  dnsName?: string;
  /** Nanoseconds since the epoch. */
  currentTime: bigint;
  keyUsages: number[];
}

class VerifyError extends Error {}

const HASH_OF_SIGNATURE: Record<number, string> = {
  4: 'sha256', 5: 'sha384', 6: 'sha512', 10: 'sha256', 11: 'sha384', 12: 'sha512', 13: 'sha256', 14: 'sha384', 15: 'sha512',
};

function keyObjectOf(publicKey: SubjectPublicKey): nodeCrypto.KeyObject {
  return nodeCrypto.createPublicKey({ key: Buffer.from(publicKey.spki), format: 'der', type: 'spki' });
}

/** Go's `checkSignature` without SHA-1: the algorithms Go still trusts for certificate chains. */
function signatureValid(algorithm: number, signed: Uint8Array, signature: Uint8Array, publicKey: SubjectPublicKey): boolean {
  const expectedKey = algorithm >= 4 && algorithm <= 6 ? 1 : algorithm >= 13 && algorithm <= 15 ? 1 : algorithm >= 10 && algorithm <= 12 ? 3 : algorithm === 16 ? 4 : 0;
  if (expectedKey === 0) throw new VerifyError('x509: cannot verify signature: insecure or unsupported algorithm');
  if (expectedKey !== publicKey.algorithm) throw new VerifyError('x509: signature algorithm specifies a different public key type');
  const key = keyObjectOf(publicKey);
  try {
    if (algorithm === 16) return nodeCrypto.verify(null, signed, key, signature);
    const hash = HASH_OF_SIGNATURE[algorithm];
    if (algorithm >= 13) {
      const saltLength = { sha256: 32, sha384: 48, sha512: 64 }[hash as 'sha256'];
      return nodeCrypto.verify(hash, signed, { key, padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING, saltLength }, signature);
    }
    if (expectedKey === 3) return nodeCrypto.verify(hash, signed, { key, dsaEncoding: 'der' }, signature);
    return nodeCrypto.verify(hash, signed, key, signature);
  } catch {
    return false;
  }
}

function checkSignatureFrom(child: Certificate, parent: Certificate): boolean {
  if ((parent.version === 3 && !parent.basicConstraintsValid) || (parent.basicConstraintsValid && !parent.isCA)) return false;
  // Key usage bit 5 is keyCertSign.
  if (parent.keyUsage !== 0 && (parent.keyUsage & (1 << 5)) === 0) return false;
  if (!parent.publicKey) return false;
  try {
    return signatureValid(child.signatureAlgorithm, child.rawTbs, child.signature, parent.publicKey);
  } catch (error) {
    if (error instanceof VerifyError) return false;
    throw error;
  }
}

/** Go's hostname matching: exact or a leftmost "*" label, case-insensitive, ignoring one trailing dot. */
function hostnameMatches(pattern: string, host: string): boolean {
  const normalize = (text: string): string => text.toLowerCase().replace(/\.$/, '');
  const patternLabels = normalize(pattern).split('.');
  const hostLabels = normalize(host).split('.');
  if (patternLabels.length !== hostLabels.length || patternLabels.some((label) => label === '')) return false;
  return patternLabels.every((label, i) => (i === 0 && label === '*') || label === hostLabels[i]);
}

/** Go's `net.ParseIP`: dotted IPv4 or IPv6 text (zones rejected), as 4 or 16 bytes. */
function parseIpText(text: string): Uint8Array | undefined {
  const kind = isIP(text);
  if (kind === 4) return Uint8Array.from(text.split('.').map(Number));
  if (kind !== 6 || text.includes('%')) return undefined;
  let source = text;
  // A dotted IPv4 tail stands for the last two groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(source);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    source = `${source.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const groupsOf = (part: string): number[] => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const halves = source.split('::');
  const left = groupsOf(halves[0]);
  const right = halves.length > 1 ? groupsOf(halves[1]) : [];
  const groups = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  });
  return bytes;
}

function sameIp(a: Uint8Array, b: Uint8Array): boolean {
  const widen = (ip: Uint8Array): Uint8Array => (ip.length === 4 ? Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...ip]) : ip);
  return sameBytes(widen(a), widen(b));
}

/** Go's `VerifyHostname`: IP addresses against IP SANs, names against DNS SANs. */
function verifyHostname(certificate: Certificate, host: string): boolean {
  const candidate = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const ip = parseIpText(candidate);
  if (ip) return (certificate.ipAddresses ?? []).some((address) => sameIp(address, ip));
  return (certificate.dnsNames ?? []).some((name) => hostnameMatches(name, candidate));
}

/** RFC 5280 name constraints for DNS names and IP addresses, which is what Go checks most often. */
function nameConstraintsAllow(constraint: Certificate, leaf: Certificate): boolean {
  const dnsWithin = (name: string, domain: string): boolean => {
    const lowerName = name.toLowerCase();
    const lowerDomain = domain.toLowerCase();
    if (lowerDomain === '') return true;
    if (lowerDomain.startsWith('.')) return lowerName.endsWith(lowerDomain);
    return lowerName === lowerDomain || lowerName.endsWith(`.${lowerDomain}`);
  };
  const ipWithin = (ip: Uint8Array, range: IpRange): boolean => {
    if (ip.length !== range.ip.length) return false;
    return ip.every((byte, i) => (byte & range.mask[i]) === (range.ip[i] & range.mask[i]));
  };
  for (const name of leaf.dnsNames ?? []) {
    if ((constraint.excludedDNSDomains ?? []).some((domain) => dnsWithin(name, domain))) return false;
    if (constraint.permittedDNSDomains && !constraint.permittedDNSDomains.some((domain) => dnsWithin(name, domain))) return false;
  }
  for (const ip of leaf.ipAddresses ?? []) {
    const narrowed = ip.length === 16 && sameIp(ip, ip.subarray(12)) ? ip.subarray(12) : ip;
    if ((constraint.excludedIPRanges ?? []).some((range) => ipWithin(narrowed, range))) return false;
    if (constraint.permittedIPRanges && !constraint.permittedIPRanges.some((range) => ipWithin(narrowed, range))) return false;
  }
  return true;
}

type CertificateRole = 'leaf' | 'intermediate' | 'root';

/** Go's `isValid`: critical extensions, issuer linkage, validity period, CA flags and path length. */
function validInChain(certificate: Certificate, role: CertificateRole, chain: Certificate[], options: VerifyOptions): boolean {
  if (certificate.unhandledCriticalExtensions) return false;
  if (chain.length > 0 && !sameBytes(chain[chain.length - 1].rawIssuer, certificate.rawSubject)) return false;
  if (options.currentTime < timeNanoseconds(certificate.notBefore) || options.currentTime > timeNanoseconds(certificate.notAfter)) return false;
  const hasConstraints = [
    certificate.permittedDNSDomains, certificate.excludedDNSDomains, certificate.permittedIPRanges, certificate.excludedIPRanges,
  ].some((list) => list !== null);
  if (role !== 'leaf' && hasConstraints && chain.some((child) => !nameConstraintsAllow(certificate, child))) return false;
  if (role === 'intermediate' && (!certificate.basicConstraintsValid || !certificate.isCA)) return false;
  if (certificate.basicConstraintsValid && certificate.maxPathLen >= 0 && chain.length - 1 > certificate.maxPathLen) return false;
  return true;
}

function alreadyInChain(candidate: Certificate, chain: Certificate[]): boolean {
  return chain.some(
    (member) =>
      sameBytes(member.raw, candidate.raw) ||
      (sameBytes(member.rawSubject, candidate.rawSubject) && sameBytes(member.rawSubjectPublicKeyInfo, candidate.rawSubjectPublicKeyInfo)),
  );
}

/** Go's `buildChains`: depth-first from the leaf through intermediates to the root. */
function buildChains(chain: Certificate[], roots: Certificate[], intermediates: Certificate[], options: VerifyOptions, budget: { checks: number }): Certificate[][] {
  const current = chain[chain.length - 1];
  const chains: Certificate[][] = [];
  const consider = (candidate: Certificate, role: CertificateRole): void => {
    if (!candidate.publicKey || alreadyInChain(candidate, chain)) return;
    if (++budget.checks > 100) return;
    if (!checkSignatureFrom(current, candidate)) return;
    if (!validInChain(candidate, role, chain, options)) return;
    if (role === 'root') chains.push([...chain, candidate]);
    else chains.push(...buildChains([...chain, candidate], roots, intermediates, options, budget));
  };
  const parents = (pool: Certificate[]): Certificate[] => pool.filter((candidate) => sameBytes(candidate.rawSubject, current.rawIssuer));
  for (const root of parents(roots)) consider(root, 'root');
  for (const intermediate of parents(intermediates)) consider(intermediate, 'intermediate');
  return chains;
}

/** Go's `checkChainForKeyUsage`. */
function chainAllowsKeyUsages(chain: Certificate[], requested: number[]): boolean {
  const usages = [...requested];
  let remaining = usages.length;
  for (let i = chain.length - 1; i >= 0; i--) {
    const certificate = chain[i];
    if (!certificate.extKeyUsage && !certificate.unknownExtKeyUsage) continue;
    if ((certificate.extKeyUsage ?? []).includes(0)) continue;
    for (let j = 0; j < usages.length; j++) {
      if (usages[j] === -1) continue;
      if ((certificate.extKeyUsage ?? []).includes(usages[j])) continue;
      usages[j] = -1;
      if (--remaining === 0) return false;
    }
  }
  return true;
}

/**
 * OPA's chain check: the first certificate is the root, the last the leaf, the rest intermediates.
 * Returns the first verified chain, leaf first, or undefined when none verifies.
 */
function verifyChain(certificates: Certificate[], options: VerifyOptions): Certificate[] | undefined {
  if (certificates.length < 2) return undefined;
  const roots = [certificates[0]];
  const intermediates = certificates.slice(1, -1);
  const leaf = certificates[certificates.length - 1];
  if (!validInChain(leaf, 'leaf', [], options)) return undefined;
  if (options.dnsName && !verifyHostname(leaf, options.dnsName)) return undefined;
  const candidates = roots.some((root) => sameBytes(root.raw, leaf.raw))
    ? [[leaf]]
    : buildChains([leaf], roots, intermediates, options, { checks: 0 });
  if (candidates.length === 0) return undefined;
  if (options.keyUsages.includes(0)) return candidates[0];
  const usages = options.keyUsages.length ? options.keyUsages : [1];
  return candidates.find((chain) => chainAllowsKeyUsages(chain, usages));
}

const KEY_USAGE_NAMES: Record<string, number> = {
  KeyUsageAny: 0,
  KeyUsageServerAuth: 1,
  KeyUsageClientAuth: 2,
  KeyUsageCodeSigning: 3,
  KeyUsageEmailProtection: 4,
  KeyUsageIPSECEndSystem: 5,
  KeyUsageIPSECTunnel: 6,
  KeyUsageIPSECUser: 7,
  KeyUsageTimeStamping: 8,
  KeyUsageOCSPSigning: 9,
  KeyUsageMicrosoftServerGatedCrypto: 10,
  KeyUsageNetscapeServerGatedCrypto: 11,
  KeyUsageMicrosoftCommercialCodeSigning: 12,
  KeyUsageMicrosoftKernelCodeSigning: 13,
};

/** OPA's `extractVerifyOpts`, with its error messages. */
function verifyOptionsFrom(options: ObjectValue, context: BuiltinContext): VerifyOptions {
  const result: VerifyOptions = { currentTime: context.nowNs(), keyUsages: [] };
  for (const [key, value] of options.entries()) {
    if (typeof key !== 'string') continue;
    switch (key) {
      case 'DNSName':
        if (typeof value !== 'string') throw new BuiltinError("'DNSName' should be a string");
        result.dnsName = value;
        break;
      case 'CurrentTime':
        if (typeof value !== 'number' && typeof value !== 'bigint') throw new BuiltinError("'CurrentTime' should be a number");
        if (typeof value === 'number' ? !Number.isInteger(value) : value > 0x7fffffffffffffffn || value < -0x8000000000000000n) {
          throw new BuiltinError("'CurrentTime' should be a valid int64 number");
        }
        result.currentTime = BigInt(value);
        break;
      case 'MaxConstraintComparisons':
        if (typeof value !== 'number' && typeof value !== 'bigint') throw new BuiltinError("'MaxConstraintComparisons' should be a number");
        if (typeof value === 'number' && !Number.isInteger(value)) throw new BuiltinError("'MaxConstraintComparisons' should be a valid number");
        break;
      case 'KeyUsages': {
        const items = Array.isArray(value) ? value : value instanceof SetValue ? value.values() : undefined;
        if (!items) throw new BuiltinError("'KeyUsages' should be an Array or Set");
        const invalid: string[] = [];
        for (const item of items) {
          if (typeof item !== 'string') continue;
          if (item in KEY_USAGE_NAMES) result.keyUsages.push(KEY_USAGE_NAMES[item]);
          else invalid.push(item);
        }
        if (invalid.length) throw new BuiltinError(`invalid entries for 'KeyUsages' found: [${invalid.join(' ')}]`);
        break;
      }
      default:
        throw new BuiltinError('invalid key option');
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Certificate signing requests

/** Go's `asn1.Unmarshal` into `any`: the universal types it understands, null for the rest. */
function asn1AnyValue(element: DerElement): Value {
  switch (element.tag) {
    case TAG_PRINTABLE_STRING:
    case TAG_NUMERIC_STRING:
    case TAG_IA5_STRING:
    case TAG_T61_STRING:
    case TAG_UTF8_STRING:
    case TAG_BMP_STRING:
      return asn1String(element.tag, element.contents);
    case TAG_INTEGER: {
      const value = derInteger(element.contents);
      if (value === undefined) throw new DerError('asn1: invalid integer');
      return numberValue(value);
    }
    case TAG_OID: {
      const oid = derOid(element.contents);
      if (!oid) throw new DerError('asn1: invalid object identifier');
      return oidArray(oid);
    }
    case TAG_OCTET_STRING:
      return standardBase64(element.contents);
    case TAG_BIT_STRING: {
      const bits = derBitString(element.contents);
      if (!bits) throw new DerError('asn1: invalid bit string');
      return ObjectValue.fromRecord({ Bytes: standardBase64(bits.bytes), BitLength: bits.bitLength });
    }
    case TAG_UTC_TIME:
    case TAG_GENERALIZED_TIME: {
      const time = parseTimeText(bytesToText(element.contents), element.tag === TAG_UTC_TIME);
      if (!time) throw new DerError('asn1: invalid time');
      return timeValue(time);
    }
    default:
      return null;
  }
}

/**
 * Go's `parseRawAttributes`: attributes shaped as a type and a SET of SEQUENCEs of type/value
 * pairs; others (such as a challenge password) are skipped.
 */
function csrAttributeValue(attribute: DerElement): Value | undefined {
  try {
    const fields = new DerReader(attribute.contents);
    const type = readOid(fields, 'attribute');
    const set = fields.expect(TAG_SET, 'attribute');
    const groups: Value[] = [];
    const members = new DerReader(set.contents);
    while (!members.empty) {
      const group = members.expect(TAG_SEQUENCE, 'attribute');
      const pairs: Value[] = [];
      const pairReader = new DerReader(group.contents);
      while (!pairReader.empty) {
        const pair = new DerReader(pairReader.expect(TAG_SEQUENCE, 'attribute').contents);
        const pairType = readOid(pair, 'attribute');
        const value = pair.readAny();
        if (!value) throw new DerError('attribute');
        pairs.push(ObjectValue.fromRecord({ Type: oidArray(pairType), Value: asn1AnyValue(value) }));
      }
      groups.push(pairs);
    }
    return ObjectValue.fromRecord({ Type: oidArray(type), Value: groups });
  } catch {
    return undefined;
  }
}

/** Go's `x509.ParseCertificateRequest` marshalled to JSON. */
function certificateRequestValue(der: Uint8Array): ObjectValue {
  const input = new DerReader(der);
  const whole = input.read(TAG_SEQUENCE);
  if (!whole) throw new DerError('asn1: structure error: tags don\'t match');
  if (!input.empty) throw new DerError('asn1: syntax error: trailing data');
  const outer = new DerReader(whole.contents);
  const info = outer.expect(TAG_SEQUENCE, 'asn1: structure error: tags don\'t match');
  const algorithm = outer.expect(TAG_SEQUENCE, 'asn1: structure error: tags don\'t match');
  const signatureElement = outer.expect(TAG_BIT_STRING, 'asn1: structure error: tags don\'t match');
  const signature = derBitString(signatureElement.contents);
  if (!signature) throw new DerError('asn1: structure error: invalid bit string');

  const fields = new DerReader(info.contents);
  const version = readSmallInteger(fields, 'asn1: structure error: tags don\'t match');
  const subjectElement = fields.expect(TAG_SEQUENCE, 'asn1: structure error: tags don\'t match');
  const subject = parseName(subjectElement);
  const spki = fields.expect(TAG_SEQUENCE, 'asn1: structure error: tags don\'t match');
  const spkiIdentifier = new DerReader(spki.contents).expect(TAG_SEQUENCE, 'x509: malformed public key algorithm identifier');
  const publicKeyAlgorithm = PUBLIC_KEY_ALGORITHMS[oidText(parseAlgorithmIdentifier(spkiIdentifier.contents).oid)] ?? 0;
  const publicKey = parseSubjectPublicKey(spki);
  const attributesElement = fields.readOptional(contextTag(0, true), 'asn1: structure error: tags don\'t match');

  const attributes: Value[] = [];
  const extensions: Extension[] = [];
  if (attributesElement) {
    const reader = new DerReader(attributesElement.contents);
    while (!reader.empty) {
      const attribute = reader.readAny();
      if (!attribute) throw new DerError('asn1: syntax error: data truncated');
      const parsed = csrAttributeValue(attribute);
      if (parsed !== undefined) attributes.push(parsed);
      // The extension request attribute carries the requested extensions.
      const attributeFields = new DerReader(attribute.contents);
      const type = attributeFields.read(TAG_OID);
      if (type && oidText(derOid(type.contents) ?? []) === '1.2.840.113549.1.9.14') {
        const values = attributeFields.read(TAG_SET);
        if (!values) throw new DerError('x509: invalid extension request');
        const first = new DerReader(values.contents).read(TAG_SEQUENCE);
        if (!first) throw new DerError('x509: invalid extension request');
        for (const item of sequenceOf(first.element, TAG_SEQUENCE, 'x509: invalid extension request')) extensions.push(parseExtension(item));
      }
    }
  }

  let names: SubjectAltNames = { dnsNames: null, emailAddresses: null, ipAddresses: null, uris: null };
  for (const extension of extensions) {
    if (oidText(extension.id) === '2.5.29.17') names = parseSubjectAltNames(extension.value);
  }

  return ObjectValue.fromRecord({
    Raw: standardBase64(whole.element),
    RawTBSCertificateRequest: standardBase64(info.element),
    RawSubjectPublicKeyInfo: standardBase64(spki.element),
    RawSubject: standardBase64(subjectElement.element),
    Version: version,
    Signature: standardBase64(signature.bytes),
    SignatureAlgorithm: signatureAlgorithmOf(parseAlgorithmIdentifier(algorithm.contents)),
    PublicKeyAlgorithm: publicKeyAlgorithm,
    PublicKey: publicKey?.json ?? null,
    Subject: nameValue(subject),
    Attributes: attributes.length ? attributes : null,
    Extensions: extensions.length ? extensions.map(extensionValue) : null,
    ExtraExtensions: null,
    DNSNames: stringsOrNull(names.dnsNames),
    EmailAddresses: stringsOrNull(names.emailAddresses),
    IPAddresses: names.ipAddresses ? names.ipAddresses.map(ipText) : null,
    URIs: names.uris ? names.uris.map(goUrlValue) : null,
  });
}

// ---------------------------------------------------------------------------------------------
// Private keys

type PrivateKeyFormat = 'pkcs1' | 'pkcs8' | 'sec1';

/** The tag of each format's second field: PKCS #1 a modulus, PKCS #8 an algorithm, SEC 1 a key string. */
const SECOND_FIELD: Record<PrivateKeyFormat, number> = { pkcs1: TAG_INTEGER, pkcs8: TAG_SEQUENCE, sec1: TAG_OCTET_STRING };

function tryPrivateKey(der: Uint8Array, type: PrivateKeyFormat): nodeCrypto.KeyObject | undefined {
  // OpenSSL is lenient about which format it is given; Go is not, so check the outline first.
  const input = new DerReader(der);
  const outer = input.read(TAG_SEQUENCE);
  if (!outer || !input.empty) return undefined;
  const fields = new DerReader(outer.contents);
  if (!fields.read(TAG_INTEGER) || fields.peekTag() !== SECOND_FIELD[type]) return undefined;
  try {
    const key = nodeCrypto.createPrivateKey({ key: Buffer.from(der), format: 'der', type });
    if (type === 'pkcs1' && key.asymmetricKeyType !== 'rsa') return undefined;
    if (type === 'sec1' && key.asymmetricKeyType !== 'ec') return undefined;
    return key;
  } catch {
    return undefined;
  }
}

/** Key types Go's `ParsePKCS8PrivateKey` returns. */
const PKCS8_KEY_TYPES = new Set(['rsa', 'ec', 'ed25519', 'x25519']);

/**
 * Go's `ParsePKCS1PrivateKey`, `ParsePKCS8PrivateKey` and `ParseECPrivateKey`, with Go's hint
 * when the bytes are a key in one of the other formats.
 */
function parsePrivateKeyDer(der: Uint8Array, format: PrivateKeyFormat): nodeCrypto.KeyObject {
  const key = tryPrivateKey(der, format);
  if (key) {
    if (format === 'pkcs8' && !PKCS8_KEY_TYPES.has(key.asymmetricKeyType ?? '')) {
      throw new BuiltinError('x509: PKCS#8 wrapping contained private key with unknown algorithm');
    }
    return key;
  }
  const hints: [PrivateKeyFormat, string][] = [
    ['pkcs8', 'ParsePKCS8PrivateKey'],
    ['pkcs1', 'ParsePKCS1PrivateKey'],
    ['sec1', 'ParseECPrivateKey'],
  ];
  for (const [other, name] of hints) {
    if (other !== format && tryPrivateKey(der, other)) {
      throw new BuiltinError(`x509: failed to parse private key (use ${name} instead for this key format)`);
    }
  }
  const what = { pkcs1: 'RSA private key', pkcs8: 'private key', sec1: 'EC private key' }[format];
  throw new BuiltinError(`x509: failed to parse ${what}`);
}

/** Go's private key structs as JSON: `rsa.PrivateKey`, `ecdsa.PrivateKey`, `ed25519.PrivateKey`. */
function privateKeyValue(key: nodeCrypto.KeyObject): Value {
  const type = key.asymmetricKeyType;
  if (type === 'x25519') return new ObjectValue();
  const jwk = key.export({ format: 'jwk' }) as Record<string, string>;
  const big = (field: string): Value => numberValue(bigintFromBase64Url(jwk[field]));
  switch (type) {
    case 'rsa':
      return ObjectValue.fromRecord({
        N: big('n'),
        E: big('e'),
        D: big('d'),
        Primes: [big('p'), big('q')],
        Precomputed: ObjectValue.fromRecord({ Dp: big('dp'), Dq: big('dq'), Qinv: big('qi'), CRTValues: [] }),
      });
    case 'ec':
      return ObjectValue.fromRecord({ Curve: new ObjectValue(), X: big('x'), Y: big('y'), D: big('d') });
    case 'ed25519':
      return standardBase64(Buffer.concat([Buffer.from(jwk.d, 'base64url'), Buffer.from(jwk.x, 'base64url')]));
    default:
      return null;
  }
}

/** OPA's `getPrivateKeysFromPEMData`: every RSA, PKCS#8 and EC private key block, in order. */
function privateKeysFromPem(input: string): nodeCrypto.KeyObject[] {
  let text: Uint8Array = utf8Bytes(input);
  // Base64 of PEM is accepted too; anything that does not decode is taken as PEM text.
  try {
    text = decodeGoBase64(input);
  } catch {
    // Not base64.
  }
  const keys: nodeCrypto.KeyObject[] = [];
  let rest = text;
  while (rest.length > 0) {
    const before = rest.length;
    const { block, rest: after } = decodePem(rest);
    rest = after;
    if (!block && rest.length === 0) break;
    if (before === rest.length) break;
    if (!block) continue;
    if (block.type === 'RSA PRIVATE KEY') keys.push(parsePrivateKeyDer(block.bytes, 'pkcs1'));
    else if (block.type === 'PRIVATE KEY') keys.push(parsePrivateKeyDer(block.bytes, 'pkcs8'));
    else if (block.type === 'EC PRIVATE KEY') keys.push(parsePrivateKeyDer(block.bytes, 'sec1'));
  }
  return keys;
}

/** Go's `tls.X509KeyPair`, with the leaf populated as Go 1.23 and later do. */
function keyPairValue(certificatePem: Uint8Array, keyPem: Uint8Array): ObjectValue {
  const chain: Uint8Array[] = [];
  const skipped: string[] = [];
  let rest = certificatePem;
  for (;;) {
    const { block, rest: after } = decodePem(rest);
    if (!block) break;
    rest = after;
    if (block.type === 'CERTIFICATE') chain.push(block.bytes);
    else skipped.push(block.type);
  }
  if (chain.length === 0) {
    if (skipped.length === 0) throw new BuiltinError('tls: failed to find any PEM data in certificate input');
    if (skipped.length === 1 && skipped[0].endsWith('PRIVATE KEY')) {
      throw new BuiltinError('tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched');
    }
    throw new BuiltinError(`tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: [${skipped.join(' ')}]`);
  }

  const skippedKeys: string[] = [];
  let keyBlock: PemBlock | undefined;
  rest = keyPem;
  for (;;) {
    const { block, rest: after } = decodePem(rest);
    if (!block) {
      if (skippedKeys.length === 0) throw new BuiltinError('tls: failed to find any PEM data in key input');
      if (skippedKeys.length === 1 && skippedKeys[0] === 'CERTIFICATE') {
        throw new BuiltinError('tls: found a certificate rather than a key in the PEM for the private key');
      }
      throw new BuiltinError(`tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: [${skippedKeys.join(' ')}]`);
    }
    rest = after;
    if (block.type === 'PRIVATE KEY' || block.type.endsWith(' PRIVATE KEY')) {
      keyBlock = block;
      break;
    }
    skippedKeys.push(block.type);
  }

  const leaf = parseCertificate(chain[0]);
  const privateKey =
    tryPrivateKey(keyBlock.bytes, 'pkcs1') ??
    (() => {
      const pkcs8 = tryPrivateKey(keyBlock.bytes, 'pkcs8');
      if (pkcs8 && !['rsa', 'ec', 'ed25519'].includes(pkcs8.asymmetricKeyType ?? '')) {
        throw new BuiltinError('tls: found unknown private key type in PKCS#8 wrapping');
      }
      return pkcs8;
    })() ??
    tryPrivateKey(keyBlock.bytes, 'sec1');
  if (!privateKey) throw new BuiltinError('tls: failed to parse private key');
  if (!leaf.publicKey || leaf.publicKeyAlgorithm === 2) throw new BuiltinError('tls: unknown public key algorithm');
  const expectedType = { 1: 'rsa', 3: 'ec', 4: 'ed25519' }[leaf.publicKeyAlgorithm as 1 | 3 | 4];
  if (privateKey.asymmetricKeyType !== expectedType) throw new BuiltinError('tls: private key type does not match public key type');
  const derived = nodeCrypto.createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  if (!keyObjectOf(leaf.publicKey).equals(nodeCrypto.createPublicKey({ key: derived, format: 'der', type: 'spki' }))) {
    throw new BuiltinError('tls: private key does not match public key');
  }

  return ObjectValue.fromRecord({
    Certificate: chain.map(standardBase64),
    PrivateKey: privateKeyValue(privateKey),
    SupportedSignatureAlgorithms: null,
    OCSPStaple: null,
    SignedCertificateTimestamps: null,
    Leaf: certificateValue(leaf, false),
  });
}

/** OPA accepts the key pair inputs as PEM, base64 of PEM, or base64 of DER (wrapped into PEM). */
function pemInput(text: string, type: string): Uint8Array {
  if (text.startsWith('-----BEGIN ')) return utf8Bytes(text);
  const decoded = decodeGoBase64(text);
  if (startsWithText(decoded, '-----BEGIN')) return decoded;
  return utf8Bytes(encodePem(type, decoded));
}

// ---------------------------------------------------------------------------------------------
// Public keys for signature verification (shared with the token family)

/** A key loaded for verification: a Node public key, or raw bytes for HMAC secrets. */
export type VerificationKey = { kind: 'public'; key: nodeCrypto.KeyObject } | { kind: 'secret'; bytes: Uint8Array };

/** A public key from SubjectPublicKeyInfo DER, as Go's `ParsePKIXPublicKey` would accept it. */
export function publicKeyFromSpki(der: Uint8Array): nodeCrypto.KeyObject {
  const key = nodeCrypto.createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
  if (!['rsa', 'ec', 'ed25519', 'x25519', 'dsa'].includes(key.asymmetricKeyType ?? '')) {
    throw new BuiltinError('x509: unknown public key algorithm');
  }
  return key;
}

/** The public key of a certificate, or undefined when Go would leave it nil. */
export function certificatePublicKey(certificate: Certificate): nodeCrypto.KeyObject | undefined {
  return certificate.publicKey ? keyObjectOf(certificate.publicKey) : undefined;
}

// ---------------------------------------------------------------------------------------------
// The built-ins

const CERTIFICATE_LIST = T.array(T.object(T.string, T.any));

function hashBuiltin(name: string, algorithm: string, description: string): Builtin {
  return {
    name,
    params: [{ name: 'x', type: T.string, description: 'The text to hash, as UTF-8 bytes.' }],
    result: { name: 'y', type: T.string, description: 'The digest in lowercase hexadecimal.' },
    description,
    categories: [],
    impl(args) {
      const text = expectString(args, 0);
      return nodeCrypto.createHash(algorithm).update(text, 'utf8').digest('hex');
    },
  };
}

function hmacBuiltin(name: string, algorithm: string, label: string): Builtin {
  return {
    name,
    params: [
      { name: 'x', type: T.string, description: 'The message to authenticate.' },
      { name: 'key', type: T.string, description: 'The secret key.' },
    ],
    result: { name: 'y', type: T.string, description: `The ${label} HMAC in lowercase hexadecimal.` },
    description: `Computes an HMAC of a message with ${label} as the hash function.`,
    categories: [],
    impl(args) {
      const message = expectString(args, 0);
      const key = expectString(args, 1);
      return nodeCrypto.createHmac(algorithm, Buffer.from(key, 'utf8')).update(message, 'utf8').digest('hex');
    },
  };
}

export const builtins: Builtin[] = [
  hashBuiltin('crypto.md5', 'md5', 'Computes the MD5 digest of a string.'),
  hashBuiltin('crypto.sha1', 'sha1', 'Computes the SHA-1 digest of a string.'),
  hashBuiltin('crypto.sha256', 'sha256', 'Computes the SHA-256 digest of a string.'),
  hmacBuiltin('crypto.hmac.md5', 'md5', 'MD5'),
  hmacBuiltin('crypto.hmac.sha1', 'sha1', 'SHA-1'),
  hmacBuiltin('crypto.hmac.sha256', 'sha256', 'SHA-256'),
  hmacBuiltin('crypto.hmac.sha512', 'sha512', 'SHA-512'),
  {
    name: 'crypto.hmac.equal',
    params: [
      { name: 'mac1', type: T.string, description: 'The first MAC.' },
      { name: 'mac2', type: T.string, description: 'The second MAC.' },
    ],
    result: { name: 'result', type: T.boolean, description: 'Whether the two MACs are byte-for-byte equal.' },
    description: 'Compares two MACs in constant time, so the comparison does not reveal where they differ.',
    categories: [],
    impl(args) {
      const first = Buffer.from(expectString(args, 0), 'utf8');
      const second = Buffer.from(expectString(args, 1), 'utf8');
      return first.length === second.length && nodeCrypto.timingSafeEqual(first, second);
    },
  },
  {
    name: 'crypto.x509.parse_certificates',
    params: [{ name: 'certs', type: T.string, description: 'PEM certificates, or base64 of PEM or of concatenated DER certificates.' }],
    result: { name: 'output', type: CERTIFICATE_LIST, description: 'One object per certificate, with the fields of Go\'s x509.Certificate and URIStrings.' },
    description: 'Parses X.509 certificates without checking them.',
    categories: [],
    impl(args) {
      const input = expectString(args, 0);
      return certificatesFromString(input).map((certificate) => certificateValue(certificate, true));
    },
  },
  {
    name: 'crypto.x509.parse_and_verify_certificates',
    params: [{ name: 'certs', type: T.string, description: 'A chain as PEM or base64: the root first, then intermediates, the leaf last.' }],
    result: {
      name: 'output',
      type: T.tuple(T.boolean, CERTIFICATE_LIST),
      description: 'Whether the chain verifies, and the verified chain from leaf to root (empty when it does not).',
    },
    description: 'Parses a certificate chain and verifies it at the current time, for server authentication.',
    categories: [],
    impl(args, context) {
      const input = expectString(args, 0);
      return verifiedChainValue(input, () => ({ currentTime: context.nowNs(), keyUsages: [] }), true);
    },
  },
  {
    name: 'crypto.x509.parse_and_verify_certificates_with_options',
    params: [
      { name: 'certs', type: T.string, description: 'A chain as PEM or base64: the root first, then intermediates, the leaf last.' },
      {
        name: 'options',
        type: T.object(T.string, T.any),
        description: 'Verification options: DNSName, CurrentTime (nanoseconds), MaxConstraintComparisons and KeyUsages.',
      },
    ],
    result: {
      name: 'output',
      type: T.tuple(T.boolean, CERTIFICATE_LIST),
      description: 'Whether the chain verifies, and the verified chain from leaf to root (empty when it does not).',
    },
    description: 'Parses a certificate chain and verifies it with the given options.',
    categories: [],
    impl(args, context) {
      const input = expectString(args, 0);
      const options = expectObject(args, 1);
      return verifiedChainValue(input, () => verifyOptionsFrom(options, context), false);
    },
  },
  {
    name: 'crypto.x509.parse_certificate_request',
    params: [{ name: 'csr', type: T.string, description: 'A PEM certificate signing request, or base64 of PEM or DER.' }],
    result: { name: 'output', type: T.object(T.string, T.any), description: 'The fields of Go\'s x509.CertificateRequest.' },
    description: 'Parses a PKCS #10 certificate signing request.',
    categories: [],
    impl(args) {
      const input = expectString(args, 0);
      let bytes = input.startsWith('-----BEGIN CERTIFICATE REQUEST-----') ? utf8Bytes(input) : decodeGoBase64(input);
      const { block } = decodePem(bytes);
      if (block && block.type !== 'CERTIFICATE REQUEST') throw new BuiltinError('invalid PEM-encoded certificate signing request');
      if (block) bytes = block.bytes;
      return guarded(() => certificateRequestValue(bytes));
    },
  },
  {
    name: 'crypto.x509.parse_keypair',
    params: [
      { name: 'cert', type: T.string, description: 'PEM certificates, or base64 of PEM or DER.' },
      { name: 'pem', type: T.string, description: 'The private key as PEM, or base64 of PEM or PKCS #8 DER.' },
    ],
    result: { name: 'output', type: T.object(T.string, T.any), description: 'The fields of Go\'s tls.Certificate.' },
    description: 'Parses a certificate and its private key and checks that they belong together.',
    categories: [],
    impl(args) {
      const certificate = expectString(args, 0);
      // OPA reports a bad key argument as operand 1 as well.
      const key = args[1];
      if (typeof key !== 'string') throw operandError(1, 'string', key);
      return keyPairValue(pemInput(certificate, 'CERTIFICATE'), pemInput(key, 'PRIVATE KEY'));
    },
  },
  {
    name: 'crypto.x509.parse_rsa_private_key',
    params: [{ name: 'pem', type: T.string, description: 'A PEM private key, or base64 of one.' }],
    result: { name: 'output', type: T.object(T.string, T.any), description: 'The first key as a JSON Web Key.' },
    description: 'Parses a PEM private key and returns it as a JSON Web Key.',
    categories: [],
    impl(args) {
      let text = expectString(args, 0);
      if (text === '') throw new BuiltinError('input PEM data was empty');
      if (!text.startsWith('-----BEGIN')) text = bytesToText(decodeGoBase64(text));
      const keys = privateKeysFromPem(text);
      if (keys.length === 0) return null;
      const jwk = keys[0].export({ format: 'jwk' }) as Record<string, string>;
      return ObjectValue.fromRecord(jwk);
    },
  },
  {
    name: 'crypto.parse_private_keys',
    params: [{ name: 'keys', type: T.string, description: 'PEM private keys (RSA, PKCS #8 or EC), or base64 of them.' }],
    result: { name: 'output', type: T.array(T.object(T.string, T.any)), description: 'One object per key, in the shape of Go\'s key structs.' },
    description: 'Parses every private key in PEM data.',
    categories: [],
    impl(args) {
      const text = expectString(args, 0);
      if (text === '') return null;
      return privateKeysFromPem(text).map(privateKeyValue);
    },
  },
];

/**
 * The `parse_and_verify_certificates` family: unparsable input or a failed check both give
 * `[false, []]`. Options are read only after the certificates parse, as OPA does.
 */
function verifiedChainValue(input: string, options: () => VerifyOptions, withUriStrings: boolean): Value {
  let certificates: Certificate[];
  try {
    certificates = certificatesFromString(input);
  } catch (error) {
    if (error instanceof BuiltinError) return [false, []];
    throw error;
  }
  const verified = verifyChain(certificates, options());
  return verified ? [true, verified.map((certificate) => certificateValue(certificate, withUriStrings))] : [false, []];
}
