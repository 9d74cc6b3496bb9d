// The graph built-ins called directly: walk (a relation returning all its [path, value] pairs in
// pre-order), graph.reachable and graph.reachable_paths, including malformed graphs and errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { BuiltinError, type BuiltinContext } from '../../server/src/builtins/declaration';
import { builtins } from '../../server/src/builtins/graph';
import { ObjectValue, SetValue, equal, parseJSON, toJSON, type Value } from '../../server/src/value/value';

const context = {} as BuiltinContext;

function call(name: string, ...args: Value[]): Value | undefined {
  const found = builtins.find((candidate) => candidate.name === name);
  assert.ok(found, `no built-in named ${name}`);
  return found.impl(args, context);
}

function j(text: string): Value {
  return parseJSON(text);
}

function set(...items: Value[]): SetValue {
  return SetValue.from(items);
}

function assertValue(actual: Value | undefined, expected: Value): void {
  assert.ok(actual !== undefined, `expected ${toJSON(expected)} but the call was undefined`);
  assert.ok(equal(actual, expected), `expected ${toJSON(expected)} but got ${toJSON(actual)}`);
}

function assertTypeError(run: () => unknown, message: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof BuiltinError, `expected a BuiltinError, got ${String(error)}`);
    assert.equal(error.message, message);
    assert.equal(error.code, 'eval_type_error');
    return true;
  });
}

describe('declarations', () => {
  const opa = JSON.parse(readFileSync(new URL('../../../shared/opa-builtins.json', import.meta.url), 'utf8')) as {
    builtins: { name: string; decl: { args: Record<string, unknown>[]; result: Record<string, unknown> }; categories?: string[]; relation?: boolean }[];
  };
  const strip = ({ name: _name, ...type }: Record<string, unknown>) => type;
  for (const builtin of builtins) {
    it(`${builtin.name} matches OPA's declaration`, () => {
      const reference = opa.builtins.find((entry) => entry.name === builtin.name);
      assert.ok(reference, `OPA has no ${builtin.name}`);
      assert.deepEqual(builtin.params.map((param) => param.name), reference.decl.args.map((arg) => arg.name));
      assert.deepEqual(builtin.params.map((param) => param.type), reference.decl.args.map(strip));
      assert.equal(builtin.result?.name, reference.decl.result.name);
      assert.deepEqual(builtin.result?.type, strip(reference.decl.result));
      assert.deepEqual(builtin.categories, reference.categories ?? []);
      assert.equal(builtin.relation ?? false, reference.relation ?? false);
    });
  }
});

describe('walk', () => {
  it('gives a scalar with the empty path', () => {
    assertValue(call('walk', 1), j('[[[], 1]]'));
  });
  it('visits arrays and objects in pre-order, keys in order', () => {
    assertValue(call('walk', j('[1, 2]')), j('[[[], [1, 2]], [[0], 1], [[1], 2]]'));
    assertValue(call('walk', j('{"v2": "b", "v1": "a"}')), j('[[[], {"v1": "a", "v2": "b"}], [["v1"], "a"], [["v2"], "b"]]'));
    assertValue(
      call('walk', j('{"a": [{"b": 1}]}')),
      j('[[[], {"a": [{"b": 1}]}], [["a"], [{"b": 1}]], [["a", 0], {"b": 1}], [["a", 0, "b"], 1]]'),
    );
  });
  it('uses set members as path segments', () => {
    const inner = set(1, 2);
    const outer = set(inner);
    assertValue(call('walk', outer), [
      [[], outer],
      [[inner], inner],
      [[inner, 1], 1],
      [[inner, 2], 2],
    ]);
  });
  it('gives every pair its own path', () => {
    const pairs = call('walk', j('{"a": [{"x": 1}, {"y": 2}, {"z": 3}]}')) as Value[][];
    const paths = pairs.map((pair) => toJSON(pair[0]));
    assert.deepEqual(paths, ['[]', '["a"]', '["a",0]', '["a",0,"x"]', '["a",1]', '["a",1,"y"]', '["a",2]', '["a",2,"z"]']);
  });
});

