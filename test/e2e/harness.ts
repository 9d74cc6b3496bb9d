/**
 * Drives a real VS Code for the end-to-end suites: code-server (scripts/code-server.mjs) serves the
 * workbench with rego-lens.vsix installed (or the project folder loaded as a development extension),
 * and Debian's Chromium renders it through playwright-core.
 * Every wait polls the page with a deadline instead of sleeping, because start-up times vary a lot
 * between a warm laptop and a busy CI machine.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { copyToTemp, startCodeServer, type CodeServer } from '../../scripts/code-server.mjs';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RESULTS_DIR = join(PROJECT_ROOT, 'test-results');

const CHROMIUM = process.env.REGO_LENS_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface VsCode {
  page: Page;
  browser: Browser;
  server: CodeServer;
  /** The temporary copy of the workspace that the workbench has open. */
  workspace: string;
  /** What the page printed to its console so far, the extension host's output included. */
  console: string[];
  /** With `extensionTests`: the exit code VS Code reports when the suite has run. */
  testsExit?: Promise<number>;
  /** Ends the browser and code-server; bounded in time and safe to call twice. */
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** Folder to copy and open, relative to the project root. */
  workspace: string;
  /** Names the logs and the screenshots in test-results/. */
  name: string;
  settings?: Record<string, unknown>;
  /**
   * A bundled test suite (relative to the project root) for VS Code to run in its extension host.
   * The extension then loads from the project folder, as in development, instead of from the vsix.
   */
  extensionTests?: string;
}

/** Starts code-server and Chromium and resolves once the workbench shows the workspace. */
export async function launchVsCode(options: LaunchOptions): Promise<VsCode> {
  mkdirSync(join(RESULTS_DIR, 'screenshots'), { recursive: true });
  // A screenshot left by an earlier run must not pass for one of this run.
  for (const file of readdirSync(join(RESULTS_DIR, 'screenshots'))) {
    if (file === `${options.name}.png` || file.startsWith(`${options.name}-`)) rmSync(join(RESULTS_DIR, 'screenshots', file));
  }
  const workspace = copyToTemp(join(PROJECT_ROOT, options.workspace));
  const consoleLines: string[] = [];
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      if (browser) await withTimeout(browser.close(), 10_000).catch(() => undefined);
      await server?.stop();
      rmSync(dirname(workspace), { recursive: true, force: true });
      writeFileSync(join(RESULTS_DIR, `browser-${options.name}.log`), consoleLines.join('\n'));
    })();
    return closing;
  };
  try {
    server = await startCodeServer({
      folder: workspace,
      vsix: options.extensionTests ? undefined : join(PROJECT_ROOT, 'rego-lens.vsix'),
      settings: options.settings,
      log: join(RESULTS_DIR, `code-server-${options.name}.log`),
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // Strips the CSS styling that VS Code's log lines carry ("%c INFO color: #33f ...").
    page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text().replace(/^%c\s*(\w+)\s+color: #\w+\s*/, '$1 ')}`));
    let url = server.url;
    let testsExit: Promise<number> | undefined;
    if (options.extensionTests) {
      // VS Code's web workbench takes development options from a `payload` query parameter; paths on
      // the code-server machine are vscode-remote URIs, so the extension host there loads them.
      const remote = `vscode-remote://${new URL(server.baseUrl).host}`;
      const payload = [
        ['extensionDevelopmentPath', `${remote}${pathToFileURL(PROJECT_ROOT).pathname}`],
        ['extensionTestsPath', `${remote}${pathToFileURL(join(PROJECT_ROOT, options.extensionTests)).pathname}`],
      ];
      url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      // The workbench calls this, as it does for VS Code's own browser tests, once the suite has run.
      let resolveExit: (code: number) => void = () => undefined;
      testsExit = new Promise((resolvePromise) => { resolveExit = resolvePromise; });
      await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
    }
    await page.goto(url);
    await waitForWorkbench(page);
    return { page, browser, server, workspace, console: consoleLines, testsExit, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Rejects when `promise` has not settled within `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Calls `probe` until it returns something other than undefined or false, and returns that.
 * On timeout the error names what was awaited and the last value seen, which is usually enough
 * to tell a slow machine from a wrong expectation.
 */
export async function poll<T>(
  description: string,
  probe: () => Promise<T | undefined | false>,
  { timeoutMs = 30_000, intervalMs = 250 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description} (last: ${detail})`);
    }
    await sleep(intervalMs);
  }
}

/** Waits until the workbench has loaded and the explorer lists the workspace's files. */
export async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  await poll('the explorer to list the workspace', async () => (await page.locator('.explorer-folders-view .monaco-list-row').count()) > 0, { timeoutMs: 60_000 });
}

