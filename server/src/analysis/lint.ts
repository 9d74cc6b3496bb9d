/**
 * Lint: a curated set of checks for real mistakes that still compile (unused imports and
 * assignments, constant conditions, rules that can never be defined, shadowed and deprecated
 * built-ins, `=` where `:=` was meant, imports made redundant by Rego v1). Every check has a stable
 * code, a severity and a one-line explanation, and can be turned off by its code. Works on one
 * parsed module; nothing here evaluates anything.
 */
import type * as Ast from '../ast/nodes';
import { termText } from '../ast/dump';
import { builtinNamed } from '../builtins/index';
import { isConstant } from '../ast/terms';

export type LintSeverity = 'warning' | 'information' | 'hint';

export interface LintCheck {
  code: string;
  severity: LintSeverity;
  /** What the check finds, in one line (shown in hover docs and settings). */
  summary: string;
}

export const LINT_CHECKS: readonly LintCheck[] = [
  { code: 'unused-import', severity: 'warning', summary: 'An import that nothing in the module uses.' },
  { code: 'duplicate-import', severity: 'warning', summary: 'The same path imported twice.' },
  { code: 'redundant-rego-v1-import', severity: 'information', summary: '`import rego.v1` does nothing in a Rego v1 module.' },
  { code: 'unused-assignment', severity: 'warning', summary: 'A variable assigned with `:=` and never read.' },
  { code: 'constant-condition', severity: 'warning', summary: 'A body expression whose outcome is fixed: a constant, or a comparison of constants.' },
  { code: 'never-defined', severity: 'warning', summary: 'A rule body with a condition that is always false, so the rule can never be defined.' },
  { code: 'shadowed-builtin', severity: 'warning', summary: 'A rule, function or variable named like a built-in function, which hides it.' },
  { code: 'deprecated-builtin', severity: 'warning', summary: 'A call of a built-in that OPA has deprecated.' },
  { code: 'use-assignment-operator', severity: 'information', summary: '`=` in a rule head where `:=` says what is meant.' },
];

const SEVERITY_OF = new Map(LINT_CHECKS.map((check) => [check.code, check.severity]));

/** A fix: text edits within the module. */
export interface LintFix {
  title: string;
  edits: { range: Ast.Range; newText: string }[];
}

export interface LintFinding {
  code: string;
  severity: LintSeverity;
  message: string;
  range: Ast.Range;
  fix?: LintFix;
}

const REPLACEMENTS: Record<string, string> = {
  any: 'the `in` operator or a comprehension with `count(...) > 0`',
  all: '`every`',
  re_match: '`regex.match`',
  set_diff: 'the `-` operator',
  net_cidr_overlap: '`net.cidr_contains`',
  'net.cidr_overlap': '`net.cidr_contains`',
  cast_array: 'a comprehension',
  cast_set: 'a set comprehension',
  cast_string: '`format_int` or `sprintf`',
  cast_boolean: 'a comparison',
  cast_null: '`null`',
  cast_object: 'an object comprehension',
};

type Visitable = Ast.Term | Ast.Expr | Ast.SomeDecl | Ast.Every | Ast.Query | Ast.Logical | Ast.With;

/** Calls `visit` for every node below `node` (terms, expressions, nested bodies). */
function walk(node: Visitable, visit: (node: Visitable) => void): void {
  visit(node);
  const each = (children: Visitable[]) => children.forEach((child) => walk(child, visit));
  switch (node.type) {
    case 'ref':
      each(node.terms);
      break;
    case 'array':
    case 'set':
      each(node.items);
      break;
    case 'object':
      node.entries.forEach(([key, value]) => each([key, value]));
      break;
    case 'arraycomprehension':
    case 'setcomprehension':
      each([node.head, ...node.body]);
      break;
    case 'objectcomprehension':
      each([node.key, node.value, ...node.body]);
      break;
    case 'call':
      each([node.operator, ...node.args]);
      break;
    case 'templatestring':
      each(node.parts);
      break;
    case 'expr':
      each([node.terms, ...node.with]);
      break;
    case 'some':
      each(node.symbols);
      break;
    case 'every':
      each([...(node.key ? [node.key] : []), node.value, node.domain, ...node.body]);
      break;
    case 'query':
      each(node.body);
      break;
    case 'logical':
      each([node.left, node.right]);
      break;
    case 'with':
      each([node.target, node.value]);
      break;
    default:
      break;
  }
}

function ruleNodes(rule: Ast.Rule): Visitable[] {
  const head = rule.head;
  const nodes: Visitable[] = [...head.ref, ...(head.args ?? []), ...(head.key ? [head.key] : []), ...(head.value ? [head.value] : []), ...rule.body];
  if (rule.else) nodes.push(...ruleNodes(rule.else));
  return nodes;
}


const COMPARISONS = new Set(['equal', 'neq', 'lt', 'lte', 'gt', 'gte']);

