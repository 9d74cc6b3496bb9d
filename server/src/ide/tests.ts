/**
 * Test rules as an editor lists them, as the test runner (testing/runner.ts) finds them: a rule whose
 * name has a part starting with `test_` is a test, and `todo_test_` one that is skipped. Pure: a parsed module in, the
 * tests it defines out, with the range of their heads; running them is the test runner's job.
 */
import type { Module, Range } from '../ast/nodes';
import { groundPrefix, packagePathOf, segmentName } from './symbols';
import { testRef } from '../testing/names';

export interface TestDefinition {
  file: string;
  /** The package, dotted: `app.authz`. */
  packageName: string;
  name: string;
  /** The test's document: `['data', 'app', 'authz', 'test_allow']`. */
  path: string[];
  /** The head of its first definition. */
  range: Range;
  /** `todo_test_*`: skipped when tests run. */
  todo: boolean;
}

export function testsOf(module: Module, file: string): TestDefinition[] {
  const packageNode = module.package;
  if (!packageNode) return [];
  const packagePath = packagePathOf(packageNode).slice(1);
  const tests = new Map<string, TestDefinition>();
  for (const rule of module.rules) {
    // As the test runner finds them: any part of the head's name may start the test (`cases.test_x`);
    // defaults are not tests, and a test defined twice is listed once.
    if (rule.default) continue;
    const test = testRef(groundPrefix(rule.head.ref).map(segmentName));
    if (!test) continue;
    const name = test.ref.join('.');
    if (tests.has(name)) continue;
    tests.set(name, { file, packageName: packagePath.join('.'), name, path: ['data', ...packagePath, ...test.ref], range: rule.head.range, todo: test.skip });
  }
  return [...tests.values()];
}
