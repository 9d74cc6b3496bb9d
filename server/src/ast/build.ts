/**
 * Turns chevrotain's concrete syntax tree into the AST, and applies the checks OPA's parser makes while it
 * builds its tree (rule shapes, `default` values, number and string literals, Rego v1 keywords).
 * Every function tolerates missing children: after error recovery a CST node may lack any of them.
 */
import type { CstElement, CstNode, IToken } from 'chevrotain';
import * as T from '../syntax/tokens';
import { termText } from './dump';
import type {
  Body, CallTerm, Every, Expr, Head, Import, Package, ParseError, Range, RefTerm, Rule, SomeDecl, StringTerm, Term, VarTerm, With,
} from './nodes';

export type Statement = Package | Import | Rule;

type Children = Record<string, CstElement[] | undefined>;

const NO_NODES: CstNode[] = [];

const OPERATOR_NAMES: Record<string, string> = {
  '==': 'equal',
  '!=': 'neq',
  '<': 'lt',
  '<=': 'lte',
  '>': 'gt',
  '>=': 'gte',
  '+': 'plus',
  '-': 'minus',
  '*': 'mul',
  '/': 'div',
  '%': 'rem',
  '|': 'or',
  '&': 'and',
  ':=': 'assign',
  '=': 'eq',
};

/** The keywords `import future.keywords.<keyword>` may name. */
const FUTURE_KEYWORD_NAMES = ['and', 'contains', 'every', 'if', 'in', 'not', 'or'];

/** Binding strength of infix operators, weakest first, following OPA's parser. */
const PRECEDENCE: Record<string, number> = {
  in: 1,
  '==': 2, '!=': 2, '<': 2, '<=': 2, '>': 2, '>=': 2,
  '|': 3,
  '&': 4,
  '+': 5, '-': 5,
  '*': 6, '/': 6, '%': 6,
};

const ROOT_DOCUMENTS = new Set(['data', 'input']);

function isToken(element: CstElement | undefined): element is IToken {
  return element !== undefined && (element as IToken).tokenType !== undefined;
}

function tokenRange(token: IToken): Range {
  return { start: token.startOffset, end: token.endOffset! + 1 };
}

function spanning(first: Range, last: Range): Range {
  return { start: first.start, end: Math.max(first.end, last.end) };
}

/** Options that change how a statement is read. */
export interface BuildOptions {
  text: string;
  /** Rego v1 rules apply: `if` before bodies, `contains` for multi-value rules. */
  v1: boolean;
  /** `not { ... }` negates a query (`import future.keywords.not` or `import rego.v2`). */
  negatedQueries?: boolean;
}

export class AstBuilder {
  /** Terms written in parentheses, which operator rewrites must not reach into. */
  private readonly parenthesized = new WeakSet<Term>();
  readonly errors: ParseError[] = [];
  /**
   * How far the builder has read, in source order. A node without a location (one the parser made up
   * while recovering) is placed here, just after the last thing that was really read.
   */
  private cursor = 0;

  constructor(private readonly options: BuildOptions) {}

  private error(range: Range, message: string): void {
    this.errors.push({ code: 'rego_parse_error', message, range });
  }

  private nodeRange(node: CstNode | undefined, fallback?: Range): Range {
    const location = node?.location;
    if (location && Number.isFinite(location.startOffset) && Number.isFinite(location.endOffset)) {
      if (location.startOffset > this.cursor) this.cursor = location.startOffset;
      return { start: location.startOffset, end: (location.endOffset as number) + 1 };
    }
    return fallback ?? { start: this.cursor, end: this.cursor };
  }

  private children(node: CstNode | undefined): Children {
    return (node?.children ?? {}) as Children;
  }

  private node(children: Children, key: string, index = 0): CstNode | undefined {
    const element = children[key]?.[index];
    return element && !isToken(element) ? element : undefined;
  }

  /** Subrule children under `key` (chevrotain keeps subrules and tokens under different keys). */
  private nodes(children: Children, key: string): CstNode[] {
    return (children[key] as CstNode[] | undefined) ?? NO_NODES;
  }

  private tok(children: Children, key: string, index = 0): IToken | undefined {
    const element = children[key]?.[index];
    if (!isToken(element) || element.isInsertedInRecovery || !Number.isFinite(element.startOffset)) return undefined;
    const end = element.startOffset + element.image.length;
    if (end > this.cursor) this.cursor = end;
    return element;
  }

  private errorTerm(range: Range): Term {
    return { type: 'error', range };
  }

  private operatorRef(name: string, range: Range): RefTerm {
    const parts = name.split('.');
    const terms: Term[] = [{ type: 'var', name: parts[0], range }];
    for (const part of parts.slice(1)) terms.push({ type: 'string', value: part, range });
    return { type: 'ref', terms, range };
  }

  private call(name: string, infix: string | undefined, args: Term[], operatorRange: Range): CallTerm {
    const range = args.length > 0 ? spanning(args[0].range, args[args.length - 1].range) : operatorRange;
    return { type: 'call', operator: this.operatorRef(name, operatorRange), args, infix, range };
  }

  // Statements

