// The command-line tool as a user runs it: `node dist/cli.js` on real files and folders in a
// temporary directory. The bundle is rebuilt first when it is missing or older than the sources.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ensureBuilt, projectRoot } from '../support/build';
import { writeTree } from '../support/files';
const cliPath = join(projectRoot, 'dist', 'cli.js');

// Building: shared by the suites that run the bundles, which may run in parallel. A lock folder
// keeps two test files from writing the bundles at once (or running one while it is written).


// Running the tool.

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], cwd: string): Run {
  const result = spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8', timeout: 60_000, maxBuffer: 512 * 1024 * 1024 });
  assert.equal(result.error, undefined, `the tool could not be run: ${result.error?.message}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const STACK_FRAME = '    at ';

function assertNoStackTrace(run: Run): void {
  assert.ok(!run.stderr.includes(STACK_FRAME), `stderr shows a stack trace:\n${run.stderr}`);
  assert.ok(!run.stdout.includes(STACK_FRAME), `stdout shows a stack trace:\n${run.stdout}`);
}

const describeRun = (run: Run): string => `exit ${run.status}\n--- stdout\n${run.stdout}--- stderr\n${run.stderr}`;

/** Writes files (relative path → content) under `root`, creating folders. */
/** `⟦` marks where an error must be reported; it is removed from the text. Returns text and 1-based line:col of each marker. */
function marked(source: string): { text: string; marks: { line: number; col: number }[] } {
  let text = '';
  const marks: { line: number; col: number }[] = [];
  for (const character of source) {
    if (character === '⟦') {
      const before = text;
      marks.push({ line: before.split('\n').length, col: before.length - (before.lastIndexOf('\n') + 1) + 1 });
    } else {
      text += character;
    }
  }
  return { text, marks };
}

const PRETTY_LINE = /^(.+):(\d+):(\d+): (rego_parse_error): (.+)$/;

describe('rego-lens CLI (node dist/cli.js)', () => {
  let work: string;

  before(async () => {
    await ensureBuilt([cliPath]);
    work = mkdtempSync(join(tmpdir(), 'rego-lens-cli-'));
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('check on a clean folder: exit 0 and no output', () => {
    const root = join(work, 'clean');
    writeTree(root, {
      'main.rego': 'package main\n\nallow if input.user == "admin"\n',
      'lib/users.rego': 'package lib.users\n\nis_admin(user) if user.role == "admin"\n',
      'lib/deep/nested/more.rego': 'package lib.deep\n\nnames contains n if {\n\tsome n in input.names\n}\n',
      'lib/notes.txt': 'not rego { at all',
      'README.md': '# broken { rego [ in markdown',
    });
    const run = cli(['check', root], work);
    assert.equal(run.status, 0, describeRun(run));
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, '');
  });

  describe('a folder with broken files', () => {
    const root = (): string => join(work, 'broken');
    const first = marked('package a\n\nname := ⟦"alice\n');
    const second = marked('package b.c\n\nports := [80 ⟦443]\n\n⟦deny[msg] {\n\tmsg := "x"\n}\n');
    const expected = (): { file: string; line: number; col: number; message: RegExp }[] => [
      { file: join(root(), 'a', 'first.rego'), ...first.marks[0], message: /unterminated string|non-terminated string/ },
      { file: join(root(), 'a', 'b', 'c', 'second.rego'), ...second.marks[0], message: /./ },
      // As in OPA, a v0 partial set rule misses both keywords of v1.
      { file: join(root(), 'a', 'b', 'c', 'second.rego'), ...second.marks[1], message: /`contains` keyword is required/ },
      { file: join(root(), 'a', 'b', 'c', 'second.rego'), ...second.marks[1], message: /`if` keyword is required/ },
    ];

    before(() => {
      writeTree(root(), {
        'a/first.rego': first.text,
        'a/b/c/second.rego': second.text,
        'a/b/fine.rego': 'package fine\n\nx := 1\n',
      });
    });

    it('check: exit 1 and one `PATH:LINE:COL: rego_parse_error: MESSAGE` line per problem', () => {
      const run = cli(['check', root()], work);
      assert.equal(run.status, 1, describeRun(run));
      assertNoStackTrace(run);
      const lines = run.stdout.split('\n').filter((line) => line !== '');
      const want = expected();
      assert.equal(lines.length, want.length, `one line per problem:\n${run.stdout}`);
      for (const line of lines) assert.match(line, PRETTY_LINE);
      const reported = lines.map((line) => {
        const [, file, row, col, , message] = PRETTY_LINE.exec(line)!;
        return { file, line: Number(row), col: Number(col), message };
      });
      for (const problem of want) {
        const found = reported.find((entry) => entry.file === problem.file && entry.line === problem.line && entry.col === problem.col && problem.message.test(entry.message));
        assert.ok(found, `expected a line for ${problem.file}:${problem.line}:${problem.col} saying ${problem.message}; got:\n${run.stdout}`);
      }
      assert.ok(!run.stdout.includes('fine.rego'), 'the clean file is not mentioned');
    });

    it('check --format json: OPA-like {"errors": [{code, message, location: {file, row, col}}]}', () => {
      const run = cli(['check', '--format', 'json', root()], work);
      assert.equal(run.status, 1, describeRun(run));
      assertNoStackTrace(run);
      const output = JSON.parse(run.stdout) as { errors: { code: string; message: string; location: { file: string; row: number; col: number } }[] };
      assert.ok(Array.isArray(output.errors), 'an errors array');
      const want = expected();
      assert.equal(output.errors.length, want.length, run.stdout);
      for (const error of output.errors) {
        assert.equal(error.code, 'rego_parse_error');
        assert.equal(typeof error.message, 'string');
        assert.ok(error.message.length > 0);
        assert.deepEqual(Object.keys(error.location).sort(), ['col', 'file', 'row']);
      }
      for (const problem of want) {
        const found = output.errors.find(
          (error) => error.location.file === problem.file && error.location.row === problem.line && error.location.col === problem.col && problem.message.test(error.message),
        );
        assert.ok(found, `expected an error at ${problem.file}:${problem.line}:${problem.col} saying ${problem.message}; got:\n${run.stdout}`);
      }
    });

    it('check --format=json is accepted too', () => {
      const run = cli(['check', '--format=json', root()], work);
      assert.equal(run.status, 1, describeRun(run));
      assert.equal((JSON.parse(run.stdout) as { errors: unknown[] }).errors.length, expected().length);
    });

    it('check on a single broken file reports that file only', () => {
      const file = join(root(), 'a', 'first.rego');
      const run = cli(['check', file], work);
      assert.equal(run.status, 1, describeRun(run));
      assert.deepEqual(
        run.stdout.split('\n').filter(Boolean).map((line) => PRETTY_LINE.exec(line)?.slice(1, 4)),
        [[file, String(first.marks[0].line), String(first.marks[0].col)]],
      );
    });
  });

  it('check --v0-compatible accepts v0 syntax that v1 rejects', () => {
    const root = join(work, 'legacy');
    writeTree(root, { 'old.rego': 'package legacy\n\ndefault allow = false\n\nallow {\n\tinput.user == "admin"\n}\n\nnames[n] {\n\tn := input.names[_]\n}\n' });
    const v1 = cli(['check', root], work);
    assert.equal(v1.status, 1, `v1 rejects v0 syntax: ${describeRun(v1)}`);
    assert.match(v1.stdout, /`if` keyword is required/);
    const v0 = cli(['check', '--v0-compatible', root], work);
    assert.equal(v0.status, 0, describeRun(v0));
    assert.equal(v0.stdout, '');
  });

  it('check on a missing path: exit 1 with a message and no stack trace', () => {
    const missing = join(work, 'does-not-exist');
    const run = cli(['check', missing], work);
    assert.equal(run.status, 1, describeRun(run));
    assertNoStackTrace(run);
    assert.match(run.stdout + run.stderr, new RegExp(`${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*(no such file|not found|does not exist)`, 'i'));
  });

  it('an unknown command: exit 2 with usage and no stack trace', () => {
    const run = cli(['frobnicate'], work);
    assert.equal(run.status, 2, describeRun(run));
    assertNoStackTrace(run);
    assert.match(run.stderr, /unknown command/i);
    assert.match(run.stderr, /Usage/);
  });

  it('an unknown flag: exit 2 with usage and no stack trace', () => {
    const run = cli(['check', '--frobnicate', work], work);
    assert.equal(run.status, 2, describeRun(run));
    assertNoStackTrace(run);
    assert.match(run.stderr, /unknown flag/i);
    assert.match(run.stderr, /Usage/);
  });

  it('an invalid --format value: exit 2 with usage', () => {
    const run = cli(['check', '--format', 'xml', work], work);
    assert.equal(run.status, 2, describeRun(run));
    assertNoStackTrace(run);
    assert.match(run.stderr, /Usage/);
  });

  it('check without a path: exit 2 with usage', () => {
    const run = cli(['check'], work);
    assert.equal(run.status, 2, describeRun(run));
    assertNoStackTrace(run);
    assert.match(run.stderr, /Usage/);
  });

  it('parse FILE prints the module as JSON, with its package path', () => {
    const file = join(work, 'parse-me.rego');
    writeFileSync(file, 'package acme.authz\n\nimport data.roles\n\nallow if input.user in roles.admins\n');
    const run = cli(['parse', file], work);
    assert.equal(run.status, 0, describeRun(run));
    const module = JSON.parse(run.stdout) as {
      type: string;
      package: { path: { type: string; name?: string; value?: string }[] };
      imports: unknown[];
      rules: { head: { ref: { name?: string }[] } }[];
    };
    assert.equal(module.type, 'module');
    assert.deepEqual(module.package.path.map((term) => term.name ?? term.value), ['data', 'acme', 'authz']);
    assert.equal(module.imports.length, 1);
    assert.equal(module.rules[0].head.ref[0].name, 'allow');
  });

  it('parse on a missing file: exit 1 with a message and no stack trace', () => {
    const run = cli(['parse', join(work, 'nope.rego')], work);
    assert.equal(run.status, 1, describeRun(run));
    assertNoStackTrace(run);
    assert.match(run.stderr, /nope\.rego/);
  });

  function writeGarbage(): { root: string; elf: string } {
    const root = join(work, 'garbage');
    let state = 0x2f6b_1d3a;
    const bytes = Buffer.alloc(16 * 1024);
    for (let i = 0; i < bytes.length; i++) {
      state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
      bytes[i] = state >>> 24;
    }
    writeTree(root, {
      'random.rego': bytes,
      'nul.rego': Buffer.from('package p\n\nx := "\u0000"\n\u0000\u0000\u0000{[(', 'utf8'),
      'invalid-utf8.rego': Buffer.from([0x70, 0x61, 0x63, 0x6b, 0xff, 0xfe, 0xc3, 0x28, 0x0a, 0x7b, 0x7b]),
      'empty.rego': '',
      'bom.rego': '\uFEFFpackage bom\n\nx := 1\n',
    });
    const elf = join(work, 'program.bin');
    writeFileSync(elf, Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), bytes.subarray(0, 4096)]));
    return { root, elf };
  }

  it('binary and garbage files do not crash it', () => {
    const { root, elf } = writeGarbage();
    const run = cli(['check', root, elf], work);
    assert.equal(run.status, 1, describeRun(run));
    assertNoStackTrace(run);
    const files = new Set(run.stdout.split('\n').map((line) => PRETTY_LINE.exec(line)?.[1]).filter(Boolean));
    for (const name of ['random.rego', 'nul.rego', 'invalid-utf8.rego', 'empty.rego']) assert.ok(files.has(join(root, name)), `${name} is reported`);
    assert.ok(files.has(elf), 'a file named explicitly is checked whatever its extension');
    assert.ok(!files.has(join(root, 'bom.rego')), 'a byte order mark is not an error');

    const json = cli(['check', '--format', 'json', root, elf], work);
    assert.equal(json.status, 1, describeRun(json));
    assertNoStackTrace(json);
    const errors = (JSON.parse(json.stdout) as { errors: { location: { file: string } }[] }).errors;
    assert.deepEqual(new Set(errors.map((error) => error.location.file)), files, 'the JSON output names the same files');

    const parsed = cli(['parse', join(root, 'random.rego')], work);
    assert.equal(parsed.status, 1, describeRun(parsed));
    assertNoStackTrace(parsed);
    assert.equal((JSON.parse(parsed.stdout) as { type: string }).type, 'module');
  });

  it('every problem stays on one line, even when the offending token spans lines', () => {
    const file = join(work, 'multiline-token.rego');
    writeFileSync(file, 'package p\n\nx := [1 `a\nb`]\n');
    const run = cli(['check', file], work);
    assert.equal(run.status, 1, describeRun(run));
    const lines = run.stdout.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, `one problem, one line:\n${run.stdout}`);
    assert.match(lines[0], PRETTY_LINE);

    const { root, elf } = writeGarbage();
    const garbage = cli(['check', root, elf], work);
    for (const line of garbage.stdout.split('\n').filter(Boolean)) assert.match(line, PRETTY_LINE, `a well-formed line: ${JSON.stringify(line)}`);
  });

  it('stops quietly when its reader goes away (`rego-lens check . | head -1`)', async () => {
    const { root } = writeGarbage();
    const child = spawn(process.execPath, [cliPath, 'check', root], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.once('data', () => child.stdout.destroy());
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30_000).unref());
    const outcome = await Promise.race([exited, timeout]);
    if (outcome === 'timeout') child.kill('SIGKILL');
    assert.notEqual(outcome, 'timeout', 'the tool ends');
    assert.ok(!stderr.includes(STACK_FRAME), `stderr shows a stack trace:\n${stderr}`);
  });
});
