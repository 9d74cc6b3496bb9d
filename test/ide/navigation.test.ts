// Go to definition, find references, rename and highlight. Marked ranges are the expected locations;
// rename cases give the files as they should read afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { definition, documentHighlights, prepareRename, references, rename } from '../../server/src/ide/navigation';
import { fixture } from './fixture';

type Place = { file: string; start: number; end: number };
const order = (a: Place, b: Place) => a.file.localeCompare(b.file) || a.start - b.start;
const places = (locations: { file: string; range: { start: number; end: number } }[]) => locations.map(({ file, range }) => ({ file, ...range })).sort(order);

/** Definitions of the symbol at the cursor are exactly the marked ranges. */
function checkDefinition(source: string): void {
  const { snapshot, file, offset, ranges } = fixture(source);
  assert.deepEqual(places(definition(snapshot, file, offset)), [...ranges].sort(order));
}

/** References (definitions included unless told otherwise) are exactly the marked ranges. */
function checkReferences(source: string, options: { includeDeclaration?: boolean } = {}): void {
  const { snapshot, file, offset, ranges } = fixture(source);
  assert.deepEqual(places(references(snapshot, file, offset, options)), [...ranges].sort(order));
}

/** Highlights in the cursor's file are the marked ranges; `writes` lists which of them (in order) are writes. */
function checkHighlights(source: string, writes: boolean[]): void {
  const { snapshot, file, offset, ranges } = fixture(source);
  const highlights = documentHighlights(snapshot, file, offset).sort((a, b) => a.range.start - b.range.start);
  assert.deepEqual(highlights.map((highlight) => ({ file, ...highlight.range })), [...ranges].sort(order));
  assert.deepEqual(highlights.map((highlight) => highlight.kind === 'write'), writes);
}

/** Renames the symbol at the cursor; the files must then read as `expected` (same `-- name --` layout), or the refusal match. */
function checkRename(source: string, newName: string, expected: string | RegExp): void {
  const { snapshot, file, offset } = fixture(source);
  const result = rename(snapshot, file, offset, newName);
  if (expected instanceof RegExp) {
    assert.ok('error' in result, 'rename should be refused');
    assert.match(result.error, expected);
    return;
  }
  assert.ok(!('error' in result), 'error' in result ? result.error : '');
  const texts = new Map(snapshot.documents.map((document) => [document.file, document.text]));
  for (const { file: name, edits } of result.edits) {
    let text = texts.get(name)!;
    for (const edit of [...edits].sort((a, b) => b.range.start - a.range.start)) text = text.slice(0, edit.range.start) + edit.newText + text.slice(edit.range.end);
    texts.set(name, text);
  }
  const want = fixture(expected).snapshot;
  assert.deepEqual(Object.fromEntries(texts), Object.fromEntries(want.documents.map((document) => [document.file, document.text])));
}

const LIBRARY = `-- lib.rego --
package lib.users

⟦is_admin⟧(user) if user.role == "admin"
⟦is_admin⟧(user) if user.name == "root"
`;

test('definition of a function called through data lists all its definitions', () => {
  checkDefinition(`${LIBRARY}-- main.rego --
package main

allow if data.lib.users.is_a⌖dmin(input.user)
`);
});

test('definition through an import alias, and of the alias itself', () => {
  checkDefinition(`${LIBRARY}-- main.rego --
package main

import data.lib.users as u

allow if u.is_adm⌖in(input.user)
`);
  checkDefinition(`-- lib.rego --
package ⟦lib.users⟧

is_admin(user) if user.role == "admin"
-- main.rego --
package main

import data.lib.users as u

allow if u⌖.is_admin(input.user)
`);
});

test('definition of an alias for something outside the workspace is the alias', () => {
  checkDefinition('package main\n\nimport data.external.thing as ⟦t⟧\n\nallow if t⌖.x\n');
});

test('definition of a rule of the same package in another file', () => {
  checkDefinition('-- a.rego --\npackage p\n\n⟦limit⟧ := 10\n-- b.rego --\npackage p\n\nok if input.n < lim⌖it\n');
});

test('definition of a ref-head rule and of its prefix', () => {
  checkDefinition('package p\n\nroles.admin.⟦can_write⟧ := true\n\nok if roles.admin.can_wri⌖te\n');
  checkDefinition('package p\n\nroles.admin.⟦can_write⟧ := true\nroles.admin.⟦can_read⟧ := true\n\nok if roles.adm⌖in.can_read\n');
});