  statements(root: CstNode): Statement[] {
    const result: Statement[] = [];
    for (const statement of this.nodes(this.children(root), 'statement')) {
      const location = statement.location;
      if (location && Number.isFinite(location.startOffset)) this.cursor = location.startOffset;
      const children = this.children(statement);
      const pkg = this.node(children, 'packageDecl');
      const imp = this.node(children, 'importDecl');
      const rule = this.node(children, 'rule');
      if (pkg) {
        const built = this.packageDecl(pkg);
        if (built) result.push(built);
      } else if (imp) {
        const built = this.importDecl(imp);
        if (built) result.push(built);
      } else if (rule) {
        result.push(...this.rule(rule));
      }
    }
    return result;
  }

  /**
   * The terms of a path and, when it ends in `(...)`, the function arguments. Arguments anywhere else, or
   * where `allowArgs` is false (package and import paths), are errors.
   */
  private path(node: CstNode | undefined, allowArgs = false): { terms: Term[]; args?: Term[] } {
    const children = this.children(node);
    const head = this.tok(children, 'head');
    if (!head) return { terms: [] };
    const terms: Term[] = [{ type: 'var', name: head.image, range: tokenRange(head) }];
    let args: Term[] | undefined;
    const suffixes = this.nodes(children, 'suffix');
    suffixes.forEach((suffix, index) => {
      const suffixChildren = this.children(suffix);
      const name = this.tok(suffixChildren, 'name');
      const key = this.node(suffixChildren, 'key');
      if (this.tok(suffixChildren, 'LParen')) {
        if (!allowArgs || index !== suffixes.length - 1) this.error(this.nodeRange(suffix), "unexpected '(': arguments only follow a function's name");
        args = this.termList(this.node(suffixChildren, 'args'));
      } else if (name) {
        terms.push({ type: 'string', value: name.image, range: tokenRange(name) });
      } else if (key) {
        terms.push(this.exprTerm(key));
      } else {
        terms.push(this.errorTerm(this.nodeRange(suffix)));
      }
    });
    return { terms, args };
  }

  private packageDecl(node: CstNode): Package | undefined {
    const range = this.nodeRange(node);
    const path = this.path(this.node(this.children(node), 'path')).terms;
    if (path.length === 0) return undefined;
    const [head, ...rest] = path;
    const segments: Term[] = [{ type: 'var', name: 'data', range: head.range }];
    segments.push({ type: 'string', value: (head as VarTerm).name, range: head.range });
    for (const term of rest) {
      if (term.type !== 'string' && term.type !== 'error') {
        this.error(term.range, `unexpected ${describe(term)} token: expecting string`);
      }
      segments.push(term);
    }
    return { type: 'package', path: segments, range };
  }

  private importDecl(node: CstNode): Import | undefined {
    const children = this.children(node);
    const range = this.nodeRange(node);
    const path = this.path(this.node(children, 'path')).terms;
    if (path.length === 0) return undefined;
    for (const term of path.slice(1)) {
      if (term.type !== 'string' && term.type !== 'error') {
        this.error(term.range, `unexpected ${describe(term)} token: expecting string`);
      }
    }
    const root = (path[0] as VarTerm).name;
    if (!ROOT_DOCUMENTS.has(root) && root !== 'future' && root !== 'rego') {
      this.error(path[0].range, `unexpected import path, must begin with one of: {data, future, input, rego}, got: ${root}`);
    }
    const ref: RefTerm = { type: 'ref', terms: path, range: spanning(path[0].range, path[path.length - 1].range) };
    const aliasToken = this.tok(children, 'alias');
    this.checkSpecialImport(root, path, ref.range, aliasToken !== undefined);
    const alias: VarTerm | undefined = aliasToken ? { type: 'var', name: aliasToken.image, range: tokenRange(aliasToken) } : undefined;
    return { type: 'import', path: ref, alias, range };
  }

  /** `future.keywords...` and `rego.v1`/`rego.v2` imports name things that exist, and take no alias. */
  private checkSpecialImport(root: string, path: Term[], range: Range, aliased: boolean): void {
    if (root !== 'future' && root !== 'rego') return;
    const names = path.slice(1).map((term) => (term.type === 'string' ? term.value : '?'));
    if (root === 'future') {
      if (names[0] !== 'keywords') {
        this.error(range, 'invalid import, must be `future.keywords`');
      } else if (names.length > 2) {
        this.error(range, 'invalid import, must be `future.keywords` or `future.keywords.<keyword>`');
      } else if (names.length === 2 && !FUTURE_KEYWORD_NAMES.includes(names[1])) {
        this.error(range, `unexpected keyword, must be one of [${FUTURE_KEYWORD_NAMES.join(' ')}]`);
      }
      if (aliased) this.error(range, '`future` imports cannot be aliased');
      return;
    }
    if (names.length !== 1 || (names[0] !== 'v1' && names[0] !== 'v2')) {
      this.error(range, `invalid import \`rego.${names.join('.')}\`, must be \`rego.v1\` or \`rego.v2\``);
    }
  }

