// The core built-ins called directly: comparison, arithmetic, bits, aggregates, sets, arrays and
// types. Each case checks a result or the exact message and code of an error, as OPA reports them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import type { Builtin } from '../../server/src/builtins/declaration';
import { builtins as aggregates } from '../../server/src/builtins/aggregates';
import { builtins as arrays } from '../../server/src/builtins/arrays';
import { builtins as bits } from '../../server/src/builtins/bits';
import { builtins as comparison } from '../../server/src/builtins/comparison';
import { builtins as numbers } from '../../server/src/builtins/numbers';
import { builtins as sets } from '../../server/src/builtins/sets';
import { builtins as typeChecks } from '../../server/src/builtins/type-checks';
import { toJSON, type Value } from '../../server/src/value/value';
import { assertError, assertValue, builtinNamed, caller, checkDeclarations, fakeContext, object, set } from './call-builtin';

const family: Builtin[] = [...aggregates, ...arrays, ...bits, ...comparison, ...numbers, ...sets, ...typeChecks];
const call = caller(family);

function assertExact(actual: Value | undefined, expected: number | bigint): void {
  assert.equal(typeof actual, typeof expected, `expected ${String(expected)} (${typeof expected}) but got ${String(actual)} (${typeof actual})`);
  assert.equal(actual, expected);
}


describe('declarations', () => {
  it('are unique', () => {
    const names = new Set(family.map((declaration) => declaration.name));
    assert.equal(names.size, family.length, 'a built-in is declared twice');
    assert.equal(names.size, 56);
  });
  checkDeclarations(family);
});

describe('comparison', () => {
  it('compares any two values in the total order', () => {
    assert.equal(call('equal', 1, 1), true);
    assert.equal(call('equal', 1, '1'), false);
    assert.equal(call('neq', 0, 1), true);
    assert.equal(call('neq', set(1, 2), set(2, 1)), false);
    assert.equal(call('lt', -1, 0), true);
    assert.equal(call('lt', null, false), true);
    assert.equal(call('lt', 'a', [1]), true);
    assert.equal(call('gt', set(), object({})), true);
    assert.equal(call('lte', 2, 2), true);
    assert.equal(call('gte', 1, 2), false);
    assert.equal(call('equal', 28857836529306024611913n, 28857836529306024611912n), false);
    assert.equal(call('gt', 28857836529306024611913n, 28857836529306024611912n), true);
    assert.equal(call('lt', 3, 3.5), true);
    assert.equal(call('gt', 9007199254740993n, 9007199254740992.5), true);
    assert.equal(call('equal', object({ a: [1, 2] }), object({ a: [1, 2] })), true);
  });
});

