/**
 * JSON Web Tokens: `io.jwt.decode`, `io.jwt.decode_verify`, the `io.jwt.verify_*` family and
 * `io.jwt.encode_sign(_raw)`. Decoding, claim checks and error messages follow OPA's Go code
 * (topdown/tokens.go); signatures use `node:crypto`. Keys come as PEM certificates, PEM public keys,
 * JWKs or JWK sets, as OPA accepts them. JSON is read and written through the encoding family's
 * Go-compatible helpers, as OPA uses its own JSON built-ins here.
 */
import * as nodeCrypto from 'node:crypto';
import {
  BuiltinError,
  expectObject,
  expectString,
  operandError,
  T,
  type Builtin,
  type BuiltinContext,
} from './declaration.js';
import {
  base64UrlNoPad,
  bytesToText,
  certificatePublicKey,
  decodeBase64UrlLikeOpa,
  decodePem,
  hexOf,
  parseCertificate,
  publicKeyFromSpki,
  utf8Bytes,
  type VerificationKey,
} from './crypto.js';
import { goJson, goJsonSyntaxError, isValidJson } from './encoding.js';
import { compareNumbers, ObjectValue, parseJSON, type Value } from '../value/value.js';

// ---------------------------------------------------------------------------------------------
// JSON

/**
 * OPA decodes token JSON with its own `json.unmarshal` built-in (Go's streaming decoder), so its
 * results and error messages are exactly that built-in's.
 */
function unmarshal(text: string, context: BuiltinContext): Value {
  const value = context.call('json.unmarshal', [text]);
  if (value === undefined) throw new BuiltinError('json.unmarshal is not available');
  return value;
}

/** Go's complaint about JSON text that must be one whole value, or undefined when it is one. */
function jsonTextError(text: string): string | undefined {
  return goJsonSyntaxError(text) ?? (isValidJson(text) ? undefined : 'unexpected data after the JSON value');
}

// ---------------------------------------------------------------------------------------------
// Tokens

/** The algorithms OPA knows for JWS. */
const TOKEN_ALGORITHMS = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'HS256', 'HS384', 'HS512', 'EdDSA']);

interface EncodedToken {
  header: string;
  payload: string;
  signature: string;
}

/** OPA's `decodeJWT`: the three dot-separated sections of a compact JWS. */
function splitToken(value: Value): EncodedToken {
  if (typeof value !== 'string') throw operandError(1, 'string', value);
  if (!value.includes('.')) throw new BuiltinError('encoded JWT had no period separators');
  const parts = value.split('.');
  if (parts.length !== 3) throw new BuiltinError(`encoded JWT must have 3 sections, found ${parts.length}`);
  return { header: parts[0], payload: parts[1], signature: parts[2] };
}

/** OPA's `extractJSONObject`. */
function jsonObject(text: string, context: BuiltinContext): ObjectValue {
  let value: Value;
  try {
    value = unmarshal(text, context);
  } catch (error) {
    if (error instanceof BuiltinError) throw new BuiltinError(`invalid JSON: ${error.message}`);
    throw error;
  }
  if (!(value instanceof ObjectValue)) throw new BuiltinError('decoded JSON type was not an Object');
  return value;
}

function decodeHeader(token: EncodedToken, context: BuiltinContext): ObjectValue {
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64UrlLikeOpa(token.header);
  } catch (error) {
    throw new BuiltinError(`JWT header had invalid encoding: ${(error as Error).message}`);
  }
  let header: ObjectValue;
  try {
    header = jsonObject(bytesToText(bytes), context);
  } catch (error) {
    throw new BuiltinError(`bad JWT header: ${(error as Error).message}`);
  }
  // A JWE carries an "enc" header (RFC 7516 section 9); only JWS is supported.
  if (header.has('enc')) throw new BuiltinError('JWT is a JWE object, which is not supported');
  return header;
}

function decodePayloadText(token: EncodedToken): string {
  try {
    return bytesToText(decodeBase64UrlLikeOpa(token.payload));
  } catch (error) {
    throw new BuiltinError(`JWT payload had invalid encoding: ${(error as Error).message}`);
  }
}

