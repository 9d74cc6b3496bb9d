// The graphql.* built-ins called directly: the syntax trees they return, gqlparser's parse errors
// and positions, schema checks, query validation rules and their messages, trees given back as
// objects, and the results of the built-ins that do not fail.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { BuiltinError, type ErrorCode } from '../../server/src/builtins/declaration';
import { builtins } from '../../server/src/builtins/graphql';
import { ObjectValue, fromJS, toJS, type Value } from '../../server/src/value/value';
import { assertError, caller } from './call-builtin';

const call = caller(builtins);

/** The result as plain JSON data, for comparing with object literals. */
function callJS(name: string, ...args: unknown[]): unknown {
  return toJS(call(name, ...args.map((arg) => (arg instanceof ObjectValue || typeof arg !== 'object' ? (arg as Value) : fromJS(arg)))) as Value);
}

/** The exact message and code of the error a call with these arguments fails with. */
function assertCallError(name: string, args: Value[], message: string, code?: ErrorCode): void {
  assertError(() => call(name, ...args), message, code);
}

const field = (name: string, extra: Record<string, unknown> = {}) => ({ Alias: name, Name: name, ...extra });

describe('graphql.parse_query', () => {
  it('returns the tree with zero-valued fields kept and empty ones left out', () => {
    assert.deepEqual(callJS('graphql.parse_query', '{hero {name}}'), {
      Operations: [{ Name: '', Operation: 'query', SelectionSet: [field('hero', { SelectionSet: [field('name')] })] }],
    });
  });

  it('describes variables, arguments, aliases, directives and fragments', () => {
    const tree = callJS(
      'graphql.parse_query',
      `query Q($id: ID! = 4, $tags: [String!]) @live {
        who: node(id: $id) @include(if: true) { ...F ... on User { name } ... @skip(if: false) { id } }
      }
      fragment F on Node { id }`,
    );
    assert.deepEqual(tree, {
      Operations: [
        {
          Name: 'Q',
          Operation: 'query',
          Directives: [{ Location: '', Name: 'live' }],
          VariableDefinitions: [
            { DefaultValue: { Kind: 1, Raw: '4' }, Type: { NamedType: 'ID', NonNull: true }, Used: false, Variable: 'id' },
            { Type: { Elem: { NamedType: 'String', NonNull: true }, NamedType: '', NonNull: false }, Used: false, Variable: 'tags' },
          ],
          SelectionSet: [
            {
              Alias: 'who',
              Name: 'node',
              Arguments: [{ Name: 'id', Value: { Kind: 0, Raw: 'id' } }],
              Directives: [{ Arguments: [{ Name: 'if', Value: { Kind: 5, Raw: 'true' } }], Location: '', Name: 'include' }],
              SelectionSet: [
                { Name: 'F' },
                { TypeCondition: 'User', SelectionSet: [field('name')] },
                { TypeCondition: '', Directives: [{ Arguments: [{ Name: 'if', Value: { Kind: 5, Raw: 'false' } }], Location: '', Name: 'skip' }], SelectionSet: [field('id')] },
              ],
            },
          ],
        },
      ],
      Fragments: [{ Name: 'F', TypeCondition: 'Node', SelectionSet: [field('id')] }],
    });
  });

  it('numbers value kinds as gqlparser does', () => {
    const tree = callJS('graphql.parse_query', '{ f(a: 1, b: 1.5e3, c: "s", d: """ block """, e: true, g: null, h: RED, i: [1], j: {k: 1}, l: {}) }') as {
      Operations: { SelectionSet: { Arguments: { Name: string; Value: unknown }[] }[] }[];
    };
    const values = Object.fromEntries(tree.Operations[0].SelectionSet[0].Arguments.map((argument) => [argument.Name, argument.Value]));
    assert.deepEqual(values, {
      a: { Kind: 1, Raw: '1' },
      b: { Kind: 2, Raw: '1.5e3' },
      c: { Kind: 3, Raw: 's' },
      d: { Kind: 4, Raw: ' block ' },
      e: { Kind: 5, Raw: 'true' },
      g: { Kind: 6, Raw: 'null' },
      h: { Kind: 7, Raw: 'RED' },
      i: { Children: [{ Name: '', Value: { Kind: 1, Raw: '1' } }], Kind: 8, Raw: '' },
      j: { Children: [{ Name: 'k', Value: { Kind: 1, Raw: '1' } }], Kind: 9, Raw: '' },
      l: { Kind: 9, Raw: '' },
    });
  });

  it('decodes string escapes and keeps the indentation of block strings that start on the first line', () => {
    const tree = callJS('graphql.parse_query', '{ f(a: "\\u00e9\\n\\"x\\"", b: """one\n    two""", c: """\n    one\n      two\n  """) }') as {
      Operations: { SelectionSet: { Arguments: { Value: { Raw: string } }[] }[] }[];
    };
    const raws = tree.Operations[0].SelectionSet[0].Arguments.map((argument) => argument.Value.Raw);
    // gqlparser counts the first line when finding the common indentation.
    assert.deepEqual(raws, ['é\n"x"', 'one\n    two', 'one\n  two']);
  });

  it('accepts what gqlparser accepts', () => {
    assert.deepEqual(callJS('graphql.parse_query', 'query () { f() }'), {
      Operations: [{ Name: '', Operation: 'query', SelectionSet: [field('f')] }],
    });
    assert.deepEqual(callJS('graphql.parse_query', ''), {});
    assert.deepEqual(callJS('graphql.parse_query', '# only a comment'), {});
  });

  it('reports syntax errors with gqlparser wording and positions', () => {
    const cases: [string, string][] = [
      ['{', 'Expected Name, found <EOF> in GraphQL string at location 1:2'],
      ['{ field: {} }', 'Expected Name, found { in GraphQL string at location 1:10'],
      ['notanoperation Foo { field }', 'Unexpected Name "notanoperation" in GraphQL string at location 1:1'],
      ['...', 'Unexpected ... in GraphQL string at location 1:1'],
      ['query Foo($x: Complex = { a: [ $var ] }) { field }', 'Unexpected $ in GraphQL string at location 1:32'],
      ['fragment on on on { on }', 'Unexpected Name "on" in GraphQL string at location 1:10'],
      ['{__typename{...}}', 'Expected {, found } in GraphQL string at location 1:16'],
      ['{...{__typename{...{}}}}', 'expected at least one definition, found } in GraphQL string at location 1:21'],
      ['{ f(a: "open) }', 'Unexpected <Invalid> in GraphQL string at location 1:16'],
      ["{ f(a: 'x') }", 'Unexpected <Invalid> in GraphQL string at location 1:8'],
      ['{ f(a: 01) }', 'Unexpected <Invalid> in GraphQL string at location 1:9'],
      ['\n  { ...MissingOn }\n  fragment MissingOn Type\n', 'Expected "on", found Name "Type" in GraphQL string at location 3:22'],
    ];
    for (const [query, message] of cases) assertCallError('graphql.parse_query', [query], message);
  });

  it('counts columns in code points and, like gqlparser, one further after CR LF', () => {
    assertCallError('graphql.parse_query', ['{ f(a: "ਊ") ! }'], 'Expected Name, found ! in GraphQL string at location 1:13');
    assertCallError('graphql.parse_query', ['{\r\n!'], 'Expected Name, found ! in GraphQL string at location 2:2');
    assertCallError('graphql.parse_query', ['{\n!'], 'Expected Name, found ! in GraphQL string at location 2:1');
  });

  it('takes only strings', () => {
    assertCallError('graphql.parse_query', [1], 'operand 1 must be string but got number', 'eval_type_error');
  });
});

