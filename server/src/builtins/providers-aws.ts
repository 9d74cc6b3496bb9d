/**
 * `providers.aws.sign_req`: signs an `http.send` request object with AWS Signature Version 4, as
 * OPA's internal AWS provider does, at a time given in nanoseconds. The canonical request follows
 * OPA's variant (its path is the URL's escaped path as is, and request headers override the signing
 * headers), so signatures match OPA's byte for byte.
 */
import * as nodeCrypto from 'node:crypto';
import { BuiltinError, operandError, T, type Builtin } from './declaration.js';
import { goUrlEscapedPath, parseGoUrl, type GoUrl } from './crypto.js';
import { goJson } from './encoding.js';
import { ObjectValue, SetValue, valueText, type Value } from '../value/value.js';

const REQUIRED_CONFIG_KEYS = ['aws_access_key', 'aws_region', 'aws_secret_access_key', 'aws_service'];

/** The request keys `http.send` accepts, which OPA also requires here. */
const ALLOWED_REQUEST_KEYS = new Set([
  'method', 'url', 'body', 'enable_redirect', 'force_json_decode', 'force_yaml_decode', 'headers', 'raw_body',
  'tls_use_system_certs', 'tls_ca_cert', 'tls_ca_cert_file', 'tls_ca_cert_env_variable', 'tls_client_cert',
  'tls_client_cert_file', 'tls_client_cert_env_variable', 'tls_client_key', 'tls_client_key_file',
  'tls_client_key_env_variable', 'tls_insecure_skip_verify', 'tls_server_name', 'timeout', 'cache', 'force_cache',
  'force_cache_duration_seconds', 'raise_error', 'caching_mode', 'max_retry_attempts', 'cache_ignored_headers',
]);

/** Headers a proxy may change on the way, left out of the signature as the AWS SDK does. */
const IGNORED_HEADERS = new Set(['authorization', 'user-agent', 'x-amzn-trace-id']);

/** OPA's `stringFromTerm`: strings as they are, anything else as the empty string. */
function stringOf(value: Value | undefined): string {
  return typeof value === 'string' ? value : '';
}

/** OPA prints sets of keys in its own notation: {"a", "b"}. */
function keySetText(keys: Value[]): string {
  return valueText(SetValue.from(keys));
}

const sha256Hex = (data: string | Uint8Array): string => nodeCrypto.createHash('sha256').update(data).digest('hex');
const hmacSha256 = (key: string | Uint8Array, data: string): Buffer => nodeCrypto.createHmac('sha256', key).update(data, 'utf8').digest();

/** The UTC date-time in the two forms SigV4 uses: 20060102 and 20060102T150405Z. */
function signingDates(nanoseconds: bigint): { date: string; dateTime: string } {
  let seconds = nanoseconds / 1_000_000_000n;
  if (nanoseconds < 0n && nanoseconds % 1_000_000_000n !== 0n) seconds -= 1n;
  const iso = new Date(Number(seconds) * 1000).toISOString();
  const date = iso.slice(0, 10).replace(/-/g, '');
  return { date, dateTime: `${date}T${iso.slice(11, 19).replace(/:/g, '')}Z` };
}

interface SigningInput {
  headers: Map<string, string>;
  method: string;
  url: GoUrl;
  body: string;
  service: string;
  accessKey: string;
  secretKey: string;
  region: string;
  sessionToken: string;
  time: bigint;
  disablePayloadSigning: boolean;
}