describe('arithmetic', () => {
  it('adds, subtracts and multiplies integers exactly at any size', () => {
    assertExact(call('plus', 2, 3), 5);
    assertExact(call('plus', 18446744073709551617n, 1), 18446744073709551618n);
    assertExact(call('minus', 18446744073709551617n, 1), 18446744073709551616n);
    assertExact(call('mul', 18446744073709551617n, 2), 36893488147419103234n);
    assertExact(call('plus', 123456789012345678901234567890n, 1), 123456789012345678901234567891n);
    assertExact(call('minus', -18446744073709551617n, 1), -18446744073709551618n);
    assertExact(call('plus', 2147483647, 1), 2147483648);
    assertExact(call('minus', -2147483648, 1), -2147483649);
    assertExact(call('mul', 2147483647, 2147483647), 4611686014132420609n);
    assertExact(call('mul', -2147483648, -2147483648), 4611686018427387904n);
    assertExact(call('plus', 9223372036854775807n, 1), 9223372036854775808n);
    assertExact(call('plus', 9007199254740991, 1), 9007199254740992n);
    assertExact(call('minus', 9007199254740992n, 1), 9007199254740991);
    assertExact(call('mul', 94906265, 94906265), 9007199136250225);
    assertExact(call('mul', 94906266, 94906266), 9007199326062756n);
    assertExact(call('plus', 10n ** 30n, 1), 10n ** 30n + 1n);
  });

  it('uses doubles once a fraction is involved', () => {
    assertExact(call('plus', 1.5, 2.5), 4);
    assertExact(call('plus', 1, 2.5), 3.5);
    assertExact(call('mul', 2.5, 2), 5);
    assertExact(call('minus', 0.5, 0.25), 0.25);
    assertExact(call('mul', 0, -1.5), 0);
    assert.ok(Object.is(call('mul', 0, -1.5), 0), 'negative zero becomes zero');
    assertError(() => call('mul', 1.5e308, 10.5), 'number is out of range');
  });

  it('divides exactly only when the divisor divides the dividend', () => {
    assertExact(call('div', 6, 3), 2);
    assertExact(call('div', -6, 3), -2);
    assertExact(call('div', 1, 4), 0.25);
    assertExact(call('div', 0, 5), 0);
    assertExact(call('div', 36893488147419103234n, 2), 18446744073709551617n);
    assertExact(call('div', 7.5, 2.5), 3);
    assertError(() => call('div', 1, 0), 'divide by zero');
    assertError(() => call('div', 1.5, 0), 'divide by zero');
  });

  it('takes remainders of integers with the sign of the dividend', () => {
    assertExact(call('rem', -17, 5), -2);
    assertExact(call('rem', 17, -5), 2);
    assertExact(call('rem', 4, 3), 1);
    assertExact(call('rem', -5, 5), 0);
    assertExact(call('rem', 10, 18446744073709551616n), 10);
    assertExact(call('rem', 5, 55340232221128654848n), 5);
    assertExact(call('rem', 7, 340282366920938463463374607431768211456n), 7);
    assertExact(call('rem', 100, -18446744073709551616n), 100);
    assertExact(call('rem', 18446744073709551617n, 18446744073709551616n), 1);
    assertError(() => call('rem', 1.1, 1), 'modulo on floating-point number');
    assertError(() => call('rem', 1, 0.5), 'modulo on floating-point number');
    assertError(() => call('rem', 1, 0), 'modulo by zero');
    assertError(() => call('rem', 18446744073709551616n, 0), 'modulo by zero');
  });

  it('checks operand types', () => {
    assertError(() => call('plus', '1', 2), 'operand 1 must be number but got string', 'eval_type_error');
    assertError(() => call('mul', 1, null), 'operand 2 must be number but got null', 'eval_type_error');
    assertError(() => call('div', [], 1), 'operand 1 must be number but got array', 'eval_type_error');
  });

  it('subtracts sets as well as numbers', () => {
    assertValue(call('minus', set(1, 2, 'c'), set('c', 1)), set(2));
    assertValue(call('minus', set(1), set(1)), set());
    assertError(() => call('minus', set(1), 1), 'operand 2 must be set but got number', 'eval_type_error');
    assertError(() => call('minus', 1, set(1)), 'operand 2 must be number but got set', 'eval_type_error');
    assertError(() => call('minus', 'a', 1), 'operand 1 must be one of {number, set} but got string', 'eval_type_error');
    assertError(() => call('minus', set(1), 'a'), 'operand 2 must be number but got string', 'eval_type_error');
  });

  it('takes absolute values and rounds', () => {
    assertExact(call('abs', -5), 5);
    assertExact(call('abs', -2147483648), 2147483648);
    assertExact(call('abs', -9223372036854775808n), 9223372036854775808n);
    assertExact(call('abs', -2.5), 2.5);
    assertExact(call('round', 2.5), 3);
    assertExact(call('round', -2.5), -3);
    assertExact(call('round', 2.4), 2);
    assertExact(call('round', -0.4), 0);
    assert.ok(Object.is(call('round', -0.4), 0));
    assertExact(call('round', 0.49999999999999994), 0);
    assertExact(call('round', -5), -5);
    assertExact(call('round', 18446744073709551617n), 18446744073709551617n);
    assertExact(call('floor', 1.01), 1);
    assertExact(call('floor', 1.5), 1);
    assertExact(call('floor', 99.99999), 99);
    assertExact(call('floor', 1), 1);
    assertExact(call('floor', -1.001), -2);
    assertExact(call('ceil', 1.01), 2);
    assertExact(call('ceil', -1.5), -1);
    assertExact(call('ceil', 0.2), 1);
    assertExact(call('ceil', 7), 7);
  });

  it("follows OPA's ceil and floor between -1 and 0", () => {
    assertExact(call('ceil', -0.5), 1);
    assertExact(call('floor', -0.5), 0);
  });

  it('lists ranges of integers', () => {
    assertValue(call('numbers.range', 0, 0), [0]);
    assertValue(call('numbers.range', -2, 3), [-2, -1, 0, 1, 2, 3]);
    assertValue(call('numbers.range', 2, -3), [2, 1, 0, -1, -2, -3]);
    assertValue(call('numbers.range', 9007199254740991, 9007199254740993n), [9007199254740991, 9007199254740992n, 9007199254740993n]);
    assertValue(call('numbers.range_step', 0, 10, 2), [0, 2, 4, 6, 8, 10]);
    assertValue(call('numbers.range_step', 0, -10, 2), [0, -2, -4, -6, -8, -10]);
    assertValue(call('numbers.range_step', 10, 3, 2), [10, 8, 6, 4]);
    assertValue(call('numbers.range_step', 1024, 4096, 1024), [1024, 2048, 3072, 4096]);
    assertValue(call('numbers.range_step', 2, 2, 2), [2]);
    assertValue(call('numbers.range_step', 2, 5, 2), [2, 4]);
  });

  it('refuses bad ranges', () => {
    assertError(() => call('numbers.range_step', 0, 10, -2), 'step must be a positive number above zero');
    assertError(() => call('numbers.range_step', 0, 10, 0), 'step must be a positive number above zero');
    assertError(() => call('numbers.range', 1.5, 3), 'operand 1 must be integer number but got floating-point number', 'eval_type_error');
    assertError(() => call('numbers.range', 1, 'a'), 'operand 2 must be integer but got string', 'eval_type_error');
    assertError(() => call('numbers.range_step', 1, 2, 0.5), 'operand 3 must be integer number but got floating-point number', 'eval_type_error');
    assertError(() => call('numbers.range', 0, 1e10), 'range of 10000000001 numbers is too large (the limit is 10000000)');
    assertError(() => call('numbers.range_step', 0, 1e12, 10), 'range of 100000000001 numbers is too large (the limit is 10000000)');
    assert.equal((call('numbers.range_step', 0, 1e12, 1e6) as Value[]).length, 1000001);
  });

  it('draws the same random integer for the same arguments within a query', () => {
    const rand = builtinNamed(family, 'rand.intn');
    const context = fakeContext({ draws: [42, 7, 5] });
    assertExact(rand.impl(['key', 100], context), 42);
    assertExact(rand.impl(['key', 100], context), 42);
    assertExact(rand.impl(['key', -100], context), 42);
    assertExact(rand.impl(['other', 100], context), 7);
    assertExact(rand.impl(['key', 3], context), 2);
    assertExact(rand.impl(['key', 0], context), 0);
    assert.equal(context.drawCount, 3);
    assert.equal(rand.nondeterministic, true);
    assertError(() => rand.impl(['key', 1.5], context), 'operand 2 must be integer number but got floating-point number', 'eval_type_error');
    assertError(() => rand.impl([1, 1], context), 'operand 1 must be string but got number', 'eval_type_error');
    const big = rand.impl(['big', 9223372036854775807n], fakeContext({ draws: [1, 2] }));
    assertExact(big, 4294967298);
    assertError(() => rand.impl(['big', 9223372036854775808n], context), 'operand 2 must be integer number but got floating-point number', 'eval_type_error');
  });
});

