// "Evaluate rule" through the language server, as any LSP client uses it: code lenses on the package
// and on every rule definition, `workspace/executeCommand` returning the value or why it is undefined,
// print output, the nearest input file (unsaved text included), data placed at its folder path,
// malformed input reported on the file itself, input selection, and trust.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource, type MessageConnection } from 'vscode-jsonrpc/node.js';
import { ensureBuilt } from '../support/build';
import { serverPath, startServer, type RunningServer } from '../support/lsp-server';

interface Report {
  value?: unknown;
  undefined?: boolean;
  explanation?: { message: string; uri: string; range: { start: { line: number } } }[];
  printOutput?: { text: string; range: { start: { line: number } } }[];
  inputPath?: string;
  durationMs?: number;
  error?: { code: string; message: string };
}

const POLICY = `package authz

default allow := false

allow if {
	input.user.role == "admin"
}

allow if {
	some grant in data.grants[input.user.name]
	grant == input.action
}

greeting := msg if {
	print("user:", input.user.name)
	msg := sprintf("hello %s", [input.user.name])
}

needs_admin if input.user.role == "admin"

double(x) := x * 2

slow := count([1 | some a in numbers.range(1, 4000); some b in numbers.range(1, 4000)])

conflict := 1

conflict := 2 if input.user
`;

