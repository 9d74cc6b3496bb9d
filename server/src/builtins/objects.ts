/**
 * Built-ins that read and reshape objects: object.get/keys/remove/filter/union/union_n/subset, and
 * the path-based json.filter, json.remove and json.patch (RFC 6902 applied to Rego values, sets
 * included). Each follows the behaviour of OPA's Go implementation, including its error texts and
 * its quirks, which are pointed out where they appear. Results are always new values; arguments
 * are never changed.
 */
import { BuiltinError, T, elementError, expectArray, expectObject, family, operandError, type Builtin } from './declaration.js';
import { ObjectValue, SetValue, equal, type Value } from '../value/value.js';

const anyObject = T.object();
const keysType = T.anyOf(T.array(), T.object(), T.set());
const pathType = T.anyOf(T.string, T.array());
const pathsType = T.anyOf(T.array(pathType), T.set(pathType));

// ---------------------------------------------------------------------------------------------
// object.*

/** The keys named by an array, a set or an object (its keys), as object.remove/filter accept. */
function keysOperand(value: Value): SetValue {
  if (Array.isArray(value)) return SetValue.from(value);
  if (value instanceof SetValue) return value;
  if (value instanceof ObjectValue) return SetValue.from(value.keys());
  // OPA lists the expected types in this order (not sorted).
  throw operandError(2, ['object', 'set', 'array'], value);
}

/** Follows a path through objects (keys), arrays (integer indexes) and sets (members). */
function findPath(root: Value, path: readonly Value[]): Value | undefined {
  let current: Value = root;
  for (const segment of path) {
    if (current instanceof ObjectValue) {
      const next = current.get(segment);
      if (next === undefined) return undefined;
      current = next;
    } else if (Array.isArray(current)) {
      if (typeof segment !== 'number' || !Number.isInteger(segment) || segment < 0 || segment >= current.length) return undefined;
      current = current[segment];
    } else if (current instanceof SetValue) {
      if (!current.has(segment)) return undefined;
      current = segment;
    } else {
      return undefined;
    }
  }
  return current;
}

/** Merges b into a; where both hold objects under a key they merge recursively, else b wins. */
function mergeWithOverwrite(a: ObjectValue, b: ObjectValue): ObjectValue {
  const merged = ObjectValue.from(a.entries());
  for (const [key, value] of b.entries()) {
    const existing = a.get(key);
    merged.set(key, existing instanceof ObjectValue && value instanceof ObjectValue ? mergeWithOverwrite(existing, value) : value);
  }
  return merged;
}

/**
 * OPA's ast Object.Filter: a null filter keeps the value whole, an object filter keeps the listed
 * keys of objects, the listed members of sets and, for arrays, the indexes listed as strings
 * ("0", "1", ...) in order. Scalars pass through.
 */
function filterValue(value: Value, filter: Value): Value {
  if (filter === null) return value;
  if (!(filter instanceof ObjectValue)) throw new BuiltinError('invalid filter value, expected an object');
  if (Array.isArray(value)) {
    const kept: Value[] = [];
    value.forEach((item, index) => {
      const sub = filter.get(String(index));
      if (sub !== undefined) kept.push(filterValue(item, sub));
    });
    return kept;
  }
  if (value instanceof SetValue) {
    const kept = new SetValue();
    for (const item of value.values()) {
      const sub = filter.get(item);
      if (sub !== undefined) kept.add(filterValue(item, sub));
    }
    return kept;
  }
  if (value instanceof ObjectValue) {
    const kept = new ObjectValue();
    for (const [key, sub] of filter.entries()) {
      const item = value.get(key);
      if (item !== undefined) kept.set(key, filterValue(item, sub));
    }
    return kept;
  }
  return value;
}

function objectSubset(superObject: ObjectValue, subObject: ObjectValue): boolean {
  for (const [key, subValue] of subObject.entries()) {
    const superValue = superObject.get(key);
    if (superValue === undefined) return false;
    if (equal(subValue, superValue)) continue;
    // Nested objects, sets and arrays are compared with the subset rule again; anything else must be equal.
    if (superValue instanceof ObjectValue && subValue instanceof ObjectValue) {
      if (!objectSubset(superValue, subValue)) return false;
    } else if (superValue instanceof SetValue && subValue instanceof SetValue) {
      if (!setSubset(superValue, subValue)) return false;
    } else if (Array.isArray(superValue) && Array.isArray(subValue)) {
      if (!arraySubset(superValue, subValue)) return false;
    } else {
      return false;
    }
  }
  return true;
}

