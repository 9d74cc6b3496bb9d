/**
 * CIDR built-ins: net.cidr_contains (and the deprecated net.cidr_overlap), net.cidr_contains_matches,
 * net.cidr_expand, net.cidr_intersects, net.cidr_is_valid and net.cidr_merge, for IPv4 and IPv6.
 * Addresses are byte arrays shaped as Go's net package shapes them (4 bytes for IPv4 networks, 16
 * for IPv6, IPv4-mapped IPv6 addresses behaving as IPv4), so parsing, containment and printing
 * agree with OPA's; arithmetic on addresses uses bigint. net.lookup_ip_addr lives elsewhere.
 */
import { BuiltinError, T, expectString, operandError, type Builtin } from './declaration.js';
import { ObjectValue, SetValue, type Value } from '../value/value.js';

// ---------------------------------------------------------------------------------------------
// Addresses and networks as Go's net package has them

type Bytes = Uint8Array;

interface Network {
  ip: Bytes;
  mask: Bytes;
}

const V4_IN_V6_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/** netip.ParseAddr's IPv4 rules: four decimal fields up to 255, no leading zeroes. */
function parseIPv4Fields(text: string, into: Bytes, offset: number): boolean {
  const fields = text.split('.');
  if (fields.length !== 4) return false;
  for (let index = 0; index < 4; index++) {
    const field = fields[index];
    if (!/^(0|[1-9][0-9]{0,2})$/.test(field) || Number(field) > 255) return false;
    into[offset + index] = Number(field);
  }
  return true;
}

/** netip.ParseAddr's IPv6 rules, with at most one `::` and an optional trailing IPv4 part. */
function parseIPv6(input: string): { bytes: Bytes; zone: string } | undefined {
  let text = input;
  let zone = '';
  const percent = text.indexOf('%');
  if (percent >= 0) {
    zone = text.slice(percent + 1);
    text = text.slice(0, percent);
    if (zone === '') return undefined;
  }
  const bytes = new Uint8Array(16);
  let ellipsis = -1;
  if (text.startsWith('::')) {
    ellipsis = 0;
    text = text.slice(2);
    if (text === '') return { bytes, zone };
  }
  let filled = 0;
  while (filled < 16) {
    const digits = /^[0-9a-fA-F]*/.exec(text)?.[0] ?? '';
    if (digits.length === 0 || digits.length > 4) return undefined;
    if (text[digits.length] === '.') {
      // An embedded IPv4 address ends the text and fills the last four bytes.
      if ((ellipsis < 0 && filled !== 12) || filled + 4 > 16) return undefined;
      if (!parseIPv4Fields(text, bytes, filled)) return undefined;
      text = '';
      filled += 4;
      break;
    }
    const value = parseInt(digits, 16);
    bytes[filled] = value >> 8;
    bytes[filled + 1] = value & 0xff;
    filled += 2;
    text = text.slice(digits.length);
    if (text === '') break;
    if (text[0] !== ':' || text.length === 1) return undefined;
    text = text.slice(1);
    if (text[0] === ':') {
      if (ellipsis >= 0) return undefined;
      ellipsis = filled;
      text = text.slice(1);
      if (text === '') break;
    }
  }
  if (text !== '') return undefined;
  if (filled < 16) {
    if (ellipsis < 0) return undefined;
    const shift = 16 - filled;
    for (let index = filled - 1; index >= ellipsis; index--) bytes[index + shift] = bytes[index];
    for (let index = ellipsis + shift - 1; index >= ellipsis; index--) bytes[index] = 0;
  } else if (ellipsis >= 0) {
    return undefined;
  }
  return { bytes, zone };
}

/** An address as netip reads it: 16 bytes (IPv4 mapped into IPv6) and whether it was written as IPv4. */
function parseAddress(text: string): { bytes: Bytes; isIPv4: boolean; zone: string } | undefined {
  for (const character of text) {
    if (character === '.') {
      const bytes = new Uint8Array(16);
      bytes.set(V4_IN_V6_PREFIX);
      return parseIPv4Fields(text, bytes, 12) ? { bytes, isIPv4: true, zone: '' } : undefined;
    }
    if (character === ':') {
      const parsed = parseIPv6(text);
      return parsed && { ...parsed, isIPv4: false };
    }
    if (character === '%') return undefined;
  }
  return undefined;
}

