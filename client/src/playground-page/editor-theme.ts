/**
 * The editors' look, written entirely in VS Code's theme variables (`--vscode-*`), which VS Code sets
 * on the webview's document and updates when the theme changes: a theme switch restyles the editors
 * with no message from the host. Token colours are not among those variables, so syntax colours borrow
 * the debug view's value colours and the symbol icons' colours, which themes pick to match their code.
 * The fallbacks are VS Code's Dark Modern defaults, for the page opened outside VS Code.
 */
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorView } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import type { Extension } from '@codemirror/state';

const colour = {
  keyword: 'var(--vscode-debugTokenExpression-name, #c586c0)',
  string: 'var(--vscode-debugTokenExpression-string, #ce9178)',
  number: 'var(--vscode-debugTokenExpression-number, #b5cea8)',
  constant: 'var(--vscode-debugTokenExpression-boolean, #4e94ce)',
  invalid: 'var(--vscode-debugTokenExpression-error, #f48771)',
  comment: 'var(--vscode-descriptionForeground, #9d9d9d)',
  definition: 'var(--vscode-symbolIcon-classForeground, #ee9d28)',
  call: 'var(--vscode-symbolIcon-functionForeground, #b180d7)',
  variable: 'var(--vscode-symbolIcon-variableForeground, #75beff)',
  namespace: 'var(--vscode-symbolIcon-namespaceForeground, var(--vscode-editor-foreground, #cccccc))',
  foreground: 'var(--vscode-editor-foreground, #cccccc)',
};

const highlightStyle = HighlightStyle.define([
  { tag: tags.keyword, color: colour.keyword },
  { tag: [tags.string, tags.special(tags.string)], color: colour.string },
  { tag: tags.number, color: colour.number },
  { tag: [tags.bool, tags.null], color: colour.constant },
  { tag: tags.lineComment, color: colour.comment, fontStyle: 'italic' },
  { tag: tags.definition(tags.variableName), color: colour.definition },
  { tag: tags.function(tags.variableName), color: colour.call },
  { tag: [tags.standard(tags.variableName), tags.propertyName], color: colour.variable },
  { tag: tags.namespace, color: colour.namespace },
  { tag: [tags.operator, tags.punctuation, tags.bracket, tags.variableName], color: colour.foreground },
  { tag: tags.invalid, color: colour.invalid },
]);

const editorTheme = EditorView.theme({
  '&': {
    height: '100%',
    color: colour.foreground,
    backgroundColor: 'var(--vscode-editor-background, #1f1f1f)',
    fontSize: 'var(--vscode-editor-font-size, 13px)',
  },
  // The focused editor's pane draws the focus border (page.css): an outline here would pass under the gutter.
  '&.cm-focused': { outline: 'none' },
  '.cm-scroller': {
    fontFamily: 'var(--vscode-editor-font-family, monospace)',
    fontWeight: 'var(--vscode-editor-font-weight, normal)',
    lineHeight: '1.5',
  },
  '.cm-content': { caretColor: 'var(--vscode-editorCursor-foreground, #aeafad)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--vscode-editorCursor-foreground, #aeafad)' },
  '.cm-selectionBackground, &.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground': {
    backgroundColor: 'var(--vscode-editor-selectionBackground, #264f78)',
  },
  '.cm-gutters': {
    backgroundColor: 'var(--vscode-editorGutter-background, var(--vscode-editor-background, #1f1f1f))',
    color: 'var(--vscode-editorLineNumber-foreground, #6e7681)',
    border: 'none',
  },
  // Only the focused editor shows its cursor's line, as VS Code does; four highlighted lines would be noise.
  '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'transparent' },
  '&.cm-focused .cm-activeLine': { backgroundColor: 'var(--vscode-editor-lineHighlightBackground, transparent)' },
  '&.cm-focused .cm-activeLineGutter': { color: 'var(--vscode-editorLineNumber-activeForeground, #cccccc)' },
  '&.cm-focused .cm-matchingBracket': {
    backgroundColor: 'var(--vscode-editorBracketMatch-background, #0064001a)',
    outline: '1px solid var(--vscode-editorBracketMatch-border, #888888)',
  },
  '&.cm-focused .cm-nonmatchingBracket': { color: colour.invalid },
  '.cm-playground-error': {
    textDecoration: 'underline wavy var(--vscode-editorError-foreground, #f14c4c)',
    textDecorationSkipInk: 'none',
  },
  // More specific than the focused editor's active line, so an error line stays marked under the cursor.
  '& .cm-line.cm-playground-error-line, &.cm-focused .cm-line.cm-playground-error-line': {
    backgroundColor: 'var(--vscode-inputValidation-errorBackground, #5a1d1d)',
    boxShadow: 'inset 2px 0 var(--vscode-editorError-foreground, #f14c4c)',
  },
});

/** The theme and syntax colours that every playground editor uses. */
export const playgroundEditorTheme: Extension = [editorTheme, syntaxHighlighting(highlightStyle)];
