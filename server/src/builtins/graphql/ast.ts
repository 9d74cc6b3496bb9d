/**
 * The GraphQL syntax tree as OPA's graphql built-ins expose it. OPA uses a copy of the Go library
 * gqlparser and hands its structs to policies serialised as JSON, so the nodes here carry exactly
 * gqlparser's exported field names (`Operations`, `SelectionSet`, `Alias`, ...) and the fields its
 * validator fills in (`Definition`, `ExpectedType`, `Used`, ...). Helpers mirror the methods of
 * those structs that the parser and validator rely on.
 */

/** Where a node starts: line and column count from 1, columns in Unicode code points. */
export interface Position {
  Line: number;
  Column: number;
  /**
   * The name of the source: empty for text given to a built-in, which errors call "input", and
   * null for a position decoded from an object without one, which gqlparser cannot report.
   */
  SourceName: string | null;
}

export interface QueryDocument {
  Operations: OperationDefinition[];
  Fragments: FragmentDefinition[];
}

export interface OperationDefinition {
  Operation: string;
  Name: string;
  VariableDefinitions: VariableDefinition[];
  Directives: Directive[];
  SelectionSet: Selection[];
  Position: Position | null;
}

export interface VariableDefinition {
  Variable: string;
  Type: TypeRef | null;
  DefaultValue: ValueNode | null;
  Directives: Directive[];
  Position: Position | null;
  /** Filled in by validation. */
  Definition: Definition | null;
  Used: boolean;
}

/** A type reference: a named type, or a list of `Elem`, either possibly non-null. */
export interface TypeRef {
  NamedType: string;
  Elem: TypeRef | null;
  NonNull: boolean;
  Position: Position | null;
}

export type Selection = Field | FragmentSpread | InlineFragment;

export interface Field {
  kind: 'Field';
  Alias: string;
  Name: string;
  Arguments: Argument[];
  Directives: Directive[];
  SelectionSet: Selection[];
  Position: Position | null;
  /** Filled in by validation. */
  Definition: FieldDefinition | null;
  ObjectDefinition: Definition | null;
}

export interface FragmentSpread {
  kind: 'FragmentSpread';
  Name: string;
  Directives: Directive[];
  Position: Position | null;
  /** Filled in by validation. */
  ObjectDefinition: Definition | null;
  Definition: FragmentDefinition | null;
}

export interface InlineFragment {
  kind: 'InlineFragment';
  TypeCondition: string;
  Directives: Directive[];
  SelectionSet: Selection[];
  Position: Position | null;
  /** Filled in by validation. */
  ObjectDefinition: Definition | null;
}

export interface FragmentDefinition {
  Name: string;
  /** gqlparser's experimental fragment variables; the JSON name is singular. */
  VariableDefinition: VariableDefinition[];
  TypeCondition: string;
  Directives: Directive[];
  SelectionSet: Selection[];
  Position: Position | null;
  /** Filled in by validation. */
  Definition: Definition | null;
}

export interface Argument {
  Name: string;
  Value: ValueNode | null;
  Position: Position | null;
}

export interface Directive {
  Name: string;
  Arguments: Argument[];
  Position: Position | null;
  /** Filled in by validation. */
  ParentDefinition: Definition | null;
  Definition: DirectiveDefinition | null;
  Location: string;
}

/** gqlparser's value kinds, serialised as these numbers. */
export const ValueKind = {
  Variable: 0,
  Int: 1,
  Float: 2,
  String: 3,
  Block: 4,
  Boolean: 5,
  Null: 6,
  Enum: 7,
  List: 8,
  Object: 9,
} as const;

/** A literal or variable in a query or schema (gqlparser's `Value`). */
export interface ValueNode {
  Raw: string;
  Children: ChildValue[];
  Kind: number;
  Position: Position | null;
  /** Filled in by validation. */
  Definition: Definition | null;
  VariableDefinition: VariableDefinition | null;
  ExpectedType: TypeRef | null;
}

/** An element of a list value (with an empty name) or a field of an object value. */
export interface ChildValue {
  Name: string;
  Value: ValueNode | null;
  Position: Position | null;
}

export interface SchemaDocument {
  Schema: SchemaDefinition[];
  SchemaExtension: SchemaDefinition[];
  Directives: DirectiveDefinition[];
  Definitions: Definition[];
  Extensions: Definition[];
}

export interface SchemaDefinition {
  Description: string;
  Directives: Directive[];
  OperationTypes: OperationTypeDefinition[];
  Position: Position | null;
}

export interface OperationTypeDefinition {
  Operation: string;
  Type: string;
  Position: Position | null;
}

/** A type definition or extension of any kind (gqlparser uses one struct for all of them). */
export interface Definition {
  Kind: string;
  Description: string;
  Name: string;
  Directives: Directive[];
  Interfaces: string[];
  Fields: FieldDefinition[];
  Types: string[];
  EnumValues: EnumValueDefinition[];
  Position: Position | null;
  BuiltIn: boolean;
}

export interface FieldDefinition {
  Description: string;
  Name: string;
  Arguments: ArgumentDefinition[];
  DefaultValue: ValueNode | null;
  Type: TypeRef | null;
  Directives: Directive[];
  Position: Position | null;
}

export interface ArgumentDefinition {
  Description: string;
  Name: string;
  DefaultValue: ValueNode | null;
  Type: TypeRef | null;
  Directives: Directive[];
  Position: Position | null;
}

export interface EnumValueDefinition {
  Description: string;
  Name: string;
  Directives: Directive[];
  Position: Position | null;
}

