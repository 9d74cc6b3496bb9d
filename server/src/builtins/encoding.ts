/**
 * Encoding built-ins: JSON, YAML, base64, base64url, hex, URL query strings and URIs. OPA runs these
 * through Go's encoding/json, encoding/base64, encoding/hex, net/url and a yaml.v2-based YAML
 * library, so their strictness, output formatting and error messages are reproduced here: Go's JSON
 * escapes <, > and &, base64 decoding rejects bad padding, and YAML follows YAML 1.1 (yes/no are
 * booleans) with yaml.v2's output style. Decoded bytes that are not UTF-8 become U+FFFD.
 */
import YAML from 'yaml';
import { BuiltinError, T, expectObject, expectString, family, type Builtin } from './declaration.js';
import { ObjectValue, SetValue, compareStrings, normalizeNumber, numberText, parseJSON, typeOf, type Value } from '../value/value.js';
import { formatGoFloat, goQuote, isGoPrintable, regoText } from './sprintf.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

function fromBytes(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

// =============================================================================================
// JSON as Go's encoding/json reads and writes it

/** Go's quoteChar for syntax errors: the offending byte, quoted. Non-ASCII bytes show as Latin-1. */
function quoteByte(text: string, offset: number): string {
  const c = text.charCodeAt(offset);
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return `'"'`;
  const byte = c < 0x80 ? c : utf8(String.fromCodePoint(text.codePointAt(offset)!))[0];
  const quoted = goQuote(String.fromCharCode(byte));
  return `'${quoted.slice(1, -1)}'`;
}

class JsonSyntax extends Error {
  constructor(message: string, readonly unexpectedEnd = false) {
    super(message);
  }
}

/** Checks JSON text the way Go's scanner does, with its error messages. */
class GoJsonScanner {
  position = 0;
  constructor(private readonly text: string) {}

  private fail(what: string): never {
    if (this.position >= this.text.length) throw new JsonSyntax('unexpected EOF', true);
    throw new JsonSyntax(`invalid character ${quoteByte(this.text, this.position)} ${what}`);
  }

  space(): void {
    const text = this.text;
    while (this.position < text.length) {
      const c = text[this.position];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.position++;
      else break;
    }
  }

  value(): void {
    const c = this.text[this.position];
    if (c === '{') this.object();
    else if (c === '[') this.array();
    else if (c === '"') this.string();
    else if (c === '-' || (c >= '0' && c <= '9')) this.number();
    else if (c === 't') this.literal('true');
    else if (c === 'f') this.literal('false');
    else if (c === 'n') this.literal('null');
    else this.fail('looking for beginning of value');
  }

  private object(): void {
    this.position++;
    this.space();
    if (this.text[this.position] === '}') {
      this.position++;
      return;
    }
    for (;;) {
      if (this.text[this.position] !== '"') this.fail('looking for beginning of object key string');
      this.string();
      this.space();
      if (this.text[this.position] !== ':') this.fail('after object key');
      this.position++;
      this.space();
      this.value();
      this.space();
      const c = this.text[this.position];
      if (c === '}') {
        this.position++;
        return;
      }
      if (c !== ',') this.fail('after object key:value pair');
      this.position++;
      this.space();
    }
  }

  private array(): void {
    this.position++;
    this.space();
    if (this.text[this.position] === ']') {
      this.position++;
      return;
    }
    for (;;) {
      this.value();
      this.space();
      const c = this.text[this.position];
      if (c === ']') {
        this.position++;
        return;
      }
      if (c !== ',') this.fail('after array element');
      this.position++;
      this.space();
    }
  }

  private string(): void {
    this.position++;
    const text = this.text;
    for (;;) {
      const c = text[this.position];
      if (c === undefined) this.fail('in string literal');
      if (c === '"') {
        this.position++;
        return;
      }
      if (c === '\\') {
        this.position++;
        const escape = text[this.position];
        if (escape === 'u') {
          for (let i = 0; i < 4; i++) {
            this.position++;
            if (!/[0-9a-fA-F]/.test(text[this.position] ?? '')) this.fail('in \\u hexadecimal character escape');
          }
        } else if (escape === undefined || !'"\\/bfnrt'.includes(escape)) {
          this.fail('in string escape code');
        }
        this.position++;
        continue;
      }
      if (c.charCodeAt(0) < 0x20) this.fail('in string literal');
      this.position++;
    }
  }

  private digits(): void {
    while (/[0-9]/.test(this.text[this.position] ?? '')) this.position++;
  }

  private number(): void {
    const text = this.text;
    if (text[this.position] === '-') {
      this.position++;
      if (!/[0-9]/.test(text[this.position] ?? '')) this.fail('in numeric literal');
    }
    if (text[this.position] === '0') this.position++;
    else this.digits();
    if (text[this.position] === '.') {
      this.position++;
      if (!/[0-9]/.test(text[this.position] ?? '')) this.fail('after decimal point in numeric literal');
      this.digits();
    }
    if (text[this.position] === 'e' || text[this.position] === 'E') {
      this.position++;
      if (text[this.position] === '+' || text[this.position] === '-') this.position++;
      if (!/[0-9]/.test(text[this.position] ?? '')) this.fail('in exponent of numeric literal');
      this.digits();
    }
  }

  private literal(word: string): void {
    for (let i = 1; i < word.length; i++) {
      this.position++;
      if (this.text[this.position] !== word[i]) this.fail(`in literal ${word} (expecting '${word[i]}')`);
    }
    this.position++;
  }
}

/**
 * The complaint Go's JSON decoder has about the first value in the text, or undefined when that
 * value is well formed (what follows it is not looked at).
 */
export function goJsonSyntaxError(text: string): string | undefined {
  const scanner = new GoJsonScanner(text);
  scanner.space();
  if (scanner.position >= text.length) return 'EOF';
  try {
    scanner.value();
    return undefined;
  } catch (error) {
    if (error instanceof JsonSyntax) return error.message;
    throw error;
  }
}

/** json.Valid: exactly one JSON value, with white space around it only. */
export function isValidJson(text: string): boolean {
  const scanner = new GoJsonScanner(text);
  try {
    scanner.space();
    scanner.value();
    scanner.space();
    return scanner.position === text.length;
  } catch (error) {
    if (error instanceof JsonSyntax) return false;
    throw error;
  }
}

/**
 * Decodes JSON as OPA's json.unmarshal does: Go's streaming decoder reads one value, then whatever
 * follows must be nothing (or `null`, which Go's token reader does not notice). Integers stay exact.
 */
function unmarshalJson(text: string): Value {
  const scanner = new GoJsonScanner(text);
  scanner.space();
  if (scanner.position >= text.length) throw new BuiltinError('EOF');
  let end: number;
  try {
    scanner.value();
    end = scanner.position;
  } catch (error) {
    if (error instanceof JsonSyntax) throw new BuiltinError(error.message);
    throw error;
  }
  // What Go's Decoder.Token finds after the value.
  scanner.space();
  if (scanner.position < text.length) {
    const start = scanner.position;
    const c = text[start];
    if (c === '{' || c === '[') throw new BuiltinError(`error: invalid character '${c}' after top-level value`);
    if (c === ']' || c === '}' || c === ',' || c === ':') {
      throw new BuiltinError(`invalid character ${quoteByte(text, start)} looking for beginning of value`);
    }
    try {
      scanner.value();
    } catch (error) {
      if (error instanceof JsonSyntax) throw new BuiltinError(error.message);
      throw error;
    }
    const token = text.slice(start, scanner.position);
    if (c === '"') throw new BuiltinError(`error: invalid character '${JSON.parse(token) as string}' after top-level value`);
    if (token === 'true' || token === 'false') throw new BuiltinError(`error: invalid character '%!s(bool=${token})' after top-level value`);
    if (token !== 'null') throw new BuiltinError(`error: invalid character '${token}' after top-level value`);
  }
  return parseJSON(text.slice(0, end));
}

/** encoding/json's string escaping, HTML-safe as json.Marshal is by default. */
export function goJsonString(text: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let escaped: string | undefined;
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26) {
      switch (c) {
        case 0x22:
          escaped = '\\"';
          break;
        case 0x5c:
          escaped = '\\\\';
          break;
        case 0x08:
          escaped = '\\b';
          break;
        case 0x0c:
          escaped = '\\f';
          break;
        case 0x0a:
          escaped = '\\n';
          break;
        case 0x0d:
          escaped = '\\r';
          break;
        case 0x09:
          escaped = '\\t';
          break;
        default:
          escaped = '\\u00' + c.toString(16).padStart(2, '0');
      }
    } else if (c === 0x2028 || c === 0x2029) {
      escaped = '\\u202' + (c & 0xf).toString(16);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // A lone surrogate is not valid UTF-8; Go writes the replacement character instead.
      const pair = c <= 0xdbff && i + 1 < text.length && text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff;
      if (pair) {
        i++;
        continue;
      }
      escaped = '\\ufffd';
    }
    if (escaped !== undefined) {
      out += text.slice(start, i) + escaped;
      start = i + 1;
    }
  }
  return out + text.slice(start) + '"';
}

