/**
 * The command-line tool: `node dist/cli.js <command> [flags] [args]`. Flags and output follow `opa`'s,
 * so results can be compared and used in CI. Every failure is reported as a message and an exit code,
 * never as a stack trace.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModuleParser, parse } from './ast/parse';
import type { Module, ParseError } from './ast/nodes';
import type { RegoVersion } from './syntax/prepare';
import { LineIndex } from './syntax/line-index';
import { Engine, systemEnvironment, type EvaluateResult, type LocatedError } from './eval/engine';
import { networkEnvironment } from './network-transport';
import { readDocument } from './eval/documents';
import { load } from './load-paths';
import { runTestsOn, type TestResult } from './testing/runner';
import type { CoverageReport } from './testing/coverage';
import { compile } from './analysis/compile';
import { BUILTINS } from './builtins/index';
import { ObjectValue, toJSON, type Value } from './value/value';
import { formatModule } from './ide/formatting';
import { prettyTable } from './pretty-table';
import { goJson } from './builtins/encoding';
import { unifiedDiff } from './ide/format-diff';

const USAGE = `Usage: rego-lens <command> [flags] [arguments]

Commands:
  check [--v0-compatible] [--strict] [--format pretty|json] PATH...
                                                           report syntax and compile errors in .rego files (folders are searched recursively)
  parse [--v0-compatible] FILE                             print the syntax tree of a .rego file as JSON
  fmt [--list|--diff|--write] [--fail] [--v0-compatible] [PATH...]
                                                           format .rego files as \`opa fmt\` does (stdin without a PATH)
  eval [-d PATH]... [-b DIR]... [-i FILE | -I] [-f json|pretty|values|bindings|raw] [--v0-compatible] [--strict]
       [--strict-builtin-errors] [--fail] [--fail-defined] [--timeout MS] [--allow-net] [--ignore GLOB]... QUERY
                                                           evaluate a query, as \`opa eval\` does
  test [-v] [--run REGEX] [--coverage] [--threshold PCT] [--format pretty|json] [--v0-compatible] [-b] [--timeout D] [-z]
       [--strict-builtin-errors] [--ignore GLOB]... PATH...
                                                           run the tests (rules named test_*) as \`opa test\` does
  capabilities                                             print the built-ins in the shape of OPA's capabilities.json
  help                                                     print this message
`;

class UsageError extends Error {}

interface Flags {
  positional: string[];
  version: RegoVersion;
  format: 'pretty' | 'json';
  strict: boolean;
}

function readFlags(args: string[], allowed: Set<string>): Flags {
  const flags: Flags = { positional: [], version: 'v1', format: 'pretty', strict: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('-') || arg === '-') {
      flags.positional.push(arg);
      continue;
    }
    const [name, inline] = arg.split(/=(.*)/s, 2);
    if (!allowed.has(name)) throw new UsageError(`unknown flag: ${name}`);
    if (name === '--v0-compatible') {
      flags.version = 'v0';
    } else if (name === '--strict' || name === '-S') {
      flags.strict = true;
    } else if (name === '--format' || name === '-f') {
      const value = inline ?? args[++i];
      if (value !== 'pretty' && value !== 'json') throw new UsageError(`invalid --format value: ${value ?? '(missing)'} (expected pretty or json)`);
      flags.format = value;
    }
  }
  return flags;
}

/**
 * Calls `handle` for every argument: a flag with its name (`--flag value` and `--flag=value` give the
 * same value through `value()`), anything else with the argument itself as its name.
 */
function eachArgument(args: string[], handle: (name: string, value: () => string, arg: string) => void): void {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [name, inline] = arg.startsWith('-') && arg !== '-' ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    handle(name, () => {
      const next = inline ?? args[++i];
      if (next === undefined) throw new UsageError(`${name} needs a value`);
      return next;
    }, arg);
  }
}

