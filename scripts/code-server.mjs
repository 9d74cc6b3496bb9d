// Starts a browser VS Code (code-server) with the packaged extension installed.
// `npm start` (scripts/start.mjs) and the end-to-end harness (test/e2e/harness.ts) both use it,
// so the two see the same editor. code-server itself is installed by scripts/setup-e2e.sh.
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Settings that keep the workbench free of welcome pages, trust prompts and telemetry. */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'chat.commandCenter.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
};

/** Where scripts/setup-e2e.sh installs code-server (it keeps `code-server` pointing at the current version). */
export function codeServerEntry() {
  const home = process.env.REGO_LENS_E2E_HOME ?? join(homedir(), '.cache', 'rego-lens-e2e');
  const entry = join(home, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!existsSync(entry)) throw new Error(`code-server is not installed (${entry} is missing); run scripts/setup-e2e.sh`);
  return entry;
}

/** Asks the operating system for a port that is free right now. */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolvePort(port));
    });
  });
}

/** Copies a folder into a fresh temporary directory, so a run never edits the original. */
export function copyToTemp(folder, prefix = 'rego-lens-workspace-') {
  const target = join(mkdtempSync(join(tmpdir(), prefix)), 'workspace');
  cpSync(folder, target, { recursive: true });
  return target;
}

function run(file, args, timeoutMs) {
  return new Promise((resolveRun, reject) => {
    execFile(process.execPath, [file, ...args], { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`));
      else resolveRun(stdout);
    });
  });
}

/**
 * Starts code-server on `folder` with fresh user-data and extensions directories, the extension
 * from `vsix` installed when given, and resolves once it answers HTTP requests.
 * `log` is a file for code-server's output, or 'inherit' to print it.
 */
export async function startCodeServer({ folder, vsix, host = '127.0.0.1', port, settings = {}, log = 'inherit', readyTimeoutMs = 60_000 }) {
  const entry = codeServerEntry();
  const stateDir = mkdtempSync(join(tmpdir(), 'rego-lens-code-server-'));
  const userDataDir = join(stateDir, 'user-data');
  const extensionsDir = join(stateDir, 'extensions');
  const config = join(stateDir, 'config.yaml');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir);
  // Without a config file of its own, code-server writes one into ~/.config.
  writeFileSync(config, 'auth: none\n');
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));
  const common = ['--config', config, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  if (vsix) await run(entry, [...common, '--install-extension', resolve(vsix), '--force'], 120_000);

  const chosenPort = port ?? (await freePort(host));
  const output = log === 'inherit' ? 'inherit' : openSync(log, 'w');
  const child = spawn(
    process.execPath,
    [entry, ...common, '--auth', 'none', '--bind-addr', `${host}:${chosenPort}`,
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', resolve(folder)],
    // Its own process group, so stopping it also ends the extension host and language server.
    { detached: true, stdio: ['ignore', output, output] },
  );
  if (typeof output === 'number') closeSync(output);

  let exited = false;
  const exit = new Promise((resolveExit) => child.once('exit', (code, signal) => {
    exited = true;
    resolveExit({ code, signal });
  }));
  const killGroup = (signal) => {
    try {
      process.kill(-(/** @type {number} */ (child.pid)), signal);
    } catch {
      // Already gone.
    }
  };
  // Being in its own group, the server does not see the Ctrl+C or the kill meant for this
  // process, so it is ended here; the signal is raised again when nobody else handles it.
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const onExit = () => {
    killGroup('SIGKILL');
    rmSync(stateDir, { recursive: true, force: true });
  };
  const onSignal = (signal) => {
    forget();
    onExit();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const forget = () => {
    process.off('exit', onExit);
    for (const signal of signals) process.off(signal, onSignal);
  };
  process.once('exit', onExit);
  for (const signal of signals) process.on(signal, onSignal);

  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      forget();
      if (!exited) {
        killGroup('SIGTERM');
        const timedOut = await Promise.race([exit.then(() => false), sleep(5_000).then(() => true)]);
        if (timedOut) killGroup('SIGKILL');
        await Promise.race([exit, sleep(2_000)]);
      }
      // Children of the group can outlive the server for a moment; make sure none stays.
      killGroup('SIGKILL');
      rmSync(stateDir, { recursive: true, force: true, maxRetries: 3 });
    })();
    return stopping;
  };

  const baseUrl = `http://${host}:${chosenPort}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`code-server exited before it was ready${log === 'inherit' ? '' : `; see ${log}`}`);
    }
    try {
      const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer on ${baseUrl} within ${readyTimeoutMs} ms`);
    }
    await sleep(200);
  }

  return {
    baseUrl,
    url: `${baseUrl}/?folder=${encodeURIComponent(resolve(folder))}`,
    port: chosenPort,
    userDataDir,
    process: child,
    stop,
  };
}
