// The encoding built-ins called directly: Go's JSON output (HTML-safe escapes, sorted keys, indent)
// and its decoder's messages, strict base64 and hex with Go's errors, URL query strings and URIs as
// net/url reads them, YAML 1.1 reading and yaml.v2-style writing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { builtins } from '../../server/src/builtins/encoding';
import { ObjectValue, SetValue } from '../../server/src/value/value';
import { assertError, assertValue, caller, checkDeclarations, object } from './call-builtin';

const call = caller(builtins);

describe('encoding declarations', () => checkDeclarations(builtins));

describe('base64 and base64url', () => {
  it('encodes with the right alphabet and padding', () => {
    assert.equal(call('base64.encode', 'there'), 'dGhlcmU=');
    assert.equal(call('base64.encode', 'subjects?_d'), 'c3ViamVjdHM/X2Q=');
    assert.equal(call('base64.encode', 'é'), 'w6k=');
    assert.equal(call('base64url.encode', 'subjects?_d'), 'c3ViamVjdHM_X2Q=');
    assert.equal(call('base64url.encode_no_pad', 'hello'), 'aGVsbG8');
  });

  it('decodes strictly, skipping line breaks', () => {
    assert.equal(call('base64.decode', 'aGVsbG8='), 'hello');
    assert.equal(call('base64.decode', 'c3ViamVjdHM/X2Q='), 'subjects?_d');
    assert.equal(call('base64.decode', 'aGVs\nbG8='), 'hello');
    assert.equal(call('base64.decode', ''), '');
    assertError(() => call('base64.decode', 'aGVsbG8'), 'illegal base64 data at input byte 4');
    assertError(() => call('base64.decode', 'aGVsbG8=x'), 'illegal base64 data at input byte 8');
    assertError(() => call('base64.decode', 'aGVsbG!='), 'illegal base64 data at input byte 6');
    assertError(() => call('base64.decode', 'a==='), 'illegal base64 data at input byte 1');
  });

  it('tells valid base64 apart', () => {
    assert.equal(call('base64.is_valid', 'aGVsbG8='), true);
    assert.equal(call('base64.is_valid', 'aGVsbG8'), false);
    assert.equal(call('base64.is_valid', 1), false);
  });

  it('decodes base64url with or without padding', () => {
    assert.equal(call('base64url.decode', 'aGVsbG8='), 'hello');
    assert.equal(call('base64url.decode', 'aGVsbG8'), 'hello');
    assert.equal(call('base64url.decode', 'c3ViamVjdHM_X2Q'), 'subjects?_d');
    assertError(() => call('base64url.decode', 'abcde'), 'illegal base64url string: abcde');
  });
});

describe('hex', () => {
  it('encodes bytes and decodes either case', () => {
    assert.equal(call('hex.encode', 'hi é'), '686920c3a9');
    assert.equal(call('hex.decode', '686920C3A9'), 'hi é');
  });

  it("reports Go's errors", () => {
    assertError(() => call('hex.decode', 'fghijkl'), "encoding/hex: invalid byte: U+0067 'g'");
    assertError(() => call('hex.decode', '686'), 'encoding/hex: odd length hex string');
    assertError(() => call('hex.decode', '6z6'), "encoding/hex: invalid byte: U+007A 'z'");
    assertError(() => call('hex.decode', '68é'), "encoding/hex: invalid byte: U+00C3 'Ã'");
  });
});