/** Go's net.ParseIP: 16 bytes, or undefined for anything else (including zoned addresses). */
function parseIP(text: string): Bytes | undefined {
  const parsed = parseAddress(text);
  return parsed && parsed.zone === '' ? parsed.bytes : undefined;
}

/** Go's IP.To4: the last four bytes of an IPv4 or IPv4-mapped address. */
function to4(ip: Bytes): Bytes | undefined {
  if (ip.length === 4) return ip;
  if (ip.length === 16 && V4_IN_V6_PREFIX.every((byte, index) => ip[index] === byte)) return ip.subarray(12);
  return undefined;
}

function cidrMask(ones: number, bits: number): Bytes {
  const mask = new Uint8Array(bits / 8);
  for (let index = 0; index < mask.length; index++) {
    const take = Math.max(0, Math.min(8, ones - index * 8));
    mask[index] = (0xff << (8 - take)) & 0xff;
  }
  return mask;
}

/** Go's IP.Mask. */
function applyMask(ip: Bytes, mask: Bytes): Bytes | undefined {
  let address = ip;
  if (mask.length === 16 && address.length === 4 && mask.subarray(0, 12).every((byte) => byte === 0xff)) mask = mask.subarray(12);
  if (mask.length === 4 && address.length === 16 && V4_IN_V6_PREFIX.every((byte, index) => address[index] === byte)) {
    address = address.subarray(12);
  }
  if (address.length !== mask.length) return undefined;
  return address.map((byte, index) => byte & mask[index]);
}

function cidrError(text: string): BuiltinError {
  return new BuiltinError(`invalid CIDR address: ${text}`);
}

/** Go's net.ParseCIDR: the address as written (16 bytes) and its network. */
function parseCIDR(text: string): { ip: Bytes; network: Network } {
  const slash = text.indexOf('/');
  if (slash < 0) throw cidrError(text);
  const address = parseAddress(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!address || address.zone !== '' || !/^[0-9]+$/.test(prefixText)) throw cidrError(text);
  const bits = address.isIPv4 ? 32 : 128;
  const prefix = Number(prefixText);
  if (prefix > bits) throw cidrError(text);
  const mask = cidrMask(prefix, bits);
  const ip = applyMask(address.bytes, mask);
  if (!ip) throw cidrError(text);
  return { ip: address.bytes, network: { ip, mask } };
}

/** Go's networkNumberAndMask: IPv4-mapped networks behave as IPv4 ones. */
function networkNumberAndMask(network: Network): { ip: Bytes; mask: Bytes } | undefined {
  let ip = to4(network.ip);
  if (!ip) {
    ip = network.ip;
    if (ip.length !== 16) return undefined;
  }
  let mask = network.mask;
  if (mask.length === 4) {
    if (ip.length !== 4) return undefined;
  } else if (mask.length === 16) {
    if (ip.length === 4) mask = mask.subarray(12);
  } else {
    return undefined;
  }
  return { ip, mask };
}

/** Go's IPNet.Contains. */
function contains(network: Network, address: Bytes): boolean {
  const numberAndMask = networkNumberAndMask(network);
  if (!numberAndMask) return false;
  const ip = to4(address) ?? address;
  if (ip.length !== numberAndMask.ip.length) return false;
  for (let index = 0; index < ip.length; index++) {
    if ((numberAndMask.ip[index] & numberAndMask.mask[index]) !== (ip[index] & numberAndMask.mask[index])) return false;
  }
  return true;
}

/** The number of leading ones of a canonical mask, or -1 when the mask is not of that form. */
function maskLength(mask: Bytes): number {
  let ones = 0;
  let seenZero = false;
  for (const byte of mask) {
    for (let bit = 7; bit >= 0; bit--) {
      if (byte & (1 << bit)) {
        if (seenZero) return -1;
        ones++;
      } else {
        seenZero = true;
      }
    }
  }
  return ones;
}

