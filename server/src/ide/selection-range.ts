/**
 * Smart selection: for an offset, the ranges an editor grows the selection through, innermost first.
 * A name grows to its term, to the longer prefixes of its ref (`a.b` in `a.b.c`), its expression, the
 * literals of its body, the braces around them, the rule (then the rule with its `# METADATA` block) and
 * the module. Every range strictly contains the one before it. Candidates come from the tree and from
 * bracket pairs of the tokens, so a selection still grows sensibly through code with syntax errors.
 */
import type { Body, Expr, Module, Range, Rule, Term } from '../ast/nodes';
import * as T from '../syntax/tokens';
import { prepareTokens, type RegoToken } from '../syntax/prepare';

/** Tokens after which a glued `(` or `[` continues a call or a ref. */
const CONTINUED = new Set([T.Identifier, T.RBracket, T.RParen, T.RBrace, T.StringLiteral]);

/** Ranges around `offset`, innermost first, each strictly containing the previous one. */
export function selectionRanges(document: { text: string; module: Module }, offset: number): Range[] {
  const { text, module } = document;
  const at = Math.max(0, Math.min(offset, text.length));
  const tokens = tokensOf(text, module.regoVersion);
  const candidates: Range[] = [];
  let seed: Range = { start: at, end: at };

  const comment = module.comments.find((item) => item.range.start <= at && at <= item.range.end);
  if (comment) {
    const word = wordAt(text, at, comment.range);
    if (word) candidates.push(word);
    candidates.push(comment.range);
    seed = word ?? comment.range;
    for (const annotation of module.annotations) candidates.push(annotation.range);
  } else {
    const token = tokenAt(tokens, at);
    if (token) {
      const whole = { start: token.startOffset, end: token.startOffset + token.image.length };
      seed = whole;
      candidates.push(whole);
      // Inside quotes, the word and then the text of the string come before the whole literal.
      const quoted = isString(token);
      if (quoted && token.image.length > 2 && whole.start < at && at < whole.end) {
        const contents = { start: whole.start + 1, end: whole.end - 1 };
        const word = wordAt(text, at, contents);
        candidates.push(contents);
        if (word) candidates.push(word);
        seed = word ?? contents;
      }
    }
  }

  // Bracket pairs, which hold bodies (`{ ... }` has no node of its own) and survive syntax errors. The
  // brackets of a call or of a ref part (`f(x)`, `a[0]`) are skipped: the call or the ref is the next step.
  for (const token of tokens) {
    if (token.match < 0) continue;
    const previous = tokens[token.idx - 1];
    if (token.tokenType !== T.LBrace && token.adj && previous && CONTINUED.has(previous.tokenType)) continue;
    const close = tokens[token.match];
    candidates.push({ start: token.startOffset, end: close.startOffset + 1 });
  }

  const collector = new Collector(text, seed, candidates);
  if (module.package) {
    collector.add(module.package.range);
    // The path without `package`: its first term is `data`, placed at the first written part.
    const path = module.package.path ?? [];
    if (path.length > 1) {
      collector.add({ start: path[1].range.start, end: path[path.length - 1].range.end });
      collector.refPrefixes(path.slice(1), { start: path[1].range.start, end: path[path.length - 1].range.end });
    }
  }
  for (const imported of module.imports) {
    if (!collector.holds(imported.range)) continue;
    collector.add(imported.range);
    if (imported.path) collector.term(imported.path);
    if (imported.alias) collector.term(imported.alias);
  }
  for (const rule of module.rules) {
    if (collector.holds(rule.range)) collector.rule(rule);
    const annotation = rule.annotations?.[0];
    if (annotation) collector.add({ start: Math.min(annotation.range.start, rule.range.start), end: rule.range.end });
  }
  candidates.push({ start: 0, end: text.length });

  return chain(candidates, seed);
}

/**
 * The tokens of the last text asked about. An editor asks again for the same text as the cursor moves
 * or as several cursors expand, and lexing is most of the cost of an answer.
 */
