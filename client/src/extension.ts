/**
 * The VS Code side of Rego Lens: starts the language server (dist/server.js) over IPC
 * and hands it every Rego document. The client holds no Rego logic of its own;
 * everything a user sees comes from the server through the Language Server Protocol.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { LANGUAGE_ID, SETTINGS_SECTION } from '../../server/src/protocol';

let client: LanguageClient | undefined;

/**
 * V8 flags for the server process. A larger young generation makes parsing a large policy markedly
 * faster: the parser allocates many short-lived objects. `npm run bench` runs with the same flags.
 */
const SERVER_NODE_FLAGS = ['--max-semi-space-size=64'];

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: SERVER_NODE_FLAGS } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS, '--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: LANGUAGE_ID },
      { scheme: 'untitled', language: LANGUAGE_ID },
    ],
    synchronize: { configurationSection: SETTINGS_SECTION },
  };
  client = new LanguageClient('regoLens', 'Rego Lens', serverOptions, clientOptions);
  await client.start();
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
