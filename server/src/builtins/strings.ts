/**
 * String built-ins: searching, slicing, splitting, replacing, trimming, case changes and
 * `strings.render_template`. OPA implements these over Go strings, so indexes, lengths and offsets
 * count Unicode code points (Go runes), never UTF-16 units, and case changes map one code point at a
 * time as Go's unicode package does. The template built-in runs a subset of Go's text/template,
 * which lives at the end of this file.
 */
import {
  BuiltinError, T, elementError, expectNumber, expectObject, expectString, family, operandError, type Builtin,
} from './declaration.js';
import { expectMachineInteger } from './numbers.js';
import { ObjectValue, SetValue, compareStrings, numberText, type Value } from '../value/value.js';
import {
  goInt, goNil, goPrint, goPrintln, goQuote, goSprintf, goString, goTypeName, isGoPrintable, regoText, type GoValue,
} from './sprintf.js';
import { goJsonSyntaxError, queryEscape } from './encoding.js';

// ---------------------------------------------------------------------------------------------
// Operand checks particular to the string built-ins

/** The strings of an array or set operand, or OPA's element error for the first non-string. */
function stringElements(value: Value, position: number): string[] {
  const items = Array.isArray(value) ? value : (value as SetValue).values();
  return items.map((item) => {
    if (typeof item !== 'string') throw elementError(position, value, item, 'string');
    return item;
  });
}

/** An integer operand as Go's int: OPA rejects fractions and integers beyond 64 bits alike. */
function intOperand(args: Value[], index: number): number {
  return Number(expectMachineInteger(args, index));
}

// ---------------------------------------------------------------------------------------------
// Code point helpers

const ASCII = /^[\x00-\x7f]*$/;

function codePoints(text: string): string[] {
  return Array.from(text);
}

/** The number of code points before a UTF-16 offset. */
function codePointIndex(text: string, offset: number): number {
  if (ASCII.test(text)) return offset;
  let count = 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < offset) i++;
    count++;
  }
  return count;
}

/** The UTF-16 length of the code point starting at an offset. */
function charLength(text: string, offset: number): number {
  const c = text.charCodeAt(offset);
  return c >= 0xd800 && c <= 0xdbff && offset + 1 < text.length ? 2 : 1;
}

/**
 * Go's simple case mapping: each code point maps to one code point or stays. JavaScript's full
 * mapping would turn 'ß' into "SS" and 'İ' into two code points, which Go never does.
 */
function mapCase(text: string, upper: boolean): string {
  if (ASCII.test(text)) return upper ? text.toUpperCase() : text.toLowerCase();
  let out = '';
  for (const char of text) {
    if (!upper && char === '\u0130') {
      out += 'i';
      continue;
    }
    const mapped = upper ? char.toUpperCase() : char.toLowerCase();
    out += mapped.length === char.length || Array.from(mapped).length === 1 ? mapped : char;
  }
  return out;
}

/** Unicode's White_Space property, which Go's strings.TrimSpace uses. */
function isGoSpace(codePoint: number): boolean {
  if (codePoint <= 0xff) {
    return codePoint === 0x20 || (codePoint >= 0x09 && codePoint <= 0x0d) || codePoint === 0x85 || codePoint === 0xa0;
  }
  return (
    codePoint === 0x1680 || (codePoint >= 0x2000 && codePoint <= 0x200a) || codePoint === 0x2028 ||
    codePoint === 0x2029 || codePoint === 0x202f || codePoint === 0x205f || codePoint === 0x3000
  );
}

function trimLeftWhile(text: string, drop: (codePoint: number) => boolean): string {
  let start = 0;
  while (start < text.length) {
    const codePoint = text.codePointAt(start)!;
    if (!drop(codePoint)) break;
    start += codePoint > 0xffff ? 2 : 1;
  }
  return text.slice(start);
}

function trimRightWhile(text: string, drop: (codePoint: number) => boolean): string {
  let end = text.length;
  while (end > 0) {
    let start = end - 1;
    const low = text.charCodeAt(start);
    if (low >= 0xdc00 && low <= 0xdfff && start > 0) {
      const high = text.charCodeAt(start - 1);
      if (high >= 0xd800 && high <= 0xdbff) start--;
    }
    if (!drop(text.codePointAt(start)!)) break;
    end = start;
  }
  return text.slice(0, end);
}

function inCutset(cutset: string): (codePoint: number) => boolean {
  const set = new Set(Array.from(cutset, (char) => char.codePointAt(0)!));
  return (codePoint) => set.has(codePoint);
}

/** Go's strings.Split: an empty separator splits into code points; n < 0 means no limit. */
export function goSplit(text: string, separator: string, limit = -1): string[] {
  if (limit === 0) return [];
  if (separator === '') {
    const chars = codePoints(text);
    if (limit < 0 || limit >= chars.length) return chars;
    return [...chars.slice(0, limit - 1), chars.slice(limit - 1).join('')];
  }
  const parts: string[] = [];
  let start = 0;
  while (limit < 0 || parts.length < limit - 1) {
    const found = text.indexOf(separator, start);
    if (found < 0) break;
    parts.push(text.slice(start, found));
    start = found + separator.length;
  }
  parts.push(text.slice(start));
  return parts;
}

/**
 * Go's strings.NewReplacer over (old, new) pairs: one left-to-right pass, where at each position the
 * first pair in order whose old text matches wins, and replaced text is never scanned again. An
 * empty old text matches between code points, but not twice at the same place.
 */
function replaceAll(text: string, pairs: [string, string][]): string {
  if (pairs.length === 1 && pairs[0][0] !== '') return text.split(pairs[0][0]).join(pairs[0][1]);
  let out = '';
  let last = 0;
  let i = 0;
  let previousMatchEmpty = false;
  while (i <= text.length) {
    let match: [string, string] | undefined;
    for (const pair of pairs) {
      if (pair[0] === '' ? !previousMatchEmpty : text.startsWith(pair[0], i)) {
        match = pair;
        break;
      }
    }
    previousMatchEmpty = match !== undefined && match[0] === '';
    if (match) {
      out += text.slice(last, i) + match[1];
      i += match[0].length;
      last = i;
      continue;
    }
    i += i < text.length ? charLength(text, i) : 1;
  }
  return out + text.slice(last);
}

function countOccurrences(text: string, search: string): number {
  if (search === '') return codePoints(text).length + 1;
  let count = 0;
  for (let at = text.indexOf(search); at >= 0; at = text.indexOf(search, at + search.length)) count++;
  return count;
}

/** Either a single string or the strings of an array or set, checked as OPA checks affix operands. */
function affixOperand(value: Value, position: number): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) || value instanceof SetValue) return stringElements(value, position);
  throw operandError(position, ['string', 'set', 'array'], value);
}

const s = T.string;
const stringCollection = T.anyOf(T.array(T.string), T.set(T.string));
const stringOrCollection = T.anyOf(T.string, T.array(T.string), T.set(T.string));