test('definition of locals in each kind of scope', () => {
  checkDefinition('package p\n\nallow if {\n  ⟦x⟧ := input.x\n  x⌖ > 1\n}\n');
  checkDefinition('package p\n\nf(⟦x⟧) := y if {\n  y := x⌖ * 2\n}\n');
  checkDefinition('package p\n\nallow if {\n  every ⟦v⟧ in input.xs { v⌖ > 1 }\n}\n');
  checkDefinition('package p\n\nallow if {\n  ⟦v⟧ := 1\n  ys := {v | some v in input.vs}\n  count(ys) > v⌖\n}\n');
  checkDefinition('package p\n\nallow if {\n  v := 1\n  ys := {v | some ⟦v⟧ in input.vs; v⌖ > 0}\n}\n');
});

test('definition of builtins, keywords and input is empty', () => {
  checkDefinition('package p\n\nn := cou⌖nt(input.xs)\n');
  checkDefinition('package p\n\nallow i⌖f input.x\n');
  checkDefinition('package p\n\nallow if input.x⌖\n');
});

test('references of a rule span files, packages, data refs and imports', () => {
  checkReferences(`-- lib.rego --
package lib.users

⟦is_admin⟧(user) if user.role == "admin"

any_admin if ⟦is_admin⟧(input.user)
-- main.rego --
package main

import data.lib.users as u
import data.lib.users.⟦is_admin⟧

a if data.lib.users.⟦is_admin⟧(input.user)
b if u.⟦is_a⌖dmin⟧(input.user)
c if ⟦is_admin⟧(input.user)
`);
});

test('references without declarations leave out the definitions', () => {
  checkReferences('-- a.rego --\npackage p\n\nlimit := 10\n-- b.rego --\npackage p\n\nok if input.n < ⟦lim⌖it⟧\nalso if ⟦limit⟧ > 1\n', { includeDeclaration: false });
});

test('references of a local stay within its scope', () => {
  checkReferences('package p\n\na if {\n  ⟦x⟧ := 1\n  ⟦x⌖⟧ > 0\n  ys := [y | some y in input.ys; y > ⟦x⟧]\n  zs := [x | some x in input.zs]\n}\n\nb if {\n  x := 2\n  x > 0\n}\n');
});

test('references of a comprehension variable', () => {
  checkReferences('package p\n\nx := 5\n\nys := [⟦x⟧ | some ⟦x⟧ in input.xs; ⟦x⌖⟧ > 1]\n\nz := x\n');
});

test('references of a package segment include package statements, refs and imports', () => {
  checkReferences(`-- a.rego --
package lib.⟦users⟧

admins := {"alice"}
-- b.rego --
package lib.⟦users⟧

guests := {"bob"}
-- main.rego --
package main

import data.lib.⟦users⟧

a if "alice" in ⟦users⟧.admins
b if "bob" in data.lib.⟦us⌖ers⟧.guests
`);
});

test('highlights mark writes and reads in the file', () => {
  checkHighlights('package p\n\nallow if {\n  ⟦x⟧ := 1\n  ⟦x⌖⟧ > 0\n  ⟦x⟧ < 2\n}\n', [true, false, false]);
  checkHighlights('package p\n\n⟦s⟧ contains 1\n⟦s⟧ contains 2\n\nn := count(⟦s⌖⟧)\n', [true, true, false]);
});

test('rename a rule across files, refs and imports', () => {
  checkRename(
    `-- lib.rego --
package lib.users

is_admin(user) if user.role == "admin"

any_admin if is_admin(input.user)
-- main.rego --
package main

import data.lib.users as u
import data.lib.users.is_admin

a if data.lib.users["is_admin"](input.user)
b if u.is_a⌖dmin(input.user)
c if is_admin(input.user)
`,
    'is_superuser',
    `-- lib.rego --
package lib.users

is_superuser(user) if user.role == "admin"

any_admin if is_superuser(input.user)
-- main.rego --
package main

import data.lib.users as u
import data.lib.users.is_superuser

a if data.lib.users["is_superuser"](input.user)
b if u.is_superuser(input.user)
c if is_superuser(input.user)
`,
  );
});

test('rename a ref-head segment renames that segment only', () => {
  checkRename('package p\n\nroles.admin.write := true\nroles.user.write := false\n\nok if roles.ad⌖min.write\n', 'owner', 'package p\n\nroles.owner.write := true\nroles.user.write := false\n\nok if roles.owner.write\n');
});

