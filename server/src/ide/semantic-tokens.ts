/**
 * Semantic tokens: what each word of a module is, so an editor can colour by meaning rather than by
 * pattern. The tokens come from the lexer, which always covers the whole text, and the tree decides what
 * each name is: a package path (namespace), a rule (variable, readonly, since rules are never assigned
 * twice), a function (built-ins as defaultLibrary), a function's parameter, a local variable, or a name
 * after a dot (property). Declarations carry the `declaration` modifier. Names the tree does not reach
 * (inside a statement with syntax errors) are plain variables, and keywords, literals, operators and
 * comments come from their tokens alone, so a broken module still gets every token.
 */
import type { Body, Expr, Module, Range, Rule, Term } from '../ast/nodes';
import * as T from '../syntax/tokens';
import { prepareTokens } from '../syntax/prepare';
import { builtinNamed } from '../builtins/index';
import { packageName } from './document-symbols';
import type { Snapshot } from './snapshot';

/** The token types, in legend order (LSP standard names). */
export const TOKEN_TYPES = ['namespace', 'function', 'parameter', 'variable', 'property', 'keyword', 'string', 'number', 'comment', 'operator'] as const;
/** The token modifiers, in legend order (LSP standard names); an encoder sets bit i for the i-th. */
export const TOKEN_MODIFIERS = ['declaration', 'readonly', 'defaultLibrary', 'deprecated', 'documentation'] as const;

export type SemanticTokenType = (typeof TOKEN_TYPES)[number];
export type SemanticTokenModifier = (typeof TOKEN_MODIFIERS)[number];

export const SEMANTIC_TOKENS_LEGEND = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

export interface SemanticToken {
  /** Offset of the first character. Tokens never span a line break, never overlap, and come in order. */
  start: number;
  length: number;
  type: SemanticTokenType;
  modifiers: SemanticTokenModifier[];
}

interface Classification {
  end: number;
  type: SemanticTokenType;
  modifiers: SemanticTokenModifier[];
}

const OPERATORS = new Set([
  T.Assign, T.Unify, T.Equal, T.NotEqual, T.LessEqual, T.GreaterEqual, T.Less, T.Greater,
  T.Plus, T.Minus, T.Star, T.Slash, T.Percent, T.Pipe, T.Ampersand,
]);
const STRINGS = new Set([
  T.StringLiteral, T.UnterminatedString, T.SmartQuoteString, T.RawString, T.UnterminatedRawString,
  T.TemplateStart, T.RawTemplateStart, T.TemplateText, T.RawTemplateText, T.TemplateEnd, T.RawTemplateEnd,
]);

/**
 * Tokens of a whole document. With a snapshot, rules that other files of the same package define are
 * recognised as rules too.
 */
export function semanticTokens(document: { text: string; module: Module }, snapshot?: Snapshot): SemanticToken[] {
  const { text, module } = document;
  let names = new Map<number, Classification>();
  try {
    names = classifyNames(text, module, snapshot);
  } catch {
    // Colouring must never fail: whatever the tree could not tell about names, the tokens alone still show.
    names = new Map();
  }
  const lexed = T.regoLexer.tokenize(text);
  const tokens = prepareTokens(lexed.tokens, text, module.regoVersion);
  const out: SemanticToken[] = [];
  // Comments and METADATA blocks both come in source order: one pass over each.
  const metadata = module.annotations.map((annotation) => annotation.range).sort((a, b) => a.start - b.start);
  let nextBlock = 0;
  const comments = lexed.groups.comments ?? [];
  let nextComment = 0;
  const emitComments = (before: number) => {
    while (nextComment < comments.length && comments[nextComment].startOffset < before) {
      const comment = comments[nextComment++];
      const start = comment.startOffset;
      while (nextBlock < metadata.length && metadata[nextBlock].end <= start) nextBlock++;
      const block = metadata[nextBlock];
      const documentation = block !== undefined && block.start <= start && start < block.end;
      push(out, text, start, comment.image.length, 'comment', documentation ? ['documentation'] : []);
    }
  };
  for (const token of tokens) {
    emitComments(token.startOffset);
    const type = token.tokenType;
    const start = token.startOffset;
    const length = token.image.length;
    if (type === T.Identifier) {
      const known = names.get(start);
      if (known && known.end === start + length) push(out, text, start, length, known.type, known.modifiers);
      else push(out, text, start, length, 'variable', []);
    } else if (type.CATEGORIES?.includes(T.Keyword)) {
      push(out, text, start, length, 'keyword', []);
    } else if (STRINGS.has(type)) {
      push(out, text, start, length, 'string', []);
    } else if (type === T.NumberLiteral) {
      push(out, text, start, length, 'number', []);
    } else if (OPERATORS.has(type)) {
      push(out, text, start, length, 'operator', []);
    }
  }
  emitComments(Infinity);
  return out;
}

