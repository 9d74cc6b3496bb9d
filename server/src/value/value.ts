/**
 * Rego values: null, booleans, numbers, strings, arrays, objects and sets, with OPA's total ordering,
 * equality and hashing. Values are immutable once built; builders mutate only before publishing.
 * Numbers are JS numbers when exact and bigints for integers beyond 2^53 (OPA numbers have
 * arbitrary precision), always in canonical form so `===` on scalars is value equality.
 * Nothing here knows about the AST, the evaluator or the editor.
 */

export type Scalar = null | boolean | number | bigint | string;
export type Value = Scalar | Value[] | ObjectValue | SetValue;
export type TypeName = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object' | 'set';

/** A map from values to entries; scalar keys go to a native Map, composite keys by their canonical text. */
class HashIndex<E> {
  private scalars = new Map<Scalar, E>();
  private composites: Map<string, E> | undefined;

  get(key: Value): E | undefined {
    if (isComposite(key)) return this.composites?.get(canonical(key));
    return this.scalars.get(key);
  }

  set(key: Value, entry: E): boolean {
    if (isComposite(key)) {
      const text = canonical(key);
      this.composites ??= new Map();
      const had = this.composites.has(text);
      this.composites.set(text, entry);
      return !had;
    }
    const had = this.scalars.has(key);
    this.scalars.set(key, entry);
    return !had;
  }

  delete(key: Value): boolean {
    if (isComposite(key)) return this.composites?.delete(canonical(key)) ?? false;
    return this.scalars.delete(key);
  }
}

function isComposite(value: Value): value is Value[] | ObjectValue | SetValue {
  return typeof value === 'object' && value !== null;
}

/** An object with keys of any type. Iteration is in OPA's key order. */
export class ObjectValue {
  private index = new HashIndex<[Value, Value]>();
  private entryList: [Value, Value][] = [];
  private sorted = true;
  private canonicalText: string | undefined;

  static from(entries: Iterable<[Value, Value]>): ObjectValue {
    const object = new ObjectValue();
    for (const [key, value] of entries) object.set(key, value);
    return object;
  }

  static fromRecord(record: Record<string, Value>): ObjectValue {
    const object = new ObjectValue();
    for (const key of Object.keys(record)) object.set(key, record[key]);
    return object;
  }

  get size(): number {
    return this.entryList.length;
  }

  get(key: Value): Value | undefined {
    return this.index.get(key)?.[1];
  }

  has(key: Value): boolean {
    return this.index.get(key) !== undefined;
  }

  /** For builders only: values are immutable once shared. */
  set(key: Value, value: Value): void {
    const existing = this.index.get(key);
    if (existing) {
      existing[1] = value;
    } else {
      const entry: [Value, Value] = [key, value];
      this.index.set(key, entry);
      const last = this.entryList[this.entryList.length - 1];
      if (this.sorted && last !== undefined && compare(last[0], key) > 0) this.sorted = false;
      this.entryList.push(entry);
    }
    this.canonicalText = undefined;
  }

  /** Entries sorted by key. */
  entries(): readonly [Value, Value][] {
    if (!this.sorted) {
      this.entryList.sort((a, b) => compare(a[0], b[0]));
      this.sorted = true;
    }
    return this.entryList;
  }

  keys(): Value[] {
    return this.entries().map((entry) => entry[0]);
  }

  values(): Value[] {
    return this.entries().map((entry) => entry[1]);
  }

  /** @internal */
  canonical(): string {
    return (this.canonicalText ??= `{${this.entries().map(([k, v]) => `${canonical(k)}:${canonical(v)}`).join(',')}}`);
  }
}

/** A set of values. Iteration is in OPA's order. */
export class SetValue {
  private index = new HashIndex<Value>();
  private items: Value[] = [];
  private sorted = true;
  private canonicalText: string | undefined;

  static from(values: Iterable<Value>): SetValue {
    const set = new SetValue();
    for (const value of values) set.add(value);
    return set;
  }

  get size(): number {
    return this.items.length;
  }

  has(value: Value): boolean {
    return this.index.get(value) !== undefined;
  }

