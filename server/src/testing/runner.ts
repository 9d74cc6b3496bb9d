/**
 * The test runner behind `rego-lens test`, following `opa test`: rules whose name (any part of the
 * head's ground prefix) starts with `test_` are tests, `todo_test_` ones are skipped, and each
 * definition runs on its own under a time budget. Results carry what a person needs to fix a failure:
 * the failing expression, its row and the test's print() output. Coverage lives in coverage.ts; reading
 * files from disk does not live here (the CLI loads paths and hands over modules and data).
 */
import { RE2JS } from 're2js';
import { Engine, type DocumentResult, type EvaluateOptions, type LocatedError, type SourceFile } from '../eval/engine.js';
import type { Rule } from '../eval/ir.js';
import { visitExprTerms, visitVars } from '../analysis/compile.js';
import { LineIndex } from '../syntax/line-index.js';
import { ObjectValue, type Value } from '../value/value.js';
import { CoverageCollector, type CoverageReport } from './coverage.js';
import { describeFailure } from '../eval/explanation.js';
import { testRef } from './names.js';

export type TestOutcome = 'PASS' | 'FAIL' | 'SKIPPED' | 'ERROR';

export interface TestResult {
  /** `data.pkg`, as OPA prints the package. */
  package: string;
  /** The head's ground prefix below the package (`test_x`, `a.test_x`); `#01` marks later duplicates. */
  name: string;
  file: string;
  row: number;
  col: number;
  durationMs: number;
  outcome: TestOutcome;
  /** For failures: the first expression that never succeeded, when the engine can tell. */
  failedAt?: { text: string; file: string; row: number; col: number; message: string };
  error?: LocatedError;
  printed: string[];
}

export interface RunOptions {
  /** A regular expression (RE2) over `data.pkg.test_name`; tests that do not match are not run. */
  run?: string;
  /** Per-test time budget in milliseconds (OPA's default is 5 s). */
  timeoutMs?: number;
  coverage?: boolean;
  strictBuiltinErrors?: boolean;
  environment?: EvaluateOptions['environment'];
}

export interface RunReport {
  results: TestResult[];
  /** Parse and compile errors of the modules; when present, no test ran. */
  errors: LocatedError[];
  coverage?: CoverageReport;
}

interface Discovered {
  rule: Rule;
  package: string;
  name: string;
  skip: boolean;
  /** The test's document: the rule's path up to the part named test_ (what OPA queries). */
  path: string[];
  /** Constant parts of the rule's name after the test's own part (`test_x.group[k]` has ["group"]). */
  casePrefix: string[];
}

/** The tests among the compiled rules, in OPA's order: files by name, rules in source order. */
function discover(engine: Engine): Discovered[] {
  const packages = new Map<string, string[]>();
  for (const { file, module } of engine.modules()) {
    const path = module.package?.path.slice(1).map((part) => (part.type === 'string' ? String(part.value) : '')) ?? [];
    packages.set(file, path);
  }
  const rules = [...engine.compiledRules()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.range.start - b.range.start));
  const found: Discovered[] = [];
  // As OPA's rewriteDuplicateTestNames: the second definition of data.p.test_x is test_x#01, and so on.
  const seen = new Map<string, number>();
  for (const rule of rules) {
    if (rule.isDefault) continue;
    const packagePath = packages.get(rule.file) ?? [];
    const below = rule.path.slice(1 + packagePath.length);
    const test = testRef(below);
    if (!test) continue;
    const path = ['data', ...packagePath, ...test.ref];
    const key = path.join('.');
    const count = seen.get(key) ?? 0;
    seen.set(key, count + 1);
    let name = test.ref.join('.');
    if (count > 0 && !test.skip) name = `${name}#${String(count).padStart(2, '0')}`;
    found.push({ rule, package: ['data', ...packagePath].join('.'), name, skip: test.skip, path, casePrefix: below.slice(test.ref.length) });
  }
  return found;
}

/** Whether a test's value passes: as OPA's runner, only `true` does. */
function passes(value: Value | undefined): boolean {
  return value === true;
}

/**
 * A partial object test (`test_x[case] if { ... }`) passes when every value in it is `true` and every
 * case the body reached also produced a value, as `opa test` judges its test cases: OPA marks a case as
 * entered once the variables of its key are bound, and a case entered whose body then fails is a failure.
 */
