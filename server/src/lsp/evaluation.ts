/**
 * Evaluation requests as the server runs them, in plain data with offsets: a rule's document or a
 * query, in a workspace folder (or a lone file), with its input and data. `evaluation-worker.ts` runs
 * these off the server's main loop; the main loop turns the answers into LSP shapes.
 */
import { ModuleParser } from '../ast/parse';
import { Engine, systemEnvironment } from '../eval/engine';
import { evaluationReport, type EvaluationReport } from '../ide/evaluate';
import { evaluatePlayground } from '../ide/playground';
import { runTests, type RunReport } from '../testing/runner';
import type { PlaygroundAnswer, PlaygroundRequest } from '../playground-protocol';
import { networkEnvironment } from '../network-transport';
import { toJS } from '../value/value';
import { Workspace, type FileProblem } from './workspace';

export interface EvaluationSettings {
  regoVersion: 'v0' | 'v1';
  roots: string[];
  timeoutMs: number;
  allowNetwork: boolean;
}

export interface EvaluationRequest {
  kind: 'document' | 'query' | 'playground' | 'tests';
  /** The document the request comes from (a file path, or its URI when it has no file). */
  file: string;
  folder?: string;
  path?: string[];
  query?: string;
  /** Open documents' text by file path: what the user sees, saved or not. */
  open: [string, string][];
  settings: EvaluationSettings;
  /** The input chosen for the folder: a path, null for none, undefined for the nearest input file. */
  selectedInput?: string | null;
  /** For `playground`: the four texts, evaluated on their own (no files). */
  playground?: PlaygroundRequest;
  /** For `tests`: which tests to run (a regular expression over `data.pkg.test_name`) and whether to collect coverage. */
  tests?: { run?: string; coverage?: boolean };
}

export interface QueryAnswer {
  results: { expressions: { value: unknown; text: string }[]; bindings: Record<string, unknown> }[];
  undefined: boolean;
  printOutput: string[];
  inputPath?: string;
  durationMs: number;
  error?: EvaluationReport['error'];
}

export interface EvaluationAnswer {
  report?: EvaluationReport;
  query?: QueryAnswer;
  playground?: PlaygroundAnswer;
  tests?: RunReport;
  /** Malformed input and data files, to show on those files. */
  problems: FileProblem[];
}

const workspace = new Workspace();

export function runEvaluation(request: EvaluationRequest): EvaluationAnswer {
  // Every evaluation reads the disk afresh: files may change outside the editor, and the worker hears
  // of no file events. Unchanged modules are still not parsed or compiled again.
  workspace.invalidate();
  const open = new Map(request.open);
  const openText = (file: string) => open.get(file);
  const { settings } = request;
  const environment = settings.allowNetwork ? networkEnvironment(systemEnvironment) : systemEnvironment;
  const options = { timeoutMs: settings.timeoutMs, environment };
  if (request.kind === 'playground') {
    // Opened from a file of a folder: the folder's other modules come along, as the editor sees them.
    let library: { file: string; text: string }[] = [];
    if (request.folder) {
      const state = workspace.loadModules(request.folder, openText, { regoVersion: settings.regoVersion, openFiles: [...open.keys()] });
      library = state.engine.modules().filter((module) => module.file !== request.file).map(({ file, text }) => ({ file, text }));
    }
    return { playground: evaluatePlayground({ ...request.playground!, regoVersion: settings.regoVersion }, options, library), problems: [] };
  }
  if (!request.folder) {
    // A document outside every workspace folder (or never saved) is evaluated on its own.
    const engine = new Engine({ regoVersion: settings.regoVersion });
    const text = openText(request.file) ?? '';
    engine.setModules([{ file: request.file, text }]);
    if (request.kind === 'document') {
      const result = engine.evaluateDocument(request.path ?? ['data'], options);
      return { report: evaluationReport(request.path ?? ['data'], result, (name) => (name === request.file ? text : undefined)), problems: [] };
    }
    return { query: queryAnswer(engine, request, text, options, undefined), problems: [] };
  }
  const state = workspace.load(request.folder, openText, { regoVersion: settings.regoVersion, roots: settings.roots, openFiles: [...open.keys()] });
  if (request.kind === 'tests') {
    // As `opa test` does, every test has the time budget on its own.
    return { tests: runTests(state.engine, { ...request.tests, timeoutMs: settings.timeoutMs, environment }), problems: state.problems };
  }
  const input = workspace.inputFor(request.file, request.folder, request.selectedInput, openText);
  const problems = [...state.problems, ...(input.problem ? [input.problem] : [])];
  const problem = input.problem ?? state.problems[0];
  if (problem) {
    const error = { code: 'rego_load_error', message: problem.message, ...(problem.line ? { location: { file: problem.file, row: problem.line, col: problem.column ?? 1 } } : {}) };
    if (request.kind === 'query') return { query: { results: [], undefined: false, printOutput: [], inputPath: input.path, durationMs: 0, error }, problems };
    return { report: { path: request.path ?? [], undefined: false, explanation: [], printOutput: [], durationMs: 0, builtinErrors: [], inputPath: input.path, error }, problems };
  }
  const withInput = { ...options, input: input.value };
  if (request.kind === 'query') return { query: queryAnswer(state.engine, request, openText(request.file), withInput, input.path), problems };
  const path = request.path ?? ['data'];
  const result = state.engine.evaluateDocument(path, withInput);
  return { report: evaluationReport(path, result, (name) => openText(name) ?? workspace.readFile(name), input.path), problems };
}

function queryAnswer(engine: Engine, request: EvaluationRequest, text: string | undefined, options: Parameters<Engine['evaluate']>[1], inputPath: string | undefined): QueryAnswer {
  const source = text ?? workspace.readFile(request.file) ?? '';
  const module = new ModuleParser().parse(source, { regoVersion: request.settings.regoVersion }).module;
  const packagePath = module.package?.path.slice(1).flatMap((part) => (part.type === 'string' ? [part.value] : [])) ?? [];
  const result = engine.evaluate(request.query ?? '', { ...options, packagePath, imports: module.imports });
  return {
    results: result.results.map((entry) => ({
      expressions: entry.expressions.map((expression) => ({ value: toJS(expression.value), text: expression.text })),
      bindings: Object.fromEntries([...entry.bindings].map(([name, value]) => [name, toJS(value)])),
    })),
    undefined: result.results.length === 0 && result.errors.length === 0,
    printOutput: result.printed.map((line) => line.text),
    ...(inputPath ? { inputPath } : {}),
    durationMs: result.durationMs,
    ...(result.errors.length ? { error: result.errors[0] } : {}),
  };
}
