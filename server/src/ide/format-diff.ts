/**
 * A unified diff of two texts by lines (Myers' algorithm), as `diff -u` prints it, for showing what
 * formatting would change.
 */

interface Edit {
  kind: ' ' | '-' | '+';
  line: string;
}

/** Beyond this many differing lines the middle of the texts is shown as replaced whole. */
const MAX_EDIT_DISTANCE = 4000;

/** Marks a last line that has no line break after it. */
const NO_NEWLINE = '\u0000';

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else lines[lines.length - 1] += NO_NEWLINE;
  return lines;
}

/** The shortest edit script turning `a` into `b`. */
function edits(a: string[], b: string[]): Edit[] {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const x = a.slice(prefix, a.length - suffix);
  const y = b.slice(prefix, b.length - suffix);
  const middle = middleEdits(x, y);
  return [
    ...a.slice(0, prefix).map((line): Edit => ({ kind: ' ', line })),
    ...middle,
    ...a.slice(a.length - suffix).map((line): Edit => ({ kind: ' ', line })),
  ];
}

function middleEdits(a: string[], b: string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const trace: Int32Array[] = [];
  let v: Int32Array = new Int32Array(2 * max + 3);
  let found = -1;
  for (let d = 0; d <= Math.min(max, MAX_EDIT_DISTANCE); d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
    if (found >= 0) break;
  }
  if (found < 0) {
    return [...a.map((line): Edit => ({ kind: '-', line })), ...b.map((line): Edit => ({ kind: '+', line }))];
  }
  // Walk the trace back from the end to recover the path.
  const script: Edit[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    v = trace[d];
    const k = x - y;
    const previousK = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? k + 1 : k - 1;
    const previousX = v[offset + previousK];
    const previousY = previousX - previousK;
    while (x > previousX && y > previousY) {
      script.push({ kind: ' ', line: a[--x] });
      y--;
    }
    if (x === previousX) script.push({ kind: '+', line: b[--y] });
    else script.push({ kind: '-', line: a[--x] });
  }
  while (x > 0 && y > 0) {
    script.push({ kind: ' ', line: a[--x] });
    y--;
  }
  return script.reverse();
}

/** `diff -u` output between two texts, with three lines of context; empty when they are equal. */
export function unifiedDiff(before: string, after: string, oldName: string, newName: string): string {
  if (before === after) return '';
  const script = edits(splitLines(before), splitLines(after));
  const context = 3;
  const out = [`--- ${oldName}`, `+++ ${newName}`];
  let i = 0;
  // Line numbers (1-based) in the old and new text of script[i].
  const oldLine: number[] = [];
  const newLine: number[] = [];
  let o = 1;
  let n = 1;
  for (const edit of script) {
    oldLine.push(o);
    newLine.push(n);
    if (edit.kind !== '+') o++;
    if (edit.kind !== '-') n++;
  }
  while (i < script.length) {
    while (i < script.length && script[i].kind === ' ') i++;
    if (i >= script.length) break;
    const start = Math.max(0, i - context);
    let end = i;
    // Extend the hunk while changes are at most two contexts apart.
    for (;;) {
      while (end < script.length && script[end].kind !== ' ') end++;
      let next = end;
      while (next < script.length && script[next].kind === ' ') next++;
      if (next < script.length && next - end <= 2 * context) {
        end = next;
        continue;
      }
      end = Math.min(script.length, end + context);
      break;
    }
    const hunk = script.slice(start, end);
    const oldCount = hunk.filter((edit) => edit.kind !== '+').length;
    const newCount = hunk.filter((edit) => edit.kind !== '-').length;
    const oldStart = oldCount === 0 ? oldLine[start] - 1 : oldLine[start];
    const newStart = newCount === 0 ? newLine[start] - 1 : newLine[start];
    const span = (startLine: number, count: number): string => (count === 1 ? `${startLine}` : `${startLine},${count}`);
    out.push(`@@ -${span(oldStart, oldCount)} +${span(newStart, newCount)} @@`);
    for (const edit of hunk) {
      if (edit.line.endsWith(NO_NEWLINE)) out.push(`${edit.kind}${edit.line.slice(0, -1)}`, '\\ No newline at end of file');
      else out.push(`${edit.kind}${edit.line}`);
    }
    i = end;
  }
  return `${out.join('\n')}\n`;
}
