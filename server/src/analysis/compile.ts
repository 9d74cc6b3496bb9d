/**
 * The compiler: turns parsed modules into the rule tree the evaluator runs (eval/ir.ts). It merges
 * modules of the same package, resolves rule names and imports to `data` refs and calls to built-ins
 * or user functions, renames local variables apart per scope, reorders bodies so every expression runs
 * once its inputs are bound (OPA's safety analysis), and reports OPA's compile errors with their codes.
 * It never evaluates anything and never throws on a broken module: problems become CompileErrors.
 */
import type * as Ast from '../ast/nodes.js';
import { exprText, termText } from '../ast/dump.js';
import { BUILTINS, builtinNamed } from '../builtins/index.js';
import { closestName } from './suggest.js';
import type { RuleCache } from './rule-cache.js';

const BUILTIN_NAMES = (): string[] => BUILTINS.map((builtin) => builtin.name).filter((name) => !name.startsWith('internal.'));
import type { Builtin, Type } from '../builtins/declaration.js';
import { ObjectValue, SetValue, canonical, fromJS, parseNumber, typeOf, type Value } from '../value/value.js';
import { RuleNode, type Body, type CallTarget, type Expr, type Operation, type Rule, type RuleKind, type Term, type With } from '../eval/ir.js';

export interface SourceModule {
  file: string;
  module: Ast.Module;
  /** The module's source text: with it, a RuleCache can reuse rules compiled before. */
  text?: string;
}

export type CompileErrorCode = 'rego_compile_error' | 'rego_unsafe_var_error' | 'rego_recursion_error' | 'rego_type_error' | 'rego_parse_error';

export interface CompileError {
  code: CompileErrorCode;
  message: string;
  file: string;
  range: Ast.Range;
  /** For a misspelt name: the known name it most likely meant, and where the name is written. */
  suggestion?: { name: string; replacement: string; range: Ast.Range };
}

export interface CompileOptions {
  /** OPA's strict mode: unused imports and local variables, deprecated built-ins and more are errors. */
  strict?: boolean;
  /**
   * Compile the rules of these files only; the other modules still count for what their rule heads
   * declare (function arities, rule names), which is all the checked files need of them. Editors use
   * this to re-check one package after a keystroke in a large workspace.
   */
  only?: ReadonlySet<string>;
  /** Rules compiled before, reused while unchanged (modules need their text for this). */
  cache?: CompileCache;
  /**
   * Only the errors are wanted: rules reused from the cache keep their old source ranges (the few
   * ranges errors take from them are moved), which spares copying every moved rule.
   */
  errorsOnly?: boolean;
}

/**
 * Converted rules kept between compilations. A rule's compiled form depends on its text (annotations
 * included), its module's package, imports, Rego version and strictness, and the package rule names
 * and function arities its text mentions. Rules whose conversion reported errors are not kept, so every
 * error is found afresh.
 */
export type CompileCache = RuleCache<CachedRule>;

interface CachedRule {
  rule: Rule;
  /** Import names the rule's conversion used (for strict mode's unused-import check). */
  usedImports: string[];
  /** The data paths the rule (else branches included) reads, once the compiler has asked. */
  dependencies?: string[][];
}

export interface CompiledPolicy {
  root: RuleNode;
  rules: Rule[];
  errors: CompileError[];
  /** Arity of each user function, by its data path joined with dots. */
  functionArity: Map<string, number>;
}

export interface CompiledQuery {
  body: Body;
  errors: CompileError[];
  /** The query's own variables (not generated ones), by compiled name → name as written. */
  variables: Map<string, string>;
}

interface ModuleContext {
  file: string;
  strict?: boolean;
  regoVersion: 'v0' | 'v1';
  /** `# METADATA` blocks of the package statement, for `rego.metadata.chain()`. */
  packageAnnotations?: Ast.Annotation[];
  /** The rule being compiled and its annotations, for `rego.metadata.rule()` and `.chain()`. */
  rule?: { path: string[]; annotations: Ast.Annotation[] };
  packagePath: string[];
  /** Names that resolve to rules of the package: the first part of every rule head in the package. */
  globals: Set<string>;
  imports: Map<string, Ast.Term[]>;
  usedImports: Set<string>;
  /** The module's text and what every rule of it depends on besides its own text, for the rule cache. */
  cacheable?: { text: string; signature: string };
}

const ROOTS = new Set(['data', 'input']);
const WORDS = /[A-Za-z_][A-Za-z0-9_]*/g;

/** How a local variable came to be: `:=`, `some` (or `every`), or a function argument. */
type Declaration = 'assigned' | 'declared' | 'arg';

/** A scope of local variables: a rule body, or a comprehension, `every` or negated query inside one. */
class Scope {
  readonly declared = new Map<string, string>();
  /** Names used anywhere in this scope's body, so nested closures know which names are outer ones. */
  readonly mentioned: Set<string>;
  /** Outer variables this closure reads. */
  readonly captures = new Set<string>();

  /** Names this scope's body declares with `:=` or `some`: a closure written before cannot see them. */
  readonly declarable = new Set<string>();
  /** How each declared name was declared, for OPA's message when it is declared again. */
  readonly how = new Map<string, Declaration>();
  /** Names this scope has read so far without declaring them: declaring one afterwards is an error. */
  readonly seen = new Set<string>();

  constructor(readonly parent: Scope | undefined, mentioned: Set<string>, body: Ast.Body = []) {
    this.mentioned = mentioned;
    for (const expr of body) collectDeclared(expr, this.declarable);
  }
}

class Converter {
  private counter = 0;
  /** Compiled name → name as written, for every variable of this rule or query. */
  readonly variables = new Map<string, string>();
  /** Variables declared with `:=`, where they were declared (for strict mode's unused check). */
  readonly assigned = new Map<string, Ast.Range>();

  constructor(
    private readonly context: ModuleContext,
    private readonly compiler: Compiler,
    private readonly errors: CompileError[],
    /** Arity of every user function, by data path: decides which calls have an output argument. */
    private readonly arity: Map<string, number>,
  ) {}

  private error(code: CompileErrorCode, message: string, range: Ast.Range): void {
    this.errors.push({ code, message, file: this.context.file, range });
  }

  fresh(name: string): string {
    const unique = `${name}$${++this.counter}`;
    this.variables.set(unique, name);
    return unique;
  }

  /** Declares a variable in `scope` (`:=`, `some`, function arguments, `every`). */
  declare(scope: Scope, name: string, range: Ast.Range, topLevel: boolean, how: Declaration = 'assigned'): string {
    if (name === '_') return this.fresh('_');
    if (topLevel) {
      // OPA's words: by how the name was declared before, or that it was already read in this body.
      const previous = scope.declared.has(name) ? scope.how.get(name) ?? 'assigned' : undefined;
      if (previous) {
        this.error('rego_compile_error', previous === 'arg' ? `arg ${name} redeclared` : `var ${name} ${previous} above`, range);
        return scope.declared.get(name)!;
      }
      if (scope.seen.has(name)) this.error('rego_compile_error', `var ${name} referenced above`, range);
    }
    const compiled = topLevel && !this.variables.has(name) ? name : this.fresh(name);
    this.variables.set(compiled, name);
    scope.declared.set(name, compiled);
    scope.how.set(name, how);
    return compiled;
  }

  /** Resolves a variable reference: a local, an outer local, an import, a rule of the package or a root. */
  resolveVar(scope: Scope, name: string, range: Ast.Range): Term {
    if (name === '_') return { kind: 'var', name: this.fresh('_'), range };
    // A declaration anywhere up the chain wins over a name merely used in an enclosing body.
    const crossed: Scope[] = [];
    for (let current: Scope | undefined = scope; current; current = current.parent) {
      const declared = current.declared.get(name);
      if (declared !== undefined) {
        for (const closure of crossed) closure.captures.add(declared);
        return { kind: 'var', name: declared, range };
      }
      crossed.push(current);
    }
    crossed.length = 0;
    for (let current: Scope | undefined = scope; current; current = current.parent) {
      if (current !== scope && current.mentioned.has(name) && !current.declarable.has(name) && !this.isGlobal(name)) {
        for (const closure of crossed) closure.captures.add(name);
        scope.seen.add(name);
        return { kind: 'var', name, range };
      }
      crossed.push(current);
    }
    if (ROOTS.has(name)) return { kind: 'root', name: name as 'data' | 'input', range };
    const imported = this.context.imports.get(name);
    if (imported) {
      this.context.usedImports.add(name);
      return this.convertRef(scope, imported, range, true);
    }
    if (this.context.globals.has(name)) {
      return { kind: 'ref', head: { kind: 'root', name: 'data', range }, path: [...this.context.packagePath, name].map((part) => valueTerm(part, range)), range };
    }
    this.variables.set(name, name);
    scope.seen.add(name);
    return { kind: 'var', name, range };
  }