describe('json.marshal and json.marshal_with_options', () => {
  it('writes compact JSON with sorted keys and sets as arrays', () => {
    assert.equal(call('json.marshal', [object({ foo: SetValue.from([3, 1, 2]) })]), '[{"foo":[1,2,3]}]');
    assert.equal(call('json.marshal', 123456789012345678901234567890n), '123456789012345678901234567890');
    assert.equal(call('json.marshal', null), 'null');
  });

  it('escapes as Go does', () => {
    assert.equal(call('json.marshal', '<b>&\u2028\u0001\b\f\n"\\é'), '"\\u003cb\\u003e\\u0026\\u2028\\u0001\\b\\f\\n\\"\\\\é"');
  });

  it('writes non-string keys as their JSON and sorts the texts', () => {
    assert.equal(call('json.marshal', ObjectValue.from([[10, 1], [9, 2], ['1a', 3], [[1], 4]])), '{"10":1,"1a":3,"9":2,"[1]":4}');
  });

  it('indents when asked', () => {
    const value = object({ a: [1, 2], b: object({}), c: [] });
    assert.equal(call('json.marshal_with_options', value, object({ pretty: true })), '{\n\t"a": [\n\t\t1,\n\t\t2\n\t],\n\t"b": {},\n\t"c": []\n}');
    assert.equal(call('json.marshal_with_options', [1], object({ indent: '  ', prefix: '>' })), '>[\n>  1\n>]');
    assert.equal(call('json.marshal_with_options', [1], object({ indent: ' ', pretty: false })), '[1]');
    assert.equal(call('json.marshal_with_options', [1], object({})), '[1]');
  });

  it('checks the options', () => {
    assertError(() => call('json.marshal_with_options', 1, object({ foo: 1 })), 'operand 2 object contained unknown key foo', 'eval_type_error');
    assertError(() => call('json.marshal_with_options', 1, object({ pretty: 1 })), 'operand 2 key pretty failed cast to bool', 'eval_type_error');
    assertError(
      () => call('json.marshal_with_options', 1, object({ indent: 1 })),
      'operand 2 key indent failed cast to string: operand 0 must be string but got number',
      'eval_type_error',
    );
    assertError(() => call('json.marshal_with_options', 1, 'x'), 'operand 2 must be object but got string', 'eval_type_error');
  });
});

describe('json.unmarshal and json.is_valid', () => {
  it('reads values, keeping big integers exact', () => {
    assertValue(call('json.unmarshal', '{"json": "ok", "n": [1, 2.5, 123456789012345678901234567890]}'), object({ json: 'ok', n: [1, 2.5, 123456789012345678901234567890n] }));
    assertValue(call('json.unmarshal', ' "x" '), 'x');
    // Go's token reader does not notice a trailing null.
    assertValue(call('json.unmarshal', '1 null'), 1);
  });

  it("reports Go's decoder messages", () => {
    assertError(() => call('json.unmarshal', 'plainstring'), "invalid character 'p' looking for beginning of value");
    assertError(() => call('json.unmarshal', '{'), 'unexpected EOF');
    assertError(() => call('json.unmarshal', ''), 'EOF');
    assertError(() => call('json.unmarshal', '{"a" 1}'), "invalid character '1' after object key");
    assertError(() => call('json.unmarshal', '{"a":1 "b":2}'), 'invalid character \'"\' after object key:value pair');
    assertError(() => call('json.unmarshal', '[1 2]'), "invalid character '2' after array element");
    assertError(() => call('json.unmarshal', '[1,]'), "invalid character ']' looking for beginning of value");
    assertError(() => call('json.unmarshal', '"\\x"'), "invalid character 'x' in string escape code");
    assertError(() => call('json.unmarshal', 'trux'), "invalid character 'x' in literal true (expecting 'e')");
    assertError(() => call('json.unmarshal', '1 2'), "error: invalid character '2' after top-level value");
    assertError(() => call('json.unmarshal', '{"a":1}x'), "invalid character 'x' looking for beginning of value");
  });

  it('tells valid JSON apart', () => {
    assert.equal(call('json.is_valid', 'plainstring'), false);
    assert.equal(call('json.is_valid', '{'), false);
    assert.equal(call('json.is_valid', '{"json": "ok"}'), true);
    assert.equal(call('json.is_valid', '1 null'), false);
    assert.equal(call('json.is_valid', 1), false);
  });
});

