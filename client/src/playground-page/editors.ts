/**
 * One code editor of the playground (CodeMirror 6): line numbers, bracket matching, undo history and
 * the default key bindings, the VS Code theme, and error marks that the output pane places and clears.
 * Only the pieces the playground uses are loaded (not the `codemirror` meta-package's basicSetup), to
 * keep the page's bundle small.
 */
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, indentOnInput } from '@codemirror/language';
import { Annotation, EditorState, StateEffect, StateField, Transaction, type Extension, type Range } from '@codemirror/state';
import { Decoration, EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers, type DecorationSet } from '@codemirror/view';
import type { PlaygroundSource } from '../../../server/src/playground-protocol';
import { playgroundEditorTheme } from './editor-theme';

/** An error to mark in an editor, at a 1-based line and column. */
export interface EditorMark {
  line: number;
  column: number;
  message: string;
}

export interface PlaygroundEditor {
  source: PlaygroundSource;
  view: EditorView;
  text(): string;
  /** Replaces the whole text, as the host's `load` does: not an edit of the user, so not undoable. */
  setText(text: string): void;
  /** Replaces the error marks with these (none clears them). */
  setMarks(marks: EditorMark[]): void;
  /** Puts the cursor at a 1-based line and column, scrolls it into view and focuses the editor. */
  goTo(line: number, column?: number): void;
}

export interface EditorOptions {
  parent: HTMLElement;
  source: PlaygroundSource;
  /** What a screen reader announces for the editor. */
  label: string;
  language: Extension;
  /** The page's CSP nonce, which CodeMirror's style elements need. */
  nonce: string;
  /** Called after each edit of the user (not after `setText`). */
  onEdit: () => void;
}

/** Marks a transaction as the host's, so it neither counts as an edit nor enters the undo history. */
const fromHost = Annotation.define<boolean>();

const setMarksEffect = StateEffect.define<DecorationSet>();

const marksField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, transaction) {
    for (const effect of transaction.effects) if (effect.is(setMarksEffect)) return effect.value;
    return transaction.docChanged ? marks.map(transaction.changes) : marks;
  },
  provide: (field) => EditorView.decorations.from(field),
});

/**
 * Typing over a selection is done here instead of by the browser. Chromium, replacing coloured text,
 * wraps the new text in a `<span style="color: ...">` to keep the old colour; the page's CSP blocks
 * that style attribute and reports a violation on every such keystroke. CodeMirror would redraw the
 * line anyway, so doing the replacement here changes nothing else. Composition (IME) is left alone.
 */
const typeOverSelection = EditorView.domEventHandlers({
  beforeinput(event, view) {
    if (event.inputType !== 'insertText' || !event.data || view.composing || view.state.selection.ranges.every((range) => range.empty)) return false;
    event.preventDefault();
    view.dispatch(view.state.replaceSelection(event.data), { userEvent: 'input.type', scrollIntoView: true });
    return true;
  },
});

/** The offset of a 1-based line and column in `state`, clamped to the document. */
function offsetOf(state: EditorState, line: number, column: number): number {
  const documentLine = state.doc.line(Math.min(Math.max(1, Math.floor(line) || 1), state.doc.lines));
  return documentLine.from + Math.min(Math.max(0, Math.floor(column) - 1 || 0), documentLine.length);
}

function markDecorations(state: EditorState, marks: EditorMark[]): DecorationSet {
  const ranges: Range<Decoration>[] = [];
  for (const mark of marks) {
    const from = offsetOf(state, mark.line, mark.column);
    const line = state.doc.lineAt(from);
    ranges.push(Decoration.line({ class: 'cm-playground-error-line', attributes: { title: mark.message } }).range(line.from));
    // The underline covers the string or the word at the position, or one character; at the end of a
    // line (an unexpected end of input) the line's background is the only mark.
    const word = /^"(?:[^"\\]|\\.)*"?|^[\w$.]+|^./.exec(state.doc.sliceString(from, line.to));
    if (word) ranges.push(Decoration.mark({ class: 'cm-playground-error', attributes: { title: mark.message } }).range(from, from + word[0].length));
  }
  return Decoration.set(ranges, true);
}

export function createEditor(options: EditorOptions): PlaygroundEditor {
  const extensions: Extension[] = [
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightActiveLine(),
    history(),
    drawSelection(),
    // The panes are narrow: long lines (a JSON input on one line, a long condition) wrap instead of scrolling sideways.
    EditorView.lineWrapping,
    indentOnInput(),
    bracketMatching(),
    // Tab indents, as in any code editor; Escape then Tab leaves the editor (CodeMirror's own way out),
    // so keyboard users are not trapped.
    keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
    options.language,
    playgroundEditorTheme,
    marksField,
    typeOverSelection,
    EditorView.cspNonce.of(options.nonce),
    EditorView.contentAttributes.of({ 'aria-label': options.label }),
    EditorView.updateListener.of((update) => {
      if (update.docChanged && !update.transactions.some((transaction) => transaction.annotation(fromHost))) options.onEdit();
    }),
  ];
  const view = new EditorView({ parent: options.parent, state: EditorState.create({ doc: '', extensions }) });
  return {
    source: options.source,
    view,
    text: () => view.state.doc.toString(),
    setText(text) {
      view.dispatch({
        changes: { from: 0, to: view.state.doc.length, insert: text },
        annotations: [fromHost.of(true), Transaction.addToHistory.of(false)],
      });
    },
    setMarks(marks) {
      view.dispatch({ effects: setMarksEffect.of(markDecorations(view.state, marks)) });
    },
    goTo(line, column = 1) {
      const offset = offsetOf(view.state, line, column);
      view.dispatch({ selection: { anchor: offset }, effects: EditorView.scrollIntoView(offset, { y: 'center' }) });
      view.focus();
    },
  };
}
