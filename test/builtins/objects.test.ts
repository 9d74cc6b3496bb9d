// The object built-ins called directly: object.get/keys/remove/filter/union/union_n/subset and
// json.filter/remove/patch. Each case checks a result, an undefined call, or the exact message and
// code of an error as OPA reports them. The declarations are checked against OPA's list too.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { builtins } from '../../server/src/builtins/objects';
import { ObjectValue, toJSON, type Value } from '../../server/src/value/value';
import { assertTypeError, assertValue, caller, checkDeclarations, j, opaCatalog, set } from './call-builtin';

const call = caller(builtins);

describe('declarations', () => {
  checkDeclarations(builtins);
  const catalog = opaCatalog();
  it('covers every OPA built-in of the object category', { skip: !catalog && 'no OPA catalogue' }, () => {
    const names = new Set(builtins.map((builtin) => builtin.name));
    for (const entry of catalog?.builtins ?? []) {
      if (entry.categories?.includes('object') && !entry.name.startsWith('json.verify') && !entry.name.startsWith('json.match')) {
        assert.ok(names.has(entry.name), `${entry.name} is missing`);
      }
    }
  });
});

describe('object.get', () => {
  const object = j('{"a": {"b": [10, {"c": 3}]}, "x": null}');
  it('returns the value of a present key, else the default', () => {
    assertValue(call('object.get', object, 'x', 'dflt'), null);
    assertValue(call('object.get', object, 'nope', 'dflt'), 'dflt');
    assertValue(call('object.get', j('{"a": {"b": "c"}}'), 'a', true), j('{"b": "c"}'));
  });
  it('follows array paths through objects, arrays and sets', () => {
    assertValue(call('object.get', object, ['a', 'b', 1, 'c'], 0), 3);
    assertValue(call('object.get', object, ['a', 'b', 5], 'none'), 'none');
    assertValue(call('object.get', object, ['a', 'b', '1'], 'none'), 'none');
    assertValue(call('object.get', object, ['a', 'b', 0, 'deeper'], 'none'), 'none');
    const withSet = ObjectValue.fromRecord({ s: set('m', j('[1, 2]')) });
    assertValue(call('object.get', withSet, ['s', 'm'], 'none'), 'm');
    assertValue(call('object.get', withSet, ['s', j('[1, 2]'), 1], 'none'), 2);
    assertValue(call('object.get', withSet, ['s', 'z'], 'none'), 'none');
  });
  it('gives the object itself for the empty path', () => {
    assertValue(call('object.get', object, [], 'none'), object);
  });
  it('never treats an array key as a key of the object', () => {
    const arrayKeyed = ObjectValue.from([[j('["a"]'), 1]]);
    assertValue(call('object.get', arrayKeyed, j('["a"]'), 'none'), 'none');
  });
  it('rejects a non-object', () => {
    assertTypeError(() => call('object.get', 'text', 'a', 1), 'operand 1 must be object but got string');
  });
});

describe('object.keys', () => {
  it('returns the keys as a set', () => {
    assertValue(call('object.keys', ObjectValue.from([['a', 1], [2, 'b'], [j('[1]'), null]])), set('a', 2, j('[1]')));
    assertValue(call('object.keys', new ObjectValue()), set());
  });
  it('rejects a non-object', () => {
    assertTypeError(() => call('object.keys', [1]), 'operand 1 must be object but got array');
  });
});

