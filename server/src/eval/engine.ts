/**
 * The engine API that the CLI, the language server and the playground share: modules, data, input
 * and a query go in; result sets (expression values and bindings), printed lines and located errors
 * come out. It knows nothing of VS Code or LSP. Compiled modules are cached and recompiled only when
 * a module's text changes. Every evaluation runs under a time and step budget and can be cancelled.
 */
import { ModuleParser } from '../ast/parse.js';
import type { Import, Module, ParseError, Range } from '../ast/nodes.js';
import { compile, compileQuery, type CompileCache, type CompiledPolicy } from '../analysis/compile.js';
import { RuleCache } from '../analysis/rule-cache.js';
import type { Environment } from '../builtins/declaration.js';
import { LineIndex } from '../syntax/line-index.js';
import { ObjectValue, type Value } from '../value/value.js';
import { EvalError, Evaluator, type Explanation, type PrintLine } from './evaluator.js';
import type { Rule } from './ir.js';

export interface SourceFile {
  file: string;
  text: string;
  /** The module already parsed from `text` (an editor's incremental parse), to save parsing it again. */
  parsed?: { module: Module; errors: ParseError[] };
  /** The Rego version of this file when it differs from the engine's (a bundle's manifest can say so). */
  regoVersion?: 'v0' | 'v1';
}

export interface LocatedError {
  code: string;
  message: string;
  file?: string;
  range?: Range;
  /** 1-based row and column, when the error has a location. */
  location?: { file: string; row: number; col: number };
  /** A likely intended name, for "did you mean" fixes. */
  suggestion?: { name: string; replacement: string; range: Range };
}

export interface ExpressionResult {
  value: Value;
  text: string;
  range: Range;
}

export interface QueryResult {
  expressions: ExpressionResult[];
  bindings: Map<string, Value>;
}

export interface EvaluateOptions {
  input?: Value;
  signal?: AbortSignal;
  /** Time budget in milliseconds (default 10 s). */
  timeoutMs?: number;
  /** Step budget (default 50 million). */
  maxSteps?: number;
  /** Report built-in errors instead of treating the call as undefined (OPA's --strict-builtin-errors). */
  strictBuiltinErrors?: boolean;
  environment?: Environment;
  /** Package and imports the query is read in (as in `opa eval --package`). */
  packagePath?: string[];
  imports?: Import[];
  /** Called with each expression entered and each rule head that produced a value (for coverage). */
  coverage?: (file: string, range: Range) => void;
}

export interface EvaluateResult {
  results: QueryResult[];
  printed: PrintLine[];
  errors: LocatedError[];
  /** Built-in calls that failed and were treated as undefined (not strict). */
  builtinErrors: LocatedError[];
  durationMs: number;
}

export interface DocumentResult extends Omit<EvaluateResult, 'results'> {
  /** The document's value; absent when it is undefined. */
  value?: Value;
  /** When undefined: why each definition produced nothing. */
  explanation: Explanation[];
}

export interface EngineOptions {
  regoVersion?: 'v0' | 'v1';
  strict?: boolean;
}

export const systemEnvironment: Environment = {
  now: () => BigInt(Date.now()) * 1_000_000n,
  random: () => Math.random(),
};

const QUERY_FILE = '<query>';

export class Engine {
  private sources = new Map<string, { text: string; module: Module; errors: ParseError[] }>();
  private compiled: CompiledPolicy | undefined;
  /** Compile errors of the modules that parse, for editor diagnostics. */
  private checked: { key: string; errors: LocatedError[] } | undefined;
  /** Rules compiled before, so a keystroke recompiles only the rules it changed. */
  private readonly ruleCache: CompileCache = new RuleCache();
  private data: Value = new ObjectValue();

  constructor(private readonly options: EngineOptions = {}) {}

  /** Replaces the set of modules; unchanged texts are not parsed again. */
  setModules(files: SourceFile[]): void {
    const next = new Map<string, { text: string; module: Module; errors: ParseError[] }>();
    let changed = files.length !== this.sources.size;
    for (const { file, text, parsed, regoVersion } of files) {
      const existing = this.sources.get(file);
      if (existing && existing.text === text) {
        next.set(file, existing);
        continue;
      }
      changed = true;
      const { module, errors } = parsed ?? new ModuleParser().parse(text, { regoVersion: regoVersion ?? this.options.regoVersion ?? 'v1' });
      next.set(file, { text, module, errors });
    }
    this.sources = next;
    if (changed) {
      this.compiled = undefined;
      this.checked = undefined;
    }
  }

  /** The current modules as parsed (for editor features that read the whole workspace). */
  modules(): { file: string; text: string; module: Module }[] {
    return [...this.sources].map(([file, source]) => ({ file, text: source.text, module: source.module }));
  }

