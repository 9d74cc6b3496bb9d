// The test runner (server/src/testing/runner.ts) on small workspaces: each case lists modules, data,
// options and the outcomes expected per test (`package.name` -> outcome), plus failure details.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runTestsOn, type RunOptions, type TestResult } from '../../server/src/testing/runner';
import { load } from '../../server/src/load-paths';
import { fromJS, ObjectValue } from '../../server/src/value/value';

interface Case {
  note: string;
  modules: Record<string, string>;
  data?: unknown;
  options?: RunOptions;
  want: Record<string, TestResult['outcome']>;
  /** Details checked on one test. */
  check?: { test: string; failedAt?: { text: string; row: number }; printed?: string[]; errorCode?: string };
}

const POLICY = `package authz

allow if {
	input.user == "alice"
	input.method == "GET"
}

double(x) := x * 2

total := sum(data.amounts)
`;

const cases: Case[] = [
  {
    note: 'passing and failing tests, with the failing expression and its row',
    modules: {
      'authz.rego': POLICY,
      'authz_test.rego': `package authz_test

import data.authz

test_allowed if authz.allow with input as {"user": "alice", "method": "GET"}

test_wrong_method if {
	authz.allow with input as {"user": "alice", "method": "POST"}
}
`,
    },
    want: { 'data.authz_test.test_allowed': 'PASS', 'data.authz_test.test_wrong_method': 'FAIL' },
    check: { test: 'data.authz_test.test_wrong_method', failedAt: { text: 'authz.allow with input as {"user": "alice", "method": "POST"}', row: 8 } },
  },
  {
    note: 'a value other than true fails, as in OPA',
    modules: { 't.rego': 'package t\n\ntest_number := 1\n\ntest_false := false\n\ntest_true := true\n' },
    want: { 'data.t.test_number': 'FAIL', 'data.t.test_false': 'FAIL', 'data.t.test_true': 'PASS' },
  },
  {
    note: 'a conflict and a built-in error with strict built-in errors are ERROR results',
    modules: { 't.rego': 'package t\n\nx := 1 if true\nx := 2 if true\n\ntest_conflict if x == 1\n\ntest_builtin if to_number("abc") == 1\n' },
    options: { strictBuiltinErrors: true },
    want: { 'data.t.test_conflict': 'ERROR', 'data.t.test_builtin': 'ERROR' },
    check: { test: 'data.t.test_conflict', errorCode: 'eval_conflict_error' },
  },
  {
    note: 'a test that runs past its time budget is an ERROR',
    modules: { 't.rego': 'package t\n\ntest_slow if {\n\tcount([x | some x in numbers.range(1, 3000000)]) == 0\n}\n' },
    options: { timeoutMs: 20 },
    want: { 'data.t.test_slow': 'ERROR' },
    check: { test: 'data.t.test_slow', errorCode: 'eval_cancel_error' },
  },
  {
    note: 'todo_test_ rules are skipped',
    modules: { 't.rego': 'package t\n\ntodo_test_later if false\n\ntest_now if true\n' },
    want: { 'data.t.todo_test_later': 'SKIPPED', 'data.t.test_now': 'PASS' },
  },
  {
    note: 'with replaces input, data, functions and built-ins',
    modules: {
      'authz.rego': POLICY,
      'mocks_test.rego': `package mocks_test

import data.authz

test_input if authz.allow with input.user as "alice" with input.method as "GET"

test_data if authz.total == 6 with data.amounts as [1, 2, 3]

test_function if authz.double(2) == 7 with authz.double as 7

test_builtin if authz.total == 42 with data.amounts as [1] with sum as 42
`,
    },
    want: { 'data.mocks_test.test_input': 'PASS', 'data.mocks_test.test_data': 'PASS', 'data.mocks_test.test_function': 'PASS', 'data.mocks_test.test_builtin': 'PASS' },
  },
  {
    note: 'print output is kept per test',
    modules: { 't.rego': 'package t\n\ntest_prints if {\n\tprint("value is", 3)\n\tfalse\n}\n' },
    want: { 'data.t.test_prints': 'FAIL' },
    check: { test: 'data.t.test_prints', printed: ['value is 3'] },
  },
  {
    note: '--run filters by a regular expression over package.name',
    modules: { 'a.rego': 'package a\n\ntest_one if true\n\ntest_two if true\n', 'b.rego': 'package b\n\ntest_one if true\n' },
    options: { run: '^data\\.a\\..*one$' },
    want: { 'data.a.test_one': 'PASS' },
  },
  {
    note: 'tests in several packages, ref heads and duplicate names (OPA numbers later definitions)',
    modules: {
      'a.rego': 'package a\n\ntest_x if true\n\ntest_x if false\n',
      'b.rego': 'package b.c\n\ngroup.test_nested if true\n',
    },
    want: { 'data.a.test_x': 'PASS', 'data.a.test_x#01': 'FAIL', 'data.b.c.group.test_nested': 'PASS' },
  },
  {
    note: 'partial object tests: a case whose body fails after its key is bound fails the test, as OPA counts entered cases',
    modules: {
      't.rego': [
        'package t',
        '',
        'test_concat[tc.note] if {',
        '\tsome tc in [{"note": "one", "a": [1], "exp": [1]}, {"note": "wrong", "a": [1], "exp": [9]}]',
        '\tact := array.concat(tc.a, [])',
        '\tact == tc.exp',
        '}',
        '',
        'test_all_hold[tc.note] if {',
        '\tsome tc in [{"note": "a"}, {"note": "b"}]',
        '\ttc.note != ""',
        '}',
        '',
        'test_no_cases[x] if {',
        '\tsome x in []',
        '}',
        '',
        'test_values[k] := v if {',
        '\tsome k, v in {"a": true, "b": false}',
        '}',
        '',
        'test_constant_key["only"] if false',
        '',
        'test_group.cases[tc] if {',
        '\tsome tc in ["x", "y"]',
        '\ttc == "x"',
        '}',
        '',
      ].join('\n'),
    },
    want: { 'data.t.test_concat': 'FAIL', 'data.t.test_all_hold': 'PASS', 'data.t.test_no_cases': 'PASS', 'data.t.test_values': 'FAIL', 'data.t.test_constant_key': 'FAIL', 'data.t.test_group': 'FAIL' },
  },
  {
    note: 'base data is visible to tests',
    modules: { 't.rego': 'package t\n\ntest_limit if data.config.limit == 10\n' },
    data: { config: { limit: 10 } },
    want: { 'data.t.test_limit': 'PASS' },
  },
];

