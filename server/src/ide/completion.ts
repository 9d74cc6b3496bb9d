/**
 * Completion items as plain data. What is offered depends on where the cursor is: after `import ` or
 * `package ` come paths; after a dot come the members of what is before it (packages and rules below a
 * `data` path, keys of the active input, members of a built-in namespace such as `strings.`, keys of a
 * local or rule whose value has a known shape); at the
 * left margin come statements (rule skeletons, `default`, `import`); elsewhere come the names in scope
 * (locals, rules of the package, imports), built-ins with a placeholder per parameter, and keywords.
 * Each item says which text it replaces, so a client need not guess word boundaries.
 */
import type * as Ast from '../ast/nodes';
import type { Range } from '../ast/nodes';
import { BUILTINS } from '../builtins/index';
import type { Builtin } from '../builtins/declaration';
import { ObjectValue, toJSON, typeOf, type Value } from '../value/value';
import { builtinMarkdown, inputValueAt, ruleMarkdown } from './hover';
import { keywordDoc } from './keywords';
import { inCommentOrString, nameBefore, openBrackets, tokensNear } from './lexical';
import { pathText } from './resolve';
import { builtinSignature, callSnippet, functionSignature } from './signatures';
import type { Snapshot } from './snapshot';
import { groundPrefix, pathKey, scopeAt, startsWith, symbolIndex, type InputSegment, type LocalSymbol, type ModuleSymbols, type RuleDefinition, type SymbolIndex } from './symbols';

export type CompletionKind = 'keyword' | 'snippet' | 'function' | 'builtin' | 'rule' | 'variable' | 'package' | 'field';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  /** One line shown next to the label: a signature, a path or a type. */
  detail?: string;
  /** Markdown; a function where it costs something to write, so that it is written only when shown. */
  documentation?: string | (() => string);
  /** What to insert instead of the label; with `snippet`, `${1:name}` placeholders and `$0` for the final cursor. */
  insertText?: string;
  snippet?: boolean;
  sortText?: string;
  /** The text before the cursor that the item replaces. */
  range: Range;
  deprecated?: boolean;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Groups, in the order they are listed: names in scope first, then statements and keywords, then built-ins. */
const ORDER = { local: '0', rule: '1', root: '2', snippet: '3', keyword: '4', builtin: '5', deprecated: '6' } as const;

function sortText(group: keyof typeof ORDER, label: string): string {
  return `${ORDER[group]}_${label}`;
}

/** An item's documentation, written now if it was left for later. */
export function documentationOf(item: CompletionItem): string | undefined {
  return typeof item.documentation === 'function' ? item.documentation() : item.documentation;
}

export function completions(snapshot: Snapshot, file: string, offset: number): CompletionItem[] {
  const document = snapshot.get(file);
  if (!document) return [];
  const text = document.text;
  if (inCommentOrString(document, offset)) return [];
  const { segments, partial, start, partialStart } = nameBefore(text, offset);
  if (/^[0-9]/.test(partial)) return [];
  // A dot after something that is not a plain name (`f(x).`, `xs[0].`): its members are not known.
  if (segments.length === 0 && text[partialStart - 1] === '.') return [];
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const linePrefix = text.slice(lineStart, start);
  const range = { start: partialStart, end: offset };
  const index = symbolIndex(snapshot);
  const symbols = index.moduleAround(file, offset);
  if (!symbols) return [];
  const context: Context = { snapshot, index, symbols, offset, range };
  if (/^\s*import\s+$/.test(linePrefix)) return importCompletions(context, segments);
  if (/^\s*package\s+$/.test(linePrefix)) return packageCompletions(context, { start, end: offset });
  if (segments.length > 0) return memberCompletions(context, segments);
  if (linePrefix === '' && openBrackets(tokensNear(document, offset), offset).length === 0) return topLevelCompletions(context);
  return bodyCompletions(context);
}

interface Context {
  snapshot: Snapshot;
  index: SymbolIndex;
  symbols: ModuleSymbols;
  offset: number;
  range: Range;
}

