// "Evaluate" through the language server, as an editor sees it: the time from `workspace/executeCommand`
// to its answer, for the example workspace and for a generated workspace of 200 policy files, the
// first run (reading and compiling the workspace) and warm runs. Needs `npm run build` first.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

function stats(samples: number[]): { median: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p95: at(0.95) };
}

async function measure(name: string, folder: string, file: string, path: string[]): Promise<void> {
  const server = spawn(process.execPath, ['--max-semi-space-size=64', resolve('dist/server.js'), '--stdio']);
  const connection = createMessageConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
  connection.listen();
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(folder).href, workspaceFolders: [{ uri: pathToFileURL(folder).href, name: 'bench' }], capabilities: {}, initializationOptions: { trusted: true } });
  connection.sendNotification('initialized', {});
  // The server warms its evaluation worker up after start; a person opens a file before clicking.
  await new Promise((resolvePromise) => setTimeout(resolvePromise, 2000));
  const run = async () => {
    const started = performance.now();
    const report = (await connection.sendRequest('workspace/executeCommand', { command: 'rego.evaluate', arguments: [{ uri: pathToFileURL(file).href, path }] })) as { error?: { message: string }; value?: unknown; undefined?: boolean };
    if (report.error) throw new Error(`${name}: ${report.error.message}`);
    return { ms: performance.now() - started, report };
  };
  const first = await run();
  const samples: number[] = [];
  for (let i = 0; i < 30; i++) samples.push((await run()).ms);
  const { median, p95 } = stats(samples);
  const outcome = first.report.undefined ? 'undefined, explained' : JSON.stringify(first.report.value);
  console.log(`${name}: first ${first.ms.toFixed(1)} ms (reads and compiles the workspace), then median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms (${outcome})`);
  connection.dispose();
  server.kill();
}

async function main(): Promise<void> {
await measure('evaluate lens, example workspace (teams.may_approve)', resolve('example'), resolve('example/policies/teams/teams.rego'), ['data', 'teams', 'may_approve']);
await measure('evaluate lens, example workspace (authz.allow)', resolve('example'), resolve('example/policies/authz/authz.rego'), ['data', 'authz', 'allow']);

const generated = mkdtempSync(join(tmpdir(), 'rego-lens-bench-'));
try {
  for (let i = 0; i < 200; i++) {
    const folder = join(generated, 'policies', `service${i}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'policy.rego'), `package service${i}

import data.service${(i + 1) % 200} as next

default allow := false

allow if {
	input.user.role in data.roles.admins
}

allow if {
	some grant in data.grants[input.user.name]
	grant.service == "service${i}"
	grant.action == input.action
}

deny contains msg if {
	not allow
	msg := sprintf("service${i}: %s may not %s", [input.user.name, input.action])
}

summary := {"allow": allow, "deny": count(deny), "next": next.allow}
`);
  }
  writeFileSync(join(generated, 'data.json'), JSON.stringify({ roles: { admins: ['root'] }, grants: { dev: Array.from({ length: 50 }, (_, i) => ({ service: `service${i}`, action: 'read' })) } }));
  writeFileSync(join(generated, 'input.json'), JSON.stringify({ user: { name: 'dev', role: 'developer' }, action: 'read' }));
  await measure('evaluate lens, 200 generated policy files (service7.summary)', generated, join(generated, 'policies', 'service7', 'policy.rego'), ['data', 'service7', 'summary']);
} finally {
  rmSync(generated, { recursive: true, force: true });
}
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