describe('graph.reachable', () => {
  const graph = ObjectValue.fromRecord({
    a: set('b', 'c'),
    b: set('d'),
    c: set('d'),
    d: set(),
    e: set('f'),
    f: set('e'),
    x: set('x'),
  });
  it('follows edges from the start nodes', () => {
    assertValue(call('graph.reachable', graph, set('b', 'e')), set('b', 'd', 'e', 'f'));
    assertValue(call('graph.reachable', graph, ['a']), set('a', 'b', 'c', 'd'));
    assertValue(call('graph.reachable', j('{"a": ["b"], "b": ["c"], "c": ["a"]}'), ['a']), set('a', 'b', 'c'));
    assertValue(call('graph.reachable', graph, []), set());
  });
  it('leaves out nodes that are not in the graph and ignores malformed edges', () => {
    assertValue(call('graph.reachable', j('{"a": ["b", "zz"], "b": []}'), ['a', 'nope']), set('a', 'b'));
    assertValue(call('graph.reachable', j('{"a": null}'), ['a']), set('a'));
    assertValue(call('graph.reachable', j('{"a": "b", "b": []}'), ['a']), set('a'));
  });
  it('rejects a bad graph or start', () => {
    assertTypeError(() => call('graph.reachable', 1, [1]), 'operand 1 must be object but got number');
    assertTypeError(() => call('graph.reachable', j('{"a": []}'), 'a'), 'operand 2 must be {array, set} but got string');
  });
});

describe('graph.reachable_paths', () => {
  it('finds paths ending at leaves or at cycles', () => {
    assertValue(call('graph.reachable_paths', new ObjectValue(), set('a')), set());
    assertValue(call('graph.reachable_paths', j('{"a": ["b"], "b": ["c"], "c": ["a"]}'), set('a')), set(j('["a", "b", "c"]')));
    const components = ObjectValue.fromRecord({ a: set('b', 'c'), b: set('d'), c: set('d'), d: set(), e: set('f'), f: set('e'), x: set('x') });
    assertValue(call('graph.reachable_paths', components, set('b', 'e')), set(j('["b", "d"]'), j('["e", "f"]')));
    assertValue(call('graph.reachable_paths', j('{"a": ["b", "c"], "b": ["c"], "c": []}'), set('a')), set(j('["a", "b", "c"]'), j('["a", "c"]')));
    assertValue(
      call('graph.reachable_paths', j('{"1": [], "2": ["1"], "3": ["2"], "4": ["3", "2"], "5": ["4"]}'), ['5']),
      set(j('["5", "4", "2", "1"]'), j('["5", "4", "3", "2", "1"]')),
    );
  });
  it('stops before nodes that are not in the graph', () => {
    assertValue(call('graph.reachable_paths', j('{"a": ["b"], "b": ["nonexistent"]}'), set('a', 'b')), set(j('["a", "b"]'), j('["b"]')));
    assertValue(
      call('graph.reachable_paths', j('{"one": ["two"], "two": ["three"], "three": [""]}'), set('one')),
      set(j('["one", "two", "three"]')),
    );
  });
  it('treats a start node without proper edges as a path of its own', () => {
    assertValue(call('graph.reachable_paths', j('{"a": null}'), ['a']), set(j('["a"]')));
    assertValue(call('graph.reachable_paths', j('{"a": []}'), ['a', 'missing']), set(j('["a"]')));
  });
  it('rejects a bad graph or start', () => {
    assertTypeError(() => call('graph.reachable_paths', 1, [1]), 'operand 1 must be object but got number');
    assertTypeError(() => call('graph.reachable_paths', j('{"a": []}'), 'a'), 'operand 2 must be {array, set} but got string');
  });
});