function keywordItem(context: Context, keyword: string): CompletionItem {
  const doc = keywordDoc(keyword);
  const item: CompletionItem = { label: keyword, kind: 'keyword', range: context.range, sortText: sortText('keyword', keyword) };
  if (doc) {
    item.detail = 'keyword';
    item.documentation = `${doc.summary}\n\n\`\`\`rego\n${doc.example}\n\`\`\``;
  }
  return item;
}

function snippetItem(context: Context, label: string, insertText: string, detail: string): CompletionItem {
  return { label, kind: 'snippet', detail, insertText, snippet: true, range: context.range, sortText: sortText('snippet', label) };
}

function builtinItem(context: Context, builtin: Builtin, label = builtin.name): CompletionItem {
  const signature = builtinSignature(builtin);
  const item: CompletionItem = {
    label,
    kind: 'builtin',
    detail: signature.label,
    documentation: () => builtinMarkdown(builtin),
    insertText: callSnippet(label, signature.parameters.map((parameter) => parameter.name)),
    snippet: true,
    range: context.range,
    sortText: sortText(builtin.deprecated ? 'deprecated' : 'builtin', builtin.name),
  };
  if (builtin.deprecated) item.deprecated = true;
  return item;
}

/** Built-ins a policy calls by name: not operators' forms nor the compiler's internal ones. */
function callableBuiltins(): Builtin[] {
  return BUILTINS.filter((builtin) => !builtin.infix && !builtin.name.startsWith('internal.'));
}

/** A rule or function of the data tree, as it is completed: functions with their arguments as placeholders. */
function ruleItem(context: Context, name: string, path: string[], definitions: RuleDefinition[], call: boolean): CompletionItem {
  const functionDefinition = definitions.find((definition) => definition.rule.head.args);
  const item: CompletionItem = {
    label: name,
    kind: functionDefinition ? 'function' : 'rule',
    detail: pathText(path),
    documentation: () => ruleMarkdown(context.snapshot, path, definitions),
    range: context.range,
    sortText: sortText('rule', name),
  };
  if (functionDefinition && call) {
    const signature = functionSignature(name, functionDefinition.rule.head);
    item.detail = `${signature.label} (${pathText(path)})`;
    const names = (functionDefinition.rule.head.args ?? []).map((arg, position) => (arg.type === 'var' ? arg.name : `arg${position + 1}`));
    item.insertText = callSnippet(name, names);
    item.snippet = true;
  }
  return item;
}

/** Packages and rules one segment below a data path. */
function dataChildren(context: Context, path: string[], call: boolean): CompletionItem[] {
  const items = new Map<string, CompletionItem>();
  for (const definition of context.index.packages) {
    if (definition.path.length <= path.length || !startsWith(definition.path, path)) continue;
    const name = definition.path[path.length];
    if (!IDENTIFIER.test(name) || items.has(name)) continue;
    items.set(name, { label: name, kind: 'package', detail: pathText(definition.path.slice(0, path.length + 1)), range: context.range, sortText: sortText('rule', name) });
  }
  const rulesBelow = new Map<string, RuleDefinition[]>();
  for (const definition of context.index.rules) {
    if (definition.path.length <= path.length || !startsWith(definition.path, path)) continue;
    const name = definition.path[path.length];
    if (!IDENTIFIER.test(name)) continue;
    const list = rulesBelow.get(name) ?? [];
    list.push(definition);
    rulesBelow.set(name, list);
  }
  for (const [name, definitions] of rulesBelow) {
    const childPath = [...path, name];
    const exact = definitions.filter((definition) => definition.path.length === childPath.length);
    if (exact.length > 0) items.set(name, ruleItem(context, name, childPath, exact, call));
    else if (!items.has(name)) items.set(name, { label: name, kind: 'rule', detail: pathText(childPath), range: context.range, sortText: sortText('rule', name) });
  }
  // Keys of the data files below the path, where no package or rule has the name.
  for (const item of documentKeys(context, inputValueAt(context.snapshot.data, path.slice(1)), 'data', path.slice(1), 'the data files')) {
    if (!items.has(item.label)) items.set(item.label, item);
  }
  return [...items.values()];
}

