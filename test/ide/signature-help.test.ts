// Signature help inside calls: built-ins and user functions, the active parameter as the cursor moves
// through arguments, nested calls, and calls that are still being typed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signatureHelp } from '../../server/src/ide/signature-help';
import { fixture } from './fixture';

/** Signature help at the cursor: the labels of the signatures, the active one's label and the active parameter's text. */
function check(source: string, expected: { labels: string[]; parameter?: string } | undefined): void {
  const { snapshot, file, offset } = fixture(source);
  const help = signatureHelp(snapshot, file, offset);
  if (expected === undefined) {
    assert.equal(help, undefined);
    return;
  }
  assert.ok(help, 'no signature help');
  assert.deepEqual(help.signatures.map((signature) => signature.label), expected.labels);
  const signature = help.signatures[help.activeSignature];
  const parameter = signature.parameters[help.activeParameter];
  assert.equal(parameter && signature.label.slice(...parameter.label), expected.parameter);
}

test('a built-in call shows its signature and the first parameter', () => {
  check('package p\n\nn := count(⌖input.xs)\n', { labels: ['count(collection: any<string, array[any], object[any: any], set[any]>) -> number'], parameter: 'collection: any<string, array[any], object[any: any], set[any]>' });
});

test('the active parameter follows the commas', () => {
  const label = 'concat(delimiter: string, collection: any<array[string], set[string]>) -> string';
  check('package p\n\ns := concat(",", ⌖input.xs)\n', { labels: [label], parameter: 'collection: any<array[string], set[string]>' });
  check('package p\n\ns := concat(⌖",", input.xs)\n', { labels: [label], parameter: 'delimiter: string' });
});

test('commas inside nested brackets belong to them', () => {
  check('package p\n\ns := concat(",", [1, 2, ⌖3])\n', { labels: ['concat(delimiter: string, collection: any<array[string], set[string]>) -> string'], parameter: 'collection: any<array[string], set[string]>' });
});

test('the innermost call wins', () => {
  check('package p\n\ns := concat(",", split(input.s, ⌖"/"))\n', { labels: ['split(x: string, delimiter: string) -> array[string]'], parameter: 'delimiter: string' });
});

test('dotted built-ins are recognised', () => {
  check('package p\n\ns := strings.replace_n(⌖)\n', { labels: ['strings.replace_n(patterns: object[string: string], value: string) -> string'], parameter: 'patterns: object[string: string]' });
});

test('a call still being typed gets help', () => {
  check('package p\n\nallow if {\n  x := count(input.xs, ⌖\n', { labels: ['count(collection: any<string, array[any], object[any: any], set[any]>) -> number'], parameter: undefined });
  check('package p\n\nallow if {\n  x := trim(input.s, ⌖\n}\n\nother := 1\n', { labels: ['trim(value: string, cutset: string) -> string'], parameter: 'cutset: string' });
});

test('user functions show each distinct head, also across files and through imports', () => {
  check('package p\n\nf(x, y) := x + y\n\nz := f(1, ⌖2)\n', { labels: ['f(x, y)'], parameter: 'y' });
  check('-- lib.rego --\npackage lib\n\nclamp(x, low, high) := low if x < low\nclamp(x, low, high) := high if x > high\n-- main.rego --\npackage main\n\nimport data.lib\n\ny := lib.clamp(input.x, ⌖0, 10)\n', { labels: ['clamp(x, low, high)'], parameter: 'low' });
  check('package p\n\nfirst([a, b]) := a\n\nz := first(⌖[1, 2])\n', { labels: ['first([a, b])'], parameter: '[a, b]' });
});

test('print is variadic', () => {
  check('package p\n\nallow if print(1, 2, 3, ⌖4)\n', { labels: ['print(...values: any)'], parameter: '...values: any' });
});

test('no help outside calls, after the closing parenthesis, or in grouping parentheses', () => {
  check('package p\n\nn := ⌖count(input.xs)\n', undefined);
  check('package p\n\nn := count(input.xs)⌖\n', undefined);
  check('package p\n\nn := (1 + ⌖2) * 3\n', undefined);
});
