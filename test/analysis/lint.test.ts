// Lint checks, one fixture each: what is reported, where, and the fixes offered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModuleParser } from '../../server/src/ast/parse';
import { LINT_CHECKS, lintModule } from '../../server/src/analysis/lint';
import { projectRoot } from '../support/build';

/** Lints a module; `⟦ ⟧` marks where the check named by `code` must report. */
function check(code: string, source: string, disabled: string[] = []): void {
  let text = '';
  const expected: [number, number][] = [];
  let start = -1;
  for (const character of source) {
    if (character === '⟦') start = text.length;
    else if (character === '⟧') expected.push([start, text.length]);
    else text += character;
  }
  const { module, errors } = new ModuleParser().parse(text, { regoVersion: 'v1' });
  assert.deepEqual(errors, [], 'the fixture parses');
  const found = lintModule(module, new Set(disabled)).filter((finding) => finding.code === code).map((finding) => [finding.range.start, finding.range.end]);
  assert.deepEqual(found, expected, `${code} in:\n${text}`);
}

test('unused and duplicate imports, and import rego.v1 in a v1 module', () => {
  check('unused-import', 'package p\n⟦import data.lib.util⟧\nimport data.lib.used\nx := used.value\n');
  check('unused-import', 'package p\n⟦import data.lib.x as y⟧\nx := 1\n');
  check('duplicate-import', 'package p\nimport data.a\n⟦import data.a⟧\nx := a\n');
  check('redundant-rego-v1-import', 'package p\n⟦import rego.v1⟧\nx := 1\n');
});

test('assignments that are never read', () => {
  check('unused-assignment', 'package p\nallow if {\n  ⟦unused⟧ := 1\n  used := 2\n  used > 1\n}\n');
  check('unused-assignment', 'package p\nallow if {\n  _ignored := 1\n}\n');
});

test('constant conditions and rules that can never be defined', () => {
  check('constant-condition', 'package p\nallow if {\n  ⟦1 == 1⟧\n  input.x\n}\n');
  check('never-defined', 'package p\nallow if {\n  input.x\n  ⟦1 > 2⟧\n}\n');
  check('never-defined', 'package p\nallow if ⟦false⟧\n');
  check('constant-condition', 'package p\nallow if input.x == 1\n');
});

test('shadowed and deprecated built-ins', () => {
  check('shadowed-builtin', 'package p\n⟦count⟧ := 3\n');
  check('deprecated-builtin', 'package p\nx := ⟦any⟧([true])\n');
  check('deprecated-builtin', 'package p\nx := ⟦re_match⟧("a", "a")\n');
});

test('= in a rule head', () => {
  check('use-assignment-operator', 'package p\n⟦p = 1⟧\n');
  check('use-assignment-operator', 'package p\np := 1\n');
});

test('= in a body: := for a new variable, == between known values', () => {
  check('use-assignment-operator', 'package p\nallow if {\n  ⟦x = input.user⟧\n  x.admin\n}\n');
  // x is known already, a rule of the module, or an import: `=` compares there.
  check('use-assignment-operator', 'package p\nallow if {\n  some x in input.users\n  x = input.user\n}\n');
  check('use-assignment-operator', 'package p\nlimit := 3\nallow if {\n  limit = input.max\n}\n');
  check('use-assignment-operator', 'package p\nimport data.config\nallow if {\n  config = input.config\n}\n');
  check('use-assignment-operator', 'package p\nf(x) := y if {\n  ⟦y = x⟧\n}\n');
  check('use-assignment-operator', 'package p\nf(x) := y if {\n  x = y\n  y := 1\n}\n');
  check('use-equality-operator', 'package p\nallow if {\n  ⟦input.role = "admin"⟧\n}\n');
  check('use-equality-operator', 'package p\nallow if {\n  ⟦data.flags.on = true⟧\n}\n');
  // Unification that binds something is left alone.
  check('use-equality-operator', 'package p\nallow if {\n  [a, b] = input.pair\n  a == b\n}\n');
  check('use-equality-operator', 'package p\nallow if {\n  x := 1\n  input.n = x\n}\n');
});

test('the = fixes replace the operator', () => {
  const text = 'package p\nallow if {\n  x = input.user\n  input.role = "admin"\n  x.admin\n}\n';
  const findings = lintModule(new ModuleParser().parse(text).module).filter((finding) => finding.fix && finding.code.startsWith('use-'));
  assert.deepEqual(findings.map((finding) => finding.fix!.edits.map((edit) => [text.slice(edit.range.start, edit.range.end), edit.newText])), [[['=', ':=']], [['=', '==']]]);
});

test('a turned-off check reports nothing', () => {
  check('unused-import', 'package p\nimport data.lib.util\nx := 1\n', ['unused-import']);
});

test('every check is a setting the user can turn off, with its description', () => {
  const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));
  const setting = manifest.contributes.configuration.properties['rego.lint.disabled'];
  assert.deepEqual(setting.items.enum, LINT_CHECKS.map((entry) => entry.code));
  assert.deepEqual(setting.items.enumDescriptions, LINT_CHECKS.map((entry) => entry.summary));
});