export const builtins: Builtin[] = family([
  {
    name: 'concat',
    categories: ['strings'],
    params: [
      { name: 'delimiter', type: s, description: 'The text placed between neighbouring strings.' },
      { name: 'collection', type: stringCollection, description: 'The strings to join, an array or a set.' },
    ],
    result: { name: 'output', type: s, description: 'The strings joined by the delimiter.' },
    description: 'Joins an array or set of strings into one string with a delimiter between them. Sets are joined in their sorted order.',
    impl(args) {
      const delimiter = expectString(args, 0);
      const collection = args[1];
      if (!Array.isArray(collection) && !(collection instanceof SetValue)) {
        throw operandError(2, ['set', 'array'], collection);
      }
      return stringElements(collection, 2).join(delimiter);
    },
  },
  {
    name: 'contains',
    categories: ['strings'],
    params: [
      { name: 'haystack', type: s, description: 'The string to search in.' },
      { name: 'needle', type: s, description: 'The text to look for.' },
    ],
    result: { name: 'result', type: T.boolean, description: 'Whether the needle occurs in the haystack.' },
    description: 'Tells whether a string contains another string.',
    impl(args) {
      const haystack = expectString(args, 0);
      return haystack.includes(expectString(args, 1));
    },
  },
  {
    name: 'endswith',
    categories: ['strings'],
    params: [
      { name: 'search', type: s, description: 'The string to test.' },
      { name: 'base', type: s, description: 'The suffix to look for.' },
    ],
    result: { name: 'result', type: T.boolean, description: 'Whether the string ends with the suffix.' },
    description: 'Tells whether a string ends with a given suffix.',
    impl(args) {
      const search = expectString(args, 0);
      return search.endsWith(expectString(args, 1));
    },
  },
  {
    name: 'format_int',
    categories: ['strings'],
    params: [
      { name: 'number', type: T.number, description: 'The number to format; a fraction is dropped (rounded toward zero).' },
      { name: 'base', type: T.number, description: 'The base to write it in: 2, 8, 10 or 16.' },
    ],
    result: { name: 'output', type: s, description: 'The digits of the number in that base.' },
    description: 'Writes a number as an integer in base 2, 8, 10 or 16, dropping any fractional part.',
    impl(args) {
      const number = expectNumber(args, 0);
      const base = expectNumber(args, 1);
      if (base !== 2 && base !== 8 && base !== 10 && base !== 16) {
        throw new BuiltinError('operand 2 must be one of {2, 8, 10, 16}', 'eval_type_error');
      }
      const integer = typeof number === 'bigint' ? number : BigInt(Math.trunc(number));
      return integer.toString(base);
    },
  },
  {
    name: 'indexof',
    categories: ['strings'],
    params: [
      { name: 'haystack', type: s, description: 'The string to search in.' },
      { name: 'needle', type: s, description: 'The text to look for; must not be empty.' },
    ],
    result: { name: 'output', type: T.number, description: 'The code point index of the first match, or -1.' },
    description: 'Finds the first occurrence of a string in another and returns its index in code points, or -1 when absent.',
    impl(args) {
      const haystack = expectString(args, 0);
      const needle = expectString(args, 1);
      if (needle === '') throw new BuiltinError('empty search character');
      const found = haystack.indexOf(needle);
      return found < 0 ? -1 : codePointIndex(haystack, found);
    },
  },
  {
    name: 'indexof_n',
    categories: ['strings'],
    params: [
      { name: 'haystack', type: s, description: 'The string to search in.' },
      { name: 'needle', type: s, description: 'The text to look for; must not be empty.' },
    ],
    result: { name: 'output', type: T.array(T.number), description: 'The code point indexes of every match, overlapping ones included.' },
    description: 'Finds every occurrence of a string in another, overlapping ones included, and returns their indexes in code points.',
    impl(args) {
      const haystack = expectString(args, 0);
      const needle = expectString(args, 1);
      if (needle === '') throw new BuiltinError('empty search character');
      const found: number[] = [];
      // Code points are counted incrementally between matches, so long inputs stay linear.
      let counted = 0;
      let countedTo = 0;
      for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + charLength(haystack, at))) {
        counted += codePointIndex(haystack.slice(countedTo, at), at - countedTo);
        countedTo = at;
        found.push(counted);
      }
      return found;
    },
  },
  {
    name: 'lower',
    categories: ['strings'],
    params: [{ name: 'x', type: s, description: 'The string to convert.' }],
    result: { name: 'y', type: s, description: 'The string in lower case.' },
    description: 'Converts a string to lower case.',
    impl(args) {
      return mapCase(expectString(args, 0), false);
    },
  },
  {
    name: 'upper',
    categories: ['strings'],
    params: [{ name: 'x', type: s, description: 'The string to convert.' }],
    result: { name: 'y', type: s, description: 'The string in upper case.' },
    description: 'Converts a string to upper case.',
    impl(args) {
      return mapCase(expectString(args, 0), true);
    },
  },
  {
    name: 'replace',
    categories: ['strings'],
    params: [
      { name: 'x', type: s, description: 'The string to change.' },
      { name: 'old', type: s, description: 'The text to replace.' },
      { name: 'new', type: s, description: 'The text to put in its place.' },
    ],
    result: { name: 'y', type: s, description: 'The string with every occurrence replaced.' },
    description: 'Replaces every non-overlapping occurrence of a text in a string, from left to right.',
    impl(args) {
      const text = expectString(args, 0);
      const old = expectString(args, 1);
      return replaceAll(text, [[old, expectString(args, 2)]]);
    },
  },
  {
    name: 'strings.replace_n',
    categories: [],
    params: [
      { name: 'patterns', type: T.object(s, s), description: 'Pairs of text to find (keys) and text to put in its place (values).' },
      { name: 'value', type: s, description: 'The string to change.' },
    ],
    result: { name: 'output', type: s, description: 'The string with the replacements made.' },
    description:
      'Makes several replacements in one left-to-right pass. Where several keys match at the same place, ' +
      'the key that sorts first wins; replaced text is not searched again.',
    impl(args) {
      const patterns = expectObject(args, 0);
      const text = expectString(args, 1);
      const pairs: [string, string][] = [];
      for (const [key, value] of patterns.entries()) {
        if (typeof key !== 'string') throw new BuiltinError('operand 1 non-string key found in pattern object', 'eval_type_error');
        if (typeof value !== 'string') throw new BuiltinError('operand 1 non-string value found in pattern object', 'eval_type_error');
        pairs.push([key, value]);
      }
      return pairs.length === 0 ? text : replaceAll(text, pairs);
    },
  },
  {
    name: 'split',
    categories: ['strings'],
    params: [
      { name: 'x', type: s, description: 'The string to split.' },
      { name: 'delimiter', type: s, description: 'The separator; an empty one splits into single characters.' },
    ],
    result: { name: 'ys', type: T.array(s), description: 'The pieces between the separators.' },
    description: 'Splits a string at every occurrence of a separator.',
    impl(args) {
      const text = expectString(args, 0);
      const delimiter = expectString(args, 1);
      if (!text.includes(delimiter)) return [text];
      return goSplit(text, delimiter);
    },
  },
  {
    name: 'strings.split_n',
    categories: ['strings'],
    params: [
      { name: 'x', type: s, description: 'The string to split.' },
      { name: 'delimiter', type: s, description: 'The separator; an empty one splits into single characters.' },
      { name: 'n', type: T.number, description: 'How many pieces: at most n from the left when positive, the last -n pieces when negative, none for 0.' },
    ],
    result: { name: 'ys', type: T.array(s), description: 'The pieces.' },
    description:
      'Splits a string at a separator into a limited number of pieces. A positive count stops splitting after ' +
      'that many pieces (the last holds the rest); a negative count keeps only that many pieces from the end.',
    impl(args) {
      const text = expectString(args, 0);
      const delimiter = expectString(args, 1);
      const n = intOperand(args, 2);
      if (n >= 0) return goSplit(text, delimiter, n);
      const parts = goSplit(text, delimiter);
      return parts.slice(Math.max(parts.length + n, 0));
    },
  },
  {
    name: 'startswith',
    categories: ['strings'],
    params: [
      { name: 'search', type: s, description: 'The string to test.' },
      { name: 'base', type: s, description: 'The prefix to look for.' },
    ],
    result: { name: 'result', type: T.boolean, description: 'Whether the string starts with the prefix.' },
    description: 'Tells whether a string starts with a given prefix.',
    impl(args) {
      const search = expectString(args, 0);
      return search.startsWith(expectString(args, 1));
    },
  },
  {
    name: 'strings.any_prefix_match',
    categories: ['strings'],
    params: [
      { name: 'search', type: stringOrCollection, description: 'A string, or an array or set of strings, to test.' },
      { name: 'base', type: stringOrCollection, description: 'A prefix, or an array or set of prefixes.' },
    ],
    result: { name: 'result', type: T.boolean, description: 'Whether any of the strings starts with any of the prefixes.' },
    description: 'Tells whether any of the given strings starts with any of the given prefixes.',
    impl(args) {
      const strings = affixOperand(args[0], 1);
      const prefixes = affixOperand(args[1], 2);
      return strings.some((text) => prefixes.some((prefix) => text.startsWith(prefix)));
    },
  },
  {
    name: 'strings.any_suffix_match',
    categories: ['strings'],
    params: [
      { name: 'search', type: stringOrCollection, description: 'A string, or an array or set of strings, to test.' },
      { name: 'base', type: stringOrCollection, description: 'A suffix, or an array or set of suffixes.' },
    ],
    result: { name: 'result', type: T.boolean, description: 'Whether any of the strings ends with any of the suffixes.' },
    description: 'Tells whether any of the given strings ends with any of the given suffixes.',
    impl(args) {
      const strings = affixOperand(args[0], 1);
      const suffixes = affixOperand(args[1], 2);
      return strings.some((text) => suffixes.some((suffix) => text.endsWith(suffix)));
    },
  },
  {
    name: 'strings.count',
    categories: ['strings'],
    params: [
      { name: 'search', type: s, description: 'The string to search in.' },
      { name: 'substring', type: s, description: 'The text to count.' },
    ],
    result: { name: 'output', type: T.number, description: 'How many non-overlapping occurrences there are.' },
    description:
      'Counts the non-overlapping occurrences of a text in a string. An empty text is counted once ' +
      'before each character and once at the end.',
    impl(args) {
      const search = expectString(args, 0);
      return countOccurrences(search, expectString(args, 1));
    },
  },
  {
    name: 'strings.reverse',
    categories: ['strings'],
    params: [{ name: 'x', type: s, description: 'The string to reverse.' }],
    result: { name: 'y', type: s, description: 'The characters in reverse order.' },
    description: 'Reverses the order of the characters (code points) in a string.',
    impl(args) {
      return codePoints(expectString(args, 0)).reverse().join('');
    },
  },
  {
    name: 'substring',
    categories: ['strings'],
    params: [
      { name: 'value', type: s, description: 'The string to take a part of.' },
      { name: 'offset', type: T.number, description: 'Where the part starts, in code points; must not be negative.' },
      { name: 'length', type: T.number, description: 'How many code points to take; a negative length takes the rest.' },
    ],
    result: { name: 'output', type: s, description: 'The part of the string.' },
    description:
      'Takes part of a string by code point offset and length. A negative length takes everything from ' +
      'the offset on; an offset past the end gives the empty string.',
    impl(args) {
      const value = expectString(args, 0);
      const offset = intOperand(args, 1);
      const length = intOperand(args, 2);
      if (offset < 0) throw new BuiltinError('negative offset');
      if (ASCII.test(value)) return length < 0 ? value.slice(offset) : value.slice(offset, offset + length);
      const chars = codePoints(value);
      return (length < 0 ? chars.slice(offset) : chars.slice(offset, offset + length)).join('');
    },
  },
  {
    name: 'trim',
    categories: ['strings'],
    params: [
      { name: 'value', type: s, description: 'The string to trim.' },
      { name: 'cutset', type: s, description: 'The characters to remove, each on its own (not as a sequence).' },
    ],
    result: { name: 'output', type: s, description: 'The string without those characters at either end.' },
    description: 'Removes any of a set of characters from both ends of a string.',
    impl(args) {
      const value = expectString(args, 0);
      const drop = inCutset(expectString(args, 1));
      return trimRightWhile(trimLeftWhile(value, drop), drop);
    },
  },
  {
    name: 'trim_left',
    categories: ['strings'],
    params: [
      { name: 'value', type: s, description: 'The string to trim.' },
      { name: 'cutset', type: s, description: 'The characters to remove, each on its own (not as a sequence).' },
    ],
    result: { name: 'output', type: s, description: 'The string without those characters at its start.' },
    description: 'Removes any of a set of characters from the start of a string.',
    impl(args) {
      const value = expectString(args, 0);
      return trimLeftWhile(value, inCutset(expectString(args, 1)));
    },
  },
  {
    name: 'trim_right',
    categories: ['strings'],
    params: [
      { name: 'value', type: s, description: 'The string to trim.' },
      { name: 'cutset', type: s, description: 'The characters to remove, each on its own (not as a sequence).' },
    ],
    result: { name: 'output', type: s, description: 'The string without those characters at its end.' },
    description: 'Removes any of a set of characters from the end of a string.',
    impl(args) {
      const value = expectString(args, 0);
      return trimRightWhile(value, inCutset(expectString(args, 1)));
    },
  },
  {
    name: 'trim_prefix',
    categories: ['strings'],
    params: [
      { name: 'value', type: s, description: 'The string to trim.' },
      { name: 'prefix', type: s, description: 'The text to remove from the start.' },
    ],
    result: { name: 'output', type: s, description: 'The string without the prefix, or unchanged when it does not start with it.' },
    description: 'Removes a prefix from a string once, when the string starts with it.',
    impl(args) {
      const value = expectString(args, 0);
      const prefix = expectString(args, 1);
      return value.startsWith(prefix) ? value.slice(prefix.length) : value;
    },
  },
  {
    name: 'trim_suffix',
    categories: ['strings'],
    params: [
      { name: 'value', type: s, description: 'The string to trim.' },
      { name: 'suffix', type: s, description: 'The text to remove from the end.' },
    ],
    result: { name: 'output', type: s, description: 'The string without the suffix, or unchanged when it does not end with it.' },
    description: 'Removes a suffix from a string once, when the string ends with it.',
    impl(args) {
      const value = expectString(args, 0);
      const suffix = expectString(args, 1);
      return suffix !== '' && value.endsWith(suffix) ? value.slice(0, value.length - suffix.length) : value;
    },
  },
  {
    name: 'trim_space',
    categories: ['strings'],
    params: [{ name: 'value', type: s, description: 'The string to trim.' }],
    result: { name: 'output', type: s, description: 'The string without white space at either end.' },
    description: 'Removes white space (as Unicode defines it) from both ends of a string.',
    impl(args) {
      const value = expectString(args, 0);
      return trimRightWhile(trimLeftWhile(value, isGoSpace), isGoSpace);
    },
  },
  {
    name: 'strings.render_template',
    categories: ['strings'],
    params: [
      { name: 'value', type: s, description: 'A Go text/template, such as "Hello {{.name}}".' },
      { name: 'vars', type: T.object(s, T.any), description: 'The values the template refers to, by name.' },
    ],
    result: { name: 'result', type: s, description: 'The rendered text.' },
    description:
      'Renders a Go text/template with the given variables. Referring to a variable that is not given is an error.',
    impl(args) {
      const template = expectString(args, 0);
      const vars = expectObject(args, 1);
      return renderTemplate(template, vars);
    },
  },
]);