describe('yaml', () => {
  it('reads YAML 1.1 as OPA does', () => {
    assertValue(call('yaml.unmarshal', 'foo:\n  - qux: bar\n  - baz: 2'), object({ foo: [object({ qux: 'bar' }), object({ baz: 2 })] }));
    assertValue(
      call('yaml.unmarshal', 'a: yes\nb: 2001-12-14\n1: x\ntrue: z\nc: 1:20\nd: 0x1F\ne: ~'),
      object({ a: true, b: '2001-12-14', '1': 'x', true: 'z', c: '1:20', d: 31, e: null }),
    );
    assertValue(call('yaml.unmarshal', 'a: 1\n---\nb: 2'), object({ a: 1 }));
    assertValue(call('yaml.unmarshal', ''), null);
    assertValue(call('yaml.unmarshal', 'big: 123456789012345678901234'), object({ big: 123456789012345690000000n }));
  });

  it('rejects what JSON cannot hold and malformed YAML', () => {
    assertError(() => call('yaml.unmarshal', 'a: .inf'), 'json: unsupported value: +Inf');
    assert.throws(() => call('yaml.unmarshal', 'foo:\n  - baz: {'), /^Error: yaml: line \d+: /);
  });

  it('tells valid YAML apart', () => {
    assert.equal(call('yaml.is_valid', 'foo:\n  - qux: bar\n  - baz: 2'), true);
    assert.equal(call('yaml.is_valid', 'foo:\n  - qux: bar\n  - baz: {'), false);
    assert.equal(call('yaml.is_valid', '{"json": "ok"}'), true);
    assert.equal(call('yaml.is_valid', 1), false);
  });

  it("writes block YAML in yaml.v2's style", () => {
    assert.equal(call('yaml.marshal', [object({ foo: SetValue.from([1, 2, 3]) })]), '- foo:\n  - 1\n  - 2\n  - 3\n');
    assert.equal(call('yaml.marshal', object({ b: [1, [2, 3], object({ c: 'x', d: [] })], a: object({}) })), 'a: {}\nb:\n- 1\n- - 2\n  - 3\n- c: x\n  d: []\n');
    assert.equal(call('yaml.marshal', 'plain'), 'plain\n');
    assert.equal(call('yaml.marshal', null), 'null\n');
    assert.equal(call('yaml.marshal', []), '[]\n');
  });

  it('quotes strings that would read back as something else', () => {
    const text = call('yaml.marshal', object({ i: 'yes', j: '', k: '123', l: 'a: b', m: '- x', q: 'tab\there', r: '😀', s: "it's", w: '2001-12-14', n: 1.5 }));
    assert.equal(text, 'i: "yes"\nj: ""\nk: "123"\nl: \'a: b\'\nm: \'- x\'\n"n": 1.5\nq: "tab\\there"\nr: "\\U0001F600"\ns: it\'s\nw: "2001-12-14"\n');
  });

  it('writes multi-line strings as literal blocks and sorts keys naturally', () => {
    assert.equal(call('yaml.marshal', object({ a: 'line1\nline2', b: 'end\n' })), 'a: |-\n  line1\n  line2\nb: |\n  end\n');
    assert.equal(call('yaml.marshal', object({ key10: 1, key9: 2, Key: 3 })), 'Key: 3\nkey9: 2\nkey10: 1\n');
  });

  it('folds long plain strings at 80 columns', () => {
    const long = Array(30).fill('word').join(' ');
    assert.equal(call('yaml.marshal', object({ long })), `long: ${Array(16).fill('word').join(' ')}\n  ${Array(14).fill('word').join(' ')}\n`);
  });

  it('round-trips through yaml.unmarshal', () => {
    const value = object({ a: [1, 'two', null, true, 2.5], b: object({ 'c d': 'e: f', g: '' }), h: 'x\ny' });
    assertValue(call('yaml.unmarshal', call('yaml.marshal', value) as string), value);
  });
});

