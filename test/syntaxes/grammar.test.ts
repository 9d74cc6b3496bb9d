// Tests of the TextMate grammars (Rego and the Markdown code-block injection) and of the
// language configuration. The grammars are loaded with vscode-textmate on top of the
// Oniguruma WebAssembly build, the same engine VS Code uses, and the scopes of key tokens
// are checked against concrete scope names. (Both libraries are CommonJS bundles, hence the
// default imports.)
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import oniguruma from 'vscode-oniguruma';
import vsctm from 'vscode-textmate';
import type { IGrammar, IOnigLib, IRawGrammar, Registry, StateStack } from 'vscode-textmate';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);
const regoGrammarPath = join(root, 'syntaxes', 'rego.tmLanguage.json');
const markdownGrammarPath = join(root, 'syntaxes', 'rego.markdown.tmLanguage.json');
const languageConfigurationPath = join(root, 'language-configuration.json');

// A minimal stand-in for VS Code's Markdown grammar: headings and paragraphs only. The Rego
// code-block grammar is injected into it exactly as VS Code does (`injectTo` in package.json).
const markdownStandIn = {
  scopeName: 'text.html.markdown',
  patterns: [
    { match: '^#{1,6}\\s.*$', name: 'markup.heading.markdown' },
    { match: '.+', name: 'meta.paragraph.markdown' },
  ],
  repository: {},
};

interface Token {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly scopes: readonly string[];
}

let onigReady: Promise<IOnigLib> | undefined;

function onigLib(): Promise<IOnigLib> {
  onigReady ??= (async () => {
    const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM({ data: wasm });
    return {
      createOnigScanner: (sources: string[]) => oniguruma.createOnigScanner(sources),
      createOnigString: (text: string) => oniguruma.createOnigString(text),
    };
  })();
  return onigReady;
}

function readRaw(path: string): IRawGrammar {
  return vsctm.parseRawGrammar(readFileSync(path, 'utf8'), path);
}

function createRegistry(): Registry {
  return new vsctm.Registry({
    onigLib: onigLib(),
    loadGrammar: async (scopeName) => {
      switch (scopeName) {
        case 'source.rego':
          return readRaw(regoGrammarPath);
        case 'markdown.rego.codeblock':
          return readRaw(markdownGrammarPath);
        case 'text.html.markdown':
          return vsctm.parseRawGrammar(JSON.stringify(markdownStandIn), 'markdown-stand-in.json');
        default:
          return null;
      }
    },
    getInjections: (scopeName) => (scopeName === 'text.html.markdown' ? ['markdown.rego.codeblock'] : undefined),
  });
}

class Tokenized {
  constructor(readonly lines: readonly string[], readonly tokens: readonly (readonly Token[])[]) {}

  /** The tokens covering the `nth` occurrence of `needle` on line `line` (0-based). */
  at(line: number, needle: string, nth = 0): Token[] {
    const text = this.lines[line];
    assert.ok(text !== undefined, `no line ${line}`);
    let from = -1;
    for (let i = 0; i <= nth; i++) {
      from = text.indexOf(needle, from + 1);
      assert.ok(from >= 0, `${JSON.stringify(needle)} (occurrence ${nth}) not found on line ${line}: ${JSON.stringify(text)}`);
    }
    const to = from + needle.length;
    return this.tokens[line].filter((t) => t.start < to && t.end > from);
  }

  /** Asserts that every token covering the needle has `scope` among its scopes. */
  has(line: number, needle: string, scope: string, nth = 0): void {
    for (const token of this.at(line, needle, nth)) {
      assert.ok(
        token.scopes.includes(scope),
        `line ${line} ${JSON.stringify(needle)}: token ${JSON.stringify(token.text)} has [${token.scopes.join(', ')}], expected ${scope}\n${this.dump(line)}`,
      );
    }
  }

  /** Asserts that no token covering the needle has a scope starting with `prefix`. */
  lacks(line: number, needle: string, prefix: string, nth = 0): void {
    for (const token of this.at(line, needle, nth)) {
      const hit = token.scopes.find((s) => s === prefix || s.startsWith(prefix + '.'));
      assert.equal(hit, undefined, `line ${line} ${JSON.stringify(needle)}: token ${JSON.stringify(token.text)} unexpectedly has ${hit}\n${this.dump(line)}`);
    }
  }

