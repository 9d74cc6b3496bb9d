// The outline of a module and the workspace-wide symbol search. Marked ranges `⟦ ⟧` are the names the
// editor selects (selection ranges), in the order the symbols appear in the outline.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { documentSymbols, matchScore, workspaceSymbols, type DocumentSymbol } from '../../server/src/ide/document-symbols';
import { snapshotOf } from '../../server/src/ide/snapshot';
import { fixture } from './fixture';

/** One line per symbol: indentation for children, then kind, name and detail. */
function outline(symbols: DocumentSymbol[], indent = ''): string[] {
  return symbols.flatMap((symbol) => [
    `${indent}${symbol.kind} ${symbol.name}${symbol.detail ? ` — ${symbol.detail}` : ''}`,
    ...outline(symbol.children ?? [], `${indent}  `),
  ]);
}

function flatten(symbols: DocumentSymbol[]): DocumentSymbol[] {
  return symbols.flatMap((symbol) => [symbol, ...flatten(symbol.children ?? [])]);
}

function symbolsOf(source: string, regoVersion?: 'v0' | 'v1') {
  const { snapshot, file, ranges } = fixture(source);
  const document = regoVersion ? snapshotOf([{ file, text: snapshot.get(file)!.text }], { regoVersion }).get(file)! : snapshot.get(file)!;
  return { document, symbols: documentSymbols(document), ranges };
}

describe('document symbols', () => {
  test('a module: package, imports, rules, functions and their kinds', () => {
    const { symbols } = symbolsOf(`package policy.authz

import rego.v1
import data.lib.users as people

default allow := false

allow if input.user == "admin"

max_size := 10
limits := {"cpu": 2, "memory": [1, 2]}

admins contains name if some name in people.admins

roles[name] := role if some name, role in input.roles

is_admin(user) := user in admins

summary := count(admins)
`);
    assert.deepEqual(outline(symbols), [
      'package policy.authz',
      'namespace imports',
      '  module rego.v1',
      '  module data.lib.users — as people',
      'variable allow — 2 definitions',
      '  constant allow — default := false',
      '  variable allow — if input.user == "admin"',
      'constant max_size — := 10',
      'constant limits — := {"cpu": 2, "memory": [1, 2]}',
      'array admins — contains name',
      'object roles — [name] := role',
      'function is_admin — (user) := user in admins',
      'variable summary — := count(admins)',
    ]);
  });

  test('selection ranges are the names, and each lies inside its symbol range', () => {
    const { symbols, ranges } = symbolsOf(`package ⟦a.b⟧

import ⟦data.x⟧

⟦deny⟧ contains msg if {
  msg := "no"
}

⟦a.b.c⟧ := 1

⟦f⟧(x) := x
`);
    const named = flatten(symbols).filter((symbol) => symbol.name !== 'imports');
    assert.deepEqual(
      named.map((symbol) => symbol.selectionRange),
      ranges.map(({ start, end }) => ({ start, end })),
    );
    for (const symbol of flatten(symbols)) {
      assert.ok(symbol.range.start <= symbol.selectionRange.start && symbol.selectionRange.end <= symbol.range.end, symbol.name);
    }
  });

  test('definitions of one rule are grouped, with a child per definition, in source order', () => {
    const { symbols, ranges, document } = symbolsOf(`package p

⟦deny contains "no user" if not input.user⟧

other := 1

⟦deny contains msg if {
  some x in input.xs
  msg := x
}⟧
`);
    const deny = symbols.find((symbol) => symbol.name === 'deny')!;
    assert.equal(deny.kind, 'array');
    assert.equal(deny.detail, '2 definitions');
    assert.deepEqual(
      deny.children!.map((child) => document.text.slice(child.range.start, child.range.end)),
      ranges.map(({ start, end }) => document.text.slice(start, end)),
    );
    assert.deepEqual(
      deny.children!.map((child) => child.detail),
      ['contains "no user" if not input.user', 'contains msg if some x in input.xs'],
    );
    // The group covers its first through its last definition.
    assert.deepEqual(deny.range, { start: ranges[0].start, end: ranges[1].end });
    assert.deepEqual(deny.selectionRange, deny.children![0].selectionRange);
  });

  test('functions with several clauses show their arguments', () => {
    const { symbols } = symbolsOf(`package p

f(x, y) := x + y if x > 0
f(0, y) := y
g(a) if a
`);
    assert.deepEqual(outline(symbols), [
      'package p',
      'function f — 2 clauses',
      '  function f — (x, y) := x + y if x > 0',
      '  function f — (0, y) := y',
      'function g — (a)',
    ]);
  });

  test('ref heads are shown by their full name; variable parts make an object rule', () => {
    const { symbols } = symbolsOf(`package p

a.b.c := 1
a.b.d if input.x
a.b.c := 2 if input.y
p.q[r] := 1 if some r in input.rs
p["with-dash"] := 2
m.n contains 3
`);
    assert.deepEqual(outline(symbols), [
      'package p',
      'variable a.b.c — 2 definitions',
      '  constant a.b.c — := 1',
      '  variable a.b.c — := 2 if input.y',
      'variable a.b.d',
      'object p.q — [r] := 1',
      'constant p["with-dash"] — := 2',
      'array m.n — contains 3',
    ]);
    // A group's kind is the broadest of its definitions.
    assert.equal(symbols[1].children![0].kind, 'constant');
  });

  test('v0 rules: partial sets, partial objects and else chains', () => {
    const { symbols } = symbolsOf(
      `package x
p[x] { x := 1 }
q[k] = v { k := "a"; v := 1 }
r = 1 { false } else = 2 { true }
default allow = false
`,
      'v0',
    );
    assert.deepEqual(outline(symbols), ['package x', 'array p — [x]', 'object q — [k] = v', 'variable r — = 1', 'constant allow — default = false']);
  });

  test('a package title from METADATA is its detail; long details are cut', () => {
    const { symbols } = symbolsOf(`# METADATA
# title: Authorization
package authz

very_long_rule_name := {"a": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "b": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}
`);
    assert.equal(symbols[0].detail, 'Authorization');
    const detail = symbols[1].detail!;
    assert.equal(detail.length, 60);
    assert.ok(detail.endsWith('…'));
  });

  test('a module with syntax errors still has an outline', () => {
    const { symbols } = symbolsOf(`package broken

p if {
  x := [1, 2
}

q := 1

r if input.
`);
    const names = symbols.map((symbol) => symbol.name);
    assert.ok(names.includes('p'));
    assert.ok(names.includes('q'));
  });

  test('an empty module or one without a package has no package symbol', () => {
    assert.deepEqual(symbolsOf('').symbols, []);
    assert.deepEqual(
      symbolsOf('p := 1\n').symbols.map((symbol) => symbol.name),
      ['p'],
    );
  });
});