  private isGlobal(name: string): boolean {
    return ROOTS.has(name) || this.context.imports.has(name) || this.context.globals.has(name);
  }

  convertRef(scope: Scope, terms: Ast.Term[], range: Ast.Range, fromImport = false): Term {
    const [first, ...rest] = terms;
    let head = first.type === 'var' ? this.resolveVar(scope, first.name, first.range) : this.term(scope, first);
    let path = rest.map((part) => this.term(scope, part));
    if (fromImport) path = rest.map((part) => (part.type === 'string' ? valueTerm(part.value, part.range) : this.term(scope, part)));
    if (head.kind === 'ref') {
      path = [...head.path, ...path];
      head = head.head;
    }
    if (path.length === 0) return head;
    return { kind: 'ref', head, path, range };
  }

  term(scope: Scope, term: Ast.Term): Term {
    const range = term.range;
    switch (term.type) {
      case 'null':
        return valueTerm(null, range);
      case 'boolean':
        return valueTerm(term.value, range);
      case 'number': {
        const value = parseNumber(term.text);
        if (value === undefined) this.error('rego_parse_error', `number ${term.text} cannot be represented`, range);
        return valueTerm(value ?? 0, range);
      }
      case 'string':
        return valueTerm(term.value, range);
      case 'var':
        return this.resolveVar(scope, term.name, range);
      case 'ref':
        return this.convertRef(scope, term.terms, range);
      case 'array': {
        const items = term.items.map((item) => this.term(scope, item));
        return items.every(isValue) ? valueTerm(items.map((item) => (item as { value: Value }).value), range) : { kind: 'array', items, range };
      }
      case 'set': {
        const items = term.items.map((item) => this.term(scope, item));
        return items.every(isValue) ? valueTerm(SetValue.from(items.map((item) => (item as { value: Value }).value)), range) : { kind: 'set', items, range };
      }
      case 'object': {
        const entries = term.entries.map(([key, value]) => [this.term(scope, key), this.term(scope, value)] as [Term, Term]);
        if (entries.every(([key, value]) => isValue(key) && isValue(value))) {
          return valueTerm(ObjectValue.from(entries.map(([key, value]) => [(key as { value: Value }).value, (value as { value: Value }).value])), range);
        }
        return { kind: 'object', entries, range };
      }
      case 'arraycomprehension':
      case 'setcomprehension': {
        const inner = this.closure(scope, term.body, [term.head]);
        const body = this.body(inner, term.body, false);
        const head = this.term(inner, term.head);
        return withCaptures({ kind: term.type === 'arraycomprehension' ? 'arraycomp' : 'setcomp', head, body, range }, inner);
      }
      case 'objectcomprehension': {
        const inner = this.closure(scope, term.body, [term.key, term.value]);
        const body = this.body(inner, term.body, false);
        return withCaptures({ kind: 'objectcomp', key: this.term(inner, term.key), value: this.term(inner, term.value), body, range }, inner);
      }
      case 'call': {
        const metadata = this.metadataCall(term);
        if (metadata !== undefined) return valueTerm(metadata, range);
        const target = this.callTarget(scope, term.operator, term.args.length);
        const args = term.args.map((arg) => this.term(scope, arg));
        if (target.kind === 'builtin') this.checkConstantArguments(target.builtin, args);
        return { kind: 'call', target, args, output: hasOutputArgument(target, args.length, this.arity), range };
      }
      case 'templatestring':
        return {
          kind: 'template',
          parts: term.parts.map((part) => (part.type === 'expr' ? [this.expr(scope, part, 0, false)] : this.term(scope, part))),
          range,
        };
      case 'error':
        return valueTerm(null, range);
    }
  }

  /**
   * `rego.metadata.rule()` and `rego.metadata.chain()` are constants of the rule they appear in; as in
   * OPA, the compiler replaces them by the rule's annotations and the chain up to its package.
   */
  private metadataCall(term: Ast.CallTerm): Value | undefined {
    if (term.args.length !== 0) return undefined;
    const name = termText(term.operator);
    if (name !== 'rego.metadata.rule' && name !== 'rego.metadata.chain') return undefined;
    if (this.context.imports.has('rego') || this.context.globals.has('rego')) return undefined;
    const rule = this.context.rule;
    const ruleAnnotations = rule?.annotations.find((annotation) => (annotation.scope ?? 'rule') === 'rule') ?? rule?.annotations[0];
    if (name === 'rego.metadata.rule') return ruleAnnotations ? annotationValue(ruleAnnotations, 'rule') : new ObjectValue();
    const chain: Value[] = [];
    const entry = (path: string[], annotation: Ast.Annotation | undefined, defaultScope: string): ObjectValue => {
      const object = ObjectValue.fromRecord({ path: path });
      if (annotation) object.set('annotations', annotationValue(annotation, defaultScope));
      return object;
    };
    if (rule) {
      chain.push(entry(rule.path, ruleAnnotations, 'rule'));
      for (const annotation of rule.annotations) if (annotation !== ruleAnnotations) chain.push(entry(rule.path, annotation, 'document'));
    }
    const packagePath = ['data', ...this.context.packagePath];
    for (const annotation of this.context.packageAnnotations ?? []) chain.push(entry(packagePath, annotation, 'package'));
    return chain;
  }

  callTarget(scope: Scope, operator: Ast.RefTerm, argCount: number): CallTarget {
    const name = termText(operator);
    const first = operator.terms[0];
    if (first.type === 'var' && !ROOTS.has(first.name) && !this.context.imports.has(first.name) && !this.context.globals.has(first.name)) {
      const builtin = builtinNamed(name);
      if (builtin) {
        this.checkArity(builtin, argCount, operator.range);
        return { kind: 'builtin', name, builtin };
      }
    }
    const resolved = this.convertRef(scope, operator.terms, operator.range);
    let fullName = name;
    if (resolved.kind === 'ref' && resolved.head.kind === 'root' && resolved.head.name === 'data' && resolved.path.every(isValue)) {
      const path = ['data', ...resolved.path.map((part) => String((part as { value: Value }).value))];
      fullName = path.join('.');
      const arity = this.arity.get(fullName);
      if (arity !== undefined) {
        // As OPA's type checker: a user function takes its arguments, plus one for its result.
        if (argCount !== arity && argCount !== arity + 1) {
          this.error('rego_type_error', `${fullName}: ${argCount < arity ? 'too few' : 'too many'} arguments\n\thave: ${argCount} argument${argCount === 1 ? '' : 's'}\n\twant: ${arity} argument${arity === 1 ? '' : 's'}`, operator.range);
        }
        return { kind: 'function', name, path };
      }
    }
    // OPA names the function by its full path once the name resolved to one.
    this.error('rego_type_error', `undefined function ${fullName}`, operator.range);
    const replacement = closestName(name, this.knownFunctionNames());
    if (replacement) this.errors[this.errors.length - 1].suggestion = { name, replacement, range: operator.range };
    return { kind: 'unknown', name };
  }

  /** Every name a call here could use: built-ins, the package's rules, functions by path and through imports. */
  private knownFunctionNames(): string[] {
    const paths = [...this.compiler.functionArity.keys()];
    const known = [...BUILTIN_NAMES(), ...this.context.globals, ...paths.map((path) => path.slice('data.'.length))];
    for (const [alias, terms] of this.context.imports) {
      if (terms[0]?.type !== 'var' || terms[0].name !== 'data') continue;
      const prefix = `${['data', ...terms.slice(1).map((part) => (part.type === 'string' ? part.value : termText(part)))].join('.')}.`;
      for (const path of paths) if (path.startsWith(prefix)) known.push(`${alias}.${path.slice(prefix.length)}`);
    }
    return known;
  }

