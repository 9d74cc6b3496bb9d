/**
 * The Rego AST, named with OPA's vocabulary (Module, Package, Import, Rule, Head, Expr, Term, Ref, ...).
 * Every node carries the source range it came from, as character offsets [start, end) into the text.
 * Nodes are plain data: no methods, no parent links, so they can be cached, shifted and serialised.
 * After a syntax error a node may be partial; fields that the parser could not fill are absent,
 * and a term it could not read at all is an `error` term.
 */

export interface Range {
  start: number;
  end: number;
}

interface NodeBase {
  range: Range;
}

export interface NullTerm extends NodeBase { type: 'null' }
export interface BooleanTerm extends NodeBase { type: 'boolean'; value: boolean }
/** Numbers keep their source text: Rego numbers have arbitrary precision. */
export interface NumberTerm extends NodeBase { type: 'number'; text: string }
export interface StringTerm extends NodeBase { type: 'string'; value: string; raw?: boolean }
export interface VarTerm extends NodeBase { type: 'var'; name: string }
/** `head.a[b]`: the head term (a var, a composite or a call) and the path; `.a` appears as a string term. */
export interface RefTerm extends NodeBase { type: 'ref'; terms: Term[] }
export interface ArrayTerm extends NodeBase { type: 'array'; items: Term[] }
export interface SetTerm extends NodeBase { type: 'set'; items: Term[] }
export interface ObjectTerm extends NodeBase { type: 'object'; entries: [Term, Term][] }
export interface ArrayComprehension extends NodeBase { type: 'arraycomprehension'; head: Term; body: Body }
export interface SetComprehension extends NodeBase { type: 'setcomprehension'; head: Term; body: Body }
export interface ObjectComprehension extends NodeBase { type: 'objectcomprehension'; key: Term; value: Term; body: Body }
/**
 * A call of a function or an operator. Operators are calls of their built-in names, as in OPA:
 * `a + b` is `plus(a, b)` with `infix: '+'`; `x in xs` is `internal.member_2(x, xs)`.
 */
export interface CallTerm extends NodeBase {
  type: 'call';
  operator: RefTerm;
  args: Term[];
  infix?: string;
  /** `-x`: unary minus on a reference or call, read as `minus(0, x)` (OPA's reading); printed as written. */
  unary?: boolean;
}
/**
 * `$"Hello {input.name}!"`: text parts and expressions. A constant expression (string, number, boolean,
 * null) is kept as its term, as OPA does; any other is an Expr.
 */
export interface TemplateStringTerm extends NodeBase { type: 'templatestring'; raw: boolean; parts: (Term | Expr)[] }
/** Where the parser could not read a term. */
export interface ErrorTerm extends NodeBase { type: 'error' }

export type Term =
  | NullTerm
  | BooleanTerm
  | NumberTerm
  | StringTerm
  | VarTerm
  | RefTerm
  | ArrayTerm
  | SetTerm
  | ObjectTerm
  | ArrayComprehension
  | SetComprehension
  | ObjectComprehension
  | CallTerm
  | TemplateStringTerm
  | ErrorTerm;

/** `some x, y` (symbols are vars) or `some x in xs` / `some k, v in xs` (one membership call). */
export interface SomeDecl extends NodeBase { type: 'some'; symbols: Term[] }
export interface Every extends NodeBase { type: 'every'; key?: Term; value: Term; domain: Term; body: Body }
/** `not { a; b }`: a negated query (Rego v2, `import rego.v2`). */
export interface Query extends NodeBase { type: 'query'; body: Body }
export interface With extends NodeBase { type: 'with'; target: Term; value: Term }
/**
 * `a and b`, `a or b` (`import future.keywords.and` / `.or`): succeeds or fails, producing no value.
 * Each side is an expression: a term, a query block (`{ ... }`), a group or another logical expression.
 */
export interface Logical extends NodeBase { type: 'logical'; operator: 'and' | 'or'; left: Expr; right: Expr }

/** One literal of a body. Assignments, unifications and calls are call terms (`assign`, `eq`, ...). */
export interface Expr extends NodeBase {
  type: 'expr';
  negated: boolean;
  terms: Term | SomeDecl | Every | Query | Logical;
  with: With[];
  /** The parser made this expression up (`true` for rules without a body). */
  generated?: boolean;
}

export type Body = Expr[];

export interface Head extends NodeBase {
  type: 'head';
  /** The rule's name as a ref: `p` is [var p]; `a.b[x]` is [var a, string b, var x]. */
  ref: Term[];
  args?: Term[];
  /** The key of a multi-value (partial set) rule: `p contains key`, v0 `p[key]`. */
  key?: Term;
  value?: Term;
  /** `:=` rather than `=`. */
  assign: boolean;
  contains: boolean;
  /** The value was not written (`p if ...` has value `true`). */
  generatedValue?: boolean;
}

export interface Rule extends NodeBase {
  type: 'rule';
  default: boolean;
  head: Head;
  body: Body;
  /** Which keyword introduced the body: `if`, a bare brace (v0), or none (a rule without a body). */
  bodyStyle: 'if' | 'brace' | 'none';
  else?: Rule;
  annotations?: Annotation[];
}

export interface Package extends NodeBase {
  type: 'package';
  /** `data` followed by the path segments, as OPA stores it: `package a.b` is data.a.b. */
  path: Term[];
  annotations?: Annotation[];
}

export interface Import extends NodeBase {
  type: 'import';
  path: RefTerm;
  alias?: VarTerm;
}

export interface Comment extends NodeBase {
  type: 'comment';
  /** The text after `#`. */
  text: string;
}

/** A `# METADATA` block: YAML inside comments, attached to the package or rule below it. */
export interface Annotation extends NodeBase {
  type: 'annotation';
  scope?: string;
  title?: string;
  description?: string;
  /** Every key of the YAML document, as parsed. */
  fields: Record<string, unknown>;
}

export interface Module extends NodeBase {
  type: 'module';
  package?: Package;
  imports: Import[];
  rules: Rule[];
  comments: Comment[];
  annotations: Annotation[];
  regoVersion: 'v0' | 'v1';
}

export type Node = Module | Package | Import | Rule | Head | Expr | SomeDecl | Every | Query | Logical | With | Term | Comment | Annotation;

/** A problem found while reading the text, with OPA's error code. */
export interface ParseError {
  code: 'rego_parse_error';
  message: string;
  range: Range;
  /** Another place the message refers to, such as the bracket that is never closed. */
  related?: { range: Range; message: string };
}
