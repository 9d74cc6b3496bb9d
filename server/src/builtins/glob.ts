/**
 * Glob built-ins: glob.match and glob.quote_meta, with the pattern language of the Go library
 * OPA uses (github.com/gobwas/glob): `*` (any run of characters without a delimiter), `**` (any
 * run), `?` (one character that is not a delimiter), `[abc]`, `[a-z]`, `[!...]`, `{a,b}` and `\`
 * escapes. A pattern is read the way that library reads it, with its error messages, and is then
 * translated to an anchored RE2 expression so matching takes linear time.
 */
import { RE2JS } from 're2js';
import { BuiltinError, T, elementError, expectString, operandError, type Builtin } from './declaration.js';
import type { Value } from '../value/value.js';
import { RecentlyUsedCache } from './regex.js';

// ---------------------------------------------------------------------------------------------
// Reading a pattern (gobwas/glob's lexer and parser)

type GlobNode =
  | { kind: 'pattern'; children: GlobNode[] }
  | { kind: 'anyOf'; patterns: GlobNode[] }
  | { kind: 'text'; text: string }
  | { kind: 'any' }
  | { kind: 'super' }
  | { kind: 'single' }
  | { kind: 'list'; characters: string; not: boolean }
  | { kind: 'range'; low: number; high: number; not: boolean };

type Token =
  | { kind: 'text'; text: string }
  | { kind: 'any' | 'super' | 'single' | 'rangeOpen' | 'rangeClose' | 'not' | 'rangeBetween' | 'termsOpen' | 'termsClose' | 'separator' | 'end' }
  | { kind: 'rangeLow' | 'rangeHigh'; code: number }
  | { kind: 'error'; message: string };

const SPECIALS = new Set(['*', '?', '\\', '[', ']', '{', '}']);
const TEXT_BREAKERS = ['?', '*', '[', '{'];
const TERMS_BREAKERS = [...TEXT_BREAKERS, '}', ','];

/**
 * Produces the tokens of a pattern. The library lexes one item at a time and reports an error in
 * place of everything that item produced, so an item that fails yields only the error token.
 */
function lex(pattern: string): Token[] {
  const characters = Array.from(pattern);
  let position = 0;
  let termsLevel = 0;
  const tokens: Token[] = [];
  const read = (): string | undefined => characters[position++];

  const readText = (breakers: string[], batch: Token[]): void => {
    let text = '';
    let escaped = false;
    while (position < characters.length) {
      const character = characters[position++];
      if (!escaped) {
        if (character === '\\') {
          escaped = true;
          continue;
        }
        if (breakers.includes(character)) {
          position--;
          break;
        }
      }
      escaped = false;
      text += character;
    }
    if (text.length > 0) batch.push({ kind: 'text', text });
  };

  const readRange = (batch: Token[]): string | undefined => {
    let wantHigh = false;
    let wantClose = false;
    let seenNot = false;
    for (;;) {
      const character = read();
      if (character === undefined) return 'unexpected end of input';
      if (wantClose) {
        if (character !== ']') return 'expected close range character';
        batch.push({ kind: 'rangeClose' });
        return undefined;
      }
      if (wantHigh) {
        batch.push({ kind: 'rangeHigh', code: character.codePointAt(0) ?? 0 });
        wantClose = true;
        continue;
      }
      if (!seenNot && character === '!') {
        batch.push({ kind: 'not' });
        seenNot = true;
        continue;
      }
      if (characters[position] === '-') {
        position++;
        batch.push({ kind: 'rangeLow', code: character.codePointAt(0) ?? 0 }, { kind: 'rangeBetween' });
        wantHigh = true;
        continue;
      }
      position--;
      readText([']'], batch);
      wantClose = true;
    }
  };

  for (;;) {
    const batch: Token[] = [];
    let error: string | undefined;
    const character = read();
    if (character === undefined) {
      tokens.push({ kind: 'end' });
      return tokens;
    }
    if (character === '{') {
      termsLevel++;
      batch.push({ kind: 'termsOpen' });
    } else if (character === ',' && termsLevel > 0) {
      batch.push({ kind: 'separator' });
    } else if (character === '}' && termsLevel > 0) {
      batch.push({ kind: 'termsClose' });
      termsLevel--;
    } else if (character === '[') {
      batch.push({ kind: 'rangeOpen' });
      error = readRange(batch);
    } else if (character === '?') {
      batch.push({ kind: 'single' });
    } else if (character === '*') {
      if (characters[position] === '*') {
        position++;
        batch.push({ kind: 'super' });
      } else {
        batch.push({ kind: 'any' });
      }
    } else {
      position--;
      readText(termsLevel > 0 ? TERMS_BREAKERS : TEXT_BREAKERS, batch);
    }
    if (error !== undefined) {
      tokens.push({ kind: 'error', message: error });
      return tokens;
    }
    tokens.push(...batch);
  }
}

