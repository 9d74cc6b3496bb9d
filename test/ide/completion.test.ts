// Completion in each context: statements at the margin, names in scope in bodies (locals, rules,
// imports, built-ins with placeholders, keywords), members after a dot (data paths, input keys,
// built-in namespaces, keys of locals and rules with a known shape), and paths after `import` and `package`. A marked range is the text replaced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completions, type CompletionItem } from '../../server/src/ide/completion';
import { fromJS, type Value } from '../../server/src/value/value';
import { snapshotOf } from '../../server/src/ide/snapshot';
import { fixture } from './fixture';

/**
 * Completes at the cursor. Each expected label must be offered with the given fields, or (false) not be
 * offered; with `exact`, nothing else may be offered. Every item must replace the marked range, if any.
 */
function check(source: string, expected: Record<string, Partial<CompletionItem> | false>, options: { input?: Value; data?: Value; exact?: boolean } = {}): CompletionItem[] {
  const { snapshot, file, offset, ranges } = fixture(source, { input: options.input, data: options.data });
  const items = completions(snapshot, file, offset);
  const byLabel = new Map(items.map((item) => [item.label, item]));
  for (const [label, fields] of Object.entries(expected)) {
    const item = byLabel.get(label);
    if (fields === false) {
      assert.equal(item, undefined, `${label} should not be offered`);
      continue;
    }
    assert.ok(item, `${label} missing from ${items.map((candidate) => candidate.label).join(', ')}`);
    for (const [field, value] of Object.entries(fields)) assert.deepEqual(item[field as keyof CompletionItem], value, `${label}.${field}`);
  }
  if (options.exact) assert.deepEqual(items.map((item) => item.label).sort(), Object.keys(expected).filter((label) => expected[label] !== false).sort());
  if (ranges.length > 0) for (const item of items) assert.deepEqual(item.range, { start: ranges[0].start, end: ranges[0].end }, `${item.label} range`);
  return items;
}

test('at the left margin: statements, rule skeletons and existing rule names', () => {
  check('package p\n\nallow if input.x\n\n⟦al⌖⟧\n', {
    'rule if': { kind: 'snippet', insertText: '${1:allow} if {\n\t$0\n}', snippet: true },
    function: { kind: 'snippet', insertText: '${1:name}(${2:x}) := ${3:result} if {\n\t$0\n}' },
    default: { kind: 'snippet', insertText: 'default ${1:allow} := ${2:false}' },
    contains: { kind: 'snippet' },
    import: { kind: 'snippet' },
    allow: { kind: 'rule', detail: 'data.p.allow' },
    package: false,
    count: false,
  });
  check('⌖\n', { package: { kind: 'snippet', insertText: 'package ${1:name}' } });
});

test('in a body: locals, rules, imports, roots, keywords and built-ins', () => {
  const items = check(
    `package p

import data.lib.users as people

limit := 10
double(x) := x * 2

allow if {
  n := input.n
  some i in input.xs
  ⟦c⌖⟧
}
`,
    {
      n: { kind: 'variable', detail: 'local, :=' },
      i: { kind: 'variable', detail: 'local, some' },
      limit: { kind: 'rule', detail: 'data.p.limit' },
      double: { kind: 'function', insertText: 'double(${1:x})', snippet: true, detail: 'double(x) (data.p.double)' },
      allow: { kind: 'rule' },
      people: { kind: 'package', detail: 'import data.lib.users' },
      data: { kind: 'variable' },
      input: { kind: 'variable' },
      some: { kind: 'keyword' },
      not: { kind: 'keyword' },
      'some … in': { kind: 'snippet', insertText: 'some ${1:x} in ${2:collection}' },
      every: { kind: 'keyword' },
      count: { kind: 'builtin', insertText: 'count(${1:collection})', snippet: true, detail: 'count(collection: any<string, array[any], object[any: any], set[any]>) -> number' },
      'strings.replace_n': { kind: 'builtin', insertText: 'strings.replace_n(${1:patterns}, ${2:value})' },
      c: false,
      plus: false,
      'internal.member_2': false,
    },
  );
  const order = (label: string) => items.findIndex((item) => item.label === label);
  const sorted = [...items].sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? ''));
  assert.ok(sorted.indexOf(items[order('n')]) < sorted.indexOf(items[order('limit')]));
  assert.ok(sorted.indexOf(items[order('limit')]) < sorted.indexOf(items[order('count')]));
});