describe('object.remove and object.filter', () => {
  const object = j('{"a": 1, "b": {"c": 3}, "d": 4}');
  it('take keys from an array, a set or an object', () => {
    assertValue(call('object.remove', object, ['a']), j('{"b": {"c": 3}, "d": 4}'));
    assertValue(call('object.remove', object, set('b', 'd')), j('{"a": 1}'));
    assertValue(call('object.remove', object, j('{"b": 1, "d": ""}')), j('{"a": 1}'));
    assertValue(call('object.filter', object, ['a', 'zz']), j('{"a": 1}'));
    assertValue(call('object.filter', object, set('b', 'd')), j('{"b": {"c": 3}, "d": 4}'));
    assertValue(call('object.filter', object, j('{"d": null}')), j('{"d": 4}'));
  });
  it('ignore missing keys and handle empty inputs', () => {
    assertValue(call('object.remove', object, set('z')), object);
    assertValue(call('object.remove', new ObjectValue(), set('a')), new ObjectValue());
    assertValue(call('object.filter', object, []), new ObjectValue());
    assertValue(call('object.filter', object, new ObjectValue()), new ObjectValue());
  });
  it('work with keys that are not strings', () => {
    const mixed = ObjectValue.from([['a', 1], [j('[[7]]'), 2]]);
    assertValue(call('object.remove', mixed, set(j('[[7]]'))), j('{"a": 1}'));
    assertValue(call('object.filter', mixed, set(j('[[7]]'))), ObjectValue.from([[j('[[7]]'), 2]]));
  });
  it('leave the argument unchanged', () => {
    const before = toJSON(object);
    call('object.remove', object, ['a', 'b']);
    call('object.filter', object, ['a']);
    assert.equal(toJSON(object), before);
  });
  it('report type errors with the key types in OPA order', () => {
    assertTypeError(() => call('object.remove', 123, set('a')), 'operand 1 must be object but got number');
    assertTypeError(() => call('object.filter', null, set('a')), 'operand 1 must be object but got null');
    assertTypeError(() => call('object.remove', object, 'foo'), 'operand 2 must be one of {object, set, array} but got string');
    assertTypeError(() => call('object.filter', object, true), 'operand 2 must be one of {object, set, array} but got boolean');
    assertTypeError(() => call('object.filter', object, null), 'operand 2 must be one of {object, set, array} but got null');
  });
});

describe('object.union and object.union_n', () => {
  it('merge nested objects and let the right side win elsewhere', () => {
    assertValue(call('object.union', new ObjectValue(), new ObjectValue()), new ObjectValue());
    assertValue(call('object.union', j('{"a": 1}'), j('{"b": 2}')), j('{"a": 1, "b": 2}'));
    assertValue(call('object.union', j('{"a": 1}'), j('{"a": 2}')), j('{"a": 2}'));
    assertValue(call('object.union', j('{"a": {"x": 1, "y": 1}}'), j('{"a": {"y": 2}}')), j('{"a": {"x": 1, "y": 2}}'));
    assertValue(call('object.union', j('{"a": 1}'), j('{"a": {"b": {"c": 1}}, "d": 7}')), j('{"a": {"b": {"c": 1}}, "d": 7}'));
    assertValue(call('object.union', j('{"a": {"b": 1}}'), j('{"a": 5}')), j('{"a": 5}'));
  });
  it('merge a list from left to right', () => {
    assertValue(call('object.union_n', []), new ObjectValue());
    assertValue(call('object.union_n', [new ObjectValue()]), new ObjectValue());
    assertValue(
      call('object.union_n', [j('{"a": 1, "b": 2, "c": 3}'), j('{"foo": "baz", "a": "a", "d": 4}'), j('{"a": "last", "e": 5.0}')]),
      j('{"a": "last", "b": 2, "c": 3, "d": 4, "e": 5, "foo": "baz"}'),
    );
    // A scalar between two objects cuts the merge: only what comes after it survives.
    assertValue(call('object.union_n', [j('{"a": {"b": 2}}'), j('{"a": 4}'), j('{"a": {"c": 3}}')]), j('{"a": {"c": 3}}'));
    assertValue(call('object.union_n', [j('{"a": {"b": 2}}'), j('{"a": {"c": 3}}')]), j('{"a": {"b": 2, "c": 3}}'));
  });
  it('report type errors', () => {
    assertTypeError(() => call('object.union', j('{"a": 1}'), j('[1, 2, 3]')), 'operand 2 must be object but got array');
    assertTypeError(() => call('object.union_n', j('{"a": 1}')), 'operand 1 must be array but got object');
    assertTypeError(() => call('object.union_n', [j('{"foo": 1}'), j('{"bar": 2}'), 'baz']), 'operand 1 must be array of objects but got array containing string');
    assertTypeError(() => call('object.union_n', [1, j('{"bar": 2}'), null]), 'operand 1 must be array of objects but got array containing null');
  });
});

