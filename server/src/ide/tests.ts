/**
 * Test rules as an editor lists them: every rule named `test_*` in a package is a test, and
 * `todo_test_*` is one that is skipped, as `opa test` counts them. Pure: a parsed module in, the
 * tests it defines out, with the range of their heads; running them is the test runner's job.
 */
import type { Module, Range } from '../ast/nodes';
import { termText } from '../ast/dump';

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
  const packagePath = packageNode.path.slice(1).map((part) => (part.type === 'string' ? part.value : termText(part)));
  const tests = new Map<string, TestDefinition>();
  for (const rule of module.rules) {
    const first = rule.head.ref[0];
    // A test is a plain rule name; `test_x.y` or `test_x[k]` define documents below a test name.
    if (first?.type !== 'var' || rule.head.ref.length !== 1 || rule.head.args) continue;
    const todo = first.name.startsWith('todo_test_');
    if (!todo && !first.name.startsWith('test_')) continue;
    if (tests.has(first.name)) continue;
    tests.set(first.name, { file, packageName: packagePath.join('.'), name: first.name, path: ['data', ...packagePath, first.name], range: rule.head.range, todo });
  }
  return [...tests.values()];
}