/** Keys of the active input at a path. */
function inputChildren(context: Context, path: InputSegment[]): CompletionItem[] {
  return documentKeys(context, inputValueAt(context.snapshot.input, path), 'input', path, 'the active input');
}

/** Keys of an object document (the input, or data from data files) at a path, with an example each. */
function documentKeys(context: Context, value: Value | undefined, root: string, path: InputSegment[], source: string): CompletionItem[] {
  if (!(value instanceof ObjectValue)) return [];
  const items: CompletionItem[] = [];
  for (const [key, child] of value.entries()) {
    if (typeof key !== 'string' || !IDENTIFIER.test(key)) continue;
    const example = toJSON(child);
    items.push({
      label: key,
      kind: 'field',
      detail: typeOf(child),
      documentation: `\`${pathText([root, ...path, key])}\` in ${source}:\n\n\`\`\`json\n${example.length > 200 ? `${example.slice(0, 200)}…` : example}\n\`\`\``,
      range: context.range,
      sortText: sortText('rule', key),
    });
  }
  return items;
}

/**
 * What a name before a dot is known to hold: a place in the input or in data (where rules, packages and
 * data files say what is below it), or an object written in the policy. Unknown shapes offer nothing.
 */
type Shape =
  | { kind: 'input'; path: InputSegment[] }
  | { kind: 'data'; path: InputSegment[] }
  | { kind: 'object'; file: string; term: Ast.ObjectTerm }
  | undefined;

/** How far one name may lead to another (`a := b`, `b := c.d`, ...) before the shape counts as unknown, which also ends cycles. */
const SHAPE_DEPTH = 10;

/** The members of a shape, as completion items. */
function shapeMembers(context: Context, shape: Shape, depth: number): CompletionItem[] {
  switch (shape?.kind) {
    case 'input':
      return inputChildren(context, shape.path);
    case 'data':
      return dataMembers(context, shape.path, depth);
    case 'object':
      return objectKeys(context, shape.file, shape.term);
    default:
      return [];
  }
}

/**
 * Members below a data path: packages and rules, keys of the data files, and, where the path is a rule or
 * lies inside one, the keys of the rule's value (`limits := {"max": 1}` gives `limits.max`).
 */
function dataMembers(context: Context, path: InputSegment[], depth: number): CompletionItem[] {
  const ground = path.every((part): part is string => typeof part === 'string');
  const items = new Map<string, CompletionItem>();
  const found = ground ? dataChildren(context, path, true) : documentKeys(context, inputValueAt(context.snapshot.data, path.slice(1)), 'data', path.slice(1), 'the data files');
  for (const item of found) items.set(item.label, item);
  for (let length = path.length; length > 1; length--) {
    const prefix = path.slice(0, length);
    if (!prefix.every((part): part is string => typeof part === 'string')) continue;
    const definitions = context.index.rulesAt(prefix);
    if (definitions.length === 0) continue;
    for (const definition of definitions) {
      const head = definition.rule.head;
      // Only a rule with one value has keys: not a function, a multi-value rule or a rule with variables in its name.
      if (head.args || head.key || !head.value || head.generatedValue || groundPrefix(head.ref).length !== head.ref.length) continue;
      const shape = descend(context, termShape(context, definition.file, head.value, depth + 1), path.slice(length), depth + 1);
      for (const item of shapeMembers(context, shape, depth + 1)) if (!items.has(item.label)) items.set(item.label, item);
    }
    break;
  }
  return [...items.values()];
}

/** The constant keys of an object written in the policy, each with its value's type and text. */
function objectKeys(context: Context, file: string, term: Ast.ObjectTerm): CompletionItem[] {
  const text = context.snapshot.get(file)?.text ?? '';
  const items = new Map<string, CompletionItem>();
  for (const [key, value] of term.entries) {
    if (key.type !== 'string' || !IDENTIFIER.test(key.value) || items.has(key.value)) continue;
    const source = text.slice(key.range.start, value.range.end);
    const item: CompletionItem = {
      label: key.value,
      kind: 'field',
      documentation: `\`\`\`rego\n${source.length > 200 ? `${source.slice(0, 200)}…` : source}\n\`\`\``,
      range: context.range,
      sortText: sortText('rule', key.value),
    };
    const type = TERM_TYPES[value.type];
    if (type) item.detail = type;
    items.set(key.value, item);
  }
  return [...items.values()];
}

