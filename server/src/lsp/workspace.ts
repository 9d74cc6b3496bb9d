/**
 * What an evaluation sees of a workspace folder: every `.rego` file as currently edited (open
 * documents win over the disk), the data files placed at their folder path below their root (the
 * folder itself, the `rego.roots` folders, or the nearest folder with a `.manifest`), and the input
 * that applies to a document. Reads the file system; keeps one engine per folder so unchanged
 * modules are not compiled again.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { DocumentError, manifestRoots, mergeAt, readDocument, withinRoots } from '../eval/documents';
import { Engine, type SourceFile } from '../eval/engine';
import { ObjectValue, type Value } from '../value/value';

const IGNORED_FOLDERS = new Set(['node_modules', '.git', 'dist', 'out', '.vscode-test']);
const INPUT_NAMES = ['input.json', 'input.yaml', 'input.yml'];
const DATA_FILE = /^data\.(json|ya?ml)$/i;
/** A workspace larger than this is read only in part; evaluation still works on what was read. */
const MAX_FILES = 20_000;

export interface FileProblem {
  file: string;
  message: string;
  line?: number;
  column?: number;
}

export interface FolderState {
  engine: Engine;
  regoVersion: 'v0' | 'v1';
  dataKey: string;
  problems: FileProblem[];
}

/** Open documents by file path, so unsaved text is what evaluation sees. */
export type OpenText = (file: string) => string | undefined;

function walk(root: string, visit: (file: string) => void): void {
  let count = 0;
  const stack = [root];
  while (stack.length > 0 && count < MAX_FILES) {
    const folder = stack.pop()!;
    let entries: string[];
    try {
      entries = readdirSync(folder);
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (IGNORED_FOLDERS.has(entry)) continue;
      const full = join(folder, entry);
      let stats;
      try {
        stats = statSync(full);
      } catch {
        continue;
      }
      if (stats.isDirectory()) {
        if (!entry.startsWith('.')) stack.push(full);
      } else if (++count <= MAX_FILES) {
        visit(full);
      }
    }
  }
}