/**
 * A value as OPA hands it to Go's JSON encoder: objects become maps keyed by text (non-string keys
 * are written as their JSON), sorted by that text in byte order; sets become arrays.
 */
function jsonEntries(object: ObjectValue): [string, Value][] {
  const byKey = new Map<string, Value>();
  for (const [key, value] of object.entries()) byKey.set(typeof key === 'string' ? key : goJson(key), value);
  return [...byKey].sort((a, b) => compareStrings(a[0], b[0]));
}

/** json.Marshal (indent undefined) or json.MarshalIndent of a value. */
export function goJson(value: Value, indent?: { prefix: string; indent: string }, depth = 0): string {
  switch (typeof value) {
    case 'string':
      return goJsonString(value);
    case 'number':
    case 'bigint':
      return numberText(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default: {
      if (value === null) return 'null';
      let items: string[];
      let open = '[';
      let close = ']';
      if (Array.isArray(value) || value instanceof SetValue) {
        const elements = Array.isArray(value) ? value : value.values();
        items = elements.map((item) => goJson(item, indent, depth + 1));
      } else {
        open = '{';
        close = '}';
        const separator = indent ? ': ' : ':';
        items = jsonEntries(value).map(([k, v]) => goJsonString(k) + separator + goJson(v, indent, depth + 1));
      }
      if (items.length === 0) return open + close;
      if (!indent) return open + items.join(',') + close;
      const inner = '\n' + indent.prefix + indent.indent.repeat(depth + 1);
      const outer = '\n' + indent.prefix + indent.indent.repeat(depth);
      return open + inner + items.join(',' + inner) + outer + close;
    }
  }
}

// =============================================================================================
// base64 and hex as Go decodes them

const STANDARD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function base64Encode(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const chunk = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const count = Math.min(3, bytes.length - i);
    out += alphabet[(chunk >> 18) & 63] + alphabet[(chunk >> 12) & 63];
    out += count > 1 ? alphabet[(chunk >> 6) & 63] : pad ? '=' : '';
    out += count > 2 ? alphabet[chunk & 63] : pad ? '=' : '';
  }
  return out;
}

/**
 * Go's padded base64 decoding: four-character groups, '=' padding only at the end, line breaks
 * ignored, and "illegal base64 data at input byte N" for anything else.
 */
function base64Decode(text: string, alphabet: string): Uint8Array {
  const source = utf8(text);
  const lookup = new Map<number, number>();
  for (let i = 0; i < alphabet.length; i++) lookup.set(alphabet.charCodeAt(i), i);
  const out: number[] = [];
  const corrupt = (offset: number): never => {
    throw new BuiltinError(`illegal base64 data at input byte ${offset}`);
  };
  const isLineBreak = (b: number) => b === 0x0a || b === 0x0d;
  let si = 0;
  while (si < source.length) {
    const quantum = [0, 0, 0, 0];
    let length = 4;
    let trailingError: number | undefined;
    let j = 0;
    for (; j < 4; j++) {
      if (si === source.length) {
        if (j === 0) return Uint8Array.from(out);
        corrupt(si - j);
      }
      const byte = source[si++];
      const decoded = lookup.get(byte);
      if (decoded !== undefined) {
        quantum[j] = decoded;
        continue;
      }
      if (isLineBreak(byte)) {
        j--;
        continue;
      }
      if (byte !== 0x3d) corrupt(si - 1);
      // Padding: only in the third or fourth place, and "==" when in the third.
      if (j < 2) corrupt(si - 1);
      if (j === 2) {
        while (si < source.length && isLineBreak(source[si])) si++;
        if (si === source.length) corrupt(source.length);
        if (source[si] !== 0x3d) corrupt(si - 1);
        si++;
      }
      while (si < source.length && isLineBreak(source[si])) si++;
      if (si < source.length) trailingError = si;
      length = j;
      break;
    }
    const value = (quantum[0] << 18) | (quantum[1] << 12) | (quantum[2] << 6) | quantum[3];
    if (length >= 2) out.push((value >> 16) & 0xff);
    if (length >= 3) out.push((value >> 8) & 0xff);
    if (length >= 4) out.push(value & 0xff);
    if (trailingError !== undefined) corrupt(trailingError);
    if (length < 4) break;
  }
  return Uint8Array.from(out);
}

