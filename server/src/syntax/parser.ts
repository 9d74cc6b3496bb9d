/**
 * The chevrotain grammar of Rego. One parser instance is built once and reused for every statement.
 * It produces a concrete syntax tree (CST); `ast/` turns that into the AST. Precedence follows OPA's
 * parser, lowest first: `:=`/`=`, `in`, relations (`==` `!=` `<` `<=` `>` `>=`), `|`, `&`, `+ -`, `* / %`.
 * Layout rules that OPA's hand-written parser applies are expressed with gates: `.`, `[` and `(` continue a
 * ref or call only when glued to what precedes them, and a comprehension is chosen over `|` (set union)
 * when a single term precedes the bar.
 */
import { CstNode, CstParser, IOrAlt, IToken, ParserMethod, TokenType } from 'chevrotain';
import * as T from './tokens';
import type { RegoToken } from './prepare';

const CLOSERS = new Set<TokenType>([T.RBrace, T.RBracket, T.RParen]);
/** Tokens that can stand in a query but never inside a set or object literal. */
const QUERY_ONLY = new Set<TokenType>([T.Semicolon, T.Some, T.Every, T.Not, T.With]);

export class RegoParser extends CstParser {
  // The alternatives of the busiest choices are built once: chevrotain's advice, since an array of
  // closures allocated on every call is a large part of the parser's cost.
  private termAlternatives?: IOrAlt<unknown>[];
  private suffixAlternatives?: IOrAlt<unknown>[];
  private literalAlternatives?: IOrAlt<unknown>[];
  private logicalOperandAlternatives?: IOrAlt<unknown>[];

  /** `and` and `or` are keywords in the module being parsed. */
  logicalKeywords = false;
  /** `not { ... }` negates a query in the module being parsed. */
  negatedQueries = false;

  /** The whole token array of the module being parsed; gates look ahead through it by index. */
  allTokens: RegoToken[] = [];
  /** Index of the first token after the statement being parsed; gates never look past it. */
  limit = 0;

  /**
   * `validate` runs chevrotain's grammar checks (ambiguities, left recursion). They find nothing in a
   * grammar that passed them once and cost about half a second, so the product skips them and a
   * test runs them.
   */
  constructor(validate = false) {
    super(T.parserTokens, { recoveryEnabled: true, nodeLocationTracking: 'onlyOffset', maxLookahead: 3, skipValidations: !validate });
    this.performSelfAnalysis();
  }

  private token(k: number): RegoToken {
    return this.LA(k) as RegoToken;
  }

  /** The next token starts exactly where the previous one ended. */
  private glued(): boolean {
    return this.token(1).adj === true;
  }

  /**
   * A rule of operands joined by an operator, `operand (operator operand)*`, with the children labelled
   * `operands` and `operators` for the AST builder. The operand rule is looked up when the rule runs,
   * since rules are fields defined in order.
   */
  private chain(name: string, operand: () => ParserMethod<[], CstNode>, operator: TokenType): ParserMethod<[], CstNode> {
    return this.RULE(name, () => {
      this.SUBRULE(operand(), { LABEL: 'operands' });
      this.MANY(() => {
        this.CONSUME(operator, { LABEL: 'operators' });
        this.SUBRULE2(operand(), { LABEL: 'operands' });
      });
    });
  }

  private at(i: number): RegoToken | undefined {
    return i < this.limit ? this.allTokens[i] : undefined;
  }

  /** The closing bracket of an opening one, if it lies within the statement. */
  private matchOf(token: RegoToken): number {
    return token.match >= 0 && token.match < this.limit ? token.match : -1;
  }

