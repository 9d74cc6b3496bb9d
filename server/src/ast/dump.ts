/**
 * A readable, line-per-node dump of a module: used by parser snapshot tests and by `parse --format tree`.
 * Terms print in a prefix form that shows how the parser grouped them: `a + b * c` is `plus(a, mul(b, c))`.
 */
import type { Body, Expr, Module, Rule, Term } from './nodes';
import { LineIndex } from '../syntax/line-index';

export function termText(term: Term): string {
  switch (term.type) {
    case 'null':
      return 'null';
    case 'boolean':
      return String(term.value);
    case 'number':
      return term.text;
    case 'string':
      return term.raw ? `\`${term.value}\`` : JSON.stringify(term.value);
    case 'var':
      return term.name;
    case 'ref':
      return term.terms
        .map((part, index) => {
          if (index === 0) return termText(part);
          if (part.type === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(part.value)) return `.${part.value}`;
          return `[${termText(part)}]`;
        })
        .join('');
    case 'array':
      return `[${term.items.map(termText).join(', ')}]`;
    case 'set':
      return term.items.length === 0 ? 'set()' : `{${term.items.map(termText).join(', ')}}`;
    case 'object':
      return `{${term.entries.map(([key, value]) => `${termText(key)}: ${termText(value)}`).join(', ')}}`;
    case 'arraycomprehension':
      return `[${termText(term.head)} | ${bodyText(term.body)}]`;
    case 'setcomprehension':
      return `{${termText(term.head)} | ${bodyText(term.body)}}`;
    case 'objectcomprehension':
      return `{${termText(term.key)}: ${termText(term.value)} | ${bodyText(term.body)}}`;
    case 'call':
      if (term.unary) return `-${termText(term.args[1])}`;
      return `${termText(term.operator)}(${term.args.map(termText).join(', ')})`;
    case 'templatestring':
      return `$"${term.parts.map((part) => (part.type === 'string' ? part.value : `{${part.type === 'expr' ? exprText(part) : termText(part)}}`)).join('')}"`;
    case 'error':
      return '<error>';
  }
}

export function exprText(expr: Expr): string {
  let text: string;
  const terms = expr.terms;
  if (terms.type === 'some') {
    text = `some ${terms.symbols.map(termText).join(', ')}`;
  } else if (terms.type === 'every') {
    text = `every ${terms.key ? `${termText(terms.key)}, ` : ''}${termText(terms.value)} in ${termText(terms.domain)} { ${bodyText(terms.body)} }`;
  } else if (terms.type === 'query') {
    text = `{ ${bodyText(terms.body)} }`;
  } else if (terms.type === 'logical') {
    text = `(${exprText(terms.left)} ${terms.operator} ${exprText(terms.right)})`;
  } else {
    text = termText(terms);
  }
  if (expr.negated) text = `not ${text}`;
  for (const modifier of expr.with) text += ` with ${termText(modifier.target)} as ${termText(modifier.value)}`;
  return text;
}

function bodyText(body: Body): string {
  return body.map(exprText).join('; ');
}

function ruleLines(rule: Rule, lines: LineIndex, indent: string, label: string): string[] {
  const { line, column } = lines.position(rule.range.start);
  const head = rule.head;
  const parts = [`${indent}${label} ${head.ref.map((term, index) => (index === 0 ? termText(term) : `[${termText(term)}]`)).join('')} @${line}:${column}`];
  const details: string[] = [];
  if (rule.default) details.push('default');
  if (head.args) details.push(`args=(${head.args.map(termText).join(', ')})`);
  if (head.key) details.push(`key=${termText(head.key)}`);
  if (head.value) details.push(`value${head.assign ? ':=' : '='}${termText(head.value)}${head.generatedValue ? ' (implicit)' : ''}`);
  if (head.contains) details.push('contains');
  details.push(`body=${rule.bodyStyle}`);
  parts[0] += ` ${details.join(' ')}`;
  for (const annotation of rule.annotations ?? []) parts.push(`${indent}  metadata ${JSON.stringify(annotation.fields)}`);
  for (const expr of rule.body) {
    if (!expr.generated) parts.push(`${indent}  ${exprText(expr)}`);
  }
  if (rule.else) parts.push(...ruleLines(rule.else, lines, `${indent}  `, 'else'));
  return parts;
}

/** One line per statement and body literal. */
export function dumpModule(module: Module, text: string): string {
  const lines = new LineIndex(text);
  const out: string[] = [`module ${module.regoVersion}`];
  if (module.package) {
    out.push(`  package ${termText({ type: 'ref', terms: module.package.path, range: module.package.range })}`);
    for (const annotation of module.package.annotations ?? []) out.push(`    metadata ${JSON.stringify(annotation.fields)}`);
  }
  for (const imported of module.imports) out.push(`  import ${termText(imported.path)}${imported.alias ? ` as ${imported.alias.name}` : ''}`);
  for (const rule of module.rules) out.push(...ruleLines(rule, lines, '  ', 'rule'));
  return `${out.join('\n')}\n`;
}
