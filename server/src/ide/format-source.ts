/**
 * Facts about the source text that the AST does not keep, read by the formatter: lines of offsets,
 * which brackets pair up, and whether a term was written in grouping parentheses.
 */
import * as T from '../syntax/tokens';
import { LineIndex } from '../syntax/line-index';
import type { Range } from '../ast/nodes';

/** Words after which `(` opens a group rather than the arguments of a call. */
const KEYWORDS_BEFORE_GROUP = new Set(['not', 'in', 'if', 'as', 'else', 'some', 'every', 'contains', 'with', 'and', 'or', 'default', 'package', 'import']);

const OPENERS = new Map([[T.LParen, T.RParen], [T.LBracket, T.RBracket], [T.LBrace, T.RBrace]]);

export class Source {
  private readonly lines: LineIndex;
  private readonly starts: number[] = [];
  private readonly images: string[] = [];
  private readonly kinds: (typeof T.LParen)[] = [];
  private readonly pairs = new Map<number, number>();

  constructor(readonly text: string) {
    this.lines = new LineIndex(text);
    const tokens = T.regoLexer.tokenize(text).tokens;
    const stacks = new Map<unknown, number[]>();
    tokens.forEach((token, index) => {
      this.starts.push(token.startOffset);
      this.images.push(token.image);
      this.kinds.push(token.tokenType);
      if (OPENERS.has(token.tokenType)) {
        const stack = stacks.get(token.tokenType) ?? [];
        stack.push(index);
        stacks.set(token.tokenType, stack);
        return;
      }
      for (const [open, close] of OPENERS) {
        if (close !== token.tokenType) continue;
        const opened = stacks.get(open)?.pop();
        if (opened !== undefined) this.pairs.set(opened, index);
      }
    });
  }

  /** The 1-based line of an offset. */
  row(offset: number): number {
    return this.lines.position(Math.max(0, offset)).line;
  }

  /** The line of the last character of a range. */
  endRow(range: Range): number {
    return this.row(Math.max(range.start, range.end - 1));
  }

  slice(range: Range): string {
    return this.text.slice(range.start, range.end);
  }

  /** Whether the token at an offset is literal text of a template string (not an expression in it). */
  isTemplateText(offset: number): boolean {
    const index = this.tokenAtOrAfter(offset);
    const kind = this.kinds[index];
    return this.starts[index] === offset && (kind === T.TemplateText || kind === T.RawTemplateText);
  }

  /** The range from the first `(` at or after an offset to the `)` that closes it. */
  parenthesesAfter(offset: number): Range | undefined {
    const open = this.tokenAtOrAfter(offset);
    if (open >= this.starts.length || this.kinds[open] !== T.LParen) return undefined;
    const close = this.pairs.get(open);
    if (close === undefined) return undefined;
    return { start: this.starts[open], end: this.starts[close] + 1 };
  }

  /** Index of the first token that starts at or after an offset. */
  private tokenAtOrAfter(offset: number): number {
    let low = 0;
    let high = this.starts.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.starts[middle] < offset) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /**
   * Whether a term was written inside grouping parentheses, as in `((a | b))` or `[(x + 1) | ...]`.
   * The arguments of a call (`f(x)`) do not count.
   */
  parenthesized(range: Range): boolean {
    const first = this.tokenAtOrAfter(range.start);
    if (first >= this.starts.length || this.starts[first] !== range.start || first === 0) return false;
    const open = first - 1;
    if (this.kinds[open] !== T.LParen) return false;
    const after = this.tokenAtOrAfter(range.end);
    if (this.pairs.get(open) !== after) return false;
    const before = open - 1;
    if (before < 0) return true;
    const kind = this.kinds[before];
    if (kind === T.Identifier) return KEYWORDS_BEFORE_GROUP.has(this.images[before]);
    return kind !== T.RParen && kind !== T.RBracket && kind !== T.StringLiteral;
  }
}
