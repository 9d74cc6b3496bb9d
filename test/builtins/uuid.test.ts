// The UUID built-ins called directly: random version 4 UUIDs that stay the same per key within a
// query, and parsing of every accepted spelling with the fields versions 1 and 2 encode.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { builtins } from '../../server/src/builtins/uuid';
import { ObjectValue } from '../../server/src/value/value';
import { assertValue, caller, checkDeclarations, fakeContext } from './call-builtin';

const call = caller(builtins);
const rfc4122 = builtins.find((builtin) => builtin.name === 'uuid.rfc4122')!;

describe('uuid declarations', () => checkDeclarations(builtins));

describe('uuid.rfc4122', () => {
  it('makes a version 4 UUID of the RFC 4122 variant from the context', () => {
    const uuid = rfc4122.impl(['a'], fakeContext({ draws: [0xff] }));
    assert.equal(uuid, 'ffffffff-ffff-4fff-bfff-ffffffffffff');
    const zero = rfc4122.impl(['a'], fakeContext({ draws: [0] }));
    assert.equal(zero, '00000000-0000-4000-8000-000000000000');
  });

  it('returns the same UUID for the same key within a query, another for another key', () => {
    const context = fakeContext({ draws: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17] });
    const first = rfc4122.impl(['k'], context);
    assert.equal(rfc4122.impl(['k'], context), first);
    assert.notEqual(rfc4122.impl(['other'], context), first);
    assert.equal(context.drawCount, 32);
    assert.match(String(first), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('uuid.parse', () => {
  const v4 = ObjectValue.fromRecord({ version: 4, variant: 'RFC4122' });

  it('accepts dashed, braced, URN and bare forms in either case', () => {
    assertValue(call('uuid.parse', '9b2f3a1c-5d6e-4f70-8a9b-0c1d2e3f4a5b'), v4);
    assertValue(call('uuid.parse', '{9B2F3A1C-5D6E-4F70-8A9B-0C1D2E3F4A5B}'), v4);
    assertValue(call('uuid.parse', 'URN:UUID:9b2f3a1c-5d6e-4f70-8a9b-0c1d2e3f4a5b'), v4);
    assertValue(call('uuid.parse', '9b2f3a1c5d6e4f708a9b0c1d2e3f4a5b'), v4);
  });

  it('is undefined for other text', () => {
    for (const text of ['', 'not-a-uuid', '9b2f3a1c-5d6e-4f70-8a9b-0c1d2e3f4a5', '9b2f3a1c_5d6e-4f70-8a9b-0c1d2e3f4a5b', '9b2f3a1c-5d6e-4f70-8a9b-0c1d2e3f4a5g', 'urn:uid:9b2f3a1c-5d6e-4f70-8a9b-0c1d2e3f4a5b']) {
      assert.equal(call('uuid.parse', text), undefined, text);
    }
  });

  it('names the variant', () => {
    assertValue(call('uuid.parse', '00000000-0000-3000-0000-000000000000'), ObjectValue.fromRecord({ version: 3, variant: 'Reserved' }));
    assertValue(call('uuid.parse', '00000000-0000-5000-c000-000000000000'), ObjectValue.fromRecord({ version: 5, variant: 'Microsoft' }));
    assertValue(call('uuid.parse', '00000000-0000-5000-e000-000000000000'), ObjectValue.fromRecord({ version: 5, variant: 'Future' }));
  });

  it('decodes the time, clock sequence and node of version 1', () => {
    // 2001-09-09T01:46:40Z is 10^9 seconds after the epoch.
    const intervals = (1_000_000_000n * 10_000_000n + 122_192_928_000_000_000n).toString(16).padStart(15, '0');
    const text = `${intervals.slice(7)}-${intervals.slice(3, 7)}-1${intervals.slice(0, 3)}-9234-0a1b2c3d4e5f`;
    assertValue(
      call('uuid.parse', text),
      ObjectValue.fromRecord({
        version: 1,
        variant: 'RFC4122',
        time: 1_000_000_000_000_000_000n,
        clocksequence: 0x1234,
        nodeid: '0a-1b-2c-3d-4e-5f',
        macvariables: 'local:unicast',
      }),
    );
  });

  it('adds the id and domain of version 2', () => {
    const parsed = call('uuid.parse', '0000002a-0000-2000-8001-0f0000000000') as ObjectValue;
    assert.equal(parsed.get('id'), 42);
    assert.equal(parsed.get('domain'), 'Group');
    assert.equal(parsed.get('macvariables'), 'local:multicast');
    assert.equal((call('uuid.parse', '0000002a-0000-2000-8005-000000000000') as ObjectValue).get('domain'), 'Domain5');
  });
});