/** Go's IP.String: dotted quads for IPv4 (and IPv4-mapped) addresses, RFC 5952 text for IPv6. */
function ipText(ip: Bytes): string {
  const v4 = to4(ip);
  if (v4) return Array.from(v4).join('.');
  const groups: number[] = [];
  for (let index = 0; index < 16; index += 2) groups.push((ip[index] << 8) | ip[index + 1]);
  // The first longest run of two or more zero groups becomes "::".
  let zeroStart = -1;
  let zeroLength = 0;
  for (let index = 0; index < 8; index++) {
    let end = index;
    while (end < 8 && groups[end] === 0) end++;
    if (end - index >= 2 && end - index > zeroLength) {
      zeroStart = index;
      zeroLength = end - index;
    }
  }
  if (zeroStart < 0) return groups.map((group) => group.toString(16)).join(':');
  const before = groups.slice(0, zeroStart).map((group) => group.toString(16)).join(':');
  const after = groups.slice(zeroStart + zeroLength).map((group) => group.toString(16)).join(':');
  return `${before}::${after}`;
}

/** Go's IPNet.String (which prints the address as stored, masked or not). */
function networkText(network: Network): string {
  const numberAndMask = networkNumberAndMask(network);
  if (!numberAndMask) return '<nil>';
  const ones = maskLength(numberAndMask.mask);
  const maskSuffix = ones < 0 ? Array.from(numberAndMask.mask, (byte) => byte.toString(16).padStart(2, '0')).join('') : String(ones);
  return `${ipText(numberAndMask.ip)}/${maskSuffix}`;
}

function toBigInt(bytes: Bytes): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

function fromBigInt(value: bigint, length: number): Bytes {
  const bytes = new Uint8Array(length);
  let rest = value;
  for (let index = length - 1; index >= 0; index--) {
    bytes[index] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return bytes;
}

/** The last address of a network, with as many bytes as its mask. */
function lastAddress(network: Network): Bytes {
  const bits = network.mask.length * 8;
  const ones = maskLength(network.mask);
  if (ones === bits) return network.ip;
  const hostMask = (1n << BigInt(bits - ones)) - 1n;
  return fromBigInt(toBigInt(network.ip) | hostMask, bits / 8);
}

// ---------------------------------------------------------------------------------------------
// Operands

/**
 * A network operand. OPA reads every network operand through the same helper, so a non-string
 * reports itself as operand 1 whichever position it is in.
 */
function networkOperand(value: Value): Network {
  if (typeof value !== 'string') throw operandError(1, 'string', value);
  return parseCIDR(value).network;
}

function cidrContains(cidr: Value, cidrOrIp: Value): boolean {
  const network = networkOperand(cidr);
  if (typeof cidrOrIp !== 'string') throw operandError(1, 'string', cidrOrIp);
  const ip = parseIP(cidrOrIp);
  if (ip) return contains(network, ip);
  let inner: Network;
  try {
    inner = parseCIDR(cidrOrIp).network;
  } catch {
    throw new BuiltinError(`not a valid textual representation of an IP address or CIDR: ${cidrOrIp}`);
  }
  // A network holds another when it holds both its first and its last address.
  return contains(network, inner.ip) && contains(network, lastAddress(inner));
}

// ---------------------------------------------------------------------------------------------
// net.cidr_contains_matches

/** Calls back with (address, key) for each element: strings, arrays (first element), sets or objects. */
function forEachMatchOperand(position: number, value: Value, callback: (cidr: Value, key: Value) => void): void {
  const element = (item: Value): Value => {
    if (typeof item === 'string') return item;
    if (Array.isArray(item) && item.length > 0) return item[0];
    throw new BuiltinError(`operand ${position}: element must be string or non-empty array`);
  };
  if (typeof value === 'string') {
    callback(value, value);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => callback(element(item), index));
  } else if (value instanceof SetValue) {
    for (const item of value.values()) callback(element(item), item);
  } else if (value instanceof ObjectValue) {
    for (const [key, item] of value.entries()) callback(element(item), key);
  }
}

function cidrContainsMatches(cidrs: Value, addresses: Value): SetValue {
  const result = new SetValue();
  forEachMatchOperand(1, cidrs, (cidr, cidrKey) => {
    forEachMatchOperand(2, addresses, (address, addressKey) => {
      if (cidrContains(cidr, address)) result.add([cidrKey, addressKey]);
    });
  });
  return result;
}

// ---------------------------------------------------------------------------------------------
// net.cidr_expand

/** More hosts than this would not fit in memory as a set of strings. */
const EXPAND_LIMIT = 1n << 20n;

