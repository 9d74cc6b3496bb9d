// Runs the built language server over stdio for a suite, and stops it the way an editor does: `shutdown`,
// then `exit`, then waiting for the process to end. Messages still queued (a notification sent at the end of a
// test) are written before the server goes, so no write lands on a closed pipe after the suite.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node.js';
import { projectRoot } from './build';

export const serverPath = join(projectRoot, 'dist', 'server.js');

export interface RunningServer {
  process: ChildProcessWithoutNullStreams;
  connection: MessageConnection;
  stop(): Promise<void>;
}

const within = (ms: number, promise: Promise<unknown>): Promise<unknown> =>
  Promise.race([promise.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, ms).unref())]);

/** Starts the server; `setup` registers handlers for requests and notifications before the connection listens. */
export function startServer(options: { cwd?: string; setup?: (connection: MessageConnection) => void } = {}): RunningServer {
  const child = spawn(process.execPath, [serverPath, '--stdio'], { cwd: options.cwd ?? projectRoot });
  // A write racing the server's exit fails with EPIPE; the stop below makes that rare, and it is never a test failure.
  child.stdin.on('error', () => undefined);
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  options.setup?.(connection);
  connection.listen();
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        await within(3000, connection.sendRequest('shutdown'));
        await within(1000, connection.sendNotification('exit'));
        await within(3000, exited);
      }
      connection.dispose();
      if (child.exitCode === null && child.signalCode === null) child.kill();
    })());
  return { process: child, connection, stop };
}