export interface DirectiveDefinition {
  Description: string;
  Name: string;
  Arguments: ArgumentDefinition[];
  Locations: string[];
  IsRepeatable: boolean;
  Position: Position | null;
}

/** A validated schema: types and directives by name, root types and the possible types of abstract types. */
export interface Schema {
  Query: Definition | null;
  Mutation: Definition | null;
  Subscription: Definition | null;
  Types: Map<string, Definition>;
  Directives: Map<string, DirectiveDefinition>;
  /** Members of unions, implementations of interfaces, and each object type itself. */
  PossibleTypes: Map<string, (Definition | undefined)[]>;
}

// ---------------------------------------------------------------------------------------------
// Go's nil dereferences

/**
 * Raised where gqlparser would dereference a nil pointer and panic. That only happens for trees
 * built from objects a policy passed in with parts missing; callers turn it into a failed result.
 */
export class MissingNodeError extends Error {}

/** The value, or a MissingNodeError where Go would dereference nil. */
export function present<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new MissingNodeError(`missing ${what}`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Constructors with gqlparser's zero values

export function newTypeRef(NamedType: string, NonNull: boolean, Position: Position | null = null): TypeRef {
  return { NamedType, Elem: null, NonNull, Position };
}

export function newValue(Kind: number, Raw: string, Position: Position | null): ValueNode {
  return { Raw, Children: [], Kind, Position, Definition: null, VariableDefinition: null, ExpectedType: null };
}

export function newDefinition(Kind: string, Name: string, Position: Position | null): Definition {
  return { Kind, Description: '', Name, Directives: [], Interfaces: [], Fields: [], Types: [], EnumValues: [], Position, BuiltIn: false };
}

export function newFieldDefinition(Name: string, Type: TypeRef, Arguments: ArgumentDefinition[] = []): FieldDefinition {
  return { Description: '', Name, Arguments, DefaultValue: null, Type, Directives: [], Position: null };
}

export function newArgumentDefinition(Name: string, Type: TypeRef): ArgumentDefinition {
  return { Description: '', Name, DefaultValue: null, Type, Directives: [], Position: null };
}

// ---------------------------------------------------------------------------------------------
// Methods of gqlparser's structs

/** The innermost named type of a reference (`Type.Name()`). */
export function typeName(type: TypeRef): string {
  if (type.NamedType !== '') return type.NamedType;
  return typeName(present(type.Elem, 'list element type'));
}

/** GraphQL notation for a reference, such as `[Episode!]!` (`Type.String()`). */
export function typeString(type: TypeRef): string {
  const nonNull = type.NonNull ? '!' : '';
  if (type.NamedType !== '') return type.NamedType + nonNull;
  return `[${typeString(present(type.Elem, 'list element type'))}]${nonNull}`;
}

/** Whether a value of type `type` may be used where `other` is expected (`Type.IsCompatible`). */
export function isCompatible(type: TypeRef, other: TypeRef): boolean {
  if (type.NamedType !== other.NamedType) return false;
  if (type.Elem !== null && other.Elem === null) return false;
  if (type.Elem !== null && !isCompatible(type.Elem, present(other.Elem, 'list element type'))) return false;
  if (other.NonNull) return type.NonNull;
  return true;
}

export function isLeafType(definition: Definition): boolean {
  return definition.Kind === 'ENUM' || definition.Kind === 'SCALAR';
}

export function isAbstractType(definition: Definition): boolean {
  return definition.Kind === 'INTERFACE' || definition.Kind === 'UNION';
}

export function isCompositeType(definition: Definition): boolean {
  return definition.Kind === 'OBJECT' || definition.Kind === 'INTERFACE' || definition.Kind === 'UNION';
}

export function isInputType(definition: Definition): boolean {
  return definition.Kind === 'SCALAR' || definition.Kind === 'ENUM' || definition.Kind === 'INPUT_OBJECT';
}

/** The first element with the given name, as gqlparser's `ForName` list methods find it. */
export function forName<T extends { Name: string }>(list: readonly T[], name: string): T | undefined {
  return list.find((item) => item.Name === name);
}

/** gqlparser's `Value.String()`, used in validation messages. */
export function valueString(value: ValueNode): string {
  switch (value.Kind) {
    case ValueKind.Variable:
      return '$' + value.Raw;
    case ValueKind.Int:
    case ValueKind.Float:
    case ValueKind.Enum:
    case ValueKind.Boolean:
    case ValueKind.Null:
      return value.Raw;
    case ValueKind.String:
    case ValueKind.Block:
      return goQuote(value.Raw);
    case ValueKind.List:
      return `[${value.Children.map((child) => valueString(present(child.Value, 'list element'))).join(',')}]`;
    case ValueKind.Object:
      return `{${value.Children.map((child) => `${child.Name}:${valueString(present(child.Value, 'object field value'))}`).join(',')}}`;
    default:
      // gqlparser panics on kinds it does not know.
      throw new MissingNodeError(`unknown value kind ${value.Kind}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Go's strconv.Quote

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Quotes text the way Go's strconv.Quote does (escapes for control and unprintable characters). */
export function goQuote(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"' || char === '\\') out += '\\' + char;
    else if (PRINTABLE.test(char)) out += char;
    else if (char === '\x07') out += '\\a';
    else if (char === '\b') out += '\\b';
    else if (char === '\f') out += '\\f';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char === '\v') out += '\\v';
    else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
    else if (code >= 0xd800 && code <= 0xdfff) out += '\\ufffd';
    else if (code < 0x10000) out += '\\u' + code.toString(16).padStart(4, '0');
    else out += '\\U' + code.toString(16).padStart(8, '0');
  }
  return out + '"';
}
