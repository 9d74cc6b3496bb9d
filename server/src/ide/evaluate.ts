/**
 * "Evaluate rule": which code lenses a module gets, and the report of one evaluation as plain data
 * (values as JSON, undefined results explained in words, printed lines, errors), in offsets into the
 * files they come from. Finding the files, the input and the data is the server's job; running them is
 * the engine's. Nothing here knows about LSP.
 */
import type { Module, Range } from '../ast/nodes';
import { termText } from '../ast/dump';
import type { DocumentResult, LocatedError } from '../eval/engine';
import type { Explanation } from '../eval/evaluator';
import { toJS, toJSON, valueText, type Value } from '../value/value';

export interface Lens {
  /** Where the lens goes: the package statement or a rule's head. */
  range: Range;
  kind: 'package' | 'rule';
  /** The document the lens evaluates: `['data', 'pkg', 'rule']`. */
  path: string[];
  title: string;
}

/** One lens on the package line, and one on every definition of every rule (functions have none). */
export function evaluationLenses(module: Module): Lens[] {
  const lenses: Lens[] = [];
  const packageNode = module.package;
  if (!packageNode) return lenses;
  const packagePath = ['data', ...packageNode.path.slice(1).map((part) => (part.type === 'string' ? part.value : termText(part)))];
  lenses.push({ range: packageNode.range, kind: 'package', path: packagePath, title: 'Evaluate package' });
  for (const rule of module.rules) {
    const head = rule.head;
    if (head.args || head.ref[0]?.type !== 'var') continue;
    const path = [...packagePath, head.ref[0].name];
    for (const part of head.ref.slice(1)) {
      if (part.type !== 'string') break;
      path.push(part.value);
    }
    lenses.push({ range: head.range, kind: 'rule', path, title: 'Evaluate' });
  }
  return lenses;
}

/** Text of the source files by name, to quote expressions in explanations. */
export type Sources = (file: string) => string | undefined;

export interface ExplainedFailure {
  file: string;
  /** The rule definition (or `else` clause) that produced nothing. */
  ruleRange: Range;
  /** The expression that never succeeded. */
  range: Range;
  /** Why, in words: "`input.user.role == "admin"` was false: `input.user.role` is `"dev"`". */
  message: string;
  operands: { range: Range; text: string; value?: unknown; valueText: string }[];
}

export interface EvaluationReport {
  path: string[];
  /** The value as JSON (sets as arrays); absent when undefined. */
  value?: unknown;
  /** The value as Rego prints it, pretty-printed. */
  valueText?: string;
  undefined: boolean;
  explanation: ExplainedFailure[];
  printOutput: { text: string; file: string; range: Range }[];
  inputPath?: string;
  durationMs: number;
  error?: LocatedError;
  /** Built-in calls that failed and were treated as undefined. */
  builtinErrors: LocatedError[];
}

function quote(text: string | undefined, range: Range): string {
  return text === undefined ? '(expression)' : text.slice(range.start, range.end).replace(/\s+/g, ' ').trim();
}

/** Puts a failure into words, quoting the expression and the values of its operands. */
export function describeFailure(failure: Explanation, sources: Sources): ExplainedFailure {
  const text = sources(failure.file);
  const expression = quote(text, failure.range);
  const operands = failure.operands.map((operand) => ({
    range: operand.range,
    text: quote(text, operand.range),
    ...(operand.value === undefined ? {} : { value: toJS(operand.value) }),
    valueText: operand.value === undefined ? 'undefined' : valueText(operand.value),
  }));
  const missing = operands.filter((operand) => operand.valueText === 'undefined');
  let message: string;
  if (failure.negated) {
    const shown = operands.map((operand) => `\`${operand.text}\` is \`${operand.valueText}\``);
    message = `\`${expression}\` failed: the negated expression holds${shown.length ? `: ${shown.join(', ')}` : ''}`;
  } else if (missing.length > 0) {
    message = `\`${expression}\` is undefined: ${missing.map((operand) => `\`${operand.text}\` is undefined`).join(', ')}`;
  } else {
    const shown = operands.filter((operand) => operand.text !== expression).map((operand) => `\`${operand.text}\` is \`${operand.valueText}\``);
    message = `\`${expression}\` was false${shown.length ? `: ${shown.join(', ')}` : ''}`;
  }
  return { file: failure.file, ruleRange: failure.ruleRange, range: failure.range, message, operands };
}

export function evaluationReport(path: string[], result: DocumentResult, sources: Sources, inputPath?: string): EvaluationReport {
  const defined = result.value !== undefined;
  return {
    path,
    ...(defined ? { value: toJS(result.value as Value), valueText: toJSON(result.value as Value, 2) } : {}),
    undefined: !defined && result.errors.length === 0,
    explanation: result.explanation.map((failure) => describeFailure(failure, sources)),
    printOutput: result.printed.map((line) => ({ text: line.text, file: line.file, range: line.range })),
    ...(inputPath ? { inputPath } : {}),
    durationMs: Math.round(result.durationMs * 100) / 100,
    ...(result.errors.length ? { error: result.errors[0] } : {}),
    builtinErrors: result.builtinErrors,
  };
}
