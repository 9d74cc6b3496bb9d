// The formatter: policies already laid out as `opa fmt` lays them out come back unchanged (the corpus in
// formatting/, where `*.v0.rego` files are v0 syntax), messy ones come back as opa fmt would print them,
// and across OPA's conformance modules and a set of real-world policies formatting never changes what a
// module means and is idempotent.
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { parse } from '../../server/src/ast/parse';
import type { Module } from '../../server/src/ast/nodes';
import { formatModule } from '../../server/src/ide/formatting';

const corpus = fileURLToPath(new URL('./formatting/', import.meta.url));
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const conformanceDir = join(projectRoot, '..', 'shared', 'opa-conformance', 'v1');
const realWorldDir = join(projectRoot, '..', 'realworld-rego');

function format(text: string, regoVersion: 'v0' | 'v1' = 'v1'): string {
  const result = formatModule(text, { regoVersion });
  if ('error' in result) assert.fail(`formatting failed: ${result.error}`);
  return result.text;
}

describe('formatting: the corpus is formatted already', () => {
  for (const name of readdirSync(corpus).filter((entry) => entry.endsWith('.rego')).sort()) {
    it(name, () => {
      const text = readFileSync(join(corpus, name), 'utf8');
      const regoVersion = name.endsWith('.v0.rego') ? 'v0' : 'v1';
      assert.equal(parse(text, { regoVersion }).errors.length, 0, 'the corpus file parses');
      assert.equal(format(text, regoVersion), text);
    });
  }
});

