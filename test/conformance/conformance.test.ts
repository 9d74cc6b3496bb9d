// Evaluation conformance: our own cases (test/cases) must all pass; OPA's suite, read from
// ../shared/opa-conformance/v1 beside the project (or OPA_CONFORMANCE_DIR), must pass at least as many
// cases as the recorded baseline, which only rises. No case may crash the runner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { projectRoot } from '../support/build';
import { findCaseFiles, readCases, runCase, type Outcome } from './cases';

const conformanceDir = resolve(process.env.OPA_CONFORMANCE_DIR ?? join(projectRoot, '..', 'shared', 'opa-conformance', 'v1'));
const baseline = JSON.parse(readFileSync(join(projectRoot, 'test', 'conformance', 'baseline.json'), 'utf8')) as { passed: number };

function runAll(dir: string): Outcome[] {
  return findCaseFiles([dir]).flatMap((file) => readCases(file, projectRoot).map(runCase));
}

function report(outcomes: Outcome[]): string {
  return outcomes
    .filter((outcome) => !outcome.passed)
    .slice(0, 20)
    .map((outcome) => `${outcome.case.note} (${outcome.case.file})\n  ${outcome.detail}`)
    .join('\n');
}

test('our own evaluation cases all pass', () => {
  const outcomes = runAll(join(projectRoot, 'test', 'cases'));
  assert.ok(outcomes.length >= 30, `only ${outcomes.length} cases found`);
  assert.equal(outcomes.filter((outcome) => !outcome.passed).length, 0, report(outcomes));
});

test('OPA conformance cases pass at least at the recorded baseline', (t) => {
  assert.ok(existsSync(conformanceDir), `OPA conformance cases not found at ${conformanceDir}; set OPA_CONFORMANCE_DIR to their folder.`);
  const outcomes = runAll(conformanceDir);
  const passed = outcomes.filter((outcome) => outcome.passed && !outcome.skipped).length;
  const crashed = outcomes.filter((outcome) => outcome.detail?.startsWith('runner crashed'));
  t.diagnostic(`${passed} passed, ${outcomes.length - passed} failed (baseline ${baseline.passed})`);
  assert.deepEqual(crashed.map((outcome) => `${outcome.case.note}: ${outcome.detail}`), [], 'no case crashes the runner');
  assert.ok(passed >= baseline.passed, `conformance dropped below the baseline: ${passed} < ${baseline.passed}\n${report(outcomes)}`);
});
