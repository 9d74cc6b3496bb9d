/**
 * Conversion between the GraphQL syntax tree and Rego values, as OPA does it with Go's JSON
 * encoding of gqlparser's structs. Encoding keeps every string, boolean and number field (even
 * empty ones), and drops null fields, empty arrays and empty objects, and positions. Decoding
 * follows Go's encoding/json: keys match field names regardless of case, except in the four node
 * types where gqlparser decodes by hand with exact names; unknown keys are ignored; a value of the
 * wrong JSON type is an error; and every selection that decodes as a field becomes one, so fragment
 * spreads and inline fragments given as objects turn into fields, as they do in OPA.
 */
import { ObjectValue, type Value } from '../../value/value.js';
import { jsonData } from '../json-schema.js';
import type {
  ArgumentDefinition,
  Definition,
  Directive,
  DirectiveDefinition,
  Field,
  FragmentDefinition,
  FragmentSpread,
  InlineFragment,
  OperationDefinition,
  Position,
  QueryDocument,
  SchemaDocument,
  Selection,
  ValueNode,
} from './ast.js';

/** A value that Go's JSON decoding rejects; the message imitates encoding/json's. */
export class DecodeError extends Error {}

type FieldCodec =
  | { kind: 'string'; goType?: string }
  | { kind: 'bool' }
  | { kind: 'int'; goType: string }
  | { kind: 'strings'; goType?: string }
  | { kind: 'node'; spec: () => NodeSpec }
  | { kind: 'nodes'; spec: () => NodeSpec }
  | { kind: 'selections' }
  | { kind: 'position' };

/** How one gqlparser struct is encoded and decoded. Field names are Go's, which are also the JSON keys. */
interface NodeSpec {
  goType: string;
  /** gqlparser decodes this type by hand, matching keys exactly and only those it lists. */
  exactKeys: boolean;
  fields: Record<string, FieldCodec>;
  create(): object;
}

const text = (goType?: string): FieldCodec => ({ kind: 'string', goType });
const flag: FieldCodec = { kind: 'bool' };
const node = (spec: () => NodeSpec): FieldCodec => ({ kind: 'node', spec });
const nodes = (spec: () => NodeSpec): FieldCodec => ({ kind: 'nodes', spec });

const typeSpec: NodeSpec = {
  goType: 'ast.Type',
  exactKeys: false,
  fields: { NamedType: text(), Elem: node(() => typeSpec), NonNull: flag },
  create: () => ({ NamedType: '', Elem: null, NonNull: false, Position: null }),
};

const valueSpec: NodeSpec = {
  goType: 'ast.Value',
  exactKeys: false,
  fields: {
    Raw: text(),
    Children: nodes(() => childValueSpec),
    Kind: { kind: 'int', goType: 'ast.ValueKind' },
    Definition: node(() => definitionSpec),
    VariableDefinition: node(() => variableDefinitionSpec),
    ExpectedType: node(() => typeSpec),
  },
  create: (): ValueNode => ({ Raw: '', Children: [], Kind: 0, Position: null, Definition: null, VariableDefinition: null, ExpectedType: null }),
};

const childValueSpec: NodeSpec = {
  goType: 'ast.ChildValue',
  exactKeys: false,
  fields: { Name: text(), Value: node(() => valueSpec) },
  create: () => ({ Name: '', Value: null, Position: null }),
};

const argumentSpec: NodeSpec = {
  goType: 'ast.Argument',
  exactKeys: false,
  fields: { Name: text(), Value: node(() => valueSpec) },
  create: () => ({ Name: '', Value: null, Position: null }),
};

const directiveSpec: NodeSpec = {
  goType: 'ast.Directive',
  exactKeys: false,
  fields: {
    Name: text(),
    Arguments: nodes(() => argumentSpec),
    ParentDefinition: node(() => definitionSpec),
    Definition: node(() => directiveDefinitionSpec),
    Location: text('ast.DirectiveLocation'),
  },
  create: (): Directive => ({ Name: '', Arguments: [], Position: null, ParentDefinition: null, Definition: null, Location: '' }),
};

