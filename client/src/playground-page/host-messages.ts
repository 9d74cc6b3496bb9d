/**
 * Reads what the host posts to the page. The host is trusted, but a message is still checked field by
 * field before the page draws it: a malformed one (a host bug, or a message from something else in
 * the window) is dropped instead of breaking the page halfway through drawing.
 */
import {
  readState,
  type HostMessage,
  type PlaygroundAnswer,
  type PlaygroundError,
  type PlaygroundLocation,
  type PlaygroundResult,
} from '../../../server/src/playground-protocol';

type Fields = Record<string, unknown>;

function isRecord(value: unknown): value is Fields {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Every item of `value` read by `read`, or undefined when it is not an array or an item does not read. */
function readList<T>(value: unknown, read: (item: unknown) => T | undefined): T[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const items: T[] = [];
  for (const item of value) {
    const parsed = read(item);
    if (parsed === undefined) return undefined;
    items.push(parsed);
  }
  return items;
}

function readLine(value: unknown, textField: 'message' | 'text'): { text: string; line: number } | undefined {
  if (!isRecord(value) || typeof value[textField] !== 'string' || !isNumber(value.line)) return undefined;
  return { text: value[textField] as string, line: value.line };
}

function readLocation(value: unknown): PlaygroundLocation | undefined {
  if (!isRecord(value) || !isNumber(value.line) || !isNumber(value.column)) return undefined;
  const source = value.source;
  if (source !== 'policy' && source !== 'input' && source !== 'data' && source !== 'query') return undefined;
  return { source, line: value.line, column: value.column };
}

function readError(value: unknown): PlaygroundError | undefined {
  if (!isRecord(value) || typeof value.code !== 'string' || typeof value.message !== 'string') return undefined;
  const error: PlaygroundError = { code: value.code, message: value.message };
  if (value.location !== undefined) {
    const location = readLocation(value.location);
    if (!location) return undefined;
    error.location = location;
  }
  return error;
}

function readResult(value: unknown): PlaygroundResult | undefined {
  if (!isRecord(value) || !isRecord(value.bindings)) return undefined;
  const expressions = readList(value.expressions, (item) => (isRecord(item) && typeof item.text === 'string' ? { text: item.text, value: item.value } : undefined));
  return expressions && { expressions, bindings: value.bindings };
}

export function readAnswer(value: unknown): PlaygroundAnswer | undefined {
  if (!isRecord(value) || typeof value.undefined !== 'boolean' || !isNumber(value.durationMs)) return undefined;
  const results = readList(value.results, readResult);
  const explanation = readList(value.explanation, (item) => readLine(item, 'message'));
  const printOutput = readList(value.printOutput, (item) => readLine(item, 'text'));
  const errors = readList(value.errors, readError);
  if (!results || !explanation || !printOutput || !errors) return undefined;
  return {
    results,
    undefined: value.undefined,
    explanation: explanation.map(({ text, line }) => ({ message: text, line })),
    printOutput,
    errors,
    durationMs: value.durationMs,
  };
}

/** A message of the host, or undefined when `value` is not a well-formed one. */
export function readHostMessage(value: unknown): HostMessage | undefined {
  if (!isRecord(value)) return undefined;
  switch (value.type) {
    case 'load': {
      const state = readState(value.state);
      if (!state || typeof value.title !== 'string' || typeof value.canApply !== 'boolean') return undefined;
      return { type: 'load', state, title: value.title, canApply: value.canApply };
    }
    case 'answer': {
      const answer = readAnswer(value.answer);
      return answer && Number.isSafeInteger(value.id) ? { type: 'answer', id: value.id as number, answer } : undefined;
    }
    case 'notice':
      return typeof value.text === 'string' ? { type: 'notice', text: value.text } : undefined;
    default:
      return undefined;
  }
}
