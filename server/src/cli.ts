/**
 * The command-line tool: `node dist/cli.js <command> [flags] [args]`. Flags and output follow `opa`'s,
 * so results can be compared and used in CI. Every failure is reported as a message and an exit code,
 * never as a stack trace.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from './ast/parse';
import type { ParseError } from './ast/nodes';
import type { RegoVersion } from './syntax/prepare';
import { LineIndex } from './syntax/line-index';

const USAGE = `Usage: rego-lens <command> [flags] [arguments]

Commands:
  check [--v0-compatible] [--format pretty|json] PATH...   report syntax errors in .rego files (folders are searched recursively)
  parse [--v0-compatible] FILE                             print the syntax tree of a .rego file as JSON
  help                                                     print this message
`;

class UsageError extends Error {}

interface Flags {
  positional: string[];
  version: RegoVersion;
  format: 'pretty' | 'json';
}

function readFlags(args: string[], allowed: Set<string>): Flags {
  const flags: Flags = { positional: [], version: 'v1', format: 'pretty' };
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
    } else if (name === '--format' || name === '-f') {
      const value = inline ?? args[++i];
      if (value !== 'pretty' && value !== 'json') throw new UsageError(`invalid --format value: ${value ?? '(missing)'} (expected pretty or json)`);
      flags.format = value;
    }
  }
  return flags;
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
  const flags = readFlags(args, new Set(['--v0-compatible', '--format', '-f']));
  if (flags.positional.length === 0) throw new UsageError('check needs at least one PATH');
  const problems: string[] = [];
  const located: Located[] = [];
  for (const file of regoFiles(flags.positional, problems)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      problems.push(`${file}: cannot read file`);
      continue;
    }
    const lines = new LineIndex(text);
    for (const error of parse(text, { regoVersion: flags.version }).errors) {
      const { line, column } = lines.position(error.range.start);
      located.push({ file, error, line, column });
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

export function main(argv: string[]): number {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'check':
        return check(args);
      case 'parse':
        return parseCommand(args);
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