/** The .rego files under the given paths, in a stable order. Missing paths are reported, not thrown. */
function regoFiles(paths: string[], problems: string[]): string[] {
  const files: string[] = [];
  const visit = (path: string, explicit: boolean): void => {
    let stats;
    try {
      stats = statSync(path);
    } catch {
      problems.push(`${path}: no such file or directory`);
      return;
    }
    if (stats.isDirectory()) {
      let entries: string[];
      try {
        entries = readdirSync(path).sort();
      } catch {
        problems.push(`${path}: cannot read directory`);
        return;
      }
      for (const entry of entries) {
        if (entry.startsWith('.') || entry === 'node_modules') continue;
        visit(join(path, entry), false);
      }
    } else if (explicit || path.endsWith('.rego')) {
      files.push(path);
    }
  };
  for (const path of paths) visit(path, true);
  return files;
}

interface Located {
  file: string;
  error: ParseError;
  line: number;
  column: number;
}

/** One problem, one line: a message never breaks the `PATH:LINE:COL: CODE: MESSAGE` format. */
function problemLine(file: string, line: number, column: number, error: ParseError): string {
  return `${file}:${line}:${column}: ${error.code}: ${error.message.replace(/\s*[\r\n]+\s*/g, ' ')}\n`;
}

function check(args: string[]): number {
  const flags = readFlags(args, new Set(['--v0-compatible', '--format', '-f', '--strict', '-S']));
  if (flags.positional.length === 0) throw new UsageError('check needs at least one PATH');
  const problems: string[] = [];
  const located: Located[] = [];
  const parsed: { file: string; module: Module; lines: LineIndex }[] = [];
  for (const file of regoFiles(flags.positional, problems)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      problems.push(`${file}: cannot read file`);
      continue;
    }
    const lines = new LineIndex(text);
    const result = new ModuleParser().parse(text, { regoVersion: flags.version });
    for (const error of result.errors) {
      const { line, column } = lines.position(error.range.start);
      located.push({ file, error, line, column });
    }
    parsed.push({ file, module: result.module, lines });
  }
  // As `opa check` does, compile errors are reported once every file parses.
  if (located.length === 0) {
    const linesOf = new Map(parsed.map((entry) => [entry.file, entry.lines]));
    for (const error of compile(parsed, { strict: flags.strict }).errors) {
      const { line, column } = linesOf.get(error.file)?.position(error.range.start) ?? { line: 1, column: 1 };
      located.push({ file: error.file, error: { code: error.code as ParseError['code'], message: error.message, range: error.range }, line, column });
    }
  }
  if (flags.format === 'json') {
    const errors = [
      ...problems.map((message) => ({ code: 'rego_load_error', message })),
      ...located.map(({ file, error, line, column }) => ({ code: error.code, message: error.message, location: { file, row: line, col: column } })),
    ];
    process.stdout.write(`${JSON.stringify(errors.length > 0 ? { errors } : {}, null, 2)}\n`);
  } else {
    for (const problem of problems) process.stdout.write(`${problem}\n`);
    for (const { file, error, line, column } of located) {
      process.stdout.write(problemLine(file, line, column, error));
    }
  }
  return problems.length > 0 || located.length > 0 ? 1 : 0;
}

function parseCommand(args: string[]): number {
  const flags = readFlags(args, new Set(['--v0-compatible', '--format', '-f']));
  if (flags.positional.length !== 1) throw new UsageError('parse needs exactly one FILE');
  const file = flags.positional[0];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    process.stderr.write(`${file}: cannot read file\n`);
    return 1;
  }
  const result = parse(text, { regoVersion: flags.version });
  const lines = new LineIndex(text);
  if (result.errors.length > 0) {
    for (const error of result.errors) {
      const { line, column } = lines.position(error.range.start);
      process.stderr.write(problemLine(file, line, column, error));
    }
  }
  process.stdout.write(`${JSON.stringify(result.module, null, 2)}\n`);
  return result.errors.length > 0 ? 1 : 0;
}

/**
 * `fmt`, following `opa fmt`: the formatted text goes to stdout, or with -l the names of files that
 * formatting would change, with -d a unified diff, with -w back into the files. --fail makes a needed
 * change an error. Problems (a file that does not parse, a usage error) exit with 2, as OPA's do.
 */