  /** Asserts that the needle is one single token. */
  single(line: number, needle: string, nth = 0): void {
    const tokens = this.at(line, needle, nth);
    assert.equal(tokens.length, 1, `${JSON.stringify(needle)} spans ${tokens.length} tokens\n${this.dump(line)}`);
    assert.equal(tokens[0].text, needle, `${JSON.stringify(needle)} is part of token ${JSON.stringify(tokens[0].text)}\n${this.dump(line)}`);
  }

  dump(line: number): string {
    return this.tokens[line].map((t) => `  ${JSON.stringify(t.text)} ${t.scopes.join(' ')}`).join('\n');
  }
}

function tokenize(grammar: IGrammar, source: string): Tokenized {
  const lines = source.split('\n');
  const tokens: Token[][] = [];
  let state: StateStack = vsctm.INITIAL;
  for (const line of lines) {
    const result = grammar.tokenizeLine(line, state, 2000);
    assert.equal(result.stoppedEarly, false, `tokenizing stopped early on ${JSON.stringify(line)}`);
    tokens.push(
      result.tokens.map((t) => ({
        start: t.startIndex,
        end: Math.min(t.endIndex, line.length),
        text: line.slice(t.startIndex, t.endIndex),
        scopes: t.scopes,
      })),
    );
    state = result.ruleStack;
  }
  return new Tokenized(lines, tokens);
}

/** Every regular expression of a grammar, with the JSON path where it sits. */
function grammarRegexes(node: unknown, path = '$'): { path: string; key: string; source: string }[] {
  const found: { path: string; key: string; source: string }[] = [];
  if (Array.isArray(node)) {
    node.forEach((child, i) => found.push(...grammarRegexes(child, `${path}[${i}]`)));
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (['match', 'begin', 'end', 'while'].includes(key) && typeof value === 'string') {
        found.push({ path: `${path}.${key}`, key, source: value });
      } else {
        found.push(...grammarRegexes(value, `${path}.${key}`));
      }
    }
  }
  return found;
}

/** `end` and `while` patterns may refer back to `begin` captures; substitute a literal for them. */
function withoutBackReferences(source: string): string {
  return source.replace(/(?<!\\)((?:\\\\)*)\\(\d+)/g, '$1x');
}

const V1_POLICY = [
  /*  0 */ '# METADATA',
  /*  1 */ '# title: Access rules',
  /*  2 */ '# related_resources:',
  /*  3 */ '#  - ref: https://example.com/docs',
  /*  4 */ 'package policy.authz["team-a"]',
  /*  5 */ '',
  /*  6 */ 'import rego.v1',
  /*  7 */ 'import data.lib.utils as u',
  /*  8 */ '',
  /*  9 */ '# An ordinary comment, not METADATA',
  /* 10 */ 'default allow := false',
  /* 11 */ '',
  /* 12 */ 'allow if {',
  /* 13 */ '    input.user.role == "admin"',
  /* 14 */ '    count(input.user.groups) > 0 # trailing',
  /* 15 */ '}',
  /* 16 */ '',
  /* 17 */ 'deny contains msg if {',
  /* 18 */ '    some item in input.items',
  /* 19 */ '    not startswith(item.name, "ok\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9 \\q")',
  /* 20 */ '    msg := sprintf("bad %s", [item.name])',
  /* 21 */ '}',
  /* 22 */ '',
  /* 23 */ 'is_admin(user) := true if user.role != "guest"',
  /* 24 */ '',
  /* 25 */ 'age_ns := time.now_ns() - data.config.start_ns',
  /* 26 */ '',
  /* 27 */ 'limits.max_items := 10',
  /* 28 */ '',
  /* 29 */ 'nums := [n | some n in [1, -2, 3.5, 1e10, -4.2E-3]; n >= 0; n <= x-1]',
  /* 30 */ '',
  /* 31 */ 'query := `select *',
  /* 32 */ 'from "tbl" # not a comment',
  /* 33 */ 'where x = 1`',
  /* 34 */ '',
  /* 35 */ 'labels_ok if {',
  /* 36 */ '    every k, v in input.labels {',
  /* 37 */ '        v != null',
  /* 38 */ '    }',
  /* 39 */ '}',
  /* 40 */ '',
  /* 41 */ 'checked := x if {',
  /* 42 */ '    x := data.lib.check(input) with input as {"a": null}',
  /* 43 */ '    y := {1, 2} | {3} & {4}',
  /* 44 */ '    z := object.get(input, "k", _) % 2',
  /* 45 */ '} else := false',
  /* 46 */ '',
  /* 47 */ 'greeting := $"hi {input.name}, {count({x | x := input.a[_]})} \\{items} \\d"',
  /* 48 */ '',
  /* 49 */ 'report := $`line {input.a}',
  /* 50 */ 'more \\{ {upper(input.b)}`',
  /* 51 */ 'ends_ok := contains(input.s, "x")',
].join('\n');

