/**
 * The GraphQL lexer of OPA's gqlparser copy. Token positions follow it to the column: columns count
 * code points from the start of the line, string tokens start after their opening quotes, and a
 * line ending in CR LF leaves the next line's columns one further on, as gqlparser's do. A token
 * the lexer cannot read comes out as an Invalid token at the place of the problem; the parser then
 * reports it (as gqlparser does, with "Unexpected <Invalid>" and the like).
 */
import type { Position } from './ast.js';

export type TokenKind =
  | 'Invalid'
  | 'EOF'
  | 'Bang'
  | 'Dollar'
  | 'Amp'
  | 'ParenL'
  | 'ParenR'
  | 'Spread'
  | 'Colon'
  | 'Equals'
  | 'At'
  | 'BracketL'
  | 'BracketR'
  | 'BraceL'
  | 'BraceR'
  | 'Pipe'
  | 'Name'
  | 'Int'
  | 'Float'
  | 'String'
  | 'BlockString';

/** How messages name each kind of token (gqlparser's `Type.String()`). */
export const TOKEN_TEXT: Record<TokenKind, string> = {
  Invalid: '<Invalid>',
  EOF: '<EOF>',
  Bang: '!',
  Dollar: '$',
  Amp: '&',
  ParenL: '(',
  ParenR: ')',
  Spread: '...',
  Colon: ':',
  Equals: '=',
  At: '@',
  BracketL: '[',
  BracketR: ']',
  BraceL: '{',
  BraceR: '}',
  Pipe: '|',
  Name: 'Name',
  Int: 'Int',
  Float: 'Float',
  String: 'String',
  BlockString: 'BlockString',
};

export interface Token {
  kind: TokenKind;
  /** The text of names and numbers, the decoded content of strings, empty for punctuation. */
  value: string;
  position: Position;
  /** For Invalid tokens: what the lexer found wrong. */
  error?: string;
}

const PUNCTUATION: Record<string, TokenKind> = {
  '!': 'Bang',
  $: 'Dollar',
  '&': 'Amp',
  '(': 'ParenL',
  ')': 'ParenR',
  ':': 'Colon',
  '=': 'Equals',
  '@': 'At',
  '[': 'BracketL',
  ']': 'BracketR',
  '{': 'BraceL',
  '}': 'BraceR',
  '|': 'Pipe',
};