  private rule(node: CstNode): Rule[] {
    const children = this.children(node);
    const range = this.nodeRange(node);
    const isDefault = this.tok(children, 'Default') !== undefined;
    const headNode = this.node(children, 'ruleHead');
    const head = this.head(headNode, range);
    const bodyNode = this.node(children, 'ruleBody');
    const elses = this.nodes(children, 'elseClause');
    const extraBodies = this.nodes(children, 'extraBody');

    const rule: Rule = { type: 'rule', default: isDefault, head, body: [], bodyStyle: 'none', range };
    if (bodyNode) {
      const { body, style } = this.ruleBody(bodyNode);
      rule.body = body;
      rule.bodyStyle = style;
    }

    const written = head.value !== undefined || head.contains;
    this.shapeHead(rule, head, isDefault);

    if (isDefault) {
      if (!head.value) {
        this.error(range, 'illegal default rule (must have a value)');
      } else {
        this.checkDefaultValue(head.value, range);
      }
      if (bodyNode) this.error(this.nodeRange(bodyNode), 'illegal default rule (must not have a body)');
      this.checkDefaultArgs(head.args ?? [], range);
      rule.body = [generatedTrue(range)];
    } else if (!bodyNode) {
      // A function call alone (`f("x", 0)`) defines a function whose value is true, as OPA reads it.
      // A ref of three or more parts alone (`a.b.c`) is a rule with value true, as OPA reads it.
      if (!written && head.key === undefined && head.args === undefined && head.ref.length < 3) {
        const name = head.ref.length > 0 ? ruleName(head.ref) : 'rule';
        this.error(head.range, `rule ${name} has no value and no body: write \`${name} := <value>\` or \`${name} if { ... }\``);
      }
      rule.body = [generatedTrue(range)];
    }

    if (this.options.v1 && rule.bodyStyle === 'brace') {
      this.error(head.range, '`if` keyword is required before rule body');
    }

    let previous = rule;
    for (const elseNode of elses) {
      const elseRule = this.elseClause(elseNode, head);
      if (head.key || head.contains) {
        this.error(this.nodeRange(elseNode), 'else keyword cannot be used on multi-value rules');
      } else if (head.args === undefined && head.ref.length > 1 && head.ref.slice(1).some((term) => term.type !== 'string')) {
        this.error(this.nodeRange(elseNode), 'else keyword cannot be used on rules with variables in head');
      }
      previous.else = elseRule;
      previous = elseRule;
    }

    const rules = [rule];
    for (const extra of extraBodies) {
      const extraRange = this.nodeRange(extra);
      if (elses.length > 0) this.error(extraRange, 'expected else keyword');
      if (this.options.v1) this.error(extraRange, '`if` keyword is required before rule body');
      // As in OPA, the chained body gets a copy of the head, placed at that body: at its opening brace, so
      // the copy's range holds none of the body's own text (comments included).
      const headAt = { start: extraRange.start, end: extraRange.start + 1 };
      rules.push({ ...rule, else: undefined, head: relocated(head, headAt), body: this.body(extra), bodyStyle: 'brace', range: extraRange, annotations: undefined });
    }
    return rules;
  }

  private head(node: CstNode | undefined, fallback: Range): Head {
    const children = this.children(node);
    const range = this.nodeRange(node, fallback);
    const { terms: ref, args } = this.path(this.node(children, 'name'), true);
    const head: Head = { type: 'head', ref, assign: false, contains: false, range };
    if (args) head.args = args;
    const keyNode = this.node(children, 'key');
    if (this.tok(children, 'Contains')) {
      head.contains = true;
      head.key = keyNode ? this.exprTerm(keyNode) : this.errorTerm(range);
      if (head.args) this.error(range, `the contains keyword can only be used with multi-value rule definitions (e.g., ${ruleName(ref)} contains <VALUE> { ... })`);
    }
    const operator = this.tok(children, 'operator');
    if (operator) {
      head.assign = operator.image === ':=';
      const valueNode = this.node(children, 'value');
      head.value = valueNode ? this.exprTerm(valueNode) : this.errorTerm(tokenRange(operator));
    }
    return head;
  }

  /** OPA's reading of `p[x]` heads: a multi-value rule in v0 style, or a single-value rule with a ref head. */
  private shapeHead(rule: Rule, head: Head, isDefault: boolean): void {
    if (head.contains || head.args) {
      if (!head.value && !head.key) {
        head.value = { type: 'boolean', value: true, range: head.range };
        head.generatedValue = true;
      }
      return;
    }
    const hasIf = rule.bodyStyle === 'if';
    if (!hasIf && !isDefault && head.ref.length === 2 && !head.value) {
      // `p[x] { ... }` (and `p[x]` alone): the v0 multi-value rule `p` with key x, as OPA reads it.
      head.key = head.ref[1];
      head.ref = head.ref.slice(0, 1);
      if (this.options.v1) this.error(head.range, '`contains` keyword is required for partial set rules');
      return;
    }
    if (!head.value && !head.key) {
      head.value = { type: 'boolean', value: true, range: head.range };
      head.generatedValue = true;
    }
  }

  /** A default function's arguments are distinct variables (OPA's rule). */
  private checkDefaultArgs(args: Term[], range: Range): void {
    const seen = new Set<string>();
    for (const arg of args) {
      if (arg.type !== 'var') {
        if (arg.type !== 'error') this.error(range, `illegal default rule (arguments cannot contain ${describe(arg)})`);
      } else if (arg.name !== '_' && seen.has(arg.name)) {
        this.error(range, `illegal default rule (arguments cannot be repeated ${arg.name})`);
      } else {
        seen.add(arg.name);
      }
    }
  }