function fmtCommand(args: string[]): number {
  let list = false;
  let diff = false;
  let write = false;
  let fail = false;
  let version: RegoVersion = 'v1';
  const paths: string[] = [];
  for (const arg of args) {
    switch (arg) {
      case '-l':
      case '--list':
        list = true;
        break;
      case '-d':
      case '--diff':
        diff = true;
        break;
      case '-w':
      case '--write':
        write = true;
        break;
      case '--fail':
        fail = true;
        break;
      case '--v0-compatible':
        version = 'v0';
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown flag: ${arg.split('=')[0]}`);
        paths.push(arg);
    }
  }
  if (paths.length === 0) {
    // As `opa fmt` with no path: format stdin to stdout.
    let text: string;
    try {
      text = readFileSync(0, 'utf8');
    } catch {
      process.stderr.write('cannot read stdin\n');
      return 2;
    }
    const result = formatModule(text, { regoVersion: version });
    if ('error' in result) {
      process.stderr.write(`failed to format Rego source: ${result.error.split('\n').map((line) => `stdin:${line}`).join('\n')}\n`);
      return 2;
    }
    process.stdout.write(result.text);
    return 0;
  }
  const problems: string[] = [];
  // Like `opa fmt`, only .rego files are formatted, also when named directly.
  const files = regoFiles(paths, problems).filter((file) => file.endsWith('.rego'));
  let status = problems.length > 0 ? 2 : 0;
  for (const problem of problems) process.stderr.write(`${problem}\n`);
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      process.stderr.write(`${file}: cannot read file\n`);
      status = 2;
      continue;
    }
    const result = formatModule(text, { regoVersion: version });
    if ('error' in result) {
      process.stderr.write(`failed to format Rego source file: ${result.error.split('\n').map((line) => `${file}:${line}`).join('\n')}\n`);
      status = 2;
      continue;
    }
    const changed = result.text !== text;
    if (list || diff) {
      if (changed && list) process.stdout.write(`${file}\n`);
      if (changed && diff) process.stdout.write(unifiedDiff(text, result.text, file, file));
      if (changed && fail) status = 2;
      continue;
    }
    if (fail && changed) {
      process.stderr.write(`${file}: unexpected diff\n`);
      status = 2;
      continue;
    }
    if (write) {
      if (changed) {
        try {
          writeFileSync(file, result.text);
        } catch {
          process.stderr.write(`${file}: cannot write file\n`);
          status = 2;
        }
      }
      continue;
    }
    process.stdout.write(result.text);
  }
  return status;
}

function errorsJSON(errors: LocatedError[]): string {
  const shaped = errors.map((error) => ({ code: error.code, message: error.message, ...(error.location ? { location: error.location } : {}) }));
  return JSON.stringify({ errors: shaped }, null, 2);
}

function errorsPretty(errors: LocatedError[]): string {
  const lines = errors.map((error) => `${error.location ? `${error.location.file}:${error.location.row}: ` : ''}${error.code}: ${error.message}`);
  return `${errors.length} error${errors.length === 1 ? '' : 's'} occurred:\n${lines.join('\n')}`;
}

function resultJSON(result: EvaluateResult, query: string): string {
  if (result.results.length === 0) return '{}';
  const lines = new LineIndex(query);
  const results = result.results.map((entry) => {
    const expressions = entry.expressions.map((expression) => {
      const { line, column } = lines.position(expression.range.start);
      return `{"value":${toJSON(expression.value)},"text":${JSON.stringify(expression.text)},"location":{"row":${line},"col":${column}}}`;
    });
    const bindings = [...entry.bindings].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, value]) => `${JSON.stringify(name)}:${toJSON(value)}`);
    return `{"expressions":[${expressions.join(',')}]${bindings.length ? `,"bindings":{${bindings.join(',')}}` : ''}}`;
  });
  return JSON.stringify(JSON.parse(`{"result":[${results.join(',')}]}`, (_key, value) => value), null, 2);
}

/** Standard input as a document: JSON, or else YAML. */
function stdinDocument(): Value {
  const text = readFileSync(0, 'utf8');
  try {
    return readDocument('stdin.json', text);
  } catch {
    return readDocument('stdin.yaml', text);
  }
}

function evalCommand(args: string[]): number {
  const dataPaths: string[] = [];
  const bundles: string[] = [];
  const positional: string[] = [];
  let inputFile: string | undefined;
  let format = 'json';
  let version: RegoVersion = 'v1';
  let strict = false;
  let strictBuiltinErrors = false;
  let fail = false;
  let failDefined = false;
  let timeoutMs = 30_000;
  let allowNet = false;
  const ignore: string[] = [];
  eachArgument(args, (name, value, arg) => {
    switch (name) {
      case '-d':
      case '--data':
        dataPaths.push(value());
        break;
      case '--ignore':
        ignore.push(...value().split(','));
        break;
      case '-b':
      case '--bundle':
        bundles.push(value());
        break;
      case '-i':
      case '--input':
        inputFile = value();
        break;
      case '-I':
      case '--stdin-input':
        inputFile = '-';
        break;
      case '-f':
      case '--format':
        format = value();
        if (!['json', 'pretty', 'values', 'bindings', 'raw'].includes(format)) throw new UsageError(`invalid --format value: ${format} (expected json, pretty, values, bindings or raw)`);
        break;
      case '--v0-compatible':
        version = 'v0';
        break;
      case '--strict':
      case '-S':
        strict = true;
        break;
      case '--strict-builtin-errors':
        strictBuiltinErrors = true;
        break;
      case '--fail':
        fail = true;
        break;
      case '--fail-defined':
        failDefined = true;
        break;
      case '--allow-net':
        allowNet = true;
        break;
      case '--timeout':
        timeoutMs = Number(value());
        if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError('--timeout needs a positive number of milliseconds');
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown flag: ${name}`);
        positional.push(arg);
    }
  });
  if (positional.length !== 1) throw new UsageError('eval needs exactly one QUERY');
  const query = positional[0];
  const loaded = load(dataPaths, bundles, version, { ignore });
  let input: Value | undefined;
  if (inputFile) {
    try {
      // `-I` reads the input from standard input (JSON or YAML), as `opa eval -I` does.
      input = inputFile === '-' ? stdinDocument() : readDocument(inputFile, readFileSync(inputFile, 'utf8'));
    } catch (error) {
      loaded.errors.push({ code: 'rego_load_error', message: error instanceof Error ? error.message : String(error) });
    }
  }
  const report = (errors: LocatedError[]): number => {
    process.stdout.write(`${format === 'json' ? errorsJSON(errors) : errorsPretty(errors)}\n`);
    return 1;
  };
  if (loaded.errors.length > 0) return report(loaded.errors);
  const engine = new Engine({ regoVersion: version, strict });
  engine.setModules(loaded.modules);
  engine.setData(loaded.data);
  const environment = allowNet ? networkEnvironment(systemEnvironment) : systemEnvironment;
  const result = engine.evaluate(query, { input, strictBuiltinErrors, timeoutMs, environment });
  for (const line of result.printed) process.stderr.write(`${line.text}\n`);
  if (result.errors.length > 0) return report(result.errors);
  switch (format) {
    case 'json':
      process.stdout.write(`${resultJSON(result, query)}\n`);
      break;
    case 'values':
      process.stdout.write(`${toJSON(result.results.map((entry) => (entry.expressions.length === 1 ? entry.expressions[0].value : entry.expressions.map((expression) => expression.value))), 2)}\n`);
      break;
    case 'bindings':
      process.stdout.write(`${toJSON(result.results.map((entry) => ObjectValue.from(entry.bindings)), 2)}\n`);
      break;
    case 'raw':
      // As opa: the expressions of a result on one line, strings as they are, other values as compact JSON.
      for (const entry of result.results) {
        process.stdout.write(`${entry.expressions.map((expression) => (typeof expression.value === 'string' ? expression.value : goJson(expression.value))).join(' ')}\n`);
      }
      break;
    default:
      process.stdout.write(`${prettyResult(result)}\n`);
  }
  const defined = result.results.length > 0;
  if (fail && !defined) return 1;
  if (failDefined && defined) return 1;
  return 0;
}

