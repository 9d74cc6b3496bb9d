// The language server as an editor drives it: `node dist/server.js --stdio` in a child process,
// spoken to over JSON-RPC with vscode-jsonrpc. The tests follow one stretch of editing: open a policy
// with two mistakes, fix them one incremental edit at a time, close it, send it requests and
// notifications it does not know, a very large document and a configuration change, and shut it
// down. Every wait has a time limit, and the process is killed at the end whatever happened.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createMessageConnection, ErrorCodes, ResponseError, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';

import { ensureBuilt, projectRoot } from '../support/build';
const serverPath = join(projectRoot, 'dist', 'server.js');

// Building: shared by the suites that run the bundles, which may run in parallel. A lock folder
// keeps two test files from writing the bundles at once (or running one while it is written).


// LSP shapes used here (the protocol's own, written out to keep to vscode-jsonrpc).

interface Position {
  line: number;
  character: number;
}
interface Range {
  start: Position;
  end: Position;
}
interface Diagnostic {
  range: Range;
  message: string;
  code?: string | number;
  source?: string;
  severity?: number;
}
interface PublishDiagnosticsParams {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
}

const SEVERITY_ERROR = 1;
const TEXT_DOCUMENT_SYNC_INCREMENTAL = 2;

/**
 * `⟦` and `⟧` mark the start and the end of an expected diagnostic; they are removed. Returns the
 * text and the LSP ranges (0-based lines, characters in UTF-16 code units) of the marked spans.
 */
function marked(source: string): { text: string; ranges: Range[] } {
  let text = '';
  const starts: number[] = [];
  const spans: [number, number][] = [];
  for (const character of source) {
    if (character === '⟦') starts.push(text.length);
    else if (character === '⟧') spans.push([starts.shift()!, text.length]);
    else text += character;
  }
  const document = TextDocument.create('file:///marked.rego', 'rego', 0, text);
  return { text, ranges: spans.map(([start, end]) => ({ start: document.positionAt(start), end: document.positionAt(end) })) };
}

/** Every `textDocument/publishDiagnostics` received, and waits for one that matches. */
class Published {
  private readonly received: PublishDiagnosticsParams[] = [];
  private readonly listeners = new Set<() => void>();

  add(params: PublishDiagnosticsParams): void {
    this.received.push(params);
    for (const listener of [...this.listeners]) listener();
  }

  /** A mark to wait for notifications received after it. */
  mark(): number {
    return this.received.length;
  }

  since(mark: number, uri: string): PublishDiagnosticsParams[] {
    return this.received.slice(mark).filter((params) => params.uri === uri);
  }

  wait(uri: string, since: number, predicate: (params: PublishDiagnosticsParams) => boolean, what: string, timeoutMs = 10_000): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.since(since, uri).find(predicate);
        if (found) {
          done();
          resolve(found);
        }
        return found !== undefined;
      };
      const timer = setTimeout(() => {
        done();
        const seen = this.since(since, uri).map((params) => `version ${params.version}: ${JSON.stringify(params.diagnostics.map((d) => [d.range.start, d.message]))}`);
        reject(new Error(`no diagnostics for ${what} within ${timeoutMs} ms; received for ${uri}:\n${seen.join('\n') || '(nothing)'}`));
      }, timeoutMs);
      const listener = (): void => void check();
      const done = (): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
      check();
    });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const brief = (diagnostics: Diagnostic[]): string => JSON.stringify(diagnostics.map((d) => ({ range: d.range, message: d.message })), null, 1);

