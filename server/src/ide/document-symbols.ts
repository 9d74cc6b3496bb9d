/**
 * Document symbols (the outline of one module) and workspace symbols (a search over the declarations of
 * every module in a snapshot). The outline lists the package, the imports under one `imports` entry, and
 * the rules and functions. Rules that are defined several times (multi-value rules, incremental
 * definitions, functions with several clauses) appear once, with one child per definition, because
 * that is how a reader thinks of them: one rule, written in parts. Kinds are names of LSP symbol kinds;
 * the server maps them to numbers and offsets to positions.
 */
import type { Head, Import, Module, Package, Range, Rule, Term } from '../ast/nodes';
import { termText } from '../ast/dump';
import type { Snapshot } from './snapshot';
import { isConstant } from '../ast/terms';

/** LSP symbol kinds used here, by their LSP names in lower case. */
export type SymbolKind = 'package' | 'namespace' | 'module' | 'function' | 'variable' | 'constant' | 'array' | 'object';

export interface DocumentSymbol {
  name: string;
  /** Shown after the name: the rest of the head (`contains msg`, `(a, b) := c`), or a count of definitions. */
  detail?: string;
  kind: SymbolKind;
  /** Everything the symbol covers (for a rule defined several times, its first through its last definition). */
  range: Range;
  /** The name, which editors select and reveal. */
  selectionRange: Range;
  children?: DocumentSymbol[];
}

export interface WorkspaceSymbol {
  name: string;
  kind: SymbolKind;
  /** The package, as written after `package` (`a.b`), for rules and functions. */
  container?: string;
  file: string;
  range: Range;
  selectionRange: Range;
}

/** How long a detail may grow before it is cut: the outline has a narrow column. */
const DETAIL_LIMIT = 60;

/** A rule's name as the outline shows it, and where that name is written. */
export interface RuleName {
  name: string;
  range: Range;
  /** How many parts of the head's ref the name covers; parts after it hold variables. */
  groundParts: number;
}

/** The outline of one module. */
export function documentSymbols(document: { text: string; module: Module }): DocumentSymbol[] {
  const { text, module } = document;
  const symbols: DocumentSymbol[] = [];
  if (module.package) {
    const symbol = packageSymbol(module.package);
    if (symbol) symbols.push(symbol);
  }
  const imports = module.imports.map(importSymbol).filter((symbol): symbol is DocumentSymbol => symbol !== undefined);
  if (imports.length > 0) {
    const range = { start: imports[0].range.start, end: imports[imports.length - 1].range.end };
    symbols.push({ name: 'imports', kind: 'namespace', range, selectionRange: imports[0].selectionRange, children: imports });
  }
  for (const group of ruleGroups(text, module.rules)) symbols.push(groupSymbol(text, group));
  return symbols;
}

/** The package name as written after `package`: the path without its `data` root. */
export function packageName(pkg: Package | undefined): string | undefined {
  const parts = pkg?.path;
  if (!parts || parts.length < 2) return undefined;
  return refName(parts.slice(1), true);
}

function packageSymbol(pkg: Package): DocumentSymbol | undefined {
  const name = packageName(pkg);
  if (!name) return undefined;
  const path = pkg.path.slice(1);
  const selectionRange = { start: path[0].range.start, end: path[path.length - 1].range.end };
  return { name, kind: 'package', range: pkg.range, selectionRange, detail: pkg.annotations?.find((annotation) => annotation.title)?.title };
}

function importSymbol(imported: Import): DocumentSymbol | undefined {
  if (!imported.path || imported.path.type !== 'ref' || imported.path.terms.length === 0) return undefined;
  return {
    name: termText(imported.path),
    detail: imported.alias ? `as ${imported.alias.name}` : undefined,
    kind: 'module',
    range: imported.range,
    selectionRange: imported.path.range,
  };
}

interface RuleGroup {
  name: RuleName;
  rules: Rule[];
}

/** Rules by name, in the order their first definitions appear. */
function ruleGroups(text: string, rules: Rule[]): RuleGroup[] {
  const groups = new Map<string, RuleGroup>();
  for (const rule of rules) {
    const name = ruleName(text, rule.head);
    if (!name) continue;
    const group = groups.get(name.name);
    if (group) group.rules.push(rule);
    else groups.set(name.name, { name, rules: [rule] });
  }
  return [...groups.values()];
}

