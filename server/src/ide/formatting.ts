/**
 * `formatModule(text)`: the layout `opa fmt` gives a module. The printer walks the AST and decides line
 * breaks from where things stood in the source, as OPA's formatter does: a collection stays on one line
 * when its elements shared one, a body of one expression stays after `if` when it was written there,
 * blank lines survive between rules and expressions (collapsed to one), and comments go back to the line
 * they were on. A module with parse errors is not formatted, and neither is one whose formatted text
 * would read back as a different module: the result is always checked against the original.
 *
 * The layout rules are OPA's, quirks included, so that text opa fmt has formatted comes back unchanged.
 * Where OPA's rules would change what a policy means, drop part of it, or give text that formatting again
 * would change, this printer departs from them: operands keep the parentheses their grouping needs, a
 * construct with a part kept as written is still written whole, and a comment left over from a line that
 * was joined keeps its own line.
 */
import { ModuleParser } from '../ast/parse';
import type { Body, CallTerm, Every, Expr, Import, Logical, Module, Range, Rule, SomeDecl, TemplateStringTerm, Term } from '../ast/nodes';
import { LineIndex } from '../syntax/line-index';
import { Source } from './format-source';
import { sameMeaning } from './format-compare';

export interface FormatOptions {
  /** The Rego version the text is read in; v0 text stays v0 text (as `opa fmt --v0-compatible`). */
  regoVersion: 'v0' | 'v1';
}

export type FormatResult = { text: string } | { error: string };

export function formatModule(text: string, options: FormatOptions): FormatResult {
  const regoVersion = options?.regoVersion === 'v0' ? 'v0' : 'v1';
  const parsed = new ModuleParser().parse(text, { regoVersion });
  if (parsed.errors.length > 0) {
    const lines = new LineIndex(text);
    return {
      error: parsed.errors
        .map((error) => {
          const { line, column } = lines.position(error.range.start);
          return `${line}:${column}: ${error.code}: ${error.message}`;
        })
        .join('\n'),
    };
  }
  let output: string;
  try {
    output = new Printer(text, parsed.module, regoVersion).print();
  } catch (error) {
    return { error: `cannot format this module: ${error instanceof Error ? error.message : String(error)}` };
  }
  // The printer follows OPA's layout rules, some of which depend on subtle source positions; reading the
  // output back is what guarantees that formatting never changes what a policy means.
  const reread = new ModuleParser().parse(output, { regoVersion });
  if (reread.errors.length > 0 || !sameMeaning(parsed.module, reread.module)) {
    return { error: 'cannot format this module: the formatted text would not mean the same as the original' };
  }
  return { text: output };
}

/** Thrown when two comments compete for the end of one line; the term being written is then kept as written. */
class UnexpectedComment extends Error {}

interface Note {
  row: number;
  column: number;
  /** Offsets of the comment in the source. */
  start: number;
  end: number;
  /** Where the comment went in the output, once written (output cut back past it unwrites it). */
  writtenAt?: number;
  /** The comment including `#`, without trailing whitespace. */
  text: string;
}

interface Style {
  regoV1: boolean;
  ifs: boolean;
  contains: boolean;
  /** Some rule head needs ref-head syntax, so two-part heads are written as refs too (`a.b := 1`). */
  refHeads: boolean;
  keywords: Set<string>;
  /** `not { ... }` negates a body (`import future.keywords.not` or `import rego.v2`). */
  notBodies: boolean;
}

/** Where a list of elements opens: the line that elements are grouped from, and the opening bracket. */
interface Anchor {
  row: number;
  /** The opening bracket's offset; unknown for calls, whose elements OPA never moves off the line. */
  open?: number;
}

type Element = Term | [Term, Term];

const KEYWORDS_V0 = ['not', 'package', 'import', 'as', 'default', 'else', 'with', 'null', 'true', 'false', 'some'];
const KEYWORDS_V1 = [...KEYWORDS_V0, 'contains', 'every', 'if', 'in'];
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Binding strength of infix operators, as the parser applies it. */
const PRECEDENCE: Record<string, number> = {
  in: 1,
  '==': 2, '!=': 2, '<': 2, '<=': 2, '>': 2, '>=': 2,
  '|': 3,
  '&': 4,
  '+': 5, '-': 5,
  '*': 6, '/': 6, '%': 6,
};

/** Built-in functions that OPA prints as operators, whichever way they were written (`plus(1, 2)` is `1 + 2`). */
const OPERATOR_BUILTINS: Record<string, string> = {
  equal: '==', neq: '!=', lt: '<', lte: '<=', gt: '>', gte: '>=',
  plus: '+', minus: '-', mul: '*', div: '/', rem: '%', or: '|', and: '&',
  'internal.member_2': 'in', 'internal.member_3': 'in',
};

/** `=` and `:=` are operators only at the top of an expression; elsewhere their calls stay calls. */
const STATEMENT_BUILTINS: Record<string, string> = { eq: '=', assign: ':=' };

/** A copy of the rules in which calls of operator built-ins carry their operator. */
function withOperators(rules: Rule[]): Rule[] {
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const node = value as Record<string, unknown>;
    if (node.type === 'call' && node.infix === undefined) {
      const call = node as unknown as CallTerm;
      const name = refPath(call.operator)?.join('.');
      const operator = name === undefined ? undefined : OPERATOR_BUILTINS[name];
      const arity = name === 'internal.member_3' ? 3 : 2;
      if (operator && call.args.length === arity) call.infix = operator;
    }
    for (const [key, field] of Object.entries(node)) if (key !== 'range') visit(field);
  };
  const copy = structuredClone(rules);
  visit(copy);
  return copy;
}

function refPath(term: Term): string[] | undefined {
  if (term.type !== 'ref') return undefined;
  const parts: string[] = [];
  for (const part of term.terms) {
    if (part.type === 'var') parts.push(part.name);
    else if (part.type === 'string') parts.push(part.value);
    else return undefined;
  }
  return parts;
}

function isRegoV1Import(imported: Import): boolean {
  const path = refPath(imported.path);
  return path !== undefined && path.length === 2 && path[0] === 'rego' && path[1] === 'v1';
}

function isFutureImport(imported: Import): boolean {
  const path = refPath(imported.path);
  return path !== undefined && path.length >= 2 && path[0] === 'future' && path[1] === 'keywords';
}

/**
 * Whether a node holds a variable the compiler generated (`__local0__`): its position says nothing about
 * the layout, so OPA keeps a collection that holds one on a single line.
 */
function hasGeneratedVar(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasGeneratedVar);
  if (value === null || typeof value !== 'object') return false;
  const node = value as Record<string, unknown>;
  if (node.type === 'var' && typeof node.name === 'string' && node.name.startsWith('__local')) return true;
  for (const [key, field] of Object.entries(node)) if (key !== 'range' && typeof field === 'object' && hasGeneratedVar(field)) return true;
  return false;
}

function isTrue(term: Term | undefined): boolean {
  return term !== undefined && term.type === 'boolean' && term.value;
}

