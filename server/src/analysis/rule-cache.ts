/**
 * Results computed per rule, kept between runs over a changing module: the compiler's converted rules
 * and lint's findings. After a keystroke nearly every rule of a large module is unchanged, and redoing
 * each one's work is most of the cost. The key says what a result depends on (the rule's text and
 * whatever of its module it reads); a result for a rule that only moved has its source ranges shifted.
 */
interface Entry<T> {
  value: T;
  /** Offset of the rule's start in the text the value was computed from. */
  base: number;
  generation: number;
}

export class RuleCache<T extends object> {
  private readonly entries = new Map<string, Entry<T>>();
  private generation = 0;
  /** How many results were reused (for tests and benchmarks). */
  hits = 0;

  constructor(private readonly capacity = 50_000) {}

  /** The value kept under `key`, moved to a rule starting at `start`. */
  get(key: string, start: number): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    entry.generation = this.generation;
    this.hits++;
    if (entry.base !== start) {
      entry.value = shifted(entry.value, start - entry.base);
      entry.base = start;
    }
    return entry.value;
  }

  /**
   * The value kept under `key` as it is, and how far a rule starting at `start` has moved from it:
   * for callers that only need a few ranges of it and can shift those themselves.
   */
  peek(key: string, start: number): { value: T; delta: number } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    entry.generation = this.generation;
    this.hits++;
    return { value: entry.value, delta: start - entry.base };
  }

  set(key: string, start: number, value: T): void {
    this.entries.set(key, { value, base: start, generation: this.generation });
  }

  /** Marks the end of a run; beyond capacity, values the latest run did not use are dropped. */
  finish(): void {
    if (this.entries.size > this.capacity) {
      for (const [key, entry] of this.entries) if (entry.generation < this.generation) this.entries.delete(key);
    }
    this.generation++;
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * A copy of compiled terms with every source range moved by `delta`. Only plain objects and arrays
 * are copied: values (immutable class instances), built-in declarations and capture sets are shared.
 * Compiled rules are trees (a shared range object simply becomes two equal copies), and the only
 * plain objects with a numeric `start` are ranges.
 */
export function shifted<T>(node: T, delta: number): T {
  if (typeof node !== 'object' || node === null) return node;
  if (Array.isArray(node)) {
    const copy: unknown[] = new Array(node.length);
    for (let index = 0; index < node.length; index++) copy[index] = shifted(node[index], delta);
    return copy as T;
  }
  if (Object.getPrototypeOf(node) !== Object.prototype) return node;
  const record = node as Record<string, unknown>;
  if (typeof record.start === 'number') return { start: record.start + delta, end: (record.end as number) + delta } as T;
  const copy: Record<string, unknown> = {};
  for (const key in record) {
    const value = record[key];
    copy[key] = key === 'builtin' || typeof value !== 'object' ? value : shifted(value, delta);
  }
  return copy as T;
}
