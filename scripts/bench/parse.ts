// Parser benchmarks: full parse plus diagnostics of a generated 10,000-line policy, throughput over the OPA
// conformance modules, and re-analysis after a one-line edit. Prints numbers; asserts nothing.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ModuleParser } from '../../server/src/ast/parse';
import { documentDiagnostics } from '../../server/src/ide/diagnostics';
import { generatePolicy } from './generate';

function stats(samples: number[]): { median: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p95: at(0.95) };
}

function time(action: () => void): number {
  const start = performance.now();
  action();
  return performance.now() - start;
}

const format = (ms: number) => `${ms.toFixed(2)} ms`;

const policy = generatePolicy(10000);
const lineCount = policy.split('\n').length;

// Full parse and diagnostics, each run with a fresh parser (no reuse).
for (let i = 0; i < 5; i++) documentDiagnostics(new ModuleParser(), policy, { regoVersion: 'v1' });
const full = stats(Array.from({ length: 15 }, () => time(() => documentDiagnostics(new ModuleParser(), policy, { regoVersion: 'v1' }))));
console.log(`full parse + diagnostics, ${lineCount} lines (${(policy.length / 1024).toFixed(0)} KiB): median ${format(full.median)}, p95 ${format(full.p95)}`);

// One-line edits: a keystroke in the middle of the file, then undone, alternating.
const editor = new ModuleParser();
documentDiagnostics(editor, policy, { regoVersion: 'v1' });
const anchor = policy.indexOf('admin_3', Math.floor(policy.length / 2));
const samples: number[] = [];
for (let i = 0; i < 60; i++) {
  const text = i % 2 === 0 ? `${policy.slice(0, anchor)}x${policy.slice(anchor)}` : policy;
  samples.push(time(() => documentDiagnostics(editor, text, { regoVersion: 'v1' })));
}
const edit = stats(samples.slice(10));
console.log(`re-analysis after a one-line edit in the ${lineCount}-line file: median ${format(edit.median)}, p95 ${format(edit.p95)}`);

// Conformance modules.
const root = process.env.OPA_CONFORMANCE_DIR ?? join(process.cwd(), '..', 'shared', 'opa-conformance', 'v1');
const modules: string[] = [];
const walk = (dir: string): void => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.yaml')) {
      const document = parseYaml(readFileSync(path, 'utf8')) as { cases?: { modules?: string[] }[] };
      for (const testCase of document.cases ?? []) modules.push(...(testCase.modules ?? []));
    }
  }
};
try {
  walk(root);
} catch {
  console.log(`conformance modules: not found at ${root}`);
}
if (modules.length > 0) {
  const bytes = modules.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  const run = () => {
    for (const text of modules) documentDiagnostics(new ModuleParser(), text, { regoVersion: 'v1' });
  };
  run();
  const elapsed = stats(Array.from({ length: 5 }, () => time(run)));
  console.log(`conformance modules: ${modules.length} modules, ${(bytes / 1024).toFixed(0)} KiB, median ${format(elapsed.median)} (${(bytes / 1024 / 1024 / (elapsed.median / 1000)).toFixed(2)} MB/s)`);
}

const memory = process.memoryUsage();
console.log(`memory: heap used ${(memory.heapUsed / 1024 / 1024).toFixed(0)} MiB, rss ${(memory.rss / 1024 / 1024).toFixed(0)} MiB`);
