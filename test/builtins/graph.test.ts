// The graph built-ins called directly: walk (a relation returning all its [path, value] pairs in
// pre-order), graph.reachable and graph.reachable_paths, including malformed graphs and errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { builtins } from '../../server/src/builtins/graph';
import { ObjectValue, toJSON, type Value } from '../../server/src/value/value';
import { assertTypeError, assertValue, caller, checkDeclarations, j, set } from './call-builtin';

const call = caller(builtins);

describe('graph declarations', () => checkDeclarations(builtins));

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
