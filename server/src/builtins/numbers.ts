/**
 * Arithmetic built-ins: the infix operators + - * / %, abs, round, ceil, floor, numbers.range,
 * numbers.range_step and rand.intn. Integers are exact at any size (bigint once beyond 2^53) and
 * numbers with a fraction are doubles, with every result put back in canonical form. The exact
 * arithmetic helpers and the integer operand checks are exported because the aggregates, the
 * bitwise and the array built-ins share them.
 */
import {
  BuiltinError,
  T,
  expectNumber,
  expectString,
  notIntegerError,
  operandError,
  type Builtin,
  type BuiltinContext,
} from './declaration.js';
import { SetValue, normalizeNumber, type Value } from '../value/value.js';

// ---------------------------------------------------------------------------------------------
// Exact arithmetic shared with the aggregates

type NumberValue = number | bigint;

export function isIntegral(n: NumberValue): boolean {
  return typeof n === 'bigint' || Number.isInteger(n);
}

/** The canonical value of a double result; refuses results a double cannot hold. */
export function doubleResult(n: number): NumberValue {
  if (!Number.isFinite(n)) throw new BuiltinError('number is out of range');
  // Negative zero prints and compares as zero; keep one zero.
  if (n === 0) return 0;
  return normalizeNumber(n);
}

interface Operation {
  exact(x: bigint, y: bigint): bigint;
  double(x: number, y: number): number;
}

/**
 * Runs an operation exactly when both operands are integers and in doubles otherwise. Integers
 * that are JS numbers first try the double operation: a safe-integer result is then exact.
 */
function arithmetic(x: NumberValue, y: NumberValue, operation: Operation): NumberValue {
  if (isIntegral(x) && isIntegral(y)) {
    if (typeof x === 'number' && typeof y === 'number') {
      const quick = operation.double(x, y);
      if (Number.isSafeInteger(quick)) return quick === 0 ? 0 : quick;
    }
    return normalizeNumber(operation.exact(BigInt(x), BigInt(y)));
  }
  return doubleResult(operation.double(Number(x), Number(y)));
}

const ADDITION: Operation = { exact: (x, y) => x + y, double: (x, y) => x + y };
const SUBTRACTION: Operation = { exact: (x, y) => x - y, double: (x, y) => x - y };
const MULTIPLICATION: Operation = { exact: (x, y) => x * y, double: (x, y) => x * y };

export function addNumbers(x: NumberValue, y: NumberValue): NumberValue {
  return arithmetic(x, y, ADDITION);
}

export function multiplyNumbers(x: NumberValue, y: NumberValue): NumberValue {
  return arithmetic(x, y, MULTIPLICATION);
}

function isZero(n: NumberValue): boolean {
  return typeof n === 'bigint' ? n === 0n : n === 0;
}

/**
 * OPA keeps a quotient of two integers exact only when the divisor divides the dividend (and the
 * dividend is not zero); any other quotient is a floating-point one.
 */
function divide(x: NumberValue, y: NumberValue): NumberValue {
  if (isZero(y)) throw new BuiltinError('divide by zero');
  if (isIntegral(x) && isIntegral(y) && !isZero(x)) {
    const dividend = BigInt(x);
    const divisor = BigInt(y);
    if (dividend % divisor === 0n) return normalizeNumber(dividend / divisor);
  }
  return doubleResult(Number(x) / Number(y));
}

/** Go's remainder: only on integers, with the sign of the dividend. */
function remainder(x: NumberValue, y: NumberValue): NumberValue {
  if (!isIntegral(x) || !isIntegral(y)) throw new BuiltinError('modulo on floating-point number');
  if (isZero(y)) throw new BuiltinError('modulo by zero');
  if (typeof x === 'number' && typeof y === 'number') return x % y === 0 ? 0 : x % y;
  return normalizeNumber(BigInt(x) % BigInt(y));
}

function absoluteValue(x: NumberValue): NumberValue {
  if (typeof x === 'bigint') return normalizeNumber(x < 0n ? -x : x);
  return x === 0 ? 0 : Math.abs(x);
}

/** Rounds half away from zero, as OPA does. The fraction x - trunc(x) is exact in doubles, so no drift. */
function roundNumber(x: NumberValue): NumberValue {
  if (isIntegral(x)) return x;
  const n = x as number;
  const whole = Math.trunc(n);
  const rounded = Math.abs(n - whole) >= 0.5 ? whole + Math.sign(n) : whole;
  return rounded === 0 ? 0 : rounded;
}

/**
 * OPA truncates towards zero and then adds one unless the truncated value is negative. For a
 * number between -1 and 0 the truncated value is a positive zero, so OPA's ceil gives 1 there
 * (ceil(-0.5) is 1); this follows it.
 */
function ceilNumber(x: NumberValue): NumberValue {
  if (isIntegral(x)) return x;
  const n = x as number;
  const whole = Math.trunc(n);
  return whole < 0 ? whole : whole + 1;
}

