// Evaluation benchmarks: warm in-process evaluations with compiled modules cached between runs.
// RBAC over 1,000 users, roles and permissions in data; a scan of 500 resources against 50 deny
// rules; a query iterating a 10,000-element array. Prints numbers; asserts nothing.
import { Engine } from '../../server/src/eval/engine';
import { fromJS, type Value } from '../../server/src/value/value';

function stats(samples: number[]): { median: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p95: at(0.95) };
}

function bench(name: string, engine: Engine, query: string, input: Value | undefined, check: (value: unknown) => string): void {
  const run = () => engine.evaluate(query, { input, timeoutMs: 60_000 });
  const first = run();
  if (first.errors.length > 0) throw new Error(`${name}: ${first.errors.map((error) => error.message).join('; ')}`);
  for (let i = 0; i < 5; i++) run();
  const samples: number[] = [];
  let last = first;
  for (let i = 0; i < 30; i++) {
    const started = performance.now();
    last = run();
    samples.push(performance.now() - started);
  }
  const { median, p95 } = stats(samples);
  const summary = check(last.results[0]?.expressions[0]?.value);
  console.log(`${name}: median ${median.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms per evaluation (${summary})`);
}

// RBAC: 1,000 users, each with 2 of 100 roles; each role grants 10 of 1,000 permissions.
{
  const users: Record<string, string[]> = {};
  const roles: Record<string, { action: string; resource: string }[]> = {};
  for (let r = 0; r < 100; r++) roles[`role${r}`] = Array.from({ length: 10 }, (_, i) => ({ action: ['read', 'write', 'delete'][(r + i) % 3], resource: `resource${(r * 10 + i) % 1000}` }));
  for (let u = 0; u < 1000; u++) users[`user${u}`] = [`role${u % 100}`, `role${(u * 7) % 100}`];
  const engine = new Engine();
  engine.setModules([{
    file: 'rbac.rego',
    text: `package rbac

default allow := false

allow if {
	some role in data.users[input.user]
	some grant in data.roles[role]
	grant.action == input.action
	grant.resource == input.resource
}

user_permissions contains grant if {
	some role in data.users[input.user]
	some grant in data.roles[role]
}
`,
  }]);
  engine.setData(fromJS({ users, roles }));
  bench('rbac allow (1,000 users, 100 roles, 1,000 permissions)', engine, 'data.rbac.allow', fromJS({ user: 'user421', action: roles.role21[0].action, resource: roles.role21[0].resource }), (value) => `allow = ${String(value)}`);
}

// 500 resources against 50 deny rules.
{
  const rules = Array.from({ length: 50 }, (_, i) => `deny contains msg if {
	some resource in input.resources
	resource.kind == "kind${i % 10}"
	resource.size > ${i * 10}
	not resource.labels.owner
	msg := sprintf("rule ${i}: %s", [resource.name])
}`).join('\n\n');
  const resources = Array.from({ length: 500 }, (_, i) => ({ name: `res${i}`, kind: `kind${i % 10}`, size: i, labels: i % 3 === 0 ? { owner: 'team' } : {} }));
  const engine = new Engine();
  engine.setModules([{ file: 'deny.rego', text: `package scan\n\n${rules}\n` }]);
  bench('scan 500 resources x 50 deny rules', engine, 'data.scan.deny', fromJS({ resources }), (value) => `${(value as { size: number }).size} denials`);
}

// Iterating a 10,000-element array.
{
  const engine = new Engine();
  engine.setModules([{ file: 'iterate.rego', text: 'package iterate\n\ntotal := count([x | some x in input.items; x.value % 2 == 0])\n' }]);
  const items = Array.from({ length: 10_000 }, (_, i) => ({ id: i, value: i }));
  bench('iterate 10,000-element array', engine, 'data.iterate.total', fromJS({ items }), (value) => `total = ${String(value)}`);
}