const V0_POLICY = [
  /*  0 */ 'package example.v0',
  /*  1 */ '',
  /*  2 */ 'import future.keywords.in',
  /*  3 */ 'import future.keywords.if',
  /*  4 */ '',
  /*  5 */ 'default allow = false',
  /*  6 */ '',
  /*  7 */ 'allow {',
  /*  8 */ '    input.method == "GET"',
  /*  9 */ '}',
  /* 10 */ '',
  /* 11 */ 'deny[msg] {',
  /* 12 */ '    input.x < 3',
  /* 13 */ '    msg = "too small"',
  /* 14 */ '}',
  /* 15 */ '',
  /* 16 */ 'f(x) = y {',
  /* 17 */ '    y := x * 2 + 1',
  /* 18 */ '} else = z {',
  /* 19 */ '    z := 0',
  /* 20 */ '}',
  /* 21 */ '',
  /* 22 */ 'p[k] = v { v := input.m[k] }',
  /* 23 */ '',
  /* 24 */ 'q = 7 { true }',
].join('\n');

describe('grammar files', () => {
  it('are valid JSON with the expected scope names', () => {
    const rego = JSON.parse(readFileSync(regoGrammarPath, 'utf8'));
    assert.equal(rego.scopeName, 'source.rego');
    assert.ok(Array.isArray(rego.patterns) && rego.patterns.length > 0);
    const markdown = JSON.parse(readFileSync(markdownGrammarPath, 'utf8'));
    assert.equal(markdown.scopeName, 'markdown.rego.codeblock');
    assert.equal(markdown.injectionSelector, 'L:text.html.markdown');
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const contributed = manifest.contributes.grammars.map((g: { scopeName: string; path: string }) => [g.scopeName, g.path]);
    assert.deepEqual(contributed, [
      ['source.rego', './syntaxes/rego.tmLanguage.json'],
      ['markdown.rego.codeblock', './syntaxes/rego.markdown.tmLanguage.json'],
    ]);
  });

  it('resolve every local include to a repository entry', () => {
    for (const path of [regoGrammarPath, markdownGrammarPath]) {
      const grammar = JSON.parse(readFileSync(path, 'utf8'));
      const text = JSON.stringify(grammar);
      for (const [, name] of text.matchAll(/"include":"#([^"]+)"/g)) {
        assert.ok(grammar.repository?.[name], `${path}: #${name} is not in the repository`);
      }
    }
  });

  it('have regular expressions that all compile with Oniguruma', async () => {
    await onigLib();
    // The check itself must be able to fail.
    assert.throws(() => oniguruma.createOnigScanner(['(unclosed']));
    let count = 0;
    for (const path of [regoGrammarPath, markdownGrammarPath]) {
      for (const regex of grammarRegexes(JSON.parse(readFileSync(path, 'utf8')))) {
        const source = regex.key === 'end' || regex.key === 'while' ? withoutBackReferences(regex.source) : regex.source;
        assert.doesNotThrow(() => oniguruma.createOnigScanner([source]).dispose(), `${path} ${regex.path}: ${regex.source}`);
        count++;
      }
    }
    assert.ok(count > 30, `only ${count} regular expressions found`);
  });
});

