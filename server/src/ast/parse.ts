/**
 * `parse(text)`: Rego source in, `{ module, errors }` out. It never throws.
 * The text is lexed whole, cut into top-level statements, and each statement is parsed on its own,
 * so an error in one rule does not hide errors in the next. A `ModuleParser` keeps the statements of
 * the previous parse: after an edit only the statements whose text changed are parsed again.
 */
import type { IRecognitionException, IToken } from 'chevrotain';
import { parseDocument } from 'yaml';
import * as T from '../syntax/tokens';
import { prepareTokens, RegoToken, RegoVersion, splitStatements } from '../syntax/prepare';
import { regoParser } from '../syntax/parser';
import { AstBuilder, Statement } from './build';
import type { Annotation, Comment, Import, Module, Node, ParseError, Range, Rule, Term } from './nodes';

export interface ParseOptions {
  regoVersion?: RegoVersion;
}

export interface ParseResult {
  module: Module;
  errors: ParseError[];
}

interface ParsedStatement {
  /** Offset of the statement's first token when it was parsed. */
  base: number;
  statements: Statement[];
  errors: ParseError[];
}

/** Statements at most this long are kept for reuse; the cache holds at most this many. */
const CACHE_LIMIT = 20000;

export class ModuleParser {
  private cache = new Map<string, ParsedStatement>();

  parse(text: string, options: ParseOptions = {}): ParseResult {
    try {
      return this.parseUnsafe(text, options.regoVersion ?? 'v1');
    } catch (error) {
      // The parser must never take the server down; report the failure as an error on the whole text.
      const message = error instanceof Error ? error.message : String(error);
      return {
        module: emptyModule(text, options.regoVersion ?? 'v1'),
        errors: [{ code: 'rego_parse_error', message: `internal parser error: ${message}`, range: { start: 0, end: Math.min(text.length, 1) } }],
      };
    }
  }

  private parseUnsafe(text: string, version: RegoVersion): ParseResult {
    const errors: ParseError[] = [];
    const lexed = T.regoLexer.tokenize(text);
    for (const error of lexed.errors) errors.push(lexerError(text, error.offset, error.length));
    const tokens = prepareTokens(lexed.tokens, text, version);
    const v2 = importsRego(tokens, 'v2');
    const v1 = version === 'v1' || v2 || importsRego(tokens, 'v1');
    const futureKey = tokens.filter((token) => token.tokenType === T.Identifier && FUTURE_WORDS.has(token.image)).length > 0 ? futureSignature(tokens) : '';
    const chunks = splitStatements(tokens);
    const parser = regoParser();
    parser.allTokens = tokens;

    const statements: Statement[] = [];
    const nextCache = new Map<string, ParsedStatement>();
    for (const chunk of chunks) {
      const first = tokens[chunk.start];
      const last = tokens[chunk.end - 1];
      const start = first.startOffset;
      const end = last.endOffset! + 1;
      const key = `${version}${v1 ? '+v1' : ''}${v2 ? '+v2' : ''}|${futureKey}|${text.slice(start, end)}`;
      let parsed = this.cache.get(key) ?? nextCache.get(key);
      if (parsed && parsed.base !== start) parsed = shiftParsed(parsed, start - parsed.base);
      if (!parsed) {
        parser.input = tokens.slice(chunk.start, chunk.end);
        parser.limit = chunk.end;
        const cst = parser.statements();
        const builder = new AstBuilder({ text, v1, v2 });
        const built = builder.statements(cst);
        const chunkErrors = [...parser.errors.map((error) => recognitionError(error, tokens, chunk.end, text)), ...builder.errors];
        parsed = { base: start, statements: built, errors: chunkErrors };
      }
      if (end - start <= CACHE_LIMIT && nextCache.size < CACHE_LIMIT) nextCache.set(key, parsed);
      statements.push(...parsed.statements);
      errors.push(...parsed.errors);
    }
    this.cache = nextCache;

    const module = assemble(text, version, statements, errors);
    module.comments = (lexed.groups.comments ?? []).map((token): Comment => ({ type: 'comment', text: token.image.slice(1), range: { start: token.startOffset, end: token.startOffset + token.image.length } }));
    attachAnnotations(module, text, errors);
    errors.sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
    return { module, errors: dedupe(errors) };
  }
}

const FUTURE_WORDS = new Set(['in', 'every', 'if', 'contains']);

/** The future-keyword imports of a v0 module change how every statement lexes; they are part of the cache key. */
function futureSignature(tokens: RegoToken[]): string {
  const imports: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].tokenType === T.Import) {
      let j = i + 1;
      let path = '';
      while (j < tokens.length && !tokens[j].nl) path += tokens[j++].image;
      imports.push(path);
    }
  }
  return imports.join(';');
}

