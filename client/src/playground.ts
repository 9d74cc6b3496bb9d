/**
 * The playground panel's host: opens the webview, answers its messages, and does what the page may
 * not (evaluate through the language server, write files through undoable workspace edits, use the
 * clipboard and file dialogs). The page is untrusted: every message is read through
 * `readPageMessage`, and the page gets nothing but texts and answers. Evaluation never runs in the
 * page; the server runs it in its evaluation worker with the limits of every other evaluation.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { ExecuteCommandRequest, type LanguageClient } from 'vscode-languageclient/node';
import {
  EVALUATE_PLAYGROUND,
  PLAYGROUND_START,
  playgroundCommandLines,
  playgroundFile,
  readPageMessage,
  readPlaygroundFile,
  readState,
  type HostMessage,
  type PlaygroundAnswer,
  type PlaygroundStart,
  type PlaygroundState,
} from '../../server/src/playground-protocol';
import { playgroundHtml } from './playground-html';

export const PLAYGROUND_VIEW_TYPE = 'rego.playground';

/** Where the panel's texts are kept between reloads (workspace state), with the file it came from. */
const STATE_KEY = 'rego.playground';

interface Saved {
  state: PlaygroundState;
  /** The policy file the playground was opened from, for "Apply policy to file". */
  origin?: string;
}

const SCRATCH: PlaygroundState = {
  policy: 'package playground\n\nimport rego.v1\n\ndefault allow := false\n\nallow if {\n\tinput.user.role == "admin"\n}\n',
  input: '{\n  "user": {\n    "role": "admin"\n  }\n}\n',
  data: '',
  query: 'data.playground.allow',
};

