// The playground's wire and files: messages from the page are read defensively, saved playgrounds
// load back, and the copied command lines, run in a shell, give what the playground showed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_TEXT_LENGTH, playgroundCommandLines, playgroundFile, readPageMessage, readPlaygroundFile, type PlaygroundState } from '../../server/src/playground-protocol';
import { evaluatePlayground } from '../../server/src/ide/playground';
import { ensureBuilt, projectRoot } from '../support/build';

// The query is left empty: the command must evaluate the package too, as the playground does.
const STATE: PlaygroundState = {
  policy: "package app\n\nimport rego.v1\n\nallow if {\n\tinput.user.role == \"admin\"\n\tinput.user.name != \"o'brien\"\n}\n\nlimit := data.limits.max\n",
  input: '{"user": {"role": "admin", "name": "amy"}}',
  data: 'limits:\n  max: 3\n',
  query: '',
};

test('page messages are kept only when well formed', () => {
  assert.deepEqual(readPageMessage({ type: 'evaluate', id: 3, state: STATE }), { type: 'evaluate', id: 3, state: STATE });
  assert.deepEqual(readPageMessage({ type: 'ready', extra: 'ignored' }), { type: 'ready' });
  for (const bad of [null, 'ready', { type: 'run' }, { type: 'evaluate', id: '3', state: STATE }, { type: 'evaluate', id: 1.5, state: STATE }, { type: 'changed', state: { ...STATE, query: 1 } }, { type: 'saveInput' }, { type: 'applyPolicy', state: { ...STATE, policy: 'x'.repeat(MAX_TEXT_LENGTH + 1) } }]) {
    assert.equal(readPageMessage(bad), undefined, JSON.stringify(bad).slice(0, 80));
  }
});

test('a saved playground loads back, and other JSON is refused with a reason', () => {
  assert.deepEqual(readPlaygroundFile(JSON.stringify(playgroundFile(STATE))), STATE);
  assert.match((readPlaygroundFile('{"policy": "package p"}') as { error: string }).error, /rego-lens-playground/);
  assert.match((readPlaygroundFile('{oops') as { error: string }).error, /not JSON/);
  assert.match((readPlaygroundFile('{"format": "rego-lens-playground", "policy": 1}') as { error: string }).error, /must be texts/);
});

test('the copied command lines load the folder\'s other modules too, quoted for the shell', () => {
  const lines = playgroundCommandLines(STATE, ["/work/it's/lib.rego"]);
  assert.match(lines, /^node dist\/cli\.js eval -d "\$dir\/policy\.rego" -d '\/work\/it'\\''s\/lib\.rego' /m);
});

test('the copied command lines give what the playground shows', async () => {
  await ensureBuilt([join(projectRoot, 'dist', 'cli.js')]);
  const folder = mkdtempSync(join(tmpdir(), 'rego-lens-playground-cli-'));
  try {
    const script = playgroundCommandLines(STATE)
      .split('\n')
      .filter((line) => !line.startsWith('opa eval'))
      .join('\n')
      .replace('node dist/cli.js', `node ${JSON.stringify(join(projectRoot, 'dist', 'cli.js'))}`);
    const run = spawnSync('bash', ['-c', script], { cwd: folder, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const printed = JSON.parse(run.stdout) as { result: { expressions: { value: unknown }[] }[] };
    const shown = evaluatePlayground(STATE);
    assert.deepEqual(printed.result[0].expressions[0].value, shown.results[0].expressions[0].value);
    assert.deepEqual(shown.results[0].expressions[0].value, { allow: true, limit: 3 });
    // The lines write into a folder of their own, not the current one.
    assert.deepEqual(readdirSync(folder), []);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
