/**
 * Query validation as OPA's gqlparser copy performs it: a walker visits operations (descending
 * into the fragments they spread) and then each fragment definition on its own, filling in the
 * definitions that nodes refer to, and the validation rules observe the walk. Rules run in
 * gqlparser's order (the alphabetical order of its rule files) and word their errors as it does;
 * errors keep the order in which the walk found them, since OPA reports them as one text.
 */
import {
  ValueKind,
  forName,
  goQuote,
  isAbstractType,
  isCompatible,
  isCompositeType,
  isInputType,
  isLeafType,
  newFieldDefinition,
  newTypeRef,
  present,
  typeName,
  typeString,
  valueString,
  MissingNodeError,
  type Argument,
  type ArgumentDefinition,
  type Definition,
  type Directive,
  type Field,
  type FragmentDefinition,
  type FragmentSpread,
  type InlineFragment,
  type OperationDefinition,
  type Position,
  type QueryDocument,
  type Schema,
  type Selection,
  type ValueNode,
  type VariableDefinition,
} from './ast.js';
import { overlappingFieldsCanBeMerged } from './overlapping-fields.js';

export interface ValidationError {
  /** The rule that found the error, named as in gqlparser. */
  rule: string;
  message: string;
  /** Where the error was found, when the node had a position. */
  position: { Line: number; Column: number } | null;
  /** The source name gqlparser prints before the position ("input" unless a position says otherwise). */
  file: string;
}

type Observer<T> = (walker: Walker, node: T) => void;

/** The observers rules register, per kind of node, in rule order. */
export class Events {
  readonly operation: Observer<OperationDefinition>[] = [];
  readonly field: Observer<Field>[] = [];
  readonly fragment: Observer<FragmentDefinition>[] = [];
  readonly inlineFragment: Observer<InlineFragment>[] = [];
  readonly fragmentSpread: Observer<FragmentSpread>[] = [];
  readonly directive: Observer<Directive>[] = [];
  readonly directiveList: Observer<Directive[]>[] = [];
  readonly value: Observer<ValueNode>[] = [];
  readonly variable: Observer<VariableDefinition>[] = [];
}

/** Records an error with an optional position (gqlparser's `addError(Message(...), At(...))`). */
export type Report = (message: string, position: Position | null) => void;

type Rule = (events: Events, report: Report) => void;

export function validateQuery(schema: Schema, document: QueryDocument): ValidationError[] {
  const errors: ValidationError[] = [];
  const reporter =
    (rule: string): Report =>
    (message, position) => {
      if (position === null) {
        errors.push({ rule, message, position: null, file: 'input' });
        return;
      }
      // gqlparser reads the source name of every position it reports.
      if (position.SourceName === null) throw new MissingNodeError('missing position source');
      errors.push({ rule, message, position: { Line: position.Line, Column: position.Column }, file: position.SourceName || 'input' });
    };
  const events = new Events();
  for (const [name, rule] of RULES) rule(events, reporter(name));
  new Walker(schema, document, events).walk();
  return errors;
}

// ---------------------------------------------------------------------------------------------
// The walk

export class Walker {
  currentOperation: OperationDefinition | null = null;
  /** Fragments already walked into from the current operation (each only once, so cycles end). */
  private walkedFragments = new Set<string>();

  constructor(
    readonly schema: Schema,
    readonly document: QueryDocument,
    private readonly events: Events,
  ) {}

  typeDefinition(name: string): Definition | null {
    return this.schema.Types.get(name) ?? null;
  }

  walk(): void {
    for (const operation of this.document.Operations) {
      this.walkedFragments = new Set();
      this.walkOperation(operation);
    }
    for (const fragment of this.document.Fragments) {
      this.walkedFragments = new Set();
      this.walkFragment(fragment);
    }
  }

  private walkOperation(operation: OperationDefinition): void {
    this.currentOperation = operation;
    for (const variable of operation.VariableDefinitions) {
      const type = present(variable.Type, 'variable type');
      variable.Definition = this.typeDefinition(typeName(type));
      for (const observer of this.events.variable) observer(this, variable);
      if (variable.DefaultValue !== null) {
        variable.DefaultValue.ExpectedType = type;
        variable.DefaultValue.Definition = this.typeDefinition(typeName(type));
      }
    }

    let root: Definition | null = null;
    let location = '';
    if (operation.Operation === 'query' || operation.Operation === '') {
      root = this.schema.Query;
      location = 'QUERY';
    } else if (operation.Operation === 'mutation') {
      root = this.schema.Mutation;
      location = 'MUTATION';
    } else if (operation.Operation === 'subscription') {
      root = this.schema.Subscription;
      location = 'SUBSCRIPTION';
    }

    for (const variable of operation.VariableDefinitions) {
      if (variable.DefaultValue !== null) this.walkValue(variable.DefaultValue);
      this.walkDirectives(variable.Definition, variable.Directives, 'VARIABLE_DEFINITION');
    }
    this.walkDirectives(root, operation.Directives, location);
    this.walkSelectionSet(root, operation.SelectionSet);

    for (const observer of this.events.operation) observer(this, operation);
    this.currentOperation = null;
  }