export class Playground implements vscode.Disposable {
  private static current: Playground | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private running: vscode.CancellationTokenSource | undefined;
  /** The folder's other modules the latest evaluation loaded, for the copied command. */
  private library: string[] = [];

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly context: vscode.ExtensionContext,
    private readonly client: () => LanguageClient | undefined,
    private saved: Saved,
  ) {
    const root = vscode.Uri.joinPath(context.extensionUri, 'dist', 'playground');
    panel.webview.options = { enableScripts: true, localResourceRoots: [root] };
    const nonce = randomBytes(16).toString('base64');
    panel.webview.html = playgroundHtml({
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(root, 'page.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(root, 'page.css')).toString(),
      cspSource: panel.webview.cspSource,
      nonce,
      title: 'Rego Playground',
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Opens the playground (or brings it forward) with the texts of a document, or where it was left. */
  static async open(context: vscode.ExtensionContext, client: () => LanguageClient | undefined, from?: { uri: vscode.Uri; path?: string[] }): Promise<Playground> {
    const saved = from ? await startFrom(client(), from) : context.workspaceState.get<Saved>(STATE_KEY) ?? { state: SCRATCH };
    if (Playground.current) {
      Playground.current.saved = saved;
      Playground.current.panel.reveal(vscode.ViewColumn.Beside);
      Playground.current.load();
      await Playground.current.remember();
      return Playground.current;
    }
    const panel = vscode.window.createWebviewPanel(PLAYGROUND_VIEW_TYPE, 'Rego Playground', vscode.ViewColumn.Beside, { enableScripts: true, retainContextWhenHidden: true });
    Playground.current = new Playground(panel, context, client, saved);
    await Playground.current.remember();
    return Playground.current;
  }

  /** A panel VS Code restores after a reload: the texts come back from the workspace state. */
  static revive(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, client: () => LanguageClient | undefined): void {
    Playground.current?.dispose();
    const saved = context.workspaceState.get<Saved>(STATE_KEY);
    Playground.current = new Playground(panel, context, client, saved && readState(saved.state) ? saved : { state: SCRATCH });
  }

  /** For tests: the playground's current texts. */
  static currentState(): PlaygroundState | undefined {
    return Playground.current?.saved.state;
  }

  private post(message: HostMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private load(): void {
    const title = this.saved.origin ? vscode.workspace.asRelativePath(vscode.Uri.parse(this.saved.origin), false) : 'scratch policy';
    this.post({ type: 'load', state: this.saved.state, title, canApply: this.saved.origin !== undefined });
  }

  private remember(): Thenable<void> {
    return this.context.workspaceState.update(STATE_KEY, this.saved);
  }

  private async receive(raw: unknown): Promise<void> {
    const message = readPageMessage(raw);
    if (!message) return;
    try {
      switch (message.type) {
        case 'ready':
          this.load();
          return;
        case 'changed':
          this.saved = { ...this.saved, state: message.state };
          await this.remember();
          return;
        case 'evaluate':
          this.saved = { ...this.saved, state: message.state };
          {
            const answer = await this.evaluate(message.state);
            this.library = answer.library ?? [];
            this.post({ type: 'answer', id: message.id, answer });
          }
          return;
        case 'saveInput':
          await this.saveInput(message.state);
          return;
        case 'applyPolicy':
          await this.applyPolicy(message.state);
          return;
        case 'copyCommand':
          await vscode.env.clipboard.writeText(playgroundCommandLines(message.state, this.library));
          this.post({ type: 'notice', text: 'Copied the equivalent commands (Rego Lens and opa).' });
          return;
        case 'export':
          await this.export(message.state);
          return;
        case 'import':
          await this.import();
          return;
      }
    } catch (error) {
      this.post({ type: 'notice', text: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Runs one evaluation; a newer one cancels it, and its answer is then dropped by the page. */
  private async evaluate(state: PlaygroundState): Promise<PlaygroundAnswer> {
    this.running?.cancel();
    const source = new vscode.CancellationTokenSource();
    this.running = source;
    const failed = (code: string, message: string): PlaygroundAnswer => ({ results: [], undefined: false, explanation: [], printOutput: [], errors: [{ code, message }], durationMs: 0 });
    const client = this.client();
    if (!client) return failed('not_ready', 'The Rego language server is not running.');
    try {
      const answer = (await client.sendRequest(ExecuteCommandRequest.type, { command: EVALUATE_PLAYGROUND, arguments: [{ ...state, uri: this.saved.origin }] }, source.token)) as PlaygroundAnswer & { error?: { code: string; message: string } };
      return answer?.error ? failed(answer.error.code, answer.error.message) : answer;
    } catch (error) {
      return failed('eval_cancel_error', error instanceof Error ? error.message : String(error));
    } finally {
      if (this.running === source) this.running = undefined;
      source.dispose();
    }
  }

  /** Writes the input to a file the user picks, as an undoable edit. */
  private async saveInput(state: PlaygroundState): Promise<void> {
    const near = this.saved.origin ? vscode.Uri.joinPath(vscode.Uri.parse(this.saved.origin), '..', 'input.json') : vscode.workspace.workspaceFolders?.[0] && vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, 'input.json');
    const target = await vscode.window.showSaveDialog({ defaultUri: near, filters: { 'JSON or YAML': ['json', 'yaml', 'yml'] }, title: 'Save the playground input as' });
    if (!target) return;
    await writeThroughEdit(target, state.input);
    this.post({ type: 'notice', text: `Saved the input as ${vscode.workspace.asRelativePath(target, false)}.` });
  }

  /** Replaces the text of the policy file the playground came from, as an undoable edit. */
  private async applyPolicy(state: PlaygroundState): Promise<void> {
    if (!this.saved.origin) {
      this.post({ type: 'notice', text: 'This playground did not come from a file: use "Save input as…" or export it instead.' });
      return;
    }
    const uri = vscode.Uri.parse(this.saved.origin);
    await writeThroughEdit(uri, state.policy, { save: false });
    await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One, preserveFocus: true });
    this.post({ type: 'notice', text: `Applied to ${vscode.workspace.asRelativePath(uri, false)} (not saved yet; Undo there takes it back).` });
  }

  private async export(state: PlaygroundState): Promise<void> {
    const base = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({ defaultUri: base && vscode.Uri.joinPath(base, 'playground.json'), filters: { 'Rego Lens playground': ['json'] }, title: 'Export the playground' });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(`${JSON.stringify(playgroundFile(state), null, 2)}\n`));
    this.post({ type: 'notice', text: `Exported to ${vscode.workspace.asRelativePath(target, false)}.` });
  }

  private async import(): Promise<void> {
    const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Rego Lens playground': ['json'] }, title: 'Import a playground' });
    if (!chosen?.[0]) return;
    const read = readPlaygroundFile(new TextDecoder().decode(await vscode.workspace.fs.readFile(chosen[0])));
    if ('error' in read) {
      this.post({ type: 'notice', text: `Cannot import ${vscode.workspace.asRelativePath(chosen[0], false)}: ${read.error}` });
      return;
    }
    this.saved = { state: read };
    await this.remember();
    this.load();
  }

  dispose(): void {
    if (Playground.current === this) Playground.current = undefined;
    this.running?.cancel();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.panel.dispose();
  }
}

/** The texts to start from for a document: asked of the server, which knows its input and data. */
async function startFrom(client: LanguageClient | undefined, from: { uri: vscode.Uri; path?: string[] }): Promise<Saved> {
  const document = await vscode.workspace.openTextDocument(from.uri);
  const fallback: Saved = { state: { policy: document.getText(), input: '', data: '', query: '' }, origin: from.uri.toString() };
  if (!client) return fallback;
  const start = (await client.sendRequest(ExecuteCommandRequest.type, { command: PLAYGROUND_START, arguments: [{ uri: from.uri.toString(), path: from.path }] })) as PlaygroundStart | { error: unknown };
  const state = 'state' in start ? readState(start.state) : undefined;
  return state ? { state, origin: from.uri.toString() } : fallback;
}

/**
 * Sets a file's whole text through a workspace edit, so Undo in its editor takes it back; a file that
 * does not exist yet is created by the same edit. The document is saved unless `save` is false.
 */
async function writeThroughEdit(uri: vscode.Uri, text: string, options: { save?: boolean } = {}): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  let exists = true;
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    exists = false;
  }
  if (exists) {
    const document = await vscode.workspace.openTextDocument(uri);
    edit.replace(uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), text);
  } else {
    edit.createFile(uri, { ignoreIfExists: true });
    edit.insert(uri, new vscode.Position(0, 0), text);
  }
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`Could not write ${vscode.workspace.asRelativePath(uri, false)}.`);
  if (options.save !== false) await (await vscode.workspace.openTextDocument(uri)).save();
}
