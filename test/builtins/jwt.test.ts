// The token built-ins called directly: decoding (nested tokens, JWE rejection, Go's error messages),
// signing with every algorithm family, the verify_* built-ins with PEM, JWK and JWK-set keys, and
// decode_verify's constraints and claims. Token JSON goes through json.unmarshal, as in OPA.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

import { builtinNamed } from '../../server/src/builtins/index';
import { builtins } from '../../server/src/builtins/jwt';
import { fromJS, ObjectValue, SetValue, type Value } from '../../server/src/value/value';
import { assertError, assertValue, checkDeclarations, fakeContext } from './call-builtin';
import { leafCertificate, leafKey } from './crypto-fixtures';

/** Runs a token built-in with a fixed clock and a context that can call other built-ins. */
function callAt(name: string, nowNs: bigint, ...args: Value[]): Value | undefined {
  const builtin = builtins.find((candidate) => candidate.name === name);
  assert.ok(builtin, `no built-in named ${name}`);
  const context = fakeContext({ nowNs });
  context.call = (other, otherArgs) => builtinNamed(other)?.impl(otherArgs, context);
  return builtin.impl(args, context);
}

const call = (name: string, ...args: Value[]): Value | undefined => callAt(name, 0n, ...args);

const object = (record: Record<string, unknown>): ObjectValue => fromJS(record) as ObjectValue;
const b64 = (text: string): string => Buffer.from(text).toString('base64url');
const jwkOf = (key: KeyObject, extra: Record<string, unknown> = {}): ObjectValue => object({ ...key.export({ format: 'jwk' }), ...extra });
const jwkText = (key: KeyObject, extra: Record<string, unknown> = {}): string => JSON.stringify({ ...key.export({ format: 'jwk' }), ...extra });
const publicPem = (key: KeyObject): string => createPublicKey(key).export({ format: 'pem', type: 'spki' }).toString();

// RFC 7515 appendix A.1: an HS256 example with a fixed key and output.
const rfcHeader = '{"typ":"JWT",\r\n "alg":"HS256"}';
const rfcPayload = '{"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}';
const rfcKey = '{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}';
const rfcToken =
  'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

const secretKey = (secret: string): ObjectValue => object({ kty: 'oct', k: b64(secret) });
const hsToken = (payload: Record<string, unknown>, secret = 'secret', header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }): string =>
  call('io.jwt.encode_sign', object(header), object(payload), secretKey(secret)) as string;

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
const p521 = generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey;
const ed25519 = generateKeyPairSync('ed25519').privateKey;
const leafPrivate = createPrivateKey(leafKey);

function signed(alg: string, key: KeyObject, payload: Record<string, unknown> = { sub: 'alice' }, header: Record<string, unknown> = {}): string {
  return call('io.jwt.encode_sign', object({ alg, ...header }), object(payload), jwkOf(key)) as string;
}

describe('jwt declarations', () => checkDeclarations(builtins));

