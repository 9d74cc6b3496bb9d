/**
 * "Evaluate rule": which code lenses a module gets, and the report of one evaluation as plain data
 * (values as JSON, undefined results explained in words, printed lines, errors), in offsets into the
 * files they come from. Finding the files, the input and the data is the server's job; running them is
 * the engine's. Nothing here knows about LSP.
 */
import type { Module, Range } from '../ast/nodes';
import { termText } from '../ast/dump';
import type { DocumentResult, LocatedError } from '../eval/engine';
import { describeFailure, type ExplainedFailure, type Sources } from '../eval/explanation';
import { toJS, toJSON, type Value } from '../value/value';

export { describeFailure, type ExplainedFailure, type Sources };

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