  /** OPA's type checker rejects constants of the wrong type at compile time (`count(1)`). */
  private checkConstantArguments(builtin: Builtin, args: Term[]): void {
    builtin.params.forEach((param, index) => {
      const arg = args[index];
      if (!arg || arg.kind !== 'value' || typeAccepts(param.type, arg.value)) return;
      this.error('rego_type_error', `${builtin.name}: invalid argument(s): operand ${index + 1} must be ${typeText(param.type)} but got ${typeOf(arg.value)}`, arg.range);
    });
    // Rego v1 modules may not call deprecated built-ins (queries may, as OPA's query compiler allows).
    if ((this.context.strict || (this.context.regoVersion === 'v1' && this.context.rule)) && builtin.deprecated) {
      this.error('rego_type_error', `deprecated built-in function calls in expression: ${builtin.name}`, args[0]?.range ?? { start: 0, end: 0 });
    }
  }

  private checkArity(builtin: Builtin, argCount: number, range: Ast.Range): void {
    if (builtin.variadic) return;
    const arity = builtin.params.length;
    if (argCount === arity || (argCount === arity + 1 && builtin.result)) return;
    // OPA's type checker words it as too few or too many arguments, with what it has and wants.
    const want = builtin.params.map((param) => (param.name ? `${param.name}: ${typeText(param.type)}` : typeText(param.type))).join(', ');
    const problem = argCount < arity ? 'too few arguments' : 'too many arguments';
    this.error('rego_type_error', `${builtin.name}: ${problem}\n\thave: ${argCount} argument${argCount === 1 ? '' : 's'}\n\twant: (${want})`, range);
  }

  /** A nested scope; `extra` terms (comprehension heads) count as part of its body. */
  closure(scope: Scope, body: Ast.Body, extra: Ast.Term[] = []): Scope {
    const mentioned = new Set<string>();
    for (const expr of body) collectNames(expr, mentioned);
    for (const term of extra) collectNames(term, mentioned);
    return new Scope(scope, mentioned, body);
  }

  body(scope: Scope, body: Ast.Body, topLevel: boolean): Body {
    return body.map((expr, index) => this.expr(scope, expr, index, topLevel));
  }

  expr(scope: Scope, expr: Ast.Expr, index: number, topLevel: boolean): Expr {
    const withs = expr.with.map((modifier) => this.withModifier(scope, modifier));
    const operation = this.operation(scope, expr.terms, topLevel);
    // The text is only needed for messages, so it is made when read.
    return {
      operation,
      negated: expr.negated,
      with: withs,
      range: expr.range,
      index,
      get text() {
        return exprText(expr);
      },
    };
  }

  private operation(scope: Scope, terms: Ast.Expr['terms'], topLevel: boolean): Operation {
    switch (terms.type) {
      case 'some': {
        const [first] = terms.symbols;
        if (first && first.type === 'call' && terms.symbols.length === 1) {
          const args = first.args;
          const domain = this.term(scope, args[args.length - 1]);
          const declarePattern = (pattern: Ast.Term): Term => {
            const names = new Set<string>();
            collectNames(pattern, names, true);
            for (const name of names) this.declare(scope, name, pattern.range, topLevel, 'declared');
            return this.term(scope, pattern);
          };
          if (args.length === 3) return { kind: 'somein', key: declarePattern(args[0]), value: declarePattern(args[1]), domain };
          return { kind: 'somein', value: declarePattern(args[0]), domain };
        }
        for (const symbol of terms.symbols) if (symbol.type === 'var') this.declare(scope, symbol.name, symbol.range, topLevel, 'declared');
        return { kind: 'some' };
      }
      case 'every': {
        const domain = this.term(scope, terms.domain);
        const inner = this.closure(scope, terms.body);
        const bind = (pattern: Ast.Term | undefined): Term | undefined => {
          if (!pattern) return undefined;
          const names = new Set<string>();
          collectNames(pattern, names, true);
          for (const name of names) this.declare(inner, name, pattern.range, false, 'declared');
          return this.term(inner, pattern);
        };
        const key = bind(terms.key);
        const value = bind(terms.value)!;
        const body = this.body(inner, terms.body, false);
        return withCaptures({ kind: 'every', key, value, domain, body }, inner);
      }
      case 'query': {
        const inner = this.closure(scope, terms.body);
        return withCaptures({ kind: 'query', body: this.body(inner, terms.body, false) }, inner);
      }
      case 'logical': {
        const innerLeft = this.closure(scope, [terms.left]);
        const left = [this.expr(innerLeft, terms.left, 0, false)];
        const innerRight = this.closure(scope, [terms.right]);
        const right = [this.expr(innerRight, terms.right, 0, false)];
        const captures = new Scope(scope, new Set());
        for (const name of [...innerLeft.captures, ...innerRight.captures]) captures.captures.add(name);
        return withCaptures({ kind: 'logical', operator: terms.operator, left, right }, captures);
      }
      default: {
        if (terms.type === 'call' && (terms.infix === '=' || terms.infix === ':=') && terms.args.length === 2) {
          const [leftAst, rightAst] = terms.args;
          if (terms.infix === ':=') {
            const right = this.term(scope, rightAst);
            const names = new Set<string>();
            collectNames(leftAst, names, true);
            const root = rootName(leftAst);
            if (root) {
              // Rego v0 lets a body shadow `input` or `data` with a local; v1 forbids it.
              if (this.context.regoVersion === 'v1' || this.context.strict) this.error('rego_compile_error', `variables must not shadow ${root} (use a different variable name)`, leftAst.range);
              names.add(root);
            } else if (leftAst.type === 'ref') this.error('rego_parse_error', `cannot assign to ${termText(leftAst)}`, leftAst.range);
            else for (const target of unassignable(leftAst)) this.error('rego_compile_error', `cannot assign to ${target.type}`, target.range);
            for (const name of names) this.assigned.set(this.declare(scope, name, leftAst.range, topLevel), leftAst.range);
            return this.unify(this.term(scope, leftAst), right, true);
          }
          return this.unify(this.term(scope, leftAst), this.term(scope, rightAst), false);
        }
        return { kind: 'term', term: this.term(scope, terms) };
      }
    }
  }

  /**
   * OPA's type checker rejects a unification whose sides can never match by their shapes alone: an array
   * against an object, arrays of different lengths, objects with different constant keys, scalars of
   * different types. Only literal shapes are compared; variables, references and calls match anything.
   */
  private unify(left: Term, right: Term, declare: boolean): Operation {
    if (!shapesUnify(left, right)) this.error('rego_type_error', `match error\n\tleft  : ${shapeText(left)}\n\tright : ${shapeText(right)}`, { start: left.range.start, end: right.range.end });
    return { kind: 'unify', left, right, declare };
  }

  private withModifier(scope: Scope, modifier: Ast.With): With {
    const replacement = this.functionValue(modifier.value);
    const value = replacement ? valueTerm(null, modifier.value.range) : this.term(scope, modifier.value);
    const withTarget = this.withTarget(scope, modifier, value);
    return replacement ? { ...withTarget, function: replacement } : withTarget;
  }

  /** A `with` value that names a built-in or a user function, rather than a value. */
  private functionValue(term: Ast.Term): CallTarget | undefined {
    const parts = term.type === 'ref' ? term.terms : term.type === 'var' ? [term] : undefined;
    if (!parts || parts[0].type !== 'var') return undefined;
    const first = parts[0];
    if (!this.isGlobal(first.name)) {
      const name = termText(term);
      const builtin = builtinNamed(name);
      return builtin ? { kind: 'builtin', name, builtin } : undefined;
    }
    const scope = new Scope(undefined, new Set());
    const resolved = term.type === 'ref' ? this.convertRef(scope, term.terms, term.range) : this.resolveVar(scope, first.name, first.range);
    if (resolved.kind === 'ref' && resolved.head.kind === 'root' && resolved.head.name === 'data' && resolved.path.every(isValue)) {
      const path = ['data', ...resolved.path.map((part) => String((part as { value: Value }).value))];
      if (this.compiler.functionArity.has(path.join('.'))) return { kind: 'function', name: termText(term), path };
    }
    return undefined;
  }

