// "Evaluate" in a real VS Code, in the example workspace: the lens above a rule evaluates it against the
// nearest input.json and the data files,
// the value appears after the rule head, and an undefined rule is shown as undefined, the failing
// expression highlighted and explained on hover.
import { after, before, test } from 'node:test';
import { launchVsCode, openFile, poll, screenshot, type VsCode } from './harness';

let vscode: VsCode | undefined;

before(async () => {
  vscode = await launchVsCode({ workspace: 'example', name: 'evaluate', settings: { 'security.workspace.trust.enabled': false } });
});

after(async () => {
  await vscode?.close();
});

/** The text of the editor, with the text that decorations add after lines. */
async function editorText(page: VsCode['page']): Promise<string> {
  // Runs in the page; written as text because the project is typed without the DOM library.
  return page.evaluate(`(() => {
    const lines = [...document.querySelectorAll('.editor-group-container.active .monaco-editor .view-line')];
    return lines
      .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
      .map((line) => {
        let text = line.innerText;
        for (const element of line.querySelectorAll('span')) {
          const after = getComputedStyle(element, '::after').content;
          if (after && after !== 'none' && after !== 'normal') text += ' ' + after.replace(/^"|"$/g, '').replace(/\\\\(.)/g, '$1');
        }
        return text.replace(/\\u00a0/g, ' ');
      })
      .join('\\n');
  })()`) as Promise<string>;
}

async function clickLens(page: VsCode['page'], index: number): Promise<void> {
  const lenses = page.locator('.editor-group-container.active .codelens-decoration a', { hasText: /^Evaluate$/ });
  await poll('the Evaluate lenses', async () => (await lenses.count()) >= 3, { timeoutMs: 30_000 });
  await lenses.nth(index).click();
}

test('the Evaluate lens shows a rule\'s value inline, and explains an undefined rule', { timeout: 180_000 }, async () => {
  const { page } = vscode!;
  try {
    await openFile(page, 'teams.rego');
    // Lenses in order: user_team, may_approve, reasons, reasons.
    await clickLens(page, 0);
    await poll('the user_team value after its head', async () => /user_team := team if .*= "payments"/.test(await editorText(page)), { timeoutMs: 30_000 });
    await clickLens(page, 1);
    await poll('may_approve shown as undefined', async () => /may_approve if .*= undefined/.test(await editorText(page)), { timeoutMs: 30_000 });
    await screenshot(page, 'evaluate');
    // The failing expression explains itself on hover.
    await page.locator('.editor-group-container.active .view-line', { hasText: 'input.change.lines <=' }).locator('span', { hasText: 'max_lines' }).last().hover();
    const hover = page.locator('.monaco-hover:visible');
    await poll('the explanation in a hover', async () => (await hover.count()) > 0 && /was false: input\.change\.lines is 120, data\.config\.max_lines is 100/.test((await hover.first().innerText()).replace(/`/g, '')), { timeoutMs: 20_000 });
    await screenshot(page, 'evaluate-explanation');
  } catch (error) {
    await screenshot(page, 'evaluate-failure').catch(() => undefined);
    throw error;
  }
});