describe('bits', () => {
  it('combines integers bit by bit', () => {
    assertExact(call('bits.and', 50, 0), 0);
    assertExact(call('bits.and', 12, 10), 8);
    assertExact(call('bits.or', 12, 10), 14);
    assertExact(call('bits.xor', 42, 3), 41);
    assertExact(call('bits.negate', 42), -43);
    assertExact(call('bits.negate', -1), 0);
    assertExact(call('bits.and', -1, 18446744073709551617n), 18446744073709551617n);
    assertExact(call('bits.or', 18446744073709551616n, 1), 18446744073709551617n);
  });

  it('shifts without overflowing', () => {
    assertExact(call('bits.lsh', 1, 3), 8);
    assertExact(call('bits.lsh', 2147483647, 1), 4294967294);
    assertExact(call('bits.lsh', 9223372036854775807n, 1), 18446744073709551614n);
    assertExact(call('bits.rsh', 8, 3), 1);
    assertExact(call('bits.rsh', 18446744073709551614n, 1), 9223372036854775807n);
    assertExact(call('bits.rsh', -8, 1), -4);
    assertExact(call('bits.rsh', -8, 100000000000), -1);
    assertExact(call('bits.rsh', 8, 100000000000), 0);
    assertExact(call('bits.lsh', 0, 100000000000), 0);
    assertError(() => call('bits.lsh', 1, 100000000000), 'shift count 100000000000 is too large');
  });

  it('refuses other operands', () => {
    for (const name of ['bits.and', 'bits.or', 'bits.xor', 'bits.lsh']) {
      assertError(() => call(name, 7.2, 42), 'operand 1 must be integer number but got floating-point number', 'eval_type_error');
    }
    assertError(() => call('bits.and', 1, 'a'), 'operand 2 must be integer but got string', 'eval_type_error');
    assertError(() => call('bits.negate', 0.5), 'operand 1 must be integer number but got floating-point number', 'eval_type_error');
    assertError(() => call('bits.lsh', 7, -1), 'operand 2 must be an unsigned integer number but got a negative integer', 'eval_type_error');
    assertError(() => call('bits.rsh', 7, -1), 'operand 2 must be an unsigned integer number but got a negative integer', 'eval_type_error');
  });
});

