/**
 * Reading policy paths from disk the way `opa eval -d`/`-b` and `opa test` do: .rego files become
 * modules, JSON and YAML files become base data at their folder's path. Shared by the CLI's commands;
 * the engine itself does no I/O.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RegoVersion } from './syntax/prepare';
import type { LocatedError, SourceFile } from './eval/engine';
import { DocumentError, manifestRoots, mergeAt, readDocument, withinRoots } from './eval/documents';
import { ObjectValue } from './value/value';

export interface Loaded {
  modules: SourceFile[];
  data: ObjectValue;
  errors: LocatedError[];
}

const DATA_FILE = /\.(json|ya?ml)$/i;

export interface LoadOptions {
  /** `--ignore`: glob patterns (Go's filepath.Match) for names of files and folders below the given paths. */
  ignore?: string[];
}

/**
 * A Go filepath.Match pattern as a regular expression: `*` and `?` never match `/`, `[...]` and `[^...]`
 * are character classes, and a backslash escapes the next character.
 */
export function globPattern(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]);
    else if (char === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) {
        source += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, end);
      const negated = body.startsWith('^');
      if (negated) body = body.slice(1);
      source += `[${negated ? '^/' : ''}${body.replace(/[\]\\]/g, '\\$&')}]`;
      i = end;
    } else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, 'u');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A bundle manifest's Rego version for a file: its `file_rego_versions` entry, else the bundle's `rego_version`. */
function manifestVersion(manifest: unknown, relative: string): 'v0' | 'v1' | undefined {
  if (typeof manifest !== 'object' || manifest === null) return undefined;
  const { rego_version: bundleVersion, file_rego_versions: perFile } = manifest as { rego_version?: unknown; file_rego_versions?: unknown };
  const asVersion = (value: unknown) => (value === 0 ? 'v0' : value === 1 ? 'v1' : undefined);
  if (typeof perFile === 'object' && perFile !== null) {
    for (const [pattern, value] of Object.entries(perFile)) {
      if (globPattern(pattern).test(relative) && asVersion(value)) return asVersion(value);
    }
  }
  return asVersion(bundleVersion);
}

/**
 * Loads `-d` paths and `-b` bundles as `opa eval` does: .rego files become modules; a data file's
 * content is placed at its folder's path relative to the loaded root (a file named directly is placed
 * at the root). Bundles also read `.manifest` to check that data stays inside the declared roots.
 */
export function load(dataPaths: string[], bundles: string[], version: RegoVersion, options: LoadOptions = {}): Loaded {
  const ignored = (options.ignore ?? []).map(globPattern);
  const loaded: Loaded = { modules: [], data: new ObjectValue(), errors: [] };
  const problems: string[] = [];
  const addData = (file: string, placement: string[]): void => {
    try {
      const text = readFileSync(file, 'utf8');
      loaded.data = mergeAt(loaded.data, placement, readDocument(file, text), file);
    } catch (error) {
      if (error instanceof DocumentError) {
        loaded.errors.push({ code: 'rego_load_error', message: error.message, file, location: error.line ? { file, row: error.line, col: error.column ?? 1 } : undefined });
      } else {
        loaded.errors.push({ code: 'rego_load_error', message: `${file}: cannot read file` });
      }
    }
  };
  const addRoot = (root: string, bundle: boolean): void => {
    let stats;
    try {
      stats = statSync(root);
    } catch {
      problems.push(`${root}: no such file or directory`);
      return;
    }
    if (!stats.isDirectory()) {
      if (root.endsWith('.rego')) loaded.modules.push({ file: root, text: readFileSync(root, 'utf8') });
      else if (DATA_FILE.test(root)) addData(root, []);
      return;
    }
    let roots: string[] | undefined;
    let manifest: unknown;
    if (bundle) {
      try {
        const text = readFileSync(join(root, '.manifest'), 'utf8');
        roots = manifestRoots(text);
        manifest = JSON.parse(text);
      } catch {
        // No manifest (or none that parses): the bundle owns every path, in the default Rego version.
      }
    }
    const visit = (folder: string, path: string[]): void => {
      for (const entry of readdirSync(folder).sort()) {
        if (entry.startsWith('.') || entry === 'node_modules' || ignored.some((pattern) => pattern.test(entry))) continue;
        const full = join(folder, entry);
        if (statSync(full).isDirectory()) visit(full, [...path, entry]);
        else if (entry.endsWith('.rego')) {
          const regoVersion = bundle ? manifestVersion(manifest, `/${[...path, entry].join('/')}`) : undefined;
          loaded.modules.push({ file: full, text: readFileSync(full, 'utf8'), ...(regoVersion ? { regoVersion } : {}) });
        }
        else if (bundle ? /^data\.(json|ya?ml)$/i.test(entry) : DATA_FILE.test(entry)) {
          if (roots && !withinRoots(path, roots, { ancestors: true })) {
            loaded.errors.push({ code: 'rego_load_error', message: `${full}: data path ${path.join('/')} is outside the bundle roots ${JSON.stringify(roots)}` });
            continue;
          }
          addData(full, path);
        }
      }
    };
    visit(root, []);
  };
  dataPaths.forEach((path) => addRoot(path, false));
  bundles.forEach((path) => addRoot(path, true));
  for (const problem of problems) loaded.errors.push({ code: 'rego_load_error', message: problem });
  void version;
  return loaded;
}