describe('Rego grammar', () => {
  let grammar: IGrammar;
  let v1: Tokenized;
  let v0: Tokenized;

  before(async () => {
    const loaded = await createRegistry().loadGrammar('source.rego');
    assert.ok(loaded);
    grammar = loaded;
    v1 = tokenize(grammar, V1_POLICY);
    v0 = tokenize(grammar, V0_POLICY);
  });

  it('scopes METADATA annotation blocks', () => {
    v1.has(0, '#', 'punctuation.definition.comment.rego');
    v1.has(0, 'METADATA', 'keyword.other.metadata.rego');
    v1.has(0, 'METADATA', 'comment.line.number-sign.rego');
    v1.has(0, 'METADATA', 'meta.annotation.metadata.rego');
    v1.has(1, 'title', 'entity.name.tag.metadata.rego');
    v1.has(1, 'title', 'comment.line.number-sign.rego');
    v1.has(1, 'Access rules', 'comment.line.number-sign.rego');
    v1.has(2, 'related_resources', 'entity.name.tag.metadata.rego');
    v1.has(3, 'ref', 'entity.name.tag.metadata.rego');
    v1.lacks(3, 'https', 'entity.name.tag');
    // The block ends at the first line that is not a comment.
    v1.lacks(4, 'package', 'comment');
    v1.lacks(4, 'policy', 'meta.annotation');
  });

  it('scopes ordinary comments', () => {
    v1.has(9, '# An ordinary comment, not METADATA', 'comment.line.number-sign.rego');
    v1.lacks(9, 'METADATA', 'keyword');
    v1.lacks(9, 'METADATA', 'meta.annotation');
    v1.has(14, '# trailing', 'comment.line.number-sign.rego');
    v1.has(14, '#', 'punctuation.definition.comment.rego');
    v1.lacks(14, 'count', 'comment');
  });

  it('scopes package and import declarations', () => {
    v1.has(4, 'package', 'keyword.other.package.rego');
    v1.has(4, 'policy', 'entity.name.namespace.rego');
    v1.has(4, 'authz', 'entity.name.namespace.rego');
    v1.has(4, '.', 'punctuation.accessor.rego');
    v1.has(4, '"team-a"', 'string.quoted.double.rego');
    v1.has(4, 'policy.authz["team-a"]', 'meta.package.rego');
    v1.has(6, 'import', 'keyword.other.import.rego');
    v1.has(6, 'rego', 'entity.name.namespace.rego');
    v1.has(6, 'v1', 'entity.name.namespace.rego');
    v1.has(7, 'data', 'variable.language.data.rego');
    v1.has(7, 'utils', 'entity.name.namespace.rego');
    v1.has(7, 'as', 'keyword.other.as.rego');
    v1.has(7, 'u', 'variable.other.alias.rego', 1);
    // Keywords named in an import path are path segments.
    v0.has(2, 'in', 'entity.name.namespace.rego');
    v0.lacks(2, 'in', 'keyword');
    v0.has(3, 'if', 'entity.name.namespace.rego');
    v0.lacks(3, 'if', 'keyword');
  });

  it('scopes v1 keywords', () => {
    v1.has(10, 'default', 'keyword.other.default.rego');
    v1.has(12, 'if', 'keyword.control.conditional.if.rego');
    v1.has(17, 'contains', 'keyword.control.contains.rego');
    v1.has(17, 'if', 'keyword.control.conditional.if.rego');
    v1.has(18, 'some', 'keyword.control.some.rego');
    v1.has(18, 'in', 'keyword.control.in.rego');
    v1.lacks(18, 'items', 'keyword');
    v1.has(19, 'not', 'keyword.control.not.rego');
    v1.has(36, 'every', 'keyword.control.every.rego');
    v1.has(36, 'in', 'keyword.control.in.rego');
    v1.has(42, 'with', 'keyword.control.with.rego');
    v1.has(42, 'as', 'keyword.other.as.rego');
    v1.has(45, 'else', 'keyword.control.conditional.else.rego');
    v1.single(18, 'in');
    v1.single(36, 'every');
  });

  it('scopes constants', () => {
    v1.has(10, 'false', 'constant.language.boolean.rego');
    v1.has(23, 'true', 'constant.language.boolean.rego');
    v1.has(37, 'null', 'constant.language.null.rego');
    v1.has(42, 'null', 'constant.language.null.rego');
    v0.has(24, 'true', 'constant.language.boolean.rego');
  });

  it('scopes strings and their escapes', () => {
    v1.has(13, '"admin"', 'string.quoted.double.rego');
    v1.has(13, '"', 'punctuation.definition.string.begin.rego');
    v1.has(13, '"', 'punctuation.definition.string.end.rego', 1);
    for (const escape of ['\\"', '\\\\', '\\/', '\\b', '\\f', '\\n', '\\r', '\\t', '\\u00e9']) {
      v1.single(19, escape);
      v1.has(19, escape, 'constant.character.escape.rego');
      v1.has(19, escape, 'string.quoted.double.rego');
    }
    v1.has(19, '\\q', 'invalid.illegal.unrecognized-string-escape.rego');
    v1.lacks(19, '\\q', 'constant.character.escape');
    // The escaped quote does not end the string: the closing parenthesis is outside it.
    v1.single(19, '"', 2);
    v1.has(19, '"', 'punctuation.definition.string.end.rego', 2);
    v1.lacks(19, ')', 'string');
    v1.has(20, 'bad %s', 'string.quoted.double.rego');
  });

  it('scopes raw strings spanning lines', () => {
    v1.has(31, '`', 'punctuation.definition.string.begin.rego');
    v1.has(31, 'select *', 'string.quoted.other.raw.rego');
    v1.has(32, 'from "tbl" # not a comment', 'string.quoted.other.raw.rego');
    v1.lacks(32, '# not a comment', 'comment');
    v1.lacks(32, '"tbl"', 'string.quoted.double');
    v1.has(33, 'where x = 1', 'string.quoted.other.raw.rego');
    v1.has(33, '`', 'punctuation.definition.string.end.rego');
    // After the raw string, code is code again.
    v1.has(35, 'labels_ok', 'entity.name.function.rego');
    v1.lacks(35, 'labels_ok', 'string');
  });

  it('scopes numbers, including negative, decimal and exponent forms', () => {
    for (const number of ['1', '-2', '3.5', '1e10', '-4.2E-3']) {
      v1.single(29, number);
      v1.has(29, number, 'constant.numeric.rego');
    }
    v1.has(27, '10', 'constant.numeric.rego');
    v1.has(14, '0', 'constant.numeric.rego');
    // In `x-1` the minus is subtraction.
    v1.single(29, '-', 3);
    v1.has(29, '-', 'keyword.operator.arithmetic.rego', 3);
    const minus = tokenize(grammar, 'y := x-1 + a[0]-2');
    minus.single(0, '-');
    minus.has(0, '-', 'keyword.operator.arithmetic.rego');
    minus.single(0, '1');
    minus.has(0, '1', 'constant.numeric.rego');
    minus.single(0, '-', 1);
    minus.has(0, '-', 'keyword.operator.arithmetic.rego', 1);
    minus.has(0, '2', 'constant.numeric.rego');
    // Digits inside identifiers are not numbers.
    v1.lacks(6, 'v1', 'constant.numeric');
    v1.lacks(25, 'age_ns', 'constant.numeric');
  });

  it('scopes operators', () => {
    v1.has(10, ':=', 'keyword.operator.assignment.rego');
    v1.single(10, ':=');
    v1.has(13, '==', 'keyword.operator.comparison.rego');
    v1.single(13, '==');
    v1.has(14, '>', 'keyword.operator.comparison.rego');
    v1.has(23, '!=', 'keyword.operator.comparison.rego');
    v1.single(29, '>=');
    v1.has(29, '>=', 'keyword.operator.comparison.rego');
    v1.single(29, '<=');
    v1.has(29, '<=', 'keyword.operator.comparison.rego');
    v1.has(29, '|', 'keyword.operator.set.union.rego');
    v1.has(43, '|', 'keyword.operator.set.union.rego');
    v1.has(43, '&', 'keyword.operator.set.intersection.rego');
    v1.has(44, '%', 'keyword.operator.arithmetic.rego');
    v1.has(25, '-', 'keyword.operator.arithmetic.rego');
    v0.has(5, '=', 'keyword.operator.unification.rego');
    v0.has(12, '<', 'keyword.operator.comparison.rego');
    v0.has(13, '=', 'keyword.operator.unification.rego');
    v0.has(17, '*', 'keyword.operator.arithmetic.rego');
    v0.has(17, '+', 'keyword.operator.arithmetic.rego');
    v1.has(29, ';', 'punctuation.terminator.statement.rego');
    v1.has(29, ',', 'punctuation.separator.comma.rego');
    v1.single(42, ':', 1);
    v1.has(42, ':', 'punctuation.separator.key-value.rego', 1);
  });

  it('scopes rule heads as function names (v1)', () => {
    v1.has(10, 'allow', 'entity.name.function.rego');
    v1.has(12, 'allow', 'entity.name.function.rego');
    v1.has(17, 'deny', 'entity.name.function.rego');
    v1.lacks(17, 'msg', 'entity.name.function');
    v1.has(23, 'is_admin', 'entity.name.function.rego');
    v1.lacks(23, 'user', 'entity.name.function');
    v1.lacks(23, 'is_admin', 'support.function');
    v1.has(25, 'age_ns', 'entity.name.function.rego');
    v1.has(27, 'limits', 'entity.name.function.rego');
    v1.has(27, 'max_items', 'entity.name.function.rego');
    v1.has(27, '.', 'punctuation.accessor.rego');
    v1.has(41, 'checked', 'entity.name.function.rego');
    // Statements in a body are not rule heads.
    v1.lacks(20, 'msg', 'entity.name.function');
    v1.has(20, 'msg', 'variable.other.rego');
    v1.lacks(42, 'x', 'entity.name.function');
  });

  it('scopes rule heads as function names (v0)', () => {
    v0.has(5, 'allow', 'entity.name.function.rego');
    v0.has(5, 'default', 'keyword.other.default.rego');
    v0.has(7, 'allow', 'entity.name.function.rego');
    v0.has(11, 'deny', 'entity.name.function.rego');
    v0.lacks(11, 'msg', 'entity.name.function');
    v0.has(11, '[', 'punctuation.section.brackets.begin.rego');
    v0.has(16, 'f', 'entity.name.function.rego');
    v0.has(18, 'else', 'keyword.control.conditional.else.rego');
    v0.lacks(18, 'z', 'entity.name.function');
    v0.has(22, 'p', 'entity.name.function.rego');
    v0.has(24, 'q', 'entity.name.function.rego');
    v0.has(0, 'package', 'keyword.other.package.rego');
    v0.lacks(0, 'package', 'entity.name.function');
  });

  it('scopes built-in and function calls', () => {
    v1.has(14, 'count', 'support.function.rego');
    v1.has(19, 'startswith', 'support.function.rego');
    v1.has(20, 'sprintf', 'support.function.rego');
    v1.has(25, 'time', 'support.function.rego');
    v1.has(25, 'now_ns', 'support.function.rego');
    v1.has(25, '.', 'punctuation.accessor.rego');
    v1.has(44, 'object', 'support.function.rego');
    v1.has(44, 'get', 'support.function.rego');
    // data.lib.check(...) calls a function of the data document.
    v1.has(42, 'data', 'variable.language.data.rego');
    v1.has(42, 'check', 'support.function.rego');
    v1.lacks(42, 'data', 'support.function');
    // `contains(` is the built-in, not the keyword.
    v1.has(51, 'contains', 'support.function.rego');
    v1.lacks(51, 'contains', 'keyword');
    // A reference that is not called is not a function.
    v1.lacks(25, 'config', 'support.function');
    v1.has(14, '(', 'punctuation.section.parens.begin.rego');
    v1.has(14, ')', 'punctuation.section.parens.end.rego');
  });

  it('scopes input, data, references and brackets', () => {
    v1.has(13, 'input', 'variable.language.input.rego');
    v1.has(13, 'user', 'variable.other.property.rego');
    v1.has(13, 'role', 'variable.other.property.rego');
    v1.has(14, 'input', 'variable.language.input.rego');
    v1.has(25, 'data', 'variable.language.data.rego');
    v1.has(25, 'start_ns', 'variable.other.property.rego');
    v1.has(42, 'input', 'variable.language.input.rego', 1);
    v0.has(22, 'input', 'variable.language.input.rego');
    // Fields named like the root documents are properties.
    assert.ok(!tokenize(grammar, 'x := y.input.data').at(0, 'input')[0].scopes.some((s) => s.startsWith('variable.language')));
    v1.has(12, '{', 'punctuation.section.braces.begin.rego');
    v1.has(15, '}', 'punctuation.section.braces.end.rego');
    v1.has(20, '[', 'punctuation.section.brackets.begin.rego');
    v1.has(20, ']', 'punctuation.section.brackets.end.rego');
    v1.has(44, '_', 'variable.language.wildcard.rego');
  });

  it('scopes template strings and their expressions', () => {
    v1.has(47, '$', 'punctuation.definition.string.template.rego');
    v1.has(47, '$"hi ', 'string.interpolated.rego');
    v1.has(47, '{', 'punctuation.section.interpolation.begin.rego');
    v1.has(47, 'input', 'variable.language.input.rego');
    v1.has(47, 'input', 'meta.template.expression.rego');
    v1.has(47, 'name', 'variable.other.property.rego');
    v1.has(47, 'count', 'support.function.rego');
    // A set comprehension inside the expression does not end it early.
    v1.single(47, '{', 2);
    v1.has(47, '{', 'punctuation.section.braces.begin.rego', 2);
    v1.has(47, '_', 'variable.language.wildcard.rego');
    v1.single(47, '}', 1);
    v1.has(47, '}', 'punctuation.section.braces.end.rego', 1);
    v1.has(47, '}', 'punctuation.section.interpolation.end.rego', 2);
    v1.has(47, 'x := input', 'meta.template.expression.rego');
    v1.has(47, '\\{', 'constant.character.escape.rego');
    v1.lacks(47, 'items', 'meta.template.expression');
    v1.has(47, 'items', 'string.interpolated.rego');
    v1.has(47, '\\d', 'invalid.illegal.unrecognized-string-escape.rego');
    v1.has(47, '"', 'punctuation.definition.string.end.rego', 1);
    // Raw template strings span lines and only know the \{ escape.
    v1.has(49, 'line ', 'string.interpolated.raw.rego');
    v1.has(49, 'input', 'variable.language.input.rego');
    v1.has(50, 'more', 'string.interpolated.raw.rego');
    v1.has(50, '\\{', 'constant.character.escape.rego');
    v1.has(50, 'upper', 'support.function.rego');
    v1.has(50, '`', 'punctuation.definition.string.end.rego');
    v1.has(51, 'ends_ok', 'entity.name.function.rego');
  });

  it('recovers after an unterminated string at the end of the line', () => {
    const t = tokenize(grammar, 'msg := "oops\nallow if true');
    t.has(0, '"oops', 'string.quoted.double.rego');
    t.has(1, 'allow', 'entity.name.function.rego');
    t.lacks(1, 'allow', 'string');
    t.has(1, 'if', 'keyword.control.conditional.if.rego');
  });

  it('tokenizes pathological lines quickly', () => {
    const lines = [
      'a.'.repeat(5000) + 'b',
      'x := ' + 'a.'.repeat(5000) + 'f(',
      '"' + '\\'.repeat(9999),
      '-'.repeat(10000),
      '1'.repeat(10000) + 'x',
      'p ' + '['.repeat(5000),
      '# METADATA' + ' '.repeat(10000) + 'x',
      '$"' + '{'.repeat(3000),
    ];
    for (const line of lines) {
      const started = performance.now();
      const result = grammar.tokenizeLine(line, vsctm.INITIAL, 2000);
      assert.equal(result.stoppedEarly, false);
      assert.ok(performance.now() - started < 1500, `slow on ${line.slice(0, 20)}…`);
    }
  });
});