/** Messy input and what opa fmt makes of it. */
const cases: { name: string; input: string; output: string; regoVersion?: 'v0' | 'v1' }[] = [
  {
    name: 'indentation, spacing and blank lines',
    input: 'package  p\nimport rego.v1\nallow   if {\n    input.x==1\n      y:=input.y+2\n\n\n\n    y>3}\n\n\n\nq:=1\n',
    output: 'package p\n\nimport rego.v1\n\nallow if {\n\tinput.x == 1\n\ty := input.y + 2\n\n\ty > 3\n}\n\nq := 1\n',
  },
  {
    name: 'a one-expression body written on the head line stays there',
    input: 'package p\n\nallow if { input.admin }\n\ndeny contains "x" if {input.bad}\n',
    output: 'package p\n\nallow if input.admin\n\ndeny contains "x" if input.bad\n',
  },
  {
    name: 'one-line rules on consecutive lines stay grouped, others get a blank line',
    input: 'package p\na := 1\nb := 2\nc if {\n\ttrue\n\tfalse\n}\nd := 4\n',
    output: 'package p\n\na := 1\nb := 2\n\nc if {\n\ttrue\n\tfalse\n}\n\nd := 4\n',
  },
  {
    name: '= becomes := in rule heads, and `:= true` is implied by if',
    input: 'package p\n\nx = 1\n\ny := true if input.y\n\nf(a) = a + 1\n',
    output: 'package p\n\nx := 1\n\ny if input.y\n\nf(a) := a + 1\n',
  },
  {
    name: 'a body of just true is dropped',
    input: 'package p\n\np if true\n\nf(x) if { true }\n\nq := 2 if { true }\n',
    output: 'package p\n\np := true\n\nf(x)\n\nq := 2\n',
  },
  {
    name: 'imports are sorted within groups; rego.v1 makes future.keywords imports redundant',
    input: 'package p\nimport input.b\nimport data.z\nimport data.a as alias\n\nimport future.keywords.in\nimport rego.v1\n\nx := 1\n',
    output: 'package p\n\nimport data.a as alias\nimport data.z\nimport input.b\n\nimport rego.v1\n\nx := 1\n',
  },
  {
    name: 'ref parts print with dots when they can, and operator built-ins as operators',
    input: 'package p\n\nx := input["a"]["b-c"][0]\n\ny := plus(1, mul(2, 3))\n\nz := internal.member_2(1, [1])\n',
    output: 'package p\n\nx := input.a["b-c"][0]\n\ny := 1 + (2 * 3)\n\nz := 1 in [1]\n',
  },
  {
    name: 'unary minus on references and calls prints as written',
    input: 'package p\n\nx := -input.n\n\ny := [-x, 2 - -x,-count([1])]\n',
    output: 'package p\n\nx := -input.n\n\ny := [-x, 2 - -x, -count([1])]\n',
  },
  {
    name: 'collections split over lines get one line per source line and trailing commas',
    input: 'package p\n\nx := [1, 2,\n3]\n\ny := {"a": 1,\n  "b": [1,\n 2]}\n\nz := {1, 2, 3}\n',
    output: 'package p\n\nx := [\n\t1, 2,\n\t3,\n]\n\ny := {\n\t"a": 1,\n\t"b": [\n\t\t1,\n\t\t2,\n\t],\n}\n\nz := {1, 2, 3}\n',
  },
  {
    name: 'comprehensions, some, every and with',
    input: 'package p\n\nr if {\n  xs := [x|some x in input.xs]\n  every x in xs {x>0}\n  allow with input as {}   with data.x as 1\n}\n\nm := {k:v|some k,v in input.o}\n',
    output: 'package p\n\nr if {\n\txs := [x | some x in input.xs]\n\tevery x in xs { x > 0 }\n\tallow with input as {} with data.x as 1\n}\n\nm := {k: v | some k, v in input.o}\n',
  },
  {
    name: 'comments keep their lines; trailing whitespace in comments goes',
    input: 'package p   \n# about x   \nx := 1 # end of line   \n\n\n# last\n',
    output: 'package p\n\n# about x\nx := 1 # end of line\n\n# last\n',
  },
  {
    name: 'else chains: inline else stays inline, an else on its own line gets a blank line',
    input: 'package p\n\nf(x) := 1 if {\n  x > 1\n} else := 2 if {\n  x > 0\n}\n\ng := 1 if input.a\nelse := 2\n',
    output: 'package p\n\nf(x) := 1 if {\n\tx > 1\n} else := 2 if {\n\tx > 0\n}\n\ng := 1 if input.a\n\nelse := 2\n',
  },
  {
    name: 'a set union leading a body keeps its parentheses',
    input: 'package p\n\nr if {\n\t(input.a | input.b)\n\tinput.c\n}\n',
    output: 'package p\n\nr if {\n\t(input.a | input.b)\n\tinput.c\n}\n',
  },
  {
    name: 'a one-line collection with a comment inside is kept as written',
    input: 'package p\n\nx := [1,   2,\n  # two\n]\n',
    output: 'package p\n\nx := [1,   2,\n  # two\n]\n',
  },
  {
    name: 'so is one whose elements start below the bracket, if a comment sits among them',
    input: 'package p\n\nx := [\n    1, 2, # two\n]\n',
    output: 'package p\n\nx := [\n    1, 2, # two\n]\n',
  },
  {
    name: 'template strings: constants in braces become text, expressions stay',
    input: 'package p\n\ns := $"{"a"} and {input.b} { 1 }"\n',
    output: 'package p\n\ns := $"a and {input.b} 1"\n',
  },
  {
    name: 'keywords in refs keep the brackets they were written with',
    input: 'package p\n\ny := input["if"].else\n',
    output: 'package p\n\ny := input["if"].else\n',
  },
  {
    name: 'operators nested in operators get parentheses, and never change grouping',
    input: 'package p\n\nr if {\n\tx := 1 + 2 * 3\n\ta == (b == c)\n\t(a in b) == c\n\tplus(1, 2, z)\n}\n',
    output: 'package p\n\nr if {\n\tx := 1 + (2 * 3)\n\ta == (b == c)\n\t(a in b) == c\n\tz = 1 + 2\n}\n',
  },
  {
    name: 'v0 stays v0',
    regoVersion: 'v0',
    input: 'package p\nallow {\n  input.x\n}\ndeny[msg] { msg := "no" }\ndefault d = 1\n',
    output: 'package p\n\nallow {\n\tinput.x\n}\n\ndeny[msg] {\n\tmsg := "no"\n}\n\ndefault d = 1\n',
  },
  {
    name: 'v0 chained bodies become rules of their own, keeping the comments inside them',
    regoVersion: 'v0',
    input: 'package p\n\nviolation[{"msg": msg}] {\n  input.a\n  msg := "x"\n} {\n  # why\n  input.b\n  msg := "y"\n}\n',
    output: 'package p\n\nviolation[{"msg": msg}] {\n\tinput.a\n\tmsg := "x"\n}\n\nviolation[{"msg": msg}] {\n\t# why\n\tinput.b\n\tmsg := "y"\n}\n',
  },
];