describe('io.jwt.decode', () => {
  it('returns header, payload and the signature in hexadecimal', () => {
    assertValue(call('io.jwt.decode', rfcToken), [
      object({ typ: 'JWT', alg: 'HS256' }),
      object({ iss: 'joe', exp: 1300819380, 'http://example.com/is_root': true }),
      '7418dfb49799e0254ffa607dd8adbbba16d4254d69d6bff05b58055853848d79',
    ]);
  });

  it('follows nested tokens whose content type is JWT, quoted or not', () => {
    const inner = hsToken({ sub: '0' });
    const outer = `${b64('{"alg":"HS256","cty":"JWT"}')}.${b64(JSON.stringify(inner))}.c2ln`;
    assertValue((call('io.jwt.decode', outer) as Value[])[1], object({ sub: '0' }));
  });

  it('keeps big numbers exact', () => {
    const token = `${b64('{"alg":"none"}')}.${b64('{"n":12345678901234567890}')}.`;
    assertValue((call('io.jwt.decode', token) as Value[])[1], object({ n: 12345678901234567890n }));
  });

  it('reports malformed tokens with OPA\'s messages', () => {
    assertError(() => call('io.jwt.decode', 'abc'), 'encoded JWT had no period separators');
    assertError(() => call('io.jwt.decode', 'a.b'), 'encoded JWT must have 3 sections, found 2');
    assertError(() => call('io.jwt.decode', 'eyJhbGciOiJIU^%zI1NiI+sInR5cCI6IkpXVCJ9.e30.'), 'JWT header had invalid encoding: illegal base64 data at input byte 13');
    assertError(() => call('io.jwt.decode', 'e30.eyJzdWIiOiIwIiwia/XNzIjoib3BhIn0.'), 'JWT payload had invalid encoding: illegal base64 data at input byte 17');
    assertError(() => call('io.jwt.decode', `${b64('{"alg":"HS256","enc":"x"}')}.e30.`), 'JWT is a JWE object, which is not supported');
    assertError(() => call('io.jwt.decode', `${b64('{"a":}')}.e30.`), "bad JWT header: invalid JSON: invalid character '}' looking for beginning of value");
    assertError(() => call('io.jwt.decode', `e30.${b64('[1]')}.`), 'decoded JSON type was not an Object');
    assertError(() => call('io.jwt.decode', `e30.${b64('{"a":1')}.`), 'invalid JSON: unexpected EOF');
    assertError(() => call('io.jwt.decode', 'e30.e30.a'), 'JWT signature had invalid encoding: illegal base64url string: a');
    assertError(() => call('io.jwt.decode', 1), 'operand 1 must be string but got number', 'eval_type_error');
  });
});

describe('io.jwt.encode_sign_raw', () => {
  it('signs the header and payload text as given (RFC 7515 A.1)', () => {
    assert.equal(call('io.jwt.encode_sign_raw', rfcHeader, rfcPayload, rfcKey), rfcToken);
  });

  it('signs any payload when the type is not JWT, an empty one included', () => {
    const header = '{"typ":"text/plain","alg":"HS256"}';
    assert.match(call('io.jwt.encode_sign_raw', header, '', rfcKey) as string, /^[\w-]+\.\.[\w-]+$/);
    assert.match(call('io.jwt.encode_sign_raw', header, 'e', rfcKey) as string, /^[\w-]+\.ZQ\.[\w-]+$/);
  });

  it('signs EdDSA deterministically (RFC 8037 A.4)', () => {
    const key = '{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}';
    assert.equal(
      call('io.jwt.encode_sign_raw', '{"alg":"EdDSA"}', 'Example of Ed25519 signing', key),
      'eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg',
    );
  });

  it('reports header, payload and key problems with OPA\'s messages', () => {
    assertError(() => call('io.jwt.encode_sign_raw', '', '{}', rfcKey), "missing or invalid 'alg' header: cannot parse JSON: cannot parse empty string");
    assertError(() => call('io.jwt.encode_sign_raw', 'e', '{}', rfcKey), "missing or invalid 'alg' header: invalid character 'e' looking for beginning of value");
    assertError(() => call('io.jwt.encode_sign_raw', '{"typ:"JWT"}', '{}', rfcKey), "missing or invalid 'alg' header: invalid character 'J' after object key");
    assertError(() => call('io.jwt.encode_sign_raw', '{}', '{}', rfcKey), "unsupported signature algorithm: the header has no 'alg'");
    assertError(() => call('io.jwt.encode_sign_raw', '{"alg":"dummy"}', '{}', rfcKey), 'unknown JWS algorithm: dummy');
    assertError(() => call('io.jwt.encode_sign_raw', '{"typ":"JWT","alg":"HS256"}', 'e', rfcKey), 'type is JWT but payload is not JSON');
    assertError(() => call('io.jwt.encode_sign_raw', '{"alg":"HS256"}', '{}', '{"keys":[]}'), 'no keys found in JWK set');
    assertError(() => call('io.jwt.encode_sign_raw', '{"alg":"RS256"}', '{}', rfcKey), 'failed to sign with RS256: the key is not an RSA private key');
    assertError(() => call('io.jwt.encode_sign_raw', '{"alg":"HS256"}', '{}', jwkText(rsa)), 'failed to sign with HS256: the key is not a symmetric (oct) key');
    assertError(() => call('io.jwt.encode_sign_raw', '{"alg":"HS256"}', '{}', 1), 'operand 3 must be string but got number', 'eval_type_error');
  });
});