describe('aggregates', () => {
  it('counts elements, keys and characters', () => {
    assertExact(call('count', [1, 2, 3, 4]), 4);
    assertExact(call('count', set(1, 2)), 2);
    assertExact(call('count', object({ v1: 'hello', v2: 'goodbye' })), 2);
    assertExact(call('count', 'héllo😀'), 6);
    assertExact(call('count', ''), 0);
    assertError(() => call('count', 1), 'operand 1 must be one of {array, object, set, string} but got number', 'eval_type_error');
  });

  it('sums and multiplies exactly where it can', () => {
    assertExact(call('sum', set(1, 2, 3, 4)), 10);
    assertExact(call('sum', []), 0);
    assertExact(call('product', []), 1);
    assertExact(call('product', set(1, 2, 3, 4)), 24);
    assertExact(call('sum', [18446744073709551617n, 1]), 18446744073709551618n);
    assertExact(call('sum', set(18446744073709551617n, 1)), 18446744073709551618n);
    assertExact(call('product', [18446744073709551617n, 2]), 36893488147419103234n);
    assertExact(call('sum', [9223372036854775807n, 1]), 9223372036854775808n);
    assertExact(call('sum', set(9223372036854775807n, 1, 2)), 9223372036854775810n);
    assertExact(call('sum', [-9223372036854775808n, -1]), -9223372036854775809n);
    assertExact(call('sum', [9007199254740991, 1, -1]), 9007199254740991);
    assertExact(call('sum', [1.5, 2.5]), 4);
    assertExact(call('sum', [1, 2.5]), 3.5);
    assertExact(call('product', [1.5, 2]), 3);
  });

  it('names the element that is not a number', () => {
    assertError(() => call('sum', [1, 'a']), 'operand 1 must be array of numbers but got array containing string', 'eval_type_error');
    assertError(() => call('product', set(1, null)), 'operand 1 must be set of numbers but got set containing null', 'eval_type_error');
    assertError(() => call('sum', 'abc'), 'operand 1 must be one of {set, array} but got string', 'eval_type_error');
    assertError(() => call('product', object({})), 'operand 1 must be one of {set, array} but got object', 'eval_type_error');
  });

  it('finds the greatest and least values', () => {
    assertExact(call('max', set(1, 2, 3, 4)), 4);
    assertExact(call('min', [3, 2, 1, 4, 6, -7, 10]), -7);
    assertExact(call('max', [3, 3.5, 3.25, 3.4999]), 3.5);
    assertExact(call('min', [3, 3.5, 2.75, 2.7499]), 2.7499);
    assertValue(call('max', [1, 'a', null, [0]]), [0]);
    assertValue(call('min', set('b', false, 2)), false);
    assert.equal(call('max', []), undefined);
    assert.equal(call('min', set()), undefined);
    assertError(() => call('max', 1), 'operand 1 must be one of {set, array} but got number', 'eval_type_error');
  });

  it('sorts arrays and sets', () => {
    assertValue(call('sort', [4, 3, 2, 1]), [1, 2, 3, 4]);
    assertValue(call('sort', [3.5, 3, 3.25, -2.5, 3.5, 1, 0.5]), [-2.5, 0.5, 1, 3, 3.25, 3.5, 3.5]);
    assertValue(call('sort', set('b', 'a', 1)), [1, 'a', 'b']);
    assertValue(call('sort', [[2], 'x', null, set(), object({})]), [null, 'x', [2], object({}), set()]);
    const input: Value[] = [2, 1];
    call('sort', input);
    assert.deepEqual(input, [2, 1], 'the argument is left alone');
    assertError(() => call('sort', null), 'operand 1 must be one of {set, array} but got null', 'eval_type_error');
  });

  it('tells whether all or any elements are true', () => {
    assert.equal(call('all', [true, true]), true);
    assert.equal(call('all', [true, 1]), false);
    assert.equal(call('all', []), true);
    assert.equal(call('all', set(true)), true);
    assert.equal(call('any', [false, true]), true);
    assert.equal(call('any', set(false)), false);
    assert.equal(call('any', []), false);
    assertError(() => call('all', 'x'), 'operand 1 must be one of {array, set} but got string', 'eval_type_error');
    assertError(() => call('any', object({})), 'operand 1 must be one of {array, set} but got object', 'eval_type_error');
  });
});