describe('formatting: messy input', () => {
  for (const { name, input, output, regoVersion } of cases) {
    it(name, () => {
      assert.equal(format(input, regoVersion), output);
      assert.equal(format(output, regoVersion), output, 'the output is formatted already');
    });
  }

  it('reports parse errors instead of formatting', () => {
    const result = formatModule('package p\n\nallow if {\n', { regoVersion: 'v1' });
    assert.ok('error' in result);
    assert.match(result.error, /^3:\d+: rego_parse_error: /);
  });

  it('reads v0 text as v1 only when asked to', () => {
    assert.ok('error' in formatModule('package p\n\nallow { true }\n', { regoVersion: 'v1' }));
    assert.equal(format('package p\n\nallow { input.x }\n', 'v0'), 'package p\n\nallow {\n\tinput.x\n}\n');
  });
});

// What a module means, written out without source positions and without the differences formatting may
// make: how a head was written (`=` or `:=`, `contains`, an implied `true`), whether an operator was
// called by name, raw or quoted strings, `plus(a, b, c)` for `c = a + b`, constants in template strings,
// `future.keywords` imports next to `import rego.v1`, and the order of imports and comments.
function meaning(module: Module): string {
  const IGNORED = new Set(['range', 'generated', 'generatedValue', 'bodyStyle', 'assign', 'contains', 'raw', 'infix']);
  const OUTPUT_CALLS = new Set(['equal', 'neq', 'lt', 'lte', 'gt', 'gte', 'plus', 'minus', 'mul', 'div', 'rem', 'or', 'and']);
  const clean = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(clean);
    if (value === null || typeof value !== 'object') return value;
    let node = value as Record<string, unknown>;
    if (node.type === 'expr' && Array.isArray(node.with) && (node.with as unknown[]).length === 0 && !node.negated) {
      const terms = node.terms as Record<string, unknown>;
      if (terms.type === 'boolean' && terms.value === true) return 'true';
    }
    const terms = node.terms as { type?: string; operator?: { terms: { name?: string }[] }; args?: unknown[] } | undefined;
    if (node.type === 'expr' && terms?.type === 'call' && terms.args?.length === 3 && terms.operator?.terms.length === 1 && OUTPUT_CALLS.has(terms.operator.terms[0].name ?? '')) {
      const name = terms.operator.terms[0].name;
      node = { ...node, terms: { type: 'call', operator: { type: 'ref', terms: [{ type: 'var', name: 'eq' }] }, args: [terms.args[2], { type: 'call', operator: { type: 'ref', terms: [{ type: 'var', name }] }, args: terms.args.slice(0, 2) }] } };
    }
    if (node.type === 'templatestring') {
      const parts: unknown[] = [];
      for (const part of node.parts as Record<string, unknown>[]) {
        const text = part.type === 'string' ? part.value : part.type === 'number' ? String(Number(part.text)) : part.type === 'boolean' ? String(part.value) : part.type === 'null' ? 'null' : undefined;
        const last = parts[parts.length - 1] as { text?: string } | undefined;
        if (text === undefined) parts.push(clean(part));
        else if (last && typeof last.text === 'string') last.text += text as string;
        else parts.push({ text });
      }
      return { template: parts };
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(node).sort()) if (!IGNORED.has(key) && node[key] !== undefined) out[key] = clean(node[key]);
    return out;
  };
  const path = (imported: Module['imports'][number]): string => imported.path.terms.map((term) => (term.type === 'var' ? term.name : term.type === 'string' ? term.value : '?')).join('.');
  const regoV1 = module.imports.some((imported) => path(imported) === 'rego.v1');
  return JSON.stringify({
    version: module.regoVersion,
    package: clean(module.package),
    imports: module.imports.filter((imported) => !(regoV1 && path(imported).startsWith('future.keywords'))).map((imported) => JSON.stringify(clean(imported))).sort(),
    rules: clean(module.rules),
    comments: module.comments.map((comment) => comment.text.trimEnd()).sort(),
  });
}

