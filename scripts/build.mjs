// Bundles the three entry points with esbuild:
// dist/extension.js (VS Code client), dist/server.js (language server) with dist/evaluation-worker.js,
// dist/cli.js (command-line tool); and the playground's web page, dist/playground/page.js and page.css.
import * as esbuild from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
};

const builds = [
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { entryPoints: ['server/src/main.ts'], outfile: 'dist/server.js' },
  // Evaluation runs in a worker thread of the server, loaded from this file next to dist/server.js.
  { entryPoints: ['server/src/lsp/evaluation-worker.ts'], outfile: 'dist/evaluation-worker.js' },
  { entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // The playground's page runs in a webview, a browser: one script with CodeMirror inside, and its stylesheet.
  ...['client/src/playground-page/main.ts', 'client/src/playground-page/page.css'].map((entry) => ({
    entryPoints: [entry],
    outfile: entry.endsWith('.css') ? 'dist/playground/page.css' : 'dist/playground/page.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
  })),
];

// The project is an ES module package; the bundles are CommonJS, which VS Code and Node load with require.
mkdirSync('dist', { recursive: true });
writeFileSync('dist/package.json', '{ "type": "commonjs" }\n');

if (watch) {
  for (const options of builds) {
    const context = await esbuild.context({ ...common, ...options });
    await context.watch();
  }
} else {
  await Promise.all(builds.map((options) => esbuild.build({ ...common, ...options })));
}
