// What the tests of a built-in family share: calling a built-in by name with a fake context,
// writing values as JSON text or sets, comparing results by OPA equality, checking the exact message
// and code of an error, and checking a family's declarations against OPA's catalogue (when the
// catalogue is at hand).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';

import { BuiltinError, type Builtin, type BuiltinContext, type ErrorCode, type Type } from '../../server/src/builtins/declaration';
import { ObjectValue, SetValue, equal, parseJSON, toJSON, type Value } from '../../server/src/value/value';

/** A context whose clock and random numbers are fixed: randomInt returns the draws in turn. */
export function fakeContext(options: { nowNs?: bigint; draws?: number[] } = {}): BuiltinContext & { drawCount: number } {
  const draws = options.draws ?? [];
  const context = {
    drawCount: 0,
    nowNs: () => options.nowNs ?? 0n,
    randomInt(n: number): number {
      const draw = draws[context.drawCount++ % Math.max(draws.length, 1)] ?? 0;
      return draw % n;
    },
    queryCache: new Map<string, unknown>(),
    environment: { now: () => options.nowNs ?? 0n, random: () => 0 },
    call: () => undefined,
  };
  return context;
}

/** The built-in of a family with the given name; a test that names an unknown one fails. */
export function builtinNamed(family: Builtin[], name: string): Builtin {
  const found = family.find((candidate) => candidate.name === name);
  assert.ok(found, `no built-in named ${name}`);
  return found;
}

/** A caller for one family: `call(name, ...args)` runs the built-in with a fresh fake context. */
export function caller(family: Builtin[]): (name: string, ...args: Value[]) => Value | undefined {
  return (name, ...args) => builtinNamed(family, name).impl(args, fakeContext());
}

/** JSON text as a value. */
export function j(text: string): Value {
  return parseJSON(text);
}

export function set(...items: Value[]): SetValue {
  return SetValue.from(items);
}

export function object(record: Record<string, Value>): ObjectValue {
  return ObjectValue.fromRecord(record);
}

/** Compares values by OPA equality, showing both as JSON when they differ. */
export function assertValue(actual: Value | undefined, expected: Value): void {
  assert.ok(actual !== undefined, `expected ${toJSON(expected)} but the call was undefined`);
  assert.ok(equal(actual, expected), `expected ${toJSON(expected)} but got ${toJSON(actual)}`);
}

export function assertError(run: () => unknown, message: string, code: ErrorCode = 'eval_builtin_error'): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof BuiltinError, `expected a BuiltinError, got ${String(error)}`);
    assert.equal(error.message, message);
    assert.equal(error.code, code);
    return true;
  });
}

/** Most operand checks fail with a type error rather than a built-in error. */
export function assertTypeError(run: () => unknown, message: string): void {
  assertError(run, message, 'eval_type_error');
}

interface CatalogArgument {
  name?: string;
  [field: string]: unknown;
}

export interface CatalogEntry {
  name: string;
  categories?: string[];
  infix?: string;
  deprecated?: boolean;
  nondeterministic?: boolean;
  relation?: boolean;
  decl: { args?: CatalogArgument[]; result?: CatalogArgument };
}

const catalogUrl = new URL('../../../shared/opa-builtins.json', import.meta.url);

/** OPA's list of built-ins, or undefined where the shared folder is not checked out. */
export function opaCatalog(): { builtins: CatalogEntry[] } | undefined {
  return existsSync(catalogUrl) ? (JSON.parse(readFileSync(catalogUrl, 'utf8')) as { builtins: CatalogEntry[] }) : undefined;
}

function typeOnly(argument: CatalogArgument): Type {
  const { name: _name, ...type } = argument;
  return type as Type;
}

/** One test per built-in: names, parameter names and types, categories and flags as OPA has them. */
export function checkDeclarations(family: Builtin[]): void {
  const catalog = opaCatalog();
  for (const builtin of family) {
    it(`${builtin.name} is declared as OPA declares it`, { skip: !catalog && 'no OPA catalogue' }, () => {
      assert.ok(builtin.description.length > 0, 'description');
      for (const parameter of builtin.params) assert.ok(parameter.description.length > 0, 'parameter description');
      assert.ok(builtin.result?.description, 'result description');
      const entry = catalog?.builtins.find((candidate) => candidate.name === builtin.name);
      assert.ok(entry, `OPA has no ${builtin.name}`);
      const args = entry.decl.args ?? [];
      assert.deepEqual(builtin.params.map((parameter) => parameter.name), args.map((argument) => argument.name ?? ''));
      assert.deepEqual(builtin.params.map((parameter) => parameter.type), args.map(typeOnly));
      assert.ok(entry.decl.result && builtin.result);
      assert.equal(builtin.result.name, entry.decl.result.name ?? '');
      assert.deepEqual(builtin.result.type, typeOnly(entry.decl.result));
      assert.deepEqual(builtin.categories, entry.categories ?? []);
      assert.equal(builtin.infix, entry.infix);
      assert.equal(builtin.deprecated ?? false, entry.deprecated ?? false);
      assert.equal(builtin.nondeterministic ?? false, entry.nondeterministic ?? false);
      assert.equal(builtin.relation ?? false, entry.relation ?? false);
    });
  }
}
