/**
 * Rego colouring for the playground's editors: a small CodeMirror stream tokenizer. It only colours;
 * it does not parse, so broken text still colours line by line. The language server's grammar and
 * semantic tokens are the reference for what Rego is; this follows them loosely (the keywords of
 * Rego v1, strings, raw strings, numbers, comments, operators and rule names at the margin).
 */
import { StreamLanguage, type StreamParser, type StringStream } from '@codemirror/language';

const KEYWORDS = new Set(['package', 'import', 'as', 'default', 'else', 'if', 'contains', 'some', 'every', 'in', 'not', 'with', 'and', 'or']);
const CONSTANTS = new Set(['true', 'false', 'null']);
/** The roots of every reference, which Rego treats as names of their own. */
const ROOTS = new Set(['input', 'data']);

interface RegoState {
  /** Open brackets before this point; at depth 0 a line that starts with a name starts a rule. */
  depth: number;
  /** Inside a raw string, which may span lines. */
  inRawString: boolean;
  /** The rest of the statement is a path (after `package` or `import`). */
  inPath: boolean;
  /** The next name is a rule's (after `default` at the margin). */
  expectRuleName: boolean;
}

function readRawString(stream: StringStream, state: RegoState): string {
  state.inRawString = !stream.skipTo('`');
  if (state.inRawString) stream.skipToEnd();
  else stream.next();
  return 'string.special';
}

function readString(stream: StringStream): string {
  let escaped = false;
  for (let character = stream.next(); character !== undefined; character = stream.next()) {
    if (character === '"' && !escaped) return 'string';
    escaped = !escaped && character === '\\';
  }
  // A string that reaches the end of its line is unfinished; Rego strings do not span lines.
  return 'string invalid';
}

/** The tokenizer; `ruleHeads` says whether a name at the margin starts a rule (in a policy, not in a query). */
function regoParser(ruleHeads: boolean): StreamParser<RegoState> {
  return {
    name: 'rego',
    startState: () => ({ depth: 0, inRawString: false, inPath: false, expectRuleName: false }),
    token(stream, state) {
      if (state.inRawString) return readRawString(stream, state);
      if (stream.sol()) state.inPath = false;
      if (stream.eatSpace()) return null;
      const character = stream.peek() ?? '';
      const atMargin = ruleHeads && stream.start === 0 && state.depth === 0;
      if (character === '#') {
        stream.skipToEnd();
        return 'lineComment';
      }
      if (character === '`') {
        stream.next();
        return readRawString(stream, state);
      }
      if (character === '"' || (character === '$' && stream.string.charAt(stream.pos + 1) === '"')) {
        // `$"..."` is a template string; its `{expressions}` are coloured as part of the string.
        if (character === '$') stream.next();
        stream.next();
        return readString(stream);
      }
      // A minus sign is an operator token of its own, as in `x-1`.
      if (stream.match(/^(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/)) return 'number';
      const word = stream.match(/^[A-Za-z_][A-Za-z0-9_]*/);
      if (word) {
        const name = stream.current();
        // After a dot a word is a key, even a keyword's (`input.in`), as in OPA's grammar.
        const afterDot = stream.string.charAt(stream.start - 1) === '.';
        if (afterDot && !state.inPath) return 'propertyName';
        if (KEYWORDS.has(name)) {
          if (name === 'package' || name === 'import') state.inPath = true;
          if (name === 'default' && atMargin) state.expectRuleName = true;
          return 'keyword';
        }
        if (CONSTANTS.has(name)) return name === 'null' ? 'null' : 'bool';
        if (state.inPath) return ROOTS.has(name) ? 'variableName.standard' : 'namespace';
        if (atMargin || state.expectRuleName) {
          state.expectRuleName = false;
          return 'variableName.definition';
        }
        if (ROOTS.has(name)) return 'variableName.standard';
        // A name right before `(` is a call: a built-in or a function of the policy.
        return stream.match(/^\s*\(/, false) ? 'variableName.function' : 'variableName';
      }
      stream.next();
      if ('([{'.includes(character)) {
        state.depth++;
        return 'bracket';
      }
      if (')]}'.includes(character)) {
        state.depth = Math.max(0, state.depth - 1);
        return 'bracket';
      }
      if (character === ',' || character === ';' || character === '.') return 'punctuation';
      if (/[-+*/%&|<>=!:]/.test(character)) {
        stream.eatWhile(/[=<>]/);
        return 'operator';
      }
      return null;
    },
    indent(state, textAfter, context) {
      if (state.inRawString) return null;
      const closing = /^\s*[)\]}]/.test(textAfter) ? 1 : 0;
      return Math.max(0, state.depth - closing) * context.unit;
    },
    languageData: {
      commentTokens: { line: '#' },
      indentOnInput: /^\s*[)\]}]$/,
    },
  };
}

/** Rego modules: names at the margin are rule names. */
export const regoLanguage = StreamLanguage.define(regoParser(true));
/** Rego queries: a query is a body, so a name at the margin is a reference like any other. */
export const regoQueryLanguage = StreamLanguage.define(regoParser(false));