/** OPA's `SignV4`: the Authorization header value and the headers the signature adds. */
function signV4(input: SigningInput): { authorization: string; awsHeaders: Map<string, string> } {
  const payloadHash = input.disablePayloadSigning ? 'UNSIGNED-PAYLOAD' : sha256Hex(input.body);
  const { date, dateTime } = signingDates(input.time);
  const awsHeaders = new Map<string, string>([
    ['host', input.url.host],
    ['x-amz-date', dateTime],
  ]);
  // S3 and Glacier want the payload hash as a header; other services do not.
  if (input.service === 's3' || input.service === 'glacier') awsHeaders.set('x-amz-content-sha256', payloadHash);
  if (input.sessionToken !== '') awsHeaders.set('x-amz-security-token', input.sessionToken);

  const toSign = new Map(awsHeaders);
  for (const [name, value] of input.headers) {
    const lower = name.toLowerCase();
    if (!IGNORED_HEADERS.has(lower)) toSign.set(lower, value);
  }
  const names = [...toSign.keys()].sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    input.method,
    goUrlEscapedPath(input.url),
    input.url.rawQuery,
    ...names.map((name) => `${name}:${toSign.get(name)}`),
    '',
    signedHeaders,
    payloadHash,
  ].join('\n');
  const scope = `${date}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', dateTime, scope, sha256Hex(canonicalRequest)].join('\n');
  let key = hmacSha256(`AWS4${input.secretKey}`, date);
  key = hmacSha256(key, input.region);
  key = hmacSha256(key, input.service);
  key = hmacSha256(key, 'aws4_request');
  const signature = hmacSha256(key, stringToSign).toString('hex');
  const authorization = `AWS4-HMAC-SHA256 Credential=${input.accessKey}/${scope},SignedHeaders=${signedHeaders},Signature=${signature}`;
  return { authorization, awsHeaders };
}

/** Checks the arguments in OPA's order and with its messages (including its operand numbers). */
function signRequest(args: Value[]): Value {
  const request = args[0];
  if (!(request instanceof ObjectValue)) throw operandError(1, 'object', request);
  const config = args[1];
  // OPA numbers the configuration and the time as operand 1 in these two type checks.
  if (!(config instanceof ObjectValue)) throw operandError(1, 'object', config);
  const missing = REQUIRED_CONFIG_KEYS.filter((key) => !config.has(key));
  if (missing.length) throw new BuiltinError(`operand 2 missing required AWS config parameters(s): ${keySetText(missing)}`, 'eval_type_error');
  const invalid = REQUIRED_CONFIG_KEYS.filter((key) => typeof config.get(key) !== 'string');
  if (invalid.length) throw new BuiltinError(`operand 2 invalid values for required AWS config parameters(s): ${keySetText(invalid)}`, 'eval_type_error');

  const time = args[2];
  if (typeof time !== 'number' && typeof time !== 'bigint') throw operandError(1, 'number', time);
  if (typeof time === 'number' ? !Number.isInteger(time) : time > 0x7fffffffffffffffn || time < -0x8000000000000000n) {
    throw new BuiltinError('operand 3 could not convert time_ns value into a unix timestamp', 'eval_type_error');
  }

  const unknownKeys = request.keys().filter((key) => typeof key !== 'string' || !ALLOWED_REQUEST_KEYS.has(key));
  if (unknownKeys.length) throw new BuiltinError(`operand 1 invalid request parameters(s): ${keySetText(unknownKeys)}`, 'eval_type_error');
  const missingKeys = ['method', 'url'].filter((key) => !request.has(key));
  if (missingKeys.length) throw new BuiltinError(`operand 1 missing required request parameters(s): ${keySetText(missingKeys)}`, 'eval_type_error');

  const headersValue = request.get('headers') ?? new ObjectValue();
  if (!(headersValue instanceof ObjectValue)) throw operandError(0, 'object', headersValue);
  const badParameters = ['url', 'method'].filter((key) => typeof request.get(key) !== 'string');
  if (badParameters.length) {
    throw new BuiltinError(`operand 1 invalid values for required request parameters(s): ${keySetText(badParameters)}`, 'eval_type_error');
  }
  const urlText = request.get('url') as string;
  let url: GoUrl;
  try {
    url = parseGoUrl(urlText);
  } catch (error) {
    throw new BuiltinError(`parse ${JSON.stringify(urlText)}: ${(error as Error).message}`);
  }

  const rawBody = request.get('raw_body');
  const body = request.get('body');
  const bodyText = rawBody !== undefined ? stringOf(rawBody) : body !== undefined ? goJson(body) : '';

  const headers = new Map<string, string>();
  for (const [name, value] of headersValue.entries()) headers.set(stringOf(name), stringOf(value));

  let disablePayloadSigning = false;
  const disable = config.get('disable_payload_signing');
  if (disable !== undefined) {
    if (typeof disable !== 'boolean') throw new BuiltinError("operand 2 invalid value for 'disable_payload_signing' in AWS config", 'eval_type_error');
    disablePayloadSigning = disable;
  }

  const { authorization, awsHeaders } = signV4({
    headers,
    method: request.get('method') as string,
    url,
    body: bodyText,
    service: config.get('aws_service') as string,
    accessKey: config.get('aws_access_key') as string,
    secretKey: config.get('aws_secret_access_key') as string,
    region: config.get('aws_region') as string,
    sessionToken: stringOf(config.get('aws_session_token')),
    time: BigInt(time),
    disablePayloadSigning,
  });

  const signedHeaders = new ObjectValue();
  for (const [name, value] of headers) signedHeaders.set(name, value);
  signedHeaders.set('Authorization', authorization);
  for (const [name, value] of awsHeaders) signedHeaders.set(name, value);
  const signed = new ObjectValue();
  for (const [key, value] of request.entries()) signed.set(key, value);
  signed.set('headers', signedHeaders);
  return signed;
}

export const builtins: Builtin[] = [
  {
    name: 'providers.aws.sign_req',
    params: [
      { name: 'request', type: T.object(T.string, T.any), description: 'An http.send request object with at least method and url.' },
      {
        name: 'aws_config',
        type: T.object(T.string, T.any),
        description: 'aws_access_key, aws_secret_access_key, aws_service and aws_region; optionally aws_session_token and disable_payload_signing.',
      },
      { name: 'time_ns', type: T.number, description: 'The signing time in nanoseconds since the epoch.' },
    ],
    result: {
      name: 'signed_request',
      type: T.object(T.any, T.any),
      description: 'The request with an Authorization header and the x-amz-* headers the signature covers.',
    },
    description: 'Signs an HTTP request for AWS with Signature Version 4, ready to pass to http.send.',
    categories: ['providers.aws'],
    impl(args) {
      return signRequest(args);
    },
  },
];