describe('graphql.parse_schema', () => {
  it('returns definitions, extensions, schema definitions and directives', () => {
    const tree = callJS(
      'graphql.parse_schema',
      `"Desc" type Hello implements & A & B @d { "f" world(flag: Boolean = true): [String!]! }
       enum E { X Y }
       union U = | A | B
       input I { a: Int = 1 }
       scalar S @specifiedBy(url: "u")
       schema { query: Hello }
       extend schema @d
       extend interface A { x: Int }
       directive @d(a: Int) repeatable on OBJECT | SCHEMA`,
    );
    assert.deepEqual(tree, {
      Definitions: [
        {
          BuiltIn: false,
          Description: 'Desc',
          Directives: [{ Location: '', Name: 'd' }],
          Fields: [
            {
              Arguments: [{ DefaultValue: { Kind: 5, Raw: 'true' }, Description: '', Name: 'flag', Type: { NamedType: 'Boolean', NonNull: false } }],
              Description: 'f',
              Name: 'world',
              Type: { Elem: { NamedType: 'String', NonNull: true }, NamedType: '', NonNull: true },
            },
          ],
          Interfaces: ['A', 'B'],
          Kind: 'OBJECT',
          Name: 'Hello',
        },
        { BuiltIn: false, Description: '', EnumValues: [{ Description: '', Name: 'X' }, { Description: '', Name: 'Y' }], Kind: 'ENUM', Name: 'E' },
        { BuiltIn: false, Description: '', Kind: 'UNION', Name: 'U', Types: ['A', 'B'] },
        {
          BuiltIn: false,
          Description: '',
          Fields: [{ DefaultValue: { Kind: 1, Raw: '1' }, Description: '', Name: 'a', Type: { NamedType: 'Int', NonNull: false } }],
          Kind: 'INPUT_OBJECT',
          Name: 'I',
        },
        {
          BuiltIn: false,
          Description: '',
          Directives: [{ Arguments: [{ Name: 'url', Value: { Kind: 3, Raw: 'u' } }], Location: '', Name: 'specifiedBy' }],
          Kind: 'SCALAR',
          Name: 'S',
        },
      ],
      Schema: [{ Description: '', OperationTypes: [{ Operation: 'query', Type: 'Hello' }] }],
      SchemaExtension: [{ Description: '', Directives: [{ Location: '', Name: 'd' }] }],
      Extensions: [
        {
          BuiltIn: false,
          Description: '',
          Fields: [{ Description: '', Name: 'x', Type: { NamedType: 'Int', NonNull: false } }],
          Kind: 'INTERFACE',
          Name: 'A',
        },
      ],
      Directives: [
        {
          Arguments: [{ Description: '', Name: 'a', Type: { NamedType: 'Int', NonNull: false } }],
          Description: '',
          IsRepeatable: true,
          Locations: ['OBJECT', 'SCHEMA'],
          Name: 'd',
        },
      ],
    });
  });

  it('reports syntax errors with gqlparser wording and positions', () => {
    const cases: [string, string][] = [
      ['type Hello {}', 'expected at least one definition, found } in GraphQL string at location 1:13'],
      ['enum Hello {}', 'expected at least one definition, found } in GraphQL string at location 1:13'],
      ['extend type Hello', 'Unexpected <EOF> in GraphQL string at location 1:18'],
      ['extend schema', 'Unexpected <EOF> in GraphQL string at location 1:14'],
      ['\n  "Description"\n  extend type Hello { world: String }', 'Unexpected String "Description" in GraphQL string at location 2:4'],
      ['extend "Description" type Hello { world: String }', 'Unexpected String "Description" in GraphQL string at location 1:9'],
      ['union Hello = Wo || Rld', 'Expected Name, found | in GraphQL string at location 1:19'],
      ['input Hello {\n  world(foo: Int): String\n}', 'Expected :, found ( in GraphQL string at location 2:8'],
      ['directive @foo on FIELD | INCORRECT_LOCATION', 'Unexpected Name "INCORRECT_LOCATION" in GraphQL string at location 1:27'],
      ['type o{d(g:[', 'Expected Name, found <EOF> in GraphQL string at location 1:13'],
      ['"""\r', 'Unexpected <Invalid> in GraphQL string at location 2:1'],
      ['schema { query }', 'Expected :, found } in GraphQL string at location 1:16'],
      // Consuming a token the lexer could not read reports the lexer's own message.
      ['schema { "x: Query }', 'Unterminated string. in GraphQL string at location 1:21'],
      ['schema { -x: Query }', 'Invalid number, expected digit but got: "x". in GraphQL string at location 1:11'],
      ['schema { "\\q": Query }', 'Invalid character escape sequence: \\q. in GraphQL string at location 1:12'],
      ['schema { "\\u00zz": Query }', 'Invalid character escape sequence: \\u00zz. in GraphQL string at location 1:12'],
      ['schema { "\u0001": Query }', 'Invalid character within String: "\\u0001". in GraphQL string at location 1:11'],
      ['schema { é }', 'Cannot parse the unexpected character "Ã". in GraphQL string at location 1:10'],
    ];
    for (const [schema, message] of cases) assertCallError('graphql.parse_schema', [schema], message);
  });
});