/** Whether the module has `import rego.<version>`. */
function importsRego(tokens: RegoToken[], version: string): boolean {
  for (let i = 0; i + 3 < tokens.length; i++) {
    if (tokens[i].tokenType === T.Import && tokens[i + 1].image === 'rego' && tokens[i + 2].tokenType === T.Dot && tokens[i + 3].image === version) return true;
  }
  return false;
}

const sharedParser = new ModuleParser();

/** Parses a whole module. Never throws. */
export function parse(text: string, options: ParseOptions = {}): ParseResult {
  return sharedParser.parse(text, options);
}

function emptyModule(text: string, version: RegoVersion): Module {
  return { type: 'module', imports: [], rules: [], comments: [], annotations: [], regoVersion: version, range: { start: 0, end: text.length } };
}

function assemble(text: string, version: RegoVersion, statements: Statement[], errors: ParseError[]): Module {
  const module = emptyModule(text, version);
  if (statements.length === 0) {
    if (errors.length === 0) errors.push({ code: 'rego_parse_error', message: 'empty module', range: { start: 0, end: 0 } });
    return module;
  }
  statements.forEach((statement, index) => {
    if (statement.type === 'package') {
      if (index === 0) module.package = statement;
      else errors.push({ code: 'rego_parse_error', message: 'unexpected package: a module has exactly one package, at its top', range: statement.range });
    } else if (statement.type === 'import') {
      module.imports.push(statement as Import);
    } else {
      module.rules.push(statement as Rule);
    }
  });
  if (!module.package) {
    const first = statements[0];
    errors.push({ code: 'rego_parse_error', message: 'package expected: a module starts with `package <name>`', range: { start: first.range.start, end: first.range.start } });
  }
  return module;
}

function lexerError(text: string, offset: number, length: number): ParseError {
  const character = text.slice(offset, offset + Math.max(1, length));
  const range = { start: offset, end: offset + Math.max(1, length) };
  if (/^[\u2018\u2019\u201A\u201B]/.test(character)) {
    return { code: 'rego_parse_error', message: 'typographic quotes are not string delimiters in Rego: use straight double quotes ("...")', range };
  }
  const shown = character.length > 20 ? `${character.slice(0, 20)}...` : character;
  return { code: 'rego_parse_error', message: `illegal token: unexpected character ${JSON.stringify(shown)}`, range };
}

function describeToken(token: IToken | undefined): string {
  if (!token || token.tokenType.name === 'EOF' || !Number.isFinite(token.startOffset)) return 'end of file';
  if (token.tokenType.CATEGORIES?.includes(T.Keyword)) return `keyword '${token.image}'`;
  if (token.tokenType === T.Identifier) return `name '${token.image}'`;
  const image = token.image.length > 30 ? `${token.image.slice(0, 30)}...` : token.image;
  return `'${image}'`;
}

/** Closing brackets as the grammar labels them, and the bracket each one closes. */
const CLOSER_FOR: Record<string, string> = { "'}'": '{', "']'": '[', "')'": '(' };

/** Turns chevrotain's exception into an error a person understands, located at the offending token. */
function recognitionError(error: IRecognitionException, tokens: RegoToken[], chunkEnd: number, text: string): ParseError {
  const token = error.token;
  const atEnd = !token || !Number.isFinite(token.startOffset) || token.tokenType.name === 'EOF';
  let range: Range;
  if (atEnd) {
    const last = tokens[chunkEnd - 1];
    const end = last ? last.endOffset! + 1 : text.length;
    range = { start: end, end };
  } else {
    range = { start: token.startOffset, end: token.endOffset! + 1 };
  }
  let message: string;
  const expected = /Expecting (?:token of type )?--> (.+?) <--/.exec(error.message)?.[1];
  if (expected && CLOSER_FOR[expected]) {
    const opener = findUnclosed(tokens, chunkEnd, range.start, CLOSER_FOR[expected]);
    message = opener
      ? `unexpected ${describeToken(atEnd ? undefined : token)}: the '${opener.image}' opened at ${lineColumn(text, opener.startOffset)} is never closed; add '${closerOf(opener.image)}'`
      : `unexpected ${describeToken(atEnd ? undefined : token)}: expected '${closerOf(CLOSER_FOR[expected])}'`;
  } else if (expected) {
    const label = tokenLabel(expected);
    message = `unexpected ${describeToken(atEnd ? undefined : token)}: expected ${label}`;
  } else if (error.name === 'NotAllInputParsedException') {
    message = `unexpected ${describeToken(token)}: expected a rule, an import or the package`;
  } else {
    message = `unexpected ${describeToken(atEnd ? undefined : token)}`;
  }
  return { code: 'rego_parse_error', message, range };
}