function isNameStart(char: string): boolean {
  return (char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z') || char === '_';
}

function isNameContinue(char: string): boolean {
  return isNameStart(char) || (char >= '0' && char <= '9');
}

function isDigit(char: string): boolean {
  return char >= '0' && char <= '9';
}

export class Lexer {
  /** Offsets into the input in UTF-16 units (for slicing) and in code points (for columns). */
  private start = 0;
  private startRunes = 0;
  private end = 0;
  private endRunes = 0;
  private line = 1;
  private lineStartRunes = 0;

  constructor(private readonly input: string) {}

  readToken(): Token {
    this.skipIgnored();
    this.start = this.end;
    this.startRunes = this.endRunes;
    if (this.end >= this.input.length) return this.makeToken('EOF');

    const char = this.input[this.start];
    this.end++;
    this.endRunes++;
    const punctuation = PUNCTUATION[char];
    if (punctuation) return this.makeValueToken(punctuation, '');
    if (char === '.' && this.input.startsWith('...', this.start)) {
      this.end += 2;
      this.endRunes += 2;
      return this.makeValueToken('Spread', '');
    }
    if (char === '#') {
      this.skipComment();
      return this.readToken();
    }
    if (isNameStart(char)) return this.readName();
    if (char === '-' || isDigit(char)) return this.readNumber();
    if (char === '"') {
      if (this.input.startsWith('"""', this.start)) return this.readBlockString();
      return this.readString();
    }

    this.end--;
    this.endRunes--;
    const code = char.charCodeAt(0);
    if (code < 0x20 && char !== '\t' && char !== '\n' && char !== '\r') return this.makeError(`Cannot contain the invalid character "${goCodeEscape(code)}"`);
    if (char === "'") return this.makeError(`Unexpected single quote character ('), did you mean to use a double quote (")?`);
    return this.makeError(`Cannot parse the unexpected character "${goByteText(this.input, this.end)}".`);
  }

  private makeToken(kind: TokenKind): Token {
    return this.makeValueToken(kind, this.input.slice(this.start, this.end));
  }

  private makeValueToken(kind: TokenKind, value: string): Token {
    return { kind, value, position: { Line: this.line, Column: this.startRunes - this.lineStartRunes + 1, SourceName: '' } };
  }

  private makeError(message: string): Token {
    return {
      kind: 'Invalid',
      value: '',
      position: { Line: this.line, Column: this.endRunes - this.lineStartRunes + 1, SourceName: '' },
      error: message,
    };
  }

  /** Moves past one code point (two UTF-16 units for characters outside the BMP). */
  private advanceCodePoint(): string {
    const code = this.input.codePointAt(this.end) ?? 0;
    const char = String.fromCodePoint(code);
    this.end += char.length;
    this.endRunes++;
    return char;
  }

  /** Whitespace, commas and byte order marks. */
  private skipIgnored(): void {
    while (this.end < this.input.length) {
      const char = this.input[this.end];
      if (char === '\t' || char === ' ' || char === ',' || char === '\ufeff') {
        this.end++;
        this.endRunes++;
      } else if (char === '\n') {
        this.end++;
        this.endRunes++;
        this.newLine();
      } else if (char === '\r') {
        this.end++;
        this.endRunes++;
        this.newLine();
        // gqlparser skips the LF of a CR LF pair after starting the line, so the line starts one early.
        if (this.input[this.end] === '\n') {
          this.end++;
          this.endRunes++;
        }
      } else {
        return;
      }
    }
  }

  private newLine(): void {
    this.line++;
    this.lineStartRunes = this.endRunes;
  }

  private skipComment(): void {
    while (this.end < this.input.length) {
      const code = this.input.codePointAt(this.end) ?? 0;
      if (code > 0x1f || code === 0x09) this.advanceCodePoint();
      else break;
    }
  }

  private readName(): Token {
    while (this.end < this.input.length && isNameContinue(this.input[this.end])) {
      this.end++;
      this.endRunes++;
    }
    return this.makeToken('Name');
  }

  private readNumber(): Token {
    let float = false;
    this.end--;
    this.endRunes--;
    this.acceptChar('-');
    if (this.acceptChar('0')) {
      const consumed = this.acceptDigits();
      if (consumed !== 0) {
        this.end -= consumed;
        this.endRunes -= consumed;
        return this.makeError(`Invalid number, unexpected digit after 0: ${this.describeNext()}.`);
      }
    } else if (this.acceptDigits() === 0) {
      return this.makeError(`Invalid number, expected digit but got: ${this.describeNext()}.`);
    }
    if (this.acceptChar('.')) {
      float = true;
      if (this.acceptDigits() === 0) return this.makeError(`Invalid number, expected digit but got: ${this.describeNext()}.`);
    }
    if (this.acceptChar('e', 'E')) {
      float = true;
      this.acceptChar('-', '+');
      if (this.acceptDigits() === 0) return this.makeError(`Invalid number, expected digit but got: ${this.describeNext()}.`);
    }
    return this.makeToken(float ? 'Float' : 'Int');
  }

  private acceptChar(...chars: string[]): boolean {
    if (this.end < this.input.length && chars.includes(this.input[this.end])) {
      this.end++;
      this.endRunes++;
      return true;
    }
    return false;
  }

  private acceptDigits(): number {
    let consumed = 0;
    while (this.end < this.input.length && isDigit(this.input[this.end])) {
      this.end++;
      this.endRunes++;
      consumed++;
    }
    return consumed;
  }

  private describeNext(): string {
    return this.end < this.input.length ? `"${goByteText(this.input, this.end)}"` : '<EOF>';
  }

  private readString(): Token {
    const input = this.input;
    // Decoded text, started only once an escape sequence shows up (as gqlparser does).
    let decoded: string | undefined;
    this.start++;
    this.startRunes++;
    while (this.end < input.length) {
      const char = input[this.end];
      if (char === '\n' || char === '\r') break;
      if (char.charCodeAt(0) < 0x20 && char !== '\t') return this.makeError(`Invalid character within String: "${goCodeEscape(char.charCodeAt(0))}".`);
      if (char === '"') {
        const token = this.makeToken('String');
        if (decoded !== undefined) token.value = decoded;
        this.end++;
        this.endRunes++;
        return token;
      }
      if (char !== '\\') {
        const codePoint = this.advanceCodePoint();
        if (decoded !== undefined) decoded += codePoint;
        continue;
      }
      if (this.end + 1 >= input.length) {
        this.end++;
        this.endRunes++;
        return this.makeError('Invalid character escape sequence.');
      }
      decoded ??= input.slice(this.start, this.end);
      const escape = input[this.end + 1];
      if (escape === 'u') {
        const hex = input.slice(this.end + 2, this.end + 6);
        if (this.end + 6 >= input.length) {
          this.end++;
          this.endRunes++;
          return this.makeError(`Invalid character escape sequence: \\${input.slice(this.end)}.`);
        }
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          this.end++;
          this.endRunes++;
          return this.makeError(`Invalid character escape sequence: \\${input.slice(this.end, this.end + 5)}.`);
        }
        const code = parseInt(hex, 16);
        // Go writes a lone surrogate half as the replacement character.
        decoded += code >= 0xd800 && code <= 0xdfff ? '\ufffd' : String.fromCharCode(code);
        this.end += 6;
        this.endRunes += 6;
        continue;
      }
      const simple: Record<string, string> = { '"': '"', '/': '/', '\\': '\\', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (!(escape in simple)) {
        this.end++;
        this.endRunes++;
        return this.makeError(`Invalid character escape sequence: \\${escape}.`);
      }
      decoded += simple[escape];
      this.end += 2;
      this.endRunes += 2;
    }
    return this.makeError('Unterminated string.');
  }

  private readBlockString(): Token {
    const input = this.input;
    let raw = '';
    this.start += 3;
    this.startRunes += 3;
    this.end += 2;
    this.endRunes += 2;
    while (this.end < input.length) {
      const char = input[this.end];
      if (input.startsWith('"""', this.end)) {
        const token = this.makeValueToken('BlockString', blockStringValue(raw));
        this.end += 3;
        this.endRunes += 3;
        return token;
      }
      if (char.charCodeAt(0) < 0x20 && char !== '\t' && char !== '\n' && char !== '\r') {
        return this.makeError(`Invalid character within String: "${goCodeEscape(char.charCodeAt(0))}".`);
      }
      if (input.startsWith('\\"""', this.end)) {
        raw += '"""';
        this.end += 4;
        this.endRunes += 4;
      } else if (char === '\r') {
        if (input[this.end + 1] === '\n') {
          this.end++;
          this.endRunes++;
        }
        raw += '\n';
        this.end++;
        this.endRunes++;
        this.newLine();
      } else {
        raw += this.advanceCodePoint();
        if (char === '\n') this.newLine();
      }
    }
    return this.makeError('Unterminated string.');
  }
}

/** gqlparser writes a control character as a backslash, `u` and its code in four decimal digits. */
function goCodeEscape(code: number): string {
  return `\\u${String(code).padStart(4, '0')}`;
}

/**
 * The character gqlparser prints for the input at `index`: it reads one byte, so a character
 * beyond ASCII shows as the Latin-1 character of its first UTF-8 byte.
 */
function goByteText(input: string, index: number): string {
  const code = input.codePointAt(index) ?? 0;
  if (code < 0x80) return input[index];
  return String.fromCharCode(new TextEncoder().encode(String.fromCodePoint(code))[0]);
}

/** Counts leading spaces and tabs; a line of nothing else counts as having no indentation at all. */
function leadingWhitespace(line: string): number {
  for (let i = 0; i < line.length; i++) {
    if (line[i] !== ' ' && line[i] !== '\t') return i;
  }
  return Number.POSITIVE_INFINITY;
}

/**
 * The value of a block string: common indentation removed and blank first and last lines dropped.
 * Unlike the GraphQL specification, gqlparser counts the first line when finding the common
 * indentation, so text that starts right after the quotes keeps the indentation of later lines.
 */
export function blockStringValue(raw: string): string {
  const lines = raw.split('\n');
  let commonIndent = Number.POSITIVE_INFINITY;
  for (const line of lines) {
    const indent = leadingWhitespace(line);
    if (indent < line.length && indent < commonIndent) {
      commonIndent = indent;
      if (commonIndent === 0) break;
    }
  }
  if (commonIndent !== Number.POSITIVE_INFINITY) {
    for (let i = 1; i < lines.length; i++) lines[i] = lines[i].length < commonIndent ? '' : lines[i].slice(commonIndent);
  }
  let start = 0;
  let end = lines.length;
  while (start < end && leadingWhitespace(lines[start]) === Number.POSITIVE_INFINITY) start++;
  while (start < end && leadingWhitespace(lines[end - 1]) === Number.POSITIVE_INFINITY) end--;
  return lines.slice(start, end).join('\n');
}
