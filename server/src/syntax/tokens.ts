/**
 * The tokens of Rego, one declaration each, and the chevrotain lexer built from them.
 * Keywords are not lexed on their own: every word lexes as an identifier, and `prepareTokens` gives the
 * words that are keywords their keyword type (one map lookup per word instead of a regex per keyword, and
 * `income` can never split into `in` + `come`). That pass also decides whether a keyword is really one
 * (v0 without future imports, keywords after a dot).
 */
import { createToken, Lexer, TokenType } from 'chevrotain';

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f\v\uFEFF]+/, group: Lexer.SKIPPED, line_breaks: true });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\r\n]*/, group: 'comments' });

/**
 * Names start with a letter or `_` and go on with letters, digits and `_`. Letters and digits are Unicode's,
 * as in OPA's scanner (`café` is a name); JavaScript's `\p{L}` decides, since chevrotain's regex analysis
 * cannot read Unicode property classes.
 */
const NAME_START = /[\p{L}_]/u;
const NAME_PART = /[\p{L}\p{Nd}_]/u;

const ASCII_NAME = /[A-Za-z_][A-Za-z0-9_]*/y;

function matchName(text: string, offset: number): RegExpExecArray | null {
  // Nearly every name is ASCII: one sticky regex, and the Unicode path only when a non-ASCII character follows.
  ASCII_NAME.lastIndex = offset;
  const ascii = ASCII_NAME.exec(text);
  if (ascii && !(text.charCodeAt(offset + ascii[0].length) >= 128)) return ascii;
  let end = offset;
  const first = text.codePointAt(end);
  if (first === undefined || !NAME_START.test(String.fromCodePoint(first))) return null;
  end += first > 0xffff ? 2 : 1;
  for (;;) {
    const code = text.charCodeAt(end);
    if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95) {
      end++;
      continue;
    }
    if (code < 128 || Number.isNaN(code)) break;
    const next = text.codePointAt(end)!;
    if (!NAME_PART.test(String.fromCodePoint(next))) break;
    end += next > 0xffff ? 2 : 1;
  }
  const match = [text.slice(offset, end)] as unknown as RegExpExecArray;
  return match;
}

/** Characters a name may start with, for chevrotain's first-character dispatch. */
function nameStartCharacters(): number[] {
  const codes: number[] = [];
  for (let code = 0; code <= 0xffff; code++) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    if (NAME_START.test(String.fromCharCode(code))) codes.push(code);
  }
  // Letters outside the basic plane start with a high surrogate.
  for (let code = 0xd800; code <= 0xdbff; code++) codes.push(code);
  return codes;
}

export const Identifier = createToken({
  name: 'Identifier',
  pattern: { exec: matchName },
  start_chars_hint: nameStartCharacters(),
  line_breaks: false,
});

/** Every keyword also belongs to this category, so the parser can ask for "a keyword" at once. */
export const Keyword = createToken({ name: 'Keyword', pattern: Lexer.NA });

/** Keyword types, by the word they are spelled with. */
export const KEYWORDS = new Map<string, TokenType>();

function keyword(word: string, name: string): TokenType {
  const type = createToken({ name, pattern: Lexer.NA, categories: [Keyword], label: `'${word}'` });
  KEYWORDS.set(word, type);
  return type;
}

export const Package = keyword('package', 'Package');
export const Import = keyword('import', 'Import');
export const As = keyword('as', 'As');
export const Default = keyword('default', 'Default');
export const Else = keyword('else', 'Else');
export const If = keyword('if', 'If');
export const Contains = keyword('contains', 'Contains');
export const Some = keyword('some', 'Some');
export const Every = keyword('every', 'Every');
export const In = keyword('in', 'In');
export const Not = keyword('not', 'Not');
export const With = keyword('with', 'With');
export const True = keyword('true', 'True');
export const False = keyword('false', 'False');
export const Null = keyword('null', 'Null');

/** The logical operators `and` and `or`: keywords only after `import future.keywords.and` / `.or` (or `rego.v2`). */
export const And = keyword('and', 'And');
export const Or = keyword('or', 'Or');