/**
 * `-f pretty`, as opa prints it: one result without bindings whose expressions are one value (or all
 * booleans) as indented JSON; otherwise a table with a column per variable (sorted) and per non-boolean
 * expression, each cell compact JSON.
 */
function prettyResult(result: EvaluateResult): string {
  const results = result.results;
  if (results.length === 0) return 'undefined';
  const [first] = results;
  if (results.length === 1 && first.bindings.size === 0 && (first.expressions.length === 1 || first.expressions.every((expression) => typeof expression.value === 'boolean'))) {
    return toJSON(first.expressions[0].value, 2);
  }
  const names = [...first.bindings.keys()].sort();
  const expressions = first.expressions.flatMap((expression, index) => (typeof expression.value === 'boolean' ? [] : [{ index, text: expression.text }]));
  const header = [...names, ...expressions.map((expression) => expression.text)];
  const rows = results.map((entry) => [
    ...names.map((name) => goJson(entry.bindings.get(name) ?? null)),
    ...expressions.flatMap(({ index }) => {
      const value = entry.expressions[index]?.value;
      return value === undefined || typeof value === 'boolean' ? [] : [goJson(value)];
    }),
  ]);
  return prettyTable(header, rows);
}

/** A Go duration (`5s`, `150ms`, `1m30s`) in milliseconds, as `opa test --timeout` takes it. */
function goDuration(text: string): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d*)?)(ns|us|µs|ms|s|m|h)/g)];
  if (text === '0') return 0;
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text) throw new UsageError(`invalid --timeout value: ${text} (expected a duration such as 5s or 500ms)`);
  return parts.reduce((sum, part) => sum + Number(part[1]) * units[part[2]], 0);
}

