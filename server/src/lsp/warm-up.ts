/**
 * Runs every editor feature a few times over a small sample policy while the server is idle after
 * start-up. Until JavaScript code has run a few times it runs several times slower, and without this
 * the first keystroke, hover or completion in a large file pays for it.
 */
import { lintModule, type LintCache } from '../analysis/lint';
import { RuleCache } from '../analysis/rule-cache';
import { ModuleParser } from '../ast/parse';
import { Engine } from '../eval/engine';
import { completions } from '../ide/completion';
import { hover } from '../ide/hover';
import { documentHighlights } from '../ide/navigation';
import { signatureHelp } from '../ide/signature-help';
import { snapshotOf } from '../ide/snapshot';
import { symbolIndex } from '../ide/symbols';

const SAMPLE = `package warmup.sample

import data.warmup.lib

# METADATA
# title: Allowed
default allow := false

allow if {
	some user in input.users
	user.role == "admin"
	count([group | some group in user.groups; startswith(group, "team-")]) > 0
	not deny[user.name]
}

deny contains name if {
	some name, limit in lib.limits
	input.request.size > limit
	msg := sprintf("%v too large", [name])
	print(msg)
}

limits := {"max": 3, "names": ["a", "b"], "nested": {"x": [1, {"y": true}]}}

double(x) := x * 2

every_positive if every n in input.numbers { n > 0 }

scores[name] := score if {
	some entry in input.entries
	name := entry.name
	score := double(entry.value)
} else := 0
`;

const LIBRARY = 'package warmup.lib\n\nlimits := {"a": 1, "b": 2}\n';

export function warmUp(rounds = 12): void {
  const parser = new ModuleParser();
  const engine = new Engine({ regoVersion: 'v1' });
  const lintCache: LintCache = new RuleCache();
  const library = new ModuleParser().parse(LIBRARY);
  for (let round = 0; round < rounds; round++) {
    // An edit in the middle: the incremental parser, the rule cache and every feature see a changed text.
    const text = round % 2 === 0 ? SAMPLE : SAMPLE.replace('user.role == "admin"', 'user.role == "admin" ');
    const parsed = parser.parse(text);
    engine.setModules([
      { file: '/warmup/sample.rego', text, parsed },
      { file: '/warmup/lib.rego', text: LIBRARY, parsed: library },
    ]);
    engine.compileErrors(['/warmup/sample.rego']);
    lintModule(parsed.module, new Set(), { text, cache: lintCache });
    const snapshot = snapshotOf(engine.modules(), { input: undefined });
    symbolIndex(snapshot).module('/warmup/sample.rego');
    for (const marker of ['user.role', 'count(', 'lib.limits', 'double(entry', 'deny[']) {
      const offset = text.indexOf(marker) + Math.min(3, marker.length - 1);
      hover(snapshot, '/warmup/sample.rego', offset);
      completions(snapshot, '/warmup/sample.rego', offset);
      signatureHelp(snapshot, '/warmup/sample.rego', offset);
      documentHighlights(snapshot, '/warmup/sample.rego', offset);
    }
  }
}
