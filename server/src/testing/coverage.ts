/**
 * Line coverage of test runs in the shape of `opa test --coverage --format json`: a line is covered
 * when evaluation entered an expression on it or a rule defined on it produced a value (OPA's cover
 * tracer counts Eval and Exit events); the lines that could be covered are those of every rule head
 * and every expression except `some` declarations, as OPA's cover.Report walks them.
 */
import type { Range } from '../ast/nodes.js';
import type { Engine } from '../eval/engine.js';
import type { Body, Term } from '../eval/ir.js';

export interface RowRange {
  start: { row: number };
  end: { row: number };
}

export interface FileCoverage {
  covered?: RowRange[];
  not_covered?: RowRange[];
  covered_lines?: number;
  not_covered_lines?: number;
  coverage?: number;
}

export interface CoverageReport {
  files: Record<string, FileCoverage>;
  covered_lines: number;
  not_covered_lines: number;
  coverage: number;
}

/**
 * OPA's cover.round with precision 2 multiplies by 10·precision (20), so percentages come out in
 * steps of 0.05; we round the same way so reports compare equal.
 */
function roundLikeOpa(value: number): number {
  return Math.round(value * 20) / 20;
}

/** Sorted rows to ranges of consecutive rows. */
function rowRanges(rows: number[]): RowRange[] {
  const sorted = [...new Set(rows)].sort((a, b) => a - b);
  const ranges: RowRange[] = [];
  for (const row of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && last.end.row === row - 1) last.end.row = row;
    else ranges.push({ start: { row }, end: { row } });
  }
  return ranges;
}

function linesIn(ranges: RowRange[]): number {
  return ranges.reduce((sum, range) => sum + range.end.row - range.start.row + 1, 0);
}

/** The start offsets of every expression in a body that coverage counts, nested bodies included. */
function expressionStarts(body: Body, into: number[]): void {
  const visitTerm = (term: Term): void => {
    switch (term.kind) {
      case 'ref':
        visitTerm(term.head);
        term.path.forEach(visitTerm);
        break;
      case 'array':
      case 'set':
        term.items.forEach(visitTerm);
        break;
      case 'object':
        term.entries.forEach(([key, value]) => (visitTerm(key), visitTerm(value)));
        break;
      case 'arraycomp':
      case 'setcomp':
        visitTerm(term.head);
        expressionStarts(term.body, into);
        break;
      case 'objectcomp':
        visitTerm(term.key);
        visitTerm(term.value);
        expressionStarts(term.body, into);
        break;
      case 'call':
        term.args.forEach(visitTerm);
        break;
      case 'template':
        for (const part of term.parts) {
          if (Array.isArray(part)) expressionStarts(part, into);
          else visitTerm(part);
        }
        break;
      default:
        break;
    }
  };
  for (const expr of body) {
    const operation = expr.operation;
    if (operation.kind !== 'some') into.push(expr.range.start);
    switch (operation.kind) {
      case 'term':
        visitTerm(operation.term);
        break;
      case 'unify':
        visitTerm(operation.left);
        visitTerm(operation.right);
        break;
      case 'somein':
        visitTerm(operation.domain);
        break;
      case 'every':
        visitTerm(operation.domain);
        expressionStarts(operation.body, into);
        break;
      case 'query':
        expressionStarts(operation.body, into);
        break;
      case 'logical':
        expressionStarts(operation.left, into);
        expressionStarts(operation.right, into);
        break;
      default:
        break;
    }
    for (const modifier of expr.with) visitTerm(modifier.value);
  }
}

export class CoverageCollector {
  /** Start offsets of what evaluation reached, by file. */
  private readonly hits = new Map<string, Set<number>>();

  hook(): (file: string, range: Range) => void {
    return (file, range) => {
      let offsets = this.hits.get(file);
      if (!offsets) {
        offsets = new Set();
        this.hits.set(file, offsets);
      }
      offsets.add(range.start);
    };
  }

  report(engine: Engine, position: (file: string, offset: number) => { row: number }): CoverageReport {
    const files = new Map<string, { covered: Set<number>; candidates: number[] }>();
    for (const { file } of engine.modules()) {
      const covered = new Set<number>();
      for (const offset of this.hits.get(file) ?? []) covered.add(position(file, offset).row);
      files.set(file, { covered, candidates: [] });
    }
    for (const rule of engine.compiledRules()) {
      const entry = files.get(rule.file);
      if (!entry) continue;
      for (let clause: typeof rule | undefined = rule; clause; clause = clause.else) {
        entry.candidates.push(position(rule.file, clause.headRange.start).row);
        const starts: number[] = [];
        expressionStarts(clause.body, starts);
        for (const offset of starts) entry.candidates.push(position(rule.file, offset).row);
      }
    }
    const report: CoverageReport = { files: {}, covered_lines: 0, not_covered_lines: 0, coverage: 0 };
    for (const file of [...files.keys()].sort()) {
      const { covered, candidates } = files.get(file)!;
      const coveredRanges = rowRanges([...covered]);
      const notCoveredRanges = rowRanges(candidates.filter((row) => !covered.has(row)));
      const coveredLines = linesIn(coveredRanges);
      const notCoveredLines = linesIn(notCoveredRanges);
      const total = coveredLines + notCoveredLines;
      // Go's encoder leaves out empty and zero fields (omitempty), so this object does too.
      const shaped: FileCoverage = {};
      if (coveredRanges.length > 0) shaped.covered = coveredRanges;
      if (notCoveredRanges.length > 0) shaped.not_covered = notCoveredRanges;
      if (coveredLines > 0) shaped.covered_lines = coveredLines;
      if (notCoveredLines > 0) shaped.not_covered_lines = notCoveredLines;
      const percent = total === 0 ? 0 : roundLikeOpa((100 * coveredLines) / total);
      if (percent > 0) shaped.coverage = percent;
      report.files[file] = shaped;
      report.covered_lines += coveredLines;
      report.not_covered_lines += notCoveredLines;
    }
    const total = report.covered_lines + report.not_covered_lines;
    report.coverage = total === 0 ? 0 : roundLikeOpa((100 * report.covered_lines) / total);
    return report;
  }
}
