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
import { symbolIndex, type Occurrence } from './symbols';

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

/**
 * Why renaming to `newName` would change what names mean: a rule or package already at the new path,
 * or a variable of the same name in the same scope. Undefined when the new name is free.
 */
function renameClash(snapshot: Snapshot, file: string, offset: number, newName: string): string | undefined {
  const target = resolve(snapshot, file, offset)?.target;
  if (!target) return undefined;
  if (target.kind === 'rule' || target.kind === 'package' || target.kind === 'data') {
    const path = [...target.path.slice(0, -1), newName];
    const index = symbolIndex(snapshot);
    if (index.rulesAt(path).length > 0) return `A rule named \`${pathText(path)}\` already exists.`;
    if (index.packages.some((definition) => definition.path.join('.') === path.join('.'))) return `A package \`${pathText(path)}\` already exists.`;
  }
  if (target.kind === 'local') {
    const local = target.local;
    const clash = symbolIndex(snapshot)
      .module(local.file)
      ?.scopes.flatMap((scope) => scope.symbols)
      .find((symbol) => symbol.name === newName && symbol.scope.range.start <= local.scope.range.start && symbol.scope.range.end >= local.scope.range.end);
    if (clash) return `A variable named \`${newName}\` is already in scope.`;
  }
  return undefined;
}

/** Edits, per file, that rename the symbol at the offset everywhere it occurs (a local: within its scope). */
export function rename(snapshot: Snapshot, file: string, offset: number, newName: string): RenameResult {
  const prepared = prepareRename(snapshot, file, offset);
  if ('error' in prepared) return prepared;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName)) return { error: `\`${newName}\` is not a valid Rego name.` };
  if (RESERVED.has(newName)) return { error: `\`${newName}\` is reserved in Rego.` };
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