describe('graphql.schema_is_valid', () => {
  const valid = [
    'type Hello { world: String }',
    'extend type User { id: ID! } union U = User extend type Query { u: U }',
    'type Query { x: Int } directive @dir(a: String = "b") on SCHEMA extend schema @dir',
    'type T { old: String @deprecated(reason: "gone") } enum E { A @deprecated }',
    'directive @include(if: Boolean!) on FIELD',
    'interface A { id: ID! } interface B implements A { id: ID! } type C implements B & A { id: ID! }',
    'scalar Date @specifiedBy(url: "https://example.com")',
    'schema { query: Q } type Q { x: Int }',
  ];
  const invalid = [
    'type Hello {}',
    'extend type Hello implements Greeting',
    'extend scalar Foo @deprecated extend type Foo @deprecated',
    'schema { query: Query }',
    'union U = World',
    'type Hello implements World { field: String }',
    'interface IA { id: ID! } interface IIA implements IA { id: ID! } type A implements IIA { id: ID! }',
    'scalar String',
    'directive @d on FIELD directive @d on FIELD',
    'type __Mine { x: Int }',
    'type T { x: Undefined }',
    'type T { x(a: T): Int }',
    'input I { o: T } type T { x: Int }',
    'type T { x: Int x: String }',
    'type T @unknown { x: Int }',
    'type T @include(if: true) { x: Int }',
    'schema { query: A } schema { query: A } type A { x: Int }',
    'enum E { true }',
    'interface I { x(a: Int): Int } type T implements I { x: Int }',
    'interface I { x: Int } type T implements I { x: String }',
    'input I @deprecated { x: Int }',
  ];
  for (const schema of valid) it(`accepts ${schema}`, () => assert.equal(call('graphql.schema_is_valid', schema), true));
  for (const schema of invalid) it(`rejects ${schema}`, () => assert.equal(call('graphql.schema_is_valid', schema), false));

  it('gives false for text that does not parse and for other types', () => {
    assert.equal(call('graphql.schema_is_valid', 'type {'), false);
    assert.equal(call('graphql.schema_is_valid', 42), false);
  });
});