// =============================================================================================
// A subset of Go's text/template, as strings.render_template runs it (with missingkey=error).
//
// Supported: text and {{actions}} with {{- and -}} trimming and {{/* comments */}}; pipelines with
// `|`; fields (.a.b, $x.a), variables ($, $x, declared with := and assigned with =); string, raw
// string, character, number, bool and nil constants; parentheses; if / else if / else, range (with
// $i, $v := and else, over arrays, objects in key order and integers), with / else with, break,
// continue, define / template / block; and the functions and, or, not, len, index, slice, print,
// printf, println, eq, ne, lt, le, gt, ge, html, js, urlquery. Values are the Go values OPA passes:
// objects as maps, arrays as slices, numbers as json.Number (a kind of string), null as nil.
// Not supported: method calls, `call`, and comparisons between json.Number and number constants
// beyond what Go itself allows.

class TemplateError extends Error {}

type Node =
  | { type: 'text'; text: string }
  | { type: 'action'; pipe: Pipeline; position: Position }
  | { type: 'if' | 'with'; pipe: Pipeline; list: Node[]; elseList?: Node[]; position: Position }
  | { type: 'range'; pipe: Pipeline; list: Node[]; elseList?: Node[]; position: Position }
  | { type: 'template'; name: string; pipe?: Pipeline; position: Position }
  | { type: 'break' | 'continue'; position: Position };

