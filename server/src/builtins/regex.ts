/**
 * Regular-expression built-ins: regex.match (and the deprecated re_match), regex.is_valid,
 * regex.split, regex.find_n, regex.find_all_string_submatch_n, regex.replace, regex.template_match
 * and regex.globs_match. Patterns use Go's RE2 syntax and matching rules through re2js, and
 * compiled patterns are kept in a small least-recently-used cache. regex.globs_match does not use
 * regular expressions at all: it decides whether two simple glob-like patterns share a match.
 */
import { RE2JS } from 're2js';
import { BuiltinError, T, expectInteger, expectString, type Builtin } from './declaration.js';
import type { Value } from '../value/value.js';

// ---------------------------------------------------------------------------------------------
// Compiling and caching

type Engine = ReturnType<RE2JS['re2']>;

/** A compiled pattern: the re2js pattern, its engine (Go-like find-all API) and its group names. */
interface CompiledPattern {
  pattern: RE2JS;
  engine: Engine;
  groupNames: Record<string, number>;
}

/**
 * A map that keeps the `limit` most recently used entries (compiled patterns here and in glob.ts),
 * building missing ones on demand; a build that throws caches nothing.
 */
export class RecentlyUsedCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly limit: number) {}

  get(key: string, build: () => V): V {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const value = build();
    this.entries.set(key, value);
    if (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return value;
  }
}

const patternCache = new RecentlyUsedCache<CompiledPattern>(100);

function cached(key: string, compile: () => RE2JS): CompiledPattern {
  return patternCache.get(key, () => {
    const pattern = compile();
    return { pattern, engine: pattern.re2(), groupNames: pattern.namedGroups() };
  });
}

/** Compiles with Go's (Perl-like) syntax flags; the error text is Go's ("error parsing regexp: ..."). */
function compileRegex(source: string): RE2JS {
  try {
    return RE2JS.compile(source);
  } catch (error) {
    throw new BuiltinError(error instanceof Error ? error.message : String(error));
  }
}

function compiled(source: string): CompiledPattern {
  return cached(`regex:${source}`, () => compileRegex(source));
}

// ---------------------------------------------------------------------------------------------
// Go's regexp operations on top of re2js

/** Go's FindAllStringSubmatchIndex: successive non-overlapping matches, empty ones not right after a match. */
function allMatches(pattern: CompiledPattern, text: string, limit: number): number[][] {
  if (limit === 0) return [];
  return (pattern.engine.findAllSubmatchIndex(text, limit < 0 ? -1 : limit) as number[][] | null) ?? [];
}

/** Go's Regexp.Split with n = -1. */
function split(pattern: CompiledPattern, source: string, text: string): string[] {
  if (source.length > 0 && text.length === 0) return [''];
  const parts: string[] = [];
  let begin = 0;
  let end = 0;
  for (const match of allMatches(pattern, text, -1)) {
    end = match[0];
    if (match[1] !== 0) parts.push(text.slice(begin, end));
    begin = match[1];
  }
  // Go compares the start of the last match with the length: a match that reaches the end
  // still leaves an empty last part.
  if (end !== text.length) parts.push(text.slice(begin));
  return parts;
}

function isNameCharacter(character: string): boolean {
  return /^[\p{L}\p{Nd}_]$/u.test(character);
}

/**
 * Go's Regexp.Expand: `$1`, `${1}`, `$name` and `${name}` insert a group, `$$` a dollar sign. A name
 * runs as far as letters, digits and underscores go, so `$1x` is the (absent) group named "1x".
 */
function expand(template: string, pattern: CompiledPattern, text: string, match: number[]): string {
  let output = '';
  let rest = template;
  for (;;) {
    const dollar = rest.indexOf('$');
    if (dollar < 0) break;
    output += rest.slice(0, dollar);
    rest = rest.slice(dollar + 1);
    if (rest.startsWith('$')) {
      output += '$';
      rest = rest.slice(1);
      continue;
    }
    const reference = groupReference(rest);
    if (!reference) {
      output += '$';
      continue;
    }
    rest = reference.rest;
    const group = reference.number >= 0 ? reference.number : pattern.groupNames[reference.name] ?? -1;
    if (group >= 0 && 2 * group + 1 < match.length && match[2 * group] >= 0) {
      output += text.slice(match[2 * group], match[2 * group + 1]);
    }
  }
  return output + rest;
}