describe('object.subset', () => {
  it('compares objects recursively', () => {
    const whole = j('{"a": 5, "b": 7, "nested": {"x": 10, "y": 15, "arr": [6, 7, 8, 9]}}');
    assert.equal(call('object.subset', whole, j('{"a": 5}')), true);
    assert.equal(call('object.subset', j('{"a": 5}'), whole), false);
    assert.equal(call('object.subset', whole, j('{"a": 5, "b": 10}')), false);
    assert.equal(call('object.subset', whole, j('{"nested": {"y": 15, "arr": [7, 8]}}')), true);
    assert.equal(call('object.subset', whole, j('{"nested": {"arr": [7, 9]}}')), false);
    const withSet = ObjectValue.fromRecord({ s: set(1, 2, 3, 4) });
    assert.equal(call('object.subset', withSet, ObjectValue.fromRecord({ s: set(4, 1) })), true);
    assert.equal(call('object.subset', withSet, ObjectValue.fromRecord({ s: set(5) })), false);
    assert.equal(call('object.subset', whole, new ObjectValue()), true);
  });
  it('compares sets by membership, not recursively', () => {
    assert.equal(call('object.subset', set(1, 2, 3), set(3, 2)), true);
    assert.equal(call('object.subset', set(3, 2), set(1, 2, 3)), false);
    assert.equal(call('object.subset', set(1, set('a', 'b', 'c')), set(set('a', 'b', 'c'))), true);
    assert.equal(call('object.subset', set(1, set('a', 'b', 'c')), set(set('a', 'b'))), false);
  });
  it('looks for arrays as contiguous runs', () => {
    const whole = [1, 2, 3, 4, 5, 6];
    assert.equal(call('object.subset', whole, [3, 4, 5]), true);
    assert.equal(call('object.subset', whole, [1, 2, 3]), true);
    assert.equal(call('object.subset', whole, [4, 5, 6]), true);
    assert.equal(call('object.subset', whole, whole), true);
    assert.equal(call('object.subset', whole, [4, 5, 6, 8]), false);
    assert.equal(call('object.subset', whole, [1, 3]), false);
    assert.equal(call('object.subset', [3, 4, 5], whole), false);
    assert.equal(call('object.subset', [1, 1, 2], [1, 2]), true);
    assert.equal(call('object.subset', [], []), true);
  });
  it('finds set members in an array, counting like OPA', () => {
    assert.equal(call('object.subset', [1, 2, 3, 4, 5, 6], set(4, 3, 2)), true);
    assert.equal(call('object.subset', [1, 2, 3, 4, 5, 6], set(9, 8, 7)), false);
    assert.equal(call('object.subset', [1, 2], set()), true);
    // OPA counts repeated elements again and finds nothing in an empty array.
    assert.equal(call('object.subset', [1, 1], set(1, 2)), true);
    assert.equal(call('object.subset', [], set()), false);
  });
  it('rejects other combinations', () => {
    const message = 'both arguments object.subset must be of the same type or array and set';
    assertTypeError(() => call('object.subset', set(1), [1]), message);
    assertTypeError(() => call('object.subset', j('{"a": 1}'), [1]), message);
    assertTypeError(() => call('object.subset', 'a', 'a'), message);
  });
});