function cidrExpand(text: string): SetValue {
  const { network } = parseCIDR(text);
  const start = network.ip;
  const hostBits = network.mask.length * 8 - maskLength(network.mask);
  const count = 1n << BigInt(hostBits);
  if (count > EXPAND_LIMIT) {
    throw new BuiltinError(`${text} has ${count} addresses, more than the ${EXPAND_LIMIT} this implementation expands`);
  }
  const first = toBigInt(start);
  const result = new SetValue();
  for (let offset = 0n; offset < count; offset++) result.add(ipText(fromBigInt(first + offset, start.length)));
  return result;
}

// ---------------------------------------------------------------------------------------------
// net.cidr_merge (OPA's port of the netaddr/Cilium algorithm)

interface AddressRange {
  /** 16-byte first and last addresses (IPv4 mapped into IPv6), as numbers. */
  first: bigint;
  last: bigint;
  /** The network as given, kept while the range was not merged with another. */
  network?: Network;
}

const V4_MAPPED_BASE = 0xffffn << 32n;

/** A merge operand element: a CIDR, or an IPv4 address with its classful default mask. */
function mergeElement(value: Value): Network {
  if (typeof value !== 'string') throw new BuiltinError('element must be string');
  const ip = parseIP(value);
  if (!ip) return parseCIDR(value).network;
  const v4 = to4(ip);
  if (!v4) throw new BuiltinError('IPv6 invalid: needs prefix length');
  // Go's IP.DefaultMask: class A, B or C. The address itself is kept unmasked, as OPA keeps it.
  const ones = v4[0] < 0x80 ? 8 : v4[0] < 0xc0 ? 16 : 24;
  return { ip, mask: cidrMask(ones, 32) };
}

function addressRange(network: Network): AddressRange {
  const ip = applyMask(network.ip, network.mask) ?? network.ip;
  const mask = ip.length === 4 && network.mask.length === 16 ? network.mask.subarray(12) : network.mask;
  const base = ip.length === 4 ? V4_MAPPED_BASE : 0n;
  const first = base | toBigInt(ip);
  const hostBits = mask.length * 8 - Math.max(0, maskLength(mask));
  return { first, last: first | ((1n << BigInt(hostBits)) - 1n), network };
}

/** The fewest CIDR blocks that cover exactly [first, last]. */
function rangeToNetworks(first: bigint, last: bigint): Network[] {
  const isIPv4 = first >= V4_MAPPED_BASE && last <= (V4_MAPPED_BASE | 0xffffffffn);
  const bits = isIPv4 ? 32 : 128;
  const offset = isIPv4 ? V4_MAPPED_BASE : 0n;
  const networks: Network[] = [];
  let start = first - offset;
  const end = last - offset;
  while (start <= end) {
    let size = 0;
    // Grow the block while it stays aligned at start and within the range.
    while (size < bits && (start & ((1n << BigInt(size + 1)) - 1n)) === 0n && start + (1n << BigInt(size + 1)) - 1n <= end) size++;
    networks.push({ ip: fromBigInt(start, bits / 8), mask: cidrMask(bits - size, bits) });
    start += 1n << BigInt(size);
  }
  return networks;
}

