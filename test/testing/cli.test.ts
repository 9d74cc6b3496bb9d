// `node dist/cli.js test` as a user runs it, following `opa test`: exit codes, the summary and final
// lines, -v, --run, --format json and --coverage.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, projectRoot } from '../support/build';
import { writeTree } from '../support/files';

const cliPath = join(projectRoot, 'dist', 'cli.js');

function cli(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cliPath, 'test', ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('test command', () => {
  let root: string;
  before(async () => {
    await ensureBuilt([cliPath]);
    root = mkdtempSync(join(tmpdir(), 'rego-lens-test-'));
    writeTree(root, {
      'good/authz.rego': 'package authz\n\nallow if input.user == data.users.admin\n',
      'good/authz_test.rego': 'package authz_test\n\ntest_admin if data.authz.allow with input.user as "alice"\n\ntest_other if not data.authz.allow with input.user as "bob"\n',
      'good/users/data.json': '{"admin": "alice"}',
      'bad/t.rego': 'package t\n\ntest_pass if true\n\ntest_fail if {\n\tprint("looking")\n\t1 == 2\n}\n\ntodo_test_later if false\n',
      'broken/t.rego': 'package t\n\ntest_x if undefined_function(1)\n',
      'builtin/t.rego': 'package t\n\ntest_number if to_number("abc") == 1\n',
      'threshold/test.rego': 'package test\n\np := 1 if {\n\t1 == 1\n}\nq := 2\nr := 3\ntest_q if { q == 2 }\n',
      'ignored/t_test.rego': 'package t\n\ntest_pass if true\n',
      'ignored/vendor/other_test.rego': 'package other\n\ntest_broken if false\n',
      'bundle/.manifest': '{"rego_version": 0, "file_rego_versions": {"*/v1.rego": 1}}',
      'bundle/old.rego': 'package old\n\nallow { input.x == 1 }\n',
      'bundle/v1.rego': 'package v1_test\n\ntest_old if data.old.allow with input.x as 1\n',
    });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('exits 0 when every test passes and prints the summary and final lines', () => {
    const result = cli(['good'], root);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'PASS: 2/2\n2 passed, 0 failed\n');
  });

  it('exits 2 when a test fails, listing the failure with its expression', () => {
    const result = cli(['bad'], root);
    assert.equal(result.status, 2);
    assert.match(result.stdout, /^bad\/t\.rego:\ndata\.t\.test_fail: FAIL \(.+\)\n {2}bad\/t\.rego:7: 1 == 2\n\n {2}looking\n/);
    assert.match(result.stdout, /PASS: 1\/3\nFAIL: 1\/3\nSKIPPED: 1\/3\n1 passed, 1 failed, 1 skipped\n$/);
    assert.doesNotMatch(result.stdout, /test_pass/);
  });

  it('-v lists every test with its outcome and duration', () => {
    const result = cli(['-v', 'bad'], root);
    assert.match(result.stdout, /^FAILURES\n-{80}\n/);
    assert.match(result.stdout, /data\.t\.test_pass: PASS \(\d+(\.\d+)?(ns|µs|ms|s)\)\n/);
    assert.match(result.stdout, /data\.t\.todo_test_later: SKIPPED\n/);
  });

  it('--run selects tests and -z makes skipped tests exit 0', () => {
    assert.equal(cli(['--run', 'test_pass', 'bad'], root).status, 0);
    const skipped = cli(['--run', 'later', 'bad'], root);
    assert.equal(skipped.status, 2);
    assert.equal(cli(['-z', '--run', 'later', 'bad'], root).status, 0);
  });

  it('--strict-builtin-errors makes a built-in error an ERROR instead of a failure', () => {
    assert.match(cli(['builtin'], root).stdout, /FAIL: 1\/1/);
    const strict = cli(['--strict-builtin-errors', 'builtin'], root);
    assert.equal(strict.status, 2);
    assert.match(strict.stdout, /ERROR: 1\/1/);
  });

  it('--format json prints the results as opa does', () => {
    const result = cli(['--format', 'json', 'bad'], root);
    assert.equal(result.status, 2);
    const results = JSON.parse(result.stdout) as Record<string, unknown>[];
    assert.deepEqual(results.map((entry) => [entry.name, entry.fail ?? false, entry.skip ?? false]), [['test_pass', false, false], ['test_fail', true, false], ['todo_test_later', false, true]]);
    assert.deepEqual(results[1].location, { file: 'bad/t.rego', row: 5, col: 1 });
    assert.equal(Buffer.from(String(results[1].output), 'base64').toString(), 'looking\n');
    assert.equal(typeof results[0].duration, 'number');
  });

  it('--coverage prints the coverage report', () => {
    const result = cli(['--coverage', 'good'], root);
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.deepEqual(report.files['good/authz.rego'], { covered: [{ start: { row: 3 }, end: { row: 3 } }], covered_lines: 1, coverage: 100 });
    assert.equal(report.coverage, 100);
  });

  it('--threshold turns coverage on and exits 2 below it, listing uncovered lines with -v (as opa test)', () => {
    const met = cli(['--threshold', '30', 'threshold'], root);
    assert.equal(met.status, 0, met.stderr);
    assert.equal(JSON.parse(met.stdout).coverage, 40);
    const unmet = cli(['--threshold', '100', 'threshold'], root);
    assert.equal(unmet.status, 2);
    assert.equal(unmet.stderr, 'Code coverage threshold not met: got 40.00 instead of 100.00\n');
    assert.equal(unmet.stdout, '');
    const verbose = cli(['-v', '--threshold', '100', 'threshold'], root);
    assert.equal(verbose.stderr, 'Code coverage threshold not met: got 40.00 instead of 100.00\nLines not covered:\n\tthreshold/test.rego:3-4\n\tthreshold/test.rego:7\n');
    const invalid = cli(['--threshold', '101', 'threshold'], root);
    assert.equal(invalid.status, 1);
    assert.match(invalid.stderr, /must be between 0 and 100/);
  });

  it('--ignore leaves out files and folders whose names match', () => {
    assert.equal(cli(['ignored'], root).status, 2);
    const run = cli(['--ignore', 'vendor', 'ignored'], root);
    assert.equal(run.status, 0, run.stdout);
    assert.match(run.stdout, /1 passed, 0 failed/);
  });

  it('-b reads the Rego version of a bundle and of its files from .manifest', () => {
    const run = cli(['-b', 'bundle'], root);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /PASS: 1\/1/);
  });

  it('exits 1 on compile errors, reported on stderr', () => {
    const result = cli(['broken'], root);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /broken\/t\.rego:3: rego_type_error: /);
  });
});
