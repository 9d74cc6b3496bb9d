// Settings per folder: a client that answers `workspace/configuration` (as VS Code does in a multi-root
// workspace) can give each document its own `rego.regoVersion`. The server asks for the settings of each
// document's URI, and asks again after `workspace/didChangeConfiguration`.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageConnection } from 'vscode-jsonrpc/node.js';
import { ensureBuilt } from '../support/build';
import { serverPath, startServer, type RunningServer } from '../support/lsp-server';

interface PublishedDiagnostics {
  uri: string;
  diagnostics: { message: string }[];
}

const legacyFolder = 'file:///workspace/legacy';
const currentFolder = 'file:///workspace/current';
// v0 syntax: fine for OPA with --v0-compatible, an error in Rego v1.
const v0Policy = 'package legacy\n\ndeny[msg] {\n  msg := "no"\n}\n';

describe('language server settings per folder (workspace/configuration)', () => {
  let child: RunningServer;
  let connection: MessageConnection;
  const published: PublishedDiagnostics[] = [];
  const asked: string[] = [];
  let versionByFolder: Record<string, string> = { [legacyFolder]: 'v0', [currentFolder]: 'v1' };

  async function diagnosticsFor(uri: string, since: number, description: string): Promise<PublishedDiagnostics> {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const found = published.slice(since).reverse().find((entry) => entry.uri === uri);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no diagnostics published for ${description}`);
  }

  function register(connection: MessageConnection): void {
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishedDiagnostics) => published.push(params));
    connection.onNotification('window/logMessage', () => undefined);
    connection.onRequest('workspace/configuration', (params: { items: { scopeUri?: string; section?: string }[] }) =>
      params.items.map((item) => {
        asked.push(item.scopeUri ?? '');
        const folder = Object.keys(versionByFolder).find((prefix) => item.scopeUri?.startsWith(prefix));
        return { regoVersion: folder ? versionByFolder[folder] : 'v1', diagnostics: { debounceMs: 0 } };
      }),
    );
  }

  before(async () => {
    await ensureBuilt([serverPath]);
    child = startServer({ setup: register });
    connection = child.connection;
    await connection.sendRequest('initialize', { processId: null, rootUri: null, capabilities: { workspace: { configuration: true } } });
    await connection.sendNotification('initialized', {});
  });

  after(async () => {
    await child?.stop();
  });

  it('reads each document with the Rego version of its own folder', async () => {
    const mark = published.length;
    const legacyUri = `${legacyFolder}/policy.rego`;
    const currentUri = `${currentFolder}/policy.rego`;
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: legacyUri, languageId: 'rego', version: 1, text: v0Policy } });
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: currentUri, languageId: 'rego', version: 1, text: v0Policy } });
    const legacy = await diagnosticsFor(legacyUri, mark, 'the v0 folder');
    const current = await diagnosticsFor(currentUri, mark, 'the v1 folder');
    assert.deepEqual(legacy.diagnostics, [], 'v0 accepts deny[msg] { ... }');
    assert.ok(current.diagnostics.some((diagnostic) => /`contains` keyword is required/.test(diagnostic.message)), JSON.stringify(current.diagnostics));
    assert.ok(asked.includes(legacyUri) && asked.includes(currentUri), `settings were asked per document: ${asked.join(', ')}`);
  });

  it('asks again after the configuration changes', async () => {
    versionByFolder = { [legacyFolder]: 'v1', [currentFolder]: 'v1' };
    const mark = published.length;
    await connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const legacyUri = `${legacyFolder}/policy.rego`;
    const deadline = Date.now() + 15_000;
    let latest: PublishedDiagnostics | undefined;
    while (Date.now() < deadline) {
      latest = published.slice(mark).reverse().find((entry) => entry.uri === legacyUri);
      if (latest && latest.diagnostics.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.ok(latest && latest.diagnostics.some((diagnostic) => /`contains` keyword is required/.test(diagnostic.message)), JSON.stringify(latest));
  });
});