const variableDefinitionSpec: NodeSpec = {
  goType: 'ast.VariableDefinition',
  exactKeys: false,
  fields: {
    Variable: text(),
    Type: node(() => typeSpec),
    DefaultValue: node(() => valueSpec),
    Directives: nodes(() => directiveSpec),
    Definition: node(() => definitionSpec),
    Used: flag,
  },
  create: () => ({ Variable: '', Type: null, DefaultValue: null, Directives: [], Position: null, Definition: null, Used: false }),
};

const fieldSpec: NodeSpec = {
  goType: 'ast.Field',
  exactKeys: true,
  fields: {
    Alias: text(),
    Name: text(),
    Arguments: nodes(() => argumentSpec),
    Directives: nodes(() => directiveSpec),
    SelectionSet: { kind: 'selections' },
    Position: { kind: 'position' },
    Definition: node(() => fieldDefinitionSpec),
    ObjectDefinition: node(() => definitionSpec),
  },
  create: (): Field => ({
    kind: 'Field',
    Alias: '',
    Name: '',
    Arguments: [],
    Directives: [],
    SelectionSet: [],
    Position: null,
    Definition: null,
    ObjectDefinition: null,
  }),
};

const fragmentSpreadSpec: NodeSpec = {
  goType: 'ast.FragmentSpread',
  exactKeys: false,
  fields: {
    Name: text(),
    Directives: nodes(() => directiveSpec),
    ObjectDefinition: node(() => definitionSpec),
    Definition: node(() => fragmentDefinitionSpec),
  },
  create: (): FragmentSpread => ({ kind: 'FragmentSpread', Name: '', Directives: [], Position: null, ObjectDefinition: null, Definition: null }),
};

const inlineFragmentSpec: NodeSpec = {
  goType: 'ast.InlineFragment',
  exactKeys: true,
  fields: {
    TypeCondition: text(),
    Directives: nodes(() => directiveSpec),
    SelectionSet: { kind: 'selections' },
    ObjectDefinition: node(() => definitionSpec),
    Position: { kind: 'position' },
  },
  create: (): InlineFragment => ({ kind: 'InlineFragment', TypeCondition: '', Directives: [], SelectionSet: [], Position: null, ObjectDefinition: null }),
};

const fragmentDefinitionSpec: NodeSpec = {
  goType: 'ast.FragmentDefinition',
  exactKeys: true,
  fields: {
    Name: text(),
    VariableDefinition: nodes(() => variableDefinitionSpec),
    TypeCondition: text(),
    Directives: nodes(() => directiveSpec),
    SelectionSet: { kind: 'selections' },
    Definition: node(() => definitionSpec),
    Position: { kind: 'position' },
  },
  create: (): FragmentDefinition => ({
    Name: '',
    VariableDefinition: [],
    TypeCondition: '',
    Directives: [],
    SelectionSet: [],
    Position: null,
    Definition: null,
  }),
};

const operationDefinitionSpec: NodeSpec = {
  goType: 'ast.OperationDefinition',
  exactKeys: true,
  fields: {
    Operation: text('ast.Operation'),
    Name: text(),
    VariableDefinitions: nodes(() => variableDefinitionSpec),
    Directives: nodes(() => directiveSpec),
    SelectionSet: { kind: 'selections' },
    Position: { kind: 'position' },
  },
  create: (): OperationDefinition => ({ Operation: '', Name: '', VariableDefinitions: [], Directives: [], SelectionSet: [], Position: null }),
};

const queryDocumentSpec: NodeSpec = {
  goType: 'ast.QueryDocument',
  exactKeys: false,
  fields: { Operations: nodes(() => operationDefinitionSpec), Fragments: nodes(() => fragmentDefinitionSpec) },
  create: (): QueryDocument => ({ Operations: [], Fragments: [] }),
};

