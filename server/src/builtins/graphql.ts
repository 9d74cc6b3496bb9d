/**
 * The graphql.* built-ins: parsing GraphQL queries and schemas into syntax trees and validating
 * queries against schemas. OPA implements them with its copy of the Go library gqlparser, whose
 * parser, schema checks and validation rules live in ./graphql/ and follow it closely, because its
 * grammar, its leniencies and its messages are what policies observe. This file adds what OPA's
 * own code does: accepting trees (objects) as well as text, turning trees into values, the wording
 * of errors, and the fixed results of the built-ins that do not fail.
 */
import { BuiltinError, T, expectString, family, operandError, type Builtin } from './declaration.js';
import { ObjectValue, type Value } from '../value/value.js';
import { MissingNodeError, type QueryDocument, type Schema, type SchemaDocument } from './graphql/ast.js';
import {
  DecodeError,
  decodeQueryDocument,
  decodeSchemaDocument,
  encodeQueryDocument,
  encodeSchemaDocument,
  type DecodeResult,
} from './graphql/codec.js';
import { GraphqlSyntaxError, parseQuery, parseSchema } from './graphql/parser.js';
import { SchemaValidationError, validateSchema } from './graphql/schema.js';
import { validateQuery, type ValidationError } from './graphql/validator.js';

/** Why a query or schema was not accepted, worded as OPA reports it from graphql.parse. */
class GraphqlFailure extends Error {}

/** A document read from an argument, with its value as the built-ins return it. */
interface Loaded<T> {
  document: T;
  value: ObjectValue;
  /** Whether an object had null list elements, which gqlparser's validation cannot get past. */
  hasNullElements: boolean;
}

/** Go's strings.SplitN: at most `count` parts, the last holding the rest. */
function splitN(text: string, separator: string, count: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (parts.length < count - 1) {
    const index = rest.indexOf(separator);
    if (index < 0) break;
    parts.push(rest.slice(0, index));
    rest = rest.slice(index + separator.length);
  }
  parts.push(rest);
  return parts;
}

/** gqlparser's error text: `input:LINE:COLUMN: message`. */
function errorText(file: string, position: { Line: number; Column: number } | null, message: string): string {
  return position === null ? `${file}: ${message}` : `${file}:${position.Line}:${position.Column}: ${message}`;
}

/**
 * OPA takes gqlparser's error text apart at its colons and puts the position at the end. An error
 * without a position (from a tree given as an object) has too few parts; OPA fails differently
 * there, and the message is kept without a position instead.
 */
function relocate(text: string, suffix: string, trimPeriod: boolean): string {
  const parts = splitN(text, ':', 4);
  if (parts.length < 4) {
    const message = text.slice(text.indexOf(':') + 1).replace(/^ +/, '');
    return `${trimPeriod && message.endsWith('.\n') ? message.slice(0, -2) : message} ${suffix}`;
  }
  let message = parts[3].replace(/^ +/, '');
  if (trimPeriod && message.endsWith('.\n')) message = message.slice(0, -2);
  return `${message} ${suffix} at location ${parts[1]}:${parts[2]}`;
}

function syntaxFailure(error: GraphqlSyntaxError): GraphqlFailure {
  return new GraphqlFailure(relocate(errorText('input', { Line: error.line, Column: error.column }, error.message), 'in GraphQL string', false));
}

/** How one kind of document is read from text or from a tree, and turned back into a value. */
interface DocumentKind<T> {
  parse(text: string): T;
  decode(value: ObjectValue): DecodeResult<T>;
  encode(document: T): ObjectValue;
}

const QUERY_DOCUMENT: DocumentKind<QueryDocument> = { parse: parseQuery, decode: decodeQueryDocument, encode: encodeQueryDocument };
const SCHEMA_DOCUMENT: DocumentKind<SchemaDocument> = {
  parse: (text) => parseSchema(text),
  decode: decodeSchemaDocument,
  encode: encodeSchemaDocument,
};