/** A duration as Go's time.Duration prints it (`1.234567ms`, `512.3µs`, `2.5s`), which `opa test` shows. */
function goDurationText(milliseconds: number): string {
  const nanoseconds = Math.round(milliseconds * 1e6);
  const trim = (value: number, digits: number) => value.toFixed(digits).replace(/\.?0+$/, '');
  if (nanoseconds < 1000) return `${nanoseconds}ns`;
  if (nanoseconds < 1e6) return `${trim(nanoseconds / 1e3, 3)}µs`;
  if (nanoseconds < 1e9) return `${trim(nanoseconds / 1e6, 6)}ms`;
  return `${trim(nanoseconds / 1e9, 9)}s`;
}

/** OPA's CoverageThresholdError, with the lines not covered when verbose. */
function thresholdMessage(report: CoverageReport, threshold: number, verbose: boolean): string {
  const lines = [`Code coverage threshold not met: got ${report.coverage.toFixed(2)} instead of ${threshold.toFixed(2)}`];
  if (verbose && Object.keys(report.files).length > 0) {
    lines.push('Lines not covered:');
    for (const file of Object.keys(report.files).sort()) {
      for (const span of report.files[file].not_covered ?? []) {
        lines.push(`\t${file}:${span.start.row === span.end.row ? span.start.row : `${span.start.row}-${span.end.row}`}`);
      }
    }
  }
  return lines.join('\n');
}

/** One test as OPA's Result prints it: `data.pkg.test_x: PASS (1.2ms)`, without a duration when skipped. */
function testLine(result: TestResult): string {
  const name = `${result.package}.${result.name}: ${result.outcome}`;
  return result.outcome === 'SKIPPED' ? name : `${name} (${goDurationText(result.durationMs)})`;
}

/** A result in the JSON shape of OPA's tester.Result (output is base64, as Go encodes bytes). */
function testJSON(result: TestResult): object {
  const output = result.printed.length > 0 ? Buffer.from(result.printed.map((line) => `${line}\n`).join('')).toString('base64') : undefined;
  return {
    location: { file: result.file, row: result.row, col: result.col },
    package: result.package,
    name: result.name,
    ...(result.outcome === 'FAIL' ? { fail: true } : {}),
    ...(result.error ? { error: { code: result.error.code, message: result.error.message, ...(result.error.location ? { location: result.error.location } : {}) } } : {}),
    ...(result.outcome === 'SKIPPED' ? { skip: true } : {}),
    duration: Math.round(result.durationMs * 1e6),
    ...(output ? { output } : {}),
    ...(result.failedAt ? { failed_at: { text: result.failedAt.text, location: { file: result.failedAt.file, row: result.failedAt.row, col: result.failedAt.col } } } : {}),
  };
}

