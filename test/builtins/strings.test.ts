// The string built-ins called directly: code point indexes and lengths, Go's split, replace and trim
// rules, simple (one-to-one) case mapping, OPA's operand errors in its own wording, and the Go
// text/template subset behind strings.render_template.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { builtins } from '../../server/src/builtins/strings';
import { ObjectValue, SetValue, type Value } from '../../server/src/value/value';
import { assertError, assertValue, caller, checkDeclarations, object } from './call-builtin';

const call = caller(builtins);

describe('strings declarations', () => checkDeclarations(builtins));

describe('concat', () => {
  it('joins arrays and sets', () => {
    assert.equal(call('concat', '/', ['', 'foo', 'bar', '0', 'baz']), '/foo/bar/0/baz');
    assert.equal(call('concat', ',', SetValue.from(['2', '1', '3'])), '1,2,3');
    assert.equal(call('concat', ',', []), '');
  });

  it('reports operand errors in OPA order', () => {
    assertError(() => call('concat', ',', 1), 'operand 2 must be one of {set, array} but got number', 'eval_type_error');
    assertError(() => call('concat', ',', ['a', 1]), 'operand 2 must be array of strings but got array containing number', 'eval_type_error');
    assertError(() => call('concat', ',', SetValue.from([true])), 'operand 2 must be set of strings but got set containing boolean', 'eval_type_error');
    assertError(() => call('concat', 1, []), 'operand 1 must be string but got number', 'eval_type_error');
  });
});

describe('searching', () => {
  it('contains, startswith, endswith', () => {
    assert.equal(call('contains', 'abcdefgh', 'defg'), true);
    assert.equal(call('contains', 'abc', ''), true);
    assert.equal(call('startswith', 'abcdefgh', 'abcd'), true);
    assert.equal(call('endswith', 'abcdefgh', 'fgh'), true);
    assert.equal(call('endswith', 'abcdefgh', 'fg'), false);
  });

  it('indexof counts code points', () => {
    assert.equal(call('indexof', 'μx', 'x'), 1);
    assert.equal(call('indexof', 'μ', 'μμ'), -1);
    assert.equal(call('indexof', 'skön var våren', 'vår'), 9);
    assert.equal(call('indexof', '🍧🍨🧁🍰🍮', '🍮'), 4);
    assert.equal(call('indexof', '🍧🍨🧁🍰🍮', '🍧🍨🧁🍰🍮'), 0);
    assertError(() => call('indexof', 'abc', ''), 'empty search character');
  });

  it('indexof_n finds overlapping matches', () => {
    assertValue(call('indexof_n', 'dogcatdogcat', 'cat'), [3, 9]);
    assertValue(call('indexof_n', '😇😀😇😀😇😀', '😀'), [1, 3, 5]);
    assertValue(call('indexof_n', 'aaa', 'aa'), [0, 1]);
    assertValue(call('indexof_n', 'dogcat', 'rabbit'), []);
    assertError(() => call('indexof_n', 'abc', ''), 'empty search character');
  });

  it('strings.count counts non-overlapping matches', () => {
    assert.equal(call('strings.count', 'cheese', 'e'), 3);
    assert.equal(call('strings.count', '11111', '11'), 2);
    assert.equal(call('strings.count', 'dummy', ''), 6);
    assert.equal(call('strings.count', 'é😀', ''), 3);
    assert.equal(call('strings.count', '', ''), 1);
    assert.equal(call('strings.count', '', 'x'), 0);
  });

  it('any_prefix_match and any_suffix_match take strings, arrays and sets', () => {
    assert.equal(call('strings.any_prefix_match', ['a/b/c', 'e/f/g'], ['x/', 'e/f']), true);
    assert.equal(call('strings.any_prefix_match', 'a/b/c', SetValue.from(['g/', 'd/'])), false);
    assert.equal(call('strings.any_prefix_match', [], ['a']), false);
    assert.equal(call('strings.any_suffix_match', SetValue.from(['a/b/c']), '/c'), true);
    assert.equal(call('strings.any_suffix_match', ['aa/bb/cc'], ['b/c']), false);
    assertError(() => call('strings.any_prefix_match', [1], 'x'), 'operand 1 must be array of strings but got array containing number', 'eval_type_error');
    assertError(() => call('strings.any_prefix_match', 1, 'x'), 'operand 1 must be one of {string, set, array} but got number', 'eval_type_error');
    assertError(() => call('strings.any_suffix_match', 'x', [1]), 'operand 2 must be array of strings but got array containing number', 'eval_type_error');
    assertError(() => call('strings.any_suffix_match', 'x', 1), 'operand 2 must be one of {string, set, array} but got number', 'eval_type_error');
  });
});