interface Position {
  line: number;
  column: number;
  /** The source text of the action, for error messages ("at <.x>"). */
  text: string;
}

interface Pipeline {
  declarations: string[];
  isAssign: boolean;
  commands: Command[];
}

type Operand =
  | { type: 'field'; names: string[] }
  | { type: 'variable'; name: string; fields: string[] }
  | { type: 'dot' }
  | { type: 'nil' }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'number'; value: GoValue }
  | { type: 'identifier'; name: string }
  | { type: 'pipeline'; pipe: Pipeline; fields: string[] };

type Command = Operand[];

type Token =
  | { kind: 'text'; text: string }
  | { kind: 'action'; text: string; line: number; column: number };

/** Splits a template into text and actions, applying the trim markers. */
function lexTemplate(source: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  let trimNextText = false;
  for (;;) {
    const open = source.indexOf('{{', position);
    let text = source.slice(position, open < 0 ? source.length : open);
    if (trimNextText) text = text.replace(/^[ \t\r\n]+/, '');
    if (open < 0) {
      if (text) tokens.push({ kind: 'text', text });
      return tokens;
    }
    let inner = open + 2;
    if (source.startsWith('- ', inner) || source.startsWith('-\t', inner) || source.startsWith('-\n', inner) || source.startsWith('-\r', inner)) {
      text = text.replace(/[ \t\r\n]+$/, '');
      inner += 1;
    }
    if (text) tokens.push({ kind: 'text', text });
    const close = findActionEnd(source, inner);
    if (close < 0) {
      const line = source.slice(0, open).split('\n').length;
      throw new TemplateError(`template: template:${line}: unclosed action`);
    }
    let body = source.slice(inner, close);
    trimNextText = false;
    if (/[ \t\r\n]-$/.test(body)) {
      body = body.slice(0, -1);
      trimNextText = true;
    }
    const before = source.slice(0, open);
    const line = before.split('\n').length;
    const column = open - (before.lastIndexOf('\n') + 1);
    const trimmed = body.trim();
    if (!(trimmed.startsWith('/*') && trimmed.endsWith('*/'))) {
      tokens.push({ kind: 'action', text: body, line, column });
    }
    position = close + 2;
  }
}

/** The index of the closing braces of an action, skipping over quoted strings and comments. */
function findActionEnd(source: string, start: number): number {
  let i = start;
  while (i < source.length) {
    const c = source[i];
    if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) return -1;
      i = end + 2;
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      while (i < source.length && source[i] !== c) {
        if (source[i] === '\\') i++;
        if (source[i] === '\n') return -1;
        i++;
      }
      i++;
      continue;
    }
    if (c === '`') {
      const end = source.indexOf('`', i + 1);
      if (end < 0) return -1;
      i = end + 1;
      continue;
    }
    if (source.startsWith('}}', i)) return i;
    i++;
  }
  return -1;
}

type Word =
  | { kind: 'field'; names: string[] }
  | { kind: 'variable'; name: string; fields: string[] }
  | { kind: 'dot' }
  | { kind: 'string'; value: string }
  | { kind: 'char'; value: number }
  | { kind: 'number'; text: string }
  | { kind: 'identifier'; name: string }
  | { kind: 'open' }
  | { kind: 'close'; fields: string[] }
  | { kind: 'pipe' }
  | { kind: 'declare' }
  | { kind: 'assign' }
  | { kind: 'comma' };

/** Splits the inside of an action into words. */
function lexAction(text: string, fail: (message: string) => never): Word[] {
  const words: Word[] = [];
  let i = 0;
  const fieldChain = (): string[] => {
    const names: string[] = [];
    while (text[i] === '.' && /[\p{L}_]/u.test(text[i + 1] ?? '')) {
      const match = /^\.([\p{L}_][\p{L}\p{N}_]*)/u.exec(text.slice(i))!;
      names.push(match[1]);
      i += match[0].length;
    }
    return names;
  };
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '|') {
      words.push({ kind: 'pipe' });
      i++;
    } else if (c === '(') {
      words.push({ kind: 'open' });
      i++;
    } else if (c === ')') {
      i++;
      words.push({ kind: 'close', fields: fieldChain() });
    } else if (c === ',') {
      words.push({ kind: 'comma' });
      i++;
    } else if (text.startsWith(':=', i)) {
      words.push({ kind: 'declare' });
      i += 2;
    } else if (c === '=') {
      words.push({ kind: 'assign' });
      i++;
    } else if (c === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (end >= text.length) fail('unterminated quoted string');
      words.push({ kind: 'string', value: unquoteGo(text.slice(i, end + 1), fail) });
      i = end + 1;
    } else if (c === '`') {
      const end = text.indexOf('`', i + 1);
      if (end < 0) fail('unterminated raw quoted string');
      words.push({ kind: 'string', value: text.slice(i + 1, end).replace(/\r/g, '') });
      i = end + 1;
    } else if (c === "'") {
      let end = i + 1;
      while (end < text.length && text[end] !== "'") end += text[end] === '\\' ? 2 : 1;
      if (end >= text.length) fail('unterminated character constant');
      const value = unquoteGo('"' + text.slice(i + 1, end).replace(/"/g, '\\"') + '"', fail);
      if (Array.from(value).length !== 1) fail(`malformed character constant: ${text.slice(i, end + 1)}`);
      words.push({ kind: 'char', value: value.codePointAt(0)! });
      i = end + 1;
    } else if (c === '$') {
      const match = /^\$[\p{L}\p{N}_]*/u.exec(text.slice(i))!;
      i += match[0].length;
      words.push({ kind: 'variable', name: match[0], fields: fieldChain() });
    } else if (c === '.' && !/[0-9]/.test(text[i + 1] ?? '')) {
      if (/[\p{L}_]/u.test(text[i + 1] ?? '')) {
        words.push({ kind: 'field', names: fieldChain() });
      } else {
        words.push({ kind: 'dot' });
        i++;
      }
    } else if (/[-+0-9.]/.test(c)) {
      const match = /^[-+]?(0[xX][0-9a-fA-F_]+(\.[0-9a-fA-F_]*)?([pP][-+]?[0-9_]+)?|0[bB][01_]+|0[oO][0-7_]+|([0-9_]+\.?[0-9_]*|\.[0-9_]+)([eE][-+]?[0-9_]+)?)i?/.exec(text.slice(i));
      if (!match || match[0] === '-' || match[0] === '+') fail(`bad number syntax: "${text.slice(i).split(/\s/)[0]}"`);
      words.push({ kind: 'number', text: match[0] });
      i += match[0].length;
    } else if (/[\p{L}_]/u.test(c)) {
      const match = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(text.slice(i))!;
      i += match[0].length;
      words.push({ kind: 'identifier', name: match[0] });
      const fields = fieldChain();
      if (fields.length) fail(`unexpected . after term "${match[0]}"`);
    } else {
      fail(`unexpected "${c}" in command`);
    }
  }
  return words;
}

