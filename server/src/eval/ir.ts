/**
 * The compiled form of a policy that the evaluator runs: terms and expressions with names resolved
 * (rule names and imports become `data` refs, built-ins and user functions are bound), local variables
 * renamed apart per scope, and bodies reordered so each expression runs once its inputs are bound.
 * It is produced by analysis/compile.ts from the AST and holds source ranges for messages.
 */
import type { Range } from '../ast/nodes.js';
import type { Builtin } from '../builtins/declaration.js';
import type { Value } from '../value/value.js';

export interface Location {
  file: string;
  range: Range;
}

export type Term =
  | { kind: 'value'; value: Value; range: Range }
  | { kind: 'var'; name: string; range: Range }
  | { kind: 'root'; name: 'data' | 'input'; range: Range }
  | { kind: 'ref'; head: Term; path: Term[]; range: Range }
  | { kind: 'array'; items: Term[]; range: Range }
  | { kind: 'set'; items: Term[]; range: Range }
  | { kind: 'object'; entries: [Term, Term][]; range: Range }
  | { kind: 'arraycomp'; head: Term; body: Body; range: Range }
  | { kind: 'setcomp'; head: Term; body: Body; range: Range }
  | { kind: 'objectcomp'; key: Term; value: Term; body: Body; range: Range }
  /** `output`: the last argument receives the result (`count(xs, n)`), decided once by the compiler. */
  | { kind: 'call'; target: CallTarget; args: Term[]; output: boolean; range: Range }
  | { kind: 'template'; parts: (Term | Body)[]; range: Range };

/** What a call runs: a built-in, a user function at a data path, or a local variable holding neither. */
export type CallTarget =
  | { kind: 'builtin'; name: string; builtin: Builtin }
  | { kind: 'function'; name: string; path: string[] }
  /** A name that resolves to nothing (reported by the compiler; kept so analysis can continue). */
  | { kind: 'unknown'; name: string };

export type Operation =
  | { kind: 'term'; term: Term }
  | { kind: 'unify'; left: Term; right: Term; declare: boolean }
  | { kind: 'some' }
  | { kind: 'somein'; key?: Term; value: Term; domain: Term }
  | { kind: 'every'; key?: Term; value: Term; domain: Term; body: Body }
  | { kind: 'query'; body: Body }
  | { kind: 'logical'; operator: 'and' | 'or'; left: Body; right: Body };

export interface With {
  /** `input`, `data` or a function/built-in name, and the path below `input`/`data`. */
  target: { kind: 'input' | 'data'; path: string[] } | { kind: 'function'; name: string; path?: string[] };
  value: Term;
  /** When the value names a function or built-in (`with count as my_count`), what to call instead. */
  function?: CallTarget;
  range: Range;
}

export interface Expr {
  operation: Operation;
  negated: boolean;
  with: With[];
  range: Range;
  /** Position in the source body, for reporting expression values in source order. */
  index: number;
  /** The expression as written, for messages and query results. */
  text: string;
}

export type Body = Expr[];

export type RuleKind = 'complete' | 'multi' | 'object' | 'function';

export interface Rule {
  kind: RuleKind;
  /** Full data path of the rule's ground prefix: ['data', 'pkg', 'p']. */
  path: string[];
  /** Ref parts after the ground prefix (object rules): `p[x].y := v` has [x, "y"]. */
  suffix: Term[];
  /** The set element of a multi-value rule. */
  key?: Term;
  value: Term;
  args?: Term[];
  body: Body;
  isDefault: boolean;
  else?: Rule;
  file: string;
  range: Range;
  /** Range of the head, for messages. */
  headRange: Range;
}

/** The rules that define the document at one data path, and the paths below it. */
export class RuleNode {
  readonly children = new Map<string, RuleNode>();
  readonly rules: Rule[] = [];
  /** Whether any rule is defined at or below this node. */
  hasRules = false;

  constructor(readonly path: string[]) {}

  child(name: string): RuleNode {
    let node = this.children.get(name);
    if (!node) {
      node = new RuleNode([...this.path, name]);
      this.children.set(name, node);
    }
    return node;
  }

  find(path: readonly string[]): RuleNode | undefined {
    let node: RuleNode | undefined = this;
    for (const part of path) {
      node = node.children.get(part);
      if (!node) return undefined;
    }
    return node;
  }
}