describe('sets', () => {
  it('intersects and unites two sets', () => {
    assertValue(call('and', set(1, 2, 3), set(2, 3, 4)), set(2, 3));
    assertValue(call('and', set(1), set(2)), set());
    assertValue(call('or', set(3, 2, 3), set(3, 4, 4)), set(2, 3, 4));
    assertError(() => call('and', [1], set()), 'operand 1 must be set but got array', 'eval_type_error');
    assertError(() => call('or', set(), 1), 'operand 2 must be set but got number', 'eval_type_error');
  });

  it('intersects and unites a set of sets', () => {
    assertValue(call('intersection', set(set(), set(1, 2))), set());
    assertValue(call('intersection', set(set(1, 2, 3), set(2, 3, 4), set(4, 5, 6))), set());
    assertValue(call('intersection', set(set('a', 'b', 'c', 'd'), set('b', 'c', 'd'), set('c', 'd'), set('d'))), set('d'));
    assertValue(call('intersection', set()), set());
    assertValue(call('union', set(set(1, 2), set(2, 3), set())), set(1, 2, 3));
    assertValue(call('union', set()), set());
    assertError(() => call('union', set(1)), 'operand 1 must be set but got number', 'eval_type_error');
    assertError(() => call('intersection', set(set(1), 'x')), 'operand 1 must be set but got string', 'eval_type_error');
    assertError(() => call('intersection', [set()]), 'operand 1 must be set but got array', 'eval_type_error');
  });
});

