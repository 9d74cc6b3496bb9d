/**
 * The playground's wire: what its page (a webview) and its host (the VS Code client) say to each
 * other, and what the server answers for one evaluation. The page, the host and the server import
 * this file, so a message name is written down once. Every message that comes from the page is read
 * through `readPageMessage`, which keeps only well-formed messages: a webview is untrusted input.
 * Nothing here may import `vscode`, `vscode-languageserver` or the DOM.
 */

/** What the playground holds: four texts. Input and data are JSON (or YAML); query is a Rego query. */
export interface PlaygroundState {
  policy: string;
  input: string;
  data: string;
  query: string;
}

/** The editors of the playground, which errors point into. */
export type PlaygroundSource = 'policy' | 'input' | 'data' | 'query';

/** A place in one of the editors: 1-based line and column. */
export interface PlaygroundLocation {
  source: PlaygroundSource;
  line: number;
  column: number;
}

export interface PlaygroundError {
  code: string;
  message: string;
  location?: PlaygroundLocation;
}

/** One result of the query: its expressions' values and its variables' bindings, as JSON. */
export interface PlaygroundResult {
  expressions: { text: string; value: unknown }[];
  bindings: Record<string, unknown>;
}

/** What one evaluation of the playground gives. */
export interface PlaygroundAnswer {
  results: PlaygroundResult[];
  /** The query had no result. */
  undefined: boolean;
  /** When undefined and the query names a rule: why, per definition, with the values involved. */
  explanation: { message: string; line: number }[];
  /** `print()` output, with the policy line of each call (0 when printed from the query). */
  printOutput: { text: string; line: number }[];
  errors: PlaygroundError[];
  durationMs: number;
  /**
   * The other modules of the policy's workspace folder that were loaded with it (file paths): a
   * policy opened from a file sees the rules of the files beside it, as it does when evaluated there.
   */
  library?: string[];
}

/** The server command that evaluates a playground; arguments: one PlaygroundRequest. */
export const EVALUATE_PLAYGROUND = 'rego.evaluatePlayground';

/**
 * The server command that gives a playground's first texts for a document (arguments: `{ uri, path? }`):
 * the document's text, its active input file's text, the folder's data as JSON, and a query for `path`
 * (a data path such as ['data', 'app', 'allow']) or for the whole package.
 */
export const PLAYGROUND_START = 'rego.playgroundStart';

export interface PlaygroundStart {
  state: PlaygroundState;
  /** The input file the input text came from. */
  inputPath?: string;
}

export interface PlaygroundRequest extends PlaygroundState {
  regoVersion?: 'v0' | 'v1';
}

/** Messages from the page to its host. */
export type PageMessage =
  /** The page is loaded and wants its state. */
  | { type: 'ready' }
  /** Evaluate this state; `id` comes back with the answer, so stale answers can be told apart. */
  | { type: 'evaluate'; id: number; state: PlaygroundState }
  /** The texts changed: the host keeps them, so a reload restores them. */
  | { type: 'changed'; state: PlaygroundState }
  /** Buttons: save the input to a file, write the policy back to its file, copy the CLI command, export and import. */
  | { type: 'saveInput'; state: PlaygroundState }
  | { type: 'applyPolicy'; state: PlaygroundState }
  | { type: 'copyCommand'; state: PlaygroundState }
  | { type: 'export'; state: PlaygroundState }
  | { type: 'import' };

/** Messages from the host to its page. */
export type HostMessage =
  /** The texts to show (at start, after an import, or when opened from another file). */
  | { type: 'load'; state: PlaygroundState; title: string; canApply: boolean }
  /** The answer to `evaluate` number `id`. */
  | { type: 'answer'; id: number; answer: PlaygroundAnswer }
  /** A short notice for the status line of the page (saved, copied, an error of the host). */
  | { type: 'notice'; text: string };