const definitionSpec: NodeSpec = {
  goType: 'ast.Definition',
  exactKeys: false,
  fields: {
    Kind: text('ast.DefinitionKind'),
    Description: text(),
    Name: text(),
    Directives: nodes(() => directiveSpec),
    Interfaces: { kind: 'strings' },
    Fields: nodes(() => fieldDefinitionSpec),
    Types: { kind: 'strings' },
    EnumValues: nodes(() => enumValueDefinitionSpec),
    BuiltIn: flag,
  },
  create: (): Definition => ({
    Kind: '',
    Description: '',
    Name: '',
    Directives: [],
    Interfaces: [],
    Fields: [],
    Types: [],
    EnumValues: [],
    Position: null,
    BuiltIn: false,
  }),
};

const fieldDefinitionSpec: NodeSpec = {
  goType: 'ast.FieldDefinition',
  exactKeys: false,
  fields: {
    Description: text(),
    Name: text(),
    Arguments: nodes(() => argumentDefinitionSpec),
    DefaultValue: node(() => valueSpec),
    Type: node(() => typeSpec),
    Directives: nodes(() => directiveSpec),
  },
  create: () => ({ Description: '', Name: '', Arguments: [], DefaultValue: null, Type: null, Directives: [], Position: null }),
};

const argumentDefinitionSpec: NodeSpec = {
  goType: 'ast.ArgumentDefinition',
  exactKeys: false,
  fields: {
    Description: text(),
    Name: text(),
    DefaultValue: node(() => valueSpec),
    Type: node(() => typeSpec),
    Directives: nodes(() => directiveSpec),
  },
  create: (): ArgumentDefinition => ({ Description: '', Name: '', DefaultValue: null, Type: null, Directives: [], Position: null }),
};

const enumValueDefinitionSpec: NodeSpec = {
  goType: 'ast.EnumValueDefinition',
  exactKeys: false,
  fields: { Description: text(), Name: text(), Directives: nodes(() => directiveSpec) },
  create: () => ({ Description: '', Name: '', Directives: [], Position: null }),
};

const directiveDefinitionSpec: NodeSpec = {
  goType: 'ast.DirectiveDefinition',
  exactKeys: false,
  fields: {
    Description: text(),
    Name: text(),
    Arguments: nodes(() => argumentDefinitionSpec),
    Locations: { kind: 'strings', goType: 'ast.DirectiveLocation' },
    IsRepeatable: flag,
  },
  create: (): DirectiveDefinition => ({ Description: '', Name: '', Arguments: [], Locations: [], IsRepeatable: false, Position: null }),
};

const schemaDefinitionSpec: NodeSpec = {
  goType: 'ast.SchemaDefinition',
  exactKeys: false,
  fields: { Description: text(), Directives: nodes(() => directiveSpec), OperationTypes: nodes(() => operationTypeDefinitionSpec) },
  create: () => ({ Description: '', Directives: [], OperationTypes: [], Position: null }),
};

const operationTypeDefinitionSpec: NodeSpec = {
  goType: 'ast.OperationTypeDefinition',
  exactKeys: false,
  fields: { Operation: text('ast.Operation'), Type: text() },
  create: () => ({ Operation: '', Type: '', Position: null }),
};

const schemaDocumentSpec: NodeSpec = {
  goType: 'ast.SchemaDocument',
  exactKeys: false,
  fields: {
    Schema: nodes(() => schemaDefinitionSpec),
    SchemaExtension: nodes(() => schemaDefinitionSpec),
    Directives: nodes(() => directiveDefinitionSpec),
    Definitions: nodes(() => definitionSpec),
    Extensions: nodes(() => definitionSpec),
  },
  create: (): SchemaDocument => ({ Schema: [], SchemaExtension: [], Directives: [], Definitions: [], Extensions: [] }),
};

const SELECTION_SPECS: Record<Selection['kind'], NodeSpec> = {
  Field: fieldSpec,
  FragmentSpread: fragmentSpreadSpec,
  InlineFragment: inlineFragmentSpec,
};

// ---------------------------------------------------------------------------------------------
// Encoding

export function encodeQueryDocument(document: QueryDocument): ObjectValue {
  return encodeNode(queryDocumentSpec, document);
}

export function encodeSchemaDocument(document: SchemaDocument): ObjectValue {
  return encodeNode(schemaDocumentSpec, document);
}

