// json.verify_schema and json.match_schema called directly. The cases check the schema errors
// OPA's gojsonschema reports (messages included), the {error, type, field, desc} objects and their
// order for documents that do not match, drafts 4/6/7 and hybrid mode, references and formats.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { builtins } from '../../server/src/builtins/json-schema';
import { ObjectValue, SetValue, toJSON, type Value } from '../../server/src/value/value';
import { assertError, assertValue, caller, checkDeclarations, j } from './call-builtin';

const call = caller(builtins);

/** The errors of a match as [field, type, desc] triples, checking the error text on the way. */
function errors(document: Value, schema: Value): [string, string, string][] {
  const result = call('json.match_schema', document, schema) as Value[];
  const list = result[1] as ObjectValue[];
  assert.equal(result[0], list.length === 0);
  return list.map((error) => {
    const [field, type, desc] = [error.get('field'), error.get('type'), error.get('desc')] as string[];
    assert.equal(error.get('error'), `${field}: ${desc}`);
    assert.equal(error.size, 4);
    return [field, type, desc];
  });
}

function schemaError(schema: Value): string {
  const result = call('json.verify_schema', schema) as Value[];
  assert.equal(result[0], false, `expected ${toJSON(schema)} to be rejected`);
  return result[1] as string;
}

describe('json schema declarations', () => checkDeclarations(builtins));

describe('json.verify_schema', () => {
  it('accepts schemas given as objects or JSON text', () => {
    assertValue(call('json.verify_schema', '{}'), [true, null]);
    assertValue(call('json.verify_schema', new ObjectValue()), [true, null]);
    assertValue(call('json.verify_schema', '{"properties": {"id": {"type": "integer"}}, "required": ["id"]}'), [true, null]);
    assertValue(call('json.verify_schema', 'true'), [true, null]);
  });
  it('reports unreadable arguments', () => {
    assertValue(call('json.verify_schema', '{ "a": "'), [false, 'jsonschema: invalid JSON string']);
    assertValue(call('json.verify_schema', 5), [false, 'jsonschema: wrong type, expected string or object']);
    assertValue(call('json.verify_schema', '[1]'), [false, 'jsonschema: schema is invalid']);
  });
  it('reports schema errors with gojsonschema messages', () => {
    const cases: [string, string][] = [
      ['{"type": "UNKNOWN"}', 'has a primitive type that is NOT VALID -- given: /UNKNOWN/ Expected valid values are:[array boolean integer number null object string]'],
      ['{"type": ["string", "string"]}', 'string type is duplicated'],
      ['{"type": 5}', 'Invalid type. Expected: type, given: string/array of strings'],
      ['{"properties": []}', 'properties must be of type object'],
      ['{"properties": {"a": 5}}', 'Expected: valid schema, given: Invalid JSON'],
      ['{"additionalProperties": 1}', 'Invalid type. Expected: boolean/valid schema, given: additionalProperties'],
      ['{"patternProperties": {"(": {}}}', "Invalid regex pattern '('"],
      ['{"pattern": "(?=x)"}', 'pattern must be a valid regex'],
      ['{"pattern": 5}', 'Invalid type. Expected: string, given: pattern'],
      ['{"minimum": "1"}', 'minimum must be of a number'],
      ['{"multipleOf": 0}', 'multipleOf must be strictly greater than 0'],
      ['{"minLength": -1}', 'minLength must be greater than or equal to 0'],
      ['{"maxItems": 1.5}', 'maxItems must be of an integer'],
      ['{"minLength": 3, "maxLength": 2}', 'minLength cannot be greater than maxLength'],
      ['{"minProperties": 3, "maxProperties": 2}', 'minProperties cannot be greater than maxProperties'],
      ['{"required": "a"}', 'required must be of an array'],
      ['{"required": ["a", "a"]}', 'required items must be unique'],
      ['{"enum": [1, 1.0]}', 'enum items must be unique'],
      ['{"uniqueItems": 1}', 'uniqueItems must be of a boolean'],
      ['{"not": 1}', 'not must be of an object'],
      ['{"items": 1}', 'Invalid type. Expected: valid schema/array of schemas, given: items'],
      ['{"dependencies": {"a": [1]}}', 'dependency must be of type schema or array of strings'],
      ['{"definitions": 1}', 'Invalid type. Expected: array of schemas, given: definitions'],
      ['{"$schema": 7}', '$schema must be of type string'],
      ['{"$ref": "#/definitions/missing"}', "Object has no key 'definitions'"],
      ['{"$ref": "#/items/5", "items": [{}]}', "Out of bound array[0,1] index '5'"],
      ['{"$ref": "other.json"}', 'Reference other.json must be canonical'],
      ['{"title": 1}', 'Invalid type. Expected: string, given: title'],
    ];
    for (const [schema, message] of cases) assert.equal(schemaError(schema), `jsonschema: ${message}`, schema);
  });
  it('follows the draft named by $schema', () => {
    const draft4 = 'http://json-schema.org/draft-04/schema#';
    assert.equal(schemaError(`{"$schema": "${draft4}", "exclusiveMinimum": 3}`), 'jsonschema: Invalid type. Expected: boolean, given: exclusiveMinimum');
    assert.equal(schemaError(`{"$schema": "${draft4}", "exclusiveMinimum": true}`), 'jsonschema: exclusiveMinimum cannot be used without minimum');
    assert.equal(schemaError(`{"$schema": "${draft4}", "not": true}`), 'jsonschema: Expected: valid schema, given: Invalid JSON');
    assert.equal(
      schemaError('{"$schema": "http://json-schema.org/draft-07/schema#", "exclusiveMinimum": true}'),
      'jsonschema: Invalid type. Expected: number, given: exclusiveMinimum',
    );
    // Without a known $schema both forms are accepted.
    assertValue(call('json.verify_schema', '{"exclusiveMinimum": 3, "maximum": 5, "exclusiveMaximum": true}'), [true, null]);
  });
});