/** The type a literal term has, as `typeOf` names the types of values. */
const TERM_TYPES: Partial<Record<Ast.Term['type'], string>> = {
  null: 'null',
  boolean: 'boolean',
  number: 'number',
  string: 'string',
  templatestring: 'string',
  array: 'array',
  arraycomprehension: 'array',
  set: 'set',
  setcomprehension: 'set',
  object: 'object',
  objectcomprehension: 'object',
};

/** A shape followed down some keys; an element picked by a variable is `null`. */
function descend(context: Context, shape: Shape, segments: InputSegment[], depth: number): Shape {
  if (!shape || segments.length === 0) return shape;
  switch (shape.kind) {
    case 'input':
      return { kind: 'input', path: [...shape.path, ...segments] };
    case 'data':
      return { kind: 'data', path: [...shape.path, ...segments] };
    case 'object': {
      const [first, ...rest] = segments;
      const entry = shape.term.entries.find(([key]) => key.type === 'string' && key.value === first);
      return entry ? descend(context, termShape(context, shape.file, entry[1], depth + 1), rest, depth + 1) : undefined;
    }
  }
}

/** The shape of a term in a file: an object literal, or a ref whose first name has a shape of its own. */
function termShape(context: Context, file: string, term: Ast.Term, depth: number): Shape {
  if (depth > SHAPE_DEPTH) return undefined;
  if (term.type === 'object') return { kind: 'object', file, term };
  const terms = term.type === 'ref' ? term.terms : term.type === 'var' ? [term] : undefined;
  const head = terms?.[0];
  if (!terms || head?.type !== 'var') return undefined;
  // The symbol index already knows what the first name means there, scoping and imports included.
  const occurrence = context.index.module(file)?.occurrences.find((candidate) => candidate.range.start === head.range.start && candidate.range.end === head.range.end);
  const symbol = occurrence?.symbol;
  let shape: Shape;
  if (symbol?.kind === 'local') shape = localShape(context, symbol.local, depth + 1);
  else if (symbol?.kind === 'data') shape = { kind: 'data', path: symbol.path };
  else if (symbol?.kind === 'input') shape = { kind: 'input', path: symbol.path };
  else if (symbol?.kind === 'import') shape = symbol.import.root === 'data' ? { kind: 'data', path: ['data', ...symbol.import.path] } : { kind: 'input', path: symbol.import.path };
  const segments = terms.slice(1).map((part): InputSegment => (part.type === 'string' ? part.value : part.type === 'number' && /^\d+$/.test(part.text) ? Number(part.text) : null));
  return descend(context, shape, segments, depth + 1);
}

/**
 * The shape of a local from what binds it: `x := term` and `x = term` give the term's shape; `some x in xs`,
 * `some k, x in xs` and `every x in xs` give the shape of an element of `xs`. Arguments, keys and
 * destructured patterns have no known shape.
 */
function localShape(context: Context, local: LocalSymbol, depth: number): Shape {
  if (depth > SHAPE_DEPTH) return undefined;
  const document = context.snapshot.get(local.file);
  const binding = document && bindingOf(document.module, local);
  if (!binding) return undefined;
  const shape = termShape(context, local.file, binding.term, depth + 1);
  return binding.element ? descend(context, shape, [null], depth + 1) : shape;
}

