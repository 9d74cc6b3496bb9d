/**
 * The symbol index of a snapshot: every rule and package definition, and every place in every module
 * where a name occurs, tagged with what it stands for (a data path, an `input` path, a local variable,
 * an import alias or a built-in). Names are resolved the way the compiler resolves them: a local
 * declared with `:=`, `some`, a function argument or `every` wins; then the roots `data` and `input`,
 * then imports, then the rules of the package (in any of its files); any other name is a local bound
 * by unification, owned by the outermost scope (rule body, comprehension, `every`, negated query)
 * that mentions it. Definitions, references, rename and highlight all read the same occurrences, so
 * they agree on what a name means.
 */
import type * as Ast from '../ast/nodes';
import type { Range } from '../ast/nodes';
import { termText } from '../ast/dump';
import type { Builtin } from '../builtins/declaration';
import { builtinNamed } from '../builtins/index';
import { collectDeclared, collectNames } from '../analysis/compile';
import type { Snapshot, SourceDocument } from './snapshot';

/** A path below `input`: object keys, array indexes, and `null` for an element picked by a variable. */
export type InputSegment = string | number | null;

/** How a local variable gets its value. */
export type Binding = 'assign' | 'some' | 'argument' | 'every' | 'unification';

/** Which construct owns a local variable's scope. */
export type ScopeKind = 'rule' | 'comprehension' | 'every' | 'query';

export interface LocalSymbol {
  /** Identity of the variable: the file, its scope and where it is declared. */
  key: string;
  name: string;
  file: string;
  /** Where the variable is bound: the declaring name, or for unification the first use in the body. */
  declaration: Range;
  binding: Binding;
  scope: { kind: ScopeKind; range: Range };
  /** Where the variable can first be used: after the expression that declares it. */
  visibleFrom: number;
}

export interface ImportSymbol {
  key: string;
  file: string;
  node: Ast.Import;
  /** The name the import introduces (its alias, or the last segment of its path). */
  name: string;
  root: 'data' | 'input';
  /** The imported path without its root: `import data.a.b` is ['a', 'b']. */
  path: string[];
}

export type SymbolRef =
  | { kind: 'data'; path: string[] }
  | { kind: 'input'; path: InputSegment[] }
  | { kind: 'local'; local: LocalSymbol }
  | { kind: 'import'; import: ImportSymbol }
  | { kind: 'builtin'; builtin: Builtin };

/** One place where a name occurs. */
export interface Occurrence {
  file: string;
  range: Range;
  symbol: SymbolRef;
  /** Same for every occurrence of the same symbol. */
  key: string;
  /** A rule head or package statement defines the path; a declaration binds a local or an alias. */
  role: 'definition' | 'declaration' | 'reference';
  /** A path segment written as a string (`data.x["a b"]`): its range includes the quotes. */
  quoted?: boolean;
  /** The name is an import's name (its last segment, no alias): it stands for the imported path. */
  via?: Ast.Import;
}

export interface RuleDefinition {
  file: string;
  rule: Ast.Rule;
  /** The data path the rule defines: `package a` with `b.c[x] := 1` defines ['data', 'a', 'b', 'c']. */
  path: string[];
  /** The package's path, ['data', ...]. */
  packagePath: string[];
  /** The last ground segment of the head, where "go to definition" lands. */
  range: Range;
}

export interface PackageDefinition {
  file: string;
  node: Ast.Package;
  path: string[];
  /** The path as written after `package`. */
  range: Range;
}

/** A scope of local variables, with the symbols it owns, for completion of names in scope. */
export interface ScopeRecord {
  kind: ScopeKind;
  range: Range;
  parent?: ScopeRecord;
  symbols: LocalSymbol[];
}

export interface ModuleSymbols {
  document: SourceDocument;
  packagePath?: string[];
  occurrences: Occurrence[];
  scopes: ScopeRecord[];
  imports: ImportSymbol[];
  /** Names that are rules of the package (first segments of every rule head, in any of its files). */
  globals: Set<string>;
}

