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
import type { RuleCache } from './rule-cache';

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
  { code: 'use-assignment-operator', severity: 'information', summary: '`=` where `:=` says what is meant: in a rule head, or giving a new variable its value in a body.' },
  { code: 'use-equality-operator', severity: 'information', summary: '`=` between two values already known, where `==` says what is meant.' },
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
  const each = (children: readonly Visitable[]) => {
    for (const child of children) walk(child, visit);
  };
  switch (node.type) {
    case 'ref':
      each(node.terms);
      break;
    case 'array':
    case 'set':
      each(node.items);
      break;
    case 'object':
      for (const [key, value] of node.entries) {
        walk(key, visit);
        walk(value, visit);
      }
      break;
    case 'arraycomprehension':
    case 'setcomprehension':
      walk(node.head, visit);
      each(node.body);
      break;
    case 'objectcomprehension':
      walk(node.key, visit);
      walk(node.value, visit);
      each(node.body);
      break;
    case 'call':
      walk(node.operator, visit);
      each(node.args);
      break;
    case 'templatestring':
      each(node.parts);
      break;
    case 'expr':
      walk(node.terms, visit);
      each(node.with);
      break;
    case 'some':
      each(node.symbols);
      break;
    case 'every':
      if (node.key) walk(node.key, visit);
      walk(node.value, visit);
      walk(node.domain, visit);
      each(node.body);
      break;
    case 'query':
      each(node.body);
      break;
    case 'logical':
      walk(node.left, visit);
      walk(node.right, visit);
      break;
    case 'with':
      walk(node.target, visit);
      walk(node.value, visit);
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

/** Per-rule findings kept between runs over a changing module (see RuleCache). */
export type LintCache = RuleCache<RuleLint>;

interface RuleLint {
  findings: LintFinding[];
  /** Every variable name the rule uses, for the unused-import check. */
  names: string[];
  /**
   * `x = value` where x is not seen before in the rule: an assignment, unless x is a rule or an
   * import of the module, which the module-level pass checks.
   */
  assignments: { name: string; finding: LintFinding }[];
}

/**
 * Lint findings for one module, without the checks named in `disabled`. With the module's text and a
 * cache, rules whose text did not change reuse their findings from the previous run.
 */
export function lintModule(module: Ast.Module, disabled: ReadonlySet<string> = new Set(), source?: { text: string; cache: LintCache }): LintFinding[] {
  const findings: LintFinding[] = [];
  const add = (code: string, message: string, range: Ast.Range, fix?: LintFix) => {
    if (!disabled.has(code)) findings.push({ code, severity: SEVERITY_OF.get(code) ?? 'warning', message, range, ...(fix ? { fix } : {}) });
  };

  // A rule's findings depend on its text and on how the module's version and imports make it parse.
  const context = source ? [module.regoVersion, ...module.imports.map((imported) => source.text.slice(imported.range.start, imported.range.end))].join('\u0000') : '';
  const perRule = module.rules.map((rule) => {
    if (!source) return lintRule(rule);
    const key = `${context}\u0000${source.text.slice(rule.range.start, rule.range.end)}`;
    const cached = source.cache.get(key, rule.range.start);
    if (cached) return cached;
    const computed = lintRule(rule);
    source.cache.set(key, rule.range.start, computed);
    return computed;
  });
  source?.cache.finish();
  // Names used anywhere in rules: for unused imports.
  const used = new Set<string>();
  for (const { names } of perRule) for (const name of names) used.add(name);

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
    const name = importedName(imported);
    if (name && name !== 'input' && name !== 'data' && !used.has(name)) add('unused-import', `import ${path}${imported.alias ? ` as ${name}` : ''} is never used`, imported.range, { title: 'Remove the unused import', edits: [{ range: imported.range, newText: '' }] });
  }
  const moduleNames = new Set<string>(module.imports.map(importedName).filter((name): name is string => name !== undefined));
  for (const rule of module.rules) if (rule.head.ref[0]?.type === 'var') moduleNames.add(rule.head.ref[0].name);
  for (const { findings: ruleFindings, assignments } of perRule) {
    const kept = assignments.filter((assignment) => !moduleNames.has(assignment.name)).map((assignment) => assignment.finding);
    for (const finding of [...ruleFindings, ...kept].sort((a, b) => a.range.start - b.range.start)) if (!disabled.has(finding.code)) findings.push(finding);
  }
  return findings;
}

/** The name an import binds: its alias, or the last part of its path. */
function importedName(imported: Ast.Import): string | undefined {
  const last = imported.path.terms[imported.path.terms.length - 1];
  return imported.alias?.name ?? (last?.type === 'string' ? last.value : last?.type === 'var' ? last.name : undefined);
}

