/**
 * Signatures of callables as one line of text, with where each parameter sits in it: built-ins from
 * their declarations (types written the way OPA's documentation writes them) and user functions from
 * their heads. Hover shows the line, signature help underlines the active parameter inside it and
 * completion turns the parameters into placeholders.
 */
import type * as Ast from '../ast/nodes';
import { termText } from '../ast/dump';
import type { Builtin, Type } from '../builtins/declaration';

export interface SignatureParameter {
  name: string;
  /** [start, end) of the parameter in the signature's label. */
  label: [number, number];
  type?: string;
  description?: string;
}

export interface Signature {
  label: string;
  parameters: SignatureParameter[];
  /** Extra arguments of any number (`print`), the last parameter repeating. */
  variadic?: boolean;
}

/** A type as OPA's documentation prints it: `any<string, array[any]>`, `object[string: any]`, `set[number]`. */
export function typeText(type: Type): string {
  switch (type.type) {
    case 'any': {
      if (!type.of) return 'any';
      const options = Array.isArray(type.of) ? type.of : [type.of];
      return options.length === 0 ? 'any' : `any<${options.map(typeText).join(', ')}>`;
    }
    case 'array': {
      const fixed = type.static ? `<${type.static.map(typeText).join(', ')}>` : '';
      const dynamic = type.dynamic ? `[${typeText(type.dynamic)}]` : '';
      return `array${fixed}${dynamic || (fixed ? '' : '[any]')}`;
    }
    case 'set':
      return `set[${typeText(type.of)}]`;
    case 'object': {
      const fixed = type.static ? `<${type.static.map((field) => `${field.key}: ${typeText(field.value)}`).join(', ')}>` : '';
      const dynamic = type.dynamic ? `[${typeText(type.dynamic.key)}: ${typeText(type.dynamic.value)}]` : '';
      return `object${fixed}${dynamic || (fixed ? '' : '[any: any]')}`;
    }
    case 'function':
      return `(${(type.args ?? []).map(typeText).join(', ')}) => ${type.result ? typeText(type.result) : 'any'}`;
    default:
      return type.type;
  }
}

/** Operators' built-ins leave their operands unnamed; name them x, y, z so the signature reads. */
function parameterName(name: string, index: number): string {
  return name || ['x', 'y', 'z'][index] || `arg${index + 1}`;
}

/** `count(collection: any<...>) -> number`, parameters located in the label. */
export function builtinSignature(builtin: Builtin): Signature {
  let label = `${builtin.name}(`;
  const parameters: SignatureParameter[] = [];
  builtin.params.forEach((param, index) => {
    if (index > 0) label += ', ';
    const name = parameterName(param.name, index);
    const type = typeText(param.type);
    const start = label.length;
    label += `${name}: ${type}`;
    parameters.push({ name, label: [start, label.length], type, description: param.description });
  });
  if (builtin.variadic) {
    if (builtin.params.length > 0) label += ', ';
    const name = parameterName(builtin.variadic.name, builtin.params.length);
    const type = typeText(builtin.variadic.type);
    const start = label.length;
    label += `...${name}: ${type}`;
    parameters.push({ name, label: [start, label.length], type, description: builtin.variadic.description });
  }
  label += ')';
  if (builtin.result) label += ` -> ${typeText(builtin.result.type)}`;
  const signature: Signature = { label, parameters };
  if (builtin.variadic) signature.variadic = true;
  return signature;
}

/** A user function's signature from one of its heads: `is_admin(user)`, `f(x, [a, b])`. */
export function functionSignature(name: string, head: Ast.Head): Signature {
  let label = `${name}(`;
  const parameters: SignatureParameter[] = [];
  (head.args ?? []).forEach((arg, index) => {
    if (index > 0) label += ', ';
    const text = termText(arg);
    const start = label.length;
    label += text;
    parameters.push({ name: text, label: [start, label.length] });
  });
  label += ')';
  return { label, parameters };
}

/** A snippet calling the function with a placeholder per parameter: `count(${1:collection})`. */
export function callSnippet(name: string, parameters: string[]): string {
  const escape = (text: string) => text.replace(/[$}\\]/g, (character) => `\\${character}`);
  return `${name}(${parameters.map((parameter, index) => `\${${index + 1}:${escape(parameter)}}`).join(', ')})`;
}
