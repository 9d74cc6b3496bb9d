// Completion documentation for clients that resolve it lazily (VS Code does): the list carries no
// documentation for built-ins and rules, and completionItem/resolve writes it for the item shown.
// Clients that do not say so get it in the list.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ensureBuilt } from '../support/build';
import { serverPath, startServer, type RunningServer } from '../support/lsp-server';

const uri = 'untitled:policy.rego';
const TEXT = 'package p\n\n# METADATA\n# title: The limit\nlimit := 3\n\nok if cou\n';

interface Item {
  label: string;
  documentation?: { value: string };
  data?: unknown;
}

async function serve(capabilities: object): Promise<RunningServer> {
  const server = startServer();
  const { connection } = server;
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities });
  connection.sendNotification('initialized', {});
  connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'rego', version: 1, text: TEXT } });
  return server;
}

describe('completion documentation', () => {
  const running: RunningServer[] = [];
  before(() => ensureBuilt([serverPath]));
  after(async () => {
    await Promise.all(running.map((server) => server.stop()));
  });

  it('is written on completionItem/resolve for clients that resolve it', async () => {
    const served = await serve({ textDocument: { completion: { completionItem: { resolveSupport: { properties: ['documentation', 'detail'] } } } } });
    running.push(served);
    const items = (await served.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 6, character: 9 } })) as Item[];
    const count = items.find((item) => item.label === 'count');
    const limit = items.find((item) => item.label === 'limit');
    assert.ok(count && limit, JSON.stringify(items.map((item) => item.label)));
    assert.equal(count.documentation, undefined);
    assert.equal(limit.documentation, undefined);
    const resolvedCount = (await served.connection.sendRequest('completionItem/resolve', count)) as Item;
    assert.match(resolvedCount.documentation?.value ?? '', /Counts the elements/);
    const resolvedLimit = (await served.connection.sendRequest('completionItem/resolve', limit)) as Item;
    assert.match(resolvedLimit.documentation?.value ?? '', /The limit/);
    // An item of an older list is left as it is rather than given another item's documentation.
    await served.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 6, character: 9 } });
    const stale = (await served.connection.sendRequest('completionItem/resolve', { ...limit, data: { list: -1, documentation: 0 } })) as Item;
    assert.equal(stale.documentation, undefined);
  });

  it('comes with the list for clients that do not resolve it', async () => {
    const served = await serve({});
    running.push(served);
    const items = (await served.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 6, character: 9 } })) as Item[];
    assert.match(items.find((item) => item.label === 'count')?.documentation?.value ?? '', /Counts the elements/);
  });
});