/** Builds the pattern tree; throws the library's messages for malformed classes. */
function parse(pattern: string): GlobNode {
  const root: GlobNode & { kind: 'pattern' } = { kind: 'pattern', children: [] };
  // The stack holds the open alternatives and, on top, the pattern being filled.
  const stack: { anyOf?: GlobNode & { kind: 'anyOf' }; pattern: GlobNode & { kind: 'pattern' } }[] = [{ pattern: root }];
  const tokens = lex(pattern);
  let index = 0;
  for (;;) {
    const token = tokens[index++];
    const current = stack[stack.length - 1];
    switch (token.kind) {
      case 'end':
        return root;
      case 'error':
        throw new BuiltinError(token.message);
      case 'text':
        current.pattern.children.push({ kind: 'text', text: token.text });
        break;
      case 'any':
      case 'super':
      case 'single':
        current.pattern.children.push({ kind: token.kind });
        break;
      case 'termsOpen': {
        const anyOf: GlobNode & { kind: 'anyOf' } = { kind: 'anyOf', patterns: [] };
        const first: GlobNode & { kind: 'pattern' } = { kind: 'pattern', children: [] };
        anyOf.patterns.push(first);
        current.pattern.children.push(anyOf);
        stack.push({ anyOf, pattern: first });
        break;
      }
      case 'separator': {
        const next: GlobNode & { kind: 'pattern' } = { kind: 'pattern', children: [] };
        current.anyOf?.patterns.push(next);
        current.pattern = next;
        break;
      }
      case 'termsClose':
        stack.pop();
        break;
      case 'rangeOpen':
        index = parseRange(tokens, index, current.pattern);
        break;
      default:
        throw new BuiltinError(`unexpected token: ${token.kind}`);
    }
  }
}