describe('io.jwt.encode_sign', () => {
  it('writes header and payload as Go marshals them: sorted keys, sets as arrays', () => {
    const token = call(
      'io.jwt.encode_sign',
      object({ typ: 'JWT', alg: 'HS256' }),
      ObjectValue.fromRecord({ iss: 'joe', aud: SetValue.from(['saul', 'bob']), exp: 1300819380 }),
      secretKey('k'),
    ) as string;
    const [header, payload] = token.split('.');
    assert.equal(Buffer.from(header, 'base64url').toString(), '{"alg":"HS256","typ":"JWT"}');
    assert.equal(Buffer.from(payload, 'base64url').toString(), '{"aud":["bob","saul"],"exp":1300819380,"iss":"joe"}');
  });

  it('signs with every algorithm family so that the verify built-ins accept the result', () => {
    const cases: [string, KeyObject, string][] = [
      ['RS256', rsa, 'io.jwt.verify_rs256'],
      ['RS384', rsa, 'io.jwt.verify_rs384'],
      ['RS512', rsa, 'io.jwt.verify_rs512'],
      ['PS256', rsa, 'io.jwt.verify_ps256'],
      ['PS384', rsa, 'io.jwt.verify_ps384'],
      ['PS512', rsa, 'io.jwt.verify_ps512'],
      ['ES256', leafPrivate, 'io.jwt.verify_es256'],
      ['ES384', p384, 'io.jwt.verify_es384'],
      ['ES512', p521, 'io.jwt.verify_es512'],
      ['EdDSA', ed25519, 'io.jwt.verify_eddsa'],
    ];
    for (const [alg, key, verifier] of cases) {
      const token = signed(alg, key);
      assert.equal(call(verifier, token, publicPem(key)), true, `${alg} with a PEM public key`);
      assert.equal(call(verifier, token, JSON.stringify(createPublicKey(key).export({ format: 'jwk' }))), true, `${alg} with a JWK`);
    }
  });
});