  /** Adds a value; returns false when it was already present. For builders only. */
  add(value: Value): boolean {
    if (this.index.get(value) !== undefined) return false;
    this.index.set(value, value);
    const last = this.items[this.items.length - 1];
    if (this.sorted && last !== undefined && compare(last, value) > 0) this.sorted = false;
    this.items.push(value);
    this.canonicalText = undefined;
    return true;
  }

  values(): readonly Value[] {
    if (!this.sorted) {
      this.items.sort(compare);
      this.sorted = true;
    }
    return this.items;
  }

  /** @internal */
  canonical(): string {
    return (this.canonicalText ??= `<${this.values().map(canonical).join(',')}>`);
  }
}

/** A text that is equal for equal values and distinct otherwise (used for hashing composites). */
export function canonical(value: Value): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Object.is(value, -0) ? '0' : String(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
      return value.canonical();
  }
}

export function typeOf(value: Value): TypeName {
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      if (value === null) return 'null';
      if (Array.isArray(value)) return 'array';
      return value instanceof ObjectValue ? 'object' : 'set';
  }
}

const TYPE_ORDER: Record<TypeName, number> = { null: 0, boolean: 1, number: 2, string: 3, array: 4, object: 5, set: 6 };

/** OPA's total order: null < booleans < numbers < strings < arrays < objects < sets. */
export function compare(a: Value, b: Value): number {
  if (a === b) return 0;
  const ta = typeOf(a);
  const tb = typeOf(b);
  if (ta !== tb) return TYPE_ORDER[ta] - TYPE_ORDER[tb];
  switch (ta) {
    case 'boolean':
      return a ? 1 : -1;
    case 'number':
      return compareNumbers(a as number | bigint, b as number | bigint);
    case 'string':
      return compareStrings(a as string, b as string);
    case 'array':
      return compareSequences(a as Value[], b as Value[]);
    case 'object': {
      const ea = (a as ObjectValue).entries();
      const eb = (b as ObjectValue).entries();
      const n = Math.min(ea.length, eb.length);
      for (let i = 0; i < n; i++) {
        const byKey = compare(ea[i][0], eb[i][0]);
        if (byKey !== 0) return byKey;
        const byValue = compare(ea[i][1], eb[i][1]);
        if (byValue !== 0) return byValue;
      }
      return ea.length - eb.length;
    }
    case 'set':
      return compareSequences((a as SetValue).values(), (b as SetValue).values());
    default:
      return 0;
  }
}

function compareSequences(a: readonly Value[], b: readonly Value[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compare(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** Strings compare by UTF-8 bytes in Go, which is code point order, not UTF-16 unit order. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) {
      const surrogateA = ca >= 0xd800 && ca <= 0xdfff;
      const surrogateB = cb >= 0xd800 && cb <= 0xdfff;
      if (surrogateA !== surrogateB) return surrogateA ? 1 : -1;
      return ca - cb;
    }
  }
  return a.length - b.length;
}

export function compareNumbers(a: number | bigint, b: number | bigint): number {
  if (typeof a === typeof b) return a < b ? -1 : a > b ? 1 : 0;
  // Mixed: one is a bigint (beyond 2^53), the other a JS number.
  if (typeof a === 'bigint') return -compareNumbers(b, a);
  const x = a as number;
  const y = b as bigint;
  if (!Number.isFinite(x)) return x > 0 ? 1 : -1;
  const floor = BigInt(Math.floor(x));
  if (floor < y) return -1;
  if (floor > y) return 1;
  return x === Math.floor(x) ? 0 : 1;
}

export function equal(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return compare(a, b) === 0;
}

// ---------------------------------------------------------------------------------------------
// Numbers

/** Puts a number in canonical form: integers beyond 2^53 as bigints, others as JS numbers. */
export function normalizeNumber(n: number | bigint): number | bigint {
  if (typeof n === 'bigint') {
    return n >= -9007199254740991n && n <= 9007199254740991n ? Number(n) : n;
  }
  if (Number.isInteger(n) && !Number.isSafeInteger(n)) return BigInt(n);
  return n;
}