test('deprecated built-ins are marked and listed last', () => {
  const items = check('package p\n\nx if ⌖\n', { any: { deprecated: true }, count: { deprecated: undefined } });
  const any = items.find((item) => item.label === 'any')!;
  assert.ok(items.every((item) => item.deprecated || (item.sortText ?? '') < any.sortText!));
});

test('locals follow scoping: declared before the cursor, in enclosing scopes only', () => {
  check('package p\n\na if {\n  x := 1\n  ys := [y | some y in input.ys; ⌖]\n  later := 2\n}\n\nb if {\n  z := 3\n}\n', {
    x: { kind: 'variable' },
    y: { kind: 'variable' },
    ys: false,
    later: false,
    z: false,
  });
  check('package p\n\nf(a, b) := c if {\n  every v in input.vs {\n    ⌖\n  }\n}\n', { a: { detail: 'argument' }, b: {}, v: { detail: 'local, every' } });
});

test('a variable is not offered inside its own declaration', () => {
  check('package p\n\nallow if {\n  y := ⌖\n}\n', { y: false });
  check('package p\n\nallow if {\n  some y in ⌖\n}\n', { y: false });
});

test('locals of an unfinished rule are still offered', () => {
  check('package p\n\nallow if {\n  total := 1\n  ⌖\n', { total: { kind: 'variable' } });
});

test('after data. come packages, and after a package its rules', () => {
  const files = `-- lib.rego --
package lib.users

admins := {"alice"}
is_admin(user) if user in admins
-- other.rego --
package lib.groups

g := 1
`;
  check(`${files}-- main.rego --\npackage main\n\nallow if data.lib.⟦⌖⟧\n`, { users: { kind: 'package', detail: 'data.lib.users' }, groups: { kind: 'package' } }, { exact: true });
  check(`${files}-- main.rego --\npackage main\n\nallow if data.lib.users.⟦i⌖⟧\n`, { admins: { kind: 'rule', detail: 'data.lib.users.admins' }, is_admin: { kind: 'function', insertText: 'is_admin(${1:user})' } }, { exact: true });
});

test('after an import alias come the members of what it imports', () => {
  check('-- lib.rego --\npackage lib.users\n\nadmins := {"alice"}\n-- main.rego --\npackage main\n\nimport data.lib.users as u\n\nallow if u.⟦⌖⟧\n', { admins: { kind: 'rule' } }, { exact: true });
});

test('after a ref-head prefix come the next segments', () => {
  check('package p\n\nroles.admin.write := true\nroles.admin.read := true\nroles.dev.read := true\n\nok if roles.⌖\n', { admin: { kind: 'rule', detail: 'data.p.roles.admin' }, dev: {} }, { exact: true });
  check('package p\n\nroles.admin.write := true\nroles.admin.read := true\n\nok if roles.admin.⌖\n', { write: { kind: 'rule' }, read: {} }, { exact: true });
});

test('after input. come the keys of the active input', () => {
  const input = fromJS({ user: { name: 'alice', roles: ['admin'] }, action: 'read', 'not-a-name': 1 });
  check('package p\n\nallow if input.⟦⌖⟧\n', { user: { kind: 'field', detail: 'object' }, action: { kind: 'field', detail: 'string' } }, { input, exact: true });
  check('package p\n\nallow if input.user.⟦ro⌖⟧\n', { name: { detail: 'string' }, roles: { detail: 'array' } }, { input, exact: true });
  check('package p\n\nimport input.user as u\n\nallow if u.⌖\n', { name: {}, roles: {} }, { input, exact: true });
  check('package p\n\nallow if input.⌖\n', {}, { exact: true });
});