describe('json.filter', () => {
  it('keeps the parts at the given paths', () => {
    assertValue(call('json.filter', new ObjectValue(), set('a/b')), new ObjectValue());
    assertValue(call('json.filter', j('{"a": {"b": {"c": 7, "d": 8}}, "e": 9}'), set('a')), j('{"a": {"b": {"c": 7, "d": 8}}}'));
    assertValue(call('json.filter', j('{"a": [{"b": 7, "c": 8}, {"d": 9}]}'), set('a/0/b', 'a/1')), j('{"a": [{"b": 7}, {"d": 9}]}'));
    assertValue(
      call('json.filter', j('{"a": {"b": {"c": 7, "d": 8, "x": 0}}, "e": 9}'), set('a/b/d', j('["a", "b", "c"]'))),
      j('{"a": {"b": {"c": 7, "d": 8}}}'),
    );
  });
  it('lets a shorter path win, in either order', () => {
    const object = j('{"a": {"b": 1, "c": 2}, "d": 3}');
    assertValue(call('json.filter', object, ['a/b', 'a']), j('{"a": {"b": 1, "c": 2}}'));
    assertValue(call('json.filter', object, ['a', 'a/b']), j('{"a": {"b": 1, "c": 2}}'));
  });
  it('unescapes ~1 and ~0, drops leading slashes and skips the empty path', () => {
    const object = j('{"a/b": 1, "m~n": 2, "c": 3}');
    assertValue(call('json.filter', object, ['/a~1b', '//m~0n', '']), j('{"a/b": 1, "m~n": 2}'));
  });
  it('filters set members and keeps array order', () => {
    const object = ObjectValue.fromRecord({ s: set('x', 'y', 'z'), list: ['p', 'q', 'r'] });
    assertValue(call('json.filter', object, ['s/y', 'list/2', 'list/0']), ObjectValue.fromRecord({ s: set('y'), list: ['p', 'r'] }));
  });
  it('matches array elements only through string indexes', () => {
    assertValue(call('json.filter', j('{"a": [1, 2]}'), [j('["a", 0]')]), j('{"a": []}'));
  });
  it('reports type errors', () => {
    assertTypeError(() => call('json.filter', [1], set('a')), 'operand 1 must be object but got array');
    assertTypeError(() => call('json.filter', j('{"a": 1}'), 'a'), 'operand 2 must be one of {set, array} but got string');
    assertTypeError(
      () => call('json.filter', j('{"a": 1}'), ['a', j('{"x": 1}')]),
      'operand 2 must be one of {set, array} containing string paths or array of path segments but got object',
    );
  });
});

describe('json.remove', () => {
  const object = j('{"a": {"b": {"c": 7, "d": 8}}, "e": 9}');
  it('removes the parts at the given paths', () => {
    assertValue(call('json.remove', object, set('a/b/c')), j('{"a": {"b": {"d": 8}}, "e": 9}'));
    assertValue(call('json.remove', object, set('a/b/c', 'e')), j('{"a": {"b": {"d": 8}}}'));
    assertValue(call('json.remove', object, set(j('["a", "b", "c"]'), j('["e"]'))), j('{"a": {"b": {"d": 8}}}'));
    assertValue(call('json.remove', j('{"a": {"b": 7}, "c": 1}'), set('a', 'a/b')), j('{"c": 1}'));
    assertValue(call('json.remove', j('{"a": {"b": 7}, "c": 1}'), set('a', 'c')), new ObjectValue());
    assertValue(call('json.remove', j('{"a": 7}'), set()), j('{"a": 7}'));
  });
  it('closes gaps in arrays and removes set members', () => {
    assertValue(call('json.remove', j('{"a": [{"b": 7, "c": 8}, {"d": 9}]}'), set('a/0/b', 'a/1')), j('{"a": [{"c": 8}]}'));
    assertValue(call('json.remove', ObjectValue.fromRecord({ s: set('x', 'y') }), ['s/x']), ObjectValue.fromRecord({ s: set('y') }));
  });
  it('ignores paths that lead nowhere and leaves the argument unchanged', () => {
    const before = toJSON(object);
    assertValue(call('json.remove', object, ['z/y', 'e/f', 'a/b/c/d']), object);
    call('json.remove', object, ['a']);
    assert.equal(toJSON(object), before);
  });
  it('reports type errors', () => {
    assertTypeError(() => call('json.remove', 'foo', set('a/b/c')), 'operand 1 must be object but got string');
    assertTypeError(() => call('json.remove', j('{"a": 1}'), 22), 'operand 2 must be one of {set, array} but got number');
    assertTypeError(
      () => call('json.remove', j('{"a": 1}'), set('a', j('{"x": 1}'))),
      'operand 2 must be one of {set, array} containing string paths or array of path segments but got object',
    );
  });
});