interface Sample {
  name: string;
  text: string;
  regoVersion: 'v0' | 'v1';
}

function conformanceModules(): Sample[] {
  if (!existsSync(conformanceDir)) return [];
  const samples: Sample[] = [];
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) visit(full);
      else if (entry.endsWith('.yaml')) {
        const document = parseYaml(readFileSync(full, 'utf8')) as { cases?: { note?: string; modules?: unknown[]; v0_compatible?: boolean }[] } | null;
        for (const testCase of document?.cases ?? []) {
          (testCase.modules ?? []).forEach((module, index) => {
            if (typeof module === 'string') samples.push({ name: `${relative(conformanceDir, full)} ${testCase.note ?? ''} #${index}`, text: module, regoVersion: testCase.v0_compatible ? 'v0' : 'v1' });
          });
        }
      }
    }
  };
  visit(conformanceDir);
  return samples;
}

function realWorldPolicies(): Sample[] {
  const manifest = join(realWorldDir, 'manifest.tsv');
  if (!existsSync(manifest)) return [];
  return readFileSync(manifest, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [file, version] = line.split('\t');
      return { name: file, text: readFileSync(join(realWorldDir, file), 'utf8'), regoVersion: version === 'v0' ? 'v0' : 'v1' } as Sample;
    });
}

function checkCorpus(samples: Sample[]): { parsed: number; kept: number; identical: number; failures: string[] } {
  const failures: string[] = [];
  let parsed = 0;
  let kept = 0;
  let identical = 0;
  for (const sample of samples) {
    const original = parse(sample.text, { regoVersion: sample.regoVersion });
    if (original.errors.length > 0) continue;
    parsed++;
    const result = formatModule(sample.text, { regoVersion: sample.regoVersion });
    if ('error' in result) {
      failures.push(`${sample.name}: ${result.error}`);
      continue;
    }
    const reread = parse(result.text, { regoVersion: sample.regoVersion });
    if (reread.errors.length > 0 || meaning(reread.module) !== meaning(original.module)) {
      failures.push(`${sample.name}: the formatted text means something else`);
      continue;
    }
    kept++;
    if (result.text === sample.text) identical++;
    const again = formatModule(result.text, { regoVersion: sample.regoVersion });
    if ('error' in again || again.text !== result.text) failures.push(`${sample.name}: formatting twice changes the text again`);
  }
  return { parsed, kept, identical, failures };
}

test('formatting keeps the meaning of every conformance module, and formatting is idempotent', (t) => {
  const samples = conformanceModules();
  if (samples.length === 0) {
    t.skip(`no conformance cases at ${conformanceDir}`);
    return;
  }
  const { parsed, kept, identical, failures } = checkCorpus(samples);
  t.diagnostic(`conformance: ${parsed} modules parse, ${kept} keep their meaning, ${identical} are already formatted`);
  assert.ok(parsed > 1000, `expected the whole suite, found ${parsed} modules`);
  assert.deepEqual(failures.slice(0, 20), []);
});

test('formatting keeps the meaning of real-world policies, and formatting is idempotent', (t) => {
  const samples = realWorldPolicies();
  if (samples.length === 0) {
    t.skip(`no real-world policies at ${realWorldDir}`);
    return;
  }
  const { parsed, kept, identical, failures } = checkCorpus(samples);
  t.diagnostic(`real world: ${parsed} policies parse, ${kept} keep their meaning, ${identical} are already formatted`);
  assert.deepEqual(failures.slice(0, 20), []);
});
