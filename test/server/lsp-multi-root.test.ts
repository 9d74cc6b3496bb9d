// Multi-root workspaces: each workspace folder is its own policy. Compile diagnostics, go to
// definition and completion in one folder see that folder's rules only, even where both folders
// declare the same package. New files that were never saved count as part of their folder.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type MessageConnection } from 'vscode-jsonrpc/node.js';
import { ensureBuilt } from '../support/build';
import { serverPath, startServer, type RunningServer } from '../support/lsp-server';

interface Published {
  uri: string;
  diagnostics: { message: string; code?: string }[];
}

describe('multi-root workspaces', () => {
  let root: string;
  let server: RunningServer;
  let connection: MessageConnection;
  const received: Published[] = [];
  const uri = (path: string) => pathToFileURL(join(root, path)).href;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const open = (path: string, text: string) => connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(path), languageId: 'rego', version: 1, text } });

  function latest(path: string): Promise<Published> {
    const deadline = Date.now() + 15_000;
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = [...received].reverse().find((entry) => entry.uri === uri(path));
        if (found) resolve(found);
        else if (Date.now() > deadline) reject(new Error(`no diagnostics for ${path}`));
        else setTimeout(check, 50);
      };
      check();
    });
  }

  before(async () => {
    await ensureBuilt([serverPath]);
    root = mkdtempSync(join(tmpdir(), 'rego-lens-multi-root-'));
    write('alpha/lib.rego', 'package shared\n\nonly_in_alpha := 1\n\nhelper(x) := x + 1\n');
    write('beta/lib.rego', 'package shared\n\nonly_in_beta := 2\n\nhelper(x, y) := x + y\n');
    write('alpha/lib_test.rego', 'package shared_test\n\nimport data.shared\n\ntest_helper if shared.helper(1) == 2\n\ntodo_test_more if false\n');
    write('beta/lib_test.rego', 'package shared_test\n\ntest_beta if true\n');
    server = startServer({ setup: (connection) => connection.onNotification('textDocument/publishDiagnostics', (params: Published) => received.push(params)) });
    connection = server.connection;
    const folders = ['alpha', 'beta'].map((name) => ({ uri: pathToFileURL(join(root, name)).href, name }));
    await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, workspaceFolders: folders, capabilities: {}, initializationOptions: { trusted: true } });
    connection.sendNotification('initialized', {});
  });

  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('compiles each folder on its own', async () => {
    open('alpha/app.rego', 'package app\n\nimport data.shared\n\na := shared.helper(1)\n\nb := shared.only_in_alpha\n');
    open('beta/app.rego', 'package app\n\nimport data.shared\n\na := shared.helper(1)\n');
    const alpha = await latest('alpha/app.rego');
    assert.deepEqual(alpha.diagnostics.filter((diagnostic) => diagnostic.code?.startsWith('rego_')), []);
    // In beta, helper takes two arguments.
    const beta = await latest('beta/app.rego');
    assert.ok(beta.diagnostics.some((diagnostic) => diagnostic.code === 'rego_type_error' && /helper/.test(diagnostic.message)), JSON.stringify(beta.diagnostics));
  });

  it('goes to the definition in the same folder', async () => {
    const locations = (await connection.sendRequest('textDocument/definition', { textDocument: { uri: uri('alpha/app.rego') }, position: { line: 4, character: 13 } })) as { uri: string }[];
    assert.deepEqual(locations.map((location) => location.uri), [uri('alpha/lib.rego')]);
  });

  it('serves a new file that is not saved yet, in a trusted workspace', async () => {
    open('alpha/unsaved.rego', 'package unsaved\n\nimport data.shared\n\nv := shared.only_in_alpha\n');
    const hover = (await connection.sendRequest('textDocument/hover', { textDocument: { uri: uri('alpha/unsaved.rego') }, position: { line: 4, character: 0 } })) as { contents: { value: string } } | null;
    assert.match(hover?.contents.value ?? '', /Rule `data\.unsaved\.v`/);
  });

  it('lists the test rules of a folder, unsaved files included', async () => {
    open('alpha/new_test.rego', 'package fresh_test\n\ntest_new if true\n');
    const tests = (await connection.sendRequest('workspace/executeCommand', { command: 'rego.listTests', arguments: [{ folderUri: pathToFileURL(join(root, 'alpha')).href }] })) as { uri: string; name: string; packageName: string; todo: boolean; range: { start: { line: number } } }[];
    assert.deepEqual(
      tests.map((entry) => [entry.uri.slice(entry.uri.lastIndexOf('/') + 1), entry.packageName, entry.name, entry.todo, entry.range.start.line]),
      [
        ['lib_test.rego', 'shared_test', 'test_helper', false, 4],
        ['lib_test.rego', 'shared_test', 'todo_test_more', true, 6],
        ['new_test.rego', 'fresh_test', 'test_new', false, 2],
      ],
    );
  });

  it('runs a folder\'s tests in the worker, unsaved files included, and filters them', async () => {
    const folderUri = pathToFileURL(join(root, 'alpha')).href;
    type Report = { results: { package: string; name: string; outcome: string; uri: string; row: number }[] };
    const all = (await connection.sendRequest('workspace/executeCommand', { command: 'rego.runTests', arguments: [{ folderUri }] })) as Report;
    assert.deepEqual(
      all.results.map((result) => [result.package, result.name, result.outcome, result.uri.slice(result.uri.lastIndexOf('/') + 1), result.row]),
      [
        ['data.shared_test', 'test_helper', 'PASS', 'lib_test.rego', 5],
        ['data.shared_test', 'todo_test_more', 'SKIPPED', 'lib_test.rego', 7],
        ['data.fresh_test', 'test_new', 'PASS', 'new_test.rego', 3],
      ],
    );
    const filtered = (await connection.sendRequest('workspace/executeCommand', { command: 'rego.runTests', arguments: [{ folderUri, run: 'fresh_test' }] })) as Report;
    assert.deepEqual(filtered.results.map((result) => result.name), ['test_new']);
  });

  it('completes the rules of the same folder only', async () => {
    const text = 'package app\n\nimport data.shared\n\nc := shared.\n';
    connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri('beta/complete.rego'), languageId: 'rego', version: 1, text } });
    const items = (await connection.sendRequest('textDocument/completion', { textDocument: { uri: uri('beta/complete.rego') }, position: { line: 4, character: 12 } })) as { label: string }[];
    const labels = items.map((item) => item.label);
    assert.ok(labels.includes('only_in_beta'), JSON.stringify(labels));
    assert.ok(!labels.includes('only_in_alpha'), JSON.stringify(labels));
  });
});