export interface SymbolIndex {
  snapshot: Snapshot;
  rules: RuleDefinition[];
  packages: PackageDefinition[];
  /** Symbols of one document (indexed on first use). */
  module(file: string): ModuleSymbols | undefined;
  /**
   * Symbols of one document's package, imports and the rule at `offset` only (or the whole document
   * when it is indexed already): enough to resolve what is at one place, and far cheaper in a large file.
   */
  moduleAround(file: string, offset: number): ModuleSymbols | undefined;
  /** Every document's symbols. */
  all(): ModuleSymbols[];
  rulesAt(path: string[]): RuleDefinition[];
}

export function pathKey(path: readonly (string | number | null)[]): string {
  return JSON.stringify(path);
}

export function symbolKey(symbol: SymbolRef): string {
  switch (symbol.kind) {
    case 'data':
      return `data:${pathKey(symbol.path)}`;
    case 'input':
      return `input:${pathKey(symbol.path)}`;
    case 'local':
      return symbol.local.key;
    case 'import':
      return symbol.import.key;
    case 'builtin':
      return `builtin:${symbol.builtin.name}`;
  }
}

export function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((part, index) => path[index] === part);
}

/** The package's path as ['data', ...segments]. */
export function packagePathOf(node: Ast.Package): string[] {
  return ['data', ...node.path.slice(1).map((part) => (part.type === 'string' ? part.value : termText(part)))];
}

/** The ground segments at the start of a rule head: `a.b[x].c` gives [a, b]. */
export function groundPrefix(ref: Ast.Term[]): Ast.Term[] {
  const prefix: Ast.Term[] = [];
  for (const [index, part] of ref.entries()) {
    if ((index === 0 && part.type === 'var') || (index > 0 && part.type === 'string')) prefix.push(part);
    else break;
  }
  return prefix;
}

export function segmentName(part: Ast.Term): string {
  return part.type === 'var' ? part.name : part.type === 'string' ? part.value : termText(part);
}

/** The innermost scope around an offset: the smallest one that holds it. */
export function scopeAt(symbols: ModuleSymbols, offset: number): ScopeRecord | undefined {
  let innermost: ScopeRecord | undefined;
  for (const scope of symbols.scopes) {
    if (scope.range.start <= offset && offset <= scope.range.end && (!innermost || scope.range.end - scope.range.start <= innermost.range.end - innermost.range.start)) innermost = scope;
  }
  return innermost;
}

const indexes = new WeakMap<Snapshot, SymbolIndex>();

/** The snapshot's index, built once per snapshot. */
export function symbolIndex(snapshot: Snapshot): SymbolIndex {
  let index = indexes.get(snapshot);
  if (!index) {
    index = buildIndex(snapshot);
    indexes.set(snapshot, index);
  }
  return index;
}

/** What one module declares: its package and rule definitions, with their path keys. */
interface Declarations {
  packagePath: string[];
  packageKey: string;
  package?: PackageDefinition;
  rules: { definition: RuleDefinition; key: string; name: string }[];
}

/**
 * Declarations by parsed module and file: an edit re-parses one module, and the index of the next
 * snapshot reuses every other module's declarations.
 */
const declarationCache = new WeakMap<Ast.Module, { file: string; declarations: Declarations }>();

function declarationsOf(document: SourceDocument): Declarations | undefined {
  const node = document.module.package;
  if (!node) return undefined;
  const cached = declarationCache.get(document.module);
  if (cached?.file === document.file) return cached.declarations;
  const packagePath = packagePathOf(node);
  const segments = node.path.slice(1);
  const declarations: Declarations = { packagePath, packageKey: pathKey(packagePath), rules: [] };
  if (segments.length > 0) {
    declarations.package = { file: document.file, node, path: packagePath, range: { start: segments[0].range.start, end: segments[segments.length - 1].range.end } };
  }
  for (const rule of document.module.rules) {
    const prefix = groundPrefix(rule.head.ref);
    if (prefix.length === 0) continue;
    const path = [...packagePath, ...prefix.map(segmentName)];
    declarations.rules.push({ definition: { file: document.file, rule, path, packagePath, range: prefix[prefix.length - 1].range }, key: pathKey(path), name: segmentName(prefix[0]) });
  }
  declarationCache.set(document.module, { file: document.file, declarations });
  return declarations;
}