function groupSymbol(text: string, group: RuleGroup): DocumentSymbol {
  const { rules, name } = group;
  const first = rules[0];
  if (rules.length === 1) {
    return { name: name.name, detail: headDetail(text, first, name), kind: ruleKind(text, first), range: first.range, selectionRange: name.range };
  }
  const children = rules.map((rule): DocumentSymbol => {
    const own = ruleName(text, rule.head) ?? name;
    return { name: name.name, detail: definitionDetail(text, rule, own), kind: ruleKind(text, rule), range: rule.range, selectionRange: own.range };
  });
  const functions = rules.some((rule) => rule.head.args !== undefined);
  return {
    name: name.name,
    detail: `${rules.length} ${functions ? 'clauses' : 'definitions'}`,
    kind: groupKind(text, rules),
    range: { start: first.range.start, end: Math.max(...rules.map((rule) => rule.range.end)) },
    selectionRange: name.range,
    children,
  };
}

/**
 * The name of the rule a head defines: its ref up to the first part that holds a variable, so that
 * `a.b.c := 1` is `a.b.c` and every `deny contains msg` or `p[x] := y` is one rule, `deny` or `p`.
 */
export function ruleName(text: string, head: Head | undefined): RuleName | undefined {
  const ref = head?.ref;
  if (!ref || ref.length === 0 || ref[0].type !== 'var') return undefined;
  let groundParts = 1;
  while (groundParts < ref.length && isScalar(ref[groundParts])) groundParts++;
  const parts = ref.slice(0, groundParts);
  return { name: refName(parts, false), range: { start: ref[0].range.start, end: closingBracketEnd(text, parts[parts.length - 1].range.end) }, groundParts };
}

/** The end of a ref part written in brackets (`p["a-b"]`) includes its `]`. */
function closingBracketEnd(text: string, end: number): number {
  let index = end;
  while (index < text.length && (text[index] === ' ' || text[index] === '\t')) index++;
  return text[index] === ']' ? index + 1 : end;
}

function isScalar(term: Term): boolean {
  return term.type === 'string' || term.type === 'number' || term.type === 'boolean' || term.type === 'null';
}

/** A ref's parts as Rego writes them: names after dots, anything else in brackets. */
function refName(parts: Term[], firstIsPart: boolean): string {
  return parts
    .map((part, index) => {
      if (index === 0 && !firstIsPart) return part.type === 'var' ? part.name : termText(part);
      const name = part.type === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(part.value) ? part.value : undefined;
      if (name) return index === 0 ? name : `.${name}`;
      return `[${termText(part)}]`;
    })
    .join('');
}

/** The head after the name, on one line: `contains msg`, `(a, b) := a`, `default := false`. */
function headDetail(text: string, rule: Rule, name: RuleName): string | undefined {
  const head = rule.head;
  const rest = oneLine(text.slice(name.range.end, Math.max(name.range.end, head.range.end)));
  const detail = `${rule.default ? 'default ' : ''}${rest}`.trim();
  return detail ? shorten(detail) : undefined;
}