function groupReference(text: string): { name: string; number: number; rest: string } | undefined {
  let position = 0;
  const braced = text.startsWith('{');
  if (braced) position = 1;
  const start = position;
  for (const character of text.slice(start)) {
    if (!isNameCharacter(character)) break;
    position += character.length;
  }
  if (position === start) return undefined;
  const name = text.slice(start, position);
  if (braced) {
    if (text[position] !== '}') return undefined;
    position++;
  }
  // Only decimal numbers (of at most nine digits, without a leading zero) name a group by position.
  let number = 0;
  for (const character of name) {
    if (character < '0' || character > '9' || number >= 1e8) {
      number = -1;
      break;
    }
    number = number * 10 + Number(character);
  }
  if (name.length > 1 && name.startsWith('0')) number = -1;
  return { name, number, rest: text.slice(position) };
}

/** Go's Regexp.ReplaceAllString. */
function replaceAll(pattern: CompiledPattern, text: string, template: string): string {
  let output = '';
  let last = 0;
  for (const match of allMatches(pattern, text, -1)) {
    output += text.slice(last, match[0]) + expand(template, pattern, text, match);
    last = match[1];
  }
  return output + text.slice(last);
}

/** Go's regexp.QuoteMeta. */
function quoteMeta(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** Go's %q for the strings this file quotes in messages. */
function goQuote(text: string): string {
  let quoted = '"';
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    if (character === '"' || character === '\\') quoted += `\\${character}`;
    else if (character === '\n') quoted += '\\n';
    else if (character === '\t') quoted += '\\t';
    else if (character === '\r') quoted += '\\r';
    else if (code < 0x20 || code === 0x7f) quoted += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code >= 0x80 && code < 0xa0) quoted += `\\u${code.toString(16).padStart(4, '0')}`;
    else quoted += character;
  }
  return `${quoted}"`;
}

function utf8Length(text: string): number {
  let length = 0;
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    length += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return length;
}

// ---------------------------------------------------------------------------------------------
// regex.template_match: OPA's fork of gorilla/mux's template compiler

/** Pairs of [start, end) offsets of the outermost delimited sections. */
function delimiterIndices(template: string, open: string, close: string): number[] {
  let level = 0;
  let start = 0;
  const indices: number[] = [];
  for (let index = 0; index < template.length; index++) {
    const character = template[index];
    if (character === open) {
      if (++level === 1) start = index;
    } else if (character === close) {
      if (--level === 0) indices.push(start, index + 1);
      else if (level < 0) throw new BuiltinError(`unbalanced braces in ${goQuote(template)}`);
    }
  }
  if (level !== 0) throw new BuiltinError(`unbalanced braces in ${goQuote(template)}`);
  return indices;
}

/** Literal text outside the delimiters, regular expressions inside, anchored at both ends. */
function compileTemplate(template: string, open: string, close: string): RE2JS {
  const indices = delimiterIndices(template, open, close);
  let source = '^';
  let end = 0;
  for (let index = 0; index < indices.length; index += 2) {
    const literal = template.slice(end, indices[index]);
    end = indices[index + 1];
    const inner = template.slice(indices[index] + 1, end - 1);
    source += `${quoteMeta(literal)}(${inner})`;
    // Each section must also be a valid expression on its own.
    compileRegex(`^${inner}$`);
  }
  source += `${quoteMeta(template.slice(end))}$`;
  return compileRegex(source);
}

// ---------------------------------------------------------------------------------------------
// regex.globs_match: the algorithm of github.com/yashtewari/glob-intersection

/** A glob token: one character, any character (`.`) or a character class, maybe repeated. */
interface GlobToken {
  kind: 'character' | 'dot' | 'set';
  character: number;
  characters: Set<number>;
  repeat: 'none' | 'plus' | 'star';
}

function globError(input: string, position: number, message: string): BuiltinError {
  return new BuiltinError(`input:${input}, pos:${position}, ${message}: the input provided is invalid`);
}

