// Bundles the integration suite (test/integration/suite) into dist/integration/suite.cjs, the file
// VS Code loads as `extensionTestsPath`. Kept apart from scripts/build.mjs: the extension never ships it.
import * as esbuild from 'esbuild';

await esbuild.build({
  entryPoints: ['test/integration/suite/index.ts'],
  outfile: 'dist/integration/suite.cjs',
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: true,
  external: ['vscode'],
  logLevel: 'warning',
});
