// Rego tests in a real VS Code's Test Explorer, in the example workspace: the tests of
// teams_test.rego are discovered, run all at once from the Testing view and pass; after an unsaved edit
// that breaks one, "Run test" above it runs it with the edited text and the failure shows.
import { after, before, test } from 'node:test';
import { launchVsCode, openFile, poll, runCommand, screenshot, type VsCode } from './harness';

let vscode: VsCode | undefined;

before(async () => {
  vscode = await launchVsCode({ workspace: 'example', name: 'testing', settings: { 'security.workspace.trust.enabled': false } });
});

after(async () => {
  await vscode?.close();
});

test('the Test Explorer discovers and runs the workspace\'s Rego tests', { timeout: 240_000 }, async () => {
  const { page } = vscode!;
  try {
    await openFile(page, 'teams_test.rego');
    await runCommand(page, 'Focus on Test Explorer View', 'Test Explorer');
    const view = page.locator('.test-explorer');
    await poll('the test file in the Test Explorer', async () => /teams_test\.rego/.test(await view.innerText().catch(() => '')), { timeoutMs: 60_000, intervalMs: 1000 });
    await runCommand(page, 'Run All Tests', 'Run All Tests');
    const passed = view.locator('.codicon-testing-passed-icon');
    await poll('the tests passed', async () => (await passed.count()) > 0 && (await view.locator('.codicon-testing-failed-icon').count()) === 0, { timeoutMs: 60_000, intervalMs: 1000 });
    // The file's row opens on its package, and the package's on its four passed tests.
    for (const level of ['1', '2']) {
      const row = view.locator(`.monaco-list-row[aria-level="${level}"]`).first();
      if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
    }
    await poll('four passed tests', async () => /test_carol_is_in_payments/.test(await view.innerText()) && (await passed.count()) >= 4, { timeoutMs: 30_000, intervalMs: 1000 });
    await screenshot(page, 'testing');

    // The Coverage profile: the coverage view lists the policy with its share of covered lines.
    await runCommand(page, 'Run All Tests with Coverage', 'with Coverage');
    const sidebar = page.locator('.sidebar');
    await poll('the coverage of teams.rego', async () => /teams\.rego[\s\S]*\d+(\.\d+)?%/.test(await sidebar.innerText()), { timeoutMs: 60_000, intervalMs: 1000 });
    await screenshot(page, 'testing-coverage');

    // Break one test in the editor, unsaved, and run it from its lens.
    const editor = page.locator('.editor-group-container.active');
    const line = editor.locator('.view-line', { hasText: /teams\.user_team\s+==\s+"payments"/ });
    // Double-clicking the word selects it without its quotes.
    await line.locator('span', { hasText: 'payments' }).first().dblclick();
    await page.keyboard.type('search');
    await page.keyboard.press('Escape');
    const lens = editor.locator('.codelens-decoration a', { hasText: 'Run test' }).first();
    await poll('the Run test lens', async () => (await lens.count()) > 0, { timeoutMs: 30_000, intervalMs: 500 });
    await lens.click();
    await poll('the failing test in the Test Explorer', async () => (await view.locator('.codicon-testing-failed-icon').count()) > 0, { timeoutMs: 60_000, intervalMs: 1000 });
    await screenshot(page, 'testing-failure');

  } catch (error) {
    await screenshot(page, 'testing-failure-state').catch(() => undefined);
    throw error;
  }
});
