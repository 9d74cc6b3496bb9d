// `npm start`: builds and packages the extension, installs code-server if needed, and serves
// a browser VS Code with the extension installed on the example/ workspace until Ctrl+C.
//   PORT=9000 npm start   serves on another port (default 8080)
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCodeServer } from './code-server.mjs';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const port = Number(process.env.PORT ?? 8080);

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run('npm', ['run', '--silent', 'package']);
run('bash', [join(root, 'scripts', 'setup-e2e.sh')]);

mkdirSync(join(root, '.e2e'), { recursive: true });
const log = join(root, '.e2e', 'code-server.log');
let server;
try {
  server = await startCodeServer({ folder: join(root, 'example'), vsix: join(root, 'rego-lens.vsix'), port, log });
} catch (error) {
  console.error(`${error.message}\nIf port ${port} is taken, choose another with PORT=...`);
  process.exit(1);
}

console.log(`\nRego Lens is running in VS Code at\n\n  ${server.url}\n\ncode-server's log: ${log}\nPress Ctrl+C to stop.`);

let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  await server.stop();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
server.process.once('exit', (code, signal) => {
  if (stopping) return;
  console.error(`code-server stopped unexpectedly (${signal ?? `exit code ${code}`}); see ${log}`);
  void shutdown(1);
});