/**
 * The mirror of ceilNumber: OPA subtracts one only when the truncated value is negative, so for a
 * number between -1 and 0 its floor is 0 (floor(-0.5) is 0); this follows it.
 */
function floorNumber(x: NumberValue): NumberValue {
  if (isIntegral(x)) return x;
  const n = x as number;
  const whole = Math.trunc(n);
  return whole < 0 ? whole - 1 : whole === 0 ? 0 : whole;
}

// ---------------------------------------------------------------------------------------------
// Operand checks in the shape of OPA's helpers

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * An integer operand that must fit a Go int (64 bits), like OPA's IntOperand: anything else
 * numeric is reported as a floating-point number.
 */
export function expectMachineInteger(args: Value[], index: number): number | bigint {
  const value = expectNumber(args, index);
  const fits = typeof value === 'bigint' ? value >= INT64_MIN && value <= INT64_MAX : Number.isInteger(value);
  if (!fits) throw notIntegerError(index + 1);
  return value;
}

/** An integer operand of any size, like OPA's BigIntOperand (whose type error says "integer"). */
export function expectBigInteger(args: Value[], index: number): bigint {
  const value = args[index];
  if (typeof value !== 'number' && typeof value !== 'bigint') throw operandError(index + 1, 'integer', value);
  if (!isIntegral(value)) throw notIntegerError(index + 1);
  return BigInt(value);
}

// ---------------------------------------------------------------------------------------------
// Ranges

/** The most numbers a range may hold; beyond it the call fails instead of exhausting memory. */
export const RANGE_LIMIT = 10_000_000;

function numberRange(from: bigint, to: bigint, step: bigint): Value[] {
  const distance = from <= to ? to - from : from - to;
  const size = distance / step + 1n;
  if (size > BigInt(RANGE_LIMIT)) {
    throw new BuiltinError(`range of ${size} numbers is too large (the limit is ${RANGE_LIMIT})`);
  }
  const count = Number(size);
  const numbers: Value[] = new Array<Value>(count);
  const direction = from <= to ? step : -step;
  const safe =
    from >= -9007199254740991n && from <= 9007199254740991n && to >= -9007199254740991n && to <= 9007199254740991n;
  if (safe) {
    const start = Number(from);
    const delta = Number(direction);
    for (let i = 0; i < count; i++) numbers[i] = start + i * delta;
  } else {
    for (let i = 0; i < count; i++) numbers[i] = normalizeNumber(from + BigInt(i) * direction);
  }
  return numbers;
}

// ---------------------------------------------------------------------------------------------
// rand.intn

/** A random integer below a bound beyond 2^53, from 64 random bits (the bound fits 64 bits). */
function randomBigInteger(limit: bigint, context: BuiltinContext): Value {
  const high = BigInt(context.randomInt(2 ** 32));
  const low = BigInt(context.randomInt(2 ** 32));
  return normalizeNumber(((high << 32n) | low) % limit);
}

function randomInteger(args: Value[], context: BuiltinContext): Value {
  const text = expectString(args, 0);
  const bound = expectMachineInteger(args, 1);
  if (isZero(bound)) return 0;
  const limit = typeof bound === 'bigint' ? (bound < 0n ? -bound : bound) : Math.abs(bound);
  // OPA caches the draw per string and bound for the whole query, so the same call agrees with itself.
  const key = `rand.intn\u0000${text}\u0000${limit}`;
  const cached = context.queryCache.get(key);
  if (cached !== undefined) return cached as Value;
  const drawn = typeof limit === 'number' ? context.randomInt(limit) : randomBigInteger(limit, context);
  context.queryCache.set(key, drawn);
  return drawn;
}

// ---------------------------------------------------------------------------------------------
// Declarations

function binaryNumberBuiltin(
  name: string,
  infix: string,
  description: string,
  words: { x: string; y: string; z: string },
  run: (x: NumberValue, y: NumberValue) => NumberValue,
): Builtin {
  return {
    name,
    infix,
    params: [
      { name: 'x', type: T.number, description: words.x },
      { name: 'y', type: T.number, description: words.y },
    ],
    result: { name: 'z', type: T.number, description: words.z },
    description,
    categories: ['numbers'],
    impl: (args) => run(expectNumber(args, 0), expectNumber(args, 1)),
  };
}

function unaryNumberBuiltin(
  name: string,
  description: string,
  words: { x: string; y: string },
  run: (x: NumberValue) => NumberValue,
): Builtin {
  return {
    name,
    params: [{ name: 'x', type: T.number, description: words.x }],
    result: { name: 'y', type: T.number, description: words.y },
    description,
    categories: ['numbers'],
    impl: (args) => run(expectNumber(args, 0)),
  };
}

const numberOrSet = T.anyOf(T.number, T.set());

