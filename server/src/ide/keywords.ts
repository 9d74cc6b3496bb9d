/**
 * What each Rego keyword does, in a sentence or two and a small example, for hover and completion.
 * The texts are ours; they aim at someone reading a policy, not at the language lawyer.
 */

export interface KeywordDoc {
  keyword: string;
  summary: string;
  example: string;
}

export const KEYWORD_DOCS: readonly KeywordDoc[] = [
  {
    keyword: 'package',
    summary:
      'Names the part of `data` this file adds rules to. Every file starts with one; files that share a package contribute to the same document, so a rule of `package authz.http` is read as `data.authz.http.<rule>`.',
    example: 'package authz.http',
  },
  {
    keyword: 'import',
    summary:
      'Brings a path into this file under a short name: after `import data.lib.users`, `users.admins` means `data.lib.users.admins`. `import rego.v1` makes a v0 file use v1 syntax.',
    example: 'import data.lib.users\nimport input.request as req',
  },
  {
    keyword: 'as',
    summary: 'Picks the name an import goes by in this file. After `with`, it introduces the value that replaces the target.',
    example: 'import data.lib.users as people\n\nok if allow with input.user as "bob"',
  },
  {
    keyword: 'default',
    summary:
      'Gives a rule the value it has when no definition applies, so the rule is never undefined. A default has no body, and a rule has at most one.',
    example: 'default allow := false',
  },
  {
    keyword: 'else',
    summary:
      'Adds a fallback clause to a rule or function: when the clause before it does not succeed, the next one is tried, top to bottom, and the first that succeeds gives the value.',
    example: 'level := "high" if input.score > 80\nelse := "low"',
  },
  {
    keyword: 'if',
    summary: 'Separates a rule\'s head from its body. The rule gets its value when all of the body\'s expressions succeed.',
    example: 'allow if input.user.admin',
  },
  {
    keyword: 'contains',
    summary:
      'Makes a multi-value rule: each definition adds elements to a set instead of producing a single value. Typical for collecting violations.',
    example: 'deny contains msg if {\n  not input.user\n  msg := "no user given"\n}',
  },
  {
    keyword: 'some',
    summary:
      'Declares local variables. With `in` it iterates: the body continues once for every element (or key and element) of the collection.',
    example: 'some user in input.users\nsome i, port in input.ports',
  },
  {
    keyword: 'every',
    summary:
      'Succeeds when its body holds for each element of a collection (and trivially for an empty one). The variables it introduces stay inside its braces.',
    example: 'every port in input.ports {\n  port > 1024\n}',
  },
  {
    keyword: 'in',
    summary:
      'Membership: `x in xs` succeeds when the array, set or object `xs` has `x` among its values; `k, v in xs` checks a key too. After `some` or `every` it iterates instead.',
    example: '"admin" in input.roles',
  },
  {
    keyword: 'not',
    summary:
      'Negation: succeeds when the expression after it fails or is undefined. Variables used in a negated expression need a value from elsewhere first.',
    example: 'deny if not input.user.verified',
  },
  {
    keyword: 'with',
    summary:
      'Evaluates one expression as if `input`, part of `data` or a function were replaced by another value. Tests use it to feed inputs and mock functions.',
    example: 'test_admin if allow with input as {"user": {"admin": true}}',
  },
  {
    keyword: 'and',
    summary: 'Joins two expressions that must both succeed, written on one line. Needs `import future.keywords.and` (or `rego.v2`).',
    example: 'ok if input.a and input.b',
  },
  {
    keyword: 'or',
    summary: 'Succeeds when either expression succeeds. Needs `import future.keywords.or` (or `rego.v2`); without it, write two rule definitions.',
    example: 'ok if input.a or input.b',
  },
];

const byKeyword = new Map(KEYWORD_DOCS.map((doc) => [doc.keyword, doc]));

export function keywordDoc(keyword: string): KeywordDoc | undefined {
  return byKeyword.get(keyword);
}

/** Markdown for a keyword: the explanation and its example. */
export function keywordMarkdown(doc: KeywordDoc): string {
  return `**${doc.keyword}** (keyword)\n\n${doc.summary}\n\n\`\`\`rego\n${doc.example}\n\`\`\``;
}
