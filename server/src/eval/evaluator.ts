/**
 * The top-down evaluator: runs compiled bodies (eval/ir.ts) against base data and input with
 * backtracking. Each step calls a continuation for every way it can succeed; a continuation returns
 * true to stop early (negation, `every` and existence checks only need one solution). Bindings live
 * in one map per rule or query and are undone after each continuation, so no state leaks between
 * alternatives. No I/O happens here: time and randomness come through the built-in context, and
 * every evaluation checks a step budget, a deadline and a cancellation signal.
 */
import type { Range } from '../ast/nodes.js';
import { BuiltinError, type Builtin, type BuiltinContext, type Environment } from '../builtins/declaration.js';
import { builtinNamed } from '../builtins/index.js';
import type { CompiledPolicy } from '../analysis/compile.js';
import { ObjectValue, SetValue, canonical, equal, valueText, type Value } from '../value/value.js';
import type { Body, CallTarget, Expr, Rule, RuleNode, Term, With } from './ir.js';

export type EvalErrorCode =
  | 'eval_conflict_error'
  | 'eval_type_error'
  | 'eval_builtin_error'
  | 'eval_cancel_error'
  | 'eval_internal_error'
  | 'eval_recursion_error';

export class EvalError extends Error {
  constructor(
    readonly code: EvalErrorCode,
    message: string,
    readonly file?: string,
    readonly range?: Range,
  ) {
    super(message);
  }
}

/** Why one rule definition did not produce a value. */
export interface Explanation {
  file: string;
  /** The head of the definition (or `else` clause). */
  ruleRange: Range;
  /** The first expression that never succeeded. */
  range: Range;
  negated: boolean;
  /** The operands of that expression and their values when it last failed (undefined: no value). */
  operands: { range: Range; value: Value | undefined }[];
}

export interface PrintLine {
  text: string;
  file: string;
  range: Range;
}

export interface EvalLimits {
  /** Wall-clock deadline (ms since epoch). */
  deadline?: number;
  /** Maximum number of evaluation steps. */
  maxSteps?: number;
  signal?: AbortSignal;
}

export interface EvaluatorOptions extends EvalLimits {
  strictBuiltinErrors?: boolean;
  environment: Environment;
  print?: (line: PrintLine) => void;
  /**
   * Called with each expression as evaluation enters it, and with a rule's head when the rule produces
   * a value, for coverage reports (as OPA's cover tracer counts Eval and Exit events).
   */
  coverage?: (file: string, range: Range) => void;
}

type Frame = Map<string, Value>;
type Next = () => boolean;

const UNDEFINED = Symbol('undefined');
const NOT_SIMPLE = Symbol('not simple');
const IN_PROGRESS = Symbol('in progress');
type Cached = Value | typeof UNDEFINED | typeof IN_PROGRESS;

interface State {
  input: Value | undefined;
  data: Value;
  /** `with data.x as v`: replaced documents by their path (`data.x`). */
  overrides: Map<string, Value> | undefined;
  /** `with f as g`: replaced functions by name or path. */
  mocks: Map<string, { value?: Value; target?: CallTarget }> | undefined;
  cache: Map<unknown, Cached>;
}

export class Evaluator {
  private state: State;
  private steps = 0;
  private readonly maxSteps: number;
  private file = '';
  private depth = 0;
  readonly builtinErrors: EvalError[] = [];
  private readonly context: BuiltinContext;
  private nowNs: bigint | undefined;
  /** Read once, so evaluation without coverage pays one field check per expression. */
  private readonly coverage: ((file: string, range: Range) => void) | undefined;

  constructor(
    private readonly policy: CompiledPolicy,
    data: Value,
    input: Value | undefined,
    private readonly options: EvaluatorOptions,
  ) {
    this.state = { input, data, overrides: undefined, mocks: undefined, cache: new Map() };
    this.maxSteps = options.maxSteps ?? Number.POSITIVE_INFINITY;
    this.coverage = options.coverage;
    const queryCache = new Map<string, unknown>();
    this.context = {
      nowNs: () => (this.nowNs ??= options.environment.now()),
      randomInt: (n) => Math.floor(options.environment.random() * n),
      queryCache,
      environment: options.environment,
      call: (name, args) => {
        const builtin = builtinNamed(name);
        return builtin ? builtin.impl(args, this.context) : undefined;
      },
    };
  }

  // -------------------------------------------------------------------------------------------
  // Queries

  /** Runs a query body; calls `onResult` with the frame and expression values of each solution. */
  query(body: Body, file: string, onResult: (frame: Frame, values: Value[]) => void): void {
    this.file = file;
    const frame: Frame = new Map();
    const values: Value[] = new Array(body.length).fill(true);
    const run = (index: number): boolean => {
      if (index === body.length) {
        onResult(frame, values);
        return false;
      }
      const expr = body[index];
      const operation = expr.operation;
      if (!expr.negated && operation.kind === 'term' && expr.with.length === 0 && !(operation.term.kind === 'call' && operation.term.output)) {
        this.tick();
        // As in OPA, a query expression that is a plain term (`data.x.allow`) reports its value even
        // when it is false; only calls (`x > 1`) must hold.
        const mustHold = operation.term.kind === 'call';
        return this.evalTerm(operation.term, frame, (value) => {
          if (value === false && mustHold) return false;
          values[expr.index] = value;
          return run(index + 1);
        });
      }
      return this.evalExpr(expr, frame, () => {
        values[expr.index] = true;
        return run(index + 1);
      });
    };
    this.guard(() => run(0));
  }