  private checkDefaultValue(value: Term, range: Range): void {
    const visit = (term: Term): void => {
      switch (term.type) {
        case 'ref':
        case 'var':
        case 'call':
          this.error(range, `illegal default rule (value cannot contain ${term.type})`);
          return;
        case 'array':
        case 'set':
          term.items.forEach(visit);
          return;
        case 'object':
          for (const [key, item] of term.entries) {
            visit(key);
            visit(item);
          }
          return;
        default:
          return;
      }
    };
    visit(value);
  }

  private ruleBody(node: CstNode): { body: Body; style: 'if' | 'brace' } {
    const children = this.children(node);
    const style = this.tok(children, 'If') ? 'if' : 'brace';
    const bodyNode = this.node(children, 'body');
    if (bodyNode) return { body: this.body(bodyNode), style };
    const literal = this.node(children, 'literal');
    if (literal) return { body: [this.literal(literal)], style };
    return { body: [], style };
  }

  private elseClause(node: CstNode, head: Head): Rule {
    const children = this.children(node);
    const range = this.nodeRange(node);
    const elseHead: Head = { ...head, range, generatedValue: undefined };
    const operator = this.tok(children, 'operator');
    if (operator) {
      elseHead.assign = operator.image === ':=';
      const valueNode = this.node(children, 'value');
      elseHead.value = valueNode ? this.exprTerm(valueNode) : this.errorTerm(tokenRange(operator));
    } else {
      elseHead.value = { type: 'boolean', value: true, range };
      elseHead.generatedValue = true;
    }
    const rule: Rule = { type: 'rule', default: false, head: elseHead, body: [generatedTrue(range)], bodyStyle: 'none', range };
    const bodyNode = this.node(children, 'ruleBody');
    if (bodyNode) {
      const { body, style } = this.ruleBody(bodyNode);
      rule.body = body;
      rule.bodyStyle = style;
      if (this.options.v1 && style === 'brace') this.error(range, '`if` keyword is required before rule body');
    }
    return rule;
  }

  // Bodies and literals

  body(node: CstNode | undefined): Body {
    return this.query(this.node(this.children(node), 'query'), this.nodeRange(node));
  }

  private query(node: CstNode | undefined, enclosing: Range): Body {
    const literals = this.nodes(this.children(node), 'literal');
    if (literals.length === 0) {
      this.error(enclosing, 'found empty body');
      return [];
    }
    const body: Body = [];
    for (let i = 0; i < literals.length; i++) {
      const expr = this.literal(literals[i]);
      if (i > 0) {
        const between = this.options.text.slice(body[i - 1].range.end, expr.range.start);
        if (!/[;\n]/.test(between)) {
          this.error({ start: expr.range.start, end: expr.range.start + 1 }, 'unexpected token: expected \\n or ; or }');
        }
      }
      body.push(expr);
    }
    // OPA reads a `;` as "another literal follows": one before the closing bracket is an error.
    const semicolons = (this.children(node).Semicolon ?? []).filter(isToken);
    const trailing = semicolons[semicolons.length - 1];
    if (trailing && trailing.startOffset >= body[body.length - 1].range.end) {
      this.error(tokenRange(trailing), "unexpected ';': an expression must follow it");
    }
    return body;
  }

  private literal(node: CstNode): Expr {
    const children = this.children(node);
    const range = this.nodeRange(node);
    const withs = this.nodes(children, 'withModifier').map((modifier) => this.withModifier(modifier));
    const some = this.node(children, 'someDecl');
    const every = this.node(children, 'everyExpr');
    if (this.tok(children, 'illegalNot') && (some || every)) {
      const keyword = this.nodeRange(some ?? every);
      this.error({ start: keyword.start, end: keyword.start + (some ? 4 : 5) }, `unexpected ${some ? 'some' : 'every'} keyword: illegal negation of '${some ? 'some' : 'every'}'`);
    }
    if (some) return { type: 'expr', negated: false, terms: this.someDecl(some), with: withs, range };
    if (every) return { type: 'expr', negated: false, terms: this.everyExpr(every), with: withs, range };
    const disjunction = this.node(children, 'disjunction');
    if (disjunction) {
      const expr = this.disjunction(disjunction);
      return { ...expr, with: [...expr.with, ...withs], range };
    }
    const negatedBody = this.node(children, 'negatedBody');
    if (negatedBody) {
      if (!this.options.negatedQueries) this.error(range, '`not { ... }` negates a whole query only with `import future.keywords.not` (or `import rego.v2`)');
      return { type: 'expr', negated: true, terms: { type: 'query', body: this.body(negatedBody), range: this.nodeRange(negatedBody) }, with: withs, range };
    }
    const negated = this.tok(children, 'Not') !== undefined;
    return { type: 'expr', negated, terms: this.expression(children, range), with: withs, range };
  }

  /** `left`, or `left := right` / `left = right`, read from a literal's children. */
  private expression(children: Children, range: Range): Term {
    const left = this.node(children, 'left');
    const leftTerm = left ? this.exprTerm(left) : this.errorTerm(range);
    const operator = this.tok(children, 'operator');
    if (!operator) return leftTerm;
    const right = this.node(children, 'right');
    const rightTerm = right ? this.exprTerm(right) : this.errorTerm(tokenRange(operator));
    return this.call(OPERATOR_NAMES[operator.image], operator.image, [leftTerm, rightTerm], tokenRange(operator));
  }

