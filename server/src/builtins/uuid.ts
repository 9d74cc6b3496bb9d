import type { Builtin } from './declaration.js';

export const builtins: Builtin[] = [];