describe('io.jwt.verify_*', () => {
  it('accept certificates, and reject other keys and tampered tokens', () => {
    const token = signed('ES256', leafPrivate);
    assert.equal(call('io.jwt.verify_es256', token, leafCertificate), true);
    assert.equal(call('io.jwt.verify_es256', token, publicPem(p384)), false);
    assert.equal(call('io.jwt.verify_rs256', token, leafCertificate), false);
    const [header, , signature] = token.split('.');
    assert.equal(call('io.jwt.verify_es256', `${header}.${b64('{"sub":"mallory"}')}.${signature}`, leafCertificate), false);
    assert.equal(call('io.jwt.verify_rs256', signed('RS256', rsa), publicPem(otherRsa)), false);
  });

  it('use the key whose kid matches, else any key with no alg or the header\'s alg', () => {
    const token = signed('RS256', rsa, { sub: 'a' }, { kid: 'right' });
    const set = (keys: object[]): string => JSON.stringify({ keys });
    const rightJwk = { ...createPublicKey(rsa).export({ format: 'jwk' }), kid: 'right' };
    const wrongJwk = { ...createPublicKey(otherRsa).export({ format: 'jwk' }), kid: 'wrong' };
    assert.equal(call('io.jwt.verify_rs256', token, set([wrongJwk, rightJwk])), true);
    assert.equal(call('io.jwt.verify_rs256', token, set([{ ...rightJwk, kid: 'other' }])), true);
    assert.equal(call('io.jwt.verify_rs256', token, set([{ ...rightJwk, kid: 'other', alg: 'RS512' }])), false);
    assert.equal(call('io.jwt.verify_rs256', token, set([{ ...wrongJwk, kid: 'right' }, { ...rightJwk, kid: 'other' }])), false);
    assert.equal(call('io.jwt.verify_rs256', token, set([{ ...rightJwk, alg: 'XX999' }])), false);
    assert.equal(call('io.jwt.verify_rs256', token, set([])), false);
  });

  it('check HMAC signatures with a plain secret', () => {
    assert.equal(call('io.jwt.verify_hs256', hsToken({ a: 1 }), 'secret'), true);
    assert.equal(call('io.jwt.verify_hs256', hsToken({ a: 1 }), 'other'), false);
    assert.equal(call('io.jwt.verify_hs384', hsToken({ a: 1 }, 'secret', { alg: 'HS384' }), 'secret'), true);
    assert.equal(call('io.jwt.verify_hs512', hsToken({ a: 1 }, 'secret', { alg: 'HS512' }), 'secret'), true);
    assert.equal(call('io.jwt.verify_hs512', hsToken({ a: 1 }), 'secret'), false);
  });

  it('report malformed tokens and keys with OPA\'s messages', () => {
    const token = signed('RS256', rsa);
    assertError(() => call('io.jwt.verify_hs384', 'a.b', 'secret'), 'encoded JWT must have 3 sections, found 2');
    assertError(() => call('io.jwt.verify_rs256', token, 'nope'), "failed to parse a JWK key (set): invalid character 'o' in literal null (expecting 'u')");
    assertError(
      () => call('io.jwt.verify_rs256', token, leafCertificate.replace('MIIB9jCC', 'deadiDCC')),
      'failed to parse a PEM certificate: x509: malformed certificate',
    );
    assertError(() => call('io.jwt.verify_rs256', token, `${publicPem(rsa)}\n`), 'extra data after a PEM certificate block');
    assertError(() => call('io.jwt.verify_rs256', token, leafKey), 'failed to extract a Key from the PEM certificate');
    assertError(() => call('io.jwt.verify_rs256', token, 5), 'operand 2 must be string but got number', 'eval_type_error');
    assertError(() => call('io.jwt.verify_hs256', token, 5), 'operand 2 must be string but got number', 'eval_type_error');
  });
});