  /** `a or b`, `a and b`: operand expressions folded left, `and` inside `or`. */
  private disjunction(node: CstNode): Expr {
    return this.logicalChain(node, 'or', (operand) => this.logicalChain(operand, 'and', (inner) => this.logicalOperand(inner)));
  }

  private logicalChain(node: CstNode, operator: 'and' | 'or', operand: (node: CstNode) => Expr): Expr {
    const operands = this.nodes(this.children(node), 'operands').map(operand);
    if (operands.length === 0) return { type: 'expr', negated: false, terms: this.errorTerm(this.nodeRange(node)), with: [], range: this.nodeRange(node) };
    return operands.reduce((left, right) => {
      const range = spanning(left.range, right.range);
      return { type: 'expr', negated: false, terms: { type: 'logical', operator, left, right, range }, with: [], range };
    });
  }

  private logicalOperand(node: CstNode): Expr {
    const children = this.children(node);
    const range = this.nodeRange(node);
    const block = this.node(children, 'block');
    if (block) {
      const negated = this.tok(children, 'negatedBlock') !== undefined;
      if (negated && !this.options.negatedQueries) this.error(range, '`not { ... }` negates a whole query only with `import future.keywords.not` (or `import rego.v2`)');
      return { type: 'expr', negated, terms: { type: 'query', body: this.body(block), range: this.nodeRange(block) }, with: [], range };
    }
    const group = this.node(children, 'group');
    if (group) {
      const groupChildren = this.children(group);
      const inner = this.node(groupChildren, 'disjunction');
      const withs = this.nodes(groupChildren, 'withModifier').map((modifier) => this.withModifier(modifier));
      const expr: Expr = inner ? this.disjunction(inner) : { type: 'expr', negated: false, terms: this.errorTerm(range), with: [], range };
      const grouped: Expr = { ...expr, with: [...expr.with, ...withs], range: this.nodeRange(group) };
      if (!this.tok(children, 'negatedGroup')) return grouped;
      // `not ( ... )` negates the group as a query of one expression.
      return { type: 'expr', negated: true, terms: { type: 'query', body: [grouped], range: grouped.range }, with: [], range };
    }
    return { type: 'expr', negated: this.tok(children, 'Not') !== undefined, terms: this.expression(children, range), with: [], range };
  }

  private someDecl(node: CstNode): SomeDecl {
    const children = this.children(node);
    const range = this.nodeRange(node);
    const symbols = this.nodes(children, 'symbols').map((symbol) => this.binary(symbol));
    const last = symbols[symbols.length - 1];
    if (last && isMembership(last)) {
      if (symbols.length === 1) return { type: 'some', symbols: [last], range };
      if (symbols.length === 2) return { type: 'some', symbols: [this.keyValueMembership(symbols[0], last, symbols[0].range)], range };
      this.error(range, 'unexpected some declaration: illegal domain');
      return { type: 'some', symbols, range };
    }
    for (const symbol of symbols) {
      if (symbol.type !== 'var' && symbol.type !== 'error') this.error(symbol.range, `unexpected ${describe(symbol)}: expected var`);
    }
    return { type: 'some', symbols, range };
  }

  private everyExpr(node: CstNode): Every {
    const children = this.children(node);
    const range = this.nodeRange(node);
    const symbols = this.nodes(children, 'symbols').map((symbol) => this.binary(symbol));
    const body = this.body(this.node(children, 'body'));
    const last = symbols[symbols.length - 1];
    if (!last || !isMembership(last)) {
      this.error(last?.range ?? range, 'unexpected every: expected `x in xs { ... }` or `k, v in xs { ... }`');
      return { type: 'every', value: this.errorTerm(range), domain: this.errorTerm(range), body, range };
    }
    const [value, domain] = last.args;
    const key = symbols.length === 2 ? symbols[0] : undefined;
    if (key && key.type !== 'var' && key.type !== 'error') this.error(key.range, 'unexpected every: expected key to be a variable');
    if (value.type !== 'var' && value.type !== 'error') this.error(value.range, 'unexpected every: expected value to be a variable');
    return { type: 'every', key, value, domain, body, range };
  }

  private withModifier(node: CstNode): With {
    const children = this.children(node);
    const range = this.nodeRange(node);
    const targetNode = this.node(children, 'target');
    const target = targetNode ? this.term(targetNode) : this.errorTerm(range);
    if (target.type !== 'ref' && target.type !== 'var' && target.type !== 'error') {
      this.error(target.range, 'unexpected with target: expected a path such as input.user or data.x');
    }
    const valueNode = this.node(children, 'value');
    const value = valueNode ? this.exprTerm(valueNode) : this.errorTerm(range);
    return { type: 'with', target, value, range };
  }

  // Terms

  /** An expression-level term: `binary`, or `k, v in xs` written as `binary, binary`. */
  private exprTerm(node: CstNode): Term {
    if (node.name === 'binary') return this.binary(node);
    const children = this.children(node);
    const operands = this.nodes(children, 'operands');
    if (operands.length === 0) return this.errorTerm(this.nodeRange(node));
    const first = this.binary(operands[0]);
    const comma = this.tok(children, 'keyValue');
    if (!comma) return first;
    const second = operands[1] ? this.binary(operands[1]) : this.errorTerm(tokenRange(comma));
    return this.keyValueMembership(first, second, tokenRange(comma));
  }