function setSubset(superSet: SetValue, subSet: SetValue): boolean {
  return subSet.values().every((item) => superSet.has(item));
}

/** The sub array must appear in the super array as one contiguous run. */
function arraySubset(superArray: Value[], subArray: Value[]): boolean {
  if (subArray.length > superArray.length) return false;
  for (let start = 0; start + subArray.length <= superArray.length; start++) {
    if (subArray.every((item, offset) => equal(superArray[start + offset], item))) return true;
  }
  return false;
}

/**
 * Every member of the set must appear somewhere in the array. This counts matches the way OPA
 * does (a repeated array element counts again, and an empty array never contains even the empty
 * set), so results agree with OPA in those corner cases too.
 */
function arraySetSubset(superArray: Value[], subSet: SetValue): boolean {
  let unmatched = subSet.size;
  for (const item of superArray) {
    if (subSet.has(item)) unmatched--;
    if (unmatched === 0) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// JSON paths (json.filter, json.remove, json.patch)

/**
 * A path given as "a/b/c" (leading slashes dropped, ~1 and ~0 unescaped as in JSON pointers) or
 * as an array of segments. The empty string is the empty path. Anything else is not a path.
 */
function parsePath(path: Value): Value[] | undefined {
  if (typeof path === 'string') {
    if (path === '') return [];
    return path
      .replace(/^\/+/, '')
      .split('/')
      .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
  }
  if (Array.isArray(path)) return path;
  return undefined;
}

function pathsOperand(value: Value): Value[][] {
  let items: readonly Value[];
  if (Array.isArray(value)) items = value;
  else if (value instanceof SetValue) items = value.values();
  else throw operandError(2, ['set', 'array'], value);
  return items.map((item) => {
    const path = parsePath(item);
    if (path === undefined) {
      throw operandError(2, 'one of {set, array} containing string paths or array of path segments', item);
    }
    return path;
  });
}

/**
 * Turns paths into a tree of objects whose leaves are null. A shorter path wins over a longer one
 * that extends it, whatever their order.
 */
function pathsToObject(paths: Value[][]): ObjectValue {
  // Built in place: nothing hashes these objects until the tree is complete.
  const root = new ObjectValue();
  for (const path of paths) {
    if (path.length === 0) continue;
    let node = root;
    let done = false;
    for (let i = 0; i < path.length - 1 && !done; i++) {
      const child = node.get(path[i]);
      if (child === undefined) {
        const created = new ObjectValue();
        node.set(path[i], created);
        node = created;
      } else if (child instanceof ObjectValue) {
        node = child;
      } else {
        done = true;
      }
    }
    if (!done) node.set(path[path.length - 1], null);
  }
  return root;
}

/**
 * Removes what the path tree marks (null leaves) from a value; array indexes are the strings
 * "0", "1", ... and removed elements close up. Returns undefined when the value itself goes.
 */
function removePaths(value: Value, marks: Value | undefined): Value | undefined {
  if (marks === undefined) return value;
  if (marks === null) return undefined;
  if (!(marks instanceof ObjectValue)) return value;
  if (value instanceof ObjectValue) {
    const kept = new ObjectValue();
    for (const [key, item] of value.entries()) {
      const rest = removePaths(item, marks.get(key));
      if (rest !== undefined) kept.set(key, rest);
    }
    return kept;
  }
  if (value instanceof SetValue) {
    const kept = new SetValue();
    for (const item of value.values()) {
      const rest = removePaths(item, marks.get(item));
      if (rest !== undefined) kept.add(rest);
    }
    return kept;
  }
  if (Array.isArray(value)) {
    const kept: Value[] = [];
    value.forEach((item, index) => {
      const rest = removePaths(item, marks.get(String(index)));
      if (rest !== undefined) kept.push(rest);
    });
    return kept;
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// JSON patch

/** A patch that cannot be applied; json.patch is then undefined, as in OPA. */
class PatchFailure extends Error {}

function fail(message: string): never {
  throw new PatchFailure(message);
}

/**
 * An array index from a path segment, as OPA's edit tree reads it: an integer, "-" for the end,
 * or a decimal string without leading zeros.
 */
function arrayIndex(length: number, key: Value): number {
  if (typeof key === 'number') {
    if (!Number.isInteger(key)) fail('invalid number type for indexing');
    return key;
  }
  if (typeof key === 'bigint') return fail('invalid number type for indexing');
  if (typeof key === 'string') {
    if (key === '-') return length;
    if (!/^[+-]?\d+$/.test(key)) fail('invalid string for indexing');
    if (key !== '0' && key.startsWith('0')) fail('leading zeros are not allowed in JSON paths');
    return Number(key);
  }
  return fail('invalid type for indexing');
}

/** The child of a composite under one path segment (for sets the member itself). */
function childAt(node: Value | undefined, key: Value): Value {
  if (node === undefined) return fail('nil value encountered where composite value was expected');
  if (node instanceof ObjectValue) {
    const child = node.get(key);
    return child === undefined ? fail('path does not exist in object') : child;
  }
  if (node instanceof SetValue) return node.has(key) ? key : fail('path does not exist in set');
  if (Array.isArray(node)) {
    const index = arrayIndex(node.length, key);
    return index >= 0 && index < node.length ? node[index] : fail('path does not exist in array');
  }
  return fail('expected composite type');
}

function valueAt(root: Value | undefined, path: Value[]): Value {
  if (path.length === 0) return root === undefined ? fail('deleted node') : root;
  let node: Value = childAt(root, path[0]);
  for (let i = 1; i < path.length; i++) node = childAt(node, path[i]);
  return node;
}

/** Rebuilds node with the child under key replaced. */
function withChild(node: Value, key: Value, child: Value): Value {
  if (node instanceof ObjectValue) {
    const copy = ObjectValue.from(node.entries());
    copy.set(key, child);
    return copy;
  }
  if (node instanceof SetValue) {
    // A set member that changes is taken out and its new form put in.
    return SetValue.from([...node.values().filter((item) => !equal(item, key)), child]);
  }
  const copy = [...(node as Value[])];
  copy[arrayIndex(copy.length, key)] = child;
  return copy;
}

/** Applies edit to the parent of the path's last segment and rebuilds the way back up. */
function editParent(root: Value | undefined, path: Value[], edit: (parent: Value, key: Value) => Value): Value {
  const step = (node: Value | undefined, depth: number): Value => {
    if (node === undefined) return fail('nil value encountered where composite value was expected');
    if (depth === path.length - 1) return edit(node, path[depth]);
    const child = childAt(node, path[depth]);
    return withChild(node, path[depth], step(child, depth + 1));
  };
  return step(root, 0);
}

function insertInto(parent: Value, key: Value, value: Value): Value {
  if (parent instanceof ObjectValue) {
    const copy = ObjectValue.from(parent.entries());
    copy.set(key, value);
    return copy;
  }
  if (parent instanceof SetValue) {
    // A set member is its own key, so the value added must be the last path segment.
    if (!equal(key, value)) fail('set key does not equal value to be inserted');
    return SetValue.from([...parent.values(), value]);
  }
  if (Array.isArray(parent)) {
    const index = arrayIndex(parent.length, key);
    if (index < 0 || index > parent.length) fail('index for array insertion out of bounds');
    return [...parent.slice(0, index), value, ...parent.slice(index)];
  }
  return fail('expected composite type');
}

function deleteFrom(parent: Value, key: Value): Value {
  if (parent instanceof ObjectValue) {
    if (!parent.has(key)) fail('cannot delete child key that does not exist');
    return ObjectValue.from(parent.entries().filter(([k]) => !equal(k, key)));
  }
  if (parent instanceof SetValue) {
    if (!parent.has(key)) fail('cannot delete child key that does not exist');
    return SetValue.from(parent.values().filter((item) => !equal(item, key)));
  }
  if (Array.isArray(parent)) {
    const index = arrayIndex(parent.length, key);
    if (index < 0 || index >= parent.length) fail('index for array delete out of bounds');
    return [...parent.slice(0, index), ...parent.slice(index + 1)];
  }
  return fail('expected composite type');
}

/** The document while patches apply; undefined once the whole document has been removed. */
type Document = Value | undefined;

function insertAt(root: Document, path: Value[], value: Value): Document {
  if (path.length === 0) return value;
  return editParent(root, path, (parent, key) => insertInto(parent, key, value));
}

function deleteAt(root: Document, path: Value[]): Document {
  if (path.length === 0) return root === undefined ? fail('deleted node encountered during delete operation') : undefined;
  return editParent(root, path, deleteFrom);
}

interface PatchOperation {
  op: string;
  path: Value;
  from?: Value;
  value?: Value;
}

const PATCH_OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

function readOperation(item: Value): PatchOperation {
  if (!(item instanceof ObjectValue)) fail('must be an array of JSON-Patch objects, but at least one element is not an object');
  const attribute = (name: string): Value => {
    const value = item.get(name);
    return value === undefined ? fail(`missing '${name}' attribute`) : value;
  };
  const op = attribute('op');
  if (typeof op !== 'string') fail("attribute 'op' must be a string");
  if (!PATCH_OPS.has(op)) fail(`unrecognized op '${op}'`);
  const operation: PatchOperation = { op, path: attribute('path') };
  if (op === 'move' || op === 'copy') operation.from = attribute('from');
  if (op === 'add' || op === 'replace' || op === 'test') operation.value = attribute('value');
  return operation;
}

function pathOf(value: Value): Value[] {
  return parsePath(value) ?? fail('invalid path');
}

function applyPatches(target: Value, patches: Value[]): Value | undefined {
  let document: Document = target;
  for (const item of patches) {
    const operation = readOperation(item);
    const path = pathOf(operation.path);
    switch (operation.op) {
      case 'add':
        document = insertAt(document, path, operation.value as Value);
        break;
      case 'remove':
        document = deleteAt(document, path);
        break;
      case 'replace':
        document = insertAt(deleteAt(document, path), path, operation.value as Value);
        break;
      case 'move': {
        const from = pathOf(operation.from as Value);
        const moved = valueAt(document, from);
        document = insertAt(deleteAt(document, from), path, moved);
        break;
      }
      case 'copy': {
        const from = pathOf(operation.from as Value);
        document = insertAt(document, path, valueAt(document, from));
        break;
      }
      case 'test':
        if (!equal(valueAt(document, path), operation.value as Value)) fail('test failed');
        break;
    }
  }
  return document;
}

// ---------------------------------------------------------------------------------------------

export const builtins: Builtin[] = family([
  {
    name: 'object.get',
    params: [
      { name: 'object', type: anyObject, description: 'The object to look in.' },
      { name: 'key', type: T.any, description: 'A key, or an array of keys and indexes leading into nested values.' },
      { name: 'default', type: T.any, description: 'What to return when nothing is found.' },
    ],
    result: { name: 'value', type: T.any, description: 'The value found, or the default.' },
    description:
      'Looks up a key in an object and falls back to a default when it is missing. An array key is a path through nested objects, arrays and sets; the empty path gives the object itself.',
    categories: [],
    impl(args) {
      const object = expectObject(args, 0);
      const key = args[1];
      // Found values may be null, so only undefined means missing.
      const found = !Array.isArray(key) ? object.get(key) : key.length === 0 ? object : findPath(object, key);
      return found === undefined ? args[2] : found;
    },
  },
  {
    name: 'object.keys',
    params: [{ name: 'object', type: anyObject, description: 'The object whose keys are wanted.' }],
    result: { name: 'value', type: T.set(), description: 'The set of its keys.' },
    description: 'Returns the keys of an object as a set.',
    categories: [],
    impl(args) {
      return SetValue.from(expectObject(args, 0).keys());
    },
  },
  {
    name: 'object.remove',
    params: [
      { name: 'object', type: anyObject, description: 'The object to remove keys from.' },
      { name: 'keys', type: keysType, description: 'The keys to drop, given as an array, a set, or the keys of an object.' },
    ],
    result: { name: 'output', type: anyObject, description: 'The object without those keys.' },
    description: 'Returns a copy of an object without the given top-level keys. Keys that are not present are ignored.',
    categories: [],
    impl(args) {
      const object = expectObject(args, 0);
      const keys = keysOperand(args[1]);
      return ObjectValue.from(object.entries().filter(([key]) => !keys.has(key)));
    },
  },
  {
    name: 'object.filter',
    params: [
      { name: 'object', type: anyObject, description: 'The object to take keys from.' },
      { name: 'keys', type: keysType, description: 'The keys to keep, given as an array, a set, or the keys of an object.' },
    ],
    result: { name: 'filtered', type: anyObject, description: 'The object with only those keys.' },
    description: 'Returns a copy of an object that keeps only the given top-level keys.',
    categories: [],
    impl(args) {
      const object = expectObject(args, 0);
      const keys = keysOperand(args[1]);
      const filter = ObjectValue.from(keys.values().map((key): [Value, Value] => [key, null]));
      return filterValue(object, filter);
    },
  },
  {
    name: 'object.union',
    params: [
      { name: 'a', type: anyObject, description: 'The base object.' },
      { name: 'b', type: anyObject, description: 'The object whose values take precedence.' },
    ],
    result: { name: 'output', type: anyObject, description: 'The merged object.' },
    description:
      'Merges two objects. Where both have an object under the same key the two are merged recursively; otherwise the value from the second object wins.',
    categories: [],
    impl(args) {
      const a = expectObject(args, 0);
      const b = expectObject(args, 1);
      if (equal(a, b)) return a;
      return mergeWithOverwrite(a, b);
    },
  },
  {
    name: 'object.union_n',
    params: [{ name: 'objects', type: T.array(anyObject), description: 'The objects to merge, later ones taking precedence.' }],
    result: { name: 'output', type: anyObject, description: 'The merged object.' },
    description: 'Merges a list of objects from left to right with the rules of object.union.',
    categories: [],
    impl(args) {
      const objects = expectArray(args, 0);
      // OPA checks the elements from the last to the first, so the last non-object is the one reported.
      for (let i = objects.length - 1; i >= 0; i--) {
        if (!(objects[i] instanceof ObjectValue)) {
          throw elementError(1, objects, objects[i], 'object');
        }
      }
      let merged = new ObjectValue();
      for (const object of objects as ObjectValue[]) merged = mergeWithOverwrite(merged, object);
      return merged;
    },
  },
  {
    name: 'object.subset',
    params: [
      { name: 'super', type: keysType, description: 'The object, set or array that should contain the other.' },
      { name: 'sub', type: keysType, description: 'The object, set or array that should be contained.' },
    ],
    result: { name: 'result', type: T.boolean, description: 'Whether sub is contained in super.' },
    description:
      'Tells whether one collection is contained in another: objects key by key (recursively for nested objects, sets and arrays), sets by membership, arrays as a contiguous run, and a set inside an array by membership.',
    categories: [],
    impl(args) {
      const [superValue, subValue] = args;
      if (superValue instanceof ObjectValue && subValue instanceof ObjectValue) return objectSubset(superValue, subValue);
      if (superValue instanceof SetValue && subValue instanceof SetValue) return setSubset(superValue, subValue);
      if (Array.isArray(superValue) && Array.isArray(subValue)) return arraySubset(superValue, subValue);
      if (Array.isArray(superValue) && subValue instanceof SetValue) return arraySetSubset(superValue, subValue);
      throw new BuiltinError('both arguments object.subset must be of the same type or array and set', 'eval_type_error');
    },
  },
  {
    name: 'json.filter',
    params: [
      { name: 'object', type: anyObject, description: 'The object to filter.' },
      { name: 'paths', type: pathsType, description: 'The paths to keep, as "a/b/c" strings or arrays of segments.' },
    ],
    result: { name: 'filtered', type: anyObject, description: 'The parts of the object found at those paths.' },
    description:
      'Keeps only the parts of an object found at the given paths. Array elements are addressed by their index written as a string, and a shorter path keeps everything below it.',
    categories: ['object'],
    impl(args) {
      const object = expectObject(args, 0);
      return filterValue(object, pathsToObject(pathsOperand(args[1])));
    },
  },
  {
    name: 'json.remove',
    params: [
      { name: 'object', type: anyObject, description: 'The object to remove from.' },
      { name: 'paths', type: pathsType, description: 'The paths to remove, as "a/b/c" strings or arrays of segments.' },
    ],
    result: { name: 'output', type: anyObject, description: 'The object without the parts at those paths.' },
    description:
      'Removes the parts of an object found at the given paths. Array elements are addressed by their index written as a string; removing them closes the gap.',
    categories: ['object'],
    impl(args) {
      const object = expectObject(args, 0);
      return removePaths(object, pathsToObject(pathsOperand(args[1])));
    },
  },
  {
    name: 'json.patch',
    params: [
      { name: 'target', type: T.any, description: 'The value to patch.' },
      {
        name: 'patches',
        type: T.array(T.record({ op: T.string, path: T.any }, { key: T.any, value: T.any })),
        description: 'JSON Patch operations (add, remove, replace, move, copy, test); paths may be strings or arrays.',
      },
    ],
    result: { name: 'output', type: T.any, description: 'The patched value.' },
    description:
      'Applies JSON Patch (RFC 6902) operations one after another. Sets can be patched too, a member being its own key. The result is undefined when any operation fails.',
    categories: ['object'],
    impl(args) {
      const patches = expectArray(args, 1);
      try {
        return applyPatches(args[0], patches);
      } catch (error) {
        if (error instanceof PatchFailure) return undefined;
        throw error;
      }
    },
  },
]);
