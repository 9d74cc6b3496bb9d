// The parser's messages as a person learning Rego meets them: each test writes a small policy with
// a typical mistake and checks both what the message says and where it points. Positions come from
// markers in the fixture text, removed before parsing: `⟦` is where the error must start, `⟪` is a
// place the message must name (the bracket left open, for instance). Lines and columns are 1-based,
// columns counted in UTF-16 code units as editors do.
//
// Accepted syntax follows OPA's parser (v1 by default, v0 as with `opa --v0-compatible`).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ModuleParser } from '../../server/src/ast/parse';
import type { ParseError, Rule, Term } from '../../server/src/ast/nodes';

type Version = 'v0' | 'v1';

interface Fixture {
  text: string;
  /** Offsets of the `⟦` markers, in order. */
  at: number[];
  /** Offsets of the `⟪` markers, in order. */
  refs: number[];
}

function fixture(source: string): Fixture {
  let text = '';
  const at: number[] = [];
  const refs: number[] = [];
  for (const character of source) {
    if (character === '⟦') at.push(text.length);
    else if (character === '⟪') refs.push(text.length);
    else text += character;
  }
  return { text, at, refs };
}

interface Position {
  line: number;
  column: number;
}

function position(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

const show = (text: string, errors: ParseError[]): string =>
  errors.map((error) => `  ${position(text, error.range.start).line}:${position(text, error.range.start).column} ${error.message}`).join('\n') || '  (no errors)';

function parseText(text: string, regoVersion: Version = 'v1') {
  return new ModuleParser().parse(text, { regoVersion });
}

/** The error starting at the given offset, whose message matches; fails with every error listed. */
function errorAt(text: string, errors: ParseError[], offset: number, message: string | RegExp): ParseError {
  const expected = position(text, offset);
  const here = errors.filter((error) => {
    const actual = position(text, error.range.start);
    return actual.line === expected.line && actual.column === expected.column;
  });
  const matching = here.find((error) => (typeof message === 'string' ? error.message.includes(message) : message.test(error.message)));
  assert.ok(matching, `expected an error at ${expected.line}:${expected.column} saying ${String(message)}; got:\n${show(text, errors)}`);
  assert.equal(matching.code, 'rego_parse_error');
  return matching;
}

function ruleNamed(rules: Rule[], name: string): Rule | undefined {
  return rules.find((rule) => rule.head.ref[0]?.type === 'var' && rule.head.ref[0].name === name);
}

/** A ref term as text: `input.package` for [var input, string "package"]. */
function refText(term: Term | undefined): string {
  assert.ok(term && term.type === 'ref', `expected a ref, got ${term?.type}`);
  return term.terms.map((part, index) => (index === 0 && part.type === 'var' ? part.name : part.type === 'string' ? `.${part.value}` : `[${part.type}]`)).join('');
}

describe('messages for common mistakes', () => {
  it('typographic double quotes: asks for straight double quotes', () => {
    const { text, at } = fixture('package p\n\ngreeting := ⟦“hello”\n');
    const { errors } = parseText(text);
    errorAt(text, errors, at[0], 'straight double quotes');
  });

  it('typographic single quotes: asks for straight double quotes', () => {
    const { text, at } = fixture('package p\n\nname := ⟦‘alice’\n');
    const { errors } = parseText(text);
    errorAt(text, errors, at[0], 'straight double quotes');
  });

  it('a v1 rule body without `if`', () => {
    const { text, at } = fixture('package p\n\n⟦allow {\n\tinput.user == "admin"\n}\n');
    const { errors } = parseText(text);
    errorAt(text, errors, at[0], '`if` keyword is required');
  });

  it('a v0 partial set rule in v1: `contains` is required', () => {
    const { text, at } = fixture('package p\n\n⟦deny[msg] {\n\tmsg := "no"\n}\n');
    const { errors } = parseText(text);
    errorAt(text, errors, at[0], '`contains` keyword is required');
  });

  it('an unterminated string, reported on its line; the next rule still parses', () => {
    const { text, at } = fixture('package p\n\nname := ⟦"alice\nother := 1\n');
    const { errors, module } = parseText(text);
    errorAt(text, errors, at[0], /unterminated string|non-terminated string/);
    assert.equal(errors.length, 1, `one error expected:\n${show(text, errors)}`);
    assert.ok(ruleNamed(module.rules, 'other'), 'rule `other` is read');
  });

  it('an unterminated raw string', () => {
    const { text, at } = fixture('package p\n\npattern := ⟦`^[a-z]+\nother := 1\n');
    const { errors } = parseText(text);
    errorAt(text, errors, at[0], /unterminated raw string|non-terminated raw string/);
  });

  it('an unmatched `{` at the end of the file: the message names the line and column of the brace left open', () => {
    const { text, at, refs } = fixture('package p\n\nallow if ⟪{\n\tinput.user == "admin"⟦\n');
    const { errors } = parseText(text);
    const opener = position(text, refs[0]);
    const error = errorAt(text, errors, at[0], 'never closed');
    assert.match(error.message, new RegExp(`line ${opener.line}, column ${opener.column}\\b`), `names ${opener.line}:${opener.column}`);
    assert.equal(errors.length, 1, `one error expected:\n${show(text, errors)}`);
  });

  it('an unmatched `{` followed by more rules: reported at the end of its rule, and the next rule still parses', () => {
    const { text, at, refs } = fixture('package p\n\nallow if ⟪{\n\tinput.user == "admin"⟦\n\nadmin := true\n');
    const { errors, module } = parseText(text);
    const opener = position(text, refs[0]);
    const error = errorAt(text, errors, at[0], 'never closed');
    assert.match(error.message, new RegExp(`line ${opener.line}, column ${opener.column}\\b`), `names ${opener.line}:${opener.column}`);
    assert.equal(errors.length, 1, `one error expected:\n${show(text, errors)}`);
    assert.ok(ruleNamed(module.rules, 'admin'), 'rule `admin` is read');
  });

  it('an unmatched `[`: the error is on its statement and names the bracket; the next rule still parses', () => {
    const { text, at, refs } = fixture('package p\n\nports := ⟪[80, 443⟦\n\nallow if input.port in ports\n');
    const { errors, module } = parseText(text);
    const opener = position(text, refs[0]);
    const error = errorAt(text, errors, at[0], 'never closed');
    assert.match(error.message, new RegExp(`line ${opener.line}, column ${opener.column}\\b`));
    assert.equal(errors.length, 1, `one error expected:\n${show(text, errors)}`);
    assert.ok(ruleNamed(module.rules, 'allow'), 'rule `allow` is read');
  });

  it('`if {}` and `if { }` are empty object literals, as in OPA: no error', () => {
    for (const body of ['{}', '{ }', '{\n}']) {
      const text = `package p\n\np if ${body}\n`;
      const { errors, module } = parseText(text);
      assert.deepEqual(errors, [], `p if ${JSON.stringify(body)}:\n${show(text, errors)}`);
      const rule = module.rules[0];
      assert.equal(rule.body.length, 1, 'one literal');
      const literal = rule.body[0].terms;
      assert.ok('type' in literal && literal.type === 'object' && literal.entries.length === 0, `the literal is an empty object, got ${JSON.stringify(literal)}`);
    }
  });

  it('`if { true }` is a body, not a set literal, as in OPA', () => {
    const { errors, module } = parseText('package p\n\np if { true }\n');
    assert.deepEqual(errors, []);
    const literal = module.rules[0].body[0].terms;
    assert.ok('type' in literal && literal.type === 'boolean' && literal.value === true);
  });

  it('several independent mistakes in one file are all reported', () => {
    const { text, at } = fixture(
      [
        'package p',
        '',
        'a := [1 ⟦2]',
        '',
        'b if {',
        '\tx := ⟦)',
        '}',
        '',
        'c := ⟦“quoted”',
        '',
        '⟦d {',
        '\tinput.d',
        '}',
        '',
        'e := 1',
        '',
      ].join('\n'),
    );
    const { errors, module } = parseText(text);
    errorAt(text, errors, at[0], /unexpected|expected/);
    errorAt(text, errors, at[1], /unexpected '\)'|unexpected \)/);
    errorAt(text, errors, at[2], 'straight double quotes');
    errorAt(text, errors, at[3], '`if` keyword is required');
    assert.ok(ruleNamed(module.rules, 'e'), 'the last, correct rule is read');
  });
});