function casesPass(engine: Engine, test: Discovered, value: Value | undefined, options: EvaluateOptions): boolean {
  if (!(value instanceof ObjectValue)) return false;
  const allTrue = (entry: Value): boolean => (entry instanceof ObjectValue ? [...entry.values()].every(allTrue) : entry === true);
  if (!allTrue(value)) return false;
  const reached = engine.reachedKeys(test.rule, caseEntry(test.rule), options);
  return reached.every((keys) => {
    let at: Value | undefined = value;
    for (const key of [...test.casePrefix, ...keys]) at = at instanceof ObjectValue ? at.get(key) : undefined;
    return at !== undefined;
  });
}

/** How many expressions of the body run before a case counts as entered: up to the first use of each key variable. */
function caseEntry(rule: Rule): number {
  const names = new Set<string>();
  for (const term of rule.suffix) visitVars(term, (name) => names.add(name));
  let cut = 0;
  for (const name of names) {
    const first = rule.body.findIndex((expr) => {
      let found = false;
      visitExprTerms(expr, (term) => visitVars(term, (seen) => (found ||= seen === name)));
      return found;
    });
    cut = Math.max(cut, first + 1);
  }
  return cut;
}

/** Runs the tests of an engine that has its modules and data set. */
export function runTests(engine: Engine, options: RunOptions = {}): RunReport {
  const errors = engine.errors();
  if (errors.length > 0) return { results: [], errors };
  const filter = options.run ? RE2JS.compile(options.run) : undefined;
  const texts = new Map(engine.modules().map(({ file, text }) => [file, text]));
  const lineIndexes = new Map<string, LineIndex>();
  const position = (file: string, offset: number): { row: number; col: number } => {
    let index = lineIndexes.get(file);
    if (!index) {
      index = new LineIndex(texts.get(file) ?? '');
      lineIndexes.set(file, index);
    }
    const { line, column } = index.position(offset);
    return { row: line, col: column };
  };
  const collector = options.coverage ? new CoverageCollector() : undefined;
  const evaluateOptions: EvaluateOptions = {
    timeoutMs: options.timeoutMs ?? 5_000,
    strictBuiltinErrors: options.strictBuiltinErrors,
    environment: options.environment,
    coverage: collector?.hook(),
  };
  const results: TestResult[] = [];
  for (const test of discover(engine)) {
    if (filter && !filter.matcher(`${test.package}.${test.name}`).find()) continue;
    const { row, col } = position(test.rule.file, test.rule.range.start);
    const result: TestResult = { package: test.package, name: test.name, file: test.rule.file, row, col, durationMs: 0, outcome: 'SKIPPED', printed: [] };
    results.push(result);
    if (test.skip) continue;
    let document: DocumentResult;
    if (test.rule.kind === 'complete' && test.casePrefix.length === 0) {
      document = engine.evaluateDefinition(test.rule, evaluateOptions);
    } else if (test.rule.kind === 'function') {
      result.outcome = 'ERROR';
      result.error = { code: 'rego_type_error', message: `test ${test.package}.${test.name} is a function; tests take no arguments`, file: test.rule.file, location: { file: test.rule.file, row, col } };
      continue;
    } else {
      document = engine.evaluateDocument(test.path, evaluateOptions);
    }
    result.durationMs = document.durationMs;
    result.printed = document.printed.map((line) => line.text);
    const strictError = options.strictBuiltinErrors ? document.builtinErrors[0] : undefined;
    if (document.errors.length > 0 || strictError) {
      result.outcome = 'ERROR';
      result.error = document.errors[0] ?? strictError;
    } else if (test.rule.kind === 'object' ? casesPass(engine, test, document.value, evaluateOptions) : passes(document.value)) {
      result.outcome = 'PASS';
    } else {
      result.outcome = 'FAIL';
      const failure = document.explanation[0];
      if (failure) {
        const text = (texts.get(failure.file) ?? '').slice(failure.range.start, failure.range.end);
        const message = describeFailure(failure, (file) => texts.get(file)).message;
        result.failedAt = { text: `${failure.negated && !text.startsWith('not ') ? 'not ' : ''}${text}`, file: failure.file, ...position(failure.file, failure.range.start), message };
      }
    }
  }
  const report: RunReport = { results, errors: [] };
  if (collector) report.coverage = collector.report(engine, position);
  return report;
}

/** Sets up an engine from loaded modules and data and runs its tests. */
export function runTestsOn(modules: SourceFile[], data: Value, options: RunOptions & { regoVersion?: 'v0' | 'v1' } = {}): RunReport {
  const engine = new Engine({ regoVersion: options.regoVersion });
  engine.setModules(modules);
  engine.setData(data);
  return runTests(engine, options);
}