/** Adds a token, cut at line breaks (editors draw tokens one line at a time) and never overlapping the last. */
function push(out: SemanticToken[], text: string, start: number, length: number, type: SemanticTokenType, modifiers: SemanticTokenModifier[]): void {
  const last = out[out.length - 1];
  if (length <= 0 || (last && start < last.start + last.length)) return;
  const end = start + length;
  let from = start;
  for (let i = start; i <= end; i++) {
    if (i === end || text.charCodeAt(i) === 10) {
      let to = i;
      if (to > from && text.charCodeAt(to - 1) === 13) to--;
      if (to > from) out.push({ start: from, length: to - from, type, modifiers });
      from = i + 1;
    }
  }
}

/** What the tree says about the names of the module, by start offset. */
function classifyNames(text: string, module: Module, snapshot: Snapshot | undefined): Map<number, Classification> {
  const rules = new Set<string>();
  const functions = new Set<string>();
  const collect = (from: Module) => {
    for (const rule of from.rules) {
      const head = rule.head?.ref?.[0];
      if (head?.type !== 'var') continue;
      rules.add(head.name);
      if (rule.head.args) functions.add(head.name);
    }
  };
  collect(module);
  const own = packageName(module.package);
  if (snapshot && own !== undefined) {
    for (const other of snapshot.documents) if (other.module !== module && packageName(other.module.package) === own) collect(other.module);
  }
  const classifier = new NameClassifier(text, rules, functions);
  classifier.module(module);
  return classifier.names;
}

/** Locals of one rule: function parameters and variables declared with `:=`, `some` or `every`. */
interface Scope {
  params: Set<string>;
  declared: Set<string>;
}

class NameClassifier {
  readonly names = new Map<number, Classification>();
  /** Names imports bring in: an alias or the last part of the imported path. */
  private readonly imported = new Set<string>();
  private scope: Scope = { params: new Set(), declared: new Set() };

  constructor(
    private readonly text: string,
    private readonly rules: Set<string>,
    private readonly functions: Set<string>,
  ) {}

  /** The first classification of a place wins: a head seen first keeps its `declaration`. */
  private set(range: Range | undefined, type: SemanticTokenType, modifiers: SemanticTokenModifier[] = []): void {
    if (!range || range.end <= range.start || this.names.has(range.start)) return;
    this.names.set(range.start, { end: range.end, type, modifiers });
  }

  module(module: Module): void {
    for (const part of module.package?.path.slice(1) ?? []) this.set(part.range, 'namespace');
    for (const imported of module.imports) {
      const parts = imported.path?.terms ?? [];
      for (const part of parts) this.set(part.range, 'namespace');
      if (imported.alias) {
        this.set(imported.alias.range, 'namespace', ['declaration']);
        this.imported.add(imported.alias.name);
      } else {
        const last = parts[parts.length - 1];
        const root = parts[0]?.type === 'var' ? parts[0].name : undefined;
        if (root === 'data' || root === 'input') {
          if (last?.type === 'string') this.imported.add(last.value);
          else if (last?.type === 'var') this.imported.add(last.name);
        }
      }
    }
    for (const rule of module.rules) this.rule(rule);
  }

  private rule(rule: Rule): void {
    this.scope = { params: new Set(), declared: new Set() };
    for (let branch: Rule | undefined = rule; branch; branch = branch.else) declaredNames(branch, this.scope);
    for (let branch: Rule | undefined = rule; branch; branch = branch.else) {
      const head = branch.head;
      if (!head) continue;
      const ref = head.ref ?? [];
      const first = ref[0];
      if (first?.type === 'var') {
        if (head.args) this.set(first.range, 'function', ['declaration']);
        else this.set(first.range, 'variable', ['declaration', 'readonly']);
      }
      for (const part of ref.slice(1)) {
        if (this.isDotted(part)) this.set(part.range, 'property', ['declaration']);
        else this.term(part);
      }
      for (const arg of head.args ?? []) this.term(arg, true);
      if (head.key) this.term(head.key);
      if (head.value && !head.generatedValue) this.term(head.value);
      this.body(branch.body);
    }
  }

