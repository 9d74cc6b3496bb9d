/**
 * The language server: the only folder that imports `vscode-languageserver`.
 * It keeps the open documents, re-parses them on change (debounced) and publishes diagnostics.
 * Editor features themselves live in `ide/`; this file only maps LSP requests onto them.
 */
import {
  createConnection,
  CodeAction,
  CodeActionKind,
  CodeLens,
  DiagnosticTag,
  DocumentSymbol,
  SelectionRange,
  SemanticTokensBuilder,
  SymbolInformation,
  SymbolKind,
  CompletionItem,
  CompletionItemKind,
  CompletionItemTag,
  DocumentHighlight,
  DocumentHighlightKind,
  ErrorCodes,
  Hover,
  InsertTextFormat,
  Location,
  MarkupKind,
  Range as LspRange,
  ResponseError,
  SignatureHelp,
  Diagnostic,
  DiagnosticSeverity,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  Connection,
} from 'vscode-languageserver/node';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ModuleParser } from '../ast/parse';
import { documentDiagnostics, Severity } from '../ide/diagnostics';
import { evaluationLenses, type EvaluationReport } from '../ide/evaluate';
import { Workspace, readText, type FileProblem, type FolderState } from './workspace';
import { snapshotOf, type LastValue, type Snapshot } from '../ide/snapshot';
import { testsOf } from '../ide/tests';
import { EVALUATE_PLAYGROUND, PLAYGROUND_START, readState, refText, type PlaygroundStart } from '../playground-protocol';
import { ObjectValue, toJSON } from '../value/value';
import { documentSymbols, workspaceSymbols, type DocumentSymbol as IdeDocumentSymbol, type SymbolKind as IdeSymbolKind } from '../ide/document-symbols';
import { foldingRanges } from '../ide/folding';
import { formatModule } from '../ide/formatting';
import { hover as ideHover } from '../ide/hover';
import { completions, documentationOf } from '../ide/completion';
import { signatureHelp } from '../ide/signature-help';
import { definition, documentHighlights, prepareRename, references, rename } from '../ide/navigation';
import { symbolIndex } from '../ide/symbols';
import { selectionRanges } from '../ide/selection-range';
import { SEMANTIC_TOKENS_LEGEND, TOKEN_MODIFIERS, TOKEN_TYPES, semanticTokens } from '../ide/semantic-tokens';
import type { Module } from '../ast/nodes';
import { EvaluationError, EvaluationPool, type Cancellation } from './evaluation-pool';
import type { EvaluationAnswer, EvaluationRequest } from './evaluation';