/** Keywords that v0 policies only get through `import future.keywords...` or `import rego.v1`. */
export const FUTURE_KEYWORDS = new Map<string, TokenType>([
  ['in', In],
  ['every', Every],
  ['if', If],
  ['contains', Contains],
]);

/**
 * Future keywords that neither v0 nor v1 has: they must be imported (`import future.keywords.and`,
 * `.or`, `.not`, or all of them with `import future.keywords` or `import rego.v2`). `not` is a keyword
 * anyway; importing it allows negating a whole query, `not { a; b }`.
 */
export const EXTENDED_KEYWORDS = ['and', 'or', 'not'];

export const StringLiteral = createToken({ name: 'StringLiteral', pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"/, label: 'string' });
/** A string that reaches the end of the line without its closing quote. */
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*\\?/, label: 'string', categories: [StringLiteral] });
/** Typographic quotes pasted from a web page or a word processor: lexed as a string, reported as an error. */
export const SmartQuoteString = createToken({ name: 'SmartQuoteString', pattern: /[\u201C\u201D\u201E][^\u201C\u201D"\r\n]*[\u201C\u201D"]?/, label: 'string', categories: [StringLiteral] });
export const RawString = createToken({ name: 'RawString', pattern: /`[^`]*`/, line_breaks: true, label: 'raw string' });
export const UnterminatedRawString = createToken({ name: 'UnterminatedRawString', pattern: /`[^`]*/, line_breaks: true, label: 'raw string', categories: [RawString] });
export const NumberLiteral = createToken({ name: 'NumberLiteral', pattern: /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/, label: 'number' });

export const Assign = createToken({ name: 'Assign', pattern: /:=/, label: "':='" });
export const Equal = createToken({ name: 'Equal', pattern: /==/, label: "'=='" });
export const NotEqual = createToken({ name: 'NotEqual', pattern: /!=/, label: "'!='" });
export const LessEqual = createToken({ name: 'LessEqual', pattern: /<=/, label: "'<='" });
export const GreaterEqual = createToken({ name: 'GreaterEqual', pattern: />=/, label: "'>='" });
export const Less = createToken({ name: 'Less', pattern: /</, label: "'<'" });
export const Greater = createToken({ name: 'Greater', pattern: />/, label: "'>'" });
export const Unify = createToken({ name: 'Unify', pattern: /=/, label: "'='" });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, label: "'+'" });
export const Minus = createToken({ name: 'Minus', pattern: /-/, label: "'-'" });
export const Star = createToken({ name: 'Star', pattern: /\*/, label: "'*'" });
export const Slash = createToken({ name: 'Slash', pattern: /\//, label: "'/'" });
export const Percent = createToken({ name: 'Percent', pattern: /%/, label: "'%'" });
export const Pipe = createToken({ name: 'Pipe', pattern: /\|/, label: "'|'" });
export const Ampersand = createToken({ name: 'Ampersand', pattern: /&/, label: "'&'" });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: "')'" });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: 'RBracket', pattern: /]/, label: "']'" });
export const LBrace = createToken({ name: 'LBrace', pattern: /{/, label: "'{'" });
export const RBrace = createToken({ name: 'RBrace', pattern: /}/, label: "'}'" });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: "','" });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/, label: "';'" });
export const Colon = createToken({ name: 'Colon', pattern: /:/, label: "':'" });
export const Dot = createToken({ name: 'Dot', pattern: /\./, label: "'.'" });

/** Relational operators share a category: they sit at one precedence level. */
export const AssignOperator = createToken({ name: 'AssignOperator', pattern: Lexer.NA });
/** Every infix operator of a term (all but `:=` and `=`, which join the two sides of an expression). */
export const BinaryOperator = createToken({ name: 'BinaryOperator', pattern: Lexer.NA });
for (const token of [Equal, NotEqual, LessEqual, GreaterEqual, Less, Greater]) token.CATEGORIES = [BinaryOperator];
for (const token of [Plus, Minus]) token.CATEGORIES = [BinaryOperator];
for (const token of [Star, Slash, Percent]) token.CATEGORIES = [BinaryOperator];
for (const token of [Pipe, Ampersand]) token.CATEGORIES = [BinaryOperator];
// `in` is a keyword and, inside terms, the lowest-precedence infix operator.
In.CATEGORIES = [Keyword, BinaryOperator];
for (const token of [Assign, Unify]) token.CATEGORIES = [AssignOperator];

/** Order matters: longer operators before their prefixes, keywords before identifiers. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  StringLiteral,
  UnterminatedString,
  SmartQuoteString,
  RawString,
  UnterminatedRawString,
  NumberLiteral,
  Assign,
  Equal,
  NotEqual,
  LessEqual,
  GreaterEqual,
  Less,
  Greater,
  Unify,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Pipe,
  Ampersand,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  Comma,
  Semicolon,
  Colon,
  Dot,
  Package,
  Import,
  As,
  Default,
  Else,
  If,
  Contains,
  Some,
  Every,
  In,
  Not,
  With,
  And,
  Or,
  True,
  False,
  Null,
  Identifier,
  Keyword,
  AssignOperator,
  BinaryOperator,
];

// Template strings: `$"Hello {input.name}!"` and `` $`...{expr}...` ``. The lexer switches mode inside them:
// text parts in one mode, the `{ expression }` parts in another, where braces nest. The brace tokens of
// those modes only exist to switch modes; `prepareTokens` gives them the ordinary brace types.
export const TemplateStart = createToken({ name: 'TemplateStart', pattern: /\$"/, push_mode: 'template', label: '$"' });
export const RawTemplateStart = createToken({ name: 'RawTemplateStart', pattern: /\$`/, push_mode: 'rawTemplate', label: '$`' });
export const TemplateText = createToken({ name: 'TemplateText', pattern: /(?:[^"\\{\r\n]|\\[^\r\n])+/, label: 'template text' });
export const RawTemplateText = createToken({ name: 'RawTemplateText', pattern: /[^`{]+/, line_breaks: true, label: 'template text', categories: [TemplateText] });
export const TemplateEnd = createToken({ name: 'TemplateEnd', pattern: /"/, pop_mode: true, label: '"' });
export const RawTemplateEnd = createToken({ name: 'RawTemplateEnd', pattern: /`/, pop_mode: true, label: '`', categories: [TemplateEnd] });
/** A line break before the closing quote ends the template string, as an error. */
export const UnterminatedTemplate = createToken({ name: 'UnterminatedTemplate', pattern: /(?=\r?\n)/, pop_mode: true, line_breaks: false, label: '"', categories: [TemplateEnd] });
export const TemplateBraceOpen = createToken({ name: 'TemplateBraceOpen', pattern: /{/, push_mode: 'templateCode', label: "'{'" });
export const TemplateBraceClose = createToken({ name: 'TemplateBraceClose', pattern: /}/, pop_mode: true, label: "'}'" });

const codeTokens = allTokens.map((token) => (token === LBrace ? TemplateBraceOpen : token === RBrace ? TemplateBraceClose : token));

export const regoLexer = new Lexer(
  {
    modes: {
      code: [TemplateStart, RawTemplateStart, ...allTokens],
      template: [TemplateText, TemplateBraceOpen, TemplateEnd, UnterminatedTemplate],
      rawTemplate: [RawTemplateText, TemplateBraceOpen, RawTemplateEnd],
      templateCode: [TemplateStart, RawTemplateStart, ...codeTokens],
    },
    defaultMode: 'code',
  },
  {
    positionTracking: 'onlyOffset',
    // The text modes of template strings match "any character but ..." and cannot use chevrotain's
    // first-character optimisation; the code mode, where nearly all text is lexed, still does.
    ensureOptimizations: false,
    recoveryEnabled: true,
  },
);

/** Every token type the parser may see. */
export const parserTokens: TokenType[] = [...allTokens, TemplateStart, RawTemplateStart, TemplateText, RawTemplateText, TemplateEnd, RawTemplateEnd, UnterminatedTemplate];
