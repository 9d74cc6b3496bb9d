// providers.aws.sign_req called directly: AWS's own "get-vanilla" SigV4 example, S3 payload hashes,
// session tokens, unsigned payloads, request headers that override the signing headers, and the
// argument checks with OPA's messages and operand numbers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';

import { builtins } from '../../server/src/builtins/providers-aws';
import { fromJS, ObjectValue, SetValue, type Value } from '../../server/src/value/value';
import { assertError, caller, checkDeclarations } from './call-builtin';

const call = caller(builtins);
const object = (record: Record<string, unknown>): ObjectValue => fromJS(record) as ObjectValue;

// 2015-08-30T12:36:00Z, the time of AWS's published SigV4 examples.
const exampleTime = 1440938160000000000n;
const exampleConfig = {
  aws_access_key: 'AKIDEXAMPLE',
  aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  aws_service: 'service',
  aws_region: 'us-east-1',
};

function headers(result: Value | undefined): ObjectValue {
  assert.ok(result instanceof ObjectValue);
  const value = result.get('headers');
  assert.ok(value instanceof ObjectValue);
  return value;
}

/** An independent SigV4 computation for the checks below. */
function expectedSignature(options: { canonicalHeaders: [string, string][]; payloadHash: string; service: string; path?: string; query?: string }): string {
  const sha = (text: string): string => createHash('sha256').update(text).digest('hex');
  const mac = (key: string | Buffer, text: string): Buffer => createHmac('sha256', key).update(text).digest();
  const sorted = [...options.canonicalHeaders].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const canonical = [
    'GET',
    options.path ?? '',
    options.query ?? '',
    ...sorted.map(([name, value]) => `${name}:${value}`),
    '',
    sorted.map(([name]) => name).join(';'),
    options.payloadHash,
  ].join('\n');
  const scope = `20150830/us-east-1/${options.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', '20150830T123600Z', scope, sha(canonical)].join('\n');
  let key = mac(`AWS4${exampleConfig.aws_secret_access_key}`, '20150830');
  for (const part of ['us-east-1', options.service, 'aws4_request']) key = mac(key, part);
  return mac(key, toSign).toString('hex');
}

const emptyHash = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('providers.aws declarations', () => checkDeclarations(builtins));

describe('providers.aws.sign_req', () => {
  it('reproduces AWS\'s get-vanilla example signature', () => {
    const signed = call('providers.aws.sign_req', object({ method: 'GET', url: 'https://example.amazonaws.com/' }), object(exampleConfig), exampleTime);
    assert.equal(
      headers(signed).get('Authorization'),
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,SignedHeaders=host;x-amz-date,Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
    assert.equal(headers(signed).get('host'), 'example.amazonaws.com');
    assert.equal(headers(signed).get('x-amz-date'), '20150830T123600Z');
    assert.equal((signed as ObjectValue).get('url'), 'https://example.amazonaws.com/');
  });

  it('adds the payload hash for S3, hashing the body as Go marshals it', () => {
    const body = ObjectValue.fromRecord({ items: SetValue.from([2, 1]), name: '<x>' });
    const request = ObjectValue.fromRecord({ method: 'GET', url: 'http://bucket.example.com', body });
    const signed = call('providers.aws.sign_req', request, object({ ...exampleConfig, aws_service: 's3' }), exampleTime);
    const payloadHash = createHash('sha256').update('{"items":[1,2],"name":"\\u003cx\\u003e"}').digest('hex');
    assert.equal(headers(signed).get('x-amz-content-sha256'), payloadHash);
    const signature = expectedSignature({
      service: 's3',
      payloadHash,
      canonicalHeaders: [['host', 'bucket.example.com'], ['x-amz-content-sha256', payloadHash], ['x-amz-date', '20150830T123600Z']],
    });
    assert.match(headers(signed).get('Authorization') as string, new RegExp(`SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=${signature}$`));
    assert.ok((signed as ObjectValue).get('body') instanceof ObjectValue, 'the body stays as it was');
  });

  it('prefers raw_body over body', () => {
    const request = object({ method: 'GET', url: 'http://h', body: { a: 1 }, raw_body: 'raw' });
    const signed = call('providers.aws.sign_req', request, object({ ...exampleConfig, aws_service: 's3' }), exampleTime);
    assert.equal(headers(signed).get('x-amz-content-sha256'), createHash('sha256').update('raw').digest('hex'));
  });

  it('signs request headers, which override the signing headers in the signature only', () => {
    const request = object({ method: 'GET', url: 'https://h/p?q=1', headers: { Foo: 'bar', 'User-Agent': 'x', 'x-amz-content-sha256': 'mine' } });
    const signed = call('providers.aws.sign_req', request, object({ ...exampleConfig, aws_service: 's3' }), exampleTime);
    const signature = expectedSignature({
      service: 's3',
      payloadHash: emptyHash,
      path: '/p',
      query: 'q=1',
      canonicalHeaders: [['foo', 'bar'], ['host', 'h'], ['x-amz-content-sha256', 'mine'], ['x-amz-date', '20150830T123600Z']],
    });
    const result = headers(signed);
    assert.match(result.get('Authorization') as string, new RegExp(`SignedHeaders=foo;host;x-amz-content-sha256;x-amz-date,Signature=${signature}$`));
    assert.equal(result.get('x-amz-content-sha256'), emptyHash);
    assert.equal(result.get('Foo'), 'bar');
    assert.equal(result.get('User-Agent'), 'x');
  });

  it('signs the session token and can leave the payload unsigned', () => {
    const config = object({ ...exampleConfig, aws_service: 's3', aws_session_token: 'TOKEN', disable_payload_signing: true });
    const signed = call('providers.aws.sign_req', object({ method: 'GET', url: 'http://h' }), config, exampleTime);
    const result = headers(signed);
    assert.equal(result.get('x-amz-security-token'), 'TOKEN');
    assert.equal(result.get('x-amz-content-sha256'), 'UNSIGNED-PAYLOAD');
    const signature = expectedSignature({
      service: 's3',
      payloadHash: 'UNSIGNED-PAYLOAD',
      canonicalHeaders: [['host', 'h'], ['x-amz-content-sha256', 'UNSIGNED-PAYLOAD'], ['x-amz-date', '20150830T123600Z'], ['x-amz-security-token', 'TOKEN']],
    });
    assert.match(result.get('Authorization') as string, new RegExp(`Signature=${signature}$`));
  });

  it('checks its arguments with OPA\'s messages', () => {
    const request = object({ method: 'GET', url: 'http://h' });
    const config = object(exampleConfig);
    assertError(() => call('providers.aws.sign_req', 'x', config, 0), 'operand 1 must be object but got string', 'eval_type_error');
    assertError(() => call('providers.aws.sign_req', request, 'x', 0), 'operand 1 must be object but got string', 'eval_type_error');
    assertError(
      () => call('providers.aws.sign_req', request, object({ aws_service: 's3' }), 0),
      'operand 2 missing required AWS config parameters(s): {"aws_access_key", "aws_region", "aws_secret_access_key"}',
      'eval_type_error',
    );
    assertError(
      () => call('providers.aws.sign_req', request, object({ ...exampleConfig, aws_region: 1 }), 0),
      'operand 2 invalid values for required AWS config parameters(s): {"aws_region"}',
      'eval_type_error',
    );
    assertError(() => call('providers.aws.sign_req', request, config, 'now'), 'operand 1 must be number but got string', 'eval_type_error');
    assertError(() => call('providers.aws.sign_req', request, config, 1.5), 'operand 3 could not convert time_ns value into a unix timestamp', 'eval_type_error');
    assertError(() => call('providers.aws.sign_req', object({ method: 'GET' }), config, 0), 'operand 1 missing required request parameters(s): {"url"}', 'eval_type_error');
    assertError(() => call('providers.aws.sign_req', object({ method: 'GET', url: 'x', bogus: 1 }), config, 0), 'operand 1 invalid request parameters(s): {"bogus"}', 'eval_type_error');
    assertError(() => call('providers.aws.sign_req', object({ method: 1, url: 'x' }), config, 0), 'operand 1 invalid values for required request parameters(s): {"method"}', 'eval_type_error');
    assertError(() => call('providers.aws.sign_req', object({ method: 'GET', url: 'x', headers: [] }), config, 0), 'operand 0 must be object but got array', 'eval_type_error');
    assertError(
      () => call('providers.aws.sign_req', request, object({ ...exampleConfig, disable_payload_signing: 'yes' }), 0),
      "operand 2 invalid value for 'disable_payload_signing' in AWS config",
      'eval_type_error',
    );
    assertError(() => call('providers.aws.sign_req', object({ method: 'GET', url: ':x' }), config, 0), 'parse ":x": missing protocol scheme');
  });
});