function buildIndex(snapshot: Snapshot): SymbolIndex {
  const rules: RuleDefinition[] = [];
  const packages: PackageDefinition[] = [];
  const globalsByPackage = new Map<string, Set<string>>();
  const byPath = new Map<string, RuleDefinition[]>();
  for (const document of snapshot.documents) {
    const declarations = declarationsOf(document);
    if (!declarations) continue;
    if (declarations.package) packages.push(declarations.package);
    let globals = globalsByPackage.get(declarations.packageKey);
    if (!globals) globalsByPackage.set(declarations.packageKey, (globals = new Set()));
    for (const { definition, key, name } of declarations.rules) {
      globals.add(name);
      rules.push(definition);
      const list = byPath.get(key);
      if (list) list.push(definition);
      else byPath.set(key, [definition]);
    }
  }
  const modules = new Map<string, ModuleSymbols>();
  const walker = (document: SourceDocument) => {
    const packagePath = document.module.package ? packagePathOf(document.module.package) : undefined;
    const globals = (packagePath && globalsByPackage.get(pathKey(packagePath))) || new Set<string>();
    return new ModuleWalker(document, packagePath, globals);
  };
  const moduleSymbols = (document: SourceDocument): ModuleSymbols => {
    let symbols = modules.get(document.file);
    if (!symbols) {
      symbols = walker(document).run(document.module.rules);
      modules.set(document.file, symbols);
    }
    return symbols;
  };
  const around = new Map<string, ModuleSymbols>();
  return {
    snapshot,
    rules,
    packages,
    module(file) {
      const document = snapshot.get(file);
      return document ? moduleSymbols(document) : undefined;
    },
    moduleAround(file, offset) {
      const full = modules.get(file);
      const document = snapshot.get(file);
      if (full || !document) return full;
      // The rule that contains the offset, or else the last one before it.
      let rule: Ast.Rule | undefined;
      for (const candidate of document.module.rules) {
        if (candidate.range.start > offset) break;
        rule = candidate;
      }
      const key = `${file}\u0000${rule?.range.start ?? -1}`;
      let symbols = around.get(key);
      if (!symbols) around.set(key, (symbols = walker(document).run(rule ? [rule] : [])));
      return symbols;
    },
    all: () => snapshot.documents.map(moduleSymbols),
    rulesAt: (path) => byPath.get(pathKey(path)) ?? [],
  };
}

class Scope {
  readonly declared = new Map<string, LocalSymbol>();
  readonly implicit = new Map<string, LocalSymbol>();
  /** Names used in this scope's own body (not inside nested scopes). */
  readonly mentioned = new Set<string>();
  /** Names the body declares with `:=` or `some` anywhere: an enclosing use is not the same variable. */
  readonly declarable = new Set<string>();
  readonly record: ScopeRecord;

  constructor(readonly parent: Scope | undefined, kind: ScopeKind, range: Range, body: Ast.Body, extra: Ast.Term[] = []) {
    for (const expr of body) {
      collectNames(expr, this.mentioned);
      collectDeclared(expr, this.declarable);
    }
    for (const term of extra) collectNames(term, this.mentioned);
    this.record = { kind, range, parent: parent?.record, symbols: [] };
  }
}

const ROOTS = new Set(['data', 'input']);

/** What the first name of a ref stands for. */
type HeadMeaning =
  | { kind: 'local'; local: LocalSymbol }
  | { kind: 'data'; path: string[]; via?: Ast.Import; alias?: ImportSymbol }
  | { kind: 'input'; path: InputSegment[]; via?: Ast.Import; alias?: ImportSymbol }
  | { kind: 'none' };

class ModuleWalker {
  private readonly occurrences: Occurrence[] = [];
  private readonly scopes: ScopeRecord[] = [];
  private readonly imports: ImportSymbol[] = [];
  private readonly importsByName = new Map<string, ImportSymbol>();
  private readonly file: string;
  /** Implicit locals, with whether each occurrence was in a rule head, to place their declaration. */
  private readonly implicitUses = new Map<LocalSymbol, { range: Range; inHead: boolean }[]>();
  private inHead = false;
  private scopeCounter = 0;

  constructor(
    private readonly document: SourceDocument,
    private readonly packagePath: string[] | undefined,
    private readonly globals: Set<string>,
  ) {
    this.file = document.file;
  }

