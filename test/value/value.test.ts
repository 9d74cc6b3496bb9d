// Rego values: exact numbers, OPA's total order, equality of composites, JSON in and out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ObjectValue, SetValue, compare, equal, parseJSON, parseNumber, toJSON, valueText } from '../../server/src/value/value.js';

test('numbers are read exactly where they are integers and as doubles otherwise', () => {
  assert.equal(parseNumber('42'), 42);
  assert.equal(parseNumber('18446744073709551617'), 18446744073709551617n);
  assert.equal(parseNumber('1e3'), 1000);
  assert.equal(parseNumber('1.0'), 1);
  assert.equal(parseNumber('2.50'), 2.5);
  assert.equal(parseNumber('0.010'), 0.01);
  assert.equal(parseNumber('0.0100000000'), 0.01);
  assert.equal(parseNumber('1e30'), 10n ** 30n);
  assert.equal(parseNumber('-0.5'), -0.5);
  assert.equal(parseNumber('abc'), undefined);
});

test('the total order puts types in OPA order and compares within a type', () => {
  const ordered = [null, false, true, -1, 2.5, 9007199254740993n, '', 'a', 'b', [], [1], new ObjectValue(), ObjectValue.fromRecord({ a: 1 }), new SetValue(), SetValue.from([1])];
  for (let i = 0; i + 1 < ordered.length; i++) assert.ok(compare(ordered[i], ordered[i + 1]) < 0, `${valueText(ordered[i])} < ${valueText(ordered[i + 1])}`);
  assert.ok(compare(9007199254740993n, 9007199254740992.5) > 0);
  assert.ok(compare('\u{1F600}', '\uFFFF') > 0, 'strings compare by code point, as Go compares UTF-8');
});

test('composites are equal by content, whatever the insertion order', () => {
  assert.ok(equal(ObjectValue.fromRecord({ a: 1, b: [2] }), ObjectValue.fromRecord({ b: [2], a: 1 })));
  assert.ok(equal(SetValue.from([3, 1, 2]), SetValue.from([1, 2, 3, 3])));
  const keyed = ObjectValue.from([[[1, 2], 'array key'], [SetValue.from(['x']), 'set key']]);
  assert.equal(keyed.get([1, 2]), 'array key');
  assert.equal(keyed.get(SetValue.from(['x'])), 'set key');
  assert.ok(!equal([1], SetValue.from([1])));
});

test('JSON keeps big integers exact and prints keys sorted', () => {
  const value = parseJSON('{"b": 18446744073709551617, "a": [1.5, true, null, "x"]}');
  assert.equal(toJSON(value), '{"a":[1.5,true,null,"x"],"b":18446744073709551617}');
  assert.throws(() => parseJSON('{"a": }'), /line 1, column 7/);
  assert.equal(toJSON(SetValue.from(['b', 'a'])), '["a","b"]');
  assert.equal(valueText(SetValue.from([])), 'set()');
});
