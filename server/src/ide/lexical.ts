/**
 * Token-level facts about a document that the AST does not keep: where keywords are, whether an
 * offset sits in a comment or a string, and the dotted name being typed before the cursor. Editor
 * features need them while the text is half-written, when the tree around the cursor is partial.
 */
import type { IToken } from 'chevrotain';
import * as T from '../syntax/tokens';
import { enabledFutureKeywords, prepareTokens, STATEMENT_STARTS, type RegoToken } from '../syntax/prepare';
import type { SourceDocument } from './snapshot';

const tokenCache = new WeakMap<SourceDocument, Map<number, RegoToken[]>>();
const futureCache = new WeakMap<SourceDocument, Set<string>>();

/**
 * The tokens of the statement around an offset (keywords typed as the parser sees them, comments
 * excluded): from the start of the last package, import or rule that starts at or before the offset
 * to the start of the next one, with offsets in the whole text. Questions about a place in the text
 * need no more, and lexing a whole large file again after each keystroke would cost more than the
 * answer. Text that does not parse yet lies between two statements, and so in one of these spans.
 */
export function tokensNear(document: SourceDocument, offset: number): RegoToken[] {
  const text = document.text;
  const module = document.module;
  let start = 0;
  let end = text.length;
  for (const node of [...(module.package ? [module.package] : []), ...module.imports, ...module.rules]) {
    if (node.range.start <= offset) start = node.range.start;
    else {
      end = node.range.start;
      break;
    }
  }
  start = text.lastIndexOf('\n', start - 1) + 1;
  let spans = tokenCache.get(document);
  if (!spans) tokenCache.set(document, (spans = new Map()));
  let tokens = spans.get(start);
  if (!tokens) {
    const lexed = T.regoLexer.tokenize(text.slice(start, end)).tokens;
    for (const token of lexed) token.startOffset += start;
    tokens = prepareTokens(lexed, text, module.regoVersion, futureKeywords(document), start);
    spans.set(start, tokens);
  }
  return tokens;
}

/** The future keywords the document's imports turn on. */
function futureKeywords(document: SourceDocument): Set<string> {
  let enabled = futureCache.get(document);
  if (!enabled) {
    const imports = document.module.imports;
    const end = imports.length > 0 ? imports[imports.length - 1].range.end : 0;
    enabled = enabledFutureKeywords(T.regoLexer.tokenize(document.text.slice(0, end)).tokens);
    futureCache.set(document, enabled);
  }
  return enabled;
}

export function tokenEnd(token: IToken): number {
  return token.startOffset + token.image.length;
}

/** The token that covers the offset (a cursor right after a token also counts as on it). */
export function tokenAt(document: SourceDocument, offset: number): RegoToken | undefined {
  const tokens = tokensNear(document, offset);
  let low = 0;
  let high = tokens.length - 1;
  let found: RegoToken | undefined;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const token = tokens[middle];
    if (token.startOffset > offset) high = middle - 1;
    else {
      found = token;
      low = middle + 1;
    }
  }
  if (found && offset <= tokenEnd(found)) return found;
  return undefined;
}

const KEYWORD_WORDS = new Set(['package', 'import', 'as', 'default', 'else', 'if', 'contains', 'some', 'every', 'in', 'not', 'with', 'and', 'or']);

/**
 * The keyword at the offset, when the parser reads that word as a keyword there. With `touching`, a
 * keyword that ends at the offset counts too (the cursor right after it).
 */
export function keywordAt(document: SourceDocument, offset: number, touching = false): { keyword: string; start: number; end: number } | undefined {
  const token = tokenAt(document, offset);
  if (!token || !KEYWORD_WORDS.has(token.image) || token.tokenType !== T.KEYWORDS.get(token.image)) return undefined;
  if (!touching && offset === tokenEnd(token)) return undefined;
  return { keyword: token.image, start: token.startOffset, end: tokenEnd(token) };
}

/** Whether the offset is inside a comment or a string literal, where names mean nothing. */
export function inCommentOrString(document: SourceDocument, offset: number): boolean {
  const text = document.text;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  // Comments are not tokens the parser keeps, so scan the line: strings, template strings (whose
  // `{...}` parts are code again) and a `#` outside them.
  const modes: ('string' | 'raw' | 'template' | 'code')[] = [];
  for (let index = lineStart; index < offset; index++) {
    const character = text[index];
    const mode = modes[modes.length - 1];
    if (mode === 'string' || mode === 'template') {
      if (character === '\\') index++;
      else if (character === '"') modes.pop();
      else if (mode === 'template' && character === '{') modes.push('code');
    } else if (mode === 'raw') {
      if (character === '`') modes.pop();
    } else if (character === '#') {
      return true;
    } else if (character === '"') {
      modes.push('string');
    } else if (character === '`') {
      modes.push('raw');
    } else if (character === '$' && text[index + 1] === '"') {
      modes.push('template');
      index++;
    } else if (mode === 'code' && character === '{') {
      modes.push('code');
    } else if (mode === 'code' && character === '}') {
      modes.pop();
    }
  }
  const mode = modes[modes.length - 1];
  if (mode !== undefined && mode !== 'code') return true;
  // A raw string may span lines: its token says whether the offset is inside it.
  const token = tokenAt(document, offset);
  if (!token || offset <= token.startOffset || offset >= tokenEnd(token)) return false;
  return token.tokenType === T.RawString || token.tokenType === T.UnterminatedRawString;
}

/** The dotted name ending at the offset: `input.user.na|` gives segments [input, user], partial `na`. */
export function nameBefore(text: string, offset: number): { segments: string[]; partial: string; start: number; partialStart: number } {
  let index = offset;
  while (index > 0 && /[A-Za-z0-9_]/.test(text[index - 1])) index--;
  const partialStart = index;
  const partial = text.slice(partialStart, offset);
  const segments: string[] = [];
  let start = partialStart;
  while (index > 0 && text[index - 1] === '.') {
    let segmentStart = index - 1;
    while (segmentStart > 0 && /[A-Za-z0-9_]/.test(text[segmentStart - 1])) segmentStart--;
    const segment = text.slice(segmentStart, index - 1);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) break;
    segments.unshift(segment);
    start = segmentStart;
    index = segmentStart;
  }
  return { segments, partial, start, partialStart };
}

export interface OpenBracket {
  token: RegoToken;
  commas: number;
}

const OPENERS = new Set([T.LParen, T.LBracket, T.LBrace]);
const CLOSERS = new Map([
  [T.RParen, T.LParen],
  [T.RBracket, T.LBracket],
  [T.RBrace, T.LBrace],
]);

/** The brackets still open at the offset, innermost last, with the commas each has seen. */
export function openBrackets(tokens: RegoToken[], offset: number): OpenBracket[] {
  let stack: OpenBracket[] = [];
  for (const token of tokens) {
    if (token.startOffset >= offset) break;
    const type = token.tokenType;
    // A statement starts at the left margin; brackets left open before it do not reach into it.
    if (token.margin && STATEMENT_STARTS.has(type)) stack = [];
    if (OPENERS.has(type)) stack.push({ token, commas: 0 });
    else if (CLOSERS.has(type)) {
      const opener = CLOSERS.get(type);
      const index = stack.map((entry) => entry.token.tokenType).lastIndexOf(opener!);
      if (index >= 0) stack.length = index;
    } else if (type === T.Comma && stack.length > 0) stack[stack.length - 1].commas++;
  }
  return stack;
}