describe('language server over stdio (node dist/server.js --stdio)', () => {
  let child: ChildProcessWithoutNullStreams | undefined;
  let connection: MessageConnection | undefined;
  let stderr = '';
  /** `window/logMessage` messages, in order. */
  const logs: string[] = [];
  const published = new Published();
  let exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  const mainUri = 'file:///workspace/demo.rego';
  const otherUri = 'file:///workspace/other.rego';
  const legacyUri = 'file:///workspace/legacy.rego';
  const bigUri = 'file:///workspace/big.rego';

  // The editor's copy of the main document, kept in step with the changes sent.
  let mirror: TextDocument;

  const rpc = (): MessageConnection => {
    assert.ok(connection, 'the server was started');
    return connection;
  };

  function open(uri: string, text: string, version = 1): void {
    void rpc().sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'rego', version, text } });
  }

  function change(uri: string, version: number, contentChanges: ({ range: Range; text: string } | { text: string })[]): void {
    void rpc().sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
  }

  /** Applies incremental changes to the mirror and sends them; returns the mark to wait from. */
  function editMain(changes: { range: Range; text: string }[]): number {
    const mark = published.mark();
    mirror = TextDocument.update(mirror, changes, mirror.version + 1);
    change(mainUri, mirror.version, changes);
    return mark;
  }

  function assertAlive(): void {
    assert.ok(child && child.exitCode === null && child.signalCode === null, `the server is running (exit ${child?.exitCode}, signal ${child?.signalCode})\n${stderr}`);
  }

  before(async () => {
    await ensureBuilt([serverPath]);
    child = spawn(process.execPath, [serverPath, '--stdio'], { cwd: projectRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    exit = new Promise((resolve) => child!.on('exit', (code, signal) => resolve({ code, signal })));
    connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => published.add(params));
    connection.onNotification('window/logMessage', (params: { message: string }) => {
      logs.push(params.message);
      stderr += `[log] ${params.message}\n`;
    });
    connection.onRequest(() => null);
    connection.onError(() => undefined);
    connection.listen();
  });

  after(async () => {
    connection?.dispose();
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await withTimeout(exit, 5_000, 'killing the server').catch(() => undefined);
    }
  });

  it('initialize: announces incremental document sync', async () => {
    const result = (await withTimeout(
      rpc().sendRequest('initialize', { processId: null, rootUri: null, workspaceFolders: null, capabilities: { textDocument: { publishDiagnostics: { versionSupport: true } } } }),
      15_000,
      'initialize',
    )) as { capabilities: { textDocumentSync?: number | { change?: number; openClose?: boolean } } };
    const sync = result.capabilities.textDocumentSync;
    const kind = typeof sync === 'number' ? sync : sync?.change;
    assert.equal(kind, TEXT_DOCUMENT_SYNC_INCREMENTAL, `textDocumentSync: ${JSON.stringify(sync)}`);
    void rpc().sendNotification('initialized', {});
  });

  it('didOpen: publishes two independent syntax errors with their LSP ranges', async () => {
    const { text, ranges } = marked(
      [
        'package demo',
        '',
        '# The emoji counts as two UTF-16 code units: 👋',
        'names := ["a", "👋" ⟦"b"⟧]',
        '',
        'allow if {',
        '\tinput.user == "👋" ⟦)⟧',
        '}',
        '',
        'size := count(names)',
        '',
      ].join('\n'),
    );
    mirror = TextDocument.create(mainUri, 'rego', 1, text);
    const mark = published.mark();
    open(mainUri, text, 1);
    const params = await published.wait(mainUri, mark, (p) => p.version === 1, 'the opened document');
    assert.equal(params.diagnostics.length, 2, brief(params.diagnostics));
    const [first, second] = [...params.diagnostics].sort((a, b) => a.range.start.line - b.range.start.line);
    assert.deepEqual(first.range, ranges[0], 'the missing comma, at "b"');
    assert.deepEqual(second.range, ranges[1], 'the stray parenthesis');
    assert.match(second.message, /unexpected '\)'/);
    for (const diagnostic of params.diagnostics) {
      assert.equal(diagnostic.code, 'rego_parse_error');
      assert.equal(diagnostic.source, 'rego');
      assert.equal(diagnostic.severity, SEVERITY_ERROR);
      assert.ok(diagnostic.message.length > 0);
    }
  });

  it('didChange: an incremental edit fixing one error leaves the other in place', async () => {
    const opened = await published.wait(mainUri, 0, (p) => p.version === 1, 'the opened document');
    const [comma, paren] = [...opened.diagnostics].sort((a, b) => a.range.start.line - b.range.start.line);
    const mark = editMain([{ range: paren.range, text: '' }]);
    const params = await published.wait(mainUri, mark, (p) => p.version === mirror.version, `version ${mirror.version}`);
    assert.equal(params.diagnostics.length, 1, brief(params.diagnostics));
    assert.deepEqual(params.diagnostics[0].range, comma.range);
    assert.equal(params.diagnostics[0].message, comma.message);
  });

  it('didChange: fixing the last error publishes empty diagnostics', async () => {
    const at = mirror.positionAt(mirror.getText().indexOf('"b"'));
    const mark = editMain([{ range: { start: at, end: at }, text: ', ' }]);
    const params = await published.wait(mainUri, mark, (p) => p.version === mirror.version, `version ${mirror.version}`);
    assert.deepEqual(params.diagnostics, [], brief(params.diagnostics));
  });

  it('didChange: several changes in one notification apply in order', async () => {
    // The second change is located in the text that the first change produces.
    const end = mirror.positionAt(mirror.getText().length);
    const insertion = 'ports := “80”\n';
    const line = end.line;
    const mark = editMain([
      { range: { start: end, end }, text: insertion },
      { range: { start: { line, character: 'ports := '.length }, end: { line, character: 'ports := “80”'.length } }, text: '[80 443]' },
    ]);
    assert.ok(mirror.getText().endsWith('ports := [80 443]\n'), mirror.getText());
    const params = await published.wait(mainUri, mark, (p) => p.version === mirror.version, `version ${mirror.version}`);
    assert.equal(params.diagnostics.length, 1, brief(params.diagnostics));
    assert.deepEqual(params.diagnostics[0].range.start, { line, character: 'ports := [80 '.length });
  });

  it('didClose: publishes empty diagnostics for the closed document', async () => {
    const mark = published.mark();
    void rpc().sendNotification('textDocument/didClose', { textDocument: { uri: mainUri } });
    const params = await published.wait(mainUri, mark, () => true, 'the closed document');
    assert.deepEqual(params.diagnostics, []);
  });

  it('an unknown request gets a JSON-RPC error, and the server keeps working', async () => {
    await assert.rejects(withTimeout(rpc().sendRequest('rego/doesNotExist', { anything: 1 }), 10_000, 'rego/doesNotExist'), (error: unknown) => {
      assert.ok(error instanceof ResponseError, `a JSON-RPC error response, got ${String(error)}`);
      assert.equal(error.code, ErrorCodes.MethodNotFound);
      return true;
    });
    const mark = published.mark();
    open(otherUri, 'package other\n\nx := [1 2]\n', 1);
    const params = await published.wait(otherUri, mark, (p) => p.version === 1, 'a document opened after the unknown request');
    assert.equal(params.diagnostics.length, 1, brief(params.diagnostics));
    assert.deepEqual(params.diagnostics[0].range.start, { line: 2, character: 8 });
  });

  it('notifications with garbage parameters do not kill it', async () => {
    const rpcConnection = rpc();
    void rpcConnection.sendNotification('textDocument/didOpen', { garbage: true });
    void rpcConnection.sendNotification('textDocument/didOpen', { textDocument: { uri: 42, text: null } });
    void rpcConnection.sendNotification('textDocument/didChange', { textDocument: { uri: 'file:///never-opened.rego', version: 3 }, contentChanges: 'not an array' });
    void rpcConnection.sendNotification('textDocument/didChange', { textDocument: { uri: otherUri, version: 2 }, contentChanges: [{ range: { start: { line: -5 }, end: null }, text: 7 }] });
    void rpcConnection.sendNotification('textDocument/didClose', null);
    void rpcConnection.sendNotification('workspace/didChangeConfiguration', { settings: 'nonsense' });
    void rpcConnection.sendNotification('rego/unknownNotification', [1, 2, 3]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assertAlive();
    // It still answers: the other document is edited (replaced whole) and checked again.
    const mark = published.mark();
    change(otherUri, 10, [{ text: 'package other\n\nx := [1, 2]\ny := {\n' }]);
    const params = await published.wait(otherUri, mark, (p) => p.version === 10, 'the other document after the garbage');
    assert.equal(params.diagnostics.length, 1, brief(params.diagnostics));
    assert.match(params.diagnostics[0].message, /never closed|expected/);
    assertAlive();
  });

  it('a didOpen whose text is not a string is not kept as a document that fails every check', async () => {
    const mark = logs.length;
    void rpc().sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///workspace/null-text.rego', languageId: 'rego', version: 1, text: null } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assertAlive();
    const failures = logs.slice(mark).filter((message) => message.includes('Error') || message.includes('    at '));
    assert.deepEqual(failures, [], 'no internal error is logged');
  });

  it('handles a 2 MB document', { timeout: 120_000 }, async (t) => {
    const lines = ['package big', ''];
    let size = 0;
    for (let i = 0; size < 2 * 1024 * 1024; i++) {
      const line = `rule_${i} := {"key": [${i}, ${i + 1}, ${i + 2}], "text": "some text for rule ${i}"}`;
      lines.push(line);
      size += line.length + 1;
    }
    const { text, ranges } = marked(`${lines.join('\n')}\ntail := [1 ⟦2⟧]\n`);
    const mark = published.mark();
    const started = performance.now();
    open(bigUri, text, 1);
    const params = await published.wait(bigUri, mark, (p) => p.version === 1, 'the 2 MB document', 90_000);
    t.diagnostic(`${(text.length / 1024 / 1024).toFixed(1)} MB, ${lines.length} lines: diagnostics after ${(performance.now() - started).toFixed(0)} ms`);
    assert.equal(params.diagnostics.length, 1, brief(params.diagnostics));
    assert.deepEqual(params.diagnostics[0].range, ranges[0]);
    const closed = published.mark();
    void rpc().sendNotification('textDocument/didClose', { textDocument: { uri: bigUri } });
    assert.deepEqual((await published.wait(bigUri, closed, () => true, 'the closed 2 MB document')).diagnostics, []);
  });

  it('workspace/didChangeConfiguration: regoVersion v0 accepts v0 syntax, v1 rejects it again', async () => {
    let mark = published.mark();
    open(legacyUri, 'package legacy\n\np[x] { x := 1 }\n', 1);
    const v1 = await published.wait(legacyUri, mark, (p) => p.version === 1, 'the v0 document under v1');
    assert.ok(v1.diagnostics.length > 0, 'v1 rejects p[x] { ... }');
    assert.ok(v1.diagnostics.some((d) => /`contains` keyword is required|`if` keyword is required/.test(d.message)), brief(v1.diagnostics));

    mark = published.mark();
    void rpc().sendNotification('workspace/didChangeConfiguration', { settings: { rego: { regoVersion: 'v0' } } });
    await published.wait(legacyUri, mark, (p) => p.diagnostics.length === 0, 'the v0 document under v0');

    mark = published.mark();
    void rpc().sendNotification('workspace/didChangeConfiguration', { settings: { rego: { regoVersion: 'v1' } } });
    await published.wait(legacyUri, mark, (p) => p.diagnostics.length > 0, 'the v0 document under v1 again');
  });

  it('rego.diagnostics.debounceMs delays the diagnostics of an edit', async () => {
    const debounceMs = 1_000;
    let mark = published.mark();
    void rpc().sendNotification('workspace/didChangeConfiguration', { settings: { rego: { diagnostics: { debounceMs } } } });
    await published.wait(legacyUri, mark, () => true, 'the documents checked again after the configuration change');

    mark = published.mark();
    const started = performance.now();
    change(otherUri, 11, [{ range: { start: { line: 3, character: 5 }, end: { line: 3, character: 6 } }, text: '{}' }]);
    await new Promise((resolve) => setTimeout(resolve, debounceMs / 2));
    assert.deepEqual(published.since(mark, otherUri), [], 'nothing is published before the delay');
    const params = await published.wait(otherUri, mark, (p) => p.version === 11, 'the edit after the delay', debounceMs + 10_000);
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= debounceMs * 0.9, `published after ${elapsed.toFixed(0)} ms`);
    assert.deepEqual(params.diagnostics, [], `y := {} is valid: ${brief(params.diagnostics)}`);
  });

  it('shutdown and exit end the process with code 0', async () => {
    assertAlive();
    const result = await withTimeout(rpc().sendRequest('shutdown'), 10_000, 'shutdown');
    assert.equal(result, null);
    void rpc().sendNotification('exit');
    const { code, signal } = await withTimeout(exit, 10_000, 'exit');
    assert.equal(signal, null);
    assert.equal(code, 0, stderr);
  });
});
