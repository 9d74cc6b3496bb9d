// Runs the test suites with Node's test runner (TypeScript through tsx).
//   npm test            unit suites, then the end-to-end suites in a real (browser) VS Code
//   npm test -- --unit  unit suites only
//   npm test -- --e2e   end-to-end suites only
// Unit suites are files named *.test.ts under test/; end-to-end suites are *.e2e.ts under test/e2e/.
// The end-to-end suites need the extension built and packaged, and a browser VS Code installed:
// this script packages the extension and runs scripts/setup-e2e.sh (quick when all is installed) first.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const onlyUnit = args.includes('--unit');
const onlyE2e = args.includes('--e2e');

function find(dir, suffix) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name !== 'fixtures' && name !== 'node_modules') found.push(...find(full, suffix));
    } else if (name.endsWith(suffix)) found.push(full);
  }
  return found.sort();
}

function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const files = [];
if (!onlyE2e) files.push(...find('test', '.test.ts'));
if (!onlyUnit) {
  run('npm', ['run', '--silent', 'package']);
  run('bash', ['scripts/setup-e2e.sh']);
  files.push(...find(join('test', 'e2e'), '.e2e.ts'));
} else {
  run('npm', ['run', '--silent', 'build']);
}

const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
