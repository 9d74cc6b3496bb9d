/**
 * Runs evaluation cases written in OPA's conformance format (`modules`, `data`, `input`,
 * `input_term`, `query`, `want_result`, `want_error_code`, `want_error`, `strict_error`,
 * `sort_bindings`) through the engine, and reports each case as passed or failed with a diff.
 * Used by `npm run conformance` over OPA's suite and by the tests over our own cases.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Engine } from '../../server/src/eval/engine.js';
import { ObjectValue, fromJS, toJS, toJSON, type Value } from '../../server/src/value/value.js';

export interface Case {
  note: string;
  file: string;
  modules?: string[];
  data?: unknown;
  input?: unknown;
  input_term?: string;
  query: string;
  want_result?: Record<string, unknown>[];
  want_error_code?: string;
  want_error?: string;
  strict_error?: boolean;
  sort_bindings?: boolean;
  skip?: boolean;
  /** Our own field: the modules are Rego v0. */
  v0_compatible?: boolean;
}

export interface Outcome {
  case: Case;
  passed: boolean;
  skipped?: boolean;
  detail?: string;
}

export function findCaseFiles(paths: string[]): string[] {
  const files: string[] = [];
  const visit = (path: string): void => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) visit(join(path, entry));
    } else if (/\.ya?ml$/.test(path)) {
      files.push(path);
    }
  };
  paths.forEach(visit);
  return files;
}

export function readCases(file: string, root = '.'): Case[] {
  const cases: Case[] = [];
  for (const document of parseAllDocuments(readFileSync(file, 'utf8'), { intAsBigInt: false })) {
    const content = document.toJS({ maxAliasCount: -1 }) as { cases?: Case[] } | null;
    for (const entry of content?.cases ?? []) cases.push({ ...entry, file: relative(root, file) });
  }
  return cases;
}

/** The comparable form of a result or an expectation: JSON with sorted keys and plain numbers. */
function normalize(value: unknown, sortArrays: boolean): string {
  let converted = fromJS(toJS(value as Value));
  if (sortArrays && Array.isArray(converted)) converted = [...converted].sort((a, b) => (toJSON(a) < toJSON(b) ? -1 : 1));
  return toJSON(converted);
}

function bindingsText(bindings: Record<string, unknown>, sort: boolean): string {
  const object = new ObjectValue();
  for (const key of Object.keys(bindings).sort()) object.set(key, fromJS(JSON.parse(normalize(fromJS(bindings[key]), sort))));
  return toJSON(object);
}

export function runCase(testCase: Case): Outcome {
  if (testCase.skip) return { case: testCase, passed: true, skipped: true };
  try {
    const engine = new Engine({ regoVersion: testCase.v0_compatible ? 'v0' : 'v1' });
    engine.setModules((testCase.modules ?? []).map((text, index) => ({ file: `test-${index}.rego`, text })));
    engine.setData(fromJS(testCase.data ?? {}));
    let input: Value | undefined = testCase.input === undefined ? undefined : fromJS(testCase.input);
    if (testCase.input_term !== undefined) {
      const term = new Engine().evaluate(`input_term_value := ${testCase.input_term}`);
      if (term.errors.length > 0) return { case: testCase, passed: false, detail: `input_term: ${term.errors[0].message}` };
      input = term.results[0]?.bindings.get("input_term_value");
    }
    const result = engine.evaluate(testCase.query, { input, strictBuiltinErrors: testCase.strict_error, timeoutMs: 5_000 });
    if (testCase.want_error_code || testCase.want_error) {
      const error = result.errors[0];
      if (!error) return { case: testCase, passed: false, detail: `want error ${testCase.want_error_code ?? ''} ${testCase.want_error ?? ''}\n     got ${result.results.length} result(s): ${result.results.map((r) => bindingsText(Object.fromEntries(r.bindings), false)).join(' ')}` };
      if (testCase.want_error_code && error.code !== testCase.want_error_code) return { case: testCase, passed: false, detail: `want error code ${testCase.want_error_code}\n     got ${error.code}: ${error.message}` };
      // OPA's runner matches against the error as printed, which starts with the code.
      const printed = `${error.location ? `${error.location.file}:${error.location.row}: ` : ''}${error.code}: ${error.message}`;
      if (testCase.want_error && !printed.includes(testCase.want_error)) return { case: testCase, passed: false, detail: `want error containing ${JSON.stringify(testCase.want_error)}\n     got ${error.code}: ${error.message}` };
      return { case: testCase, passed: true };
    }
    if (result.errors.length > 0) {
      return { case: testCase, passed: false, detail: `unexpected error ${result.errors.map((error) => `${error.code}: ${error.message}${error.location ? ` (${error.location.file}:${error.location.row})` : ''}`).join('; ')}` };
    }
    const sort = testCase.sort_bindings ?? false;
    const got = result.results.map((entry) => bindingsText(Object.fromEntries(entry.bindings), sort)).sort();
    const want = (testCase.want_result ?? []).map((entry) => bindingsText(entry ?? {}, sort)).sort();
    if (got.length === want.length && got.every((text, index) => text === want[index])) return { case: testCase, passed: true };
    return { case: testCase, passed: false, detail: `want ${want.length ? want.join('\n          ') : '(undefined)'}\n     got ${got.length ? got.join('\n          ') : '(undefined)'}` };
  } catch (error) {
    return { case: testCase, passed: false, detail: `runner crashed: ${error instanceof Error ? error.stack : String(error)}` };
  }
}
