// Semantic tokens, shown as `text:type.modifier...` in source order.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SEMANTIC_TOKENS_LEGEND, semanticTokens, TOKEN_MODIFIERS, TOKEN_TYPES, type SemanticToken } from '../../server/src/ide/semantic-tokens';
import { snapshotOf, type Snapshot } from '../../server/src/ide/snapshot';

function render(text: string, tokens: SemanticToken[]): string[] {
  return tokens.map((token) => `${text.slice(token.start, token.start + token.length)}:${[token.type, ...token.modifiers].join('.')}`);
}

function tokensOf(text: string, options: { regoVersion?: 'v0' | 'v1'; snapshot?: Snapshot } = {}): string[] {
  const document = snapshotOf([{ file: 'a.rego', text }], { regoVersion: options.regoVersion ?? 'v1' }).get('a.rego')!;
  return render(text, semanticTokens(document, options.snapshot));
}

/** The tokens whose text is `word`, in order. */
function of(tokens: string[], word: string): string[] {
  return tokens.filter((token) => token.startsWith(`${word}:`));
}

function assertWellFormed(text: string, tokens: SemanticToken[]): void {
  let previousEnd = 0;
  for (const token of tokens) {
    assert.ok(token.length > 0, 'tokens are not empty');
    assert.ok(token.start >= previousEnd, `tokens are ordered and do not overlap at ${token.start}`);
    assert.ok(token.start + token.length <= text.length, 'tokens lie inside the text');
    assert.ok(!/[\r\n]/.test(text.slice(token.start, token.start + token.length)), 'tokens do not span lines');
    assert.ok((TOKEN_TYPES as readonly string[]).includes(token.type));
    for (const modifier of token.modifiers) assert.ok((TOKEN_MODIFIERS as readonly string[]).includes(modifier));
    previousEnd = token.start + token.length;
  }
}

