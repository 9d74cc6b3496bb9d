/**
 * Rego tests in VS Code's Test Explorer: test rules found by the server (`rego.listTests`, unsaved
 * text included) become items by file, package and test, kept current while typing; running them
 * asks the server (`rego.runTests`), which runs them in its evaluation worker as `opa test` does.
 * Failures point at the failing expression; the Coverage profile shows covered and uncovered lines.
 */
import * as vscode from 'vscode';
import { ExecuteCommandRequest, type LanguageClient } from 'vscode-languageclient/node';
import { COMMANDS } from '../../server/src/protocol';

interface ListedTest {
  uri: string;
  packageName: string;
  name: string;
  path: string[];
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  todo: boolean;
}

interface TestResult {
  package: string;
  name: string;
  uri: string;
  row: number;
  durationMs: number;
  outcome: 'PASS' | 'FAIL' | 'SKIPPED' | 'ERROR';
  failedAt?: { text: string; uri: string; row: number; col: number; message: string };
  error?: { code: string; message: string };
  printed: string[];
}

interface LineRange {
  start: { row: number };
  end: { row: number };
}

interface RunReport {
  results: TestResult[];
  errors: { code: string; message: string; file?: string; location?: { file: string; row: number; col: number } }[];
  coverage?: { files?: Record<string, { covered?: LineRange[]; not_covered?: LineRange[] }> };
  error?: { code: string; message: string };
}

/** The command of the "Run test" lenses: `{ uri, path }` of one test rule. */
export const RUN_TEST = 'rego.runTest';

/** A test item's id: its folder and its document, `data.pkg.test_name`. */
function testId(folder: vscode.WorkspaceFolder, path: readonly string[]): string {
  return `${folder.uri.toString()}|${path.join('.')}`;
}

/** A regular expression (RE2) matching exactly these tests' `data.pkg.test_name`. */
function exactly(paths: readonly string[][]): string {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return `^(${paths.map((path) => escape(path.join('.'))).join('|')})$`;
}

export class RegoTests implements vscode.Disposable {
  private readonly controller = vscode.tests.createTestController('regoTests', 'Rego tests');
  private readonly disposables: vscode.Disposable[] = [this.controller];
  /** Each test item's folder and data path. */
  private readonly tests = new Map<vscode.TestItem, { folder: vscode.WorkspaceFolder; path: string[]; todo: boolean }>();
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly lensesChanged = new vscode.EventEmitter<void>();

