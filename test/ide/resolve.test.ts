// What a name at the cursor stands for: rules across files and packages, imports and aliases, locals in
// every kind of scope, built-ins, keywords and input paths. Marked ranges are where the symbol is
// defined (rules, packages) or bound (locals, aliases).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve, pathText, importText, type Target } from '../../server/src/ide/resolve';
import { fixture } from './fixture';

function summary(target: Target): string {
  switch (target.kind) {
    case 'rule':
    case 'package':
    case 'data':
      return `${target.kind} ${pathText(target.path)}`;
    case 'import':
      return `import ${importText(target.node)}${target.target ? ` -> ${summary(target.target)}` : ''}`;
    case 'local':
      return `local ${target.local.name} ${target.local.binding} in ${target.local.scope.kind}`;
    case 'builtin':
      return `builtin ${target.builtin.name}`;
    case 'keyword':
      return `keyword ${target.keyword}`;
    case 'input':
      return `input ${pathText(['input', ...target.path])}`;
  }
}

function places(target: Target): { file: string; start: number; end: number }[] {
  switch (target.kind) {
    case 'rule':
      return target.definitions.map((definition) => ({ file: definition.file, ...definition.range }));
    case 'package':
      return target.definitions.map((definition) => ({ file: definition.file, ...definition.range }));
    case 'local':
      return [{ file: target.local.file, ...target.local.declaration }];
    case 'import':
      return target.symbol && target.node.alias ? [{ file: target.file, ...target.node.alias.range }] : [];
    default:
      return [];
  }
}

const byPlace = (a: { file: string; start: number }, b: { file: string; start: number }) => a.file.localeCompare(b.file) || a.start - b.start;

/** Resolves at the cursor and compares the summary, and the marked ranges with where the symbol is defined or bound. */
function check(source: string, expected: string | undefined): void {
  const { snapshot, file, offset, ranges } = fixture(source);
  const resolution = resolve(snapshot, file, offset);
  if (expected === undefined) {
    assert.equal(resolution, undefined);
    return;
  }
  assert.ok(resolution, `nothing resolved at ${offset}`);
  assert.equal(summary(resolution.target), expected);
  assert.deepEqual(places(resolution.target).sort(byPlace), [...ranges].sort(byPlace));
}

test('a rule reference resolves to its definitions in every file of the package', () => {
  check(
    `-- a.rego --
package authz

⟦allow⟧ if input.admin
-- b.rego --
package authz

⟦allow⟧ if input.owner
-- c.rego --
package authz

deny if not all⌖ow
`,
    'rule data.authz.allow',
  );
});

test('the rule name in its own head resolves to all its definitions', () => {
  check('package p\n\n⟦s⌖⟧ contains 1\n⟦s⟧ contains 2\n', 'rule data.p.s');
});

test('a data ref in another package resolves to the rule there', () => {
  check(
    `-- lib.rego --
package lib.utils

⟦is_admin⟧(user) if user.role == "admin"
-- main.rego --
package main

allow if data.lib.utils.is_ad⌖min(input.user)
`,
    'rule data.lib.utils.is_admin',
  );
});

test('a package segment of a data ref resolves to the package', () => {
  check(
    `-- lib.rego --
package ⟦lib.utils⟧

x := 1
-- main.rego --
package main

y := data.lib.ut⌖ils.x
`,
    'package data.lib.utils',
  );
});

test('a shorter prefix leads to the packages below it', () => {
  check(
    `-- lib.rego --
package ⟦lib.utils⟧

x := 1
-- main.rego --
package main

y := data.l⌖ib.utils.x
`,
    'package data.lib',
  );
});

test('the package statement resolves to the package and its other files', () => {
  check('-- a.rego --\npackage ⟦a.⌖b⟧\n-- b.rego --\npackage ⟦a.b⟧\n', 'package data.a.b');
});

test('an import alias resolves to the import, and what it imports', () => {
  check(
    `-- lib.rego --
package lib.utils

f(x) := x
-- main.rego --
package main

import data.lib.utils as ⟦u⟧

y := u⌖.f(1)
`,
    'import data.lib.utils as u -> package data.lib.utils',
  );
});

test('a function called through an import alias resolves to the function', () => {
  check(
    `-- lib.rego --
package lib.utils

⟦f⟧(x) := x
-- main.rego --
package main

import data.lib.utils as u

y := u.⌖f(1)
`,
    'rule data.lib.utils.f',
  );
});

test('an import without alias makes its last segment stand for the imported package', () => {
  const source = `-- lib.rego --
package ⟦lib.utils⟧

f(x) := x
-- main.rego --
package main

import data.lib.utils

y := uti⌖ls.f(1)
`;
  check(source, 'package data.lib.utils');
  const { snapshot, file, offset } = fixture(source);
  assert.equal(resolve(snapshot, file, offset)?.via?.path.terms.length, 3);
});

test('an import of a rule resolves to the rule', () => {
  check(
    `-- lib.rego --
package lib

⟦admins⟧ := {"alice"}
-- main.rego --
package main

import data.lib.admins

allow if input.user in admi⌖ns
`,
    'rule data.lib.admins',
  );
});

test('future and rego.v1 imports resolve to the import', () => {
  check('package p\nimport rego.v⌖1\n', 'import rego.v1');
  check('package p\nimport future.keywords.i⌖n\n', 'import future.keywords.in');
});

test('ref heads define every path segment; the full path is the rule', () => {
  check('package p\n\na.b.⟦c⟧ := 1\n\nx := a.b.c⌖\n', 'rule data.p.a.b.c');
  check('package p\n\na.b.c := 1\n\nx := a.b⌖.c\n', 'data data.p.a.b');
  check('-- a.rego --\npackage p\n\na.b.⟦c⟧ := 1\n-- b.rego --\npackage q\n\nx := data.p.a.b.c⌖\n', 'rule data.p.a.b.c');
});

