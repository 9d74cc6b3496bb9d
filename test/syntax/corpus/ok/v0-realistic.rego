package legacy.rbac

import data.roles

default allow = false

allow {
	user_has_role[role]
	role_grants[role][_] == input.action
}

allow = true {
	input.user == "root"
}

user_has_role[role] {
	role := data.bindings[input.user][_]
}

role_grants[role] = actions {
	actions := roles[role]
}

f(x) = y {
	y := x * 2
} else = 0 {
	true
}

contains(a, b) {
	a[_] == b
}

in := 5

if_value = x { x := 1 }

deny[msg] {
	not allow
	msg := "denied"
}
