/**
 * json.verify_schema and json.match_schema. OPA checks schemas and documents with its copy of the
 * gojsonschema library (drafts 4, 6 and 7, and a hybrid mode when `$schema` names none of them),
 * and its answers are that library's: which schemas it rejects and with what message, and which
 * errors a document gets ({error, type, field, desc}), in which order, including the "closest
 * branch" errors it reports for anyOf/oneOf/contains. This file reproduces that compiler and
 * validator; Go regular expressions are evaluated with re2js.
 */
import { RE2JS } from 're2js';
import { BuiltinError, T, family, type Builtin } from './declaration.js';
import { ObjectValue, SetValue, compareStrings, parseJSON, toJSON, type Value } from '../value/value.js';

// ---------------------------------------------------------------------------------------------
// Loading documents and schemas

class SchemaError extends Error {}

/** A schema or document argument as gojsonschema sees it: JSON text, or an object or array. */
function loadArgument(value: Value): Value {
  if (typeof value === 'string') {
    try {
      return jsonData(parseJSON(value));
    } catch {
      throw new SchemaError('invalid JSON string');
    }
  }
  if (value instanceof ObjectValue || Array.isArray(value)) return jsonData(value);
  throw new SchemaError('wrong type, expected string or object');
}

/**
 * Converts a value to the plain JSON data OPA marshals it to: sets become arrays, non-string keys
 * their JSON text.
 */
