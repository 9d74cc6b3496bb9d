// The playground's page (client/src/playground-page/) in a real browser: Debian's Chromium renders
// the document that playgroundHtml writes, with its content security policy, and this file plays the
// host. It answers `ready` with a `load` and every `evaluate` with the real evaluatePlayground, as the
// language server's worker will. Each step types into the CodeMirror editors with the keyboard and
// reads what the output pane shows.
// Screenshots go to test-results/screenshots/playground-page*.png; with UPDATE_SNAPSHOTS=1 the main one
// also replaces docs/images/playground-page.png, which is kept in git (a run would otherwise change it).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { playgroundHtml } from '../../client/src/playground-html';
import { evaluatePlayground } from '../../server/src/ide/playground';
import { readPageMessage, type HostMessage, type PageMessage, type PlaygroundAnswer, type PlaygroundState } from '../../server/src/playground-protocol';
import { ensureBuilt, projectRoot } from '../support/build';

const CHROMIUM = process.env.REGO_LENS_CHROMIUM ?? '/usr/bin/chromium';
const NONCE = 'cGxheWdyb3VuZC10ZXN0';
const PAGE_SCRIPT = join(projectRoot, 'dist', 'playground', 'page.js');
const PAGE_STYLE = join(projectRoot, 'dist', 'playground', 'page.css');
const SCREENSHOTS = join(projectRoot, 'test-results', 'screenshots');
const SCREENSHOT = join(SCREENSHOTS, 'playground-page.png');
const DOCS_SCREENSHOT = join(projectRoot, 'docs', 'images', 'playground-page.png');

const POLICY = `package authz

# Admins may do anything; others may read the documents of their own team.
allow if {
	input.user.role == "admin"
}

allow if {
	input.action == "read"
	input.user.team == data.documents[input.document].team
	print("read by", input.user.name)
}

teams contains team if {
	some document in data.documents
	team := document.team
}
`;
const ALICE = '{"user": {"name": "alice", "team": "payments", "role": "engineer"}, "action": "read", "document": "q3-report"}';
const BOB = '{"user": {"name": "bob", "team": "platform", "role": "engineer"}, "action": "read", "document": "q3-report"}';
const INITIAL: PlaygroundState = {
  policy: POLICY,
  input: ALICE,
  data: '{\n  "documents": {\n    "q3-report": {"team": "payments"},\n    "roadmap": {"team": "platform"}\n  }\n}\n',
  query: 'data.authz.allow',
};

/** VS Code's Dark Modern colours for the variables the page reads, as VS Code sets them on a webview. */
const DARK_THEME: Record<string, string> = {
  'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  'font-size': '13px',
  'editor-font-family': '"DejaVu Sans Mono", "Droid Sans Mono", monospace',
  'editor-font-size': '13px',
  foreground: '#cccccc',
  descriptionForeground: '#9d9d9d',
  errorForeground: '#f85149',
  focusBorder: '#0078d4',
  'editor-background': '#1f1f1f',
  'editor-foreground': '#cccccc',
  'editor-selectionBackground': '#264f78',
  'editor-lineHighlightBackground': '#ffffff0a',
  'editorCursor-foreground': '#aeafad',
  'editorLineNumber-foreground': '#6e7681',
  'editorLineNumber-activeForeground': '#cccccc',
  'editorError-foreground': '#f14c4c',
  'editorBracketMatch-background': '#0064001a',
  'editorBracketMatch-border': '#888888',
  'inputValidation-errorBackground': '#5a1d1d',
  'button-background': '#0078d4',
  'button-foreground': '#ffffff',
  'button-hoverBackground': '#026ec1',
  'button-border': '#ffffff12',
  'button-secondaryBackground': '#313131',
  'button-secondaryForeground': '#cccccc',
  'button-secondaryHoverBackground': '#3c3c3c',
  'panel-border': '#2b2b2b',
  'sideBarSectionHeader-background': '#181818',
  'sideBarSectionHeader-foreground': '#cccccc',
  'textLink-foreground': '#4daafc',
  'list-hoverBackground': '#2a2d2e',
  'tree-indentGuidesStroke': '#585858',
  'debugTokenExpression-name': '#c586c0',
  'debugTokenExpression-string': '#ce9178',
  'debugTokenExpression-number': '#b5cea8',
  'debugTokenExpression-boolean': '#4e94ce',
  'debugTokenExpression-error': '#f48771',
  'symbolIcon-functionForeground': '#b180d7',
  'symbolIcon-variableForeground': '#75beff',
  'symbolIcon-classForeground': '#ee9d28',
};

