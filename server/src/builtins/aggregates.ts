/**
 * Aggregate built-ins over collections: count, sum, product, max, min, sort, and the deprecated
 * all and any. Sums and products of integers are exact at any size; as soon as one element has a
 * fraction the whole computation is done in doubles, as OPA falls back to floating point. Empty
 * collections give 0 for sum, 1 for product and an undefined result for max and min.
 */
import { T, elementError, expectCollection, operandError, type Builtin } from './declaration.js';
import { addNumbers, doubleResult, isIntegral, multiplyNumbers } from './numbers.js';
import { SetValue, compare, type Value } from '../value/value.js';

/** OPA lists the expected types of these aggregates as "set, array", in that order. */
function expectSetOrArray(args: Value[]): readonly Value[] {
  return expectCollection(args, 0, ['set', 'array']);
}

/** The numbers of a collection; names the first element that is not one the way OPA does. */
function numberElements(args: Value[]): (number | bigint)[] {
  const collection = expectSetOrArray(args);
  return collection.map((element) => {
    if (typeof element !== 'number' && typeof element !== 'bigint') throw elementError(1, args[0], element, 'number');
    return element;
  });
}

/**
 * Accumulates exactly while every element is an integer; with any fraction the accumulation is
 * redone in doubles from the start, like OPA's fallback to floating point.
 */
function accumulate(
  numbers: (number | bigint)[],
  start: number,
  exact: (x: number | bigint, y: number | bigint) => number | bigint,
  double: (x: number, y: number) => number,
): number | bigint {
  if (numbers.every(isIntegral)) return numbers.reduce<number | bigint>(exact, start);
  return doubleResult(numbers.reduce<number>((total, n) => double(total, Number(n)), start));
}

function countOf(value: Value): number {
  if (typeof value === 'string') {
    // Code points, as Go counts runes, not UTF-16 units.
    let count = 0;
    for (const _character of value) count++;
    return count;
  }
  if (Array.isArray(value)) return value.length;
  if (typeof value === 'object' && value !== null) return value.size;
  throw operandError(1, ['array', 'object', 'set', 'string'], value);
}

/** For all and any: OPA lists these expected types as "array, set". */
function expectArrayOrSet(args: Value[]): readonly Value[] {
  const value = args[0];
  if (Array.isArray(value)) return value;
  if (value instanceof SetValue) return value.values();
  throw operandError(1, ['array', 'set'], value);
}

const numberCollection = T.anyOf(T.array(T.number), T.set(T.number));
const anyCollection = T.anyOf(T.array(), T.set());

export const builtins: Builtin[] = [
  {
    name: 'count',
    params: [
      {
        name: 'collection',
        type: T.anyOf(T.string, T.array(), T.object(), T.set()),
        description: 'The string, array, object or set to measure.',
      },
    ],
    result: { name: 'n', type: T.number, description: 'The number of characters, elements or keys.' },
    description: 'Counts the elements of an array or set, the keys of an object, or the characters (code points) of a string.',
    categories: ['aggregates'],
    impl: (args) => countOf(args[0]),
  },
  {
    name: 'sum',
    params: [{ name: 'collection', type: numberCollection, description: 'The numbers to add up.' }],
    result: { name: 'n', type: T.number, description: 'The total; 0 for an empty collection.' },
    description: 'Adds up the numbers of an array or set.',
    categories: ['aggregates'],
    impl: (args) => accumulate(numberElements(args), 0, addNumbers, (x, y) => x + y),
  },
  {
    name: 'product',
    params: [{ name: 'collection', type: numberCollection, description: 'The numbers to multiply.' }],
    result: { name: 'n', type: T.number, description: 'The product; 1 for an empty collection.' },
    description: 'Multiplies the numbers of an array or set together.',
    categories: ['aggregates'],
    impl: (args) => accumulate(numberElements(args), 1, multiplyNumbers, (x, y) => x * y),
  },
  {
    name: 'max',
    params: [{ name: 'collection', type: anyCollection, description: 'The values to choose from.' }],
    result: { name: 'n', type: T.any, description: 'The greatest value in the standard ordering of values.' },
    description: 'Gives the greatest element of an array or set; undefined when it is empty.',
    categories: ['aggregates'],
    impl: (args) => {
      const elements = expectSetOrArray(args);
      if (elements.length === 0) return undefined;
      return elements.reduce((best, element) => (compare(best, element) <= 0 ? element : best));
    },
  },
  {
    name: 'min',
    params: [{ name: 'collection', type: anyCollection, description: 'The values to choose from.' }],
    result: { name: 'n', type: T.any, description: 'The least value in the standard ordering of values.' },
    description: 'Gives the least element of an array or set; undefined when it is empty.',
    categories: ['aggregates'],
    impl: (args) => {
      const elements = expectSetOrArray(args);
      if (elements.length === 0) return undefined;
      return elements.reduce((best, element) => (compare(best, element) >= 0 ? element : best));
    },
  },
  {
    name: 'sort',
    params: [{ name: 'collection', type: anyCollection, description: 'The values to sort.' }],
    result: { name: 'n', type: T.array(), description: 'The values in ascending order, duplicates of an array kept.' },
    description: 'Sorts the elements of an array or set into an array, in the standard ordering of values.',
    categories: ['aggregates'],
    impl: (args) => [...expectSetOrArray(args)].sort(compare),
  },
  {
    name: 'all',
    params: [{ name: '', type: anyCollection, description: 'The values to check.' }],
    result: { name: '', type: T.boolean, description: 'Whether every element is true; true for an empty collection.' },
    description: 'Tells whether every element of an array or set is true. Deprecated: use a comprehension or `every` instead.',
    categories: [],
    deprecated: true,
    impl: (args) => expectArrayOrSet(args).every((element) => element === true),
  },
  {
    name: 'any',
    params: [{ name: '', type: anyCollection, description: 'The values to check.' }],
    result: { name: '', type: T.boolean, description: 'Whether some element is true; false for an empty collection.' },
    description: 'Tells whether some element of an array or set is true. Deprecated: use a comprehension or `in` instead.',
    categories: [],
    deprecated: true,
    impl: (args) => expectArrayOrSet(args).some((element) => element === true),
  },
];
