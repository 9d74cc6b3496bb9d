/**
 * `npm run conformance -- DIR...`: runs evaluation cases in OPA's conformance format and prints each
 * failure with its note and a diff, then `N passed, N failed` (and `, N skipped` when any).
 * `--quiet` prints only the summary and per-folder counts; `--json FILE` writes per-folder counts.
 */
import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { findCaseFiles, readCases, runCase } from '../test/conformance/cases.js';

const args = process.argv.slice(2);
const quiet = args.includes('--quiet');
const jsonIndex = args.indexOf('--json');
const jsonFile = jsonIndex >= 0 ? args[jsonIndex + 1] : undefined;
const paths = args.filter((arg, index) => !arg.startsWith('--') && (jsonIndex < 0 || index !== jsonIndex + 1));
if (paths.length === 0) {
  console.error('usage: npm run conformance -- [--quiet] [--json FILE] DIR...');
  process.exit(2);
}

let passed = 0;
let failed = 0;
let skipped = 0;
const perFolder = new Map<string, { passed: number; failed: number }>();
for (const file of findCaseFiles(paths)) {
  const folder = dirname(file).split('/').pop() ?? file;
  const counts = perFolder.get(folder) ?? { passed: 0, failed: 0 };
  perFolder.set(folder, counts);
  for (const testCase of readCases(file)) {
    const outcome = runCase(testCase);
    if (outcome.skipped) skipped++;
    else if (outcome.passed) {
      passed++;
      counts.passed++;
    } else {
      failed++;
      counts.failed++;
      if (!quiet) console.log(`FAIL ${testCase.note} (${testCase.file})\n     ${outcome.detail}\n`);
    }
  }
}
if (quiet) {
  for (const [folder, counts] of [...perFolder].sort()) if (counts.failed > 0) console.log(`${folder}: ${counts.passed} passed, ${counts.failed} failed`);
}
if (jsonFile) writeFileSync(jsonFile, JSON.stringify(Object.fromEntries(perFolder), null, 2) + '\n');
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
