package formatting.collections

import rego.v1

short := [1, 2, 3]

grouped := [
	1, 2, 3,
	4, 5,
]

one_per_line := {
	"name": "rego",
	"version": 1,
	"tags": ["policy", "opa"],
}

nested := {
	"outer": {
		"inner": [
			{"a": 1},
			{"b": 2},
		],
	},
}

a_set := {
	"x",
	"y",
}

unions := [(a_set | {"z"}), {(a_set | {"w"})}]

names := [name | some name in input.names]

by_id := {user.id: user | some user in input.users}

valid := {x |
	some x in input.xs
	x > 0
}

long_comprehension := [y |
	some x in input.xs
	y := x * 2
	y > 10
]

inline_body := {x | some x in input.xs; x != 0}

call_args := concat(
	",",
	[
		"a",
		"b",
	],
)
