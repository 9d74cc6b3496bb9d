// Folding ranges, written as `start-end kind` with 0-based lines. A fold keeps its first line visible and
// hides the lines after it through its end; a closing bracket that begins a line stays visible.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { foldingRanges } from '../../server/src/ide/folding';
import { snapshotOf } from '../../server/src/ide/snapshot';

function folds(text: string, regoVersion: 'v0' | 'v1' = 'v1'): string[] {
  const document = snapshotOf([{ file: 'a.rego', text }], { regoVersion }).get('a.rego')!;
  return foldingRanges(document).map((fold) => `${fold.startLine}-${fold.endLine}${fold.kind ? ` ${fold.kind}` : ''}`);
}

describe('folding ranges', () => {
  test('rule bodies fold up to their closing brace, which stays visible', () => {
    assert.deepEqual(
      folds(`package p

allow if {
  input.user == "admin"
  input.method == "GET"
}
`),
      ['2-4'],
    );
  });

  test('else branches fold one by one', () => {
    assert.deepEqual(
      folds(`package p

level := 1 if {
  input.a
} else := 2 if {
  input.b
} else := 3
`),
      ['2-3', '4-5'],
    );
  });

  test('composite values and comprehensions spanning lines fold inside bodies', () => {
    assert.deepEqual(
      folds(`package p

roles := {
  "admin": [
    "read",
    "write",
  ],
  "guest": ["read"],
}

names := [name |
  some user in input.users
  name := user.name
]

f(x) := y if {
  y := {k: v |
    some k, v in x
  }
}
`),
      ['2-7', '3-5', '10-12', '15-18', '16-17'],
    );
  });

  test('a closing bracket after code on its line folds with it', () => {
    assert.deepEqual(folds('package p\n\nx := [1,\n  2]\n'), ['2-3']);
  });

  test('single-line constructs do not fold', () => {
    assert.deepEqual(folds('package p\n\nallow if { input.x; input.y }\nxs := [1, 2, {"a": 3}]\n'), []);
  });

  test('runs of comment lines fold; a METADATA block folds apart from comments above it', () => {
    assert.deepEqual(
      folds(`# Copyright the authors.
# Licensed under Apache-2.0.
package p

# A lone comment.
x := 1 # a trailing comment
# not joined to the trailing one above

# Explains the rule.
# METADATA
# title: Allow
# description: Decides.
allow if input.ok
`),
      ['0-1 comment', '9-11 comment'],
    );
  });

  test('imports fold as a group', () => {
    assert.deepEqual(
      folds(`package p

import rego.v1

import data.lib.a
import data.lib.b as bee

x := 1
`),
      ['2-5 imports'],
    );
  });

  test('a single import does not fold', () => {
    assert.deepEqual(folds('package p\n\nimport rego.v1\n\nx := 1\n'), []);
  });

  test('region markers fold from # region to # endregion, nested', () => {
    assert.deepEqual(
      folds(`package p

# region helpers
# Helper rules.
# More about them.
a := 1
#region inner
b := 2
#endregion
# endregion
`),
      ['2-9 region', '3-4 comment', '6-8 region'],
    );
  });

  test('raw strings spanning lines fold', () => {
    assert.deepEqual(folds('package p\n\nmessage := `first\nsecond\nthird`\n'), ['2-4']);
    assert.deepEqual(folds('package p\n\nmessage := `first\nsecond\n`\n'), ['2-3']);
  });

  test('rules spanning lines without brackets fold', () => {
    assert.deepEqual(folds('package p\n\ntotal := input.a +\n  input.b +\n  input.c\n'), ['2-4']);
  });

  test('at most one fold starts on a line, the outermost block; closing brackets at a line start stay visible', () => {
    const ranges = folds(`package p

x := {"a": [
  1,
  2,
]}
`);
    assert.deepEqual(ranges, ['2-4']);
  });

  test('v0 bodies and CRLF line ends', () => {
    assert.deepEqual(folds('package p\r\n\r\nallow {\r\n  input.x\r\n}\r\n', 'v0'), ['2-3']);
  });

  test('a module with syntax errors still folds what pairs up, and never throws', () => {
    const text = `package p

allow if {
  x := [1, 2
  input.y
}

deny if {
  input.z
`;
    // The unclosed rule still folds as a rule.
    assert.deepEqual(folds(text), ['2-4', '7-8']);
    for (let cut = 0; cut <= text.length; cut++) {
      for (const fold of foldingRanges(snapshotOf([{ file: 'a.rego', text: text.slice(0, cut) }]).get('a.rego')!)) {
        assert.ok(fold.endLine > fold.startLine);
      }
    }
  });

  test('folds come sorted by start line, one per line', () => {
    const ranges = foldingRanges(
      snapshotOf([
        {
          file: 'a.rego',
          text: '# a\n# b\npackage p\nimport data.a\nimport data.b\nf(x) := y if {\n  y := [z |\n    z := x[_]\n  ]\n}\n',
        },
      ]).get('a.rego')!,
    );
    const starts = ranges.map((fold) => fold.startLine);
    assert.deepEqual(starts, [...new Set(starts)].sort((a, b) => a - b));
  });
});