/** Encodes a node: nested nodes and lists are left out when null or empty, positions always. */
function encodeNode(spec: NodeSpec, source: object): ObjectValue {
  const record = source as Record<string, unknown>;
  const out = new ObjectValue();
  for (const [name, codec] of Object.entries(spec.fields)) {
    const encoded = encodeField(codec, record[name]);
    if (encoded !== undefined) out.set(name, encoded);
  }
  return out;
}

function encodeField(codec: FieldCodec, value: unknown): Value | undefined {
  switch (codec.kind) {
    case 'string':
    case 'bool':
    case 'int':
      return value as string | boolean | number;
    case 'strings':
      return (value as string[]).length > 0 ? [...(value as string[])] : undefined;
    case 'node': {
      if (value === null || value === undefined) return undefined;
      const encoded = encodeNode(codec.spec(), value as object);
      return encoded.size > 0 ? encoded : undefined;
    }
    case 'nodes': {
      const items = (value as object[]).map((item) => encodeNode(codec.spec(), item)).filter((item) => item.size > 0);
      return items.length > 0 ? items : undefined;
    }
    case 'selections': {
      const items = (value as Selection[]).map((item) => encodeNode(SELECTION_SPECS[item.kind], item)).filter((item) => item.size > 0);
      return items.length > 0 ? items : undefined;
    }
    case 'position':
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** What decoding found besides the tree: null list elements, which gqlparser's validator trips over. */
export interface DecodeResult<T> {
  document: T;
  hasNullElements: boolean;
}

export function decodeQueryDocument(value: ObjectValue): DecodeResult<QueryDocument> {
  return decodeDocument<QueryDocument>(queryDocumentSpec, value);
}

export function decodeSchemaDocument(value: ObjectValue): DecodeResult<SchemaDocument> {
  return decodeDocument<SchemaDocument>(schemaDocumentSpec, value);
}

function decodeDocument<T>(spec: NodeSpec, value: ObjectValue): DecodeResult<T> {
  const decoder = new Decoder(spec.goType.replace('ast.', ''));
  const document = decoder.decodeNode(spec, jsonData(value), []) as T;
  return { document, hasNullElements: decoder.hasNullElements };
}

function jsonKind(value: Value): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number' || typeof value === 'bigint') return 'number';
  if (Array.isArray(value)) return 'array';
  return 'object';
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

class Decoder {
  hasNullElements = false;

  constructor(private readonly rootType: string) {}

  private fail(value: Value, goType: string, path: string[]): never {
    const where = path.length > 0 ? `Go struct field ${this.rootType}.${path.join('.')}` : 'Go value';
    throw new DecodeError(`json: cannot unmarshal ${jsonKind(value)} into ${where} of type ${goType}`);
  }

  decodeNode(spec: NodeSpec, value: Value, path: string[]): object {
    const target = spec.create() as Record<string, unknown>;
    if (value === null) return target;
    if (!(value instanceof ObjectValue)) return this.fail(value, spec.goType, path);
    // Keys come in sorted order, so a later key spelled differently overrides an earlier one, as in Go.
    for (const [key, item] of value.entries()) {
      const name = this.fieldFor(spec, key as string);
      if (name === undefined) continue;
      target[name] = this.decodeField(spec.fields[name], item, [...path, name], target[name]);
    }
    return target;
  }

  private fieldFor(spec: NodeSpec, key: string): string | undefined {
    if (Object.hasOwn(spec.fields, key)) return key;
    if (spec.exactKeys) return undefined;
    const folded = key.toLowerCase();
    return Object.keys(spec.fields).find((name) => spec.fields[name].kind !== 'position' && name.toLowerCase() === folded);
  }

  private decodeField(codec: FieldCodec, value: Value, path: string[], current: unknown): unknown {
    // A JSON null leaves strings, booleans and numbers as they were and sets pointers and lists to nil.
    if (value === null) {
      if (codec.kind === 'node' || codec.kind === 'position') return null;
      if (codec.kind === 'nodes' || codec.kind === 'strings' || codec.kind === 'selections') return [];
      return current;
    }
    switch (codec.kind) {
      case 'string':
        if (typeof value !== 'string') this.fail(value, codec.goType ?? 'string', path);
        return value;
      case 'bool':
        if (typeof value !== 'boolean') this.fail(value, 'bool', path);
        return value;
      case 'int':
        return this.decodeInt(value, codec.goType, path);
      case 'strings':
        if (!Array.isArray(value)) return this.fail(value, `[]${codec.goType ?? 'string'}`, path);
        return value.map((item) => {
          if (item === null) return '';
          if (typeof item !== 'string') this.fail(item, codec.goType ?? 'string', path);
          return item;
        });
      case 'node':
        return this.decodeNode(codec.spec(), value, path);
      case 'nodes': {
        const spec = codec.spec();
        if (!Array.isArray(value)) return this.fail(value, `[]*${spec.goType}`, path);
        const items: object[] = [];
        for (const item of value) {
          // Go keeps a nil pointer in the list; encoding drops it and validation would trip over it.
          if (item === null) this.hasNullElements = true;
          else items.push(this.decodeNode(spec, item, path));
        }
        return items;
      }
      case 'selections':
        return this.decodeSelections(value, path);
      case 'position':
        return this.decodePosition(value, path);
    }
  }

  private decodeInt(value: Value, goType: string, path: string[]): number {
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    if (typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX) return Number(value);
    if (typeof value === 'number' || typeof value === 'bigint') {
      throw new DecodeError(`json: cannot unmarshal number ${String(value)} into Go struct field ${this.rootType}.${path.join('.')} of type ${goType}`);
    }
    return this.fail(value, goType, path);
  }

  /**
   * gqlparser tries each selection as a field, then as a fragment spread, then as an inline
   * fragment, and quietly drops one that decodes as none of them. Any object decodes as a field.
   */
  private decodeSelections(value: Value, path: string[]): Selection[] {
    if (!Array.isArray(value)) return this.fail(value, '[]json.RawMessage', path);
    const selections: Selection[] = [];
    for (const item of value) {
      for (const spec of [fieldSpec, fragmentSpreadSpec, inlineFragmentSpec]) {
        const attempt = new Decoder(this.rootType);
        try {
          selections.push(attempt.decodeNode(spec, item, path) as Selection);
          this.hasNullElements ||= attempt.hasNullElements;
          break;
        } catch (error) {
          if (!(error instanceof DecodeError)) throw error;
        }
      }
    }
    return selections;
  }

  /** Positions given in an object; gqlparser reads them only in its hand-written decoders. */
  private decodePosition(value: Value, path: string[]): Position {
    if (!(value instanceof ObjectValue)) return this.fail(value, 'ast.Position', path);
    const position: Position = { Line: 0, Column: 0, SourceName: '' };
    let source: string | null = null;
    for (const [key, item] of value.entries()) {
      const name = String(key).toLowerCase();
      if (item === null) {
        if (name === 'src') source = null;
        continue;
      }
      if (name === 'line') position.Line = this.decodeInt(item, 'int', [...path, 'Line']);
      else if (name === 'column') position.Column = this.decodeInt(item, 'int', [...path, 'Column']);
      else if (name === 'start' || name === 'end') this.decodeInt(item, 'int', [...path, name]);
      else if (name === 'src') {
        if (!(item instanceof ObjectValue)) this.fail(item, 'ast.Source', [...path, 'Src']);
        source = '';
        for (const [sourceKey, sourceItem] of item.entries()) {
          const sourceName = String(sourceKey).toLowerCase();
          if (sourceItem === null) continue;
          if (sourceName === 'name' || sourceName === 'input') {
            if (typeof sourceItem !== 'string') this.fail(sourceItem, 'string', [...path, 'Src', sourceName]);
            if (sourceName === 'name') source = sourceItem;
          } else if (sourceName === 'builtin' && typeof sourceItem !== 'boolean') {
            this.fail(sourceItem, 'bool', [...path, 'Src', 'BuiltIn']);
          }
        }
      }
    }
    return { ...position, SourceName: source };
  }
}