const schema = `
  schema { query: Query mutation: Mutation subscription: Subscription }
  type Query {
    hero(episode: Episode): Character
    search(text: String!): [SearchResult]
    human(id: ID!): Human
    droid(id: ID!, limit: Int = 10): Droid
    filter(by: Filter): [Character]
    list(ids: [Int!]!): Int
  }
  type Mutation { like(id: ID!): Int }
  type Subscription { liked: Int other: Int }
  enum Episode { NEWHOPE EMPIRE JEDI }
  interface Character { id: ID! name: String friends: [Character] }
  type Human implements Character { id: ID! name: String friends: [Character] height(unit: String): Float }
  type Droid implements Character { id: ID! name: String friends: [Character] primaryFunction: String }
  union SearchResult = Human | Droid
  input Filter { name: String! episode: Episode limit: Int = 3 }
`;

function validationError(query: string): string {
  try {
    call('graphql.parse', query, schema);
  } catch (error) {
    assert.ok(error instanceof BuiltinError);
    return error.message;
  }
  assert.fail(`expected ${query} to be invalid`);
}

describe('graphql.is_valid', () => {
  const valid = [
    '{ hero { id name ... on Human { height } } }',
    'query ($e: Episode = JEDI) { hero(episode: $e) { name } }',
    'query Foo($flag: Boolean!) { ...Bar } fragment Bar on Query { hero @include(if: $flag) { id } }',
    '{ search(text: "x") { __typename ... on Droid { primaryFunction } } }',
    '{ __schema { types { name fields(includeDeprecated: true) { name } } } __type(name: "Human") { name } }',
    '{ filter(by: {name: "a", episode: EMPIRE}) { id } }',
    '{ list(ids: [1, 2]) list2: list(ids: 3) }',
    'mutation { like(id: 4) }',
    'subscription { liked }',
    '{ human(id: "1") { height(unit: "m") a: height(unit: "m") } }',
    'query ($id: ID!) { droid(id: $id, limit: 2) { id } }',
    // gqlparser checks integer literals against 64 bits only.
    '{ list(ids: [99999999999]) }',
  ];
  const invalid = [
    '{ hero { nope } }',
    '{ hero }',
    '{ hero { id { x } } }',
    '{ hero(episode: MARS) { id } }',
    '{ hero(episode: "JEDI") { id } }',
    '{ human { id } }',
    '{ human(id: 1, id: 2) { id } }',
    '{ filter(by: {episode: JEDI}) { id } }',
    '{ filter(by: {name: "a", nope: 1}) { id } }',
    '{ list(ids: [1.5]) }',
    '{ list(ids: [99999999999999999999]) }',
    'query ($id: ID) { human(id: $id) { id } }',
    'query ($x: Int) { hero { id } }',
    'query ($x: Human) { hero { id } }',
    'query ($x: Unknown) { hero { id } }',
    '{ hero { id } } { hero { name } }',
    'query A { hero { id } } query A { hero { name } }',
    '{ hero { ...Missing } }',
    '{ hero { id } } fragment Unused on Human { id }',
    'fragment A on Human { ...B } fragment B on Human { ...A } { hero { ...A } }',
    '{ hero { ... on Episode { id } } }',
    '{ search(text: "a") { ... on Query { hero { id } } } }',
    '{ hero { name: id name } }',
    '{ human(id: 1) { height(unit: "m") height(unit: "cm") } }',
    '{ hero @unknown { id } }',
    '{ hero @include(if: true) @include(if: false) { id } }',
    'query @include(if: true) { hero { id } }',
    'subscription { liked other }',
    'subscription { __typename }',
    '{ hero(episode: $undefined) { id } }',
    '{ droid(id: null) { id } }',
  ];
  for (const query of valid) it(`accepts ${query}`, () => assert.equal(call('graphql.is_valid', query, schema), true));
  for (const query of invalid) it(`rejects ${query}`, () => assert.equal(call('graphql.is_valid', query, schema), false));

  it('gives false for an invalid schema, text that does not parse and other types', () => {
    assert.equal(call('graphql.is_valid', '{ x }', 'type Query { x: Unknown }'), false);
    assert.equal(call('graphql.is_valid', '{ x', schema), false);
    assert.equal(call('graphql.is_valid', 1, schema), false);
    assert.equal(call('graphql.is_valid', '{ x }', null), false);
  });

  it('needs a root type for each operation type used', () => {
    assert.equal(call('graphql.is_valid', '{ x }', 'type Hello { x: Int }'), false);
    assert.equal(call('graphql.is_valid', '', 'type Hello { x: Int }'), true);
  });
});

