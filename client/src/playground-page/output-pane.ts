/**
 * Draws one answer of the evaluation in the output pane: errors first (each names its editor and
 * position and jumps there), then the results as JSON trees with their bindings, or "undefined" with
 * why, then what `print()` wrote. Lines that point into the policy are buttons, so they work from the
 * keyboard too. All text goes in through `textContent`.
 */
import type { PlaygroundAnswer, PlaygroundSource } from '../../../server/src/playground-protocol';
import { element } from './dom';
import { jsonTree } from './json-tree';

/** What a click on a located line does: show that place in its editor. */
export type GoTo = (source: PlaygroundSource, line: number, column: number) => void;

const SOURCE_NAMES: Record<PlaygroundSource, string> = { policy: 'policy', input: 'input', data: 'data', query: 'query' };


function section(title: string, className: string): HTMLElement {
  const container = element('section', `output-section ${className}`);
  container.append(element('h3', 'output-heading', title));
  return container;
}

/** A list item that jumps to a place when there is one, or plain text when there is none. */
function locatedItem(parts: { place?: string; text: string }, onClick?: () => void): HTMLElement {
  const item = element('li');
  let holder: HTMLElement = element('span');
  if (onClick) {
    const button = element('button', 'output-link');
    button.type = 'button';
    button.addEventListener('click', onClick);
    holder = button;
  }
  if (parts.place) holder.append(element('span', 'output-place', parts.place));
  holder.append(element('span', 'output-text', parts.text));
  item.append(holder);
  return item;
}

function renderErrors(answer: PlaygroundAnswer, goTo: GoTo): HTMLElement {
  const container = section(answer.errors.length === 1 ? 'Error' : `Errors (${answer.errors.length})`, 'output-errors');
  const list = element('ul', 'output-list');
  for (const error of answer.errors) {
    const location = error.location;
    list.append(
      locatedItem(
        { place: location ? `${SOURCE_NAMES[location.source]} ${location.line}:${location.column}` : undefined, text: `${error.code}: ${error.message}` },
        location ? () => goTo(location.source, location.line, location.column) : undefined,
      ),
    );
  }
  container.append(list);
  return container;
}

function renderResults(answer: PlaygroundAnswer): HTMLElement {
  const container = section(answer.results.length === 1 ? 'Result' : `Results (${answer.results.length})`, 'output-results');
  answer.results.forEach((result, index) => {
    const block = element('div', 'output-result');
    if (answer.results.length > 1) block.append(element('div', 'output-result-number', `#${index + 1}`));
    for (const expression of result.expressions) {
      const row = element('div', 'output-expression');
      row.append(element('div', 'output-expression-text', expression.text), jsonTree(expression.value));
      block.append(row);
    }
    const names = Object.keys(result.bindings);
    if (names.length > 0) {
      const bindings = element('div', 'output-bindings');
      bindings.append(element('div', 'output-subheading', 'Bindings'));
      for (const name of names) bindings.append(jsonTree(result.bindings[name], name, { openDepth: 1 }));
      block.append(bindings);
    }
    container.append(block);
  });
  return container;
}

function renderUndefined(answer: PlaygroundAnswer, goTo: GoTo): HTMLElement {
  const container = section('Result', 'output-results');
  container.append(element('div', 'output-undefined', 'undefined'));
  if (answer.explanation.length > 0) {
    const list = element('ul', 'output-list output-explanation');
    for (const reason of answer.explanation) {
      list.append(locatedItem({ place: reason.line > 0 ? `policy ${reason.line}` : undefined, text: reason.message }, reason.line > 0 ? () => goTo('policy', reason.line, 1) : undefined));
    }
    container.append(list);
  }
  return container;
}

function renderPrintOutput(answer: PlaygroundAnswer, goTo: GoTo): HTMLElement {
  const container = section('Print output', 'output-print');
  const list = element('ul', 'output-list');
  for (const printed of answer.printOutput) {
    // Line 0 is a print() in the query, which has no policy line to show.
    list.append(locatedItem({ place: printed.line > 0 ? `policy ${printed.line}` : 'query', text: printed.text }, printed.line > 0 ? () => goTo('policy', printed.line, 1) : undefined));
  }
  container.append(list);
  return container;
}

/** Replaces the pane's content with `answer`. */
export function renderAnswer(pane: HTMLElement, answer: PlaygroundAnswer, goTo: GoTo): void {
  const parts: HTMLElement[] = [];
  if (answer.errors.length > 0) parts.push(renderErrors(answer, goTo));
  if (answer.results.length > 0) parts.push(renderResults(answer));
  else if (answer.undefined) parts.push(renderUndefined(answer, goTo));
  if (answer.printOutput.length > 0) parts.push(renderPrintOutput(answer, goTo));
  pane.replaceChildren(...parts);
}