/** The findings of the checks that look at one rule (else branches included), none turned off. */
function lintRule(rule: Ast.Rule): RuleLint {
  const findings: LintFinding[] = [];
  const add = (code: string, message: string, range: Ast.Range) => findings.push({ code, severity: SEVERITY_OF.get(code) ?? 'warning', message, range });
  const { counts, calls } = walkRule(rule);
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
  for (const call of calls) {
    const name = termText(call.operator);
    const builtin = builtinNamed(name);
    if (builtin?.deprecated) add('deprecated-builtin', `${name} is deprecated${REPLACEMENTS[name] ? `: use ${REPLACEMENTS[name]} instead` : ''}`, call.operator.range);
  }
  lintAssignments(calls, counts, add);
  const assignments: RuleLint['assignments'] = [];
  for (let clause: Ast.Rule | undefined = rule; clause; clause = clause.else) lintUnifications(clause, findings, assignments);
  return { findings, names: [...counts.keys()], assignments };
}

/** Variable names anywhere in a node. */
function namesIn(node: Visitable, names: Set<string>): void {
  walk(node, (inner) => inner.type === 'var' && names.add(inner.name));
}

/** Whether a term holds no variable but the roots `input` and `data`: its value is known. */
function isKnown(term: Ast.Term): boolean {
  let known = true;
  walk(term, (inner) => {
    if (inner.type === 'var' && inner.name !== 'input' && inner.name !== 'data') known = false;
    else if (inner.type === 'ref' && inner.terms[0]?.type === 'var' && inner.terms[0].name !== 'input' && inner.terms[0].name !== 'data') known = false;
    else if (inner.type === 'call' || inner.type.endsWith('comprehension')) known = false;
  });
  return known;
}

/**
 * `=` in a body unifies: with a new variable on the left it assigns (`:=` says so, and catches a
 * name used twice), and between known values it compares (`==` says so).
 */
function lintUnifications(rule: Ast.Rule, findings: LintFinding[], assignments: RuleLint['assignments']): void {
  const seen = new Set<string>();
  for (const arg of rule.head.args ?? []) namesIn(arg, seen);
  for (const expr of rule.body) {
    const term = expr.terms;
    if (!expr.generated && !expr.negated && expr.with.length === 0 && term.type === 'call' && term.infix === '=' && term.args.length === 2) {
      const [left, right] = term.args;
      const operator = { range: term.operator.range, newText: '' };
      if (left.type === 'var' && left.name !== '_' && !seen.has(left.name) && !(right.type === 'var' && !seen.has(right.name))) {
        const rightNames = new Set<string>();
        namesIn(right, rightNames);
        if (!rightNames.has(left.name)) {
          assignments.push({
            name: left.name,
            finding: { code: 'use-assignment-operator', severity: SEVERITY_OF.get('use-assignment-operator')!, message: `use \`:=\` to give ${left.name} its value: \`=\` also compares, and would silently do so if ${left.name} were defined before`, range: expr.range, fix: { title: 'Use `:=`', edits: [{ ...operator, newText: ':=' }] } },
          });
        }
      } else if (isKnown(left) && isKnown(right)) {
        findings.push({ code: 'use-equality-operator', severity: SEVERITY_OF.get('use-equality-operator')!, message: 'use `==` to compare: `=` also assigns, which these values never need', range: expr.range, fix: { title: 'Use `==`', edits: [{ ...operator, newText: '==' }] } });
      }
    }
    namesIn(expr, seen);
  }
}

/** Every variable name of a rule (with how often it occurs) and every call, else branches included. */
function walkRule(rule: Ast.Rule): { counts: Map<string, number>; calls: Ast.CallTerm[] } {
  const counts = new Map<string, number>();
  const calls: Ast.CallTerm[] = [];
  const visit = (node: Visitable) => {
    if (node.type === 'var') counts.set(node.name, (counts.get(node.name) ?? 0) + 1);
    else if (node.type === 'call') calls.push(node);
  };
  for (const node of ruleNodes(rule)) walk(node, visit);
  return { counts, calls };
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
function lintAssignments(calls: readonly Ast.CallTerm[], counts: ReadonlyMap<string, number>, add: (code: string, message: string, range: Ast.Range) => void): void {
  for (const call of calls) {
    const variable = call.infix === ':=' ? call.args[0] : undefined;
    if (variable?.type !== 'var') continue;
    if (variable.name.startsWith('_') || (counts.get(variable.name) ?? 0) > 1) continue;
    add('unused-assignment', `${variable.name} is assigned but never used`, variable.range);
  }
}