function cidrMerge(elements: readonly Value[]): SetValue {
  const ranges = elements.map((element) => addressRange(mergeElement(element)));
  ranges.sort((a, b) => (a.last !== b.last ? (a.last < b.last ? -1 : 1) : a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  // Walk from the end, folding each range into its predecessor when they touch or overlap.
  for (let index = ranges.length - 1; index > 0; index--) {
    const current = ranges[index];
    const previous = ranges[index - 1];
    const before = current.first === 0n || current.first === V4_MAPPED_BASE ? current.first : current.first - 1n;
    if (before <= previous.last) {
      ranges[index - 1] = { first: previous.first < current.first ? previous.first : current.first, last: current.last };
      ranges.splice(index, 1);
    }
  }
  const result = new SetValue();
  for (const range of ranges) {
    if (range.network) result.add(networkText(range.network));
    else for (const network of rangeToNetworks(range.first, range.last)) result.add(networkText(network));
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Declarations

const CIDR_OR_TUPLE = T.anyOf(T.string, T.array(T.any));
const MATCH_OPERAND = T.anyOf(T.string, T.array(CIDR_OR_TUPLE), T.object(T.string, CIDR_OR_TUPLE), T.set(CIDR_OR_TUPLE));

export const builtins: Builtin[] = [
  {
    name: 'net.cidr_contains',
    params: [
      { name: 'cidr', type: T.string, description: 'The containing network, such as `10.0.0.0/8`.' },
      { name: 'cidr_or_ip', type: T.string, description: 'An address or a network, IPv4 or IPv6.' },
    ],
    result: { name: 'result', type: T.boolean, description: 'True when all of `cidr_or_ip` lies inside `cidr`.' },
    description: 'Tells whether a network contains an address or a whole other network.',
    categories: [],
    impl: (args) => cidrContains(args[0], args[1]),
  },
  {
    name: 'net.cidr_overlap',
    params: [
      { name: '', type: T.string, description: 'The containing network.' },
      { name: '', type: T.string, description: 'An address or a network.' },
    ],
    result: { name: '', type: T.boolean, description: 'True when the second operand lies inside the first.' },
    description: 'The former name of `net.cidr_contains`; use `net.cidr_contains` instead.',
    categories: [],
    deprecated: true,
    impl: (args) => cidrContains(args[0], args[1]),
  },
  {
    name: 'net.cidr_contains_matches',
    params: [
      {
        name: 'cidrs',
        type: MATCH_OPERAND,
        description: 'Networks: a string, or an array, set or object of strings or of arrays whose first element is the string.',
      },
      {
        name: 'cidrs_or_ips',
        type: MATCH_OPERAND,
        description: 'Addresses or networks to look up, in the same shapes as `cidrs`.',
      },
    ],
    result: {
      name: 'output',
      type: T.set(T.tuple(T.any, T.any)),
      description: 'Pairs of keys `[cidr key, address key]` for each containment: array indexes, object keys, set elements or the strings themselves.',
    },
    description: 'Finds which of many addresses or networks lie inside which of many networks.',
    categories: [],
    impl: (args) => cidrContainsMatches(args[0], args[1]),
  },
  {
    name: 'net.cidr_expand',
    params: [{ name: 'cidr', type: T.string, description: 'The network to list.' }],
    result: { name: 'hosts', type: T.set(T.string), description: 'Every address of the network, network and broadcast addresses included.' },
    description: 'Lists all addresses in a network.',
    categories: [],
    impl: (args) => cidrExpand(expectString(args, 0)),
  },
  {
    name: 'net.cidr_intersects',
    params: [
      { name: 'cidr1', type: T.string, description: 'The first network.' },
      { name: 'cidr2', type: T.string, description: 'The second network.' },
    ],
    result: { name: 'result', type: T.boolean, description: 'True when the networks share at least one address.' },
    description: 'Tells whether two networks overlap.',
    categories: [],
    impl: (args) => {
      const first = networkOperand(args[0]);
      const second = networkOperand(args[1]);
      return contains(first, second.ip) || contains(second, first.ip);
    },
  },
  {
    name: 'net.cidr_is_valid',
    params: [{ name: 'cidr', type: T.string, description: 'The text to check.' }],
    result: { name: 'result', type: T.boolean, description: 'True when `cidr` is a valid IPv4 or IPv6 network in CIDR notation; false otherwise.' },
    description: 'Checks whether a string is a valid CIDR network.',
    categories: [],
    impl: (args) => {
      if (typeof args[0] !== 'string') return false;
      try {
        parseCIDR(args[0]);
        return true;
      } catch {
        return false;
      }
    },
  },
  {
    name: 'net.cidr_merge',
    params: [
      {
        name: 'addrs',
        type: T.anyOf(T.array(T.anyOf(T.string)), T.set(T.string)),
        description: 'Networks and IPv4 addresses to merge; IPv6 entries need a prefix length.',
      },
    ],
    result: { name: 'output', type: T.set(T.string), description: 'The fewest networks covering exactly the same addresses.' },
    description: 'Merges networks and addresses into the smallest set of networks, joining neighbours and dropping duplicates and contained ones.',
    categories: [],
    impl: (args) => {
      const addresses = args[0];
      if (Array.isArray(addresses)) return cidrMerge(addresses);
      if (addresses instanceof SetValue) return cidrMerge(addresses.values());
      throw new BuiltinError('operand must be an array');
    },
  },
];