function parseRange(tokens: Token[], start: number, into: GlobNode & { kind: 'pattern' }): number {
  let not = false;
  let low = 0;
  let high = 0;
  let characters = '';
  for (let index = start; ; index++) {
    const token = tokens[index];
    switch (token.kind) {
      case 'end':
        throw new BuiltinError('unexpected end');
      case 'error':
        throw new BuiltinError(token.message);
      case 'not':
        not = true;
        break;
      case 'rangeLow':
        low = token.code;
        break;
      case 'rangeHigh':
        high = token.code;
        if (high < low) {
          throw new BuiltinError(`hi character '${String.fromCodePoint(high)}' should be greater than lo '${String.fromCodePoint(low)}'`);
        }
        break;
      case 'text':
        characters = token.text;
        break;
      case 'rangeClose': {
        const isRange = low !== 0 && high !== 0;
        const isList = characters !== '';
        if (isRange === isList) throw new BuiltinError('could not parse range');
        into.children.push(isRange ? { kind: 'range', low, high, not } : { kind: 'list', characters, not });
        return index + 1;
      }
      default:
        break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Translating to RE2

function escapeCode(code: number): string {
  return `\\x{${code.toString(16)}}`;
}

function escapeText(text: string): string {
  let escaped = '';
  for (const character of text) escaped += escapeCode(character.codePointAt(0) ?? 0);
  return escaped;
}

function toRegex(node: GlobNode, delimiters: string[]): string {
  const notDelimiter = delimiters.length > 0 ? `[^${escapeText(delimiters.join(''))}]` : '(?s:.)';
  switch (node.kind) {
    case 'pattern':
      return node.children.map((child) => toRegex(child, delimiters)).join('');
    case 'anyOf':
      return `(?:${node.patterns.map((pattern) => toRegex(pattern, delimiters)).join('|')})`;
    case 'text':
      return escapeText(node.text);
    case 'any':
      return `${notDelimiter}*`;
    case 'super':
      return '(?s:.*)';
    case 'single':
      return notDelimiter;
    case 'list':
      // Character classes ignore delimiters in the library.
      return `[${node.not ? '^' : ''}${escapeText(node.characters)}]`;
    case 'range':
      return `[${node.not ? '^' : ''}${escapeCode(node.low)}-${escapeCode(node.high)}]`;
  }
}

const globCache = new RecentlyUsedCache<RE2JS>(100);

function compileGlob(pattern: string, delimiters: string[]): RE2JS {
  return globCache.get(`${pattern}\u0000${delimiters.join('')}`, () => RE2JS.compile(`^${toRegex(parse(pattern), delimiters)}$`));
}

/** The delimiters operand: null means none, an empty array means ".", otherwise single characters. */
function delimitersOperand(value: Value): string[] {
  if (value === null) return [];
  if (!Array.isArray(value)) throw operandError(2, ['array', 'null'], value);
  const delimiters: string[] = [];
  for (const item of value) {
    if (typeof item !== 'string') throw elementError(2, value, item, 'string');
    if (Array.from(item).length !== 1) {
      throw new BuiltinError('operand 2 must be array of runes but got array containing string', 'eval_type_error');
    }
    delimiters.push(item);
  }
  return delimiters.length === 0 ? ['.'] : delimiters;
}

/** gobwas/glob's QuoteMeta: a backslash before each special character. */
function quoteMeta(text: string): string {
  let quoted = '';
  for (const character of text) quoted += SPECIALS.has(character) ? `\\${character}` : character;
  return quoted;
}

export const builtins: Builtin[] = [
  {
    name: 'glob.match',
    params: [
      {
        name: 'pattern',
        type: T.string,
        description: 'The glob: `*` and `?` stop at delimiters, `**` does not; `[a-z]`, `[!abc]`, `{a,b}` and `\\` escapes are supported.',
      },
      {
        name: 'delimiters',
        type: T.anyOf(T.null, T.array(T.string)),
        description: 'Single characters that `*` and `?` do not cross; `[]` means `["."]` and `null` means no delimiters.',
      },
      { name: 'match', type: T.string, description: 'The string to test against the whole pattern.' },
    ],
    result: { name: 'result', type: T.boolean, description: 'True when `match` matches `pattern`.' },
    description: 'Matches a string against a glob pattern whose wildcards stop at the given delimiters.',
    categories: [],
    impl: (args) => {
      const pattern = expectString(args, 0);
      const delimiters = delimitersOperand(args[1]);
      const text = expectString(args, 2);
      return compileGlob(pattern, delimiters).re2().match(text) as boolean;
    },
  },
  {
    name: 'glob.quote_meta',
    params: [{ name: 'pattern', type: T.string, description: 'Text to use literally inside a glob.' }],
    result: { name: 'output', type: T.string, description: '`pattern` with every glob special character escaped.' },
    description: 'Escapes the characters a glob treats specially (`*?\\[]{}`) so the text matches only itself.',
    categories: [],
    impl: (args) => quoteMeta(expectString(args, 0)),
  },
];