/**
 * Plays VS Code and the playground's host: records what the page posts (each message read through the
 * protocol's own reader, so a malformed one is caught), answers `ready` and `evaluate`, and can hold
 * the answers back to test what the page does while it waits or when answers arrive out of order.
 */
class FakeHost {
  readonly received: PageMessage[] = [];
  readonly malformed: unknown[] = [];
  /** `evaluate` messages not answered yet, while `holdAnswers` is set. */
  readonly held: { id: number; state: PlaygroundState }[] = [];
  holdAnswers = false;
  load: HostMessage = { type: 'load', state: INITIAL, title: 'authz.rego', canApply: true };
  private sending: Promise<void> = Promise.resolve();

  constructor(private readonly page: Page) {}

  receive(raw: unknown): void {
    const message = readPageMessage(raw);
    if (!message) {
      this.malformed.push(raw);
      return;
    }
    this.received.push(message);
    if (message.type === 'ready') void this.send(this.load);
    if (message.type === 'evaluate') {
      if (this.holdAnswers) this.held.push({ id: message.id, state: message.state });
      else void this.answer(message.id, message.state);
    }
  }

  answer(id: number, state: PlaygroundState): Promise<void> {
    return this.send({ type: 'answer', id, answer: evaluatePlayground(state) });
  }

  /** Posts to the page as VS Code does (a `message` event on its window); messages keep their order. */
  send(message: unknown): Promise<void> {
    this.sending = this.sending.then(() =>
      this.page.evaluate((data) => (globalThis as unknown as { postMessage(data: unknown, target: string): void }).postMessage(data, '*'), message),
    );
    return this.sending;
  }

  /**
   * Waits until the page has handled every message sent so far: a notice is handled after them, in
   * order, so once it shows, an answer sent before it was either drawn or ignored.
   */
  async settle(): Promise<void> {
    const text = `settled ${Date.now()}`;
    await this.send({ type: 'notice', text });
    await this.page.locator('.status-notice', { hasText: text }).waitFor();
  }

  messages<T extends PageMessage['type']>(type: T): Extract<PageMessage, { type: T }>[] {
    return this.received.filter((message): message is Extract<PageMessage, { type: T }> => message.type === type);
  }

  lastEvaluateId(): number {
    return Math.max(0, ...this.messages('evaluate').map((message) => message.id));
  }
}

const skip = existsSync(CHROMIUM) ? false : `Chromium is not installed at ${CHROMIUM} (scripts/setup-e2e.sh installs it)`;