/** Reads a Go interpreted string literal. */
function unquoteGo(literal: string, fail: (message: string) => never): string {
  const body = literal.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = body[++i];
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };
    if (next in simple) {
      out += simple[next];
    } else if (next === 'x' || next === 'u' || next === 'U') {
      const size = next === 'x' ? 2 : next === 'u' ? 4 : 8;
      const digits = body.slice(i + 1, i + 1 + size);
      if (!new RegExp(`^[0-9a-fA-F]{${size}}$`).test(digits)) fail(`invalid syntax in ${literal}`);
      out += String.fromCodePoint(parseInt(digits, 16));
      i += size;
    } else if (next >= '0' && next <= '7') {
      const digits = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(digits)) fail(`invalid syntax in ${literal}`);
      out += String.fromCharCode(parseInt(digits, 8));
      i += 2;
    } else {
      fail(`invalid syntax in ${literal}`);
    }
  }
  return out;
}

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil', 'true', 'false']);

class TemplateParser {
  private index = 0;
  readonly definitions = new Map<string, Node[]>();
  private rangeDepth = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): Node[] {
    const { list, end } = this.list();
    if (end) this.failAt(end, `unexpected {{${end.text.trim()}}}`);
    return list;
  }

  private failAt(token: { line: number }, message: string): never {
    throw new TemplateError(`template: template:${token.line}: ${message}`);
  }

  /** Reads nodes up to an {{end}} or {{else ...}}, which it returns without consuming further. */
  private list(): { list: Node[]; end?: Token & { kind: 'action' } } {
    const list: Node[] = [];
    while (this.index < this.tokens.length) {
      const token = this.tokens[this.index++];
      if (token.kind === 'text') {
        list.push({ type: 'text', text: token.text });
        continue;
      }
      const keyword = /^\s*([a-z]+)\b/.exec(token.text)?.[1];
      if (keyword === 'end' || keyword === 'else') return { list, end: token };
      list.push(this.action(token, keyword));
    }
    return { list };
  }

  private action(token: Token & { kind: 'action' }, keyword: string | undefined): Node {
    const position: Position = { line: token.line, column: token.column, text: token.text.trim() };
    const rest = () => token.text.replace(/^\s*[a-z]+/, '');
    switch (keyword) {
      case 'if':
      case 'with':
        return this.branch(keyword, token, rest(), position);
      case 'range': {
        this.rangeDepth++;
        const node = this.branch('range', token, rest(), position);
        this.rangeDepth--;
        return node;
      }
      case 'break':
      case 'continue':
        if (this.rangeDepth === 0) this.failAt(token, `{{${keyword}}} outside {{range}}`);
        return { type: keyword, position };
      case 'define': {
        const name = this.templateName(token, rest());
        const { list, end } = this.list();
        if (!end || !/^\s*end\s*$/.test(end.text)) this.failAt(token, 'unexpected EOF');
        this.definitions.set(name.name, list);
        return { type: 'text', text: '' };
      }
      case 'template':
      case 'block': {
        const name = this.templateName(token, rest());
        const pipe = name.rest.trim() ? this.pipeline(name.rest, token, false) : undefined;
        if (keyword === 'block') {
          const { list, end } = this.list();
          if (!end || !/^\s*end\s*$/.test(end.text)) this.failAt(token, 'unexpected EOF');
          this.definitions.set(name.name, list);
        }
        return { type: 'template', name: name.name, pipe, position };
      }
      default:
        return { type: 'action', pipe: this.pipeline(token.text, token, true), position };
    }
  }

  private templateName(token: Token & { kind: 'action' }, text: string): { name: string; rest: string } {
    const match = /^\s*("(?:[^"\\]|\\.)*"|`[^`]*`)/.exec(text);
    if (!match) this.failAt(token, 'template name must be a string');
    const literal = match[1];
    const name = literal[0] === '`' ? literal.slice(1, -1) : unquoteGo(literal, (m) => this.failAt(token, m));
    return { name, rest: text.slice(match[0].length) };
  }

  private branch(kind: 'if' | 'with' | 'range', token: Token & { kind: 'action' }, text: string, position: Position): Node {
    const pipe = this.pipeline(text, token, true);
    const { list, end } = this.list();
    if (!end) this.failAt(token, 'unexpected EOF');
    let elseList: Node[] | undefined;
    if (/^\s*else\b/.test(end.text)) {
      const after = end.text.replace(/^\s*else/, '');
      const chained = /^\s*(if|with)\b/.exec(after)?.[1];
      if (chained && chained === kind) {
        // {{else if ...}} and {{else with ...}} open a nested branch that shares this one's {{end}}.
        const rest = after.replace(/^\s*(if|with)/, '');
        elseList = [this.branch(kind, end, rest, { ...position, line: end.line, text: end.text.trim() })];
      } else {
        if (after.trim()) this.failAt(end, `unexpected "${after.trim()}" in else`);
        const tail = this.list();
        if (!tail.end || !/^\s*end\s*$/.test(tail.end.text)) this.failAt(token, 'unexpected EOF');
        elseList = tail.list;
      }
    } else if (!/^\s*end\s*$/.test(end.text)) {
      this.failAt(end, `unexpected ${end.text.trim()}`);
    }
    return { type: kind, pipe, list, elseList, position };
  }

  private pipeline(text: string, token: Token & { kind: 'action' }, allowDeclaration: boolean): Pipeline {
    const fail = (message: string): never => this.failAt(token, message);
    const words = lexAction(text, fail);
    let start = 0;
    const declarations: string[] = [];
    let isAssign = false;
    // Declarations: $x := ..., $x = ..., or (in range) $i, $v := ...
    const declarationEnd = words.findIndex((word) => word.kind === 'declare' || word.kind === 'assign');
    if (allowDeclaration && declarationEnd > 0 && words.slice(0, declarationEnd).every((word, i) => (i % 2 === 0 ? word.kind === 'variable' && word.fields.length === 0 : word.kind === 'comma'))) {
      for (let i = 0; i < declarationEnd; i += 2) declarations.push((words[i] as { name: string }).name);
      isAssign = words[declarationEnd].kind === 'assign';
      start = declarationEnd + 1;
    }
    const position = { index: start };
    const pipe = this.commands(words, position, fail);
    if (position.index < words.length) fail(`unexpected ${describeWord(words[position.index])} in command`);
    if (pipe.length === 0) fail('missing value for command');
    return { declarations, isAssign, commands: pipe };
  }

  private commands(words: Word[], position: { index: number }, fail: (message: string) => never): Command[] {
    const commands: Command[] = [];
    let command: Command = [];
    while (position.index < words.length) {
      const word = words[position.index];
      if (word.kind === 'close') break;
      position.index++;
      switch (word.kind) {
        case 'pipe':
          if (command.length === 0) fail('missing command');
          commands.push(command);
          command = [];
          break;
        case 'open': {
          const inner = this.commands(words, position, fail);
          const close = words[position.index];
          if (!close || close.kind !== 'close') fail('unclosed left paren');
          position.index++;
          command.push({ type: 'pipeline', pipe: { declarations: [], isAssign: false, commands: inner }, fields: (close as { fields: string[] }).fields });
          break;
        }
        case 'field':
          command.push({ type: 'field', names: word.names });
          break;
        case 'variable':
          command.push({ type: 'variable', name: word.name, fields: word.fields });
          break;
        case 'dot':
          command.push({ type: 'dot' });
          break;
        case 'string':
          command.push({ type: 'string', value: word.value });
          break;
        case 'char':
          command.push({ type: 'number', value: goInt(word.value) });
          break;
        case 'number':
          command.push({ type: 'number', value: parseGoNumber(word.text, fail) });
          break;
        case 'identifier':
          if (word.name === 'nil') command.push({ type: 'nil' });
          else if (word.name === 'true' || word.name === 'false') command.push({ type: 'bool', value: word.name === 'true' });
          else if (KEYWORDS.has(word.name)) fail(`unexpected <${word.name}> in command`);
          else if (!(word.name in FUNCTIONS)) fail(`function "${word.name}" not defined`);
          else command.push({ type: 'identifier', name: word.name });
          break;
        default:
          fail(`unexpected ${describeWord(word)} in command`);
      }
    }
    if (command.length) commands.push(command);
    else if (commands.length) fail('missing command');
    return commands;
  }
}