function hexDecode(text: string): Uint8Array {
  const source = utf8(text);
  const value = (byte: number): number => {
    if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
    if (byte >= 0x61 && byte <= 0x66) return byte - 0x61 + 10;
    if (byte >= 0x41 && byte <= 0x46) return byte - 0x41 + 10;
    return -1;
  };
  const invalid = (byte: number): never => {
    const hexDigits = byte.toString(16).toUpperCase().padStart(4, '0');
    // Go prints the byte as a rune (%#U), so bytes above 0x7f show as Latin-1 characters.
    const shown = isGoPrintable(byte) ? ` '${String.fromCharCode(byte)}'` : '';
    throw new BuiltinError(`encoding/hex: invalid byte: U+${hexDigits}${shown}`);
  };
  const out = new Uint8Array(source.length >> 1);
  let j = 1;
  for (; j < source.length; j += 2) {
    const high = value(source[j - 1]);
    const low = value(source[j]);
    if (high < 0) invalid(source[j - 1]);
    if (low < 0) invalid(source[j]);
    out[(j - 1) >> 1] = (high << 4) | low;
  }
  if (source.length % 2 === 1) {
    if (value(source[j - 1]) < 0) invalid(source[j - 1]);
    throw new BuiltinError('encoding/hex: odd length hex string');
  }
  return out;
}

// =============================================================================================
// net/url: escaping, query strings and URL parsing

type UrlPart = 'path' | 'host' | 'query' | 'fragment';

/** Go's shouldEscape for the parts of a URL this file needs. */
function shouldEscape(byte: number, part: UrlPart): boolean {
  const c = String.fromCharCode(byte);
  if (/[A-Za-z0-9]/.test(c)) return false;
  if (part === 'host' && `!$&'()*+,;=:[]<>"`.includes(c)) return false;
  if ('-_.~'.includes(c)) return false;
  if ('$&+,/:;=?@'.includes(c)) {
    if (part === 'path') return c === '?';
    if (part === 'query') return true;
    if (part === 'fragment') return false;
  }
  if (part === 'fragment' && '!()*'.includes(c)) return false;
  return true;
}

function escapeUrl(text: string, part: UrlPart): string {
  let out = '';
  for (const byte of utf8(text)) {
    if (!shouldEscape(byte, part)) out += String.fromCharCode(byte);
    else if (byte === 0x20 && part === 'query') out += '+';
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** url.QueryEscape: everything but letters, digits and -_.~ is %-escaped; spaces become '+'. */
export function queryEscape(text: string): string {
  return escapeUrl(text, 'query');
}

class UrlError extends Error {}

/** Go's unescape: checks every %XX (and, in hosts, which characters may appear), then decodes. */
function unescapeUrl(text: string, part: UrlPart): string {
  const isHex = (c: string | undefined) => c !== undefined && /[0-9a-fA-F]/.test(c);
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c === '%') {
      if (!isHex(text[i + 1]) || !isHex(text[i + 2])) {
        throw new UrlError(`invalid URL escape ${goQuote(text.slice(i, i + 3))}`);
      }
      if (part === 'host' && parseInt(text[i + 1], 16) < 8 && text.slice(i, i + 3) !== '%25') {
        throw new UrlError(`invalid URL escape ${goQuote(text.slice(i, i + 3))}`);
      }
      i += 3;
    } else {
      const code = text.charCodeAt(i);
      if (part === 'host' && code < 0x80 && shouldEscape(code, part)) {
        throw new UrlError(`invalid character ${goQuote(c)} in host name`);
      }
      i++;
    }
  }
  if (!text.includes('%') && !(part === 'query' && text.includes('+'))) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c === '%') {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 3;
    } else if (c === '+' && part === 'query') {
      bytes.push(0x20);
      i++;
    } else {
      const length = text.codePointAt(i)! > 0xffff ? 2 : 1;
      bytes.push(...utf8(text.slice(i, i + length)));
      i += length;
    }
  }
  return fromBytes(Uint8Array.from(bytes));
}

/** url.ParseQuery: every value for every key, in order; the first error is reported after all pairs. */
function parseQuery(query: string): { values: Map<string, string[]>; error?: string } {
  const values = new Map<string, string[]>();
  let error: string | undefined;
  for (const pair of query === '' ? [] : query.split('&')) {
    if (pair.includes(';')) {
      error = 'invalid semicolon separator in query';
      continue;
    }
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const rawKey = equals < 0 ? pair : pair.slice(0, equals);
    const rawValue = equals < 0 ? '' : pair.slice(equals + 1);
    try {
      const key = unescapeUrl(rawKey, 'query');
      const value = unescapeUrl(rawValue, 'query');
      const list = values.get(key);
      if (list) list.push(value);
      else values.set(key, [value]);
    } catch (thrown) {
      if (!(thrown instanceof UrlError)) throw thrown;
      error ??= thrown.message;
    }
  }
  return { values, error };
}

interface ParsedUrl {
  scheme: string;
  opaque: string;
  host: string;
  path: string;
  rawPath: string;
  rawQuery: string;
  fragment: string;
}

function validOptionalPort(port: string): boolean {
  return port === '' || /^:[0-9]*$/.test(port);
}

function splitHostPort(hostPort: string): { host: string; port: string } {
  let host = hostPort;
  let port = '';
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && validOptionalPort(host.slice(colon))) {
    port = host.slice(colon + 1);
    host = host.slice(0, colon);
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host, port };
}

function parseHost(host: string): string {
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0) throw new UrlError("missing ']' in host");
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) throw new UrlError(`invalid port ${goQuote(colonPort)} after host`);
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0) {
      const colonPort = host.slice(colon);
      if (!validOptionalPort(colonPort)) throw new UrlError(`invalid port ${goQuote(colonPort)} after host`);
    }
  }
  return unescapeUrl(host, 'host');
}

/** The user information of an authority may only use these characters (RFC 3986 §3.2.1). */
function validUserinfo(text: string): boolean {
  return /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(text);
}

