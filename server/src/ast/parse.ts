/**
 * `parse(text)`: Rego source in, `{ module, errors }` out. It never throws.
 * The text is lexed whole, cut into top-level statements, and each statement is parsed on its own,
 * so an error in one rule does not hide errors in the next. A `ModuleParser` keeps the statements of
 * the previous parse: after an edit only the statements whose text changed are parsed again.
 */
import type { ILexingResult, IRecognitionException, IToken, TokenType } from 'chevrotain';
import { parseDocument } from 'yaml';
import * as T from '../syntax/tokens';
import { CONTINUATIONS, enabledFutureKeywords, isBalanced, pairBrackets, prepareTokens, RegoToken, RegoVersion, splitStatements, STATEMENT_STARTS } from '../syntax/prepare';
import { regoParser } from '../syntax/parser';
import { LineIndex } from '../syntax/line-index';
import { AstBuilder, Statement } from './build';
import type { Annotation, Comment, Import, Module, Node, Package, ParseError, Range, Rule, Term } from './nodes';

export interface ParseOptions {
  regoVersion?: RegoVersion;
}

export interface ParseResult {
  module: Module;
  errors: ParseError[];
}

/**
 * One top-level statement (rarely several) of the current text, with everything read from its span: the
 * text from its first token up to the next statement's first token (the first span starts at offset 0).
 */
interface Segment {
  spanStart: number;
  /** Offset of the first token. */
  start: number;
  /** End offset of the last token. */
  end: number;
  firstType: TokenType;
  lastType: TokenType;
  hasImport: boolean;
  hasUnterminatedRaw: boolean;
  /** Its brackets pair up among themselves; where they do not, its boundaries came from layout guesses. */
  balanced: boolean;
  statements: Statement[];
  /** Parse and lexer errors of the span. */
  errors: ParseError[];
  comments: Comment[];
  /** A shift not yet applied to `statements` (ranges move lazily, when the module is read). */
  pendingShift: number;
}

interface ParserState {
  text: string;
  version: RegoVersion;
  v1: boolean;
  future: Set<string>;
  segments: Segment[];
}

/** Statement-level reparsing gives up and reads the whole text after this many widenings. */
const MAX_WIDENINGS = 8;

export class ModuleParser {
  private state: ParserState | undefined;
  private readonly metadataCache = new Map<string, MetadataBlock>();

  /**
   * Parses `text`. When the previous call saw the same module before an edit, only the statements around
   * the edit are lexed and parsed again. The returned module is owned by this parser: statements that
   * did not change are shared with the previous result and their ranges move when the next result's
   * module is read.
   */
  parse(input: string, options: ParseOptions = {}): ParseResult {
    // A client may send anything; a document that is not a string is read as empty rather than thrown on.
    const text = typeof input === 'string' ? input : '';
    const version = options?.regoVersion === 'v0' ? 'v0' : 'v1';
    try {
      return this.parseUnsafe(text, version);
    } catch (error) {
      // The parser must never take the server down; report the failure as an error on the whole text.
      this.state = undefined;
      const message = error instanceof Error ? error.message : String(error);
      return {
        module: emptyModule(text, version),
        errors: [{ code: 'rego_parse_error', message: `internal parser error: ${message}`, range: { start: 0, end: Math.min(text.length, 1) } }],
      };
    }
  }

  private parseUnsafe(text: string, version: RegoVersion): ParseResult {
    const previous = this.state && this.state.version === version ? this.state : undefined;
    this.state = undefined;
    const segments = (previous && this.reparse(previous, text)) ?? this.fullParse(text, version);
    const state = this.state as ParserState | undefined;
    if (!state) throw new Error('parser state missing');
    state.segments = segments;
    return this.result(state);
  }

  private fullParse(text: string, version: RegoVersion): Segment[] {
    const lexed = T.regoLexer.tokenize(text);
    const future = enabledFutureKeywords(lexed.tokens);
    const tokens = prepareTokens(lexed.tokens, text, version, future);
    const v1 = version === 'v1' || importsRego(tokens, 'v1') || importsRego(tokens, 'v2');
    this.state = { text, version, v1, future, segments: [] };
    return this.buildSegments(text, 0, text.length, lexed, tokens, this.state);
  }

