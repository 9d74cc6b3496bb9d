package example.authz

import rego.v1
import data.lib.users as people

default allow := false

allow if {
	some user in input.users
	user.role == "admin"; not blocked[user.name]
}

allow if input.method == "GET"

blocked contains name if {
	some name in data.blocklist
}

limits := {"cpu": 2, "memory": "1Gi", "ports": [80, 443]}

f(x, y) := x + y * 2 - 1 if x > 0

g(_) := true

names := [n | some u in input.users; n := u.name]

unique := {n | some n in names}

index := {u.name: u.role | some u in input.users}
