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

/**
 * Loads `-d` paths and `-b` bundles as `opa eval` does: .rego files become modules; a data file's
 * content is placed at its folder's path relative to the loaded root (a file named directly is placed
 * at the root). Bundles also read `.manifest` to check that data stays inside the declared roots.
 */
export function load(dataPaths: string[], bundles: string[], version: RegoVersion): Loaded {
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
    if (bundle) {
      try {
        roots = manifestRoots(readFileSync(join(root, '.manifest'), 'utf8'));
      } catch {
        // No manifest: the bundle owns every path.
      }
    }
    const visit = (folder: string, path: string[]): void => {
      for (const entry of readdirSync(folder).sort()) {
        if (entry.startsWith('.') || entry === 'node_modules') continue;
        const full = join(folder, entry);
        if (statSync(full).isDirectory()) visit(full, [...path, entry]);
        else if (entry.endsWith('.rego')) loaded.modules.push({ file: full, text: readFileSync(full, 'utf8') });
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