/**
 * `test`, following `opa test`: tests in every .rego file under the paths, with JSON and YAML files as
 * data. Exit codes as OPA's: 0 when every test passes, 2 when any does not (skipped ones too, unless
 * -z), 1 when the policies do not load or compile, or (with --coverage) when a test did not pass.
 */
function testCommand(args: string[]): number {
  const paths: string[] = [];
  let verbose = false;
  let coverage = false;
  let format = 'pretty';
  let version: RegoVersion = 'v1';
  let bundleMode = false;
  let timeoutMs = 5_000;
  let run: string | undefined;
  let exitZeroOnSkipped = false;
  let strictBuiltinErrors = false;
  let threshold = 0;
  const ignore: string[] = [];
  eachArgument(args, (name, value, arg) => {
    switch (name) {
      case '-v':
      case '--verbose':
        verbose = true;
        break;
      case '--threshold':
        threshold = Number(value());
        break;
      case '--ignore':
        ignore.push(...value().split(','));
        break;
      case '-c':
      case '--coverage':
        coverage = true;
        break;
      case '-f':
      case '--format':
        format = value();
        if (format !== 'pretty' && format !== 'json') throw new UsageError(`invalid --format value: ${format} (expected pretty or json)`);
        break;
      case '--v0-compatible':
        version = 'v0';
        break;
      case '-b':
      case '--bundle':
        bundleMode = true;
        break;
      case '-t':
      case '--timeout':
        timeoutMs = goDuration(value()) || 5_000;
        break;
      case '-r':
      case '--run':
        run = value();
        break;
      case '-z':
      case '--exit-zero-on-skipped':
        exitZeroOnSkipped = true;
        break;
      case '--strict-builtin-errors':
        strictBuiltinErrors = true;
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown flag: ${name}`);
        paths.push(arg);
    }
  });
  if (paths.length === 0) throw new UsageError('test needs at least one PATH');
  if (!(threshold >= 0 && threshold <= 100)) {
    process.stderr.write('Code coverage threshold must be between 0 and 100\n');
    return 1;
  }
  // As opa test: a threshold turns coverage on.
  if (threshold > 0) coverage = true;
  const loaded = bundleMode ? load([], paths, version, { ignore }) : load(paths, [], version, { ignore });
  if (loaded.errors.length > 0) {
    process.stderr.write(`${errorsPretty(loaded.errors)}\n`);
    return 1;
  }
  let report;
  try {
    report = runTestsOn(loaded.modules, loaded.data, { regoVersion: version, run, timeoutMs, coverage, strictBuiltinErrors });
  } catch (error) {
    // An invalid --run pattern is the only way the runner throws.
    process.stderr.write(`error parsing regexp: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  if (report.errors.length > 0) {
    process.stderr.write(`${errorsPretty(report.errors)}\n`);
    return 1;
  }
  const results = report.results;
  const count = (outcome: TestResult['outcome']) => results.filter((result) => result.outcome === outcome).length;
  const passed = count('PASS');
  const failed = count('FAIL');
  const skipped = count('SKIPPED');
  const errored = count('ERROR');
  const status = results.some((result) => result.outcome === 'FAIL' || result.outcome === 'ERROR' || (result.outcome === 'SKIPPED' && !exitZeroOnSkipped)) ? 2 : 0;
  if (coverage && report.coverage) {
    // As OPA's JSONCoverageReporter: a test that does not pass is reported instead of the coverage.
    const problem = results.find((result) => result.outcome !== 'PASS');
    if (problem) {
      process.stderr.write(`${problem.error ? errorText(problem.error) : testLine(problem)}\n`);
      return 1;
    }
    // Below the threshold OPA reports the error instead of the coverage.
    if (threshold > 0 && report.coverage.coverage < threshold) {
      process.stderr.write(`${thresholdMessage(report.coverage, threshold, verbose)}\n`);
      return 2;
    }
    process.stdout.write(`${JSON.stringify(report.coverage, null, 2)}\n`);
    return status;
  }
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(results.map(testJSON), null, 2)}\n`);
    return status;
  }
  const out: string[] = [];
  const rule = '-'.repeat(80);
  const failures = results.filter((result) => result.outcome === 'FAIL');
  if (failures.length > 0 && verbose) {
    out.push('FAILURES', rule);
    for (const failure of failures) {
      out.push(testLine(failure), '');
      if (failure.failedAt) out.push(`  ${failure.failedAt.file}:${failure.failedAt.row}:`, `    ${failure.failedAt.text}`, '');
    }
    out.push('SUMMARY', rule);
  }
  let lastFile = '';
  let dirty = false;
  for (const result of results) {
    if (verbose || result.outcome !== 'PASS') {
      if (result.file !== lastFile) {
        if (lastFile !== '') out.push('');
        out.push(`${result.file}:`);
        lastFile = result.file;
      }
      dirty = true;
      out.push(testLine(result));
      if (!verbose && result.failedAt) out.push(`  ${result.failedAt.file}:${result.failedAt.row}: ${result.failedAt.text}`);
      if (result.printed.length > 0 && result.outcome !== 'SKIPPED') out.push('', ...result.printed.map((line) => `  ${line}`), '');
    }
    if (result.error) out.push(`  ${errorText(result.error)}`);
  }
  if (dirty) out.push(rule);
  const total = results.length;
  if (passed) out.push(`PASS: ${passed}/${total}`);
  if (failed) out.push(`FAIL: ${failed}/${total}`);
  if (skipped) out.push(`SKIPPED: ${skipped}/${total}`);
  if (errored) out.push(`ERROR: ${errored}/${total}`);
  // Errors count as failures here, so the line adds up to the number of tests.
  out.push(`${passed} passed, ${failed + errored} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.stdout.write(`${out.join('\n')}\n`);
  return status;
}

/** An evaluation error as OPA's topdown.Error prints it: `file:row: code: message`. */
function errorText(error: LocatedError): string {
  return `${error.location ? `${error.location.file}:${error.location.row}: ` : ''}${error.code}: ${error.message}`;
}

/**
 * `capabilities`: the built-ins in the shape of OPA's capabilities.json (name, declared argument and
 * result types, infix, categories, flags), plus the future keywords and features this engine supports.
 */
function capabilitiesCommand(args: string[]): number {
  if (args.length > 0) throw new UsageError('capabilities takes no arguments');
  const named = (name: string | undefined, type: object): object => (name ? { name, ...type } : type);
  const builtins = [...BUILTINS]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((builtin) => ({
      name: builtin.name,
      ...(builtin.categories.length ? { categories: builtin.categories } : {}),
      decl: {
        ...(builtin.params.length ? { args: builtin.params.map((param) => named(param.name, param.type)) } : {}),
        ...(builtin.result ? { result: named(builtin.result.name, builtin.result.type) } : {}),
        type: 'function',
        ...(builtin.variadic ? { variadic: builtin.variadic.type } : {}),
      },
      ...(builtin.infix ? { infix: builtin.infix } : {}),
      ...(builtin.deprecated ? { deprecated: true } : {}),
      ...(builtin.nondeterministic ? { nondeterministic: true } : {}),
      ...(builtin.relation ? { relation: true } : {}),
    }));
  const capabilities = { builtins, future_keywords: ['and', 'contains', 'every', 'if', 'in', 'not', 'or'], features: ['keywords_in_refs', 'rego_v1', 'rule_head_ref_string_prefixes', 'rule_head_refs', 'template_strings'] };
  process.stdout.write(`${JSON.stringify(capabilities, null, 2)}\n`);
  return 0;
}

export function main(argv: string[]): number {
  const [command, ...args] = argv;
  try {
    // `rego-lens eval --help` and the like print the usage, as a CLI user expects.
    if (command !== undefined && args.some((arg) => arg === '--help' || arg === '-h')) {
      process.stdout.write(USAGE);
      return 0;
    }
    switch (command) {
      case 'check':
        return check(args);
      case 'parse':
        return parseCommand(args);
      case 'eval':
        return evalCommand(args);
      case 'fmt':
        return fmtCommand(args);
      case 'capabilities':
        return capabilitiesCommand(args);
      case 'test':
        return testCommand(args);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command: ${command}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

// A reader that goes away (`rego-lens check . | head -1`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = main(process.argv.slice(2));
