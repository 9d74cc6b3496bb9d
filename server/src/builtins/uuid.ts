/**
 * UUID built-ins: uuid.rfc4122 makes random version 4 UUIDs (the same one for the same argument
 * within a query, as OPA caches it), and uuid.parse reads a UUID in any of the forms Google's Go
 * library accepts and reports its version, variant and, for versions 1 and 2, the fields encoded
 * in it. Randomness comes from the evaluation context.
 */
import { T, expectString, type Builtin } from './declaration.js';
import { ObjectValue, canonical, normalizeNumber, type Value } from '../value/value.js';

function hex(bytes: number[]): string {
  return bytes.map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The 16 bytes of a UUID written with dashes, in braces, as a `urn:uuid:` URN or as bare hex. */
function parseUuid(text: string): number[] | undefined {
  // Lengths are counted in bytes, so only ASCII text can be a UUID.
  if (!/^[\x00-\x7f]*$/.test(text)) return undefined;
  let body: string;
  if (text.length === 36) body = text;
  else if (text.length === 45 && text.slice(0, 9).toLowerCase() === 'urn:uuid:') body = text.slice(9);
  // Like Google's library, the 38-character form drops its first and last characters unchecked.
  else if (text.length === 38) body = text.slice(1, 37);
  else if (text.length === 32) return /^[0-9a-fA-F]{32}$/.test(text) ? bytesOf(text) : undefined;
  else return undefined;
  if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(body)) return undefined;
  return bytesOf(body.replace(/-/g, ''));
}

function bytesOf(hexText: string): number[] {
  const bytes: number[] = [];
  for (let index = 0; index < 32; index += 2) bytes.push(parseInt(hexText.slice(index, index + 2), 16));
  return bytes;
}

function variantName(byte: number): string {
  if ((byte & 0xc0) === 0x80) return 'RFC4122';
  if ((byte & 0xe0) === 0xc0) return 'Microsoft';
  if ((byte & 0xe0) === 0xe0) return 'Future';
  return 'Reserved';
}

/** Whether the node id is locally administered and whether it is a multicast address. */
function macVariables(firstByte: number): string {
  if ((firstByte & 0b11) === 0b11) return 'local:multicast';
  if ((firstByte & 0b01) === 0b01) return 'global:multicast';
  if ((firstByte & 0b10) === 0b10) return 'local:unicast';
  return 'global:unicast';
}

/** 100-nanosecond intervals between the Gregorian reform (1582-10-15) and the Unix epoch. */
const GREGORIAN_TO_UNIX = 122192928000000000n;

/** The timestamp of a version 1 or 2 UUID in Unix nanoseconds, wrapping at 64 bits as Go's int64 does. */
function unixNanoseconds(bytes: number[]): bigint {
  const low = BigInt(((bytes[0] << 24) >>> 0) + (bytes[1] << 16) + (bytes[2] << 8) + bytes[3]);
  const middle = BigInt((bytes[4] << 8) | bytes[5]);
  const high = BigInt(((bytes[6] << 8) | bytes[7]) & 0xfff);
  const intervals = low | (middle << 32n) | (high << 48n);
  const sinceEpoch = intervals - GREGORIAN_TO_UNIX;
  // Go splits into seconds and nanoseconds (truncating) before multiplying back.
  const seconds = sinceEpoch / 10000000n;
  const nanoseconds = (sinceEpoch % 10000000n) * 100n;
  return BigInt.asIntN(64, seconds * 1000000000n + nanoseconds);
}

function domainName(byte: number): string {
  return ['Person', 'Group', 'Org'][byte] ?? `Domain${byte}`;
}

function describeUuid(bytes: number[]): ObjectValue {
  const version = bytes[6] >> 4;
  const result = new ObjectValue();
  result.set('version', version);
  result.set('variant', variantName(bytes[8]));
  if (version === 1 || version === 2) {
    const node = bytes.slice(10, 16);
    result.set('time', normalizeNumber(unixNanoseconds(bytes)));
    result.set('nodeid', node.map((byte) => byte.toString(16).padStart(2, '0')).join('-'));
    result.set('macvariables', macVariables(node[0]));
    result.set('clocksequence', ((bytes[8] << 8) | bytes[9]) & 0x3fff);
    if (version === 2) {
      result.set('id', ((bytes[0] << 24) >>> 0) + (bytes[1] << 16) + (bytes[2] << 8) + bytes[3]);
      result.set('domain', domainName(bytes[9]));
    }
  }
  return result;
}

function randomUuid(randomInt: (n: number) => number): string {
  const bytes = Array.from({ length: 16 }, () => randomInt(256));
  // Version 4 and the RFC 4122 variant.
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return [hex(bytes.slice(0, 4)), hex(bytes.slice(4, 6)), hex(bytes.slice(6, 8)), hex(bytes.slice(8, 10)), hex(bytes.slice(10))].join('-');
}

export const builtins: Builtin[] = [
  {
    name: 'uuid.rfc4122',
    params: [{ name: 'k', type: T.string, description: 'A key: calls with the same key in one query return the same UUID.' }],
    result: { name: 'output', type: T.string, description: 'A random version 4 UUID.' },
    description: 'Generates a random version 4 UUID, the same one for the same key throughout a query.',
    categories: [],
    nondeterministic: true,
    impl: (args: Value[], context) => {
      // OPA keys its cache by the argument's value without checking its type.
      const key = `uuid.rfc4122:${canonical(args[0])}`;
      const known = context.queryCache.get(key);
      if (typeof known === 'string') return known;
      const uuid = randomUuid((n) => context.randomInt(n));
      context.queryCache.set(key, uuid);
      return uuid;
    },
  },
  {
    name: 'uuid.parse',
    params: [{ name: 'uuid', type: T.string, description: 'A UUID, with or without dashes, in braces or as a `urn:uuid:` URN.' }],
    result: {
      name: 'result',
      type: T.object(T.string, T.any),
      description: '`version` and `variant`, plus `time`, `nodeid`, `macvariables` and `clocksequence` for versions 1 and 2, and `id` and `domain` for version 2.',
    },
    description: 'Parses a UUID and describes what it encodes; undefined when the string is not a UUID.',
    categories: [],
    impl: (args) => {
      const bytes = parseUuid(expectString(args, 0));
      return bytes && describeUuid(bytes);
    },
  },
];
