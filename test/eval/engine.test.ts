// The engine API as the CLI, the server and the playground use it: results, undefined, located
// errors with OPA's codes, print output, budgets and cancellation, and compiled-module caching.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine } from '../../server/src/eval/engine.js';
import { ObjectValue, fromJS, toJSON } from '../../server/src/value/value.js';

function engineWith(...texts: string[]): Engine {
  const engine = new Engine();
  engine.setModules(texts.map((text, index) => ({ file: `policy${index}.rego`, text })));
  return engine;
}

test('a query returns expression values and bindings for each solution', () => {
  const result = new Engine().evaluate('some x in [1, 2]; y := x * 10');
  assert.deepEqual(result.errors, []);
  assert.equal(result.results.length, 2);
  assert.deepEqual(result.results.map((entry) => toJSON(ObjectValue.from(entry.bindings))), ['{"x":1,"y":10}', '{"x":2,"y":20}']);
  assert.deepEqual(result.results[0].expressions.map((expression) => expression.text), ['some x in [1, 2]', 'y := x * 10']);
});

test('an undefined query has no results and no errors', () => {
  const result = engineWith('package p\nallow if input.role == "admin"\n').evaluate('data.p.allow', { input: fromJS({ role: 'dev' }) });
  assert.deepEqual(result.results, []);
  assert.deepEqual(result.errors, []);
});

test('compile errors carry OPA codes and locations', () => {
  const cases: [string, string, string][] = [
    ['package p\nq if x > 1\n', 'rego_unsafe_var_error', 'var x is unsafe'],
    ['package p\na if b\nb if a\n', 'rego_recursion_error', 'rule data.p.a is recursive'],
    ['package p\nq := nope(1)\n', 'rego_type_error', 'undefined function nope'],
    ['package p\nq := count(1, 2, 3)\n', 'rego_type_error', 'count: too many arguments'],
    ['package p\ndefault q := 1\ndefault q := 2\n', 'rego_type_error', 'multiple default rules data.p.q found'],
    ['package p\nq contains 1\nq := 2\n', 'rego_type_error', 'conflicting rules data.p.q found'],
    // User functions: unknown ones, and calls with the wrong number of arguments.
    ['package p\nf(x) := x\nq := data.p.g(1)\n', 'rego_type_error', 'undefined function data.p.g'],
    ['package p\nf(x) := x\nq := data.p.f(1, 2, 3)\n', 'rego_type_error', 'data.p.f: too many arguments'],
    ['package p\nf(x, y) := x\nq := f(1)\n', 'rego_type_error', 'data.p.f: too few arguments'],
    ['package p\nr := 1\nq := r(1)\n', 'rego_type_error', 'undefined function data.p.r'],
  ];
  for (const [policy, code, message] of cases) {
    const result = engineWith(policy).evaluate('data.p');
    assert.ok(result.errors.length > 0, policy);
    assert.equal(result.errors[0].code, code, policy);
    assert.ok(result.errors[0].message.includes(message), `${policy}: ${result.errors[0].message}`);
    assert.equal(result.errors[0].location?.file, 'policy0.rego');
    assert.ok((result.errors[0].location?.row ?? 0) >= 2);
  }
});

test('parse errors in the query are located in the query', () => {
  const result = new Engine().evaluate('x := [1,');
  assert.equal(result.errors[0]?.code, 'rego_parse_error');
  assert.equal(result.errors[0]?.location?.file, '<query>');
});

test('print output is collected with its location, undefined arguments included', () => {
  const engine = engineWith('package p\nq if {\n  print("value:", input.x, input.missing)\n}\n');
  const result = engine.evaluate('data.p.q', { input: fromJS({ x: [1, 'a'] }) });
  assert.equal(result.results.length, 1);
  assert.equal(result.printed.length, 1);
  assert.equal(result.printed[0].text, 'value: [1, "a"] <undefined>');
  assert.equal(result.printed[0].file, 'policy0.rego');
});

test('a runaway range ends with a clear error, not an out-of-memory crash', () => {
  const result = new Engine().evaluate('x := count(numbers.range(1, 1e10))', { strictBuiltinErrors: true });
  assert.equal(result.errors.length, 1);
  assert.match(result.errors[0].message, /too large/);
});

test('recursion the compiler cannot see (through a dynamic data ref) ends with a clear error', () => {
  const engine = engineWith('package p\nq := count([1 | data[_].q])\n');
  const result = engine.evaluate('data.p.q');
  assert.equal(result.errors.length, 1);
  assert.equal(result.errors[0].code, 'eval_recursion_error');
  assert.match(result.errors[0].message, /rule data\.p\.q is recursive/);
});

test('recursion the compiler can see is a compile error', () => {
  const result = engineWith('package p\nf(n) := [x | x := f(n + 1)]\n').evaluate('data.p.f(0)');
  assert.equal(result.errors[0]?.code, 'rego_recursion_error');
});

