/**
 * Shows evaluation results in the editor: the value after the rule head (full value on hover),
 * "undefined" with the failing expression of each body highlighted and explained, print() output at
 * its line, and errors as diagnostics. Results clear when the document changes (or refresh, in live
 * mode). The server computes everything; this file only draws what `rego.evaluate` returns.
 */
import * as vscode from 'vscode';
import { COMMANDS } from '../../server/src/protocol';
import { refText } from '../../server/src/playground-protocol';

interface WireRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

export interface EvaluateArguments {
  uri: string;
  path: string[];
  line?: number;
}

export interface Report {
  path?: string[];
  value?: unknown;
  valueText?: string;
  undefined?: boolean;
  explanation?: { uri: string; range: WireRange; rule: { uri: string; range: WireRange }; message: string }[];
  printOutput?: { text: string; uri: string; range: WireRange }[];
  inputPath?: string;
  durationMs?: number;
  error?: { code: string; message: string; uri?: string; range?: WireRange };
}

const MAX_INLINE = 80;

function toRange(range: WireRange): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

function inline(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > MAX_INLINE ? `${flat.slice(0, MAX_INLINE - 1)}…` : flat;
}

/** The results shown in one document: one entry per evaluated rule (by its line). */
interface Shown {
  args: EvaluateArguments;
  report: Report;
}

