/**
 * Comparison built-ins behind the operators == != < > <= >=. They accept any two values and
 * compare them with OPA's total order (null, booleans, numbers, strings, arrays, objects, sets),
 * so comparing values of different types is never an error. Numbers compare by value, whatever
 * way they are written.
 */
import { T, type Builtin } from './declaration.js';
import { compare, equal, type Value } from '../value/value.js';

function comparisonBuiltin(name: string, infix: string, description: string, holds: (x: Value, y: Value) => boolean): Builtin {
  return {
    name,
    infix,
    params: [
      { name: 'x', type: T.any, description: 'The left-hand value.' },
      { name: 'y', type: T.any, description: 'The right-hand value.' },
    ],
    result: { name: 'result', type: T.boolean, description: 'Whether the comparison holds.' },
    description,
    categories: ['comparison'],
    impl: (args) => holds(args[0], args[1]),
  };
}

export const builtins: Builtin[] = [
  comparisonBuiltin('equal', '==', 'Tells whether two values are equal.', equal),
  comparisonBuiltin('neq', '!=', 'Tells whether two values differ.', (x, y) => !equal(x, y)),
  comparisonBuiltin('lt', '<', 'Tells whether the first value sorts before the second.', (x, y) => compare(x, y) < 0),
  comparisonBuiltin('gt', '>', 'Tells whether the first value sorts after the second.', (x, y) => compare(x, y) > 0),
  comparisonBuiltin('lte', '<=', 'Tells whether the first value sorts before the second or equals it.', (x, y) => compare(x, y) <= 0),
  comparisonBuiltin('gte', '>=', 'Tells whether the first value sorts after the second or equals it.', (x, y) => compare(x, y) >= 0),
];