  private withTarget(scope: Scope, modifier: Ast.With, value: Term): With {
    const target = modifier.target;
    const parts = target.type === 'ref' ? target.terms : [target];
    const first = parts[0];
    const rest = parts.slice(1).map((part) => (part.type === 'string' ? part.value : termText(part)));
    if (first.type === 'var' && (first.name === 'input' || first.name === 'data')) {
      return { target: { kind: first.name, path: rest }, value, range: modifier.range };
    }
    const name = termText(target);
    if (first.type === 'var' && !this.context.imports.has(first.name) && !this.context.globals.has(first.name) && builtinNamed(name)) {
      return { target: { kind: 'function', name }, value, range: modifier.range };
    }
    const resolved = target.type === 'ref' ? this.convertRef(scope, target.terms, target.range) : first.type === 'var' ? this.resolveVar(scope, first.name, first.range) : undefined;
    if (resolved && resolved.kind === 'ref' && resolved.head.kind === 'root' && resolved.path.every(isValue)) {
      const path = resolved.path.map((part) => String((part as { value: Value }).value));
      if (resolved.head.name === 'input') return { target: { kind: 'input', path }, value, range: modifier.range };
      return { target: { kind: 'data', path }, value, range: modifier.range };
    }
    this.error('rego_type_error', `with keyword target ${name} must reference existing input, data, or a function`, modifier.range);
    return { target: { kind: 'function', name }, value, range: modifier.range };
  }
}

function withCaptures<T extends object>(node: T, scope: Scope): T {
  (node as T & { captures: Set<string> }).captures = scope.captures;
  return node;
}

/** The outer variables a closure reads (comprehension, `every`, negated query, logical group). */
export function capturesOf(node: object): Set<string> {
  return (node as { captures?: Set<string> }).captures ?? EMPTY;
}
const EMPTY = new Set<string>();

/** Calls `onTerm` for each term directly inside `term` and `onBody` for each body nested in it. */
function forEachPart(term: Term, onTerm: (part: Term) => void, onBody: (body: Body) => void): void {
  switch (term.kind) {
    case 'ref':
      onTerm(term.head);
      term.path.forEach(onTerm);
      return;
    case 'array':
    case 'set':
      term.items.forEach(onTerm);
      return;
    case 'object':
      term.entries.forEach(([key, value]) => {
        onTerm(key);
        onTerm(value);
      });
      return;
    case 'arraycomp':
    case 'setcomp':
      onTerm(term.head);
      onBody(term.body);
      return;
    case 'objectcomp':
      onTerm(term.key);
      onTerm(term.value);
      onBody(term.body);
      return;
    case 'call':
      term.args.forEach(onTerm);
      return;
    case 'template':
      term.parts.forEach((part) => (Array.isArray(part) ? onBody(part) : onTerm(part)));
      return;
    default:
      return;
  }
}

/** Calls `visit` with the name of every variable in a term, nested bodies included. */
export function visitVars(term: Term, visit: (name: string) => void): void {
  if (term.kind === 'var') visit(term.name);
  const inner = (part: Term): void => visitVars(part, visit);
  forEachPart(term, inner, (body) => body.forEach((expr) => visitExprTerms(expr, inner)));
}

/** Calls `visit` with each top-level term of an expression (nested bodies through their terms). */
export function visitExprTerms(expr: Expr, visit: (term: Term) => void): void {
  const operation = expr.operation;
  switch (operation.kind) {
    case 'term':
      visit(operation.term);
      break;
    case 'unify':
      visit(operation.left);
      visit(operation.right);
      break;
    case 'somein':
      if (operation.key) visit(operation.key);
      visit(operation.value);
      visit(operation.domain);
      break;
    case 'every':
      if (operation.key) visit(operation.key);
      visit(operation.value);
      visit(operation.domain);
      operation.body.forEach((inner) => visitExprTerms(inner, visit));
      break;
    case 'query':
      operation.body.forEach((inner) => visitExprTerms(inner, visit));
      break;
    case 'logical':
      [...operation.left, ...operation.right].forEach((inner) => visitExprTerms(inner, visit));
      break;
    default:
      break;
  }
  expr.with.forEach((modifier) => visit(modifier.value));
}

/** An annotation as `rego.metadata.*` returns it: its YAML fields and its scope. */
function annotationValue(annotation: Ast.Annotation, defaultScope: string): Value {
  const value = fromJS({ scope: annotation.scope ?? defaultScope, ...annotation.fields });
  return value;
}

/** Whether a value has a declared type (element types of collections are not checked). */
function typeAccepts(type: Type, value: Value): boolean {
  if (type.type === 'any') {
    if (!type.of) return true;
    const options = Array.isArray(type.of) ? type.of : [type.of];
    return options.length === 0 || options.some((option) => typeAccepts(option, value));
  }
  if (type.type === 'function') return true;
  return typeOf(value) === type.type;
}

function typeText(type: Type): string {
  if (type.type === 'any' && type.of) {
    const options = Array.isArray(type.of) ? type.of : [type.of];
    return `one of {${options.map(typeText).join(', ')}}`;
  }
  return type.type;
}

function valueTerm(value: Value, range: Ast.Range): Term {
  return { kind: 'value', value, range };
}

function isValue(term: Term): term is { kind: 'value'; value: Value; range: Ast.Range } {
  return term.kind === 'value';
}

/**
 * Collects variable names used in an AST node outside nested scopes; `patternOnly` skips refs' heads and
 * calls (for declarations). The editor's symbol index counts names the same way.
 */
type Shape =
  | { kind: 'any' }
  | { kind: 'scalar'; type: string }
  | { kind: 'array'; items?: Term[] }
  | { kind: 'object'; entries?: Map<string, Term> }
  | { kind: 'set' };

/** What a term's literal form says of every value it can take (constants are taken apart like literals). */
function shapeOf(term: Term): Shape {
  const constant = (value: Value): Term => ({ kind: 'value', value, range: term.range });
  switch (term.kind) {
    case 'value': {
      const value = term.value;
      if (Array.isArray(value)) return { kind: 'array', items: value.map(constant) };
      if (value instanceof ObjectValue) return { kind: 'object', entries: new Map(value.entries().map(([key, entry]) => [canonical(key), constant(entry)])) };
      if (value instanceof SetValue) return { kind: 'set' };
      return { kind: 'scalar', type: typeOf(value) };
    }
    case 'array':
      return { kind: 'array', items: term.items };
    case 'arraycomp':
      return { kind: 'array' };
    case 'object':
      if (!term.entries.every(([key]) => key.kind === 'value')) return { kind: 'object' };
      return { kind: 'object', entries: new Map(term.entries.map(([key, entry]) => [canonical((key as { value: Value }).value), entry])) };
    case 'objectcomp':
      return { kind: 'object' };
    case 'set':
    case 'setcomp':
      return { kind: 'set' };
    case 'template':
      return { kind: 'scalar', type: 'string' };
    default:
      return { kind: 'any' };
  }
}

/** Whether two terms could unify, judged from their literal shapes only. */
function shapesUnify(left: Term, right: Term): boolean {
  const a = shapeOf(left);
  const b = shapeOf(right);
  if (a.kind === 'any' || b.kind === 'any') return true;
  if (a.kind === 'scalar' && b.kind === 'scalar') return a.type === b.type;
  if (a.kind === 'array' && b.kind === 'array') {
    if (!a.items || !b.items) return true;
    const other = b.items;
    return a.items.length === other.length && a.items.every((item, index) => shapesUnify(item, other[index]));
  }
  if (a.kind === 'object' && b.kind === 'object') {
    if (!a.entries || !b.entries) return true;
    const other = b.entries;
    return a.entries.size === other.size && [...a.entries].every(([key, entry]) => other.has(key) && shapesUnify(entry, other.get(key)!));
  }
  return a.kind === b.kind;
}

/** A type in the words of OPA's match errors: `array<number, any>`, `object<a: number>`, `any`. */
function shapeText(term: Term): string {
  const shape = shapeOf(term);
  switch (shape.kind) {
    case 'any':
      return 'any';
    case 'scalar':
      return shape.type;
    case 'set':
      return 'set[any]';
    case 'array':
      return shape.items ? `array<${shape.items.map(shapeText).join(', ')}>` : 'array[any]';
    case 'object':
      if (!shape.entries) return 'object[any: any]';
      return `object<${[...shape.entries].map(([key, entry]) => `${key.startsWith('"') ? JSON.parse(key) : key}: ${shapeText(entry)}`).join(', ')}>`;
  }
}

/** `input` or `data` written alone. */
function rootName(term: Ast.Term): string | undefined {
  if (term.type !== 'ref' || term.terms.length !== 1) return undefined;
  const [only] = term.terms;
  return only.type === 'var' && ROOTS.has(only.name) ? only.name : undefined;
}

