// Test rules as the editor lists them, as the test runner finds them: a rule whose name has a part
// starting with `test_` (`todo_test_` marked as skipped), one entry per name, no defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../server/src/ast/parse';
import { testsOf } from '../../server/src/ide/tests';

test('test rules, todo tests, ref-head tests, and what is not a test', () => {
  const text = [
    'package app.authz_test',
    '',
    'test_allow if true',
    'test_allow if 1 == 1',
    'todo_test_later if false',
    'test_helper(x) := x',
    'test_nested.deep := true',
    'cases.test_ref_head := true',
    'default test_default := false',
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
      // A function named as a test is one (the runner reports it as an error). A rule below a test_ part
      // belongs to that test, which OPA names and runs up to its test_ part.
      ['app.authz_test', 'test_helper', 'data.app.authz_test.test_helper', false, 'test_helper(x) := x'],
      ['app.authz_test', 'test_nested', 'data.app.authz_test.test_nested', false, 'test_nested.deep := true'],
      ['app.authz_test', 'cases.test_ref_head', 'data.app.authz_test.cases.test_ref_head', false, 'cases.test_ref_head := true'],
    ],
  );
});

test('a module without a package has no tests', () => {
  assert.deepEqual(testsOf(parse('test_x if true\n').module, 'x.rego'), []);
});
