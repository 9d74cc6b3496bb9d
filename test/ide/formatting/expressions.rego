package formatting.expressions

import rego.v1

arithmetic if {
	x := 1 + (2 * 3)
	y := (1 + 2) * 3
	z := ((x + y) - 1) / 2
	x % 2 == 1
	y != z
	count(input.items) >= 3
	0 > -1
	w := 1.5e3
}

sets_and_objects if {
	s := {1, 2} | {3}
	t := s & {1}
	u := s - t
	obj := {"a": 1, "b": {"c": [1, 2, 3]}}
	obj.b.c[0] == 1
	empty := set()
	nothing := {}
	none := []
}

refs if {
	input.request.headers["content-type"] == "application/json"
	input.spec.containers[_].image
	data.users[input.user].roles[i] == "admin"
	input["not"] == 1
	input.if.else
}

strings if {
	a := "tab\there \"quoted\" \u00e9"
	b := `raw \n string`
	c := `multi
line`
	d := $"hello {input.name}, you are {count(input.roles)} roles deep"
	e := $`raw {a} template`
}

membership if {
	some x in input.xs
	some k, v in input.object
	"a" in input.letters
	not "b" in input.letters
	1, "one" in {1: "one"}
	every item in input.items {
		item.valid
	}
	every i, item in input.items { i < 10 }
}

declarations if {
	some i, j
	input.matrix[i][j] == 0
}

modifiers if {
	allow with input as {"user": "admin"}
	allow with input.user as "admin" with data.roles as {}
	allow
		with input.user as "guest"
		with data.roles as {}
}

negation if {
	not input.disabled
	not count(input.items) > 3
}

calls if {
	x := concat(",", ["a", "b"])
	y := object.get(input, ["a", "b"], "default")
	z := regex.match(`^[a-z]+$`, x)
	print("x is", x)
}

unification if {
	[a, b] = [1, 2]
	{"k": v} = {"k": 3}
}
