/**
 * The OverlappingFieldsCanBeMerged validation rule of OPA's gqlparser copy: fields that produce
 * the same response name must be the same field with the same arguments, and their sub-selections
 * must merge too. It compares fields within each selection set, against the fragments spread
 * there, and between those fragments, remembering which fragment pairs it has compared; the
 * bookkeeping (including when it forgets compared fragments) follows gqlparser, because it decides
 * which conflicts are reported and in what order.
 */
import { present, typeString, type Field, type FragmentSpread, type Position, type Selection, type TypeRef } from './ast.js';
import type { Events, Report, Walker } from './validator.js';

interface Conflict {
  responseName: string;
  /** Why the two fields conflict, for a conflict of the fields themselves. */
  reason: string;
  /** Conflicts between their sub-selections, otherwise. */
  subConflicts: Conflict[];
  position: Position | null;
}

function describeConflict(conflict: Conflict): string {
  if (conflict.subConflicts.length === 0) return conflict.reason;
  return conflict.subConflicts.map((sub) => `subfields "${sub.responseName}" conflict because ${describeConflict(sub)}`).join(' and ');
}

/** Fields by response name, in the order the names first appear. */
class FieldsByResponseName {
  readonly names: string[] = [];
  readonly fields = new Map<string, Field[]>();

  push(responseName: string, field: Field): void {
    const list = this.fields.get(responseName);
    if (list) list.push(field);
    else {
      this.names.push(responseName);
      this.fields.set(responseName, [field]);
    }
  }
}

/** The fields of a selection set (inline fragments included) and the fragments it spreads. */
function fieldsAndFragmentSpreads(selections: Selection[]): [FieldsByResponseName, FragmentSpread[]] {
  const fields = new FieldsByResponseName();
  const spreads: FragmentSpread[] = [];
  const collect = (set: Selection[]): void => {
    for (const selection of set) {
      if (selection.kind === 'Field') fields.push(selection.Alias !== '' ? selection.Alias : selection.Name, selection);
      else if (selection.kind === 'InlineFragment') collect(selection.SelectionSet);
      else spreads.push(selection);
    }
  };
  collect(selections);
  return [fields, spreads];
}

/** Deep equality of plain data, as Go's reflect.DeepEqual judges the structs (cycles count as equal). */
function deepEqual(a: unknown, b: unknown, inProgress = new Map<object, Set<object>>()): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const pairs = inProgress.get(a);
  if (pairs?.has(b)) return true;
  if (pairs) pairs.add(b);
  else inProgress.set(a, new Set([b]));
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map && b instanceof Map) || a.size !== b.size) return false;
    return [...a].every(([key, value]) => b.has(key) && deepEqual(value, b.get(key), inProgress));
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  const recordA = a as Record<string, unknown>;
  const recordB = b as Record<string, unknown>;
  return keysA.every((key) => Object.hasOwn(recordB, key) && deepEqual(recordA[key], recordB[key], inProgress));
}

function sameArguments(first: Field, second: Field): boolean {
  if (first.Arguments.length !== second.Arguments.length) return false;
  return first.Arguments.every((argument) =>
    second.Arguments.some((other) => {
      const value = present(argument.Value, 'argument value');
      const otherValue = present(other.Value, 'argument value');
      return argument.Name === other.Name && value.Kind === otherValue.Kind && value.Raw === otherValue.Raw;
    }),
  );
}

class ConflictFinder {
  walker: Walker | undefined;
  /** Fragment pairs compared so far, and whether they were compared as mutually exclusive. */
  private readonly comparedFragmentPairs = new Map<string, Map<string, boolean>>();
  /** Fragments compared against the current set of fields; reset at several points, as in gqlparser. */
  private comparedFragments = new Set<string>();

  private get schemaTypes() {
    return present(this.walker, 'walker').schema.Types;
  }

  private addFragmentPair(a: FragmentSpread, b: FragmentSpread, mutuallyExclusive: boolean): void {
    for (const [first, second] of [
      [a, b],
      [b, a],
    ]) {
      const compared = this.comparedFragmentPairs.get(first.Name) ?? new Map<string, boolean>();
      compared.set(second.Name, mutuallyExclusive);
      this.comparedFragmentPairs.set(first.Name, compared);
    }
  }

