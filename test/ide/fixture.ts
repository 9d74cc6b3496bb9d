// Fixtures for editor-feature tests: Rego text with a cursor marker `|` (written `⌖` to keep `|` free
// for Rego) and range markers `⟦ ⟧`; several files are separated by lines `-- name.rego --`.
import { snapshotOf, type Snapshot } from '../../server/src/ide/snapshot';

export interface Fixture {
  snapshot: Snapshot;
  /** The file holding the cursor, and its offset. */
  file: string;
  offset: number;
  /** Marked ranges by file, in offsets of the text without markers. */
  ranges: { file: string; start: number; end: number }[];
}

export function fixture(source: string, options: Parameters<typeof snapshotOf>[1] = {}): Fixture {
  const parts = source.includes('-- ') ? source.split(/^-- (.+?) --\n/m).slice(1) : ['main.rego', source];
  const files: { file: string; text: string }[] = [];
  const ranges: Fixture['ranges'] = [];
  let cursor: { file: string; offset: number } | undefined;
  for (let i = 0; i < parts.length; i += 2) {
    const file = parts[i];
    let text = '';
    const open: number[] = [];
    for (const character of parts[i + 1]) {
      if (character === '⌖') cursor = { file, offset: text.length };
      else if (character === '⟦') open.push(text.length);
      else if (character === '⟧') ranges.push({ file, start: open.pop()!, end: text.length });
      else text += character;
    }
    files.push({ file, text });
  }
  return { snapshot: snapshotOf(files, options), file: cursor?.file ?? files[0].file, offset: cursor?.offset ?? 0, ranges };
}
