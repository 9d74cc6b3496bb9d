/**
 * One evaluation of the playground: a policy, an input, data and a query, given as texts, in and
 * what the output pane shows out (results as JSON, why an undefined rule is undefined, print output,
 * errors located in the editor they belong to). It runs in the evaluation worker, with the limits of
 * every other evaluation; nothing here reads files.
 */
import { DocumentError, readDocument } from '../eval/documents';
import { Engine, type EvaluateOptions, type LocatedError } from '../eval/engine';
import { LineIndex } from '../syntax/line-index';
import { ObjectValue, toJS, type Value } from '../value/value';
import type { PlaygroundAnswer, PlaygroundError, PlaygroundRequest, PlaygroundSource } from '../playground-protocol';
import { describeFailure } from './evaluate';

/** How the engine names a query in its errors. */
const QUERY_FILE = '<query>';

/** The policy's file name in messages and in the equivalent command line. */
export const PLAYGROUND_POLICY_FILE = 'policy.rego';

/** The query of a playground with none: the policy's whole package. */
export function defaultQuery(engine: Engine): string {
  const module = engine.modules().find((source) => source.file === PLAYGROUND_POLICY_FILE)?.module;
  const path = module?.package?.path.slice(1).map((part) => (part.type === 'string' ? part.value : '')) ?? [];
  return path.length > 0 && path.every((part) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(part)) ? ['data', ...path].join('.') : 'data';
}

/** Reads the input or data editor's text (JSON or YAML); empty text is no document. */
function readEditor(source: 'input' | 'data', text: string): { value?: Value; error?: PlaygroundError } {
  if (text.trim() === '') return {};
  try {
    // Text that starts like JSON is read as JSON, for JSON's error messages; the rest as YAML.
    const json = /^\s*[[{"]/.test(text);
    return { value: readDocument(`${source}.${json ? 'json' : 'yaml'}`, text) };
  } catch (error) {
    const located = error instanceof DocumentError ? error : undefined;
    const message = (error instanceof Error ? error.message : String(error)).replace(/^[^:]*\.(json|yaml): /, '');
    return { error: { code: 'rego_load_error', message: `${source}: ${message}`, ...(located?.line ? { location: { source, line: located.line, column: located.column ?? 1 } } : {}) } };
  }
}

/** An engine error, located in the policy or the query editor. */
function playgroundError(error: LocatedError, queryText: string): PlaygroundError {
  if (error.file && error.file !== PLAYGROUND_POLICY_FILE && error.file !== QUERY_FILE) {
    const place = error.location ? `${error.file}:${error.location.row}:${error.location.col}` : error.file;
    return { code: error.code, message: `${place}: ${error.message}` };
  }
  const source: PlaygroundSource = error.file === PLAYGROUND_POLICY_FILE ? 'policy' : 'query';
  const located: PlaygroundError = { code: error.code, message: error.message };
  if (error.location) located.location = { source, line: error.location.row, column: error.location.col };
  else if (source === 'query' && error.range) {
    const position = new LineIndex(queryText).position(error.range.start);
    located.location = { source, line: position.line, column: position.column };
  }
  return located;
}

/**
 * Evaluates a playground. `library` holds the other modules of the folder the policy came from; their
 * errors are named by file, since no editor of the playground shows them.
 */
export function evaluatePlayground(request: PlaygroundRequest, options: Omit<EvaluateOptions, 'input'> = {}, library: { file: string; text: string }[] = []): PlaygroundAnswer {
  const answer: PlaygroundAnswer = { results: [], undefined: false, explanation: [], printOutput: [], errors: [], durationMs: 0 };
  const input = readEditor('input', request.input);
  const data = readEditor('data', request.data);
  for (const problem of [input.error, data.error]) if (problem) answer.errors.push(problem);
  if (data.value !== undefined && !(data.value instanceof ObjectValue)) {
    answer.errors.push({ code: 'rego_load_error', message: 'data: the data document must be an object', location: { source: 'data', line: 1, column: 1 } });
  }
  if (answer.errors.length > 0) return answer;
  const engine = new Engine({ regoVersion: request.regoVersion ?? 'v1' });
  engine.setModules([{ file: PLAYGROUND_POLICY_FILE, text: request.policy }, ...library]);
  if (library.length > 0) answer.library = library.map((module) => module.file);
  if (data.value instanceof ObjectValue) engine.setData(data.value);
  const query = request.query.trim() === '' ? defaultQuery(engine) : request.query;
  const policyLines = new LineIndex(request.policy);
  const lineOf = (file: string, offset: number) => (file === PLAYGROUND_POLICY_FILE ? policyLines.position(offset).line : 0);
  // A query that names one document (`data.p.allow`) is explained when it is undefined.
  const documentPath = /^\s*data(\.[A-Za-z_][A-Za-z0-9_]*)*\s*$/.test(query) ? query.trim().split('.') : undefined;
  if (documentPath) {
    const result = engine.evaluateDocument(documentPath, { ...options, input: input.value });
    answer.durationMs = result.durationMs;
    answer.errors = result.errors.map((error) => playgroundError(error, query));
    answer.printOutput = result.printed.map((line) => ({ text: line.text, line: lineOf(line.file, line.range.start) }));
    if (result.value !== undefined) answer.results = [{ expressions: [{ text: query.trim(), value: toJS(result.value) }], bindings: {} }];
    else if (result.errors.length === 0) {
      answer.undefined = true;
      answer.explanation = result.explanation.map((failure) => {
        const described = describeFailure(failure, (file) => (file === PLAYGROUND_POLICY_FILE ? request.policy : undefined));
        return { message: described.message, line: lineOf(failure.file, failure.range.start) };
      });
    }
    return answer;
  }
  const result = engine.evaluate(query, { ...options, input: input.value });
  answer.durationMs = result.durationMs;
  answer.errors = result.errors.map((error) => playgroundError(error, query));
  answer.printOutput = result.printed.map((line) => ({ text: line.text, line: lineOf(line.file, line.range.start) }));
  answer.results = result.results.map((entry) => ({
    expressions: entry.expressions.map((expression) => ({ text: expression.text, value: toJS(expression.value) })),
    bindings: Object.fromEntries([...entry.bindings].map(([name, value]) => [name, toJS(value)])),
  }));
  answer.undefined = answer.results.length === 0 && answer.errors.length === 0;
  return answer;
}
