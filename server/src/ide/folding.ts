/**
 * Folding ranges of a module, by line: bracketed blocks (rule bodies, composite values, comprehensions,
 * argument lists), rules that span lines, raw strings, runs of comment lines and `# METADATA` blocks,
 * the imports, and `# region` / `# endregion` markers. Brackets come from the tokens rather than the tree,
 * so a module with syntax errors still folds wherever its brackets pair up.
 */
import type { Comment, Module, Range } from '../ast/nodes';
import * as T from '../syntax/tokens';
import { prepareTokens } from '../syntax/prepare';

export type FoldingKind = 'comment' | 'imports' | 'region';

export interface FoldingRange {
  /** 0-based lines; the start line stays visible and the lines after it, through `endLine`, fold away. */
  startLine: number;
  endLine: number;
  kind?: FoldingKind;
}

/** Which fold wins when several start on one line (editors keep only one per line): lower first. */
const Priority = { Region: 0, Comment: 1, Imports: 2, Block: 3, Rule: 4 } as const;
type Priority = (typeof Priority)[keyof typeof Priority];

interface Candidate extends FoldingRange {
  priority: Priority;
}

const REGION_START = /^\s*region\b/;
const REGION_END = /^\s*endregion\b/;
const CLOSERS = new Set([')', ']', '}', '`']);

export function foldingRanges(document: { text: string; module: Module }): FoldingRange[] {
  const { text, module } = document;
  const lines = new Lines(text);
  const candidates: Candidate[] = [];
  const add = (startLine: number, endLine: number, priority: Priority, kind?: FoldingKind) => {
    if (endLine > startLine) candidates.push({ startLine, endLine, priority, ...(kind ? { kind } : {}) });
  };
  /**
   * A range folds up to the line before its closing bracket when only blanks and other closing brackets
   * come before that bracket on its line, so `}` (or `]}`) stays visible.
   */
  const addSpan = (range: Range, priority: Priority) => {
    if (range.end <= range.start) return;
    const last = range.end - 1;
    let endLine = lines.line(last);
    if (CLOSERS.has(text[last]) && lines.startsLine(last, CLOSERS)) endLine--;
    add(lines.line(range.start), endLine, priority);
  };

  blockFolds(text, module, addSpan);
  for (const rule of module.rules) addSpan(rule.range, Priority.Rule);
  commentFolds(module.comments, lines, add);

  // Imports sit together below the package; a rule between two imports ends a group.
  const rules = module.rules.map((rule) => rule.range.start);
  let group: Range | undefined;
  for (const imported of module.imports) {
    if (group && !rules.some((start) => start > group!.end && start < imported.range.start)) {
      group.end = imported.range.end;
      continue;
    }
    if (group) add(lines.line(group.start), lines.line(group.end), Priority.Imports, 'imports');
    group = { start: imported.range.start, end: imported.range.end };
  }
  if (group) add(lines.line(group.start), lines.line(group.end), Priority.Imports, 'imports');

  candidates.sort((a, b) => a.startLine - b.startLine || a.priority - b.priority || b.endLine - a.endLine);
  const folds: FoldingRange[] = [];
  for (const candidate of candidates) {
    if (folds.length > 0 && folds[folds.length - 1].startLine === candidate.startLine) continue;
    folds.push(candidate.kind ? { startLine: candidate.startLine, endLine: candidate.endLine, kind: candidate.kind } : { startLine: candidate.startLine, endLine: candidate.endLine });
  }
  return folds;
}

/** Bracket pairs and raw strings that span lines, from the module's tokens. */
function blockFolds(text: string, module: Module, addSpan: (range: Range, priority: Priority) => void): void {
  const lexed = T.regoLexer.tokenize(text);
  const tokens = prepareTokens(lexed.tokens, text, module.regoVersion);
  for (const token of tokens) {
    const type = token.tokenType;
    if (token.match >= 0) {
      const closer = tokens[token.match];
      addSpan({ start: token.startOffset, end: closer.startOffset + 1 }, Priority.Block);
    } else if (type === T.RawString || type === T.UnterminatedRawString) {
      addSpan({ start: token.startOffset, end: token.startOffset + token.image.length }, Priority.Block);
    } else if (type === T.RawTemplateStart) {
      const end = tokens.findIndex((other, index) => index > token.idx && other.tokenType === T.RawTemplateEnd);
      if (end >= 0) addSpan({ start: token.startOffset, end: tokens[end].startOffset + 1 }, Priority.Block);
    }
  }
}

/**
 * Runs of two or more comment lines fold, each `# METADATA` marker starting a run of its own so a block
 * folds apart from the comments above it. Region markers fold to their `# endregion` and never join a run.
 * Comments after code on the same line are not comment lines.
 */
function commentFolds(
  comments: Comment[],
  lines: Lines,
  add: (startLine: number, endLine: number, priority: Priority, kind?: FoldingKind) => void,
): void {
  const regions: number[] = [];
  let run: { start: number; end: number } | undefined;
  const close = () => {
    if (run) add(run.start, run.end, Priority.Comment, 'comment');
    run = undefined;
  };
  for (const comment of comments) {
    if (!lines.startsLine(comment.range.start)) continue;
    const line = lines.line(comment.range.start);
    if (REGION_START.test(comment.text)) {
      close();
      regions.push(line);
      continue;
    }
    if (REGION_END.test(comment.text)) {
      close();
      const start = regions.pop();
      if (start !== undefined) add(start, line, Priority.Region, 'region');
      continue;
    }
    const marker = comment.text.trim() === 'METADATA';
    if (run && run.end === line - 1 && !marker) {
      run.end = line;
      continue;
    }
    close();
    run = { start: line, end: line };
  }
  close();
}

/** 0-based line numbers of offsets. */
class Lines {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  line(offset: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  /** Only blanks (and characters of `also`) come before `offset` on its line. */
  startsLine(offset: number, also?: Set<string>): boolean {
    for (let i = offset - 1; i >= 0; i--) {
      const code = this.text.charCodeAt(i);
      if (code === 10) return true;
      if (code !== 32 && code !== 9 && code !== 13 && !also?.has(this.text[i])) return false;
    }
    return true;
  }
}
