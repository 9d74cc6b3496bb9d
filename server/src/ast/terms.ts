/** Small questions about AST terms that several layers ask. */
import type { Term } from './nodes';

/** Whether a term is a constant: a scalar, or an array, set or object of constants. */
export function isConstant(term: Term): boolean {
  switch (term.type) {
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
      return true;
    case 'array':
    case 'set':
      return term.items.every(isConstant);
    case 'object':
      return term.entries.every(([key, value]) => isConstant(key) && isConstant(value));
    default:
      return false;
  }
}
