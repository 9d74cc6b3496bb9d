/**
 * Go to definition, find references, rename and document highlight. They read the same occurrences
 * of the symbol index, so a rule is found through `data.` refs, other files of its package and
 * imports alike, and a local variable only within its own scope. Rename works on the symbol's
 * occurrences as they are written: a quoted ref segment (`data.x["name"]`) stays quoted.
 */
import type { Range } from '../ast/nodes';
import { KEYWORDS } from '../syntax/tokens';
import { occurrencesOf, pathText, resolve, type Target } from './resolve';
import type { Snapshot } from './snapshot';
import { pathKey, scopeAt, startsWith, symbolIndex, type ImportSymbol, type LocalSymbol, type ModuleSymbols, type Occurrence, type ScopeRecord, type SymbolIndex } from './symbols';

export interface Location {
  file: string;
  range: Range;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface FileEdits {
  file: string;
  edits: TextEdit[];
}

export type RenameResult = { edits: FileEdits[] } | { error: string };

export interface Highlight {
  range: Range;
  /** A definition or binding writes the symbol; any other occurrence reads it. */
  kind: 'read' | 'write';
}

/** Where the symbol at the offset is defined: a rule's every definition, a local's binding, a package's statements. */
export function definition(snapshot: Snapshot, file: string, offset: number): Location[] {
  const resolution = resolve(snapshot, file, offset);
  if (!resolution) return [];
  return definitionsOf(resolution.target);
}

function definitionsOf(target: Target): Location[] {
  switch (target.kind) {
    case 'rule':
      return target.definitions.map((definition) => ({ file: definition.file, range: definition.range }));
    case 'package': {
      const exact = target.definitions.filter((definition) => definition.path.length === target.path.length);
      return (exact.length > 0 ? exact : target.definitions).map((definition) => ({ file: definition.file, range: definition.range }));
    }
    case 'data':
      return target.rules.map((definition) => ({ file: definition.file, range: definition.range }));
    case 'local':
      return [{ file: target.local.file, range: target.local.declaration }];
    case 'import': {
      // An alias leads on to what it imports; when that is nowhere in the workspace, to the alias itself.
      const inner = target.target ? definitionsOf(target.target) : [];
      if (inner.length > 0) return inner;
      return target.node.alias ? [{ file: target.file, range: target.node.alias.range }] : [];
    }
    default:
      return [];
  }
}

function symbolOccurrences(snapshot: Snapshot, file: string, offset: number): Occurrence[] | undefined {
  const resolution = resolve(snapshot, file, offset);
  if (!resolution?.occurrence) return undefined;
  const key = resolution.occurrence.key;
  if (resolution.occurrence.symbol.kind === 'local') {
    // A local lives in one file: no need to look through the others.
    return symbolIndex(snapshot).module(file)?.occurrences.filter((occurrence) => occurrence.key === key) ?? [];
  }
  return occurrencesOf(symbolIndex(snapshot), key);
}

/** Every occurrence of the symbol at the offset; definitions and bindings only when asked for. */
export function references(snapshot: Snapshot, file: string, offset: number, options: { includeDeclaration?: boolean } = {}): Location[] {
  const occurrences = symbolOccurrences(snapshot, file, offset) ?? [];
  return occurrences
    .filter((occurrence) => options.includeDeclaration !== false || occurrence.role === 'reference')
    .map((occurrence) => ({ file: occurrence.file, range: occurrence.range }));
}

/** Occurrences of the symbol at the offset in the same document. */
export function documentHighlights(snapshot: Snapshot, file: string, offset: number): Highlight[] {
  const occurrences = symbolOccurrences(snapshot, file, offset) ?? [];
  return occurrences
    .filter((occurrence) => occurrence.file === file)
    .map((occurrence) => ({ range: occurrence.range, kind: occurrence.role === 'reference' ? 'read' : 'write' }));
}

/** Why the symbol at the offset cannot be renamed, or undefined when it can. */
function renameRefusal(target: Target, occurrence: Occurrence | undefined): string | undefined {
  switch (target.kind) {
    case 'keyword':
      return `\`${target.keyword}\` is a keyword and cannot be renamed.`;
    case 'builtin':
      return `\`${target.builtin.name}\` is a built-in function and cannot be renamed.`;
    case 'input':
      return target.path.length === 0 ? '`input` is the root of the input document and cannot be renamed.' : 'Fields of `input` come from the input document, not from the policy, so they cannot be renamed here.';
    case 'import':
      return target.symbol && target.node.alias ? undefined : 'This import names no document of the workspace.';
    case 'package':
    case 'rule':
      return target.path.length <= 1 ? '`data` is the root document and cannot be renamed.' : undefined;
    case 'data':
      if (target.path.length <= 1) return '`data` is the root document and cannot be renamed.';
      return target.rules.length === 0 ? `No rule or package in the workspace defines \`${pathText(target.path)}\`.` : undefined;
    case 'local':
      return target.local.name === '_' || !occurrence ? 'The wildcard `_` cannot be renamed.' : undefined;
  }
}

/** The name the rename starts from, or why there is nothing to rename at the offset. */
export function prepareRename(snapshot: Snapshot, file: string, offset: number): { range: Range; placeholder: string } | { error: string } {
  const resolution = resolve(snapshot, file, offset);
  if (!resolution) return { error: 'There is no symbol here to rename.' };
  const refusal = renameRefusal(resolution.target, resolution.occurrence);
  if (refusal) return { error: refusal };
  const occurrence = resolution.occurrence!;
  const text = snapshot.get(file)?.text ?? '';
  const range = occurrence.quoted ? { start: occurrence.range.start + 1, end: occurrence.range.end - 1 } : occurrence.range;
  return { range, placeholder: text.slice(range.start, range.end) };
}

const RESERVED = new Set([...KEYWORDS.keys(), 'data', 'input']);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Why `newName` cannot be a name at all: not an identifier, or a keyword or root of Rego. */
function invalidName(newName: string): string | undefined {
  if (!IDENTIFIER.test(newName)) return `\`${newName}\` is not a valid Rego name: use letters, digits and \`_\`, not starting with a digit.`;
  if (newName === 'data' || newName === 'input') return `\`${newName}\` is reserved in Rego: it is the root of the ${newName === 'data' ? 'data' : 'input'} document.`;
  if (RESERVED.has(newName)) return `\`${newName}\` is a keyword, and keywords are reserved in Rego.`;
  return undefined;
}

/**
 * Why renaming to `newName` would change what names mean, or undefined when the new name is free. A
 * rename is refused rather than allowed to capture: afterwards every occurrence of the renamed symbol
 * must still mean it, and every other name must still mean what it meant before.
 */
function renameClash(snapshot: Snapshot, file: string, offset: number, newName: string): string | undefined {
  const resolution = resolve(snapshot, file, offset);
  if (!resolution?.occurrence) return undefined;
  const index = symbolIndex(snapshot);
  const target = resolution.target;
  switch (target.kind) {
    case 'rule':
    case 'package':
    case 'data': {
      if (target.path[target.path.length - 1] === newName) return undefined;
      return pathClash(index, target.path, newName) ?? captureClash(index, resolution.occurrence.key, newName, gainingFiles(index, target.path), target.kind === 'package' ? 'package' : 'rule');
    }
    case 'local':
      if (target.local.name === newName) return undefined;
      return localClash(index, target.local, newName);
    case 'import': {
      const imported = target.symbol;
      if (!imported || imported.name === newName) return undefined;
      return captureClash(index, resolution.occurrence.key, newName, new Map([[imported.file, 'import']]), 'import', imported);
    }
    default:
      return undefined;
  }
}

/**
 * A rule or package that already lives at the new path, at a path below it, or above it (the new path
 * would lie inside a rule's value). Rules and packages that move with the rename do not count.
 */
function pathClash(index: SymbolIndex, path: string[], newName: string): string | undefined {
  const newPath = [...path.slice(0, -1), newName];
  const newText = pathText(newPath);
  for (const rule of index.rules) {
    if (startsWith(rule.path, path)) continue;
    if (pathKey(rule.path) === pathKey(newPath)) return `A rule named \`${newText}\` already exists.`;
    if (startsWith(rule.path, newPath) || startsWith(newPath, rule.path)) return `\`${newText}\` is already used by the rule \`${pathText(rule.path)}\`.`;
  }
  for (const definition of index.packages) {
    if (startsWith(definition.path, path)) continue;
    if (pathKey(definition.path) === pathKey(newPath)) return `A package \`${newText}\` already exists.`;
    if (startsWith(definition.path, newPath)) return `\`${newText}\` is already used by the package \`${pathText(definition.path)}\`.`;
  }
  return undefined;
}

/** How a file comes to know the renamed name without a dot before it: as a rule of its package, or as an import. */
type Gain = 'package' | 'import';

/**
 * The files where the last segment of `path` is a bare name: the files of its package when it names a
 * rule there (`allow`, or `roles` of `roles.admin := ...`), and files that import exactly that path.
 */
function gainingFiles(index: SymbolIndex, path: string[]): Map<string, Gain> {
  const files = new Map<string, Gain>();
  const packagePath = path.slice(0, -1);
  const packageLevel = index.rules.some((rule) => startsWith(rule.path, path) && rule.packagePath.length === packagePath.length);
  for (const symbols of index.all()) {
    if (packageLevel && symbols.packagePath && pathKey(symbols.packagePath) === pathKey(packagePath)) files.set(symbols.document.file, 'package');
    else if (symbols.imports.some((imported) => imported.root === 'data' && !imported.node.alias && pathKey(['data', ...imported.path]) === pathKey(path))) files.set(symbols.document.file, 'import');
  }
  return files;
}

/**
 * Names a renamed rule, package or import alias would capture or be captured by. Where it is used by its
 * bare name, a variable of the new name in scope would take the reference over. In each file where the
 * new name becomes a bare name, it would take over variables bound by unification (the compiler looks
 * imports and rules up before them), calls of a built-in of that name, and a rule of the file's package
 * hidden by an import; two imports of one name are an error.
 */
function captureClash(index: SymbolIndex, key: string, newName: string, gaining: Map<string, Gain>, noun: 'rule' | 'package' | 'import', renamed?: ImportSymbol): string | undefined {
  for (const symbols of index.all()) {
    for (const occurrence of symbols.occurrences) {
      if (occurrence.key !== key || occurrence.role !== 'reference' || !isBareName(symbols, occurrence)) continue;
      const local = scopeChainAt(symbols, occurrence.range.start)
        .flatMap((scope) => scope.symbols)
        .find((symbol) => symbol.name === newName);
      const name = symbols.document.text.slice(occurrence.range.start, occurrence.range.end);
      if (local) return `A variable named \`${newName}\` is in scope where \`${name}\` is used (${place(symbols, occurrence.range.start)}): the renamed reference would mean the variable.`;
    }
  }
  for (const [file, gain] of gaining) {
    const symbols = index.module(file);
    if (!symbols) continue;
    const implicit = symbols.scopes.flatMap((scope) => scope.symbols).find((symbol) => symbol.name === newName && symbol.binding === 'unification');
    if (implicit) return `\`${newName}\` is a variable bound by unification (${place(symbols, implicit.declaration.start)}): it would come to mean the renamed ${noun} instead.`;
    const imported = symbols.imports.find((candidate) => candidate.name === newName && candidate !== renamed);
    if (imported) return `\`${newName}\` is already imported (${place(symbols, imported.node.range.start)}).`;
    if (gain === 'import' && symbols.globals.has(newName)) return `The package of ${baseName(file)} has a rule named \`${newName}\`: the renamed import would hide it.`;
    const call = symbols.occurrences.find((occurrence) => occurrence.symbol.kind === 'builtin' && occurrence.symbol.builtin.name === newName);
    if (call) return `\`${newName}\` is a built-in function called here (${place(symbols, call.range.start)}): the renamed ${noun} would take its place.`;
  }
  return undefined;
}

/**
 * Clashes of a local variable renamed to `newName`. Another variable of that name clashes where its scope
 * holds an occurrence of the renamed one, and anywhere inside the renamed one's scope when it is bound by
 * unification (it would become the same variable); a variable declared with `some` or `:=` in an inner
 * scope that does not use the renamed one merely shadows it, as before. Where the renamed variable is
 * visible, a rule or import used under the new name would be captured; and a variable bound by unification
 * whose new name is a rule or import would stop being a variable.
 */
function localClash(index: SymbolIndex, local: LocalSymbol, newName: string): string | undefined {
  const symbols = index.module(local.file);
  if (!symbols) return undefined;
  const occurrences = symbols.occurrences.filter((occurrence) => occurrence.key === local.key);
  // Where the variable is visible: its scope, and for a function's argument each `else` clause using it.
  const regions: Range[] = [local.scope.range];
  for (const occurrence of occurrences) {
    if (within(occurrence.range, local.scope.range)) continue;
    const chain = scopeChainAt(symbols, occurrence.range.start);
    if (chain.length > 0) regions.push(chain[chain.length - 1].range);
  }
  const visible = (range: Range) => regions.some((region) => within(range, region));
  for (const scope of symbols.scopes) {
    for (const other of scope.symbols) {
      if (other.name !== newName || other.key === local.key) continue;
      if (within(local.scope.range, scope.range)) return `A variable named \`${newName}\` is already in scope.`;
      if (occurrences.some((occurrence) => within(occurrence.range, scope.range))) {
        return `A variable named \`${newName}\` is declared in an inner scope where \`${local.name}\` is used (${place(symbols, other.declaration.start)}).`;
      }
      if (other.binding === 'unification' && visible(scope.range)) {
        return `\`${newName}\` is a variable of an inner scope (${place(symbols, other.declaration.start)}) bound by unification: it would become the renamed \`${local.name}\`.`;
      }
    }
  }
  const text = symbols.document.text;
  for (const occurrence of symbols.occurrences) {
    const kind = occurrence.symbol.kind;
    if (kind === 'local' || kind === 'builtin' || occurrence.role !== 'reference' || !isBareName(symbols, occurrence)) continue;
    if (text.slice(occurrence.range.start, occurrence.range.end) !== newName || !visible(occurrence.range)) continue;
    return `\`${newName}\` is ${kind === 'data' && !occurrence.via ? 'a rule of this package' : 'an import'} used where \`${local.name}\` is visible (${place(symbols, occurrence.range.start)}): the renamed variable would capture it.`;
  }
  if (local.binding === 'unification') {
    if (symbols.globals.has(newName)) return `\`${local.name}\` is bound by unification, so renamed to \`${newName}\` it would mean the rule \`${newName}\` of this package instead of a new variable.`;
    if (symbols.imports.some((imported) => imported.name === newName)) return `\`${local.name}\` is bound by unification, so renamed to \`${newName}\` it would mean the import \`${newName}\` instead of a new variable.`;
  }
  return undefined;
}

/** A ref's first name, written without a dot or quotes before it: the one place where scoping decides its meaning. */
function isBareName(symbols: ModuleSymbols, occurrence: Occurrence): boolean {
  if (occurrence.quoted) return false;
  const text = symbols.document.text;
  return text[occurrence.range.start - 1] !== '.' && IDENTIFIER.test(text.slice(occurrence.range.start, occurrence.range.end));
}

/** The scopes around an offset, innermost first. */
function scopeChainAt(symbols: ModuleSymbols, offset: number): ScopeRecord[] {
  const chain: ScopeRecord[] = [];
  for (let scope = scopeAt(symbols, offset); scope; scope = scope.parent) chain.push(scope);
  return chain;
}

function within(inner: Range, outer: Range): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

/** Where an offset is, for a message: `main.rego, line 7`. */
function place(symbols: ModuleSymbols, offset: number): string {
  const line = symbols.document.text.slice(0, offset).split('\n').length;
  return `${baseName(symbols.document.file)}, line ${line}`;
}

function baseName(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}

/** Edits, per file, that rename the symbol at the offset everywhere it occurs (a local: within its scope). */
export function rename(snapshot: Snapshot, file: string, offset: number, newName: string): RenameResult {
  const prepared = prepareRename(snapshot, file, offset);
  if ('error' in prepared) return prepared;
  const invalid = invalidName(newName);
  if (invalid) return { error: invalid };
  const clash = renameClash(snapshot, file, offset, newName);
  if (clash) return { error: clash };
  const occurrences = symbolOccurrences(snapshot, file, offset) ?? [];
  const byFile = new Map<string, TextEdit[]>();
  for (const occurrence of occurrences) {
    const newText = occurrence.quoted ? JSON.stringify(newName) : newName;
    let edits = byFile.get(occurrence.file);
    if (!edits) byFile.set(occurrence.file, (edits = []));
    edits.push({ range: occurrence.range, newText });
  }
  return { edits: [...byFile].map(([name, edits]) => ({ file: name, edits })) };
}
