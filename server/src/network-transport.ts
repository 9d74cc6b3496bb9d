/**
 * Synchronous network access for the command-line tool when `--allow-net` is given: the evaluator is
 * synchronous, so each request runs in a short-lived Node process (the same executable, never another
 * program) and its answer is read back. The language server does not use this.
 */
import { spawnSync } from 'node:child_process';
import type { Environment } from './builtins/declaration';
import { ObjectValue, fromJS, parseJSON, toJS, type Value } from './value/value';

const FETCH_SCRIPT = `
let input = '';
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', async () => {
  const request = JSON.parse(input);
  try {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), request.timeoutMs);
    const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, redirect: request.redirect ? 'follow' : 'manual', signal: controller.signal });
    clearTimeout(timer);
    const text = await response.text();
    const headers = {};
    response.headers.forEach((value, key) => { headers[key] = [value]; });
    process.stdout.write(JSON.stringify({ status: response.status + ' ' + response.statusText, status_code: response.status, headers, raw_body: text }));
  } catch (error) {
    process.stdout.write(JSON.stringify({ error: String(error && error.message || error) }));
  }
});
`;

const LOOKUP_SCRIPT = `
require('node:dns').lookup(process.argv[1], { all: true }, (error, addresses) => {
  process.stdout.write(JSON.stringify(error ? { error: error.message } : { addresses: addresses.map((entry) => entry.address) }));
});
`;

function run(script: string, args: string[], input: string, timeoutMs: number): Record<string, unknown> {
  const result = spawnSync(process.execPath, ['-e', script, ...args], { input, encoding: 'utf8', timeout: timeoutMs + 1000 });
  if (result.error || result.status !== 0) throw new Error(result.error?.message ?? `request failed: ${result.stderr.trim()}`);
  const answer = JSON.parse(result.stdout) as Record<string, unknown>;
  if (typeof answer.error === 'string') throw new Error(answer.error);
  return answer;
}

export function networkEnvironment(base: Environment): Environment {
  return {
    ...base,
    httpSend(request: Value): Value {
      const fields = toJS(request) as Record<string, unknown>;
      const headers = (fields.headers ?? {}) as Record<string, string>;
      let body = typeof fields.raw_body === 'string' ? fields.raw_body : undefined;
      if (body === undefined && fields.body !== undefined) {
        body = JSON.stringify(fields.body);
        headers['content-type'] ??= 'application/json';
      }
      const timeoutMs = typeof fields.timeout === 'string' ? parseInt(fields.timeout, 10) * (fields.timeout.endsWith('ms') ? 1 : 1000) || 5000 : 5000;
      const answer = run(FETCH_SCRIPT, [], JSON.stringify({ url: fields.url, method: String(fields.method).toUpperCase(), headers, body, redirect: fields.enable_redirect === true, timeoutMs }), timeoutMs);
      const response = fromJS(answer) as ObjectValue;
      const raw = String(answer.raw_body ?? '');
      let decoded: Value | undefined;
      try {
        decoded = parseJSON(raw);
      } catch {
        decoded = undefined;
      }
      const result = ObjectValue.from(response.entries());
      if (decoded !== undefined) result.set('body', decoded);
      return result;
    },
    lookupIpAddr(name: string): string[] {
      return run(LOOKUP_SCRIPT, [name], '', 5000).addresses as string[];
    },
  };
}