/**
 * Parts of the left side of `:=` that cannot be assigned: anything but variables, with arrays and object
 * values as structure (object keys are matched, not assigned). References are reported where they are parsed.
 */
function unassignable(term: Ast.Term): Ast.Term[] {
  switch (term.type) {
    case 'var':
    case 'ref':
      return [];
    case 'array':
      return term.items.flatMap(unassignable);
    case 'object':
      return term.entries.flatMap(([, value]) => unassignable(value));
    default:
      return [term];
  }
}

export function collectNames(node: Ast.Term | Ast.Expr | Ast.SomeDecl | Ast.Every | Ast.Query | Ast.Logical | Ast.With, names: Set<string>, patternOnly = false): void {
  switch (node.type) {
    case 'var':
      names.add(node.name);
      return;
    case 'ref':
      if (patternOnly) return;
      node.terms.forEach((part) => collectNames(part, names));
      return;
    case 'array':
    case 'set':
      node.items.forEach((item) => collectNames(item, names, patternOnly));
      return;
    case 'object':
      node.entries.forEach(([key, value]) => {
        if (!patternOnly) collectNames(key, names);
        collectNames(value, names, patternOnly);
      });
      return;
    case 'call':
      if (patternOnly) return;
      node.args.forEach((arg) => collectNames(arg, names));
      return;
    case 'arraycomprehension':
    case 'setcomprehension':
    case 'objectcomprehension':
    case 'templatestring':
    case 'query':
      if (patternOnly) return;
      if (node.type === 'templatestring') node.parts.forEach((part) => collectNames(part, names));
      return; // Names inside closures belong to the closure unless also used outside.
    case 'expr':
      collectNames(node.terms, names);
      node.with.forEach((modifier) => collectNames(modifier.value, names));
      return;
    case 'some':
      node.symbols.forEach((symbol) => collectNames(symbol, names));
      return;
    case 'every':
      collectNames(node.domain, names);
      return;
    case 'logical':
      return;
    case 'with':
      collectNames(node.value, names);
      return;
    default:
      return;
  }
}

/** Names an expression declares with `:=` or `some`. */
export function collectDeclared(expr: Ast.Expr, names: Set<string>): void {
  const terms = expr.terms;
  if (terms.type === 'some') {
    for (const symbol of terms.symbols) {
      if (symbol.type === 'var') names.add(symbol.name);
      else if (symbol.type === 'call') symbol.args.slice(0, -1).forEach((arg) => collectNames(arg, names, true));
    }
  } else if (terms.type === 'call' && terms.infix === ':=' && terms.args[0]) {
    collectNames(terms.args[0], names, true);
  }
}

// ---------------------------------------------------------------------------------------------
// Safety: which variables an expression needs bound and which it binds, and reordering.

interface VarUse {
  inputs: Set<string>;
  outputs: Set<string>;
}

function termVars(term: Term, use: VarUse, pattern: boolean): void {
  switch (term.kind) {
    case 'value':
    case 'root':
      return;
    case 'var':
      (pattern ? use.outputs : use.inputs).add(term.name);
      return;
    case 'ref':
      if (term.head.kind === 'var') use.inputs.add(term.head.name);
      else termVars(term.head, use, false);
      for (const part of term.path) termVars(part, use, true);
      return;
    case 'array':
      term.items.forEach((item) => termVars(item, use, pattern));
      return;
    case 'set':
      term.items.forEach((item) => termVars(item, use, false));
      return;
    case 'object':
      term.entries.forEach(([key, value]) => {
        termVars(key, use, false);
        termVars(value, use, pattern);
      });
      return;
    case 'arraycomp':
    case 'setcomp':
    case 'objectcomp':
      capturesOf(term).forEach((name) => use.inputs.add(name));
      return;
    case 'call':
      term.args.forEach((arg) => termVars(arg, use, false));
      return;
    case 'template':
      for (const part of term.parts) {
        if (Array.isArray(part)) part.forEach((expr) => exprVars(expr, use, () => false));
        else termVars(part, use, false);
      }
      return;
  }
}

/** Whether a call's last argument is its output (`count(xs, n)`). */
function hasOutputArgument(target: CallTarget, argCount: number, functionArity: Map<string, number>): boolean {
  if (target.kind === 'builtin') return !target.builtin.variadic && argCount === target.builtin.params.length + 1;
  if (target.kind === 'function') {
    const arity = functionArity.get(target.path.join('.'));
    return arity !== undefined && argCount === arity + 1;
  }
  return false;
}


function exprVars(expr: Expr, use: VarUse, usedElsewhere: (name: string) => boolean): void {
  const local: VarUse = { inputs: new Set(), outputs: new Set() };
  const operation = expr.operation;
  switch (operation.kind) {
    case 'term': {
      const term = operation.term;
      if (term.kind === 'call' && term.output) {
        term.args.slice(0, -1).forEach((arg) => termVars(arg, local, false));
        termVars(term.args[term.args.length - 1], local, true);
      } else {
        termVars(term, local, false);
      }
      // Refs in the arguments run first and bind their variables (`foo == xs[foo]`), as OPA's
      // rewriting of nested refs into earlier expressions does.
      for (const name of local.outputs) local.inputs.delete(name);
      break;
    }
    case 'unify':
      termVars(operation.left, local, true);
      termVars(operation.right, local, true);
      break;
    case 'some':
      break;
    case 'somein':
      termVars(operation.domain, local, false);
      if (operation.key) termVars(operation.key, local, true);
      termVars(operation.value, local, true);
      break;
    case 'every':
      termVars(operation.domain, local, false);
      capturesOf(operation).forEach((name) => local.inputs.add(name));
      break;
    case 'query':
    case 'logical':
      capturesOf(operation).forEach((name) => local.inputs.add(name));
      break;
  }
  for (const modifier of expr.with) termVars(modifier.value, local, false);
  if (expr.negated) {
    // A negated expression binds nothing: its outputs that are used elsewhere must be bound first;
    // the others are local to it (`not p[_]`).
    for (const name of local.outputs) if (usedElsewhere(name)) local.inputs.add(name);
    local.outputs.clear();
  }
  local.inputs.forEach((name) => use.inputs.add(name));
  local.outputs.forEach((name) => use.outputs.add(name));
}

/** Pattern variables of a term that are not bound (outside refs and calls). */
function unboundPattern(term: Term, bound: Set<string>): boolean {
  switch (term.kind) {
    case 'var':
      return !bound.has(term.name);
    case 'array':
      return term.items.some((item) => unboundPattern(item, bound));
    case 'object':
      return term.entries.some(([, value]) => unboundPattern(value, bound));
    default:
      return false;
  }
}

function canUnify(left: Term, right: Term, bound: Set<string>): boolean {
  if (!unboundPattern(left, bound) || !unboundPattern(right, bound)) return true;
  if (left.kind === 'array' && right.kind === 'array' && left.items.length === right.items.length) {
    // Pairs unify left to right, each binding what the next may need.
    const scratch = new Set(bound);
    return left.items.every((item, index) => {
      const ok = canUnify(item, right.items[index], scratch);
      if (ok) {
        const use: VarUse = { inputs: new Set(), outputs: new Set() };
        termVars(item, use, true);
        termVars(right.items[index], use, true);
        use.outputs.forEach((name) => scratch.add(name));
      }
      return ok;
    });
  }
  if (left.kind === 'array' && right.kind === 'value' || left.kind === 'value') return true;
  if (left.kind === 'object' && right.kind === 'object' && left.entries.length === right.entries.length) {
    return left.entries.every(([, value], index) => canUnify(value, right.entries[index][1], bound));
  }
  return false;
}

interface SafetyContext {
  errors: CompileError[];
  file: string;
}

/**
 * Orders a body so each expression runs after the expressions that bind its inputs, as OPA's compiler
 * does (keeping the written order wherever possible), and checks the same for nested bodies.
 * Returns the variables bound after the body.
 */