function closerOf(opener: string): string {
  return opener === '{' ? '}' : opener === '[' ? ']' : ')';
}

function tokenLabel(label: string): string {
  if (label === T.Identifier.name) return 'a name';
  if (label === 'EOF') return 'a new line: one statement ends here';
  return label;
}

function findUnclosed(tokens: RegoToken[], chunkEnd: number, before: number, opener: string): RegoToken | undefined {
  for (let i = Math.min(chunkEnd, tokens.length) - 1; i >= 0; i--) {
    const token = tokens[i];
    if (token.startOffset >= before) continue;
    if (token.image === opener && (token.match < 0 || token.match >= chunkEnd)) return token;
  }
  return undefined;
}

function lineColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

/**
 * Keeps the first error at each position: after one mistake, recovery can report the same spot again
 * in other words, which only adds noise. Different errors at one spot (the v1 rule-shape checks) stay.
 */
function dedupe(errors: ParseError[]): ParseError[] {
  const seen = new Set<string>();
  let lastSyntaxStart = -1;
  return errors.filter((error) => {
    const key = `${error.range.start}:${error.range.end}:${error.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    const recovery = error.message.startsWith('unexpected ');
    if (recovery && error.range.start === lastSyntaxStart) return false;
    if (recovery) lastSyntaxStart = error.range.start;
    return true;
  });
}

// Shifting cached statements to a new position.

function shiftParsed(parsed: ParsedStatement, delta: number): ParsedStatement {
  return {
    base: parsed.base + delta,
    statements: parsed.statements.map((statement) => shiftNode(statement, delta) as Statement),
    errors: parsed.errors.map((error) => ({ ...error, range: { start: error.range.start + delta, end: error.range.end + delta } })),
  };
}

/** A deep copy of an AST value with every range moved by `delta`. */
function shiftNode(value: unknown, delta: number): unknown {
  if (Array.isArray(value)) return value.map((item) => shiftNode(item, delta));
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    const field = source[key];
    if (key === 'range') {
      const range = field as Range;
      copy.range = { start: range.start + delta, end: range.end + delta };
    } else if (key === 'fields') {
      copy.fields = field;
    } else {
      copy[key] = shiftNode(field, delta);
    }
  }
  return copy;
}

// METADATA annotations.

/**
 * Finds `# METADATA` blocks (the marker comment and the comments on the lines right below it) and attaches
 * each to the package or rule that follows it, as OPA does. A block whose YAML does not parse is an error.
 */
function attachAnnotations(module: Module, text: string, errors: ParseError[]): void {
  const comments = module.comments;
  const lineOf = lineIndex(text);
  const targets: (Module['package'] | Rule)[] = [];
  if (module.package) targets.push(module.package);
  targets.push(...module.rules);
  targets.sort((a, b) => a!.range.start - b!.range.start);

  for (let i = 0; i < comments.length; i++) {
    if (comments[i].text.trim() !== 'METADATA') continue;
    const marker = comments[i];
    const lines: string[] = [];
    let j = i + 1;
    let previousLine = lineOf(marker.range.start);
    while (j < comments.length && lineOf(comments[j].range.start) === previousLine + 1) {
      lines.push(comments[j].text);
      previousLine++;
      j++;
    }
    const range: Range = { start: marker.range.start, end: (comments[j - 1] ?? marker).range.end };
    i = j - 1;
    const document = parseDocument(lines.join('\n'), { prettyErrors: false });
    if (document.errors.length > 0) {
      errors.push({ code: 'rego_parse_error', message: `invalid METADATA block: ${document.errors[0].message.split('\n')[0]}`, range });
      continue;
    }
    const data = document.toJS() as unknown;
    if (data !== null && data !== undefined && (typeof data !== 'object' || Array.isArray(data))) {
      errors.push({ code: 'rego_parse_error', message: 'invalid METADATA block: expected a YAML mapping of annotation fields', range });
      continue;
    }
    const fields = (data ?? {}) as Record<string, unknown>;
    const annotation: Annotation = {
      type: 'annotation',
      scope: typeof fields.scope === 'string' ? fields.scope : undefined,
      title: typeof fields.title === 'string' ? fields.title : undefined,
      description: typeof fields.description === 'string' ? fields.description : undefined,
      fields,
      range,
    };
    module.annotations.push(annotation);
    const target = targets.find((candidate) => candidate!.range.start >= range.end);
    if (target) (target.annotations ??= []).push(annotation);
  }
}

function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset: number) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  };
}

export type { Node, Term };