/** A file's text as the user sees it: the open document's, else the disk's. */
export function readText(file: string, open: OpenText): string | undefined {
  const text = open(file);
  if (text !== undefined) return text;
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Whether `child` is `parent` or lies below it, comparing whole path segments. */
export function isWithin(parent: string, child: string): boolean {
  const path = relative(parent, child);
  return path === '' || (!path.startsWith('..') && !path.startsWith(sep) && path !== '..');
}

/** The root a data file is placed below: the deepest of the configured roots and manifest folders holding it. */
function dataRoot(file: string, folder: string, roots: string[], manifests: string[]): string | undefined {
  const candidates = [...(roots.length ? roots.map((root) => resolve(folder, root)) : [folder]), ...manifests];
  let best: string | undefined;
  for (const candidate of candidates) {
    if (isWithin(candidate, dirname(file)) && (!best || candidate.length > best.length)) best = candidate;
  }
  return best;
}

export class Workspace {
  private readonly folders = new Map<string, FolderState>();
  /** What a folder holds, read once and kept until files change (see `invalidate`). */
  private readonly listings = new Map<string, { regoFiles: string[]; dataFiles: string[]; manifests: string[] }>();
  /** Disk texts, kept until the file changes. */
  private readonly diskTexts = new Map<string, string | undefined>();

  /** Forgets what was read from the disk: all of it, or what concerns these files. */
  invalidate(files?: string[]): void {
    if (!files) {
      this.listings.clear();
      this.diskTexts.clear();
      return;
    }
    for (const file of files) this.diskTexts.delete(file);
    // A created or deleted file changes a folder's listing; a changed one only its text.
    this.listings.clear();
  }

  private listing(folder: string): { regoFiles: string[]; dataFiles: string[]; manifests: string[] } {
    let listing = this.listings.get(folder);
    if (!listing) {
      const found = { regoFiles: [] as string[], dataFiles: [] as string[], manifests: [] as string[] };
      walk(folder, (file) => {
        const name = file.slice(file.lastIndexOf(sep) + 1);
        if (file.endsWith('.rego')) found.regoFiles.push(file);
        else if (DATA_FILE.test(name)) found.dataFiles.push(file);
        else if (name === '.manifest') found.manifests.push(dirname(file));
      });
      found.regoFiles.sort();
      found.dataFiles.sort();
      listing = found;
      this.listings.set(folder, listing);
    }
    return listing;
  }

  /** A file's text as the user sees it, with disk reads cached. */
  private text(file: string, open: OpenText): string | undefined {
    const current = open(file);
    if (current !== undefined) return current;
    if (!this.diskTexts.has(file)) this.diskTexts.set(file, readText(file, () => undefined));
    return this.diskTexts.get(file);
  }

  /** Loads only the folder's modules (for diagnostics); `parsed` gives modules an editor already parsed. */
  loadModules(folder: string, open: OpenText, options: { regoVersion: 'v0' | 'v1'; openFiles?: string[] }, parsed: (file: string) => SourceFile['parsed'] | undefined = () => undefined): FolderState {
    const state = this.state(folder, options.regoVersion);
    // Open documents count even before they are saved for the first time.
    const unsaved = (options.openFiles ?? []).filter((file) => file.endsWith('.rego') && isWithin(folder, file));
    const files = [...new Set([...this.listing(folder).regoFiles, ...unsaved])].sort();
    state.engine.setModules(files.flatMap((file) => {
      const text = this.text(file, open);
      return text === undefined ? [] : [{ file, text, parsed: parsed(file) }];
    }));
    return state;
  }

  private state(folder: string, regoVersion: 'v0' | 'v1'): FolderState {
    let state = this.folders.get(folder);
    if (!state || state.regoVersion !== regoVersion) {
      state = { engine: new Engine({ regoVersion }), regoVersion, dataKey: '', problems: [] };
      this.folders.set(folder, state);
    }
    return state;
  }

  /** A file's text from the disk, or undefined when it cannot be read. */
  readFile(file: string): string | undefined {
    return readText(file, () => undefined);
  }

  /** The workspace folder holding a file: the deepest one. */
  folderOf(file: string, folders: string[]): string | undefined {
    let best: string | undefined;
    for (const folder of folders) if (isWithin(folder, file) && (!best || folder.length > best.length)) best = folder;
    return best;
  }

  /** Loads the folder's modules and data into its engine, reusing what did not change. */
  load(folder: string, open: OpenText, options: { regoVersion: 'v0' | 'v1'; roots: string[]; openFiles?: string[] }): FolderState {
    const state = this.loadModules(folder, open, options);
    this.loadData(state, folder, open, options.roots);
    return state;
  }

  /** Loads the folder's data files into its engine when they, the roots or the manifests changed. */
  private loadData(state: FolderState, folder: string, open: OpenText, roots: string[]): void {
    const { dataFiles, manifests } = this.listing(folder);
    const texts = dataFiles.map((file) => ({ file, text: this.text(file, open) ?? '' }));
    const manifestTexts = manifests.map((manifest) => ({ manifest, text: this.text(join(manifest, '.manifest'), open) ?? '' }));
    const key = JSON.stringify([roots, manifestTexts, texts]);
    if (key !== state.dataKey) {
      const problems: FileProblem[] = [];
      let data = new ObjectValue();
      for (const { file, text } of texts) {
        const root = dataRoot(file, folder, roots, manifests);
        if (!root) continue;
        const placement = relative(root, dirname(file)).split(sep).filter(Boolean);
        const manifest = manifestTexts.find((entry) => entry.manifest === root);
        const owned = manifest ? manifestRoots(manifest.text) : undefined;
        if (owned && !withinRoots(placement, owned)) {
          problems.push({ file, message: `${file}: data at ${placement.join('/') || 'the root'} lies outside the roots of the bundle's .manifest (${owned.join(', ')})` });
          continue;
        }
        try {
          data = mergeAt(data, placement, readDocument(file, text), file);
        } catch (error) {
          problems.push(problemOf(file, error));
        }
      }
      state.engine.setData(data);
      state.dataKey = key;
      state.problems = problems;
    }
  }

  /**
   * The data documents of a folder (for completion), or undefined when a data file does not read.
   * The folder's modules stay as they are: the caller loaded them with the editors' text.
   */
  dataFor(folder: string, open: OpenText, roots: string[]): Value | undefined {
    const state = this.folders.get(folder);
    if (!state) return undefined;
    this.loadData(state, folder, open, roots);
    return state.problems.length === 0 ? state.engine.dataDocument() : undefined;
  }

  /**
   * The input for a document: the selected file when the user chose one (or none), else the nearest
   * input.json / input.yaml / input.yml from the document's folder up to the workspace folder.
   */
  inputFor(file: string, folder: string, selected: string | null | undefined, open: OpenText): { path?: string; value?: Value; problem?: FileProblem } {
    let path: string | undefined;
    if (selected === null) return {};
    if (selected !== undefined) path = selected;
    else {
      for (let current = dirname(file); isWithin(folder, current); current = dirname(current)) {
        const found = INPUT_NAMES.map((name) => join(current, name)).find((candidate) => open(candidate) !== undefined || existsSync(candidate));
        if (found) {
          path = found;
          break;
        }
        if (current === folder || dirname(current) === current) break;
      }
    }
    if (!path) return {};
    const text = readText(path, open);
    if (text === undefined) return { path, problem: { file: path, message: `${path}: cannot read the input file` } };
    try {
      return { path, value: readDocument(path, text) };
    } catch (error) {
      return { path, problem: problemOf(path, error) };
    }
  }
}

function problemOf(file: string, error: unknown): FileProblem {
  if (error instanceof DocumentError) return { file, message: error.message, line: error.line, column: error.column };
  return { file, message: `${file}: ${error instanceof Error ? error.message : String(error)}` };
}