  /**
   * Why the rules at a path are undefined: for each definition (and each `else` clause), the first
   * expression in evaluation order that never succeeded, with the values its operands had when it
   * last failed. Definitions that do succeed are left out.
   */
  explain(path: string[]): Explanation[] {
    const node = this.policy.root.find(path.slice(1));
    const explanations: Explanation[] = [];
    if (!node) return explanations;
    this.guard(() => {
      for (const rule of node.rules) {
        if (rule.isDefault || rule.kind === 'function') continue;
        for (let clause: Rule | undefined = rule; clause; clause = clause.else) {
          const current = clause;
          this.withRule(current, () => {
            const failure = this.firstFailure(current.body);
            if (failure) explanations.push({ file: current.file, ruleRange: current.headRange, ...failure });
          });
        }
      }
    });
    return explanations;
  }

  /**
   * The value of one definition of a complete rule on its own (with its else chain), or undefined.
   * `opa test` runs each definition of a test as its own test, so they must not be merged.
   */
  definitionValue(rule: Rule): Value | undefined {
    let value: Value | undefined;
    this.guard(() => {
      value = this.singleValue([rule], [], 'complete rules must not produce multiple outputs', undefined);
    });
    return value;
  }

  /**
   * The keys of a partial object rule reached once the first `cut` expressions of its body succeed: the
   * test cases `opa test` counts as entered, whether or not the rest of the body then holds.
   */
  reachedKeys(rule: Rule, cut: number): Value[][] {
    const reached: Value[][] = [];
    this.guard(() =>
      this.withRule(rule, () => {
        const frame: Frame = new Map();
        this.evalBody(rule.body.slice(0, cut), 0, frame, () =>
          this.evalTerms(rule.suffix, 0, [], frame, (keys) => {
            reached.push(keys);
            return false;
          }),
        );
      }),
    );
    return reached;
  }

  private firstFailure(body: Body): Omit<Explanation, 'file' | 'ruleRange'> | undefined {
    const frame: Frame = new Map();
    let deepest = -1;
    let snapshot: Frame = frame;
    const run = (index: number): boolean => {
      if (index === body.length) return true;
      if (index > deepest) {
        deepest = index;
        snapshot = new Map(frame);
      }
      return this.evalExpr(body[index], frame, () => run(index + 1));
    };
    if (run(0) || deepest < 0) return undefined;
    const expr = body[deepest];
    const operands: { range: Range; value: Value | undefined }[] = [];
    const operation = expr.operation;
    const terms: Term[] = [];
    if (operation.kind === 'term') {
      const term = operation.term;
      if (term.kind === 'call') terms.push(...term.args);
      else terms.push(term);
    } else if (operation.kind === 'unify') {
      terms.push(operation.left, operation.right);
    } else if (operation.kind === 'somein' || operation.kind === 'every') {
      terms.push(operation.domain);
    }
    for (const term of terms) {
      if (term.kind === 'value') continue;
      let value: Value | undefined;
      try {
        this.evalTerm(term, snapshot, (result) => {
          value = result;
          return true;
        });
      } catch (error) {
        if (!(error instanceof EvalError) || error.code === 'eval_cancel_error') throw error;
      }
      operands.push({ range: term.range, value });
    }
    return { range: expr.range, negated: expr.negated, operands };
  }

  private guard(run: () => void): void {
    try {
      run();
    } catch (error) {
      if (error instanceof RangeError && /call stack/i.test(error.message)) {
        throw new EvalError('eval_cancel_error', 'evaluation nested too deeply (recursion too deep for the call stack)', this.file);
      }
      throw error;
    }
  }

  private tick(): void {
    if (++this.steps % 1024 !== 0) return;
    if (this.steps > this.maxSteps) throw new EvalError('eval_cancel_error', `evaluation exceeded its budget of ${this.maxSteps} steps`);
    if (this.options.deadline !== undefined && Date.now() > this.options.deadline) throw new EvalError('eval_cancel_error', 'evaluation timed out');
    if (this.options.signal?.aborted) throw new EvalError('eval_cancel_error', 'evaluation cancelled');
  }

  // -------------------------------------------------------------------------------------------
  // Bodies and expressions

  evalBody(body: Body, index: number, frame: Frame, next: Next): boolean {
    if (index === body.length) return next();
    return this.evalExpr(body[index], frame, () => this.evalBody(body, index + 1, frame, next));
  }

  private evalExpr(expr: Expr, frame: Frame, next: Next): boolean {
    this.tick();
    if (this.coverage !== undefined) this.coverage(this.file, expr.range);
    if (expr.with.length > 0) return this.evalWith(expr, frame, next);
    return this.evalExprInner(expr, frame, next);
  }

  private evalExprInner(expr: Expr, frame: Frame, next: Next): boolean {
    if (expr.negated) {
      const found = this.evalOperation(expr, frame, () => true);
      return found ? false : next();
    }
    return this.evalOperation(expr, frame, next);
  }