describe('mistakes OPA rejects with the same explanation', () => {
  const cases: [string, string, string | RegExp][] = [
    ['a number with a leading zero', 'x := ⟦01\n', 'leading zero'],
    ['an unknown escape in a string', 'x := ⟦"\\q"\n', 'illegal string literal'],
    ['an import outside data, input, future and rego', 'import ⟦foo.bar\n', 'unexpected import path'],
    ['a default value that is a ref', '⟦default p := input.x\n', 'illegal default rule'],
    ['a number too big', 'p if { x := ⟦1e99999999 }\n', 'number too big'],
    ['`contains` on a function', '⟦f(x) contains 1\n', 'contains keyword can only be used with multi-value rule'],
    ['`some` with a number', 'p if { some ⟦1 }\n', 'expected var'],
  ];
  for (const [name, body, message] of cases) {
    it(name, () => {
      const { text, at } = fixture(`package p\n\n${body}`);
      const { errors } = parseText(text);
      errorAt(text, errors, at[0], message);
    });
  }

  it('`not some ...`: one error about the negation, at `some` as OPA reports it', () => {
    const { text, at } = fixture('package p\n\np if {\n\tnot ⟦some x in [1]\n}\n');
    const { errors } = parseText(text);
    errorAt(text, errors, at[0], /negation/);
    assert.equal(errors.length, 1, `one error expected:\n${show(text, errors)}`);
  });
});

