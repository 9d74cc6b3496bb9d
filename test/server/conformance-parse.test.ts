// Parses every module of OPA's own conformance suite (the YAML test cases OPA runs against its
// evaluator) and checks that the parser agrees with OPA about which modules are syntactically valid:
// a case whose `want_error_code` is `rego_parse_error` must produce at least one parse error, every
// other module must parse without any error. The cases live outside the repository, in
// ../shared/opa-conformance/v1 next to the project (override with OPA_CONFORMANCE_DIR).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { parse } from '../../server/src/ast/parse';
import type { ParseError } from '../../server/src/ast/nodes';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const conformanceDir = resolve(process.env.OPA_CONFORMANCE_DIR ?? join(projectRoot, '..', 'shared', 'opa-conformance', 'v1'));

/** A full run of the suite as it is shared with the project has well over this many modules. */
const MINIMUM_MODULES = 1000;

interface ConformanceCase {
  note?: string;
  modules?: unknown[];
  want_error_code?: string;
  v0_compatible?: boolean;
}

interface Failure {
  file: string;
  note: string;
  moduleIndex: number;
  expected: 'errors' | 'no errors';
  detail: string;
}

function yamlFiles(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) found.push(...yamlFiles(full));
    else if (name.endsWith('.yaml') || name.endsWith('.yml')) found.push(full);
  }
  return found;
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return `${line}:${column}`;
}

function describeError(text: string, error: ParseError): string {
  const lines = text.split('\n');
  const [line] = lineColumn(text, error.range.start).split(':').map(Number);
  return `${lineColumn(text, error.range.start)} ${error.message}\n        | ${lines[line - 1] ?? ''}`;
}

describe('OPA conformance suite: parse errors agree with OPA', () => {
  let files: string[] = [];
  let modules = 0;
  let parsedCleanly = 0;
  let expectedErrorModules = 0;
  let expectedErrorsReported = 0;
  const failures: Failure[] = [];
  let loadProblems: string[] = [];

  before(() => {
    if (!existsSync(conformanceDir) || !statSync(conformanceDir).isDirectory()) return;
    files = yamlFiles(conformanceDir);
    loadProblems = [];
    for (const file of files) {
      const name = relative(conformanceDir, file);
      let document: { cases?: ConformanceCase[] } | null;
      try {
        document = parseYaml(readFileSync(file, 'utf8')) as { cases?: ConformanceCase[] } | null;
      } catch (error) {
        loadProblems.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      for (const testCase of document?.cases ?? []) {
        const wantsParseError = testCase.want_error_code === 'rego_parse_error';
        const regoVersion = testCase.v0_compatible === true ? 'v0' : 'v1';
        (testCase.modules ?? []).forEach((module, moduleIndex) => {
          if (typeof module !== 'string') {
            loadProblems.push(`${name} (${testCase.note}): module ${moduleIndex} is not a string`);
            return;
          }
          modules++;
          const { errors } = parse(module, { regoVersion });
          if (errors.length === 0) parsedCleanly++;
          if (wantsParseError) {
            expectedErrorModules++;
            if (errors.length > 0) expectedErrorsReported++;
            else failures.push({ file: name, note: testCase.note ?? '(no note)', moduleIndex, expected: 'errors', detail: 'no parse error reported' });
          } else if (errors.length > 0) {
            failures.push({ file: name, note: testCase.note ?? '(no note)', moduleIndex, expected: 'no errors', detail: `${errors.length} error(s), first at ${describeError(module, errors[0])}` });
          }
        });
      }
    }
  });

  it('finds the conformance cases', () => {
    assert.ok(
      existsSync(conformanceDir) && statSync(conformanceDir).isDirectory(),
      `OPA conformance cases not found at ${conformanceDir}. They are expected in ../shared/opa-conformance/v1 beside the project; set OPA_CONFORMANCE_DIR to their folder.`,
    );
    assert.ok(files.length > 0, `no YAML files under ${conformanceDir}`);
    assert.deepEqual(loadProblems, [], 'every YAML file loads and every module is a string');
  });

  it('parses every module as OPA does', (t) => {
    assert.ok(files.length > 0, `no conformance cases loaded from ${conformanceDir}`);
    t.diagnostic(`modules parsed cleanly: ${parsedCleanly} of ${modules}; expected parse errors reported: ${expectedErrorsReported} of ${expectedErrorModules}`);
    const shown = failures.slice(0, 25).map((failure) => `  ${failure.file} [${failure.note}] module #${failure.moduleIndex}: expected ${failure.expected}; ${failure.detail}`);
    assert.equal(
      failures.length,
      0,
      `${failures.length} module(s) disagree with OPA${failures.length > shown.length ? ` (first ${shown.length} shown)` : ''}:\n${shown.join('\n')}`,
    );
  });

  it('covers the whole suite', (t) => {
    t.diagnostic(`${files.length} YAML files, ${modules} modules, ${expectedErrorModules} of them expected to fail parsing`);
    assert.ok(modules > MINIMUM_MODULES, `expected a full run (> ${MINIMUM_MODULES} modules), parsed ${modules}`);
    assert.equal(parsedCleanly + expectedErrorModules, modules, 'modules that parse cleanly plus modules expected to fail make up the whole suite');
    assert.equal(expectedErrorsReported, expectedErrorModules, 'every expected parse error is reported');
  });
});
