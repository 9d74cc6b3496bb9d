/**
 * A JSON value as a collapsible tree: objects and arrays are `<details>` whose summary gives their
 * size, scalars are coloured by type. Everything is built with DOM calls and text goes in through
 * `textContent` only, because values come from the user's policy and data: markup in a string must
 * show as text, never become markup. Closed branches build their children when first opened, so a
 * large data document costs nothing until someone looks into it.
 */
import { element } from './dom';

/** Children shown at once; more come with a button, so one huge array cannot freeze the page. */
const PAGE_SIZE = 200;

export interface JsonTreeOptions {
  /** Branches up to this depth start open (the root is depth 0). */
  openDepth?: number;
}


function isBranch(value: unknown): value is Record<string, unknown> | unknown[] {
  return value !== null && typeof value === 'object';
}

function scalar(value: unknown): HTMLElement {
  switch (typeof value) {
    case 'string':
      return element('span', 'json-string', JSON.stringify(value));
    case 'number':
    case 'bigint':
      return element('span', 'json-number', String(value));
    case 'boolean':
      return element('span', 'json-boolean', String(value));
    default:
      return value === null ? element('span', 'json-null', 'null') : element('span', 'json-other', String(value));
  }
}

function sizeText(value: Record<string, unknown> | unknown[]): string {
  if (Array.isArray(value)) return value.length === 1 ? '1 item' : `${value.length} items`;
  const count = Object.keys(value).length;
  return count === 1 ? '1 key' : `${count} keys`;
}

function keyLabel(key: string): HTMLElement {
  return element('span', 'json-key', `${JSON.stringify(key)}: `);
}

function indexLabel(index: number): HTMLElement {
  return element('span', 'json-index', `${index}: `);
}

function node(value: unknown, label: HTMLElement | undefined, depth: number, options: Required<JsonTreeOptions>): HTMLElement {
  if (!isBranch(value) || (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0)) {
    const row = element('div', 'json-row');
    if (label) row.append(label);
    row.append(isBranch(value) ? element('span', 'json-bracket', Array.isArray(value) ? '[]' : '{}') : scalar(value));
    return row;
  }
  const details = element('details', 'json-branch');
  const summary = element('summary');
  if (label) summary.append(label);
  summary.append(element('span', 'json-bracket', Array.isArray(value) ? '[' : '{'), element('span', 'json-size', sizeText(value)), element('span', 'json-bracket', Array.isArray(value) ? ']' : '}'));
  details.append(summary);
  const children = element('div', 'json-children');
  details.append(children);
  const entries: [HTMLElement, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [indexLabel(index), item])
    : Object.entries(value).map(([key, item]) => [keyLabel(key), item]);
  let shown = 0;
  const showMore = (): void => {
    const end = Math.min(entries.length, shown + PAGE_SIZE);
    for (; shown < end; shown++) children.append(node(entries[shown][1], entries[shown][0], depth + 1, options));
    if (shown < entries.length) {
      const more = element('button', 'json-more', `Show ${Math.min(PAGE_SIZE, entries.length - shown)} more of ${entries.length - shown}`);
      more.type = 'button';
      more.addEventListener('click', () => {
        more.remove();
        showMore();
      });
      children.append(more);
    }
  };
  if (depth < options.openDepth) {
    details.open = true;
    showMore();
  } else {
    details.addEventListener('toggle', () => {
      if (details.open && shown === 0) showMore();
    });
  }
  return details;
}

/** A tree of `value`, with an optional key label before the root. */
export function jsonTree(value: unknown, key?: string, options: JsonTreeOptions = {}): HTMLElement {
  const tree = element('div', 'json-tree');
  tree.append(node(value, key === undefined ? undefined : element('span', 'json-key', `${key}: `), 0, { openDepth: options.openDepth ?? 2 }));
  return tree;
}
