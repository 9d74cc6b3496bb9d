// Smart selection: the ranges a selection grows through from the cursor `⌖`, innermost first, shown as
// the text each one covers.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { selectionRanges } from '../../server/src/ide/selection-range';
import { snapshotOf } from '../../server/src/ide/snapshot';
import type { Range } from '../../server/src/ast/nodes';
import { fixture } from './fixture';

function grow(source: string): string[] {
  const { snapshot, file, offset } = fixture(source);
  const document = snapshot.get(file)!;
  return selectionRanges(document, offset).map((range) => document.text.slice(range.start, range.end));
}

function assertChain(ranges: Range[], text: string, offset: number): void {
  assert.ok(ranges.length > 0);
  assert.ok(ranges[0].start <= offset && offset <= ranges[0].end, `first range holds ${offset}`);
  for (let i = 1; i < ranges.length; i++) {
    const [inner, outer] = [ranges[i - 1], ranges[i]];
    assert.ok(outer.start <= inner.start && inner.end <= outer.end, `range ${i} contains range ${i - 1} at ${offset}`);
    assert.ok(outer.end - outer.start > inner.end - inner.start, `range ${i} is larger at ${offset}`);
  }
  assert.deepEqual(ranges[ranges.length - 1], { start: 0, end: text.length });
}

describe('selection ranges', () => {
  test('a name in a ref grows through the ref prefixes, the expression, the body, the braces and the rule', () => {
    assert.deepEqual(
      grow(`package p

allow if {
  input.us⌖er.roles[0] == "admin"
  count(input.xs) > 1
}
`),
      [
        'user',
        'input.user',
        'input.user.roles',
        'input.user.roles[0]',
        'input.user.roles[0] == "admin"',
        'input.user.roles[0] == "admin"\n  count(input.xs) > 1',
        '{\n  input.user.roles[0] == "admin"\n  count(input.xs) > 1\n}',
        'allow if {\n  input.user.roles[0] == "admin"\n  count(input.xs) > 1\n}',
        'package p\n\nallow if {\n  input.user.roles[0] == "admin"\n  count(input.xs) > 1\n}\n',
      ],
    );
  });

  test('call arguments, composite values and object entries', () => {
    assert.deepEqual(grow('package p\n\nx := f({"a": [1, 2⌖]})\n').slice(0, 7), [
      '2',
      '1, 2',
      '[1, 2]',
      '"a": [1, 2]',
      '{"a": [1, 2]}',
      'f({"a": [1, 2]})',
      'x := f({"a": [1, 2]})',
    ]);
  });

  test('inside a string: the word, the text, then the literal', () => {
    assert.deepEqual(grow('package p\n\nmsg := "hello wo⌖rld"\n').slice(0, 4), ['world', 'hello world', '"hello world"', 'msg := "hello world"']);
  });

  test('comprehensions: head, body, brackets', () => {
    assert.deepEqual(grow('package p\n\nnames := [n | some u in input.users; n := u.na⌖me]\n').slice(0, 7), [
      'name',
      'u.name',
      'n := u.name',
      'some u in input.users; n := u.name',
      '[n | some u in input.users; n := u.name]',
      'names := [n | some u in input.users; n := u.name]',
      'package p\n\nnames := [n | some u in input.users; n := u.name]\n',
    ]);
  });

  test('rule heads: the name, the head, the rule', () => {
    assert.deepEqual(grow('package p\n\na.b⌖c[x] := 1 if some x in input.xs\n'), [
      'bc',
      'a.bc',
      'a.bc[x]',
      'a.bc[x] := 1',
      'a.bc[x] := 1 if some x in input.xs',
      'package p\n\na.bc[x] := 1 if some x in input.xs\n',
    ]);
  });

  test('a comment grows to its METADATA block, then the rule with its block', () => {
    assert.deepEqual(grow('package p\n\n# METADATA\n# title: Al⌖low\nallow if input.ok\n'), [
      'Allow',
      '# title: Allow',
      '# METADATA\n# title: Allow',
      '# METADATA\n# title: Allow\nallow if input.ok',
      'package p\n\n# METADATA\n# title: Allow\nallow if input.ok\n',
    ]);
  });

  test('from a rule, the rule grows to include its METADATA block', () => {
    assert.deepEqual(grow('package p\n\n# METADATA\n# title: Allow\nal⌖low if input.ok\n'), [
      'allow',
      'allow if input.ok',
      '# METADATA\n# title: Allow\nallow if input.ok',
      'package p\n\n# METADATA\n# title: Allow\nallow if input.ok\n',
    ]);
  });

  test('between tokens, and at the end of a name', () => {
    assert.deepEqual(grow('package p\n\nf(x) := y if {\n  y := x⌖\n}\n').slice(0, 3), ['x', 'y := x', '{\n  y := x\n}']);
    // On a blank line inside a body, the braces are the innermost range that holds the cursor.
    assert.deepEqual(grow('package p\n\nf(x) := y if {\n  y := x\n ⌖\n}\n').slice(0, 2), ['{\n  y := x\n \n}', 'f(x) := y if {\n  y := x\n \n}']);
  });

  test('every, some, not and with', () => {
    assert.deepEqual(grow('package p\n\nok if {\n  every k, v in input.m { k != v⌖ }\n}\n').slice(0, 5), [
      'v',
      'k != v',
      '{ k != v }',
      'every k, v in input.m { k != v }',
      '{\n  every k, v in input.m { k != v }\n}',
    ]);
    assert.deepEqual(grow('package p\n\nok if {\n  not allow with input as {"us⌖er": 1}\n}\n').slice(0, 5), [
      'user',
      '"user"',
      '"user": 1',
      '{"user": 1}',
      'with input as {"user": 1}',
    ]);
  });

  test('package paths and imports', () => {
    assert.deepEqual(grow('package a.b⌖c.d\n\nx := 1\n').slice(0, 4), ['bc', 'a.bc', 'a.bc.d', 'package a.bc.d']);
    assert.deepEqual(grow('package p\n\nimport data.l⌖ib.x as y\n').slice(0, 5), ['lib', 'data.lib', 'data.lib.x', 'import data.lib.x as y', 'package p\n\nimport data.lib.x as y\n']);
  });

  test('a module with syntax errors still gives a chain', () => {
    assert.deepEqual(grow('package p\n\nallow if {\n  x := [1, inp⌖ut.\n}\n').slice(0, 2), ['input', 'input.']);
  });

  test('every offset of several modules, broken ones included, gives a strictly growing chain', () => {
    const texts = [
      'package p\n\nimport rego.v1\nimport data.lib as l\n\n# METADATA\n# title: x\nallow if {\n  some x in input.xs\n  l.f(x, "a b") == {"k": [1, 2]}\n  y := [z | z := x.a[_]]\n  not deny with input as {}\n} else := 2\n\nf(a) := $"v {a} w" if a > `raw\ntext`\n',
      'package p\n\nallow if {\n  x := [1, 2\n  y := {"a":\n}\n\ndeny contains msg if input.\n',
      'package\nimport\np[x] { x = 1 ',
      '',
    ];
    for (const text of texts) {
      const document = snapshotOf([{ file: 'a.rego', text }]).get('a.rego')!;
      for (let offset = 0; offset <= text.length; offset++) assertChain(selectionRanges(document, offset), text, offset);
    }
  });
});