/**
 * Opens a workspace file through Quick Open (Ctrl+P) and waits for its editor tab.
 * The key press is repeated because the workbench can swallow keys while it is still restoring.
 */
export async function openFile(page: Page, name: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await poll('Quick Open to show', async () => {
    if (!(await input.isVisible())) await page.keyboard.press('Control+P');
    return input.isVisible();
  }, { timeoutMs: 20_000, intervalMs: 500 });
  await input.fill(name);
  // The file index is built by ripgrep in the background, so the result can take a moment.
  const result = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
  await result.waitFor({ state: 'visible', timeout: 30_000 });
  await page.keyboard.press('Enter');
  await poll(`the editor tab of ${name}`, async () => (await page.locator('.tabs-container .tab.active').getAttribute('aria-label'))?.startsWith(name), { timeoutMs: 20_000 });
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').waitFor({ state: 'visible' });
}

/**
 * Runs a command from the command palette: types `search`, takes the first row that contains `title`.
 * The palette lists extension commands only once the extension host has started, so it is asked again.
 */
export async function runCommand(page: Page, title: string, search = title): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await poll(`the command ${title} in the palette`, async () => {
    if (!(await input.isVisible())) await page.keyboard.press('Control+Shift+P');
    if (!(await input.isVisible())) return false;
    await input.fill(`>${search}`);
    if (await row.isVisible()) return true;
    await page.waitForTimeout(1000);
    if (await row.isVisible()) return true;
    await page.keyboard.press('Escape');
    return false;
  }, { timeoutMs: 60_000, intervalMs: 1000 });
  await page.keyboard.press('Enter');
}

/** Shows the Problems panel (Ctrl+Shift+M). */
export async function openProblems(page: Page): Promise<void> {
  const panel = page.locator('.markers-panel');
  await poll('the Problems panel', async () => {
    if (!(await panel.isVisible())) await page.keyboard.press('Control+Shift+M');
    return panel.isVisible();
  }, { timeoutMs: 20_000, intervalMs: 500 });
}

export interface ProblemRow {
  /** The file name shown on the row's group header. */
  file: string;
  severity: 'error' | 'warning' | 'info' | 'unknown';
  message: string;
  source: string;
  code: string;
  /** 1-based, as VS Code shows them ("[Ln 5, Col 9]"). */
  line: number;
  column: number;
}

/** Reads the problem rows the Problems panel currently shows, in display order. */
export async function readProblems(page: Page): Promise<ProblemRow[]> {
  // The page function stays free of named helpers: tsx would wrap those in a `__name` call
  // that does not exist in the browser.
  const raw = await page.locator('.markers-panel .monaco-list-row').evaluateAll((rows) => rows.map((row) => ({
    index: Number(row.getAttribute('data-index')),
    isFile: row.getAttribute('aria-level') === '1',
    file: row.querySelector('.label-name')?.textContent ?? '',
    message: row.querySelector('.marker-message')?.textContent ?? '',
    source: row.querySelector('.marker-source')?.textContent ?? '',
    code: row.querySelector('.marker-code')?.textContent ?? '',
    place: row.querySelector('.marker-line')?.textContent ?? '',
    icon: row.querySelector('.marker-icon')?.className ?? '',
  })));
  // The list is virtual: rows are positioned absolutely, so DOM order is not display order.
  raw.sort((a, b) => a.index - b.index);
  const problems: ProblemRow[] = [];
  let file = '';
  for (const row of raw) {
    if (row.isFile) {
      file = row.file.trim();
      continue;
    }
    const place = /\[Ln (\d+), Col (\d+)\]/.exec(row.place);
    const icon = row.icon.split(/\s+/);
    const severity = (['error', 'warning', 'info'] as const).find((name) => icon.includes(name)) ?? 'unknown';
    problems.push({
      file,
      severity,
      message: row.message.trim(),
      source: row.source.trim(),
      code: row.code.trim(),
      line: place ? Number(place[1]) : 0,
      column: place ? Number(place[2]) : 0,
    });
  }
  return problems;
}

/** Polls the Problems panel until `accept` holds for its rows, and returns them. */
export function waitForProblems(page: Page, description: string, accept: (rows: ProblemRow[]) => boolean, timeoutMs = 30_000): Promise<ProblemRow[]> {
  let rows: ProblemRow[] = [];
  return poll(description, async () => {
    rows = await readProblems(page);
    return accept(rows) ? rows : undefined;
  }, { timeoutMs }).catch((error: Error) => {
    throw new Error(`${error.message}\nProblems panel rows: ${JSON.stringify(rows, null, 2)}`);
  });
}

/** Saves what a person would see to test-results/screenshots/NAME.png and returns the path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(RESULTS_DIR, 'screenshots', `${name}.png`);
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path });
  return path;
}
