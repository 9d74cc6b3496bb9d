/**
 * Built-ins that reach outside the policy: `http.send`, `net.lookup_ip_addr` and `opa.runtime`. The
 * engine never does I/O itself: these go through the injected environment, which has no network
 * functions unless the user turned network access on. Requests are checked before that, so a
 * malformed request reads the same with and without network access.
 */
import { ObjectValue, SetValue, typeOf, type Value } from '../value/value.js';
import { BuiltinError, T, expectObject, expectString, type Builtin } from './declaration.js';

const REQUEST_KEYS = new Set([
  'method', 'url', 'body', 'enable_redirect', 'force_json_decode', 'force_yaml_decode', 'headers', 'raw_body',
  'tls_use_system_certs', 'tls_ca_cert', 'tls_ca_cert_file', 'tls_ca_cert_env_variable', 'tls_client_cert',
  'tls_client_cert_file', 'tls_client_cert_env_variable', 'tls_client_key', 'tls_client_key_file',
  'tls_client_key_env_variable', 'tls_insecure_skip_verify', 'tls_server_name', 'timeout', 'cache',
  'force_cache', 'force_cache_duration_seconds', 'raise_error', 'caching_mode', 'max_retry_attempts',
  'cache_ignored_headers',
]);
const REQUIRED_KEYS = ['method', 'url'];

const NETWORK_OFF = 'network access is disabled: turn on the rego.evaluation.allowNetwork setting (or pass --allow-net to the command-line tool) to use it';

function isIpLiteral(name: string): boolean {
  return /^(\d{1,3}\.){3}\d{1,3}$/.test(name) || (name.includes(':') && /^[0-9a-fA-F:.]+$/.test(name));
}

export const builtins: Builtin[] = [
  {
    name: 'http.send',
    params: [{ name: 'request', type: T.object(T.string, T.any), description: 'the request: at least `method` and `url`, optionally `headers`, `body`, `raw_body`, `timeout` and TLS and caching options' }],
    result: { name: 'response', type: T.object(T.any, T.any), description: 'the response: `status_code`, `headers`, `body` (decoded JSON) and `raw_body`' },
    description: 'Sends an HTTP request and returns the response. It needs network access, which is off unless you turn it on.',
    categories: ['http'],
    nondeterministic: true,
    impl: (args, context) => {
      const request = expectObject(args, 0);
      const keys = request.keys().map(String);
      const unknown = keys.filter((key) => !REQUEST_KEYS.has(key));
      if (unknown.length > 0) throw new BuiltinError(`operand 1 invalid request parameters(s): {${unknown.map((key) => JSON.stringify(key)).join(', ')}}`, 'eval_type_error');
      const missing = REQUIRED_KEYS.filter((key) => !request.has(key));
      if (missing.length > 0) throw new BuiltinError(`operand 1 missing required request parameters(s): {${missing.map((key) => JSON.stringify(key)).join(', ')}}`, 'eval_type_error');
      const send = context.environment.httpSend;
      if (!send) throw new BuiltinError(NETWORK_OFF);
      const response = send(request);
      if (response instanceof Promise) throw new BuiltinError('the environment answered asynchronously; http.send needs a synchronous transport');
      return response;
    },
  },
  {
    name: 'net.lookup_ip_addr',
    params: [{ name: 'name', type: T.string, description: 'a host name, or an IP address' }],
    result: { name: 'addrs', type: T.set(T.string), description: 'the IPv4 and IPv6 addresses the name resolves to' },
    description: 'Resolves a host name to its IP addresses. IP addresses and `localhost` resolve without the network; other names need network access.',
    categories: ['net'],
    nondeterministic: true,
    impl: (args, context) => {
      const name = expectString(args, 0);
      if (isIpLiteral(name)) return SetValue.from([name]);
      if (name === 'localhost') return SetValue.from(['127.0.0.1', '::1']);
      const lookup = context.environment.lookupIpAddr;
      if (!lookup) throw new BuiltinError(NETWORK_OFF);
      const addresses = lookup(name);
      if (addresses instanceof Promise) throw new BuiltinError('the environment answered asynchronously; net.lookup_ip_addr needs a synchronous resolver');
      return SetValue.from(addresses);
    },
  },
  {
    name: 'opa.runtime',
    params: [],
    result: { name: 'output', type: T.object(T.string, T.any), description: 'facts about the running engine: its version and environment' },
    description: 'Returns facts about the program running the policy (its version, environment, configuration); an empty object when the host provides none.',
    categories: ['opa'],
    nondeterministic: true,
    impl: (_args, context) => {
      const runtime = context.environment.runtime?.();
      if (runtime !== undefined && typeOf(runtime) === 'object') return runtime as Value;
      // Without a host that describes itself, OPA's answer is an empty object too.
      return new ObjectValue();
    },
  },
];
