// units.parse and units.parse_bytes called directly: every suffix, exact results beyond 2^53, OPA's
// ten-decimal rounding of fractional results, the 64-bit-float truncation of byte amounts, and the
// errors in OPA's words.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { builtins } from '../../server/src/builtins/units';
import { assertError, assertValue, caller, checkDeclarations } from './call-builtin';

const call = caller(builtins);

describe('units declarations', () => checkDeclarations(builtins));

describe('units.parse', () => {
  it('reads plain and scientific amounts', () => {
    assertValue(call('units.parse', '0'), 0);
    assertValue(call('units.parse', '0.0'), 0);
    assertValue(call('units.parse', '.0'), 0);
    assertValue(call('units.parse', '12345'), 12345);
    assertValue(call('units.parse', '1e10'), 10000000000);
    assertValue(call('units.parse', '3.2E4'), 32000);
    assertValue(call('units.parse', '1e-2'), 0.01);
    assertValue(call('units.parse', '7.8E-1'), 0.78);
    assertValue(call('units.parse', '42'), 42);
  });

  it('applies SI and binary suffixes, case-sensitive only for m and M', () => {
    assertValue(call('units.parse', '10K'), 10000);
    assertValue(call('units.parse', '10k'), 10000);
    assertValue(call('units.parse', '10KI'), 10240);
    assertValue(call('units.parse', '10Ki'), 10240);
    assertValue(call('units.parse', '200M'), 200000000);
    assertValue(call('units.parse', '100mi'), 104857600);
    assertValue(call('units.parse', '300Gi'), 322122547200);
    assertValue(call('units.parse', '100T'), 100000000000000);
    assertValue(call('units.parse', '100Pi'), 112589990684262400n);
    assertValue(call('units.parse', '10E'), 10000000000000000000n);
    assertValue(call('units.parse', '10Ei'), 11529215046068469760n);
    assertValue(call('units.parse', '2.5e3K'), 2500000);
    assertValue(call('units.parse', '6e3Mi'), 6291456000);
    assertValue(call('units.parse', '"100TI"'), 109951162777600);
  });

  it('keeps fractions to ten decimal places, milli included', () => {
    assertValue(call('units.parse', '500m'), 0.5);
    assertValue(call('units.parse', '0.0005K'), 0.5);
    assertValue(call('units.parse', '0.0000005M'), 0.5);
    assertValue(call('units.parse', '1.1Ki'), 1126.4);
    assertValue(call('units.parse', '-3.5E2m'), -0.35);
    assertValue(call('units.parse', '100m'), 0.1);
    assertValue(call('units.parse', '1e-11'), 0);
    // An 'E' with nothing after it is the exa suffix, not an exponent.
    assertValue(call('units.parse', '5E'), 5000000000000000000n);
  });

  it('reports malformed amounts', () => {
    assertError(() => call('units.parse', ''), 'no amount provided');
    assertError(() => call('units.parse', 'G'), 'no amount provided');
    assertError(() => call('units.parse', 'foo'), 'no amount provided');
    assertError(() => call('units.parse', '0.0.0'), 'could not parse amount to a number');
    assertError(() => call('units.parse', '.5.2'), 'could not parse amount to a number');
    assertError(() => call('units.parse', '100 k'), 'spaces not allowed in resource strings');
    assertError(() => call('units.parse', ' 327Mi '), 'spaces not allowed in resource strings');
    assertError(() => call('units.parse', '10e10000000Ei'), 'exponent too large');
    assertError(() => call('units.parse', '1mb'), 'unit mb not recognized');
    assertError(() => call('units.parse', 1), 'operand 1 must be string but got number', 'eval_type_error');
  });
});

describe('units.parse_bytes', () => {
  it('reads byte amounts in any case, with or without the b', () => {
    assertValue(call('units.parse_bytes', '"100TIB"'), 109951162777600);
    assertValue(call('units.parse_bytes', '0'), 0);
    assertValue(call('units.parse_bytes', '12345'), 12345);
    assertValue(call('units.parse_bytes', '10KB'), 10000);
    assertValue(call('units.parse_bytes', '10Kib'), 10240);
    assertValue(call('units.parse_bytes', '200mb'), 200000000);
    assertValue(call('units.parse_bytes', '100m'), 100000000);
    assertValue(call('units.parse_bytes', '300GiB'), 322122547200);
    assertValue(call('units.parse_bytes', '100pib'), 112589990684262400n);
    assertValue(call('units.parse_bytes', '10eb'), 10000000000000000000n);
    assertValue(call('units.parse_bytes', '10ei'), 11529215046068469760n);
  });

  it('truncates fractional bytes after 64-bit float arithmetic', () => {
    assertValue(call('units.parse_bytes', '1.1KB'), 1100);
    assertValue(call('units.parse_bytes', '1.1KiB'), 1126);
    assertValue(call('units.parse_bytes', '.5KB'), 500);
    assertValue(call('units.parse_bytes', '1e-2KB'), 10);
    assertValue(call('units.parse_bytes', '3.2E2MiB'), 335544320);
    assertValue(call('units.parse_bytes', '4.5e1GiB'), 48318382080);
    assertValue(call('units.parse_bytes', '7.5e1TiB'), 82463372083200);
    assertValue(call('units.parse_bytes', '5e6'), 5000000);
    assertValue(call('units.parse_bytes', '-1.5kb'), -1500);
  });

  it('reports malformed amounts', () => {
    assertError(() => call('units.parse_bytes', ''), 'no byte amount provided');
    assertError(() => call('units.parse_bytes', 'GB'), 'no byte amount provided');
    assertError(() => call('units.parse_bytes', '0.0.0'), 'could not parse byte amount to a number');
    assertError(() => call('units.parse_bytes', '100 kb'), 'spaces not allowed in resource strings');
    assertError(() => call('units.parse_bytes', '10e10000000EiB'), 'exponent too large');
    assertError(() => call('units.parse_bytes', '1zb'), 'byte unit zb not recognized');
    assert.notEqual(call('units.parse_bytes', '5E'), 5);
  });
});