/** Go's url.Parse, for the parts uri.parse reports. Throws UrlError with Go's reason. */
function parseUrl(raw: string): ParsedUrl {
  const hash = raw.indexOf('#');
  const withoutFragment = hash < 0 ? raw : raw.slice(0, hash);
  const fragmentText = hash < 0 ? '' : raw.slice(hash + 1);
  const parsed: ParsedUrl = { scheme: '', opaque: '', host: '', path: '', rawPath: '', rawQuery: '', fragment: '' };
  const fail = (message: string, text = withoutFragment): never => {
    throw new UrlError(`parse ${goQuote(text)}: ${message}`);
  };
  if (/[\x00-\x1f\x7f]/.test(withoutFragment)) fail('net/url: invalid control character in URL');
  if (withoutFragment === '*') {
    parsed.path = '*';
  } else {
    let rest = withoutFragment;
    for (let i = 0; i < rest.length; i++) {
      const c = rest[i];
      if (/[A-Za-z]/.test(c)) continue;
      if (/[0-9+\-.]/.test(c)) {
        if (i === 0) break;
        continue;
      }
      if (c === ':') {
        if (i === 0) fail('missing protocol scheme');
        parsed.scheme = rest.slice(0, i).toLowerCase();
        rest = rest.slice(i + 1);
      }
      break;
    }
    if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) {
      rest = rest.slice(0, -1);
    } else {
      const question = rest.indexOf('?');
      if (question >= 0) {
        parsed.rawQuery = rest.slice(question + 1);
        rest = rest.slice(0, question);
      }
    }
    let opaque = false;
    if (!rest.startsWith('/')) {
      if (parsed.scheme !== '') {
        parsed.opaque = rest;
        opaque = true;
      } else if (rest.split('/')[0].includes(':')) {
        fail('first path segment in URL cannot contain colon');
      }
    }
    if (!opaque) {
      if ((parsed.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
        let authority = rest.slice(2);
        rest = '';
        const slash = authority.indexOf('/');
        if (slash >= 0) {
          rest = authority.slice(slash);
          authority = authority.slice(0, slash);
        }
        const at = authority.lastIndexOf('@');
        try {
          parsed.host = parseHost(at < 0 ? authority : authority.slice(at + 1));
          if (at >= 0) {
            const userinfo = authority.slice(0, at);
            if (!validUserinfo(userinfo)) throw new UrlError('net/url: invalid userinfo');
            unescapeUrl(userinfo, 'path');
          }
        } catch (error) {
          if (error instanceof UrlError) fail(error.message);
          throw error;
        }
      }
      try {
        parsed.path = unescapeUrl(rest, 'path');
      } catch (error) {
        if (error instanceof UrlError) fail(error.message);
        throw error;
      }
      parsed.rawPath = escapeUrl(parsed.path, 'path') === rest ? '' : rest;
    }
  }
  if (fragmentText !== '') {
    try {
      parsed.fragment = unescapeUrl(fragmentText, 'fragment');
    } catch (error) {
      if (error instanceof UrlError) fail(error.message, raw);
      throw error;
    }
  }
  return parsed;
}

// =============================================================================================
// YAML as OPA reads and writes it (YAML 1.1 resolution, yaml.v2 output style)

const TIMESTAMP_TAG = 'tag:yaml.org,2002:timestamp';

/**
 * YAML 1.1 as yaml.v2 resolves it when decoding into plain Go values: yes/no/on/off are booleans,
 * but timestamps and base-60 numbers stay strings.
 */
const YAML_OPTIONS = {
  version: '1.1' as const,
  intAsBigInt: true,
  uniqueKeys: false,
  merge: true,
  customTags: (tags: YAML.Tags) => tags.filter((tag) => {
    const described = tag as { tag?: string; format?: string };
    return described.tag !== TIMESTAMP_TAG && described.format !== 'TIME';
  }),
};

function yamlErrorMessage(error: YAML.YAMLError): string {
  const line = error.linePos?.[0]?.line;
  const reason = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return line ? `yaml: line ${line}: ${reason}` : `yaml: ${reason}`;
}

/** Parses the first YAML document; throws BuiltinError with the parser's complaint. */
function parseYamlDocument(text: string): unknown {
  const documents = YAML.parseAllDocuments(text, YAML_OPTIONS);
  const list = Array.isArray(documents) ? documents : [];
  const first = list[0];
  if (!first) return null;
  const error = first.errors[0];
  if (error) throw new BuiltinError(yamlErrorMessage(error));
  return first.toJS({ mapAsMap: true, maxAliasCount: 10000 });
}

/** Go's strconv.FormatFloat(f, 'g', -1, 32), used for float map keys. */
function float32Text(value: number): string {
  const single = Math.fround(value);
  for (let digits = 1; digits <= 9; digits++) {
    const text = single.toPrecision(digits);
    if (Math.fround(Number(text)) === single) return formatGoFloat(Number(text), 'g', -1);
  }
  return formatGoFloat(single, 'g', -1);
}

/**
 * A double as OPA holds it after Go's JSON encoding: the shortest decimal text that reads back as the
 * double, so 1e23 is exactly 10^23 rather than the binary value nearest to it.
 */
function doubleValue(x: number): number | bigint {
  if (!Number.isInteger(x) || Number.isSafeInteger(x)) return normalizeNumber(x);
  const [mantissa, exponentText = '0'] = String(x).split('e');
  const [whole, fraction = ''] = mantissa.split('.');
  const exponent = Number(exponentText) - fraction.length;
  return normalizeNumber(BigInt(whole + fraction) * 10n ** BigInt(exponent));
}

/** Turns decoded YAML into a value the way sigs.k8s.io/yaml's YAML-to-JSON step does. */
function yamlToValue(data: unknown): Value {
  switch (typeof data) {
    case 'string':
    case 'boolean':
      return data;
    case 'bigint':
      // Integers beyond 64 bits are floats to yaml.v2.
      return data >= -(2n ** 63n) && data < 2n ** 64n ? normalizeNumber(data) : doubleValue(Number(data));
    case 'number':
      if (!Number.isFinite(data)) {
        throw new BuiltinError(`json: unsupported value: ${Number.isNaN(data) ? 'NaN' : data > 0 ? '+Inf' : '-Inf'}`);
      }
      return doubleValue(data);
    case 'undefined':
      return null;
    case 'object': {
      if (data === null) return null;
      if (Array.isArray(data)) return data.map(yamlToValue);
      if (data instanceof Uint8Array) return fromBytes(data);
      if (data instanceof Set) return ObjectValue.from([...data].map((key) => [yamlKey(key), null]));
      if (data instanceof Map) return ObjectValue.from([...data].map(([key, value]) => [yamlKey(key), yamlToValue(value)]));
      return ObjectValue.from(Object.entries(data as Record<string, unknown>).map(([key, value]) => [key, yamlToValue(value)]));
    }
    default:
      return null;
  }
}