/** Splits a glob into tokens; `\` escapes the next character, `[...]` may hold ranges. */
function tokenizeGlob(input: string): GlobToken[] {
  const characters = Array.from(input, (character) => character.codePointAt(0) ?? 0);
  const tokens: GlobToken[] = [];
  let index = 0;
  const next = (): { code: number; escaped: boolean } | undefined => {
    if (index >= characters.length) return undefined;
    if (characters[index] === 0x5c) {
      if (index === characters.length - 1) throw globError(input, index, 'input ends with a \\ (escape) character');
      index += 2;
      return { code: characters[index - 1], escaped: true };
    }
    index += 1;
    return { code: characters[index - 1], escaped: false };
  };
  for (;;) {
    const read = next();
    if (!read) break;
    const token: GlobToken = { kind: 'character', character: read.code, characters: new Set(), repeat: 'none' };
    if (!read.escaped) {
      if (read.code === 0x2e) token.kind = 'dot';
      else if (read.code === 0x5d) throw globError(input, index, "set-close ']' with no preceding '['");
      else if (read.code === 0x5b) {
        token.kind = 'set';
        readGlobSet(input, characters, token.characters, next, () => index);
      } else if (read.code === 0x2b || read.code === 0x2a) {
        throw globError(input, index, `flag '${String.fromCodePoint(read.code)}' must be preceded by a non-flag`);
      }
    }
    // A following unescaped + or * applies to this token.
    if (index < characters.length && (characters[index] === 0x2b || characters[index] === 0x2a)) {
      token.repeat = characters[index] === 0x2b ? 'plus' : 'star';
      index++;
    }
    tokens.push(token);
  }
  return simplifyGlob(tokens);
}

function readGlobSet(
  input: string,
  characters: number[],
  members: Set<number>,
  next: () => { code: number; escaped: boolean } | undefined,
  position: () => number,
): void {
  let previous = -1;
  for (;;) {
    const read = next();
    if (!read) throw globError(input, position(), 'found [ without matching ]');
    if (read.escaped) {
      members.add(read.code);
      previous = read.code;
    } else if (read.code === 0x5d) {
      return;
    } else if (read.code === 0x2d) {
      if (previous < 0) throw globError(input, position(), "range character '-' must be preceded by a Unicode character");
      if (position() >= characters.length - 1) throw globError(input, position(), "range character '-' must be followed by a Unicode character");
      const high = next();
      if (!high) throw globError(input, position(), 'found [ without matching ]');
      if (!high.escaped && (high.code === 0x5d || high.code === 0x2d)) {
        throw globError(input, position(), "range character '-' cannot be followed by a special symbol");
      }
      if (high.code < previous) {
        throw globError(input, position(), `range is out of order: '${String.fromCodePoint(high.code)}' comes before '${String.fromCodePoint(previous)}' in Unicode`);
      }
      for (let code = previous; code <= high.code; code++) members.add(code);
      previous = -1;
    } else {
      members.add(read.code);
      previous = read.code;
    }
  }
}

function sameToken(a: GlobToken, b: GlobToken): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'character') return a.character === b.character;
  if (a.kind === 'dot') return true;
  if (a.characters.size !== b.characters.size) return false;
  for (const code of a.characters) if (!b.characters.has(code)) return false;
  return true;
}

/** Merges neighbouring repeated copies of one token (`a*a+` is `a+`). */
function simplifyGlob(tokens: GlobToken[]): GlobToken[] {
  const simple: GlobToken[] = [];
  for (const token of tokens) {
    const latest = simple[simple.length - 1];
    if (latest && token.repeat !== 'none' && latest.repeat !== 'none' && sameToken(token, latest)) {
      if (token.repeat === 'plus') latest.repeat = 'plus';
      continue;
    }
    simple.push(token);
  }
  return simple;
}

/** Whether two tokens can match one common character (repetition aside). */
function tokensMatch(a: GlobToken, b: GlobToken): boolean {
  if (a.kind === 'dot' || b.kind === 'dot') return true;
  if (a.kind === 'character' && b.kind === 'character') return a.character === b.character;
  if (a.kind === 'character') return b.characters.has(a.character);
  if (b.kind === 'character') return a.characters.has(b.character);
  for (const code of a.characters) if (b.characters.has(code)) return true;
  return false;
}

/**
 * The library's decision procedure, followed step by step (including where it is more
 * conservative than a full automaton intersection), so answers agree with OPA's.
 */
function globsIntersect(first: GlobToken[], second: GlobToken[]): boolean {
  let left1 = 0;
  let left2 = 0;
  while (left1 < first.length && left2 < second.length && first[left1].repeat === 'none' && second[left2].repeat === 'none') {
    if (!tokensMatch(first[left1], second[left2])) return false;
    left1++;
    left2++;
  }
  let right1 = first.length - 1;
  let right2 = second.length - 1;
  while (right1 >= left1 && right2 >= left2 && first[right1].repeat === 'none' && second[right2].repeat === 'none') {
    if (!tokensMatch(first[right1], second[right2])) return false;
    right1--;
    right2--;
  }
  return intersectNormal(first.slice(left1, right1 + 1), second.slice(left2, right2 + 1));
}

