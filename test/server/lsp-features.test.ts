// Editor features through the language server, as a plain LSP client asks for them: hover,
// completion, signature help, definition, references, highlights, rename, symbols, folding,
// selection ranges and semantic tokens, on a workspace of two files.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type MessageConnection } from 'vscode-jsonrpc/node.js';
import { ensureBuilt } from '../support/build';
import { serverPath, startServer, type RunningServer } from '../support/lsp-server';
const LIB = 'package lib\n\n# METADATA\n# title: Admin check\nis_admin(user) if user.role == "admin"\n';
const APP = 'package app\n\nimport data.lib\n\nallow if {\n\tlib.is_admin(input.user)\n\tcount(input.items) > 0\n}\n';

describe('editor features over LSP', () => {
  let root: string;
  let server: RunningServer;
  let connection: MessageConnection;
  const uri = (name: string) => pathToFileURL(join(root, name)).href;
  const at = (name: string, line: number, character: number) => ({ textDocument: { uri: uri(name) }, position: { line, character } });

  before(async () => {
    await ensureBuilt([serverPath]);
    root = mkdtempSync(join(tmpdir(), 'rego-lens-features-'));
    writeFileSync(join(root, 'lib.rego'), LIB);
    writeFileSync(join(root, 'app.rego'), APP);
    server = startServer();
    connection = server.connection;
    await connection.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(root).href, workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'ws' }], capabilities: {} });
    connection.sendNotification('initialized', {});
    connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri('app.rego'), languageId: 'rego', version: 1, text: APP } });
  });

  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('hovers a built-in with its signature and a user function with its metadata', async () => {
    const builtin = (await connection.sendRequest('textDocument/hover', at('app.rego', 6, 2))) as { contents: { value: string } };
    assert.match(builtin.contents.value, /count\(collection/);
    const user = (await connection.sendRequest('textDocument/hover', at('app.rego', 5, 6))) as { contents: { value: string } };
    assert.match(user.contents.value, /Admin check/);
  });

  it('goes to a definition in another file, and finds references', async () => {
    const locations = (await connection.sendRequest('textDocument/definition', at('app.rego', 5, 6))) as { uri: string; range: { start: { line: number } } }[];
    assert.deepEqual(locations.map((location) => [location.uri, location.range.start.line]), [[uri('lib.rego'), 4]]);
    const found = (await connection.sendRequest('textDocument/references', { ...at('app.rego', 5, 6), context: { includeDeclaration: true } })) as { uri: string }[];
    assert.deepEqual(found.map((location) => location.uri).sort(), [uri('app.rego'), uri('lib.rego')].sort());
  });

  it('completes built-ins and rules, and helps with a call\'s parameters', async () => {
    const items = (await connection.sendRequest('textDocument/completion', at('app.rego', 6, 3))) as { label: string }[];
    assert.ok(items.some((item) => item.label === 'count'), 'count is offered');
    const help = (await connection.sendRequest('textDocument/signatureHelp', at('app.rego', 6, 7))) as { signatures: { label: string }[]; activeParameter: number };
    assert.match(help.signatures[0].label, /^count\(/);
    assert.equal(help.activeParameter, 0);
  });

  it('renames a function in every file', async () => {
    const edit = (await connection.sendRequest('textDocument/rename', { ...at('app.rego', 5, 6), newName: 'is_administrator' })) as { changes: Record<string, { newText: string }[]> };
    assert.deepEqual(Object.keys(edit.changes).sort(), [uri('app.rego'), uri('lib.rego')].sort());
    assert.ok(Object.values(edit.changes).flat().every((change) => change.newText === 'is_administrator'));
  });

  it('gives symbols, folding ranges, selection ranges and semantic tokens', async () => {
    const symbols = (await connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri: uri('app.rego') } })) as { name: string }[];
    assert.ok(symbols.some((symbol) => symbol.name === 'allow'));
    const workspaceSymbols = (await connection.sendRequest('workspace/symbol', { query: 'admin' })) as { name: string; location: { uri: string } }[];
    assert.ok(workspaceSymbols.some((symbol) => symbol.name === 'is_admin' && symbol.location.uri === uri('lib.rego')));
    const folds = (await connection.sendRequest('textDocument/foldingRange', { textDocument: { uri: uri('app.rego') } })) as { startLine: number; endLine: number }[];
    assert.ok(folds.some((fold) => fold.startLine === 4));
    const selections = (await connection.sendRequest('textDocument/selectionRange', { textDocument: { uri: uri('app.rego') }, positions: [{ line: 6, character: 8 }] })) as { parent?: unknown }[];
    assert.ok(selections[0].parent, 'ranges nest');
    const tokens = (await connection.sendRequest('textDocument/semanticTokens/full', { textDocument: { uri: uri('app.rego') } })) as { data: number[] };
    assert.ok(tokens.data.length > 20 && tokens.data.length % 5 === 0);
  });
});