describe('format_int', () => {
  it('truncates toward zero and keeps big integers exact', () => {
    assert.equal(call('format_int', 15.5, 16), 'f');
    assert.equal(call('format_int', -15.9, 16), '-f');
    assert.equal(call('format_int', 3.1, 10), '3');
    assert.equal(call('format_int', 5, 2), '101');
    assert.equal(call('format_int', 8, 8), '10');
    assert.equal(call('format_int', 18446744073709551617n, 16), '10000000000000001');
  });

  it('accepts only bases 2, 8, 10 and 16', () => {
    assertError(() => call('format_int', 1, 3), 'operand 2 must be one of {2, 8, 10, 16}', 'eval_type_error');
    assertError(() => call('format_int', '1', 10), 'operand 1 must be number but got string', 'eval_type_error');
  });
});

describe('case and reversal', () => {
  it('maps case one code point at a time', () => {
    assert.equal(call('lower', 'AbCdEf'), 'abcdef');
    assert.equal(call('upper', 'AbCdEf'), 'ABCDEF');
    assert.equal(call('upper', 'straße'), 'STRAßE');
    assert.equal(call('lower', 'İSTANBUL'), 'istanbul');
    assert.equal(call('upper', 'ǆemal'), 'ǄEMAL');
  });

  it('reverses code points', () => {
    assert.equal(call('strings.reverse', 'a😀b'), 'b😀a');
    assert.equal(call('strings.reverse', ''), '');
  });
});

describe('replace and strings.replace_n', () => {
  it('replaces every non-overlapping occurrence', () => {
    assert.equal(call('replace', 'foo.bar.baz', '.', ','), 'foo,bar,baz');
    assert.equal(call('replace', 'foo...bar', '..', ',,'), 'foo,,.bar');
    assert.equal(call('replace', 'ab', '', '-'), '-a-b-');
  });

  it('lets the first sorted key win at each position, without rescanning', () => {
    assert.equal(call('strings.replace_n', object({ info: 'X', anotherinfo: 'Y' }), 'anotherinfo'), 'Y');
    assert.equal(call('strings.replace_n', object({ a: 'YY', bba: 'bX' }), 'bbab'), 'bXb');
    assert.equal(call('strings.replace_n', object({ ab: 'b', b: 'Y' }), 'baaabbbba'), 'YaabYYYa');
    assert.equal(call('strings.replace_n', object({ a: 'b', b: 'a' }), 'abba'), 'baab');
    assert.equal(call('strings.replace_n', object({ a: 'Xa', ab: 'X', ba: 'bYa', aaa: 'X' }), 'aaaaab'), 'XaXaXaXaXab');
    assert.equal(call('strings.replace_n', object({ aab: 'Y', a: '', b: '' }), 'bbaab'), '');
    assert.equal(call('strings.replace_n', object({}), 'same'), 'same');
  });

  it('inserts an empty key between code points', () => {
    assert.equal(call('strings.replace_n', object({ '': 'X' }), ''), 'X');
    assert.equal(call('strings.replace_n', object({ '': 'X' }), 'ab'), 'XaXbX');
    assert.equal(call('strings.replace_n', object({ '': 'X', a: 'Y' }), 'ab'), 'XYXbX');
    assert.equal(call('strings.replace_n', object({ '': '-', é: 'e' }), 'aéb'), '-a-e-b-');
  });

  it('rejects non-string keys and values', () => {
    assertError(() => call('strings.replace_n', ObjectValue.from([[2, 'x']]), 'foo'), 'operand 1 non-string key found in pattern object', 'eval_type_error');
    assertError(() => call('strings.replace_n', object({ f: 100 }), 'foo'), 'operand 1 non-string value found in pattern object', 'eval_type_error');
    assertError(() => call('strings.replace_n', object({ foo: 'baz' }), 100), 'operand 2 must be string but got number', 'eval_type_error');
    assertError(() => call('strings.replace_n', [], 'x'), 'operand 1 must be object but got array', 'eval_type_error');
  });
});

