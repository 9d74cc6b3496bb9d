// The playground editors' Rego colouring (client/src/playground-page/rego-language.ts), as data: each
// case is a text and the coloured tokens it should give, written `text:kind`; plain text is left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { highlightCode, tagHighlighter, tags } from '@lezer/highlight';
import type { StreamLanguage } from '@codemirror/language';
import { regoLanguage, regoQueryLanguage } from '../../client/src/playground-page/rego-language';

const kinds = tagHighlighter([
  { tag: tags.keyword, class: 'keyword' },
  { tag: tags.string, class: 'string' },
  { tag: tags.special(tags.string), class: 'raw' },
  { tag: tags.number, class: 'number' },
  { tag: tags.bool, class: 'bool' },
  { tag: tags.null, class: 'null' },
  { tag: tags.lineComment, class: 'comment' },
  { tag: tags.definition(tags.variableName), class: 'rule' },
  { tag: tags.function(tags.variableName), class: 'call' },
  { tag: tags.standard(tags.variableName), class: 'root' },
  { tag: tags.propertyName, class: 'property' },
  { tag: tags.namespace, class: 'namespace' },
  { tag: tags.operator, class: 'operator' },
  { tag: tags.invalid, class: 'invalid' },
]);

function coloured(language: StreamLanguage<unknown>, text: string): string {
  const tokens: string[] = [];
  highlightCode(text, language.parser.parse(text), kinds, (part, classes) => {
    if (classes) tokens.push(`${part}:${classes.split(' ').sort().join('+')}`);
  }, () => undefined);
  return tokens.join(' ');
}

const policyCases: [string, string][] = [
  ['package authz.v1', 'package:keyword authz:namespace v1:namespace'],
  ['import rego.v1\nimport data.roles as r', 'import:keyword rego:namespace v1:namespace import:keyword data:root roles:namespace as:keyword r:namespace'],
  ['default allow := false', 'default:keyword allow:rule :=:operator false:bool'],
  ['allow if { input.user == "alice" }', 'allow:rule if:keyword input:root user:property ==:operator "alice":string'],
  [
    'deny contains msg if {\n\tsome x in data.items\n\tcount(x) > 1 # big\n\tnot x.in\n}',
    'deny:rule contains:keyword if:keyword some:keyword in:keyword data:root items:property count:call >:operator 1:number # big:comment not:keyword in:property',
  ],
  ['f(x) := y if y := x * 2', 'f:rule :=:operator if:keyword :=:operator *:operator 2:number'],
  ['n := -1.5e3', 'n:rule :=:operator -:operator 1.5e3:number'],
  ['s := "a\\"b" # not a string: "', 's:rule :=:operator "a\\"b":string # not a string: ":comment'],
  ['r := `one\ntwo` + null', 'r:rule :=:operator `one:raw two`:raw +:operator null:null'],
  ['t := "unfinished\nu := 1', 't:rule :=:operator "unfinished:invalid+string u:rule :=:operator 1:number'],
  // Inside brackets a name at the margin continues an expression; it does not start a rule.
  ['p := [\nq,\n]', 'p:rule :=:operator'],
];

test('Rego policies are coloured', () => {
  for (const [text, expected] of policyCases) assert.equal(coloured(regoLanguage, text), expected, text);
});

test('a query has no rule names', () => {
  assert.equal(coloured(regoQueryLanguage, 'data.authz.allow'), 'data:root authz:property allow:property');
  assert.equal(coloured(regoQueryLanguage, 'x := input.y; x > 1'), ':=:operator input:root y:property >:operator 1:number');
});