/** The term a local is bound to, and whether the local is one element of it; found by walking down to the declaration. */
function bindingOf(module: Ast.Module, local: LocalSymbol): { term: Ast.Term; element: boolean } | undefined {
  const at = local.declaration;
  const holds = (range: Range) => range.start <= at.start && at.end <= range.end;
  const isLocal = (term: Ast.Term | undefined) => term?.type === 'var' && term.range.start === at.start && term.range.end === at.end;
  const inTerm = (term: Ast.Term): { term: Ast.Term; element: boolean } | undefined => {
    if (!holds(term.range)) return undefined;
    switch (term.type) {
      case 'arraycomprehension':
      case 'setcomprehension':
      case 'objectcomprehension':
        return inBody(term.body);
      case 'call':
        return firstOf(term.args, inTerm);
      case 'ref':
        return firstOf(term.terms, inTerm);
      case 'array':
      case 'set':
        return firstOf(term.items, inTerm);
      case 'object':
        return firstOf(term.entries.flat(), inTerm);
      case 'templatestring':
        return firstOf(term.parts, (part) => (part.type === 'expr' ? inExpr(part) : inTerm(part)));
      default:
        return undefined;
    }
  };
  const inExpr = (expr: Ast.Expr): { term: Ast.Term; element: boolean } | undefined => {
    if (!holds(expr.range)) return undefined;
    const terms = expr.terms;
    switch (terms.type) {
      case 'some': {
        const [membership] = terms.symbols;
        if (membership?.type !== 'call' || terms.symbols.length !== 1 || membership.args.length < 2) return undefined;
        const domain = membership.args[membership.args.length - 1];
        // `some x in xs` binds an element; `some k, x in xs` a key and an element, and keys have no shape here.
        return isLocal(membership.args[membership.args.length - 2]) ? { term: domain, element: true } : inTerm(domain);
      }
      case 'every':
        return isLocal(terms.value) ? { term: terms.domain, element: true } : (inTerm(terms.domain) ?? inBody(terms.body));
      case 'query':
        return inBody(terms.body);
      case 'logical':
        return inExpr(terms.left) ?? inExpr(terms.right);
      default:
        if (terms.type === 'call' && (terms.infix === ':=' || terms.infix === '=') && terms.args.length === 2) {
          const [left, right] = terms.args;
          if (isLocal(left)) return { term: right, element: false };
          if (terms.infix === '=' && isLocal(right)) return { term: left, element: false };
        }
        return inTerm(terms);
    }
  };
  const inBody = (body: Ast.Body) => firstOf(body, inExpr);
  for (const rule of module.rules) {
    for (let clause: Ast.Rule | undefined = rule; clause; clause = clause.else) {
      if (!holds(clause.range)) continue;
      const head = clause.head;
      const found = inBody(clause.body) ?? firstOf([head.key, head.value].filter((term): term is Ast.Term => term !== undefined), inTerm);
      if (found) return found;
    }
  }
  return undefined;
}

function firstOf<T, R>(items: readonly T[], find: (item: T) => R | undefined): R | undefined {
  for (const item of items) {
    const found = find(item);
    if (found) return found;
  }
  return undefined;
}

/**
 * Locals visible at the offset: the innermost scope's chain, with `:=` and `some` declarations only once
 * a newline or `;` ends the declaring expression, and without the word being typed.
 */
function localsAt(context: Context): LocalSymbol[] {
  const { symbols, offset, range } = context;
  let innermost = scopeAt(symbols, offset);
  if (!innermost && openBrackets(tokensNear(symbols.document, offset), offset).length > 0) {
    // The rule around the cursor is unfinished and its tree ends before the cursor: use the last rule begun.
    innermost = symbols.scopes.filter((scope) => scope.kind === 'rule' && scope.range.start < offset).sort((a, b) => b.range.start - a.range.start)[0];
  }
  const seen = new Set<string>();
  const locals: LocalSymbol[] = [];
  for (let scope = innermost; scope; scope = scope.parent) {
    for (const local of scope.symbols) {
      if (seen.has(local.name) || local.name === '_') continue;
      // The word being typed is no variable yet, even if the partial tree reads it as one.
      if (local.declaration.start === range.start) continue;
      if ((local.binding === 'assign' || local.binding === 'some') && !/[\n;]/.test(context.snapshot.get(local.file)!.text.slice(local.visibleFrom, offset))) continue;
      if (local.binding === 'every' && local.visibleFrom >= offset) continue;
      seen.add(local.name);
      locals.push(local);
    }
  }
  return locals;
}

