// The example workspace's tests give the same results through the language server (what the Test
// Explorer shows) as through `node dist/cli.js test --format json` (what CI runs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureBuilt, projectRoot } from '../support/build';
import { startServer } from '../support/lsp-server';

const example = join(projectRoot, 'example');

test('the example workspace\'s tests agree between the language server and the CLI', async () => {
  await ensureBuilt([join(projectRoot, 'dist', 'server.js'), join(projectRoot, 'dist', 'cli.js')]);
  const cli = spawnSync(process.execPath, [join(projectRoot, 'dist', 'cli.js'), 'test', '--format', 'json', example], { encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  const fromCli = (JSON.parse(cli.stdout) as { package: string; name: string; fail?: boolean; skip?: boolean; error?: unknown }[])
    .map((result) => [result.package, result.name, result.error ? 'ERROR' : result.fail ? 'FAIL' : result.skip ? 'SKIPPED' : 'PASS'])
    .sort();

  const server = startServer();
  const { connection } = server;
  try {
    const folderUri = pathToFileURL(example).href;
    await connection.sendRequest('initialize', { processId: process.pid, rootUri: folderUri, workspaceFolders: [{ uri: folderUri, name: 'example' }], capabilities: {}, initializationOptions: { trusted: true } });
    connection.sendNotification('initialized', {});
    const report = (await connection.sendRequest('workspace/executeCommand', { command: 'rego.runTests', arguments: [{ folderUri }] })) as { results: { package: string; name: string; outcome: string }[] };
    const fromServer = report.results.map((result) => [result.package, result.name, result.outcome]).sort();
    assert.deepEqual(fromServer, fromCli);
    assert.ok(fromServer.length >= 4, JSON.stringify(fromServer));
  } finally {
    await server.stop();
  }
});