export const builtins: Builtin[] = [
  binaryNumberBuiltin(
    'plus',
    '+',
    'Adds two numbers. Integers stay exact however large they get.',
    { x: 'The first addend.', y: 'The second addend.', z: 'The sum.' },
    addNumbers,
  ),
  {
    name: 'minus',
    infix: '-',
    params: [
      { name: 'x', type: numberOrSet, description: 'The number to subtract from, or the set to remove elements from.' },
      { name: 'y', type: numberOrSet, description: 'The number to subtract, or the set of elements to remove.' },
    ],
    result: { name: 'z', type: numberOrSet, description: 'The difference of the numbers, or the elements of x that are not in y.' },
    description: 'Subtracts one number from another, or gives the difference of two sets.',
    categories: ['sets', 'numbers'],
    impl: (args) => {
      const [x, y] = args;
      const xIsNumber = typeof x === 'number' || typeof x === 'bigint';
      const yIsNumber = typeof y === 'number' || typeof y === 'bigint';
      if (xIsNumber && yIsNumber) return arithmetic(x, y, SUBTRACTION);
      if (x instanceof SetValue && y instanceof SetValue) {
        const difference = new SetValue();
        for (const item of x.values()) if (!y.has(item)) difference.add(item);
        return difference;
      }
      if (!xIsNumber && !(x instanceof SetValue)) throw operandError(1, ['number', 'set'], x);
      // The same order of checks as OPA's minus: a number on the right asks for a set, anything
      // else on the right asks for a number (even when the left side is a set).
      if (yIsNumber) throw operandError(2, 'set', y);
      throw operandError(2, 'number', y);
    },
  },
  binaryNumberBuiltin(
    'mul',
    '*',
    'Multiplies two numbers. Integers stay exact however large they get.',
    { x: 'The first factor.', y: 'The second factor.', z: 'The product.' },
    multiplyNumbers,
  ),
  binaryNumberBuiltin(
    'div',
    '/',
    'Divides one number by another. The quotient of two integers is an integer only when the division is exact.',
    { x: 'The dividend.', y: 'The divisor; zero is an error.', z: 'The quotient.' },
    divide,
  ),
  binaryNumberBuiltin(
    'rem',
    '%',
    'Gives the remainder of dividing one integer by another; the remainder has the sign of the dividend.',
    { x: 'The dividend, an integer.', y: 'The divisor, a non-zero integer.', z: 'The remainder.' },
    remainder,
  ),
  unaryNumberBuiltin(
    'abs',
    'Gives the absolute value of a number.',
    { x: 'The number.', y: 'The number without its sign.' },
    absoluteValue,
  ),
  unaryNumberBuiltin(
    'round',
    'Rounds a number to the nearest integer; halves round away from zero.',
    { x: 'The number to round.', y: 'The nearest integer.' },
    roundNumber,
  ),
  unaryNumberBuiltin(
    'ceil',
    'Rounds a number up to an integer.',
    { x: 'The number to round up.', y: 'The integer at or above the number.' },
    ceilNumber,
  ),
  unaryNumberBuiltin(
    'floor',
    'Rounds a number down to an integer.',
    { x: 'The number to round down.', y: 'The integer at or below the number.' },
    floorNumber,
  ),
  {
    name: 'numbers.range',
    params: [
      { name: 'a', type: T.number, description: 'The first integer of the range.' },
      { name: 'b', type: T.number, description: 'The last integer of the range; it may be below the first.' },
    ],
    result: { name: 'range', type: T.array(T.number), description: 'The integers from a to b, both included, counting up or down.' },
    description: 'Lists the integers from one integer to another, in steps of one, upwards or downwards.',
    categories: [],
    impl: (args) => numberRange(expectBigInteger(args, 0), expectBigInteger(args, 1), 1n),
  },
  {
    name: 'numbers.range_step',
    params: [
      { name: 'a', type: T.number, description: 'The first integer of the range.' },
      { name: 'b', type: T.number, description: 'The bound of the range; it is included when a step lands on it.' },
      { name: 'step', type: T.number, description: 'The distance between neighbours, a positive integer.' },
    ],
    result: { name: 'range', type: T.array(T.number), description: 'The integers from a towards b, step apart.' },
    description: 'Lists the integers from one integer towards another, a fixed step apart, upwards or downwards.',
    categories: [],
    impl: (args) => {
      const from = expectBigInteger(args, 0);
      const to = expectBigInteger(args, 1);
      const step = expectBigInteger(args, 2);
      if (step <= 0n) throw new BuiltinError('step must be a positive number above zero');
      return numberRange(from, to, step);
    },
  },
  {
    name: 'rand.intn',
    params: [
      { name: 'str', type: T.string, description: 'A name for the draw: calls with the same name and bound agree within a query.' },
      { name: 'n', type: T.number, description: 'The bound; its sign is ignored.' },
    ],
    result: { name: 'y', type: T.number, description: 'A random integer from 0 up to but not including the bound (0 for a bound of 0).' },
    description: 'Draws a random integer below a bound, the same one for the same arguments throughout a query.',
    categories: ['numbers'],
    nondeterministic: true,
    impl: randomInteger,
  },
];