describe('graphql.parse', () => {
  it('returns both trees when the query is valid', () => {
    const result = call('graphql.parse', '{ hero { id } }', 'type Query { hero: Hero } type Hero { id: ID }') as Value[];
    assert.deepEqual(toJS(result[0]), { Operations: [{ Name: '', Operation: 'query', SelectionSet: [field('hero', { SelectionSet: [field('id')] })] }] });
    assert.equal((toJS(result[1]) as { Definitions: unknown[] }).Definitions.length, 2);
  });

  it('words validation errors as gqlparser, positioned at the first', () => {
    // OPA trims a final period and line break; a message ending otherwise keeps its line break.
    assert.equal(validationError('{ hero { nme } }'), 'Cannot query field "nme" on type "Character". Did you mean "name"?\n in GraphQL query string at location 1:10');
    assert.equal(
      validationError('{ hero { primaryFunction } }'),
      'Cannot query field "primaryFunction" on type "Character". Did you mean to use an inline fragment on "Droid"?\n in GraphQL query string at location 1:10',
    );
    assert.equal(
      validationError('{ hero(episode: JEDY) { id } }'),
      'Value "JEDY" does not exist in "Episode" enum. Did you mean the enum value "JEDI"?\n in GraphQL query string at location 1:17',
    );
    assert.equal(validationError('{ hero }'), 'Field "hero" of type "Character" must have a selection of subfields. Did you mean "hero { ... }"?\n in GraphQL query string at location 1:3');
    assert.equal(
      validationError('query ($id: ID) { human(id: $id) { id } }'),
      'Variable "$id" of type "ID" used in position expecting type "ID!" in GraphQL query string at location 1:29',
    );
    assert.equal(
      validationError('{ human(id: 1) { height(unit: "m") height(unit: "cm") } }'),
      'Fields "height" conflict because they have differing arguments. Use different aliases on the fields to fetch both if this was intentional in GraphQL query string at location 1:36',
    );
    assert.equal(validationError('subscription { liked other }'), 'Anonymous Subscription must select only one top level field in GraphQL query string at location 1:22');
  });

  it('keeps every error in the text and the line break after a message without a final period', () => {
    assert.equal(
      validationError('{ hero { a b } }'),
      'Cannot query field "a" on type "Character".\ninput:1:12: Cannot query field "b" on type "Character" in GraphQL query string at location 1:10',
    );
    assert.equal(validationError('{ list(ids: [1.5]) }'), 'Int cannot represent non-integer value: 1.5\n in GraphQL query string at location 1:14');
  });

  it('reports schema errors with their own prefix', () => {
    assertCallError(
      'graphql.parse',
      ['{ x }', 'type Query {\n  x: Unknown\n}'],
      'Error in gqlparser SchemaDocument to Schema conversion: input:2:6: Undefined type Unknown.',
    );
  });

  it('checks the query before the schema, and counts operands from 0', () => {
    assertCallError('graphql.parse', ['{', 'type {'], 'Expected Name, found <EOF> in GraphQL string at location 1:2');
    assertCallError('graphql.parse', [1, 'type {'], 'operand 0 must be one of {string, object} but got number', 'eval_type_error');
    assertCallError('graphql.parse', ['{ x }', []], 'operand 1 must be one of {string, object} but got array', 'eval_type_error');
  });
});

