// The crypto built-ins called directly: digests and HMACs, X.509 certificates in Go's JSON shape,
// chain verification with and without options, certificate requests, key pairs and private keys,
// and the Go-compatible base64 and PEM decoding they rest on.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';

import { builtins, decodeGoBase64, decodeBase64UrlLikeOpa, decodePem, ipText } from '../../server/src/builtins/crypto';
import { ObjectValue, SetValue, toJSON, type Value } from '../../server/src/value/value';
import { assertError, assertValue, caller, checkDeclarations, fakeContext } from './call-builtin';
import {
  beforeValidity,
  insideValidity,
  intermediateCertificate,
  leafCertificate,
  leafKey,
  leafRequest,
  rootCertificate,
  rootKey,
} from './crypto-fixtures';

const call = caller(builtins);
const chain = rootCertificate + intermediateCertificate + leafCertificate;

function callAt(name: string, nowNs: bigint, ...args: Value[]): Value | undefined {
  const builtin = builtins.find((candidate) => candidate.name === name)!;
  return builtin.impl(args, fakeContext({ nowNs }));
}

function field(value: Value | undefined, ...path: (string | number)[]): Value | undefined {
  let current = value;
  for (const step of path) {
    if (typeof step === 'number') current = Array.isArray(current) ? current[step] : undefined;
    else current = current instanceof ObjectValue ? current.get(step) : undefined;
  }
  return current;
}

function base64(text: string): string {
  return Buffer.from(text).toString('base64');
}

describe('crypto declarations', () => checkDeclarations(builtins));

describe('digests and HMACs', () => {
  it('hash the UTF-8 bytes and print lowercase hexadecimal', () => {
    assert.equal(call('crypto.md5', 'foo'), 'acbd18db4cc2f85cedef654fccc4a4d8');
    assert.equal(call('crypto.sha1', 'foo'), '0beec7b5ea3f0fdbc95d0dd47f3c5bc275da8a33');
    assert.equal(call('crypto.sha256', 'foo'), '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae');
    assert.equal(call('crypto.md5', ''), 'd41d8cd98f00b204e9800998ecf8427e');
  });

  it('compute HMACs of messages and keys in any script', () => {
    assert.equal(call('crypto.hmac.sha256', 'foo', 'bar'), '147933218aaabc0b8b10a2b3a5c34684c8d94341bcf10a4736dc7270f7741851');
    assert.equal(
      call('crypto.hmac.sha512', 'foo', 'bar'),
      '24257d7210582a65c731ec55159c8184cc24c02489453e58587f71f44c23a2d61b4b72154a89d17b2d49448a8452ea066f4fc56a2bcead45c088572ffccdb3d8',
    );
    assert.equal(call('crypto.hmac.sha256', 'åäöçß\u{1F972}♙Ω', '秘密の'), 'eb90daeb76d4b2571fbdaf94bbb240809faa8fed93ec0c260dd38c3fdf8d963a');
    assert.equal(call('crypto.hmac.md5', 'foo', 'bar'), '31b6db9e5eb4addb42f1a6ca07367adc');
    assert.equal(call('crypto.hmac.sha1', 'foo', 'bar'), '85d155c55ed286a300bd1cf124de08d87e914f3a');
  });

  it('compare MACs exactly, unequal lengths included', () => {
    assert.equal(call('crypto.hmac.equal', 'abc', 'abc'), true);
    assert.equal(call('crypto.hmac.equal', 'abc', 'abd'), false);
    assert.equal(call('crypto.hmac.equal', '31b6db9e5eb4addb42f1a6ca07367adc', '31b6db9e5eb4addb'), false);
    assert.equal(call('crypto.hmac.equal', '', ''), true);
  });

  it('reject operands that are not strings', () => {
    assertError(() => call('crypto.sha256', 1), 'operand 1 must be string but got number', 'eval_type_error');
    assertError(() => call('crypto.hmac.sha256', 'x', null), 'operand 2 must be string but got null', 'eval_type_error');
    assertError(() => call('crypto.hmac.equal', [], 'x'), 'operand 1 must be string but got array', 'eval_type_error');
  });
});

