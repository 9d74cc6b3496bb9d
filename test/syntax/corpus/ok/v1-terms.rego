package terms

numbers := [0, -1, 1.5, -2.25e10, 123456789012345678901234567890, .5]

strings := ["a\tb", "\u00e9\n", `raw \n "string"
spanning lines`]

sets := {1, 2, 3} | {4} & {1, 4}

empty := [set(), {}, []]

nested := {"a": [{"b": {1}}], "c": input.x[0].y["z"]}

precedence := 1 + 2 * 3 - 4 / 2 % 3

membership if {
	1 in [1, 2]
	"k", "v" in {"k": "v"}
	x := input.keywords.package
	y := data.contains.if
}

calls := count(json.marshal({"a": 1})) > startswith("ab", "a")

member_call if contains("abc", "b")