test('a local declared with := resolves to its declaration', () => {
  check('package p\n\nallow if {\n  ⟦x⟧ := 1\n  x⌖ > 0\n}\n', 'local x assign in rule');
});

test('a local shadows a rule of the same name', () => {
  check('package p\n\nx := 5\n\nallow if {\n  ⟦x⟧ := 1\n  x⌖ > 0\n}\n', 'local x assign in rule');
  check('package p\n\n⟦x⟧ := 5\n\nallow if {\n  x⌖ > 0\n  x := 1\n}\n', 'rule data.p.x');
});

test('some declares locals, with and without in', () => {
  check('package p\n\nallow if {\n  some ⟦i⟧\n  input.xs[i⌖]\n}\n', 'local i some in rule');
  check('package p\n\nallow if {\n  some ⟦k⟧, v in input.xs\n  k⌖ > v\n}\n', 'local k some in rule');
});

test('function arguments are locals of every clause, else included', () => {
  check('package p\n\nf(⟦x⟧) := 1 if x > 0\nelse := 2 if x⌖ < 0\n', 'local x argument in rule');
  check('package p\n\nf([⟦a⟧, b]) := a⌖ + b\n', 'local a argument in rule');
});

test('every binds its key and value inside its body only', () => {
  check('package p\n\nallow if {\n  every ⟦k⟧, v in input.xs {\n    k⌖ > 0\n  }\n}\n', 'local k every in every');
  check('package p\n\nallow if {\n  every k, v in input.xs {\n    k > 0\n  }\n  ⟦k⟧ := 1\n  k⌖ > 2\n}\n', 'local k assign in rule');
});

test('comprehension variables are local to the comprehension', () => {
  check('package p\n\nxs := [y⌖ | some ⟦y⟧ in input.ys]\n', 'local y some in comprehension');
  check('package p\n\nxs := {k: v | ⟦k⟧ = input.ks[_]; v := k⌖}\n', 'local k unification in comprehension');
});

test('a comprehension sees a variable of the enclosing body', () => {
  check('package p\n\nallow if {\n  ⟦n⟧ := 2\n  ys := [y | some y in input.ys; y > n⌖]\n}\n', 'local n assign in rule');
  check('package p\n\nallow if {\n  input.n = ⟦n⟧\n  ys := [y | some y in input.ys; y > n⌖]\n}\n', 'local n unification in rule');
});

test('an inner declaration shadows an outer one', () => {
  check('package p\n\nallow if {\n  x := 1\n  ys := [x | some ⟦x⟧ in input.ys; x⌖ > 1]\n}\n', 'local x some in comprehension');
});

test('unification binds a variable at its first use in the body, not in the head', () => {
  check('package p\n\nq[x⌖] if {\n  input.xs[⟦x⟧]\n  x > 1\n}\n', 'local x unification in rule');
});

test('locals of different rules are different variables', () => {
  const { snapshot, file, offset } = fixture('package p\n\na if { x := 1; x > 0 }\nb if { x := 2; x⌖ > 0 }\n');
  const target = resolve(snapshot, file, offset)!.target;
  assert.equal(target.kind, 'local');
  assert.equal(target.kind === 'local' && target.local.declaration.start, 'package p\n\na if { x := 1; x > 0 }\nb if { '.length);
});

test('built-in calls resolve to the built-in, dotted names whole', () => {
  check('package p\n\nn := cou⌖nt(input.xs)\n', 'builtin count');
  check('package p\n\ns := strings.rep⌖lace_n({"a": "b"}, "abc")\n', 'builtin strings.replace_n');
  check('package p\n\nn := 1 +⌖ 2\n', 'builtin plus');
});

test('a rule named like a built-in wins over the built-in', () => {
  check('package p\n\n⟦count⟧(x) := 1\n\nn := cou⌖nt(input.xs)\n', 'rule data.p.count');
});

test('keywords resolve to the keyword', () => {
  check('package p\n\nallow i⌖f input.x\n', 'keyword if');
  check('package p\n\nallow if {\n  so⌖me x in input.xs\n}\n', 'keyword some');
  check('package p\n\nallow if {\n  some x i⌖n input.xs\n}\n', 'keyword in');
  check('pack⌖age p\n', 'keyword package');
  check('package p\n\nallow if not⌖ input.x\n', 'keyword not');
});

test('input paths resolve to their path', () => {
  check('package p\n\nallow if input.user.na⌖me == "alice"\n', 'input input.user.name');
  check('package p\n\nallow if input.users[_].na⌖me == "alice"\n', 'input input.users[_].name');
  check('package p\n\nimport input.user as u\n\nallow if u.na⌖me == "alice"\n', 'input input.user.name');
});

test('with targets resolve to input paths and built-ins', () => {
  check('package p\n\nallow if x with input.ro⌖le as "admin"\n\nx if input.role\n', 'input input.role');
  check('package p\n\nallow if x with cou⌖nt as 2\n\nx if count([]) == 2\n', 'builtin count');
});

test('a with value naming a function resolves to the function', () => {
  check('package p\n\n⟦mock_count⟧(_) := 2\n\nallow if x with count as mock_co⌖unt\n\nx if count([]) == 2\n', 'rule data.p.mock_count');
});

test('template string expressions resolve like any other', () => {
  check('package p\n\nmsg := $"hello {input.na⌖me}"\n', 'input input.name');
});

test('nothing resolves in comments, strings and whitespace', () => {
  check('package p\n\n# allo⌖w\nallow := "a"\n', undefined);
  check('package p\n\nallow := "ab⌖c"\n', undefined);
});
