// Language intelligence in a real VS Code, in the example workspace: hover docs of a built-in,
// completion of built-ins, and renaming a rule everywhere it is used.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchVsCode, openFile, poll, screenshot, type VsCode } from './harness';

let vscode: VsCode | undefined;

before(async () => {
  vscode = await launchVsCode({ workspace: 'example', name: 'intelligence', settings: { 'security.workspace.trust.enabled': false } });
});

after(async () => {
  await vscode?.close();
});

const editorText = async (page: VsCode['page']) => (await page.locator('.editor-group-container.active .monaco-editor .view-lines').innerText()).replace(/\u00a0/g, ' ');

async function goTo(page: VsCode['page'], line: number, column: number): Promise<void> {
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
  await page.keyboard.type(`${line}:${column}`);
  await page.keyboard.press('Enter');
}

test('hover, completion and rename work in the editor', { timeout: 240_000 }, async () => {
  const { page } = vscode!;
  try {
    await openFile(page, 'authz.rego');
    // Hover over `count` in `count(deny) == 0`.
    await goTo(page, 13, 3);
    const hover = page.locator('.monaco-hover:visible');
    await poll('the hover of count', async () => {
      // Show Hover (Ctrl+K Ctrl+I) at the cursor, again until the server has answered.
      if ((await hover.count()) === 0) {
        await page.keyboard.press('Control+K');
        await page.keyboard.press('Control+I');
      }
      return (await hover.count()) > 0 && /count\(collection/.test(await hover.first().innerText());
    }, { timeoutMs: 30_000, intervalMs: 1000 });
    await screenshot(page, 'intelligence-hover');
    await page.keyboard.press('Escape');

    // Completion on a new line at the end of the file.
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\nexample := coun');
    await page.keyboard.press('Control+Space');
    const suggest = page.locator('.suggest-widget .monaco-list-row');
    await poll('count among the suggestions', async () => (await suggest.allInnerTexts()).some((text) => text.includes('count')), { timeoutMs: 30_000 });
    await screenshot(page, 'intelligence-completion');
    await page.keyboard.press('Escape');

    // Rename user_roles (defined on line 19, used on lines 9 and 22) with F2.
    await goTo(page, 19, 3);
    await page.keyboard.press('F2');
    const renameInput = page.locator('.rename-box input, input.rename-input').first();
    await renameInput.waitFor({ state: 'visible', timeout: 20_000 });
    await renameInput.fill('roles_of_user');
    await renameInput.press('Enter');
    await poll('every use of the rule renamed', async () => {
      const text = await editorText(page);
      return !text.includes('user_roles') && (text.match(/roles_of_user/g) ?? []).length >= 3;
    }, { timeoutMs: 30_000 });
    assert.ok((await editorText(page)).includes('allow if "admin" in roles_of_user'));
    await screenshot(page, 'intelligence-rename');
  } catch (error) {
    await screenshot(page, 'intelligence-failure').catch(() => undefined);
    throw error;
  }
});