test('after a built-in namespace come its members', () => {
  check('package p\n\nx := strings.⟦rep⌖⟧\n', {
    replace_n: { kind: 'builtin', insertText: 'replace_n(${1:patterns}, ${2:value})', detail: 'strings.replace_n(patterns: object[string: string], value: string) -> string' },
    sprintf: false,
  });
  check('package p\n\nx := crypto.⌖\n', { x509: { kind: 'package' }, md5: { kind: 'builtin' } });
});

test('a local before the dot gives no guesses', () => {
  check('package p\n\nallow if {\n  u := input.user\n  u.⌖\n}\n', {}, { exact: true });
});

test('after import: roots, packages and future keywords', () => {
  check('package p\n\nimport ⌖\n', { data: {}, input: {}, rego: {}, future: {} }, { exact: true });
  check('-- lib.rego --\npackage lib.users\n\nadmins := 1\nf(x) := x\n-- main.rego --\npackage p\n\nimport data.lib.users.⌖\n', { admins: {}, f: { kind: 'function', insertText: undefined } }, { exact: true });
  check('package p\n\nimport future.keywords.⌖\n', { in: {}, every: {}, if: {}, contains: {}, and: {}, or: {}, not: {} }, { exact: true });
  check('package p\n\nimport rego.⌖\n', { v1: {} }, { exact: true });
});

test('after package: the packages of other files', () => {
  check('-- a.rego --\npackage lib.users\n-- b.rego --\npackage lib.users\n-- c.rego --\npackage ⟦lib.u⌖⟧\n', { 'lib.users': { kind: 'package' } }, { exact: true });
});

test('nothing in comments and strings, but names inside template expressions', () => {
  check('package p\n\n# all⌖\nallow := 1\n', {}, { exact: true });
  check('package p\n\nallow := "co⌖"\n', {}, { exact: true });
  check('package p\n\nallow := `multi\nline co⌖`\n', {}, { exact: true });
  check('package p\n\nallow := "a" # "co⌖\n', {}, { exact: true });
  check('package p\n\nmsg := $"count is {co⌖}"\n', { count: { kind: 'builtin' } });
  check('package p\n\nmsg := $"count is {x} and co⌖"\n', {}, { exact: true });
});

test('data. offers the keys of the data files beside packages and rules', () => {
  const text = 'package app\n\nlimit := data.config.\n';
  const snapshot = snapshotOf([{ file: 'app.rego', text }], { data: fromJS({ config: { max_lines: 100, teams: { a: [] } } }) });
  const items = completions(snapshot, 'app.rego', text.indexOf('.\n') + 1);
  const keys = items.filter((item) => item.kind === 'field').map((item) => [item.label, item.detail]);
  assert.deepEqual(keys.sort(), [['max_lines', 'number'], ['teams', 'object']]);
  const root = completions(snapshot, 'app.rego', text.indexOf('config'));
  assert.ok(root.some((item) => item.label === 'config'), 'data. offers config');
});

const USERS = fromJS({ user: { name: 'alice', roles: ['admin'], 'not-a-name': 1 }, users: [{ name: 'bob', email: 'bob@example.com' }] });

test('after a local bound to an input path come the keys there', () => {
  check('package p\n\nallow if {\n  x := input.user\n  x.⟦⌖⟧\n}\n', { name: { kind: 'field', detail: 'string' }, roles: { kind: 'field', detail: 'array' } }, { input: USERS, exact: true });
  check('package p\n\nallow if {\n  x := input\n  x.user.⟦r⌖⟧\n}\n', { name: {}, roles: {} }, { input: USERS, exact: true });
  check('package p\n\nallow if {\n  y := input.user\n  x := y\n  x.⌖\n}\n', { name: {}, roles: {} }, { input: USERS, exact: true });
  check('package p\n\nimport input.user as u\n\nallow if {\n  x := u\n  x.⌖\n}\n', { name: {}, roles: {} }, { input: USERS, exact: true });
});