function reorder(body: Body, bound: Set<string>, context: SafetyContext, outerNames: Set<string>): { body: Body; bound: Set<string> } {
  const counts = new Map<string, number>();
  const uses = body.map((expr) => {
    const use: VarUse = { inputs: new Set(), outputs: new Set() };
    exprVars(expr, use, () => true);
    for (const name of new Set([...use.inputs, ...use.outputs])) counts.set(name, (counts.get(name) ?? 0) + 1);
    return use;
  });
  const pending = body.map((expr, index) => ({ expr, index }));
  const ordered: Body = [];
  const current = new Set(bound);
  while (pending.length > 0) {
    let picked = -1;
    let pickedUse: VarUse | undefined;
    for (let i = 0; i < pending.length; i++) {
      const { expr, index } = pending[i];
      const use: VarUse = { inputs: new Set(), outputs: new Set() };
      exprVars(expr, use, (name) => (counts.get(name) ?? 0) > 1 || outerNames.has(name) || current.has(name));
      void uses[index];
      const ready = [...use.inputs].every((name) => current.has(name));
      const operation = expr.operation;
      if (ready && (operation.kind !== 'unify' || expr.negated || canUnify(operation.left, operation.right, current))) {
        picked = i;
        pickedUse = use;
        break;
      }
    }
    if (picked < 0) {
      const { expr } = pending[0];
      const use: VarUse = { inputs: new Set(), outputs: new Set() };
      exprVars(expr, use, () => true);
      const unsafe = [...use.inputs, ...use.outputs].filter((name) => !current.has(name) && !name.startsWith('_$'));
      const reported = unsafe.length ? unsafe : [...use.inputs].filter((name) => !current.has(name));
      for (const name of new Set(reported.length ? reported : ['_'])) {
        context.errors.push({ code: 'rego_unsafe_var_error', message: `var ${displayName(name)} is unsafe`, file: context.file, range: expr.range });
      }
      for (const rest of pending) {
        const restUse: VarUse = { inputs: new Set(), outputs: new Set() };
        exprVars(rest.expr, restUse, () => true);
        restUse.outputs.forEach((name) => current.add(name));
        restUse.inputs.forEach((name) => current.add(name));
        ordered.push(rest.expr);
      }
      break;
    }
    const [{ expr }] = pending.splice(picked, 1);
    checkNested(expr, current, context, outerNames);
    pickedUse!.outputs.forEach((name) => current.add(name));
    ordered.push(expr);
  }
  return { body: ordered, bound: current };
}

function displayName(name: string): string {
  const cut = name.indexOf('$');
  return cut > 0 ? name.slice(0, cut) : name;
}

/** Reorders the bodies nested in an expression (comprehensions, `every`, negated queries). */
function checkNested(expr: Expr, bound: Set<string>, context: SafetyContext, outerNames: Set<string>): void {
  const visitTerm = (term: Term): void => {
    if (term.kind === 'arraycomp' || term.kind === 'setcomp' || term.kind === 'objectcomp') {
      const result = reorder(term.body, bound, context, outerNames);
      term.body = result.body;
      const heads = term.kind === 'objectcomp' ? [term.key, term.value] : [term.head];
      for (const head of heads) {
        // Closures in the head see what the comprehension's body bound.
        checkNested({ operation: { kind: 'term', term: head }, negated: false, with: [], range: head.range, index: 0, text: '' }, result.bound, context, outerNames);
        checkHead(head, result.bound, context, term.range);
      }
      return;
    }
    forEachPart(term, visitTerm, (body) => body.forEach((inner) => checkNested(inner, bound, context, outerNames)));
  };
  const operation = expr.operation;
  switch (operation.kind) {
    case 'term':
      visitTerm(operation.term);
      break;
    case 'unify':
      visitTerm(operation.left);
      visitTerm(operation.right);
      break;
    case 'somein':
      visitTerm(operation.domain);
      break;
    case 'every': {
      visitTerm(operation.domain);
      const inner = new Set(bound);
      const use: VarUse = { inputs: new Set(), outputs: new Set() };
      if (operation.key) termVars(operation.key, use, true);
      termVars(operation.value, use, true);
      use.outputs.forEach((name) => inner.add(name));
      operation.body = reorder(operation.body, inner, context, outerNames).body;
      break;
    }
    case 'query':
      operation.body = reorder(operation.body, bound, context, outerNames).body;
      break;
    case 'logical':
      operation.left = reorder(operation.left, bound, context, outerNames).body;
      operation.right = reorder(operation.right, bound, context, outerNames).body;
      break;
    default:
      break;
  }
  expr.with.forEach((modifier) => visitTerm(modifier.value));
}

function checkHead(term: Term, bound: Set<string>, context: SafetyContext, range: Ast.Range): void {
  const use: VarUse = { inputs: new Set(), outputs: new Set() };
  termVars(term, use, false);
  // Variables in ref operands are bound by evaluating the head itself (`q := xs[_]`).
  for (const name of use.inputs) {
    if (!bound.has(name)) context.errors.push({ code: 'rego_unsafe_var_error', message: `var ${displayName(name)} is unsafe`, file: context.file, range: term.range ?? range });
  }
}

// ---------------------------------------------------------------------------------------------
// The compiler

class Compiler {
  readonly errors: CompileError[] = [];
  readonly root = new RuleNode(['data']);
  readonly rules: Rule[] = [];
  readonly functionArity = new Map<string, number>();
  private readonly globalsByPackage = new Map<string, Set<string>>();
  /** With `errorsOnly`: rules reused from the cache unmoved, and how far their source has moved since. */
  private readonly moved = new Map<Rule, number>();
  /** The data paths read by rules reused from the rule cache, which keeps them. */
  private readonly dependencies = new Map<Rule, string[][]>();
  /** For the rule cache: user functions by the last part of their path, as `path/arity`. */
  private readonly arityByName = new Map<string, string[]>();

  constructor(private readonly options: CompileOptions) {}

  compile(modules: SourceModule[]): CompiledPolicy {
    const contexts = modules.map((source) => this.prepare(source));
    if (this.options.cache) {
      for (const [path, arity] of this.functionArity) {
        const name = path.slice(path.lastIndexOf('.') + 1);
        const list = this.arityByName.get(name) ?? [];
        list.push(`${path}/${arity}`);
        this.arityByName.set(name, list);
      }
    }
    modules.forEach((source, index) => {
      const context = contexts[index];
      if (!context || (this.options.only && !this.options.only.has(source.file))) return;
      for (const rule of source.module.rules) this.addRule(context, rule);
      if (this.options.strict) {
        for (const imported of source.module.imports) {
          const name = importName(imported);
          if (name && !context.usedImports.has(name) && imported.path.terms[0]?.type === 'var' && ROOTS.has((imported.path.terms[0] as Ast.VarTerm).name)) {
            this.errors.push({ code: 'rego_compile_error', message: `import ${termText(imported.path)} unused`, file: source.file, range: imported.range });
          }
        }
      }
    });
    this.checkConflicts(this.root);
    this.checkRecursion();
    this.suggestNames(modules, contexts);
    this.options.cache?.finish();
    const only = this.options.only;
    const errors = only ? this.errors.filter((error) => only.has(error.file)) : this.errors;
    return { root: this.root, rules: this.rules, errors, functionArity: this.functionArity };
  }

  /** An unsafe variable is often a misspelt rule or import name: suggest the closest one. */
  private suggestNames(modules: SourceModule[], contexts: (ModuleContext | undefined)[]): void {
    const byFile = new Map(modules.map((source, index) => [source.file, { source, context: contexts[index] }]));
    for (const error of this.errors) {
      if (error.code !== 'rego_unsafe_var_error') continue;
      const entry = byFile.get(error.file);
      const name = /^var (\S+) is unsafe$/.exec(error.message)?.[1];
      if (!entry?.context || !name) continue;
      const replacement = closestName(name, [...entry.context.globals, ...entry.context.imports.keys()]);
      if (replacement) error.suggestion = { name, replacement, range: error.range };
    }
  }