  /**
   * `k, v in xs` arrives as `k` and `v in xs`: the first `in` of the second part becomes the
   * three-argument membership `internal.member_3(k, v, xs)`.
   */
  private keyValueMembership(key: Term, rest: Term, commaRange: Range): Term {
    const membership = this.leftmostMembership(rest);
    if (!membership) {
      this.error(commaRange, "unexpected ',': expected `key, value in collection`");
      return rest;
    }
    const replaced = this.call('internal.member_3', 'in', [key, membership.args[0], membership.args[1]], membership.operator.range);
    return this.replaceTerm(rest, membership, replaced);
  }

  private leftmostMembership(term: Term): CallTerm | undefined {
    // A parenthesised `in` is a value of its own: `k, (v in ys) in xs`.
    if (term.type !== 'call' || term.infix !== 'in' || this.parenthesized.has(term)) return undefined;
    return this.leftmostMembership(term.args[0]) ?? (term.args.length === 2 ? term : undefined);
  }

  private replaceTerm(term: Term, target: Term, replacement: Term): Term {
    if (term === target) return replacement;
    if (term.type !== 'call') return term;
    const args = [this.replaceTerm(term.args[0], target, replacement), ...term.args.slice(1)];
    return { ...term, args, range: spanning(args[0].range, term.range) };
  }

  /** Operands joined by infix operators, combined by precedence (all left-associative), as OPA does. */
  private binary(node: CstNode): Term {
    if (node.name === 'term') return this.term(node);
    const children = this.children(node);
    const operandNodes = this.nodes(children, 'operands');
    if (operandNodes.length === 0) return this.errorTerm(this.nodeRange(node));
    const operands = operandNodes.map((operand) => this.term(operand));
    if (operands.length === 1) return operands[0];
    const operators = (children.operators ?? []).filter(isToken);
    let position = 0;
    const parseLevel = (minimum: number): Term => {
      let left = operands[position];
      while (position < operators.length) {
        const operator = operators[position];
        const precedence = PRECEDENCE[operator.image] ?? 1;
        if (precedence < minimum) break;
        position++;
        if (position >= operands.length) {
          left = this.call(OPERATOR_NAMES[operator.image] ?? operator.image, operator.image, [left, this.errorTerm(tokenRange(operator))], tokenRange(operator));
          break;
        }
        const right = parseLevel(precedence + 1);
        const name = operator.image === 'in' ? 'internal.member_2' : OPERATOR_NAMES[operator.image] ?? operator.image;
        left = this.call(name, operator.image, [left, right], tokenRange(operator));
      }
      return left;
    };
    return parseLevel(0);
  }

  private termList(node: CstNode | undefined): Term[] {
    return this.nodes(this.children(node), 'items').map((item) => this.exprTerm(item));
  }

  private term(node: CstNode): Term {
    const children = this.children(node);
    const negate = this.tok(children, 'negate');
    const term = this.plainTerm(node, children);
    if (!negate) return term;
    const minusRange = tokenRange(negate);
    return {
      type: 'call',
      operator: this.operatorRef('minus', minusRange),
      args: [{ type: 'number', text: '0', range: minusRange }, term],
      infix: '-',
      unary: true,
      range: { start: minusRange.start, end: term.range.end },
    };
  }

  /** A term without a leading unary minus: its primary part and glued suffixes. */
  private plainTerm(node: CstNode, children: Children): Term {
    const range = this.nodeRange(node);
    let head = this.primary(children, range);
    const suffixes = this.nodes(children, 'suffix');
    if (suffixes.length === 0) {
      if (head.type === 'var' && ROOT_DOCUMENTS.has(head.name)) return { type: 'ref', terms: [head], range: head.range };
      return head;
    }
    let path: Term[] = [head];
    const start = head.range.start;
    for (const suffix of suffixes) {
      const suffixChildren = this.children(suffix);
      const end = this.nodeRange(suffix).end;
      const name = this.tok(suffixChildren, 'name');
      const key = this.node(suffixChildren, 'key');
      if (this.tok(suffixChildren, 'LParen')) {
        const args = this.termList(this.node(suffixChildren, 'args'));
        const operatorTerm = path.length === 1 ? path[0] : ({ type: 'ref', terms: path, range: { start, end: path[path.length - 1].range.end } } as RefTerm);
        head = this.makeCall(operatorTerm, args, { start, end });
        path = [head];
      } else if (name) {
        path.push({ type: 'string', value: name.image, range: tokenRange(name) });
      } else if (key) {
        path.push(this.exprTerm(key));
      } else if (this.tok(suffixChildren, 'Dot')) {
        path.push(this.errorTerm(this.nodeRange(suffix)));
      } else {
        path.push(this.errorTerm(this.nodeRange(suffix)));
      }
      if (path.length > 1) this.checkRefHead(path[0]);
    }
    if (path.length === 1) return path[0];
    return { type: 'ref', terms: path, range: { start, end: path[path.length - 1].range.end > range.end ? path[path.length - 1].range.end : range.end } };
  }

