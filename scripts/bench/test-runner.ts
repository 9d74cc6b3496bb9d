// Test-runner benchmark: a workspace of 10 generated policies (scripts/bench/generate.ts) with 30 tests
// each, 300 in all, run through the runner API as `rego-lens test` runs them; also with coverage.
// Prints numbers; asserts nothing.
import { Engine } from '../../server/src/eval/engine';
import { runTests, type RunOptions } from '../../server/src/testing/runner';
import { generatePolicy } from './generate';

const PACKAGES = 10;
const TESTS_PER_PACKAGE = 30;

function workspace(): { file: string; text: string }[] {
  const files: { file: string; text: string }[] = [];
  for (let p = 0; p < PACKAGES; p++) {
    files.push({ file: `policy_${p}.rego`, text: generatePolicy(400).replace('package bench.generated', `package bench.p${p}`) });
    const tests = [`package bench.p${p}_test`, '', `import data.bench.p${p} as policy`, ''];
    for (let t = 0; t < TESTS_PER_PACKAGE; t++) {
      const users = `[{"role": "admin_${t % 7}", "groups": ["team-a", "team-b", "team-c", "team-d", "team-e", "team-f"]}]`;
      // Half the tests check allow_N (never true in the generated policy: deny_N is a set, so always defined), half deny_N.
      if (t % 2 === 0) tests.push(`test_not_allowed_${t} if not policy.allow_${t} with input as {"users": ${users}, "request": {"size": 0, "id": "r"}}`);
      else tests.push(`test_deny_${t} if count(policy.deny_${t}) == 1 with input as {"users": ${users}, "request": {"size": 100000, "id": "r"}}`);
    }
    files.push({ file: `policy_${p}_test.rego`, text: `${tests.join('\n')}\n` });
  }
  return files;
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function bench(name: string, options: RunOptions): void {
  const engine = new Engine();
  engine.setModules(workspace());
  const first = runTests(engine, options);
  if (first.errors.length > 0) throw new Error(first.errors.map((error) => error.message).join('; '));
  const passed = first.results.filter((result) => result.outcome === 'PASS').length;
  const samples: number[] = [];
  for (let i = 0; i < 7; i++) {
    const started = performance.now();
    runTests(engine, options);
    samples.push(performance.now() - started);
  }
  console.log(`${name}: median ${median(samples).toFixed(1)} ms for ${first.results.length} tests (${passed} passed; compiled once, before timing)`);
}

bench('run 300 tests', {});
bench('run 300 tests with coverage', { coverage: true });