  private walkFragment(fragment: FragmentDefinition): void {
    const definition = this.typeDefinition(fragment.TypeCondition);
    fragment.Definition = definition;
    this.walkDirectives(definition, fragment.Directives, 'FRAGMENT_DEFINITION');
    this.walkSelectionSet(definition, fragment.SelectionSet);
    for (const observer of this.events.fragment) observer(this, fragment);
  }

  private walkDirectives(parent: Definition | null, directives: Directive[], location: string): void {
    for (const directive of directives) {
      const definition = this.schema.Directives.get(directive.Name) ?? null;
      directive.Definition = definition;
      directive.ParentDefinition = parent;
      directive.Location = location;
      for (const argument of directive.Arguments) {
        this.walkArgument(definition ? forName(definition.Arguments, argument.Name) : undefined, argument);
      }
      for (const observer of this.events.directive) observer(this, directive);
    }
    for (const observer of this.events.directiveList) observer(this, directives);
  }

  private walkValue(value: ValueNode): void {
    if (value.Kind === ValueKind.Variable && this.currentOperation !== null) {
      value.VariableDefinition = this.currentOperation.VariableDefinitions.find((variable) => variable.Variable === value.Raw) ?? null;
      if (value.VariableDefinition !== null) value.VariableDefinition.Used = true;
    }
    if (value.Kind === ValueKind.Object) {
      for (const child of value.Children) {
        const childValue = present(child.Value, 'object field value');
        const fieldDefinition = value.Definition ? forName(value.Definition.Fields, child.Name) : undefined;
        if (fieldDefinition !== undefined) {
          const type = present(fieldDefinition.Type, 'field type');
          childValue.ExpectedType = type;
          childValue.Definition = this.typeDefinition(typeName(type));
        }
        this.walkValue(childValue);
      }
    }
    if (value.Kind === ValueKind.List) {
      for (const child of value.Children) {
        const childValue = present(child.Value, 'list element');
        if (value.ExpectedType !== null && value.ExpectedType.Elem !== null) {
          childValue.ExpectedType = value.ExpectedType.Elem;
          childValue.Definition = value.Definition;
        }
        this.walkValue(childValue);
      }
    }
    for (const observer of this.events.value) observer(this, value);
  }

  private walkArgument(definition: ArgumentDefinition | undefined, argument: Argument): void {
    const value = present(argument.Value, 'argument value');
    if (definition !== undefined) {
      const type = present(definition.Type, 'argument type');
      value.ExpectedType = type;
      value.Definition = this.typeDefinition(typeName(type));
    }
    this.walkValue(value);
  }

  private walkSelectionSet(parent: Definition | null, selections: Selection[]): void {
    for (const selection of selections) this.walkSelection(parent, selection);
  }