export function jsonData(value: Value): Value {
  if (Array.isArray(value)) return value.map(jsonData);
  if (value instanceof SetValue) return value.values().map(jsonData);
  if (value instanceof ObjectValue) {
    return ObjectValue.from(value.entries().map(([k, v]): [Value, Value] => [typeof k === 'string' ? k : toJSON(k), jsonData(v)]));
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Numbers: gojsonschema compares exact rationals and prints limits with Go's %v of big.Float.

interface Rational {
  numerator: bigint;
  denominator: bigint;
}

function rational(n: number | bigint): Rational {
  if (typeof n === 'bigint') return { numerator: n, denominator: 1n };
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(n));
  if (!match) return { numerator: 0n, denominator: 1n };
  const [, sign, whole, fraction = '', exponentText = '0'] = match;
  const exponent = Number(exponentText) - fraction.length;
  const digits = BigInt(sign + whole + fraction);
  return exponent >= 0 ? { numerator: digits * 10n ** BigInt(exponent), denominator: 1n } : { numerator: digits, denominator: 10n ** BigInt(-exponent) };
}

function compareRationals(a: Rational, b: Rational): number {
  const left = a.numerator * b.denominator;
  const right = b.numerator * a.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}

function isMultiple(value: Rational, divisor: Rational): boolean {
  return (value.numerator * divisor.denominator) % (divisor.numerator * value.denominator) === 0n;
}

/** Go's shortest %g: exponent form below 1e-4 and from 1e6 on, with a two-digit exponent. */
function goFloat(n: number | bigint): string {
  const exponential = typeof n === 'bigint' ? bigintExponential(n) : n.toExponential();
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(exponential);
  if (!match) return String(n);
  const [, sign, first, rest = '', exponentText] = match;
  const digits = (first + rest).replace(/0+$/, '') || '0';
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const magnitude = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${magnitude}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  if (digits.length <= exponent + 1) return sign + digits + '0'.repeat(exponent + 1 - digits.length);
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

function bigintExponential(n: bigint): string {
  const text = (n < 0n ? -n : n).toString();
  return `${n < 0n ? '-' : ''}${text[0]}.${text.slice(1) || '0'}e+${text.length - 1}`;
}

function isNumeric(value: Value): value is number | bigint {
  return typeof value === 'number' || typeof value === 'bigint';
}

function isIntegral(value: number | bigint): boolean {
  return typeof value === 'bigint' || Number.isInteger(value);
}

/** An integer keyword value (a count or a length), as gojsonschema's mustBeInteger reads it. */
function integerValue(value: Value | undefined): number | undefined {
  if (value === undefined || !isNumeric(value) || !isIntegral(value)) return undefined;
  return Number(value);
}

// ---------------------------------------------------------------------------------------------
// JSON text as Go's encoding/json writes it (used for const, enum and uniqueItems comparisons).

function goJSON(value: Value): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' || typeof value === 'bigint') return JSON.stringify(Number(value));
  if (typeof value === 'string') return goString(value);
  if (Array.isArray(value)) return `[${value.map(goJSON).join(',')}]`;
  if (value instanceof SetValue) return `[${value.values().map(goJSON).join(',')}]`;
  const entries = value.entries().map(([k, v]): [string, Value] => [typeof k === 'string' ? k : toJSON(k), v]);
  entries.sort((a, b) => compareStrings(a[0], b[0]));
  return `{${entries.map(([k, v]) => `${goString(k)}:${goJSON(v)}`).join(',')}}`;
}

/** Go escapes <, >, & and the two Unicode line separators that JSON.stringify leaves alone. */
function goString(text: string): string {
  return JSON.stringify(text).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// ---------------------------------------------------------------------------------------------
// Messages (gojsonschema's English locale)

const TYPE_NAMES = ['array', 'boolean', 'integer', 'number', 'null', 'object', 'string'];

function invalidType(expected: string, given: string): SchemaError {
  return new SchemaError(`Invalid type. Expected: ${expected}, given: ${given}`);
}

const mustBeOfA = (x: string, y: string) => new SchemaError(`${x} must be of a ${y}`);
const mustBeOfAn = (x: string, y: string) => new SchemaError(`${x} must be of an ${y}`);
const mustBeOfType = (key: string, type: string) => new SchemaError(`${key} must be of type ${type}`);
const mustBeNonNegative = (key: string) => new SchemaError(`${key} must be greater than or equal to 0`);
const itemsMustBeUnique = (key: string) => new SchemaError(`${key} items must be unique`);
const notASchema = () => new SchemaError('Expected: valid schema, given: Invalid JSON');

// ---------------------------------------------------------------------------------------------
// Compiled schemas

const HYBRID = 1_000_000;

const DRAFTS: Record<string, number> = {
  'http://json-schema.org/draft-04/schema': 4,
  'http://json-schema.org/draft-06/schema': 6,
  'http://json-schema.org/draft-07/schema': 7,
};

interface Limit {
  value: number | bigint;
  exact: Rational;
}

interface SubSchema {
  draft: number;
  /** A boolean schema (draft 6 and later). */
  pass?: boolean;
  refSchema?: SubSchema;
  types: string[];
  properties: [string, SubSchema][];
  additionalProperties?: boolean | SubSchema;
  patternProperties: [RE2JS, SubSchema][];
  propertyNames?: SubSchema;
  dependencies: [string, string[] | SubSchema][];
  items: SubSchema[];
  itemsIsSingleSchema: boolean;
  additionalItems?: boolean | SubSchema;
  multipleOf?: Limit;
  minimum?: Limit;
  maximum?: Limit;
  exclusiveMinimum?: Limit;
  exclusiveMaximum?: Limit;
  minLength?: number;
  maxLength?: number;
  pattern?: RE2JS;
  format?: string;
  minProperties?: number;
  maxProperties?: number;
  required: string[];
  minItems?: number;
  maxItems?: number;
  uniqueItems: boolean;
  contains?: SubSchema;
  constText?: string;
  /** Undefined when there is no enum keyword; an empty enum allows nothing. */
  enumTexts?: string[];
  oneOf: SubSchema[];
  anyOf: SubSchema[];
  allOf: SubSchema[];
  not?: SubSchema;
  ifSchema?: SubSchema;
  thenSchema?: SubSchema;
  elseSchema?: SubSchema;
}

function newSubSchema(draft: number): SubSchema {
  return {
    draft,
    types: [],
    properties: [],
    patternProperties: [],
    dependencies: [],
    items: [],
    itemsIsSingleSchema: false,
    required: [],
    uniqueItems: false,
    oneOf: [],
    anyOf: [],
    allOf: [],
  };
}

function compileRegex(pattern: string): RE2JS | undefined {
  try {
    return RE2JS.compile(pattern);
  } catch {
    return undefined;
  }
}

function matches(regex: RE2JS, text: string): boolean {
  return regex.matcher(text).find();
}

function limit(value: number | bigint): Limit {
  return { value, exact: rational(value) };
}

// ---------------------------------------------------------------------------------------------
// References

const ROOT_URI = '';

function splitFragment(uri: string): [string, string] {
  const hash = uri.indexOf('#');
  return hash < 0 ? [uri, ''] : [uri.slice(0, hash), uri.slice(hash + 1)];
}

function isAbsoluteUri(uri: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri);
}

/** Resolves a reference against a base the way URI references resolve (RFC 3986). */
function resolveUri(base: string, reference: string): string {
  if (reference.startsWith('#')) return splitFragment(base)[0] + reference;
  if (isAbsoluteUri(reference) || !isAbsoluteUri(base)) return reference;
  try {
    const [, fragment] = splitFragment(reference);
    const url = new URL(reference, base);
    url.hash = '';
    return url.href.replace(/#$/, '') + (reference.includes('#') ? `#${fragment}` : '');
  } catch {
    return reference;
  }
}

/** Follows a JSON pointer (a URI fragment) into a document, with gojsonpointer's messages. */
function followPointer(document: Value, fragment: string): Value {
  let pointer: string;
  try {
    pointer = decodeURIComponent(fragment);
  } catch {
    pointer = fragment;
  }
  if (pointer === '') return document;
  if (!pointer.startsWith('/')) throw new SchemaError('JSON pointer must be empty or start with a "/"');
  let node = document;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (node instanceof ObjectValue) {
      const next = node.get(token);
      if (next === undefined) throw new SchemaError(`Object has no key '${token}'`);
      node = next;
    } else if (Array.isArray(node)) {
      if (!/^-?\d+$/.test(token)) throw new SchemaError(`Invalid array index '${token}'`);
      const index = Number(token);
      if (index < 0 || index >= node.length) throw new SchemaError(`Out of bound array[0,${node.length}] index '${index}'`);
      node = node[index];
    } else {
      throw new SchemaError(`Invalid token reference '${token}'`);
    }
  }
  return node;
}

class SchemaCompiler {
  /** Documents and identified subschemas by URI, as gojsonschema's schema pool keeps them. */
  private readonly pool = new Map<string, Value>();
  /** Each $ref made absolute against the $id scope it appears in. */
  private readonly absoluteRefs = new WeakMap<ObjectValue, string>();
  /** Schemas already compiled for a reference (this is what lets recursive schemas terminate). */
  private readonly referencePool = new Map<string, SubSchema>();

  compile(document: Value): SubSchema {
    const draft = detectDraft(document);
    this.collectReferences(document, ROOT_URI);
    this.pool.set(ROOT_URI, document);
    const root = newSubSchema(draft ?? HYBRID);
    this.parse(document, root);
    return root;
  }

  /** Registers $id scopes and makes every $ref absolute, before anything is parsed. */
  private collectReferences(node: Value, scope: string): void {
    if (Array.isArray(node)) {
      for (const item of node) this.collectReferences(item, scope);
      return;
    }
    if (!(node instanceof ObjectValue)) return;
    let local = scope;
    const id = node.has('id') ? node.get('id') : node.get('$id');
    if (typeof id === 'string') {
      local = resolveUri(scope, id);
      // gojsonschema keeps the first schema with an identifier and skips a later one entirely.
      if (this.pool.has(local)) return;
      this.pool.set(local, node);
    }
    const ref = node.get('$ref');
    if (typeof ref === 'string') this.absoluteRefs.set(node, resolveUri(local, ref));
    for (const [key, child] of node.entries()) {
      // const and enum hold data, not schemas; properties-like maps hold schemas one level down.
      if (key === 'const' || key === 'enum') continue;
      if ((key === 'properties' || key === 'dependencies' || key === 'patternProperties') && child instanceof ObjectValue) {
        for (const item of child.values()) this.collectReferences(item, local);
      } else {
        this.collectReferences(child, local);
      }
    }
  }

  private lookup(uri: string): Value {
    const found = this.pool.get(uri);
    if (found !== undefined) return found;
    const [base, fragment] = splitFragment(uri);
    const document = this.pool.get(base);
    if (document !== undefined) {
      const node = followPointer(document, fragment);
      this.pool.set(uri, node);
      return node;
    }
    if (!isAbsoluteUri(base)) throw new SchemaError(`Reference ${uri} must be canonical`);
    // Remote schemas are never fetched here.
    throw new SchemaError(`Could not load remote reference ${uri}: remote references are not supported`);
  }

  private child(node: Value, parent: SubSchema): SubSchema {
    const schema = newSubSchema(parent.draft);
    this.parse(node, schema);
    return schema;
  }

  /** A keyword value that must be a schema (an object, or a boolean from draft 6 on). */
  private schemaValued(node: Value, parent: SubSchema, error: () => SchemaError): SubSchema {
    if (node instanceof ObjectValue || typeof node === 'boolean') return this.child(node, parent);
    throw error();
  }

  /** additionalProperties and additionalItems: a boolean kept as it is, or a schema. */
  private booleanOrSchema(node: Value, parent: SubSchema, keyword: string): boolean | SubSchema {
    if (typeof node === 'boolean') return node;
    if (node instanceof ObjectValue) return this.child(node, parent);
    throw invalidType('boolean/valid schema', keyword);
  }

  private parse(node: Value, schema: SubSchema): void {
    if (schema.draft >= 6 && typeof node === 'boolean') {
      schema.pass = node;
      return;
    }
    if (!(node instanceof ObjectValue)) throw notASchema();
    const m = node;
    const draft = schema.draft;

    const getString = (key: string): string | undefined => {
      const value = m.get(key);
      if (value === undefined) return undefined;
      if (typeof value !== 'string') throw invalidType('string', key);
      return value;
    };
    const getArray = (key: string): Value[] => {
      const value = m.get(key);
      if (value === undefined) return [];
      if (!Array.isArray(value)) throw mustBeOfAn(key, 'array');
      return value;
    };
    const nonNegativeInteger = (key: string): number | undefined => {
      const value = m.get(key);
      if (value === undefined) return undefined;
      const n = integerValue(value);
      if (n === undefined) throw mustBeOfAn(key, 'integer');
      if (n < 0) throw mustBeNonNegative(key);
      return n;
    };

    // Draft 4 names the identifier "id"; the hybrid mode accepts either.
    const idKey = draft === 4 ? 'id' : draft === HYBRID && m.has('id') ? 'id' : '$id';
    getString(idKey);

    const definitions = m.get('definitions');
    if (definitions !== undefined) {
      if (!(definitions instanceof ObjectValue)) throw invalidType('array of schemas', 'definitions');
      for (const definition of definitions.values()) {
        this.schemaValued(definition, schema, () => invalidType('array of schemas', 'definitions'));
      }
    }

    getString('title');
    getString('description');

    if (getString('$ref') !== undefined) {
      const uri = this.absoluteRefs.get(m) ?? (m.get('$ref') as string);
      const known = this.referencePool.get(uri);
      if (known) {
        schema.refSchema = known;
      } else {
        // Siblings of $ref are not read (drafts 4 to 7).
        const target = newSubSchema(draft);
        this.referencePool.set(uri, target);
        const document = this.lookup(uri);
        if (!(document instanceof ObjectValue) && typeof document !== 'boolean') throw mustBeOfType('valid schema', 'object');
        this.parse(document, target);
        schema.refSchema = target;
        return;
      }
    }

    const type = m.get('type');
    if (type !== undefined) {
      const names = typeof type === 'string' ? [type] : Array.isArray(type) ? type : undefined;
      // gojsonschema swaps expected and given in this message.
      if (names === undefined) throw invalidType('type', 'string/array of strings');
      for (const name of names) {
        if (typeof name !== 'string') throw invalidType('type', 'string/array of strings');
        if (!TYPE_NAMES.includes(name)) {
          throw new SchemaError(`has a primitive type that is NOT VALID -- given: /${name}/ Expected valid values are:[${TYPE_NAMES.join(' ')}]`);
        }
        if (schema.types.includes(name)) throw new SchemaError(`${name} type is duplicated`);
        schema.types.push(name);
      }
    }

    const properties = m.get('properties');
    if (properties !== undefined) {
      if (!(properties instanceof ObjectValue)) throw mustBeOfType('properties', 'object');
      for (const [key, value] of properties.entries()) schema.properties.push([key as string, this.child(value, schema)]);
    }

    const additionalProperties = m.get('additionalProperties');
    if (additionalProperties !== undefined) schema.additionalProperties = this.booleanOrSchema(additionalProperties, schema, 'additionalProperties');

    const patternProperties = m.get('patternProperties');
    if (patternProperties !== undefined) {
      if (!(patternProperties instanceof ObjectValue)) throw invalidType('valid schema', 'patternProperties');
      for (const [key, value] of patternProperties.entries()) {
        const regex = compileRegex(key as string);
        if (!regex) throw new SchemaError(`Invalid regex pattern '${key as string}'`);
        schema.patternProperties.push([regex, this.child(value, schema)]);
      }
    }

    const propertyNames = m.get('propertyNames');
    if (propertyNames !== undefined && draft >= 6) {
      schema.propertyNames = this.schemaValued(propertyNames, schema, () => invalidType('valid schema', 'patternProperties'));
    }

    const dependencies = m.get('dependencies');
    if (dependencies !== undefined) {
      if (!(dependencies instanceof ObjectValue)) throw mustBeOfType('dependencies', 'object');
      const dependencyError = () => mustBeOfType('dependency', 'schema or array of strings');
      for (const [key, value] of dependencies.entries()) {
        if (Array.isArray(value)) {
          if (!value.every((item) => typeof item === 'string')) throw dependencyError();
          if (value.length > 0) schema.dependencies.push([key as string, value as string[]]);
        } else {
          schema.dependencies.push([key as string, this.schemaValued(value, schema, dependencyError)]);
        }
      }
    }

    const items = m.get('items');
    if (items !== undefined) {
      const itemsError = () => invalidType('valid schema/array of schemas', 'items');
      if (Array.isArray(items)) {
        for (const item of items) schema.items.push(this.schemaValued(item, schema, itemsError));
      } else {
        schema.items.push(this.schemaValued(items, schema, itemsError));
        schema.itemsIsSingleSchema = true;
      }
    }

    const additionalItems = m.get('additionalItems');
    if (additionalItems !== undefined) schema.additionalItems = this.booleanOrSchema(additionalItems, schema, 'additionalItems');

    const multipleOf = m.get('multipleOf');
    if (multipleOf !== undefined) {
      if (!isNumeric(multipleOf)) throw invalidType('number', 'multipleOf');
      if (multipleOf <= 0) throw new SchemaError('multipleOf must be strictly greater than 0');
      schema.multipleOf = limit(multipleOf);
    }

    const minimum = m.get('minimum');
    if (minimum !== undefined) {
      if (!isNumeric(minimum)) throw mustBeOfA('minimum', 'number');
      schema.minimum = limit(minimum);
    }
    this.parseExclusive(m, schema, 'exclusiveMinimum', 'minimum');

    const maximum = m.get('maximum');
    if (maximum !== undefined) {
      if (!isNumeric(maximum)) throw mustBeOfA('maximum', 'number');
      schema.maximum = limit(maximum);
    }
    this.parseExclusive(m, schema, 'exclusiveMaximum', 'maximum');

    schema.minLength = nonNegativeInteger('minLength');
    schema.maxLength = nonNegativeInteger('maxLength');
    if (schema.minLength !== undefined && schema.maxLength !== undefined && schema.minLength > schema.maxLength) {
      throw new SchemaError('minLength cannot be greater than maxLength');
    }

    const pattern = getString('pattern');
    if (pattern !== undefined) {
      schema.pattern = compileRegex(pattern);
      if (!schema.pattern) throw new SchemaError('pattern must be a valid regex');
    }

    schema.format = getString('format');

    schema.minProperties = nonNegativeInteger('minProperties');
    schema.maxProperties = nonNegativeInteger('maxProperties');
    if (schema.minProperties !== undefined && schema.maxProperties !== undefined && schema.minProperties > schema.maxProperties) {
      throw new SchemaError('minProperties cannot be greater than maxProperties');
    }

    for (const name of getArray('required')) {
      if (typeof name !== 'string') throw invalidType('string', 'required');
      if (schema.required.includes(name)) throw itemsMustBeUnique('required');
      schema.required.push(name);
    }

    schema.minItems = nonNegativeInteger('minItems');
    schema.maxItems = nonNegativeInteger('maxItems');

    const uniqueItems = m.get('uniqueItems');
    if (uniqueItems !== undefined) {
      if (typeof uniqueItems !== 'boolean') throw mustBeOfA('uniqueItems', 'boolean');
      schema.uniqueItems = uniqueItems;
    }

    const contains = m.get('contains');
    if (contains !== undefined && draft >= 6) schema.contains = this.child(contains, schema);

    const constant = m.get('const');
    if (constant !== undefined && draft >= 6) schema.constText = goJSON(constant);

    if (m.has('enum')) {
      schema.enumTexts = [];
      for (const item of getArray('enum')) {
        const text = goJSON(item);
        if (schema.enumTexts.includes(text)) throw itemsMustBeUnique('enum');
        schema.enumTexts.push(text);
      }
    }

    for (const item of getArray('oneOf')) schema.oneOf.push(this.child(item, schema));
    for (const item of getArray('anyOf')) schema.anyOf.push(this.child(item, schema));
    for (const item of getArray('allOf')) schema.allOf.push(this.child(item, schema));

    const not = m.get('not');
    if (not !== undefined) schema.not = this.schemaValued(not, schema, () => mustBeOfAn('not', 'object'));

    if (draft >= 7) {
      const conditions = [
        ['if', 'ifSchema'],
        ['then', 'thenSchema'],
        ['else', 'elseSchema'],
      ] as const;
      for (const [key, field] of conditions) {
        const value = m.get(key);
        if (value !== undefined) schema[field] = this.schemaValued(value, schema, () => mustBeOfAn(key, 'object'));
      }
    }
  }

  /** exclusiveMinimum/Maximum: a boolean modifier in draft 4, a number from draft 6, either in hybrid mode. */
  private parseExclusive(m: ObjectValue, schema: SubSchema, key: 'exclusiveMinimum' | 'exclusiveMaximum', base: 'minimum' | 'maximum'): void {
    const value = m.get(key);
    if (value === undefined) return;
    const asModifier = (flag: boolean): void => {
      if (schema[base] === undefined) throw new SchemaError(`${key} cannot be used without ${base}`);
      if (flag) {
        schema[key] = schema[base];
        schema[base] = undefined;
      }
    };
    if (schema.draft === 4) {
      if (typeof value !== 'boolean') throw invalidType('boolean', key);
      asModifier(value);
    } else if (schema.draft === HYBRID) {
      if (typeof value === 'boolean') asModifier(value);
      else if (isNumeric(value)) schema[key] = limit(value);
      else throw invalidType('boolean/number', key);
    } else {
      if (!isNumeric(value)) throw invalidType('number', key);
      schema[key] = limit(value);
    }
  }
}

function detectDraft(document: Value): number | undefined {
  if (typeof document === 'boolean') return undefined;
  if (!(document instanceof ObjectValue)) throw new SchemaError('schema is invalid');
  const uri = document.get('$schema');
  if (uri === undefined) return undefined;
  if (typeof uri !== 'string') throw mustBeOfType('$schema', 'string');
  return DRAFTS[uri.replace(/#$/, '')];
}

/**
 * Compiled schemas, kept because policies often check many documents against one schema. Values
 * never change once built, so an object schema can be keyed by identity; JSON text by its content.
 */
const compiledObjects = new WeakMap<object, SubSchema>();
const compiledTexts = new Map<string, SubSchema>();
const TEXT_CACHE_SIZE = 64;

function compileSchema(value: Value): SubSchema {
  const cached = typeof value === 'string' ? compiledTexts.get(value) : value !== null && typeof value === 'object' ? compiledObjects.get(value) : undefined;
  if (cached) return cached;
  const compiled = new SchemaCompiler().compile(loadArgument(value));
  if (typeof value === 'string') {
    if (compiledTexts.size >= TEXT_CACHE_SIZE) compiledTexts.delete(compiledTexts.keys().next().value as string);
    compiledTexts.set(value, compiled);
  } else if (value !== null && typeof value === 'object') {
    compiledObjects.set(value, compiled);
  }
  return compiled;
}

// ---------------------------------------------------------------------------------------------
// Validation

interface ResultError {
  type: string;
  field: string;
  description: string;
}

/**
 * Errors plus gojsonschema's score: each check passed adds one and each error takes two, so
 * that anyOf, oneOf and contains can report the errors of the branch that came closest.
 */
class Result {
  errors: ResultError[] = [];
  score = 0;

  get valid(): boolean {
    return this.errors.length === 0;
  }

  add(type: string, context: string[], description: (field: string) => string): void {
    const field = context.length === 0 ? '(root)' : context.join('.');
    this.errors.push({ type, field, description: description(field) });
    this.score -= 2;
  }

  merge(other: Result): void {
    this.errors.push(...other.errors);
    this.score += other.score;
  }

  increment(): void {
    this.score++;
  }
}

function typesText(types: string[]): string {
  return types.length > 1 ? `[${types.join(',')}]` : types[0];
}

function jsonType(value: Value): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  if (Array.isArray(value)) return 'array';
  if (value instanceof ObjectValue) return 'object';
  return 'number';
}

function subValidate(schema: SubSchema, value: Value, context: string[]): Result {
  const result = new Result();
  validateRecursive(schema, value, result, context);
  return result;
}

function validateRecursive(schema: SubSchema, value: Value, result: Result, context: string[]): void {
  if (schema.pass !== undefined) {
    if (!schema.pass) result.add('false', context, () => 'False always fails validation');
    return;
  }
  if (schema.refSchema) {
    validateRecursive(schema.refSchema, value, result, context);
    return;
  }
  const typed = schema.types.length > 0;
  let given = jsonType(value);
  if (isNumeric(value)) {
    const integral = isIntegral(value);
    const valid = schema.types.includes('number') || (integral && schema.types.includes('integer'));
    given = integral ? 'integer' : 'number';
    if (typed && !valid) {
      result.add('invalid_type', context, () => `Invalid type. Expected: ${typesText(schema.types)}, given: ${given}`);
      return;
    }
  } else if (typed && !schema.types.includes(given)) {
    result.add('invalid_type', context, () => `Invalid type. Expected: ${typesText(schema.types)}, given: ${given}`);
    return;
  }

  validateSchema(schema, value, result, context);
  if (Array.isArray(value)) {
    validateArray(schema, value, result, context);
    validateCommon(schema, value, result, context);
  } else if (value instanceof ObjectValue) {
    validateObject(schema, value, result, context);
    validateCommon(schema, value, result, context);
    for (const [name, property] of schema.properties) {
      const item = value.get(name);
      if (item !== undefined) validateRecursive(property, item, result, [...context, name]);
    }
  } else {
    if (isNumeric(value)) validateNumber(schema, value, result, context);
    validateCommon(schema, value, result, context);
    if (typeof value === 'string') validateString(schema, value, result, context);
  }
  result.increment();
}

function validateSchema(schema: SubSchema, value: Value, result: Result, context: string[]): void {
  if (schema.anyOf.length > 0) {
    let valid = false;
    let best: Result | undefined;
    for (const branch of schema.anyOf) {
      const attempt = subValidate(branch, value, context);
      valid = attempt.valid;
      if (valid) break;
      if (best === undefined || attempt.score > best.score) best = attempt;
    }
    if (!valid) {
      result.add('number_any_of', context, () => 'Must validate at least one schema (anyOf)');
      if (best) result.merge(best);
    }
  }

  if (schema.oneOf.length > 0) {
    let validated = 0;
    let best: Result | undefined;
    for (const branch of schema.oneOf) {
      const attempt = subValidate(branch, value, context);
      if (attempt.valid) validated++;
      else if (validated === 0 && (best === undefined || attempt.score > best.score)) best = attempt;
    }
    if (validated !== 1) {
      result.add('number_one_of', context, () => 'Must validate one and only one schema (oneOf)');
      if (validated === 0 && best) result.merge(best);
    }
  }

  if (schema.allOf.length > 0) {
    let validated = 0;
    for (const branch of schema.allOf) {
      const attempt = subValidate(branch, value, context);
      if (attempt.valid) validated++;
      result.merge(attempt);
    }
    if (validated !== schema.allOf.length) result.add('number_all_of', context, () => 'Must validate all the schemas (allOf)');
  }

  if (schema.not && subValidate(schema.not, value, context).valid) {
    result.add('number_not', context, () => 'Must not validate the schema (not)');
  }

  if (schema.dependencies.length > 0 && value instanceof ObjectValue) {
    for (const [key, dependency] of schema.dependencies) {
      if (!value.has(key)) continue;
      if (Array.isArray(dependency)) {
        for (const required of dependency) {
          if (!value.has(required)) result.add('missing_dependency', context, () => `Has a dependency on ${required}`);
        }
      } else {
        validateRecursive(dependency, value, result, context);
      }
    }
  }

  if (schema.ifSchema) {
    const condition = subValidate(schema.ifSchema, value, context);
    if (schema.thenSchema && condition.valid) {
      const then = subValidate(schema.thenSchema, value, context);
      if (!then.valid) {
        result.add('condition_then', context, () => 'Must validate "then" as "if" was valid');
        result.merge(then);
      }
    }
    if (schema.elseSchema && !condition.valid) {
      const otherwise = subValidate(schema.elseSchema, value, context);
      if (!otherwise.valid) {
        result.add('condition_else', context, () => 'Must validate "else" as "if" was not valid');
        result.merge(otherwise);
      }
    }
  }

  result.increment();
}

function validateCommon(schema: SubSchema, value: Value, result: Result, context: string[]): void {
  if (schema.constText !== undefined) {
    const allowed = schema.constText;
    if (goJSON(value) !== allowed) result.add('const', context, (field) => `${field} does not match: ${allowed}`);
  }
  if (schema.enumTexts !== undefined && !schema.enumTexts.includes(goJSON(value))) {
    const allowed = schema.enumTexts.length === 0 ? '(none)' : schema.enumTexts.join(', ');
    result.add('enum', context, (field) => `${field} must be one of the following: ${allowed}`);
  }
  if (schema.format !== undefined && typeof value === 'string' && !isFormat(schema.format, value)) {
    const format = schema.format;
    result.add('format', context, () => `Does not match format '${format}'`);
  }
  result.increment();
}

function validateArray(schema: SubSchema, value: Value[], result: Result, context: string[]): void {
  if (schema.itemsIsSingleSchema) {
    value.forEach((item, index) => result.merge(subValidate(schema.items[0], item, [...context, String(index)])));
  } else if (schema.items.length > 0) {
    const count = Math.min(schema.items.length, value.length);
    for (let i = 0; i < count; i++) result.merge(subValidate(schema.items[i], value[i], [...context, String(i)]));
    if (schema.items.length < value.length) {
      if (schema.additionalItems === false) {
        result.add('array_no_additional_items', context, () => 'No additional items allowed on array');
      } else if (typeof schema.additionalItems === 'object') {
        for (let i = schema.items.length; i < value.length; i++) {
          result.merge(subValidate(schema.additionalItems, value[i], [...context, String(i)]));
        }
      }
    }
  }

  if (schema.minItems !== undefined && value.length < schema.minItems) {
    const min = schema.minItems;
    result.add('array_min_items', context, () => `Array must have at least ${min} items`);
  }
  if (schema.maxItems !== undefined && value.length > schema.maxItems) {
    const max = schema.maxItems;
    result.add('array_max_items', context, () => `Array must have at most ${max} items`);
  }

  if (schema.uniqueItems) {
    const seen = new Map<string, number>();
    value.forEach((item, j) => {
      const text = goJSON(item);
      const i = seen.get(text);
      if (i !== undefined) result.add('unique', context, () => `array items[${i},${j}] must be unique`);
      seen.set(text, j);
    });
  }

  if (schema.contains) {
    let found = false;
    let best: Result | undefined;
    for (let i = 0; i < value.length; i++) {
      const attempt = subValidate(schema.contains, value[i], [...context, String(i)]);
      if (attempt.valid) {
        found = true;
        break;
      }
      if (best === undefined || attempt.score > best.score) best = attempt;
    }
    if (!found) {
      result.add('contains', context, () => 'At least one of the items must match');
      if (best) result.merge(best);
    }
  }

  result.increment();
}

function validateObject(schema: SubSchema, value: ObjectValue, result: Result, context: string[]): void {
  if (schema.minProperties !== undefined && value.size < schema.minProperties) {
    const min = schema.minProperties;
    result.add('array_min_properties', context, () => `Must have at least ${min} properties`);
  }
  if (schema.maxProperties !== undefined && value.size > schema.maxProperties) {
    const max = schema.maxProperties;
    result.add('array_max_properties', context, () => `Must have at most ${max} properties`);
  }

  for (const name of schema.required) {
    if (value.has(name)) result.increment();
    else result.add('required', context, () => `${name} is required`);
  }

  for (const [key, item] of value.entries()) {
    const name = key as string;
    const declared = schema.properties.some(([property]) => property === name);
    let matchedPattern = false;
    for (const [regex, property] of schema.patternProperties) {
      if (matches(regex, name)) {
        matchedPattern = true;
        result.merge(subValidate(property, item, [...context, name]));
      }
    }
    if (matchedPattern) result.increment();
    if (!declared && !matchedPattern) {
      if (schema.additionalProperties === false) {
        result.add('additional_property_not_allowed', context, () => `Additional property ${name} is not allowed`);
      } else if (typeof schema.additionalProperties === 'object') {
        result.merge(subValidate(schema.additionalProperties, item, [...context, name]));
      }
    }
  }

  if (schema.propertyNames) {
    for (const key of value.keys()) {
      const attempt = subValidate(schema.propertyNames, key, context);
      if (!attempt.valid) {
        const name = key as string;
        result.add('invalid_property_name', context, () => `Property name of "${name}" does not match`);
        result.merge(attempt);
      }
    }
  }

  result.increment();
}

function validateString(schema: SubSchema, value: string, result: Result, context: string[]): void {
  // Lengths count code points, as Go's utf8.RuneCountInString does.
  const length = [...value].length;
  if (schema.minLength !== undefined && length < schema.minLength) {
    const min = schema.minLength;
    result.add('string_gte', context, () => `String length must be greater than or equal to ${min}`);
  }
  if (schema.maxLength !== undefined && length > schema.maxLength) {
    const max = schema.maxLength;
    result.add('string_lte', context, () => `String length must be less than or equal to ${max}`);
  }
  if (schema.pattern && !matches(schema.pattern, value)) {
    const pattern = schema.pattern.pattern();
    result.add('pattern', context, () => `Does not match pattern '${pattern}'`);
  }
  result.increment();
}

function validateNumber(schema: SubSchema, value: number | bigint, result: Result, context: string[]): void {
  const exact = rational(value);
  if (schema.multipleOf && !isMultiple(exact, schema.multipleOf.exact)) {
    const multiple = goFloat(schema.multipleOf.value);
    result.add('multiple_of', context, () => `Must be a multiple of ${multiple}`);
  }
  if (schema.maximum && compareRationals(exact, schema.maximum.exact) > 0) {
    const max = goFloat(schema.maximum.value);
    result.add('number_lte', context, () => `Must be less than or equal to ${max}`);
  }
  if (schema.exclusiveMaximum && compareRationals(exact, schema.exclusiveMaximum.exact) >= 0) {
    const max = goFloat(schema.exclusiveMaximum.value);
    result.add('number_lt', context, () => `Must be less than ${max}`);
  }
  if (schema.minimum && compareRationals(exact, schema.minimum.exact) < 0) {
    const min = goFloat(schema.minimum.value);
    result.add('number_gte', context, () => `Must be greater than or equal to ${min}`);
  }
  if (schema.exclusiveMinimum && compareRationals(exact, schema.exclusiveMinimum.exact) <= 0) {
    const min = goFloat(schema.exclusiveMinimum.value);
    result.add('number_gt', context, () => `Must be greater than ${min}`);
  }
  result.increment();
}

// ---------------------------------------------------------------------------------------------
// Formats (gojsonschema's checkers, which use Go's time, net, net/mail and net/url parsers).
// Unknown formats always pass.

const HOSTNAME = /^([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]{0,61}[a-zA-Z0-9])(\.([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]{0,61}[a-zA-Z0-9]))*$/;
const UUID = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/i;
const JSON_POINTER = /^(?:\/(?:[^~/]|~0|~1)*)*$/;
const RELATIVE_JSON_POINTER = /^(?:0|[1-9][0-9]*)(?:#|(?:\/(?:[^~/]|~0|~1)*)*)$/;
const URI_TEMPLATE = /^([^{]*({[^}]*})?)*$/;

const FORMATS: Record<string, (text: string) => boolean> = {
  date: isDate,
  time: (text) => isTime(text, true) || isTime(text, false),
  'date-time': (text) => isTime(text, false) || isTime(text, true) || isDate(text) || isDateTime(text),
  hostname: (text) => HOSTNAME.test(text) && text.length < 256,
  email: isEmail,
  'idn-email': isEmail,
  ipv4: (text) => isIP(text) && text.includes('.'),
  ipv6: (text) => isIP(text) && text.includes(':'),
  uri: (text) => uriScheme(text) !== undefined && isUriReference(text),
  'uri-reference': isUriReference,
  iri: (text) => uriScheme(text) !== undefined && isUriReference(text),
  'iri-reference': isUriReference,
  'uri-template': (text) => isUriReference(text) && URI_TEMPLATE.test(uriPath(text)),
  uuid: (text) => UUID.test(text),
  regex: (text) => text === '' || compileRegex(text) !== undefined,
  'json-pointer': (text) => JSON_POINTER.test(text),
  'relative-json-pointer': (text) => RELATIVE_JSON_POINTER.test(text),
};

function isFormat(format: string, text: string): boolean {
  const check = FORMATS[format];
  return check === undefined || check(text);
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Go's layout "2006-01-02". */
function isDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
}

// Go's "15" hour takes one or two digits, and a fraction of a second may follow the seconds.
const CLOCK = '(\\d{1,2}):(\\d{2}):(\\d{2})(?:[.,]\\d+)?';
const ZONE = '(?:Z|[+-](\\d{2}):(\\d{2}))';

function clockValid(hour: string, minute: string, second: string): boolean {
  return Number(hour) < 24 && Number(minute) < 60 && Number(second) < 60;
}

function zoneValid(hours: string | undefined, minutes: string | undefined): boolean {
  return hours === undefined || (Number(hours) <= 24 && Number(minutes) <= 60);
}

/** Go's layouts "15:04:05Z07:00" (zoned) and "15:04:05". */
function isTime(text: string, zoned: boolean): boolean {
  const match = new RegExp(`^${CLOCK}${zoned ? ZONE : ''}$`).exec(text);
  return match !== null && clockValid(match[1], match[2], match[3]) && zoneValid(match[4], match[5]);
}

/** Go's time.RFC3339 and RFC3339Nano layouts. */
function isDateTime(text: string): boolean {
  const match = new RegExp(`^(\\d{4}-\\d{2}-\\d{2})T${CLOCK}${ZONE}$`).exec(text);
  return match !== null && isDate(match[1]) && clockValid(match[2], match[3], match[4]) && zoneValid(match[5], match[6]);
}

const ATOM = "[A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~\\u0080-\\uffff]+";
const DOT_ATOM = `${ATOM}(?:\\.${ATOM})*`;
const QUOTED = '"(?:[^"\\\\\\r\\n]|\\\\.)*"';
const ADDRESS = `(?:${DOT_ATOM}|${QUOTED})@(?:${DOT_ATOM}|\\[[^\\[\\]\\\\]*\\])`;
const WORD = `(?:${DOT_ATOM}|${QUOTED})`;
const EMAIL = new RegExp(`^\\s*(?:${ADDRESS}|(?:${WORD}(?:\\s+${WORD})*\\s*)?<${ADDRESS}>)\\s*$`);

/** An approximation of Go's net/mail.ParseAddress: an address, or a name and an address in angle brackets. */
function isEmail(text: string): boolean {
  return EMAIL.test(text);
}

function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((part) => /^(0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255);
}

/** Go's net.ParseIP: dotted IPv4, or IPv6 (with :: and an optional IPv4 tail), no zone. */
function isIP(text: string): boolean {
  if (isIPv4(text)) return true;
  if (!text.includes(':')) return false;
  let body = text;
  // An IPv4 tail stands for the last two groups.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!isIPv4(tail)) return false;
    body = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const hex = (group: string): boolean => /^[0-9A-Fa-f]{1,4}$/.test(group);
  const halves = body.split('::');
  if (halves.length > 2) return false;
  if (halves.length === 2) {
    // "::" must stand for at least one group.
    const all = [...groups(halves[0]), ...groups(halves[1])];
    return all.length < 8 && all.every(hex);
  }
  const all = groups(body);
  return all.length === 8 && all.every(hex);
}

/** The scheme of an absolute URI, as Go's url.Parse finds it. */
function uriScheme(text: string): string | undefined {
  return /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text)?.[1];
}

/** The path part of a URI reference. */
function uriPath(text: string): string {
  let rest = text.replace(/#.*$/s, '').replace(/\?.*$/s, '');
  const scheme = uriScheme(rest);
  if (scheme !== undefined) rest = rest.slice(scheme.length + 1);
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    rest = slash < 0 ? '' : rest.slice(slash);
  }
  return rest;
}

/** An approximation of Go's url.Parse succeeding, plus gojsonschema's ban on backslashes. */
function isUriReference(text: string): boolean {
  if (text.includes('\\')) return false;
  // Control characters and broken percent escapes are rejected by url.Parse.
  if (/[\u0000-\u001f\u007f]/.test(text)) return false;
  if (/%(?![0-9A-Fa-f]{2})/.test(text.replace(/#.*$/s, ''))) return false;
  if (text.startsWith(':')) return false;
  const scheme = uriScheme(text);
  if (scheme === undefined && /^[^/?#]*:/.test(text)) return false;
  const rest = scheme === undefined ? text : text.slice(scheme.length + 1);
  if (rest.startsWith('//')) {
    const authority = rest.slice(2).split(/[/?#]/, 1)[0];
    const host = authority.slice(authority.lastIndexOf('@') + 1);
    const hostMatch = /^(\[[0-9A-Fa-f:.]+(?:%[^\]]*)?\]|[^:[\]]*)(?::(\d*))?$/.exec(host);
    if (!hostMatch) return false;
    if (/[\s"<>\\^`{|}]/.test(hostMatch[1])) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------

function errorObject(error: ResultError): ObjectValue {
  return ObjectValue.fromRecord({
    error: `${error.field}: ${error.description}`,
    type: error.type,
    field: error.field,
    desc: error.description,
  });
}

const schemaArgument = T.anyOf(T.string, T.object());

export const builtins: Builtin[] = family([
  {
    name: 'json.verify_schema',
    params: [{ name: 'schema', type: schemaArgument, description: 'A JSON schema, as an object or as JSON text.' }],
    result: {
      name: 'output',
      type: T.tuple(T.boolean, T.anyOf(T.null, T.string)),
      description: '[true, null] for a usable schema, otherwise [false, the reason].',
    },
    description: 'Checks that a JSON schema (draft 4, 6 or 7) can be compiled, and says why when it cannot.',
    categories: ['object'],
    impl(args) {
      try {
        compileSchema(args[0]);
        return [true, null];
      } catch (error) {
        if (error instanceof SchemaError) return [false, `jsonschema: ${error.message}`];
        throw error;
      }
    },
  },
  {
    name: 'json.match_schema',
    params: [
      { name: 'document', type: schemaArgument, description: 'The document to check, as an object or as JSON text.' },
      { name: 'schema', type: schemaArgument, description: 'The JSON schema, as an object or as JSON text.' },
    ],
    result: {
      name: 'output',
      type: T.tuple(T.boolean, T.array(T.record({ desc: T.string, error: T.string, field: T.string, type: T.string }))),
      description: '[true, []] when the document matches, otherwise [false, the errors found].',
    },
    description:
      'Checks a document against a JSON schema (draft 4, 6 or 7). Each error is an object with the error text, its type, the field it concerns and a description.',
    categories: ['object'],
    impl(args) {
      try {
        const document = loadArgument(args[0]);
        const schema = compileSchema(args[1]);
        const result = subValidate(schema, document, []);
        return [result.valid, result.errors.map(errorObject)];
      } catch (error) {
        if (error instanceof SchemaError) throw new BuiltinError(error.message);
        throw error;
      }
    },
  },
]);