/** Reads a Rego or JSON number literal exactly where it is an integer, else as a double. */
export function parseNumber(text: string): number | bigint | undefined {
  const trimmed = text.trim();
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(trimmed)) return undefined;
  if (/^-?\d+$/.test(trimmed)) return normalizeNumber(BigInt(trimmed));
  const match = /^(-?)(\d*)\.?(\d*)[eE]?([-+]?\d*)$/.exec(trimmed);
  if (match) {
    const [, sign, whole, fraction, exponentText] = match;
    const exponent = exponentText ? Number(exponentText) : 0;
    const digits = (whole + fraction).replace(/^0+/, '') || '0';
    const scale = exponent - fraction.length;
    // An exact integer written with a fraction or exponent (1.0, 2e3, 1e30) stays exact.
    if (digits === '0') return 0;
    if (scale >= 0 && scale < 400 && digits.length + scale <= 400) {
      return normalizeNumber(BigInt(sign + digits) * 10n ** BigInt(scale));
    }
    if (scale < 0 && digits.length + scale > 0 && /^0*$/.test(digits.slice(digits.length + scale))) {
      const kept = digits.slice(0, digits.length + scale) || '0';
      return normalizeNumber(BigInt(sign + kept));
    }
  }
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : undefined;
}

export function isNumber(value: Value): value is number | bigint {
  return typeof value === 'number' || typeof value === 'bigint';
}

export function isInteger(value: Value): boolean {
  return typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value));
}

/** The text OPA prints for a number. */
export function numberText(n: number | bigint): string {
  if (typeof n === 'bigint') return n.toString();
  if (Object.is(n, -0)) return '0';
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const text = String(n);
  // Go prints exponents with at least two digits and a sign: 1e+21, 1e-07.
  return text.replace(/e([+-])(\d)$/, 'e$10$2');
}

// ---------------------------------------------------------------------------------------------
// JSON

/** Converts a parsed JSON or YAML document (plain JS data) to a value. */
export function fromJS(data: unknown): Value {
  switch (typeof data) {
    case 'string':
    case 'boolean':
      return data;
    case 'number':
      return normalizeNumber(data);
    case 'bigint':
      return normalizeNumber(data);
    case 'undefined':
      return null;
    case 'object': {
      if (data === null) return null;
      if (Array.isArray(data)) return data.map(fromJS);
      if (data instanceof ObjectValue || data instanceof SetValue) return data;
      if (data instanceof Map) return ObjectValue.from([...data].map(([k, v]) => [fromJS(k), fromJS(v)]));
      if (data instanceof Set) return SetValue.from([...data].map(fromJS));
      if (data instanceof Date) return data.toISOString();
      const object = new ObjectValue();
      for (const key of Object.keys(data)) object.set(key, fromJS((data as Record<string, unknown>)[key]));
      return object;
    }
    default:
      return null;
  }
}

/** Parses JSON text keeping integers beyond 2^53 exact. Throws SyntaxError like JSON.parse. */
export function parseJSON(text: string): Value {
  return new JsonReader(text).document();
}

class JsonReader {
  private position = 0;
  constructor(private readonly text: string) {}

  document(): Value {
    this.space();
    const value = this.value();
    this.space();
    if (this.position < this.text.length) this.fail('unexpected text after the JSON value');
    return value;
  }

  /** Line and column (1-based) of the current position, for error messages. */
  where(offset = this.position): { line: number; column: number } {
    const before = this.text.slice(0, offset);
    const line = before.split('\n').length;
    return { line, column: offset - before.lastIndexOf('\n') };
  }

  private fail(message: string): never {
    const { line, column } = this.where();
    throw new JsonSyntaxError(message, line, column, this.position);
  }

  private space(): void {
    const text = this.text;
    while (this.position < text.length) {
      const c = text.charCodeAt(this.position);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.position++;
      else break;
    }
  }

