// The semver built-ins called directly: what SemVer 2.0.0 accepts, precedence between releases,
// pre-releases and build metadata, and the messages for versions that are not valid.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { builtins } from '../../server/src/builtins/semver';
import { assertError, caller, checkDeclarations } from './call-builtin';

const call = caller(builtins);

describe('semver declarations', () => checkDeclarations(builtins));

describe('semver.is_valid', () => {
  it('accepts SemVer 2.0.0 versions', () => {
    for (const version of ['0.0.0', '1.2.3', '10.20.30', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-0.3.7', '1.0.0-x-y-z.--', '1.0.0+20130313144700', '1.0.0-beta+exp.sha.5114f85', '1.2.3+001', '1.2.3-0a', 'v1.2.3']) {
      assert.equal(call('semver.is_valid', version), true, version);
    }
  });

  it('rejects everything else', () => {
    for (const version of ['1', '1.2', '1.2.3.4', '01.2.3', '1.02.3', '1.2.03', '1.2.3-01', '1.2.3-a.00', '1.2.3-', '1.2.3+', '1.2.3-a..b', '1.2.3+a_b', ' 1.2.3', '1.2.3 ', '-1.2.3', 'V1.2.3', '9223372036854775808.0.0']) {
      assert.equal(call('semver.is_valid', version), false, version);
    }
  });

  it('is false for values that are not strings', () => {
    assert.equal(call('semver.is_valid', 1), false);
    assert.equal(call('semver.is_valid', null), false);
    assert.equal(call('semver.is_valid', ['1.0.0']), false);
  });
});

describe('semver.compare', () => {
  it('orders major, minor and patch numerically', () => {
    assert.equal(call('semver.compare', '1.10.0', '1.9.0'), 1);
    assert.equal(call('semver.compare', '1.9.9', '2.0.0'), -1);
    assert.equal(call('semver.compare', '3.0.0', '3.0.0'), 0);
    assert.equal(call('semver.compare', '9223372036854775807.0.0', '9223372036854775806.0.0'), 1);
  });

  it('follows the precedence of the specification for pre-releases', () => {
    const ascending = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0'];
    for (let index = 0; index + 1 < ascending.length; index++) {
      assert.equal(call('semver.compare', ascending[index], ascending[index + 1]), -1, `${ascending[index]} < ${ascending[index + 1]}`);
      assert.equal(call('semver.compare', ascending[index + 1], ascending[index]), 1, `${ascending[index + 1]} > ${ascending[index]}`);
    }
    assert.equal(call('semver.compare', '1.0.0-2', '1.0.0-10'), -1);
    assert.equal(call('semver.compare', '1.0.0-a10', '1.0.0-a9'), -1);
  });

  it('ignores build metadata and a leading v', () => {
    assert.equal(call('semver.compare', '1.0.0+build.1', '1.0.0+build.2'), 0);
    assert.equal(call('semver.compare', 'v2.0.0', '2.0.0'), 0);
  });

  it('names the operand that is not a valid version', () => {
    assertError(() => call('semver.compare', '1.0', '1.0.0'), 'operand 1: string "1.0" is not a valid SemVer');
    assertError(() => call('semver.compare', '1.0.0', '1.0.0-'), 'operand 2: string "1.0.0-" is not a valid SemVer');
    assertError(() => call('semver.compare', 1, '1.0.0'), 'operand 1 must be string but got number', 'eval_type_error');
    assertError(() => call('semver.compare', '1.0.0', null), 'operand 2 must be string but got null', 'eval_type_error');
  });
});
