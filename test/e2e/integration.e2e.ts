// Runs the integration suite (test/integration/suite), written for @vscode/test-electron, inside the
// browser VS Code too, so it runs on machines without a desktop VS Code.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { launchVsCode, PROJECT_ROOT, withTimeout, type VsCode } from './harness';

let vscode: VsCode | undefined;

before(async () => {
  const build = spawnSync(process.execPath, ['scripts/build-integration.mjs'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  assert.equal(build.status, 0, 'scripts/build-integration.mjs failed');
  vscode = await launchVsCode({ workspace: 'test/e2e/workspace', name: 'integration', extensionTests: 'dist/integration/suite.cjs' });
});

after(async () => {
  await vscode?.close();
});

test('the integration suite passes in the browser VS Code', { timeout: 120_000 }, async () => {
  const code = await withTimeout(vscode!.testsExit!, 90_000);
  // The suite reports through the extension host's console, which the workbench forwards to the page.
  const report = vscode!.console.filter((message) => /\b(ok|not ok) - |integration: \d+ passed/.test(message)).join('\n');
  assert.equal(code, 0, `VS Code reported exit code ${code}; suite report:\n${report}`);
  assert.match(report, /integration: [1-9]\d* passed, 0 failed/, 'the suite ran its cases');
});