  private walkSelection(parent: Definition | null, selection: Selection): void {
    switch (selection.kind) {
      case 'Field': {
        const definition =
          selection.Name === '__typename' ? newFieldDefinition('__typename', newTypeRef('String', false)) : parent ? forName(parent.Fields, selection.Name) ?? null : null;
        selection.Definition = definition;
        selection.ObjectDefinition = parent;
        const next = definition ? this.typeDefinition(typeName(present(definition.Type, 'field type'))) : null;
        for (const argument of selection.Arguments) {
          this.walkArgument(definition ? forName(definition.Arguments, argument.Name) : undefined, argument);
        }
        this.walkDirectives(next, selection.Directives, 'FIELD');
        this.walkSelectionSet(next, selection.SelectionSet);
        for (const observer of this.events.field) observer(this, selection);
        break;
      }
      case 'InlineFragment': {
        selection.ObjectDefinition = parent;
        const next = selection.TypeCondition !== '' ? this.typeDefinition(selection.TypeCondition) : parent;
        this.walkDirectives(next, selection.Directives, 'INLINE_FRAGMENT');
        this.walkSelectionSet(next, selection.SelectionSet);
        for (const observer of this.events.inlineFragment) observer(this, selection);
        break;
      }
      case 'FragmentSpread': {
        const definition = forName(this.document.Fragments, selection.Name) ?? null;
        selection.Definition = definition;
        selection.ObjectDefinition = parent;
        const next = definition ? this.typeDefinition(definition.TypeCondition) : null;
        this.walkDirectives(next, selection.Directives, 'FRAGMENT_SPREAD');
        if (definition !== null && !this.walkedFragments.has(definition.Name)) {
          this.walkedFragments.add(definition.Name);
          this.walkSelectionSet(next, definition.SelectionSet);
        }
        for (const observer of this.events.fragmentSpread) observer(this, selection);
        break;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Suggestions, worded as gqlparser words them

/** Up to five items: `A`, `A or B`, `A, B, or C`. */
export function orList(items: readonly string[]): string {
  const shown = items.slice(0, 5);
  if (shown.length === 2) return `${shown[0]} or ${shown[1]}`;
  return shown.map((item, index) => (index === 0 ? item : index === shown.length - 1 ? `, or ${item}` : `, ${item}`)).join('');
}

export function quotedOrList(items: readonly string[]): string {
  return orList(items.map((item) => `"${item}"`));
}

/** Levenshtein distance over code points. */
function levenshtein(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i++) {
    const current = [i];
    for (let j = 1; j <= right.length; j++) {
      const cost = left[i - 1] === right[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[right.length];
}

/** Edit distance where a difference in case alone counts as one edit. */
function lexicalDistance(a: string, b: string): number {
  if (a === b) return 0;
  const lowerA = a.toLowerCase();
  const lowerB = b.toLowerCase();
  if (lowerA === lowerB) return 1;
  return levenshtein(lowerA, lowerB);
}

/** The options close enough to `input` to be a likely typo, nearest first. */
export function suggestionList(input: string, options: readonly string[]): string[] {
  const threshold = Math.floor(new TextEncoder().encode(input).length * 0.4) + 1;
  const found = options.map((option) => ({ option, distance: lexicalDistance(input, option) })).filter((entry) => entry.distance <= threshold);
  found.sort((a, b) => a.distance - b.distance);
  return found.map((entry) => entry.option);
}

/** ` Did you mean "a" or "b"?`, or nothing when no option is close. */
function suggestQuoted(prefix: string, typed: string, options: readonly string[]): string {
  const suggested = suggestionList(typed, options);
  return suggested.length > 0 ? ` ${prefix} ${quotedOrList(suggested)}?` : '';
}

function suggestUnquoted(prefix: string, typed: string, options: readonly string[]): string {
  const suggested = suggestionList(typed, options);
  return suggested.length > 0 ? ` ${prefix} ${orList(suggested)}?` : '';
}

function possibleTypes(schema: Schema, definition: Definition): Definition[] {
  return (schema.PossibleTypes.get(definition.Name) ?? []).map((possible) => present(possible, 'possible type'));
}

// ---------------------------------------------------------------------------------------------
// The rules

const fieldsOnCorrectType: Rule = (events, report) => {
  events.field.push((walker, field) => {
    if (field.ObjectDefinition === null || field.Definition !== null) return;
    let message = `Cannot query field "${field.Name}" on type "${field.ObjectDefinition.Name}".`;
    const typeNames = suggestedTypeNames(walker.schema, field.ObjectDefinition, field.Name);
    if (typeNames.length > 0) {
      message += ` Did you mean to use an inline fragment on ${quotedOrList(typeNames)}?`;
    } else {
      const fieldNames = suggestedFieldNames(field.ObjectDefinition, field.Name);
      if (fieldNames.length > 0) message += ` Did you mean ${quotedOrList(fieldNames)}?`;
    }
    report(message, field.Position);
  });
};

/**
 * For an abstract type, the interfaces and then the object types among its possible types that
 * have the field, most used interfaces first and otherwise by name.
 */
function suggestedTypeNames(schema: Schema, parent: Definition, name: string): string[] {
  if (!isAbstractType(parent)) return [];
  const objectTypes: string[] = [];
  const interfaceTypes: string[] = [];
  const interfaceUsage = new Map<string, number>();
  for (const possible of possibleTypes(schema, parent)) {
    if (forName(possible.Fields, name) === undefined) continue;
    objectTypes.push(possible.Name);
    for (const implemented of possible.Interfaces) {
      const interfaceDefinition = schema.Types.get(implemented);
      if (interfaceDefinition !== undefined && forName(interfaceDefinition.Fields, name) !== undefined) {
        if (!interfaceUsage.has(implemented)) interfaceTypes.push(implemented);
        interfaceUsage.set(implemented, (interfaceUsage.get(implemented) ?? 0) + 1);
      }
    }
  }
  return [...interfaceTypes, ...objectTypes].sort((a, b) => {
    const difference = (interfaceUsage.get(b) ?? 0) - (interfaceUsage.get(a) ?? 0);
    if (difference !== 0) return difference;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

function suggestedFieldNames(parent: Definition, name: string): string[] {
  if (parent.Kind !== 'OBJECT' && parent.Kind !== 'INTERFACE') return [];
  return suggestionList(
    name,
    parent.Fields.map((field) => field.Name),
  );
}

const fragmentsOnCompositeTypes: Rule = (events, report) => {
  events.inlineFragment.push((walker, fragment) => {
    const fragmentType = walker.schema.Types.get(fragment.TypeCondition);
    if (fragmentType === undefined || isCompositeType(fragmentType)) return;
    report(`Fragment cannot condition on non composite type "${fragment.TypeCondition}".`, fragment.Position);
  });
  events.fragment.push((_walker, fragment) => {
    if (fragment.Definition === null || fragment.TypeCondition === '' || isCompositeType(fragment.Definition)) return;
    report(`Fragment "${fragment.Name}" cannot condition on non composite type "${fragment.TypeCondition}".`, fragment.Position);
  });
};

const knownArgumentNames: Rule = (events, report) => {
  events.field.push((_walker, field) => {
    if (field.Definition === null || field.ObjectDefinition === null) return;
    const names = field.Definition.Arguments.map((argument) => argument.Name);
    for (const argument of field.Arguments) {
      if (names.includes(argument.Name)) continue;
      report(
        `Unknown argument "${argument.Name}" on field "${field.ObjectDefinition.Name}.${field.Name}".` + suggestQuoted('Did you mean', argument.Name, names),
        field.Position,
      );
    }
  });
  events.directive.push((_walker, directive) => {
    if (directive.Definition === null) return;
    const names = directive.Definition.Arguments.map((argument) => argument.Name);
    for (const argument of directive.Arguments) {
      if (names.includes(argument.Name)) continue;
      report(`Unknown argument "${argument.Name}" on directive "@${directive.Name}".` + suggestQuoted('Did you mean', argument.Name, names), directive.Position);
    }
  });
};

const knownDirectives: Rule = (events, report) => {
  // A misplaced directive is reported once per place, though fragments can be walked more than once.
  const reported = new Set<string>();
  events.directive.push((_walker, directive) => {
    if (directive.Definition === null) {
      report(`Unknown directive "@${directive.Name}".`, directive.Position);
      return;
    }
    if (directive.Definition.Locations.includes(directive.Location)) return;
    const position = present(directive.Position, 'directive position');
    const key = `${directive.Name}\u0000${position.Line}\u0000${position.Column}`;
    if (reported.has(key)) return;
    report(`Directive "@${directive.Name}" may not be used on ${directive.Location}.`, directive.Position);
    reported.add(key);
  });
};

const knownFragmentNames: Rule = (events, report) => {
  events.fragmentSpread.push((_walker, spread) => {
    if (spread.Definition === null) report(`Unknown fragment "${spread.Name}".`, spread.Position);
  });
};

const knownRootType: Rule = (events, report) => {
  events.operation.push((walker, operation) => {
    let root: Definition | null;
    if (operation.Operation === 'query' || operation.Operation === '') root = walker.schema.Query;
    else if (operation.Operation === 'mutation') root = walker.schema.Mutation;
    else if (operation.Operation === 'subscription') root = walker.schema.Subscription;
    // gqlparser panics on operation types it does not know.
    else throw new MissingNodeError(`unknown operation type "${operation.Operation}"`);
    if (root === null) report(`Schema does not support operation type "${operation.Operation}"`, operation.Position);
  });
};

const knownTypeNames: Rule = (events, report) => {
  events.variable.push((walker, variable) => {
    const name = typeName(present(variable.Type, 'variable type'));
    if (!walker.schema.Types.has(name)) report(`Unknown type "${name}".`, variable.Position);
  });
  events.inlineFragment.push((walker, fragment) => {
    if (fragment.TypeCondition === '' || walker.schema.Types.has(fragment.TypeCondition)) return;
    report(`Unknown type "${fragment.TypeCondition}".`, fragment.Position);
  });
  events.fragment.push((walker, fragment) => {
    if (walker.schema.Types.has(fragment.TypeCondition)) return;
    // gqlparser lists the candidates from a Go map, in no fixed order; sorting keeps ties stable.
    const names = [...walker.schema.Types.keys()].sort();
    report(`Unknown type "${fragment.TypeCondition}".` + suggestQuoted('Did you mean', fragment.TypeCondition, names), fragment.Position);
  });
};

const loneAnonymousOperation: Rule = (events, report) => {
  events.operation.push((walker, operation) => {
    if (operation.Name === '' && walker.document.Operations.length > 1) {
      report('This anonymous operation must be the only defined operation.', operation.Position);
    }
  });
};

/** The fragment spreads anywhere in a selection set, in gqlparser's (depth-first, last set first) order. */
function fragmentSpreads(selections: Selection[]): FragmentSpread[] {
  const spreads: FragmentSpread[] = [];
  const setsToVisit = [selections];
  while (setsToVisit.length > 0) {
    const set = setsToVisit.pop() ?? [];
    for (const selection of set) {
      if (selection.kind === 'FragmentSpread') spreads.push(selection);
      else setsToVisit.push(selection.SelectionSet);
    }
  }
  return spreads;
}

const noFragmentCycles: Rule = (events, report) => {
  const visited = new Set<string>();
  events.fragment.push((walker, start) => {
    const spreadPath: FragmentSpread[] = [];
    const pathIndexByName = new Map<string, number>();
    const detectCycles = (fragment: FragmentDefinition): void => {
      if (visited.has(fragment.Name)) return;
      visited.add(fragment.Name);
      const spreads = fragmentSpreads(fragment.SelectionSet);
      if (spreads.length === 0) return;
      pathIndexByName.set(fragment.Name, spreadPath.length);
      for (const spread of spreads) {
        const cycleIndex = pathIndexByName.get(spread.Name);
        spreadPath.push(spread);
        if (cycleIndex === undefined) {
          const spreadFragment = forName(walker.document.Fragments, spread.Name);
          if (spreadFragment !== undefined) detectCycles(spreadFragment);
        } else {
          const names = spreadPath.slice(cycleIndex, spreadPath.length - 1).map((step) => `"${step.Name}"`);
          const via = names.length > 0 ? ` via ${names.join(', ')}` : '';
          report(`Cannot spread fragment "${spread.Name}" within itself${via}.`, spread.Position);
        }
        spreadPath.pop();
      }
      pathIndexByName.delete(fragment.Name);
    };
    detectCycles(start);
  });
};

const noUndefinedVariables: Rule = (events, report) => {
  events.value.push((walker, value) => {
    const operation = walker.currentOperation;
    if (operation === null || value.Kind !== ValueKind.Variable || value.VariableDefinition !== null) return;
    if (operation.Name !== '') report(`Variable "${valueString(value)}" is not defined by operation "${operation.Name}".`, value.Position);
    else report(`Variable "${valueString(value)}" is not defined.`, value.Position);
  });
};

const noUnusedFragments: Rule = (events, report) => {
  // Fragment definitions are walked after every operation, so spreads seen from then on do not count.
  let inFragmentDefinition = false;
  const used = new Set<string>();
  events.fragmentSpread.push((_walker, spread) => {
    if (!inFragmentDefinition) used.add(spread.Name);
  });
  events.fragment.push((_walker, fragment) => {
    inFragmentDefinition = true;
    if (!used.has(fragment.Name)) report(`Fragment "${fragment.Name}" is never used.`, fragment.Position);
  });
};

const noUnusedVariables: Rule = (events, report) => {
  events.operation.push((_walker, operation) => {
    for (const variable of operation.VariableDefinitions) {
      if (variable.Used) continue;
      if (operation.Name !== '') report(`Variable "$${variable.Variable}" is never used in operation "${operation.Name}".`, variable.Position);
      else report(`Variable "$${variable.Variable}" is never used.`, variable.Position);
    }
  });
};

const possibleFragmentSpreads: Rule = (events, report) => {
  /** Whether a fragment on `fragmentName` may apply where `parent` is expected. */
  const canApply = (walker: Walker, parent: Definition | null, fragmentName: string): boolean => {
    if (parent === null) return true;
    let parents: Definition[];
    if (parent.Kind === 'OBJECT') parents = [parent];
    else if (parent.Kind === 'INTERFACE' || parent.Kind === 'UNION') parents = possibleTypes(walker.schema, parent);
    else return true;
    const fragmentType = walker.schema.Types.get(fragmentName);
    // Unknown and non-composite types are other rules' to report.
    if (fragmentType === undefined || !isCompositeType(fragmentType)) return true;
    return possibleTypes(walker.schema, fragmentType).some((candidate) => parents.some((possible) => possible.Name === candidate.Name));
  };
  events.inlineFragment.push((walker, fragment) => {
    if (canApply(walker, fragment.ObjectDefinition, fragment.TypeCondition)) return;
    const parentName = present(fragment.ObjectDefinition, 'parent type').Name;
    report(`Fragment cannot be spread here as objects of type "${parentName}" can never be of type "${fragment.TypeCondition}".`, fragment.Position);
  });
  events.fragmentSpread.push((walker, spread) => {
    if (spread.Definition === null) return;
    const typeCondition = spread.Definition.TypeCondition;
    if (canApply(walker, spread.ObjectDefinition, typeCondition)) return;
    const parentName = present(spread.ObjectDefinition, 'parent type').Name;
    report(`Fragment "${spread.Name}" cannot be spread here as objects of type "${parentName}" can never be of type "${typeCondition}".`, spread.Position);
  });
};

/** The non-null arguments without a default value that `given` leaves out. */
function missingArguments(definitions: readonly ArgumentDefinition[], given: readonly Argument[]): ArgumentDefinition[] {
  return definitions.filter(
    (definition) =>
      present(definition.Type, 'argument type').NonNull && definition.DefaultValue === null && !given.some((argument) => argument.Name === definition.Name),
  );
}

const providedRequiredArguments: Rule = (events, report) => {
  events.field.push((_walker, field) => {
    if (field.Definition === null) return;
    for (const argument of missingArguments(field.Definition.Arguments, field.Arguments)) {
      const type = typeString(present(argument.Type, 'argument type'));
      report(`Field "${field.Name}" argument "${argument.Name}" of type "${type}" is required, but it was not provided.`, field.Position);
    }
  });
  events.directive.push((_walker, directive) => {
    if (directive.Definition === null) return;
    for (const argument of missingArguments(directive.Definition.Arguments, directive.Arguments)) {
      const type = typeString(present(argument.Type, 'argument type'));
      report(
        `Directive "@${directive.Definition.Name}" argument "${argument.Name}" of type "${type}" is required, but it was not provided.`,
        directive.Position,
      );
    }
  });
};

const scalarLeafs: Rule = (events, report) => {
  events.field.push((walker, field) => {
    if (field.Definition === null) return;
    const type = present(field.Definition.Type, 'field type');
    const fieldType = walker.schema.Types.get(typeName(type));
    if (fieldType === undefined) return;
    if (isLeafType(fieldType) && field.SelectionSet.length > 0) {
      report(`Field "${field.Name}" must not have a selection since type "${fieldType.Name}" has no subfields.`, field.Position);
    }
    if (!isLeafType(fieldType) && field.SelectionSet.length === 0) {
      report(
        `Field "${field.Name}" of type "${typeString(type)}" must have a selection of subfields. Did you mean "${field.Name} { ... }"?`,
        field.Position,
      );
    }
  });
};

/** The distinct field names selected at the top of a subscription, with where each first appears. */
function topFields(selections: Selection[]): { name: string; position: Position | null }[] {
  const fields: { name: string; position: Position | null }[] = [];
  const walkedFragments = new Set<string>();
  const walk = (set: Selection[]): void => {
    for (const selection of set) {
      if (selection.kind === 'Field') {
        fields.push({ name: selection.Name, position: selection.Position });
      } else if (selection.kind === 'InlineFragment') {
        walk(selection.SelectionSet);
      } else {
        // gqlparser stops looking at this selection set at a spread of an unknown fragment.
        if (selection.Definition === null) return;
        const fragment = selection.Definition.Name;
        if (!walkedFragments.has(fragment)) {
          walkedFragments.add(fragment);
          walk(selection.Definition.SelectionSet);
        }
      }
    }
  };
  walk(selections);
  const seen = new Set<string>();
  return fields.filter((field) => {
    const first = !seen.has(field.name);
    seen.add(field.name);
    return first;
  });
}

const singleFieldSubscriptions: Rule = (events, report) => {
  events.operation.push((walker, operation) => {
    if (walker.schema.Subscription === null || operation.Operation !== 'subscription') return;
    const fields = topFields(operation.SelectionSet);
    const name = operation.Name !== '' ? `Subscription ${goQuote(operation.Name)}` : 'Anonymous Subscription';
    if (fields.length > 1) report(`${name} must select only one top level field.`, fields[1].position);
    for (const field of fields) {
      if (field.name.startsWith('__')) report(`${name} must not select an introspection top level field.`, field.position);
    }
  });
};

function checkUniqueArguments(args: readonly Argument[], report: Report): void {
  const counts = new Map<string, number>();
  for (const argument of args) {
    const count = counts.get(argument.Name) ?? 0;
    if (count === 1) report(`There can be only one argument named "${argument.Name}".`, argument.Position);
    counts.set(argument.Name, count + 1);
  }
}

const uniqueArgumentNames: Rule = (events, report) => {
  events.field.push((_walker, field) => checkUniqueArguments(field.Arguments, report));
  events.directive.push((_walker, directive) => checkUniqueArguments(directive.Arguments, report));
};

const uniqueDirectivesPerLocation: Rule = (events, report) => {
  events.directiveList.push((_walker, directives) => {
    const seen = new Set<string>();
    for (const directive of directives) {
      // gqlparser exempts a directive named "repeatable" rather than repeatable directives.
      if (directive.Name !== 'repeatable' && seen.has(directive.Name)) {
        report(`The directive "@${directive.Name}" can only be used once at this location.`, directive.Position);
      }
      seen.add(directive.Name);
    }
  });
};

const uniqueFragmentNames: Rule = (events, report) => {
  const seen = new Set<string>();
  events.fragment.push((_walker, fragment) => {
    if (seen.has(fragment.Name)) report(`There can be only one fragment named "${fragment.Name}".`, fragment.Position);
    seen.add(fragment.Name);
  });
};

const uniqueInputFieldNames: Rule = (events, report) => {
  events.value.push((_walker, value) => {
    if (value.Kind !== ValueKind.Object) return;
    const seen = new Set<string>();
    for (const field of value.Children) {
      if (seen.has(field.Name)) report(`There can be only one input field named "${field.Name}".`, field.Position);
      seen.add(field.Name);
    }
  });
};

const uniqueOperationNames: Rule = (events, report) => {
  const seen = new Set<string>();
  events.operation.push((_walker, operation) => {
    if (seen.has(operation.Name)) report(`There can be only one operation named "${operation.Name}".`, operation.Position);
    seen.add(operation.Name);
  });
};

const uniqueVariableNames: Rule = (events, report) => {
  events.operation.push((_walker, operation) => {
    const counts = new Map<string, number>();
    for (const variable of operation.VariableDefinitions) {
      const count = counts.get(variable.Variable) ?? 0;
      if (count === 1) report(`There can be only one variable named "$${variable.Variable}".`, variable.Position);
      counts.set(variable.Variable, count + 1);
    }
  });
};

// Go's strconv parsing, which gqlparser uses to read literal values.

const INT64_LIMIT = 2n ** 63n;
const INT32_LIMIT = 2n ** 31n;

type ParseOutcome = 'ok' | 'syntax' | 'range';

function parseGoInt(text: string, bits: 32 | 64): ParseOutcome {
  if (!/^[+-]?[0-9]+$/.test(text)) return 'syntax';
  const value = BigInt(text);
  const limit = bits === 64 ? INT64_LIMIT : INT32_LIMIT;
  return value < -limit || value >= limit ? 'range' : 'ok';
}

function parseGoFloat(text: string): ParseOutcome {
  if (/^[+-]?(inf|infinity|nan)$/i.test(text)) return 'ok';
  if (!/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(text)) return 'syntax';
  return Number.isFinite(Number(text)) ? 'ok' : 'range';
}

const GO_BOOLEANS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Whether gqlparser can read a literal as a Go value (`Value.Value`): numbers must be in range. */
function readableValue(value: ValueNode | null): boolean {
  if (value === null) return true;
  switch (value.Kind) {
    case ValueKind.Variable: {
      const defaultValue = value.VariableDefinition?.DefaultValue ?? null;
      return readableValue(defaultValue);
    }
    case ValueKind.Int:
      return parseGoInt(value.Raw, 64) === 'ok';
    case ValueKind.Float:
      return parseGoFloat(value.Raw) === 'ok';
    case ValueKind.String:
    case ValueKind.Block:
    case ValueKind.Enum:
    case ValueKind.Null:
      return true;
    case ValueKind.Boolean:
      return GO_BOOLEANS.has(value.Raw);
    case ValueKind.List:
    case ValueKind.Object:
      return value.Children.every((child) => readableValue(child.Value));
    default:
      throw new MissingNodeError(`unknown value kind ${value.Kind}`);
  }
}

function isOneOf(definition: Definition, ...names: string[]): boolean {
  return names.includes(definition.Name);
}

/** gqlparser's message for a literal of the wrong kind, by the expected type as written. */
function unexpectedTypeMessage(value: ValueNode, expected: string, definition: Definition): string {
  switch (expected) {
    case 'Int':
    case 'Int!':
      if (parseGoInt(value.Raw, 32) === 'range') return `Int cannot represent non 32-bit signed integer value: ${valueString(value)}`;
      return `Int cannot represent non-integer value: ${valueString(value)}`;
    case 'String':
    case 'String!':
    case '[String]':
      return `String cannot represent a non string value: ${valueString(value)}`;
    case 'Boolean':
    case 'Boolean!':
      return `Boolean cannot represent a non boolean value: ${valueString(value)}`;
    case 'Float':
    case 'Float!':
      return `Float cannot represent non numeric value: ${valueString(value)}`;
    case 'ID':
    case 'ID!':
      return `ID cannot represent a non-string and non-integer value: ${valueString(value)}`;
    default:
      if (definition.Kind === 'ENUM') return `Enum "${expected}" cannot represent non-enum value: ${valueString(value)}.`;
      return `Expected value of type "${expected}", found ${valueString(value)}.`;
  }
}

const valuesOfCorrectType: Rule = (events, report) => {
  events.value.push((_walker, value) => {
    const definition = value.Definition;
    const expectedType = value.ExpectedType;
    if (definition === null || expectedType === null) return;
    const expected = typeString(expectedType);
    const unexpected = (): void => report(unexpectedTypeMessage(value, expected, definition), value.Position);

    if (value.Kind === ValueKind.Null && expectedType.NonNull) report(`Expected value of type "${expected}", found ${valueString(value)}.`, value.Position);
    // Custom scalars accept any literal.
    if (definition.Kind === 'SCALAR' && !isOneOf(definition, 'Int', 'Float', 'String', 'Boolean', 'ID')) return;
    const enumValues = definition.Kind === 'ENUM' ? definition.EnumValues.map((enumValue) => enumValue.Name) : [];
    if (!readableValue(value)) unexpected();

    switch (value.Kind) {
      case ValueKind.Null:
      case ValueKind.Variable:
        return;
      case ValueKind.List:
        if (expectedType.Elem === null) unexpected();
        return;
      case ValueKind.Int:
        if (!isOneOf(definition, 'Int', 'Float', 'ID')) unexpected();
        return;
      case ValueKind.Float:
        if (!isOneOf(definition, 'Float')) unexpected();
        return;
      case ValueKind.String:
      case ValueKind.Block:
        if (definition.Kind === 'ENUM') {
          report(
            `Enum "${expected}" cannot represent non-enum value: ${valueString(value)}.` + suggestQuoted('Did you mean the enum value', value.Raw, enumValues),
            value.Position,
          );
        } else if (!isOneOf(definition, 'String', 'ID')) {
          unexpected();
        }
        return;
      case ValueKind.Enum:
        if (definition.Kind !== 'ENUM') {
          report(unexpectedTypeMessage(value, expected, definition) + suggestUnquoted('Did you mean the enum value', value.Raw, enumValues), value.Position);
        } else if (forName(definition.EnumValues, value.Raw) === undefined) {
          report(
            `Value "${valueString(value)}" does not exist in "${expected}" enum.` + suggestQuoted('Did you mean the enum value', value.Raw, enumValues),
            value.Position,
          );
        }
        return;
      case ValueKind.Boolean:
        if (!isOneOf(definition, 'Boolean')) unexpected();
        return;
      case ValueKind.Object:
        for (const field of definition.Fields) {
          if (!present(field.Type, 'field type').NonNull) continue;
          const given = value.Children.find((child) => child.Name === field.Name)?.Value ?? null;
          if (given === null && field.DefaultValue === null) {
            report(`Field "${definition.Name}.${field.Name}" of required type "${typeString(present(field.Type, 'field type'))}" was not provided.`, value.Position);
          }
        }
        for (const child of value.Children) {
          if (forName(definition.Fields, child.Name) !== undefined) continue;
          const names = definition.Fields.map((field) => field.Name);
          report(`Field "${child.Name}" is not defined by type "${definition.Name}".` + suggestQuoted('Did you mean', child.Name, names), child.Position);
        }
        return;
      default:
        throw new MissingNodeError(`unknown value kind ${value.Kind}`);
    }
  });
};

const variablesAreInputTypes: Rule = (events, report) => {
  events.operation.push((_walker, operation) => {
    for (const variable of operation.VariableDefinitions) {
      if (variable.Definition === null || isInputType(variable.Definition)) continue;
      report(
        `Variable "$${variable.Variable}" cannot be non-input type "${typeString(present(variable.Type, 'variable type'))}".`,
        variable.Position,
      );
    }
  });
};

const variablesInAllowedPosition: Rule = (events, report) => {
  events.value.push((walker, value) => {
    const variable = value.VariableDefinition;
    const expectedType = value.ExpectedType;
    if (value.Kind !== ValueKind.Variable || expectedType === null || variable === null || walker.currentOperation === null) return;
    // A variable with a default value may stand where a non-null value is expected.
    const hasDefault = variable.DefaultValue !== null && variable.DefaultValue.Kind !== ValueKind.Null;
    const allowed = { ...expectedType, NonNull: hasDefault ? false : expectedType.NonNull };
    const variableType = present(variable.Type, 'variable type');
    if (!isCompatible(variableType, allowed)) {
      report(
        `Variable "${valueString(value)}" of type "${typeString(variableType)}" used in position expecting type "${typeString(expectedType)}".`,
        value.Position,
      );
    }
  });
};

/** gqlparser's rules by name, in the order it registers them. */
const RULES: [string, Rule][] = [
  ['FieldsOnCorrectType', fieldsOnCorrectType],
  ['FragmentsOnCompositeTypes', fragmentsOnCompositeTypes],
  ['KnownArgumentNames', knownArgumentNames],
  ['KnownDirectives', knownDirectives],
  ['KnownFragmentNames', knownFragmentNames],
  ['KnownRootType', knownRootType],
  ['KnownTypeNames', knownTypeNames],
  ['LoneAnonymousOperation', loneAnonymousOperation],
  ['NoFragmentCycles', noFragmentCycles],
  ['NoUndefinedVariables', noUndefinedVariables],
  ['NoUnusedFragments', noUnusedFragments],
  ['NoUnusedVariables', noUnusedVariables],
  ['OverlappingFieldsCanBeMerged', overlappingFieldsCanBeMerged],
  ['PossibleFragmentSpreads', possibleFragmentSpreads],
  ['ProvidedRequiredArguments', providedRequiredArguments],
  ['ScalarLeafs', scalarLeafs],
  ['SingleFieldSubscriptions', singleFieldSubscriptions],
  ['UniqueArgumentNames', uniqueArgumentNames],
  ['UniqueDirectivesPerLocation', uniqueDirectivesPerLocation],
  ['UniqueFragmentNames', uniqueFragmentNames],
  ['UniqueInputFieldNames', uniqueInputFieldNames],
  ['UniqueOperationNames', uniqueOperationNames],
  ['UniqueVariableNames', uniqueVariableNames],
  ['ValuesOfCorrectType', valuesOfCorrectType],
  ['VariablesAreInputTypes', variablesAreInputTypes],
  ['VariablesInAllowedPosition', variablesInAllowedPosition],
];
