/**
 * The pass between lexing and parsing. It decides which keyword tokens are really keywords
 * (Rego v0 only has `in`, `every`, `if` and `contains` after a future import; any keyword directly after
 * a `.` is a plain name, as in `input.package`), records the layout facts the grammar needs (a newline
 * before a token, a token glued to the previous one), pairs brackets, and cuts the token stream into
 * top-level statements so each can be parsed, cached and recovered on its own.
 */
import { IToken, TokenType } from 'chevrotain';
import * as T from './tokens';

export interface RegoToken extends IToken {
  /** A line break separates this token from the previous one. */
  nl: boolean;
  /** No whitespace or comment separates this token from the previous one. */
  adj: boolean;
  /** The token starts a line, at the left margin. */
  margin: boolean;
  /** Position in the token array. */
  idx: number;
  /** For an opening bracket, the index of its closing bracket (or -1); for other tokens -1. */
  match: number;
}

export type RegoVersion = 'v0' | 'v1';

const OPENERS = new Set<TokenType>([T.LParen, T.LBracket, T.LBrace]);
const CLOSERS = new Map<TokenType, TokenType>([
  [T.RParen, T.LParen],
  [T.RBracket, T.LBracket],
  [T.RBrace, T.LBrace],
]);

/** Tokens after which a statement cannot end: the next line continues it. */
export const CONTINUATIONS = new Set<TokenType>([
  T.Assign, T.Unify, T.Equal, T.NotEqual, T.Less, T.LessEqual, T.Greater, T.GreaterEqual,
  T.Plus, T.Minus, T.Star, T.Slash, T.Percent, T.Pipe, T.Ampersand, T.Comma, T.Colon, T.Dot,
  T.If, T.Else, T.Contains, T.With, T.As, T.In, T.Not, T.Some, T.Every, T.Default, T.Package, T.Import,
  T.LParen, T.LBracket, T.LBrace,
]);

/** Tokens that may begin a top-level statement. */
export const STATEMENT_STARTS = new Set<TokenType>([T.Package, T.Import, T.Default, T.Identifier]);

function retype(token: IToken, type: TokenType): void {
  token.tokenType = type;
  token.tokenTypeIdx = type.tokenTypeIdx!;
}

/**
 * Which future keywords a module turned on with its imports: `in`, `every`, `if`, `contains` (which v1 has
 * anyway), and `and`, `or`, `not` (the logical operators and negated queries, which no version has).
 */
export function enabledFutureKeywords(tokens: IToken[]): Set<string> {
  const enabled = new Set<string>();
  const all = [...T.FUTURE_KEYWORDS.keys(), ...T.EXTENDED_KEYWORDS];
  for (let i = 0; i + 2 < tokens.length; i++) {
    // `import` after a dot is a name in a ref (`input.import`), not an import.
    if (tokens[i].image !== 'import' || tokens[i - 1]?.tokenType === T.Dot) continue;
    const root = tokens[i + 1].image;
    const version = tokens[i + 3]?.image;
    if (root === 'rego' && tokens[i + 2].tokenType === T.Dot && (version === 'v1' || version === 'v2')) {
      // `rego.v1` brings v1's keywords only; `rego.v2` brings the logical ones too.
      for (const word of version === 'v2' ? all : T.FUTURE_KEYWORDS.keys()) enabled.add(word);
    } else if (root === 'future' && tokens[i + 2].tokenType === T.Dot && tokens[i + 3]?.image === 'keywords') {
      if (tokens[i + 4]?.tokenType === T.Dot && tokens[i + 5]) {
        enabled.add(tokens[i + 5].image);
        // `every` comes with `in`: `every x in xs` needs both, and OPA enables both.
        if (tokens[i + 5].image === 'every') enabled.add('in');
      } else {
        for (const word of all) enabled.add(word);
      }
    }
  }
  return enabled;
}

/**
 * Annotates tokens in place (see RegoToken), pairs the brackets of the whole stream, and returns them. `text` is the source the tokens came from.
 * When only part of a module is lexed again, `future` gives the future keywords the whole module enables
 * and `previousEnd` the end offset of the token before the part.
 */
