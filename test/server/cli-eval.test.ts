// `node dist/cli.js eval` as a user runs it, following `opa eval`: data and policy loading with -d
// and -b, input with -i, the json/values/bindings/pretty formats, errors and exit codes.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, projectRoot } from '../support/build';
import { writeTree } from '../support/files';

const cliPath = join(projectRoot, 'dist', 'cli.js');

function cli(args: string[], cwd: string, stdin?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8', timeout: 60_000, input: stdin });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the tool without blocking this process (a test may serve HTTP to it meanwhile). */
function cliAsync(args: string[], cwd: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('eval', () => {
  let root: string;
  before(async () => {
    await ensureBuilt([cliPath]);
    root = mkdtempSync(join(tmpdir(), 'rego-lens-eval-'));
    writeTree(root, {
      'policy/authz.rego': 'package authz\n\ndefault allow := false\n\nallow if {\n\tsome role in data.roles[input.user]\n\trole == "admin"\n}\n\nhello := sprintf("hi %s", [input.user]) if print("user is", input.user)\n',
      'policy/roles/data.json': '{"alice": ["admin"], "bob": ["dev"]}',
      'bundle/.manifest': '{"roots": ["config"]}',
      'bundle/config/data.yaml': 'limit: 10\n',
      'input.json': '{"user": "alice"}',
      'broken.json': '{"user": ',
    });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('prints OPA\'s JSON shape with values, text, location and bindings', () => {
    const run = cli(['eval', '-d', 'policy', '-i', 'input.json', 'x := data.authz.allow'], root);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), {
      result: [{ expressions: [{ value: true, text: 'x := data.authz.allow', location: { row: 1, col: 1 } }], bindings: { x: true } }],
    });
  });

  it('places data files at their folder path', () => {
    const run = cli(['eval', '-d', 'policy', '-f', 'values', 'data.roles.bob'], root);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), [['dev']]);
  });

  it('loads bundles with -b, checking data against the manifest roots', () => {
    const run = cli(['eval', '-b', 'bundle', '-f', 'values', 'data.config.limit'], root);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), [10]);
  });

  it('prints {} when the query is undefined, and --fail turns that into exit 1', () => {
    const undefinedRun = cli(['eval', '-d', 'policy', 'data.authz.missing'], root);
    assert.equal(undefinedRun.status, 0);
    assert.deepEqual(JSON.parse(undefinedRun.stdout), {});
    assert.equal(cli(['eval', '--fail', '-d', 'policy', 'data.authz.missing'], root).status, 1);
    assert.equal(cli(['eval', '--fail-defined', '-d', 'policy', 'data.authz.allow'], root).status, 1);
  });

  it('shows bindings with -f bindings and print output on stderr', () => {
    const run = cli(['eval', '-d', 'policy', '-i', 'input.json', '-f', 'bindings', 'h := data.authz.hello'], root);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), [{ h: 'hi alice' }]);
    assert.match(run.stderr, /user is alice/);
  });

  it('reports errors as JSON with codes and locations, exit 1', () => {
    writeTree(root, { 'bad/bad.rego': 'package bad\n\np if x > 1\n' });
    const run = cli(['eval', '-d', 'bad', 'data.bad.p'], root);
    assert.equal(run.status, 1);
    const output = JSON.parse(run.stdout);
    assert.equal(output.errors[0].code, 'rego_unsafe_var_error');
    assert.equal(output.errors[0].location.row, 3);
  });

  it('reports a malformed input file with its line and column', () => {
    const run = cli(['eval', '-i', 'broken.json', 'input'], root);
    assert.equal(run.status, 1);
    const output = JSON.parse(run.stdout);
    assert.equal(output.errors[0].code, 'rego_load_error');
    assert.match(output.errors[0].message, /broken\.json/);
  });

  it('keeps http.send off unless --allow-net is given', async () => {
    const server = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end('{"ok": true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const query = `http.send({"method": "get", "url": "http://127.0.0.1:${port}/"}).body`;
    try {
      const off = await cliAsync(['eval', '--strict-builtin-errors', query], root);
      assert.equal(off.status, 1);
      assert.match(JSON.parse(off.stdout).errors[0].message, /network access is disabled/);
      const on = await cliAsync(['eval', '--allow-net', '-f', 'values', query], root);
      assert.equal(on.status, 0, on.stdout + on.stderr);
      assert.deepEqual(JSON.parse(on.stdout), [{ ok: true }], on.stdout);
    } finally {
      server.close();
    }
  });

  it('reads the input from standard input with -I, as JSON or YAML, and prints raw values', () => {
    const json = cli(['eval', '-I', '-f', 'raw', 'input.user'], root, '{"user": "alice"}');
    assert.equal(json.status, 0, json.stderr);
    assert.equal(json.stdout, 'alice\n');
    const yaml = cli(['eval', '--stdin-input', '-f', 'raw', 'input.n + 1'], root, 'n: 41\n');
    assert.equal(yaml.stdout, '42\n');
    const broken = cli(['eval', '-I', 'input'], root, 'n: [\n');
    assert.equal(broken.status, 1);
    assert.match(broken.stdout, /rego_load_error/);
  });

  it('-f pretty prints a single value as JSON and bindings as opa\'s bordered table, wrapping long cells', () => {
    assert.equal(cli(['eval', '-f', 'pretty', '{"b": 1, "a": [true]}'], root).stdout, '{\n  "a": [\n    true\n  ],\n  "b": 1\n}\n');
    assert.equal(cli(['eval', '-f', 'pretty', 'x := [1, 2][_]'], root).stdout, '+---+\n| x |\n+---+\n| 1 |\n| 2 |\n+---+\n');
    const table = cli(['eval', '-f', 'pretty', 'msg := "Container nginx must not run as root because the policy says so"; n := {"k": 1}'], root).stdout;
    assert.equal(
      table,
      [
        '+-------------------------------+---------+',
        '|              msg              |    n    |',
        '+-------------------------------+---------+',
        '| "Container nginx must not run | {"k":1} |',
        '| as root because the policy    |         |',
        '| says so"                      |         |',
        '+-------------------------------+---------+',
        '',
      ].join('\n'),
    );
    assert.equal(cli(['eval', '-f', 'pretty', 'input.missing'], root).stdout, 'undefined\n');
  });

  it('-f raw prints the expressions of each result on one line', () => {
    assert.equal(cli(['eval', '-f', 'raw', 'x := ["a", "b"][_]; x'], root).stdout, 'true a\ntrue b\n');
  });

  it('prints the usage for --help after a command, exit 0', () => {
    const run = cli(['eval', '--help'], root);
    assert.equal(run.status, 0);
    assert.match(run.stdout, /Usage: rego-lens/);
    assert.equal(run.stderr, '');
  });

  it('reports evaluation errors with --strict-builtin-errors', () => {
    const run = cli(['eval', '--strict-builtin-errors', 'x := 1 / 0'], root);
    assert.equal(run.status, 1);
    assert.equal(JSON.parse(run.stdout).errors[0].code, 'eval_builtin_error');
  });
});