function loadDocument<T>(argument: string | ObjectValue, kind: DocumentKind<T>): Loaded<T> {
  if (typeof argument === 'string') {
    try {
      const document = kind.parse(argument);
      return { document, value: kind.encode(document), hasNullElements: false };
    } catch (error) {
      if (error instanceof GraphqlSyntaxError) throw syntaxFailure(error);
      throw error;
    }
  }
  try {
    const { document, hasNullElements } = kind.decode(argument);
    return { document, value: kind.encode(document), hasNullElements };
  } catch (error) {
    if (error instanceof DecodeError) throw new GraphqlFailure(error.message);
    throw error;
  }
}

function loadQuery(argument: string | ObjectValue): Loaded<QueryDocument> {
  return loadDocument(argument, QUERY_DOCUMENT);
}

function loadSchema(argument: string | ObjectValue): Loaded<SchemaDocument> {
  return loadDocument(argument, SCHEMA_DOCUMENT);
}

/** Runs a check; where gqlparser would dereference a missing node, OPA's built-in cannot finish either. */
function completeTree<R>(check: () => R): R {
  try {
    return check();
  } catch (error) {
    if (error instanceof MissingNodeError) throw new GraphqlFailure(`invalid GraphQL AST: ${error.message}`);
    throw error;
  }
}

/** Validates a schema (OPA's convertSchema), wording a rejection as OPA does. */
function convertSchema(schema: Loaded<SchemaDocument>): Schema {
  return completeTree(() => {
    if (schema.hasNullElements) throw new MissingNodeError('null element in the schema');
    try {
      return validateSchema(schema.document);
    } catch (error) {
      if (!(error instanceof SchemaValidationError)) throw error;
      const text = errorText(error.position?.SourceName || 'input', error.position, error.message);
      throw new GraphqlFailure(`Error in gqlparser SchemaDocument to Schema conversion: ${text}`);
    }
  });
}

/** Checks the schema and then the query against it, raising the first failure as OPA words it. */
function verify(query: Loaded<QueryDocument>, schema: Loaded<SchemaDocument>): void {
  const validated = convertSchema(schema);
  completeTree(() => {
    if (query.hasNullElements) throw new MissingNodeError('null element in the query');
    const errors = validateQuery(validated, query.document);
    if (errors.length > 0) throw new GraphqlFailure(queryErrorsMessage(errors));
  });
}

/** All validation errors in one text (gqlparser's error list), positioned at the first. */
function queryErrorsMessage(errors: ValidationError[]): string {
  const text = errors.map((error) => errorText(error.file, error.position, error.message) + '\n').join('');
  return relocate(text, 'in GraphQL query string', true);
}

/** The argument as text or a tree, or undefined for any other type. */
function documentArgument(value: Value): string | ObjectValue | undefined {
  return typeof value === 'string' || value instanceof ObjectValue ? value : undefined;
}

/** OPA's type error for these arguments: it counts operands from 0 and lists the types unsorted. */
function documentTypeError(position: number, value: Value): BuiltinError {
  return operandError(position, ['string', 'object'], value);
}

/** Runs `check`, answering false (or `fallback`) for anything OPA's non-failing built-ins swallow. */
function orFallback<R>(fallback: R, check: () => R): R {
  try {
    return check();
  } catch (error) {
    if (error instanceof GraphqlFailure) return fallback;
    throw error;
  }
}

function failAsBuiltinError<R>(run: () => R): R {
  try {
    return run();
  } catch (error) {
    if (error instanceof GraphqlFailure) throw new BuiltinError(error.message);
    throw error;
  }
}

const documentType = T.anyOf(T.string, T.object());

const queryParameter = {
  name: 'query',
  type: documentType,
  description: 'The GraphQL query, as text or as a syntax tree from graphql.parse_query.',
};

const schemaParameter = {
  name: 'schema',
  type: documentType,
  description: 'The GraphQL schema, as text or as a syntax tree from graphql.parse_schema.',
};