let lastTokens: { text: string; version: string; tokens: RegoToken[] } | undefined;

function tokensOf(text: string, version: 'v0' | 'v1'): RegoToken[] {
  if (lastTokens && lastTokens.text === text && lastTokens.version === version) return lastTokens.tokens;
  const tokens = prepareTokens(T.regoLexer.tokenize(text).tokens, text, version);
  lastTokens = { text, version, tokens };
  return tokens;
}

/** Keeps the candidates holding the seed, smallest first, each strictly containing the one before. */
function chain(candidates: Range[], seed: Range): Range[] {
  const holding = candidates.filter((range) => range.start <= seed.start && seed.end <= range.end);
  holding.sort((a, b) => a.end - a.start - (b.end - b.start) || b.start - a.start);
  const result: Range[] = [];
  for (const range of holding) {
    const previous = result[result.length - 1];
    if (previous) {
      const contains = range.start <= previous.start && previous.end <= range.end;
      const larger = range.end - range.start > previous.end - previous.start;
      if (!contains || !larger) continue;
    }
    result.push(range);
  }
  return result;
}

/** Walks the tree and keeps the ranges that hold the seed. */
class Collector {
  constructor(
    private readonly text: string,
    private readonly seed: Range,
    private readonly out: Range[],
  ) {}

  holds(range: Range | undefined): boolean {
    return range !== undefined && range.start <= this.seed.start && this.seed.end <= range.end;
  }

  add(range: Range): void {
    if (this.holds(range)) this.out.push(range);
  }

  rule(rule: Rule): void {
    this.add(rule.range);
    const head = rule.head;
    if (head) {
      this.add(head.range);
      // The head's name, `a.b.c` in `a.b.c[x] := 1`, and each of its parts.
      const ref = head.ref ?? [];
      if (ref.length > 0) {
        for (const term of ref) this.term(term);
        const whole = { start: ref[0].range.start, end: closingBracketEnd(this.text, ref[ref.length - 1].range.end) };
        this.add(whole);
        this.refPrefixes(ref, whole);
      }
      for (const term of head.args ?? []) this.term(term);
      if (head.key) this.term(head.key);
      if (head.value && !head.generatedValue) this.term(head.value);
    }
    this.body(rule.body);
    if (rule.else) this.rule(rule.else);
  }

  body(body: Body | undefined): void {
    const written = (body ?? []).filter((expr) => !expr.generated);
    if (written.length === 0) return;
    this.add({ start: written[0].range.start, end: written[written.length - 1].range.end });
    for (const expr of written) this.expr(expr);
  }

  expr(expr: Expr): void {
    if (!this.holds(expr.range)) return;
    this.add(expr.range);
    const terms = expr.terms;
    if (!terms) return;
    switch (terms.type) {
      case 'some':
        this.add(terms.range);
        for (const symbol of terms.symbols) this.term(symbol);
        break;
      case 'every':
        this.add(terms.range);
        if (terms.key) this.term(terms.key);
        this.term(terms.value);
        this.term(terms.domain);
        this.body(terms.body);
        break;
      case 'query':
        this.add(terms.range);
        this.body(terms.body);
        break;
      case 'logical':
        this.add(terms.range);
        this.expr(terms.left);
        this.expr(terms.right);
        break;
      default:
        this.term(terms);
    }
    for (const modifier of expr.with) {
      if (!this.holds(modifier.range)) continue;
      this.add(modifier.range);
      this.term(modifier.target);
      this.term(modifier.value);
    }
  }

