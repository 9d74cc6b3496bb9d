// Builds the bundles before a suite runs them, when they are older than the sources. Several test files
// run in parallel; a lock folder keeps two of them from writing the bundles at once (or running one while
// it is written).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

function newestSource(): number {
  let newest = 0;
  const visit = (path: string): void => {
    const stats = statSync(path);
    if (stats.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else newest = Math.max(newest, stats.mtimeMs);
  };
  for (const path of ['server/src', 'client/src', 'scripts/build.mjs', 'package.json']) {
    if (existsSync(join(projectRoot, path))) visit(join(projectRoot, path));
  }
  return newest;
}

export async function ensureBuilt(outputs: string[]): Promise<void> {
  const lock = join(tmpdir(), `rego-lens-build-${createHash('sha1').update(projectRoot).digest('hex').slice(0, 12)}.lock`);
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a killed run is taken over after two minutes.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmdirSync(lock);
      } catch {
        // The holder released it meanwhile.
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the build lock ${lock}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    const sources = newestSource();
    const stale = outputs.some((output) => !existsSync(output) || statSync(output).mtimeMs < sources);
    if (!stale) return;
    const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: projectRoot, encoding: 'utf8', timeout: 170_000 });
    assert.equal(build.status, 0, `build failed:\n${build.stdout}\n${build.stderr}`);
  } finally {
    rmdirSync(lock);
  }
}