/** Whether a constant body expression always fails (`false`, `1 == 2`), or undefined when it is not constant. */
function constantOutcome(expr: Ast.Expr): boolean | undefined {
  const term = expr.terms;
  if (term.type === 'boolean' || term.type === 'number' || term.type === 'string' || term.type === 'null') {
    const holds = !(term.type === 'boolean' && !term.value);
    return expr.negated ? !holds : holds;
  }
  if (term.type === 'call' && term.args.length === 2 && term.args.every(isConstant)) {
    const name = termText(term.operator);
    if (!COMPARISONS.has(name)) return undefined;
    const [left, right] = term.args.map(termText);
    // Constants of the same written form compare equal; other outcomes need the values, which the
    // text of simple scalars gives well enough for a lint.
    const same = left === right;
    let holds: boolean | undefined;
    if (name === 'equal') holds = same;
    else if (name === 'neq') holds = !same;
    else if (term.args.every((arg) => arg.type === 'number')) {
      const [a, b] = term.args.map((arg) => Number((arg as Ast.NumberTerm).text));
      holds = name === 'lt' ? a < b : name === 'lte' ? a <= b : name === 'gt' ? a > b : a >= b;
    }
    if (holds === undefined) return undefined;
    return expr.negated ? !holds : holds;
  }
  return undefined;
}

/** Lint findings for one module, without the checks named in `disabled`. */
export function lintModule(module: Ast.Module, disabled: ReadonlySet<string> = new Set()): LintFinding[] {
  const findings: LintFinding[] = [];
  const add = (code: string, message: string, range: Ast.Range, fix?: LintFix) => {
    if (!disabled.has(code)) findings.push({ code, severity: SEVERITY_OF.get(code) ?? 'warning', message, range, ...(fix ? { fix } : {}) });
  };

  // Names used anywhere in rules: for unused imports.
  const used = new Set<string>();
  for (const rule of module.rules) for (const node of ruleNodes(rule)) walk(node, (inner) => inner.type === 'var' && used.add(inner.name));

  const seenImports = new Map<string, Ast.Import>();
  for (const imported of module.imports) {
    const path = termText(imported.path);
    if (path === 'rego.v1') {
      if (module.regoVersion === 'v1') add('redundant-rego-v1-import', '`import rego.v1` is not needed: this module is already Rego v1', imported.range, { title: 'Remove `import rego.v1`', edits: [{ range: imported.range, newText: '' }] });
      continue;
    }
    if (path.startsWith('future.')) continue;
    if (seenImports.has(path)) add('duplicate-import', `${path} is imported twice`, imported.range, { title: 'Remove the duplicate import', edits: [{ range: imported.range, newText: '' }] });
    seenImports.set(path, imported);
    const last = imported.path.terms[imported.path.terms.length - 1];
    const name = imported.alias?.name ?? (last?.type === 'string' ? last.value : last?.type === 'var' ? last.name : undefined);
    if (name && name !== 'input' && name !== 'data' && !used.has(name)) add('unused-import', `import ${path}${imported.alias ? ` as ${name}` : ''} is never used`, imported.range, { title: 'Remove the unused import', edits: [{ range: imported.range, newText: '' }] });
  }

  for (const rule of module.rules) {
    const head = rule.head;
    const first = head.ref[0];
    if (first?.type === 'var' && head.ref.length === 1 && builtinNamed(first.name) && !first.name.includes('.')) {
      add('shadowed-builtin', `${head.args ? 'function' : 'rule'} ${first.name} has the name of a built-in function, which it hides in this package`, first.range);
    }
    if (!head.assign && head.value && !head.generatedValue && !head.contains && !rule.default && head.key === undefined && head.ref.length === 1 && !head.args) {
      add('use-assignment-operator', `use \`:=\` to give ${termText(first as Ast.Term)} its value: \`=\` also unifies, which is rarely meant in a rule head`, head.range);
    }
    lintBody(rule.body, add);
    for (let clause = rule.else; clause; clause = clause.else) lintBody(clause.body, add);
    // Deprecated built-ins and assignments, anywhere in the rule.
    for (const node of ruleNodes(rule)) {
      walk(node, (inner) => {
        if (inner.type !== 'call') return;
        const name = termText(inner.operator);
        const builtin = builtinNamed(name);
        if (builtin?.deprecated) add('deprecated-builtin', `${name} is deprecated${REPLACEMENTS[name] ? `: use ${REPLACEMENTS[name]} instead` : ''}`, inner.operator.range);
      });
    }
    lintAssignments(rule, add);
  }
  return findings;
}

function lintBody(body: Ast.Body, add: (code: string, message: string, range: Ast.Range) => void): void {
  for (const expr of body) {
    if (expr.generated) continue;
    const outcome = constantOutcome(expr);
    if (outcome === false) add('never-defined', 'this condition is always false, so the rule can never be defined', expr.range);
    else if (outcome === true && !(expr.terms.type === 'boolean' && expr.terms.value)) add('constant-condition', 'this condition is always true: it can be removed', expr.range);
  }
}

/** `x := ...` where x is never read again in the rule. */
function lintAssignments(rule: Ast.Rule, add: (code: string, message: string, range: Ast.Range) => void): void {
  const assigned: Ast.VarTerm[] = [];
  const counts = new Map<string, number>();
  for (const node of ruleNodes(rule)) {
    walk(node, (inner) => {
      if (inner.type === 'var') counts.set(inner.name, (counts.get(inner.name) ?? 0) + 1);
      if (inner.type === 'call' && inner.infix === ':=' && inner.args[0]?.type === 'var') assigned.push(inner.args[0]);
    });
  }
  for (const variable of assigned) {
    if (variable.name.startsWith('_') || (counts.get(variable.name) ?? 0) > 1) continue;
    add('unused-assignment', `${variable.name} is assigned but never used`, variable.range);
  }
}
