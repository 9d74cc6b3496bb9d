// Compile errors as diagnostics while editing: the folder's modules are compiled together (open
// documents as edited, the others from disk), so an error in one file can be fixed from another.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type MessageConnection } from 'vscode-jsonrpc/node.js';
import { ensureBuilt } from '../support/build';
import { serverPath, startServer, type RunningServer } from '../support/lsp-server';

interface Published {
  uri: string;
  diagnostics: { message: string; code?: string; range: { start: { line: number } } }[];
}

describe('compile diagnostics', () => {
  let root: string;
  let server: RunningServer;
  let connection: MessageConnection;
  const received: Published[] = [];
  const uri = (name: string) => pathToFileURL(join(root, name)).href;

  function latest(name: string, accept: (published: Published) => boolean): Promise<Published> {
    const deadline = Date.now() + 15_000;
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = [...received].reverse().find((entry) => entry.uri === uri(name));
        if (found && accept(found)) resolve(found);
        else if (Date.now() > deadline) reject(new Error(`no matching diagnostics for ${name}: ${JSON.stringify(found)}`));
        else setTimeout(check, 50);
      };
      check();
    });
  }

  before(async () => {
    await ensureBuilt([serverPath]);
    root = mkdtempSync(join(tmpdir(), 'rego-lens-compile-'));
    writeFileSync(join(root, 'lib.rego'), 'package lib\n\nlimit := 10\n');
    server = startServer({ setup: (connection) => connection.onNotification('textDocument/publishDiagnostics', (params: Published) => received.push(params)) });
    connection = server.connection;
    await connection.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(root).href, workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'ws' }], capabilities: {} });
    connection.sendNotification('initialized', {});
  });

  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('reports unsafe variables, undefined functions and arity errors with OPA codes', async () => {
    const text = 'package app\n\nimport data.lib\n\nok if x > lib.limit\n\nsize := count([1], 2, 3)\n\nv := nope(1)\n';
    connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri('app.rego'), languageId: 'rego', version: 1, text } });
    const published = await latest('app.rego', (entry) => entry.diagnostics.length >= 3);
    const summary = published.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.range.start.line]).sort();
    assert.deepEqual(summary, [['rego_type_error', 6], ['rego_type_error', 8], ['rego_unsafe_var_error', 4]]);
  });

  it('sees rules of another open document, and clears errors fixed from there', async () => {
    connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri('uses.rego'), languageId: 'rego', version: 1, text: 'package lib\n\ncheck if helper(1)\n' } });
    await latest('uses.rego', (entry) => entry.diagnostics.some((diagnostic) => diagnostic.message.includes('undefined function helper')));
    connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri('helpers.rego'), languageId: 'rego', version: 1, text: 'package lib\n\nhelper(x) := x + 1\n' } });
    await latest('uses.rego', (entry) => entry.diagnostics.length === 0);
  });

  it('offers quick fixes: did you mean, straight quotes, lint fixes and turning a check off', async () => {
    const text = 'package fixes\n\nimport data.lib.unused\n\nlimit := 3\n\nn := count([1]) if limt > 1\n\nm := \u201chello\u201d\n';
    connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri('fixes.rego'), languageId: 'rego', version: 1, text } });
    const published = await latest('fixes.rego', (entry) => entry.diagnostics.length > 0);
    const actions = (await connection.sendRequest('textDocument/codeAction', { textDocument: { uri: uri('fixes.rego') }, range: { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } }, context: { diagnostics: published.diagnostics } })) as { title: string; edit?: { changes: Record<string, { newText: string }[]> } }[];
    const titles = actions.map((action) => action.title);
    assert.ok(titles.includes('Use straight quotes'), titles.join(', '));
    const quotes = actions.find((action) => action.title === 'Use straight quotes')!;
    assert.equal(Object.values(quotes.edit!.changes)[0][0].newText, '"hello"');
    // The syntax error stops compile checks; fix it and the rest shows.
    connection.sendNotification('textDocument/didChange', { textDocument: { uri: uri('fixes.rego'), version: 2 }, contentChanges: [{ text: text.replace('\u201chello\u201d', '"hello"') }] });
    const fixed = await latest('fixes.rego', (entry) => entry.diagnostics.some((diagnostic) => diagnostic.code === 'rego_unsafe_var_error'));
    const unsafe = fixed.diagnostics.find((diagnostic) => diagnostic.code === 'rego_unsafe_var_error')!;
    assert.match(unsafe.message, /var limt is unsafe \(did you mean limit\?\)/);
    const more = (await connection.sendRequest('textDocument/codeAction', { textDocument: { uri: uri('fixes.rego') }, range: { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } }, context: { diagnostics: fixed.diagnostics } })) as { title: string; command?: { command: string; arguments: string[] }; edit?: { changes: Record<string, { newText: string }[]> } }[];
    const moreTitles = more.map((action) => action.title);
    assert.ok(moreTitles.includes('Change to limit'), moreTitles.join(', '));
    assert.ok(moreTitles.includes('Remove the unused import'), moreTitles.join(', '));
    const off = more.find((action) => action.title === 'Turn off the unused-import check');
    assert.deepEqual(off?.command?.arguments, ['unused-import']);
  });
});