  /** Index just after the single term that starts at token index `i`, or -1 if none starts there. */
  private skipTerm(i: number): number {
    let token = this.at(i);
    if (!token) return -1;
    if (token.tokenType === T.Minus) token = this.at(++i);
    if (!token) return -1;
    const type = token.tokenType;
    if (type === T.LBracket || type === T.LBrace || type === T.LParen) {
      if (this.matchOf(token) < 0) return -1;
      i = this.matchOf(token) + 1;
    } else if (type === T.Dot) {
      i += 2;
    } else if (type === T.TemplateStart || type === T.RawTemplateStart) {
      // Skip to the end of the template string; templates may nest inside its expressions.
      let depth = 0;
      for (;;) {
        const part = this.at(i++);
        if (!part) return -1;
        if (part.tokenType === T.TemplateStart || part.tokenType === T.RawTemplateStart) depth++;
        else if (tokenMatches(part, T.TemplateEnd) && --depth === 0) break;
      }
    } else if (
      type === T.Identifier || type === T.NumberLiteral || tokenMatches(token, T.StringLiteral) || tokenMatches(token, T.RawString) ||
      type === T.True || type === T.False || type === T.Null
    ) {
      i += 1;
    } else {
      return -1;
    }
    for (;;) {
      const next = this.at(i);
      if (!next || !next.adj) return i;
      if (next.tokenType === T.Dot) {
        i += 2;
      } else if (next.tokenType === T.LBracket || next.tokenType === T.LParen) {
        if (this.matchOf(next) < 0) return -1;
        i = this.matchOf(next) + 1;
      } else {
        return i;
      }
    }
  }

  /**
   * `[x | ...]`, `{x | ...}`, `{k: v | ...}`: a single term followed by a bar starts a comprehension, as in
   * OPA, which tries the comprehension first and falls back to a collection whose element is a set union
   * (`[x | y, 5]`) when the body stops at a comma it cannot take.
   */
  private comprehensionAhead(): boolean {
    const first = this.token(1);
    if (first.idx === undefined) return false;
    const bar = this.skipTerm(first.idx);
    if (bar < 0 || this.at(bar)?.tokenType !== T.Pipe) return false;
    return !this.bodyStopsAtComma(bar + 1);
  }

  /**
   * A comprehension body from token `i` to the closing bracket has a comma outside brackets that no body
   * form takes: in a body a comma only lists the names of `some a, b` or joins `k, v` before `in`
   * (`some k, v in xs`, `k, v in xs`, `every k, v in xs`).
   */
  private bodyStopsAtComma(i: number): boolean {
    let declaring = false;
    for (let token = this.at(i); token && !CLOSERS.has(token.tokenType); token = this.at(++i)) {
      if (token.nl || token.tokenType === T.Semicolon) declaring = false;
      if (token.tokenType === T.Some) declaring = true;
      if (token.tokenType === T.Comma && !declaring) {
        const after = this.skipTerm(i + 1);
        if (after < 0 || this.at(after)?.tokenType !== T.In) return true;
      }
      const inner = this.matchOf(token);
      if (inner > i) i = inner;
    }
    return false;
  }

  /**
   * After `if`, a brace is a body unless it holds an object (a top-level `:`), is empty (`{}` is an empty
   * object), or is a set comprehension: OPA first tries the brace as a single literal and only falls back
   * to a body for a set literal.
   */
  private braceIsBody(k = 1): boolean {
    const brace = this.token(k);
    if (brace.tokenType !== T.LBrace) return false;
    const end = this.matchOf(brace);
    if (end < 0) return true;
    if (end === brace.idx + 1) return false;
    const after = this.skipTerm(brace.idx + 1);
    if (after >= 0 && this.at(after)?.tokenType === T.Pipe) return false;
    for (let i = brace.idx + 1; i < end; i++) {
      const token = this.allTokens[i];
      if (token.tokenType === T.Colon) return false;
      const inner = this.matchOf(token);
      if (inner > i) i = inner;
    }
    return true;
  }