  /** Walks the package, the imports and the given rules of the module. */
  run(rules: readonly Ast.Rule[]): ModuleSymbols {
    const module = this.document.module;
    if (module.package && this.packagePath) {
      const segments = module.package.path.slice(1);
      segments.forEach((part, index) => {
        this.emit(part.range, { kind: 'data', path: this.packagePath!.slice(0, index + 2) }, 'definition', this.isQuoted(part));
      });
    }
    for (const node of module.imports) this.addImport(node);
    for (const rule of rules) this.rule(rule, undefined);
    this.placeImplicitDeclarations();
    // One place, one meaning: `else` clauses repeat their function's head, so drop repeated occurrences.
    const seen = new Set<string>();
    const occurrences = this.occurrences
      .filter((occurrence) => {
        const id = `${occurrence.range.start}:${occurrence.range.end}:${occurrence.key}`;
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      })
      .sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
    return { document: this.document, packagePath: this.packagePath, occurrences, scopes: this.scopes, imports: this.imports, globals: this.globals };
  }

  private isQuoted(part: Ast.Term): boolean {
    const first = this.document.text[part.range.start];
    return part.type === 'string' && (first === '"' || first === '`');
  }

  private emit(range: Range, symbol: SymbolRef, role: Occurrence['role'], quoted = false, via?: Ast.Import): void {
    const occurrence: Occurrence = { file: this.file, range, symbol, key: symbolKey(symbol), role };
    if (quoted) occurrence.quoted = true;
    if (via) occurrence.via = via;
    this.occurrences.push(occurrence);
  }

  private addImport(node: Ast.Import): void {
    const terms = node.path.terms;
    const head = terms[0];
    if (head?.type !== 'var' || !ROOTS.has(head.name)) return;
    const root = head.name as 'data' | 'input';
    const path: string[] = [];
    for (const part of terms.slice(1)) {
      if (part.type !== 'string') break;
      path.push(part.value);
    }
    this.emit(head.range, root === 'data' ? { kind: 'data', path: ['data'] } : { kind: 'input', path: [] }, 'reference');
    terms.slice(1, 1 + path.length).forEach((part, index) => {
      const prefix = path.slice(0, index + 1);
      this.emit(part.range, root === 'data' ? { kind: 'data', path: ['data', ...prefix] } : { kind: 'input', path: prefix }, 'reference', this.isQuoted(part));
    });
    const name = node.alias?.name ?? (path.length > 0 ? path[path.length - 1] : undefined);
    if (!name) return;
    const symbol: ImportSymbol = { key: `import:${this.file}:${node.range.start}`, file: this.file, node, name, root, path };
    this.imports.push(symbol);
    this.importsByName.set(name, symbol);
    if (node.alias) this.emit(node.alias.range, { kind: 'import', import: symbol }, 'declaration');
  }

  private newScope(parent: Scope | undefined, kind: ScopeKind, range: Range, body: Ast.Body, extra: Ast.Term[] = []): Scope {
    const scope = new Scope(parent, kind, range, body, extra);
    this.scopes.push(scope.record);
    return scope;
  }

  private declare(scope: Scope, variable: Ast.VarTerm, binding: Binding, visibleFrom: number): LocalSymbol {
    const local: LocalSymbol = {
      key: `local:${this.file}:${variable.range.start}:${variable.name}`,
      name: variable.name,
      file: this.file,
      declaration: variable.range,
      binding,
      scope: { kind: scope.record.kind, range: scope.record.range },
      visibleFrom,
    };
    scope.declared.set(variable.name, local);
    scope.record.symbols.push(local);
    return local;
  }

  /** Declares every variable of a pattern (`[a, {"k": b}]`), each at its first occurrence. */
  private declarePattern(scope: Scope, pattern: Ast.Term, binding: Binding, visibleFrom: number): void {
    const seen = new Set<string>();
    for (const variable of patternVars(pattern)) {
      if (variable.name === '_' || seen.has(variable.name)) continue;
      seen.add(variable.name);
      this.declare(scope, variable, binding, visibleFrom);
    }
  }

