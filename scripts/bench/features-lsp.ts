// Editor features through the language server over stdio, as an editor sees them: hover, completion
// and diagnostics latency (median and 95th percentile) on a 5,000-line file and in a workspace of
// 1,000 files, and the server's memory. Needs `npm run build` first (bench.mjs runs it).
// BENCH_SAMPLES=1 prints every sample; BENCH_PROFILE=1 writes the server's CPU profiles to .bench/profile.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { generatePolicy } from './generate';

function stats(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms`;
}

/** The server process's resident memory, read from /proc where there is one. */
function residentMemory(pid: number | undefined): string {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kilobytes = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kilobytes) ? `${(kilobytes / 1024).toFixed(0)} MB resident` : 'unknown';
  } catch {
    return 'unknown (no /proc)';
  }
}

async function measure(name: string, folder: string, file: string, text: string): Promise<void> {
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=.bench/profile'] : [];
  const server = spawn(process.execPath, ['--max-semi-space-size=64', ...profile, resolve('dist/server.js'), '--stdio']);
  const connection = createMessageConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
  const waiting = new Map<string, () => void>();
  connection.onNotification('textDocument/publishDiagnostics', (params: { uri: string; version?: number }) => waiting.get(`${params.uri}#${params.version}`)?.());
  connection.listen();
  // Capabilities as VS Code sends them, where they change what the server does.
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(folder).href, workspaceFolders: [{ uri: pathToFileURL(folder).href, name: 'bench' }], capabilities: { textDocument: { completion: { completionItem: { resolveSupport: { properties: ['documentation'] } } } } }, initializationOptions: { trusted: true } });
  connection.sendNotification('initialized', {});
  const uri = pathToFileURL(file).href;
  const lines = text.split('\n');
  const diagnosticsFor = (version: number) => new Promise<void>((done) => waiting.set(`${uri}#${version}`, done));
  let version = 1;
  const opened = diagnosticsFor(version);
  const openStart = performance.now();
  connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'rego', version, text } });
  await opened;
  const openMs = performance.now() - openStart;
  // Positions on `count(` and `user.role` lines spread over the file.
  const positions: { line: number; character: number }[] = [];
  const step = Math.max(1, Math.floor(lines.length / 30));
  for (let start = 0; start < lines.length; start += step) {
    const line = lines.findIndex((text, index) => index >= start && text.includes('count('));
    if (line < 0) break;
    positions.push({ line, character: lines[line].indexOf('count(') + 2 });
    positions.push({ line: line - 1, character: lines[line - 1].indexOf('user.role') + 1 });
  }
  // A person reads the file before pointing at anything: the server indexes it meanwhile.
  await new Promise((done) => setTimeout(done, 500));
  const hover: number[] = [];
  const completion: number[] = [];
  for (const position of positions) {
    let started = performance.now();
    await connection.sendRequest('textDocument/hover', { textDocument: { uri }, position });
    hover.push(performance.now() - started);
    started = performance.now();
    await connection.sendRequest('textDocument/completion', { textDocument: { uri }, position });
    completion.push(performance.now() - started);
  }
  // Typing: one-character edits in the middle of the file. Completion is asked right after each
  // keystroke, as an editor does while typing; diagnostics are timed from the keystroke to their
  // arrival, with the debounce subtracted (it is a setting, 150 ms by default).
  const diagnostics: number[] = [];
  const typingCompletion: number[] = [];
  const editLine = positions[Math.floor(positions.length / 2)].line;
  for (let i = 0; i < 40; i++) {
    version++;
    const done = diagnosticsFor(version);
    const started = performance.now();
    const inserted = i % 2 === 0;
    connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range: { start: { line: editLine, character: 2 }, end: { line: editLine, character: inserted ? 2 : 3 } }, text: inserted ? 'c' : '' }] });
    const completionStarted = performance.now();
    await connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: editLine, character: inserted ? 3 : 2 } });
    typingCompletion.push(performance.now() - completionStarted);
    await done;
    diagnostics.push(performance.now() - started - 150);
    // The pause between keystrokes of someone typing steadily.
    await new Promise((pause) => setTimeout(pause, 100));
  }
  const memory = residentMemory(server.pid);
  if (process.env.BENCH_SAMPLES) console.log({ hover: hover.map(Math.round), completion: completion.map(Math.round), typingCompletion: typingCompletion.map(Math.round), diagnostics: diagnostics.map(Math.round) });
  console.log(`${name}: open ${openMs.toFixed(0)} ms to first diagnostics; hover ${stats(hover)}; completion ${stats(completion)}; completion while typing ${stats(typingCompletion)}; diagnostics after an edit (debounce excluded) ${stats(diagnostics)}; server memory ${memory}`);
  await connection.sendRequest('shutdown');
  connection.sendNotification('exit');
  await new Promise((done) => server.once('exit', done));
  connection.dispose();
}

async function main(): Promise<void> {
  const big = mkdtempSync(join(tmpdir(), 'rego-lens-bench-big-'));
  const workspace = mkdtempSync(join(tmpdir(), 'rego-lens-bench-ws-'));
  try {
    const text = generatePolicy(5000);
    writeFileSync(join(big, 'policy.rego'), text);
    await measure('5,000-line file', big, join(big, 'policy.rego'), text);
    for (let i = 0; i < 1000; i++) {
      mkdirSync(join(workspace, `team${i % 20}`), { recursive: true });
      writeFileSync(join(workspace, `team${i % 20}`, `policy${i}.rego`), generatePolicy(60).replace('package bench.generated', `package bench.p${i}`));
    }
    const opened = join(workspace, 'team0', 'policy0.rego');
    await measure('workspace of 1,000 files (60 lines each)', workspace, opened, generatePolicy(60).replace('package bench.generated', 'package bench.p0'));
  } finally {
    rmSync(big, { recursive: true, force: true });
    rmSync(workspace, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