test('after a local bound to an element of an input list come the keys of its elements', () => {
  check('package p\n\nallow if {\n  some x in input.users\n  x.⌖\n}\n', { name: { detail: 'string' }, email: { detail: 'string' } }, { input: USERS, exact: true });
  check('package p\n\nallow if {\n  some i, x in input.users\n  x.⌖\n}\n', { name: {}, email: {} }, { input: USERS, exact: true });
  check('package p\n\nallow if {\n  x := input.users[_]\n  x.⌖\n}\n', { name: {}, email: {} }, { input: USERS, exact: true });
  check('package p\n\nallow if {\n  every x in input.users {\n    x.⌖\n  }\n}\n', { name: {}, email: {} }, { input: USERS, exact: true });
  check('package p\n\nnames := [n | some x in input.users; n := x.⌖]\n', { name: {}, email: {} }, { input: USERS, exact: true });
});

test('after a local bound to a data path come the keys of the data files', () => {
  const data = fromJS({ config: { max_lines: 100, teams: { a: [] } } });
  check('package p\n\nallow if {\n  c := data.config\n  c.⌖\n}\n', { max_lines: { kind: 'field', detail: 'number' }, teams: { detail: 'object' } }, { data, exact: true });
  check('package p\n\nallow if {\n  c := data.config\n  c.teams.⌖\n}\n', { a: { detail: 'array' } }, { data, exact: true });
});

test('after a rule whose value is an object literal, or a local bound to it, come its keys', () => {
  const limits = 'package p\n\nlimits := {"max": 1, "min": 0, "not a name": 2, "nested": {"depth": 3}}\n\n';
  const keys = { max: { kind: 'field', detail: 'number', documentation: '```rego\n"max": 1\n```' }, min: {}, nested: { detail: 'object' } } as const;
  check(`${limits}allow if limits.⟦⌖⟧\n`, keys, { exact: true });
  check(`${limits}allow if {\n  l := limits\n  l.⌖\n}\n`, keys, { exact: true });
  check(`${limits}allow if {\n  l := limits.nested\n  l.⌖\n}\n`, { depth: {} }, { exact: true });
  check(`${limits}allow if data.p.limits.nested.⌖\n`, { depth: {} }, { exact: true });
  check('-- lib.rego --\npackage lib\n\nlimits := {"max": 1}\n-- main.rego --\npackage main\n\nimport data.lib\n\nallow if {\n  l := lib.limits\n  l.⌖\n}\n', { max: {} }, { exact: true });
});

test('after a local bound to an object literal come its keys', () => {
  check('package p\n\nallow if {\n  x := {"a": 1, "b": "two", "c": {"d": true}}\n  x.⟦⌖⟧\n}\n', { a: { detail: 'number' }, b: { detail: 'string' }, c: { detail: 'object' } }, { exact: true });
  check('package p\n\nallow if {\n  x := {"a": 1, "b": "two", "c": {"d": true}}\n  x.c.⌖\n}\n', { d: { detail: 'boolean' } }, { exact: true });
  check('package p\n\nallow if {\n  x = {"a": 1}\n  x.⌖\n}\n', { a: {} }, { exact: true });
});

test('a local of unknown shape offers nothing', () => {
  check('package p\n\nf(x) := y if {\n  y := x.⌖\n}\n', {}, { input: USERS, exact: true });
  check('package p\n\nallow if {\n  x := count(input.users)\n  x.⌖\n}\n', {}, { input: USERS, exact: true });
  check('package p\n\nallow if {\n  [a, b] := [input.user, 1]\n  a.⌖\n}\n', {}, { input: USERS, exact: true });
  check('package p\n\nallow if {\n  some k, v in input.user\n  k.⌖\n}\n', {}, { input: USERS, exact: true });
  check('package p\n\nallow if {\n  x := {"a": 1}\n  x.b.⌖\n}\n', {}, { exact: true });
  // Rules defined by each other lead nowhere, and must not loop.
  check('package p\n\na := b\nb := a\n\nallow if {\n  x := a\n  x.⌖\n}\n', {}, { exact: true });
});
