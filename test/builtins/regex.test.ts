// The regex built-ins called directly: Go (RE2) syntax and match rules, Go's split and replace
// quirks, template matching with its errors, and the glob-intersection decision of regex.globs_match.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { builtins } from '../../server/src/builtins/regex';
import { assertError, assertValue, caller, checkDeclarations } from './call-builtin';

const call = caller(builtins);

describe('regex declarations', () => checkDeclarations(builtins));

describe('regex.match and re_match', () => {
  it('searches anywhere unless anchored', () => {
    assert.equal(call('regex.match', 'b+', 'abbbc'), true);
    assert.equal(call('regex.match', '^b+', 'abbbc'), false);
    assert.equal(call('re_match', '^[0-9]{3}-[0-9]{4}$', '555-1234'), true);
  });

  it('uses RE2 syntax: named groups, classes and flags', () => {
    assert.equal(call('regex.match', '(?P<word>\\w+)@(?i:EXAMPLE)\\.org', 'me@example.org'), true);
    assert.equal(call('regex.match', '\\pL+', 'héllo'), true);
    assert.equal(call('regex.match', '(?s)a.b', 'a\nb'), true);
    assert.equal(call('regex.match', 'a.b', 'a\nb'), false);
  });

  it("reports Go's parse errors", () => {
    assertError(() => call('regex.match', '(unclosed', 'x'), 'error parsing regexp: missing closing ): `(unclosed`');
    assertError(() => call('regex.match', 'a**', 'x'), 'error parsing regexp: invalid nested repetition operator: `**`');
    // Perl look-arounds are not RE2.
    assertError(() => call('regex.match', '(?=x)', 'x'), 'error parsing regexp: invalid or unsupported Perl syntax: `(?=`');
  });

  it('checks operand types', () => {
    assertError(() => call('regex.match', 1, 'x'), 'operand 1 must be string but got number', 'eval_type_error');
    assertError(() => call('regex.match', 'x', null), 'operand 2 must be string but got null', 'eval_type_error');
  });
});

describe('regex.is_valid', () => {
  it('accepts RE2 expressions and rejects the rest without error', () => {
    assert.equal(call('regex.is_valid', '^[a-z]+(\\d{2,3})?$'), true);
    assert.equal(call('regex.is_valid', '[z-a]'), false);
    assert.equal(call('regex.is_valid', '\\8'), false);
    assert.equal(call('regex.is_valid', 42), false);
  });
});

describe('regex.split', () => {
  it('splits at every match', () => {
    assertValue(call('regex.split', ',\\s*', 'a, b,c'), ['a', 'b', 'c']);
    assertValue(call('regex.split', 'o', 'foo'), ['f', '', '']);
  });

  it("keeps Go's empty first and last parts", () => {
    assertValue(call('regex.split', '^x', 'xyz'), ['', 'yz']);
    assertValue(call('regex.split', 'z$', 'xyz'), ['xy', '']);
    assertValue(call('regex.split', '.+', 'whole'), ['', '']);
    assertValue(call('regex.split', 'q', 'none'), ['none']);
  });

  it('returns one empty part for empty text, none for an empty pattern', () => {
    assertValue(call('regex.split', 'x', ''), ['']);
    assertValue(call('regex.split', '', ''), []);
    assertValue(call('regex.split', '', 'abc'), ['a', 'b', 'c']);
  });
});

describe('regex.find_n', () => {
  it('returns up to n non-overlapping matches, all of them for -1', () => {
    assertValue(call('regex.find_n', '[0-9]+', 'a1 b22 c333', -1), ['1', '22', '333']);
    assertValue(call('regex.find_n', '[0-9]+', 'a1 b22 c333', 2), ['1', '22']);
    assertValue(call('regex.find_n', '[0-9]+', 'a1 b22 c333', 0), []);
    assertValue(call('regex.find_n', 'z', 'abc', -1), []);
  });

  it('skips an empty match right after a match, as Go does', () => {
    assertValue(call('regex.find_n', 'b*', 'abbc', -1), ['', 'bb', '']);
  });

  it('counts characters, not UTF-16 units', () => {
    assertValue(call('regex.find_n', '.', '😀é', -1), ['😀', 'é']);
  });

  it('wants an integer count', () => {
    assertError(() => call('regex.find_n', 'a', 'a', 1.5), 'operand 3 must be integer number but got floating-point number', 'eval_type_error');
    assertError(() => call('regex.find_n', 'a', 'a', '1'), 'operand 3 must be number but got string', 'eval_type_error');
  });
});

describe('regex.find_all_string_submatch_n', () => {
  it('lists each match with its groups, "" for groups that took no part', () => {
    assertValue(call('regex.find_all_string_submatch_n', '(\\w)=(\\d)?', 'a=1 b= c=3', -1), [
      ['a=1', 'a', '1'],
      ['b=', 'b', ''],
      ['c=3', 'c', '3'],
    ]);
    assertValue(call('regex.find_all_string_submatch_n', '(\\w)=(\\d)?', 'a=1 b= c=3', 1), [['a=1', 'a', '1']]);
    assertValue(call('regex.find_all_string_submatch_n', '(x)', 'none', -1), []);
  });
});

