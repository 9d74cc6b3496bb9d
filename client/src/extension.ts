/**
 * The VS Code side of Rego Lens: starts the language server (dist/server.js) over IPC and hands it
 * every Rego document. Rego logic stays in the server; this side draws what the server returns
 * (evaluation results), keeps the input chosen per workspace folder, and tells the server whether
 * the workspace is trusted.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ExecuteCommandRequest, LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { CLIENT_COMMANDS, COMMANDS, LANGUAGE_ID, NOTIFICATIONS, SETTINGS_SECTION, type SelectInputParams } from '../../server/src/protocol';
import { EvaluationView, OPEN_PLAYGROUND, evalCommandLines, type EvaluateArguments, type Report } from './evaluation';
import { PLAYGROUND_VIEW_TYPE, Playground } from './playground';
import { RegoTests } from './testing';

let client: LanguageClient | undefined;

/**
 * V8 flags for the server process. A larger young generation makes parsing a large policy markedly
 * faster: the parser allocates many short-lived objects. `npm run bench` runs with the same flags.
 */
const SERVER_NODE_FLAGS = ['--max-semi-space-size=64'];

/** What the user chose as input for a workspace folder: a file URI, `null` for none, absent for automatic. */
const INPUT_STATE_KEY = 'rego.selectedInputs';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: SERVER_NODE_FLAGS } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS, '--nolazy', '--inspect=6009'] } },
  };
  const view = new EvaluationView((args) => evaluate(args));
  context.subscriptions.push(view);
  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  status.command = 'rego.selectInput';
  context.subscriptions.push(status);
  const selections = (): Record<string, string | null> => context.workspaceState.get<Record<string, string | null>>(INPUT_STATE_KEY, {});

  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: LANGUAGE_ID },
      { scheme: 'untitled', language: LANGUAGE_ID },
    ],
    // File events keep the server's view of files that are not open (other policies, data) current.
    synchronize: { configurationSection: SETTINGS_SECTION, fileEvents: vscode.workspace.createFileSystemWatcher('**/{*.rego,*.json,*.yaml,*.yml,.manifest}') },
    initializationOptions: { trusted: vscode.workspace.isTrusted },
    middleware: {
      // The lens command goes to the server; its answer is drawn here.
      executeCommand: async (command, args, next) => {
        const result = await next(command, args);
        if (command === COMMANDS.evaluate && args[0] && typeof result === 'object' && result !== null) {
          view.show(args[0] as EvaluateArguments, result as Report);
          updateStatus(result as Report);
        }
        return result;
      },
    },
  };
  client = new LanguageClient('regoLens', 'Rego Lens', serverOptions, clientOptions);

  // Live re-evaluation: a newer run of the same rule cancels the one still running.
  const running = new Map<string, vscode.CancellationTokenSource>();
  async function evaluate(args: EvaluateArguments): Promise<Report | undefined> {
    if (!client) return undefined;
    const key = `${args.uri}#${args.line ?? 0}`;
    running.get(key)?.cancel();
    const source = new vscode.CancellationTokenSource();
    running.set(key, source);
    try {
      const report = (await client.sendRequest(ExecuteCommandRequest.type, { command: COMMANDS.evaluate, arguments: [args] }, source.token)) as Report;
      if (source.token.isCancellationRequested) return undefined;
      view.show(args, report);
      updateStatus(report);
      return report;
    } catch {
      return undefined;
    } finally {
      if (running.get(key) === source) running.delete(key);
      source.dispose();
    }
  }

  function updateStatus(report?: Report): void {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== LANGUAGE_ID) {
      status.hide();
      return;
    }
    const folder = vscode.workspace.getWorkspaceFolder(editor.document.uri);
    const chosen = folder ? selections()[folder.uri.toString()] : undefined;
    let label: string;
    if (chosen === null) label = 'no input';
    else if (chosen) label = vscode.workspace.asRelativePath(vscode.Uri.parse(chosen), false);
    else if (report?.inputPath) label = `${vscode.workspace.asRelativePath(report.inputPath, false)} (nearest)`;
    else label = 'nearest input.json';
    status.text = `$(json) Rego input: ${label}`;
    status.tooltip = 'The input that "Evaluate" uses for this folder. Click to choose another.';
    status.show();
  }

  function sendSelection(folderUri: string, inputUri: string | null | undefined): void {
    const params: SelectInputParams = inputUri === undefined ? { folderUri } : { folderUri, inputUri };
    void client?.sendNotification(NOTIFICATIONS.selectInput, params);
  }

  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(() => updateStatus()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void client?.sendNotification(NOTIFICATIONS.trust, { trusted: true })),
    vscode.commands.registerCommand('rego.selectInput', async () => {
      const editor = vscode.window.activeTextEditor;
      const folder = (editor && vscode.workspace.getWorkspaceFolder(editor.document.uri)) ?? vscode.workspace.workspaceFolders?.[0];
      if (!folder) {
        void vscode.window.showInformationMessage('Open a folder to choose an input for it.');
        return;
      }
      const files = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*.{json,yaml,yml}'), '**/{node_modules,.git,dist}/**', 300);
      type Item = vscode.QuickPickItem & { choice: string | null | undefined | 'browse' };
      const items: Item[] = [
        { label: '$(search) Nearest input file', description: 'input.json, input.yaml or input.yml, from the policy\'s folder up', choice: undefined },
        { label: '$(circle-slash) No input', description: 'evaluate with input undefined', choice: null },
        { label: '$(folder-opened) Browse...', choice: 'browse' },
        ...files.sort((a, b) => a.fsPath.localeCompare(b.fsPath)).map((file) => ({ label: vscode.workspace.asRelativePath(file, false), choice: file.toString() })),
      ];
      const picked = await vscode.window.showQuickPick(items, { title: `Input for ${folder.name}`, placeHolder: 'Which JSON or YAML file is the input?' });
      if (!picked) return;
      let choice = picked.choice;
      if (choice === 'browse') {
        const chosen = await vscode.window.showOpenDialog({ defaultUri: folder.uri, filters: { 'JSON or YAML': ['json', 'yaml', 'yml'] }, canSelectMany: false });
        if (!chosen?.[0]) return;
        choice = chosen[0].toString();
      }
      const next = { ...selections() };
      if (choice === undefined) delete next[folder.uri.toString()];
      else next[folder.uri.toString()] = choice;
      await context.workspaceState.update(INPUT_STATE_KEY, next);
      sendSelection(folder.uri.toString(), choice);
      view.clear();
      updateStatus();
    }),
    vscode.commands.registerCommand('rego.evaluateSelection', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor || !client) return;
      const query = editor.document.getText(editor.selection).trim();
      if (!query) {
        void vscode.window.showInformationMessage('Select an expression or a query to evaluate.');
        return;
      }
      const result = (await client.sendRequest(ExecuteCommandRequest.type, { command: COMMANDS.evaluateQuery, arguments: [{ uri: editor.document.uri.toString(), query }] })) as {
        results?: { expressions: { value: unknown }[]; bindings: Record<string, unknown> }[];
        undefined?: boolean;
        printOutput?: string[];
        error?: { message: string };
      };
      const output = outputChannel();
      output.appendLine(`> ${query.replace(/\s+/g, ' ')}`);
      for (const line of result.printOutput ?? []) output.appendLine(`print: ${line}`);
      if (result.error) output.appendLine(`error: ${result.error.message}`);
      else if (result.undefined) output.appendLine('undefined');
      else for (const entry of result.results ?? []) output.appendLine(JSON.stringify(Object.keys(entry.bindings).length ? entry.bindings : entry.expressions.map((expression) => expression.value), null, 2));
      output.show(true);
    }),
    vscode.commands.registerCommand('rego.copyEvalCommand', async () => {
      if (!view.last) {
        void vscode.window.showInformationMessage('Evaluate a rule first (the "Evaluate" lens above it).');
        return;
      }
      await vscode.env.clipboard.writeText(evalCommandLines(view.last.args, view.last.report));
      void vscode.window.showInformationMessage('Copied the equivalent command lines (Rego Lens and opa).');
    }),
    vscode.commands.registerCommand('rego.clearEvaluation', () => view.clear()),
    // From the palette (the active Rego file, or a scratch policy), the editor title (that file) or an
    // evaluation result (`{ uri, path }` of the rule).
    vscode.commands.registerCommand(OPEN_PLAYGROUND, async (target?: unknown) => {
      let from: { uri: vscode.Uri; path?: string[] } | undefined;
      if (target instanceof vscode.Uri) from = { uri: target };
      else if (target && typeof target === 'object' && typeof (target as { uri?: unknown }).uri === 'string') {
        const { uri, path } = target as { uri: string; path?: unknown };
        from = { uri: vscode.Uri.parse(uri), ...(Array.isArray(path) && path.every((part) => typeof part === 'string') ? { path: path as string[] } : {}) };
      } else if (vscode.window.activeTextEditor?.document.languageId === LANGUAGE_ID) from = { uri: vscode.window.activeTextEditor.document.uri };
      await Playground.open(context, () => client, from);
    }),
    vscode.window.registerWebviewPanelSerializer(PLAYGROUND_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => Playground.revive(panel, context, () => client),
    }),
    vscode.commands.registerCommand(CLIENT_COMMANDS.disableLintCheck, async (code: unknown) => {
      if (typeof code !== 'string') return;
      const configuration = vscode.workspace.getConfiguration(SETTINGS_SECTION);
      const disabled = configuration.get<string[]>('lint.disabled', []);
      if (!disabled.includes(code)) await configuration.update('lint.disabled', [...disabled, code], vscode.ConfigurationTarget.Workspace);
    }),
  );

  const tests = new RegoTests(() => client);
  context.subscriptions.push(tests);

  await client.start();
  void tests.refresh();
  // The server starts without the choices made in earlier sessions; send them again.
  for (const [folderUri, inputUri] of Object.entries(selections())) sendSelection(folderUri, inputUri);
  updateStatus();
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

let channel: vscode.OutputChannel | undefined;
function outputChannel(): vscode.OutputChannel {
  channel ??= vscode.window.createOutputChannel('Rego Evaluation');
  return channel;
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