test('rename a local renames it within its scope only', () => {
  checkRename(
    'package p\n\na if {\n  x := 1\n  x⌖ > 0\n  ys := [y | some y in input.ys; y > x]\n  zs := [x | some x in input.zs]\n}\n\nb if {\n  x := 2\n}\n',
    'limit',
    'package p\n\na if {\n  limit := 1\n  limit > 0\n  ys := [y | some y in input.ys; y > limit]\n  zs := [x | some x in input.zs]\n}\n\nb if {\n  x := 2\n}\n',
  );
});

test('rename a function argument across else clauses', () => {
  checkRename('package p\n\nf(x) := 1 if x > 0\nelse := 2 if x⌖ < 0\n', 'n', 'package p\n\nf(n) := 1 if n > 0\nelse := 2 if n < 0\n');
});

test('rename an import alias', () => {
  checkRename('package p\n\nimport data.lib.users as u\n\nok if u⌖.admin\nalso if u.guest\n', 'people', 'package p\n\nimport data.lib.users as people\n\nok if people.admin\nalso if people.guest\n');
});

test('rename a package segment everywhere it is used', () => {
  checkRename(
    '-- a.rego --\npackage lib.users\n\nadmins := {"alice"}\n-- main.rego --\npackage main\n\nimport data.lib.users\n\nok if "alice" in users.admins\nalso if data.lib.us⌖ers.admins\n',
    'people',
    '-- a.rego --\npackage lib.people\n\nadmins := {"alice"}\n-- main.rego --\npackage main\n\nimport data.lib.people\n\nok if "alice" in people.admins\nalso if data.lib.people.admins\n',
  );
});

test('rename refuses built-ins, keywords, input paths and bad names', () => {
  checkRename('package p\n\nn := cou⌖nt(input.xs)\n', 'size', /built-in function/);
  checkRename('package p\n\nallow i⌖f input.x\n', 'when', /keyword/);
  checkRename('package p\n\nallow if input.us⌖er\n', 'who', /input document/);
  checkRename('package p\n\nallow if data.nowhere.x⌖\n', 'y', /No rule or package/);
  checkRename('package p\n\nallow⌖ := true\n', 'not a name', /not a valid Rego name/);
  checkRename('package p\n\nallow⌖ := true\n', 'some', /reserved/);
});

test('prepare rename gives the name without quotes', () => {
  const { snapshot, file, offset } = fixture('package p\n\nx := data.p["ru⌖le"]\nrule := 1\n');
  assert.deepEqual(prepareRename(snapshot, file, offset), { range: { start: 'package p\n\nx := data.p["'.length, end: 'package p\n\nx := data.p["rule'.length }, placeholder: 'rule' });
});

test('rename refuses a rule name the package already has', () => {
  checkRename('package p\n\nal⌖low if input.x\n\ndeny if input.y\n', 'deny', /already exists/);
});
test('rename refuses a local name already in scope', () => {
  checkRename('package p\n\nallow if {\n  a⌖ := 1\n  b := 2\n  a < b\n}\n', 'b', /already in scope/);
});
test('rename allows a free name', () => {
  checkRename('package p\n\nal⌖low if input.x\n', 'permit', 'package p\n\npermit if input.x\n');
});

// Rename must not change what any name means: each case below would capture a name, or be captured.
test('rename refuses a local name used by a variable of an inner scope where the local is used', () => {
  checkRename('package p\n\nallow if {\n  x⌖ := 1\n  ys := [y | some y in input.ys; y > x]\n  count(ys) > 0\n}\n', 'y', /`y` is declared in an inner scope where `x` is used \(main\.rego, line 5\)/);
  checkRename('package p\n\nallow if {\n  x := 1\n  ys := [y⌖ | some y in input.ys; y > x]\n}\n', 'x', /`x` is already in scope/);
  checkRename('package p\n\nallow if {\n  x⌖ := 1\n  ys := [y | y = input.ys[_]]\n  x > 0\n}\n', 'y', /`y` is a variable of an inner scope \(main\.rego, line 5\) bound by unification/);
});

test('rename refuses a local name that is a rule or import used where the local is visible', () => {
  checkRename('package p\n\nlimit := 10\n\nallow if {\n  x⌖ := input.n\n  x < limit\n}\n', 'limit', /`limit` is a rule of this package used where `x` is visible \(main\.rego, line 7\)/);
  checkRename('package p\n\nlimit := 10\n\nallow if {\n  x⌖ := input.n\n  ys := [v | some v in input.vs; v < limit]\n  x < count(ys)\n}\n', 'limit', /rule of this package used where `x` is visible/);
  checkRename('package p\n\nimport data.lib.users as u\n\nallow if {\n  x⌖ := input.name\n  u.admins[x]\n}\n', 'u', /`u` is an import used where `x` is visible/);
  checkRename('package p\n\nlimit := 10\n\nallow if {\n  x⌖ = input.n\n  x > 1\n}\n', 'limit', /`x` is bound by unification, so renamed to `limit` it would mean the rule `limit`/);
});