describe('arrays', () => {
  it('concatenates and reverses', () => {
    assertValue(call('array.concat', [1, 2], [3, 4]), [1, 2, 3, 4]);
    assertValue(call('array.concat', [], []), []);
    assertValue(call('array.reverse', [1, 2, 3]), [3, 2, 1]);
    const input: Value[] = [1, 2];
    call('array.reverse', input);
    assert.deepEqual(input, [1, 2], 'the argument is left alone');
    assertError(() => call('array.concat', object({}), [3]), 'operand 1 must be array but got object', 'eval_type_error');
    assertError(() => call('array.concat', [1], object({})), 'operand 2 must be array but got object', 'eval_type_error');
    assertError(() => call('array.reverse', set()), 'operand 1 must be array but got set', 'eval_type_error');
  });

  it('slices with clamped indexes', () => {
    assertValue(call('array.slice', [1, 2, 3, 4, 5], 1, 3), [2, 3]);
    assertValue(call('array.slice', [1, 2, 3], 0, 0), []);
    assertValue(call('array.slice', [1, 2, 3, 4, 5], -4, -1), []);
    assertValue(call('array.slice', [1, 2, 3, 4, 5], -4, 2), [1, 2]);
    assertValue(call('array.slice', [1, 2, 3], 1, 100), [2, 3]);
    assertValue(call('array.slice', [1, 2, 3], 3, 1), []);
    assertValue(call('array.slice', [1, 2, 3], 1, 9223372036854775807n), [2, 3]);
    assertError(() => call('array.slice', [1], 0.5, 1), 'operand 2 must be integer number but got floating-point number', 'eval_type_error');
    assertError(() => call('array.slice', [1], 0, 18446744073709551616n), 'operand 3 must be integer number but got floating-point number', 'eval_type_error');
    assertError(() => call('array.slice', [1], 0, '1'), 'operand 3 must be number but got string', 'eval_type_error');
  });

  it('flattens one level', () => {
    assertValue(call('array.flatten', []), []);
    assertValue(call('array.flatten', [[1, 2], [3, 4], [5]]), [1, 2, 3, 4, 5]);
    assertValue(call('array.flatten', [[[1], [2, 3, []]], [[4, 5]]]), [[1], [2, 3, []], [4, 5]]);
    assertValue(call('array.flatten', [[1, 2], 'string', [3, object({ a: 'b' })], 4.5, [6, [7, 8]]]), [
      1,
      2,
      'string',
      3,
      object({ a: 'b' }),
      4.5,
      6,
      [7, 8],
    ]);
    assertError(() => call('array.flatten', 42), 'operand 1 must be array but got number', 'eval_type_error');
  });
});