/** A body of just `true`: what OPA gives rules written without a body. */
function isTrueBody(body: Body): boolean {
  if (body.length !== 1) return false;
  const expr = body[0];
  return !expr.negated && expr.with.length === 0 && expr.terms.type === 'boolean' && expr.terms.value;
}

function isSetTerm(expr: Expr): boolean {
  return !expr.negated && expr.terms.type === 'set';
}

function isUnion(term: Term): boolean {
  return term.type === 'call' && term.infix === '|';
}

function isMembership(term: Term): term is CallTerm {
  return term.type === 'call' && term.infix === 'in' && term.args.length === 2;
}

function isInfix(term: Term): term is CallTerm {
  return term.type === 'call' && term.infix !== undefined;
}

/**
 * Go's strconv.Quote, which OPA uses for strings it prints from values, with JSON escapes where Go would
 * write ones Rego does not read (`\x00`, `\a`, `\v`).
 */
export function quoteString(value: string): string {
  let out = '"';
  for (const character of value) {
    const code = character.codePointAt(0)!;
    if (character === '"') out += '\\"';
    else if (character === '\\') out += '\\\\';
    else if (character === ' ' || /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(character)) out += character;
    else if (character === '\n') out += '\\n';
    else if (character === '\r') out += '\\r';
    else if (character === '\t') out += '\\t';
    else if (character === '\b') out += '\\b';
    else if (character === '\f') out += '\\f';
    else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else {
      const high = Math.floor((code - 0x10000) / 0x400) + 0xd800;
      const low = ((code - 0x10000) % 0x400) + 0xdc00;
      out += `\\u${high.toString(16)}\\u${low.toString(16)}`;
    }
  }
  return `${out}"`;
}

