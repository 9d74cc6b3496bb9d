// The glob built-ins called directly: wildcards against delimiters, character classes, alternatives,
// escapes, the delimiters operand (null, empty, runes) and the pattern errors of gobwas/glob.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { builtins } from '../../server/src/builtins/glob';
import { assertError, caller, checkDeclarations } from './call-builtin';

const call = caller(builtins);

describe('glob declarations', () => checkDeclarations(builtins));

describe('glob.match', () => {
  it('stops * and ? at delimiters but not **', () => {
    assert.equal(call('glob.match', '*.example.org', ['.'], 'www.example.org'), true);
    assert.equal(call('glob.match', '*.example.org', ['.'], 'a.b.example.org'), false);
    assert.equal(call('glob.match', '**.example.org', ['.'], 'a.b.example.org'), true);
    assert.equal(call('glob.match', 'v?', ['.'], 'v1'), true);
    assert.equal(call('glob.match', 'v?', ['.'], 'v.'), false);
    assert.equal(call('glob.match', 'a*', ['/', ':'], 'abc:d'), false);
    assert.equal(call('glob.match', 'a*', ['/', ':'], 'abc.d'), true);
  });

  it('uses "." for an empty delimiter list and none for null', () => {
    assert.equal(call('glob.match', '*', [], 'x.y'), false);
    assert.equal(call('glob.match', '*', null, 'x.y'), true);
    assert.equal(call('glob.match', '?', null, '.'), true);
    assert.equal(call('glob.match', '*', null, 'multi\nline'), true);
  });

  it('matches the whole string', () => {
    assert.equal(call('glob.match', 'abc', null, 'abcd'), false);
    assert.equal(call('glob.match', 'b*', null, 'abc'), false);
    assert.equal(call('glob.match', '', null, ''), true);
    assert.equal(call('glob.match', '?', null, ''), false);
    assert.equal(call('glob.match', '**', ['.'], ''), true);
  });

  it('supports character lists and ranges, negated with !', () => {
    assert.equal(call('glob.match', '[xyz]1', null, 'y1'), true);
    assert.equal(call('glob.match', '[xyz]1', null, 'a1'), false);
    assert.equal(call('glob.match', '[!xyz]1', null, 'a1'), true);
    assert.equal(call('glob.match', '[0-9][0-9]', null, '42'), true);
    assert.equal(call('glob.match', '[!0-9]', null, '4'), false);
    assert.equal(call('glob.match', '[!0-9]', null, ''), false);
    // Classes ignore delimiters.
    assert.equal(call('glob.match', 'a[!x]b', ['.'], 'a.b'), true);
    assert.equal(call('glob.match', '[é-ë]', null, 'ê'), true);
  });

  it('supports alternatives, nested and with empty branches', () => {
    assert.equal(call('glob.match', '{api,www}.example.org', ['.'], 'api.example.org'), true);
    assert.equal(call('glob.match', '{api,www}.example.org', ['.'], 'ftp.example.org'), false);
    assert.equal(call('glob.match', 'x{a,{b,c}d}', null, 'xcd'), true);
    assert.equal(call('glob.match', 'x{,y}', null, 'x'), true);
    assert.equal(call('glob.match', 'x{*.,}z', ['.'], 'xab.z'), true);
    // Outside braces, commas and closing braces are ordinary characters.
    assert.equal(call('glob.match', 'a,b}', null, 'a,b}'), true);
  });

  it('treats escaped characters literally', () => {
    assert.equal(call('glob.match', '\\*\\?', null, '*?'), true);
    assert.equal(call('glob.match', '\\*', null, 'x'), false);
    assert.equal(call('glob.match', '[\\]]', null, ']'), true);
    // Characters that are special in regular expressions are plain here.
    assert.equal(call('glob.match', 'a.(b)+$', null, 'a.(b)+$'), true);
    assert.equal(call('glob.match', 'a.c', null, 'abc'), false);
  });

  it("reports gobwas/glob's pattern errors", () => {
    assertError(() => call('glob.match', '[abc', null, 'a'), 'unexpected end of input');
    assertError(() => call('glob.match', '[a-cd]', null, 'a'), 'expected close range character');
    assertError(() => call('glob.match', '[]', null, 'a'), 'could not parse range');
    assertError(() => call('glob.match', '[z-a]', null, 'a'), "hi character 'a' should be greater than lo 'z'");
  });

  it('checks the delimiters operand', () => {
    assertError(() => call('glob.match', '*', 'x', 'a'), 'operand 2 must be one of {array, null} but got string', 'eval_type_error');
    assertError(() => call('glob.match', '*', [1], 'a'), 'operand 2 must be array of strings but got array containing number', 'eval_type_error');
    assertError(() => call('glob.match', '*', ['::'], 'a'), 'operand 2 must be array of runes but got array containing string', 'eval_type_error');
    assertError(() => call('glob.match', 1, null, 'a'), 'operand 1 must be string but got number', 'eval_type_error');
    assertError(() => call('glob.match', '*', null, 1), 'operand 3 must be string but got number', 'eval_type_error');
  });
});

describe('glob.quote_meta', () => {
  it('escapes the special characters only', () => {
    assert.equal(call('glob.quote_meta', '*.example.org'), '\\*.example.org');
    assert.equal(call('glob.quote_meta', '[a]{b}?\\'), '\\[a\\]\\{b\\}\\?\\\\');
    assert.equal(call('glob.quote_meta', 'a,b!-c'), 'a,b!-c');
  });

  it('quotes text so that it matches only itself', () => {
    const text = 'f*o?[x]{y,z}\\';
    assert.equal(call('glob.match', call('glob.quote_meta', text) as string, null, text), true);
  });
});