test('rename refuses a rule name that a variable uses where the rule is referenced', () => {
  checkRename('package p\n\nlim⌖it := 10\n\nallow if {\n  max := 5\n  input.n < limit\n}\n', 'max', /A variable named `max` is in scope where `limit` is used \(main\.rego, line 7\)/);
  // A variable bound by unification would become a reference to the rule even where the rule was not used.
  checkRename('package p\n\nlim⌖it := 10\n\na if input.n < limit\n\nb if {\n  m = input.m\n  m > 1\n}\n', 'm', /`m` is a variable bound by unification \(main\.rego, line 8\): it would come to mean the renamed rule/);
  checkRename(
    '-- lib.rego --\npackage lib\n\nis_ad⌖min(user) if user.admin\n-- main.rego --\npackage main\n\nimport data.lib.is_admin\n\nallow if {\n  check := input.check\n  is_admin(input.user)\n}\n',
    'check',
    /A variable named `check` is in scope where `is_admin` is used \(main\.rego, line 7\)/,
  );
});

test('rename refuses a rule name taken by a rule prefix, an import or a called built-in', () => {
  checkRename('package p\n\nroles.admin := true\n\nal⌖low if input.x\n', 'roles', /`data\.p\.roles` is already used by the rule `data\.p\.roles\.admin`/);
  checkRename('package p\n\nimport data.lib.users\n\nal⌖low if input.x\n\nok if allow\n', 'users', /`users` is already imported \(main\.rego, line 3\)/);
  checkRename('package p\n\nal⌖low if input.x\n\nok if count(input.xs) > 0\n', 'count', /`count` is a built-in function called here \(main\.rego, line 5\)/);
  checkRename('package p\n\nimport data.lib.users as u⌖\n\nallow if {\n  people := input.people\n  u.admins[people]\n}\n', 'people', /A variable named `people` is in scope where `u` is used/);
});

test('rename refuses names that are not identifiers, keywords and roots', () => {
  for (const name of ['not a name', '1st', 'a-b', '', 'x.y']) checkRename('package p\n\nallow⌖ := true\n', name, /not a valid Rego name/);
  for (const name of ['if', 'contains', 'in', 'some', 'every', 'not', 'with', 'as', 'default', 'else', 'import', 'package', 'true', 'false', 'null']) {
    checkRename('package p\n\nallow⌖ := true\n', name, /is a keyword, and keywords are reserved/);
    checkRename('package p\n\nallow if {\n  x⌖ := 1\n  x > 0\n}\n', name, /is a keyword, and keywords are reserved/);
  }
  for (const name of ['data', 'input']) checkRename('package p\n\nallow if {\n  x⌖ := 1\n  x > 0\n}\n', name, /is reserved in Rego: it is the root/);
});

test('rename allows names that are only used where they cannot clash', () => {
  // A name used only in another rule, as a local or as a reference to a rule.
  checkRename('package p\n\na if {\n  x⌖ := 1\n  x > 0\n}\n\nb if {\n  y := 2\n  y > 1\n}\n', 'y', 'package p\n\na if {\n  y := 1\n  y > 0\n}\n\nb if {\n  y := 2\n  y > 1\n}\n');
  checkRename(
    'package p\n\nlimit := 10\n\nother if input.n < limit\n\nallow if {\n  x⌖ := input.n\n  x > 1\n}\n',
    'limit',
    'package p\n\nlimit := 10\n\nother if input.n < limit\n\nallow if {\n  limit := input.n\n  limit > 1\n}\n',
  );
  // An inner scope that declares the name with `some` and does not use the renamed local merely shadows it.
  checkRename(
    'package p\n\nallow if {\n  x⌖ := 1\n  ys := [y | some y in input.ys]\n  x < count(ys)\n}\n',
    'y',
    'package p\n\nallow if {\n  y := 1\n  ys := [y | some y in input.ys]\n  y < count(ys)\n}\n',
  );
  // A rule renamed to a variable's name, where that variable's rule does not reference it.
  checkRename('package p\n\nlim⌖it := 10\n\na if input.n < limit\n\nb if {\n  max := 3\n  max > 1\n}\n', 'max', 'package p\n\nmax := 10\n\na if input.n < max\n\nb if {\n  max := 3\n  max > 1\n}\n');
});