describe('playground page', { skip }, () => {
  let browser: Browser;
  let page: Page;
  let host: FakeHost;
  let folder: string;
  const violations: string[] = [];
  const consoleProblems: string[] = [];
  const requests: string[] = [];

  /** Selects the whole text of one editor and types `text` in its place, key by key. */
  async function typeInto(source: string, text: string): Promise<void> {
    // Near the top left corner: the middle of a long text can be out of view.
    await page.locator(`.editor[data-source="${source}"] .cm-content`).click({ position: { x: 4, y: 4 } });
    await page.keyboard.press('Control+A');
    await page.keyboard.type(text);
  }

  function output(): Promise<string> {
    return page.locator('.output').innerText();
  }

  /** The editor that has the keyboard focus, and the text of its cursor's line. */
  function focusedLine(): Promise<{ source?: string; line?: string }> {
    return page.evaluate(`(() => {
      const editor = document.activeElement && document.activeElement.closest('.editor');
      const line = editor && editor.querySelector('.cm-activeLine');
      return { source: editor ? editor.dataset.source : undefined, line: line ? line.textContent : undefined };
    })()`);
  }

  before(async () => {
    await ensureBuilt([PAGE_SCRIPT, PAGE_STYLE]);
    mkdirSync(SCREENSHOTS, { recursive: true });
    folder = mkdtempSync(join(tmpdir(), 'rego-lens-playground-page-'));
    const theme = Object.entries(DARK_THEME).map(([name, value]) => `--vscode-${name}: ${value};`).join(' ');
    // VS Code sets its theme's variables on the webview's document; a style with the nonce does it here.
    const html = playgroundHtml({
      scriptUri: pathToFileURL(PAGE_SCRIPT).href,
      styleUri: pathToFileURL(PAGE_STYLE).href,
      cspSource: 'file:',
      nonce: NONCE,
      title: 'Rego Playground',
    }).replace('</head>', `<style nonce="${NONCE}">:root { ${theme} }</style>\n</head>`);
    writeFileSync(join(folder, 'index.html'), html);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    host = new FakeHost(page);
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') consoleProblems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => consoleProblems.push(`page error: ${error.message}`));
    page.on('request', (request) => requests.push(request.url()));
    await page.exposeFunction('regoLensHostReceive', (message: unknown) => host.receive(message));
    await page.exposeFunction('regoLensViolation', (text: string) => violations.push(text));
    // Runs before the page's own script, as VS Code's webview preamble does.
    await page.addInitScript(`
      document.addEventListener('securitypolicyviolation', (event) => {
        const target = event.target && event.target.outerHTML ? event.target.outerHTML.slice(0, 200) : String(event.target);
        window.regoLensViolation(event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline') + ' (' + event.sample + ') on ' + target);
      });
      let acquired = false;
      window.acquireVsCodeApi = () => {
        if (acquired) throw new Error('acquireVsCodeApi may be called once');
        acquired = true;
        return { postMessage: (message) => window.regoLensHostReceive(message), getState: () => undefined, setState: () => undefined };
      };
    `);
    await page.goto(pathToFileURL(join(folder, 'index.html')).href);
  });

  after(async () => {
    await browser?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('shows the value of the loaded playground', async () => {
    await page.locator('.output .output-expression', { hasText: 'data.authz.allow' }).locator('.json-boolean', { hasText: 'true' }).waitFor();
    assert.equal(host.messages('ready').length, 1);
    assert.deepEqual(host.messages('evaluate').at(-1)?.state, INITIAL);
    // A load is the host's own state: the page evaluates it, and does not post it back as a change.
    assert.equal(host.messages('changed').length, 0);
    assert.match(await output(), /read by alice/);
    assert.match(await page.locator('.status-evaluation').innerText(), /^Evaluated in [\d.]+ ms$/);
    assert.equal(await page.locator('.toolbar-title').innerText(), 'authz.rego');
    assert.equal(await page.locator('button[data-action="applyPolicy"]').isEnabled(), true);
    // The editors hold the texts, coloured: a keyword of the policy and a key of the input.
    assert.equal(await page.locator('.editor[data-source="policy"] .cm-line').nth(0).innerText(), 'package authz');
    const keywordColour = await page
      .locator('.editor[data-source="policy"] .cm-line span', { hasText: /^package$/ })
      .evaluate((element) => (globalThis as unknown as { getComputedStyle(element: unknown): { color: string } }).getComputedStyle(element).color);
    assert.equal(keywordColour, 'rgb(197, 134, 192)', 'keywords take --vscode-debugTokenExpression-name');
    for (const source of ['policy', 'input', 'data', 'query']) {
      assert.ok(await page.locator(`.editor[data-source="${source}"] .cm-content[aria-label]`).count(), `${source} has an aria-label`);
    }
  });

  it('evaluates again after typing, and explains an undefined result', async () => {
    const evaluationsBefore = host.messages('evaluate').length;
    await typeInto('input', BOB);
    await page.locator('.output .output-undefined').waitFor();
    const expected = evaluatePlayground({ ...INITIAL, input: BOB });
    assert.ok(expected.undefined && expected.explanation.length === 2);
    const reasons = page.locator('.output-explanation button');
    assert.equal(await reasons.count(), 2);
    for (const [index, reason] of expected.explanation.entries()) {
      const text = await reasons.nth(index).innerText();
      assert.ok(text.startsWith(`policy ${reason.line}`) && text.endsWith(reason.message), text);
    }
    assert.match(await output(), /`input.user.role == "admin"` was false/);
    // Typing is debounced: a few evaluations for a hundred keystrokes, and the host keeps the texts.
    const evaluations = host.messages('evaluate').length - evaluationsBefore;
    assert.ok(evaluations >= 1 && evaluations < BOB.length / 4, `${evaluations} evaluations for ${BOB.length} keystrokes`);
    assert.equal(host.messages('changed').at(-1)?.state.input, BOB);
    const ids = host.messages('evaluate').map((message) => message.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'evaluation ids increase');

    // An explanation line shows its policy line: the cursor moves there and the editor has the focus.
    await reasons.nth(1).click();
    await page.screenshot({ path: join(SCREENSHOTS, 'playground-page-undefined.png') });
    const second = POLICY.split('\n')[expected.explanation[1].line - 1];
    assert.deepEqual(await focusedLine(), { source: 'policy', line: second });
  });

  it('points at the input editor when the input is malformed', async () => {
    await typeInto('input', '{\n"user": "bob"\n"action": "read"}');
    const error = page.locator('.output-errors button').first();
    await error.waitFor();
    assert.match(await error.innerText(), /^input 3:\d+\s+rego_load_error: input: /);
    // The error is marked in the input editor, on its line, and nowhere else.
    const marked = page.locator('.editor[data-source="input"] .cm-playground-error-line');
    assert.equal(await marked.count(), 1);
    assert.match(await marked.innerText(), /"action": "read"/);
    assert.deepEqual(await page.locator('.editor[data-source="input"] .cm-playground-error').allInnerTexts(), ['"action"']);
    assert.equal(await page.locator('.editor:not([data-source="input"]) .cm-playground-error-line').count(), 0);
    assert.match(await page.locator('.status-evaluation').innerText(), /(^| · )1 error$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'playground-page-error.png') });

    await page.locator('.editor[data-source="policy"] .cm-content').click({ position: { x: 4, y: 4 } });
    await error.click();
    const focused = await focusedLine();
    assert.equal(focused.source, 'input');
    assert.match(focused.line ?? '', /"action": "read"/);

    // The next answer clears the marks.
    await typeInto('input', ALICE);
    await page.locator('.output .json-boolean', { hasText: 'true' }).waitFor();
    assert.equal(await page.locator('.cm-playground-error-line, .cm-playground-error').count(), 0);
    assert.equal(await page.locator('.output-errors').count(), 0);
  });

  it('ignores stale answers and malformed messages', async () => {
    host.holdAnswers = true;
    await typeInto('query', 'data.authz.teams');
    await page.locator('.status-evaluation', { hasText: 'evaluating…' }).waitFor();
    const firstId = host.lastEvaluateId();
    await typeInto('query', 'data.authz');
    const deadline = Date.now() + 10_000;
    while (host.held.at(-1)?.state.query !== 'data.authz' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const latest = host.held.at(-1);
    assert.ok(latest && latest.state.query === 'data.authz' && latest.id > firstId, 'the page asked to evaluate the last query');
    const stale: PlaygroundAnswer = { results: [{ expressions: [{ text: 'stale', value: 'STALE ANSWER' }], bindings: {} }], undefined: false, explanation: [], printOutput: [], errors: [], durationMs: 1 };

    // An older answer that arrives while the newest is awaited is dropped, and the page keeps waiting.
    await host.send({ type: 'answer', id: firstId, answer: stale });
    // Messages that are not the protocol's are dropped too.
    await host.send({ type: 'answer', id: latest.id, answer: { results: 'not a list' } });
    await host.send({ type: 'load', state: null, title: 'broken', canApply: true });
    await host.send('not a message');
    await host.settle();
    assert.doesNotMatch(await output(), /STALE|broken/);
    assert.equal(await page.locator('.status-evaluation').innerText(), 'evaluating…');
    assert.equal(await page.locator('.output').getAttribute('aria-busy'), 'true');

    await host.answer(latest.id, latest.state);
    await page.locator('.output .json-key', { hasText: '"teams"' }).waitFor();
    // An older answer after the newest one does not replace it either.
    await host.send({ type: 'answer', id: latest.id - 1, answer: stale });
    await host.settle();
    assert.doesNotMatch(await output(), /STALE/);
    assert.match(await output(), /"allow": true/);
    assert.match(await page.locator('.status-evaluation').innerText(), /^Evaluated in/);
    host.holdAnswers = false;

    await host.send({ type: 'notice', text: 'Saved input.json' });
    await page.locator('.status-notice', { hasText: 'Saved input.json' }).waitFor();
    await page.screenshot({ path: SCREENSHOT });
    if (process.env.UPDATE_SNAPSHOTS === '1') copyFileSync(SCREENSHOT, DOCS_SCREENSHOT);
  });

  it('posts the toolbar actions with the current texts', async () => {
    const current: PlaygroundState = { ...INITIAL, query: 'data.authz' };
    for (const action of ['saveInput', 'applyPolicy', 'copyCommand', 'export', 'import'] as const) {
      await page.locator(`button[data-action="${action}"]`).click();
      const deadline = Date.now() + 5_000;
      while (host.messages(action).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const [message] = host.messages(action);
      assert.ok(message, `${action} was posted`);
      if (message.type !== 'import') assert.deepEqual(message.state, current);
    }
    assert.deepEqual(
      await page.locator('.toolbar button').allInnerTexts(),
      ['Save input as…', 'Apply policy to file', 'Copy command', 'Export…', 'Import…'],
    );
  });

  it('loads new texts from the host, and shows values as text, never as markup', async () => {
    const changedBefore = host.messages('changed').length;
    await host.send({
      type: 'load',
      title: 'untitled playground',
      canApply: false,
      state: { policy: 'package demo\n\nmessage := "<img src=x>"\n\nnumbers := [1, 2.5, null]\n', input: '', data: '', query: '' },
    });
    await page.locator('.output .json-string', { hasText: '"<img src=x>"' }).waitFor();
    assert.equal(await page.locator('.output img').count(), 0);
    assert.equal(await page.locator('button[data-action="applyPolicy"]').isEnabled(), false);
    assert.equal(await page.locator('.toolbar-title').innerText(), 'untitled playground');
    assert.equal(host.messages('changed').length, changedBefore);
    // Undo does not go back past a load: the loaded text is the start of the history.
    await page.locator('.editor[data-source="policy"] .cm-content').click({ position: { x: 4, y: 4 } });
    await page.keyboard.press('Control+Z');
    assert.equal(await page.locator('.editor[data-source="policy"] .cm-line').nth(0).innerText(), 'package demo');
  });

  it('keeps to its content security policy and to local files', async () => {
    assert.deepEqual(violations, []);
    assert.deepEqual(consoleProblems, []);
    assert.deepEqual(host.malformed, []);
    const remote = requests.filter((url) => !url.startsWith('file://'));
    assert.deepEqual(remote, []);
    assert.ok(requests.some((url) => url.endsWith('/dist/playground/page.js')));
  });
});
