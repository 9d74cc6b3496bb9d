// Syntax diagnostics reach VS Code's diagnostics collection for an opened Rego file.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test, waitFor } from './runner';

test('a typographic quote in broken.rego is reported on line 5', async () => {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the fixture workspace (test/e2e/workspace) is open');
  const uri = vscode.Uri.joinPath(folder.uri, 'broken.rego');
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));

  const diagnostic = await waitFor('the quote error in broken.rego', () =>
    vscode.languages.getDiagnostics(uri).find((candidate) => candidate.message.includes('straight double quotes')));
  assert.equal(diagnostic.range.start.line + 1, 5);
  assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
  assert.equal(diagnostic.source, 'rego');
  assert.equal(diagnostic.code, 'rego_parse_error');
});
