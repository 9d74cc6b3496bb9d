// sprintf called directly, and the Go fmt emulation under it: verbs, flags, widths, precisions,
// argument indexes, Go's complaints for bad verbs and missing or extra arguments, exact big integers,
// correctly rounded floats, and how Rego values are handed to Go (composites as their Rego text).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { builtins, formatGoFloat, goPrint, goQuote, goSprintf, regoText, sprintfArgument } from '../../server/src/builtins/sprintf';
import { ObjectValue, SetValue, type Value } from '../../server/src/value/value';
import { assertError, caller, checkDeclarations } from './call-builtin';

const call = caller(builtins);
const sprintf = (format: string, ...args: Value[]) => call('sprintf', format, args);

describe('sprintf declarations', () => checkDeclarations(builtins));

describe('sprintf', () => {
  it('formats strings, numbers and booleans', () => {
    assert.equal(sprintf('hi %s', 'there'), 'hi there');
    assert.equal(sprintf('hi %02X.%02X', 127, 1), 'hi 7F.01');
    assert.equal(sprintf('hi %.2f', 3.1415), 'hi 3.14');
    assert.equal(sprintf('hi %s', true), 'hi true');
    assert.equal(sprintf('%d items', 3), '3 items');
    assert.equal(sprintf('%v and %v', 'a', 1.5), 'a and 1.5');
  });

  it('prints composite values as their Rego text', () => {
    assert.equal(sprintf('hi %v', ['there', 5, 3.14]), 'hi ["there", 5, 3.14]');
    assert.equal(sprintf('%v', ObjectValue.fromRecord({ b: 'x', a: [1, null] })), '{"a": [1, null], "b": "x"}');
    assert.equal(sprintf('%v', SetValue.from([3, 1, 2])), '{1, 2, 3}');
    assert.equal(sprintf('%v', new SetValue()), 'set()');
    assert.equal(sprintf('%s', null), 'null');
    assert.equal(sprintf('%v', ['tab\there']), '["tab\\there"]');
  });

  it('keeps big integers exact', () => {
    assert.equal(sprintf('%s', 123456789123456789123n), '123456789123456789123');
    assert.equal(sprintf('%s', 1208925819614629174706175n), '1208925819614629174706175');
    assert.equal(sprintf('%d', 9223372036854775808n), '9223372036854775808');
    assert.equal(sprintf('%x', 18446744073709551616n), '10000000000000000');
    assert.equal(sprintf('%d', -9223372036854775808n), '-9223372036854775808');
    // math/big has its own complaint for verbs it does not know.
    assert.equal(sprintf('%f', 123456789123456789123n), '%!f(big.Int=123456789123456789123)');
  });

  it("complains as Go does about verbs that do not fit", () => {
    assert.equal(sprintf('%d', 'x'), '%!d(string=x)');
    assert.equal(sprintf('%s', 5), '%!s(int=5)');
    assert.equal(sprintf('%t', true), '%!t(string=true)');
    assert.equal(sprintf('%d', 1.5), '%!d(float64=1.5)');
    assert.equal(sprintf('%5t', 3), '%!t(int=    3)');
  });

  it('reports missing, extra and badly indexed arguments', () => {
    assert.equal(sprintf('%d %d', 1), '1 %!d(MISSING)');
    assert.equal(sprintf('hi', 1, 'a'), 'hi%!(EXTRA int=1, string=a)');
    assert.equal(sprintf('%[2]d %[1]d', 1, 2), '2 1');
    assert.equal(sprintf('%[3]d', 1), '%!d(BADINDEX)');
    assert.equal(sprintf('%', 1), '%!(NOVERB)%!(EXTRA int=1)');
    assert.equal(sprintf('%d%%', 50), '50%');
  });

  it('applies widths, precisions and flags', () => {
    assert.equal(sprintf('%5d|%-5d|%05d', 42, 42, -42), '   42|42   |-0042');
    assert.equal(sprintf('%+d % d', 5, 5), '+5  5');
    assert.equal(sprintf('%x %#x %#08x %X', 255, 255, 255, 255), 'ff 0xff 0x000000ff FF');
    assert.equal(sprintf('%o %#o %O %b', 8, 8, 8, 5), '10 010 0o10 101');
    assert.equal(sprintf('%8.3f|%-8.3f|%08.3f', 3.14159, 3.14159, -3.14159), '   3.142|3.142   |-003.142');
    assert.equal(sprintf('%.3s|%5s|%-5s|', 'abcdef', 'ab', 'ab'), 'abc|   ab|ab   |');
    assert.equal(sprintf('%*d|%.*f', 5, 42, 2, 3.14159), '   42|3.14');
    assert.equal(sprintf('%.0d|%5.0d|', 0, 0), '|     |');
    assert.equal(sprintf('%08.3d', 5), '     005');
  });

  it('quotes and hex-encodes strings and runes', () => {
    assert.equal(sprintf('%q', 'a"b\n'), '"a\\"b\\n"');
    assert.equal(sprintf('%#q %+q', 'x', 'é'), '`x` "\\u00e9"');
    assert.equal(sprintf('%x % X %#x', 'hi', 'hi', 'hi'), '6869 68 69 0x6869');
    assert.equal(sprintf('%c %q %U %#U', 65, 65, 0x1f600, 65), "A 'A' U+1F600 U+0041 'A'");
  });

  it('formats floats with exact rounding, halves to even', () => {
    assert.equal(sprintf('%.0f %.2f %.1f', 2.5, 0.125, 0.25), '2 0.12 0.2');
    assert.equal(sprintf('%e %E', 1234.5678, 0.000123), '1.234568e+03 1.230000E-04');
    assert.equal(sprintf('%g %g %.3g %G', 0.00001234, 100000.5, 1234.5678, 1e-10), '1.234e-05 100000.5 1.23e+03 1E-10');
    assert.equal(sprintf('%v %v %v', 1e-7, 123456.5, 1234567.5), '1e-07 123456.5 1.2345675e+06');
    assert.equal(sprintf('%x %b', 1.5, 1.5), '0x1.8p+00 6755399441055744p-52');
    assert.equal(sprintf('%#g %6.2f%%', 0.25, 99.5), '0.250000  99.50%');
  });

  it('reports the type of each argument with %T', () => {
    assert.equal(sprintf('%T %T %T %T %T', 1, 'a', 1.5, 123456789123456789123n, [1]), 'int string float64 *big.Int string');
  });

  it('checks its operands', () => {
    assertError(() => call('sprintf', 1, []), 'operand 1 must be string but got number', 'eval_type_error');
    assertError(() => call('sprintf', '%d', 1), 'operand 2 must be array but got number', 'eval_type_error');
  });
});

