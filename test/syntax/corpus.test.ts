// Parser corpora: every file in corpus/ok must parse without errors, every file in corpus/err must report
// errors; each file's tree dump and error list is compared with its snapshot (FILE.snap beside it).
// Run with UPDATE_SNAPSHOTS=1 to rewrite the snapshots after an intended change, then review the diff.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from '../../server/src/ast/parse';
import { dumpModule } from '../../server/src/ast/dump';
import { LineIndex } from '../../server/src/syntax/line-index';
import { RegoParser } from '../../server/src/syntax/parser';

const corpus = fileURLToPath(new URL('./corpus/', import.meta.url));
const update = process.env.UPDATE_SNAPSHOTS === '1';

function snapshot(file: string): string {
  const text = readFileSync(file, 'utf8');
  const version = file.includes('/v0') || file.includes('v0-syntax') ? 'v0' : 'v1';
  const { module, errors } = parse(text, { regoVersion: version });
  const lines = new LineIndex(text);
  const errorLines = errors.map((error) => {
    const start = lines.position(error.range.start);
    const end = lines.position(error.range.end);
    return `${start.line}:${start.column}-${end.line}:${end.column} ${error.message}`;
  });
  return `${dumpModule(module, text)}errors (${errors.length}):\n${errorLines.map((line) => `  ${line}\n`).join('')}`;
}

for (const kind of ['ok', 'err'] as const) {
  for (const name of readdirSync(join(corpus, kind)).filter((entry) => entry.endsWith('.rego')).sort()) {
    test(`corpus ${kind}/${name}`, () => {
      const file = join(corpus, kind, name);
      const actual = snapshot(file);
      const errorCount = Number(/errors \((\d+)\)/.exec(actual)![1]);
      if (kind === 'ok') assert.equal(errorCount, 0, `expected no errors:\n${actual}`);
      else assert.ok(errorCount > 0, `expected errors:\n${actual}`);
      const snapFile = `${file}.snap`;
      if (update || !existsSync(snapFile)) {
        writeFileSync(snapFile, actual);
        if (!update) assert.fail(`snapshot ${snapFile} was missing and has been written; review it and run again`);
        return;
      }
      assert.equal(actual, readFileSync(snapFile, 'utf8'));
    });
  }
}

test('the grammar passes chevrotain\'s validations (the product skips them at start-up)', () => {
  assert.doesNotThrow(() => new RegoParser(true));
});