function intersectNormal(first: GlobToken[], second: GlobToken[]): boolean {
  let i = 0;
  let j = 0;
  for (; i < first.length && j < second.length; i++, j++) {
    if (first[i].repeat === 'none' && second[j].repeat === 'none') {
      if (!tokensMatch(first[i], second[j])) return false;
    } else {
      return intersectSpecial(first.slice(i), second.slice(j));
    }
  }
  return i === first.length && j === second.length;
}

function intersectSpecial(first: GlobToken[], second: GlobToken[]): boolean {
  if (first[0].repeat !== 'none') return first[0].repeat === 'plus' ? intersectPlus(first, second) : intersectStar(first, second);
  return second[0].repeat === 'plus' ? intersectPlus(second, first) : intersectStar(second, first);
}

function intersectPlus(plussed: GlobToken[], other: GlobToken[]): boolean {
  if (!tokensMatch(plussed[0], other[0])) return false;
  return intersectStar(plussed, other.slice(1));
}

function intersectStar(starred: GlobToken[], other: GlobToken[]): boolean {
  const starToken = starred[0];
  const nextToken = starred.length > 1 ? starred[1] : undefined;
  for (let index = 0; index < other.length; index++) {
    const token = other[index];
    if (nextToken && tokensMatch(token, nextToken)) {
      if (intersectNormal(starred.slice(1), other.slice(index))) return true;
      if (!tokensMatch(token, starToken)) return false;
    } else if (!tokensMatch(token, starToken)) {
      return false;
    }
  }
  return nextToken === undefined;
}

// ---------------------------------------------------------------------------------------------
// Declarations

function matchImplementation(args: Value[]): Value {
  const source = expectString(args, 0);
  const text = expectString(args, 1);
  return compiled(source).engine.match(text) as boolean;
}