  /** Collects the package, its imports and every rule's name and arity before any body is converted. */
  private prepare(source: SourceModule): ModuleContext | undefined {
    const module = source.module;
    if (!module.package) return undefined;
    const packagePath = module.package.path.slice(1).map((part) => (part.type === 'string' ? part.value : termText(part)));
    const key = packagePath.join('.');
    // A package is a document even without rules: an empty package evaluates to {}, as in OPA.
    let node = this.root;
    for (const part of packagePath) {
      node.hasRules = true;
      node = node.child(part);
    }
    node.hasRules = true;
    let globals = this.globalsByPackage.get(key);
    if (!globals) {
      globals = new Set();
      this.globalsByPackage.set(key, globals);
    }
    for (const rule of module.rules) {
      const first = rule.head.ref[0];
      if (first?.type === 'var') globals.add(first.name);
      if (rule.head.args) {
        const path = ['data', ...packagePath, ...groundPrefix(rule.head.ref)];
        this.functionArity.set(path.join('.'), rule.head.args.length);
      }
    }
    const imports = new Map<string, Ast.Term[]>();
    const importedAs = new Map<string, Ast.Import>();
    for (const imported of module.imports) {
      const head = imported.path.terms[0];
      if (head?.type !== 'var' || !ROOTS.has(head.name)) continue;
      const name = importName(imported);
      if (!name) continue;
      const earlier = importedAs.get(name);
      // OPA's Rego v1 (and strict) check, naming the import shadowed as it is written.
      if (earlier && (module.regoVersion === 'v1' || this.options.strict)) {
        const text = `import ${termText(earlier.path)}${earlier.alias ? ` as ${earlier.alias.name}` : ''}`;
        this.errors.push({ code: 'rego_compile_error', message: `import must not shadow ${text}`, file: source.file, range: imported.range });
      }
      if (!earlier) importedAs.set(name, imported);
      imports.set(name, imported.path.terms);
    }
    let cacheable: ModuleContext['cacheable'];
    if (this.options.cache && source.text !== undefined) {
      const slice = (node: { range: Ast.Range }) => source.text!.slice(node.range.start, node.range.end);
      const signature = [source.file, this.options.strict === true, module.regoVersion, key, ...module.imports.map(slice), ...(module.package.annotations ?? []).map(slice)].join('\u0000');
      cacheable = { text: source.text, signature };
    }
    return { file: source.file, strict: this.options.strict, regoVersion: module.regoVersion, packageAnnotations: module.package.annotations, packagePath, globals, imports, usedImports: new Set(), cacheable };
  }

  private addRule(context: ModuleContext, astRule: Ast.Rule): void {
    const key = this.ruleKey(context, astRule);
    let cached: CachedRule | undefined;
    if (key !== undefined && this.options.errorsOnly) {
      const found = this.options.cache!.peek(key, astRule.range.start);
      // The same rule twice in a compilation (identical text) needs two objects.
      if (found && !this.moved.has(found.value.rule)) {
        cached = found.value;
        this.moved.set(cached.rule, found.delta);
      }
    }
    if (key !== undefined && !cached) cached = this.options.cache!.get(key, astRule.range.start);
    let rule: Rule | undefined;
    if (cached) {
      rule = cached.rule;
      for (const name of cached.usedImports) context.usedImports.add(name);
      cached.dependencies ??= ruleDependencies(rule);
      this.dependencies.set(rule, cached.dependencies);
    } else {
      const errorCount = this.errors.length;
      const usedImports = new Set<string>();
      rule = this.convertRule({ ...context, usedImports }, astRule, undefined);
      for (const name of usedImports) context.usedImports.add(name);
      if (key !== undefined && rule && this.errors.length === errorCount) this.options.cache!.set(key, astRule.range.start, { rule, usedImports: [...usedImports] });
    }
    if (!rule) return;
    this.rules.push(rule);
    let node = this.root;
    for (const part of rule.path.slice(1)) {
      node.hasRules = true;
      node = node.child(part);
    }
    node.hasRules = true;
    node.rules.push(rule);
  }

  /**
   * The rule cache's key: the rule's text from its annotations on, its module's signature, and the
   * package rule names and function arities among the words of its text (a superset of what it refers to).
   */
  private ruleKey(context: ModuleContext, astRule: Ast.Rule): string | undefined {
    if (!context.cacheable) return undefined;
    const start = Math.min(astRule.range.start, astRule.annotations?.[0]?.range.start ?? Infinity);
    const text = context.cacheable.text.slice(start, astRule.range.end);
    const mentioned: string[] = [];
    for (const word of new Set(text.match(WORDS))) {
      if (context.globals.has(word)) mentioned.push(word);
      const arities = this.arityByName.get(word);
      if (arities) mentioned.push(...arities);
    }
    return `${context.cacheable.signature}\u0000${mentioned.join(' ')}\u0000${text}`;
  }

  private convertRule(context: ModuleContext, astRule: Ast.Rule, parent: Rule | undefined): Rule | undefined {
    const head = astRule.head;
    if (head.ref.length === 0 || head.ref[0].type !== 'var') return undefined;
    const errors = this.errors;
    const rulePath = ['data', ...context.packagePath, ...groundPrefix(head.ref)];
    const ruleContext: ModuleContext = { ...context, rule: { path: rulePath, annotations: (parent ? undefined : astRule.annotations) ?? [] } };
    const converter = new Converter(ruleContext, this, errors, this.functionArity);
    if (!parent && (context.regoVersion === 'v1' || context.strict)) {
      // Rego v1 reserves `input` and `data`: no rule or function argument may take their names.
      if (ROOTS.has(head.ref[0].name)) errors.push({ code: 'rego_compile_error', message: `rules must not shadow ${head.ref[0].name} (use a different rule name)`, file: context.file, range: head.ref[0].range });
      for (const arg of head.args ?? []) {
        const root = rootName(arg) ?? (arg.type === 'var' && ROOTS.has(arg.name) ? arg.name : undefined);
        if (root) errors.push({ code: 'rego_compile_error', message: `args must not shadow ${root} (use a different variable name)`, file: context.file, range: arg.range });
      }
    }
    const mentioned = new Set<string>();
    for (const expr of astRule.body) collectNames(expr, mentioned);
    const scope = new Scope(undefined, mentioned, astRule.body);
    const args = head.args?.map((arg) => {
      const names = new Set<string>();
      collectNames(arg, names, true);
      for (const name of names) if (!scope.declared.has(name)) converter.declare(scope, name, arg.range, true, 'arg');
      return converter.term(scope, arg);
    });
    const body = converter.body(scope, astRule.body, true);
    const prefix = parent ? parent.path.slice(1 + context.packagePath.length) : groundPrefix(head.ref);
    const suffixAst = parent ? [] : head.ref.slice(prefix.length);
    const suffix = suffixAst.map((part) => converter.term(scope, part));
    const key = head.key ? converter.term(scope, head.key) : undefined;
    const value = head.value ? converter.term(scope, head.value) : valueTerm(true, head.range);
    let kind: RuleKind;
    if (parent) kind = parent.kind;
    else if (head.args) kind = 'function';
    else if (head.contains || (head.key && !head.value)) kind = 'multi';
    else if (suffix.length > 0) kind = 'object';
    else kind = 'complete';
    if (kind === 'multi' && suffix.length > 0) {
      // `a.b[x] contains y`-style refs are multi-value rules one level down; keep the prefix ground.
    }
    const rule: Rule = {
      kind,
      path: ['data', ...context.packagePath, ...prefix],
      suffix: parent ? parent.suffix : suffix,
      key,
      value,
      args,
      body,
      isDefault: astRule.default,
      file: context.file,
      range: astRule.range,
      headRange: head.range,
    };
    // Safety: function arguments are bound on entry; the head must be bound by the body.
    const bound = new Set<string>();
    if (args) {
      for (const arg of args) {
        const use: VarUse = { inputs: new Set(), outputs: new Set() };
        termVars(arg, use, true);
        use.outputs.forEach((name) => bound.add(name));
        use.inputs.forEach((name) => bound.add(name));
      }
    }
    const safety: SafetyContext = { errors, file: context.file };
    const headNames = new Set<string>();
    for (const term of [...rule.suffix, ...(key ? [key] : []), value]) {
      const use: VarUse = { inputs: new Set(), outputs: new Set() };
      termVars(term, use, false);
      use.inputs.forEach((name) => headNames.add(name));
      use.outputs.forEach((name) => headNames.add(name));
    }
    const result = reorder(body, bound, safety, headNames);
    rule.body = result.body;
    for (const term of [...suffix, ...(key ? [key] : []), value]) {
      checkNested({ operation: { kind: 'term', term }, negated: false, with: [], range: term.range, index: 0, text: '' }, result.bound, safety, new Set());
      checkHead(term, result.bound, safety, head.range);
    }
    if (astRule.else) rule.else = this.convertRule(context, astRule.else, rule);
    if (context.strict) {
      // OPA's strict mode: a variable assigned with `:=` and never read is an error.
      const counts = new Map<string, number>();
      const count = (term: Term): void => visitVars(term, (name) => counts.set(name, (counts.get(name) ?? 0) + 1));
      rule.body.forEach((expr) => visitExprTerms(expr, count));
      [...rule.suffix, ...(key ? [key] : []), value].forEach(count);
      for (const [name, range] of converter.assigned) {
        if (!name.startsWith('_') && (counts.get(name) ?? 0) <= 1) errors.push({ code: 'rego_compile_error', message: `assigned var ${displayName(name)} unused`, file: context.file, range });
      }
    }
    return rule;
  }

