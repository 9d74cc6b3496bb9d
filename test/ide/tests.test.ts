// Test rules as the editor lists them: `test_*` rules of a package, `todo_test_*` marked as skipped,
// one entry per name, nothing for functions or rules below a test name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../server/src/ast/parse';
import { testsOf } from '../../server/src/ide/tests';

test('test rules, todo tests, and what is not a test', () => {
  const text = [
    'package app.authz_test',
    '',
    'test_allow if true',
    'test_allow if 1 == 1',
    'todo_test_later if false',
    'test_helper(x) := x',
    'test_nested.deep := true',
    'testing if true',
    'my_test_thing if true',
    '',
  ].join('\n');
  const tests = testsOf(parse(text).module, 'authz_test.rego');
  assert.deepEqual(
    tests.map((entry) => [entry.packageName, entry.name, entry.path.join('.'), entry.todo, text.slice(entry.range.start, entry.range.end)]),
    [
      ['app.authz_test', 'test_allow', 'data.app.authz_test.test_allow', false, 'test_allow'],
      ['app.authz_test', 'todo_test_later', 'data.app.authz_test.todo_test_later', true, 'todo_test_later'],
    ],
  );
});

test('a module without a package has no tests', () => {
  assert.deepEqual(testsOf(parse('test_x if true\n').module, 'x.rego'), []);
});