describe('json.patch', () => {
  const patch = (target: Value, ...operations: string[]) => call('json.patch', target, operations.map(j));

  it('adds object members and array elements', () => {
    assertValue(patch(j('{"foo": "bar"}'), '{"op": "add", "path": "/baz", "value": "qux"}'), j('{"foo": "bar", "baz": "qux"}'));
    assertValue(patch(j('{"l": ["a", "c"]}'), '{"op": "add", "path": "/l/1", "value": "b"}'), j('{"l": ["a", "b", "c"]}'));
    assertValue(patch(j('{"l": ["a"]}'), '{"op": "add", "path": "/l/-", "value": ["x"]}'), j('{"l": ["a", ["x"]]}'));
    assertValue(patch(j('["a"]'), '{"op": "add", "path": "/1", "value": "b"}'), j('["a", "b"]'));
    assertValue(patch(j('{}'), '{"op": "add", "path": "/", "value": 1}'), j('{"": 1}'));
    assertValue(patch(j('{"a": 1}'), '{"op": "add", "path": "/0", "value": 2}'), j('{"a": 1, "0": 2}'));
    assertValue(patch(j('{"a": null}'), '{"op": "add", "path": "/a", "value": 1}'), j('{"a": 1}'));
  });
  it('replaces the whole document at the empty path', () => {
    assertValue(patch(j('{"a": 1}'), '{"op": "add", "path": "", "value": [1]}'), j('[1]'));
    assertValue(patch(j('{"a": 1}'), '{"op": "replace", "path": "", "value": {"b": 2}}'), j('{"b": 2}'));
    assertValue(patch('scalar', '{"op": "replace", "path": "", "value": "other"}'), 'other');
  });
  it('removes, replaces, moves, copies and tests', () => {
    assertValue(patch(j('{"a": 1, "b": 2}'), '{"op": "remove", "path": "/a"}'), j('{"b": 2}'));
    assertValue(patch(j('[1, 2, 3, 4]'), '{"op": "remove", "path": "/1"}', '{"op": "remove", "path": "/2"}'), j('[1, 3]'));
    assertValue(patch(j('{"a": [1]}'), '{"op": "replace", "path": "/a/0", "value": null}'), j('{"a": [null]}'));
    assertValue(
      patch(j('{"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}}'), '{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}'),
      j('{"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}}'),
    );
    assertValue(patch(j('{"l": ["all", "grass", "cows", "eat"]}'), '{"op": "move", "from": "/l/1", "path": "/l/3"}'), j('{"l": ["all", "cows", "eat", "grass"]}'));
    assertValue(patch(j('{"a": 1}'), '{"op": "move", "from": "/a", "path": "/a"}'), j('{"a": 1}'));
    assertValue(patch(j('{"a": {"b": 1}}'), '{"op": "copy", "from": "/a", "path": "/c"}'), j('{"a": {"b": 1}, "c": {"b": 1}}'));
    assertValue(patch(j('{"a": {"x": 1, "y": [2]}}'), '{"op": "test", "path": "/a", "value": {"y": [2], "x": 1}}'), j('{"a": {"x": 1, "y": [2]}}'));
    assertValue(patch(j('{"/": 9, "~1": 10}'), '{"op": "test", "path": "/~01", "value": 10}'), j('{"/": 9, "~1": 10}'));
  });
  it('accepts array paths and ignores unknown members', () => {
    assertValue(patch(j('{"a": {"b": 1}}'), '{"op": "add", "path": ["a", "c"], "value": 2, "extra": true}'), j('{"a": {"b": 1, "c": 2}}'));
    assertValue(patch(j('{"a": [0, 1]}'), '{"op": "replace", "path": ["a", 1], "value": 5}'), j('{"a": [0, 5]}'));
  });
  it('patches sets, a member being its own key', () => {
    const target = ObjectValue.fromRecord({ s: set('a', j('[0]')) });
    assertValue(call('json.patch', target, [j('{"op": "add", "path": "/s/b", "value": "b"}')]), ObjectValue.fromRecord({ s: set('a', 'b', j('[0]')) }));
    assertValue(call('json.patch', target, [j('{"op": "remove", "path": "/s/a"}')]), ObjectValue.fromRecord({ s: set(j('[0]')) }));
    assertValue(call('json.patch', target, [j('{"op": "add", "path": ["s", [0], 1], "value": 1}')]), ObjectValue.fromRecord({ s: set('a', j('[0, 1]')) }));
    assert.equal(call('json.patch', target, [j('{"op": "add", "path": "/s/b", "value": "c"}')]), undefined);
    assert.equal(call('json.patch', target, [j('{"op": "remove", "path": "/s/zz"}')]), undefined);
  });
  it('is undefined when an operation fails', () => {
    const failing = [
      ['{"q": {"bar": 2}}', '{"op": "add", "path": "/a/b", "value": 1}'],
      ['{"baz": "qux"}', '{"op": "test", "path": "/baz", "value": "bar"}'],
      ['{"a": 10}', '{"op": "test", "path": "/a", "value": "10"}'],
      ['{"bar": [1, 2]}', '{"op": "add", "path": "/bar/8", "value": 5}'],
      ['{"bar": [1, 2]}', '{"op": "add", "path": "/bar/-1", "value": 5}'],
      ['["foo", "bar"]', '{"op": "test", "path": "/1e0", "value": "bar"}'],
      ['["foo", "bar"]', '{"op": "test", "path": "/01", "value": "bar"}'],
      ['["foo", "sil"]', '{"op": "add", "path": "/bar", "value": 42}'],
      ['{"bar": "baz"}', '{"op": "replace", "path": "/foo/bar", "value": false}'],
      ['{"foo": "bar"}', '{"op": "remove", "path": "/baz"}'],
      ['["foo", "bar"]', '{"op": "remove", "path": "/2"}'],
      ['{"foo": 1}', '{"op": "copy", "from": "/bar", "path": "/foo"}'],
      ['{"foo": 1}', '{"op": "move", "path": ""}'],
      ['{}', '{"op": "add", "value": "bar"}'],
      ['{}', '{"op": "add", "path": null, "value": "bar"}'],
      ['[1]', '{"op": "add", "path": "/-"}'],
      ['{"foo": 1}', '{"op": "spam", "path": "/foo", "value": 1}'],
      ['{"foo": 1}', '{"op": 7, "path": "/foo", "value": 1}'],
      ['[1, 2, 3]', '{"op": "add", "path": "1.2", "value": "foo"}'],
      ['"scalar"', '{"op": "add", "path": "/a", "value": 1}'],
      ['{"a": 1}', '{"op": "remove", "path": ""}'],
    ];
    for (const [target, operation] of failing) {
      assert.equal(patch(j(target), operation), undefined, `${operation} on ${target}`);
    }
    assert.equal(call('json.patch', j('{}'), ['not an object']), undefined);
  });
  it('treats a path without a leading slash as if it had one', () => {
    assertValue(patch(j('{}'), '{"op": "add", "path": "foo", "value": "bar"}'), j('{"foo": "bar"}'));
  });
  it('leaves the target unchanged', () => {
    const target = j('{"a": [1, {"b": 2}]}');
    const before = toJSON(target);
    patch(target, '{"op": "add", "path": "/a/1/c", "value": 3}', '{"op": "remove", "path": "/a/0"}');
    assert.equal(toJSON(target), before);
  });
  it('rejects patches that are not an array', () => {
    assertTypeError(() => call('json.patch', j('{}'), j('{"op": "add"}')), 'operand 2 must be array but got object');
  });
});
