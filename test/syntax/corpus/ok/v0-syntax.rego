package legacy

import future.keywords.in

deny[msg] {
	input.x == 1
	msg := "x is one"
}

labels[k] = v {
	some k
	v := input.labels[k]
}

allow {
	1 in [1, 2]
} {
	input.admin
}

p = 1 { true } else = 2 { false }
