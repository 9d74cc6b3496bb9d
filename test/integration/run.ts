/**
 * Runs the integration suite (test/integration/suite) in a desktop VS Code through @vscode/test-electron.
 * The VS Code to use is named by REGO_LENS_VSCODE_EXECUTABLE; without it the suite is skipped, because
 * downloading VS Code is not possible everywhere this runs. `npm run test:integration` builds first.
 * The same suite also runs in the browser VS Code as part of the end-to-end tests.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const executable = process.env.REGO_LENS_VSCODE_EXECUTABLE;

if (!executable) {
  console.log('test:integration skipped: set REGO_LENS_VSCODE_EXECUTABLE to the path of a VS Code executable to run it.');
  process.exit(0);
}

// A fresh profile and a copy of the workspace keep the run independent of the machine's own VS Code.
const scratch = mkdtempSync(join(tmpdir(), 'rego-lens-integration-'));
const workspace = join(scratch, 'workspace');
cpSync(join(root, 'test', 'e2e', 'workspace'), workspace, { recursive: true });

let exitCode = 1;
try {
  exitCode = await runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'dist', 'integration', 'suite.cjs'),
    // runTests adds --disable-workspace-trust, --skip-welcome and the extension test options itself.
    launchArgs: [workspace, '--user-data-dir', join(scratch, 'user-data'), '--extensions-dir', join(scratch, 'extensions')],
  });
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(exitCode);
