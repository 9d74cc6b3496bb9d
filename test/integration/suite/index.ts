/**
 * Entry point that VS Code loads as `extensionTestsPath`, in the desktop app (test/integration/run.ts)
 * and in the browser VS Code (test/e2e/integration.e2e.ts). Bundled by scripts/build-integration.mjs.
 */
import { runCases } from './runner';
import './diagnostics';

export function run(): Promise<void> {
  return runCases();
}