function yamlKey(key: unknown): string {
  switch (typeof key) {
    case 'string':
      return key;
    case 'bigint':
      return key.toString();
    case 'number':
      if (Number.isInteger(key) && Math.abs(key) < 2 ** 63) return String(key);
      if (Number.isNaN(key)) return '.nan';
      if (!Number.isFinite(key)) return key > 0 ? '.inf' : '-.inf';
      return float32Text(key);
    case 'boolean':
      return key ? 'true' : 'false';
    default:
      throw new BuiltinError(`unsupported map key of type: ${key === null ? '<nil>' : typeof key}`);
  }
}

/** yaml.v2's key order: numbers by value, strings naturally (digit runs by number, non-letters first). */
function compareYamlKeys(a: string, b: string): number {
  const ar = Array.from(a);
  const br = Array.from(b);
  const isLetter = (c: string) => /\p{L}/u.test(c);
  const isDigit = (c: string | undefined) => c !== undefined && /\p{Nd}/u.test(c);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]);
    const bl = isLetter(br[i]);
    if (al && bl) return ar[i].codePointAt(0)! - br[i].codePointAt(0)!;
    if (al || bl) return bl ? -1 : 1;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10n + BigInt(ar[ai].charCodeAt(0) - 48);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10n + BigInt(br[bi].charCodeAt(0) - 48);
    if (an !== bn) return an < bn ? -1 : 1;
    if (ai !== bi) return ai - bi;
    return ar[i].codePointAt(0)! - br[i].codePointAt(0)!;
  }
  return ar.length - br.length;
}

const YAML_BOOL_OR_NULL = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE',
  'on', 'On', 'ON', 'off', 'Off', 'OFF', '', '~', 'null', 'Null', 'NULL',
  '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '<<',
]);

/** Whether yaml.v2 would read the text, unquoted, as something other than a string. */
function resolvesToNonString(text: string): boolean {
  if (YAML_BOOL_OR_NULL.has(text)) return true;
  const first = text[0];
  if (first === '.') return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text) || /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text);
  if (!/[-+0-9]/.test(first ?? '')) return false;
  if (/^\d{4}-\d{1,2}-\d{1,2}([Tt ]\d{1,2}:\d{1,2}:\d{1,2}(\.\d*)?(Z|[-+]\d{1,2}(:\d{2})?)?)?$/.test(text)) return true;
  const plain = text.replace(/_/g, '');
  if (/^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[0-9]+)$/.test(plain)) return true;
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain)) return true;
  return false;
}

function isYamlPrintable(c: number): boolean {
  return c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);
}

function isYamlBreak(c: number | undefined): boolean {
  return c === 0x0d || c === 0x0a || c === 0x85 || c === 0x2028 || c === 0x2029;
}

function isYamlBlankOrEnd(c: number | undefined): boolean {
  return c === undefined || c === 0x20 || c === 0x09 || isYamlBreak(c);
}

interface ScalarAnalysis {
  multiline: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

/** libyaml's scalar analysis: which styles can show this text faithfully. */
function analyzeScalar(text: string): ScalarAnalysis {
  if (text === '') return { multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  const chars = Array.from(text, (c) => c.codePointAt(0)!);
  let blockIndicators = text.startsWith('---') || text.startsWith('...');
  let lineBreaks = false;
  let specialCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  let precededByWhitespace = true;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    const char = String.fromCodePoint(c);
    const followedByWhitespace = isYamlBlankOrEnd(chars[i + 1]);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(char)) blockIndicators = true;
      if ((char === '?' || char === ':') && followedByWhitespace) blockIndicators = true;
      if (char === '-' && followedByWhitespace) blockIndicators = true;
    } else {
      if (char === ':' && followedByWhitespace) blockIndicators = true;
      if (char === '#' && precededByWhitespace) blockIndicators = true;
    }
    if (!isYamlPrintable(c)) specialCharacters = true;
    if (isYamlBreak(c)) lineBreaks = true;
    if (c === 0x20) {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isYamlBreak(c)) {
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousBreak = true;
      previousSpace = false;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isYamlBlankOrEnd(c);
  }
  let blockPlainAllowed = true;
  let singleQuotedAllowed = true;
  let blockAllowed = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlainAllowed = false;
  if (trailingSpace) blockAllowed = false;
  if (breakSpace) {
    blockPlainAllowed = false;
    singleQuotedAllowed = false;
  }
  if (spaceBreak || specialCharacters) {
    blockPlainAllowed = false;
    singleQuotedAllowed = false;
    blockAllowed = false;
  }
  if (lineBreaks) blockPlainAllowed = false;
  if (blockIndicators) blockPlainAllowed = false;
  return { multiline: lineBreaks, blockPlainAllowed, singleQuotedAllowed, blockAllowed };
}

type ScalarStyle = 'plain' | 'single' | 'double' | 'literal';

/** The emitter of libyaml, reduced to block collections of JSON-like data. */
class YamlEmitter {
  out = '';
  private column = 0;
  private whitespace = true;
  private indention = true;
  private indent = -1;
  private readonly indents: number[] = [];
  private static readonly BEST_INDENT = 2;
  private static readonly BEST_WIDTH = 80;

  private put(char: string): void {
    this.out += char;
    this.column++;
  }

  private putBreak(): void {
    this.out += '\n';
    this.column = 0;
  }

