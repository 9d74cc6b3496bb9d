/**
 * `rego.parse_module`: parses Rego text with our own parser and returns the module in the JSON shape
 * OPA's AST uses (`package`, `imports`, `rules`, terms as `{"type": ..., "value": ...}`), so policies
 * that inspect other policies (linters, generators) can run here. Source locations are left out.
 */
import type * as Ast from '../ast/nodes.js';
import { ModuleParser } from '../ast/parse.js';
import { LineIndex } from '../syntax/line-index.js';
import { ObjectValue, fromJS, parseNumber, type Value } from '../value/value.js';
import { BuiltinError, T, expectString, type Builtin } from './declaration.js';

type Json = unknown;

function term(node: Ast.Term): Json {
  switch (node.type) {
    case 'null':
      return { type: 'null' };
    case 'boolean':
      return { type: 'boolean', value: node.value };
    case 'number':
      return { type: 'number', value: parseNumber(node.text) ?? 0 };
    case 'string':
      return { type: 'string', value: node.value };
    case 'var':
      return { type: 'var', value: node.name };
    case 'ref':
      return { type: 'ref', value: node.terms.map(term) };
    case 'array':
      return { type: 'array', value: node.items.map(term) };
    case 'set':
      return { type: 'set', value: node.items.map(term) };
    case 'object':
      return { type: 'object', value: node.entries.map(([key, value]) => [term(key), term(value)]) };
    case 'arraycomprehension':
      return { type: 'arraycomprehension', value: { term: term(node.head), body: body(node.body) } };
    case 'setcomprehension':
      return { type: 'setcomprehension', value: { term: term(node.head), body: body(node.body) } };
    case 'objectcomprehension':
      return { type: 'objectcomprehension', value: { key: term(node.key), value: term(node.value), body: body(node.body) } };
    case 'call':
      return { type: 'call', value: [term(node.operator), ...node.args.map(term)] };
    case 'templatestring':
      return { type: 'templatestring', value: node.parts.map((part) => (part.type === 'expr' ? expr(part, 0) : term(part))) };
    case 'error':
      return { type: 'null' };
  }
}

function expr(node: Ast.Expr, index: number): Json {
  const terms = node.terms;
  let shaped: Json;
  switch (terms.type) {
    case 'some':
      shaped = { symbols: terms.symbols.map(term) };
      break;
    case 'every':
      shaped = { ...(terms.key ? { key: term(terms.key) } : {}), value: term(terms.value), domain: term(terms.domain), body: body(terms.body) };
      break;
    case 'query':
      shaped = body(terms.body);
      break;
    case 'logical':
      shaped = [{ type: 'ref', value: [{ type: 'var', value: terms.operator }] }, expr(terms.left, 0), expr(terms.right, 1)];
      break;
    case 'call':
      // A call written as an expression is stored as its operator followed by its arguments.
      shaped = [term(terms.operator), ...terms.args.map(term)];
      break;
    default:
      shaped = term(terms);
  }
  return {
    index,
    terms: shaped,
    ...(node.negated ? { negated: true } : {}),
    ...(node.with.length ? { with: node.with.map((modifier) => ({ target: term(modifier.target), value: term(modifier.value) })) } : {}),
  };
}

function body(exprs: Ast.Body): Json[] {
  return exprs.map((entry, index) => expr(entry, index));
}

function rule(node: Ast.Rule): Json {
  const head = node.head;
  const first = head.ref[0];
  return {
    ...(node.default ? { default: true } : {}),
    head: {
      ...(first?.type === 'var' && head.ref.length === 1 ? { name: first.name } : {}),
      ref: head.ref.map(term),
      ...(head.args ? { args: head.args.map(term) } : {}),
      ...(head.key ? { key: term(head.key) } : {}),
      ...(head.value ? { value: term(head.value) } : head.key ? {} : { value: { type: 'boolean', value: true } }),
      ...(head.assign ? { assign: true } : {}),
    },
    body: node.body.length ? body(node.body) : [{ index: 0, terms: { type: 'boolean', value: true } }],
    ...(node.else ? { else: rule(node.else) } : {}),
  };
}

function annotations(list: Ast.Annotation[] | undefined): Json[] {
  return (list ?? []).map((annotation) => ({ scope: annotation.scope ?? 'rule', ...annotation.fields }));
}

export function moduleJson(module: Ast.Module): Value {
  const all = [...annotations(module.package?.annotations), ...module.rules.flatMap((entry) => annotations(entry.annotations))];
  const shaped = {
    package: { path: (module.package?.path ?? []).map(term) },
    ...(module.imports.length ? { imports: module.imports.map((imported) => ({ path: term(imported.path), ...(imported.alias ? { alias: imported.alias.name } : {}) })) } : {}),
    ...(all.length ? { annotations: all } : {}),
    ...(module.rules.length ? { rules: module.rules.map(rule) } : {}),
  };
  return fromJS(shaped);
}

export const builtins: Builtin[] = [
  {
    name: 'rego.parse_module',
    params: [
      { name: 'filename', type: T.string, description: 'the file name to report in error messages' },
      { name: 'rego', type: T.string, description: 'the text of a Rego module' },
    ],
    result: { name: 'output', type: T.object(T.string, T.any), description: 'the module as an AST object in OPA\'s JSON shape' },
    description: 'Parses the text of a Rego module and returns its syntax tree as data, in the JSON shape OPA uses. A text that does not parse is an error naming the first problem.',
    categories: [],
    impl: (args) => {
      const file = expectString(args, 0);
      const text = expectString(args, 1);
      const { module, errors } = new ModuleParser().parse(text, { regoVersion: 'v1' });
      if (errors.length > 0) {
        const lines = new LineIndex(text);
        const described = errors.map((error) => `${file}:${lines.position(error.range.start).line}: ${error.code}: ${error.message}`);
        throw new BuiltinError(errors.length === 1 ? described[0] : `${errors.length} errors occurred:\n${described.join('\n')}`);
      }
      if (!module.package) throw new BuiltinError(`${file}:1: rego_parse_error: the module has no package`);
      return moduleJson(module) as ObjectValue;
    },
  },
];
