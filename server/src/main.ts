/** Entry point of the language server: `node dist/server.js --stdio` (or IPC when started by VS Code). */
import { startServer } from './lsp/server';

startServer();
