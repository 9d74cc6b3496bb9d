// Hover text for built-ins, keywords, rules and functions (heads, METADATA, definition counts), locals,
// imports and input paths. A marked range is the name the hover is about.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hover } from '../../server/src/ide/hover';
import { KEYWORD_DOCS } from '../../server/src/ide/keywords';
import { fromJS } from '../../server/src/value/value';
import { fixture } from './fixture';

/** Hovers at the cursor: the text must contain every expected piece, and the range match the marked one. */
function check(source: string, expected: string[] | undefined, options: Parameters<typeof fixture>[1] = {}): string | undefined {
  const { snapshot, file, offset, ranges } = fixture(source, options);
  const result = hover(snapshot, file, offset);
  if (expected === undefined) {
    assert.equal(result, undefined);
    return undefined;
  }
  assert.ok(result, 'no hover');
  for (const piece of expected) assert.ok(result.markdown.includes(piece), `missing ${JSON.stringify(piece)} in:\n${result.markdown}`);
  if (ranges.length > 0) assert.deepEqual(result.range, { start: ranges[0].start, end: ranges[0].end });
  return result.markdown;
}

test('a built-in shows its typed signature, description, parameters and category', () => {
  const markdown = check('package p\n\nn := ⟦cou⌖nt⟧(input.xs)\n', [
    '```rego\ncount(collection: any<string, array[any], object[any: any], set[any]>) -> number\n```',
    'Counts the elements of an array or set',
    '- `collection` (`any<string, array[any], object[any: any], set[any]>`): The string, array, object or set to measure.',
    '**Returns** `n` (`number`): The number of characters, elements or keys.',
    'Category: aggregates',
  ]);
  assert.ok(!markdown!.includes('Deprecated'));
});

test('a dotted built-in is hovered as a whole', () => {
  check('package p\n\ns := ⟦strings.replace⌖_n⟧({"a": "b"}, "abc")\n', ['strings.replace_n(patterns: object[string: string], value: string) -> string']);
});

test('a deprecated built-in says so', () => {
  check('package p\n\nx := ⟦cast_ar⌖ray⟧([1])\n', ['**Deprecated.**']);
});

test('an operator shows the built-in it stands for', () => {
  check('package p\n\nx := 1 ⟦+⌖⟧ 2\n', ['plus(x: number, y: number) -> number', 'operator `+`']);
});

test('every keyword has an explanation and an example', () => {
  const sources: Record<string, string> = {
    package: 'pack⌖age p\n',
    import: 'package p\nimp⌖ort rego.v1\n',
    as: 'package p\nimport data.x a⌖s y\n',
    default: 'package p\ndefau⌖lt allow := false\n',
    else: 'package p\nf(x) := 1 if x > 1\nel⌖se := 2\n',
    if: 'package p\nallow i⌖f input.x\n',
    contains: 'package p\nd conta⌖ins 1\n',
    some: 'package p\nallow if { so⌖me x in input.xs; x }\n',
    every: 'package p\nallow if { ev⌖ery x in input.xs { x } }\n',
    in: 'package p\nallow if 1 i⌖n input.xs\n',
    not: 'package p\nallow if n⌖ot input.x\n',
    with: 'package p\nallow if x wi⌖th input as {}\nx := 1\n',
    and: 'package p\nimport future.keywords.and\nallow if input.a an⌖d input.b\n',
    or: 'package p\nimport future.keywords.or\nallow if input.a o⌖r input.b\n',
  };
  for (const doc of KEYWORD_DOCS) {
    const source = sources[doc.keyword];
    assert.ok(source, `no case for ${doc.keyword}`);
    check(source, [`**${doc.keyword}** (keyword)`, doc.summary, `\`\`\`rego\n${doc.example}\n\`\`\``]);
  }
});

test('a rule shows its heads, its METADATA and how many definitions it has', () => {
  check(
    `-- a.rego --
package authz

# METADATA
# title: Who may act
# description: Admins and owners.
default allow := false

allow if input.admin
-- b.rego --
package authz

allow if input.owner

x if ⟦all⌖ow⟧
`,
    [
      '```rego\n# data.authz.allow\ndefault allow := false\nallow\n```',
      '**Who may act**',
      'Admins and owners.',
      'Rule `data.authz.allow`: 3 definitions in 2 files, one of them the default.',
    ],
  );
});

test('a function shows its heads as signatures', () => {
  check(
    `-- lib.rego --
package lib

# METADATA
# description: Whether the user is an admin.
is_admin(user) := true if user.role == "admin"
-- main.rego --
package main

import data.lib

allow if lib.⟦is_ad⌖min⟧(input.user)
`,
    ['# data.lib.is_admin\nis_admin(user) := true', 'Whether the user is an admin.', 'Function `data.lib.is_admin`: 1 definition.'],
  );
});

