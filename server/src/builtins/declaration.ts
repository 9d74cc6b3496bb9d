/**
 * How a built-in function is declared: as data (name, typed and described parameters, result,
 * description, categories, flags) plus its implementation. Types use the shape of OPA's
 * capabilities.json so the list can be exported as-is. Argument checks shared by every family live
 * here so every type error reads the same way.
 */
import { ObjectValue, SetValue, typeOf, type Value, type TypeName } from '../value/value.js';

/** A type in the shape OPA's capabilities.json uses. */
export type Type =
  | { type: 'any'; of?: Type[] | Type }
  | { type: 'null' | 'boolean' | 'number' | 'string' }
  | { type: 'array'; static?: Type[]; dynamic?: Type }
  | { type: 'set'; of: Type }
  | { type: 'object'; static?: { key: string; value: Type }[]; dynamic?: { key: Type; value: Type } }
  | { type: 'function'; args?: Type[]; result?: Type; variadic?: Type };

/** Short constructors for declarations. */
export const T = {
  any: { type: 'any' } as Type,
  null: { type: 'null' } as Type,
  boolean: { type: 'boolean' } as Type,
  number: { type: 'number' } as Type,
  string: { type: 'string' } as Type,
  anyOf: (...of: Type[]): Type => ({ type: 'any', of }),
  array: (of: Type = { type: 'any' }): Type => ({ type: 'array', dynamic: of }),
  tuple: (...items: Type[]): Type => ({ type: 'array', static: items }),
  set: (of: Type = { type: 'any' }): Type => ({ type: 'set', of }),
  object: (key: Type = { type: 'any' }, value: Type = { type: 'any' }): Type => ({ type: 'object', dynamic: { key, value } }),
  record: (fields: Record<string, Type>, dynamic?: { key: Type; value: Type }): Type => ({
    type: 'object',
    static: Object.entries(fields).map(([key, value]) => ({ key, value })),
    ...(dynamic ? { dynamic } : {}),
  }),
};

export interface Parameter {
  name: string;
  type: Type;
  description: string;
}

/** What a built-in may use besides its arguments. Time, randomness and I/O come from here. */
export interface BuiltinContext {
  /** Wall-clock time in nanoseconds since the epoch; stable within one query. */
  nowNs(): bigint;
  /** A random integer in [0, n). */
  randomInt(n: number): number;
  /** A cache that lives for one query (for example for `rand.intn` with the same arguments). */
  queryCache: Map<string, unknown>;
  /** The environment, for built-ins that reach outside (HTTP, DNS, runtime info). */
  environment: Environment;
  /** Calls another built-in by name (for built-ins defined in terms of others). */
  call(name: string, args: Value[]): Value | undefined;
}

export interface Environment {
  /** Wall clock, nanoseconds since the epoch. */
  now(): bigint;
  random(): number;
  /** `http.send`: absent unless network access was allowed. */
  httpSend?(request: Value): Promise<Value> | Value;
  /** `net.lookup_ip_addr`: absent unless network access was allowed. */
  lookupIpAddr?(name: string): Promise<string[]> | string[];
  /** `opa.runtime()`. */
  runtime?(): Value;
}

export interface Builtin {
  /** The name as written in Rego: `count`, `strings.replace_n`, `plus` for `+`. */
  name: string;
  /** The operator this built-in also stands for, such as `+`. */
  infix?: string;
  params: Parameter[];
  /** Extra arguments of any number (`print`). */
  variadic?: Parameter;
  result?: Parameter;
  description: string;
  categories: string[];
  nondeterministic?: boolean;
  deprecated?: boolean;
  /** Produces several outputs (`walk`): the implementation returns them all as an array. */
  relation?: boolean;
  /**
   * Runs the built-in on evaluated arguments. Returns the result, or undefined when the call is
   * undefined. Throws BuiltinError (or uses the check helpers below) for errors.
   */
  impl(args: Value[], context: BuiltinContext): Value | undefined;
}

export type ErrorCode = 'eval_builtin_error' | 'eval_type_error';

/** An error raised by a built-in; the evaluator prefixes the message with the built-in's name. */
export class BuiltinError extends Error {
  constructor(message: string, readonly code: ErrorCode = 'eval_builtin_error') {
    super(message);
  }
}

const TYPE_WORDS: Record<TypeName, string> = {
  null: 'null', boolean: 'boolean', number: 'number', string: 'string', array: 'array', object: 'object', set: 'set',
};

/** OPA's operand type error: "operand 1 must be string but got number". */
export function operandError(position: number, expected: string | string[], got: Value): BuiltinError {
  const wanted = Array.isArray(expected)
    ? expected.length === 1 ? expected[0] : `one of {${expected.join(', ')}}`
    : expected;
  return new BuiltinError(`operand ${position} must be ${wanted} but got ${TYPE_WORDS[typeOf(got)]}`, 'eval_type_error');
}

export function expectString(args: Value[], index: number): string {
  const value = args[index];
  if (typeof value !== 'string') throw operandError(index + 1, 'string', value);
  return value;
}

export function expectNumber(args: Value[], index: number): number | bigint {
  const value = args[index];
  if (typeof value !== 'number' && typeof value !== 'bigint') throw operandError(index + 1, 'number', value);
  return value;
}

export function expectBoolean(args: Value[], index: number): boolean {
  const value = args[index];
  if (typeof value !== 'boolean') throw operandError(index + 1, 'boolean', value);
  return value;
}

export function expectArray(args: Value[], index: number): Value[] {
  const value = args[index];
  if (!Array.isArray(value)) throw operandError(index + 1, 'array', value);
  return value;
}

export function expectObject(args: Value[], index: number): ObjectValue {
  const value = args[index];
  if (!(value instanceof ObjectValue)) throw operandError(index + 1, 'object', value);
  return value;
}

export function expectSet(args: Value[], index: number): SetValue {
  const value = args[index];
  if (!(value instanceof SetValue)) throw operandError(index + 1, 'set', value);
  return value;
}

/** "operand 2 must be array of strings but got array containing number". */
export function elementError(position: number, composite: Value, got: Value, expected: string): BuiltinError {
  const kind = TYPE_WORDS[typeOf(composite)];
  return new BuiltinError(`operand ${position} must be ${kind} of ${expected}s but got ${kind} containing ${TYPE_WORDS[typeOf(got)]}`, 'eval_type_error');
}

/** OPA's error for a number where an integer is needed; it calls every such number floating-point. */
export function notIntegerError(position: number): BuiltinError {
  return new BuiltinError(`operand ${position} must be integer number but got floating-point number`, 'eval_type_error');
}

/** An integer argument as a JS number (OPA rejects non-integers for counts, indexes and widths). */
export function expectInteger(args: Value[], index: number): number {
  const value = expectNumber(args, index);
  if (typeof value === 'bigint') return Number(value);
  if (!Number.isInteger(value)) throw notIntegerError(index + 1);
  return value;
}

/** The elements of an array or a set (for built-ins that take either). */
export function expectCollection(args: Value[], index: number, allowed: ('array' | 'set')[] = ['array', 'set']): readonly Value[] {
  const value = args[index];
  if (Array.isArray(value) && allowed.includes('array')) return value;
  if (value instanceof SetValue && allowed.includes('set')) return value.values();
  throw operandError(index + 1, allowed, value);
}

/** Declares a family: checks nothing at runtime, but keeps declarations typed. */
export function family(builtins: Builtin[]): Builtin[] {
  return builtins;
}
