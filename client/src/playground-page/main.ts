/**
 * The playground's page, running in a VS Code webview: four editors (policy, input, data, query),
 * a toolbar and an output pane. It evaluates nothing itself: after each pause in typing it posts the
 * texts to its host (`changed` so they are kept, `evaluate` to run them) and draws the answers. The
 * host is the VS Code client (client/src/playground.ts); the wire is server/src/playground-protocol.ts.
 * Nothing here reaches the network or evaluates code: the page's CSP forbids both.
 */
import { json } from '@codemirror/lang-json';
import type { Extension } from '@codemirror/state';
import type { HostMessage, PageMessage, PlaygroundAnswer, PlaygroundSource, PlaygroundState } from '../../../server/src/playground-protocol';
import { element } from './dom';
import { createEditor, type PlaygroundEditor } from './editors';
import { readHostMessage } from './host-messages';
import { renderAnswer } from './output-pane';
import { regoLanguage, regoQueryLanguage } from './rego-language';

/** What VS Code gives a webview's script; it may be called once per page. */
interface VsCodeApi {
  postMessage(message: PageMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** The pause after the last keystroke before the texts are evaluated. */
const DEBOUNCE_MS = 250;

const EDITORS: { source: PlaygroundSource; title: string; label: string; language: Extension }[] = [
  { source: 'policy', title: 'Policy', label: 'Policy (Rego)', language: regoLanguage },
  { source: 'input', title: 'Input', label: 'Input (JSON or YAML)', language: json() },
  { source: 'data', title: 'Data', label: 'Data (JSON or YAML)', language: json() },
  { source: 'query', title: 'Query', label: 'Query (Rego; empty evaluates the whole package)', language: regoQueryLanguage },
];

const BUTTONS: { type: 'saveInput' | 'applyPolicy' | 'copyCommand' | 'export' | 'import'; text: string; title: string }[] = [
  { type: 'saveInput', text: 'Save input as…', title: 'Save the input as a file' },
  { type: 'applyPolicy', text: 'Apply policy to file', title: 'Write the policy back to the file the playground was opened from' },
  { type: 'copyCommand', text: 'Copy command', title: 'Copy the equivalent command line' },
  { type: 'export', text: 'Export…', title: 'Save the four texts as a playground file' },
  { type: 'import', text: 'Import…', title: 'Load a playground file' },
];

function pane(className: string, title: string, label: string): { section: HTMLElement; body: HTMLElement } {
  const section = element('section', `pane ${className}`);
  section.setAttribute('aria-label', label);
  const body = element('div', 'pane-body');
  section.append(element('h2', 'pane-title', title), body);
  return { section, body };
}

function start(): void {
  const root = document.getElementById('playground');
  if (!root) return;
  const vscode = acquireVsCodeApi();
  const nonce = root.dataset.nonce ?? '';

  const title = element('span', 'toolbar-title', 'Rego Playground');
  const buttons = new Map<string, HTMLButtonElement>();
  const buttonBar = element('div', 'toolbar-buttons');
  for (const { type, text, title: tooltip } of BUTTONS) {
    const button = element('button', type === 'applyPolicy' ? 'button-primary' : 'button-secondary', text);
    button.type = 'button';
    button.title = tooltip;
    // Nothing to act on until the host has loaded the texts.
    button.disabled = true;
    button.dataset.action = type;
    button.addEventListener('click', () => vscode.postMessage(type === 'import' ? { type } : { type, state: currentState() }));
    buttons.set(type, button);
    buttonBar.append(button);
  }
  const toolbar = element('header', 'toolbar');
  toolbar.append(title, buttonBar);

  const editors = new Map<PlaygroundSource, PlaygroundEditor>();
  const workspace = element('main', 'workspace');
  const editorColumn = element('div', 'pane-column');
  for (const { source, title: paneTitle, label, language } of EDITORS) {
    const { section, body } = pane(`pane-editor pane-${source}`, paneTitle, label);
    body.classList.add('editor');
    body.dataset.source = source;
    editors.set(source, createEditor({ parent: body, source, label, language, nonce, onEdit: scheduleEvaluation }));
    (source === 'policy' ? workspace : editorColumn).append(section);
  }
  const output = pane('pane-output', 'Output', 'Output');
  output.body.classList.add('output');
  workspace.append(editorColumn, output.section);

  const evaluationStatus = element('span', 'status-evaluation');
  const noticeStatus = element('span', 'status-notice');
  // Only notices are announced: the evaluation line changes with every pause in typing.
  noticeStatus.setAttribute('role', 'status');
  const status = element('footer', 'status');
  status.append(evaluationStatus, noticeStatus);

  root.replaceChildren(toolbar, workspace, status);

  /** The id of the last `evaluate` posted; answers with another id are stale. */
  let latestId = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function currentState(): PlaygroundState {
    const text = (source: PlaygroundSource): string => editors.get(source)?.text() ?? '';
    return { policy: text('policy'), input: text('input'), data: text('data'), query: text('query') };
  }

  function evaluate(): void {
    latestId += 1;
    vscode.postMessage({ type: 'evaluate', id: latestId, state: currentState() });
    evaluationStatus.textContent = 'evaluating…';
    output.body.setAttribute('aria-busy', 'true');
  }

  function scheduleEvaluation(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      vscode.postMessage({ type: 'changed', state: currentState() });
      evaluate();
    }, DEBOUNCE_MS);
  }

  function goTo(source: PlaygroundSource, line: number, column: number): void {
    editors.get(source)?.goTo(line, column);
  }

  function showAnswer(answer: PlaygroundAnswer): void {
    renderAnswer(output.body, answer, goTo);
    output.body.removeAttribute('aria-busy');
    for (const editor of editors.values()) {
      const marks = answer.errors.flatMap((error) =>
        error.location?.source === editor.source ? [{ line: error.location.line, column: error.location.column, message: error.message }] : [],
      );
      editor.setMarks(marks);
    }
    const errorCount = answer.errors.length;
    const duration = answer.durationMs < 10 ? answer.durationMs.toFixed(1) : Math.round(answer.durationMs).toString();
    const errors = errorCount === 1 ? '1 error' : `${errorCount} errors`;
    // Unreadable input or data stops before evaluation, which then took no time worth showing.
    const evaluated = answer.durationMs > 0 || errorCount === 0 ? `Evaluated in ${duration} ms` : '';
    evaluationStatus.textContent = [evaluated, errorCount > 0 ? errors : ''].filter(Boolean).join(' · ');
  }

  function receive(message: HostMessage): void {
    switch (message.type) {
      case 'load':
        if (timer !== undefined) clearTimeout(timer);
        timer = undefined;
        for (const editor of editors.values()) editor.setText(message.state[editor.source]);
        title.textContent = message.title || 'Rego Playground';
        document.title = title.textContent;
        for (const [type, button] of buttons) button.disabled = type === 'applyPolicy' && !message.canApply;
        evaluate();
        break;
      case 'answer':
        if (message.id === latestId) showAnswer(message.answer);
        break;
      case 'notice':
        noticeStatus.textContent = message.text;
        break;
    }
  }

  window.addEventListener('message', (event: MessageEvent) => {
    const message = readHostMessage(event.data);
    if (message) receive(message);
  });
  vscode.postMessage({ type: 'ready' });
}

start();