/** OPA's `decodeSignature`: its errors are reported without a prefix. */
function decodeSignature(token: EncodedToken): Uint8Array {
  return decodeBase64UrlLikeOpa(token.signature);
}

/** `io.jwt.decode`, including OPA's handling of nested tokens with `cty: "JWT"`. */
function decodeToken(value: Value, context: BuiltinContext): Value {
  const token = splitToken(value);
  const header = decodeHeader(token, context);
  const payloadText = decodePayloadText(token);
  const contentType = header.get('cty');
  if (contentType === 'JWT') {
    // A nested token may arrive quoted, as jwt.io writes it.
    return decodeToken(payloadText.replace(/^["']+|["']+$/g, ''), context);
  }
  const payload = jsonObject(payloadText, context);
  let signature: Uint8Array;
  try {
    signature = decodeSignature(token);
  } catch (error) {
    throw new BuiltinError(`JWT signature had invalid encoding: ${(error as Error).message}`);
  }
  return [header, payload, hexOf(signature)];
}

/** The parts of a JOSE header OPA looks at (RFC 7515 section 4.1). */
interface TokenHeader {
  alg: string;
  kid: string;
  cty: string;
  crit: Set<string>;
  unknown: string[];
}

/** OPA's `parseTokenHeader`, with its messages for fields of the wrong type. */
function parseTokenHeader(header: ObjectValue): TokenHeader {
  const parsed: TokenHeader = { alg: '', kid: '', cty: '', crit: new Set(), unknown: [] };
  for (const [key, value] of header.entries()) {
    const name = String(key);
    switch (name) {
      case 'alg':
      case 'kid':
      case 'typ':
      case 'cty':
        if (typeof value !== 'string') throw new BuiltinError(`${name}: must be a string`);
        if (name !== 'typ') parsed[name] = value;
        break;
      case 'crit':
        if (!Array.isArray(value)) throw new BuiltinError('crit: must be a list');
        for (const item of value) if (typeof item === 'string') parsed.crit.add(item);
        if (parsed.crit.size === 0) throw new BuiltinError('crit: must be a nonempty list');
        break;
      default:
        parsed.unknown.push(name);
    }
  }
  return parsed;
}

/** RFC 7515: `alg` must be present, and every critical parameter must be one OPA understands. */
function headerValid(header: TokenHeader): boolean {
  return header.alg !== '' && !header.unknown.some((name) => header.crit.has(name));
}

// ---------------------------------------------------------------------------------------------
// Keys

interface TokenKey {
  key: VerificationKey | undefined;
  alg: string;
  kid: string;
}

/** The string members of a JWK, which are all Node's import reads. */
function jwkRecord(jwk: ObjectValue): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [key, value] of jwk.entries()) if (typeof key === 'string' && typeof value === 'string') record[key] = value;
  return record;
}

/** A JWK as Node imports it; `oct` keys become raw secrets. */
function keyFromJwk(jwk: ObjectValue): VerificationKey {
  const record = jwkRecord(jwk);
  const type = record.kty;
  if (typeof type !== 'string') throw new Error('invalid key: missing "kty"');
  if (type === 'oct') {
    if (typeof record.k !== 'string') throw new Error('invalid oct key: missing "k"');
    return { kind: 'secret', bytes: Buffer.from(record.k, 'base64url') };
  }
  if (type !== 'RSA' && type !== 'EC' && type !== 'OKP') throw new Error(`unsupported key type ${JSON.stringify(type)}`);
  return { kind: 'public', key: nodeCrypto.createPublicKey({ key: record as nodeCrypto.JsonWebKey, format: 'jwk' }) };
}

/** The JWKs in a JWK or a JWK set. */
function jwkMembers(text: string): ObjectValue[] {
  const error = jsonTextError(text);
  if (error) throw new Error(error);
  const document = parseJSON(text);
  if (!(document instanceof ObjectValue)) throw new Error('expected a JSON object');
  const keys = document.get('keys');
  if (keys !== undefined && !document.has('kty')) {
    if (!Array.isArray(keys)) throw new Error('"keys" must be an array');
    return keys.map((member) => {
      if (!(member instanceof ObjectValue)) throw new Error('each key must be an object');
      return member;
    });
  }
  return [document];
}

/**
 * OPA's `getKeysFromCertOrJWK`: a PEM certificate or public key, else a JWK or JWK set (keys
 * with an `alg` OPA does not know are skipped).
 */
function keysFromCertificateOrJwk(text: string): TokenKey[] {
  const { block, rest } = decodePem(text);
  if (block) {
    if (rest.length > 0) throw new BuiltinError('extra data after a PEM certificate block');
    if (block.type === 'CERTIFICATE') {
      let certificate;
      try {
        certificate = parseCertificate(block.bytes);
      } catch (error) {
        throw new BuiltinError(`failed to parse a PEM certificate: ${(error as Error).message}`);
      }
      const key = certificatePublicKey(certificate);
      return [{ key: key && { kind: 'public', key }, alg: '', kid: '' }];
    }
    if (block.type === 'PUBLIC KEY') {
      try {
        return [{ key: { kind: 'public', key: publicKeyFromSpki(block.bytes) }, alg: '', kid: '' }];
      } catch (error) {
        throw new BuiltinError(`failed to parse a PEM public key: ${(error as Error).message}`);
      }
    }
    throw new BuiltinError('failed to extract a Key from the PEM certificate');
  }
  try {
    const keys: TokenKey[] = [];
    for (const member of jwkMembers(text)) {
      const key = keyFromJwk(member);
      const alg = member.get('alg');
      const kid = member.get('kid');
      const algorithm = typeof alg === 'string' ? alg : '';
      if (algorithm !== '' && !TOKEN_ALGORITHMS.has(algorithm)) continue;
      keys.push({ key, alg: algorithm, kid: typeof kid === 'string' ? kid : '' });
    }
    return keys;
  } catch (error) {
    if (error instanceof BuiltinError) throw error;
    throw new BuiltinError(`failed to parse a JWK key (set): ${(error as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Signatures

type HashName = 'sha256' | 'sha384' | 'sha512';

const HASH_BY_SUFFIX: Record<string, HashName> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };
const HASH_SIZE: Record<HashName, number> = { sha256: 32, sha384: 48, sha512: 64 };
/** Bytes per coordinate of the curves JWS uses, by OpenSSL's curve names. */
const CURVE_SIZE: Record<string, number> = { prime256v1: 32, secp384r1: 48, secp521r1: 66 };

function publicKeyOf(key: VerificationKey | undefined, type: string): nodeCrypto.KeyObject | undefined {
  if (!key || key.kind !== 'public') return undefined;
  return key.key.asymmetricKeyType === type ? key.key : undefined;
}

/** An ECDSA signature from r and s as big-endian integers, in DER for Node. */
function ecdsaDer(r: Uint8Array, s: Uint8Array): Buffer {
  const integer = (bytes: Uint8Array): Buffer => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start++;
    let body = Buffer.from(bytes.subarray(start));
    if (body.length === 0) body = Buffer.of(0);
    if (body[0] & 0x80) body = Buffer.concat([Buffer.of(0), body]);
    return Buffer.concat([Buffer.of(0x02), derLength(body.length), body]);
  };
  const content = Buffer.concat([integer(r), integer(s)]);
  return Buffer.concat([Buffer.of(0x30), derLength(content.length), content]);
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.of(length);
  if (length < 0x100) return Buffer.of(0x81, length);
  return Buffer.of(0x82, length >> 8, length & 0xff);
}

/**
 * Verifies a JWS signature with the algorithm's rules as OPA's JWS library applies them in
 * `decode_verify`: key types must match, ECDSA signatures must be exactly twice the curve size,
 * and RSA-PSS salts equal the hash length.
 */
function verifyWithAlgorithm(key: VerificationKey | undefined, alg: string, signed: Uint8Array, signature: Uint8Array): boolean {
  const family = alg.slice(0, 2);
  const hash = HASH_BY_SUFFIX[alg.slice(2)];
  try {
    if (alg === 'EdDSA') {
      const publicKey = publicKeyOf(key, 'ed25519');
      return !!publicKey && nodeCrypto.verify(null, signed, publicKey, signature);
    }
    if (!hash || !TOKEN_ALGORITHMS.has(alg)) return false;
    switch (family) {
      case 'HS': {
        if (!key || key.kind !== 'secret') return false;
        const expected = nodeCrypto.createHmac(hash, key.bytes).update(signed).digest();
        return expected.length === signature.length && nodeCrypto.timingSafeEqual(expected, signature);
      }
      case 'RS': {
        const publicKey = publicKeyOf(key, 'rsa');
        return !!publicKey && nodeCrypto.verify(hash, signed, publicKey, signature);
      }
      case 'PS': {
        const publicKey = publicKeyOf(key, 'rsa');
        if (!publicKey) return false;
        const options = { key: publicKey, padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: HASH_SIZE[hash] };
        return nodeCrypto.verify(hash, signed, options, signature);
      }
      case 'ES': {
        const publicKey = publicKeyOf(key, 'ec');
        if (!publicKey) return false;
        const size = CURVE_SIZE[publicKey.asymmetricKeyDetails?.namedCurve ?? ''];
        if (!size || signature.length !== 2 * size) return false;
        return nodeCrypto.verify(hash, signed, { key: publicKey, dsaEncoding: 'der' }, ecdsaDer(signature.subarray(0, size), signature.subarray(size)));
      }
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/** How the `io.jwt.verify_*` built-ins check one key: a fixed algorithm, whatever the header says. */
type FixedVerifier = (key: VerificationKey | undefined, signed: Uint8Array, signature: Uint8Array) => boolean;

function rsaVerifier(hash: HashName, pss: boolean): FixedVerifier {
  return (key, signed, signature) => {
    const publicKey = publicKeyOf(key, 'rsa');
    if (!publicKey) return false;
    try {
      // OPA passes no PSS options, so Go detects the salt length.
      const options = pss ? { key: publicKey, padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: nodeCrypto.constants.RSA_PSS_SALTLEN_AUTO } : publicKey;
      return nodeCrypto.verify(hash, signed, options, signature);
    } catch {
      return false;
    }
  };
}

/** OPA's `verifyES`: r and s are the two halves of the signature, whatever their length. */
function ecdsaVerifier(hash: HashName): FixedVerifier {
  return (key, signed, signature) => {
    const publicKey = publicKeyOf(key, 'ec');
    if (!publicKey) return false;
    const half = Math.floor(signature.length / 2);
    try {
      return nodeCrypto.verify(hash, signed, { key: publicKey, dsaEncoding: 'der' }, ecdsaDer(signature.subarray(0, half), signature.subarray(half)));
    } catch {
      return false;
    }
  };
}

const eddsaVerifier: FixedVerifier = (key, signed, signature) => {
  const publicKey = publicKeyOf(key, 'ed25519');
  if (!publicKey) return false;
  try {
    return nodeCrypto.verify(null, signed, publicKey, signature);
  } catch {
    return false;
  }
};

/**
 * OPA's `builtinJWTVerify`: a key whose `kid` matches the header's decides alone; otherwise any key
 * without an `alg`, or with the header's `alg`, may verify the token.
 */
function verifyWithKeys(args: Value[], verifier: FixedVerifier, context: BuiltinContext): boolean {
  const token = splitToken(args[0]);
  const keyText = expectString(args, 1);
  const keys = keysFromCertificateOrJwk(keyText);
  const signature = decodeSignature(token);
  const header = parseTokenHeader(decodeHeader(token, context));
  const signed = utf8Bytes(`${token.header}.${token.payload}`);
  if (header.kid !== '') {
    const match = keys.find((key) => key.kid === header.kid);
    if (match) return verifier(match.key, signed, signature);
  }
  return keys.some((key) => (key.alg === '' || key.alg === header.alg) && verifier(key.key, signed, signature));
}

function hmacVerify(args: Value[], hash: HashName): boolean {
  expectString(args, 0);
  const secret = expectString(args, 1);
  const token = splitToken(args[0]);
  const expected = nodeCrypto.createHmac(hash, Buffer.from(secret, 'utf8')).update(`${token.header}.${token.payload}`, 'utf8').digest();
  const signature = decodeSignature(token);
  return expected.length === signature.length && nodeCrypto.timingSafeEqual(expected, Buffer.from(signature));
}

// ---------------------------------------------------------------------------------------------
// decode_verify

interface Constraints {
  keys: TokenKey[] | undefined;
  secret: string;
  alg: string;
  iss: string;
  aud: string;
  /** Nanoseconds since the epoch, as a float like OPA's. */
  time: number;
}

function timeConstraint(value: Value): number {
  if (typeof value !== 'number' && typeof value !== 'bigint') throw new BuiltinError('token time constraint: must be a number');
  const time = Number(value);
  if (time < 0) throw new BuiltinError('token time constraint: must not be negative');
  return time;
}

/** OPA's `parseTokenConstraints` and `validate`. */
function parseConstraints(object: ObjectValue, context: BuiltinContext): Constraints {
  const constraints: Constraints = { keys: undefined, secret: '', alg: '', iss: '', aud: '', time: -1 };
  for (const [key, value] of object.entries()) {
    const name = String(key);
    switch (name) {
      case 'cert':
        if (typeof value !== 'string') throw new BuiltinError('cert constraint: must be a string');
        constraints.keys = keysFromCertificateOrJwk(value);
        break;
      case 'secret':
      case 'alg':
      case 'iss':
      case 'aud':
        if (typeof value !== 'string') throw new BuiltinError(`${name} constraint: must be a string`);
        constraints[name] = value;
        break;
      case 'time':
        constraints.time = timeConstraint(value);
        break;
      default:
        throw new BuiltinError(`unknown token validation constraint: ${name}`);
    }
  }
  if (constraints.time === -1) constraints.time = Number(context.nowNs());
  const keyConstraints = (constraints.keys ? 1 : 0) + (constraints.secret !== '' ? 1 : 0);
  if (keyConstraints > 1) throw new BuiltinError('duplicate key constraints');
  if (keyConstraints < 1) throw new BuiltinError('no key constraint');
  return constraints;
}

/** OPA's constraint check of the signature: asymmetric keys when given, else the secret. */
function constraintsVerify(constraints: Constraints, header: TokenHeader, token: EncodedToken, signature: Uint8Array): boolean {
  const signed = utf8Bytes(`${token.header}.${token.payload}`);
  if (constraints.keys) {
    if (header.kid !== '') {
      const match = constraints.keys.find((key) => key.kid === header.kid);
      if (match) return verifyWithAlgorithm(match.key, header.alg, signed, signature);
    }
    return constraints.keys.some((key) => (key.alg === '' || key.alg === header.alg) && verifyWithAlgorithm(key.key, header.alg, signed, signature));
  }
  return verifyWithAlgorithm({ kind: 'secret', bytes: utf8Bytes(constraints.secret) }, header.alg, signed, signature);
}

function audienceValid(audience: Value, expected: string): boolean {
  if (typeof audience === 'string') return audience === expected;
  if (!Array.isArray(audience)) return false;
  return audience.some((item) => typeof item === 'string' && item === expected);
}

const UNVERIFIED: Value = [false, new ObjectValue(), new ObjectValue()];

/** `io.jwt.decode_verify` as OPA's `builtinJWTDecodeVerify` runs it, without the token cache. */
function decodeVerify(args: Value[], context: BuiltinContext): Value {
  const constraintsObject = expectObject(args, 1);
  const constraints = parseConstraints(constraintsObject, context);
  let encoded: Value = args[0];
  let token: EncodedToken;
  let header: ObjectValue;
  let payloadText: string;
  for (;;) {
    token = splitToken(encoded);
    header = decodeHeader(token, context);
    const parsed = parseTokenHeader(header);
    if (!headerValid(parsed)) return UNVERIFIED;
    if (constraints.alg !== '' && constraints.alg !== parsed.alg) return UNVERIFIED;
    const signature = decodeSignature(token);
    if (!constraintsVerify(constraints, parsed, token, signature)) return UNVERIFIED;
    payloadText = decodePayloadText(token);
    // A nested token (RFC 7519 section 5.2) is verified in turn with the same constraints.
    if (parsed.cty.toUpperCase() === 'JWT') {
      encoded = payloadText;
      continue;
    }
    break;
  }
  const payload = jsonObject(payloadText, context);

  if (constraints.iss !== '') {
    // OPA assumes a string here (and fails on anything else); another type simply does not match.
    const issuer = payload.get('iss');
    if (typeof issuer !== 'string' || issuer !== constraints.iss) return UNVERIFIED;
  }
  const audience = payload.get('aud');
  if (audience !== undefined) {
    if (!audienceValid(audience, constraints.aud)) return UNVERIFIED;
  } else if (constraints.aud !== '') {
    return UNVERIFIED;
  }
  // exp and nbf are seconds; the time constraint is nanoseconds.
  const now = constraints.time / 1e9;
  const expiry = payload.get('exp');
  if (expiry !== undefined) {
    if (typeof expiry !== 'number' && typeof expiry !== 'bigint') throw new BuiltinError('exp value must be a number');
    if (compareNumbers(now, expiry) !== -1) return UNVERIFIED;
  }
  const notBefore = payload.get('nbf');
  if (notBefore !== undefined) {
    if (typeof notBefore !== 'number' && typeof notBefore !== 'bigint') throw new BuiltinError('nbf value must be a number');
    if (compareNumbers(now, notBefore) === -1) return UNVERIFIED;
  }
  return [true, header, payload];
}

// ---------------------------------------------------------------------------------------------
// Signing

/** A key for signing: an HMAC secret or a Node private key. */
type SigningKey = { kind: 'secret'; bytes: Uint8Array } | { kind: 'private'; key: nodeCrypto.KeyObject } | { kind: 'public' };

/** The first key of a JWK or JWK set, as OPA's encode built-ins take it. */
function signingKeyFrom(text: string): SigningKey {
  let members: ObjectValue[];
  try {
    members = jwkMembers(text);
  } catch (error) {
    throw new BuiltinError(`failed to parse JWK: ${(error as Error).message}`);
  }
  if (members.length === 0) throw new BuiltinError('no keys found in JWK set');
  const jwk = members[0];
  const type = jwk.get('kty');
  if (typeof type !== 'string') throw new BuiltinError('failed to parse JWK: invalid key: missing "kty"');
  if (type === 'oct') {
    const secret = jwk.get('k');
    if (typeof secret !== 'string') throw new BuiltinError('failed to parse JWK: invalid oct key: missing "k"');
    return { kind: 'secret', bytes: Buffer.from(secret, 'base64url') };
  }
  const record = jwkRecord(jwk);
  const hasPrivatePart = typeof record.d === 'string';
  try {
    if (!hasPrivatePart) {
      nodeCrypto.createPublicKey({ key: record as nodeCrypto.JsonWebKey, format: 'jwk' });
      return { kind: 'public' };
    }
    return { kind: 'private', key: nodeCrypto.createPrivateKey({ key: record as nodeCrypto.JsonWebKey, format: 'jwk' }) };
  } catch (error) {
    throw new BuiltinError(`failed to parse JWK: ${(error as Error).message}`);
  }
}

function privateKeyOf(key: SigningKey, type: string, alg: string): nodeCrypto.KeyObject {
  if (key.kind === 'private' && key.key.asymmetricKeyType === type) return key.key;
  throw new BuiltinError(`failed to sign with ${alg}: the key is not an ${type === 'ec' ? 'ECDSA' : type === 'rsa' ? 'RSA' : 'Ed25519'} private key`);
}

function sign(key: SigningKey, alg: string, data: Uint8Array): Uint8Array {
  const hash = HASH_BY_SUFFIX[alg.slice(2)];
  switch (alg.slice(0, 2)) {
    case 'HS':
      if (key.kind !== 'secret') throw new BuiltinError(`failed to sign with ${alg}: the key is not a symmetric (oct) key`);
      return nodeCrypto.createHmac(hash, key.bytes).update(data).digest();
    case 'RS':
      return nodeCrypto.sign(hash, data, privateKeyOf(key, 'rsa', alg));
    case 'PS':
      return nodeCrypto.sign(hash, data, {
        key: privateKeyOf(key, 'rsa', alg),
        padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING,
        saltLength: HASH_SIZE[hash],
      });
    case 'ES':
      return nodeCrypto.sign(hash, data, { key: privateKeyOf(key, 'ec', alg), dsaEncoding: 'ieee-p1363' });
    default:
      return nodeCrypto.sign(null, data, privateKeyOf(key, 'ed25519', alg));
  }
}

/** The `alg` and `typ` members of a header as OPA's JWS library reads them. */
function headerMembers(headerText: string): { alg: string; typ: string } {
  if (headerText.trim() === '') {
    throw new BuiltinError("missing or invalid 'alg' header: cannot parse JSON: cannot parse empty string");
  }
  const error = jsonTextError(headerText);
  if (error) throw new BuiltinError(`missing or invalid 'alg' header: ${error}`);
  const header = parseJSON(headerText);
  const member = (name: string): string => {
    const value = header instanceof ObjectValue ? header.get(name) : undefined;
    return typeof value === 'string' ? value : '';
  };
  return { alg: member('alg'), typ: member('typ') };
}

/** OPA's `commonBuiltinJWTEncodeSign`: key first, then the header's algorithm, then the payload. */
function encodeSign(headerText: string, payloadText: string, keyText: string): string {
  const key = signingKeyFrom(keyText);
  const { alg, typ } = headerMembers(headerText);
  if (alg === '') throw new BuiltinError("unsupported signature algorithm: the header has no 'alg'");
  if (!TOKEN_ALGORITHMS.has(alg)) throw new BuiltinError(`unknown JWS algorithm: ${alg}`);
  if (typ === 'JWT' && !isValidJson(payloadText)) throw new BuiltinError('type is JWT but payload is not JSON');
  const signingInput = `${base64UrlNoPad(utf8Bytes(headerText))}.${base64UrlNoPad(utf8Bytes(payloadText))}`;
  const signature = sign(key, alg, utf8Bytes(signingInput));
  return `${signingInput}.${base64UrlNoPad(signature)}`;
}

// ---------------------------------------------------------------------------------------------
// The built-ins

const TOKEN_PARAM = { name: 'jwt', type: T.string, description: 'The token in JWS compact serialization.' };
const CERTIFICATE_PARAM = {
  name: 'certificate',
  type: T.string,
  description: 'The verification key: a PEM certificate or public key, a JWK, or a JWK set.',
};
const VALID_RESULT = { name: 'result', type: T.boolean, description: 'Whether the signature is valid.' };

function verifyBuiltin(name: string, label: string, verifier: FixedVerifier): Builtin {
  return {
    name,
    params: [TOKEN_PARAM, CERTIFICATE_PARAM],
    result: VALID_RESULT,
    description: `Checks the ${label} signature of a token. Claims such as exp are not checked.`,
    categories: ['tokens'],
    impl(args, context) {
      return verifyWithKeys(args, verifier, context);
    },
  };
}

function hmacBuiltin(name: string, label: string, hash: HashName): Builtin {
  return {
    name,
    params: [TOKEN_PARAM, { name: 'secret', type: T.string, description: 'The shared secret.' }],
    result: VALID_RESULT,
    description: `Checks the ${label} signature of a token with a shared secret. Claims are not checked.`,
    categories: ['tokens'],
    impl(args) {
      return hmacVerify(args, hash);
    },
  };
}

const ANY_OBJECT = T.object(T.any, T.any);
const STRING_KEYED_OBJECT = T.object(T.string, T.any);

export const builtins: Builtin[] = [
  {
    name: 'io.jwt.decode',
    params: [TOKEN_PARAM],
    result: {
      name: 'output',
      type: T.tuple(ANY_OBJECT, ANY_OBJECT, T.string),
      description: 'The header, the payload and the signature in hexadecimal.',
    },
    description: 'Splits a token into its header, payload and signature without checking the signature.',
    categories: ['tokens'],
    impl(args, context) {
      return decodeToken(args[0], context);
    },
  },
  {
    name: 'io.jwt.decode_verify',
    params: [
      TOKEN_PARAM,
      {
        name: 'constraints',
        type: STRING_KEYED_OBJECT,
        description: 'The key (cert or secret) and optional alg, iss, aud and time (nanoseconds) to check against.',
      },
    ],
    result: {
      name: 'output',
      type: T.tuple(T.boolean, ANY_OBJECT, ANY_OBJECT),
      description: 'Whether the token is valid, then its header and payload (both empty when it is not).',
    },
    description: 'Decodes a token and checks its signature and its iss, aud, exp and nbf claims.',
    categories: ['tokens'],
    nondeterministic: true,
    impl(args, context) {
      return decodeVerify(args, context);
    },
  },
  {
    name: 'io.jwt.encode_sign',
    params: [
      { name: 'headers', type: STRING_KEYED_OBJECT, description: 'The JOSE header; alg chooses the algorithm.' },
      { name: 'payload', type: STRING_KEYED_OBJECT, description: 'The claims.' },
      { name: 'key', type: STRING_KEYED_OBJECT, description: 'The signing key as a JWK.' },
    ],
    result: { name: 'output', type: T.string, description: 'The signed token.' },
    description: 'Builds and signs a token from a header, claims and a JWK.',
    categories: ['tokensign'],
    nondeterministic: true,
    impl(args) {
      const headers = expectObject(args, 0);
      const payload = expectObject(args, 1);
      const key = expectObject(args, 2);
      return encodeSign(goJson(headers), goJson(payload), goJson(key));
    },
  },
  {
    name: 'io.jwt.encode_sign_raw',
    params: [
      { name: 'headers', type: T.string, description: 'The JOSE header as JSON text.' },
      { name: 'payload', type: T.string, description: 'The payload text, signed as given.' },
      { name: 'key', type: T.string, description: 'The signing key as JWK text.' },
    ],
    result: { name: 'output', type: T.string, description: 'The signed token.' },
    description: 'Signs a token whose header, payload and key are given as text.',
    categories: ['tokensign'],
    nondeterministic: true,
    impl(args) {
      const key = expectString(args, 2);
      const headers = expectString(args, 0);
      const payload = expectString(args, 1);
      return encodeSign(headers, payload, key);
    },
  },
  verifyBuiltin('io.jwt.verify_rs256', 'RS256 (RSA PKCS #1 v1.5 with SHA-256)', rsaVerifier('sha256', false)),
  verifyBuiltin('io.jwt.verify_rs384', 'RS384 (RSA PKCS #1 v1.5 with SHA-384)', rsaVerifier('sha384', false)),
  verifyBuiltin('io.jwt.verify_rs512', 'RS512 (RSA PKCS #1 v1.5 with SHA-512)', rsaVerifier('sha512', false)),
  verifyBuiltin('io.jwt.verify_ps256', 'PS256 (RSA-PSS with SHA-256)', rsaVerifier('sha256', true)),
  verifyBuiltin('io.jwt.verify_ps384', 'PS384 (RSA-PSS with SHA-384)', rsaVerifier('sha384', true)),
  verifyBuiltin('io.jwt.verify_ps512', 'PS512 (RSA-PSS with SHA-512)', rsaVerifier('sha512', true)),
  verifyBuiltin('io.jwt.verify_es256', 'ES256 (ECDSA with SHA-256)', ecdsaVerifier('sha256')),
  verifyBuiltin('io.jwt.verify_es384', 'ES384 (ECDSA with SHA-384)', ecdsaVerifier('sha384')),
  verifyBuiltin('io.jwt.verify_es512', 'ES512 (ECDSA with SHA-512)', ecdsaVerifier('sha512')),
  verifyBuiltin('io.jwt.verify_eddsa', 'EdDSA (Ed25519)', eddsaVerifier),
  hmacBuiltin('io.jwt.verify_hs256', 'HS256 (HMAC with SHA-256)', 'sha256'),
  hmacBuiltin('io.jwt.verify_hs384', 'HS384 (HMAC with SHA-384)', 'sha384'),
  hmacBuiltin('io.jwt.verify_hs512', 'HS512 (HMAC with SHA-512)', 'sha512'),
];