function describeWord(word: Word): string {
  switch (word.kind) {
    case 'close':
      return '")"';
    case 'declare':
      return '":="';
    case 'assign':
      return '"="';
    case 'comma':
      return '","';
    default:
      return word.kind;
  }
}

function parseGoNumber(text: string, fail: (message: string) => never): GoValue {
  const clean = text.replace(/_/g, '');
  if (/i$/.test(clean)) fail(`complex numbers are not supported: ${text}`);
  const negative = clean.startsWith('-');
  const body = clean.replace(/^[-+]/, '');
  const radix = /^0[xX]/.test(body) && !/[.pP]/.test(body) ? 16 : /^0[bB]/.test(body) ? 2 : /^0[oO]/.test(body) ? 8 : /^0[0-7]+$/.test(body) ? 8 : 10;
  if (radix !== 10 || /^[0-9]+$/.test(body)) {
    const digits = radix === 10 ? body : radix === 8 && /^0[0-7]+$/.test(body) ? body.slice(1) : body.slice(2);
    const prefix = radix === 16 ? '0x' : radix === 2 ? '0b' : radix === 8 ? '0o' : '';
    try {
      const value = BigInt(prefix + digits) * (negative ? -1n : 1n);
      if (value >= -(2n ** 63n) && value < 2n ** 63n) return goInt(value);
    } catch {
      // Falls through to the float reading below.
    }
  }
  const value = Number(clean);
  if (!Number.isFinite(value)) fail(`illegal number syntax: "${text}"`);
  return { kind: 'float', value };
}

/**
 * A template's view of a Rego value: OPA turns the variables into Go values by decoding their Rego
 * text as JSON (numbers as json.Number), so sets and non-string keys are rejected by that decoding.
 */
function toTemplateValue(value: Value): GoValue {
  switch (typeof value) {
    case 'string':
      return goString(value);
    case 'number':
    case 'bigint':
      return goString(numberText(value), 'json.Number');
    case 'boolean':
      return { kind: 'bool', value };
    default:
      if (value === null) return goNil;
      if (Array.isArray(value)) return { kind: 'slice', items: value.map(toTemplateValue) };
      if (value instanceof SetValue) return { kind: 'slice', items: value.values().map(toTemplateValue) };
      return { kind: 'map', entries: value.entries().map(([k, v]) => [toTemplateValue(k), toTemplateValue(v)] as [GoValue, GoValue]) };
  }
}

class BreakSignal {}
class ContinueSignal {}

interface Scope {
  variables: { name: string; value: GoValue }[];
}

/** Go's template truth: false, 0, nil, and empty strings, maps and slices are false. */
function isTrue(value: GoValue): boolean {
  switch (value.kind) {
    case 'nil':
      return false;
    case 'bool':
      return value.value;
    case 'int':
    case 'bigInt':
      return value.value !== 0n;
    case 'float':
      return value.value !== 0;
    case 'string':
      return value.value.length > 0;
    case 'map':
      return value.entries.length > 0;
    case 'slice':
      return value.items.length > 0;
  }
}

function basicKind(value: GoValue): 'bool' | 'int' | 'float' | 'string' | 'nil' | 'other' {
  switch (value.kind) {
    case 'bool':
      return 'bool';
    case 'int':
    case 'bigInt':
      return 'int';
    case 'float':
      return 'float';
    case 'string':
      return 'string';
    case 'nil':
      return 'nil';
    default:
      return 'other';
  }
}

/** text/template's eq: same basic kinds compare by value; nil equals only nil; other mixes are errors. */
function templateEqual(a: GoValue, b: GoValue): boolean {
  const kindA = basicKind(a);
  const kindB = basicKind(b);
  if (kindA !== kindB) {
    if (kindA !== 'nil' && kindB !== 'nil') throw new TemplateError('error calling eq: incompatible types for comparison');
    return false;
  }
  switch (kindA) {
    case 'nil':
      return true;
    case 'other':
      throw new TemplateError(`error calling eq: non-comparable type ${goPrint([b])}: ${goTypeName(b)}`);
    default:
      return (a as { value: unknown }).value === (b as { value: unknown }).value;
  }
}

/** text/template's lt: numbers and strings of the same kind only. */
function templateLess(name: string, a: GoValue, b: GoValue): boolean {
  const kindA = basicKind(a);
  const kindB = basicKind(b);
  if (kindA === 'other' || kindA === 'nil' || kindB === 'other' || kindB === 'nil') {
    throw new TemplateError(`error calling ${name}: invalid type for comparison`);
  }
  if (kindA !== kindB) throw new TemplateError(`error calling ${name}: incompatible types for comparison`);
  if (kindA === 'bool') throw new TemplateError(`error calling ${name}: invalid type for comparison`);
  return (a as { value: number | bigint | string }).value < (b as { value: number | bigint | string }).value;
}

