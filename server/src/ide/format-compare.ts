/**
 * Whether two modules mean the same: their trees compared without source positions and without the
 * differences that formatting is allowed to make: `=` versus `:=` in rule heads, `p := true if x` versus
 * `p if x`, `plus(1, 2)` versus `1 + 2` and `plus(1, 2, x)` versus `x = 1 + 2`, a body of just `true`
 * versus none, the order of imports, `future.keywords` imports that `import rego.v1` makes redundant, raw
 * versus quoted strings, and constants in template strings written as text. Comments must all survive, in
 * any order.
 */
import type { Body, Module, Rule } from '../ast/nodes';

/** Fields that record how something was written rather than what it means. */
const COSMETIC = new Set(['range', 'generated', 'generatedValue', 'bodyStyle', 'assign', 'contains', 'raw', 'infix']);

const OPERATORS = new Set(['equal', 'neq', 'lt', 'lte', 'gt', 'gte', 'plus', 'minus', 'mul', 'div', 'rem', 'or', 'and']);

/** `plus(x, 1, y)`, a call that names its output, read as `y = x + 1`. */
function asUnification(terms: Record<string, unknown>): unknown {
  if (terms?.type !== 'call') return undefined;
  const operator = terms.operator as { terms: { type: string; name?: string }[] };
  const args = terms.args as unknown[];
  const name = operator.terms.length === 1 && operator.terms[0].type === 'var' ? operator.terms[0].name : undefined;
  if (!name || !OPERATORS.has(name) || args.length !== 3) return undefined;
  return {
    type: 'call',
    operator: { type: 'ref', terms: [{ type: 'var', name: 'eq' }] },
    args: [args[2], { type: 'call', operator: { type: 'ref', terms: [{ type: 'var', name }] }, args: args.slice(0, 2) }],
  };
}

/** The text a constant part of a template string renders as. */
function constantText(part: Record<string, unknown>): string | undefined {
  switch (part.type) {
    case 'string':
      return part.value as string;
    case 'number':
      return String(Number(part.text));
    case 'boolean':
      return String(part.value);
    case 'null':
      return 'null';
    default:
      return undefined;
  }
}

/** Template parts with constants read as the text they render, adjacent texts joined. */
function templateParts(parts: Record<string, unknown>[]): unknown[] {
  const out: unknown[] = [];
  for (const part of parts) {
    const text = constantText(part);
    const last = out[out.length - 1] as { type?: string; value?: string } | undefined;
    if (text === undefined) out.push(plain(part));
    else if (last?.type === 'string') last.value += text;
    else out.push({ type: 'string', value: text });
  }
  return out;
}

function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const outputCall = record.type === 'expr' ? asUnification(record.terms as Record<string, unknown>) : undefined;
  if (outputCall) return plain({ ...record, terms: outputCall });
  if (record.type === 'templatestring') return { type: 'templatestring', parts: templateParts(record.parts as Record<string, unknown>[]) };
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    if (COSMETIC.has(key) || field === undefined) continue;
    out[key] = plain(field);
  }
  return out;
}

function isTrueBody(body: Body): boolean {
  if (body.length !== 1) return false;
  const expr = body[0];
  return !expr.negated && expr.with.length === 0 && expr.terms.type === 'boolean' && expr.terms.value;
}

function ruleShape(rule: Rule): unknown {
  return {
    default: rule.default,
    head: plain(rule.head),
    body: isTrueBody(rule.body) ? [] : plain(rule.body),
    else: rule.else ? ruleShape(rule.else) : undefined,
    annotations: plain(rule.annotations ?? []),
  };
}

/** A canonical text of what a module means, for comparing two readings of a policy. */
export function meaningOf(module: Module): string {
  const pathOf = (terms: unknown[]): string => JSON.stringify(plain(terms));
  const regoV1 = module.imports.some((imported) => pathOf(imported.path.terms) === pathOf([{ type: 'var', name: 'rego' }, { type: 'string', value: 'v1' }]));
  const imports = module.imports
    .filter((imported) => {
      if (!regoV1) return true;
      const [root, second] = imported.path.terms;
      return !(root?.type === 'var' && root.name === 'future' && second?.type === 'string' && second.value === 'keywords');
    })
    .map((imported) => JSON.stringify(plain(imported)))
    .sort();
  return JSON.stringify({
    regoVersion: module.regoVersion,
    package: plain(module.package),
    imports,
    rules: module.rules.map(ruleShape),
    comments: module.comments.map((comment) => comment.text.replace(/\s+$/u, '')).sort(),
  });
}

export function sameMeaning(a: Module, b: Module): boolean {
  return meaningOf(a) === meaningOf(b);
}