export class EvaluationView implements vscode.Disposable {
  private readonly valueDecoration = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('editorCodeLens.foreground'), fontStyle: 'italic' },
  });
  private readonly failureDecoration = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor('diffEditor.removedTextBackground'),
    borderRadius: '2px',
  });
  private readonly printDecoration = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('editorCodeLens.foreground') },
  });
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('rego-evaluation');
  private readonly shown = new Map<string, Map<number, Shown>>();
  private readonly subscriptions: vscode.Disposable[] = [];
  /** The last evaluation, for "Copy as command". */
  last: { args: EvaluateArguments; report: Report } | undefined;

  constructor(private readonly reevaluate: (args: EvaluateArguments) => Promise<Report | undefined>) {
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((event) => this.changed(event.document)),
      vscode.window.onDidChangeVisibleTextEditors(() => this.redrawAll()),
    );
  }

  private liveTimers = new Map<string, NodeJS.Timeout>();

  private changed(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    const entries = this.shown.get(key);
    if (!entries || entries.size === 0) return;
    const live = vscode.workspace.getConfiguration('rego', document.uri).get<boolean>('evaluation.live', false);
    if (!live) {
      // A result belongs to the text it was computed for; after an edit it would mislead.
      this.clear(document.uri);
      return;
    }
    const pending = this.liveTimers.get(key);
    if (pending) clearTimeout(pending);
    this.liveTimers.set(key, setTimeout(() => {
      this.liveTimers.delete(key);
      for (const { args } of [...entries.values()]) void this.reevaluate(args);
    }, 400));
  }

  show(args: EvaluateArguments, report: Report): void {
    this.last = { args, report };
    const key = args.uri;
    const entries = this.shown.get(key) ?? new Map<number, Shown>();
    entries.set(args.line ?? 0, { args, report });
    this.shown.set(key, entries);
    this.redraw(key);
  }

  clear(uri?: vscode.Uri): void {
    if (uri) {
      this.shown.delete(uri.toString());
      this.diagnostics.delete(uri);
    } else {
      this.shown.clear();
      this.diagnostics.clear();
    }
    this.redrawAll();
  }

  private redrawAll(): void {
    for (const editor of vscode.window.visibleTextEditors) this.draw(editor);
  }

  private redraw(key: string): void {
    for (const editor of vscode.window.visibleTextEditors) if (editor.document.uri.toString() === key) this.draw(editor);
  }

  private draw(editor: vscode.TextEditor): void {
    const entries = [...(this.shown.get(editor.document.uri.toString())?.values() ?? [])];
    const values: vscode.DecorationOptions[] = [];
    const failures: vscode.DecorationOptions[] = [];
    const prints: vscode.DecorationOptions[] = [];
    const problems: vscode.Diagnostic[] = [];
    const here = editor.document.uri.toString();
    for (const { args, report } of entries) {
      const line = Math.min(args.line ?? 0, editor.document.lineCount - 1);
      const end = editor.document.lineAt(line).range.end;
      const name = args.path.slice(1).join('.');
      let text: string;
      const hover = new vscode.MarkdownString();
      if (report.error) {
        text = `⚠ ${inline(report.error.message)}`;
        hover.appendMarkdown(`**${name}**: \`${report.error.code}\`\n\n`).appendText(report.error.message);
        if (report.error.range && (!report.error.uri || report.error.uri === here)) {
          const diagnostic = new vscode.Diagnostic(toRange(report.error.range), report.error.message, vscode.DiagnosticSeverity.Error);
          diagnostic.source = 'rego evaluation';
          diagnostic.code = report.error.code;
          problems.push(diagnostic);
        }
      } else if (report.undefined) {
        const bodies = report.explanation?.length ?? 0;
        text = `= undefined${bodies ? ` (${bodies === 1 ? 'a body failed' : `${bodies} bodies failed`}: hover for why)` : ''}`;
        hover.appendMarkdown(`**${name}** is undefined`);
        for (const failure of report.explanation ?? []) hover.appendMarkdown(`\n\n- ${failure.message}`);
      } else {
        const valueText = report.valueText ?? JSON.stringify(report.value, null, 2);
        text = `= ${inline(valueText)}`;
        hover.appendMarkdown(`**${name}**\n\n`).appendCodeblock(valueText, 'json');
      }
      if (report.inputPath) hover.appendMarkdown(`\n\n_input: ${vscode.workspace.asRelativePath(report.inputPath)}_`);
      if (report.durationMs !== undefined) hover.appendMarkdown(`\n\n_evaluated in ${report.durationMs} ms_`);
      // The link runs one command only, with the rule's document and path as its argument.
      const playground = encodeURIComponent(JSON.stringify([{ uri: args.uri, path: args.path }]));
      hover.appendMarkdown(`\n\n[Open in Playground](command:${OPEN_PLAYGROUND}?${playground})`);
      hover.isTrusted = { enabledCommands: [OPEN_PLAYGROUND] };
      values.push({ range: new vscode.Range(end, end), hoverMessage: hover, renderOptions: { after: { contentText: text } } });
      for (const failure of report.explanation ?? []) {
        if (failure.uri !== here) continue;
        failures.push({ range: toRange(failure.range), hoverMessage: new vscode.MarkdownString(failure.message) });
      }
      for (const line of report.printOutput ?? []) {
        if (line.uri !== here) continue;
        const at = editor.document.lineAt(Math.min(line.range.start.line, editor.document.lineCount - 1)).range.end;
        prints.push({ range: new vscode.Range(at, at), renderOptions: { after: { contentText: `⟶ ${inline(line.text)}` } }, hoverMessage: new vscode.MarkdownString().appendCodeblock(line.text, 'text') });
      }
    }
    editor.setDecorations(this.valueDecoration, values);
    editor.setDecorations(this.failureDecoration, failures);
    editor.setDecorations(this.printDecoration, prints);
    this.diagnostics.set(editor.document.uri, problems);
  }

  dispose(): void {
    for (const timer of this.liveTimers.values()) clearTimeout(timer);
    this.subscriptions.forEach((subscription) => subscription.dispose());
    this.valueDecoration.dispose();
    this.failureDecoration.dispose();
    this.printDecoration.dispose();
    this.diagnostics.dispose();
  }
}

/** The command line that gives the same result: ours, and OPA's. */
export function evalCommandLines(args: EvaluateArguments, report: Report): string {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(args.uri));
  const relative = (path: string) => (folder ? vscode.workspace.asRelativePath(path, false) : path);
  const query = refText(args.path);
  const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  const input = report.inputPath ? ` -i ${shellQuote(relative(report.inputPath))}` : '';
  // A bundle load places data files at their folder path, as the editor does.
  const data = folder ? ' -b .' : '';
  return [`node dist/cli.js eval${data}${input} ${shellQuote(query)}`, `opa eval${data}${input} ${shellQuote(query)}`].join('\n');
}

export { COMMANDS };

/** The command that opens the playground; from an evaluation result, with the rule's `{ uri, path }`. */
export const OPEN_PLAYGROUND = 'rego.openPlayground';
