/**
 * Set built-ins: the operators & (and) and | (or) on two sets, and intersection and union over a
 * set of sets. Set difference is the - operator, which lives with the numbers because it also
 * subtracts numbers. Results are new sets; the arguments are never changed.
 */
import { T, expectSet, operandError, type Builtin } from './declaration.js';
import { SetValue, type Value } from '../value/value.js';

function intersect(a: SetValue, b: SetValue): SetValue {
  const [smaller, larger] = a.size <= b.size ? [a, b] : [b, a];
  const result = new SetValue();
  for (const item of smaller.values()) if (larger.has(item)) result.add(item);
  return result;
}

function unite(sets: readonly SetValue[]): SetValue {
  const result = new SetValue();
  for (const set of sets) for (const item of set.values()) result.add(item);
  return result;
}

/** The member sets of a set of sets; OPA reports a member that is not a set as operand 1. */
function memberSets(args: Value[]): SetValue[] {
  return expectSet(args, 0).values().map((member) => {
    if (!(member instanceof SetValue)) throw operandError(1, 'set', member);
    return member;
  });
}

export const builtins: Builtin[] = [
  {
    name: 'and',
    infix: '&',
    params: [
      { name: 'x', type: T.set(), description: 'The first set.' },
      { name: 'y', type: T.set(), description: 'The second set.' },
    ],
    result: { name: 'z', type: T.set(), description: 'The elements that are in both sets.' },
    description: 'Gives the intersection of two sets.',
    categories: ['sets'],
    impl: (args) => intersect(expectSet(args, 0), expectSet(args, 1)),
  },
  {
    name: 'or',
    infix: '|',
    params: [
      { name: 'x', type: T.set(), description: 'The first set.' },
      { name: 'y', type: T.set(), description: 'The second set.' },
    ],
    result: { name: 'z', type: T.set(), description: 'The elements that are in either set.' },
    description: 'Gives the union of two sets.',
    categories: ['sets'],
    impl: (args) => {
      const x = expectSet(args, 0);
      const y = expectSet(args, 1);
      return unite([x, y]);
    },
  },
  {
    name: 'set_diff',
    params: [
      { name: '', type: T.set(), description: 'The set to take elements from.' },
      { name: '', type: T.set(), description: 'The set of elements to leave out.' },
    ],
    result: { name: '', type: T.set(), description: 'The elements of the first set that are not in the second.' },
    description: 'Gives the elements of the first set that the second set does not have. Deprecated: write `x - y`.',
    categories: [],
    deprecated: true,
    impl: (args) => {
      const x = expectSet(args, 0);
      const y = expectSet(args, 1);
      return SetValue.from(x.values().filter((value) => !y.has(value)));
    },
  },
  {
    name: 'intersection',
    params: [{ name: 'xs', type: T.set(T.set()), description: 'The sets to intersect.' }],
    result: { name: 'y', type: T.set(), description: 'The elements found in every one of the sets; empty when there are no sets.' },
    description: 'Gives the elements that all the sets in a set of sets have in common.',
    categories: ['sets'],
    impl: (args) => {
      const sets = memberSets(args);
      if (sets.length === 0) return new SetValue();
      return sets.slice(1).reduce(intersect, sets[0]);
    },
  },
  {
    name: 'union',
    params: [{ name: 'xs', type: T.set(T.set()), description: 'The sets to join.' }],
    result: { name: 'y', type: T.set(), description: 'The elements found in any of the sets.' },
    description: 'Gives all the elements of all the sets in a set of sets.',
    categories: ['sets'],
    impl: (args) => unite(memberSets(args)),
  },
];