export function prepareTokens(raw: IToken[], text: string, version: RegoVersion, future?: Set<string>, previousEnd = 0): RegoToken[] {
  const tokens = raw as RegoToken[];
  const enabled = future ?? enabledFutureKeywords(raw);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    token.idx = i;
    // The lexer tracks start offsets only (it is faster); ends follow from the image.
    token.endOffset = token.startOffset + token.image.length - 1;
    token.match = -1;
    token.adj = i > 0 && token.startOffset === previousEnd;
    token.nl = false;
    token.margin = token.startOffset === 0 || text.charCodeAt(token.startOffset - 1) === 10;
    for (let offset = previousEnd; offset < token.startOffset; offset++) {
      if (text.charCodeAt(offset) === 10) {
        token.nl = true;
        break;
      }
    }
    // A comment between two tokens means they are not glued together.
    previousEnd = token.endOffset! + 1;

    if (token.tokenType === T.TemplateBraceOpen) retype(token, T.LBrace);
    else if (token.tokenType === T.TemplateBraceClose) retype(token, T.RBrace);
    const keywordType = token.tokenType === T.Identifier ? T.KEYWORDS.get(token.image) : undefined;
    if (keywordType) retype(token, keywordType);
    const type = token.tokenType;
    if (keywordType) {
      const previous = tokens[i - 1];
      const next = raw[i + 1];
      const constant = type === T.True || type === T.False || type === T.Null;
      const imported = enabled.has(token.image);
      const logical = type === T.And || type === T.Or;
      const glued = (following: TokenType) => next !== undefined && next.tokenType === following && next.startOffset === token.endOffset! + 1;
      if ((version === 'v0' && T.FUTURE_KEYWORDS.has(token.image) && !imported) || (logical && !imported)) {
        retype(token, T.Identifier);
      } else if (logical && glued(T.LParen)) {
        // `or(a, b)` and `and(a, b)` still call the set union and intersection built-ins.
        retype(token, T.Identifier);
      } else if (previous && previous.tokenType === T.Dot && token.adj) {
        // `input.package`, `data.x.in`, `a.null`: keywords and constants are names after a dot.
        retype(token, T.Identifier);
      } else if (!constant && glued(T.Dot) && type !== T.Not && !(previous && (previous.tokenType === T.Package || previous.tokenType === T.Import))) {
        // A keyword glued to a following dot starts a ref (`contains.x`), as OPA allows.
        retype(token, T.Identifier);
      }
    }
  }
  pairBrackets(tokens, 0, tokens.length);
  return tokens;
}

/**
 * Pairs the brackets of tokens [start, end) among themselves, so a statement's pairing does not depend on
 * the rest of the file (a stray `}` elsewhere must not change how this statement parses).
 */
export function pairBrackets(tokens: RegoToken[], start: number, end: number): void {
  const stack: number[] = [];
  for (let i = start; i < end; i++) {
    const token = tokens[i];
    token.match = -1;
    if (OPENERS.has(token.tokenType)) {
      stack.push(i);
      continue;
    }
    const opener = CLOSERS.get(token.tokenType);
    if (!opener) continue;
    for (let depth = stack.length - 1; depth >= 0; depth--) {
      if (tokens[stack[depth]].tokenType === opener) {
        tokens[stack[depth]].match = i;
        stack.length = depth;
        break;
      }
    }
  }
}

/** Every bracket of tokens [start, end) is closed within it, and every closer has its opener there. */
export function isBalanced(tokens: RegoToken[], start: number, end: number): boolean {
  const stack: TokenType[] = [];
  for (let i = start; i < end; i++) {
    const type = tokens[i].tokenType;
    if (OPENERS.has(type)) stack.push(type);
    else if (CLOSERS.has(type) && stack.pop() !== CLOSERS.get(type)) return false;
  }
  return stack.length === 0;
}

/** A run of tokens that forms one or more top-level statements: [start, end) token indexes. */
export interface Chunk {
  start: number;
  end: number;
}

/**
 * Cuts the token stream into statements. A statement starts at a token that can begin one, is the first
 * on its line, stands outside every bracket, and does not continue the previous line. A token at the left
 * margin also starts a statement when the bracket around it is never closed, and `package`, `import` and
 * `default` at the margin always do, so one unclosed brace cannot swallow the rest of the file.
 */
export function splitStatements(tokens: RegoToken[]): Chunk[] {
  const chunks: Chunk[] = [];
  let start = 0;
  const open: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const type = token.tokenType;
    if (i > start && token.nl && STATEMENT_STARTS.has(type)) {
      const previous = tokens[i - 1].tokenType;
      const atMargin = token.margin;
      const innermost = open.length > 0 ? tokens[open[open.length - 1]] : undefined;
      const forced = atMargin && (type !== T.Identifier || (innermost !== undefined && innermost.match === -1));
      const topLevel = open.length === 0 && !CONTINUATIONS.has(previous);
      if (topLevel || forced) {
        chunks.push({ start, end: i });
        start = i;
        open.length = 0;
      }
    }
    if (OPENERS.has(type)) {
      open.push(i);
    } else if (CLOSERS.has(type)) {
      const opener = CLOSERS.get(type);
      for (let depth = open.length - 1; depth >= 0; depth--) {
        if (tokens[open[depth]].tokenType === opener) {
          open.length = depth;
          break;
        }
      }
    }
  }
  if (start < tokens.length) chunks.push({ start, end: tokens.length });
  return chunks;
}