  private writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }

  private writeIndicator(text: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    for (const char of text) this.put(char);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? YamlEmitter.BEST_INDENT : 0;
    else if (!indentless) this.indent += YamlEmitter.BEST_INDENT;
  }

  private restoreIndent(): void {
    this.indent = this.indents.pop()!;
  }

  document(value: Value): string {
    this.node(value, 'root');
    this.writeIndent();
    return this.out;
  }

  private node(value: Value, context: 'root' | 'sequence' | 'mapping' | 'key'): void {
    if (Array.isArray(value) || value instanceof SetValue) {
      const items = Array.isArray(value) ? value : value.values();
      if (items.length === 0) return this.emptyCollection('[', ']');
      this.increaseIndent(false, context === 'mapping' && !this.indention);
      for (const item of items) {
        this.writeIndent();
        this.writeIndicator('-', true, false, true);
        this.node(item, 'sequence');
      }
      this.restoreIndent();
      return;
    }
    if (value instanceof ObjectValue) {
      const entries = jsonEntries(value).sort((a, b) => compareYamlKeys(a[0], b[0]));
      if (entries.length === 0) return this.emptyCollection('{', '}');
      this.increaseIndent(false, false);
      for (const [key, item] of entries) {
        this.writeIndent();
        this.scalar(key, this.styleOfString(key, true), true);
        this.writeIndicator(':', false, false, false);
        this.node(item, 'mapping');
      }
      this.restoreIndent();
      return;
    }
    const { text, style } = this.scalarOf(value);
    this.scalar(text, style, context === 'key');
  }

  private emptyCollection(open: string, close: string): void {
    this.writeIndicator(open, true, true, false);
    this.writeIndicator(close, false, false, false);
  }

  /** The text and style yaml.v2 gives a scalar after OPA's JSON round trip. */
  private scalarOf(value: Value): { text: string; style: ScalarStyle } {
    switch (typeof value) {
      case 'string':
        return { text: value, style: this.styleOfString(value, false) };
      case 'boolean':
        return { text: value ? 'true' : 'false', style: 'plain' };
      case 'number':
        return { text: Number.isInteger(value) ? String(value) : formatGoFloat(value, 'g', -1), style: 'plain' };
      case 'bigint':
        // Integers beyond 64 bits become floats when yaml.v2 reads the JSON.
        return { text: value >= -(2n ** 63n) && value < 2n ** 64n ? value.toString() : formatGoFloat(Number(value), 'g', -1), style: 'plain' };
      default:
        return { text: 'null', style: 'plain' };
    }
  }

  /** yaml.v2 asks for a literal block when there is a newline, else plain, else double quotes. */
  private styleOfString(text: string, simpleKey: boolean): ScalarStyle {
    const analysis = analyzeScalar(text);
    let style: ScalarStyle;
    if (text.includes('\n')) style = 'literal';
    else if (!resolvesToNonString(text) && !/^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(text)) style = 'plain';
    else style = 'double';
    if (style === 'plain') {
      if (!analysis.blockPlainAllowed) style = 'single';
      if (text === '' && simpleKey) style = 'single';
    }
    if (style === 'single' && !analysis.singleQuotedAllowed) style = 'double';
    if (style === 'literal' && (!analysis.blockAllowed || simpleKey)) style = 'double';
    return style;
  }

  private scalar(text: string, style: ScalarStyle, simpleKey: boolean): void {
    this.increaseIndent(true, false);
    const allowBreaks = !simpleKey;
    switch (style) {
      case 'plain':
        this.writePlain(text, allowBreaks);
        break;
      case 'single':
        this.writeSingleQuoted(text, allowBreaks);
        break;
      case 'double':
        this.writeDoubleQuoted(text, allowBreaks);
        break;
      case 'literal':
        this.writeLiteral(text);
        break;
    }
    this.restoreIndent();
  }

  private writePlain(text: string, allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    const chars = Array.from(text);
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      if (chars[i] === ' ') {
        if (allowBreaks && !spaces && this.column > YamlEmitter.BEST_WIDTH && chars[i + 1] !== ' ') this.writeIndent();
        else this.put(' ');
        spaces = true;
      } else {
        this.put(chars[i]);
        this.indention = false;
        spaces = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  private writeSingleQuoted(text: string, allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    const chars = Array.from(text);
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const char = chars[i];
      if (char === ' ') {
        if (allowBreaks && !spaces && this.column > YamlEmitter.BEST_WIDTH && i > 0 && i < chars.length - 1 && chars[i + 1] !== ' ') {
          this.writeIndent();
        } else {
          this.put(' ');
        }
        spaces = true;
      } else {
        if (char === "'") this.put("'");
        this.put(char);
        this.indention = false;
        spaces = false;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDoubleQuoted(text: string, allowBreaks: boolean): void {
    this.writeIndicator('"', true, false, false);
    const chars = Array.from(text);
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const char = chars[i];
      const c = char.codePointAt(0)!;
      if (!isYamlPrintable(c) || c === 0xfeff || isYamlBreak(c) || char === '"' || char === '\\') {
        this.put('\\');
        const named: Record<number, string> = {
          0x00: '0', 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0a: 'n', 0x0b: 'v', 0x0c: 'f', 0x0d: 'r', 0x1b: 'e',
          0x22: '"', 0x5c: '\\', 0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P',
        };
        if (named[c] !== undefined) {
          this.put(named[c]);
        } else {
          const [letter, width] = c <= 0xff ? ['x', 2] : c <= 0xffff ? ['u', 4] : ['U', 8];
          this.put(letter as string);
          for (const digit of c.toString(16).toUpperCase().padStart(width as number, '0')) this.put(digit);
        }
        spaces = false;
      } else if (char === ' ') {
        if (allowBreaks && !spaces && this.column > YamlEmitter.BEST_WIDTH && i > 0 && i < chars.length - 1) {
          this.writeIndent();
          if (chars[i + 1] === ' ') this.put('\\');
        } else {
          this.put(' ');
        }
        spaces = true;
      } else {
        this.put(char);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeLiteral(text: string): void {
    this.writeIndicator('|', true, false, false);
    const chars = Array.from(text);
    if (chars[0] === ' ' || isYamlBreak(chars[0]?.codePointAt(0))) this.put(String(YamlEmitter.BEST_INDENT));
    const last = chars[chars.length - 1]?.codePointAt(0);
    if (!isYamlBreak(last)) this.put('-');
    else if (chars.length === 1 || isYamlBreak(chars[chars.length - 2].codePointAt(0))) this.put('+');
    this.whitespace = false;
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const char of chars) {
      if (isYamlBreak(char.codePointAt(0))) {
        if (char === '\n') this.putBreak();
        else {
          this.out += char;
          this.column = 0;
        }
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(char);
        this.indention = false;
        breaks = false;
      }
    }
  }
}

/** yaml.marshal's output: OPA's value through JSON and then yaml.v2's emitter. */
export function goYaml(value: Value): string {
  return new YamlEmitter().document(value);
}

// =============================================================================================
// Declarations

const s = T.string;

function stringArgument(args: Value[], position: number): string {
  return expectString(args, position);
}

export const builtins: Builtin[] = family([
  {
    name: 'base64.encode',
    categories: ['encoding'],
    params: [{ name: 'x', type: s, description: 'The text to encode (as UTF-8 bytes).' }],
    result: { name: 'y', type: s, description: 'The standard, padded base64 encoding.' },
    description: 'Encodes a string in standard base64, with padding.',
    impl(args) {
      return base64Encode(utf8(stringArgument(args, 0)), STANDARD_ALPHABET, true);
    },
  },
  {
    name: 'base64.decode',
    categories: ['encoding'],
    params: [{ name: 'x', type: s, description: 'Standard, padded base64 text.' }],
    result: { name: 'y', type: s, description: 'The decoded text.' },
    description: 'Decodes standard, padded base64. Malformed input or padding is an error.',
    impl(args) {
      return fromBytes(base64Decode(stringArgument(args, 0), STANDARD_ALPHABET));
    },
  },
  {
    name: 'base64.is_valid',
    categories: ['encoding'],
    params: [{ name: 'x', type: s, description: 'The text to check.' }],
    result: { name: 'result', type: T.boolean, description: 'Whether the text is valid standard, padded base64.' },
    description: 'Tells whether a string is valid standard base64 with padding. Anything but a string gives false.',
    impl(args) {
      const text = args[0];
      if (typeof text !== 'string') return false;
      try {
        base64Decode(text, STANDARD_ALPHABET);
        return true;
      } catch {
        return false;
      }
    },
  },
  {
    name: 'base64url.encode',
    categories: ['encoding'],
    params: [{ name: 'x', type: s, description: 'The text to encode (as UTF-8 bytes).' }],
    result: { name: 'y', type: s, description: 'The URL-safe base64 encoding, with padding.' },
    description: 'Encodes a string in URL-safe base64 ("-" and "_" instead of "+" and "/"), with padding.',
    impl(args) {
      return base64Encode(utf8(stringArgument(args, 0)), URL_ALPHABET, true);
    },
  },
  {
    name: 'base64url.encode_no_pad',
    categories: ['encoding'],
    params: [{ name: 'x', type: s, description: 'The text to encode (as UTF-8 bytes).' }],
    result: { name: 'y', type: s, description: 'The URL-safe base64 encoding, without padding.' },
    description: 'Encodes a string in URL-safe base64 without the trailing "=" padding.',
    impl(args) {
      return base64Encode(utf8(stringArgument(args, 0)), URL_ALPHABET, false);
    },
  },
  {
    name: 'base64url.decode',
    categories: ['encoding'],
    params: [{ name: 'x', type: s, description: 'URL-safe base64 text, with or without padding.' }],
    result: { name: 'y', type: s, description: 'The decoded text.' },
    description: 'Decodes URL-safe base64, with or without padding.',
    impl(args) {
      let text = stringArgument(args, 0);
      // Missing padding is restored first, as RFC 7515 (appendix C) describes.
      if (!text.endsWith('=')) {
        const length = utf8(text).length % 4;
        if (length === 2) text += '==';
        else if (length === 3) text += '=';
        else if (length === 1) throw new BuiltinError(`illegal base64url string: ${text}`);
      }
      return fromBytes(base64Decode(text, URL_ALPHABET));
    },
  },
  {
    name: 'hex.encode',
    categories: ['encoding'],
    params: [{ name: 'x', type: s, description: 'The text to encode (as UTF-8 bytes).' }],
    result: { name: 'y', type: s, description: 'Two lower-case hexadecimal digits per byte.' },
    description: 'Encodes a string as hexadecimal, two lower-case digits per byte.',
    impl(args) {
      return Array.from(utf8(stringArgument(args, 0)), (byte) => byte.toString(16).padStart(2, '0')).join('');
    },
  },
  {
    name: 'hex.decode',
    categories: ['encoding'],
    params: [{ name: 'x', type: s, description: 'Hexadecimal text, two digits per byte, in either case.' }],
    result: { name: 'y', type: s, description: 'The decoded text.' },
    description: 'Decodes hexadecimal text. An odd number of digits or a non-hexadecimal character is an error.',
    impl(args) {
      return fromBytes(hexDecode(stringArgument(args, 0)));
    },
  },
  {
    name: 'json.marshal',
    categories: ['encoding'],
    params: [{ name: 'x', type: T.any, description: 'The value to serialize.' }],
    result: { name: 'y', type: s, description: 'Compact JSON text.' },
    description:
      'Serializes a value to compact JSON. Object keys are sorted, sets become arrays, and <, > and & in ' +
      'strings are written as \\u escapes, as Go does.',
    impl(args) {
      return goJson(args[0]);
    },
  },
  {
    name: 'json.marshal_with_options',
    categories: ['encoding'],
    params: [
      { name: 'x', type: T.any, description: 'The value to serialize.' },
      {
        name: 'opts',
        type: T.record({ indent: s, prefix: s, pretty: T.boolean }, { key: s, value: T.any }),
        description:
          'Options: "pretty" turns multi-line output on or off, "indent" is the text for each level ' +
          '(a tab by default) and "prefix" starts every line. Giving indent or prefix implies pretty.',
      },
    ],
    result: { name: 'y', type: s, description: 'The JSON text.' },
    description: 'Serializes a value to JSON, optionally spread over indented lines.',
    impl(args) {
      const options = expectObject(args, 1);
      let indent = '\t';
      let prefix = '';
      let implicitPretty = false;
      let explicitPretty: boolean | undefined;
      options.entries().forEach(([key, value], index) => {
        if (typeof key !== 'string') {
          throw new BuiltinError(
            `operand 2 failed to stringify key ${regoText(key)} at index ${index}: operand ${index} must be string but got ${typeOf(key)}`,
            'eval_type_error',
          );
        }
        switch (key) {
          case 'prefix':
          case 'indent':
            if (typeof value !== 'string') {
              throw new BuiltinError(
                `operand 2 key ${key} failed cast to string: operand ${index} must be string but got ${typeOf(value)}`,
                'eval_type_error',
              );
            }
            if (key === 'prefix') prefix = value;
            else indent = value;
            implicitPretty = true;
            break;
          case 'pretty':
            if (typeof value !== 'boolean') throw new BuiltinError('operand 2 key pretty failed cast to bool', 'eval_type_error');
            explicitPretty = value;
            break;
          default:
            throw new BuiltinError(`operand 2 object contained unknown key ${key}`, 'eval_type_error');
        }
      });
      const pretty = explicitPretty ?? implicitPretty;
      // Go's MarshalIndent does not prefix the first line; OPA adds the prefix there itself.
      return pretty ? prefix + goJson(args[0], { prefix, indent }) : goJson(args[0]);
    },
  },
  {
    name: 'json.unmarshal',
    categories: ['encoding'],
    params: [{ name: 'x', type: s, description: 'JSON text.' }],
    result: { name: 'y', type: T.any, description: 'The value the text describes.' },
    description: 'Parses JSON text into a value. Integers of any size are kept exactly.',
    impl(args) {
      return unmarshalJson(stringArgument(args, 0));
    },
  },
  {
    name: 'json.is_valid',
    categories: ['encoding'],
    params: [{ name: 'x', type: s, description: 'The text to check.' }],
    result: { name: 'result', type: T.boolean, description: 'Whether the text is one well-formed JSON value.' },
    description: 'Tells whether a string is well-formed JSON. Anything but a string gives false.',
    impl(args) {
      const text = args[0];
      return typeof text === 'string' && isValidJson(text);
    },
  },
  {
    name: 'yaml.marshal',
    categories: ['encoding'],
    params: [{ name: 'x', type: T.any, description: 'The value to serialize.' }],
    result: { name: 'y', type: s, description: 'YAML text.' },
    description: 'Serializes a value to YAML in block style, with keys sorted and sets written as sequences.',
    impl(args) {
      return goYaml(args[0]);
    },
  },
  {
    name: 'yaml.unmarshal',
    categories: ['encoding'],
    params: [{ name: 'x', type: s, description: 'YAML text.' }],
    result: { name: 'y', type: T.any, description: 'The value the first document describes.' },
    description:
      'Parses YAML text (the first document) into a value, following YAML 1.1 as OPA does: yes, no, on ' +
      'and off are booleans, and non-string keys become strings.',
    impl(args) {
      return yamlToValue(parseYamlDocument(stringArgument(args, 0)));
    },
  },
  {
    name: 'yaml.is_valid',
    categories: ['encoding'],
    params: [{ name: 'x', type: s, description: 'The text to check.' }],
    result: { name: 'result', type: T.boolean, description: 'Whether the text is well-formed YAML.' },
    description: 'Tells whether a string is well-formed YAML. Anything but a string gives false.',
    impl(args) {
      const text = args[0];
      if (typeof text !== 'string') return false;
      try {
        parseYamlDocument(text);
        return true;
      } catch (error) {
        if (error instanceof BuiltinError) return false;
        throw error;
      }
    },
  },
  {
    name: 'urlquery.encode',
    categories: ['encoding'],
    params: [{ name: 'x', type: s, description: 'The text to encode.' }],
    result: { name: 'y', type: s, description: 'The text escaped for use in a URL query.' },
    description: 'Escapes a string for use in a URL query: spaces become "+", and all but letters, digits and -_.~ are %-escaped.',
    impl(args) {
      return queryEscape(stringArgument(args, 0));
    },
  },
  {
    name: 'urlquery.decode',
    categories: ['encoding'],
    params: [{ name: 'x', type: s, description: 'Escaped query text.' }],
    result: { name: 'y', type: s, description: 'The unescaped text.' },
    description: 'Reverses URL query escaping: "+" becomes a space and %XX sequences become bytes.',
    impl(args) {
      try {
        return unescapeUrl(stringArgument(args, 0), 'query');
      } catch (error) {
        if (error instanceof UrlError) throw new BuiltinError(error.message);
        throw error;
      }
    },
  },
  {
    name: 'urlquery.encode_object',
    categories: ['encoding'],
    params: [
      {
        name: 'object',
        type: T.object(s, T.anyOf(s, T.array(s), T.set(s))),
        description: 'Parameter names mapped to a value, or to an array or set of values.',
      },
    ],
    result: { name: 'y', type: s, description: 'A query string such as "a=1&b=2", sorted by name.' },
    description: 'Builds a URL query string from an object; a name with several values is repeated once for each.',
    impl(args) {
      const object = expectObject(args, 0);
      const invalid = () => new BuiltinError('operand 1 values must be string, array[string], or set[string]', 'eval_type_error');
      const pairs: string[] = [];
      for (const [key, value] of jsonEntries(object)) {
        let values: readonly Value[];
        if (typeof value === 'string') values = [value];
        else if (Array.isArray(value)) values = value;
        else if (value instanceof SetValue) values = value.values();
        else throw invalid();
        for (const item of values) {
          if (typeof item !== 'string') throw invalid();
          pairs.push(`${queryEscape(key)}=${queryEscape(item)}`);
        }
      }
      return pairs.join('&');
    },
  },
  {
    name: 'urlquery.decode_object',
    categories: ['encoding'],
    params: [{ name: 'x', type: s, description: 'A query string such as "a=1&b=2&a=3".' }],
    result: { name: 'object', type: T.object(s, T.array(s)), description: 'Each parameter name mapped to all of its values, in order.' },
    description: 'Parses a URL query string into an object from each name to the array of its values.',
    impl(args) {
      const { values, error } = parseQuery(stringArgument(args, 0));
      if (error) throw new BuiltinError(error);
      return ObjectValue.from([...values].map(([key, list]) => [key, list] as [Value, Value]));
    },
  },
  {
    name: 'uri.parse',
    categories: [],
    params: [{ name: 'uri', type: s, description: 'An absolute URI or a relative reference.' }],
    result: {
      name: 'output',
      type: T.object(s, s),
      description: 'The parts present: scheme, hostname, port, path, raw_path, raw_query and fragment.',
    },
    description:
      'Splits a URI into its parts. Only the parts present are returned; path and fragment are unescaped, ' +
      'raw_path keeps the original escaping.',
    impl(args) {
      let parsed: ParsedUrl;
      try {
        parsed = parseUrl(stringArgument(args, 0));
      } catch (error) {
        if (error instanceof UrlError) throw new BuiltinError(error.message);
        throw error;
      }
      const result = new ObjectValue();
      const { host, port } = splitHostPort(parsed.host);
      if (parsed.scheme) result.set('scheme', parsed.scheme);
      if (host) result.set('hostname', host);
      if (port) result.set('port', port);
      if (parsed.path) {
        result.set('path', parsed.path);
        result.set('raw_path', parsed.rawPath || parsed.path);
      }
      if (parsed.rawQuery) result.set('raw_query', parsed.rawQuery);
      if (parsed.fragment) result.set('fragment', parsed.fragment);
      return result;
    },
  },
  {
    name: 'uri.is_valid',
    categories: [],
    params: [{ name: 'uri', type: s, description: 'The text to check.' }],
    result: { name: 'result', type: T.boolean, description: 'Whether the text parses as a URI.' },
    description: 'Tells whether a string parses as a URI or relative reference. The empty string and non-strings give false.',
    impl(args) {
      const text = args[0];
      if (typeof text !== 'string' || text === '') return false;
      try {
        parseUrl(text);
        return true;
      } catch (error) {
        if (error instanceof UrlError) return false;
        throw error;
      }
    },
  },
]);
