// The CIDR built-ins called directly: IPv4 and IPv6 parsing as Go's net package does it,
// containment of addresses and networks, matching collections, expansion, merging (with OPA's
// classful default masks for bare IPv4 addresses) and the errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { builtins } from '../../server/src/builtins/net';
import { ObjectValue, SetValue } from '../../server/src/value/value';
import { assertError, assertValue, caller, checkDeclarations, set } from './call-builtin';

const call = caller(builtins);

describe('net declarations', () => checkDeclarations(builtins));

describe('net.cidr_is_valid', () => {
  it('accepts IPv4 and IPv6 networks', () => {
    for (const cidr of ['10.0.0.0/8', '192.168.1.7/32', '0.0.0.0/0', '::/0', '2001:db8::/32', '::ffff:10.0.0.0/104', '1:2:3:4:5:6:7:8/128', '10.0.0.0/08', '10.0.0.0/000008']) {
      assert.equal(call('net.cidr_is_valid', cidr), true, cidr);
    }
  });

  it('rejects anything else', () => {
    for (const cidr of ['10.0.0.0', '10.0.0.0/33', '2001:db8::/129', '010.0.0.0/8', '256.0.0.0/8', '10.0.0/8', '1::2::3/64', 'fe80::1%eth0/64', '10.0.0.0/+8', '10.0.0.0/', 'x/8', 12]) {
      assert.equal(call('net.cidr_is_valid', cidr), false, String(cidr));
    }
  });
});

describe('net.cidr_contains', () => {
  it('contains addresses', () => {
    assert.equal(call('net.cidr_contains', '10.0.0.0/8', '10.255.0.1'), true);
    assert.equal(call('net.cidr_contains', '10.0.0.0/8', '11.0.0.1'), false);
    assert.equal(call('net.cidr_contains', '2001:db8::/32', '2001:db8:ffff::1'), true);
    assert.equal(call('net.cidr_contains', '2001:db8::/32', '2001:db9::1'), false);
  });

  it('treats IPv4-mapped IPv6 addresses as IPv4', () => {
    assert.equal(call('net.cidr_contains', '10.0.0.0/8', '::ffff:10.1.2.3'), true);
    assert.equal(call('net.cidr_contains', '10.0.0.0/8', '::10.1.2.3'), false);
    assert.equal(call('net.cidr_contains', '2001:db8::/32', '10.1.2.3'), false);
  });

  it('contains a network only when it holds all of it', () => {
    assert.equal(call('net.cidr_contains', '10.0.0.0/8', '10.20.0.0/16'), true);
    assert.equal(call('net.cidr_contains', '10.0.0.0/16', '10.0.0.0/8'), false);
    assert.equal(call('net.cidr_contains', '2001:db8::/32', '2001:db8:1::/48'), true);
    assert.equal(call('net.cidr_contains', '2001:db8::/48', '2001:db8::/32'), false);
    assert.equal(call('net.cidr_contains', '192.168.0.0/24', '192.168.0.0/24'), true);
    assert.equal(call('net.cidr_overlap', '192.168.0.0/24', '192.168.0.128/25'), true);
  });

  it('reports malformed operands', () => {
    assertError(() => call('net.cidr_contains', '10.0.0.0', '10.0.0.1'), 'invalid CIDR address: 10.0.0.0');
    assertError(() => call('net.cidr_contains', '10.0.0.0/8', 'nope'), 'not a valid textual representation of an IP address or CIDR: nope');
    // OPA reads both operands with the same helper, so both are called operand 1.
    assertError(() => call('net.cidr_contains', 1, '10.0.0.1'), 'operand 1 must be string but got number', 'eval_type_error');
    assertError(() => call('net.cidr_contains', '10.0.0.0/8', 1), 'operand 1 must be string but got number', 'eval_type_error');
  });
});

describe('net.cidr_intersects', () => {
  it('tells whether two networks share addresses', () => {
    assert.equal(call('net.cidr_intersects', '10.0.0.0/8', '10.1.0.0/16'), true);
    assert.equal(call('net.cidr_intersects', '10.1.0.0/16', '10.0.0.0/8'), true);
    assert.equal(call('net.cidr_intersects', '10.0.0.0/16', '10.1.0.0/16'), false);
    assert.equal(call('net.cidr_intersects', '2001:db8::/32', '2001:db8:8000::/33'), true);
    assert.equal(call('net.cidr_intersects', '2001:db8::/32', '10.0.0.0/8'), false);
  });

  it('wants networks, not addresses', () => {
    assertError(() => call('net.cidr_intersects', '10.0.0.0/8', '10.0.0.1'), 'invalid CIDR address: 10.0.0.1');
  });
});