  /** The base data documents. */
  dataDocument(): Value {
    return this.data;
  }

  setData(data: Value): void {
    this.data = data;
  }

  private policy(): CompiledPolicy {
    this.compiled ??= compile(
      [...this.sources].map(([file, source]) => ({ file, module: source.module, text: source.text })),
      { strict: this.options.strict, cache: this.ruleCache },
    );
    return this.compiled;
  }

  /** Parse and compile errors of the current modules. */
  errors(): LocatedError[] {
    const errors: LocatedError[] = [];
    for (const [file, source] of this.sources) {
      for (const error of source.errors) errors.push(this.locate({ code: error.code, message: error.message, file, range: error.range }));
    }
    if (errors.length > 0) return errors;
    return this.policy().errors.map((error) => this.locate(error));
  }

  /**
   * Compile errors of every module that parses, for diagnostics while editing: a file with a syntax
   * error is left out rather than hiding the other files' compile errors.
   */
  compileErrors(focus?: string[]): LocatedError[] {
    const modules = [...this.sources].map(([file, source]) => ({ file, module: source.module, text: source.text }));
    const broken = new Set([...this.sources].filter(([, source]) => source.errors.length > 0).map(([file]) => file));
    const clean = modules.filter((source) => !broken.has(source.file));
    let only: Set<string> | undefined;
    if (focus) {
      // The packages of the focus files, in every file that declares them.
      const packageOf = (module: Module) => module.package?.path.map((part) => (part.type === 'string' ? part.value : '')).join('.') ?? '';
      const packages = new Set(clean.filter((source) => focus.includes(source.file)).map((source) => packageOf(source.module)));
      only = new Set(clean.filter((source) => packages.has(packageOf(source.module))).map((source) => source.file));
    } else if (broken.size > 0) {
      only = new Set(clean.map((source) => source.file));
    }
    // Files with syntax errors are not checked, but what their rule heads declare (as far as they
    // parse) still counts, so a typo in one file does not make its functions undefined elsewhere.
    const key = only ? [...only].sort().join('\u0000') : '*';
    if (this.checked?.key !== key) {
      const errors = compile(modules, { strict: this.options.strict, only, cache: this.ruleCache, errorsOnly: true }).errors.map((error) => ({ ...this.locate(error), ...(error.suggestion ? { suggestion: error.suggestion } : {}) }));
      this.checked = { key, errors };
    }
    return this.checked.errors;
  }

  private locate(error: { code: string; message: string; file?: string; range?: Range }, queryText?: string, queryOffset = 0): LocatedError {
    if (!error.file || !error.range) return { code: error.code, message: error.message, file: error.file };
    const text = error.file === QUERY_FILE ? queryText ?? '' : this.sources.get(error.file)?.text ?? '';
    const offset = error.file === QUERY_FILE ? error.range.start - queryOffset : error.range.start;
    const position = new LineIndex(text).position(Math.max(0, offset));
    const range = error.file === QUERY_FILE ? { start: error.range.start - queryOffset, end: error.range.end - queryOffset } : error.range;
    return { code: error.code, message: error.message, file: error.file, range, location: { file: error.file, row: position.line, col: position.column } };
  }

  /**
   * Evaluates the document at a data path (`['data', 'pkg', 'allow']`), and when it is undefined,
   * explains why for each definition of the rules there.
   */
  evaluateDocument(path: string[], options: EvaluateOptions = {}): DocumentResult {
    const query = `${path[0]}${path.slice(1).map((part) => `[${JSON.stringify(part)}]`).join('')}`;
    const result = this.evaluate(query, options);
    const { results, ...rest } = result;
    const document: DocumentResult = { ...rest, explanation: [] };
    if (results.length > 0) {
      document.value = results[0].expressions[0].value;
    } else if (result.errors.length === 0) {
      const started = performance.now();
      try {
        document.explanation = this.evaluator(options, () => undefined).explain(path);
      } catch (error) {
        document.errors.push(this.evalFailure(error, '', 0));
      }
      document.durationMs += performance.now() - started;
    }
    return document;
  }

  /** The compiled rules of the current modules (empty when they do not compile). */
  compiledRules(): Rule[] {
    return this.errors().length > 0 ? [] : this.policy().rules;
  }

