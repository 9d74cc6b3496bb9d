/**
 * The bordered tables `opa eval --format pretty` prints for results with bindings: a header row centred, cells
 * left-aligned, one space of padding, `+`, `-` and `|` borders, and cells longer than 30 columns wrapped at
 * spaces with the least raggedness (the layout of the table library OPA uses).
 */
const MAX_CELL_WIDTH = 30;
const TOO_LONG_PENALTY = 100_000;

const width = (text: string): number => [...text].length;

/** Splits words into lines of at most `limit` columns, minimising the sum of squared leftover widths. */
function wrapWords(words: string[], limit: number): string[][] {
  const count = words.length;
  // length[i][j]: the width of words i..j joined by single spaces.
  const length = words.map((_, i) => {
    const row: number[] = [];
    let total = -1;
    for (let j = i; j < count; j++) {
      total += 1 + width(words[j]);
      row[j] = total;
    }
    return row;
  });
  const cost = new Array<number>(count).fill(Number.MAX_SAFE_INTEGER);
  const breakAt = new Array<number>(count).fill(count);
  for (let i = count - 1; i >= 0; i--) {
    if (length[i][count - 1] <= limit) {
      cost[i] = 0;
      breakAt[i] = count;
      continue;
    }
    for (let j = i + 1; j < count; j++) {
      const left = limit - length[i][j - 1];
      let candidate = left * left + cost[j];
      if (length[i][j - 1] > limit) candidate += TOO_LONG_PENALTY;
      if (candidate < cost[i]) {
        cost[i] = candidate;
        breakAt[i] = j;
      }
    }
  }
  const lines: string[][] = [];
  for (let i = 0; i < count; i = breakAt[i]) lines.push(words.slice(i, breakAt[i]));
  return lines;
}

/** A cell's lines: wrapped at spaces to at most 30 columns, or to its longest word when that is wider. */
function cellLines(text: string): string[] {
  const words = text.replace(/\n/g, ' ').split(' ');
  const limit = Math.max(Math.min(width(text), MAX_CELL_WIDTH), ...words.map(width));
  return wrapWords(words, limit).map((line) => line.join(' '));
}

export function prettyTable(header: string[], rows: string[][]): string {
  const headerLines = header.map(cellLines);
  const rowLines = rows.map((row) => row.map(cellLines));
  const widths = header.map((_, column) =>
    Math.max(...headerLines[column].map(width), ...rowLines.flatMap((row) => (row[column] ?? []).map(width))),
  );
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const out = [rule];
  const print = (cells: string[][], align: (text: string, w: number) => string): void => {
    const height = Math.max(1, ...cells.map((lines) => lines.length));
    for (let line = 0; line < height; line++) {
      out.push(`|${widths.map((w, column) => ` ${align(cells[column]?.[line] ?? '', w)} `).join('|')}|`);
    }
  };
  print(headerLines, (text, w) => {
    const gap = w - width(text);
    const left = Math.floor(gap / 2);
    return ' '.repeat(left) + text + ' '.repeat(gap - left);
  });
  out.push(rule);
  for (const row of rowLines) print(row, (text, w) => text + ' '.repeat(w - width(text)));
  out.push(rule);
  return out.join('\n');
}