export const builtins: Builtin[] = [
  {
    name: 'regex.match',
    params: [
      { name: 'pattern', type: T.string, description: 'The regular expression, in Go (RE2) syntax.' },
      { name: 'value', type: T.string, description: 'The text to search.' },
    ],
    result: { name: 'result', type: T.boolean, description: 'True when the expression matches somewhere in `value`.' },
    description: 'Tells whether a regular expression matches any part of a string; anchor it with `^` and `$` to match the whole string.',
    categories: [],
    impl: matchImplementation,
  },
  {
    name: 're_match',
    params: [
      { name: '', type: T.string, description: 'The regular expression, in Go (RE2) syntax.' },
      { name: '', type: T.string, description: 'The text to search.' },
    ],
    result: { name: '', type: T.boolean, description: 'True when the expression matches somewhere in the text.' },
    description: 'The former name of `regex.match`; use `regex.match` instead.',
    categories: [],
    deprecated: true,
    impl: matchImplementation,
  },
  {
    name: 'regex.is_valid',
    params: [{ name: 'pattern', type: T.string, description: 'The text to check as a regular expression.' }],
    result: { name: 'result', type: T.boolean, description: 'True when `pattern` is a valid Go (RE2) expression; false otherwise, also for non-strings.' },
    description: 'Checks whether a string is a valid regular expression.',
    categories: [],
    impl: (args) => {
      const source = args[0];
      if (typeof source !== 'string') return false;
      try {
        compiled(source);
        return true;
      } catch {
        return false;
      }
    },
  },
  {
    name: 'regex.split',
    params: [
      { name: 'pattern', type: T.string, description: 'The regular expression that separates the parts.' },
      { name: 'value', type: T.string, description: 'The text to split.' },
    ],
    result: { name: 'output', type: T.array(T.string), description: 'The parts of `value` between the matches.' },
    description: 'Splits a string at every match of a regular expression.',
    categories: [],
    impl: (args) => {
      const source = expectString(args, 0);
      const text = expectString(args, 1);
      return split(compiled(source), source, text);
    },
  },
  {
    name: 'regex.find_n',
    params: [
      { name: 'pattern', type: T.string, description: 'The regular expression to look for.' },
      { name: 'value', type: T.string, description: 'The text to search.' },
      { name: 'number', type: T.number, description: 'How many matches to return at most; -1 for all of them.' },
    ],
    result: { name: 'output', type: T.array(T.string), description: 'The matching substrings, in order.' },
    description: 'Returns successive non-overlapping matches of a regular expression in a string.',
    categories: [],
    impl: (args) => {
      const source = expectString(args, 0);
      const text = expectString(args, 1);
      const limit = expectInteger(args, 2);
      return allMatches(compiled(source), text, limit).map((match) => text.slice(match[0], match[1]));
    },
  },
  {
    name: 'regex.find_all_string_submatch_n',
    params: [
      { name: 'pattern', type: T.string, description: 'The regular expression to look for, usually with capture groups.' },
      { name: 'value', type: T.string, description: 'The text to search.' },
      { name: 'number', type: T.number, description: 'How many matches to return at most; -1 for all of them.' },
    ],
    result: {
      name: 'output',
      type: T.array(T.array(T.string)),
      description: 'For each match, the whole match followed by the text of each group ("" for a group that took no part).',
    },
    description: 'Returns successive matches of a regular expression together with the text of their capture groups.',
    categories: [],
    impl: (args) => {
      const source = expectString(args, 0);
      const text = expectString(args, 1);
      const limit = expectInteger(args, 2);
      return allMatches(compiled(source), text, limit).map((match) => {
        const groups: string[] = [];
        for (let index = 0; index < match.length; index += 2) {
          groups.push(match[index] >= 0 ? text.slice(match[index], match[index + 1]) : '');
        }
        return groups;
      });
    },
  },
  {
    name: 'regex.replace',
    params: [
      { name: 's', type: T.string, description: 'The text to rewrite.' },
      { name: 'pattern', type: T.string, description: 'The regular expression whose matches are replaced.' },
      { name: 'value', type: T.string, description: 'The replacement; `$1`, `${1}` or `${name}` insert a capture group and `$$` a dollar sign.' },
    ],
    result: { name: 'output', type: T.string, description: '`s` with every match replaced.' },
    description: 'Replaces every match of a regular expression in a string, expanding group references as Go does.',
    categories: [],
    impl: (args) => {
      const text = expectString(args, 0);
      const source = expectString(args, 1);
      const template = expectString(args, 2);
      return replaceAll(compiled(source), text, template);
    },
  },
  {
    name: 'regex.template_match',
    params: [
      { name: 'template', type: T.string, description: 'Literal text with regular expressions between the delimiters, such as `urn:foo:{.*}`.' },
      { name: 'value', type: T.string, description: 'The text to match against the whole template.' },
      { name: 'delimiter_start', type: T.string, description: 'The single character that opens an expression.' },
      { name: 'delimiter_end', type: T.string, description: 'The single character that closes an expression.' },
    ],
    result: { name: 'result', type: T.boolean, description: 'True when `value` matches the template from start to end.' },
    description: 'Matches a string against a template made of literal text and delimited regular expressions.',
    categories: [],
    impl: (args) => {
      const template = expectString(args, 0);
      const text = expectString(args, 1);
      const open = expectString(args, 2);
      const close = expectString(args, 3);
      const openLength = utf8Length(open);
      if (openLength !== 1) throw new BuiltinError(`start delimiter has to be exactly one character long but is ${openLength} long`);
      // OPA reports the start delimiter's length here too.
      if (utf8Length(close) !== 1) throw new BuiltinError(`end delimiter has to be exactly one character long but is ${openLength} long`);
      const pattern = cached(`template:${open}${close}:${template}`, () => compileTemplate(template, open, close));
      return pattern.engine.match(text) as boolean;
    },
  },
  {
    name: 'regex.globs_match',
    params: [
      { name: 'glob1', type: T.string, description: 'A glob-like pattern: `.` is any character, `[...]` a class, `*` and `+` repeat, `\\` escapes.' },
      { name: 'glob2', type: T.string, description: 'A second pattern of the same kind.' },
    ],
    result: { name: 'result', type: T.boolean, description: 'True when some non-empty string matches both patterns.' },
    description: 'Tells whether two glob-like patterns (a small subset of regular expressions, anchored at both ends) have a common match.',
    categories: [],
    impl: (args) => {
      const first = expectString(args, 0);
      const second = expectString(args, 1);
      return globsIntersect(tokenizeGlob(first), tokenizeGlob(second));
    },
  },
];