describe('json.match_schema', () => {
  const idSchema = j('{"properties": {"id": {"type": "integer"}}, "required": ["id"]}');

  it('matches documents given as objects or JSON text', () => {
    assertValue(call('json.match_schema', j('{"id": 5}'), idSchema), [true, []]);
    assertValue(call('json.match_schema', '{"id": 5}', idSchema), [true, []]);
    assertValue(call('json.match_schema', j('{"id": 5}'), '{"properties": {"id": {"type": "integer"}}}'), [true, []]);
    assertValue(call('json.match_schema', '{}', '{}'), [true, []]);
    assertValue(call('json.match_schema', '5', '{"type": "number"}'), [true, []]);
  });
  it('describes each error as OPA does', () => {
    assertValue(call('json.match_schema', j('{"id": "foo"}'), idSchema), [
      false,
      [
        ObjectValue.fromRecord({
          desc: 'Invalid type. Expected: integer, given: string',
          error: 'id: Invalid type. Expected: integer, given: string',
          field: 'id',
          type: 'invalid_type',
        }),
      ],
    ]);
    assert.deepEqual(errors(new ObjectValue(), idSchema), [['(root)', 'required', 'id is required']]);
  });
  it('raises schema and argument errors as built-in errors', () => {
    assertError(
      () => call('json.match_schema', j('{"id": "foo"}'), j('{"properties": {"id": {"type": "unknown"}}}')),
      'has a primitive type that is NOT VALID -- given: /unknown/ Expected valid values are:[array boolean integer number null object string]',
    );
    assertError(() => call('json.match_schema', '{ "a": "', '{}'), 'invalid JSON string');
    assertError(() => call('json.match_schema', '{}', '{ "a": "'), 'invalid JSON string');
    assertError(() => call('json.match_schema', 5, '{}'), 'wrong type, expected string or object');
  });
  it('checks types, with integers as numbers too', () => {
    assert.deepEqual(errors(j('[1, 2.5, "x", null, true, {}]'), j('{"items": {"type": ["integer", "object"]}}')), [
      ['1', 'invalid_type', 'Invalid type. Expected: [integer,object], given: number'],
      ['2', 'invalid_type', 'Invalid type. Expected: [integer,object], given: string'],
      ['3', 'invalid_type', 'Invalid type. Expected: [integer,object], given: null'],
      ['4', 'invalid_type', 'Invalid type. Expected: [integer,object], given: boolean'],
    ]);
    assert.deepEqual(errors('3', '{"type": "number"}'), []);
    assert.deepEqual(errors('3.0', '{"type": "integer"}'), []);
    assert.deepEqual(errors(j('{"a": [1]}'), j('{"type": "array"}')), [['(root)', 'invalid_type', 'Invalid type. Expected: array, given: object']]);
  });
  it('checks numbers exactly and prints limits like Go', () => {
    const schema = j('{"properties": {"n": {"multipleOf": 0.1, "exclusiveMaximum": 0.25}, "m": {"minimum": 0.001}, "k": {"maximum": 1000000}, "e": {"exclusiveMinimum": 2}}}');
    assert.deepEqual(errors(j('{"n": 0.3, "m": 1e-7, "k": 12345678, "e": 2}'), schema), [
      ['e', 'number_gt', 'Must be greater than 2'],
      ['k', 'number_lte', 'Must be less than or equal to 1e+06'],
      ['m', 'number_gte', 'Must be greater than or equal to 0.001'],
      ['n', 'number_lt', 'Must be less than 0.25'],
    ]);
    assert.deepEqual(errors('0.35', '{"multipleOf": 0.1}'), [['(root)', 'multiple_of', 'Must be a multiple of 0.1']]);
    assert.deepEqual(errors('0.00001', '{"maximum": 0.000001}'), [['(root)', 'number_lte', 'Must be less than or equal to 1e-06']]);
  });
  it('checks strings by code points and Go regular expressions', () => {
    assert.deepEqual(errors('"😀😀"', j('{"maxLength": 2, "minLength": 2}')), []);
    assert.deepEqual(errors(j('{"s": "abc", "t": "abc"}'), j('{"properties": {"s": {"minLength": 4, "pattern": "^x\\\\d"}, "t": {"maxLength": 1}}}')), [
      ['s', 'string_gte', 'String length must be greater than or equal to 4'],
      ['s', 'pattern', "Does not match pattern '^x\\d'"],
      ['t', 'string_lte', 'String length must be less than or equal to 1'],
    ]);
    assert.deepEqual(errors('"abc"', '{"pattern": "b"}'), []);
  });
  it('checks arrays', () => {
    assert.deepEqual(errors(j('[1, 1, "x", 1]'), j('{"uniqueItems": true, "minItems": 5, "maxItems": 3}')), [
      ['(root)', 'array_min_items', 'Array must have at least 5 items'],
      ['(root)', 'array_max_items', 'Array must have at most 3 items'],
      ['(root)', 'unique', 'array items[0,1] must be unique'],
      ['(root)', 'unique', 'array items[1,3] must be unique'],
    ]);
    assert.deepEqual(errors(j('[1, "a", true]'), j('{"items": [{"type": "integer"}], "additionalItems": false}')), [
      ['(root)', 'array_no_additional_items', 'No additional items allowed on array'],
    ]);
    assert.deepEqual(errors(j('[1, "a", true]'), j('{"items": [{"type": "integer"}], "additionalItems": {"type": "string"}}')), [
      ['2', 'invalid_type', 'Invalid type. Expected: string, given: boolean'],
    ]);
    assert.deepEqual(errors(j('[1, "a"]'), j('{"contains": {"type": "boolean"}}')), [
      ['(root)', 'contains', 'At least one of the items must match'],
      ['0', 'invalid_type', 'Invalid type. Expected: boolean, given: integer'],
    ]);
    assert.deepEqual(errors(j('[1, true]'), j('{"contains": {"type": "boolean"}}')), []);
    // Sets in a Rego document are arrays to JSON Schema.
    assert.deepEqual(errors(ObjectValue.fromRecord({ s: SetValue.from([1, 2]) }), j('{"properties": {"s": {"type": "array", "maxItems": 1}}}')), [
      ['s', 'array_max_items', 'Array must have at most 1 items'],
    ]);
  });
  it('checks objects', () => {
    const schema = j(
      '{"properties": {"a": {}}, "patternProperties": {"^x": {"type": "string"}}, "additionalProperties": false, "propertyNames": {"maxLength": 2}, "minProperties": 5}',
    );
    assert.deepEqual(errors(j('{"a": 1, "xy": 2, "bad": 3}'), schema), [
      ['(root)', 'array_min_properties', 'Must have at least 5 properties'],
      ['(root)', 'additional_property_not_allowed', 'Additional property bad is not allowed'],
      ['xy', 'invalid_type', 'Invalid type. Expected: string, given: integer'],
      ['(root)', 'invalid_property_name', 'Property name of "bad" does not match'],
      ['(root)', 'string_lte', 'String length must be less than or equal to 2'],
    ]);
    assert.deepEqual(errors(j('{"a": 1, "b": 2}'), j('{"maxProperties": 1}')), [['(root)', 'array_max_properties', 'Must have at most 1 properties']]);
    assert.deepEqual(errors(j('{"a": 1}'), j('{"dependencies": {"a": ["b", "c"], "z": ["q"]}}')), [
      ['(root)', 'missing_dependency', 'Has a dependency on b'],
      ['(root)', 'missing_dependency', 'Has a dependency on c'],
    ]);
    assert.deepEqual(errors(j('{"a": 1}'), j('{"dependencies": {"a": {"required": ["b"]}}}')), [['(root)', 'required', 'b is required']]);
    assert.deepEqual(errors(j('{"a": {"b": {"c": 1}}}'), j('{"additionalProperties": {"additionalProperties": {"properties": {"c": {"type": "string"}}}}}')), [
      ['a.b.c', 'invalid_type', 'Invalid type. Expected: string, given: integer'],
    ]);
  });
  it('checks const and enum on JSON text, with numbers compared by value', () => {
    assert.deepEqual(errors(j('{"a": 1.0, "b": {"y": 2, "x": 1}}'), j('{"properties": {"a": {"const": 1}, "b": {"enum": [{"x": 1, "y": 2}]}}}')), []);
    assert.deepEqual(errors(j('{"a": "x"}'), j('{"properties": {"a": {"const": "a<b", "enum": [1.5, [true], "q"]}}}')), [
      ['a', 'const', 'a does not match: "a\\u003cb"'],
      ['a', 'enum', 'a must be one of the following: 1.5, [true], "q"'],
    ]);
    assert.deepEqual(errors('1', '{"enum": []}'), [['(root)', 'enum', '(root) must be one of the following: (none)']]);
  });
  it('reports combinators with the errors of the closest branch', () => {
    assert.deepEqual(errors(j('{"a": 1}'), j('{"anyOf": [{"type": "string"}, {"properties": {"a": {"minimum": 3}}}]}')), [
      ['(root)', 'number_any_of', 'Must validate at least one schema (anyOf)'],
      ['a', 'number_gte', 'Must be greater than or equal to 3'],
    ]);
    assert.deepEqual(errors('5', '{"oneOf": [{"type": "integer"}, {"minimum": 2}]}'), [
      ['(root)', 'number_one_of', 'Must validate one and only one schema (oneOf)'],
    ]);
    assert.deepEqual(errors('"abc"', '{"oneOf": [{"type": "integer"}, {"minLength": 5}]}'), [
      ['(root)', 'number_one_of', 'Must validate one and only one schema (oneOf)'],
      ['(root)', 'string_gte', 'String length must be greater than or equal to 5'],
    ]);
    assert.deepEqual(errors('3', '{"allOf": [{"maximum": 2}, {"type": "string"}]}'), [
      ['(root)', 'number_lte', 'Must be less than or equal to 2'],
      ['(root)', 'invalid_type', 'Invalid type. Expected: string, given: integer'],
      ['(root)', 'number_all_of', 'Must validate all the schemas (allOf)'],
    ]);
    assert.deepEqual(errors('3', '{"not": {"type": "integer"}}'), [['(root)', 'number_not', 'Must not validate the schema (not)']]);
    assert.deepEqual(errors(j('{"a": "x"}'), j('{"if": {"properties": {"a": {"const": "x"}}}, "then": {"required": ["b"]}, "else": false}')), [
      ['(root)', 'condition_then', 'Must validate "then" as "if" was valid'],
      ['(root)', 'required', 'b is required'],
    ]);
    assert.deepEqual(errors(j('{"a": "y"}'), j('{"if": {"properties": {"a": {"const": "x"}}}, "else": false}')), [
      ['(root)', 'condition_else', 'Must validate "else" as "if" was not valid'],
      ['(root)', 'false', 'False always fails validation'],
    ]);
  });
  it('ignores if/then/else and const before draft 7 and 6', () => {
    const draft4 = '"$schema": "http://json-schema.org/draft-04/schema#"';
    assert.deepEqual(errors('1', `{${draft4}, "if": {}, "then": {"type": "string"}, "const": 2}`), []);
  });
  it('resolves references, recursive and location-independent ones included', () => {
    const recursive = j(
      '{"properties": {"games": {"items": {"$ref": "#/definitions/game"}}}, "definitions": {"game": {"properties": {"winner": {"$ref": "#/definitions/player"}}}, "player": {"properties": {"name": {"type": "string"}, "game": {"$ref": "#/definitions/game"}}}}}',
    );
    assert.deepEqual(errors(j('{"games": [{"winner": {"name": 5, "game": {"winner": {"name": true}}}}]}'), recursive), [
      ['games.0.winner.game.winner.name', 'invalid_type', 'Invalid type. Expected: string, given: boolean'],
      ['games.0.winner.name', 'invalid_type', 'Invalid type. Expected: string, given: integer'],
    ]);
    const identified = j(
      '{"definitions": {"A": {"$id": "#foo"}, "B": {"$id": "http://example.com/other.json", "definitions": {"X": {"$id": "#bar", "allOf": [false]}}}, "C": {"$id": "#frag", "$ref": "http://example.com/other.json#bar"}}, "$ref": "#frag"}',
    );
    assert.deepEqual(errors(new ObjectValue(), identified), [
      ['(root)', 'false', 'False always fails validation'],
      ['(root)', 'number_all_of', 'Must validate all the schemas (allOf)'],
    ]);
    // Siblings of $ref are ignored.
    assert.deepEqual(errors('"x"', '{"$ref": "#/definitions/s", "type": "integer", "definitions": {"s": {"type": "string"}}}'), []);
    assert.deepEqual(errors('"x"', '{"$id": "http://example.com/root.json", "$ref": "#/definitions/n", "definitions": {"n": {"type": "integer"}}}'), [
      ['(root)', 'invalid_type', 'Invalid type. Expected: integer, given: string'],
    ]);
  });
  it('checks formats like gojsonschema and passes unknown ones', () => {
    const valid = (format: string, text: string) => (call('json.match_schema', JSON.stringify(text), `{"format": "${format}"}`) as Value[])[0];
    const table: [string, string, boolean][] = [
      ['date', '2020-02-29', true],
      ['date', '2021-02-29', false],
      ['time', '10:00:00', true],
      ['time', '10:00:00.5+01:00', true],
      ['time', '24:00:00', false],
      ['date-time', '2020-01-01T10:00:00Z', true],
      ['date-time', '2020-01-01', true],
      ['date-time', '2020-01-01T10:00:00', false],
      ['email', 'John Doe <john@example.com>', true],
      ['email', 'not an email', false],
      ['ipv4', '1.2.3.4', true],
      ['ipv4', '01.2.3.4', false],
      ['ipv6', '::1', true],
      ['ipv6', '1::2::3', false],
      ['hostname', 'example.com', true],
      ['hostname', '-bad.com', false],
      ['uri', 'http://example.com/a', true],
      ['uri', '//example.com', false],
      ['uri-reference', '../x?y#z', true],
      ['uri-reference', 'a\\b', false],
      ['uuid', '123E4567-e89b-12d3-a456-426614174000', true],
      ['regex', '(', false],
      ['json-pointer', '/a~1b', true],
      ['relative-json-pointer', '0#', true],
      ['uri-template', 'http://x/{a', false],
      ['made-up', 'anything', true],
    ];
    for (const [format, text, expected] of table) assert.equal(valid(format, text), expected, `${format} ${text}`);
    assert.deepEqual(errors('"x"', '{"format": "email"}'), [['(root)', 'format', "Does not match format 'email'"]]);
    assert.deepEqual(errors('5', '{"format": "email"}'), []);
  });
  it('gives the same answer when a schema is used again', () => {
    const schema = j('{"type": "string"}');
    const first = call('json.match_schema', '1', schema);
    const second = call('json.match_schema', '1', schema);
    assertValue(second, first as Value);
  });
});