  private hasFragmentPair(a: FragmentSpread, b: FragmentSpread, mutuallyExclusive: boolean): boolean {
    const result = this.comparedFragmentPairs.get(a.Name)?.get(b.Name);
    if (result === undefined) return false;
    // A pair compared as not mutually exclusive covers both cases; one compared as exclusive covers only that.
    return mutuallyExclusive ? true : !result;
  }

  findConflictsWithinSelectionSet(selections: Selection[]): Conflict[] {
    if (selections.length === 0) return [];
    const [fields, spreads] = fieldsAndFragmentSpreads(selections);
    const conflicts: Conflict[] = [];
    this.collectConflictsWithin(conflicts, fields);
    this.comparedFragments = new Set();
    spreads.forEach((spread, index) => {
      this.collectConflictsBetweenFieldsAndFragment(conflicts, false, fields, spread);
      for (const other of spreads.slice(index + 1)) this.collectConflictsBetweenFragments(conflicts, false, spread, other);
    });
    return conflicts;
  }

  private collectConflictsBetweenFieldsAndFragment(conflicts: Conflict[], mutuallyExclusive: boolean, fields: FieldsByResponseName, spread: FragmentSpread): void {
    if (this.comparedFragments.has(spread.Name)) return;
    this.comparedFragments.add(spread.Name);
    if (spread.Definition === null) return;
    const [fragmentFields, fragmentSpreads] = fieldsAndFragmentSpreads(spread.Definition.SelectionSet);
    // A fragment's fields are not compared with themselves.
    if (deepEqual(fields, fragmentFields)) return;
    this.collectConflictsBetween(conflicts, mutuallyExclusive, fields, fragmentFields);
    for (const nested of fragmentSpreads) {
      if (nested.Name === spread.Name) continue;
      this.collectConflictsBetweenFieldsAndFragment(conflicts, mutuallyExclusive, fields, nested);
    }
  }

  private collectConflictsBetweenFragments(conflicts: Conflict[], mutuallyExclusive: boolean, first: FragmentSpread, second: FragmentSpread): void {
    const check = (a: FragmentSpread, b: FragmentSpread): void => {
      if (a.Name === b.Name) return;
      if (this.hasFragmentPair(a, b, mutuallyExclusive)) return;
      this.addFragmentPair(a, b, mutuallyExclusive);
      if (a.Definition === null || b.Definition === null) return;
      const [fieldsA, spreadsA] = fieldsAndFragmentSpreads(a.Definition.SelectionSet);
      const [fieldsB, spreadsB] = fieldsAndFragmentSpreads(b.Definition.SelectionSet);
      this.collectConflictsBetween(conflicts, mutuallyExclusive, fieldsA, fieldsB);
      for (const nested of spreadsB) check(a, nested);
      for (const nested of spreadsA) check(nested, b);
    };
    check(first, second);
  }

  private findConflictsBetweenSubSelectionSets(mutuallyExclusive: boolean, selectionsA: Selection[], selectionsB: Selection[]): Conflict[] {
    const conflicts: Conflict[] = [];
    const [fieldsA, spreadsA] = fieldsAndFragmentSpreads(selectionsA);
    const [fieldsB, spreadsB] = fieldsAndFragmentSpreads(selectionsB);
    this.collectConflictsBetween(conflicts, mutuallyExclusive, fieldsA, fieldsB);
    for (const spread of spreadsB) {
      this.comparedFragments = new Set();
      this.collectConflictsBetweenFieldsAndFragment(conflicts, mutuallyExclusive, fieldsA, spread);
    }
    for (const spread of spreadsA) {
      this.comparedFragments = new Set();
      this.collectConflictsBetweenFieldsAndFragment(conflicts, mutuallyExclusive, fieldsB, spread);
    }
    for (const spreadA of spreadsA) {
      for (const spreadB of spreadsB) this.collectConflictsBetweenFragments(conflicts, mutuallyExclusive, spreadA, spreadB);
    }
    return conflicts;
  }