  private implicitLocal(scope: Scope, name: string): LocalSymbol {
    let owner = scope;
    for (let current = scope.parent; current; current = current.parent) {
      if (current.mentioned.has(name) && !current.declarable.has(name)) owner = current;
    }
    let local = owner.implicit.get(name);
    if (!local) {
      const id = ++this.scopeCounter;
      local = {
        key: `local:${this.file}:implicit:${owner.record.range.start}:${id}:${name}`,
        name,
        file: this.file,
        declaration: { start: 0, end: 0 },
        binding: 'unification',
        scope: { kind: owner.record.kind, range: owner.record.range },
        visibleFrom: owner.record.range.start,
      };
      owner.implicit.set(name, local);
      owner.record.symbols.push(local);
      this.implicitUses.set(local, []);
    }
    return local;
  }

  private placeImplicitDeclarations(): void {
    for (const [local, uses] of this.implicitUses) {
      const body = uses.filter((use) => !use.inHead);
      const candidates = body.length > 0 ? body : uses;
      if (candidates.length === 0) continue;
      const first = candidates.reduce((best, use) => (use.range.start < best.range.start ? use : best));
      local.declaration = first.range;
    }
    for (const occurrence of this.occurrences) {
      if (occurrence.symbol.kind === 'local' && occurrence.symbol.local.binding === 'unification') {
        const declaration = occurrence.symbol.local.declaration;
        if (declaration.start === occurrence.range.start && declaration.end === occurrence.range.end) occurrence.role = 'declaration';
      }
    }
  }

  private resolveHead(scope: Scope, name: string, allowImplicit: boolean): HeadMeaning {
    for (let current: Scope | undefined = scope; current; current = current.parent) {
      const local = current.declared.get(name);
      if (local) return { kind: 'local', local };
    }
    if (name === 'data') return { kind: 'data', path: ['data'] };
    if (name === 'input') return { kind: 'input', path: [] };
    const imported = this.importsByName.get(name);
    if (imported) {
      const alias = imported.node.alias ? imported : undefined;
      const via = imported.node.alias ? undefined : imported.node;
      return imported.root === 'data' ? { kind: 'data', path: ['data', ...imported.path], via, alias } : { kind: 'input', path: imported.path, via, alias };
    }
    if (this.globals.has(name) && this.packagePath) return { kind: 'data', path: [...this.packagePath, name] };
    if (!allowImplicit) return { kind: 'none' };
    return { kind: 'local', local: this.implicitLocal(scope, name) };
  }

  private useLocal(local: LocalSymbol, range: Range): void {
    const isDeclaration = local.binding !== 'unification' && local.declaration.start === range.start && local.declaration.end === range.end;
    this.emit(range, { kind: 'local', local }, isDeclaration ? 'declaration' : 'reference');
    this.implicitUses.get(local)?.push({ range, inHead: this.inHead });
  }

  /** A ref `head.a[b].c`: the head's meaning, then every ground segment's path. */
  private ref(scope: Scope, terms: Ast.Term[], options: { callee?: boolean; role?: Occurrence['role'] } = {}): void {
    const [head, ...rest] = terms;
    if (!head) return;
    if (head.type !== 'var') {
      this.term(scope, head);
      for (const part of rest) if (part.type !== 'string') this.term(scope, part);
      return;
    }
    if (head.name === '_') {
      for (const part of rest) if (part.type !== 'string') this.term(scope, part);
      return;
    }
    const meaning = this.resolveHead(scope, head.name, !options.callee);
    const role = options.role ?? 'reference';
    switch (meaning.kind) {
      case 'none':
        for (const part of rest) if (part.type !== 'string') this.term(scope, part);
        return;
      case 'local':
        this.useLocal(meaning.local, head.range);
        for (const part of rest) if (part.type !== 'string') this.term(scope, part);
        return;
      case 'data': {
        if (meaning.alias) this.emit(head.range, { kind: 'import', import: meaning.alias }, 'reference');
        else this.emit(head.range, { kind: 'data', path: meaning.path }, role, false, meaning.via);
        let path: string[] | undefined = meaning.path;
        for (const part of rest) {
          if (path && part.type === 'string') {
            path = [...path, part.value];
            this.emit(part.range, { kind: 'data', path }, role, this.isQuoted(part));
          } else {
            path = undefined;
            if (part.type !== 'string') this.term(scope, part);
          }
        }
        return;
      }
      case 'input': {
        if (meaning.alias) this.emit(head.range, { kind: 'import', import: meaning.alias }, 'reference');
        else this.emit(head.range, { kind: 'input', path: meaning.path }, 'reference', false, meaning.via);
        let path: InputSegment[] = meaning.path;
        for (const part of rest) {
          if (part.type === 'string') {
            path = [...path, part.value];
            this.emit(part.range, { kind: 'input', path }, 'reference', this.isQuoted(part));
          } else if (part.type === 'number' && /^\d+$/.test(part.text)) {
            path = [...path, Number(part.text)];
          } else {
            path = [...path, null];
            this.term(scope, part);
          }
        }
        return;
      }
    }
  }