describe('net.cidr_contains_matches', () => {
  it('keys matches by array index', () => {
    assertValue(call('net.cidr_contains_matches', ['10.0.0.0/8', '192.168.0.0/16'], ['192.168.1.1', '10.2.3.4', '8.8.8.8']), set([0, 1], [1, 0]));
  });

  it('keys matches by the strings themselves, set elements and object keys', () => {
    assertValue(call('net.cidr_contains_matches', '10.0.0.0/8', '10.1.1.1'), set(['10.0.0.0/8', '10.1.1.1']));
    assertValue(
      call('net.cidr_contains_matches', set(['10.0.0.0/8', 'private'], '172.16.0.0/12'), ObjectValue.fromRecord({ web: '10.0.0.5', db: ['172.16.3.4', 'primary'] })),
      set([['10.0.0.0/8', 'private'], 'web'], ['172.16.0.0/12', 'db']),
    );
  });

  it('reports elements that are neither strings nor non-empty arrays', () => {
    assertError(() => call('net.cidr_contains_matches', [[]], '10.0.0.1'), 'operand 1: element must be string or non-empty array');
    assertError(() => call('net.cidr_contains_matches', '10.0.0.0/8', [true]), 'operand 2: element must be string or non-empty array');
    assertError(() => call('net.cidr_contains_matches', ['10.0.0.0'], '10.0.0.1'), 'invalid CIDR address: 10.0.0.0');
  });
});

describe('net.cidr_expand', () => {
  it('lists every address, from a host address too', () => {
    assertValue(call('net.cidr_expand', '10.0.0.5/30'), set('10.0.0.4', '10.0.0.5', '10.0.0.6', '10.0.0.7'));
    assertValue(call('net.cidr_expand', '10.0.0.5/32'), set('10.0.0.5'));
    assertValue(call('net.cidr_expand', '255.255.255.254/31'), set('255.255.255.254', '255.255.255.255'));
    assert.equal((call('net.cidr_expand', '172.16.0.0/20') as SetValue).size, 4096);
  });

  it('prints IPv6 addresses the way Go does', () => {
    assertValue(call('net.cidr_expand', '2001:db8::/127'), set('2001:db8::', '2001:db8::1'));
    assertValue(call('net.cidr_expand', '2001:0:0:1:0:0:0:fffe/127'), set('2001:0:0:1::fffe', '2001:0:0:1::ffff'));
    assertValue(call('net.cidr_expand', '1:0:0:2:0:0:3:4/128'), set('1::2:0:0:3:4'));
    assertValue(call('net.cidr_expand', '::ffff:10.0.0.0/127'), set('10.0.0.0', '10.0.0.1'));
  });

  it('reports malformed and oversized networks', () => {
    assertError(() => call('net.cidr_expand', '10.0.0.0/40'), 'invalid CIDR address: 10.0.0.0/40');
    assertError(() => call('net.cidr_expand', '::/0'), '::/0 has 340282366920938463463374607431768211456 addresses, more than the 1048576 this implementation expands');
  });
});

describe('net.cidr_merge', () => {
  it('joins neighbours and drops duplicates and contained networks', () => {
    assertValue(call('net.cidr_merge', ['10.0.0.0/24', '10.0.1.0/24']), set('10.0.0.0/23'));
    assertValue(call('net.cidr_merge', ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24']), set('10.0.0.0/23', '10.0.2.0/24'));
    assertValue(call('net.cidr_merge', set('10.0.0.0/8', '10.1.0.0/16', '10.0.0.0/8')), set('10.0.0.0/8'));
    assertValue(call('net.cidr_merge', ['10.0.0.0/24', '192.168.0.0/24']), set('10.0.0.0/24', '192.168.0.0/24'));
    assertValue(call('net.cidr_merge', ['10.0.0.1/32', '10.0.0.2/31', '10.0.0.4/30']), set('10.0.0.1/32', '10.0.0.2/31', '10.0.0.4/30'));
    assertValue(call('net.cidr_merge', ['10.0.0.0/32', '10.0.0.1/32', '10.0.0.2/31', '10.0.0.4/30']), set('10.0.0.0/29'));
    assertValue(call('net.cidr_merge', []), set());
  });

  it('merges IPv6 networks', () => {
    assertValue(call('net.cidr_merge', ['2001:db8::/33', '2001:db8:8000::/33']), set('2001:db8::/32'));
    assertValue(call('net.cidr_merge', ['2001:db8::/32', '10.0.0.0/8']), set('2001:db8::/32', '10.0.0.0/8'));
  });

  it("gives bare IPv4 addresses OPA's classful default mask", () => {
    // A lone address keeps its text with the class mask; merged ranges come out as networks.
    assertValue(call('net.cidr_merge', ['192.168.1.254']), set('192.168.1.254/24'));
    assertValue(call('net.cidr_merge', ['192.168.1.254', '192.168.1.254']), set('192.168.1.0/24'));
    assertValue(call('net.cidr_merge', ['10.1.2.3', '10.0.0.0/8']), set('10.0.0.0/8'));
  });

  it('reports bad operands', () => {
    assertError(() => call('net.cidr_merge', ['2001:db8::1']), 'IPv6 invalid: needs prefix length');
    assertError(() => call('net.cidr_merge', [1]), 'element must be string');
    assertError(() => call('net.cidr_merge', ['10.0.0.0/33']), 'invalid CIDR address: 10.0.0.0/33');
    assertError(() => call('net.cidr_merge', '10.0.0.0/8'), 'operand must be an array');
  });
});