  private evalOperation(expr: Expr, frame: Frame, next: Next): boolean {
    const operation = expr.operation;
    switch (operation.kind) {
      case 'term': {
        const term = operation.term;
        if (term.kind === 'call' && term.output) {
          const output = term.args[term.args.length - 1];
          return this.evalCall(term, term.args.slice(0, -1), frame, (value) => this.unifyValue(output, value, frame, next));
        }
        const value = this.simple(term, frame);
        if (value !== NOT_SIMPLE) return value === undefined || value === false ? false : next();
        return this.evalTerm(term, frame, (result) => (result === false ? false : next()));
      }
      case 'unify': {
        if (operation.left.kind === 'var' && !frame.has(operation.left.name)) {
          const value = this.simple(operation.right, frame);
          if (value !== NOT_SIMPLE) return value === undefined ? false : this.unifyValue(operation.left, value, frame, next);
        }
        return this.unify(operation.left, operation.right, frame, next);
      }
      case 'some':
        return next();
      case 'somein':
        return this.evalTerm(operation.domain, frame, (collection) =>
          this.iterate(collection, (key, value) =>
            operation.key ? this.unifyValue(operation.key, key, frame, () => this.unifyValue(operation.value, value, frame, next)) : this.unifyValue(operation.value, value, frame, next),
          ),
        );
      case 'every':
        return this.evalTerm(operation.domain, frame, (collection) => {
          let holds = true;
          this.iterate(collection, (key, value) => {
            const bindThen = (body: Next): boolean => (operation.key ? this.unifyValue(operation.key, key, frame, () => this.unifyValue(operation.value, value, frame, body)) : this.unifyValue(operation.value, value, frame, body));
            const found = bindThen(() => this.evalBody(operation.body, 0, frame, () => true));
            if (!found) holds = false;
            return !found;
          });
          return holds ? next() : false;
        });
      case 'query':
        return this.evalBody(operation.body, 0, frame, next);
      case 'logical': {
        const left = this.evalBody(operation.left, 0, frame, () => true);
        if (operation.operator === 'and') return left && this.evalBody(operation.right, 0, frame, () => true) ? next() : false;
        return left || this.evalBody(operation.right, 0, frame, () => true) ? next() : false;
      }
    }
  }

  /**
   * Evaluates a term that has at most one value without continuations: constants, bound variables,
   * refs into them or into input with every path part known, and built-in calls on such terms. This
   * is the hot path of most bodies; anything else returns NOT_SIMPLE and goes the general way.
   */
  private simple(term: Term, frame: Frame): Value | undefined | typeof NOT_SIMPLE {
    switch (term.kind) {
      case 'value':
        return term.value;
      case 'var': {
        const value = frame.get(term.name);
        return value === undefined ? NOT_SIMPLE : value;
      }
      case 'ref': {
        const head = term.head;
        let current: Value | undefined;
        if (head.kind === 'var') {
          current = frame.get(head.name);
          if (current === undefined) return NOT_SIMPLE;
        } else if (head.kind === 'root' && head.name === 'input') {
          current = this.state.input;
          if (current === undefined) return undefined;
        } else {
          return NOT_SIMPLE;
        }
        const path = term.path;
        for (let i = 0; i < path.length; i++) {
          const part = path[i];
          let key: Value | undefined;
          if (part.kind === 'value') key = part.value;
          else if (part.kind === 'var') {
            key = frame.get(part.name);
            if (key === undefined) return NOT_SIMPLE;
          } else return NOT_SIMPLE;
          current = lookup(current, key);
          if (current === undefined) return undefined;
        }
        return current;
      }
      case 'call': {
        const target = term.target;
        if (target.kind !== 'builtin' || target.builtin.relation || this.state.mocks || target.name === 'print' || target.name === 'internal.print' || term.output) return NOT_SIMPLE;
        const args = term.args;
        const values: Value[] = new Array(args.length);
        for (let i = 0; i < args.length; i++) {
          const value = this.simple(args[i], frame);
          if (value === NOT_SIMPLE) return NOT_SIMPLE;
          if (value === undefined) return undefined;
          values[i] = value;
        }
        let result: Value | undefined;
        this.callBuiltin(target.builtin, values, term.range, (value) => {
          result = value;
          return true;
        });
        return result;
      }
      default:
        return NOT_SIMPLE;
    }
  }

  /** Iterates a collection's keys and values: array indexes, object keys, set elements (as both). */
  private iterate(collection: Value, visit: (key: Value, value: Value) => boolean): boolean {
    if (Array.isArray(collection)) {
      for (let i = 0; i < collection.length; i++) {
        this.tick();
        if (visit(i, collection[i])) return true;
      }
    } else if (collection instanceof ObjectValue) {
      for (const [key, value] of collection.entries()) {
        this.tick();
        if (visit(key, value)) return true;
      }
    } else if (collection instanceof SetValue) {
      for (const value of collection.values()) {
        this.tick();
        if (visit(value, value)) return true;
      }
    }
    return false;
  }

  // -------------------------------------------------------------------------------------------
  // `with`