  private term(scope: Scope, term: Ast.Term): void {
    switch (term.type) {
      case 'var':
        this.ref(scope, [term]);
        return;
      case 'ref':
        this.ref(scope, term.terms);
        return;
      case 'array':
      case 'set':
        for (const item of term.items) this.term(scope, item);
        return;
      case 'object':
        for (const [key, value] of term.entries) {
          this.term(scope, key);
          this.term(scope, value);
        }
        return;
      case 'arraycomprehension':
      case 'setcomprehension':
        this.comprehension(scope, term.range, term.body, [term.head]);
        return;
      case 'objectcomprehension':
        this.comprehension(scope, term.range, term.body, [term.key, term.value]);
        return;
      case 'call':
        this.call(scope, term);
        return;
      case 'templatestring':
        for (const part of term.parts) {
          if (part.type === 'expr') this.expr(scope, part);
          else this.term(scope, part);
        }
        return;
      default:
        return;
    }
  }

  /** A comprehension's head is like a rule's head: its variables are bound in the body. */
  private comprehension(scope: Scope, range: Range, body: Ast.Body, head: Ast.Term[]): void {
    const inner = this.newScope(scope, 'comprehension', range, body, head);
    const inHead = this.inHead;
    this.inHead = false;
    this.body(inner, body);
    this.inHead = true;
    for (const term of head) this.term(inner, term);
    this.inHead = inHead;
  }

  private call(scope: Scope, term: Ast.CallTerm): void {
    const operator = term.operator;
    if (term.infix) {
      // `x in xs` reads better as the keyword than as `internal.member_2`.
      const builtin = term.infix === 'in' ? undefined : builtinNamed(termText(operator));
      if (builtin) this.emit(operator.range, { kind: 'builtin', builtin }, 'reference');
    } else {
      const builtin = this.builtinAt(operator);
      if (builtin) this.emit(operator.range, { kind: 'builtin', builtin }, 'reference');
      else this.ref(scope, operator.terms, { callee: true });
    }
    for (const arg of term.args) this.term(scope, arg);
  }

  /** A name that is a built-in: its first segment is no root, import or rule of the package. */
  private builtinAt(term: Ast.Term): Builtin | undefined {
    const first = term.type === 'ref' ? term.terms[0] : term;
    if (first?.type !== 'var' || ROOTS.has(first.name) || this.importsByName.has(first.name) || this.globals.has(first.name)) return undefined;
    if (term.type === 'ref' && term.terms.slice(1).some((part) => part.type !== 'string')) return undefined;
    return builtinNamed(termText(term));
  }

  private body(scope: Scope, body: Ast.Body): void {
    for (const expr of body) this.expr(scope, expr);
  }