  /** Where a rule's head is now (a rule reused unmoved from the cache has moved since). */
  private headRange(rule: Rule): Ast.Range {
    const delta = this.moved.get(rule);
    return delta ? { start: rule.headRange.start + delta, end: rule.headRange.end + delta } : rule.headRange;
  }

  /** OPA's rule-kind conflicts: one document cannot be defined by rules of different kinds. */
  private checkConflicts(node: RuleNode): void {
    const rules = node.rules;
    if (rules.length > 0) {
      const kinds = new Set(rules.map((rule) => (rule.suffix.length > 0 ? 'object' : rule.kind)));
      const name = node.path.join('.');
      if (kinds.size > 1) {
        for (const rule of rules) this.errors.push({ code: 'rego_type_error', message: `conflicting rules ${name} found`, file: rule.file, range: this.headRange(rule) });
      }
      const defaults = rules.filter((rule) => rule.isDefault);
      if (defaults.length > 1) {
        for (const rule of defaults.slice(1)) this.errors.push({ code: 'rego_type_error', message: `multiple default rules ${name} found`, file: rule.file, range: this.headRange(rule) });
      }
      const arities = new Set(rules.filter((rule) => rule.kind === 'function').map((rule) => rule.args?.length));
      if (arities.size > 1) {
        for (const rule of rules) this.errors.push({ code: 'rego_type_error', message: `conflicting rules ${name} found`, file: rule.file, range: this.headRange(rule) });
      }
      if (node.children.size > 0 && rules.some((rule) => rule.kind === 'complete' || rule.kind === 'function' || (rule.kind === 'multi' && rule.suffix.length === 0))) {
        const rule = rules[0];
        this.errors.push({ code: 'rego_type_error', message: `rule ${name} conflicts with rules below it`, file: rule.file, range: this.headRange(rule) });
      }
    }
    for (const child of node.children.values()) this.checkConflicts(child);
  }

  /** Finds rules that depend on themselves through other rules (OPA's rego_recursion_error). */
  private checkRecursion(): void {
    const dependencies = new Map<RuleNode, Set<RuleNode>>();
    const nodeOf = new Map<Rule, RuleNode>();
    const visitNode = (node: RuleNode): void => {
      for (const rule of node.rules) nodeOf.set(rule, node);
      node.children.forEach(visitNode);
    };
    visitNode(this.root);
    for (const [rule, node] of nodeOf) {
      let set = dependencies.get(node);
      if (!set) dependencies.set(node, (set = new Set()));
      for (const path of this.dependencies.get(rule) ?? ruleDependencies(rule)) {
        for (const target of this.nodesFor(path)) set.add(target);
      }
    }
    const state = new Map<RuleNode, 'visiting' | 'done'>();
    const stack: RuleNode[] = [];
    const reported = new Set<RuleNode>();
    const visit = (node: RuleNode): void => {
      state.set(node, 'visiting');
      stack.push(node);
      for (const next of dependencies.get(node) ?? []) {
        const status = state.get(next);
        if (status === 'visiting') {
          const cycle = stack.slice(stack.indexOf(next));
          if (!reported.has(next)) {
            reported.add(next);
            const names = [...cycle, next].map((entry) => entry.path.join('.'));
            const rule = next.rules[0];
            this.errors.push({ code: 'rego_recursion_error', message: `rule ${next.path.join('.')} is recursive: ${names.join(' -> ')}`, file: rule.file, range: this.headRange(rule) });
          }
        } else if (status === undefined) {
          visit(next);
        }
      }
      stack.pop();
      state.set(node, 'done');
    };
    for (const node of dependencies.keys()) if (!state.has(node)) visit(node);
  }

  /** The rule nodes a data ref with this ground prefix may read. */
  private nodesFor(path: string[]): RuleNode[] {
    // `data[x]` could be anything; OPA does not count it as a dependency, and the evaluator
    // still stops a real cycle at run time.
    if (path.length <= 1) return [];
    let node: RuleNode | undefined = this.root;
    for (const part of path.slice(1)) {
      if (node.rules.length > 0) return [node];
      node = node.children.get(part);
      if (!node) return [];
    }
    const result: RuleNode[] = [];
    const collect = (current: RuleNode): void => {
      if (current.rules.length > 0) result.push(current);
      current.children.forEach(collect);
    };
    collect(node);
    return result;
  }
}

function importName(imported: Ast.Import): string | undefined {
  if (imported.alias) return imported.alias.name;
  const last = imported.path.terms[imported.path.terms.length - 1];
  if (imported.path.terms.length === 1 && last.type === 'var') return last.name;
  return last?.type === 'string' ? last.value : undefined;
}

/** The ground (string) parts of a rule head's ref: `a.b[x].c` gives [a, b]. */
function groundPrefix(ref: Ast.Term[]): string[] {
  const prefix: string[] = [];
  for (const [index, part] of ref.entries()) {
    if (index === 0 && part.type === 'var') prefix.push(part.name);
    else if (index > 0 && part.type === 'string') prefix.push(part.value);
    else break;
  }
  return prefix;
}

/** The ground prefixes of every data ref and function a rule reads. */
/** The data paths a rule and its else branches read. */
function ruleDependencies(rule: Rule): string[][] {
  const paths: string[][] = [];
  for (let current: Rule | undefined = rule; current; current = current.else) paths.push(...referencedPaths(current));
  return paths;
}

function referencedPaths(rule: Rule): string[][] {
  const paths: string[][] = [];
  const visitTerm = (term: Term): void => {
    if (term.kind === 'ref' && term.head.kind === 'root' && term.head.name === 'data') {
      const path = ['data'];
      for (const part of term.path) {
        if (part.kind !== 'value') break;
        if (typeof part.value !== 'string') {
          // Rules are named by strings, so `data.pkg[2]` reaches base data only (as "2"), never a rule.
          path.push(`\u0000${canonical(part.value)}`);
          break;
        }
        path.push(part.value);
      }
      paths.push(path);
    } else if (term.kind === 'call' && term.target.kind === 'function') {
      paths.push(term.target.path);
    }
    forEachPart(term, visitTerm, (body) => body.forEach((expr) => visitExprTerms(expr, visitTerm)));
  };
  rule.body.forEach((expr) => visitExprTerms(expr, visitTerm));
  [...rule.suffix, ...(rule.key ? [rule.key] : []), rule.value, ...(rule.args ?? [])].forEach(visitTerm);
  return paths;
}

export function compile(modules: SourceModule[], options: CompileOptions = {}): CompiledPolicy {
  return new Compiler(options).compile(modules);
}

/** Compiles a query (a body) against a compiled policy: refs to `data` and `input`, built-ins, locals. */
export function compileQuery(policy: CompiledPolicy, body: Ast.Body, file: string, options: CompileOptions & { packagePath?: string[]; imports?: Ast.Import[] } = {}): CompiledQuery {
  const errors: CompileError[] = [];
  const compiler = new Compiler(options);
  const imports = new Map<string, Ast.Term[]>();
  for (const imported of options.imports ?? []) {
    const name = importName(imported);
    if (name) imports.set(name, imported.path.terms);
  }
  const context: ModuleContext = { file, regoVersion: 'v1', packagePath: options.packagePath ?? [], globals: new Set(), imports, usedImports: new Set() };
  if (options.packagePath) {
    const node = policy.root.find(options.packagePath);
    node?.children.forEach((_, name) => context.globals.add(name));
  }
  const converter = new Converter(context, compiler, errors, policy.functionArity);
  const mentioned = new Set<string>();
  for (const expr of body) collectNames(expr, mentioned);
  const scope = new Scope(undefined, mentioned, body);
  const converted = converter.body(scope, body, true);
  const result = reorder(converted, new Set(), { errors, file }, new Set());
  const variables = new Map<string, string>();
  for (const [compiled, name] of converter.variables) if (!name.startsWith('_') && !compiled.startsWith('_')) variables.set(compiled, name);
  return { body: result.body, errors, variables };
}
