// `node dist/cli.js fmt` as a user runs it, following `opa fmt`: formatted text on stdout, --list, --diff,
// --write, --fail, v0 text with --v0-compatible, stdin, and exit code 2 for files that do not parse.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, projectRoot } from '../support/build';
import { writeTree } from '../support/files';

const cliPath = join(projectRoot, 'dist', 'cli.js');

function cli(args: string[], cwd: string, input?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8', timeout: 60_000, input });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const MESSY = 'package messy\nallow   if {\n    input.x==1\n}\n';
const MESSY_FORMATTED = 'package messy\n\nallow if {\n\tinput.x == 1\n}\n';
const TIDY = 'package tidy\n\nallow if input.ok\n';
const LEGACY = 'package legacy\nallow { input.x }\n';

describe('fmt', () => {
  const roots: string[] = [];
  before(async () => {
    await ensureBuilt([cliPath]);
  });

  const fresh = (): string => {
    const root = mkdtempSync(join(tmpdir(), 'rego-lens-fmt-'));
    roots.push(root);
    writeTree(root, {
      'policies/messy.rego': MESSY,
      'policies/tidy.rego': TIDY,
      'policies/notes.txt': 'not rego',
      'legacy/legacy.rego': LEGACY,
      'broken.rego': 'package broken\n\nallow if {\n',
    });
    return root;
  };
  after(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  it('prints the formatted text of every .rego file in a folder', () => {
    const dir = fresh();
    const run = cli(['fmt', 'policies'], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, MESSY_FORMATTED + TIDY);
    assert.equal(readFileSync(join(dir, 'policies/messy.rego'), 'utf8'), MESSY, 'the file is left alone');
  });

  it('lists the files that formatting would change', () => {
    const dir = fresh();
    const run = cli(['fmt', '--list', 'policies'], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, `${join('policies', 'messy.rego')}\n`);
    assert.equal(cli(['fmt', '-l', 'policies/tidy.rego'], dir).stdout, '');
  });

  it('prints a unified diff', () => {
    const dir = fresh();
    const run = cli(['fmt', '--diff', 'policies/messy.rego'], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(
      run.stdout,
      [
        '--- policies/messy.rego',
        '+++ policies/messy.rego',
        '@@ -1,4 +1,5 @@',
        ' package messy',
        '-allow   if {',
        '-    input.x==1',
        '+',
        '+allow if {',
        '+\tinput.x == 1',
        ' }',
        '',
      ].join('\n'),
    );
    assert.equal(cli(['fmt', '-d', 'policies/tidy.rego'], dir).stdout, '');
  });

  it('rewrites files in place with --write', () => {
    const dir = fresh();
    const run = cli(['fmt', '--write', 'policies'], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, '');
    assert.equal(readFileSync(join(dir, 'policies/messy.rego'), 'utf8'), MESSY_FORMATTED);
    assert.equal(readFileSync(join(dir, 'policies/tidy.rego'), 'utf8'), TIDY);
    assert.equal(readFileSync(join(dir, 'policies/notes.txt'), 'utf8'), 'not rego');
    assert.equal(cli(['fmt', '--list', '--fail', 'policies'], dir).status, 0, 'nothing is left to format');
  });

  it('exits with 2 under --fail when a file needs formatting', () => {
    const dir = fresh();
    const listed = cli(['fmt', '--list', '--fail', 'policies'], dir);
    assert.equal(listed.status, 2);
    assert.equal(listed.stdout, `${join('policies', 'messy.rego')}\n`);
    const plain = cli(['fmt', '--fail', 'policies/messy.rego'], dir);
    assert.equal(plain.status, 2);
    assert.equal(plain.stdout, '');
    assert.match(plain.stderr, /unexpected diff/);
    assert.equal(cli(['fmt', '--fail', 'policies/tidy.rego'], dir).status, 0);
  });

  it('formats v0 text as v0 with --v0-compatible, and reports it as an error without', () => {
    const dir = fresh();
    const v0 = cli(['fmt', '--v0-compatible', 'legacy'], dir);
    assert.equal(v0.status, 0, v0.stderr);
    assert.equal(v0.stdout, 'package legacy\n\nallow {\n\tinput.x\n}\n');
    const v1 = cli(['fmt', 'legacy'], dir);
    assert.equal(v1.status, 2);
    assert.match(v1.stderr, /legacy\.rego:2:\d+: rego_parse_error/);
  });

  it('exits with 2 and says where when a file does not parse, and still formats the others', () => {
    const dir = fresh();
    const run = cli(['fmt', 'broken.rego', 'policies/tidy.rego'], dir);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^failed to format Rego source file: broken\.rego:3:\d+: rego_parse_error: /m);
    assert.equal(run.stdout, TIDY);
  });

  it('formats stdin when no path is given', () => {
    const dir = fresh();
    const run = cli(['fmt'], dir, MESSY);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, MESSY_FORMATTED);
  });

  it('exits with 2 on usage errors and missing paths', () => {
    const dir = fresh();
    const flag = cli(['fmt', '--frobnicate', 'policies'], dir);
    assert.equal(flag.status, 2);
    assert.match(flag.stderr, /unknown flag: --frobnicate/);
    const missing = cli(['fmt', 'nowhere'], dir);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nowhere: no such file or directory/);
  });
});