test('a multi-value rule and a ref-head rule are named as such', () => {
  check('package p\n\ndeny contains "x" if input.bad\n\nn := count(⟦de⌖ny⟧)\n', ['Multi-value rule `data.p.deny`']);
  check('package p\n\nusers[name] := u if some name, u in input.users\n\nx := ⟦use⌖rs⟧.alice\n', ['Rule with a key in its head `data.p.users`']);
  check('package p\n\na.b.c := 1\n\nx := a.⟦b⌖⟧.c\n', ['# data.p.a.b', 'Holds the rules `data.p.a.b.c`']);
});

test('a local variable says where and how it is bound', () => {
  check('package p\n\nallow if {\n  xs := input.xs\n  some x in xs\n  ⟦x⌖⟧ > 1\n}\n', ['Local variable of the rule body, declared with `some` on line 5:', '```rego\nsome x in xs\n```']);
  check('package p\n\nf(x) := ⟦x⌖⟧ + 1\n', ['an argument of the function on line 3']);
  check('package p\n\nys := [y | some y in input.ys; ⟦y⌖⟧ > 1]\n', ['Local variable of the comprehension']);
  check('package p\n\nallow if every v in input.xs { ⟦v⌖⟧ > 1 }\n', ['Local variable of the `every` body, bound by `every`']);
  check('package p\n\nq[x] if {\n  input.xs[x]\n  ⟦x⌖⟧ > 1\n}\n', ['bound by unification where it is first used on line 4:', 'input.xs[x]']);
});

test('an import alias says what it stands for', () => {
  check(
    `-- lib.rego --
# METADATA
# title: User helpers
package lib.users

admins := {"alice"}
-- main.rego --
package main

import data.lib.users as people

allow if input.user in ⟦peo⌖ple⟧.admins
`,
    ['import data.lib.users as people', '`people` stands for `data.lib.users` in this file.', 'Package `data.lib.users`: 1 rule in 1 file.'],
  );
});

test('an import without alias notes the import it goes through', () => {
  check('-- lib.rego --\npackage lib\n\nadmins := {"alice"}\n-- main.rego --\npackage main\n\nimport data.lib.admins\n\nallow if input.user in ⟦adm⌖ins⟧\n', ['Rule `data.lib.admins`', 'Reached through `import data.lib.admins`.']);
});

test('rego.v1 and future imports are explained', () => {
  check('package p\n\nimport rego.v⌖1\n', ['Makes this file follow Rego v1']);
  check('package p\n\nimport future.keywords.ev⌖ery\n', ['Turns on the keyword `every`']);
});

test('a package shows its METADATA and size', () => {
  check('-- a.rego --\n# METADATA\n# title: Authorization\npackage ⟦au⌖thz⟧\n\nallow := true\n-- b.rego --\npackage authz\n\ndeny := false\n', ['package authz', '**Authorization**', 'Package `data.authz`: 2 rules in 2 files.']);
});

test('an input path shows its type and an example from the active input', () => {
  const input = fromJS({ user: { name: 'alice', roles: ['admin', 'dev'] }, users: [{ name: 'bob' }] });
  check('package p\n\nallow if input.user.⟦na⌖me⟧ == "alice"\n', ['input.user.name', 'Type `string` in the active input.', '```json\n"alice"\n```'], { input });
  check('package p\n\nallow if "admin" in input.user.⟦ro⌖les⟧\n', ['Type `array` (2 elements)', '"admin"'], { input });
  check('package p\n\nallow if input.users[_].⟦na⌖me⟧ == "bob"\n', ['input.users[_].name', '"bob"'], { input });
  check('package p\n\nallow if input.⟦mis⌖sing⟧\n', ['Not present in the active input.'], { input });
  check('package p\n\nallow if input.⟦us⌖er⟧\n', ['No input is selected']);
});

test('nothing to say about literals and whitespace', () => {
  check('package p\n\nx := 1⌖2\n', undefined);
  check('package p\n\nx := "a⌖b"\n', undefined);
});

test('a rule shows what it last evaluated to, and when it was undefined', () => {
  const values = new Map([
    ['data.p.limits', { text: '{\n  "max": 3\n}', inputPath: '/work/policies/input.json' }],
    ['data.p.allow', { inputPath: '/work/input.json' }],
  ]);
  const lastValue = (path: readonly string[]) => values.get(path.join('.'));
  check('package p\n\n⟦lim⌖its⟧ := {"max": 3}\n', ['Last evaluated with input `input.json`:\n\n```rego\n{\n  "max": 3\n}\n```'], { lastValue });
  check('package p\n\nallow if input.ok\n\nx if al⌖low\n', ['Last evaluated with input `input.json`: undefined.'], { lastValue });
  // Never evaluated: nothing about it.
  const markdown = check('package p\n\nde⌖ny if input.bad\n', ['Rule `data.p.deny`'], { lastValue });
  assert.ok(!markdown!.includes('Last evaluated'));
});
