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
import { parse } from '../syntax/index';
import { DEFAULT_SETTINGS, normalizeSettings, Settings, SETTINGS_SECTION } from '../protocol';

export function startServer(connection: Connection = createConnection(ProposedFeatures.all)): void {
  const documents = new TextDocuments(TextDocument);
  let settings: Settings = DEFAULT_SETTINGS;
  const timers = new Map<string, NodeJS.Timeout>();

  function validate(document: TextDocument): void {
    const text = document.getText();
    const { errors } = parse(text, { regoVersion: settings.regoVersion });
    const diagnostics: Diagnostic[] = errors.map((error) => ({
      range: { start: document.positionAt(error.start), end: document.positionAt(error.end) },
      message: error.message,
      code: error.code,
      severity: DiagnosticSeverity.Error,
      source: 'rego',
    }));
    void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
  }

  function schedule(document: TextDocument, delay: number): void {
    const pending = timers.get(document.uri);
    if (pending) clearTimeout(pending);
    timers.set(document.uri, setTimeout(() => {
      timers.delete(document.uri);
      const current = documents.get(document.uri);
      if (current) safely(() => validate(current));
    }, delay));
  }

  function safely(action: () => void): void {
    try {
      action();
    } catch (error) {
      connection.console.error(`Rego Lens: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    }
  }

  connection.onInitialize(() => ({
    capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
    serverInfo: { name: 'rego-lens' },
  }));

  connection.onDidChangeConfiguration((change) => {
    const section = (change.settings as Record<string, unknown> | null)?.[SETTINGS_SECTION];
    settings = normalizeSettings(section);
    for (const document of documents.all()) schedule(document, 0);
  });

  documents.onDidOpen((event) => schedule(event.document, 0));
  documents.onDidChangeContent((event) => schedule(event.document, settings.diagnostics.debounceMs));
  documents.onDidClose((event) => {
    const pending = timers.get(event.document.uri);
    if (pending) clearTimeout(pending);
    timers.delete(event.document.uri);
    void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  });

  documents.listen(connection);
  connection.listen();
}
