/** Generates a realistic Rego v1 policy of about `lines` lines, for benchmarks. */
export function generatePolicy(lines: number): string {
  const out = ['package bench.generated', '', 'import rego.v1', ''];
  let i = 0;
  while (out.length < lines) {
    out.push(`# Rule number ${i}.`);
    out.push(`allow_${i} if {`);
    out.push(`  some user in input.users`);
    out.push(`  user.role == "admin_${i % 7}"`);
    out.push(`  count([x | some x in user.groups; startswith(x, "team-")]) > ${i % 5}`);
    out.push(`  not deny_${i}`);
    out.push(`}`);
    out.push(`deny_${i} contains msg if {`);
    out.push(`  input.request.size > ${i * 10}`);
    out.push(`  msg := sprintf("request %v too large", [input.request.id])`);
    out.push(`}`);
    out.push(`limits_${i} := {"max": ${i}, "names": ["a", "b", "c"], "nested": {"x": [1, 2, {"y": true}]}}`);
    out.push('');
    i++;
  }
  return out.join('\n') + '\n';
}