/** A definition among several: its head, and the first literal of its body, which tells definitions apart. */
function definitionDetail(text: string, rule: Rule, name: RuleName): string | undefined {
  const head = headDetail(text, rule, name);
  const first = rule.body.find((expr) => !expr.generated);
  const body = first ? oneLine(text.slice(first.range.start, first.range.end)) : '';
  const detail = [head, body && `if ${body}`].filter(Boolean).join(' ');
  return detail ? shorten(detail) : undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function shorten(text: string): string {
  return text.length > DETAIL_LIMIT ? `${text.slice(0, DETAIL_LIMIT - 1)}…` : text;
}

/** Functions, multi-value rules (sets), rules building objects key by key, constants, and other rules. */
function ruleKind(text: string, rule: Rule): SymbolKind {
  const head = rule.head;
  if (head.args) return 'function';
  if (head.contains || (head.key && !head.value)) return 'array';
  const name = ruleName(text, head);
  if (head.key || (name && name.groundParts < head.ref.length)) return 'object';
  if (rule.default) return 'constant';
  const constantValue = head.value !== undefined && !head.generatedValue && isConstant(head.value);
  if (constantValue && rule.bodyStyle === 'none' && !rule.else) return 'constant';
  return 'variable';
}

/** A group is what its definitions other than `default` are; a lone default is a constant. */
function groupKind(text: string, rules: Rule[]): SymbolKind {
  const kinds = rules.filter((rule) => !rule.default).map((rule) => ruleKind(text, rule));
  if (kinds.length === 0) return 'constant';
  for (const kind of ['function', 'array', 'object', 'variable'] as const) if (kinds.includes(kind)) return kind;
  return kinds[0];
}


// Workspace symbols.

interface IndexEntry {
  symbol: Omit<WorkspaceSymbol, 'file'>;
  /** The name in lower case, and the qualified name (`pkg.name`) in lower case, for matching. */
  lower: string;
  qualified: string;
}

/**
 * The searchable declarations of each module, computed once: a module never changes after it is
 * parsed, and unchanged documents keep their module from one snapshot to the next.
 */
const indexes = new WeakMap<Module, IndexEntry[]>();

function documentIndex(document: { text: string; module: Module }): IndexEntry[] {
  const cached = indexes.get(document.module);
  if (cached) return cached;
  const entries: IndexEntry[] = [];
  const container = packageName(document.module.package);
  const add = (symbol: Omit<WorkspaceSymbol, 'file'>) => {
    const lower = symbol.name.toLowerCase();
    entries.push({ symbol, lower, qualified: container && symbol.container ? `${container.toLowerCase()}.${lower}` : lower });
  };
  for (const symbol of documentSymbols(document)) {
    if (symbol.kind === 'package') add({ name: symbol.name, kind: symbol.kind, range: symbol.range, selectionRange: symbol.selectionRange });
    else if (symbol.kind !== 'namespace') add({ name: symbol.name, kind: symbol.kind, container, range: symbol.range, selectionRange: symbol.selectionRange });
  }
  indexes.set(document.module, entries);
  return entries;
}

/**
 * Declarations across the snapshot whose name matches `query`: its characters in order, ignoring case
 * (`alw` finds `allow`). A query with a dot is also matched against `package.rule`. Best matches first:
 * exact names, then prefixes, then substrings, then scattered matches that start words.
 */
export function workspaceSymbols(snapshot: Snapshot, query: string, options: { limit?: number } = {}): WorkspaceSymbol[] {
  const limit = options.limit ?? 500;
  const needle = query.trim().toLowerCase();
  const qualifiedQuery = needle.includes('.');
  const found: { symbol: WorkspaceSymbol; score: number }[] = [];
  for (const document of snapshot.documents) {
    for (const entry of documentIndex(document)) {
      let score = matchScore(needle, entry.lower);
      if (qualifiedQuery && entry.qualified !== entry.lower) {
        const qualified = matchScore(needle, entry.qualified);
        if (qualified !== undefined && (score === undefined || qualified > score)) score = qualified;
      }
      if (score === undefined) continue;
      found.push({ symbol: { ...entry.symbol, file: document.file }, score });
    }
  }
  found.sort(
    (a, b) =>
      b.score - a.score ||
      a.symbol.name.length - b.symbol.name.length ||
      compareText(a.symbol.name, b.symbol.name) ||
      compareText(a.symbol.file, b.symbol.file) ||
      a.symbol.range.start - b.symbol.range.start,
  );
  return found.slice(0, limit).map(({ symbol }) => symbol);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * How well `candidate` (lower case) matches `query` (lower case), or undefined when the query's
 * characters do not all appear in it in order. Higher is better.
 */
export function matchScore(query: string, candidate: string): number | undefined {
  if (query.length === 0) return 0;
  if (candidate === query) return 1000;
  if (candidate.startsWith(query)) return 900 - Math.min(candidate.length - query.length, 99);
  const index = candidate.indexOf(query);
  if (index > 0) return (isWordStart(candidate, index) ? 800 : 700) - Math.min(index, 99);
  // Scattered: reward characters that start words (after `_` or `.`) and runs of adjacent characters.
  let score = 100;
  let position = -1;
  for (let i = 0; i < query.length; i++) {
    const next = candidate.indexOf(query[i], position + 1);
    if (next < 0) return undefined;
    if (next === position + 1) score += 5;
    if (isWordStart(candidate, next)) score += 10;
    score -= Math.min(next - position - 1, 10);
    position = next;
  }
  return Math.max(1, Math.min(score, 699));
}

function isWordStart(text: string, index: number): boolean {
  if (index === 0) return true;
  const before = text[index - 1];
  return before === '_' || before === '.' || before === '-';
}