describe('Go-compatible decoding', () => {
  it('reports the first bad byte as Go does', () => {
    assert.throws(() => decodeGoBase64('foobar'), /illegal base64 data at input byte 4$/);
    assert.throws(() => decodeGoBase64('ab^d'), /illegal base64 data at input byte 2$/);
    assert.throws(() => decodeGoBase64('YQ=a'), /illegal base64 data at input byte 2$/);
    assert.throws(() => decodeGoBase64('YQ='), /illegal base64 data at input byte 3$/);
    assert.equal(Buffer.from(decodeGoBase64('YQ==')).toString(), 'a');
    assert.equal(Buffer.from(decodeGoBase64('YW\r\nJj')).toString(), 'abc');
    assert.equal(Buffer.from(decodeGoBase64('YQ', { raw: true })).toString(), 'a');
  });

  it('pads base64url as OPA does and rejects impossible lengths', () => {
    assert.equal(Buffer.from(decodeBase64UrlLikeOpa('eyJ9')).toString(), '{"}');
    assert.equal(Buffer.from(decodeBase64UrlLikeOpa('YQ')).toString(), 'a');
    assert.throws(() => decodeBase64UrlLikeOpa('abcde'), /illegal base64url string: abcde/);
    assert.throws(() => decodeBase64UrlLikeOpa('ab+d'), /illegal base64 data at input byte 2/);
  });

  it('finds PEM blocks after other text and keeps what follows', () => {
    const { block, rest } = decodePem(`junk\n${leafKey}tail`);
    assert.equal(block?.type, 'EC PRIVATE KEY');
    assert.equal(Buffer.from(rest).toString(), 'tail');
    assert.equal(decodePem('-----BEGIN X-----\nnot base64!\n-----END X-----\n').block, undefined);
    assert.equal(decodePem('-----BEGIN X-----\nYQ==\n-----END Y-----\n').block, undefined);
  });

  it('prints IP addresses as Go does', () => {
    assert.equal(ipText(Uint8Array.of(10, 1, 2, 3)), '10.1.2.3');
    assert.equal(ipText(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168, 0, 1)), '192.168.0.1');
    assert.equal(ipText(Uint8Array.of(0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)), '2001:db8::1');
    assert.equal(ipText(Uint8Array.of(0x20, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)), '2001:0:1::1');
    assert.equal(ipText(Uint8Array.of(0x20, 1, 0, 0, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 0)), '2001:0:1:2:3:4:5:0');
  });
});