describe('split and strings.split_n', () => {
  it('splits as Go does', () => {
    assertValue(call('split', 'foo.bar.baz', '.'), ['foo', 'bar', 'baz']);
    assertValue(call('split', 'foo', '.'), ['foo']);
    assertValue(call('split', '', '.'), ['']);
    assertValue(call('split', 'test', ''), ['t', 'e', 's', 't']);
    assertValue(call('split', 'é😀', ''), ['é', '😀']);
    assertValue(call('split', '', ''), []);
  });

  it('limits the pieces from the left or keeps the last ones', () => {
    assertValue(call('strings.split_n', 'a.b.c.d', '.', 2), ['a', 'b.c.d']);
    assertValue(call('strings.split_n', 'a.b', '.', 5), ['a', 'b']);
    assertValue(call('strings.split_n', 'a.b.c', '.', -1), ['c']);
    assertValue(call('strings.split_n', 'a;b;c;d', ';', -2), ['c', 'd']);
    assertValue(call('strings.split_n', 'a.b', '.', -5), ['a', 'b']);
    assertValue(call('strings.split_n', 'a.b.c', '.', 0), []);
    assertValue(call('strings.split_n', 'a.b.c', '.', 1), ['a.b.c']);
    assertValue(call('strings.split_n', '', '.', 2), ['']);
    assertValue(call('strings.split_n', 'abc', '', 2), ['a', 'bc']);
    assertValue(call('strings.split_n', 'a::b::c::d', '::', 3), ['a', 'b', 'c::d']);
    assertError(() => call('strings.split_n', 'a', '.', 1.5), 'operand 3 must be integer number but got floating-point number', 'eval_type_error');
  });
});

describe('substring', () => {
  it('counts code points and clamps', () => {
    assert.equal(call('substring', 'abcdefgh', 2, -1), 'cdefgh');
    assert.equal(call('substring', 'aåäö', 2, -1), 'äö');
    assert.equal(call('substring', 'abcdefghåäö', 2, 10000), 'cdefghåäö');
    assert.equal(call('substring', 'aaa', 4, -1), '');
    assert.equal(call('substring', 'åäö', 4, -1), '');
    assert.equal(call('substring', '😀x😀', 1, 1), 'x');
    assert.equal(call('substring', '', 0, 3), '');
  });

  it('rejects negative offsets and fractions', () => {
    assertError(() => call('substring', 'abc', -1, 1), 'negative offset');
    assertError(() => call('substring', 'abc', 0.5, 1), 'operand 2 must be integer number but got floating-point number', 'eval_type_error');
    assertError(() => call('substring', 'abc', 0, 2n ** 70n), 'operand 3 must be integer number but got floating-point number', 'eval_type_error');
  });
});

describe('trimming', () => {
  it('trims code points in the cutset', () => {
    assert.equal(call('trim', '...foo.bar...', '.'), 'foo.bar');
    assert.equal(call('trim', '...foo.bar...', '.o'), 'foo.bar');
    assert.equal(call('trim', '¡¡¡foo, bar!!!', 'i'), '¡¡¡foo, bar!!!');
    assert.equal(call('trim', '¡¡¡foo, bar!!!', '¡!'), 'foo, bar');
    assert.equal(call('trim', '', '.'), '');
    assert.equal(call('trim_left', '!!!foo, bar¡¡¡', '¡'), '!!!foo, bar¡¡¡');
    assert.equal(call('trim_left', '😀😀x😀', '😀'), 'x😀');
    assert.equal(call('trim_right', '😀x😀😀', '😀'), '😀x');
  });

  it('trims a prefix or suffix once', () => {
    assert.equal(call('trim_prefix', '¡¡¡foo, bar!!!', '¡¡¡foo'), ', bar!!!');
    assert.equal(call('trim_prefix', 'aaa', 'a'), 'aa');
    assert.equal(call('trim_suffix', '¡¡¡foo, bar!!!', ', bar!!!'), '¡¡¡foo');
    assert.equal(call('trim_suffix', '¡¡¡foo, bar!!!', ', foo!!!'), '¡¡¡foo, bar!!!');
    assert.equal(call('trim_suffix', 'abc', ''), 'abc');
  });

  it('trims Unicode white space but not a byte order mark', () => {
    assert.equal(call('trim_space', ' \t\n\u00a0\u3000foo, bar\u2028\r '), 'foo, bar');
    assert.equal(call('trim_space', '\ufefffoo'), '\ufefffoo');
  });
});