  private body(body: Body | undefined): void {
    for (const expr of body ?? []) if (!expr.generated) this.expr(expr);
  }

  private expr(expr: Expr | undefined): void {
    const terms = expr?.terms;
    if (!expr || !terms) return;
    switch (terms.type) {
      case 'some':
        for (const symbol of terms.symbols) {
          if (symbol.type === 'call' && symbol.infix === 'in') {
            symbol.args.forEach((arg, index) => this.term(arg, index < symbol.args.length - 1));
          } else {
            this.term(symbol, true);
          }
        }
        break;
      case 'every':
        if (terms.key) this.term(terms.key, true);
        this.term(terms.value, true);
        this.term(terms.domain);
        this.body(terms.body);
        break;
      case 'query':
        this.body(terms.body);
        break;
      case 'logical':
        this.expr(terms.left);
        this.expr(terms.right);
        break;
      default:
        if (terms.type === 'call' && terms.infix === ':=') {
          this.term(terms.args[0], true);
          this.term(terms.args[1]);
        } else {
          this.term(terms);
        }
    }
    for (const modifier of expr.with ?? []) {
      this.callable(modifier.target) || this.term(modifier.target);
      this.callable(modifier.value) || this.term(modifier.value);
    }
  }

  /**
   * Classifies a term's names. `declaring` marks the variables of a term that a declaration binds (the
   * left of `:=`, `some`, `every`, function parameters).
   */
  private term(term: Term | undefined, declaring = false): void {
    if (!term) return;
    switch (term.type) {
      case 'var':
        this.variable(term.range, term.name, declaring);
        break;
      case 'ref':
        term.terms.forEach((part, index) => {
          if (index > 0 && this.isDotted(part)) this.set(part.range, 'property');
          else this.term(part, declaring && index === 0);
        });
        break;
      case 'array':
      case 'set':
        for (const item of term.items) this.term(item, declaring);
        break;
      case 'object':
        for (const [key, value] of term.entries) {
          this.term(key);
          this.term(value, declaring);
        }
        break;
      case 'arraycomprehension':
      case 'setcomprehension':
        this.term(term.head);
        this.body(term.body);
        break;
      case 'objectcomprehension':
        this.term(term.key);
        this.term(term.value);
        this.body(term.body);
        break;
      case 'call':
        if (!term.infix) this.callable(term.operator, true);
        for (const arg of term.args) this.term(arg);
        break;
      case 'templatestring':
        for (const part of term.parts) {
          if (part.type === 'expr') this.expr(part);
          else this.term(part);
        }
        break;
    }
  }

  private variable(range: Range, name: string, declaring: boolean): void {
    const declaration: SemanticTokenModifier[] = declaring ? ['declaration'] : [];
    if (name === '_') this.set(range, 'variable');
    else if (this.scope.params.has(name)) this.set(range, 'parameter', declaration);
    else if (this.scope.declared.has(name)) this.set(range, 'variable', declaration);
    else if (this.imported.has(name)) this.set(range, 'namespace');
    else if (this.rules.has(name)) this.set(range, 'variable', ['readonly']);
    else if (name === 'input' || name === 'data') this.set(range, 'variable', ['readonly', 'defaultLibrary']);
    else this.set(range, 'variable', declaration);
  }

