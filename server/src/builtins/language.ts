/**
 * Built-ins that belong to the language itself: the operators the parser turns expressions into
 * (`=`, `:=`, `in`), `print` and the internal forms the compiler emits. Their evaluation is partly
 * done by the evaluator (unification binds variables, `print` sees undefined arguments), but they are
 * declared here like every other built-in so hover, completion and the capabilities export see them.
 * OPA leaves the operands of these operator forms unnamed, and so do we (names are part of the export).
 */
import { ObjectValue, SetValue, equal, valueText, type Value } from '../value/value.js';
import { BuiltinError, T, expectString, type Builtin } from './declaration.js';

function member(collection: Value, needle: Value): boolean {
  if (Array.isArray(collection)) return collection.some((item) => equal(item, needle));
  if (collection instanceof SetValue) return collection.has(needle);
  if (collection instanceof ObjectValue) return collection.values().some((item) => equal(item, needle));
  return false;
}

function evaluatorOnly(name: string): never {
  throw new BuiltinError(`${name} is evaluated by the compiler and the engine and cannot be called directly`);
}

export const builtins: Builtin[] = [
  {
    name: 'eq',
    infix: '=',
    params: [
      { name: '', type: T.any, description: 'one side of the unification' },
      { name: '', type: T.any, description: 'the other side' },
    ],
    result: { name: '', type: T.boolean, description: 'true when both sides can be made equal' },
    description: 'Unifies two terms: binds unbound variables on either side so that both sides are equal, or fails.',
    categories: ['comparison'],
    impl: (args) => equal(args[0], args[1]),
  },
  {
    name: 'assign',
    infix: ':=',
    params: [
      { name: '', type: T.any, description: 'the new local variable (or a pattern of them)' },
      { name: '', type: T.any, description: 'the value to give it' },
    ],
    result: { name: '', type: T.boolean, description: 'true once assigned' },
    description: 'Declares local variables and assigns them a value; a variable can be assigned only once in a scope.',
    categories: ['assignment'],
    impl: (args) => equal(args[0], args[1]),
  },
  {
    name: 'internal.member_2',
    infix: 'in',
    params: [
      { name: '', type: T.any, description: 'the value looked for' },
      { name: '', type: T.any, description: 'an array, set or object whose values are searched' },
    ],
    result: { name: '', type: T.boolean, description: 'whether x is among the values of y' },
    description: '`x in xs`: whether a value is an element of an array or set, or a value of an object.',
    categories: [],
    impl: (args) => member(args[1], args[0]),
  },
  {
    name: 'internal.member_3',
    infix: 'in',
    params: [
      { name: '', type: T.any, description: 'the key or index looked for' },
      { name: '', type: T.any, description: 'the value expected under that key' },
      { name: '', type: T.any, description: 'an array or object' },
    ],
    result: { name: '', type: T.boolean, description: 'whether z has value y at key x' },
    description: '`k, v in xs`: whether a collection holds a value under a key (an index for arrays).',
    categories: [],
    impl: (args) => {
      const [key, value, collection] = args;
      if (collection instanceof ObjectValue) {
        const found = collection.get(key);
        return found !== undefined && equal(found, value);
      }
      if (Array.isArray(collection) && typeof key === 'number' && Number.isInteger(key)) {
        return key >= 0 && key < collection.length && equal(collection[key], value);
      }
      return false;
    },
  },
  {
    name: 'print',
    params: [],
    variadic: { name: 'values', type: T.any, description: 'values to print; undefined ones print as <undefined>' },
    description: 'Prints its arguments separated by spaces, for debugging. It never fails, even when an argument is undefined.',
    categories: [],
    impl: () => evaluatorOnly('print'),
  },
  {
    name: 'internal.print',
    params: [{ name: '', type: T.array(T.set(T.any)), description: 'the sets of values of each argument' }],
    description: 'The form `print` is compiled to: every argument as the set of its values.',
    categories: [],
    impl: () => evaluatorOnly('internal.print'),
  },
  {
    name: 'rego.metadata.rule',
    params: [],
    result: { name: 'output', type: T.any, description: 'the annotations of the rule, or an empty object' },
    description: 'Returns the `# METADATA` annotations of the rule this call is written in. The compiler fills it in, so it costs nothing at evaluation time.',
    categories: [],
    impl: () => evaluatorOnly('rego.metadata.rule'),
  },
  {
    name: 'rego.metadata.chain',
    params: [],
    result: { name: 'chain', type: T.array(T.any), description: 'entries of `path` and `annotations`, from the rule out to its package' },
    description: 'Returns the annotations that apply to the rule this call is written in: the rule first (always present), then document and package annotations, each with its path.',
    categories: [],
    impl: () => evaluatorOnly('rego.metadata.chain'),
  },
  {
    name: 'internal.template_string',
    params: [{ name: '', type: T.array(T.any), description: 'literal text and, for each `{expression}`, the set of its values' }],
    result: { name: '', type: T.string, description: 'the text with every expression put in' },
    description: 'The form template strings (`$"...{expr}..."`) compile to: joins literal text with the text of each expression, `<undefined>` where an expression has no value.',
    categories: [],
    impl: (args) => {
      const parts = args[0];
      if (!Array.isArray(parts)) throw new BuiltinError('operand 1 must be array', 'eval_type_error');
      return parts
        .map((part) => {
          if (typeof part === 'string') return part;
          if (part instanceof SetValue) {
            if (part.size === 0) return '<undefined>';
            if (part.size > 1) throw new BuiltinError('template string expression produced more than one value');
            const [only] = part.values();
            return typeof only === 'string' ? only : valueText(only);
          }
          return valueText(part);
        })
        .join('');
    },
  },
  {
    name: 'internal.test_case',
    params: [{ name: '', type: T.array(T.any), description: 'the values describing one test case' }],
    description: 'Marks a test case for test reports; it always succeeds and changes nothing.',
    categories: [],
    impl: () => true,
  },
  {
    name: 'trace',
    params: [{ name: 'note', type: T.string, description: 'the text to add to the trace' }],
    result: { name: 'result', type: T.boolean, description: 'always true' },
    description: 'Adds a note to the evaluation trace, shown by explanations; it always succeeds.',
    categories: ['tracing'],
    impl: (args) => {
      expectString(args, 0);
      return true;
    },
  },
];