describe('types', () => {
  it('checks and names types', () => {
    const samples: [Value, string][] = [
      [null, 'null'],
      [false, 'boolean'],
      [1.5, 'number'],
      [18446744073709551617n, 'number'],
      ['x', 'string'],
      [[1], 'array'],
      [object({ a: 1 }), 'object'],
      [set(1), 'set'],
    ];
    for (const [value, name] of samples) {
      assert.equal(call('type_name', value), name);
      for (const type of ['null', 'boolean', 'number', 'string', 'array', 'object', 'set']) {
        assert.equal(call(`is_${type}`, value), type === name, `is_${type}(${toJSON(value)})`);
      }
    }
  });

  it('converts to numbers', () => {
    assertExact(call('to_number', null), 0);
    assertExact(call('to_number', true), 1);
    assertExact(call('to_number', false), 0);
    assertExact(call('to_number', 2.5), 2.5);
    assertExact(call('to_number', '3'), 3);
    assertExact(call('to_number', '-1.5'), -1.5);
    assertExact(call('to_number', '+7'), 7);
    assertExact(call('to_number', '1e3'), 1000);
    assertExact(call('to_number', '1.0'), 1);
    assertExact(call('to_number', '.5'), 0.5);
    assertExact(call('to_number', '5.'), 5);
    assertExact(call('to_number', '007'), 7);
    assertExact(call('to_number', '-0'), 0);
    assertExact(call('to_number', '1_000'), 1000);
    assertExact(call('to_number', '18446744073709551617'), 18446744073709551617n);
    assertExact(call('to_number', '1e30'), 10n ** 30n);
    assertExact(call('to_number', '1e-400'), 0);
    assertExact(call('to_number', '0x1.8p1'), 3);
    assertExact(call('to_number', '-0x10p-8'), -0.0625);
  });

  it('refuses strings Go would not parse', () => {
    assertError(() => call('to_number', 'broken'), 'strconv.ParseFloat: parsing "broken": invalid syntax');
    for (const text of ['', ' 1', '1 ', '1e', '.', '0x10', '0b1', '1__0', '_1', '1_', '1._5', '--1', '1,5']) {
      assertError(() => call('to_number', text), `strconv.ParseFloat: parsing ${JSON.stringify(text)}: invalid syntax`);
    }
    assertError(() => call('to_number', '1e400'), 'strconv.ParseFloat: parsing "1e400": value out of range');
    assertError(() => call('to_number', '-0x1p2000'), 'strconv.ParseFloat: parsing "-0x1p2000": value out of range');
    for (const text of ['inf', '-Inf', '+infinity', 'NaN', '+-nan']) {
      assertError(() => call('to_number', text), 'operand 1 must be valid number string but got string', 'eval_type_error');
    }
    assertError(() => call('to_number', [1]), 'operand 1 must be one of {null, boolean, number, string} but got array', 'eval_type_error');
  });

  it('casts, for old policies', () => {
    assertValue(call('cast_array', [2, 1]), [2, 1]);
    assertValue(call('cast_array', set(2, 1)), [1, 2]);
    assertValue(call('cast_set', [2, 1, 2]), set(1, 2));
    assertValue(call('cast_set', set(1)), set(1));
    assertValue(call('cast_string', 'x'), 'x');
    assertValue(call('cast_boolean', false), false);
    assertValue(call('cast_null', null), null);
    assertValue(call('cast_object', object({ a: 1 })), object({ a: 1 }));
    assertError(() => call('cast_array', 'x'), 'operand 1 must be one of {array, set} but got string', 'eval_type_error');
    assertError(() => call('cast_set', object({})), 'operand 1 must be one of {array, set} but got object', 'eval_type_error');
    assertError(() => call('cast_string', 1), 'operand 1 must be string but got number', 'eval_type_error');
    assertError(() => call('cast_boolean', 'true'), 'operand 1 must be boolean but got string', 'eval_type_error');
    assertError(() => call('cast_null', 0), 'operand 1 must be null but got number', 'eval_type_error');
    assertError(() => call('cast_object', set()), 'operand 1 must be object but got set', 'eval_type_error');
    assert.ok(['cast_array', 'cast_set', 'cast_string', 'cast_boolean', 'cast_null', 'cast_object', 'all', 'any'].every((name) => builtinNamed(family, name).deprecated));
  });
});

describe('set_diff', () => {
  it('keeps the elements of the first set that the second lacks', () => {
    const setDiff = family.find((declaration) => declaration.name === 'set_diff')!;
    assertValue(setDiff.impl([set(1, 2, 3), set(2)], fakeContext()), set(1, 3));
  });
});
