/**
 * Why an expression failed, in words: the expression quoted from its source and the values its operands
 * had ("`input.user.role == "admin"` was false: `input.user.role` is `"dev"`"). "Evaluate", the
 * playground and the test runner all explain failures this way.
 */
import type { Range } from '../ast/nodes.js';
import { toJS, valueText } from '../value/value.js';
import type { Explanation } from './evaluator.js';

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

