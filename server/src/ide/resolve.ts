/**
 * What is at an offset: a rule or function (its data path and every definition in the snapshot), a
 * package, an import, a local variable (and where it is bound), a built-in, a keyword or an `input`
 * path. Hover, navigation, signature help and completion all start here, so they agree on what a
 * name means; the meaning itself comes from the symbol index, which follows the compiler's scoping.
 */
import type * as Ast from '../ast/nodes';
import type { Range } from '../ast/nodes';
import { termText } from '../ast/dump';
import type { Builtin } from '../builtins/declaration';
import { keywordAt } from './lexical';
import type { Snapshot } from './snapshot';
import {
  startsWith,
  symbolIndex,
  type ImportSymbol,
  type InputSegment,
  type LocalSymbol,
  type Occurrence,
  type PackageDefinition,
  type RuleDefinition,
  type SymbolIndex,
  type SymbolRef,
} from './symbols';

export type Target =
  /** Rules (or functions) defined at exactly this data path; a rule's definitions may span files. */
  | { kind: 'rule'; path: string[]; definitions: RuleDefinition[] }
  /** A package, or a path that leads to packages: its `package` statements, the exact ones first. */
  | { kind: 'package'; path: string[]; definitions: PackageDefinition[] }
  /** Any other data path: a prefix of ref-head rules (`a.b` of `a.b.c := 1`), inside a rule's value, or unknown. */
  | { kind: 'data'; path: string[]; rules: RuleDefinition[] }
  /** An import statement, or a name it introduces with `as`; `target` is what the imported path is. */
  | { kind: 'import'; file: string; node: Ast.Import; symbol?: ImportSymbol; target?: Target }
  | { kind: 'local'; local: LocalSymbol }
  | { kind: 'builtin'; builtin: Builtin }
  | { kind: 'keyword'; keyword: string }
  | { kind: 'input'; path: InputSegment[] };

export interface Resolution {
  file: string;
  /** The name (or keyword) at the offset. */
  range: Range;
  target: Target;
  /** The occurrence at the offset, which identifies the symbol for references, rename and highlight. */
  occurrence?: Occurrence;
  /** The name is an import's last segment standing for the imported path. */
  via?: Ast.Import;
}

/** What the name at `offset` in `file` stands for, or undefined for whitespace, literals and comments. */
export function resolve(snapshot: Snapshot, file: string, offset: number): Resolution | undefined {
  const document = snapshot.get(file);
  if (!document) return undefined;
  const keyword = keywordAt(document, offset);
  if (keyword) return { file, range: { start: keyword.start, end: keyword.end }, target: { kind: 'keyword', keyword: keyword.keyword } };
  const index = symbolIndex(snapshot);
  const occurrence = occurrenceAt(index, file, offset);
  if (occurrence) {
    const resolution: Resolution = { file, range: occurrence.range, target: targetOf(index, occurrence.symbol), occurrence };
    if (occurrence.via) resolution.via = occurrence.via;
    return resolution;
  }
  const touching = keywordAt(document, offset, true);
  if (touching) return { file, range: { start: touching.start, end: touching.end }, target: { kind: 'keyword', keyword: touching.keyword } };
  // Imports of `future.keywords` or `rego.v1` name no document, but they still mean something.
  const node = document.module.imports.find((imported) => imported.path.range.start <= offset && offset <= imported.path.range.end);
  if (node) return { file, range: node.path.range, target: { kind: 'import', file, node } };
  return undefined;
}

/** The occurrence at the offset: one that contains it beats one that only touches it, and names beat operators. */
export function occurrenceAt(index: SymbolIndex, file: string, offset: number): Occurrence | undefined {
  const symbols = index.moduleAround(file, offset);
  if (!symbols) return undefined;
  const text = symbols.document.text;
  let best: Occurrence | undefined;
  let bestScore = Infinity;
  for (const occurrence of symbols.occurrences) {
    const { start, end } = occurrence.range;
    if (start > offset) break;
    if (offset > end) continue;
    const inside = offset < end ? 0 : 2;
    const word = /[A-Za-z_"`]/.test(text[start] ?? '') ? 0 : 1;
    const score = (inside + word) * 1e9 + (end - start);
    if (score < bestScore) {
      best = occurrence;
      bestScore = score;
    }
  }
  return best;
}

/** What a symbol of the index stands for. */
export function targetOf(index: SymbolIndex, symbol: SymbolRef): Target {
  switch (symbol.kind) {
    case 'data':
      return dataTarget(index, symbol.path);
    case 'input':
      return { kind: 'input', path: symbol.path };
    case 'local':
      return { kind: 'local', local: symbol.local };
    case 'builtin':
      return { kind: 'builtin', builtin: symbol.builtin };
    case 'import': {
      const imported = symbol.import;
      const target = imported.root === 'data' ? dataTarget(index, ['data', ...imported.path]) : { kind: 'input' as const, path: imported.path };
      return { kind: 'import', file: imported.file, node: imported.node, symbol: imported, target };
    }
  }
}

/** A data path: the rules defined there, else the packages it leads to, else whatever rules lie below it. */
export function dataTarget(index: SymbolIndex, path: string[]): Target {
  const definitions = index.rulesAt(path);
  if (definitions.length > 0) return { kind: 'rule', path, definitions };
  const exact = index.packages.filter((definition) => definition.path.length === path.length && startsWith(definition.path, path));
  const below = index.packages.filter((definition) => definition.path.length > path.length && startsWith(definition.path, path));
  if (exact.length > 0 || below.length > 0) return { kind: 'package', path, definitions: [...exact, ...below] };
  return { kind: 'data', path, rules: index.rules.filter((rule) => startsWith(rule.path, path)) };
}

/** Every occurrence of the symbol in the snapshot, in file order. */
export function occurrencesOf(index: SymbolIndex, key: string): Occurrence[] {
  return index.all().flatMap((symbols) => symbols.occurrences.filter((occurrence) => occurrence.key === key));
}

/** A data path as Rego writes it: `data.a["b c"].d`. */
export function pathText(path: readonly (string | number | null)[]): string {
  return path
    .map((part, position) => {
      if (part === null) return '[_]';
      if (typeof part === 'number') return `[${part}]`;
      if (position === 0) return part;
      return /^[A-Za-z_][A-Za-z0-9_]*$/.test(part) ? `.${part}` : `[${JSON.stringify(part)}]`;
    })
    .join('');
}

/** The import statement as written: `data.lib.utils as u`. */
export function importText(node: Ast.Import): string {
  return `${termText(node.path)}${node.alias ? ` as ${node.alias.name}` : ''}`;
}