  /**
   * The bracket at LA(k) is the first term of a longer expression: after its closing bracket comes an
   * infix operator, `:=` or `=`, the comma of `k, v in xs`, or a glued `.`, `[` or `(`. OPA reads
   * `p if {1} == x` that way: it parses what follows `if` as one literal and falls back to a braced body
   * only when that literal is a set and nothing else (`parseRules` in OPA's v1/ast/parser.go). A brace
   * that holds `:=`, `;`, `some` or the like cannot be a set, so OPA falls back to a body there and so
   * do we: the mistake is then reported after the body, where OPA reports it.
   */
  private expressionContinuesAfter(k: number): boolean {
    const brace = this.token(k);
    const end = this.matchOf(brace);
    const next = end >= 0 ? this.at(end + 1) : undefined;
    if (next === undefined) return false;
    const type = next.tokenType;
    const continues =
      type === T.Comma || tokenMatches(next, T.BinaryOperator) || tokenMatches(next, T.AssignOperator) ||
      (next.adj === true && (type === T.Dot || type === T.LBracket || type === T.LParen));
    if (!continues) return false;
    for (let i = brace.idx + 1; i < end; i++) {
      const token = this.allTokens[i];
      if (QUERY_ONLY.has(token.tokenType) || tokenMatches(token, T.AssignOperator)) return false;
      const inner = this.matchOf(token);
      if (inner > i) i = inner;
    }
    return true;
  }

  /** The bracket at LA(k) is followed, after its closing bracket, by `and` or `or`. */
  private logicalAfter(k: number): boolean {
    if (!this.logicalKeywords) return false;
    const end = this.matchOf(this.token(k));
    const next = end >= 0 ? this.at(end + 1) : undefined;
    return next !== undefined && (next.tokenType === T.And || next.tokenType === T.Or);
  }

  /** The token before LA(k) is `and`, `or` or `not`. */
  private logicalBefore(k: number): boolean {
    if (!this.logicalKeywords) return false;
    const previous = this.allTokens[this.token(k).idx - 1];
    return previous !== undefined && (previous.tokenType === T.And || previous.tokenType === T.Or || previous.tokenType === T.Not);
  }

  /**
   * The parenthesis at LA(k) groups logical operands rather than a term: it holds `and`, `or` or `with`
   * outside inner brackets, starts with `not`, or wraps such a group.
   */
  private parenIsGroup(k: number): boolean {
    if (!this.logicalKeywords) return false;
    const paren = this.token(k);
    return paren.tokenType === T.LParen && this.groupAt(paren.idx);
  }

  private groupAt(index: number): boolean {
    const paren = this.at(index);
    if (!paren) return false;
    const end = this.matchOf(paren);
    if (end < 0) return false;
    if (this.at(index + 1)?.tokenType === T.Not) return true;
    for (let i = index + 1; i < end; i++) {
      const token = this.allTokens[i];
      const type = token.tokenType;
      if (type === T.And || type === T.Or || type === T.With) return true;
      if (type === T.LParen && i === index + 1 && this.groupAt(i)) return true;
      const inner = this.matchOf(token);
      if (inner > i) i = inner;
    }
    return false;
  }

  /** A comma that is followed by another element rather than by the closing bracket. */
  private commaBeforeElement(): boolean {
    return this.token(1).tokenType === T.Comma && !CLOSERS.has(this.token(2).tokenType);
  }

  public statements = this.RULE('statements', () => {
    this.MANY(() => this.SUBRULE(this.statement));
  });

