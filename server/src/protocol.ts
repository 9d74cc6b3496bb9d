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
}

export const DEFAULT_SETTINGS: Settings = {
  regoVersion: 'v1',
  diagnostics: { debounceMs: 150 },
};

/** Reads a settings object coming from a client, keeping only well-formed values. */
export function normalizeSettings(raw: unknown): Settings {
  const settings: Settings = { regoVersion: DEFAULT_SETTINGS.regoVersion, diagnostics: { ...DEFAULT_SETTINGS.diagnostics } };
  if (raw === null || typeof raw !== 'object') return settings;
  const record = raw as Record<string, unknown>;
  if (record.regoVersion === 'v0' || record.regoVersion === 'v1') settings.regoVersion = record.regoVersion;
  const diagnostics = record.diagnostics as Record<string, unknown> | undefined;
  if (diagnostics && typeof diagnostics.debounceMs === 'number' && Number.isFinite(diagnostics.debounceMs)) {
    settings.diagnostics.debounceMs = Math.min(5000, Math.max(0, diagnostics.debounceMs));
  }
  return settings;
}