  constructor(private readonly client: () => LanguageClient | undefined) {
    this.controller.resolveHandler = async () => this.refresh();
    this.controller.refreshHandler = async () => this.refresh();
    this.controller.createRunProfile('Run', vscode.TestRunProfileKind.Run, (request, token) => this.run(request, token, false), true);
    this.controller.createRunProfile('Coverage', vscode.TestRunProfileKind.Coverage, (request, token) => this.run(request, token, true), true);
    const later = () => this.scheduleRefresh();
    this.disposables.push(
      this.lensesChanged,
      // "Run test" above every test rule, from the same items the Test Explorer shows.
      vscode.languages.registerCodeLensProvider({ language: 'rego' }, {
        onDidChangeCodeLenses: this.lensesChanged.event,
        provideCodeLenses: (document) =>
          [...this.tests]
            .filter(([item, entry]) => item.uri?.toString() === document.uri.toString() && item.range && !entry.todo)
            .map(([item, entry]) => new vscode.CodeLens(item.range!, { title: 'Run test', command: RUN_TEST, arguments: [{ uri: document.uri.toString(), path: entry.path }] })),
      }),
      vscode.workspace.onDidChangeTextDocument((event) => event.document.languageId === 'rego' && later()),
      vscode.workspace.onDidCreateFiles(later),
      vscode.workspace.onDidDeleteFiles(later),
      vscode.workspace.onDidRenameFiles(later),
      vscode.workspace.onDidChangeWorkspaceFolders(later),
      vscode.commands.registerCommand(RUN_TEST, async (target?: { uri?: unknown; path?: unknown }) => {
        const path = Array.isArray(target?.path) ? (target.path as string[]) : undefined;
        const uri = typeof target?.uri === 'string' ? vscode.Uri.parse(target.uri) : undefined;
        const folder = uri && vscode.workspace.getWorkspaceFolder(uri);
        if (!path || !folder) return;
        await this.refresh();
        const item = [...this.tests].find(([, entry]) => entry.folder === folder && entry.path.join('.') === path.join('.'))?.[0];
        if (!item) return;
        const source = new vscode.CancellationTokenSource();
        try {
          await this.run(new vscode.TestRunRequest([item]), source.token, false);
        } finally {
          source.dispose();
        }
      }),
    );
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), 500);
  }

  /** Lists every folder's tests and replaces the items: files, then packages, then tests. */
  async refresh(): Promise<void> {
    const client = this.client();
    if (!client) return;
    const files: vscode.TestItem[] = [];
    // Built aside and swapped in at the end: refreshes can overlap (typing, file events, the view).
    const tests = new Map<vscode.TestItem, { folder: vscode.WorkspaceFolder; path: string[]; todo: boolean }>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      let listed: ListedTest[] | { error: unknown };
      try {
        listed = (await client.sendRequest(ExecuteCommandRequest.type, { command: COMMANDS.listTests, arguments: [{ folderUri: folder.uri.toString() }] })) as ListedTest[] | { error: unknown };
      } catch {
        continue;
      }
      if (!Array.isArray(listed)) continue;
      const byFile = new Map<string, ListedTest[]>();
      for (const entry of listed) byFile.set(entry.uri, [...(byFile.get(entry.uri) ?? []), entry]);
      for (const [uriText, entries] of byFile) {
        const uri = vscode.Uri.parse(uriText);
        const file = this.controller.createTestItem(`${folder.uri.toString()}|${uriText}`, vscode.workspace.asRelativePath(uri, true), uri);
        const packages = new Map<string, vscode.TestItem>();
        for (const entry of entries) {
          let packageItem = packages.get(entry.packageName);
          if (!packageItem) {
            packageItem = this.controller.createTestItem(`${file.id}|${entry.packageName}`, entry.packageName, uri);
            packages.set(entry.packageName, packageItem);
            file.children.add(packageItem);
          }
          const item = this.controller.createTestItem(testId(folder, entry.path), entry.name, uri);
          item.range = new vscode.Range(entry.range.start.line, entry.range.start.character, entry.range.end.line, entry.range.end.character);
          if (entry.todo) item.description = 'todo';
          packageItem.children.add(item);
          tests.set(item, { folder, path: entry.path, todo: entry.todo });
        }
        files.push(file);
      }
    }
    this.tests.clear();
    for (const [item, entry] of tests) this.tests.set(item, entry);
    this.controller.items.replace(files);
    this.lensesChanged.fire();
  }

  /** The tests a request asks for: the included items and everything below them, less the excluded. */
  private selected(request: vscode.TestRunRequest): vscode.TestItem[] {
    const excluded = new Set(request.exclude ?? []);
    const found: vscode.TestItem[] = [];
    const visit = (item: vscode.TestItem) => {
      if (excluded.has(item)) return;
      if (this.tests.has(item)) found.push(item);
      item.children.forEach(visit);
    };
    if (request.include) request.include.forEach(visit);
    else this.controller.items.forEach(visit);
    return found;
  }

  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken, coverage: boolean): Promise<void> {
    if (this.tests.size === 0) await this.refresh();
    const run = this.controller.createTestRun(request);
    const items = this.selected(request);
    const byFolder = new Map<vscode.WorkspaceFolder, vscode.TestItem[]>();
    for (const item of items) {
      const { folder } = this.tests.get(item)!;
      byFolder.set(folder, [...(byFolder.get(folder) ?? []), item]);
      run.enqueued(item);
    }
    try {
      for (const [folder, folderItems] of byFolder) {
        if (token.isCancellationRequested) break;
        folderItems.forEach((item) => run.started(item));
        const report = await this.request(folder, folderItems.map((item) => this.tests.get(item)!.path), coverage, token);
        if (!report || report.error || report.errors.length > 0) {
          const problem = report?.error?.message ?? report?.errors.map((error) => (error.location ? `${error.location.file}:${error.location.row}: ${error.message}` : error.message)).join('\n') ?? 'the tests could not run';
          folderItems.forEach((item) => run.errored(item, new vscode.TestMessage(problem)));
          continue;
        }
        this.report(run, folder, folderItems, report);
        if (coverage) this.addCoverage(run, report);
      }
    } finally {
      run.end();
    }
  }

  private async request(folder: vscode.WorkspaceFolder, paths: string[][], coverage: boolean, token: vscode.CancellationToken): Promise<RunReport | undefined> {
    const client = this.client();
    if (!client) return undefined;
    try {
      return (await client.sendRequest(ExecuteCommandRequest.type, { command: COMMANDS.runTests, arguments: [{ folderUri: folder.uri.toString(), run: exactly(paths), coverage }] }, token)) as RunReport;
    } catch (error) {
      return { results: [], errors: [], error: { code: 'eval_internal_error', message: error instanceof Error ? error.message : String(error) } };
    }
  }

  private report(run: vscode.TestRun, folder: vscode.WorkspaceFolder, items: vscode.TestItem[], report: RunReport): void {
    const byId = new Map(items.map((item) => [item.id, item]));
    const seen = new Set<vscode.TestItem>();
    for (const result of report.results) {
      // A test defined twice runs twice (`test_x`, `test_x#01`): both report on the one item.
      const item = byId.get(testId(folder, [...result.package.split('.'), result.name.replace(/#\d+$/, '')]));
      if (!item) continue;
      const output = result.printed.length > 0 ? `${result.printed.join('\r\n')}\r\n` : '';
      if (output) run.appendOutput(output, new vscode.Location(vscode.Uri.parse(result.uri), new vscode.Position(Math.max(0, result.row - 1), 0)), item);
      const already = seen.has(item);
      seen.add(item);
      if (result.outcome === 'PASS') {
        if (!already) run.passed(item, result.durationMs);
      } else if (result.outcome === 'SKIPPED') {
        run.skipped(item);
      } else if (result.outcome === 'FAIL') {
        const where = result.failedAt ? `: ${result.failedAt.message}` : ': the test is not true';
        const message = new vscode.TestMessage(`${result.package}.${result.name} failed${where}${result.printed.length ? `\n\nprint output:\n${result.printed.join('\n')}` : ''}`);
        const at = result.failedAt ?? { uri: result.uri, row: result.row, col: 1 };
        message.location = new vscode.Location(vscode.Uri.parse(at.uri), new vscode.Position(Math.max(0, at.row - 1), Math.max(0, at.col - 1)));
        run.failed(item, message, result.durationMs);
      } else {
        const message = new vscode.TestMessage(result.error ? `${result.error.code}: ${result.error.message}` : 'the test could not be evaluated');
        message.location = new vscode.Location(vscode.Uri.parse(result.uri), new vscode.Position(Math.max(0, result.row - 1), 0));
        run.errored(item, message, result.durationMs);
      }
    }
  }

  /** Covered and uncovered lines per file, as statement coverage over whole lines. */
  private addCoverage(run: vscode.TestRun, report: RunReport): void {
    for (const [file, lines] of Object.entries(report.coverage?.files ?? {})) {
      const uri = vscode.Uri.file(file);
      const statement = (range: LineRange, executed: boolean) => new vscode.StatementCoverage(executed, new vscode.Range(range.start.row - 1, 0, range.end.row - 1, Number.MAX_SAFE_INTEGER));
      const details = [...(lines.covered ?? []).map((range) => statement(range, true)), ...(lines.not_covered ?? []).map((range) => statement(range, false))];
      run.addCoverage(vscode.FileCoverage.fromDetails(uri, details));
    }
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
