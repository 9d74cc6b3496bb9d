/**
 * The language server: the only folder that imports `vscode-languageserver`.
 * It keeps the open documents, re-parses them on change (debounced) and publishes diagnostics.
 * Editor features themselves live in `ide/`; this file only maps LSP requests onto them.
 */
import {
  createConnection,
  Diagnostic,
  DiagnosticSeverity,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  Connection,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ModuleParser } from '../ast/parse';
import { documentDiagnostics, Severity } from '../ide/diagnostics';

import { DEFAULT_SETTINGS, normalizeSettings, Settings, SETTINGS_SECTION } from '../protocol';

const SEVERITIES: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** How long to wait for the client to answer a settings request before using the last pushed settings. */
const CONFIGURATION_TIMEOUT_MS = 2000;

export function startServer(connection: Connection = createConnection(ProposedFeatures.all)): void {
  const documents = new TextDocuments(TextDocument);
  // Settings pushed by the client (or the defaults); per-document settings are pulled when the client can.
  let settings: Settings = DEFAULT_SETTINGS;
  let canPullConfiguration = false;
  const documentSettings = new Map<string, Promise<Settings>>();
  const timers = new Map<string, NodeJS.Timeout>();
  // One parser per open document: it reuses the statements an edit did not touch.
  const parsers = new Map<string, ModuleParser>();

  /** The settings that apply to one document: `rego.*` settings may differ per folder of a multi-root workspace. */
  function settingsFor(uri: string): Promise<Settings> {
    if (!canPullConfiguration) return Promise.resolve(settings);
    let pending = documentSettings.get(uri);
    if (!pending) {
      const pulled = connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION }).then(normalizeSettings);
      const fallback = new Promise<Settings>((resolve) => setTimeout(() => resolve(settings), CONFIGURATION_TIMEOUT_MS).unref());
      pending = Promise.race([pulled, fallback]).catch(() => settings);
      documentSettings.set(uri, pending);
    }
    return pending;
  }

  async function validateLatest(uri: string): Promise<void> {
    const documentSettings = await settingsFor(uri);
    // The document may have changed or closed while the settings were on their way.
    const document = documents.get(uri);
    if (document) safely(() => validate(document, documentSettings));
  }

  function validate(document: TextDocument, settings: Settings): void {
    const text: unknown = document.getText();
    if (typeof text !== 'string') {
      // A client sent a document without text: there is nothing to check, and nothing to convert positions in.
      connection.console.warn(`Rego Lens: ignoring ${document.uri}: its text is not a string`);
      return;
    }
    let parser = parsers.get(document.uri);
    if (!parser) {
      parser = new ModuleParser();
      parsers.set(document.uri, parser);
    }
    const diagnostics: Diagnostic[] = documentDiagnostics(parser, text, { regoVersion: settings.regoVersion }).map((diagnostic) => ({
      range: { start: document.positionAt(diagnostic.range.start), end: document.positionAt(diagnostic.range.end) },
      message: diagnostic.message,
      code: diagnostic.code,
      severity: SEVERITIES[diagnostic.severity],
      source: 'rego',
      relatedInformation: diagnostic.related && [
        {
          location: { uri: document.uri, range: { start: document.positionAt(diagnostic.related.range.start), end: document.positionAt(diagnostic.related.range.end) } },
          message: diagnostic.related.message,
        },
      ],
    }));
    void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
  }

  function schedule(document: TextDocument, delay: number): void {
    const pending = timers.get(document.uri);
    if (pending) clearTimeout(pending);
    timers.set(document.uri, setTimeout(() => {
      timers.delete(document.uri);
      void validateLatest(document.uri);
    }, delay));
  }

  function safely(action: () => void): void {
    try {
      action();
    } catch (error) {
      connection.console.error(`Rego Lens: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    }
  }

  connection.onInitialize((params) => {
    canPullConfiguration = params?.capabilities?.workspace?.configuration === true;
    return {
      capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
      serverInfo: { name: 'rego-lens' },
    };
  });

  connection.onDidChangeConfiguration((change) => {
    const section = (change?.settings as Record<string, unknown> | null | undefined)?.[SETTINGS_SECTION];
    if (section !== undefined) settings = normalizeSettings(section);
    documentSettings.clear();
    for (const document of documents.all()) schedule(document, 0);
  });

  documents.onDidOpen((event) => schedule(event.document, 0));
  documents.onDidChangeContent((event) => schedule(event.document, settings.diagnostics.debounceMs));
  documents.onDidClose((event) => {
    const pending = timers.get(event.document.uri);
    if (pending) clearTimeout(pending);
    timers.delete(event.document.uri);
    parsers.delete(event.document.uri);
    documentSettings.delete(event.document.uri);
    void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  });

  documents.listen(connection);
  connection.listen();
}
