package crlf

import rego.v1

# comment
allow if {
	input.x == 1
}