import { lintModule, type LintCache } from '../analysis/lint';
import { warmUp } from './warm-up';
import { RuleCache } from '../analysis/rule-cache';
import { CLIENT_COMMANDS, COMMANDS, DEFAULT_SETTINGS, NOTIFICATIONS, normalizeSettings, Settings, SETTINGS_SECTION, type InitializationOptions, type SelectInputParams } from '../protocol';

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
  let resolvesDocumentation = false;
  const documentSettings = new Map<string, Promise<Settings>>();
  const timers = new Map<string, NodeJS.Timeout>();
  // One parser per open document: it reuses the statements an edit did not touch.
  const parsers = new Map<string, ModuleParser>();
  const syntaxDiagnostics = new Map<string, Diagnostic[]>();

  /** The incremental parser of an open document, made on first use. */
  function parserOf(uri: string): ModuleParser {
    let parser = parsers.get(uri);
    if (!parser) {
      parser = new ModuleParser();
      parsers.set(uri, parser);
    }
    return parser;
  }

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
    const syntax: Diagnostic[] = documentDiagnostics(parserOf(document.uri), text, { regoVersion: settings.regoVersion }).map((diagnostic) => ({
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
    syntaxDiagnostics.set(document.uri, syntax);
    const file = pathOf(document.uri);
    const folder = file ? workspace.folderOf(file, folders) : undefined;
    if (!folder) {
      void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics: syntax });
      return;
    }
    publishFolder(folder, settings);
    warmIndex(document.uri);
  }

  /**
   * After the diagnostics of an edit, the symbol index of the new text is built while the user is
   * idle, so the next hover, completion or rename does not pay for it.
   */
  const warmTimers = new Map<string, NodeJS.Timeout>();
  function warmIndex(uri: string): void {
    const pending = warmTimers.get(uri);
    if (pending) clearTimeout(pending);
    warmTimers.set(uri, setTimeout(() => {
      warmTimers.delete(uri);
      void snapshotFor(uri).then((context) => context && guarded(undefined, () => void symbolIndex(context.snapshot)));
    }, 50));
  }

  /**
   * Compiles the folder's modules (open documents as edited, the rest from disk) and publishes every
   * open document's diagnostics: its syntax errors and the compile errors found in it. An edit in one
   * file can fix or cause errors in another, so all open documents of the folder are refreshed.
   */
  /** File paths of the open documents. */
  function openFilePaths(): string[] {
    return documents.all().map((document) => pathOf(document.uri)).filter((path): path is string => path !== undefined);
  }

  /**
   * Loads a folder's modules into its engine: open documents as their editors' incremental parsers
   * read them (new unsaved files included), the other files from the disk.
   */
  function loadFolderModules(folder: string, regoVersion: Settings['regoVersion']): FolderState {
    const parsedOf = (path: string) => {
      const parser = parsers.get(uriOf(path));
      const document = documents.get(uriOf(path));
      return parser && document ? parser.parse(document.getText(), { regoVersion }) : undefined;
    };
    return workspace.loadModules(folder, openText, { regoVersion, openFiles: openFilePaths() }, parsedOf);
  }

  function publishFolder(folder: string, settings: Settings): void {
    const openFiles = openFilePaths();
    const state = loadFolderModules(folder, settings.regoVersion);
    const byFile = new Map<string, Diagnostic[]>();
    // Only the packages of open documents are compiled again; the rest of the folder lends its rule heads.
    for (const error of state.engine.compileErrors(openFiles.filter((path) => workspace.folderOf(path, folders) === folder))) {
      if (!error.file || !error.range) continue;
      const list = byFile.get(error.file) ?? [];
      const hint = error.suggestion ? ` (did you mean ${error.suggestion.replacement}?)` : '';
      list.push({ range: lspRange(error.file, error.range), message: `${error.message}${hint}`, code: error.code, severity: DiagnosticSeverity.Error, source: 'rego', ...(error.suggestion ? { data: { suggestion: error.suggestion } } : {}) });
      byFile.set(error.file, list);
    }
    for (const document of documents.all()) {
      const path = pathOf(document.uri);
      if (!path || workspace.folderOf(path, folders) !== folder) continue;
      const syntax = syntaxDiagnostics.get(document.uri) ?? [];
      void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics: [...syntax, ...(byFile.get(path) ?? []), ...lintDiagnostics(document, syntax.length === 0, settings)] });
    }
  }

  const LINT_SEVERITIES = { warning: DiagnosticSeverity.Warning, information: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint };

  /** Lint findings of a document that parses, with their fixes carried in `data` for code actions. */
  /** Per open document: lint findings of its rules, reused while a rule's text is unchanged. */
  const lintCaches = new Map<string, LintCache>();
  function lintDiagnostics(document: TextDocument, parses: boolean, settings: Settings): Diagnostic[] {
    const parser = parsers.get(document.uri);
    if (!parses || !parser) return [];
    const { module } = parser.parse(document.getText(), { regoVersion: settings.regoVersion });
    let cache = lintCaches.get(document.uri);
    if (!cache) lintCaches.set(document.uri, (cache = new RuleCache()));
    return lintModule(module, new Set(settings.lint.disabled), { text: document.getText(), cache }).map((finding) => ({
      range: { start: document.positionAt(finding.range.start), end: document.positionAt(finding.range.end) },
      message: finding.message,
      code: finding.code,
      severity: LINT_SEVERITIES[finding.severity],
      source: 'rego-lint',
      ...(finding.code === 'unused-import' || finding.code === 'unused-assignment' ? { tags: [DiagnosticTag.Unnecessary] } : {}),
      ...(finding.code === 'deprecated-builtin' ? { tags: [DiagnosticTag.Deprecated] } : {}),
      data: finding.fix ? { fix: { title: finding.fix.title, edits: finding.fix.edits.map((edit) => ({ range: { start: document.positionAt(edit.range.start), end: document.positionAt(edit.range.end) }, newText: edit.newText })) } } : undefined,
    }));
  }

  /** Quick fixes for diagnostics with an obvious fix, and a way to turn each lint check off. */
  function codeActions(document: TextDocument, diagnostics: Diagnostic[]): CodeAction[] {
    const actions: CodeAction[] = [];
    const edit = (range: Diagnostic['range'], newText: string) => ({ changes: { [document.uri]: [{ range, newText }] } });
    for (const diagnostic of diagnostics) {
      const data = diagnostic.data as { fix?: { title: string; edits: { range: Diagnostic['range']; newText: string }[] }; suggestion?: { name: string; replacement: string } } | undefined;
      if (data?.fix) actions.push({ title: data.fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: true, edit: { changes: { [document.uri]: data.fix.edits } } });
      if (data?.suggestion) {
        const text = document.getText(diagnostic.range);
        const at = new RegExp(`(?<![A-Za-z0-9_.])${data.suggestion.name.replace(/[.]/g, '\\.')}(?![A-Za-z0-9_])`).exec(text);
        if (at) {
          const start = document.offsetAt(diagnostic.range.start) + at.index;
          actions.push({ title: `Change to ${data.suggestion.replacement}`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: true, edit: edit({ start: document.positionAt(start), end: document.positionAt(start + data.suggestion.name.length) }, data.suggestion.replacement) });
        }
      }
      const text = document.getText(diagnostic.range);
      if (diagnostic.message.startsWith('typographic quotes')) {
        actions.push({ title: 'Use straight quotes', kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: true, edit: edit(diagnostic.range, text.replace(/[\u201c\u201d]/g, '"').replace(/[\u2018\u2019]/g, "'")) });
      }
      if (diagnostic.message.startsWith('`if` keyword is required')) {
        const end = document.offsetAt(diagnostic.range.end);
        const brace = document.getText().indexOf('{', end);
        if (brace >= 0 && /^\s*$/.test(document.getText().slice(end, brace))) {
          actions.push({ title: 'Add `if`', kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: true, edit: edit({ start: document.positionAt(brace), end: document.positionAt(brace) }, 'if ') });
        }
      }
      if (diagnostic.message.startsWith('`contains` keyword is required')) {
        const match = /^([^[]+)\[(.+)\]$/s.exec(text.trim());
        if (match) actions.push({ title: 'Use `contains`', kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: true, edit: edit(diagnostic.range, `${match[1]} contains ${match[2]}`) });
      }
      if (diagnostic.source === 'rego-lint' && typeof diagnostic.code === 'string') {
        actions.push({ title: `Turn off the ${diagnostic.code} check`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title: `Turn off ${diagnostic.code}`, command: CLIENT_COMMANDS.disableLintCheck, arguments: [diagnostic.code] } });
      }
    }
    return actions;
  }

  function schedule(document: TextDocument, delay: number): void {
    const pending = timers.get(document.uri);
    if (pending) clearTimeout(pending);
    timers.set(document.uri, setTimeout(() => {
      timers.delete(document.uri);
      void validateLatest(document.uri);
    }, delay));
  }

  /** Runs an editor feature; a failure is logged and answered with an empty result, never a crash. */
  function guarded<T>(fallback: T, action: () => T): T {
    try {
      return action();
    } catch (error) {
      connection.console.error(`Rego Lens: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      return fallback;
    }
  }

  function safely(action: () => void): void {
    try {
      action();
    } catch (error) {
      connection.console.error(`Rego Lens: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    }
  }

  // Evaluation: the workspace folders, whether they are trusted, and the input chosen per folder.
  const workspace = new Workspace();
  const pool = new EvaluationPool();
  let folders: string[] = [];
  let trusted = true;
  const selectedInputs = new Map<string, string | null>();
  const problemFiles = new Set<string>();

  const pathOf = (uri: string): string | undefined => {
    try {
      return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
    } catch {
      return undefined;
    }
  };
  const uriOf = (file: string): string => pathToFileURL(file).href;
  const openText = (file: string): string | undefined => documents.get(uriOf(file))?.getText();
  const textOf = (file: string): string | undefined => readText(file, openText);
  /** LSP range of an offset range in a file, reading the file's current text. */
  // Line tables of files that are not open, kept while their text is the same.
  const lineTables = new Map<string, TextDocument>();
  const lspRange = (file: string, range: { start: number; end: number }) => {
    const open = documents.get(uriOf(file));
    let document: TextDocument | undefined = open;
    if (!document) {
      const text = textOf(file) ?? '';
      document = lineTables.get(file);
      if (!document || document.getText() !== text) {
        document = TextDocument.create(uriOf(file), 'rego', 0, text);
        lineTables.set(file, document);
      }
    }
    return { start: document.positionAt(range.start), end: document.positionAt(range.end) };
  };

  /** Shows malformed input and data files as diagnostics on those files, and clears fixed ones. */
  function publishProblems(problems: FileProblem[]): void {
    const byFile = new Map<string, Diagnostic[]>();
    for (const problem of problems) {
      const line = Math.max(0, (problem.line ?? 1) - 1);
      const character = Math.max(0, (problem.column ?? 1) - 1);
      const list = byFile.get(problem.file) ?? [];
      list.push({ range: { start: { line, character }, end: { line, character: character + 1 } }, message: problem.message, severity: DiagnosticSeverity.Error, source: 'rego', code: 'rego_load_error' });
      byFile.set(problem.file, list);
    }
    for (const file of problemFiles) if (!byFile.has(file)) void connection.sendDiagnostics({ uri: uriOf(file), diagnostics: [] });
    problemFiles.clear();
    for (const [file, diagnostics] of byFile) {
      problemFiles.add(file);
      void connection.sendDiagnostics({ uri: uriOf(file), diagnostics });
    }
  }

  /**
   * What editor features see: the Rego documents of the document's folder (open ones as edited),
   * parsed, and the input that applies to the document. A document outside every folder stands alone.
   */
  /** What each evaluated document (by folder and data path) last evaluated to, for hover. */
  const lastValues = new Map<string, LastValue>();

  /** Snapshots stay valid until a document, a file or the input selection changes. */
  let snapshotStamp = 0;
  const snapshots = new Map<string, { stamp: number; snapshot: Snapshot }>();
  async function snapshotFor(uri: string): Promise<{ snapshot: Snapshot; file: string } | undefined> {
    const document = documents.get(uri);
    if (!document) return undefined;
    const cached = snapshots.get(uri);
    if (cached && cached.stamp === snapshotStamp) return { snapshot: cached.snapshot, file: pathOf(uri) ?? uri };
    const built = await buildSnapshot(uri, document);
    if (built) snapshots.set(uri, { stamp: snapshotStamp, snapshot: built.snapshot });
    return built;
  }

  async function buildSnapshot(uri: string, document: TextDocument): Promise<{ snapshot: Snapshot; file: string } | undefined> {
    const documentSettings = await settingsFor(uri);
    const file = pathOf(uri) ?? uri;
    const folder = pathOf(uri) ? workspace.folderOf(file, folders) : undefined;
    const lastValue = (path: readonly string[]) => lastValues.get(`${folder ?? uri}\u0000${path.join('\u0000')}`);
    if (!folder) return { snapshot: snapshotOf([{ file, text: document.getText() }], { regoVersion: documentSettings.regoVersion, lastValue }), file };
    const state = loadFolderModules(folder, documentSettings.regoVersion);
    const input = trusted ? workspace.inputFor(file, folder, selectedInputs.get(folder), openText).value : undefined;
    const data = trusted ? workspace.dataFor(folder, openText, documentSettings.roots) : undefined;
    return { snapshot: snapshotOf(state.engine.modules(), { input, data, lastValue }), file };
  }

  /** Every open document's text by file path, and `uri`'s by its URI when it has no file: what the user sees. */
  function openTexts(uri?: string): [string, string][] {
    const open: [string, string][] = [];
    for (const document of documents.all()) {
      const path = pathOf(document.uri);
      if (path) open.push([path, document.getText()]);
      else if (document.uri === uri) open.push([uri, document.getText()]);
    }
    return open;
  }

  /** The settings an evaluation in the worker runs with. */
  function evaluationSettings(documentSettings: Settings): EvaluationRequest['settings'] {
    return { regoVersion: documentSettings.regoVersion, roots: documentSettings.roots, timeoutMs: documentSettings.evaluation.timeoutMs, allowNetwork: documentSettings.evaluation.allowNetwork };
  }

  /** Runs a request in the evaluation worker with what the user sees: every open document's text. */
  async function runRequest(uri: string, request: Omit<EvaluationRequest, 'file' | 'folder' | 'open' | 'settings' | 'selectedInput'>, token?: Cancellation): Promise<EvaluationAnswer> {
    const documentSettings = await settingsFor(uri);
    const file = pathOf(uri);
    const folder = file ? workspace.folderOf(file, folders) : undefined;
    const answer = await pool.run(
      {
        ...request,
        file: file ?? uri,
        folder,
        open: openTexts(uri),
        settings: evaluationSettings(documentSettings),
        selectedInput: folder ? selectedInputs.get(folder) : undefined,
      },
      token,
    );
    if (folder) publishProblems(answer.problems);
    return answer;
  }

  async function evaluateDocument(args: { uri?: unknown; path?: unknown }, token?: Cancellation): Promise<unknown> {
    const uri = typeof args?.uri === 'string' ? args.uri : undefined;
    const path = Array.isArray(args?.path) && args.path.every((part) => typeof part === 'string') ? (args.path as string[]) : undefined;
    if (!uri || !path || path[0] !== 'data') return { error: { code: 'invalid_request', message: 'rego.evaluate needs { uri, path } with a path starting at data' } };
    if (!trusted) return { error: { code: 'untrusted_workspace', message: 'Evaluation is off in untrusted workspaces: trust this workspace to evaluate rules.' } };
    const answer = await runRequest(uri, { kind: 'document', path }, token);
    const report = answer.report!;
    const folder = pathOf(uri) ? workspace.folderOf(pathOf(uri)!, folders) ?? uri : uri;
    if (!report.error) lastValues.set(`${folder}\u0000${report.path.join('\u0000')}`, { text: report.undefined ? undefined : report.valueText, inputPath: report.inputPath });
    return toWire(report);
  }

  /** Offsets become LSP ranges and file paths become URIs, so any LSP client can show the report. */
  function toWire(report: EvaluationReport): unknown {
    const located = (file: string, range: { start: number; end: number }) => ({ uri: file.includes(':') && !file.startsWith('/') ? file : uriOf(file), range: lspRange(file, range) });
    return {
      ...report,
      explanation: report.explanation.map((failure) => ({
        ...located(failure.file, failure.range),
        rule: located(failure.file, failure.ruleRange),
        message: failure.message,
        operands: failure.operands.map((operand) => ({ ...operand, range: lspRange(failure.file, operand.range) })),
      })),
      printOutput: report.printOutput.map((line) => ({ text: line.text, ...located(line.file, line.range) })),
      ...(report.inputPath ? { inputPath: report.inputPath, inputUri: uriOf(report.inputPath) } : {}),
      ...(report.error ? { error: withErrorRange(report.error) } : {}),
    };
  }

  function withErrorRange(error: NonNullable<EvaluationReport['error']>): unknown {
    if (!error.file || !error.range || error.file === '<query>') return error;
    return { ...error, uri: uriOf(error.file), range: lspRange(error.file, error.range) };
  }

  /**
   * The playground: four texts evaluated on their own in the evaluation worker, with the settings of
   * the document it was opened from (`uri`, when that document is open) or the workspace's.
   */
  async function evaluatePlaygroundCommand(args: { uri?: unknown }, token?: Cancellation): Promise<unknown> {
    const state = readState(args);
    if (!state) return { error: { code: 'invalid_request', message: `${EVALUATE_PLAYGROUND} needs { policy, input, data, query } as texts` } };
    if (!trusted) return { error: { code: 'untrusted_workspace', message: 'Evaluation is off in untrusted workspaces: trust this workspace to use the playground.' } };
    const uri = typeof args.uri === 'string' && documents.get(args.uri) ? args.uri : undefined;
    const documentSettings = uri ? await settingsFor(uri) : settings;
    const file = uri ? pathOf(uri) : undefined;
    const folder = file ? workspace.folderOf(file, folders) : undefined;
    const answer = await pool.run(
      {
        kind: 'playground',
        file: file ?? '<playground>',
        folder,
        open: folder ? openTexts() : [],
        playground: state,
        settings: evaluationSettings(documentSettings),
      },
      token,
    );
    return answer.playground;
  }

  /** The test rules of a workspace folder's Rego files, open documents as edited (see COMMANDS.listTests). */
  async function listTests(args: { folderUri?: unknown }): Promise<unknown> {
    const folder = typeof args.folderUri === 'string' ? pathOf(args.folderUri) : undefined;
    if (!folder || !folders.includes(folder)) return { error: { code: 'invalid_request', message: `${COMMANDS.listTests} needs the uri of a workspace folder` } };
    const state = loadFolderModules(folder, (await settingsFor(args.folderUri as string)).regoVersion);
    return state.engine.modules().flatMap(({ file, module }) =>
      testsOf(module, file).map((entry) => ({ uri: uriOf(file), packageName: entry.packageName, name: entry.name, path: entry.path, range: lspRange(file, entry.range), todo: entry.todo })),
    );
  }

  /**
   * Runs a folder's tests in the evaluation worker (see COMMANDS.runTests). Each result carries the
   * URI of its file, and a failure the URI of the file of its failing expression.
   */
  async function runFolderTests(args: { folderUri?: unknown; run?: unknown; coverage?: unknown }, token?: Cancellation): Promise<unknown> {
    const folder = typeof args.folderUri === 'string' ? pathOf(args.folderUri) : undefined;
    if (!folder || !folders.includes(folder)) return { error: { code: 'invalid_request', message: `${COMMANDS.runTests} needs the uri of a workspace folder` } };
    if (!trusted) return { error: { code: 'untrusted_workspace', message: 'Tests run only in trusted workspaces: trust this workspace to run them.' } };
    const documentSettings = await settingsFor(args.folderUri as string);
    const tests = { ...(typeof args.run === 'string' ? { run: args.run } : {}), coverage: args.coverage === true };
    const answer = await pool.run(
      {
        kind: 'tests',
        file: folder,
        folder,
        open: openTexts(),
        tests,
        settings: evaluationSettings(documentSettings),
      },
      token,
    );
    publishProblems(answer.problems);
    const report = answer.tests;
    if (!report) return { error: { code: 'rego_load_error', message: answer.problems[0]?.message ?? 'the tests could not be loaded' } };
    return {
      ...report,
      results: report.results.map((result) => ({ ...result, uri: uriOf(result.file), ...(result.failedAt ? { failedAt: { ...result.failedAt, uri: uriOf(result.failedAt.file) } } : {}) })),
    };
  }

  /** A playground's first texts for a document: see PLAYGROUND_START. Input and data only when trusted. */
  async function playgroundStart(args: { uri?: unknown; path?: unknown }): Promise<PlaygroundStart | { error: { code: string; message: string } }> {
    const document = typeof args.uri === 'string' ? documents.get(args.uri) : undefined;
    if (!document) return { error: { code: 'invalid_request', message: `${PLAYGROUND_START} needs the uri of an open Rego document` } };
    const documentSettings = await settingsFor(document.uri);
    const file = pathOf(document.uri);
    const folder = file ? workspace.folderOf(file, folders) : undefined;
    let input = '';
    let inputPath: string | undefined;
    let data = '';
    if (trusted && file && folder) {
      loadFolderModules(folder, documentSettings.regoVersion);
      inputPath = workspace.inputFor(file, folder, selectedInputs.get(folder), openText).path;
      if (inputPath) input = openText(inputPath) ?? workspace.readFile(inputPath) ?? '';
      const value = workspace.dataFor(folder, openText, documentSettings.roots);
      if (value instanceof ObjectValue && value.size > 0) data = toJSON(value, 2);
    }
    const path = Array.isArray(args.path) && args.path.every((part) => typeof part === 'string') ? (args.path as string[]) : undefined;
    const module = parserOf(document.uri).parse(document.getText(), { regoVersion: documentSettings.regoVersion }).module;
    const packagePath = module.package?.path.slice(1).map((part) => (part.type === 'string' ? part.value : '')) ?? [];
    const query = refText(path ?? ['data', ...packagePath]);
    return { state: { policy: document.getText(), input, data, query }, ...(inputPath ? { inputPath } : {}) };
  }

  async function evaluateQuery(args: { uri?: unknown; query?: unknown }, token?: Cancellation): Promise<unknown> {
    const uri = typeof args?.uri === 'string' ? args.uri : undefined;
    const query = typeof args?.query === 'string' ? args.query : undefined;
    if (!uri || query === undefined) return { error: { code: 'invalid_request', message: 'rego.evaluateQuery needs { uri, query }' } };
    if (!trusted) return { error: { code: 'untrusted_workspace', message: 'Evaluation is off in untrusted workspaces: trust this workspace to evaluate queries.' } };
    return (await runRequest(uri, { kind: 'query', query }, token)).query;
  }

  connection.onInitialize((params) => {
    canPullConfiguration = params?.capabilities?.workspace?.configuration === true;
    // Clients that say they resolve documentation lazily get it on completionItem/resolve.
    resolvesDocumentation = params?.capabilities?.textDocument?.completion?.completionItem?.resolveSupport?.properties?.includes('documentation') === true;
    const options = (params?.initializationOptions ?? {}) as InitializationOptions;
    if (typeof options.trusted === 'boolean') trusted = options.trusted;
    const uris = params?.workspaceFolders?.map((folder) => folder.uri) ?? (params?.rootUri ? [params.rootUri] : []);
    folders = uris.map(pathOf).filter((folder): folder is string => folder !== undefined);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        foldingRangeProvider: true,
        selectionRangeProvider: true,
        semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true },
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['.', '"'], resolveProvider: true },
        signatureHelpProvider: { triggerCharacters: ['(', ','] },
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        renameProvider: { prepareProvider: true },
        documentFormattingProvider: true,
        executeCommandProvider: { commands: [COMMANDS.evaluate, COMMANDS.evaluateQuery, COMMANDS.listTests, COMMANDS.runTests, EVALUATE_PLAYGROUND, PLAYGROUND_START] },
      },
      serverInfo: { name: 'rego-lens' },
    };
  });

  connection.onCodeAction((params) => {
    const document = documents.get(params?.textDocument?.uri);
    if (!document || !Array.isArray(params?.context?.diagnostics)) return [];
    try {
      return codeActions(document, params.context.diagnostics);
    } catch (error) {
      connection.console.error(`Rego Lens: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      return [];
    }
  });

  // Editor features over a snapshot of the document's folder. Offsets become positions here.
  const SYMBOL_KINDS: Record<IdeSymbolKind, SymbolKind> = {
    package: SymbolKind.Package,
    namespace: SymbolKind.Namespace,
    module: SymbolKind.Module,
    function: SymbolKind.Function,
    variable: SymbolKind.Variable,
    constant: SymbolKind.Constant,
    array: SymbolKind.Array,
    object: SymbolKind.Object,
  };
  const toLspSymbol = (document: TextDocument, symbol: IdeDocumentSymbol): DocumentSymbol => ({
    name: symbol.name,
    detail: symbol.detail,
    kind: SYMBOL_KINDS[symbol.kind],
    range: { start: document.positionAt(symbol.range.start), end: document.positionAt(symbol.range.end) },
    selectionRange: { start: document.positionAt(symbol.selectionRange.start), end: document.positionAt(symbol.selectionRange.end) },
    children: symbol.children?.map((child) => toLspSymbol(document, child)),
  });
  /** Parses an open document with its own incremental parser (cheap when nothing changed). */
  async function parsedDocument(uri: string): Promise<{ document: TextDocument; text: string; module: Module } | undefined> {
    const document = documents.get(uri);
    if (!document) return undefined;
    const documentSettings = await settingsFor(uri);
    const text = document.getText();
    return { document, text, module: parserOf(uri).parse(text, { regoVersion: documentSettings.regoVersion }).module };
  }

  connection.onDocumentSymbol(async (params) => {
    const parsed = await parsedDocument(params?.textDocument?.uri);
    if (!parsed) return [];
    return guarded([], () => documentSymbols(parsed).map((symbol) => toLspSymbol(parsed.document, symbol)));
  });

  connection.onWorkspaceSymbol(async (params) => {
    const results: SymbolInformation[] = [];
    const seen = new Set<string>();
    for (const folder of folders) {
      const state = loadFolderModules(folder, settings.regoVersion);
      const snapshot = snapshotOf(state.engine.modules());
      for (const symbol of guarded([], () => workspaceSymbols(snapshot, typeof params?.query === 'string' ? params.query : ''))) {
        const key = `${symbol.file}:${symbol.range.start}:${symbol.name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        results.push({ name: symbol.name, kind: SYMBOL_KINDS[symbol.kind], containerName: symbol.container, location: { uri: uriOf(symbol.file), range: lspRange(symbol.file, symbol.range) } });
      }
    }
    return results;
  });

  connection.onFoldingRanges(async (params) => {
    const parsed = await parsedDocument(params?.textDocument?.uri);
    if (!parsed) return [];
    return guarded([], () => foldingRanges(parsed).map((range) => ({ startLine: range.startLine, endLine: range.endLine, ...(range.kind ? { kind: range.kind } : {}) })));
  });

  connection.onSelectionRanges(async (params) => {
    const parsed = await parsedDocument(params?.textDocument?.uri);
    if (!parsed || !Array.isArray(params?.positions)) return [];
    return guarded([], () =>
      params.positions.map((position) => {
        const ranges = selectionRanges(parsed, parsed.document.offsetAt(position));
        let result: SelectionRange | undefined;
        for (const range of [...ranges].reverse()) result = { range: { start: parsed.document.positionAt(range.start), end: parsed.document.positionAt(range.end) }, parent: result };
        return result ?? { range: { start: position, end: position } };
      }),
    );
  });

  connection.languages.semanticTokens.on(async (params) => {
    const parsed = await parsedDocument(params?.textDocument?.uri);
    if (!parsed) return { data: [] };
    const context = await snapshotFor(parsed.document.uri);
    const builder = new SemanticTokensBuilder();
    guarded(undefined, () => {
      for (const token of semanticTokens(parsed, context?.snapshot)) {
        const position = parsed.document.positionAt(token.start);
        const modifiers = token.modifiers.reduce((bits, modifier) => bits | (1 << TOKEN_MODIFIERS.indexOf(modifier)), 0);
        builder.push(position.line, position.character, token.length, TOKEN_TYPES.indexOf(token.type), modifiers);
      }
    });
    return builder.build();
  });

  /** Runs a feature at a position of a document, against the snapshot of its folder. */
  async function atPosition<T>(params: { textDocument?: { uri?: string }; position?: { line: number; character: number } } | undefined, fallback: T, run: (snapshot: Snapshot, file: string, offset: number, document: TextDocument) => T): Promise<T> {
    const uri = params?.textDocument?.uri;
    const document = uri ? documents.get(uri) : undefined;
    if (!uri || !document || !params?.position) return fallback;
    const context = await snapshotFor(uri);
    if (!context) return fallback;
    return guarded(fallback, () => run(context.snapshot, context.file, document.offsetAt(params.position!), document));
  }
  const toLocation = (location: { file: string; range: { start: number; end: number } }): Location => ({ uri: location.file.includes('://') ? location.file : uriOf(location.file), range: lspRange(location.file, location.range) });
  const COMPLETION_KINDS: Record<string, CompletionItemKind> = {
    keyword: CompletionItemKind.Keyword,
    snippet: CompletionItemKind.Snippet,
    function: CompletionItemKind.Function,
    builtin: CompletionItemKind.Function,
    rule: CompletionItemKind.Variable,
    variable: CompletionItemKind.Variable,
    package: CompletionItemKind.Module,
    field: CompletionItemKind.Field,
  };

  connection.onHover((params) =>
    atPosition(params, null as Hover | null, (snapshot, file, offset, document) => {
      const found = ideHover(snapshot, file, offset);
      if (!found) return null;
      return { contents: { kind: MarkupKind.Markdown, value: found.markdown }, range: { start: document.positionAt(found.range.start), end: document.positionAt(found.range.end) } };
    }),
  );

  /**
   * Documentation of the latest completion list's items, written when the client resolves an item:
   * a list in a large workspace has thousands of items and shows the documentation of one.
   */
  let unresolved: (() => string)[] = [];
  let completionList = 0;
  connection.onCompletion((params) =>
    atPosition(params, [] as CompletionItem[], (snapshot, file, offset, document) => {
      unresolved = [];
      const list = ++completionList;
      return completions(snapshot, file, offset).map((item) => {
        const lazy = resolvesDocumentation && typeof item.documentation === 'function' ? item.documentation : undefined;
        if (lazy) unresolved.push(lazy);
        const documentation = lazy ? undefined : documentationOf(item);
        return {
          label: item.label,
          kind: COMPLETION_KINDS[item.kind],
          detail: item.detail,
          documentation: documentation ? { kind: MarkupKind.Markdown, value: documentation } : undefined,
          sortText: item.sortText,
          insertTextFormat: item.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
          textEdit: { range: { start: document.positionAt(item.range.start), end: document.positionAt(item.range.end) }, newText: item.insertText ?? item.label },
          ...(item.deprecated ? { tags: [CompletionItemTag.Deprecated] } : {}),
          ...(lazy ? { data: { list, documentation: unresolved.length - 1 } } : {}),
        };
      });
    }),
  );

  connection.onCompletionResolve((item) => {
    const data = item?.data as { list?: unknown; documentation?: unknown } | undefined;
    const write = data?.list === completionList && typeof data.documentation === 'number' ? unresolved[data.documentation] : undefined;
    if (!write) return item;
    return { ...item, documentation: { kind: MarkupKind.Markdown, value: guarded('', write) } };
  });

  connection.onSignatureHelp((params) =>
    atPosition(params, null as SignatureHelp | null, (snapshot, file, offset) => {
      const help = signatureHelp(snapshot, file, offset);
      if (!help) return null;
      return {
        activeSignature: help.activeSignature,
        activeParameter: help.activeParameter,
        signatures: help.signatures.map((signature) => ({
          label: signature.label,
          documentation: signature.documentation ? { kind: MarkupKind.Markdown, value: signature.documentation } : undefined,
          parameters: signature.parameters.map((parameter) => ({ label: parameter.label, documentation: parameter.description })),
        })),
      };
    }),
  );

  connection.onDefinition((params) => atPosition(params, [] as Location[], (snapshot, file, offset) => definition(snapshot, file, offset).map(toLocation)));

  connection.onReferences((params) =>
    atPosition(params, [] as Location[], (snapshot, file, offset) => references(snapshot, file, offset, { includeDeclaration: params?.context?.includeDeclaration !== false }).map(toLocation)),
  );

  connection.onDocumentHighlight((params) =>
    atPosition(params, [] as DocumentHighlight[], (snapshot, file, offset, document) =>
      documentHighlights(snapshot, file, offset).map((highlight) => ({
        range: { start: document.positionAt(highlight.range.start), end: document.positionAt(highlight.range.end) },
        kind: highlight.kind === 'write' ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
      })),
    ),
  );

  connection.onPrepareRename((params) =>
    atPosition(params, null as { range: LspRange; placeholder: string } | null, (snapshot, file, offset, document) => {
      const prepared = prepareRename(snapshot, file, offset);
      if ('error' in prepared) throw new ResponseError(ErrorCodes.InvalidRequest, prepared.error);
      return { range: { start: document.positionAt(prepared.range.start), end: document.positionAt(prepared.range.end) }, placeholder: prepared.placeholder };
    }).catch((error: unknown) => {
      if (error instanceof ResponseError) throw error;
      return null;
    }),
  );

  connection.onRenameRequest(async (params) => {
    const uri = params?.textDocument?.uri;
    const document = uri ? documents.get(uri) : undefined;
    if (!uri || !document || !params?.position || typeof params.newName !== 'string') return null;
    const context = await snapshotFor(uri);
    if (!context) return null;
    const result = rename(context.snapshot, context.file, document.offsetAt(params.position), params.newName);
    if ('error' in result) throw new ResponseError(ErrorCodes.InvalidRequest, result.error);
    const changes: Record<string, { range: LspRange; newText: string }[]> = {};
    for (const fileEdits of result.edits) {
      changes[fileEdits.file.includes('://') ? fileEdits.file : uriOf(fileEdits.file)] = fileEdits.edits.map((edit) => ({ range: lspRange(fileEdits.file, edit.range), newText: edit.newText }));
    }
    return { changes };
  });

  connection.onDocumentFormatting(async (params) => {
    const document = documents.get(params?.textDocument?.uri);
    if (!document) return [];
    const documentSettings = await settingsFor(document.uri);
    return guarded([] as { range: LspRange; newText: string }[], () => {
      const text = document.getText();
      const result = formatModule(text, { regoVersion: documentSettings.regoVersion });
      // A document that does not parse is left alone: its syntax errors are already shown.
      if ('error' in result || result.text === text) return [];
      return [{ range: { start: { line: 0, character: 0 }, end: document.positionAt(text.length) }, newText: result.text }];
    });
  });

  connection.onCodeLens(async (params) => {
    // The document's own incremental parser: a lens request after a keystroke reuses its parse.
    const parsed = await parsedDocument(params?.textDocument?.uri);
    if (!parsed) return [];
    const { document, module } = parsed;
    const lenses: CodeLens[] = [];
    safely(() => {
      for (const lens of evaluationLenses(module)) {
        lenses.push({
          range: { start: document.positionAt(lens.range.start), end: document.positionAt(lens.range.start) },
          command: { title: lens.title, command: COMMANDS.evaluate, arguments: [{ uri: document.uri, path: lens.path, line: document.positionAt(lens.range.start).line }] },
        });
      }
    });
    return lenses;
  });

  connection.onExecuteCommand(async (params, token) => {
    try {
      const [args] = params?.arguments ?? [];
      if (params?.command === COMMANDS.evaluate) return await evaluateDocument(args ?? {}, token);
      if (params?.command === COMMANDS.evaluateQuery) return await evaluateQuery(args ?? {}, token);
      if (params?.command === EVALUATE_PLAYGROUND) return await evaluatePlaygroundCommand(args ?? {}, token);
      if (params?.command === PLAYGROUND_START) return await playgroundStart(args ?? {});
      if (params?.command === COMMANDS.listTests) return await listTests(args ?? {});
      if (params?.command === COMMANDS.runTests) return await runFolderTests(args ?? {}, token);
      return { error: { code: 'invalid_request', message: `unknown command ${String(params?.command)}` } };
    } catch (error) {
      if (error instanceof EvaluationError) return { error: { code: error.code, message: error.message } };
      connection.console.error(`Rego Lens: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      return { error: { code: 'eval_internal_error', message: error instanceof Error ? error.message : String(error) } };
    }
  });

  connection.onNotification(NOTIFICATIONS.selectInput, (params: SelectInputParams) => {
    const folder = typeof params?.folderUri === 'string' ? pathOf(params.folderUri) : undefined;
    if (!folder) return;
    snapshotStamp++;
    if (params.inputUri === undefined) selectedInputs.delete(folder);
    else selectedInputs.set(folder, params.inputUri === null ? null : pathOf(params.inputUri) ?? null);
  });

  connection.onNotification(NOTIFICATIONS.trust, (params: { trusted?: unknown }) => {
    if (typeof params?.trusted === 'boolean') trusted = params.trusted;
  });

  connection.onDidChangeConfiguration((change) => {
    const section = (change?.settings as Record<string, unknown> | null | undefined)?.[SETTINGS_SECTION];
    if (section !== undefined) settings = normalizeSettings(section);
    documentSettings.clear();
    for (const document of documents.all()) schedule(document, 0);
  });

  documents.onDidOpen((event) => {
    snapshotStamp++;
    schedule(event.document, 0);
  });
  documents.onDidChangeContent((event) => {
    snapshotStamp++;
    schedule(event.document, settings.diagnostics.debounceMs);
  });
  documents.onDidClose((event) => {
    snapshotStamp++;
    snapshots.delete(event.document.uri);
    const pending = timers.get(event.document.uri);
    if (pending) clearTimeout(pending);
    timers.delete(event.document.uri);
    parsers.delete(event.document.uri);
    lintCaches.delete(event.document.uri);
    syntaxDiagnostics.delete(event.document.uri);
    documentSettings.delete(event.document.uri);
    void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  });

  connection.onInitialized(() => {
    pool.warmUp();
    // Once the first requests have had their turn.
    setTimeout(() => guarded(undefined, () => warmUp()), 20);
  });
  connection.onDidChangeWatchedFiles((params) => {
    const changed = (params?.changes ?? []).map((change) => pathOf(change.uri)).filter((file): file is string => file !== undefined);
    workspace.invalidate(changed);
    snapshotStamp++;
    for (const document of documents.all()) schedule(document, settings.diagnostics.debounceMs);
  });
  connection.onShutdown(() => pool.dispose());

  documents.listen(connection);
  connection.listen();
}