function lengthOf(value: GoValue): number {
  switch (value.kind) {
    case 'string':
      return new TextEncoder().encode(value.value).length;
    case 'map':
      return value.entries.length;
    case 'slice':
      return value.items.length;
    default:
      throw new TemplateError(value.kind === 'nil' ? 'error calling len: len of nil pointer' : `error calling len: len of type ${goTypeName(value)}`);
  }
}

function integerArgument(value: GoValue, name: string): number {
  if (value.kind === 'nil') throw new TemplateError(`error calling ${name}: cannot index slice/array with nil`);
  if (value.kind !== 'int') throw new TemplateError(`error calling ${name}: cannot index slice/array with type ${goTypeName(value)}`);
  return Number(value.value);
}

function escapeHtml(text: string): string {
  return text.replace(/[<>&'"\0]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&#39;', '"': '&#34;', '\0': '\uFFFD' })[c]!);
}

/** Go's template.JSEscapeString. */
function escapeJs(text: string): string {
  const named: Record<string, string> = {
    '\\': '\\\\', "'": "\\'", '"': '\\"', '<': '\\u003C', '>': '\\u003E', '&': '\\u0026', '=': '\\u003D',
  };
  let out = '';
  for (const char of text) {
    const c = char.codePointAt(0)!;
    if (named[char]) out += named[char];
    else if (c < 0x20) out += '\\u00' + c.toString(16).toUpperCase().padStart(2, '0');
    else if (c >= 0x80 && !isGoPrintable(c)) out += '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
    else out += char;
  }
  return out;
}

/** The text the html, js and urlquery functions format their arguments into first (fmt.Sprint, or the one string). */
function evalArgsText(args: GoValue[]): string {
  if (args.length === 1 && args[0].kind === 'string') return args[0].value;
  return goPrint(args);
}

type TemplateFunction = (args: GoValue[], lazy?: (() => GoValue)[]) => GoValue;

const FUNCTIONS: Record<string, TemplateFunction> = {
  and: () => goNil,
  or: () => goNil,
  not: (args) => {
    arity('not', args, 1);
    return { kind: 'bool', value: !isTrue(args[0]) };
  },
  len: (args) => {
    arity('len', args, 1);
    return goInt(lengthOf(args[0]));
  },
  index: (args) => {
    if (args.length < 1) throw new TemplateError('wrong number of args for index: want at least 1 got 0');
    let item = args[0];
    for (const key of args.slice(1)) {
      if (item.kind === 'map') {
        if (key.kind !== 'string') throw new TemplateError(`error calling index: value has type ${goTypeName(key)}; should be string`);
        item = item.entries.find(([k]) => (k as { value: string }).value === key.value)?.[1] ?? goNil;
      } else if (item.kind === 'slice' || item.kind === 'string') {
        const at = integerArgument(key, 'index');
        const length = item.kind === 'slice' ? item.items.length : new TextEncoder().encode(item.value).length;
        if (at < 0 || at >= length) throw new TemplateError(`error calling index: index out of range: ${at}`);
        item = item.kind === 'slice' ? item.items[at] : goInt(new TextEncoder().encode(item.value)[at]);
      } else if (item.kind === 'nil') {
        throw new TemplateError('error calling index: index of untyped nil');
      } else {
        throw new TemplateError(`error calling index: can't index item of type ${goTypeName(item)}`);
      }
    }
    return item;
  },
  slice: (args) => {
    if (args.length < 1) throw new TemplateError('wrong number of args for slice: want at least 1 got 0');
    const item = args[0];
    const bounds = args.slice(1).map((value) => integerArgument(value, 'slice'));
    if (bounds.length > 3) throw new TemplateError(`error calling slice: too many slice indexes: ${bounds.length}`);
    if (item.kind === 'string') {
      if (bounds.length === 3) throw new TemplateError('error calling slice: cannot 3-index slice a string');
      const bytes = new TextEncoder().encode(item.value);
      const start = bounds[0] ?? 0;
      const end = bounds[1] ?? bytes.length;
      if (start < 0 || end > bytes.length || start > end) throw new TemplateError(`error calling slice: index out of range: ${start > end ? start : end}`);
      return goString(new TextDecoder().decode(bytes.slice(start, end)), item.typeName);
    }
    if (item.kind === 'slice') {
      const start = bounds[0] ?? 0;
      const end = bounds[1] ?? item.items.length;
      if (start < 0 || end > item.items.length || start > end) throw new TemplateError(`error calling slice: index out of range: ${start > end ? start : end}`);
      return { kind: 'slice', items: item.items.slice(start, end) };
    }
    throw new TemplateError(`error calling slice: can't slice item of type ${goTypeName(item)}`);
  },
  print: (args) => goString(goPrint(args)),
  printf: (args) => {
    if (args.length < 1 || args[0].kind !== 'string') throw new TemplateError('wrong type for value; expected string');
    return goString(goSprintf(args[0].value, args.slice(1)));
  },
  println: (args) => goString(goPrintln(args)),
  eq: (args) => {
    if (args.length < 2) throw new TemplateError('error calling eq: missing argument for comparison');
    return { kind: 'bool', value: args.slice(1).some((other) => templateEqual(args[0], other)) };
  },
  ne: (args) => {
    arity('ne', args, 2);
    return { kind: 'bool', value: !templateEqual(args[0], args[1]) };
  },
  lt: (args) => {
    arity('lt', args, 2);
    return { kind: 'bool', value: templateLess('lt', args[0], args[1]) };
  },
  le: (args) => {
    arity('le', args, 2);
    return { kind: 'bool', value: templateLess('le', args[0], args[1]) || templateEqual(args[0], args[1]) };
  },
  gt: (args) => {
    arity('gt', args, 2);
    return { kind: 'bool', value: !(templateLess('gt', args[0], args[1]) || templateEqual(args[0], args[1])) };
  },
  ge: (args) => {
    arity('ge', args, 2);
    return { kind: 'bool', value: !templateLess('ge', args[0], args[1]) };
  },
  html: (args) => goString(escapeHtml(evalArgsText(args))),
  js: (args) => goString(escapeJs(evalArgsText(args))),
  urlquery: (args) => goString(queryEscape(evalArgsText(args))),
  call: () => {
    throw new TemplateError('error calling call: functions cannot be called from strings.render_template');
  },
};

function arity(name: string, args: GoValue[], count: number): void {
  if (args.length !== count) throw new TemplateError(`wrong number of args for ${name}: want ${count} got ${args.length}`);
}

class TemplateRunner {
  out = '';

  constructor(private readonly definitions: Map<string, Node[]>) {}

  private fail(position: Position, message: string): never {
    throw new TemplateError(`template: template:${position.line}:${position.column + 2}: executing "template" at <${position.text}>: ${message}`);
  }