  private collectConflictsWithin(conflicts: Conflict[], fields: FieldsByResponseName): void {
    for (const name of fields.names) {
      const list = fields.fields.get(name) ?? [];
      list.forEach((first, index) => {
        for (const second of list.slice(index + 1)) {
          const conflict = this.findConflict(false, first, second);
          if (conflict) conflicts.push(conflict);
        }
      });
    }
  }

  private collectConflictsBetween(conflicts: Conflict[], mutuallyExclusive: boolean, fieldsA: FieldsByResponseName, fieldsB: FieldsByResponseName): void {
    for (const name of fieldsA.names) {
      const others = fieldsB.fields.get(name);
      if (others === undefined) continue;
      for (const first of fieldsA.fields.get(name) ?? []) {
        for (const second of others) {
          const conflict = this.findConflict(mutuallyExclusive, first, second);
          if (conflict) conflicts.push(conflict);
        }
      }
    }
  }

  private findConflict(parentsMutuallyExclusive: boolean, first: Field, second: Field): Conflict | undefined {
    const parentA = first.ObjectDefinition;
    const parentB = second.ObjectDefinition;
    if (parentA === null || parentB === null) return undefined;
    // Fields of two different object types can never both apply.
    const mutuallyExclusive =
      parentsMutuallyExclusive ||
      (parentA.Name !== parentB.Name && parentA.Kind === 'OBJECT' && parentB.Kind === 'OBJECT' && first.Definition !== null && second.Definition !== null);
    const responseName = first.Alias !== '' ? first.Alias : first.Name;
    const conflict = (reason: string): Conflict => ({ responseName, reason, subConflicts: [], position: second.Position });

    if (!mutuallyExclusive) {
      if (first.Name !== second.Name) return conflict(`"${first.Name}" and "${second.Name}" are different fields`);
      if (!sameArguments(first, second)) return conflict('they have differing arguments');
    }
    if (first.Definition !== null && second.Definition !== null) {
      const typeA = present(first.Definition.Type, 'field type');
      const typeB = present(second.Definition.Type, 'field type');
      if (this.typesConflict(typeA, typeB)) return conflict(`they return conflicting types "${typeString(typeA)}" and "${typeString(typeB)}"`);
    }
    const subConflicts = this.findConflictsBetweenSubSelectionSets(mutuallyExclusive, first.SelectionSet, second.SelectionSet);
    if (subConflicts.length === 0) return undefined;
    return { responseName, reason: '', subConflicts, position: second.Position };
  }

  private typesConflict(first: TypeRef, second: TypeRef): boolean {
    if (first.Elem !== null) return second.Elem !== null ? this.typesConflict(first.Elem, second.Elem) : true;
    if (second.Elem !== null) return true;
    if (first.NonNull !== second.NonNull) return true;
    const definitionA = present(this.schemaTypes.get(first.NamedType), 'field type definition');
    const definitionB = present(this.schemaTypes.get(second.NamedType), 'field type definition');
    const isLeaf = (kind: string): boolean => kind === 'SCALAR' || kind === 'ENUM';
    if (isLeaf(definitionA.Kind) && isLeaf(definitionB.Kind)) return definitionA.Name !== definitionB.Name;
    return false;
  }
}

export function overlappingFieldsCanBeMerged(events: Events, report: Report): void {
  const finder = new ConflictFinder();
  const reportAll = (walker: Walker, selections: Selection[]): void => {
    finder.walker = walker;
    for (const conflict of finder.findConflictsWithinSelectionSet(selections)) {
      report(
        `Fields "${conflict.responseName}" conflict because ${describeConflict(conflict)}. Use different aliases on the fields to fetch both if this was intentional.`,
        conflict.position,
      );
    }
  };
  events.operation.push((walker, operation) => reportAll(walker, operation.SelectionSet));
  events.field.push((walker, field) => {
    // Fields are checked only inside operations; fragments are checked as a whole below.
    if (walker.currentOperation === null) return;
    reportAll(walker, field.SelectionSet);
  });
  events.inlineFragment.push((walker, fragment) => reportAll(walker, fragment.SelectionSet));
  events.fragment.push((walker, fragment) => reportAll(walker, fragment.SelectionSet));
}
