/**
 * Data and input documents: reading JSON and YAML text into values with located errors, and placing
 * data files in the data tree the way OPA's loader and bundles do (a file's content goes at its
 * folder's path below the root it was loaded from). Pure functions of text; the callers read files.
 */
import { parseDocument } from 'yaml';
import { JsonSyntaxError, ObjectValue, fromJS, parseJSON, type Value } from '../value/value.js';

export class DocumentError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

/** Reads a JSON or YAML document (chosen by the file name; JSON is also valid YAML). */
export function readDocument(file: string, text: string): Value {
  if (/\.json$/i.test(file)) {
    try {
      return parseJSON(text);
    } catch (error) {
      if (error instanceof JsonSyntaxError) throw new DocumentError(`${file}: ${error.message}`, file, error.line, error.column);
      throw new DocumentError(`${file}: ${String(error)}`, file);
    }
  }
  const document = parseDocument(text, { intAsBigInt: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    const [first] = document.errors;
    const position = first.linePos?.[0];
    throw new DocumentError(`${file}: ${first.message.split('\n')[0]}`, file, position?.line, position?.col);
  }
  return fromJS(document.toJS({ maxAliasCount: 1000 }));
}

/** Places `value` at `path` inside `data`, merging objects; a clash of non-objects is an error. */
export function mergeAt(data: ObjectValue, path: readonly string[], value: Value, file: string): ObjectValue {
  if (path.length === 0) {
    if (!(value instanceof ObjectValue)) throw new DocumentError(`${file}: data at the root must be an object`, file);
    return mergeObjects(data, value, file, []);
  }
  const [first, ...rest] = path;
  const result = ObjectValue.from(data.entries());
  const existing = data.get(first);
  if (rest.length === 0 && !(value instanceof ObjectValue)) {
    if (existing !== undefined) throw new DocumentError(`${file}: merge error: data.${path.join('.')} is defined twice`, file);
    result.set(first, value);
    return result;
  }
  const child = existing === undefined ? new ObjectValue() : existing;
  if (!(child instanceof ObjectValue)) throw new DocumentError(`${file}: merge error: data.${path.join('.')} is defined twice`, file);
  result.set(first, mergeAt(child, rest, value, file));
  return result;
}

function mergeObjects(a: ObjectValue, b: ObjectValue, file: string, at: string[]): ObjectValue {
  const result = ObjectValue.from(a.entries());
  for (const [key, value] of b.entries()) {
    const existing = result.get(key);
    if (existing === undefined) result.set(key, value);
    else if (existing instanceof ObjectValue && value instanceof ObjectValue) result.set(key, mergeObjects(existing, value, file, [...at, String(key)]));
    else throw new DocumentError(`${file}: merge error: data.${[...at, String(key)].join('.')} is defined twice`, file);
  }
  return result;
}

/**
 * The data paths a bundle's `.manifest` claims (its `roots`), as slash-separated paths without outer
 * slashes; undefined when the manifest declares none or does not read.
 */
export function manifestRoots(text: string): string[] | undefined {
  try {
    const manifest = readDocument('.manifest.json', text);
    const roots = manifest instanceof ObjectValue ? manifest.get('roots') : undefined;
    return Array.isArray(roots) ? roots.filter((entry): entry is string => typeof entry === 'string').map((entry) => entry.replace(/^\/+|\/+$/g, '')) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `prefix` is `path` or a leading run of its whole segments (both slash-separated). */
function segmentPrefix(prefix: string, path: string): boolean {
  return prefix === '' || path === prefix || path.startsWith(`${prefix}/`);
}

/**
 * Whether data placed at `path` may be loaded under these roots: inside one of them, or, with
 * `ancestors`, in a folder on the way to one (whose files may hold the root's document).
 */
export function withinRoots(path: readonly string[], roots: readonly string[], options: { ancestors?: boolean } = {}): boolean {
  const joined = path.join('/');
  return roots.some((root) => segmentPrefix(root, joined) || (options.ancestors === true && segmentPrefix(joined, root)));
}