const BINDING_DETAIL: Record<LocalSymbol['binding'], string> = {
  assign: 'local, :=',
  some: 'local, some',
  argument: 'argument',
  every: 'local, every',
  unification: 'local',
};

function bodyCompletions(context: Context): CompletionItem[] {
  const items: CompletionItem[] = [];
  const names = new Set<string>();
  for (const local of localsAt(context)) {
    names.add(local.name);
    items.push({ label: local.name, kind: 'variable', detail: BINDING_DETAIL[local.binding], range: context.range, sortText: sortText('local', local.name) });
  }
  const packagePath = context.symbols.packagePath;
  if (packagePath) {
    for (const item of dataChildren(context, packagePath, true)) {
      if (names.has(item.label) || !context.symbols.globals.has(item.label)) continue;
      names.add(item.label);
      items.push(item);
    }
  }
  for (const imported of context.symbols.imports) {
    if (names.has(imported.name)) continue;
    names.add(imported.name);
    items.push({
      label: imported.name,
      kind: imported.root === 'input' ? 'field' : context.index.rulesAt(['data', ...imported.path]).length > 0 ? 'rule' : 'package',
      detail: `import ${pathText([imported.root, ...imported.path])}`,
      range: context.range,
      sortText: sortText('rule', imported.name),
    });
  }
  for (const root of ['data', 'input']) {
    if (names.has(root)) continue;
    items.push({ label: root, kind: 'variable', detail: root === 'data' ? 'all policies and data documents' : 'the input document', range: context.range, sortText: sortText('root', root) });
  }
  items.push(
    snippetItem(context, 'some … in', 'some ${1:x} in ${2:collection}', 'iterate over a collection'),
    snippetItem(context, 'some k, v in', 'some ${1:key}, ${2:value} in ${3:collection}', 'iterate over keys and values'),
    snippetItem(context, 'every … in', 'every ${1:x} in ${2:collection} {\n\t$0\n}', 'check every element'),
    snippetItem(context, '[ | ]', '[${1:x} | ${2:some x in xs}]', 'array comprehension'),
    snippetItem(context, '{ | }', '{${1:x} | ${2:some x in xs}}', 'set comprehension'),
    snippetItem(context, '{ : | }', '{${1:k}: ${2:v} | ${3:some k, v in xs}}', 'object comprehension'),
  );
  for (const keyword of ['some', 'every', 'not', 'in', 'with', 'as', 'if', 'else', 'contains', 'true', 'false', 'null']) items.push(keywordItem(context, keyword));
  for (const builtin of callableBuiltins()) if (!names.has(builtin.name)) items.push(builtinItem(context, builtin));
  return items;
}

function topLevelCompletions(context: Context): CompletionItem[] {
  const items: CompletionItem[] = [];
  const module = context.symbols.document.module;
  if (!module.package) items.push(snippetItem(context, 'package', 'package ${1:name}', 'start the file: the package its rules belong to'));
  items.push(
    snippetItem(context, 'import', 'import data.${1:path}', 'import a package or rule'),
    snippetItem(context, 'rule if', '${1:allow} if {\n\t$0\n}', 'a rule that is true when its body holds'),
    snippetItem(context, 'rule :=', '${1:name} := ${2:value} if {\n\t$0\n}', 'a rule with a value'),
    snippetItem(context, 'contains', '${1:deny} contains ${2:msg} if {\n\t$0\n}', 'a multi-value rule'),
    snippetItem(context, 'function', '${1:name}(${2:x}) := ${3:result} if {\n\t$0\n}', 'a function'),
    snippetItem(context, 'default', 'default ${1:allow} := ${2:false}', 'the value when no definition applies'),
    snippetItem(context, 'test', 'test_${1:name} if {\n\t$0\n}', 'a test rule'),
    keywordItem(context, 'else'),
  );
  // Another definition of a rule the package already has.
  const packagePath = context.symbols.packagePath;
  if (packagePath) {
    for (const item of dataChildren(context, packagePath, false)) if (context.symbols.globals.has(item.label)) items.push(item);
  }
  return items;
}