  public statement = this.RULE('statement', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.packageDecl) },
      { ALT: () => this.SUBRULE(this.importDecl) },
      { ALT: () => this.SUBRULE(this.rule) },
    ]);
  });

  private packageDecl = this.RULE('packageDecl', () => {
    this.CONSUME(T.Package);
    this.SUBRULE(this.path);
  });

  private importDecl = this.RULE('importDecl', () => {
    this.CONSUME(T.Import);
    this.SUBRULE(this.path);
    this.OPTION(() => {
      this.CONSUME(T.As);
      this.CONSUME(T.Identifier, { LABEL: 'alias' });
    });
  });

  /**
   * A path as written after `package` and `import` and as a rule's name: `a.b["c"]`, and for functions
   * `f(x, y)`. Unlike in terms, whitespace may separate the parts (OPA reads heads that way); the AST
   * builder rejects arguments where a path cannot take them.
   */
  private path = this.RULE('path', () => {
    this.CONSUME(T.Identifier, { LABEL: 'head' });
    this.MANY(() => this.SUBRULE(this.suffix));
  });

  private rule = this.RULE('rule', () => {
    this.OPTION(() => this.CONSUME(T.Default));
    this.SUBRULE(this.ruleHead);
    this.OPTION2(() => this.SUBRULE(this.ruleBody));
    this.MANY(() => this.SUBRULE(this.elseClause));
    this.MANY2(() => this.SUBRULE2(this.body, { LABEL: 'extraBody' }));
  });

  private ruleHead = this.RULE('ruleHead', () => {
    this.SUBRULE(this.path, { LABEL: 'name' });
    this.OPTION2(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.Contains);
            this.SUBRULE(this.exprTerm, { LABEL: 'key' });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.AssignOperator, { LABEL: 'operator' });
            this.SUBRULE2(this.exprTerm, { LABEL: 'value' });
          },
        },
      ]);
    });
  });

  /**
   * `if <literal>`, `if { ... }` or (v0) `{ ... }`. `else` shares this rule, though OPA's parseElse reads
   * any brace after `else ... if` as a body: after `else` we accept an object or a brace-led expression
   * that OPA rejects, which costs nothing and keeps one rule.
   */
  private ruleBody = this.RULE('ruleBody', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.If);
          // The gate alone decides (one token of lookahead): deeper lookahead would reject a body with a
          // mistake inside before recovery could read it.
          this.OR2({
            MAX_LOOKAHEAD: 1,
            DEF: [
              // `if { a } or { b }` is one logical literal, not a body followed by more, and `if {1} == x`
              // is one literal whose first term is a set.
              { GATE: () => this.braceIsBody() && !this.logicalAfter(1) && !this.expressionContinuesAfter(1), ALT: () => this.SUBRULE(this.body) },
              { ALT: () => this.SUBRULE(this.literal) },
            ],
          });
        },
      },
      { ALT: () => this.SUBRULE2(this.body) },
    ]);
  });

  private elseClause = this.RULE('elseClause', () => {
    this.CONSUME(T.Else);
    this.OPTION(() => {
      this.CONSUME(T.AssignOperator, { LABEL: 'operator' });
      this.SUBRULE(this.exprTerm, { LABEL: 'value' });
    });
    this.OPTION2(() => this.SUBRULE(this.ruleBody));
  });

  private body = this.RULE('body', () => {
    this.CONSUME(T.LBrace);
    this.SUBRULE(this.query);
    this.CONSUME(T.RBrace);
  });

  /** Literals separated by `;` or line breaks (line breaks are checked when the AST is built). */
  private query = this.RULE('query', () => {
    this.MANY(() => {
      this.SUBRULE(this.literal);
      this.OPTION(() => this.CONSUME(T.Semicolon));
    });
  });

  private literal = this.RULE('literal', () => {
    this.OR((this.literalAlternatives ??= [
      {
        // `not some ...` and `not every ...` are read, then reported: they cannot be negated.
        ALT: () => {
          this.OPTION3(() => this.CONSUME3(T.Not, { LABEL: 'illegalNot' }));
          this.SUBRULE(this.someDecl);
        },
      },
      {
        ALT: () => {
          this.OPTION4(() => this.CONSUME4(T.Not, { LABEL: 'illegalNot' }));
          this.SUBRULE(this.everyExpr);
        },
      },
      {
        // With `and`/`or` imported, a literal is a logical expression over operands.
        GATE: () => this.logicalKeywords,
        ALT: () => this.SUBRULE(this.disjunction),
      },
      {
        // `not { a; b }` negates a whole query (`import future.keywords.not`, or `rego.v2`).
        GATE: () => this.token(1).tokenType === T.Not && this.negatedQueries && this.braceIsBody(2),
        ALT: () => {
          this.CONSUME2(T.Not);
          this.SUBRULE(this.body, { LABEL: 'negatedBody' });
        },
      },
      {
        // An expression: `left`, or `left := right` / `left = right`.
        ALT: () => {
          this.OPTION(() => this.CONSUME(T.Not));
          this.SUBRULE(this.exprTerm, { LABEL: 'left' });
          this.OPTION2(() => {
            this.CONSUME(T.AssignOperator, { LABEL: 'operator' });
            this.SUBRULE2(this.exprTerm, { LABEL: 'right' });
          });
        },
      },
    ]));
    this.MANY(() => this.SUBRULE(this.withModifier));
  });

  /** `a or b or c`: operands joined by `or`, each a conjunction (`and` binds tighter). */
  private disjunction = this.chain('disjunction', () => this.conjunction, T.Or);

  private conjunction = this.chain('conjunction', () => this.logicalOperand, T.And);

  /**
   * An operand of `and`/`or`: a negated query `not { ... }`, a group `( ... )` (negated or not), a query
   * block `{ ... }` (a brace-led operand next to `and`/`or` is a query, as OPA reads it), or an expression.
   */
  private logicalOperand = this.RULE('logicalOperand', () => {
    this.OR((this.logicalOperandAlternatives ??= [
      {
        GATE: () => this.token(1).tokenType === T.Not && this.negatedQueries && this.braceIsBody(2),
        ALT: () => {
          this.CONSUME(T.Not, { LABEL: 'negatedBlock' });
          this.SUBRULE(this.body, { LABEL: 'block' });
        },
      },
      {
        GATE: () => this.token(1).tokenType === T.Not && this.parenIsGroup(2),
        ALT: () => {
          this.CONSUME2(T.Not, { LABEL: 'negatedGroup' });
          this.SUBRULE(this.logicalGroup, { LABEL: 'group' });
        },
      },
      { GATE: () => this.parenIsGroup(1), ALT: () => this.SUBRULE2(this.logicalGroup, { LABEL: 'group' }) },
      {
        GATE: () => this.token(1).tokenType === T.LBrace && (this.logicalAfter(1) || this.logicalBefore(1)),
        ALT: () => this.SUBRULE2(this.body, { LABEL: 'block' }),
      },
      {
        ALT: () => {
          this.OPTION(() => this.CONSUME3(T.Not));
          this.SUBRULE(this.exprTerm, { LABEL: 'left' });
          this.OPTION2(() => {
            this.CONSUME(T.AssignOperator, { LABEL: 'operator' });
            this.SUBRULE2(this.exprTerm, { LABEL: 'right' });
          });
        },
      },
    ]));
  });

  /** `( a or b )`, `( x with input as 1 )`. */
  private logicalGroup = this.RULE('logicalGroup', () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.disjunction);
    this.MANY(() => this.SUBRULE(this.withModifier));
    this.CONSUME(T.RParen);
  });

  /** `some x, y`, `some x in xs`, `some k, v in xs`. */
  private someDecl = this.RULE('someDecl', () => {
    this.CONSUME(T.Some);
    this.SUBRULE(this.binary, { LABEL: 'symbols' });
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.binary, { LABEL: 'symbols' });
    });
  });

  /** `every x in xs { ... }`, `every k, v in xs { ... }`. */
  private everyExpr = this.RULE('everyExpr', () => {
    this.CONSUME(T.Every);
    this.SUBRULE(this.binary, { LABEL: 'symbols' });
    this.OPTION(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.binary, { LABEL: 'symbols' });
    });
    this.SUBRULE(this.body);
  });

  private withModifier = this.RULE('withModifier', () => {
    this.CONSUME(T.With);
    this.SUBRULE(this.term, { LABEL: 'target' });
    this.CONSUME(T.As);
    this.SUBRULE(this.exprTerm, { LABEL: 'value' });
  });

  /** A term with infix operators where `k, v in xs` is allowed (expression level). */
  private exprTerm = this.RULE('exprTerm', () => {
    this.SUBRULE(this.binary, { LABEL: 'operands' });
    this.OPTION(() => {
      this.CONSUME(T.Comma, { LABEL: 'keyValue' });
      this.SUBRULE2(this.binary, { LABEL: 'operands' });
    });
  });

  /**
   * Terms joined by infix operators, kept flat: the AST builder applies precedence. One flat rule
   * instead of a rule per precedence level keeps the CST small, which is most of the parser's cost.
   */
  private binary = this.chain('binary', () => this.term, T.BinaryOperator);

  /** A comprehension's head: a single term, as OPA's parser takes it (`[x * 2 | ...]` is no comprehension). */
  private comprehensionHead = this.RULE('comprehensionHead', () => {
    this.SUBRULE(this.term, { LABEL: 'operands' });
  });

  /**
   * A primary term followed by glued ref and call suffixes: `a.b[c](d).e`. The primary alternatives are
   * written inline rather than as a rule of their own: every rule invocation costs time and a CST node.
   */
  private term = this.RULE('term', () => {
    this.OR((this.termAlternatives ??= [
      { ALT: () => this.CONSUME(T.Null) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      {
        // `1`, `-1`, `.5`, `-.5e3`.
        ALT: () => {
          this.OPTION(() => this.CONSUME(T.Minus));
          this.OPTION2(() => this.CONSUME(T.Dot));
          this.CONSUME(T.NumberLiteral);
        },
      },
      {
        // `-x`, `-input.n`, `-f(x)`: unary minus on a reference, which OPA reads as `minus(0, x)`.
        ALT: () => {
          this.CONSUME2(T.Minus, { LABEL: 'negate' });
          this.OR2([{ ALT: () => this.CONSUME2(T.Identifier) }, { ALT: () => this.CONSUME2(T.Contains) }]);
        },
      },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.RawString) },
      { ALT: () => this.CONSUME(T.Identifier) },
      // Outside rule heads `contains` is an ordinary name, as in the built-in `contains(s, t)`.
      { ALT: () => this.CONSUME(T.Contains) },
      { ALT: () => this.SUBRULE(this.arrayTerm) },
      { ALT: () => this.SUBRULE(this.braceTerm) },
      { ALT: () => this.SUBRULE(this.templateString) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.exprTerm, { LABEL: 'parenthesized' });
          this.CONSUME(T.RParen);
        },
      },
    ]));
    this.MANY({ GATE: () => this.glued(), DEF: () => this.SUBRULE(this.suffix) });
  });

  private suffix = this.RULE('suffix', () => {
    this.OR((this.suffixAlternatives ??= [
      {
        ALT: () => {
          this.CONSUME(T.Dot);
          this.CONSUME(T.Identifier, { LABEL: 'name' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          this.SUBRULE(this.exprTerm, { LABEL: 'key' });
          this.CONSUME(T.RBracket);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.termList, { LABEL: 'args' });
          this.CONSUME(T.RParen);
        },
      },
    ]));
  });

  /** `$"text {expression} text"` and the raw form with backticks. */
  private templateString = this.RULE('templateString', () => {
    this.OR([{ ALT: () => this.CONSUME(T.TemplateStart) }, { ALT: () => this.CONSUME(T.RawTemplateStart) }]);
    this.MANY(() => {
      this.OR2([
        { ALT: () => this.CONSUME(T.TemplateText) },
        {
          ALT: () => {
            this.CONSUME(T.LBrace);
            this.SUBRULE(this.literal, { LABEL: 'expressions' });
            this.CONSUME(T.RBrace);
          },
        },
      ]);
    });
    this.CONSUME(T.TemplateEnd);
  });

  private arrayTerm = this.RULE('arrayTerm', () => {
    this.CONSUME(T.LBracket);
    this.OR([
      {
        GATE: () => this.comprehensionAhead(),
        ALT: () => {
          this.SUBRULE(this.comprehensionHead, { LABEL: 'head' });
          this.CONSUME(T.Pipe);
          this.SUBRULE(this.query);
        },
      },
      { ALT: () => this.SUBRULE(this.termList, { LABEL: 'items' }) },
    ]);
    this.CONSUME(T.RBracket);
  });

  /** `{}`, sets, objects and their comprehensions. */
  private braceTerm = this.RULE('braceTerm', () => {
    this.CONSUME(T.LBrace);
    this.OR([
      { GATE: () => this.token(1).tokenType === T.RBrace, ALT: () => this.CONSUME(T.RBrace, { LABEL: 'emptyEnd' }) },
      {
        GATE: () => this.comprehensionAhead(),
        ALT: () => {
          this.SUBRULE(this.comprehensionHead, { LABEL: 'head' });
          this.CONSUME(T.Pipe);
          this.SUBRULE(this.query);
          this.CONSUME2(T.RBrace);
        },
      },
      {
        ALT: () => {
          this.OPTION(() => this.CONSUME(T.Comma, { LABEL: 'leadingComma' }));
          this.SUBRULE(this.binary, { LABEL: 'first' });
          this.OR2([
            { ALT: () => this.SUBRULE(this.objectRest) },
            { ALT: () => this.SUBRULE(this.setRest) },
          ]);
        },
      },
    ]);
  });

  private objectRest = this.RULE('objectRest', () => {
    this.CONSUME(T.Colon);
    this.OR([
      {
        GATE: () => this.comprehensionAhead(),
        ALT: () => {
          this.SUBRULE(this.comprehensionHead, { LABEL: 'value' });
          this.CONSUME(T.Pipe);
          this.SUBRULE(this.query);
        },
      },
      {
        ALT: () => {
          this.SUBRULE(this.binary, { LABEL: 'values' });
          this.MANY({
            GATE: () => this.commaBeforeElement(),
            DEF: () => {
              this.CONSUME(T.Comma);
              this.SUBRULE2(this.binary, { LABEL: 'keys' });
              this.CONSUME2(T.Colon);
              this.SUBRULE3(this.binary, { LABEL: 'values' });
            },
          });
          this.OPTION(() => this.CONSUME2(T.Comma));
        },
      },
    ]);
    this.CONSUME(T.RBrace);
  });

  private setRest = this.RULE('setRest', () => {
    this.MANY({
      GATE: () => this.commaBeforeElement(),
      DEF: () => {
        this.CONSUME(T.Comma);
        this.SUBRULE(this.binary, { LABEL: 'items' });
      },
    });
    this.OPTION(() => this.CONSUME2(T.Comma));
    this.CONSUME(T.RBrace);
  });

  /** Comma-separated items with an optional trailing comma (and, for compatibility, a leading one). */
  private termList = this.RULE('termList', () => {
    this.OPTION(() => this.CONSUME(T.Comma, { LABEL: 'leadingComma' }));
    this.OPTION2(() => {
      this.SUBRULE(this.binary, { LABEL: 'items' });
      this.MANY({
        GATE: () => this.commaBeforeElement(),
        DEF: () => {
          this.CONSUME2(T.Comma);
          this.SUBRULE2(this.binary, { LABEL: 'items' });
        },
      });
      this.OPTION3(() => this.CONSUME3(T.Comma));
    });
  });
}

function tokenMatches(token: IToken, type: TokenType): boolean {
  return token.tokenType === type || (token.tokenType.CATEGORIES?.includes(type) ?? false);
}

let sharedParser: RegoParser | undefined;

/** The one parser instance (building it runs chevrotain's grammar analysis, which is slow). */
export function regoParser(): RegoParser {
  sharedParser ??= new RegoParser();
  return sharedParser;
}

export type { CstNode };
