package formatting.legacy

import future.keywords.in

default allow = false

allow {
	input.user == "admin"
}

deny[msg] {
	some name in input.names
	msg := sprintf("bad %s", [name])
}

labels[key] = value {
	value := input.labels[key]
}

f(x) = y {
	y := x + 1
} else = 0

constant := 42