describe('evaluate through the language server', () => {
  let root: string;
  let server: RunningServer;
  let connection: MessageConnection;
  const diagnostics = new Map<string, { message: string; range: { start: { line: number; character: number } } }[]>();
  const uri = (path: string) => pathToFileURL(join(root, path)).href;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const evaluate = (path: string, rulePath: string[]) => connection.sendRequest('workspace/executeCommand', { command: 'rego.evaluate', arguments: [{ uri: uri(path), path: rulePath }] }) as Promise<Report>;

  before(async () => {
    await ensureBuilt([serverPath]);
    root = mkdtempSync(join(tmpdir(), 'rego-lens-lsp-eval-'));
    write('policies/authz/policy.rego', POLICY);
    write('policies/authz/input.json', '{"user": {"name": "dev1", "role": "dev"}, "action": "read"}');
    write('policies/input.json', '{"user": {"name": "outer", "role": "admin"}}');
    write('grants/data.json', '{"dev1": ["write"]}');
    write('policies/other/policy.rego', 'package other\n\nok := input.user.name\n');
    server = startServer({ setup: (connection) => connection.onNotification('textDocument/publishDiagnostics', (params: { uri: string; diagnostics: [] }) => diagnostics.set(params.uri, params.diagnostics)) });
    connection = server.connection;
    await connection.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(root).href, workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'ws' }], capabilities: {}, initializationOptions: { trusted: true } });
    connection.sendNotification('initialized', {});
    connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri('policies/authz/policy.rego'), languageId: 'rego', version: 1, text: POLICY } });
  });

  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('puts a lens on the package and on every rule definition, none on functions', async () => {
    const lenses = (await connection.sendRequest('textDocument/codeLens', { textDocument: { uri: uri('policies/authz/policy.rego') } })) as { range: { start: { line: number } }; command: { title: string; command: string; arguments: [{ path: string[] }] } }[];
    assert.deepEqual(lenses.map((lens) => [lens.range.start.line, lens.command.title, lens.command.arguments[0].path.join('.')]), [
      [0, 'Evaluate package', 'data.authz'],
      [2, 'Evaluate', 'data.authz.allow'],
      [4, 'Evaluate', 'data.authz.allow'],
      [8, 'Evaluate', 'data.authz.allow'],
      [13, 'Evaluate', 'data.authz.greeting'],
      [18, 'Evaluate', 'data.authz.needs_admin'],
      [22, 'Evaluate', 'data.authz.slow'],
      [24, 'Evaluate', 'data.authz.conflict'],
      [26, 'Evaluate', 'data.authz.conflict'],
    ]);
    assert.ok(lenses.every((lens) => lens.command.command === 'rego.evaluate'));
  });

  it('evaluates a rule against the nearest input and the data files, with print output', async () => {
    const report = await evaluate('policies/authz/policy.rego', ['data', 'authz', 'greeting']);
    assert.equal(report.value, 'hello dev1');
    assert.equal(report.undefined, false);
    assert.equal(report.inputPath, join(root, 'policies/authz/input.json'));
    assert.deepEqual(report.printOutput?.map((line) => [line.text, line.range.start.line]), [['user: dev1', 14]]);
    const allow = await evaluate('policies/authz/policy.rego', ['data', 'authz', 'allow']);
    assert.equal(allow.value, false, 'the default applies');
  });

  it('shows the last evaluated value when hovering the rule', async () => {
    await evaluate('policies/authz/policy.rego', ['data', 'authz', 'greeting']);
    const hover = (await connection.sendRequest('textDocument/hover', { textDocument: { uri: uri('policies/authz/policy.rego') }, position: { line: 13, character: 2 } })) as { contents: { value: string } };
    assert.match(hover.contents.value, /Last evaluated with input `input\.json`:\n\n```rego\n"hello dev1"\n```/);
  });

  it('explains why a rule is undefined, per body, with the values involved', async () => {
    const report = await evaluate('policies/authz/policy.rego', ['data', 'authz', 'needs_admin']);
    assert.equal(report.undefined, true);
    assert.equal(report.value, undefined);
    assert.equal(report.explanation?.length, 1);
    assert.equal(report.explanation?.[0].message, '`input.user.role == "admin"` was false: `input.user.role` is `"dev"`');
    assert.equal(report.explanation?.[0].range.start.line, 18);
  });

  it('uses the unsaved text of an open input file', async () => {
    const inputUri = uri('policies/authz/input.json');
    connection.sendNotification('textDocument/didOpen', { textDocument: { uri: inputUri, languageId: 'json', version: 1, text: '{"user": {"name": "amy", "role": "admin"}}' } });
    const report = await evaluate('policies/authz/policy.rego', ['data', 'authz', 'needs_admin']);
    assert.equal(report.value, true);
    connection.sendNotification('textDocument/didClose', { textDocument: { uri: inputUri } });
  });

  it('picks the input by whole folder names, walking up to the workspace folder', async () => {
    const report = await evaluate('policies/other/policy.rego', ['data', 'other', 'ok']);
    assert.equal(report.value, 'outer');
    assert.equal(report.inputPath, join(root, 'policies/input.json'));
  });

  it('never takes the input of a folder whose name only starts the same', async () => {
    write('policies/auth/input.json', '{"user": {"name": "auth-folder"}}');
    write('policies/authz2/policy.rego', 'package authz2\n\nname := input.user.name\n');
    const report = await evaluate('policies/authz2/policy.rego', ['data', 'authz2', 'name']);
    assert.equal(report.value, 'outer');
  });

  it('reports evaluation errors with their code and the range of the rule', async () => {
    const report = await evaluate('policies/authz/policy.rego', ['data', 'authz', 'conflict']);
    assert.equal(report.error?.code, 'eval_conflict_error');
    assert.equal((report.error as { range?: { start: { line: number } } }).range?.start.line, 26);
  });

  it('places bundle data within the .manifest roots and reports data outside them', async () => {
    write('bundle/.manifest', '{"roots": ["limits"]}');
    write('bundle/limits/data.json', '{"max": 3}');
    write('bundle/other/data.json', '{"x": 1}');
    write('policies/limits/policy.rego', 'package check\n\nmax := data.limits.max\n');
    const report = await evaluate('policies/limits/policy.rego', ['data', 'check', 'max']);
    assert.equal(report.error?.code, 'rego_load_error');
    assert.match(report.error?.message ?? '', /outside the roots/);
    assert.equal(diagnostics.get(uri('bundle/other/data.json'))?.length, 1);
    rmSync(join(root, 'bundle/other'), { recursive: true });
    assert.equal((await evaluate('policies/limits/policy.rego', ['data', 'check', 'max'])).value, 3);
    rmSync(join(root, 'bundle'), { recursive: true });
  });

  it('follows the input the user selected for the folder, or none', async () => {
    write('inputs/alt.yaml', 'user:\n  name: yaml-user\n');
    connection.sendNotification('rego/selectInput', { folderUri: pathToFileURL(root).href, inputUri: uri('inputs/alt.yaml') });
    assert.equal((await evaluate('policies/other/policy.rego', ['data', 'other', 'ok'])).value, 'yaml-user');
    connection.sendNotification('rego/selectInput', { folderUri: pathToFileURL(root).href, inputUri: null });
    assert.equal((await evaluate('policies/other/policy.rego', ['data', 'other', 'ok'])).undefined, true);
    connection.sendNotification('rego/selectInput', { folderUri: pathToFileURL(root).href });
    assert.equal((await evaluate('policies/other/policy.rego', ['data', 'other', 'ok'])).value, 'outer');
  });

  it('reports a malformed input file on the file itself and in the result, without crashing', async () => {
    write('policies/other/input.json', '{"user": {"name": }');
    const report = await evaluate('policies/other/policy.rego', ['data', 'other', 'ok']);
    assert.equal(report.error?.code, 'rego_load_error');
    assert.match(report.error?.message ?? '', /input\.json/);
    const published = diagnostics.get(uri('policies/other/input.json'));
    assert.equal(published?.length, 1);
    assert.equal(published?.[0].range.start.line, 0);
    assert.equal(published?.[0].range.start.character, 18);
    write('policies/other/input.json', '{"user": {"name": "fixed"}}');
    assert.equal((await evaluate('policies/other/policy.rego', ['data', 'other', 'ok'])).value, 'fixed');
    assert.deepEqual(diagnostics.get(uri('policies/other/input.json')), []);
  });

  it('refuses to evaluate in an untrusted workspace', async () => {
    connection.sendNotification('rego/trust', { trusted: false });
    const report = await evaluate('policies/authz/policy.rego', ['data', 'authz', 'allow']);
    assert.equal(report.error?.code, 'untrusted_workspace');
    connection.sendNotification('rego/trust', { trusted: true });
    assert.equal((await evaluate('policies/authz/policy.rego', ['data', 'authz', 'allow'])).value, false);
  });

  it('evaluates a selected query in the package of the document, with its imports and input', async () => {
    const answer = (await connection.sendRequest('workspace/executeCommand', { command: 'rego.evaluateQuery', arguments: [{ uri: uri('policies/authz/policy.rego'), query: 'x := double(21); y := greeting' }] })) as { results: { bindings: Record<string, unknown> }[]; undefined: boolean };
    assert.equal(answer.undefined, false);
    assert.deepEqual(answer.results[0].bindings, { x: 42, y: 'hello dev1' });
    const none = (await connection.sendRequest('workspace/executeCommand', { command: 'rego.evaluateQuery', arguments: [{ uri: uri('policies/authz/policy.rego'), query: 'needs_admin' }] })) as { undefined: boolean };
    assert.equal(none.undefined, true);
  });

  it('stops an evaluation at its time budget, off the main loop, and can cancel one', async () => {
    connection.sendNotification('workspace/didChangeConfiguration', { settings: { rego: { evaluation: { timeoutMs: 300 } } } });
    const timedOut = await evaluate('policies/authz/policy.rego', ['data', 'authz', 'slow']);
    assert.equal(timedOut.error?.code, 'eval_cancel_error');
    assert.match(timedOut.error?.message ?? '', /timed out/);

    connection.sendNotification('workspace/didChangeConfiguration', { settings: { rego: { evaluation: { timeoutMs: 60_000 } } } });
    const source = new CancellationTokenSource();
    const started = Date.now();
    const running = connection.sendRequest('workspace/executeCommand', { command: 'rego.evaluate', arguments: [{ uri: uri('policies/authz/policy.rego'), path: ['data', 'authz', 'slow'] }] }, source.token) as Promise<Report>;
    // While it runs, the server still answers other requests.
    const lenses = (await connection.sendRequest('textDocument/codeLens', { textDocument: { uri: uri('policies/authz/policy.rego') } })) as unknown[];
    assert.ok(lenses.length > 0);
    source.cancel();
    const cancelled = await running.catch((error: Error) => ({ error: { code: 'cancelled', message: error.message } }) as Report);
    assert.ok(Date.now() - started < 20_000, 'the cancelled evaluation ended early');
    assert.ok(cancelled.error, 'a cancelled evaluation reports no value');
    assert.equal((await evaluate('policies/authz/policy.rego', ['data', 'authz', 'greeting'])).value, 'hello dev1');
    connection.sendNotification('workspace/didChangeConfiguration', { settings: { rego: {} } });
  });

  it('answers malformed command arguments with an error, and keeps serving', async () => {
    const report = (await connection.sendRequest('workspace/executeCommand', { command: 'rego.evaluate', arguments: [42] })) as Report;
    assert.equal(report.error?.code, 'invalid_request');
    assert.equal((await evaluate('policies/authz/policy.rego', ['data', 'authz', 'greeting'])).value, 'hello dev1');
  });
});