describe('syntax that must be accepted', () => {
  it('v0 mode accepts a partial set rule without `contains`; v1 rejects it', () => {
    const text = 'package p\n\np[x] { x := 1 }\n';
    const v0 = parseText(text, 'v0');
    assert.deepEqual(v0.errors, [], show(text, v0.errors));
    const head = v0.module.rules[0].head;
    assert.ok(head.key && head.key.type === 'var' && head.key.name === 'x', 'the key of the partial set is x');
    assert.ok(parseText(text, 'v1').errors.length > 0, 'v1 rejects it');
  });

  it('`import future.keywords.in` makes `in` a keyword in v0', () => {
    const body = 'p {\n\t1 in [1, 2]\n}\n';
    const withImport = `package p\n\nimport future.keywords.in\n\n${body}`;
    const accepted = parseText(withImport, 'v0');
    assert.deepEqual(accepted.errors, [], show(withImport, accepted.errors));
    const literal = accepted.module.rules[0].body[0].terms;
    assert.ok('type' in literal && literal.type === 'call' && literal.infix === 'in', `a membership call, got ${JSON.stringify(literal)}`);
    assert.equal(refText(literal.operator), 'internal.member_2');

    const { text, at } = fixture(`package p\n\np {\n\t1 ⟦in [1, 2]\n}\n`);
    const rejected = parseText(text, 'v0');
    assert.ok(rejected.errors.length > 0, 'without the import `in` is a plain name in v0');
    errorAt(text, rejected.errors, at[0], /./);
  });

  it('`import future.keywords` makes `if` and `contains` keywords in v0', () => {
    const text = 'package p\n\nimport future.keywords\n\nnames contains n if {\n\tsome n in input.names\n}\n';
    const { errors, module } = parseText(text, 'v0');
    assert.deepEqual(errors, [], show(text, errors));
    assert.equal(module.rules[0].head.contains, true);
    assert.equal(module.rules[0].bodyStyle, 'if');
  });

  it('keywords are valid names inside refs: `input.package`, `data.x.if`, `input.every`', () => {
    const text = 'package p\n\na := input.package\nb := data.x.if\nc := input.every\nd if input.contains == data.import.not\n';
    const { errors, module } = parseText(text);
    assert.deepEqual(errors, [], show(text, errors));
    assert.equal(refText(ruleNamed(module.rules, 'a')?.head.value), 'input.package');
    assert.equal(refText(ruleNamed(module.rules, 'b')?.head.value), 'data.x.if');
    assert.equal(refText(ruleNamed(module.rules, 'c')?.head.value), 'input.every');
  });

  it('`contains(s, "a")` is a call of the built-in inside a body, also next to a `contains` head', () => {
    const text = 'package p\n\nhas_a if {\n\tcontains(input.s, "a")\n}\n\nnames contains n if {\n\tsome n in input.names\n\tcontains(n, "x")\n}\n';
    const { errors, module } = parseText(text);
    assert.deepEqual(errors, [], show(text, errors));
    const call = ruleNamed(module.rules, 'has_a')?.body[0].terms;
    assert.ok(call && 'type' in call && call.type === 'call', `a call, got ${JSON.stringify(call)}`);
    assert.equal(refText(call.operator), 'contains');
    assert.equal(call.args.length, 2);
    const names = ruleNamed(module.rules, 'names');
    assert.equal(names?.head.contains, true);
    const inner = names?.body[1].terms;
    assert.ok(inner && 'type' in inner && inner.type === 'call' && refText(inner.operator) === 'contains');
  });
});

describe('METADATA blocks', () => {
  it('are attached to the rule below them', () => {
    const text = 'package p\n\n# METADATA\n# title: Allow admins\n# description: Admins may do anything.\nallow if input.user.admin\n\nother := 1\n';
    const { errors, module } = parseText(text);
    assert.deepEqual(errors, [], show(text, errors));
    const annotations = module.rules[0].annotations;
    assert.equal(annotations?.[0]?.title, 'Allow admins');
    assert.equal(annotations?.[0]?.description, 'Admins may do anything.');
    assert.equal(annotations.length, 1);
    assert.equal(module.rules[1].annotations, undefined, 'the next rule has none');
  });

  it('with invalid YAML are reported where the block starts', () => {
    const { text, at } = fixture('package p\n\n⟦# METADATA\n# title: [unclosed\n# description: x\nallow if true\n');
    const { errors } = parseText(text);
    errorAt(text, errors, at[0], /METADATA|yaml/i);
  });
});