describe('strings.render_template', () => {
  const render = (template: string, vars: Record<string, Value>) => call('strings.render_template', template, object(vars));

  it('substitutes fields', () => {
    assert.equal(render('{{.test}}', { test: 'hello world' }), 'hello world');
    assert.equal(render('{{.test}}', { test: 2023 }), '2023');
    assert.equal(render('{{.a.b}} {{.c}}', { a: object({ b: 1.5 }), c: true }), '1.5 true');
    assert.equal(render('{{.n}}', { n: null }), '<no value>');
    assert.equal(render('{{.m}} {{.l}}', { m: object({ b: 2, a: 'x' }), l: ['p', 1] }), 'map[a:x b:2] [p 1]');
  });

  it('ranges, branches and declares variables', () => {
    assert.equal(
      render('{{range $i, $name := .hellonames}}{{if $i}},{{end}}hello {{$name}}{{end}}', { hellonames: ['rohan', 'john doe'] }),
      'hello rohan,hello john doe',
    );
    assert.equal(render('{{range $k, $v := .m}}{{$k}}={{$v}};{{end}}', { m: object({ b: 2, a: 1 }) }), 'a=1;b=2;');
    assert.equal(render('{{range .xs}}x{{else}}empty{{end}}', { xs: [] }), 'empty');
    assert.equal(render('{{range .xs}}{{if eq . "b"}}{{break}}{{end}}{{.}}{{end}}', { xs: ['a', 'b', 'c'] }), 'a');
    assert.equal(render('{{range .xs}}{{if eq . "b"}}{{continue}}{{end}}{{.}}{{end}}', { xs: ['a', 'b', 'c'] }), 'ac');
    assert.equal(render('{{range 3}}{{.}}{{end}}', {}), '012');
    assert.equal(render('{{if eq .a "1"}}one{{else if gt (len .b) 2}}long{{else}}other{{end}}', { a: 2, b: 'abc' }), 'long');
    assert.equal(render('{{with .y}}{{.}}{{else}}none{{end}}', { y: null }), 'none');
    assert.equal(render('{{$x := "a"}}{{if true}}{{$x = "b"}}{{end}}{{$x}}', {}), 'b');
    assert.equal(render('{{define "T"}}[{{.}}]{{end}}{{template "T" .x}}', { x: 'hi' }), '[hi]');
  });

  it('trims around actions and skips comments', () => {
    assert.equal(render('a  {{- .x -}}  b {{/* note */}}c', { x: 1 }), 'a1b c');
  });

  it('runs the template functions', () => {
    assert.equal(render('{{.a | printf "%q"}} {{index .b 1}} {{len .b}} {{slice "hello" 1 3}}', { a: 'x', b: ['p', 'q'] }), '"x" q 2 el');
    assert.equal(render('{{html "<a>"}} {{js "it\'s"}} {{urlquery "a b&c"}}', {}), "&lt;a&gt; it\\'s a+b%26c");
    assert.equal(render('{{and 1 0}} {{or 0 "x"}} {{not true}}', {}), '0 x false');
    assert.equal(render('{{print 1 2 "x"}}|{{println "a" 1}}', {}), '1 2x|a 1\n');
    assert.equal(render('{{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1.5 2.5}} {{ne "a" "b"}}', {}), 'true true true false true');
    // Numbers in the variables are json.Number, a kind of string, as OPA hands them to Go.
    assert.equal(render('{{printf "%d|%s" .n .n}}', { n: 5 }), '%!d(json.Number=5)|5');
  });

  it('stops on a missing key and on malformed templates', () => {
    assertError(
      () => render('{{.testvarnotprovided}}', { test: 'hello world' }),
      'template: template:1:2: executing "template" at <.testvarnotprovided>: map has no entry for key "testvarnotprovided"',
    );
    assert.throws(() => render('{{if .x}}', { x: 1 }), /unexpected EOF/);
    assert.throws(() => render('{{nosuchfunc 1}}', {}), /function "nosuchfunc" not defined/);
    assert.throws(() => render('{{.a}', { a: 1 }), /unclosed action/);
    assert.throws(() => render('{{eq .a 1}}', { a: 1 }), /incompatible types for comparison/);
  });

  it('rejects variables that are not JSON, as the JSON decoding in OPA does', () => {
    assertError(() => render('{{.a}}', { a: SetValue.from([1]) }), "invalid character '1' looking for beginning of object key string");
    assertError(() => call('strings.render_template', '{{.}}', ObjectValue.from([[1, 'x']])), "invalid character '1' looking for beginning of object key string");
    assertError(() => call('strings.render_template', '{{.}}', []), 'operand 2 must be object but got array', 'eval_type_error');
  });
});