  /**
   * Evaluates one definition of a complete rule (from `compiledRules()`) on its own, and when it is
   * undefined explains why, as `evaluateDocument` does for a whole document.
   */
  evaluateDefinition(rule: Rule, options: EvaluateOptions = {}): DocumentResult {
    const started = performance.now();
    const document: DocumentResult = { printed: [], errors: [], builtinErrors: [], durationMs: 0, explanation: [] };
    const moduleErrors = this.errors();
    if (moduleErrors.length > 0) {
      document.errors = moduleErrors;
    } else {
      const evaluator = this.evaluator(options, (line) => document.printed.push(line));
      try {
        document.value = evaluator.definitionValue(rule);
        if (document.value === undefined) {
          const own = (explanation: Explanation) => explanation.file === rule.file && explanation.ruleRange.start >= rule.range.start && explanation.ruleRange.end <= rule.range.end;
          document.explanation = this.evaluator({ ...options, coverage: undefined }, () => undefined).explain(rule.path).filter(own);
        }
      } catch (error) {
        document.errors.push(this.evalFailure(error, '', 0));
      }
      document.builtinErrors = evaluator.builtinErrors.map((error) => this.locate({ code: error.code, message: error.message, file: error.file, range: error.range }));
    }
    document.durationMs = performance.now() - started;
    return document;
  }

  /** The keys a partial object rule reaches after the first `cut` expressions of its body (see `Evaluator.reachedKeys`). */
  reachedKeys(rule: Rule, cut: number, options: EvaluateOptions = {}): Value[][] {
    if (this.errors().length > 0) return [];
    return this.evaluator({ ...options, coverage: undefined }, () => undefined).reachedKeys(rule, cut);
  }

  private evaluator(options: EvaluateOptions, print: (line: PrintLine) => void): Evaluator {
    return new Evaluator(this.policy(), this.data, options.input, {
      environment: options.environment ?? systemEnvironment,
      strictBuiltinErrors: options.strictBuiltinErrors,
      deadline: Date.now() + (options.timeoutMs ?? 10_000),
      maxSteps: options.maxSteps ?? 50_000_000,
      signal: options.signal,
      print,
      coverage: options.coverage,
    });
  }

  private evalFailure(error: unknown, query: string, offset: number): LocatedError {
    if (error instanceof EvalError) return this.locate({ code: error.code, message: error.message, file: error.file, range: error.range }, query, offset);
    return { code: 'eval_internal_error', message: error instanceof Error ? error.message : String(error) };
  }

  /** Evaluates a query (one or more expressions, as `opa eval` takes them). */
  evaluate(query: string, options: EvaluateOptions = {}): EvaluateResult {
    const started = performance.now();
    const result: EvaluateResult = { results: [], printed: [], errors: [], builtinErrors: [], durationMs: 0 };
    const finish = (): EvaluateResult => {
      result.durationMs = performance.now() - started;
      return result;
    };
    const moduleErrors = this.errors();
    if (moduleErrors.length > 0) {
      result.errors = moduleErrors;
      return finish();
    }
    const prefix = 'package __query__\n__query__ if {\n';
    const wrapped = `${prefix}${query}\n}\n`;
    const parsed = new ModuleParser().parse(wrapped, { regoVersion: 'v1' });
    const rule = parsed.module.rules[0];
    if (parsed.errors.length > 0 || !rule || parsed.module.rules.length !== 1) {
      const errors = parsed.errors.length > 0 ? parsed.errors : [{ code: 'rego_parse_error', message: 'query is not a valid body', range: { start: prefix.length, end: prefix.length } }];
      result.errors = errors.map((error) => this.locate({ code: error.code, message: error.message, file: QUERY_FILE, range: error.range }, query, prefix.length));
      return finish();
    }
    const policy = this.policy();
    const compiled = compileQuery(policy, rule.body, QUERY_FILE, { strict: this.options.strict, packagePath: options.packagePath, imports: options.imports });
    if (compiled.errors.length > 0) {
      result.errors = compiled.errors.map((error) => this.locate(error, query, prefix.length));
      return finish();
    }
    const evaluator = this.evaluator(options, (line) => result.printed.push(line.file === QUERY_FILE ? { ...line, range: { start: line.range.start - prefix.length, end: line.range.end - prefix.length } } : line));
    const ordered = [...compiled.body].sort((a, b) => a.index - b.index);
    try {
      evaluator.query(compiled.body, QUERY_FILE, (frame, values) => {
        const bindings = new Map<string, Value>();
        for (const [name, written] of compiled.variables) {
          const value = frame.get(name);
          if (value !== undefined) bindings.set(written, value);
        }
        result.results.push({
          expressions: ordered.map((expr) => ({ value: values[expr.index], text: query.slice(expr.range.start - prefix.length, expr.range.end - prefix.length), range: { start: expr.range.start - prefix.length, end: expr.range.end - prefix.length } })),
          bindings,
        });
      });
    } catch (error) {
      result.errors.push(this.evalFailure(error, query, prefix.length));
    }
    result.builtinErrors = evaluator.builtinErrors.map((error) => this.locate({ code: error.code, message: error.message, file: error.file, range: error.range }, query, prefix.length));
    return finish();
  }
}