describe('semantic tokens', () => {
  test('the legend lists standard LSP names', () => {
    assert.deepEqual(SEMANTIC_TOKENS_LEGEND.tokenTypes, [...TOKEN_TYPES]);
    assert.deepEqual(SEMANTIC_TOKENS_LEGEND.tokenModifiers, [...TOKEN_MODIFIERS]);
    for (const type of ['namespace', 'function', 'parameter', 'variable', 'property', 'keyword', 'string', 'number', 'comment', 'operator']) {
      assert.ok(SEMANTIC_TOKENS_LEGEND.tokenTypes.includes(type as never), type);
    }
    for (const modifier of ['declaration', 'readonly', 'defaultLibrary']) assert.ok(SEMANTIC_TOKENS_LEGEND.tokenModifiers.includes(modifier as never), modifier);
  });

  test('a module, token by token', () => {
    const text = `package app.authz

import rego.v1
import data.lib.users as people

# Allow admins.
allow if {
  some user in input.users
  user.role == "admin"
  is_admin(user.name)
}

is_admin(name) := name in people.admins

count_users := count(input.users)
`;
    assert.deepEqual(tokensOf(text), [
      'package:keyword',
      'app:namespace',
      'authz:namespace',
      'import:keyword',
      'rego:namespace',
      'v1:namespace',
      'import:keyword',
      'data:namespace',
      'lib:namespace',
      'users:namespace',
      'as:keyword',
      'people:namespace.declaration',
      '# Allow admins.:comment',
      'allow:variable.declaration.readonly',
      'if:keyword',
      'some:keyword',
      'user:variable.declaration',
      'in:keyword',
      'input:variable.readonly.defaultLibrary',
      'users:property',
      'user:variable',
      'role:property',
      '==:operator',
      '"admin":string',
      'is_admin:function',
      'user:variable',
      'name:property',
      'is_admin:function.declaration',
      'name:parameter.declaration',
      ':=:operator',
      'name:parameter',
      'in:keyword',
      'people:namespace',
      'admins:property',
      'count_users:variable.declaration.readonly',
      ':=:operator',
      'count:function.defaultLibrary',
      'input:variable.readonly.defaultLibrary',
      'users:property',
    ]);
  });

  test('rules referred to in bodies are readonly variables; locals shadow them', () => {
    const tokens = tokensOf(`package p

limit := 10
over if input.n > limit
shadow if {
  limit := 3
  limit > 1
}
`);
    assert.deepEqual(of(tokens, 'limit'), [
      'limit:variable.declaration.readonly',
      'limit:variable.readonly',
      'limit:variable.declaration',
      'limit:variable',
    ]);
  });

  test('rules of the same package in other files count as rules', () => {
    const other = 'package p\n\nshared := 1\n';
    const text = 'package p\n\nuses if shared == 1\n';
    const snapshot = snapshotOf([
      { file: 'a.rego', text },
      { file: 'b.rego', text: other },
      { file: 'c.rego', text: 'package q\n\nunrelated := 2\n' },
    ]);
    const document = snapshot.get('a.rego')!;
    assert.deepEqual(of(render(text, semanticTokens(document, snapshot)), 'shared'), ['shared:variable.readonly']);
    assert.deepEqual(of(render(text, semanticTokens(document)), 'shared'), ['shared:variable']);
  });

  test('declarations: :=, some, every, comprehension and patterns', () => {
    const tokens = tokensOf(`package p

r if {
  [a, {"k": b}] := [1, {"k": 2}]
  some c
  every k, v in input.m { k != v }
  xs := [x | some x in input.xs]
  c == a + b
}
`);
    assert.deepEqual(
      tokens.filter((token) => token.includes('.declaration') && !token.startsWith('r:')),
      ['a:variable.declaration', 'b:variable.declaration', 'c:variable.declaration', 'k:variable.declaration', 'v:variable.declaration', 'xs:variable.declaration', 'x:variable.declaration'],
    );
  });

  test('built-ins: namespaces, functions, deprecated ones, and `with` replacements', () => {
    const tokens = tokensOf(`package p

mock_count(_) := 0
r if {
  strings.replace_n({"a": "b"}, "a")
  re_match("a", "b")
  print("x")
  count([]) == 0 with count as mock_count
}
`);
    assert.deepEqual(of(tokens, 'strings'), ['strings:namespace.defaultLibrary']);
    assert.deepEqual(of(tokens, 'replace_n'), ['replace_n:function.defaultLibrary']);
    assert.deepEqual(of(tokens, 're_match'), ['re_match:function.defaultLibrary.deprecated']);
    assert.deepEqual(of(tokens, 'print'), ['print:function.defaultLibrary']);
    assert.deepEqual(of(tokens, 'count'), ['count:function.defaultLibrary', 'count:function.defaultLibrary']);
    assert.deepEqual(of(tokens, 'mock_count'), ['mock_count:function.declaration', 'mock_count:function']);
  });

  test('a user function named like a built-in is the user function', () => {
    const tokens = tokensOf('package p\n\ncount(x) := 1\nr := count([1])\n');
    assert.deepEqual(of(tokens, 'count'), ['count:function.declaration', 'count:function']);
  });

  test('calls through data and import aliases', () => {
    const tokens = tokensOf('package p\n\nimport data.lib\n\nr := data.util.f(1)\ns := lib.helpers.g(2)\n');
    assert.deepEqual(tokens.slice(tokens.indexOf('r:variable.declaration.readonly') + 2, tokens.indexOf('r:variable.declaration.readonly') + 6), [
      'data:variable.readonly.defaultLibrary',
      'util:namespace',
      'f:function',
      '1:number',
    ]);
    assert.deepEqual(tokens.slice(-4), ['lib:namespace', 'helpers:namespace', 'g:function', '2:number']);
  });

  test('rule heads: ref parts are declared properties, key variables are variables', () => {
    const tokens = tokensOf('package p\n\na.b["c"][x] := 1 if some x in input.xs\n');
    assert.deepEqual(tokens.slice(2, 6), ['a:variable.declaration.readonly', 'b:property.declaration', '"c":string', 'x:variable']);
  });

  test('METADATA comments are documentation', () => {
    const tokens = tokensOf('package p\n\n# plain\n\n# METADATA\n# title: T\nallow := true\n');
    assert.deepEqual(tokens.filter((token) => token.startsWith('#')), ['# plain:comment', '# METADATA:comment.documentation', '# title: T:comment.documentation']);
  });

  test('template strings, raw strings across lines, numbers and keywords', () => {
    const text = 'package p\n\nmsg := $"hi {input.name}, {1}"\nraw := `one\r\ntwo`\nn := -1.5e3\nb := [true, false, null]\n';
    const tokens = tokensOf(text);
    assert.deepEqual(tokens.slice(4, 13), ['$":string', 'hi :string', 'input:variable.readonly.defaultLibrary', 'name:property', ', :string', '1:number', '":string', 'raw:variable.declaration.readonly', ':=:operator']);
    assert.deepEqual(tokens.slice(13, 15), ['`one:string', 'two`:string']);
    assert.ok(tokens.includes('-:operator') && tokens.includes('1.5e3:number'));
    assert.deepEqual(tokens.slice(-3), ['true:keyword', 'false:keyword', 'null:keyword']);
  });

  test('v0 without future imports: `if` and `contains` are names', () => {
    const tokens = tokensOf('package p\n\ncontains[x] { x := 1 }\nif := 2\n', { regoVersion: 'v0' });
    assert.deepEqual(of(tokens, 'contains'), ['contains:variable.declaration.readonly']);
    assert.deepEqual(of(tokens, 'if'), ['if:variable.declaration.readonly']);
  });

  test('keywords after a dot are properties', () => {
    assert.deepEqual(tokensOf('package p\n\nr := input.package.if\n').slice(-3), ['input:variable.readonly.defaultLibrary', 'package:property', 'if:property']);
  });

  test('broken modules: every token still comes, and every prefix of a module is handled without throwing', () => {
    const broken = 'package p\n\nallow if {\n  x := [1, count(\n}\n\ndeny contains msg if input.\n';
    const tokens = tokensOf(broken);
    assert.ok(tokens.includes('deny:variable.declaration.readonly'));
    assert.ok(tokens.includes('count:function.defaultLibrary') || tokens.includes('count:variable'));
    const full = `package app

import rego.v1
import data.lib as l

# METADATA
# title: x
allow if {
  some x in input.xs
  l.f(x, "a b") == {"k": [1, 2]}
  y := [z | z := x.a[_]]
  every k, v in input.m { k != v }
  not deny with input as {}
} else := 2

f(a) := $"v {a} w" if a > \`raw
text\`
p[x] = y { y := {k: v | some k, v in input.o} }
`;
    for (let cut = 0; cut <= full.length; cut++) {
      const text = full.slice(0, cut);
      for (const regoVersion of ['v0', 'v1'] as const) {
        const document = snapshotOf([{ file: 'a.rego', text }], { regoVersion }).get('a.rego')!;
        assertWellFormed(text, semanticTokens(document));
      }
    }
  });
});