/** A data path as a Rego ref: ['data', 'app', 'allow'] is `data.app.allow`, odd names in brackets. */
export function refText(path: readonly string[]): string {
  return path.map((part, index) => (index === 0 ? part : /^[A-Za-z_][A-Za-z0-9_]*$/.test(part) ? `.${part}` : `[${JSON.stringify(part)}]`)).join('');
}

/** Texts beyond this size are refused: a playground is for trying things out, not for data dumps. */
export const MAX_TEXT_LENGTH = 5_000_000;

function readText(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= MAX_TEXT_LENGTH ? value : undefined;
}

/** A PlaygroundState read from untrusted data, or undefined when it is not one. */
export function readState(value: unknown): PlaygroundState | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  const policy = readText(record.policy);
  const input = readText(record.input);
  const data = readText(record.data);
  const query = readText(record.query);
  if (policy === undefined || input === undefined || data === undefined || query === undefined) return undefined;
  return { policy, input, data, query };
}

/** A message from the page, or undefined when it is not a well-formed one. */
export function readPageMessage(value: unknown): PageMessage | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  switch (record.type) {
    case 'ready':
    case 'import':
      return { type: record.type };
    case 'evaluate': {
      const state = readState(record.state);
      return state && typeof record.id === 'number' && Number.isSafeInteger(record.id) ? { type: 'evaluate', id: record.id, state } : undefined;
    }
    case 'changed':
    case 'saveInput':
    case 'applyPolicy':
    case 'copyCommand':
    case 'export': {
      const state = readState(record.state);
      return state ? { type: record.type, state } : undefined;
    }
    default:
      return undefined;
  }
}


/**
 * Shell lines that write the playground's texts to files in a new temporary folder (nothing of the
 * current folder is touched) and run the same evaluation with our command-line tool and with
 * `opa eval`, so a result can be checked outside the editor.
 */
export function playgroundCommandLines(state: PlaygroundState, library: readonly string[] = []): string {
  const lines = ['dir="$(mktemp -d)"'];
  const flags: string[] = [];
  const file = (name: string, text: string, flag: string) => {
    // A heredoc ends at a line equal to its marker: pick one that no line of the text equals.
    let marker = `END_${name.replace(/\W/g, '_').toUpperCase()}`;
    while (text.split('\n').includes(marker)) marker += '_';
    lines.push(`cat > "$dir/${name}" <<'${marker}'`, text.replace(/\n$/, ''), marker);
    flags.push(`${flag} "$dir/${name}"`);
  };
  file('policy.rego', state.policy, '-d');
  for (const path of library) flags.push(`-d '${path.replace(/'/g, `'\\''`)}'`);
  if (state.data.trim()) file(/^\s*[[{]/.test(state.data) ? 'data.json' : 'data.yaml', state.data, '-d');
  if (state.input.trim()) file(/^\s*[[{"]/.test(state.input) ? 'input.json' : 'input.yaml', state.input, '-i');
  // An empty query is the policy's package, as the playground evaluates it.
  const packageName = /^\s*package\s+([A-Za-z_][A-Za-z0-9_.]*)/m.exec(state.policy)?.[1];
  const query = `'${(state.query.trim() || (packageName ? `data.${packageName}` : 'data')).replace(/'/g, `'\\''`)}'`;
  lines.push(`node dist/cli.js eval ${flags.join(' ')} ${query}`, `opa eval ${flags.join(' ')} ${query}`);
  return `${lines.join('\n')}\n`;
}

/** The file a playground is saved as: its four texts and a format marker. */
export interface PlaygroundFile extends PlaygroundState {
  format: 'rego-lens-playground';
  version: 1;
}

export function playgroundFile(state: PlaygroundState): PlaygroundFile {
  return { format: 'rego-lens-playground', version: 1, ...state };
}

/** Reads a saved playground file, or says why it is not one. */
export function readPlaygroundFile(text: string): PlaygroundState | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || (value as Record<string, unknown>).format !== 'rego-lens-playground') {
    return { error: 'not a Rego Lens playground: the file has no "format": "rego-lens-playground"' };
  }
  return readState(value) ?? { error: 'not a playground: policy, input, data and query must be texts' };
}