  private evalWith(expr: Expr, frame: Frame, next: Next): boolean {
    const modifiers: { modifier: With; value: Value | undefined }[] = [];
    for (const modifier of expr.with) {
      let value: Value | undefined;
      if (!modifier.function) {
        this.evalTerm(modifier.value, frame, (result) => {
          value = result;
          return true;
        });
        if (value === undefined) return false;
      }
      modifiers.push({ modifier, value });
    }
    const saved = this.state;
    const modified: State = { ...saved, cache: new Map() };
    for (const { modifier, value } of modifiers) {
      const target = modifier.target;
      if (target.kind === 'input') {
        modified.input = target.path.length === 0 ? value : setPath(modified.input ?? new ObjectValue(), target.path, value!);
      } else if (target.kind === 'data') {
        const overrides = new Map(modified.overrides ?? []);
        const key = ['data', ...target.path].join('\u0000');
        let applied = false;
        for (const [existing, existingValue] of overrides) {
          if (key.startsWith(existing + '\u0000')) {
            const below = key.slice(existing.length + 1).split('\u0000');
            overrides.set(existing, setPath(existingValue, below, value!));
            applied = true;
          }
        }
        if (!applied) overrides.set(key, value!);
        modified.overrides = overrides;
        modified.data = target.path.length === 0 ? value! : setPath(modified.data, target.path, value!);
        const node = this.policy.root.find(target.path);
        if (node?.rules.some((rule) => rule.kind === 'function')) {
          const mocks = new Map(modified.mocks ?? []);
          mocks.set(['data', ...target.path].join('.'), modifier.function ? { target: modifier.function } : { value });
          modified.mocks = mocks;
        }
      } else {
        const mocks = new Map(modified.mocks ?? []);
        const name = target.kind === 'function' && target.path ? target.path.join('.') : (target as { name: string }).name;
        mocks.set(name, modifier.function ? { target: modifier.function } : { value });
        modified.mocks = mocks;
      }
    }
    this.state = modified;
    try {
      return this.evalExprInner(expr, frame, () => {
        this.state = saved;
        try {
          return next();
        } finally {
          this.state = modified;
        }
      });
    } finally {
      this.state = saved;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Terms

  evalTerm(term: Term, frame: Frame, next: (value: Value) => boolean): boolean {
    switch (term.kind) {
      case 'value':
        return next(term.value);
      case 'var': {
        const value = frame.get(term.name);
        if (value === undefined) throw new EvalError('eval_internal_error', `var ${term.name} is unbound`, this.file, term.range);
        return next(value);
      }
      case 'root':
        if (term.name === 'input') return this.state.input === undefined ? false : next(this.state.input);
        return this.evalDataPath(this.policy.root, this.state.data, [], 0, frame, ['data'], next);
      case 'ref':
        return this.evalRef(term, frame, next);
      case 'array':
        return this.evalTerms(term.items, 0, [], frame, (items) => next(items.slice()));
      case 'set':
        return this.evalTerms(term.items, 0, [], frame, (items) => next(SetValue.from(items)));
      case 'object': {
        const flat = term.entries.flat();
        return this.evalTerms(flat, 0, [], frame, (values) => {
          const object = new ObjectValue();
          for (let i = 0; i < values.length; i += 2) object.set(values[i], values[i + 1]);
          return next(object);
        });
      }
      case 'arraycomp': {
        const items: Value[] = [];
        this.evalBody(term.body, 0, frame, () => this.evalTerm(term.head, frame, (value) => (items.push(value), false)));
        return next(items);
      }
      case 'setcomp': {
        const set = new SetValue();
        this.evalBody(term.body, 0, frame, () => this.evalTerm(term.head, frame, (value) => (set.add(value), false)));
        return next(set);
      }
      case 'objectcomp': {
        const object = new ObjectValue();
        this.evalBody(term.body, 0, frame, () =>
          this.evalTerm(term.key, frame, (key) =>
            this.evalTerm(term.value, frame, (value) => {
              const existing = object.get(key);
              if (existing !== undefined && !equal(existing, value)) throw new EvalError('eval_conflict_error', 'object keys must be unique', this.file, term.range);
              object.set(key, value);
              return false;
            }),
          ),
        );
        return next(object);
      }
      case 'call':
        return this.evalCall(term, term.args, frame, next);
      case 'template': {
        const pieces: string[] = [];
        for (const part of term.parts) {
          if (Array.isArray(part)) {
            const [expr] = part;
            let text: string | undefined;
            const operation = expr?.operation;
            if (operation?.kind === 'term') {
              this.evalTerm(operation.term, frame, (value) => {
                text = typeof value === 'string' ? value : valueText(value);
                return true;
              });
            } else if (expr) {
              text = this.evalExpr(expr, frame, () => true) ? 'true' : undefined;
            }
            pieces.push(text ?? '<undefined>');
          } else {
            let text = '';
            this.evalTerm(part, frame, (value) => {
              text = typeof value === 'string' ? value : valueText(value);
              return true;
            });
            pieces.push(text);
          }
        }
        return next(pieces.join(''));
      }
    }
  }

  private evalTerms(terms: Term[], index: number, values: Value[], frame: Frame, next: (values: Value[]) => boolean): boolean {
    if (index === 0 && terms.some((term) => !this.isGround(term, frame))) {
      // Variables bound by refs among the other terms (`foo == xs[foo]`) are read after those refs run.
      const order = [...terms.keys()].sort((a, b) => Number(!this.isGround(terms[a], frame)) - Number(!this.isGround(terms[b], frame)));
      const step = (position: number): boolean => {
        if (position === order.length) return next(values);
        const at = order[position];
        return this.evalTerm(terms[at], frame, (value) => {
          values[at] = value;
          return step(position + 1);
        });
      };
      return step(0);
    }
    if (index === terms.length) return next(values);
    return this.evalTerm(terms[index], frame, (value) => {
      values[index] = value;
      return this.evalTerms(terms, index + 1, values, frame, next);
    });
  }

  // -------------------------------------------------------------------------------------------
  // Refs and documents

  private evalRef(term: Extract<Term, { kind: 'ref' }>, frame: Frame, next: (value: Value) => boolean): boolean {
    const head = term.head;
    if (head.kind === 'root') {
      if (head.name === 'data') return this.evalDataPath(this.policy.root, this.state.data, term.path, 0, frame, ['data'], next);
      const input = this.state.input;
      return input === undefined ? false : this.walk(input, term.path, 0, frame, next);
    }
    return this.evalTerm(head, frame, (value) => this.walk(value, term.path, 0, frame, next));
  }

  /** Whether a term can be evaluated to values now (rather than bound by iteration). */
  private isGround(term: Term, frame: Frame): boolean {
    switch (term.kind) {
      case 'var':
        return frame.has(term.name);
      case 'array':
        return term.items.every((item) => this.isGround(item, frame));
      case 'object':
        return term.entries.every(([key, value]) => this.isGround(key, frame) && this.isGround(value, frame));
      case 'set':
        return term.items.every((item) => this.isGround(item, frame));
      default:
        return true;
    }
  }

  /** Follows a path into a value, iterating where a path part is not yet bound. */
  private walk(value: Value, path: Term[], index: number, frame: Frame, next: (value: Value) => boolean, storage = false): boolean {
    if (index === path.length) return next(value);
    const part = path[index];
    const find = storage ? storageLookup : lookup;
    if (part.kind === 'value') {
      const child = find(value, part.value);
      return child === undefined ? false : this.walk(child, path, index + 1, frame, next, storage);
    }
    if (this.isGround(part, frame)) {
      return this.evalTerm(part, frame, (key) => {
        const child = find(value, key);
        return child === undefined ? false : this.walk(child, path, index + 1, frame, next, storage);
      });
    }
    return this.iterate(value, (key, child) => this.unifyValue(part, key, frame, () => this.walk(child, path, index + 1, frame, next, storage)));
  }

  private overrideAt(path: string[]): Value | undefined {
    return this.state.overrides?.get(path.join('\u0000'));
  }

  /** Follows a path through the rule tree and base data; rules are evaluated where the path reaches them. */
  private evalDataPath(node: RuleNode | undefined, base: Value | undefined, path: Term[], index: number, frame: Frame, at: string[], next: (value: Value) => boolean): boolean {
    if (this.state.overrides) {
      const override = this.overrideAt(at);
      if (override !== undefined) return this.walk(override, path, index, frame, next);
    }
    if (!node || !node.hasRules) return base === undefined ? false : this.walk(base, path, index, frame, next, true);
    if (node.rules.length > 0 || index === path.length) {
      const value = this.documentValue(node, base, at);
      return value === undefined ? false : this.walk(value, path, index, frame, next);
    }
    const part = path[index];
    const step = (key: Value): boolean => {
      const child = typeof key === 'string' ? node.children.get(key) : undefined;
      // Base documents live in a store whose paths are strings: data[2] reads the key "2", as in OPA.
      const childBase = base instanceof ObjectValue ? base.get(key) ?? (typeof key === 'number' || typeof key === 'bigint' ? base.get(String(key)) : undefined) : undefined;
      if (!child && childBase === undefined) return false;
      return this.evalDataPath(child, childBase, path, index + 1, frame, typeof key === 'string' ? [...at, key] : [...at, canonical(key)], next);
    };
    if (part.kind === 'value') return step(part.value);
    if (this.isGround(part, frame)) return this.evalTerm(part, frame, step);
    const keys = new SetValue();
    for (const name of node.children.keys()) keys.add(name);
    if (base instanceof ObjectValue) for (const key of base.keys()) keys.add(key);
    for (const key of keys.values()) {
      this.tick();
      if (this.unifyValue(part, key, frame, () => step(key))) return true;
    }
    return false;
  }

  /** The value of the document at a rule-tree node: its rules' value, or an object of what is below. */
  private documentValue(node: RuleNode, base: Value | undefined, at: string[]): Value | undefined {
    if (this.state.overrides) {
      const override = this.overrideAt(at);
      if (override !== undefined) return override;
    }
    if (!node.hasRules) return base;
    const cache = this.state.cache;
    const cached = cache.get(node);
    if (cached === IN_PROGRESS) {
      throw new EvalError('eval_recursion_error', `rule ${node.path.join('.')} is recursive`, this.file);
    }
    if (cached !== undefined) return cached === UNDEFINED ? undefined : cached;
    cache.set(node, IN_PROGRESS);
    let value: Value | undefined;
    try {
      value = this.computeDocument(node, base, at);
    } finally {
      cache.delete(node);
    }
    cache.set(node, value === undefined ? UNDEFINED : value);
    return value;
  }

  private computeDocument(node: RuleNode, base: Value | undefined, at: string[]): Value | undefined {
    const rules = node.rules;
    if (rules.length > 0) {
      if (rules.some((rule) => rule.kind === 'complete')) return this.completeValue(node);
      if (rules.some((rule) => rule.kind === 'function')) {
        // A function of no arguments (`f() := ...`) is also read as a value without parentheses, as in OPA.
        return rules.every((rule) => (rule.args?.length ?? 0) === 0) ? this.callFunction(node.path, [], rules[0].headRange) : undefined;
      }
      if (rules.every((rule) => rule.kind === 'multi' && rule.suffix.length === 0)) return this.setValue(node);
    }
    const object = new ObjectValue();
    if (base instanceof ObjectValue) for (const [key, value] of base.entries()) object.set(key, value);
    for (const [name, child] of node.children) {
      const value = this.documentValue(child, base instanceof ObjectValue ? base.get(name) : undefined, [...at, name]);
      if (value !== undefined) {
        const existing = object.get(name);
        // Where base data and a rule define the same key, the base document is kept (as OPA does).
        if (existing === undefined) object.set(name, value);
        else if (existing instanceof ObjectValue && value instanceof ObjectValue) object.set(name, mergeObjects(existing, value));
      }
    }
    if (rules.length > 0) this.objectRules(node, object);
    return object;
  }

  private withRule<T>(rule: Rule, run: () => T): T {
    const file = this.file;
    this.file = rule.file;
    if (++this.depth > 4000) throw new EvalError('eval_cancel_error', 'evaluation nested too deeply', rule.file, rule.headRange);
    try {
      return run();
    } finally {
      this.depth--;
      this.file = file;
    }
  }

  private completeValue(node: RuleNode): Value | undefined {
    return this.singleValue(node.rules, [], 'complete rules must not produce multiple outputs', undefined);
  }

  /**
   * The one value of complete rules, or of a function for some arguments. Each definition runs its
   * else chain (the first clause whose body succeeds gives its value); definitions that give different
   * values conflict; the default applies when no definition gives one.
   */
  private singleValue(rules: Rule[], args: Value[], conflict: string, range: Range | undefined): Value | undefined {
    let result: Value | undefined;
    let defaultRule: Rule | undefined;
    for (const rule of rules) {
      if (rule.isDefault) {
        defaultRule = rule;
        continue;
      }
      this.withRule(rule, () => {
        for (let current: Rule | undefined = rule; current; current = current.else) {
          const clause = current;
          const frame: Frame = new Map();
          let produced = false;
          this.unifyArgs(clause.args ?? rule.args ?? [], args, 0, frame, () =>
            this.evalBody(clause.body, 0, frame, () =>
              this.evalTerm(clause.value, frame, (value) => {
                produced = true;
                if (this.coverage !== undefined) this.coverage(rule.file, clause.headRange);
                if (result !== undefined && !equal(result, value)) throw new EvalError('eval_conflict_error', conflict, rule.file, range ?? rule.headRange);
                result = value;
                return false;
              }),
            ),
          );
          if (produced) break;
        }
      });
    }
    if (result === undefined && defaultRule) {
      const fallback = defaultRule;
      const frame: Frame = new Map();
      this.unifyArgs(fallback.args ?? [], args, 0, frame, () =>
        this.evalTerm(fallback.value, frame, (value) => {
          if (this.coverage !== undefined) this.coverage(fallback.file, fallback.headRange);
          result = value;
          return true;
        }),
      );
    }
    return result;
  }

  private setValue(node: RuleNode): Value {
    const set = new SetValue();
    for (const rule of node.rules) {
      const frame: Frame = new Map();
      this.withRule(rule, () =>
        this.evalBody(rule.body, 0, frame, () =>
          this.evalTerm(rule.key ?? rule.value, frame, (value) => {
            if (this.coverage !== undefined) this.coverage(rule.file, rule.headRange);
            set.add(value);
            return false;
          }),
        ),
      );
    }
    return set;
  }

  /** Adds the entries of object rules (`p[k] := v`, `p.q[k].r := v`) to `object`. */
  private objectRules(node: RuleNode, object: ObjectValue): void {
    const seen = new Map<string, Value>();
    const owned = new Set<ObjectValue>([object]);
    const defaults: Rule[] = [];
    for (const rule of node.rules) {
      if (rule.isDefault) {
        defaults.push(rule);
        continue;
      }
      const frame: Frame = new Map();
      this.withRule(rule, () => {
        for (let current: Rule | undefined = rule; current; current = current.else) {
          let produced = false;
          const clause = current;
          this.evalBody(clause.body, 0, frame, () =>
            this.evalTerms(rule.suffix, 0, [], frame, (keys) =>
              this.evalTerm(rule.kind === 'multi' ? rule.key ?? clause.value : clause.value, frame, (value) => {
                produced = true;
                if (this.coverage !== undefined) this.coverage(rule.file, clause.headRange);
                if (rule.kind === 'multi') {
                  // `a.b[x] contains y`: a set at each key path.
                  insertElement(object, keys, value, rule, owned);
                  return false;
                }
                const id = keys.map(canonical).join('\u0000');
                const existing = seen.get(id);
                if (existing !== undefined) {
                  if (!equal(existing, value)) throw new EvalError('eval_conflict_error', 'object keys must be unique', rule.file, rule.headRange);
                  return false;
                }
                seen.set(id, value);
                insertPath(object, keys, value, rule, owned);
                return false;
              }),
            ),
          );
          if (produced) break;
        }
      });
    }
  }

  // -------------------------------------------------------------------------------------------
  // Calls

  private evalCall(term: Extract<Term, { kind: 'call' }>, args: Term[], frame: Frame, next: (value: Value) => boolean): boolean {
    let target = term.target;
    const mocks = this.state.mocks;
    if (mocks) {
      const mock = mocks.get(target.kind === 'function' ? target.path.join('.') : target.name);
      if (mock) {
        if (!mock.target) return this.evalTerms(args, 0, [], frame, () => next(mock.value!));
        // A replacement runs without the replacements in force, so it can call the original (as OPA does).
        const replacement: Extract<Term, { kind: 'call' }> = { ...term, target: mock.target };
        return this.evalTerms(args, 0, [], frame, (values) => {
          const saved = this.state;
          this.state = { ...saved, mocks: undefined, cache: new Map() };
          const outputs: Value[] = [];
          try {
            this.evalCall(replacement, values.map((value) => ({ kind: 'value', value, range: term.range })), frame, (output) => {
              outputs.push(output);
              return false;
            });
          } finally {
            this.state = saved;
          }
          for (const output of outputs) if (next(output)) return true;
          return false;
        });
      }
    }
    if (target.kind === 'builtin') {
      switch (target.name) {
        case 'print':
        case 'internal.print':
          return this.evalPrint(args, frame, term.range, next);
        default:
          break;
      }
      const builtin = target.builtin;
      return this.evalTerms(args, 0, [], frame, (values) => this.callBuiltin(builtin, values, term.range, next));
    }
    if (target.kind === 'function') {
      const path = target.path;
      return this.evalTerms(args, 0, [], frame, (values) => {
        const result = this.callFunction(path, values.slice(), term.range);
        return result === undefined ? false : next(result);
      });
    }
    throw new EvalError('eval_internal_error', `undefined function ${target.name}`, this.file, term.range);
  }

  private callBuiltin(builtin: Builtin, args: Value[], range: Range, next: (value: Value) => boolean): boolean {
    let result: Value | undefined;
    try {
      result = builtin.impl(args, this.context);
    } catch (error) {
      if (error instanceof EvalError) throw error;
      const code = error instanceof BuiltinError ? error.code : 'eval_builtin_error';
      const message = `${builtin.name}: ${error instanceof Error ? error.message : String(error)}`;
      const failure = new EvalError(code, message, this.file, range);
      if (this.options.strictBuiltinErrors) throw failure;
      this.builtinErrors.push(failure);
      return false;
    }
    if (result === undefined) return false;
    if (builtin.relation) {
      for (const output of result as Value[]) if (next(output)) return true;
      return false;
    }
    return next(result);
  }

  private callFunction(path: string[], args: Value[], range: Range): Value | undefined {
    const node = this.policy.root.find(path.slice(1));
    if (!node || node.rules.length === 0) {
      // A function can be replaced with `with data.x.f as ...` only if it exists; anything else is undefined.
      return undefined;
    }
    const cacheKey = `${path.join('.')}(${args.map(canonical).join(',')})`;
    const cache = this.state.cache;
    const cached = cache.get(cacheKey);
    if (cached !== undefined && cached !== IN_PROGRESS) return cached === UNDEFINED ? undefined : cached;
    const functions = node.rules.filter((rule) => rule.kind === 'function');
    const result = this.singleValue(functions, args, 'functions must not produce multiple outputs for same inputs', range);
    cache.set(cacheKey, result === undefined ? UNDEFINED : result);
    return result;
  }

  private unifyArgs(params: Term[], args: Value[], index: number, frame: Frame, next: Next): boolean {
    if (index === params.length) return next();
    return this.unifyValue(params[index], args[index], frame, () => this.unifyArgs(params, args, index + 1, frame, next));
  }

  private evalPrint(args: Term[], frame: Frame, range: Range, next: (value: Value) => boolean): boolean {
    const texts = args.map((arg) => {
      const values: string[] = [];
      try {
        this.evalTerm(arg, frame, (value) => {
          values.push(typeof value === 'string' ? value : valueText(value));
          return false;
        });
      } catch (error) {
        if (!(error instanceof EvalError) || error.code === 'eval_cancel_error') throw error;
      }
      return values.length === 0 ? ['<undefined>'] : values;
    });
    const lines: string[] = [];
    const product = (index: number, parts: string[]): void => {
      if (index === texts.length) {
        lines.push(parts.join(' '));
        return;
      }
      for (const text of texts[index]) product(index + 1, [...parts, text]);
    };
    product(0, []);
    for (const text of lines) this.options.print?.({ text, file: this.file, range });
    return next(true);
  }

  // -------------------------------------------------------------------------------------------
  // Unification

  unify(left: Term, right: Term, frame: Frame, next: Next): boolean {
    const leftGround = this.isGround(left, frame);
    const rightGround = this.isGround(right, frame);
    if (leftGround && !rightGround) return this.evalTerm(left, frame, (value) => this.unifyValue(right, value, frame, next));
    if (rightGround) return this.evalTerm(right, frame, (value) => this.unifyValue(left, value, frame, next));
    if (left.kind === 'array' && right.kind === 'array') {
      if (left.items.length !== right.items.length) return false;
      const pairs = (index: number): boolean => (index === left.items.length ? next() : this.unify(left.items[index], right.items[index], frame, () => pairs(index + 1)));
      return pairs(0);
    }
    if (left.kind === 'object' && right.kind === 'object') {
      if (left.entries.length !== right.entries.length) return false;
      const pairs = (index: number): boolean => {
        if (index === left.entries.length) return next();
        const [key, value] = left.entries[index];
        const match = right.entries.find(([otherKey]) => otherKey.kind === 'value' && key.kind === 'value' && equal(otherKey.value, key.value));
        if (!match) return false;
        return this.unify(value, match[1], frame, () => pairs(index + 1));
      };
      return pairs(0);
    }
    throw new EvalError('eval_internal_error', 'cannot unify two unbound terms', this.file, left.range);
  }

  /** Unifies a term with a value: binds unbound variables, matches arrays and objects, compares the rest. */
  unifyValue(term: Term, value: Value, frame: Frame, next: Next): boolean {
    switch (term.kind) {
      case 'var': {
        const bound = frame.get(term.name);
        if (bound !== undefined) return equal(bound, value) ? next() : false;
        frame.set(term.name, value);
        const stop = next();
        frame.delete(term.name);
        return stop;
      }
      case 'value':
        return equal(term.value, value) ? next() : false;
      case 'array': {
        if (!Array.isArray(value) || value.length !== term.items.length) return false;
        const items = term.items;
        const step = (index: number): boolean => (index === items.length ? next() : this.unifyValue(items[index], value[index], frame, () => step(index + 1)));
        return step(0);
      }
      case 'object': {
        if (!(value instanceof ObjectValue) || value.size !== term.entries.length) return false;
        const entries = term.entries;
        const step = (index: number): boolean => {
          if (index === entries.length) return next();
          const [keyTerm, valueTerm] = entries[index];
          return this.evalTerm(keyTerm, frame, (key) => {
            const child = value.get(key);
            return child === undefined ? false : this.unifyValue(valueTerm, child, frame, () => step(index + 1));
          });
        };
        return step(0);
      }
      default:
        return this.evalTerm(term, frame, (actual) => (equal(actual, value) ? next() : false));
    }
  }
}

function lookup(collection: Value, key: Value): Value | undefined {
  if (Array.isArray(collection)) {
    return typeof key === 'number' && Number.isInteger(key) && key >= 0 ? collection[key] : undefined;
  }
  if (collection instanceof ObjectValue) return collection.get(key);
  if (collection instanceof SetValue) return collection.has(key) ? key : undefined;
  return undefined;
}

/** Lookup in base data: the store's object keys are strings, so data.x[2] also finds the key "2" (as OPA does). */
function storageLookup(collection: Value, key: Value): Value | undefined {
  const found = lookup(collection, key);
  if (found !== undefined || !(collection instanceof ObjectValue) || (typeof key !== 'number' && typeof key !== 'bigint')) return found;
  return collection.get(String(key));
}

/** A copy of `target` with `value` placed at `path`, creating objects along the way. */
function setPath(target: Value, path: readonly Value[], value: Value): Value {
  if (path.length === 0) return value;
  const [first, ...rest] = path;
  const object = new ObjectValue();
  if (target instanceof ObjectValue) for (const [key, existing] of target.entries()) object.set(key, existing);
  const child = target instanceof ObjectValue ? target.get(first) : undefined;
  object.set(first, setPath(child ?? new ObjectValue(), rest, value));
  return object;
}

function mergeObjects(a: ObjectValue, b: ObjectValue): ObjectValue {
  const merged = new ObjectValue();
  for (const [key, value] of a.entries()) merged.set(key, value);
  for (const [key, value] of b.entries()) {
    const existing = merged.get(key);
    merged.set(key, existing instanceof ObjectValue && value instanceof ObjectValue ? mergeObjects(existing, value) : value);
  }
  return merged;
}

/**
 * The object at a key path inside the object being built, created where missing. Objects that came
 * from elsewhere (base data, other documents) are copied before they change.
 */
function objectAt(object: ObjectValue, keys: Value[], rule: Rule, owned: Set<ObjectValue>): ObjectValue {
  let current = object;
  for (const key of keys) {
    const existing = current.get(key);
    let child: ObjectValue;
    if (existing === undefined) {
      child = new ObjectValue();
    } else if (existing instanceof ObjectValue) {
      child = owned.has(existing) ? existing : ObjectValue.from(existing.entries());
    } else {
      throw new EvalError('eval_conflict_error', 'object keys must be unique', rule.file, rule.headRange);
    }
    if (child !== existing) {
      owned.add(child);
      current.set(key, child);
    }
    current = child;
  }
  return current;
}

/** Places an object rule's value at its key path inside the object being built. */
function insertPath(object: ObjectValue, keys: Value[], value: Value, rule: Rule, owned: Set<ObjectValue>): void {
  const parent = objectAt(object, keys.slice(0, -1), rule, owned);
  const last = keys[keys.length - 1];
  const existing = parent.get(last);
  if (existing !== undefined && !equal(existing, value)) {
    if (existing instanceof ObjectValue && value instanceof ObjectValue) {
      parent.set(last, mergeObjects(existing, value));
      return;
    }
    throw new EvalError('eval_conflict_error', 'object keys must be unique', rule.file, rule.headRange);
  }
  parent.set(last, value);
}

/** Adds an element to the set at a key path inside the object being built (`a.b[x] contains y`). */
function insertElement(object: ObjectValue, keys: Value[], element: Value, rule: Rule, owned: Set<ObjectValue>): void {
  const parent = objectAt(object, keys.slice(0, -1), rule, owned);
  const last = keys[keys.length - 1];
  const existing = parent.get(last);
  if (existing === undefined) {
    const set = SetValue.from([element]);
    owned.add(set as unknown as ObjectValue);
    parent.set(last, set);
  } else if (existing instanceof SetValue && owned.has(existing as unknown as ObjectValue)) {
    existing.add(element);
  } else if (existing instanceof SetValue) {
    const set = SetValue.from([...existing.values(), element]);
    owned.add(set as unknown as ObjectValue);
    parent.set(last, set);
  }
  else throw new EvalError('eval_conflict_error', 'object keys must be unique', rule.file, rule.headRange);
}

