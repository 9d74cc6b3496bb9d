// The built-in list as a whole: every built-in of OPA's catalogue is declared once, typed exactly as
// OPA types it, with descriptions of our own; `capabilities` exports it in OPA's shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTINS } from '../../server/src/builtins/index';
import { ensureBuilt, projectRoot } from '../support/build';

const cataloguePath = join(projectRoot, '..', 'shared', 'opa-builtins.json');

/** JSON with object keys sorted, so declarations compare regardless of key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, entry) =>
    entry && typeof entry === 'object' && !Array.isArray(entry) ? Object.fromEntries(Object.entries(entry).sort(([a], [b]) => (a < b ? -1 : 1))) : entry,
  );
}

test('every built-in is declared once, with a description for it and each parameter', () => {
  const names = BUILTINS.map((builtin) => builtin.name);
  assert.deepEqual(names.filter((name, index) => names.indexOf(name) !== index), []);
  for (const builtin of BUILTINS) {
    assert.ok(builtin.description.length > 20, `${builtin.name} has a description`);
    for (const param of builtin.params) assert.ok(param.description.length > 3, `${builtin.name}(${param.name}) has a description`);
  }
});

test('capabilities lists every built-in of OPA with the same declaration', { skip: !existsSync(cataloguePath) && 'OPA catalogue not found' }, async () => {
  const cli = join(projectRoot, 'dist', 'cli.js');
  await ensureBuilt([cli]);
  const run = spawnSync(process.execPath, [cli, 'capabilities'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const ours = new Map((JSON.parse(run.stdout).builtins as { name: string; decl: unknown; infix?: string }[]).map((entry) => [entry.name, entry]));
  const catalogue = JSON.parse(readFileSync(cataloguePath, 'utf8')).builtins as { name: string; decl: unknown; infix?: string }[];
  const missing = catalogue.filter((entry) => !ours.has(entry.name)).map((entry) => entry.name);
  assert.deepEqual(missing, [], 'every OPA built-in is declared');
  const different = catalogue
    .filter((entry) => canonical(ours.get(entry.name)?.decl) !== canonical(entry.decl) || ours.get(entry.name)?.infix !== entry.infix)
    .map((entry) => entry.name);
  assert.deepEqual(different, [], 'declarations match OPA\'s types, names and operators');
});