describe('crypto.x509.parse_certificates', () => {
  const certificates = call('crypto.x509.parse_certificates', chain) as Value[];
  const [root, intermediate, leaf] = certificates;

  it('parses every certificate of PEM text in order', () => {
    assert.equal(certificates.length, 3);
    assert.deepEqual(certificates.map((certificate) => field(certificate, 'Subject', 'CommonName')), [
      'Test Root',
      'Test Intermediate',
      'leaf.example.com',
    ]);
  });

  it('gives the leaf the fields of Go\'s x509.Certificate', () => {
    assert.equal(field(leaf, 'Version'), 3);
    assert.equal(field(leaf, 'SignatureAlgorithm'), 10);
    assert.equal(field(leaf, 'PublicKeyAlgorithm'), 3);
    assert.equal(field(leaf, 'NotBefore'), '2026-11-25T11:03:46Z');
    assert.equal(field(leaf, 'NotAfter'), '2126-11-01T11:03:46Z');
    assert.equal(field(leaf, 'KeyUsage'), 1);
    assertValue(field(leaf, 'ExtKeyUsage'), [1]);
    assertValue(field(leaf, 'DNSNames'), ['leaf.example.com']);
    assertValue(field(leaf, 'IPAddresses'), ['10.1.2.3']);
    assertValue(field(leaf, 'URIStrings'), ['spiffe://example.com/leaf']);
    assert.equal(field(leaf, 'URIs', 0, 'Host'), 'example.com');
    assert.equal(field(leaf, 'URIs', 0, 'Path'), '/leaf');
    assert.equal(field(leaf, 'EmailAddresses'), null);
    assert.equal(field(leaf, 'BasicConstraintsValid'), false);
    assert.equal(field(leaf, 'IsCA'), false);
    assert.equal(field(leaf, 'MaxPathLen'), 0);
    assert.equal(field(leaf, 'Issuer', 'CommonName'), 'Test Intermediate');
    assertValue(field(leaf, 'Issuer', 'Organization'), ['Rego Lens']);
    assertValue(field(leaf, 'Issuer', 'Names', 0), ObjectValue.fromRecord({ Type: [2, 5, 4, 3], Value: 'Test Intermediate' }));
    assert.equal(field(leaf, 'Subject', 'Country'), null);
    assert.equal(field(leaf, 'ExtraExtensions'), null);
    assert.equal(field(leaf, 'SubjectKeyId'), '2qZ1T2VHQBBeVD/ZQxqncLbFZbQ=');
    assert.equal(field(leaf, 'AuthorityKeyId'), field(intermediate, 'SubjectKeyId'));
    assert.equal((field(leaf, 'Extensions') as Value[]).length, 5);
    assertValue(field(leaf, 'Extensions', 2), ObjectValue.fromRecord({ Id: [2, 5, 29, 15], Critical: true, Value: 'AwIHgA==' }));
    assert.equal(field(leaf, 'PublicKey', 'Curve') instanceof ObjectValue, true);
    assert.equal(typeof field(leaf, 'PublicKey', 'X'), 'bigint');
    assert.equal(typeof field(leaf, 'SerialNumber'), 'bigint');
  });

  it('reads CA flags and path lengths', () => {
    assert.equal(field(root, 'IsCA'), true);
    assert.equal(field(root, 'MaxPathLen'), -1);
    assert.equal(field(root, 'MaxPathLenZero'), false);
    assert.equal(field(root, 'KeyUsage'), 96);
    assert.equal(field(intermediate, 'MaxPathLen'), 0);
    assert.equal(field(intermediate, 'MaxPathLenZero'), true);
    assert.equal(field(root, 'URIStrings'), null);
  });

  it('accepts base64 of PEM and base64 of concatenated DER', () => {
    assertValue(call('crypto.x509.parse_certificates', base64(chain)), certificates);
    const der = Buffer.concat(
      [rootCertificate, leafCertificate].map((pem) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64')),
    ).toString('base64');
    const parsed = call('crypto.x509.parse_certificates', der) as Value[];
    assert.deepEqual(parsed.map((certificate) => field(certificate, 'Subject', 'CommonName')), ['Test Root', 'leaf.example.com']);
  });

  it('returns an empty list for PEM text without blocks', () => {
    assertValue(call('crypto.x509.parse_certificates', '-----BEGIN nothing'), []);
  });

  it('reports bad input with Go\'s messages', () => {
    assertError(() => call('crypto.x509.parse_certificates', 'YmFkc3RyaW5n'), 'x509: malformed certificate');
    assertError(() => call('crypto.x509.parse_certificates', 'not base64'), 'illegal base64 data at input byte 3');
    assertError(() => call('crypto.x509.parse_certificates', leafKey), "PEM block type is 'EC PRIVATE KEY', expected CERTIFICATE");
    assertError(() => call('crypto.x509.parse_certificates', 5), 'operand 1 must be string but got number', 'eval_type_error');
  });
});

describe('crypto.x509.parse_and_verify_certificates', () => {
  it('verifies a chain given root first and returns it leaf first', () => {
    const result = callAt('crypto.x509.parse_and_verify_certificates', insideValidity, chain) as Value[];
    assert.equal(result[0], true);
    assert.deepEqual((result[1] as Value[]).map((certificate) => field(certificate, 'Subject', 'CommonName')), [
      'leaf.example.com',
      'Test Intermediate',
      'Test Root',
    ]);
    assertValue(field(result[1], 0, 'URIStrings'), ['spiffe://example.com/leaf']);
  });

  it('fails outside the validity period, with a missing link, for one certificate and for bad input', () => {
    const failed = [false, []];
    assertValue(callAt('crypto.x509.parse_and_verify_certificates', beforeValidity, chain), failed);
    assertValue(callAt('crypto.x509.parse_and_verify_certificates', insideValidity, rootCertificate + leafCertificate), failed);
    assertValue(callAt('crypto.x509.parse_and_verify_certificates', insideValidity, leafCertificate), failed);
    assertValue(callAt('crypto.x509.parse_and_verify_certificates', insideValidity, 'YmFkc3RyaW5n'), failed);
  });

  it('rejects an intermediate that is not a CA', () => {
    const notCa = rootCertificate + leafCertificate + leafCertificate;
    assertValue(callAt('crypto.x509.parse_and_verify_certificates', insideValidity, notCa), [false, []]);
  });
});

describe('crypto.x509.parse_and_verify_certificates_with_options', () => {
  const verify = (options: Record<string, Value>, certificates = chain): Value | undefined =>
    callAt('crypto.x509.parse_and_verify_certificates_with_options', insideValidity, certificates, ObjectValue.fromRecord(options));
  const verified = (options: Record<string, Value>): boolean => (verify(options) as Value[])[0] as boolean;

  it('checks the host name against DNS and IP names', () => {
    assert.equal(verified({ DNSName: 'leaf.example.com' }), true);
    assert.equal(verified({ DNSName: 'LEAF.example.com' }), true);
    assert.equal(verified({ DNSName: '10.1.2.3' }), true);
    assert.equal(verified({ DNSName: 'other.example.com' }), false);
  });

  it('checks the time and key usages', () => {
    assert.equal(verified({ CurrentTime: insideValidity }), true);
    assert.equal(verified({ CurrentTime: beforeValidity }), false);
    assert.equal(verified({ KeyUsages: ['KeyUsageServerAuth'] }), true);
    assert.equal(verified({ KeyUsages: SetValue.from(['KeyUsageClientAuth']) }), false);
    assert.equal(verified({ KeyUsages: ['KeyUsageAny'] }), true);
    assert.equal(verified({ MaxConstraintComparisons: 10 }), true);
  });

  it('leaves URIStrings out, as OPA does here', () => {
    assert.equal(field(verify({}), 1, 0, 'URIStrings'), undefined);
  });

  it('reports bad options with OPA\'s messages', () => {
    assertError(() => verify({ DNSName: 1 }), "'DNSName' should be a string");
    assertError(() => verify({ CurrentTime: 'now' }), "'CurrentTime' should be a number");
    assertError(() => verify({ CurrentTime: 1.5 }), "'CurrentTime' should be a valid int64 number");
    assertError(() => verify({ KeyUsages: 'KeyUsageAny' }), "'KeyUsages' should be an Array or Set");
    assertError(() => verify({ KeyUsages: ['Nope', 'KeyUsageAny', 'Other'] }), "invalid entries for 'KeyUsages' found: [Nope Other]");
    assertError(() => verify({ Unknown: 1 }), 'invalid key option');
    assertError(
      () => callAt('crypto.x509.parse_and_verify_certificates_with_options', insideValidity, chain, 'x'),
      'operand 2 must be object but got string',
      'eval_type_error',
    );
  });

  it('answers false for unparsable certificates before looking at the options', () => {
    assertValue(verify({ Unknown: 1 }, 'YmFkc3RyaW5n'), [false, []]);
  });
});

describe('crypto.x509.parse_certificate_request', () => {
  it('parses a PEM request with its extension request', () => {
    const request = call('crypto.x509.parse_certificate_request', leafRequest);
    assert.equal(field(request, 'Version'), 0);
    assert.equal(field(request, 'Subject', 'CommonName'), 'leaf.example.com');
    assertValue(field(request, 'DNSNames'), ['leaf.example.com']);
    assertValue(field(request, 'EmailAddresses'), ['ops@example.com']);
    assertValue(field(request, 'IPAddresses'), ['10.1.2.3']);
    assert.equal(field(request, 'URIs', 0, 'Scheme'), 'spiffe');
    assert.equal(field(request, 'SignatureAlgorithm'), 10);
    assert.equal(field(request, 'PublicKeyAlgorithm'), 3);
    assertValue(field(request, 'Extensions', 0, 'Id'), [2, 5, 29, 17]);
    assertValue(field(request, 'Attributes', 0, 'Type'), [1, 2, 840, 113549, 1, 9, 14]);
    assertValue(field(request, 'Attributes', 0, 'Value', 0, 0, 'Type'), [2, 5, 29, 17]);
  });

  it('accepts base64 of PEM', () => {
    assertValue(call('crypto.x509.parse_certificate_request', base64(leafRequest)), call('crypto.x509.parse_certificate_request', leafRequest)!);
  });

  it('reports bad input', () => {
    assertError(() => call('crypto.x509.parse_certificate_request', 'foobar'), 'illegal base64 data at input byte 4');
    assertError(() => call('crypto.x509.parse_certificate_request', base64(leafCertificate)), 'invalid PEM-encoded certificate signing request');
  });
});

describe('crypto.x509.parse_keypair', () => {
  it('returns the chain, the key and the parsed leaf', () => {
    const pair = call('crypto.x509.parse_keypair', leafCertificate, leafKey);
    const der = Buffer.from(leafCertificate.replace(/-----[^-]+-----|\s/g, ''), 'base64').toString('base64');
    assertValue(field(pair, 'Certificate'), [der]);
    assert.equal(field(pair, 'Leaf', 'Subject', 'CommonName'), 'leaf.example.com');
    assert.equal(field(pair, 'OCSPStaple'), null);
    assert.equal(typeof field(pair, 'PrivateKey', 'D'), 'bigint');
    assert.equal(field(pair, 'PrivateKey', 'X'), field(pair, 'Leaf', 'PublicKey', 'X'));
  });

  it('accepts base64 of PEM for both arguments', () => {
    assertValue(call('crypto.x509.parse_keypair', base64(leafCertificate), base64(leafKey)), call('crypto.x509.parse_keypair', leafCertificate, leafKey)!);
  });

  it('reports mismatched and swapped inputs as Go\'s TLS package does', () => {
    assertError(() => call('crypto.x509.parse_keypair', leafCertificate, rootKey), 'tls: private key does not match public key');
    assertError(
      () => call('crypto.x509.parse_keypair', leafKey, leafCertificate),
      'tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched',
    );
    assertError(() => call('crypto.x509.parse_keypair', leafCertificate, leafCertificate), 'tls: found a certificate rather than a key in the PEM for the private key');
    assertError(() => call('crypto.x509.parse_keypair', leafCertificate, 1), 'operand 1 must be string but got number', 'eval_type_error');
  });
});

describe('private keys', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const rsaPem = rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
  const pkcs8Pem = rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const jwk = rsa.privateKey.export({ format: 'jwk' });

  it('crypto.x509.parse_rsa_private_key returns the first key as a JWK', () => {
    assertValue(call('crypto.x509.parse_rsa_private_key', rsaPem), ObjectValue.fromRecord(jwk as Record<string, string>));
    assertValue(call('crypto.x509.parse_rsa_private_key', pkcs8Pem), ObjectValue.fromRecord(jwk as Record<string, string>));
    assertValue(call('crypto.x509.parse_rsa_private_key', base64(rsaPem)), ObjectValue.fromRecord(jwk as Record<string, string>));
    assert.equal(field(call('crypto.x509.parse_rsa_private_key', leafKey), 'kty'), 'EC');
    assert.equal(call('crypto.x509.parse_rsa_private_key', leafCertificate), null);
  });

  it('crypto.x509.parse_rsa_private_key reports bad input', () => {
    assertError(() => call('crypto.x509.parse_rsa_private_key', 'invalid'), 'illegal base64 data at input byte 4');
    assertError(() => call('crypto.x509.parse_rsa_private_key', ''), 'input PEM data was empty');
    const pkcs8InPkcs1 = pkcs8Pem.replace(/PRIVATE KEY/g, 'RSA PRIVATE KEY');
    assertError(
      () => call('crypto.x509.parse_rsa_private_key', pkcs8InPkcs1),
      'x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)',
    );
  });

  it('crypto.parse_private_keys returns Go\'s key structs for every block', () => {
    const keys = call('crypto.parse_private_keys', rsaPem + leafKey) as Value[];
    assert.equal(keys.length, 2);
    const big = (text: string | undefined): bigint => BigInt(`0x${Buffer.from(text ?? '', 'base64url').toString('hex')}`);
    assertValue(field(keys[0], 'N'), big(jwk.n));
    assert.equal(field(keys[0], 'E'), 65537);
    assertValue(field(keys[0], 'Primes'), [big(jwk.p), big(jwk.q)]);
    assertValue(field(keys[0], 'Precomputed', 'Qinv'), big(jwk.qi));
    assertValue(field(keys[0], 'Precomputed', 'CRTValues'), []);
    assert.deepEqual(toJSON(field(keys[1], 'Curve')!), '{}');
    assert.equal(call('crypto.parse_private_keys', ''), null);
    assertValue(call('crypto.parse_private_keys', 'no keys here'), []);
  });

  it('crypto.parse_private_keys writes Ed25519 keys as seed and public key', () => {
    const ed = generateKeyPairSync('ed25519');
    const edJwk = ed.privateKey.export({ format: 'jwk' });
    const keys = call('crypto.parse_private_keys', ed.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()) as Value[];
    const expected = Buffer.concat([Buffer.from(edJwk.d!, 'base64url'), Buffer.from(edJwk.x!, 'base64url')]).toString('base64');
    assertValue(keys, [expected]);
  });
});
