/**
 * Array built-ins: array.concat, array.slice, array.reverse and array.flatten. Each builds a new
 * array and leaves its arguments alone. Slice indexes are clamped into the array the way OPA
 * clamps them, so out-of-range indexes give a shorter or empty result rather than an error.
 */
import { T, expectArray, type Builtin } from './declaration.js';
import { expectMachineInteger } from './numbers.js';
import type { Value } from '../value/value.js';

/**
 * OPA clamps the stop index into [0, length] first, then the start index into [0, stop], so a
 * negative index counts as 0 (not from the end) and a start past the stop gives an empty array.
 */
function slice(array: Value[], startIndex: number | bigint, stopIndex: number | bigint): Value[] {
  const length = array.length;
  const stop = stopIndex < 0 ? 0 : stopIndex > length ? length : Number(stopIndex);
  const start = startIndex < 0 ? 0 : startIndex > stop ? stop : Number(startIndex);
  return array.slice(start, stop);
}

function flatten(array: Value[]): Value[] {
  const flattened: Value[] = [];
  for (const item of array) {
    if (Array.isArray(item)) flattened.push(...item);
    else flattened.push(item);
  }
  return flattened;
}

export const builtins: Builtin[] = [
  {
    name: 'array.concat',
    params: [
      { name: 'x', type: T.array(), description: 'The array whose elements come first.' },
      { name: 'y', type: T.array(), description: 'The array whose elements come after.' },
    ],
    result: { name: 'z', type: T.array(), description: 'The elements of x followed by the elements of y.' },
    description: 'Joins two arrays into one.',
    categories: [],
    impl: (args) => {
      const x = expectArray(args, 0);
      const y = expectArray(args, 1);
      return [...x, ...y];
    },
  },
  {
    name: 'array.slice',
    params: [
      { name: 'arr', type: T.array(), description: 'The array to take a part of.' },
      { name: 'start', type: T.number, description: 'The index of the first element to take; below 0 counts as 0.' },
      { name: 'stop', type: T.number, description: 'The index just past the last element to take; beyond the end counts as the end.' },
    ],
    result: { name: 'slice', type: T.array(), description: 'The elements from start up to but not including stop.' },
    description: 'Takes the part of an array between two indexes; indexes out of range are brought into range.',
    categories: [],
    impl: (args) => {
      const array = expectArray(args, 0);
      const start = expectMachineInteger(args, 1);
      const stop = expectMachineInteger(args, 2);
      return slice(array, start, stop);
    },
  },
  {
    name: 'array.reverse',
    params: [{ name: 'arr', type: T.array(), description: 'The array to reverse.' }],
    result: { name: 'rev', type: T.array(), description: 'The same elements in the opposite order.' },
    description: 'Reverses the order of the elements of an array.',
    categories: [],
    impl: (args) => [...expectArray(args, 0)].reverse(),
  },
  {
    name: 'array.flatten',
    params: [{ name: 'arr', type: T.array(), description: 'The array whose nested arrays are to be opened.' }],
    result: {
      name: 'flattened',
      type: T.array(),
      description: 'The elements with every element that is an array replaced by its own elements.',
    },
    description: 'Flattens an array by one level: elements that are arrays are replaced by their elements, and other elements are kept as they are.',
    categories: [],
    impl: (args) => flatten(expectArray(args, 0)),
  },
];