export const builtins: Builtin[] = family([
  {
    name: 'graphql.is_valid',
    params: [queryParameter, schemaParameter],
    result: { name: 'output', type: T.boolean, description: 'True when the query is valid against the schema.' },
    description: 'Tells whether a GraphQL query is valid against a GraphQL schema. Anything that cannot be read or does not validate gives false.',
    categories: [],
    impl(args) {
      const queryArgument = documentArgument(args[0]);
      const schemaArgument = documentArgument(args[1]);
      if (queryArgument === undefined || schemaArgument === undefined) return false;
      return orFallback(false, () => {
        verify(loadQuery(queryArgument), loadSchema(schemaArgument));
        return true;
      });
    },
  },
  {
    name: 'graphql.parse',
    params: [queryParameter, schemaParameter],
    result: {
      name: 'output',
      type: T.tuple(T.object(), T.object()),
      description: 'The syntax trees of the query and of the schema.',
    },
    description: 'Parses a GraphQL query and schema and validates the query against the schema, failing with the first problem found.',
    categories: [],
    impl(args) {
      return failAsBuiltinError(() => {
        const queryArgument = documentArgument(args[0]);
        if (queryArgument === undefined) throw documentTypeError(0, args[0]);
        const query = loadQuery(queryArgument);
        const schemaArgument = documentArgument(args[1]);
        if (schemaArgument === undefined) throw documentTypeError(1, args[1]);
        const schema = loadSchema(schemaArgument);
        verify(query, schema);
        return [query.value, schema.value];
      });
    },
  },
  {
    name: 'graphql.parse_and_verify',
    params: [queryParameter, schemaParameter],
    result: {
      name: 'output',
      type: T.tuple(T.boolean, T.object(), T.object()),
      description: 'Whether the query is valid, then the syntax trees of the query and of the schema (empty objects when not valid).',
    },
    description: 'Parses a GraphQL query and schema and validates the query against the schema, without failing: an invalid pair gives [false, {}, {}].',
    categories: [],
    impl(args) {
      const unverified: Value = [false, new ObjectValue(), new ObjectValue()];
      const queryArgument = documentArgument(args[0]);
      const schemaArgument = documentArgument(args[1]);
      if (queryArgument === undefined || schemaArgument === undefined) return unverified;
      return orFallback(unverified, () => {
        const query = loadQuery(queryArgument);
        const schema = loadSchema(schemaArgument);
        verify(query, schema);
        return [true, query.value, schema.value];
      });
    },
  },
  {
    name: 'graphql.parse_query',
    params: [{ name: 'query', type: T.string, description: 'The GraphQL query text.' }],
    result: { name: 'output', type: T.object(), description: 'The syntax tree of the query.' },
    description: 'Parses a GraphQL query into its syntax tree, failing on a syntax error.',
    categories: [],
    impl(args) {
      const text = expectString(args, 0);
      return failAsBuiltinError(() => loadQuery(text).value);
    },
  },
  {
    name: 'graphql.parse_schema',
    params: [{ name: 'schema', type: T.string, description: 'The GraphQL schema text.' }],
    result: { name: 'output', type: T.object(), description: 'The syntax tree of the schema.' },
    description: 'Parses a GraphQL schema into its syntax tree, failing on a syntax error. The schema is not checked beyond its syntax.',
    categories: [],
    impl(args) {
      const text = expectString(args, 0);
      return failAsBuiltinError(() => loadSchema(text).value);
    },
  },
  {
    name: 'graphql.schema_is_valid',
    params: [schemaParameter],
    result: { name: 'output', type: T.boolean, description: 'True when the schema is valid.' },
    description: 'Tells whether a GraphQL schema is valid. Anything that cannot be read or does not validate gives false.',
    categories: [],
    impl(args) {
      const schemaArgument = documentArgument(args[0]);
      if (schemaArgument === undefined) return false;
      return orFallback(false, () => {
        convertSchema(loadSchema(schemaArgument));
        return true;
      });
    },
  },
]);