  /**
   * A function named by a ref: a call's operator, or a `with` target or replacement. Built-ins are
   * `defaultLibrary` (their namespaces too, `strings` in `strings.replace_n`). Returns false when the ref
   * names no function, so the caller can classify it as data.
   */
  private callable(term: Term | undefined, called = false): boolean {
    if (!term) return false;
    const parts = term.type === 'ref' ? term.terms : [term];
    const head = parts[0];
    if (head?.type !== 'var') return false;
    const dotted = parts.slice(1).every((part) => this.isDotted(part));
    const name = dotted ? [head.name, ...parts.slice(1).map((part) => (part as { value: string }).value)].join('.') : undefined;
    const local = this.scope.params.has(head.name) || this.scope.declared.has(head.name);
    const builtin = name !== undefined && !local && !(parts.length === 1 && this.functions.has(head.name)) ? builtinNamed(name) : undefined;
    if (builtin) {
      const modifiers: SemanticTokenModifier[] = builtin.deprecated ? ['defaultLibrary', 'deprecated'] : ['defaultLibrary'];
      parts.forEach((part, index) => this.set(part.range, index === parts.length - 1 ? 'function' : 'namespace', modifiers));
      return true;
    }
    // Outside a call only a function of this package is known to be one: `with data.x as 1` replaces data.
    const userFunction = parts.length === 1 && this.functions.has(head.name) && !local;
    if (!called && !userFunction) return false;
    if (parts.length === 1) {
      this.set(head.range, 'function');
      return true;
    }
    this.term(head);
    parts.forEach((part, index) => {
      if (index === 0) return;
      if (!this.isDotted(part)) this.term(part);
      else this.set(part.range, index === parts.length - 1 ? 'function' : 'namespace');
    });
    return true;
  }

  /** A ref part written after a dot (`.name`) rather than in brackets. */
  private isDotted(part: Term): part is Extract<Term, { type: 'string' }> {
    if (part.type !== 'string') return false;
    const first = this.text.charCodeAt(part.range.start);
    return first !== 34 && first !== 96 && part.range.end > part.range.start;
  }
}

/** Collects the parameters and declared locals of a rule into `scope`. */
function declaredNames(rule: Rule, scope: Scope): void {
  const bind = (term: Term | undefined, into: Set<string>) => {
    forEachVar(term, (name) => {
      if (name !== '_') into.add(name);
    });
  };
  for (const arg of rule.head?.args ?? []) bind(arg, scope.params);
  const visitBody = (body: Body | undefined) => {
    for (const expr of body ?? []) visitExpr(expr);
  };
  const visitExpr = (expr: Expr | undefined) => {
    const terms = expr?.terms;
    if (!terms) return;
    switch (terms.type) {
      case 'some':
        for (const symbol of terms.symbols) {
          if (symbol.type === 'call' && symbol.infix === 'in') {
            symbol.args.slice(0, -1).forEach((arg) => bind(arg, scope.declared));
            visitTerm(symbol.args[symbol.args.length - 1]);
          } else {
            bind(symbol, scope.declared);
          }
        }
        return;
      case 'every':
        bind(terms.key, scope.declared);
        bind(terms.value, scope.declared);
        visitBody(terms.body);
        return;
      case 'query':
        visitBody(terms.body);
        return;
      case 'logical':
        visitExpr(terms.left);
        visitExpr(terms.right);
        return;
      default:
        if (terms.type === 'call' && terms.infix === ':=') bind(terms.args[0], scope.declared);
        visitTerm(terms);
    }
  };
  // Only terms that hold bodies can declare anything.
  const visitTerm = (term: Term | undefined): void => {
    if (!term) return;
    switch (term.type) {
      case 'arraycomprehension':
      case 'setcomprehension':
      case 'objectcomprehension':
        visitBody(term.body);
        return;
      case 'ref':
        term.terms.forEach(visitTerm);
        return;
      case 'array':
      case 'set':
        term.items.forEach(visitTerm);
        return;
      case 'object':
        for (const [key, value] of term.entries) {
          visitTerm(key);
          visitTerm(value);
        }
        return;
      case 'call':
        term.args.forEach(visitTerm);
        return;
      case 'templatestring':
        for (const part of term.parts) {
          if (part.type === 'expr') visitExpr(part);
          else visitTerm(part);
        }
    }
  };
  visitBody(rule.body);
  if (rule.head?.value) visitTerm(rule.head.value);
}

/** Every variable of a pattern term (`x`, `[a, {"k": b}]`), but not the keys of objects. */
function forEachVar(term: Term | undefined, visit: (name: string) => void): void {
  if (!term) return;
  switch (term.type) {
    case 'var':
      visit(term.name);
      break;
    case 'array':
    case 'set':
      for (const item of term.items) forEachVar(item, visit);
      break;
    case 'object':
      for (const [, value] of term.entries) forEachVar(value, visit);
      break;
  }
}
