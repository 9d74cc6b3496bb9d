/**
 * The one list of built-in functions. Each family lives in its own file and is declared as data
 * (see declaration.ts); evaluation, hover, completion, signature help, type checks and the
 * capabilities export all read this list and nothing else keeps its own copy.
 */
import type { Builtin } from './declaration.js';
import { builtins as aggregates } from './aggregates.js';
import { builtins as arrays } from './arrays.js';
import { builtins as bits } from './bits.js';
import { builtins as comparison } from './comparison.js';
import { builtins as crypto } from './crypto.js';
import { builtins as encoding } from './encoding.js';
import { builtins as glob } from './glob.js';
import { builtins as graph } from './graph.js';
import { builtins as graphql } from './graphql.js';
import { builtins as jsonSchema } from './json-schema.js';
import { builtins as jwt } from './jwt.js';
import { builtins as net } from './net.js';
import { builtins as numbers } from './numbers.js';
import { builtins as objects } from './objects.js';
import { builtins as providersAws } from './providers-aws.js';
import { builtins as regex } from './regex.js';
import { builtins as semver } from './semver.js';
import { builtins as sets } from './sets.js';
import { builtins as sprintf } from './sprintf.js';
import { builtins as strings } from './strings.js';
import { builtins as time } from './time.js';
import { builtins as typeChecks } from './type-checks.js';
import { builtins as units } from './units.js';
import { builtins as uuid } from './uuid.js';

export const BUILTINS: readonly Builtin[] = [
  ...aggregates,
  ...arrays,
  ...bits,
  ...comparison,
  ...crypto,
  ...encoding,
  ...glob,
  ...graph,
  ...graphql,
  ...jsonSchema,
  ...jwt,
  ...net,
  ...numbers,
  ...objects,
  ...providersAws,
  ...regex,
  ...semver,
  ...sets,
  ...sprintf,
  ...strings,
  ...time,
  ...typeChecks,
  ...units,
  ...uuid,
];
let byName: Map<string, Builtin> | undefined;

/** The built-in with this name (as written in Rego, such as `count` or `strings.replace_n`). */
export function builtinNamed(name: string): Builtin | undefined {
  if (!byName) {
    byName = new Map();
    for (const builtin of BUILTINS) byName.set(builtin.name, builtin);
  }
  return byName.get(name);
}
