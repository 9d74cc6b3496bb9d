// The rule cache must be invisible: compiling with rules reused from an earlier compilation (moved,
// or in a module where other rules changed) gives exactly what a fresh compilation gives. Checked over
// every module of OPA's conformance cases and our own, with each module's rules moved by an insertion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compile, type CompileCache, type SourceModule } from '../../server/src/analysis/compile';
import { RuleCache } from '../../server/src/analysis/rule-cache';
import { parse } from '../../server/src/ast/parse';
import { lintModule, type LintCache } from '../../server/src/analysis/lint';
import { projectRoot } from '../support/build';
import { findCaseFiles, readCases } from '../conformance/cases';

const folders = [join(projectRoot, 'test', 'cases'), resolve(process.env.OPA_CONFORMANCE_DIR ?? join(projectRoot, '..', 'shared', 'opa-conformance', 'v1'))].filter((folder) => existsSync(folder));

function sources(texts: string[]): SourceModule[] {
  return texts.map((text, index) => ({ file: `module${index}.rego`, text, module: parse(text).module }));
}

/** Moves every rule of a module: a comment line after the package statement. */
function moved(text: string): string {
  const module = parse(text).module;
  const end = module.package?.range.end ?? 0;
  return `${text.slice(0, end)}\n# moved\n${text.slice(end)}`;
}

/** Changes the first rule with a body: one more (true) expression at its end. */
function edited(text: string): string {
  const rule = parse(text).module.rules.find((candidate) => candidate.body.length > 0 && candidate.bodyStyle !== 'none');
  if (!rule) return text;
  const last = rule.body[rule.body.length - 1];
  return `${text.slice(0, last.range.end)}\n\ttrue${text.slice(last.range.end)}`;
}

test('rules reused from the cache compile exactly as fresh ones, over every conformance module', () => {
  const cases = findCaseFiles(folders).flatMap((file) => readCases(file, projectRoot)).filter((testCase) => testCase.modules?.length);
  assert.ok(cases.length > 300, `only ${cases.length} cases with modules`);
  const cache: CompileCache = new RuleCache();
  let compared = 0;
  for (const testCase of cases) {
    const texts = testCase.modules!;
    if (texts.some((text) => parse(text).errors.length > 0)) continue;
    const strict = testCase.strict_error === true;
    compile(sources(texts), { strict, cache });
    for (const change of [moved, edited]) {
      const changed = sources(texts.map(change));
      // Errors only: rules reused unmoved, with the ranges of errors moved.
      const errorsOnly = compile(changed, { strict, cache, errorsOnly: true });
      const fromCache = compile(changed, { strict, cache });
      const fresh = compile(changed, { strict });
      assert.deepStrictEqual(errorsOnly.errors, fresh.errors, `${testCase.note} (${change.name}, errors only)`);
      assert.deepStrictEqual(fromCache.rules, fresh.rules, `${testCase.note} (${change.name})`);
      assert.deepStrictEqual(fromCache.errors, fresh.errors, `${testCase.note} (${change.name})`);
      compared++;
    }
  }
  assert.ok(compared > 600, `only ${compared} comparisons`);
  assert.ok(cache.hits > 1000, `the cache was hardly used: ${cache.hits} hits`);
});

test('lint findings reused from the cache are those of a fresh run, over every conformance module', () => {
  const cases = findCaseFiles(folders).flatMap((file) => readCases(file, projectRoot)).filter((testCase) => testCase.modules?.length);
  const cache: LintCache = new RuleCache();
  let findings = 0;
  for (const testCase of cases) {
    for (const text of testCase.modules!) {
      lintModule(parse(text).module, new Set(), { text, cache });
      for (const changed of [moved(text), edited(text), edited(moved(text))]) {
        const module = parse(changed).module;
        const fresh = lintModule(module);
        assert.deepStrictEqual(lintModule(module, new Set(), { text: changed, cache }), fresh, testCase.note);
        findings += fresh.length;
      }
    }
  }
  assert.ok(findings > 100, `only ${findings} findings compared`);
  assert.ok(cache.hits > 1000, `the cache was hardly used: ${cache.hits} hits`);
});

test('a rule whose referenced names change is compiled again', () => {
  const cache: CompileCache = new RuleCache();
  // With f of one argument, `f(1, y)` binds y to f's result; with two arguments, y is unsafe.
  const before = sources(['package p\n\nf(x) := x\n\nq := y if f(1, y)\n']);
  assert.deepStrictEqual(compile(before, { cache }).errors, []);
  const after = sources(['package p\n\nf(x, z) := x\n\nq := y if f(1, y)\n']);
  const fromCache = compile(after, { cache });
  assert.deepStrictEqual(fromCache.errors, compile(after).errors);
  assert.ok(fromCache.errors.some((error) => error.code === 'rego_unsafe_var_error'), JSON.stringify(fromCache.errors));
});
