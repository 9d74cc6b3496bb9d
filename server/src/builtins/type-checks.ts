/**
 * Type built-ins: the is_* checks, type_name, to_number, and the deprecated cast_* functions.
 * The checks answer false rather than failing for a value of another type. to_number reads
 * strings the way Go's strconv.ParseFloat does (so its error messages match OPA's), keeping
 * integers exact at any size.
 */
import { BuiltinError, T, operandError, type Builtin, type Type } from './declaration.js';
import { doubleResult } from './numbers.js';
import { SetValue, parseNumber, typeOf, type TypeName, type Value } from '../value/value.js';

// ---------------------------------------------------------------------------------------------
// to_number

const DECIMAL_SYNTAX = /^[+-]?(?:[\d_]*\d[\d_]*(?:\.[\d_]*)?|[\d_]*\.[\d_]*\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?$/;
const HEX_SYNTAX = /^([+-]?)0[xX]([\da-fA-F_]*)(?:\.([\da-fA-F_]*))?[pP]([+-]?\d[\d_]*)$/;

/**
 * Go accepts an underscore only between two digits, or right after a base prefix such as 0x;
 * this mirrors strconv's underscoreOK check.
 */
function underscoresWellPlaced(text: string): boolean {
  let body = text.replace(/^[+-]/, '');
  let previous: 'start' | 'digit' | 'underscore' | 'other' = 'start';
  let hex = false;
  if (/^0[xXbBoO]/.test(body)) {
    hex = body[1] === 'x' || body[1] === 'X';
    body = body.slice(2);
    previous = 'digit';
  }
  for (const character of body) {
    if (/[0-9]/.test(character) || (hex && /[a-fA-F]/.test(character))) {
      previous = 'digit';
    } else if (character === '_') {
      if (previous !== 'digit') return false;
      previous = 'underscore';
    } else {
      if (previous === 'underscore') return false;
      previous = 'other';
    }
  }
  return previous !== 'underscore';
}

function parseFailure(text: string, reason: 'invalid syntax' | 'value out of range'): BuiltinError {
  // The wording of Go's strconv.NumError, which OPA passes on unchanged.
  return new BuiltinError(`strconv.ParseFloat: parsing ${JSON.stringify(text)}: ${reason}`);
}

/** A hexadecimal floating-point literal (0x1.8p3) as a double, the way Go reads it. */
function hexNumber(text: string, match: RegExpExecArray): number | bigint {
  const [, sign, whole, fraction = '', exponentText] = match;
  const digits = (whole + fraction).replace(/_/g, '');
  if (digits === '') throw parseFailure(text, 'invalid syntax');
  const exponent = Number(exponentText.replace(/_/g, '')) - 4 * fraction.replace(/_/g, '').length;
  const magnitude = Number(BigInt(`0x${digits}`)) * 2 ** exponent;
  if (!Number.isFinite(magnitude)) throw parseFailure(text, 'value out of range');
  return doubleResult(sign === '-' ? -magnitude : magnitude);
}

function stringToNumber(text: string): number | bigint {
  // OPA refuses the special values Go would accept, before parsing.
  const special = text.replace(/^[+-]+/, '').toLowerCase();
  if (special === 'inf' || special === 'infinity' || special === 'nan') {
    throw new BuiltinError('operand 1 must be valid number string but got string', 'eval_type_error');
  }
  if (text.includes('_') && !underscoresWellPlaced(text)) throw parseFailure(text, 'invalid syntax');
  const hex = HEX_SYNTAX.exec(text);
  if (hex) return hexNumber(text, hex);
  if (!DECIMAL_SYNTAX.test(text)) throw parseFailure(text, 'invalid syntax');
  const plain = text.replace(/_/g, '').replace(/^\+/, '');
  if (!Number.isFinite(Number(plain))) throw parseFailure(text, 'value out of range');
  const value = parseNumber(plain);
  if (value === undefined) throw parseFailure(text, 'invalid syntax');
  return value === 0 ? 0 : value;
}

function toNumber(value: Value): number | bigint {
  if (value === null) return 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  if (typeof value === 'string') return stringToNumber(value);
  // OPA lists these in declaration order, not alphabetically.
  throw operandError(1, ['null', 'boolean', 'number', 'string'], value);
}

// ---------------------------------------------------------------------------------------------
// Declarations

function typeCheck(name: string, type: TypeName, article: string): Builtin {
  return {
    name,
    params: [{ name: 'x', type: T.any, description: 'The value to check.' }],
    result: { name: 'result', type: T.boolean, description: `True when the value is ${article} ${type}, false otherwise.` },
    description: `Tells whether a value is ${article} ${type}.`,
    categories: ['types'],
    impl: (args) => typeOf(args[0]) === type,
  };
}

function cast(name: string, result: Type, description: string, run: (value: Value) => Value): Builtin {
  return {
    name,
    params: [{ name: '', type: T.any, description: 'The value to convert.' }],
    result: { name: '', type: result, description: 'The value, unchanged or converted.' },
    description,
    categories: [],
    deprecated: true,
    impl: (args) => run(args[0]),
  };
}

function keepType(expected: TypeName): (value: Value) => Value {
  return (value) => {
    if (typeOf(value) !== expected) throw operandError(1, expected, value);
    return value;
  };
}

export const builtins: Builtin[] = [
  typeCheck('is_number', 'number', 'a'),
  typeCheck('is_string', 'string', 'a'),
  typeCheck('is_boolean', 'boolean', 'a'),
  typeCheck('is_array', 'array', 'an'),
  typeCheck('is_set', 'set', 'a'),
  typeCheck('is_object', 'object', 'an'),
  {
    name: 'is_null',
    params: [{ name: 'x', type: T.any, description: 'The value to check.' }],
    result: { name: 'result', type: T.boolean, description: 'True when the value is null, false otherwise.' },
    description: 'Tells whether a value is null.',
    categories: ['types'],
    impl: (args) => args[0] === null,
  },
  {
    name: 'type_name',
    params: [{ name: 'x', type: T.any, description: 'The value whose type is wanted.' }],
    result: {
      name: 'type',
      type: T.string,
      description: 'One of "null", "boolean", "number", "string", "array", "object" and "set".',
    },
    description: 'Names the type of a value.',
    categories: ['types'],
    impl: (args) => typeOf(args[0]),
  },
  {
    name: 'to_number',
    params: [
      {
        name: 'value',
        type: T.anyOf(T.null, T.boolean, T.number, T.string),
        description: 'A number, a string holding a number, a boolean or null.',
      },
    ],
    result: { name: 'num', type: T.number, description: 'The number; true gives 1, false and null give 0.' },
    description:
      'Converts a value to a number. Strings are read as decimal (or hexadecimal floating-point) numbers; infinities and NaN are refused.',
    categories: ['conversions'],
    impl: (args) => toNumber(args[0]),
  },
  cast('cast_array', T.array(), 'Converts a set to an array of its elements in sorted order; an array is kept. Deprecated.', (value) => {
    if (Array.isArray(value)) return value;
    if (value instanceof SetValue) return [...value.values()];
    throw operandError(1, ['array', 'set'], value);
  }),
  cast('cast_set', T.set(), 'Converts an array to a set of its elements; a set is kept. Deprecated.', (value) => {
    if (value instanceof SetValue) return value;
    if (Array.isArray(value)) return SetValue.from(value);
    throw operandError(1, ['array', 'set'], value);
  }),
  cast('cast_string', T.string, 'Passes a string through and fails for any other value. Deprecated.', keepType('string')),
  cast('cast_boolean', T.boolean, 'Passes a boolean through and fails for any other value. Deprecated.', keepType('boolean')),
  cast('cast_null', T.null, 'Passes null through and fails for any other value. Deprecated.', keepType('null')),
  cast('cast_object', T.object(), 'Passes an object through and fails for any other value. Deprecated.', keepType('object')),
];