  private value(): Value {
    const c = this.text[this.position];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.position)) {
        this.position += word.length;
        return value;
      }
    }
    return this.fail(c === undefined ? 'unexpected end of JSON' : `unexpected character ${JSON.stringify(c)}`);
  }

  private object(): ObjectValue {
    const object = new ObjectValue();
    this.position++;
    this.space();
    if (this.text[this.position] === '}') {
      this.position++;
      return object;
    }
    for (;;) {
      this.space();
      if (this.text[this.position] !== '"') this.fail('expected a string key');
      const key = this.string();
      this.space();
      if (this.text[this.position] !== ':') this.fail("expected ':' after the key");
      this.position++;
      this.space();
      object.set(key, this.value());
      this.space();
      const c = this.text[this.position++];
      if (c === '}') return object;
      if (c !== ',') {
        this.position--;
        this.fail("expected ',' or '}'");
      }
    }
  }

  private array(): Value[] {
    const items: Value[] = [];
    this.position++;
    this.space();
    if (this.text[this.position] === ']') {
      this.position++;
      return items;
    }
    for (;;) {
      this.space();
      items.push(this.value());
      this.space();
      const c = this.text[this.position++];
      if (c === ']') return items;
      if (c !== ',') {
        this.position--;
        this.fail("expected ',' or ']'");
      }
    }
  }

  private string(): string {
    const text = this.text;
    const start = ++this.position;
    const end = text.indexOf('"', start);
    if (end >= 0) {
      const simple = text.slice(start, end);
      if (simple.indexOf('\\') < 0 && !/[\u0000-\u001f]/.test(simple)) {
        this.position = end + 1;
        return simple;
      }
    }
    let i = start;
    for (;;) {
      const c = text.charCodeAt(i);
      if (Number.isNaN(c)) {
        this.position = i;
        this.fail('unterminated string');
      }
      if (c === 34) break;
      if (c === 92) i += 2;
      else if (c < 32) {
        this.position = i;
        this.fail('control character in string');
      } else i++;
    }
    this.position = i + 1;
    try {
      return JSON.parse(text.slice(start - 1, i + 1)) as string;
    } catch {
      this.position = start;
      return this.fail('invalid escape in string');
    }
  }

  private number(): number | bigint {
    const match = /-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
    match.lastIndex = this.position;
    const found = match.exec(this.text);
    if (!found || found[0] === '-') this.fail('invalid number');
    this.position += found[0].length;
    const n = parseNumber(found[0]);
    if (n === undefined) this.fail('number out of range');
    return n;
  }
}

export class JsonSyntaxError extends SyntaxError {
  constructor(message: string, readonly line: number, readonly column: number, readonly offset: number) {
    super(`${message} at line ${line}, column ${column}`);
  }
}

/** Converts a value to plain JSON-compatible data (sets become sorted arrays, non-string keys text). */
export function toJS(value: Value): unknown {
  switch (typeof value) {
    case 'bigint':
      return Number(value);
    case 'object':
      if (value === null) return null;
      if (Array.isArray(value)) return value.map(toJS);
      if (value instanceof SetValue) return value.values().map(toJS);
      {
        const record: Record<string, unknown> = {};
        for (const [k, v] of value.entries()) record[typeof k === 'string' ? k : toJSON(k)] = toJS(v);
        return record;
      }
    default:
      return value;
  }
}

/** Serialises a value as OPA does: object keys sorted, sets as sorted arrays, exact big integers. */
export function toJSON(value: Value, indent = 0, level = 0): string {
  switch (typeof value) {
    case 'string':
      return quoteString(value);
    case 'number':
    case 'bigint':
      return numberText(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default: {
      if (value === null) return 'null';
      const items: string[] = [];
      let open = '[';
      let close = ']';
      if (Array.isArray(value)) {
        for (const item of value) items.push(toJSON(item, indent, level + 1));
      } else if (value instanceof SetValue) {
        for (const item of value.values()) items.push(toJSON(item, indent, level + 1));
      } else {
        open = '{';
        close = '}';
        const separator = indent ? ': ' : ':';
        for (const [k, v] of value.entries()) {
          const key = typeof k === 'string' ? k : toJSON(k);
          items.push(quoteString(key) + separator + toJSON(v, indent, level + 1));
        }
      }
      if (items.length === 0) return open + close;
      if (!indent) return open + items.join(',') + close;
      const pad = ' '.repeat(indent * (level + 1));
      return `${open}\n${pad}${items.join(`,\n${pad}`)}\n${' '.repeat(indent * level)}${close}`;
    }
  }
}

function quoteString(text: string): string {
  return JSON.stringify(text);
}

/** The way OPA prints a value inside messages and `print()`: sets as {a, b}, strings quoted in composites. */
export function valueText(value: Value): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map(valueText).join(', ')}]`;
      if (value instanceof SetValue) return value.size === 0 ? 'set()' : `{${value.values().map(valueText).join(', ')}}`;
      return `{${value.entries().map(([k, v]) => `${valueText(k)}: ${valueText(v)}`).join(', ')}}`;
    default:
      return toJSON(value);
  }
}
