/**
 * Bitwise built-ins on integers: bits.and, bits.or, bits.xor, bits.negate, bits.lsh and bits.rsh.
 * They work on integers of any size with two's-complement semantics, as Go's big.Int does, so a
 * shift never overflows and negative numbers behave as if they had infinitely many sign bits.
 */
import { BuiltinError, T, type Builtin } from './declaration.js';
import { expectBigInteger } from './numbers.js';
import { normalizeNumber, type Value } from '../value/value.js';

/** The most bits a left shift may produce; OPA would try to allocate any size and run out of memory. */
const MAXIMUM_SHIFT_RESULT_BITS = 1 << 24;

/** A shift count: OPA reads it like any integer operand, then refuses negative counts. */
function expectShiftCount(args: Value[], index: number): bigint {
  const count = expectBigInteger(args, index);
  if (count < 0n) {
    throw new BuiltinError(
      `operand ${index + 1} must be an unsigned integer number but got a negative integer`,
      'eval_type_error',
    );
  }
  return count;
}

function bitLength(n: bigint): number {
  return (n < 0n ? -n : n).toString(2).length;
}

function shiftLeft(x: bigint, count: bigint): bigint {
  if (x === 0n) return 0n;
  if (count + BigInt(bitLength(x)) > BigInt(MAXIMUM_SHIFT_RESULT_BITS)) {
    throw new BuiltinError(`shift count ${count} is too large`);
  }
  return x << count;
}

function shiftRight(x: bigint, count: bigint): bigint {
  // Shifting out every bit leaves the sign: 0 for non-negative numbers and -1 for negative ones.
  if (count >= BigInt(bitLength(x))) return x < 0n ? -1n : 0n;
  return x >> count;
}

/** A built-in on two integers; how the second operand is named and read is up to the caller. */
function twoIntegerBuiltin(
  name: string,
  description: string,
  words: { x: string; z: string },
  second: { name: string; description: string; read: (args: Value[], index: number) => bigint },
  run: (x: bigint, y: bigint) => bigint,
): Builtin {
  return {
    name,
    params: [
      { name: 'x', type: T.number, description: words.x },
      { name: second.name, type: T.number, description: second.description },
    ],
    result: { name: 'z', type: T.number, description: words.z },
    description,
    categories: [],
    impl: (args) => normalizeNumber(run(expectBigInteger(args, 0), second.read(args, 1))),
  };
}

function binaryBitsBuiltin(
  name: string,
  description: string,
  words: { x: string; y: string; z: string },
  run: (x: bigint, y: bigint) => bigint,
): Builtin {
  return twoIntegerBuiltin(name, description, words, { name: 'y', description: words.y, read: expectBigInteger }, run);
}

function shiftBuiltin(name: string, description: string, words: { x: string; s: string; z: string }, run: (x: bigint, s: bigint) => bigint): Builtin {
  return twoIntegerBuiltin(name, description, words, { name: 's', description: words.s, read: expectShiftCount }, run);
}

export const builtins: Builtin[] = [
  binaryBitsBuiltin(
    'bits.and',
    'Gives the bitwise AND of two integers.',
    { x: 'The first integer.', y: 'The second integer.', z: 'The bits set in both integers.' },
    (x, y) => x & y,
  ),
  binaryBitsBuiltin(
    'bits.or',
    'Gives the bitwise OR of two integers.',
    { x: 'The first integer.', y: 'The second integer.', z: 'The bits set in either integer.' },
    (x, y) => x | y,
  ),
  binaryBitsBuiltin(
    'bits.xor',
    'Gives the bitwise exclusive OR of two integers.',
    { x: 'The first integer.', y: 'The second integer.', z: 'The bits set in exactly one of the integers.' },
    (x, y) => x ^ y,
  ),
  {
    name: 'bits.negate',
    params: [{ name: 'x', type: T.number, description: 'The integer to invert.' }],
    result: { name: 'z', type: T.number, description: 'The integer with every bit flipped, which is -x - 1.' },
    description: "Flips every bit of an integer (its two's-complement inverse).",
    categories: [],
    impl: (args) => normalizeNumber(~expectBigInteger(args, 0)),
  },
  shiftBuiltin(
    'bits.lsh',
    'Shifts the bits of an integer to the left, which multiplies it by a power of two.',
    { x: 'The integer to shift.', s: 'How many bits to shift by; not negative.', z: 'The shifted integer.' },
    shiftLeft,
  ),
  shiftBuiltin(
    'bits.rsh',
    'Shifts the bits of an integer to the right, which divides it by a power of two rounding down.',
    { x: 'The integer to shift.', s: 'How many bits to shift by; not negative.', z: 'The shifted integer.' },
    shiftRight,
  ),
];
