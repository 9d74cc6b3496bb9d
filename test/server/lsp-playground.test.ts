// The playground's evaluations through the language server (`rego.evaluatePlayground`): four texts in,
// results, explanations, print output and located errors out, in the evaluation worker with its
// limits; cancelled when stale, refused when malformed or when the workspace is not trusted.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource, type MessageConnection } from 'vscode-jsonrpc/node.js';
import { ensureBuilt } from '../support/build';
import { serverPath, startServer, type RunningServer } from '../support/lsp-server';
import type { PlaygroundAnswer } from '../../server/src/playground-protocol';

const POLICY = 'package app\n\nallow if {\n\tprint("role:", input.role)\n\tinput.role == "admin"\n}\n\nslow := count([1 | some a in numbers.range(1, 5000); some b in numbers.range(1, 5000)])\n';

describe('the playground through the language server', () => {
  let server: RunningServer;
  let connection: MessageConnection;
  let root: string;
  const evaluate = (args: object, source?: CancellationTokenSource) => {
    const params = { command: 'rego.evaluatePlayground', arguments: [args] };
    const sent = source ? connection.sendRequest('workspace/executeCommand', params, source.token) : connection.sendRequest('workspace/executeCommand', params);
    return sent as Promise<PlaygroundAnswer & { error?: { code: string; message: string } }>;
  };

  before(async () => {
    await ensureBuilt([serverPath]);
    root = mkdtempSync(join(tmpdir(), 'rego-lens-playground-'));
    writeFileSync(join(root, 'policy.rego'), POLICY);
    writeFileSync(join(root, 'input.json'), '{\n  "role": "admin"\n}\n');
    writeFileSync(join(root, 'data.json'), '{"limits": {"max": 3}}');
    writeFileSync(join(root, 'lib.rego'), 'package lib\n\nlimit := 7\n');
    server = startServer();
    connection = server.connection;
    const folder = pathToFileURL(root).href;
    await connection.sendRequest('initialize', { processId: process.pid, rootUri: folder, workspaceFolders: [{ uri: folder, name: 'ws' }], capabilities: {}, initializationOptions: { trusted: true } });
    connection.sendNotification('initialized', {});
  });

  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('starts from a document: its text, its input file as written, the data and a query', async () => {
    const uri = pathToFileURL(join(root, 'policy.rego')).href;
    connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'rego', version: 1, text: POLICY } });
    const start = (await connection.sendRequest('workspace/executeCommand', { command: 'rego.playgroundStart', arguments: [{ uri, path: ['data', 'app', 'allow'] }] })) as { state: Record<string, string>; inputPath?: string };
    assert.deepEqual(start.state, { policy: POLICY, input: '{\n  "role": "admin"\n}\n', data: '{\n  "limits": {\n    "max": 3\n  }\n}', query: 'data.app.allow' });
    assert.equal(start.inputPath, join(root, 'input.json'));
    const whole = (await connection.sendRequest('workspace/executeCommand', { command: 'rego.playgroundStart', arguments: [{ uri }] })) as { state: Record<string, string> };
    assert.equal(whole.state.query, 'data.app');
  });

  it('opened from a file, sees the other modules of its folder', async () => {
    const uri = pathToFileURL(join(root, 'policy.rego')).href;
    const fromFile = await evaluate({ policy: 'package app\n\nx := data.lib.limit\n', input: '', data: '', query: 'data.app.x', uri });
    assert.equal(fromFile.results[0]?.expressions[0].value, 7);
    assert.deepEqual(fromFile.library, [join(root, 'lib.rego')]);
    const alone = await evaluate({ policy: 'package app\n\nx := data.lib.limit\n', input: '', data: '', query: 'data.app.x' });
    assert.equal(alone.undefined, true);
  });

  it('evaluates the query against the input and data', async () => {
    const answer = await evaluate({ policy: POLICY, input: '{"role": "admin"}', data: '', query: 'data.app.allow' });
    assert.deepEqual(answer.results, [{ expressions: [{ text: 'data.app.allow', value: true }], bindings: {} }]);
    assert.deepEqual(answer.printOutput, [{ text: 'role: admin', line: 4 }]);
    assert.ok(answer.durationMs >= 0);
  });

  it('explains an undefined rule, and reads YAML input', async () => {
    const answer = await evaluate({ policy: POLICY, input: 'role: dev\n', data: '', query: 'data.app.allow' });
    assert.equal(answer.undefined, true);
    assert.deepEqual(answer.explanation, [{ message: '`input.role == "admin"` was false: `input.role` is `"dev"`', line: 5 }]);
  });

  it('locates errors in the editor they belong to', async () => {
    const input = await evaluate({ policy: POLICY, input: '{"role": ', data: '', query: 'data.app.allow' });
    assert.equal(input.errors[0].location?.source, 'input');
    const policy = await evaluate({ policy: 'package app\n\nx := y\n', input: '', data: '', query: '' });
    assert.deepEqual(policy.errors.map((error) => [error.code, error.location]), [['rego_unsafe_var_error', { source: 'policy', line: 3, column: 6 }]]);
    const query = await evaluate({ policy: POLICY, input: '', data: '', query: 'data.app.allow ==' });
    assert.equal(query.errors[0].location?.source, 'query');
  });

  it('cancels a stale evaluation, and the next one still runs', async () => {
    const source = new CancellationTokenSource();
    const slow = evaluate({ policy: POLICY, input: '', data: '', query: 'data.app.slow' }, source);
    setTimeout(() => source.cancel(), 200);
    const cancelled = await slow;
    assert.equal(cancelled.error?.code, 'eval_cancel_error');
    const next = await evaluate({ policy: POLICY, input: '{"role": "admin"}', data: '', query: 'data.app.allow' });
    assert.equal(next.results[0].expressions[0].value, true);
  });

  it('refuses malformed requests and untrusted workspaces', async () => {
    const malformed = await evaluate({ policy: 1, input: '', data: '', query: '' });
    assert.equal(malformed.error?.code, 'invalid_request');
    connection.sendNotification('rego/trust', { trusted: false });
    const untrusted = await evaluate({ policy: POLICY, input: '', data: '', query: 'data.app.allow' });
    assert.equal(untrusted.error?.code, 'untrusted_workspace');
    connection.sendNotification('rego/trust', { trusted: true });
  });
});