describe('urlquery', () => {
  it('escapes and unescapes query text', () => {
    assert.equal(call('urlquery.encode', 'a=b+1'), 'a%3Db%2B1');
    assert.equal(call('urlquery.encode', ''), '');
    assert.equal(call('urlquery.encode', 'é ~-_.!*'), '%C3%A9+~-_.%21%2A');
    assert.equal(call('urlquery.decode', 'a%3Db%2B1+x'), 'a=b+1 x');
    assertError(() => call('urlquery.decode', '%zz'), 'invalid URL escape "%zz"');
    assertError(() => call('urlquery.decode', 'a%2'), 'invalid URL escape "%2"');
  });

  it('encodes objects sorted by name', () => {
    assert.equal(call('urlquery.encode_object', object({ c: 'd', a: 'b' })), 'a=b&c=d');
    assert.equal(call('urlquery.encode_object', object({ a: ['b+1', 'c+2'] })), 'a=b%2B1&a=c%2B2');
    assert.equal(call('urlquery.encode_object', object({ a: SetValue.from(['b+1']) })), 'a=b%2B1');
    assertError(() => call('urlquery.encode_object', object({ a: 1 })), 'operand 1 values must be string, array[string], or set[string]', 'eval_type_error');
    assertError(() => call('urlquery.encode_object', object({ a: [1] })), 'operand 1 values must be string, array[string], or set[string]', 'eval_type_error');
  });

  it('decodes query strings into objects of arrays', () => {
    assertValue(call('urlquery.decode_object', 'a=value_a1&b=value_b&a=value_a2'), object({ a: ['value_a1', 'value_a2'], b: ['value_b'] }));
    assertValue(call('urlquery.decode_object', 'a=value_a1&b'), object({ a: ['value_a1'], b: [''] }));
    assertValue(call('urlquery.decode_object', ''), object({}));
    assertError(() => call('urlquery.decode_object', 'a=1;b=2'), 'invalid semicolon separator in query');
    assertError(() => call('urlquery.decode_object', 'a=%zz&b=1'), 'invalid URL escape "%zz"');
  });
});

describe('uri.parse and uri.is_valid', () => {
  it('reports the parts present', () => {
    assertValue(
      call('uri.parse', 'https://www.openpolicyagent.org:443/a%20b/c?x=1&y=2#frag%21'),
      object({ scheme: 'https', hostname: 'www.openpolicyagent.org', port: '443', path: '/a b/c', raw_path: '/a b/c', raw_query: 'x=1&y=2', fragment: 'frag!' }),
    );
    assertValue(call('uri.parse', 'mailto:user@openpolicyagent.org?valid?=false#3afe'), object({ scheme: 'mailto', raw_query: 'valid?=false', fragment: '3afe' }));
    assertValue(call('uri.parse', 'http://[::1]:8080/x'), object({ scheme: 'http', hostname: '::1', port: '8080', path: '/x', raw_path: '/x' }));
    assertValue(call('uri.parse', '/a%2Fb'), object({ path: '/a/b', raw_path: '/a%2Fb' }));
  });

  it("reports net/url's errors", () => {
    assertError(() => call('uri.parse', 'https://www.openpolicyagent.org:3a9'), 'parse "https://www.openpolicyagent.org:3a9": invalid port ":3a9" after host');
    assertError(() => call('uri.parse', ':foo'), 'parse ":foo": missing protocol scheme');
    assertError(() => call('uri.parse', '1a:b'), 'parse "1a:b": first path segment in URL cannot contain colon');
  });

  it('tells valid URIs apart', () => {
    assert.equal(call('uri.is_valid', 'https://example.com/x?y#z'), true);
    assert.equal(call('uri.is_valid', 'relative/path'), true);
    assert.equal(call('uri.is_valid', ''), false);
    assert.equal(call('uri.is_valid', 'http://h%zz/'), false);
    assert.equal(call('uri.is_valid', 1), false);
  });
});