  /** Reparses only the statements an edit touched, or returns undefined when the whole text must be read. */
  private reparse(previous: ParserState, text: string): Segment[] | undefined {
    const old = previous.text;
    const segments = previous.segments;
    if (segments.length === 0) return undefined;
    let prefix = 0;
    const shorter = Math.min(old.length, text.length);
    while (prefix < shorter && old.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
    let suffix = 0;
    while (suffix < shorter - prefix && old.charCodeAt(old.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) suffix++;
    const delta = text.length - old.length;
    if (prefix === old.length && prefix === text.length) {
      this.state = { ...previous, text };
      return segments;
    }

    // The affected segments [first, last): the one holding the start of the edit through the one holding its end.
    let first = 0;
    while (first + 1 < segments.length && segments[first + 1].spanStart <= prefix) first++;
    let last = first + 1;
    while (last < segments.length && segments[last].spanStart < old.length - suffix) last++;
    // An edit that ends exactly where the next statement begins may change that statement's first token.
    if (last < segments.length && segments[last].spanStart === old.length - suffix) last++;

    for (let widenings = 0; widenings < MAX_WIDENINGS; widenings++) {
      if (segments.slice(first, last).some((segment) => segment.hasImport || segment.hasUnterminatedRaw)) return undefined;
      const regionStart = segments[first].spanStart;
      const regionEnd = last < segments.length ? segments[last].spanStart + delta : text.length;
      const lexed = T.regoLexer.tokenize(text.slice(regionStart, regionEnd));
      for (const token of lexed.tokens) token.startOffset += regionStart;
      for (const comment of lexed.groups.comments ?? []) comment.startOffset += regionStart;
      for (const error of lexed.errors) error.offset += regionStart;
      const previousEnd = first > 0 ? segments[first - 1].end : 0;
      const tokens = prepareTokens(lexed.tokens, text, previous.version, previous.future, previousEnd);
      if (tokens.some((token) => token.tokenType === T.Import || token.tokenType === T.UnterminatedRawString) || !templatesClosed(tokens, 0, tokens.length)) return undefined;
      // Unpaired brackets make statement boundaries depend on the whole file: read all of it.
      if (!isBalanced(tokens, 0, tokens.length)) return undefined;

      // The statement before must still end where the region begins, and the one after must still begin where it ends.
      const head = tokens[0];
      const before = segments[first - 1];
      const startsCleanly = first === 0 || !head || (head.nl && before.balanced && STATEMENT_STARTS.has(head.tokenType) && !CONTINUATIONS.has(before.lastType));
      if (!startsCleanly) {
        first--;
        continue;
      }
      if (last < segments.length) {
        const tail = tokens[tokens.length - 1];
        const nextStart = segments[last].start + delta;
        // A line break must follow the region's last token and last comment: a comment cut at the region's
        // end (its line break deleted) would run on into the next statement.
        const comments = lexed.groups.comments ?? [];
        const lastComment = comments[comments.length - 1];
        const lastEnd = Math.max(tail ? tail.endOffset! + 1 : regionStart, lastComment ? lastComment.startOffset + lastComment.image.length : regionStart);
        const lineBreak = text.lastIndexOf('\n', nextStart - 1) >= lastEnd;
        const endsCleanly = tail !== undefined && lineBreak && !CONTINUATIONS.has(tail.tokenType) && STATEMENT_STARTS.has(segments[last].firstType);
        if (!endsCleanly) {
          last++;
          continue;
        }
      }

      this.state = { ...previous, text };
      const rebuilt = this.buildSegments(text, regionStart, regionEnd, lexed, tokens, this.state);
      const after = segments.slice(last).map((segment) => shiftSegment(segment, delta));
      return [...segments.slice(0, first), ...rebuilt, ...after];
    }
    return undefined;
  }

  /** Parses the statements of [regionStart, regionEnd) from its tokens, one segment each. */
  private buildSegments(text: string, regionStart: number, regionEnd: number, lexed: ILexingResult, tokens: RegoToken[], state: ParserState): Segment[] {
    const parser = regoParser();
    parser.allTokens = tokens;
    parser.logicalKeywords = state.future.has('and') || state.future.has('or');
    parser.negatedQueries = state.future.has('not');
    const chunks = splitStatements(tokens);
    const comments = (lexed.groups.comments ?? []).map(
      (token): Comment => ({ type: 'comment', text: token.image.slice(1), range: { start: token.startOffset, end: token.startOffset + token.image.length } }),
    );
    const lexErrors = lexed.errors.map((error) => lexerError(text, error.offset, error.length));
    if (chunks.length === 0) {
      return [{
        spanStart: regionStart, start: regionEnd, end: regionEnd, firstType: T.Identifier, lastType: T.Identifier,
        hasImport: false, hasUnterminatedRaw: false, balanced: true, statements: [], errors: lexErrors, comments, pendingShift: 0,
      }];
    }
    const segments: Segment[] = chunks.map((chunk, index) => {
      const firstToken = tokens[chunk.start];
      const lastToken = tokens[chunk.end - 1];
      pairBrackets(tokens, chunk.start, chunk.end);
      parser.input = tokens.slice(chunk.start, chunk.end);
      parser.limit = chunk.end;
      let statements: Statement[];
      let errors: ParseError[];
      try {
        const cst = parser.statements();
        const builder = new AstBuilder({ text, v1: state.v1, negatedQueries: state.future.has('not') });
        statements = builder.statements(cst);
        errors = [...parser.errors.map((error) => recognitionError(error, tokens, chunk.start, chunk.end, text)), ...builder.errors];
      } catch (error) {
        // Extreme nesting exhausts the call stack: lose this statement, not the module.
        if (!(error instanceof RangeError)) throw error;
        statements = [];
        errors = [{ code: 'rego_parse_error', message: 'statement too deeply nested to read', range: { start: firstToken.startOffset, end: lastToken.endOffset! + 1 } }];
      }
      let hasImport = false;
      let hasUnterminatedRaw = false;
      for (let i = chunk.start; i < chunk.end; i++) {
        if (tokens[i].tokenType === T.Import) hasImport = true;
        if (tokens[i].tokenType === T.UnterminatedRawString) hasUnterminatedRaw = true;
      }
      // An unclosed raw template string runs to the end of the file, like an unclosed raw string.
      if (!templatesClosed(tokens, chunk.start, chunk.end)) hasUnterminatedRaw = true;
      return {
        spanStart: index === 0 ? regionStart : firstToken.startOffset,
        start: firstToken.startOffset,
        end: lastToken.endOffset! + 1,
        firstType: firstToken.tokenType,
        lastType: lastToken.tokenType,
        hasImport,
        hasUnterminatedRaw,
        balanced: isBalanced(tokens, chunk.start, chunk.end),
        statements,
        errors,
        comments: [],
        pendingShift: 0,
      };
    });
    // Comments and lexer errors belong to the segment whose span holds them.
    let index = 0;
    for (const comment of comments) {
      while (index + 1 < segments.length && segments[index + 1].spanStart <= comment.range.start) index++;
      segments[index].comments.push(comment);
    }
    for (const error of lexErrors) {
      let owner = 0;
      while (owner + 1 < segments.length && segments[owner + 1].spanStart <= error.range.start) owner++;
      segments[owner].errors.push(error);
    }
    return segments;
  }

  private result(state: ParserState): ParseResult {
    const { text, segments } = state;
    const errors: ParseError[] = [];
    const statementKinds: { type: Statement['type']; range: Range }[] = [];
    const comments: Comment[] = [];
    for (const segment of segments) {
      errors.push(...segment.errors);
      comments.push(...segment.comments);
      for (const statement of segment.statements) {
        const shift = segment.pendingShift;
        statementKinds.push({ type: statement.type, range: { start: statement.range.start + shift, end: statement.range.end + shift } });
      }
    }
    errors.push(...moduleErrors(statementKinds));
    const blocks = this.metadataBlocks(comments, text);
    for (const block of blocks) if (block.error) errors.push(block.error);
    errors.push(...scopeErrors(blocks, statementKinds));
    errors.sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
    let lines: LineIndex | undefined;
    const located = errors.map((error) => {
      if (!error.related) return error;
      lines ??= new LineIndex(text);
      const { line, column } = lines.position(error.related.range.start);
      return { ...error, message: error.message.replace(/ is never closed;/, ` opened at line ${line}, column ${column} is never closed;`) };
    });

    let module: Module | undefined;
    const buildModule = (): Module => {
      if (module) return module;
      const statements: Statement[] = [];
      for (const segment of segments) {
        if (segment.pendingShift !== 0) {
          segment.statements = shiftedCopy(segment.statements, segment.pendingShift) as Statement[];
          segment.pendingShift = 0;
        }
        statements.push(...segment.statements);
      }
      module = assemble(text, state.version, statements);
      module.comments = comments;
      attachAnnotations(module, blocks);
      return module;
    };
    return {
      get module() {
        return buildModule();
      },
      errors: dedupe(located),
    };
  }

  /** `# METADATA` blocks of the module, their YAML parsed once per distinct block text. */
  private metadataBlocks(comments: Comment[], text: string): MetadataBlock[] {
    const blocks: MetadataBlock[] = [];
    for (let i = 0; i < comments.length; i++) {
      if (comments[i].text.trim() !== 'METADATA') continue;
      const marker = comments[i];
      const lines: string[] = [];
      let j = i + 1;
      let end = marker.range.end;
      // The block continues on the lines right below the marker.
      while (j < comments.length && onNextLine(text, end, comments[j].range.start)) {
        lines.push(comments[j].text);
        end = comments[j].range.end;
        j++;
      }
      i = j - 1;
      const range: Range = { start: marker.range.start, end };
      const yamlText = lines.join('\n');
      let parsed = this.metadataCache.get(yamlText);
      if (!parsed) {
        parsed = readMetadata(yamlText, range);
        if (this.metadataCache.size > 5000) this.metadataCache.clear();
        this.metadataCache.set(yamlText, parsed);
      }
      const error = parsed.error ? { ...parsed.error, range } : undefined;
      const annotation = parsed.annotation ? { ...parsed.annotation, range } : undefined;
      blocks.push({ annotation, error });
    }
    return blocks;
  }
}

interface MetadataBlock {
  annotation?: Annotation;
  error?: ParseError;
}

/** Every template string that starts in tokens [start, end) also ends there. */
function templatesClosed(tokens: RegoToken[], start: number, end: number): boolean {
  let open = 0;
  for (let i = start; i < end; i++) {
    const type = tokens[i].tokenType;
    if (type === T.TemplateStart || type === T.RawTemplateStart) open++;
    else if (type === T.TemplateEnd || type === T.RawTemplateEnd || type === T.UnterminatedTemplate) open--;
  }
  return open <= 0;
}

/** Only whitespace, one line break included, lies between `end` and `start`. */
function onNextLine(text: string, end: number, start: number): boolean {
  let breaks = 0;
  for (let i = end; i < start; i++) {
    const code = text.charCodeAt(i);
    if (code === 10) breaks++;
    else if (code !== 13 && code !== 32 && code !== 9) return false;
  }
  return breaks === 1;
}

function shiftSegment(segment: Segment, delta: number): Segment {
  if (delta === 0) return segment;
  const move = (range: Range): Range => ({ start: range.start + delta, end: range.end + delta });
  return {
    ...segment,
    spanStart: segment.spanStart + delta,
    start: segment.start + delta,
    end: segment.end + delta,
    errors: segment.errors.map((error) => ({
      ...error,
      range: move(error.range),
      related: error.related && { ...error.related, range: move(error.related.range) },
    })),
    comments: segment.comments.map((comment) => ({ ...comment, range: move(comment.range) })),
    pendingShift: segment.pendingShift + delta,
  };
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

function assemble(text: string, version: RegoVersion, statements: Statement[]): Module {
  const module = emptyModule(text, version);
  statements.forEach((statement, index) => {
    if (statement.type === 'package') {
      if (index === 0) module.package = statement;
    } else if (statement.type === 'import') {
      module.imports.push(statement as Import);
    } else {
      module.rules.push(statement as Rule);
    }
  });
  return module;
}

/** Errors about the module as a whole: it needs one package, first. */
function moduleErrors(statements: { type: Statement['type']; range: Range }[]): ParseError[] {
  if (statements.length === 0) return [{ code: 'rego_parse_error', message: 'empty module', range: { start: 0, end: 0 } }];
  const errors: ParseError[] = [];
  statements.forEach((statement, index) => {
    if (statement.type === 'package' && index > 0) {
      errors.push({ code: 'rego_parse_error', message: 'unexpected package: a module has exactly one package, at its top', range: statement.range });
    }
  });
  if (statements[0].type !== 'package') {
    const start = statements[0].range.start;
    errors.push({ code: 'rego_parse_error', message: 'package expected: a module starts with `package <name>`', range: { start, end: start } });
  }
  return errors;
}

function lexerError(text: string, offset: number, length: number): ParseError {
  const character = text.slice(offset, offset + Math.max(1, length));
  const range = { start: offset, end: offset + Math.max(1, length) };
  if (/^[\u2018\u2019\u201A\u201B]/.test(character)) {
    return { code: 'rego_parse_error', message: 'typographic quotes are not string delimiters in Rego: use straight double quotes ("...")', range };
  }
  const shown = character.length > 20 ? `${character.slice(0, 20)}...` : character;
  return { code: 'rego_parse_error', message: `illegal token: unexpected character "${escapeForMessage(shown)}"`, range };
}

/** Messages are one line of visible text: control characters and line separators are shown escaped. */
function escapeForMessage(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (character) =>
    character === '\n' ? '\\n' : character === '\t' ? '\\t' : `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function describeToken(token: IToken | undefined): string {
  if (!token || token.tokenType.name === 'EOF' || !Number.isFinite(token.startOffset)) return 'end of file';
  if (token.tokenType.CATEGORIES?.includes(T.Keyword)) return `keyword '${token.image}'`;
  if (token.tokenType === T.Identifier) return `name '${token.image}'`;
  const image = token.image.length > 30 ? `${token.image.slice(0, 30)}...` : token.image;
  return `'${escapeForMessage(image)}'`;
}

/** Closing brackets as the grammar labels them, and the bracket each one closes. */
const CLOSER_FOR: Record<string, string> = { "'}'": '{', "']'": '[', "')'": '(' };

/** Turns chevrotain's exception into an error a person understands, located at the offending token. */
function recognitionError(error: IRecognitionException, tokens: RegoToken[], chunkStart: number, chunkEnd: number, text: string): ParseError {
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
    const opener = findUnclosed(tokens, chunkStart, chunkEnd, range.start, CLOSER_FOR[expected]);
    if (opener) {
      // The opener's line and column are added when results are assembled: they move with edits above.
      const openerRange = { start: opener.startOffset, end: opener.startOffset + 1 };
      return {
        code: 'rego_parse_error',
        message: `unexpected ${describeToken(atEnd ? undefined : token)}: a '${opener.image}' is never closed; add '${closerOf(opener.image)}'`,
        range,
        related: { range: openerRange, message: `this '${opener.image}' is never closed` },
      };
    }
    message = `unexpected ${describeToken(atEnd ? undefined : token)}: expected '${closerOf(CLOSER_FOR[expected])}'`;
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

function findUnclosed(tokens: RegoToken[], chunkStart: number, chunkEnd: number, before: number, opener: string): RegoToken | undefined {
  for (let i = Math.min(chunkEnd, tokens.length) - 1; i >= chunkStart; i--) {
    const token = tokens[i];
    if (token.startOffset >= before) continue;
    if (token.image === opener && (token.match < 0 || token.match >= chunkEnd)) return token;
  }
  return undefined;
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

/**
 * A deep copy of an AST value with every range moved by `delta`. Earlier results keep their own ranges.
 * Where nodes share an object (an `else` head shares its ref with the rule's head), the copy has two
 * equal objects: nothing relies on their identity, and keeping it would cost a lookup per node.
 */
function shiftedCopy(value: unknown, delta: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const array: unknown[] = new Array(value.length);
    for (let index = 0; index < value.length; index++) array[index] = shiftedCopy(value[index], delta);
    return array;
  }
  const source = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key in source) {
    const field = source[key];
    if (key === 'range') {
      const range = field as Range;
      copy.range = { start: range.start + delta, end: range.end + delta };
    } else if (key === 'fields' || field === null || typeof field !== 'object') {
      copy[key] = field;
    } else {
      copy[key] = shiftedCopy(field, delta);
    }
  }
  return copy;
}

const PACKAGE_SCOPES = ['package', 'subpackages'];
const RULE_SCOPES = ['rule', 'document'];

/** A block's `scope` must suit what it annotates: packages take package scopes, rules rule scopes. */
function scopeErrors(blocks: MetadataBlock[], statements: { type: Statement['type']; range: Range }[]): ParseError[] {
  const errors: ParseError[] = [];
  let index = 0;
  for (const block of blocks) {
    const annotation = block.annotation;
    if (!annotation?.scope) continue;
    while (index < statements.length && (statements[index].range.start < annotation.range.end || statements[index].type === 'import')) index++;
    const target = statements[index];
    const scope = annotation.scope;
    if (!PACKAGE_SCOPES.includes(scope) && !RULE_SCOPES.includes(scope)) {
      errors.push({ code: 'rego_parse_error', message: `invalid annotation scope '${scope}': use one of 'rule', 'document', 'package' or 'subpackages'`, range: annotation.range });
    } else if (target?.type === 'package' && !PACKAGE_SCOPES.includes(scope)) {
      errors.push({ code: 'rego_parse_error', message: `invalid annotation scope '${scope}' on a package: use 'package' or 'subpackages'`, range: annotation.range });
    } else if (target?.type === 'rule' && !RULE_SCOPES.includes(scope)) {
      errors.push({ code: 'rego_parse_error', message: `invalid annotation scope '${scope}' on a rule: use 'rule' or 'document'`, range: annotation.range });
    }
  }
  return errors;
}

/** Field shapes OPA checks: a problem with one, or undefined. */
function fieldProblem(fields: Record<string, unknown>): string | undefined {
  const isText = (value: unknown) => typeof value === 'string';
  const related = fields.related_resources;
  if (related !== undefined) {
    if (!Array.isArray(related)) return 'related_resources must be a list';
    for (const item of related) {
      const ok = isText(item) || (item !== null && typeof item === 'object' && !Array.isArray(item) && isText((item as Record<string, unknown>).ref));
      if (!ok) return 'each entry of related_resources must be a URL or an object with a `ref` URL';
    }
  }
  const schemas = fields.schemas;
  if (schemas !== undefined) {
    if (!Array.isArray(schemas)) return 'schemas must be a list';
    for (const item of schemas) {
      const entries = item !== null && typeof item === 'object' && !Array.isArray(item) ? Object.entries(item as Record<string, unknown>) : [];
      const ok = entries.length === 1 && ((isText(entries[0][1]) && /^schema(\.|\[|$)/.test(entries[0][1] as string)) || (entries[0][1] !== null && typeof entries[0][1] === 'object'));
      if (!ok) return 'each entry of schemas must map a path to a schema reference (schema.<name>) or an inline schema';
    }
  }
  for (const key of ['title', 'description', 'scope']) {
    if (fields[key] !== undefined && !isText(fields[key])) return `${key} must be a string`;
  }
  return undefined;
}

function readMetadata(yamlText: string, range: Range): MetadataBlock {
  const document = parseDocument(yamlText, { prettyErrors: false });
  if (document.errors.length > 0) {
    // OPA's parseAnnotations (v1/ast/parser.go) adds every comment on the next line to the open block, a
    // second `# METADATA` line included, so two blocks without a blank line between them are one block of
    // broken YAML there too. Say so rather than repeat the YAML library's complaint.
    if (yamlText.split('\n').some((line) => line.trim().startsWith('METADATA'))) {
      const message = 'invalid METADATA block: a `# METADATA` line right below a block continues that block; leave a blank line between two blocks';
      return { error: { code: 'rego_parse_error', message, range } };
    }
    return { error: { code: 'rego_parse_error', message: `invalid METADATA block: ${document.errors[0].message.split('\n')[0]}`, range } };
  }
  const data = document.toJS() as unknown;
  if (data !== null && data !== undefined && (typeof data !== 'object' || Array.isArray(data))) {
    return { error: { code: 'rego_parse_error', message: 'invalid METADATA block: expected a YAML mapping of annotation fields', range } };
  }
  const fields = (data ?? {}) as Record<string, unknown>;
  const problem = fieldProblem(fields);
  if (problem) return { error: { code: 'rego_parse_error', message: `invalid METADATA block: ${problem}`, range } };
  return {
    annotation: {
      type: 'annotation',
      scope: typeof fields.scope === 'string' ? fields.scope : undefined,
      title: typeof fields.title === 'string' ? fields.title : undefined,
      description: typeof fields.description === 'string' ? fields.description : undefined,
      fields,
      range,
    },
  };
}

/** Attaches each METADATA block to the package or rule that follows it, as OPA does. */
function attachAnnotations(module: Module, blocks: MetadataBlock[]): void {
  const targets: (Package | Rule)[] = [];
  if (module.package) targets.push(module.package);
  targets.push(...module.rules);
  targets.sort((a, b) => a.range.start - b.range.start);
  for (const target of targets) target.annotations = undefined;
  let index = 0;
  for (const block of blocks) {
    const annotation = block.annotation;
    if (!annotation) continue;
    module.annotations.push(annotation);
    while (index < targets.length && targets[index].range.start < annotation.range.end) index++;
    const target = targets[index];
    if (target) (target.annotations ??= []).push(annotation);
  }
}

export type { Node, Term };