  private checkRefHead(head: Term): void {
    switch (head.type) {
      case 'var':
      case 'array':
      case 'object':
      case 'set':
      case 'arraycomprehension':
      case 'setcomprehension':
      case 'objectcomprehension':
      case 'call':
      case 'error':
      case 'ref':
        return;
      default:
        this.error(head.range, `illegal ref (head cannot be ${describe(head)})`);
    }
  }

  private makeCall(operator: Term, args: Term[], range: Range): Term {
    if (operator.type === 'var') {
      if (operator.name === 'set' && args.length === 0) return { type: 'set', items: [], range };
      return { type: 'call', operator: { type: 'ref', terms: [operator], range: operator.range }, args, range };
    }
    if (operator.type === 'ref' && operator.terms[0].type === 'var') {
      return { type: 'call', operator, args, range };
    }
    if (operator.type !== 'error') this.error(operator.range, `illegal call (operator cannot be ${describe(operator)})`);
    return { type: 'call', operator: { type: 'ref', terms: [operator], range: operator.range }, args, range };
  }

  /** The primary part of a term (before any suffix), from the term's children. */
  private primary(children: Children, range: Range): Term {
    const identifier = this.tok(children, 'Identifier') ?? this.tok(children, 'Contains');
    if (identifier) return { type: 'var', name: identifier.image, range: tokenRange(identifier) };
    const string = this.tok(children, 'StringLiteral');
    if (string) return this.stringLiteral(string);
    if (children.NumberLiteral) return this.numberTerm(children);
    const array = this.node(children, 'arrayTerm');
    if (array) return this.arrayTerm(array);
    const brace = this.node(children, 'braceTerm');
    if (brace) return this.braceTerm(brace);
    const raw = this.tok(children, 'RawString');
    if (raw) return this.rawString(raw);
    const constant = this.tok(children, 'True') ?? this.tok(children, 'False') ?? this.tok(children, 'Null');
    if (constant) {
      const constantRange = tokenRange(constant);
      return constant.image === 'null' ? { type: 'null', range: constantRange } : { type: 'boolean', value: constant.image === 'true', range: constantRange };
    }
    const template = this.node(children, 'templateString');
    if (template) return this.templateString(template);
    const inner = this.node(children, 'parenthesized');
    if (inner) {
      const term = this.exprTerm(inner);
      this.parenthesized.add(term);
      return term;
    }
    return this.errorTerm(range);
  }

  private templateString(node: CstNode): Term {
    const children = this.children(node);
    const range = this.nodeRange(node);
    const raw = this.tok(children, 'RawTemplateStart') !== undefined;
    const end = this.tok(children, 'TemplateEnd');
    if (end && end.tokenType === T.UnterminatedTemplate) {
      this.error({ start: range.start, end: range.start + 2 }, 'unterminated template string: add the closing double quote (") before the end of the line');
    }
    const pieces: { start: number; part: Term | Expr }[] = [];
    for (const text of (children.TemplateText ?? []).filter(isToken)) {
      const value = this.templateText(text, raw);
      // Empty text parts are dropped, as OPA does.
      if (value !== '') pieces.push({ start: text.startOffset, part: { type: 'string', value, range: tokenRange(text) } });
    }
    for (const literalNode of this.nodes(children, 'expressions')) {
      const expr = this.literal(literalNode);
      const problem = templateExpressionProblem(expr);
      if (problem) this.error(expr.range, `unexpected ${problem} in template-string expression`);
      const terms = expr.terms;
      const constant = expr.with.length === 0 && !expr.negated && (terms.type === 'string' || terms.type === 'number' || terms.type === 'boolean' || terms.type === 'null');
      pieces.push({ start: expr.range.start, part: constant ? (terms as Term) : expr });
    }
    pieces.sort((a, b) => a.start - b.start);
    return { type: 'templatestring', raw, parts: pieces.map((piece) => piece.part), range };
  }