  private expr(scope: Scope, expr: Ast.Expr): void {
    for (const modifier of expr.with) this.withModifier(scope, modifier);
    const terms = expr.terms;
    switch (terms.type) {
      case 'some': {
        const [first] = terms.symbols;
        if (first && first.type === 'call' && terms.symbols.length === 1) {
          const args = first.args;
          if (args.length > 0) this.term(scope, args[args.length - 1]);
          const patterns = args.slice(0, -1);
          for (const pattern of patterns) this.declarePattern(scope, pattern, 'some', expr.range.end);
          for (const pattern of patterns) this.term(scope, pattern);
          return;
        }
        for (const symbol of terms.symbols) {
          if (symbol.type === 'var' && symbol.name !== '_') this.useLocal(this.declare(scope, symbol, 'some', expr.range.end), symbol.range);
        }
        return;
      }
      case 'every': {
        this.term(scope, terms.domain);
        const inner = this.newScope(scope, 'every', terms.range, terms.body);
        for (const pattern of [terms.key, terms.value]) if (pattern) this.declarePattern(inner, pattern, 'every', terms.domain.range.end);
        for (const pattern of [terms.key, terms.value]) if (pattern) this.term(inner, pattern);
        this.body(inner, terms.body);
        return;
      }
      case 'query': {
        const inner = this.newScope(scope, 'query', terms.range, terms.body);
        this.body(inner, terms.body);
        return;
      }
      case 'logical': {
        for (const side of [terms.left, terms.right]) {
          const inner = this.newScope(scope, 'query', side.range, [side]);
          this.expr(inner, side);
        }
        return;
      }
      default:
        if (terms.type === 'call' && terms.infix === ':=' && terms.args.length === 2) {
          const [left, right] = terms.args;
          this.emit(terms.operator.range, { kind: 'builtin', builtin: builtinNamed('assign')! }, 'reference');
          this.term(scope, right);
          this.declarePattern(scope, left, 'assign', expr.range.end);
          this.term(scope, left);
          return;
        }
        this.term(scope, terms);
    }
  }

  private withModifier(scope: Scope, modifier: Ast.With): void {
    const target = modifier.target;
    const builtin = this.builtinAt(target);
    if (builtin) this.emit(target.range, { kind: 'builtin', builtin }, 'reference');
    else if (target.type === 'ref') this.ref(scope, target.terms, { callee: true });
    else if (target.type === 'var') this.ref(scope, [target], { callee: true });
    const valueBuiltin = this.builtinAt(modifier.value);
    if (valueBuiltin && !this.isLocal(scope, modifier.value)) this.emit(modifier.value.range, { kind: 'builtin', builtin: valueBuiltin }, 'reference');
    else this.term(scope, modifier.value);
  }

  private isLocal(scope: Scope, term: Ast.Term): boolean {
    const first = term.type === 'ref' ? term.terms[0] : term;
    if (first?.type !== 'var') return false;
    for (let current: Scope | undefined = scope; current; current = current.parent) if (current.declared.has(first.name)) return true;
    return false;
  }

  /** A rule and its `else` clauses; each clause is a scope of its own that sees the function's arguments. */
  private rule(rule: Ast.Rule, args: LocalSymbol[] | undefined): void {
    const scope = this.newScope(undefined, 'rule', rule.range, rule.body);
    const head = rule.head;
    let declaredArgs: LocalSymbol[] = [];
    if (args) {
      for (const local of args) {
        scope.declared.set(local.name, local);
        scope.record.symbols.push(local);
      }
      declaredArgs = args;
    } else if (head.args) {
      for (const arg of head.args) this.declarePattern(scope, arg, 'argument', rule.range.start);
      declaredArgs = [...scope.declared.values()];
    }
    this.inHead = true;
    for (const arg of head.args ?? []) this.term(scope, arg);
    this.inHead = false;
    this.body(scope, rule.body);
    this.inHead = true;
    const prefix = groundPrefix(head.ref);
    if (this.packagePath && prefix.length > 0) {
      let path = this.packagePath;
      for (const part of prefix) {
        path = [...path, segmentName(part)];
        this.emit(part.range, { kind: 'data', path }, 'definition', this.isQuoted(part));
      }
    }
    for (const part of head.ref.slice(prefix.length)) if (part.type !== 'string') this.term(scope, part);
    if (head.key) this.term(scope, head.key);
    if (head.value && !head.generatedValue) this.term(scope, head.value);
    this.inHead = false;
    if (rule.else) this.rule(rule.else, declaredArgs);
  }
}

/** Every variable in a pattern (array items, object values, nested), in order. */
export function patternVars(term: Ast.Term): Ast.VarTerm[] {
  switch (term.type) {
    case 'var':
      return [term];
    case 'array':
    case 'set':
      return term.items.flatMap(patternVars);
    case 'object':
      return term.entries.flatMap(([, value]) => patternVars(value));
    default:
      return [];
  }
}