  run(list: Node[], dot: GoValue, scope: Scope, depth = 0): void {
    for (const node of list) {
      switch (node.type) {
        case 'text':
          this.out += node.text;
          break;
        case 'action': {
          const value = this.pipeline(node.pipe, dot, scope, node.position);
          if (node.pipe.declarations.length === 0) this.out += printTemplateValue(value);
          break;
        }
        case 'if':
        case 'with': {
          const inner: Scope = { variables: [...scope.variables] };
          const value = this.pipeline(node.pipe, dot, inner, node.position);
          if (isTrue(value)) this.run(node.list, node.type === 'with' ? value : dot, inner, depth);
          else if (node.elseList) this.run(node.elseList, dot, inner, depth);
          break;
        }
        case 'range':
          this.range(node, dot, scope, depth);
          break;
        case 'template': {
          const body = this.definitions.get(node.name);
          if (!body) this.fail(node.position, `no such template "${node.name}"`);
          if (depth > 100000) this.fail(node.position, 'exceeded maximum template depth (100000)');
          const value = node.pipe ? this.pipeline(node.pipe, dot, scope, node.position) : goNil;
          this.run(body, value, { variables: [{ name: '$', value }] }, depth + 1);
          break;
        }
        case 'break':
          throw new BreakSignal();
        case 'continue':
          throw new ContinueSignal();
      }
    }
  }

  private range(node: Node & { type: 'range' }, dot: GoValue, scope: Scope, depth: number): void {
    const inner: Scope = { variables: [...scope.variables] };
    const declarations = node.pipe.declarations;
    const pipe = { ...node.pipe, declarations: [] };
    const value = this.pipeline(pipe, dot, inner, node.position);
    let items: [GoValue, GoValue][];
    switch (value.kind) {
      case 'slice':
        items = value.items.map((item, i) => [goInt(i), item]);
        break;
      case 'map':
        items = [...value.entries].sort((a, b) => compareStrings((a[0] as { value: string }).value, (b[0] as { value: string }).value));
        break;
      case 'int':
        if (declarations.length > 1) this.fail(node.position, "can't use int to iterate over more than one variable");
        items = [];
        for (let i = 0n; i < value.value; i++) items.push([goInt(i), goInt(i)]);
        break;
      case 'nil':
        items = [];
        break;
      default:
        this.fail(node.position, `range can't iterate over ${printTemplateValue(value)}`);
    }
    if (items.length === 0) {
      if (node.elseList) this.run(node.elseList, dot, inner, depth);
      return;
    }
    for (const [key, item] of items) {
      const iteration: Scope = { variables: [...inner.variables] };
      if (declarations.length === 1) iteration.variables.push({ name: declarations[0], value: item });
      if (declarations.length === 2) {
        iteration.variables.push({ name: declarations[0], value: key }, { name: declarations[1], value: item });
      }
      try {
        this.run(node.list, item, iteration, depth);
      } catch (signal) {
        if (signal instanceof BreakSignal) break;
        if (signal instanceof ContinueSignal) continue;
        throw signal;
      }
    }
  }

  private pipeline(pipe: Pipeline, dot: GoValue, scope: Scope, position: Position): GoValue {
    let value: GoValue | undefined;
    for (const command of pipe.commands) value = this.command(command, dot, scope, position, value);
    const result = value ?? goNil;
    for (const name of pipe.declarations) {
      if (pipe.isAssign) {
        const variable = [...scope.variables].reverse().find((v) => v.name === name);
        if (!variable) this.fail(position, `undefined variable: ${name}`);
        variable.value = result;
      } else {
        scope.variables.push({ name, value: result });
      }
    }
    return result;
  }

  private command(command: Command, dot: GoValue, scope: Scope, position: Position, final: GoValue | undefined): GoValue {
    const [head, ...rest] = command;
    if (head.type === 'identifier') {
      if (head.name === 'and' || head.name === 'or') {
        const operands: (() => GoValue)[] = rest.map((operand) => () => this.operand(operand, dot, scope, position));
        if (final !== undefined) operands.push(() => final);
        if (operands.length === 0) this.fail(position, `wrong number of args for ${head.name}: want at least 1 got 0`);
        let value: GoValue = goNil;
        for (const next of operands) {
          value = next();
          if (head.name === 'and' ? !isTrue(value) : isTrue(value)) return value;
        }
        return value;
      }
      const args = rest.map((operand) => this.operand(operand, dot, scope, position));
      if (final !== undefined) args.push(final);
      try {
        return FUNCTIONS[head.name](args);
      } catch (error) {
        if (error instanceof TemplateError && !error.message.startsWith('template:')) this.fail(position, error.message);
        throw error;
      }
    }
    if (rest.length > 0 || final !== undefined) {
      this.fail(position, `can't give argument to non-function ${describeOperand(head)}`);
    }
    return this.operand(head, dot, scope, position);
  }

  private operand(operand: Operand, dot: GoValue, scope: Scope, position: Position): GoValue {
    switch (operand.type) {
      case 'dot':
        return dot;
      case 'nil':
        return goNil;
      case 'bool':
        return { kind: 'bool', value: operand.value };
      case 'string':
        return goString(operand.value);
      case 'number':
        return operand.value;
      case 'identifier':
        return this.command([operand], dot, scope, position, undefined);
      case 'field':
        return this.fields(dot, operand.names, position);
      case 'variable': {
        const variable = [...scope.variables].reverse().find((v) => v.name === operand.name);
        if (!variable) this.fail(position, `undefined variable: ${operand.name}`);
        return this.fields(variable.value, operand.fields, position);
      }
      case 'pipeline': {
        const value = this.pipeline(operand.pipe, dot, { variables: [...scope.variables] }, position);
        return this.fields(value, operand.fields, position);
      }
    }
  }

  private fields(value: GoValue, names: string[], position: Position): GoValue {
    for (const name of names) {
      if (value.kind === 'map') {
        const entry = value.entries.find(([k]) => (k as { value: string }).value === name);
        // OPA renders with missingkey=error, so a missing key stops the rendering.
        if (!entry) this.fail(position, `map has no entry for key "${name}"`);
        value = entry[1];
      } else if (value.kind === 'nil') {
        this.fail(position, `nil pointer evaluating interface {}.${name}`);
      } else {
        this.fail(position, `can't evaluate field ${name} in type ${goTypeName(value)}`);
      }
    }
    return value;
  }
}

function describeOperand(operand: Operand): string {
  switch (operand.type) {
    case 'field':
      return '.' + operand.names.join('.');
    case 'variable':
      return operand.name + operand.fields.map((f) => '.' + f).join('');
    case 'dot':
      return 'dot';
    case 'string':
      return goQuote(operand.value);
    case 'number':
      return goPrint([operand.value]);
    case 'bool':
      return String(operand.value);
    default:
      return operand.type;
  }
}

/** How text/template prints a value: fmt.Print, with "<no value>" for nil. */
function printTemplateValue(value: GoValue): string {
  if (value.kind === 'nil') return '<no value>';
  return goPrint([value]);
}

function renderTemplate(source: string, vars: ObjectValue): string {
  const decodeError = goJsonSyntaxError(regoText(vars));
  if (decodeError) throw new BuiltinError(decodeError);
  const data = toTemplateValue(vars);
  try {
    const parser = new TemplateParser(lexTemplate(source));
    const list = parser.parse();
    const runner = new TemplateRunner(parser.definitions);
    runner.run(list, data, { variables: [{ name: '$', value: data }] });
    return runner.out;
  } catch (error) {
    if (error instanceof TemplateError) throw new BuiltinError(error.message);
    if (error instanceof BreakSignal || error instanceof ContinueSignal) throw new BuiltinError('template: break or continue outside range');
    throw error;
  }
}