function compareTerms(a: Term, b: Term): number {
  const order = ['null', 'boolean', 'number', 'string', 'var', 'ref', 'array', 'object', 'set'];
  const rank = (term: Term): number => {
    const index = order.indexOf(term.type);
    return index < 0 ? order.length : index;
  };
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  const key = (term: Term): string => (term.type === 'var' ? term.name : term.type === 'string' ? term.value : term.type === 'number' ? term.text : '');
  const left = key(a);
  const right = key(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** OPA's order of imports: by path, then by alias. */
function compareImports(a: Import, b: Import): number {
  const left = a.path.terms;
  const right = b.path.terms;
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const order = compareTerms(left[i], right[i]);
    if (order !== 0) return order;
  }
  if (left.length !== right.length) return left.length - right.length;
  const aliasA = a.alias?.name ?? '';
  const aliasB = b.alias?.name ?? '';
  return aliasA < aliasB ? -1 : aliasA > aliasB ? 1 : 0;
}

class Printer {
  private out = '';
  private level = 0;
  private inline = false;
  private beforeEnd: Note | undefined;
  private delay = false;
  /** The output ends in a comment that was written as it stood, on the line of a term kept as written. */
  private commentOpen = false;
  /** The first expression of a body in braces, where a leading union needs parentheses. */
  private leadingExpr: Expr | undefined;
  /** The union leading the first expression of a body as the left operand of an operator. */
  private leadingUnion: Term | undefined;
  /** The value of an `else` being written, which counts as standing on the `else` line (`elseRow`). */
  private elseValue: Term | undefined;
  private elseRow = 0;
  /** Whether the lines of the current `and` / `or` chain after its first are indented already. */
  private chainIndented = false;
  /**
   * Comments not written yet: `notes` from index `next` on, sorted by line. Writing consumes them from the
   * front, and a term that falls back to its source text restores an earlier position, so both are cheap.
   */
  private notes: Note[] = [];
  private next = 0;
  private readonly src: Source;
  private readonly style: Style;

  constructor(
    text: string,
    private readonly module: Module,
    version: 'v0' | 'v1',
  ) {
    this.src = new Source(text);
    this.style = this.styleOf(version);
  }

  private styleOf(version: 'v0' | 'v1'): Style {
    const regoV1 = version === 'v1';
    const style: Style = { regoV1, ifs: regoV1, contains: regoV1, refHeads: false, keywords: new Set(), notBodies: false };
    const future: string[] = [];
    for (const imported of this.module.imports) {
      const path = refPath(imported.path) ?? [];
      if ((path.length === 3 && path[0] === 'future' && path[1] === 'keywords' && path[2] === 'not') || (path.length === 2 && path[0] === 'rego' && path[1] === 'v2')) {
        style.notBodies = true;
      }
      if (isRegoV1Import(imported)) {
        style.ifs = true;
        style.contains = true;
      } else if (path.length === 2 && path[0] === 'future' && path[1] === 'keywords') {
        style.ifs = true;
        style.contains = true;
      } else if (path.length === 3 && path[0] === 'future' && path[1] === 'keywords') {
        future.push(path[2]);
        if (path[2] === 'contains') style.contains = true;
        if (path[2] === 'if') style.ifs = true;
      }
    }
    style.keywords = new Set([...(regoV1 ? KEYWORDS_V1 : KEYWORDS_V0), ...future]);
    const visit = (rule: Rule): void => {
      const ref = rule.head.ref;
      if (ref.length > 2 || (ref.length === 2 && rule.head.key !== undefined && rule.head.value === undefined)) style.refHeads = true;
      if (rule.else) visit(rule.else);
    };
    this.module.rules.forEach(visit);
    return style;
  }

  print(): string {
    const module = this.module;
    this.notes = module.comments
      .map((comment) => {
        const position = this.src.row(comment.range.start);
        const lineStart = this.src.text.lastIndexOf('\n', comment.range.start - 1) + 1;
        return { row: position, column: comment.range.start - lineStart + 1, text: `#${comment.text}`.replace(/\s+$/u, ''), start: comment.range.start, end: comment.range.end };
      })
      .sort((a, b) => a.start - b.start);

    this.writePackage();

    const regoV1Imported = module.imports.some(isRegoV1Import);
    const imports = regoV1Imported ? module.imports.filter((imported) => !isFutureImport(imported)) : module.imports;
    const items: (Import | Rule)[] = [...imports, ...withOperators(module.rules)].sort((a, b) => a.range.start - b.range.start);
    let index = 0;
    while (index < items.length) {
      const importGroup: Import[] = [];
      while (index < items.length && items[index].type === 'import') importGroup.push(items[index++] as Import);
      this.writeImports(importGroup);
      const ruleGroup: Rule[] = [];
      while (index < items.length && items[index].type === 'rule') ruleGroup.push(items[index++] as Rule);
      this.writeRules(ruleGroup);
    }

    const remaining = this.notes.slice(this.next);
    remaining.forEach((comment, i) => {
      this.writeLine(comment.text);
      if (i === remaining.length - 1) this.write('\n');
    });
    return this.out.endsWith('\n') ? `${this.out.replace(/\n+$/, '')}\n` : this.out;
  }

  // Output primitives

  private write(text: string): void {
    // Text after a comment that was kept as written must not join that comment.
    if (this.commentOpen && text !== '' && !text.startsWith('\n')) this.out += '\n';
    this.commentOpen = false;
    this.out += text;
  }

  private startLine(): void {
    this.inline = true;
    this.out += '\t'.repeat(this.level);
  }

  private endLine(): void {
    this.inline = false;
    this.commentOpen = false;
    if (this.beforeEnd && !this.delay) {
      this.beforeEnd.writtenAt = this.out.length;
      this.out += ` ${this.beforeEnd.text}`;
      this.beforeEnd = undefined;
    }
    this.delay = false;
    this.out += '\n';
  }

  private blankLine(): void {
    if (this.inline) this.endLine();
    this.out += '\n';
  }

  /** Writes a comment on a line of its own. */
  private writeLine(text: string): void {
    if (!this.inline) this.startLine();
    this.write(text);
    // An end-of-line comment still waiting (after an opening bracket) must not be appended to this comment,
    // where it would become part of its text; it waits for the next line.
    const waiting = this.beforeEnd;
    this.beforeEnd = undefined;
    this.endLine();
    this.beforeEnd = waiting;
  }

  private up(): void {
    this.level++;
  }

  private down(): void {
    if (this.level > 0) this.level--;
  }

  // Comments

  private row(offset: number): number {
    return this.src.row(offset);
  }

  private insertComments(row: number): void {
    const before = this.takeBefore(row);
    const at = this.next < this.notes.length && this.notes[this.next].row === row ? this.notes[this.next++] : undefined;
    this.writeComments(before);
    if (before.length > 0 && row - before[before.length - 1].row > 1) this.blankLine();
    this.beforeLineEnd(at);
  }

  /** Takes the pending comments on lines before `row`. */
  private takeBefore(row: number): Note[] {
    const start = this.next;
    while (this.next < this.notes.length && this.notes[this.next].row < row) this.next++;
    return this.notes.slice(start, this.next);
  }

  private get pending(): number {
    return this.notes.length - this.next;
  }

  private beforeLineEnd(comment: Note | undefined): void {
    if (this.beforeEnd) {
      if (!comment) return;
      this.beforeEnd = undefined;
      throw new UnexpectedComment('two comments for one line');
    }
    this.beforeEnd = comment;
  }

  private writeComments(comments: Note[]): void {
    const isMetadata = (comment: Note): boolean => comment.column === 1 && comment.text.slice(1).trim().startsWith('METADATA');
    let inMetadata = false;
    comments.forEach((comment, i) => {
      if (i > 0) {
        const distance = comment.row - comments[i - 1].row;
        if (distance > 1) {
          this.blankLine();
          inMetadata = false;
        } else if (distance === 1 && inMetadata && isMetadata(comment)) {
          // Two metadata blocks in a row are kept apart, so each stays a block of its own.
          this.blankLine();
        }
      }
      if (isMetadata(comment)) inMetadata = true;
      comment.writtenAt = this.out.length;
      this.writeLine(comment.text);
    });
  }

  /** The line of the bracket that closes the first `open` in a range's text, or -1; a plain scan, as OPA's. */
  private closingRow(range: Range, open: string, close: string, skip?: [string, string]): number {
    const text = this.src.slice(range);
    let i = 0;
    let offset = 0;
    if (skip) {
      while (i < text.length && text[i] !== skip[0]) i++;
      let depth = 1;
      while (depth > 0) {
        i++;
        if (i >= text.length) break;
        if (text[i] === skip[0]) depth++;
        else if (text[i] === skip[1]) depth--;
        else if (text[i] === '\n') offset++;
      }
    }
    // Unlike OPA's scan, lines passed on the way to the bracket count too: a head value split over lines
    // before the body would otherwise put the body's closing line too early.
    while (i < text.length && text[i] !== open) {
      if (text[i] === '\n') offset++;
      i++;
    }
    if (i >= text.length) return -1;
    let depth = 1;
    while (depth > 0) {
      i++;
      if (i >= text.length) return -1;
      if (text[i] === open) depth++;
      else if (text[i] === close) depth--;
      else if (text[i] === '\n') offset++;
    }
    return this.row(range.start) + offset;
  }

  /** Runs `write` with no comments pending, for parts that OPA prints without placing comments. */
  private withoutComments(write: () => void): void {
    const saved = { notes: this.notes, next: this.next };
    this.notes = [];
    this.next = 0;
    try {
      write();
    } finally {
      this.notes = saved.notes;
      this.next = saved.next;
    }
  }

  // Package and imports

  private writePackage(): void {
    const pkg = this.module.package;
    if (!pkg) return;
    this.insertComments(this.row(pkg.range.start));
    this.startLine();
    this.write('package ');
    const [, first, ...rest] = pkg.path;
    this.withoutComments(() => {
      this.write(first && first.type === 'string' ? first.value : '');
      this.writeRefPath(rest);
    });
    this.blankLine();
  }

  private writeImports(imports: Import[]): void {
    if (imports.length === 0) return;
    const attached = new Map<Import, Note>();
    this.notes = this.notes.slice(this.next).filter((comment) => {
      const owner = imports.find((imported) => this.row(imported.range.start) === comment.row);
      if (!owner) return true;
      attached.set(owner, comment);
      return false;
    });
    this.next = 0;
    const groups: Import[][] = [[imports[0]]];
    for (const imported of imports.slice(1)) {
      const group = groups[groups.length - 1];
      if (this.row(imported.range.start) - this.row(group[group.length - 1].range.start) > 1) groups.push([imported]);
      else group.push(imported);
    }
    for (const group of groups) {
      this.insertComments(this.row(group[0].range.start));
      for (const imported of [...group].sort(compareImports)) {
        this.startLine();
        this.write('import ');
        this.withoutComments(() => this.writeRef(imported.path.terms));
        if (imported.alias) this.write(` as ${imported.alias.name}`);
        const comment = attached.get(imported);
        if (comment) {
          comment.writtenAt = this.out.length;
          this.write(` ${comment.text}`);
        }
        this.endLine();
      }
      this.blankLine();
    }
  }

  // Rules

  private writeRules(rules: Rule[]): void {
    rules.forEach((rule, i) => {
      try {
        this.insertComments(this.row(rule.range.start));
      } catch (error) {
        if (!(error instanceof UnexpectedComment)) throw error;
      }
      try {
        this.writeRule(rule, rule, false);
      } catch (error) {
        if (!(error instanceof UnexpectedComment)) throw error;
      }
      const next = rules[i + 1];
      if (next && this.groupable(rule) && this.groupable(next) && this.row(next.range.start) === this.row(rule.range.start) + 1) {
        // Adjacent one-line rules stay together, as they were written.
        if (this.inline) this.endLine();
        return;
      }
      this.blankLine();
    });
  }

  /** A rule written on one line, which may sit right under another one-line rule. */
  private groupable(rule: Rule): boolean {
    if (rule.body.length > 1 || rule.default || rule.else) return false;
    // A lone set in a body keeps its braces, so the rule takes several lines.
    if (rule.body.length === 1 && isSetTerm(rule.body[0])) return false;
    return (this.style.regoV1 || this.style.ifs) && (this.style.contains || rule.head.value !== undefined);
  }

  /** OPA keeps the key of `p[x] = y` written without `if` as a key of its own; it decides how the value prints. */
  private hasKey(main: Rule): boolean {
    const head = main.head;
    if (head.key !== undefined) return true;
    return head.args === undefined && head.ref.length === 2 && head.value !== undefined && main.bodyStyle !== 'if';
  }

  private writeRule(rule: Rule, main: Rule, isElse: boolean): void {
    const head = rule.head;
    if (!isElse) this.startLine();
    if (rule.default) this.write('default ');
    const expandedConst = isTrueBody(rule.body) && !rule.else;
    this.tolerate(() => this.writeHead(rule, main, isElse, expandedConst));
    if (rule.body.length === 0 || expandedConst) {
      this.endLine();
      return;
    }
    const style = this.style;
    if ((style.regoV1 || style.ifs) && (style.contains || head.value !== undefined)) {
      this.write(' if');
      if (rule.body.length === 1 && this.row(rule.body[0].range.start) === this.headEndRow(rule, isElse) && !isSetTerm(rule.body[0]) && !this.setFirst(rule.body[0])) {
        this.write(' ');
        this.tolerate(() => this.writeExpr(rule.body[0]));
        this.endLine();
        if (rule.else) this.writeElse(rule, main);
        return;
      }
    }
    // OPA keeps the first expression on this line when the head was kept as written; it goes on a line of
    // its own here, as it does when the module is formatted again.
    this.write(' {');
    this.endLine();
    this.up();
    this.leadingExpr = rule.body[0];
    this.writeBody(rule.body);
    this.leadingExpr = undefined;
    let closeRow: number;
    if (!isElse && head.args && head.args.length > 0) closeRow = this.closingRow(rule.range, '{', '}', ['(', ')']);
    // OPA skips a bracket for every rule with a key, also a `contains` rule that has none, and then
    // misses the closing line; only a key written in brackets is skipped here.
    else if (this.hasKey(main) && head.args === undefined && !main.head.contains) closeRow = this.closingRow(rule.range, '{', '}', ['[', ']']);
    else closeRow = this.closingRow(rule.range, '{', '}');
    if (rule.else && this.row(rule.else.range.start) === closeRow) {
      // `} else ... {` on one line: a comment at its end belongs to the `else` line, where it stays.
      this.writeComments(this.takeBefore(closeRow));
    } else {
      this.insertComments(closeRow);
    }
    this.down();
    this.startLine();
    this.write('}');
    if (rule.else) this.writeElse(rule, main);
  }

  /** The line where a rule's head ends, which decides whether a one-expression body stays on it. */
  private headEndRow(rule: Rule, isElse: boolean): number {
    const head = rule.head;
    if (!isElse) return this.src.endRow(head.range);
    const end = head.value && !head.generatedValue ? head.value.range.end : rule.range.start + 4;
    return this.src.endRow({ start: rule.range.start, end });
  }

  private writeElse(rule: Rule, main: Rule): void {
    const elseRule = rule.else!;
    const ruleRow = this.row(rule.range.start);
    const elseRow = this.row(elseRule.range.start);
    let wasInline = false;
    if (elseRow > ruleRow) {
      const lineStart = this.src.text.lastIndexOf('\n', elseRule.range.start - 1) + 1;
      wasInline = /\S/.test(this.src.text.slice(lineStart, elseRule.range.start));
    }
    const commentAbove = (this.pending > 0 && this.notes[this.next].row < elseRow) || this.beforeEnd !== undefined;
    if (!commentAbove && wasInline) {
      this.write(' ');
    } else {
      this.blankLine();
      this.startLine();
    }
    this.insertComments(elseRow);
    if (commentAbove && !wasInline) this.startLine();
    this.writeRule(elseRule, main, true);
  }

  private writeHead(rule: Rule, main: Rule, isElse: boolean, expandedConst: boolean): void {
    const head = rule.head;
    const ref = head.ref;
    if (isElse) {
      this.write('else');
    } else if (this.style.refHeads || ref.length === 1) {
      this.writeRef(ref);
    } else {
      this.write(`${this.plainTerm(ref[0])}[${this.plainTerm(ref[1])}]`);
    }
    if (!isElse && head.args && head.args.length > 0) {
      const parentheses = this.src.parenthesesAfter(head.ref[head.ref.length - 1].range.end);
      const anchor = { row: this.row(head.range.start), open: parentheses?.start };
      // Arguments whose comments cannot be placed are kept as written, and the head goes on after them.
      this.argumentsAsWritten(head.ref[head.ref.length - 1].range.end, () =>
        this.enclosed('(', ')', () => this.writeIterable(head.args!, anchor, this.closingRow(head.range, '(', ')'), (term) => this.writeListItem(term as Term, false))),
      );
    } else if (!isElse && head.args) {
      this.write('()');
    }
    if (head.key && !head.value) {
      if (this.style.contains) {
        this.write(' contains ');
        this.writeTerm(head.key);
      } else {
        this.write('[');
        this.writeTerm(head.key);
        this.write(']');
      }
    }
    const value = head.value;
    if (!value) return;
    const key = this.hasKey(main);
    if (!(key || !isTrue(value) || expandedConst || rule.default)) return;
    const refConst = this.style.regoV1 && expandedConst && !key && head.args === undefined;
    if (head.generatedValue && !isElse && isTrue(value) && !refConst) {
      // A lone name is no rule in v0 either: such a constant keeps its value.
      if (!(expandedConst && head.args === undefined && !key && ref.length < 3)) return;
    }
    this.write(head.assign || this.style.regoV1 ? ' := ' : ' = ');
    if (isElse) {
      // The value of an `else` counts as written on the `else` line: comments below that line go into the body.
      this.elseValue = value;
      this.elseRow = this.row(rule.range.start);
    }
    try {
      this.writeTerm(value);
    } finally {
      this.elseValue = undefined;
    }
  }

  /** A term as OPA's String() prints it: used for the key of a two-part rule head. */
  private plainTerm(term: Term): string {
    switch (term.type) {
      case 'var':
        return term.name;
      case 'string':
        return quoteString(term.value);
      case 'number':
        return term.text;
      case 'boolean':
        return String(term.value);
      case 'null':
        return 'null';
      default: {
        const saved = { out: this.out, inline: this.inline, level: this.level };
        this.out = '';
        this.inline = true;
        this.level = 0;
        this.withoutComments(() => this.writeTermParens(false, term));
        const text = this.out;
        this.out = saved.out;
        this.inline = saved.inline;
        this.level = saved.level;
        return text;
      }
    }
  }

  // Bodies and expressions

  private writeBody(body: Body): void {
    try {
      this.insertComments(this.row(body[0].range.start));
    } catch (error) {
      if (!(error instanceof UnexpectedComment)) throw error;
    }
    body.forEach((expr, i) => {
      if (i > 0) {
        const previous = body[i - 1];
        const lastRow = this.row(previous.range.start) + (this.src.slice(previous.range).match(/\n/g)?.length ?? 0);
        const row = this.row(expr.range.start);
        // A comment left over from the lines of the previous expression (after the `)` of a call split over
        // lines, say) is written on a line of its own before this one; formatting that output again would
        // put a blank line above it, so it gets that blank line now.
        const leftover = this.pending > 0 && this.notes[this.next].row <= lastRow && this.notes[this.next].row < row;
        if (row > lastRow + 1 || leftover) this.blankLine();
      }
      this.startLine();
      try {
        this.writeExpr(expr);
      } catch (error) {
        if (!(error instanceof UnexpectedComment)) throw error;
      }
      this.endLine();
    });
  }

  private writeExpr(expr: Expr): void {
    this.insertComments(this.row(expr.range.start));
    if (!this.inline) this.startLine();
    const terms = expr.terms;
    if (expr.negated && terms.type !== 'query') {
      this.write('not ');
      if (this.style.notBodies && terms.type !== 'some' && terms.type !== 'every' && terms.type !== 'logical' && this.bracesFirst(terms)) {
        // With `not { ... }` bodies enabled, a brace after `not` would open a body.
        this.inTurn(
          () => this.enclosed('(', ')', () => (terms.type === 'call' ? this.writeTopCall(terms) : this.writeTerm(terms))),
          () => this.writeWiths(expr),
        );
        return;
      }
    }
    if (expr === this.leadingExpr && !expr.negated && terms.type === 'logical') {
      // The first operand of a chain leads it, unless it is written in parentheses.
      let parent = terms;
      let first = terms.left;
      while (first.terms.type === 'logical' && first.with.length === 0 && !first.negated && !(first.terms.operator === 'or' && parent.operator === 'and')) {
        parent = first.terms;
        first = first.terms.left;
      }
      this.leadingExpr = first.terms.type !== 'logical' && first.with.length === 0 ? first : undefined;
    }
    if (expr === this.leadingExpr && !expr.negated && terms.type === 'call' && terms.infix !== undefined) {
      // A union leading a body would turn its braces into a set comprehension: `p if { (a | b) }`.
      this.leadingExpr = undefined;
      if (isUnion(terms)) {
        this.inTurn(
          () => this.enclosed('(', ')', () => this.writeTermParens(false, terms)),
          () => this.writeWiths(expr),
        );
        return;
      }
      if (isUnion(terms.args[0]) && terms.infix !== 'in') this.leadingUnion = terms.args[0];
    }
    // A term kept as written still gets its `with` modifiers (OPA drops them there).
    const kept = this.tolerate(() => {
      switch (terms.type) {
        case 'some':
          this.writeSome(terms);
          break;
        case 'every':
          this.writeEvery(terms, expr.range);
          break;
        case 'query':
          this.writeQuery(expr);
          break;
        case 'logical':
          this.writeLogical(terms);
          break;
        case 'call':
          this.writeTopCall(terms);
          break;
        default:
          this.writeTerm(terms);
      }
    });
    this.writeWiths(expr);
    if (kept) throw new UnexpectedComment('expression kept in part as written');
  }

  private writeWiths(expr: Expr): void {
    if (expr.with.length === 0) return;
    let withs = expr.with;
    let lastRow = this.src.endRow(expr.terms.range);
    if (this.row(withs[0].range.start) === lastRow) {
      this.writeWith(withs[0], false);
      lastRow = this.row(withs[0].range.start);
      withs = withs.slice(1);
    }
    let indented = false;
    for (const modifier of withs) {
      const indent = this.row(modifier.range.start) > lastRow;
      if (indent) {
        if (!indented) {
          this.up();
          indented = true;
        }
        this.endLine();
        this.startLine();
        lastRow = this.row(modifier.range.start);
      }
      this.writeWith(modifier, indent);
    }
    if (indented) this.down();
  }

  private writeWith(modifier: Expr['with'][number], indented: boolean): void {
    this.insertComments(this.row(modifier.range.start));
    if (!indented) this.write(' ');
    this.write('with ');
    this.inTurn(
      () => this.writeTerm(modifier.target),
      () => {
        this.write(' as ');
        this.tolerate(() => this.writeTerm(modifier.value));
      },
    );
  }

  private writeSome(decl: SomeDecl): void {
    this.insertComments(this.row(decl.range.start));
    this.write('some ');
    let row = this.row(decl.range.start);
    this.inTurn(
      ...decl.symbols.map((symbol, i) => () => {
        if (symbol.type === 'call' && symbol.infix === 'in') {
          this.writeMembership(false, symbol.args);
          return;
        }
        if (this.row(symbol.range.start) > row) {
          this.endLine();
          this.startLine();
          this.write('\t');
          row = this.row(symbol.range.start);
        } else if (i > 0) {
          this.write(' ');
        }
        try {
          this.writeTerm(symbol);
        } finally {
          if (i < decl.symbols.length - 1) this.write(',');
        }
      }),
    );
  }

  private writeEvery(every: Every, range: Range): void {
    this.insertComments(this.row(range.start));
    this.write('every ');
    this.inTurn(
      () => {
        if (every.key) this.writeTerm(every.key);
      },
      () => {
        if (every.key) this.write(', ');
        this.writeTerm(every.value);
      },
      () => {
        this.write(' in ');
        this.writeTerm(every.domain);
      },
      () => {
        this.write(' {');
        this.tolerate(() => this.writeComprehensionBody('{', '}', every.body, this.row(range.start), range));
        if (every.body.length === 1 && this.row(every.body[0].range.start) === this.row(every.range.start)) this.write(' ');
        this.write('}');
      },
    );
  }

  /** `not { ... }` and `not (...)` (a negated query), and `{ ... }` as an operand of `and` / `or`. */
  private writeQuery(expr: Expr): void {
    if (expr.terms.type !== 'query') return;
    const query = expr.terms;
    if (expr.negated) this.write('not ');
    if (this.src.text[query.range.start] !== '{') {
      this.enclosed('(', ')', () => this.writeExpr(query.body[0]));
      return;
    }
    this.write('{');
    this.leadingExpr = query.body[0];
    this.tolerate(() => this.writeComprehensionBody('{', '}', query.body, this.row(expr.range.start), expr.range));
    this.leadingExpr = undefined;
    const last = query.body[query.body.length - 1];
    if (this.row(last.range.start) === this.row(expr.range.start)) this.write(' ');
    this.write('}');
  }

  /** `a and b`, `a or b`: `and` binds tighter; a chain broken over lines keeps its breaks, indented once. */
  private writeLogical(logical: Logical, top = true): void {
    const strength = (operator: string): number => (operator === 'and' ? 2 : 1);
    const outerIndented = this.chainIndented;
    if (top) this.chainIndented = false;
    const operand = (side: Expr, right: boolean): void => {
      const inner = side.terms;
      if (inner.type === 'logical' && side.with.length === 0 && !side.negated) {
        const group = strength(inner.operator) < strength(logical.operator) || (right && strength(inner.operator) <= strength(logical.operator));
        if (group) this.enclosed('(', ')', () => this.writeLogical(inner, true));
        else this.writeLogical(inner, false);
        return;
      }
      const simple = inner.type !== 'query' && inner.type !== 'logical' && inner.type !== 'some' && inner.type !== 'every';
      if (side.with.length > 0 || (simple && !side.negated && this.bracesFirst(inner))) {
        this.enclosed('(', ')', () => this.writeExpr(side));
        return;
      }
      this.writeExpr(side);
    };
    try {
      this.inTurn(
        () => operand(logical.left, false),
        () => this.writeLogicalRight(logical, operand),
      );
    } finally {
      if (top) {
        if (this.chainIndented) this.down();
        this.chainIndented = outerIndented;
      }
    }
  }

  private writeLogicalRight(logical: Logical, operand: (side: Expr, right: boolean) => void): void {
    this.write(` ${logical.operator}`);
    if (this.row(logical.right.range.start) > this.src.endRow(logical.left.range)) {
      if (!this.chainIndented) {
        this.up();
        this.chainIndented = true;
      }
      this.endLine();
      this.startLine();
    } else {
      this.write(' ');
    }
    operand(logical.right, true);
  }

  /** Whether an expression starts with a set, which the parser would read as a body after `if`. */
  private setFirst(expr: Expr): boolean {
    if (expr.negated) return false;
    let term: Term | undefined = expr.terms.type === 'call' || expr.terms.type === 'ref' || expr.terms.type === 'set' ? expr.terms : undefined;
    while (term) {
      if (term.type === 'set') return term.items.length > 0;
      if (term.type === 'ref') term = term.terms[0];
      else if (term.type === 'call' && term.infix !== undefined) term = term.args[0];
      else return false;
    }
    return false;
  }

  /** Whether a term starts with `{` when printed, which an operand position would read as a body. */
  private bracesFirst(term: Term | undefined): boolean {
    if (!term) return false;
    switch (term.type) {
      case 'set':
        return term.items.length > 0;
      case 'object':
      case 'setcomprehension':
      case 'objectcomprehension':
        return true;
      case 'ref':
        return this.bracesFirst(term.terms[0]);
      case 'call':
        return term.infix !== undefined && this.bracesFirst(term.args[0]);
      default:
        return false;
    }
  }

  /** A call at the top of an expression: infix operators print without parentheses around their operands. */
  private writeTopCall(call: CallTerm): void {
    if (call.unary) {
      this.writeCall(false, call);
      return;
    }
    if (call.infix === 'in') {
      this.writeMembership(false, call.args);
      return;
    }
    const name = refPath(call.operator)?.join('.');
    if (!call.infix && name !== undefined && STATEMENT_BUILTINS[name] && call.args.length === 2) {
      this.writeTopCall({ ...call, infix: STATEMENT_BUILTINS[name] });
      return;
    }
    if (!call.infix) {
      const operator = name === undefined ? undefined : OPERATOR_BUILTINS[name];
      if (operator && operator !== 'in' && operator !== '=' && operator !== ':=' && call.args.length === 3) {
        // `plus(x, 1, y)` is OPA's old form of `y = x + 1`, and prints as that.
        const [left, right, result] = call.args;
        this.inTurn(
          () => this.writeTerm(result),
          () => {
            this.write(' = ');
            this.writeTermParens(false, { ...call, args: [left, right], infix: operator });
          },
        );
        return;
      }
      this.writeCallPlain(call);
      return;
    }
    const [left, right] = call.args;
    const assignment = call.infix === ':=' || call.infix === '=';
    const operand = (term: Term, side: 'left' | 'right'): void => {
      if (term === this.leadingUnion) {
        this.leadingUnion = undefined;
        this.writeGrouped(term);
        return;
      }
      if (!assignment && isInfix(term)) {
        const own = PRECEDENCE[term.infix!] ?? 0;
        const outer = PRECEDENCE[call.infix!] ?? 0;
        // OPA prints these bare; parentheses are added only where the bare form would group differently.
        if (isMembership(term) || own < outer || (side === 'right' && own <= outer)) {
          this.writeGrouped(term);
          return;
        }
      }
      this.writeTerm(term);
    };
    this.inTurn(
      () => operand(left, 'left'),
      () => {
        this.write(` ${call.infix} `);
        if (right) operand(right, 'right');
      },
    );
  }

  /** An infix call in parentheses. */
  private writeGrouped(term: Term): void {
    if (isMembership(term)) this.enclosed('(', ')', () => this.writeTermParens(true, term));
    else this.writeTermParens(true, term);
  }

  private writeCallPlain(call: CallTerm): void {
    this.writeRef(call.operator.terms);
    const anchor = { row: this.row(call.operator.range.start) };
    const written = this.argumentsAsWritten(call.operator.range.end, () =>
      this.enclosed('(', ')', () => this.writeIterable(call.args, anchor, -1, (term) => this.writeListItem(term as Term, false))),
    );
    if (written) throw new UnexpectedComment('arguments kept as written');
  }

  /**
   * Writes a parenthesized argument list; when its comments cannot be placed, writes the list as it was
   * written instead (comments and all) and returns true.
   */
  private argumentsAsWritten(after: number, write: () => void): boolean {
    const mark = this.out.length;
    const level = this.level;
    const saved = { notes: this.notes, next: this.next };
    try {
      write();
      return false;
    } catch (error) {
      if (!(error instanceof UnexpectedComment)) throw error;
      const span = this.src.parenthesesAfter(after);
      if (!span) throw error;
      this.out = this.out.slice(0, mark);
      this.commentOpen = false;
      this.level = level;
      this.writeUnformatted(span, saved);
      return true;
    }
  }

  /**
   * Writes `open`, the contents, then `close`, also when a term inside had to be kept as written: the
   * statement around it carries on and must stay balanced.
   */
  private enclosed(open: string, close: string, write: () => void): void {
    this.write(open);
    try {
      write();
    } finally {
      this.write(close);
    }
  }

  /**
   * `x in xs` and `k, v in xs`. `in` binds loosest and groups to the left, so a membership inside one needs
   * parentheses except as the left operand of `x in xs`.
   */
  private writeMembership(parens: boolean, args: Term[]): void {
    const operand = (term: Term, first: boolean): void => {
      if (isMembership(term) && !(first && args.length === 2)) this.writeGrouped(term);
      else this.writeTermParens(true, term);
    };
    if (args.length === 2) {
      this.inTurn(
        () => operand(args[0], true),
        () => {
          this.write(' in ');
          operand(args[1], false);
        },
      );
      return;
    }
    const write = (): void =>
      this.inTurn(
        () => operand(args[0], false),
        () => {
          this.write(', ');
          operand(args[1], false);
        },
        () => {
          this.write(' in ');
          operand(args[2], false);
        },
      );
    if (parens) this.enclosed('(', ')', write);
    else write();
  }

  /** A call inside another term: nested infix operators are parenthesized, as OPA does. */
  private writeCall(parens: boolean, call: CallTerm): void {
    if (call.unary) {
      this.write('-');
      this.writeTermParens(true, call.args[1]);
      return;
    }
    if (!call.infix) {
      this.writeCallPlain(call);
      return;
    }
    if (call.infix === 'in') {
      this.writeMembership(true, call.args);
      return;
    }
    const [left, right] = call.args;
    // OPA leaves a membership bare here, which would read back as the membership of the whole.
    const operand = (term: Term): void => (isMembership(term) ? this.writeGrouped(term) : this.writeTermParens(true, term));
    const write = (): void =>
      this.inTurn(
        () => operand(left),
        () => {
          this.write(` ${call.infix} `);
          if (right) operand(right);
        },
      );
    if (parens) this.enclosed('(', ')', write);
    else write();
  }

  // Terms

  private writeTerm(term: Term): void {
    this.writeTermParens(false, term);
  }

  /**
   * Runs the parts of a construct in turn. When a term in one part had to be kept as written, the other
   * parts are still written, so the construct stays whole, and the failure is passed on afterwards.
   */
  private inTurn(...parts: (() => void)[]): void {
    let failure: unknown;
    for (const part of parts) {
      try {
        part();
      } catch (error) {
        if (!(error instanceof UnexpectedComment)) throw error;
        failure = error;
      }
    }
    if (failure) throw failure;
  }

  /** Runs `write`, carrying on when a term in it had to be kept as written. Returns true then. */
  private tolerate(write: () => void): boolean {
    try {
      write();
      return false;
    } catch (error) {
      if (!(error instanceof UnexpectedComment)) throw error;
      return true;
    }
  }

  /** Writes a term as it was written; the comments inside it go with it. */
  private writeUnformatted(range: Range, saved: { notes: Note[]; next: number }): void {
    let text = this.src.slice(range);
    // A comment that shares the term's first line may have been written already, after something before
    // the term; it must not appear twice.
    for (let i = saved.next - 1; i >= 0 && saved.notes[i].start >= range.start; i--) {
      const note = saved.notes[i];
      const written = note.writtenAt !== undefined && note.writtenAt < this.out.length;
      if (written && note.end <= range.end) text = text.slice(0, note.start - range.start).trimEnd() + text.slice(note.end - range.start);
    }
    const lastRow = this.row(range.start) + (text.match(/\n/g)?.length ?? 0);
    this.write(text);
    this.notes = saved.notes;
    this.next = saved.next;
    this.takeBefore(lastRow);
    // A comment on the term's last line is written right after it (what follows then starts a new line),
    // where the next run finds it again.
    if (this.pending > 0 && this.notes[this.next].row === lastRow) {
      this.notes[this.next].writtenAt = this.out.length;
      this.write(` ${this.notes[this.next++].text}`);
      this.commentOpen = true;
    }
  }

  /**
   * Writes a term, operators in parentheses when `parens` is set. When its comments cannot be placed, the
   * term is written as it was, comments included, and the failure goes on up, so that the outermost term
   * with such comments is the one kept as written (as OPA does); the statement that holds it carries on.
   */
  private writeTermParens(parens: boolean, term: Term): void {
    this.insertComments(term === this.elseValue ? this.elseRow : this.row(term.range.start));
    if (!this.inline) this.startLine();
    // Without comments left to place, nothing below can fail.
    if (this.pending === 0) {
      this.writeTermBody(parens, term);
      return;
    }
    const mark = this.out.length;
    const level = this.level;
    const saved = { notes: this.notes, next: this.next };
    try {
      this.writeTermBody(parens, term);
    } catch (error) {
      if (!(error instanceof UnexpectedComment)) throw error;
      this.out = this.out.slice(0, mark);
      this.commentOpen = false;
      this.level = level;
      const startRow = this.row(term.range.start);
      const endRow = this.src.endRow(term.range);
      if (this.beforeEnd && this.beforeEnd.row >= startRow && this.beforeEnd.row <= endRow) this.beforeEnd = undefined;
      // The source range of an operator call leaves out its parentheses.
      const grouped = parens && isInfix(term) && !isMembership(term);
      if (grouped) this.write('(');
      this.writeUnformatted(term.range, saved);
      if (grouped) this.write(')');
      throw error;
    }
  }

  private writeTermBody(parens: boolean, term: Term): void {
    switch (term.type) {
      case 'ref':
        this.writeRef(term.terms);
        break;
      case 'object':
        this.enclosed('{', '}', () => this.writeIterable(term.entries, this.anchor(term.range), this.closingRow(term.range, '{', '}'), (entry) => this.writeEntry(entry as [Term, Term])));
        break;
      case 'array':
        this.enclosed('[', ']', () => this.writeIterable(term.items, this.anchor(term.range), this.closingRow(term.range, '[', ']'), (item) => this.writeListItem(item as Term, true)));
        break;
      case 'set':
        if (term.items.length === 0) {
          this.write('set()');
          this.insertComments(this.closingRow(term.range, '(', ')'));
          break;
        }
        this.enclosed('{', '}', () => this.writeIterable(term.items, this.anchor(term.range), this.closingRow(term.range, '{', '}'), (item) => this.writeListItem(item as Term, true)));
        break;
      case 'arraycomprehension':
        this.enclosed('[', ']', () => this.writeComprehension('[', ']', term.head, this.row(term.head.range.start), term.body, term.range));
        break;
      case 'setcomprehension':
        this.enclosed('{', '}', () => this.writeComprehension('{', '}', term.head, this.row(term.head.range.start), term.body, term.range));
        break;
      case 'objectcomprehension':
        this.enclosed('{', '}', () => {
          const union = isUnion(term.key);
          if (union) this.write('(');
          this.writeTerm(term.key);
          if (union) this.write(')');
          this.write(': ');
          // The value stays on the key's line; the body breaks when it starts below the opening brace.
          this.writeComprehension('{', '}', term.value, this.row(term.range.start), term.body, term.range);
        });
        break;
      case 'string':
        this.write(this.stringText(term));
        break;
      case 'templatestring':
        this.writeTemplate(term);
        break;
      case 'var':
        this.write(term.name);
        break;
      case 'call':
        this.writeCall(parens, term);
        break;
      case 'number':
        this.write(term.text);
        break;
      case 'boolean':
        this.write(String(term.value));
        break;
      case 'null':
        this.write('null');
        break;
      case 'error':
        throw new Error('the module has a term the parser could not read');
    }
    if (!this.inline) this.startLine();
  }

  private anchor(range: Range): Anchor {
    return { row: this.row(range.start), open: range.start };
  }

  /** A string as written: quoted strings and raw strings keep their source text when it reads back the same. */
  private stringText(term: Extract<Term, { type: 'string' }>): string {
    const written = this.src.slice(term.range);
    if (term.raw) return written === `\`${term.value}\`` ? written : quoteString(term.value);
    if (written.length >= 2 && written.startsWith('"') && written.endsWith('"')) {
      try {
        if (JSON.parse(written) === term.value) return written;
      } catch {
        // Not JSON-readable as written: print it canonically.
      }
    }
    return quoteString(term.value);
  }

  private writeTemplate(term: TemplateStringTerm): void {
    const quote = term.raw ? '`' : '"';
    this.write(`$${quote}`);
    this.inTurn(...term.parts.map((part, i) => () => this.writeTemplatePart(term, part, i)));
    this.write(quote);
  }

  private writeTemplatePart(term: TemplateStringTerm, part: TemplateStringTerm['parts'][number], i: number): void {
    if (part.type !== 'expr' && this.src.isTemplateText(part.range.start)) {
      this.write(this.src.slice(part.range));
      return;
    }
    const inlined = part.type === 'expr' ? undefined : this.inlineConstant(part, term.raw);
    if (inlined !== undefined) {
      this.write(inlined);
      return;
    }
    // An expression, or a constant written as one (`{1}`), which stays one.
    this.write('{');
    this.up();
    try {
      if (this.beforeEnd) {
        // A comment after the opening brace ends that line.
        this.endLine();
        this.startLine();
      } else {
        const before = this.takeBefore(this.row(part.range.start));
        if (before.length > 0) {
          this.write(' ');
          this.inline = true;
          this.writeComments(before);
        }
      }
      if (part.type === 'expr') this.writeExpr(part);
      else this.writeTerm(part);
    } finally {
      const next = term.parts[i + 1];
      const before = next ? this.takeBefore(this.row(next.range.start)) : [];
      if (before.length > 0) {
        this.endLine();
        this.writeComments(before);
        this.startLine();
      }
      this.write('}');
      this.down();
    }
  }

  /**
   * A constant written alone in braces (`{42}`) becomes template text, as OPA prints it; one with comments
   * or line breaks around it, or that would not read back as the same text, keeps its braces.
   */
  private inlineConstant(part: Term, raw: boolean): string | undefined {
    const open = this.src.text.lastIndexOf('{', part.range.start);
    const close = this.src.text.indexOf('}', part.range.end);
    if (open < 0 || close < 0) return undefined;
    if (this.src.text.slice(open + 1, part.range.start).trim() !== '' || this.src.text.slice(part.range.end, close).trim() !== '') return undefined;
    switch (part.type) {
      case 'string': {
        if (raw) return /[{`]/.test(part.value) ? undefined : part.value;
        return quoteString(part.value).slice(1, -1).replace(/\{/g, '\\{');
      }
      case 'number':
        return String(Number(part.text)) === part.text ? part.text : undefined;
      case 'boolean':
        return String(part.value);
      case 'null':
        return 'null';
      default:
        return undefined;
    }
  }

  private writeRef(terms: Term[]): void {
    const [head, ...path] = terms;
    if (!head) return;
    // An operator call at the head of a ref keeps its parentheses: `(a | b)[x]`.
    if (isInfix(head)) this.writeGrouped(head);
    else this.writeTermParens(false, head);
    this.writeRefPath(path);
  }

  private writeRefPath(path: Term[]): void {
    for (const part of path) {
      if (part.type === 'string') {
        const bracketed = !VAR_NAME.test(part.value) || (this.style.keywords.has(part.value) && this.src.text[part.range.start] === '"');
        this.write(bracketed ? `[${quoteString(part.value)}]` : `.${part.value}`);
      } else if (part.type === 'var') {
        this.write(`[${part.name}]`);
      } else {
        // A term kept as written may end in a comment; the bracket then goes on the next line.
        this.enclosed('[', ']', () => this.tolerate(() => this.writeTerm(part)));
      }
    }
  }

  private writeEntry([key, value]: [Term, Term]): void {
    const unionKey = isUnion(key);
    if (unionKey) this.write('(');
    this.writeTerm(key);
    if (unionKey) this.write(')');
    this.write(': ');
    const unionValue = isUnion(value);
    if (unionValue) this.write('(');
    this.writeTerm(value);
    if (unionValue) this.write(')');
  }

  private writeListItem(term: Term, parenthesizeUnions: boolean): void {
    const parens = isUnion(term) && (parenthesizeUnions || this.src.parenthesized(term.range));
    if (parens) this.write('(');
    this.writeTerm(term);
    if (parens) this.write(')');
  }

  /**
   * Elements of a collection, call or head: on one line when they were on one line, else one line per
   * source line with a trailing comma, as OPA lays them out.
   */
  private writeIterable(elements: Element[], anchor: Anchor, closeRow: number, write: (element: Element) => void): void {
    const startOf = (element: Element): Term => (Array.isArray(element) ? element[0] : element);
    const lines: Element[][] = [];
    let current: Element[] = [];
    let lastRow = anchor.row;
    const generated = hasGeneratedVar(elements);
    elements.forEach((element, i) => {
      const row = this.row(startOf(element).range.start);
      if (row - lastRow > 0 && i > 0 && !generated) {
        lines.push(current);
        current = [];
      }
      lastRow = row;
      current.push(element);
    });
    lines.push(current);

    let newlineBeforeFirst = false;
    if (lines.length === 1) {
      // Comments between the brackets of a collection written on one line have no line to go on: the
      // collection is kept as written.
      for (let i = this.next; i < this.notes.length && this.notes[i].row < closeRow; i++) {
        if (this.notes[i].row > anchor.row) throw new UnexpectedComment('comment inside a one-line collection');
      }
      if (elements.length > 0 && anchor.open !== undefined) {
        // Elements that start on a line below the opening bracket stay below it.
        newlineBeforeFirst = this.src.text.slice(anchor.open, startOf(elements[0]).range.start).includes('\n');
      }
    }
    const multiline = lines.length > 1 || newlineBeforeFirst;
    if (multiline) {
      this.delay = true;
      this.endLine();
      this.up();
      this.startLine();
    }
    lines.forEach((line, i) => {
      line.forEach((element, j) => {
        if (j > 0) this.write(', ');
        write(element);
      });
      if (i < lines.length - 1) {
        this.write(',');
        this.endLine();
        this.startLine();
      }
    });
    if (multiline) {
      this.write(',');
      this.endLine();
      this.insertComments(closeRow);
      this.down();
      this.startLine();
    }
  }

  private writeComprehension(open: string, close: string, head: Term, headRow: number, body: Body, range: Range): void {
    if (headRow - this.row(range.start) >= 1) {
      this.endLine();
      this.startLine();
    }
    const parens = head.type === 'call' && (isUnion(head) || this.src.parenthesized(head.range));
    this.writeTermParens(parens, head);
    this.write(' |');
    this.writeComprehensionBody(open, close, body, headRow, range);
  }

  private writeComprehensionBody(open: string, close: string, body: Body, headRow: number, range: Range): void {
    let lines = 1;
    let lastRow = headRow;
    const generated = hasGeneratedVar(body);
    body.forEach((expr, i) => {
      const row = this.row(expr.range.start);
      if (row - lastRow > 0 && i > 0 && !generated) lines++;
      lastRow = row;
    });
    const closeRow = this.closingRow(range, open, close);
    if (this.row(body[0].range.start) - headRow > 0 || lines > 1) {
      this.endLine();
      this.up();
      this.writeBody(body);
      this.insertComments(closeRow);
      this.down();
      this.startLine();
      return;
    }
    this.write(' ');
    body.forEach((expr, i) => {
      if (i > 0) this.write('; ');
      this.writeExpr(expr);
    });
    this.insertComments(closeRow);
  }
}
