/**
 * Names shared by the VS Code client and the language server: settings and custom messages.
 * Both sides import this file, so a wire name or a setting key is written down exactly once.
 * Nothing here may import `vscode` or `vscode-languageserver`.
 */

export const LANGUAGE_ID = 'rego';

/** The settings section that holds every Rego Lens setting (`rego.*`). */
export const SETTINGS_SECTION = 'rego';

export type RegoVersion = 'v0' | 'v1';

/** Settings as the server sees them, with the defaults the manifest declares. */
export interface Settings {
  regoVersion: RegoVersion;
  diagnostics: { debounceMs: number };
  /** Folders (relative to the workspace folder) whose data files are placed at their path below them. */
  roots: string[];
  /** Lint checks turned off, by code. */
  lint: { disabled: string[] };
  evaluation: {
    /** Lets `http.send` and `net.lookup_ip_addr` reach the network. Only user settings may turn it on. */
    allowNetwork: boolean;
    /** Time budget of one evaluation. */
    timeoutMs: number;
  };
}

export const DEFAULT_SETTINGS: Settings = {
  regoVersion: 'v1',
  diagnostics: { debounceMs: 150 },
  roots: [],
  lint: { disabled: [] },
  evaluation: { allowNetwork: false, timeoutMs: 5000 },
};

/** Commands the server runs (`workspace/executeCommand`); code lenses carry them. */
export const COMMANDS = {
  /** Arguments: `{ uri, path }`; returns an EvaluationReport. */
  evaluate: 'rego.evaluate',
  /** Arguments: `{ uri, query }`; evaluates a query in the package of the document. */
  evaluateQuery: 'rego.evaluateQuery',
  /** Arguments: `{ folderUri }`; returns the test rules of every Rego file of the folder (open ones as edited). */
  listTests: 'rego.listTests',
  /**
   * Arguments: `{ folderUri, run?, coverage? }`; runs the folder's tests (those whose `data.pkg.test_name`
   * matches the regular expression `run`) in the evaluation worker, as `opa test` runs them.
   */
  runTests: 'rego.runTests',
} as const;

/** Client-side commands the server's code actions refer to. */
export const CLIENT_COMMANDS = {
  /** Arguments: the lint check's code; turns it off in the workspace settings. */
  disableLintCheck: 'rego.disableLintCheck',
} as const;

/** Notifications from the client. */
export const NOTIFICATIONS = {
  /** `{ folderUri, inputUri }`: the input file chosen for a workspace folder; `null` for none, absent for automatic. */
  selectInput: 'rego/selectInput',
  /** `{ trusted }`: whether the workspace is trusted (evaluation runs only when it is). */
  trust: 'rego/trust',
} as const;

export interface SelectInputParams {
  folderUri: string;
  inputUri?: string | null;
}

export interface InitializationOptions {
  trusted?: boolean;
}

/** Reads a settings object coming from a client, keeping only well-formed values. */
export function normalizeSettings(raw: unknown): Settings {
  const settings: Settings = {
    regoVersion: DEFAULT_SETTINGS.regoVersion,
    diagnostics: { ...DEFAULT_SETTINGS.diagnostics },
    roots: [],
    lint: { disabled: [] },
    evaluation: { ...DEFAULT_SETTINGS.evaluation },
  };
  if (raw === null || typeof raw !== 'object') return settings;
  const record = raw as Record<string, unknown>;
  if (record.regoVersion === 'v0' || record.regoVersion === 'v1') settings.regoVersion = record.regoVersion;
  const diagnostics = record.diagnostics as Record<string, unknown> | undefined;
  if (diagnostics && typeof diagnostics.debounceMs === 'number' && Number.isFinite(diagnostics.debounceMs)) {
    settings.diagnostics.debounceMs = Math.min(5000, Math.max(0, diagnostics.debounceMs));
  }
  if (Array.isArray(record.roots)) settings.roots = record.roots.filter((root): root is string => typeof root === 'string');
  const lint = record.lint as Record<string, unknown> | undefined;
  if (lint && Array.isArray(lint.disabled)) settings.lint.disabled = lint.disabled.filter((code): code is string => typeof code === 'string');
  const evaluation = record.evaluation as Record<string, unknown> | undefined;
  if (evaluation && typeof evaluation === 'object') {
    if (typeof evaluation.allowNetwork === 'boolean') settings.evaluation.allowNetwork = evaluation.allowNetwork;
    if (typeof evaluation.timeoutMs === 'number' && Number.isFinite(evaluation.timeoutMs)) settings.evaluation.timeoutMs = Math.min(120_000, Math.max(100, evaluation.timeoutMs));
  }
  return settings;
}