function memberCompletions(context: Context, segments: string[]): CompletionItem[] {
  const [head, ...rest] = segments;
  const symbols = context.symbols;
  const prefix = `${segments.join('.')}.`;
  const namespace = callableBuiltins().filter((builtin) => builtin.name.startsWith(prefix));
  // An unknown name reads as a variable bound by unification; a built-in namespace is the likelier meaning.
  const local = localsAt(context).find((candidate) => candidate.name === head);
  if (local && (local.binding !== 'unification' || namespace.length === 0)) return shapeMembers(context, descend(context, localShape(context, local, 0), rest, 0), 0);
  if (head === 'data') return dataMembers(context, ['data', ...rest], 0);
  if (head === 'input') return inputChildren(context, rest);
  const imported = symbols.imports.find((candidate) => candidate.name === head);
  if (imported) {
    return imported.root === 'data' ? dataMembers(context, ['data', ...imported.path, ...rest], 0) : inputChildren(context, [...imported.path, ...rest]);
  }
  if (symbols.globals.has(head) && symbols.packagePath) return dataMembers(context, [...symbols.packagePath, head, ...rest], 0);
  // A built-in namespace: `strings.` lists `strings.replace_n` as `replace_n`, `crypto.` lists `x509` once.
  const items = new Map<string, CompletionItem>();
  for (const builtin of namespace) {
    const member = builtin.name.slice(prefix.length);
    const dot = member.indexOf('.');
    if (dot >= 0) {
      const namespace = member.slice(0, dot);
      if (!items.has(namespace)) items.set(namespace, { label: namespace, kind: 'package', detail: `${prefix}${namespace}`, range: context.range, sortText: sortText('builtin', namespace) });
    } else {
      items.set(member, builtinItem(context, builtin, member));
    }
  }
  return [...items.values()];
}

const FUTURE_KEYWORDS = ['in', 'every', 'if', 'contains', 'and', 'or', 'not'];

function importCompletions(context: Context, segments: string[]): CompletionItem[] {
  const { range } = context;
  if (segments.length === 0) {
    return [
      { label: 'data', kind: 'package', detail: 'import a package or rule', range, sortText: sortText('rule', 'data') },
      { label: 'input', kind: 'variable', detail: 'import part of the input', range, sortText: sortText('rule', 'input') },
      { label: 'rego', kind: 'package', detail: 'rego.v1', range, sortText: sortText('keyword', 'rego') },
      { label: 'future', kind: 'package', detail: 'future.keywords', range, sortText: sortText('keyword', 'future') },
    ];
  }
  const [head, ...rest] = segments;
  if (head === 'data') return dataChildren(context, ['data', ...rest], false);
  if (head === 'input') return inputChildren(context, rest);
  if (head === 'rego' && rest.length === 0) return [{ label: 'v1', kind: 'keyword', detail: 'follow Rego v1 in this file', range }];
  if (head === 'future' && rest.length === 0) return [{ label: 'keywords', kind: 'package', detail: 'future.keywords', range }];
  if (head === 'future' && rest.length === 1 && rest[0] === 'keywords') {
    return FUTURE_KEYWORDS.map((keyword) => ({ ...keywordItem(context, keyword), detail: `turn on \`${keyword}\`` }));
  }
  return [];
}

/** Package paths already used in the workspace, as a whole: `package lib.util|`. */
function packageCompletions(context: Context, range: Range): CompletionItem[] {
  const seen = new Set<string>();
  const items: CompletionItem[] = [];
  for (const definition of context.index.packages) {
    if (definition.file === context.symbols.document.file) continue;
    const key = pathKey(definition.path);
    if (seen.has(key)) continue;
    seen.add(key);
    const name = pathText(definition.path).replace(/^data\./, '');
    items.push({ label: name, kind: 'package', detail: pathText(definition.path), range, sortText: sortText('rule', name) });
  }
  return items;
}