describe('Go formatting helpers', () => {
  it('quotes as strconv.Quote does', () => {
    assert.equal(goQuote('a\u0000\u007f\u00a0é😀\u2028'), '"a\\x00\\x7f\\u00a0é😀\\u2028"');
    assert.equal(goQuote('é', true), '"\\u00e9"');
  });

  it('formats floats as strconv.FormatFloat does', () => {
    assert.equal(formatGoFloat(1e21, 'g', -1), '1e+21');
    assert.equal(formatGoFloat(5e-324, 'g', -1), '5e-324');
    assert.equal(formatGoFloat(0.1, 'f', 20), '0.10000000000000000555');
    assert.equal(formatGoFloat(123, 'e', -1), '1.23e+02');
    assert.equal(formatGoFloat(-0.5, 'f', 0), '-0');
    assert.equal(formatGoFloat(9.995, 'f', 2), '9.99');
    assert.equal(formatGoFloat(0, 'e', 3), '0.000e+00');
  });

  it('prints Rego values as OPA prints terms', () => {
    assert.equal(regoText(ObjectValue.from([[1, 'a'], ['k', SetValue.from(['x'])]])), '{1: "a", "k": {"x"}}');
    assert.equal(regoText([true, null, 2.5, 'q"']), '[true, null, 2.5, "q\\""]');
  });

  it('hands numbers to Go as int, *big.Int or float64', () => {
    assert.deepEqual(sprintfArgument(5), { kind: 'int', value: 5n });
    assert.deepEqual(sprintfArgument(2n ** 63n), { kind: 'bigInt', value: 2n ** 63n });
    assert.deepEqual(sprintfArgument(0.5), { kind: 'float', value: 0.5 });
  });

  it('prints Go maps and slices as fmt.Print does', () => {
    const map = { kind: 'map' as const, entries: [[{ kind: 'string' as const, value: 'b' }, { kind: 'nil' as const }], [{ kind: 'string' as const, value: 'a' }, { kind: 'slice' as const, items: [{ kind: 'int' as const, value: 1n }] }]] as never };
    assert.equal(goPrint([map]), 'map[a:[1] b:<nil>]');
    assert.equal(goPrint([{ kind: 'int', value: 1n }, { kind: 'int', value: 2n }, { kind: 'string', value: 'x' }]), '1 2x');
    assert.equal(goSprintf('%d', [{ kind: 'nil' }]), '%!d(<nil>)');
  });
});