describe('regex.replace', () => {
  it('replaces every match', () => {
    assert.equal(call('regex.replace', 'a-b-c', '-', '+'), 'a+b+c');
    assert.equal(call('regex.replace', 'unchanged', 'x', 'y'), 'unchanged');
  });

  it("expands group references the way Go's Expand does", () => {
    assert.equal(call('regex.replace', 'john smith', '(\\w+) (\\w+)', '$2, $1'), 'smith, john');
    assert.equal(call('regex.replace', 'key=value', '(?P<k>\\w+)=(?P<v>\\w+)', '${v}:${k}'), 'value:key');
    assert.equal(call('regex.replace', 'ab', '(a)', '$$1'), '$1b');
    // A name runs as far as letters and digits go: "$1x" is the (missing) group "1x".
    assert.equal(call('regex.replace', 'ab', '(a)', '$1x'), 'b');
    assert.equal(call('regex.replace', 'ab', '(a)', '${1}x'), 'axb');
    assert.equal(call('regex.replace', 'ab', '(a)', '$9'), 'b');
    assert.equal(call('regex.replace', 'ab', '(a)', '$'), '$b');
    assert.equal(call('regex.replace', 'ab', '(a)', '${1'), '${1b');
  });

  it('handles patterns that match the empty string', () => {
    assert.equal(call('regex.replace', 'abc', 'x*', '-'), '-a-b-c-');
    assert.equal(call('regex.replace', 'baaac', 'a*', '-'), '-b-c-');
  });

  it('reports a bad pattern', () => {
    assertError(() => call('regex.replace', 'x', '[', 'y'), 'error parsing regexp: missing closing ]: `[`');
  });
});

describe('regex.template_match', () => {
  it('matches literal text around delimited expressions', () => {
    assert.equal(call('regex.template_match', 'urn:foo:{[a-z]+}:bar', 'urn:foo:abc:bar', '{', '}'), true);
    assert.equal(call('regex.template_match', 'urn:foo:{[a-z]+}:bar', 'urn:foo:ABC:bar', '{', '}'), false);
    // Literal text is not a pattern, and the whole value must match.
    assert.equal(call('regex.template_match', 'a.b<[0-9]+>', 'axb12', '<', '>'), false);
    assert.equal(call('regex.template_match', 'a.b<[0-9]+>', 'a.b12x', '<', '>'), false);
    assert.equal(call('regex.template_match', 'a.b<[0-9]+>', 'a.b12', '<', '>'), true);
  });

  it('nests delimiters inside an expression', () => {
    assert.equal(call('regex.template_match', 'id-{[0-9]{3}}', 'id-123', '{', '}'), true);
    assert.equal(call('regex.template_match', 'id-{[0-9]{3}}', 'id-1234', '{', '}'), false);
  });

  it("reports OPA's errors", () => {
    assertError(() => call('regex.template_match', 'a{b', 'ab', '{', '}'), 'unbalanced braces in "a{b"');
    assertError(() => call('regex.template_match', 'a}b', 'ab', '{', '}'), 'unbalanced braces in "a}b"');
    assertError(() => call('regex.template_match', 'a', 'a', '{{', '}'), 'start delimiter has to be exactly one character long but is 2 long');
    // OPA reports the start delimiter's length for the end delimiter too.
    assertError(() => call('regex.template_match', 'a', 'a', '{', '}}'), 'end delimiter has to be exactly one character long but is 1 long');
    assertError(() => call('regex.template_match', 'a<(>', 'a', '<', '>'), 'error parsing regexp: missing closing ): `^($`');
  });
});

describe('regex.globs_match', () => {
  it('finds a common non-empty match', () => {
    assert.equal(call('regex.globs_match', 'a.c', '.b.'), true);
    assert.equal(call('regex.globs_match', 'ab*c', 'a.+c'), true);
    assert.equal(call('regex.globs_match', '[a-c]+', '[c-e]*'), true);
    assert.equal(call('regex.globs_match', 'foo.*bar', 'foobazbar'), true);
  });

  it('tells when there is none', () => {
    assert.equal(call('regex.globs_match', '[a-c]+', '[d-f]+'), false);
    assert.equal(call('regex.globs_match', 'abc', 'abd'), false);
    assert.equal(call('regex.globs_match', 'a.', 'a'), false);
  });

  it('treats escaped characters literally', () => {
    assert.equal(call('regex.globs_match', 'a\\.b', 'a.b'), true);
    assert.equal(call('regex.globs_match', 'a\\.b', 'axb'), false);
    assert.equal(call('regex.globs_match', 'x\\*', 'x.'), true);
  });

  it("reports the library's errors", () => {
    assertError(() => call('regex.globs_match', '*a', 'a'), "input:*a, pos:1, flag '*' must be preceded by a non-flag: the input provided is invalid");
    assertError(() => call('regex.globs_match', 'a', '[ab'), 'input:[ab, pos:3, found [ without matching ]: the input provided is invalid');
    assertError(() => call('regex.globs_match', 'a]', 'a'), "input:a], pos:2, set-close ']' with no preceding '[': the input provided is invalid");
    assertError(() => call('regex.globs_match', '[z-a]', 'a'), "input:[z-a], pos:4, range is out of order: 'a' comes before 'z' in Unicode: the input provided is invalid");
    assertError(() => call('regex.globs_match', 'a\\', 'a'), 'input:a\\, pos:1, input ends with a \\ (escape) character: the input provided is invalid');
  });
});
