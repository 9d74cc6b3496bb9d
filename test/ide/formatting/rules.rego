# METADATA
# title: Rules of every shape
# description: Heads, bodies, defaults, functions and else chains, as opa fmt lays them out.
package formatting.rules

import data.lib.strings
import input.request as req

# Imports in one group are sorted; a blank line starts another group.
import data.lib.arrays
import rego.v1

default allow := false

default limits := {"cpu": 2, "memory": "1Gi"}

# One-line rules written on consecutive lines stay together.
a := 1
b := 2

c := 3

allow if input.user == "admin"

allow if {
	input.user == "guest"
	input.method == "GET"
}

# METADATA
# title: A partial set
deny contains msg if {
	some name in input.names
	not startswith(name, "x")
	msg := sprintf("bad name %s", [name])
}

deny contains "always"

labels[key] := value if {
	some key, value in input.labels
}

api.v1.users[id] := user if {
	some user in input.users
	id := user.id
}

api.v1.enabled := true

double(x) := x * 2

is_admin(user) if user.role == "admin"

greeting(name) := sprintf("hello %s", [name]) if {
	name != ""
} else := "hello"

grade(score) := "A" if {
	score >= 90
} else := "B" if {
	score >= 80
} else := "C"

level := "high" if input.risk > 7

else := "low"

pair(a, b) := [a, b]

wrapped(
	first,
	second,
) := concat("/", [first, second])