describe('Markdown code-block injection', () => {
  const doc = [
    /*  0 */ '# Policies',
    /*  1 */ '',
    /*  2 */ 'Text that says if and input.',
    /*  3 */ '```rego',
    /*  4 */ 'package example',
    /*  5 */ '',
    /*  6 */ 'allow if count(input.x) > 0',
    /*  7 */ '```',
    /*  8 */ 'After the block: if not rego.',
    /*  9 */ '~~~rego',
    /* 10 */ 'deny contains "x" if true',
    /* 11 */ '~~~',
    /* 12 */ '```Rego {.line-numbers title="p.rego"}',
    /* 13 */ 'default allow := false',
    /* 14 */ '```',
    /* 15 */ '```regox',
    /* 16 */ 'allow if true',
    /* 17 */ '```',
    /* 18 */ '  ```rego',
    /* 19 */ '  q := `raw',
    /* 20 */ '  ```',
    /* 21 */ 'Final if paragraph.',
  ].join('\n');

  let md: Tokenized;

  before(async () => {
    const grammar = await createRegistry().loadGrammar('text.html.markdown');
    assert.ok(grammar);
    md = tokenize(grammar, doc);
  });

  it('leaves Markdown outside fences alone', () => {
    md.has(0, 'Policies', 'markup.heading.markdown');
    md.has(2, 'if', 'meta.paragraph.markdown');
    md.lacks(2, 'if', 'keyword');
    md.lacks(2, 'input', 'variable.language');
  });

  it('colours ```rego blocks with the Rego grammar', () => {
    md.has(3, '```', 'punctuation.definition.markdown');
    md.has(3, 'rego', 'fenced_code.block.language.markdown');
    md.has(3, '```rego', 'markup.fenced_code.block.markdown');
    md.has(4, 'package', 'keyword.other.package.rego');
    md.has(4, 'package', 'meta.embedded.block.rego');
    md.has(6, 'allow', 'entity.name.function.rego');
    md.has(6, 'if', 'keyword.control.conditional.if.rego');
    md.has(6, 'count', 'support.function.rego');
    md.has(6, 'input', 'variable.language.input.rego');
    md.has(6, '0', 'constant.numeric.rego');
    md.has(7, '```', 'punctuation.definition.markdown');
    md.lacks(7, '```', 'meta.embedded');
  });

  it('ends the block at the closing fence', () => {
    md.lacks(8, 'if', 'keyword');
    md.lacks(8, 'After', 'markup.fenced_code');
    md.has(8, 'After', 'meta.paragraph.markdown');
  });

  it('colours ~~~rego blocks and blocks with attributes', () => {
    md.has(9, '~~~', 'punctuation.definition.markdown');
    md.has(10, 'deny', 'entity.name.function.rego');
    md.has(10, 'contains', 'keyword.control.contains.rego');
    md.has(10, '"x"', 'string.quoted.double.rego');
    md.lacks(12, '{.line-numbers', 'meta.embedded');
    md.has(12, '{.line-numbers title="p.rego"}', 'fenced_code.block.language.attributes.markdown');
    md.has(13, 'default', 'keyword.other.default.rego');
    md.has(13, 'false', 'constant.language.boolean.rego');
  });

  it('does not colour other languages', () => {
    md.lacks(16, 'allow', 'entity.name.function');
    md.lacks(16, 'if', 'keyword');
  });

  it('ends an indented block even inside an unterminated raw string', () => {
    md.has(19, 'raw', 'string.quoted.other.raw.rego');
    md.has(20, '```', 'punctuation.definition.markdown');
    md.lacks(21, 'if', 'keyword');
    md.lacks(21, 'if', 'string');
    md.has(21, 'Final', 'meta.paragraph.markdown');
  });
});