  term(term: Term | undefined): void {
    if (!term || !this.holds(term.range)) return;
    this.add(term.range);
    switch (term.type) {
      case 'ref':
        for (const part of term.terms) this.term(part);
        this.refPrefixes(term.terms, term.range);
        break;
      case 'array':
      case 'set':
        this.span(term.items);
        for (const item of term.items) this.term(item);
        break;
      case 'object':
        if (term.entries.length > 0) this.add({ start: term.entries[0][0].range.start, end: term.entries[term.entries.length - 1][1].range.end });
        for (const [key, value] of term.entries) {
          this.term(key);
          this.term(value);
          // A key with its value, `"a": 1`.
          this.add({ start: key.range.start, end: value.range.end });
        }
        break;
      case 'arraycomprehension':
      case 'setcomprehension':
        this.term(term.head);
        this.body(term.body);
        break;
      case 'objectcomprehension':
        this.term(term.key);
        this.term(term.value);
        this.body(term.body);
        break;
      case 'call':
        if (!term.infix) {
          this.term(term.operator);
          this.span(term.args);
        }
        for (const arg of term.args) this.term(arg);
        break;
      case 'templatestring':
        for (const part of term.parts) {
          if (part.type === 'expr') this.expr(part);
          else this.term(part);
        }
        break;
    }
  }

  /** The items of a list together, `1, 2` in `[1, 2]`. */
  span(items: Term[]): void {
    if (items.length > 0) this.add({ start: items[0].range.start, end: items[items.length - 1].range.end });
  }

  /** `a.b` and `a.b[c]` within `a.b[c].d`: each prefix of a ref that ends before one of its later parts. */
  refPrefixes(parts: Term[], whole: Range): void {
    for (let i = 1; i < parts.length; i++) {
      let end = parts[i].range.start - 1;
      while (end > whole.start && /\s/.test(this.text[end])) end--;
      // `end` is now at the `.` or `[` that introduces part i; a string in brackets starts right after `[`.
      if (this.text[end] !== '.' && this.text[end] !== '[') continue;
      const prefix = trimmed(this.text, { start: whole.start, end });
      if (prefix.end > prefix.start) this.add(prefix);
    }
  }
}

/** The token under the offset; at the boundary of two tokens, a name or literal wins over punctuation. */
function tokenAt(tokens: RegoToken[], offset: number): RegoToken | undefined {
  let low = 0;
  let high = tokens.length - 1;
  // The last token starting at or before the offset.
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (tokens[middle].startOffset <= offset) low = middle;
    else high = middle - 1;
  }
  const candidates = [tokens[low - 1], tokens[low]].filter(
    (token): token is RegoToken => token !== undefined && token.startOffset <= offset && offset <= token.startOffset + token.image.length && token.image.length > 0,
  );
  if (candidates.length === 0) return undefined;
  candidates.sort((a, b) => weight(b, offset) - weight(a, offset));
  return candidates[0];
}

function weight(token: RegoToken, offset: number): number {
  const inside = token.startOffset <= offset && offset < token.startOffset + token.image.length;
  return (isWordLike(token) ? 2 : 0) + (inside ? 1 : 0);
}

function isWordLike(token: RegoToken): boolean {
  const type = token.tokenType;
  return type === T.Identifier || type === T.NumberLiteral || isString(token) || type.CATEGORIES?.includes(T.Keyword) === true;
}

/** A quoted string, whole (`"..."`, `` `...` ``), not a part of a template string. */
function isString(token: RegoToken): boolean {
  const type = token.tokenType;
  return type === T.StringLiteral || type === T.RawString || type.CATEGORIES?.includes(T.StringLiteral) === true || type.CATEGORIES?.includes(T.RawString) === true;
}

/** The word under the offset inside a comment. */
function wordAt(text: string, offset: number, within: Range): Range | undefined {
  const isWord = (index: number) => index >= within.start && index < within.end && /[\p{L}\p{Nd}_]/u.test(text[index]);
  let start = offset;
  let end = offset;
  while (isWord(start - 1)) start--;
  while (isWord(end)) end++;
  return end > start ? { start, end } : undefined;
}

/** The end of a ref part written in brackets includes its `]`. */
function closingBracketEnd(text: string, end: number): number {
  let index = end;
  while (index < text.length && /\s/.test(text[index])) index++;
  return text[index] === ']' ? index + 1 : end;
}

function trimmed(text: string, range: Range): Range {
  let { start, end } = range;
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return { start, end };
}