describe('workspace symbols', () => {
  const { snapshot } = fixture(`-- authz.rego --
package app.authz

allow if input.admin
deny contains "x" if input.blocked
deny contains "y" if input.banned
is_allowed_user(u) := u == "root"
-- util.rego --
package app.util

allowed_ports := {80, 443}
ALLOWANCE := 3
-- other.rego --
package other

lower_allow := true
`);

  test('matches names case-insensitively, as a subsequence, best matches first', () => {
    const names = workspaceSymbols(snapshot, 'allow').map((symbol) => `${symbol.container ?? '-'}:${symbol.name}`);
    assert.deepEqual(names, ['app.authz:allow', 'app.util:ALLOWANCE', 'app.util:allowed_ports', 'app.authz:is_allowed_user', 'other:lower_allow']);
    assert.deepEqual(
      workspaceSymbols(snapshot, 'iau').map((symbol) => symbol.name),
      ['is_allowed_user'],
    );
    assert.deepEqual(workspaceSymbols(snapshot, 'zzz'), []);
  });

  test('answers carry the kind, the package, the file and the ranges', () => {
    const [deny] = workspaceSymbols(snapshot, 'deny');
    const document = snapshot.get('authz.rego')!;
    assert.equal(deny.kind, 'array');
    assert.equal(deny.container, 'app.authz');
    assert.equal(deny.file, 'authz.rego');
    assert.equal(document.text.slice(deny.selectionRange.start, deny.selectionRange.end), 'deny');
    assert.ok(document.text.slice(deny.range.start, deny.range.end).startsWith('deny contains "x"'));
    assert.ok(document.text.slice(deny.range.start, deny.range.end).endsWith('input.banned'));
  });

  test('packages are symbols, and a query with a dot matches package and name together', () => {
    const packages = workspaceSymbols(snapshot, 'app.').filter((symbol) => symbol.kind === 'package');
    assert.deepEqual(
      packages.map((symbol) => symbol.name),
      ['app.util', 'app.authz'],
    );
    assert.deepEqual(
      workspaceSymbols(snapshot, 'authz.allow').map((symbol) => symbol.name).slice(0, 1),
      ['allow'],
    );
    assert.deepEqual(
      workspaceSymbols(snapshot, 'util.ports').map((symbol) => symbol.name),
      ['allowed_ports'],
    );
  });

  test('an empty query lists everything, up to the limit', () => {
    assert.equal(workspaceSymbols(snapshot, '').length, 9);
    assert.equal(workspaceSymbols(snapshot, '', { limit: 3 }).length, 3);
  });

  test('a thousand files', () => {
    const files = Array.from({ length: 1000 }, (_, index) => ({
      file: `pkg${index}/policy.rego`,
      text: `package pkg${index}\n\nallow if input.user == "u${index}"\ndeny contains "x" if not allow\nrule_${index} := ${index}\nhelper_${index}(x) := x + 1\n`,
    }));
    const large = snapshotOf(files);
    assert.equal(workspaceSymbols(large, 'rule_999')[0].name, 'rule_999');
    assert.equal(workspaceSymbols(large, 'rule_999')[0].file, 'pkg999/policy.rego');
    assert.equal(workspaceSymbols(large, 'allow', { limit: 5000 }).length, 1000);
    // The per-document index is reused: a second search gives the same answer.
    assert.deepEqual(workspaceSymbols(large, 'help', { limit: 20 }), workspaceSymbols(large, 'help', { limit: 20 }));
  });

  test('match scores: exact, prefix, word start, substring, scattered', () => {
    const exact = matchScore('allow', 'allow')!;
    const prefix = matchScore('allow', 'allowed')!;
    const wordStart = matchScore('allow', 'is_allowed')!;
    const substring = matchScore('allow', 'disallowed')!;
    const scattered = matchScore('alw', 'allow')!;
    assert.ok(exact > prefix && prefix > wordStart && wordStart > substring && substring > scattered && scattered > 0);
    assert.ok(matchScore('iau', 'is_allowed_user')! > matchScore('iau', 'xixaxu')!);
    assert.equal(matchScore('xyz', 'allow'), undefined);
    assert.equal(matchScore('', 'anything'), 0);
  });
});