describe('language configuration', () => {
  const config = JSON.parse(readFileSync(languageConfigurationPath, 'utf8'));

  it('declares comments, brackets and pairs', () => {
    assert.deepEqual(config.comments, { lineComment: '#' });
    assert.deepEqual(config.brackets, [
      ['{', '}'],
      ['[', ']'],
      ['(', ')'],
    ]);
    const pairs = new Map(config.autoClosingPairs.map((p: { open: string; close: string; notIn?: string[] }) => [p.open, p]));
    for (const [open, close] of [
      ['{', '}'],
      ['[', ']'],
      ['(', ')'],
      ['"', '"'],
      ['`', '`'],
    ]) {
      assert.equal((pairs.get(open) as { close: string } | undefined)?.close, close, `auto-closing ${open}`);
    }
    assert.ok((pairs.get('"') as { notIn?: string[] }).notIn?.includes('string'));
    const surrounding = config.surroundingPairs.map((p: string[]) => p.join(''));
    for (const pair of ['{}', '[]', '()', '""', '``']) assert.ok(surrounding.includes(pair), `surrounding ${pair}`);
    assert.equal(config.onEnterRules, undefined);
  });

  it('has a word pattern for Rego identifiers', () => {
    const word = new RegExp(config.wordPattern, 'g');
    assert.deepEqual('x := time.now_ns() - is_admin2'.match(word), ['x', 'time', 'now_ns', 'is_admin2']);
    assert.deepEqual('n := 3.5e2'.match(word), ['n', '3.5e2']);
  });

  it('has indentation rules for brackets', () => {
    const increase = new RegExp(config.indentationRules.increaseIndentPattern);
    const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
    for (const line of ['allow if {', 'xs := [', '  msg := sprintf("%s", [', 'f(', 'allow if { # why', 'p := {"#": 1, "b": [']) {
      assert.ok(increase.test(line), `should indent after ${JSON.stringify(line)}`);
    }
    for (const line of ['# note {', 'x := "{"', 'x := 1 # {', '}', 'allow if { x }', 'count(x)']) {
      assert.ok(!increase.test(line), `should not indent after ${JSON.stringify(line)}`);
    }
    for (const line of ['}', '  ]', '\t) else := 1', '} else := false if {']) {
      assert.ok(decrease.test(line), `should outdent ${JSON.stringify(line)}`);
    }
    for (const line of ['allow if {', '  x := 1', 'x := {}']) {
      assert.ok(!decrease.test(line), `should not outdent ${JSON.stringify(line)}`);
    }
  });
});