describe('graphql.parse_and_verify', () => {
  it('returns true and both trees, or false and empty objects', () => {
    const good = callJS('graphql.parse_and_verify', '{ hero { id } }', schema) as unknown[];
    assert.equal(good[0], true);
    assert.deepEqual(good[1], { Operations: [{ Name: '', Operation: 'query', SelectionSet: [field('hero', { SelectionSet: [field('id')] })] }] });
    assert.deepEqual(callJS('graphql.parse_and_verify', '{ hero }', schema), [false, {}, {}]);
    assert.deepEqual(callJS('graphql.parse_and_verify', '{', schema), [false, {}, {}]);
    assert.deepEqual(callJS('graphql.parse_and_verify', 5, schema), [false, {}, {}]);
  });
});

describe('trees given as objects', () => {
  const schemaText = 'type Query { employee(id: String): Employee } type Employee { id: String! salary: Int! }';
  const queryText = 'query { employee(id: "alice") { salary } }';

  it('validate like the text they came from and come back unchanged', () => {
    const queryTree = call('graphql.parse_query', queryText) as Value;
    const schemaTree = call('graphql.parse_schema', schemaText) as Value;
    assert.equal(call('graphql.is_valid', queryTree, schemaTree), true);
    assert.equal(call('graphql.schema_is_valid', schemaTree), true);
    const [valid, queryBack, schemaBack] = call('graphql.parse_and_verify', queryTree, schemaTree) as Value[];
    assert.equal(valid, true);
    assert.deepEqual(toJS(queryBack), toJS(queryTree));
    assert.deepEqual(toJS(schemaBack), toJS(schemaTree));
  });

  it('fill in missing fields with zero values and match keys regardless of case', () => {
    const result = call('graphql.parse', fromJS({ operations: [{ Operation: 'query', SelectionSet: [{ Name: 'employee', SelectionSet: [{ Name: 'id' }] }] }] }), schemaText) as Value[];
    // The hand-written decoders of operations and fields match exactly, the others ignore case.
    assert.deepEqual(toJS(result[0]), {
      Operations: [{ Name: '', Operation: 'query', SelectionSet: [{ Alias: '', Name: 'employee', SelectionSet: [{ Alias: '', Name: 'id' }] }] }],
    });
  });

  it('turn fragment spreads and inline fragments into fields, as OPA does', () => {
    const queryTree = call('graphql.parse_query', '{ ...F } fragment F on Query { employee { id } }') as Value;
    assert.equal(call('graphql.is_valid', queryTree, schemaText), false);
    assert.throws(() => call('graphql.parse', queryTree, schemaText), /^Error: Cannot query field "F" on type "Query"\.\ninput: Fragment "F" is never used in GraphQL query string$/);
  });

  it('report values of the wrong JSON type as Go would', () => {
    assertCallError('graphql.parse', [fromJS({ Operations: 'x' }), schemaText], 'json: cannot unmarshal string into Go struct field QueryDocument.Operations of type []*ast.OperationDefinition');
    assertCallError(
      'graphql.parse',
      ['{ employee { id } }', fromJS({ Definitions: [{ Name: 5 }] })],
      'json: cannot unmarshal number into Go struct field SchemaDocument.Definitions.Name of type string',
    );
    assert.equal(call('graphql.is_valid', fromJS({ Operations: 'x' }), schemaText), false);
  });

  it('give false where gqlparser would trip over a missing node', () => {
    const query = fromJS({ Operations: [{ Operation: 'query', SelectionSet: [{ Name: 'employee', Arguments: [{ Name: 'id' }], SelectionSet: [{ Name: 'id' }] }] }] });
    assert.equal(call('graphql.is_valid', query, schemaText), false);
    assert.deepEqual(toJS(call('graphql.parse_and_verify', query, schemaText) as Value), [false, {}, {}]);
    assert.throws(() => call('graphql.parse', query, schemaText), BuiltinError);
  });
});