describe('io.jwt.decode_verify', () => {
  const at = 2_000_000_000_000n;
  const verify = (token: string, constraints: Record<string, unknown>, now = at): Value | undefined =>
    callAt('io.jwt.decode_verify', now, token, object(constraints));
  const valid = (token: string, constraints: Record<string, unknown>, now = at): boolean => (verify(token, constraints, now) as Value[])[0] as boolean;

  it('returns true with header and payload when everything holds', () => {
    const token = hsToken({ iss: 'xxx', aud: 'fred', exp: 3000, nbf: 1000 });
    assertValue(verify(token, { secret: 'secret', iss: 'xxx', aud: 'fred' }), [
      true,
      object({ alg: 'HS256', typ: 'JWT' }),
      object({ iss: 'xxx', aud: 'fred', exp: 3000, nbf: 1000 }),
    ]);
  });

  it('returns false with empty objects when the signature or a claim fails', () => {
    const token = hsToken({ iss: 'xxx' });
    assertValue(verify(token, { secret: 'wrong' }), [false, new ObjectValue(), new ObjectValue()]);
    assert.equal(valid(token, { secret: 'secret', iss: 'yyy' }), false);
    assert.equal(valid(token, { secret: 'secret', alg: 'RS256' }), false);
    assert.equal(valid(token, { secret: 'secret', alg: 'HS256' }), true);
    assert.equal(valid(token, { secret: 'secret', aud: 'fred' }), false);
    assert.equal(valid(hsToken({ aud: ['a', 'fred'] }), { secret: 'secret', aud: 'fred' }), true);
    assert.equal(valid(hsToken({ aud: 'fred' }), { secret: 'secret' }), false);
  });

  it('compares exp and nbf in seconds with the time in nanoseconds, fractions included', () => {
    assert.equal(valid(hsToken({ exp: 3000 }), { secret: 'secret' }), true);
    assert.equal(valid(hsToken({ exp: 3000 }), { secret: 'secret', time: 3_000_000_000_000 }), false);
    assert.equal(valid(hsToken({ exp: 3000.2 }), { secret: 'secret', time: 3_000_100_000_000 }), true);
    assert.equal(valid(hsToken({ nbf: 1589385770.1234 }), { secret: 'secret', time: 1589385770023400000n }), false);
    assert.equal(valid(hsToken({ nbf: 1589385770.1234 }), { secret: 'secret', time: 1589385770124400000n }), true);
    assert.equal(valid(hsToken({ exp: 1589385771.1234 }), { secret: 'secret', time: 1589385771123400000n }), false);
    assert.equal(valid(hsToken({ exp: 3000 }), { secret: 'secret' }, 3_000_000_000_001n), false);
  });

  it('checks certificates, public keys and key sets against the header\'s algorithm', () => {
    const token = signed('PS256', rsa, { iss: 'xxx' }, { typ: 'JWT' });
    assert.equal(valid(token, { cert: publicPem(rsa) }), true);
    assert.equal(valid(token, { cert: publicPem(otherRsa) }), false);
    assert.equal(valid(signed('ES256', leafPrivate), { cert: leafCertificate }), true);
    assert.equal(valid(signed('EdDSA', ed25519), { cert: publicPem(ed25519) }), true);
    const keys = JSON.stringify({
      keys: [
        { ...createPublicKey(p384).export({ format: 'jwk' }), alg: 'ES384', use: 'sig' },
        { ...createPublicKey(rsa).export({ format: 'jwk' }), alg: 'PS256', use: 'enc' },
      ],
    });
    assert.equal(valid(token, { cert: keys }), true);
    assert.equal(valid(hsToken({}), { cert: JSON.stringify({ keys: [{ kty: 'oct', k: b64('secret') }] }) }), true);
  });

  it('rejects unknown critical headers and missing algorithms', () => {
    const critical = call('io.jwt.encode_sign_raw', '{"alg":"HS256","crit":["junk"],"junk":1}', '{}', JSON.stringify({ kty: 'oct', k: b64('secret') })) as string;
    assert.equal(valid(critical, { secret: 'secret' }), false);
    const understood = call('io.jwt.encode_sign_raw', '{"alg":"HS256","crit":["kid"],"kid":"k"}', '{}', JSON.stringify({ kty: 'oct', k: b64('secret') })) as string;
    assert.equal(valid(understood, { secret: 'secret' }), true);
    assert.equal(valid(`${b64('{"typ":"JWT"}')}.e30.`, { secret: 'secret' }), false);
  });

  it('verifies nested tokens layer by layer', () => {
    const inner = hsToken({ iss: 'inner' });
    const outer = call('io.jwt.encode_sign_raw', '{"alg":"HS256","cty":"JWT"}', inner, JSON.stringify({ kty: 'oct', k: b64('secret') })) as string;
    assertValue(verify(outer, { secret: 'secret' }), [true, object({ alg: 'HS256', typ: 'JWT' }), object({ iss: 'inner' })]);
  });

  it('reports bad constraints and claims with OPA\'s messages', () => {
    const token = hsToken({});
    assertError(() => verify(token, {}), 'no key constraint');
    assertError(() => verify(token, { secret: 'a', cert: publicPem(rsa) }), 'duplicate key constraints');
    assertError(() => verify(token, { secret: 'a', foo: 1 }), 'unknown token validation constraint: foo');
    assertError(() => verify(token, { secret: 1 }), 'secret constraint: must be a string');
    assertError(() => verify(token, { cert: 1 }), 'cert constraint: must be a string');
    assertError(() => verify(token, { secret: 'a', time: 'now' }), 'token time constraint: must be a number');
    assertError(() => verify(token, { secret: 'a', time: -1 }), 'token time constraint: must not be negative');
    assertError(() => verify(hsToken({ exp: null }), { secret: 'secret' }), 'exp value must be a number');
    assertError(() => verify(hsToken({ nbf: '1' }), { secret: 'secret' }), 'nbf value must be a number');
    assertError(() => verify(`${b64('{"alg":5}')}.e30.`, { secret: 'a' }), 'alg: must be a string');
    assertError(() => callAt('io.jwt.decode_verify', at, token, 'x'), 'operand 2 must be object but got string', 'eval_type_error');
  });
});
