/**
 * The one list of built-in functions. Each family lives in its own file and is declared as data
 * (see declaration.ts); evaluation, hover, completion, signature help, type checks and the
 * capabilities export all read this list and nothing else keeps its own copy.
 */
import type { Builtin } from './declaration.js';
import * as aggregates from './aggregates.js';
import * as arrays from './arrays.js';
import * as bits from './bits.js';
import * as comparison from './comparison.js';
import * as crypto from './crypto.js';
import * as encoding from './encoding.js';
import * as glob from './glob.js';
import * as graph from './graph.js';
import * as graphql from './graphql.js';
import * as jsonSchema from './json-schema.js';
import * as jwt from './jwt.js';
import * as language from './language.js';
import * as net from './net.js';
import * as network from './network.js';
import * as numbers from './numbers.js';
import * as objects from './objects.js';
import * as providersAws from './providers-aws.js';
import * as regex from './regex.js';
import * as rego from './rego.js';
import * as semver from './semver.js';
import * as sets from './sets.js';
import * as sprintf from './sprintf.js';
import * as strings from './strings.js';
import * as time from './time.js';
import * as typeChecks from './type-checks.js';
import * as units from './units.js';
import * as uuid from './uuid.js';

/** A family module's list (a module without one contributes nothing). */
function familyOf(family: { builtins?: Builtin[] }): Builtin[] {
  return family.builtins ?? [];
}

export const BUILTINS: readonly Builtin[] = [
  ...familyOf(aggregates),
  ...familyOf(arrays),
  ...familyOf(bits),
  ...familyOf(comparison),
  ...familyOf(crypto),
  ...familyOf(encoding),
  ...familyOf(glob),
  ...familyOf(graph),
  ...familyOf(graphql),
  ...familyOf(jsonSchema),
  ...familyOf(jwt),
  ...familyOf(language),
  ...familyOf(net),
  ...familyOf(network),
  ...familyOf(numbers),
  ...familyOf(objects),
  ...familyOf(providersAws),
  ...familyOf(regex),
  ...familyOf(rego),
  ...familyOf(semver),
  ...familyOf(sets),
  ...familyOf(sprintf),
  ...familyOf(strings),
  ...familyOf(time),
  ...familyOf(typeChecks),
  ...familyOf(units),
  ...familyOf(uuid),
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
