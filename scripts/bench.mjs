// `npm run bench`: bundles each benchmark in scripts/bench/ with esbuild (as the product is shipped) and runs it.
// The language server runs with the same V8 flags (see SERVER_NODE_FLAGS in client/src/extension.ts).
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

const benchmarks = ['parse', 'eval', 'evaluate-lsp', 'features-lsp', 'test-runner'];
mkdirSync('.bench', { recursive: true });
// The language-server benchmark runs the built server.
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) process.exit(build.status ?? 1);
for (const name of benchmarks) {
  const outfile = `.bench/${name}.cjs`;
  await esbuild.build({ entryPoints: [`scripts/bench/${name}.ts`], outfile, bundle: true, platform: 'node', format: 'cjs', logLevel: 'warning' });
  console.log(`# ${name}`);
  const result = spawnSync(process.execPath, ['--max-semi-space-size=64', outfile], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
