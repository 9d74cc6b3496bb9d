package names

import rego.v1

# Without the future imports, `and` and `or` are ordinary names.
and := 1

or := and + 1

both if {
	input.x.and == or
}
