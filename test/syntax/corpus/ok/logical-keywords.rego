package logical

import future.keywords.and
import future.keywords.not
import future.keywords.or

allow if input.user == "admin" or input.user in data.admins

write if input.action == "write" and input.user in data.editors

precedence if input.a or input.b and input.c

grouped if (input.a or input.b) and not input.c

negated_group if not (input.a and input.b)

blocks if {
	input.x == 1
} or {
	input.y == 2
	input.z == 3
}

negated_block if not { input.a; input.b } or input.c

in_body if {
	input.enabled
	input.role == "admin" or input.role == "owner"
}

mocked if (allow with input.user as "admin") and write

union := or({1}, {2})

intersection := and({1, 2}, {2})

literal_set if not {1}
