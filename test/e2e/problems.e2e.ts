// Syntax errors reach the Problems panel of a real VS Code, and go away once the text is fixed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchVsCode, openFile, openProblems, poll, PROJECT_ROOT, screenshot, waitForProblems, type ProblemRow, type VsCode } from './harness';

const WORKSPACE = 'test/e2e/workspace';

/** Where the typographic quote sits in the fixture, in VS Code's 1-based line and column. */
function quotePosition(): { line: number; column: number } {
  const lines = readFileSync(join(PROJECT_ROOT, WORKSPACE, 'broken.rego'), 'utf8').split('\n');
  const line = lines.findIndex((text) => text.includes('\u201c'));
  return { line: line + 1, column: lines[line].indexOf('\u201c') + 1 };
}

const isQuoteError = (row: ProblemRow) => row.file === 'broken.rego' && row.message.includes('straight double quotes');

let vscode: VsCode | undefined;

before(async () => {
  vscode = await launchVsCode({ workspace: WORKSPACE, name: 'problems' });
});

after(async () => {
  await vscode?.close();
});

test('a typographic quote is reported in the Problems panel and cleared once fixed', { timeout: 120_000 }, async () => {
  const { page } = vscode!;
  try {
    // policy.rego is opened too, because the server only checks open documents.
    await openFile(page, 'policy.rego');
    await openFile(page, 'broken.rego');
    await openProblems(page);

    const rows = await waitForProblems(page, 'the quote error in broken.rego', (current) => current.some(isQuoteError));
    const problem = rows.find(isQuoteError)!;
    assert.deepEqual(quotePosition(), { line: 5, column: problem.column }, 'the fixture keeps its quote on line 5');
    assert.equal(problem.line, 5);
    assert.equal(problem.severity, 'error');
    assert.equal(problem.source, 'rego');
    assert.equal(problem.code, 'rego_parse_error');
    assert.deepEqual(rows.filter((row) => row.file === 'policy.rego'), [], 'policy.rego is correct');
    await screenshot(page, 'problems');

    // Replace line 5's text by typing, as a person would.
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
    await page.keyboard.type('5');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+End');
    await page.keyboard.type('msg := "hello"');
    await poll('line 5 to read msg := "hello"', async () => {
      const text = await page.locator('.editor-group-container.active .monaco-editor .view-lines').innerText();
      return !text.includes('\u201c') && /msg := "hello"\s*$/m.test(text.replace(/\u00a0/g, ' '));
    }, { timeoutMs: 10_000 });

    await waitForProblems(page, 'broken.rego to have no problems', (current) => current.every((row) => row.file !== 'broken.rego'));
    await screenshot(page, 'problems-fixed');
  } catch (error) {
    await screenshot(page, 'problems-failure').catch(() => undefined);
    throw error;
  }
});