  /** The text of a template part: `\{` is a literal brace; the rest unescapes as a JSON string does. */
  private templateText(token: IToken, raw: boolean): string {
    if (raw) return token.image;
    const text = token.image.replace(/\\\{/g, '{');
    if (!text.includes('\\')) return text;
    try {
      return JSON.parse(`"${text}"`) as string;
    } catch {
      this.error(tokenRange(token), `illegal template-string part: ${JSON.stringify(token.image).slice(1, -1)}`);
      return text;
    }
  }

  private stringLiteral(token: IToken): StringTerm {
    const range = tokenRange(token);
    const image = token.image;
    if (token.tokenType === T.SmartQuoteString) {
      this.error(range, 'typographic quotes are not string delimiters in Rego: use straight double quotes ("...")');
      return { type: 'string', value: image.slice(1, image.length - (image.length > 1 && /[\u201C\u201D"]$/.test(image) ? 1 : 0)), range };
    }
    if (token.tokenType === T.UnterminatedString) {
      this.error(range, 'unterminated string: add the closing double quote (") before the end of the line');
      return { type: 'string', value: image.slice(1), range };
    }
    const inner = image.slice(1, -1);
    if (!inner.includes('\\')) return { type: 'string', value: inner, range };
    try {
      return { type: 'string', value: JSON.parse(image) as string, range };
    } catch {
      this.error(range, `illegal string literal: ${JSON.stringify(image).slice(1, -1)}`);
      return { type: 'string', value: inner, range };
    }
  }

  private rawString(token: IToken): StringTerm {
    const range = tokenRange(token);
    if (token.tokenType === T.UnterminatedRawString) {
      this.error({ start: range.start, end: range.start + 1 }, 'unterminated raw string: add the closing backtick (`)');
      return { type: 'string', value: token.image.slice(1), raw: true, range };
    }
    return { type: 'string', value: token.image.slice(1, -1), raw: true, range };
  }

  private numberTerm(children: Children): Term {
    const literal = this.tok(children, 'NumberLiteral');
    const minusToken = this.tok(children, 'Minus');
    const dotToken = this.tok(children, 'Dot');
    const firstToken = minusToken ?? dotToken ?? literal;
    if (!literal || !firstToken) return this.errorTerm({ start: this.cursor, end: this.cursor });
    const range = { start: firstToken.startOffset, end: literal.startOffset + literal.image.length };
    const minus = this.tok(children, 'Minus') ? '-' : '';
    const dot = this.tok(children, 'Dot') ? '.' : '';
    const digits = literal.image;
    if (!dot && digits.length > 1 && digits[0] === '0' && digits[1] !== '.' && digits[1] !== 'e' && digits[1] !== 'E') {
      this.error(tokenRange(literal), `unexpected number: expected number without leading zero, got ${digits}`);
    }
    const text = minus + (dot ? '0.' : '') + digits;
    const exponent = /[eE]([+-]?\d+)$/.exec(digits);
    if (exponent && Math.abs(Number(exponent[1])) > 30000) this.error(range, 'number too big');
    return { type: 'number', text, range };
  }

  private arrayTerm(node: CstNode): Term {
    const children = this.children(node);
    const range = this.nodeRange(node);
    const headNode = this.node(children, 'head');
    if (headNode) {
      return { type: 'arraycomprehension', head: this.binary(headNode), body: this.query(this.node(children, 'query'), range), range };
    }
    return { type: 'array', items: this.termList(this.node(children, 'items')), range };
  }

  private braceTerm(node: CstNode): Term {
    const children = this.children(node);
    const range = this.nodeRange(node);
    if (this.tok(children, 'emptyEnd')) return { type: 'object', entries: [], range };
    const headNode = this.node(children, 'head');
    if (headNode) {
      return { type: 'setcomprehension', head: this.binary(headNode), body: this.query(this.node(children, 'query'), range), range };
    }
    const firstNode = this.node(children, 'first');
    const first = firstNode ? this.exprTerm(firstNode) : this.errorTerm(range);
    const objectRest = this.node(children, 'objectRest');
    if (objectRest) {
      const rest = this.children(objectRest);
      const valueNode = this.node(rest, 'value');
      if (valueNode) {
        return { type: 'objectcomprehension', key: first, value: this.binary(valueNode), body: this.query(this.node(rest, 'query'), range), range };
      }
      const values = this.nodes(rest, 'values').map((value) => this.exprTerm(value));
      const keys = [first, ...this.nodes(rest, 'keys').map((key) => this.exprTerm(key))];
      const entries: [Term, Term][] = keys.map((key, i) => [key, values[i] ?? this.errorTerm(key.range)]);
      return { type: 'object', entries, range };
    }
    const setRest = this.node(children, 'setRest');
    const items = [first, ...this.nodes(this.children(setRest), 'items').map((item) => this.exprTerm(item))];
    return { type: 'set', items, range };
  }
}

/** What OPA rejects inside `{ }` of a template string, or undefined. */
function templateExpressionProblem(expr: Expr): string | undefined {
  const terms = expr.terms;
  if (expr.negated) return "negation ('not')";
  if (terms.type === 'some') return "'some'";
  if (terms.type === 'every') return "'every'";
  if (terms.type === 'call' && terms.infix === '=') return "unification ('=')";
  if (terms.type === 'call' && terms.infix === ':=') return "assignment (':=')";
  return undefined;
}

/** A deep copy of a node with every range set to `range`. */
function relocated<T>(value: T, range: Range): T {
  if (Array.isArray(value)) return value.map((item) => relocated(item, range)) as T;
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    copy[key] = key === 'range' ? { start: range.start, end: range.end } : relocated(field, range);
  }
  return copy as T;
}

/** `x in xs`, as the parser builds it. */
function isMembership(term: Term): term is CallTerm {
  return term.type === 'call' && term.infix === 'in' && term.args.length === 2;
}

function generatedTrue(range: Range): Expr {
  return { type: 'expr', negated: false, terms: { type: 'boolean', value: true, range }, with: [], range, generated: true };
}

/** How OPA names a term's kind in messages. */
export function describe(term: Term): string {
  switch (term.type) {
    case 'arraycomprehension':
      return 'array comprehension';
    case 'setcomprehension':
      return 'set comprehension';
    case 'objectcomprehension':
      return 'object comprehension';
    default:
      return term.type;
  }
}

/** A rule's name as written, for messages: `a.b[x]`. */
function ruleName(ref: Term[]): string {
  return termText({ type: 'ref', terms: ref, range: { start: 0, end: 0 } });
}