test('the step budget and the deadline stop long evaluations', () => {
  const engine = engineWith('package p\nn := count([1 | some a in numbers.range(1, 3000); some b in numbers.range(1, 3000)])\n');
  const bySteps = engine.evaluate('data.p.n', { maxSteps: 100_000 });
  assert.equal(bySteps.errors[0]?.code, 'eval_cancel_error');
  assert.match(bySteps.errors[0].message, /budget/);
  const byTime = engine.evaluate('data.p.n', { timeoutMs: 50 });
  assert.equal(byTime.errors[0]?.code, 'eval_cancel_error');
  assert.match(byTime.errors[0].message, /timed out/);
});

test('an aborted signal cancels the evaluation', () => {
  const engine = engineWith('package p\nn := count([1 | some a in numbers.range(1, 2000); some b in numbers.range(1, 2000)])\n');
  const controller = new AbortController();
  controller.abort();
  const result = engine.evaluate('data.p.n', { signal: controller.signal });
  assert.equal(result.errors[0]?.code, 'eval_cancel_error');
  assert.match(result.errors[0].message, /cancelled/);
});

test('time comes from the injected environment and is stable within a query', () => {
  const engine = new Engine();
  let calls = 0;
  const environment = { now: () => { calls++; return 1_700_000_000_000_000_000n; }, random: () => 0.5 };
  const result = engine.evaluate('a := time.now_ns(); b := time.now_ns()', { environment });
  assert.deepEqual(result.errors, []);
  const bindings = result.results[0].bindings;
  assert.equal(toJSON(bindings.get('a')!), '1700000000000000000');
  assert.equal(toJSON(bindings.get('b')!), '1700000000000000000');
  assert.equal(calls, 1);
});

test('built-in errors are reported in strict mode and recorded otherwise', () => {
  const lenient = new Engine().evaluate('x := 1 / 0');
  assert.deepEqual(lenient.results, []);
  assert.equal(lenient.builtinErrors[0]?.code, 'eval_builtin_error');
  const strict = new Engine().evaluate('x := 1 / 0', { strictBuiltinErrors: true });
  assert.equal(strict.errors[0]?.code, 'eval_builtin_error');
  assert.equal(strict.errors[0]?.message, 'div: divide by zero');
});

test('modules are compiled once and recompiled only after an edit', () => {
  const engine = engineWith('package p\nq := 1\n');
  assert.equal(toJSON(engine.evaluate('data.p.q').results[0].expressions[0].value), '1');
  engine.setModules([{ file: 'policy0.rego', text: 'package p\nq := 1\n' }]);
  const internal = engine as unknown as { compiled: unknown };
  const before = internal.compiled;
  engine.evaluate('data.p.q');
  assert.equal(internal.compiled, before, 'unchanged modules keep the compiled policy');
  engine.setModules([{ file: 'policy0.rego', text: 'package p\nq := 2\n' }]);
  assert.equal(toJSON(engine.evaluate('data.p.q').results[0].expressions[0].value), '2');
});

test('strict mode reports unused imports', () => {
  const engine = new Engine({ strict: true });
  engine.setModules([{ file: 'a.rego', text: 'package p\nimport data.lib.x\nq := 1\n' }]);
  const result = engine.evaluate('data.p.q');
  assert.equal(result.errors[0]?.code, 'rego_compile_error');
  assert.match(result.errors[0].message, /import data\.lib\.x unused/);
});

test('strict mode reports assigned variables that are never read', () => {
  const engine = new Engine({ strict: true });
  engine.setModules([{ file: 'a.rego', text: 'package p\nq if {\n  unused := 1\n  used := 2\n  used > 1\n}\n' }]);
  const result = engine.evaluate('data.p.q');
  assert.deepEqual(result.errors.map((error) => error.message), ['assigned var unused unused']);
});

test('constant arguments of the wrong type are compile-time type errors', () => {
  const result = engineWith('package p\nq := count(1)\n').evaluate('data.p.q');
  assert.equal(result.errors[0]?.code, 'rego_type_error');
  assert.match(result.errors[0].message, /count: invalid argument/);
});

test('a file with a syntax error still declares its functions to the files that call them', () => {
  const engine = new Engine();
  engine.setModules([
    { file: 'lib.rego', text: 'package lib\n\nhelper(x) := x\n\nbroken if {\n' },
    { file: 'app.rego', text: 'package app\n\nimport data.lib\n\nok := lib.helper(1)\n\nbad := lib.helpr(1)\n' },
  ]);
  const errors = engine.compileErrors(['app.rego']);
  assert.deepEqual(errors.map((error) => [error.file, error.message]), [['app.rego', 'undefined function data.lib.helpr']]);
  assert.equal(errors[0].suggestion?.replacement, 'lib.helper');
});
