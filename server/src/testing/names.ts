/**
 * Which rules are tests, by OPA's rule: the first part of a rule's name below its package that starts
 * with `test_` (or `todo_test_`, skipped) names the test, and the test is the document up to that part.
 * Shared by the runner and the editor's test listing, so both always see the same tests.
 */
export const TEST_PREFIX = 'test_';
export const SKIP_PREFIX = 'todo_test_';

/** The test a rule belongs to, from the ground parts of its name below the package, or undefined. */
export function testRef(below: readonly string[]): { ref: string[]; skip: boolean } | undefined {
  const index = below.findIndex((part) => part.startsWith(TEST_PREFIX) || part.startsWith(SKIP_PREFIX));
  if (index < 0) return undefined;
  return { ref: below.slice(0, index + 1), skip: below[index].startsWith(SKIP_PREFIX) };
}