describe('test runner: failures in words', () => {
  it('says why the failing expression failed, with the values involved', () => {
    const report = runTestsOn([{ file: 't.rego', text: 'package t\n\nlimit := 3\n\ntest_limit if {\n\tx := 2\n\tlimit == x\n}\n' }], new ObjectValue());
    assert.equal(report.results[0].outcome, 'FAIL');
    assert.equal(report.results[0].failedAt?.message, '`limit == x` was false: `limit` is `3`, `x` is `2`');
  });
});

describe('test runner', () => {
  for (const entry of cases) {
    it(entry.note, () => {
      const modules = Object.entries(entry.modules).map(([file, text]) => ({ file, text }));
      const report = runTestsOn(modules, entry.data === undefined ? new ObjectValue() : fromJS(entry.data), entry.options);
      assert.deepEqual(report.errors, []);
      const outcomes = Object.fromEntries(report.results.map((result) => [`${result.package}.${result.name}`, result.outcome]));
      assert.deepEqual(outcomes, entry.want);
      if (entry.check) {
        const result = report.results.find((candidate) => `${candidate.package}.${candidate.name}` === entry.check!.test)!;
        if (entry.check.failedAt) assert.deepEqual({ text: result.failedAt?.text, row: result.failedAt?.row }, entry.check.failedAt);
        if (entry.check.printed) assert.deepEqual(result.printed, entry.check.printed);
        if (entry.check.errorCode) assert.equal(result.error?.code, entry.check.errorCode);
      }
    });
  }

  it('reports rows and files of tests', () => {
    const report = runTestsOn([{ file: 'x.rego', text: 'package x\n\n\ntest_here if true\n' }], new ObjectValue());
    assert.deepEqual({ file: report.results[0].file, row: report.results[0].row }, { file: 'x.rego', row: 4 });
  });

  it('reports compile errors instead of running', () => {
    const report = runTestsOn([{ file: 'x.rego', text: 'package x\n\ntest_bad if undefined_function(1)\n' }], new ObjectValue());
    assert.equal(report.results.length, 0);
    assert.ok(report.errors.length > 0);
  });

  it('loads data files next to the policies, as opa test does', () => {
    const root = mkdtempSync(join(tmpdir(), 'rego-lens-runner-'));
    try {
      const files: Record<string, string> = {
        'policy.rego': 'package p\n\nadmin := data.users.admin\n',
        'policy_test.rego': 'package p_test\n\ntest_admin if data.p.admin == "alice"\n',
        'users/data.json': '{"admin": "alice"}',
      };
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
      }
      const loaded = load([root], [], 'v1');
      assert.deepEqual(loaded.errors, []);
      const report = runTestsOn(loaded.modules, loaded.data);
      assert.deepEqual(report.results.map((result) => result.outcome), ['PASS']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('measures coverage per line', () => {
    const policy = 'package p\n\nallow if {\n\tinput.x == 1\n\tinput.y == 2\n}\n\nunused if {\n\tinput.z\n}\n';
    const tests = 'package p_test\n\ntest_allow if data.p.allow with input as {"x": 1, "y": 2}\n';
    const report = runTestsOn([{ file: 'p.rego', text: policy }, { file: 'p_test.rego', text: tests }], new ObjectValue(), { coverage: true });
    assert.deepEqual(report.coverage?.files['p.rego'], {
      covered: [{ start: { row: 3 }, end: { row: 5 } }],
      not_covered: [{ start: { row: 8 }, end: { row: 9 } }],
      covered_lines: 3,
      not_covered_lines: 2,
      coverage: 60,
    });
    assert.deepEqual(report.coverage?.files['p_test.rego'], { covered: [{ start: { row: 3 }, end: { row: 3 } }], covered_lines: 1, coverage: 100 });
    assert.equal(report.coverage?.coverage, 66.65);
  });
});
