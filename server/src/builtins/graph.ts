/**
 * Built-ins that traverse values as graphs: `walk`, which visits every nested value with its path,
 * and graph.reachable / graph.reachable_paths over adjacency objects (node -> array or set of
 * neighbours). They follow OPA's Go implementation, including how malformed graphs are treated.
 */
import { BuiltinError, T, expectObject, family, type Builtin } from './declaration.js';
import { ObjectValue, SetValue, typeOf, type Value } from '../value/value.js';

const edgesType = T.anyOf(T.array(), T.set());
const graphType = T.object(T.any, edgesType);

/** The neighbours listed by an adjacency entry; anything but an array or a set lists none. */
function vertices(collection: Value): readonly Value[] {
  if (Array.isArray(collection)) return collection;
  if (collection instanceof SetValue) return collection.values();
  return [];
}

function initialNodes(value: Value): readonly Value[] {
  if (Array.isArray(value) || value instanceof SetValue) return vertices(value);
  // OPA words this one as a single expected type written with braces.
  throw new BuiltinError(`operand 2 must be {array, set} but got ${typeOf(value)}`, 'eval_type_error');
}

/** Every [path, value] pair in pre-order: a value first, then its children in key order. */
function walkValue(value: Value, path: Value[], out: Value[]): void {
  out.push([path, value]);
  if (Array.isArray(value)) {
    value.forEach((item, index) => walkValue(item, [...path, index], out));
  } else if (value instanceof ObjectValue) {
    for (const [key, item] of value.entries()) walkValue(item, [...path, key], out);
  } else if (value instanceof SetValue) {
    for (const item of value.values()) walkValue(item, [...path, item], out);
  }
}

function reachable(graph: ObjectValue, initial: readonly Value[]): SetValue {
  const reached = new SetValue();
  const queue = [...initial];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head];
    const edges = graph.get(node);
    // Nodes that are not keys of the graph are not reached (OPA skips them).
    if (edges === undefined) continue;
    for (const neighbour of vertices(edges)) {
      if (!reached.has(neighbour)) queue.push(neighbour);
    }
    reached.add(node);
  }
  return reached;
}

/**
 * Extends path depth-first from node. A path ends at a node without edges, at a neighbour not in
 * the graph (which is left out), or where the next step would revisit a node on the path.
 */
function buildPaths(graph: ObjectValue, node: Value, path: Value[], onPath: SetValue, out: SetValue): void {
  const edges = graph.get(node);
  if (edges === undefined) {
    out.add(path);
    return;
  }
  const extended = [...path, node];
  const neighbours = vertices(edges);
  if (neighbours.length === 0) {
    out.add(extended);
    return;
  }
  const visited = SetValue.from([...onPath.values(), node]);
  for (const neighbour of neighbours) {
    if (visited.has(neighbour)) out.add(extended);
    else buildPaths(graph, neighbour, extended, visited, out);
  }
}

function reachablePaths(graph: ObjectValue, initial: readonly Value[]): SetValue {
  const out = new SetValue();
  for (const node of initial) {
    const edges = graph.get(node);
    if (edges === undefined) continue;
    const neighbours = vertices(edges);
    if (neighbours.length === 0) {
      out.add([node]);
      continue;
    }
    for (const neighbour of neighbours) buildPaths(graph, neighbour, [node], SetValue.from([node]), out);
  }
  return out;
}

export const builtins: Builtin[] = family([
  {
    name: 'walk',
    params: [{ name: 'x', type: T.any, description: 'The value to traverse.' }],
    result: {
      name: 'output',
      type: T.tuple(T.array(), T.any),
      description: 'Each pair of a path (an array of keys and indexes) and the value found there.',
    },
    description:
      'Visits a value and everything nested in it, producing one [path, value] pair per visit, the value itself first with the empty path. Array paths use indexes, object paths keys, and set paths the members.',
    categories: ['graph'],
    relation: true,
    impl(args) {
      const out: Value[] = [];
      walkValue(args[0], [], out);
      return out;
    },
  },
  {
    name: 'graph.reachable',
    params: [
      { name: 'graph', type: graphType, description: 'An adjacency object: each node maps to an array or set of its neighbours.' },
      { name: 'initial', type: edgesType, description: 'The nodes to start from.' },
    ],
    result: { name: 'output', type: T.set(), description: 'The nodes reachable from the start, the start nodes included.' },
    description: 'Finds every node reachable from the given nodes by following edges. Nodes that are not keys of the graph are left out.',
    categories: [],
    impl(args) {
      const graph = expectObject(args, 0);
      return reachable(graph, initialNodes(args[1]));
    },
  },
  {
    name: 'graph.reachable_paths',
    params: [
      { name: 'graph', type: graphType, description: 'An adjacency object: each node maps to an array or set of its neighbours.' },
      { name: 'initial', type: edgesType, description: 'The nodes to start from.' },
    ],
    result: { name: 'output', type: T.set(T.array()), description: 'The paths found, each an array of nodes.' },
    description:
      'Finds the paths leading from the given nodes, each followed until it reaches a node without edges or would revisit a node already on it.',
    categories: [],
    impl(args) {
      const graph = expectObject(args, 0);
      return reachablePaths(graph, initialNodes(args[1]));
    },
  },
]);
