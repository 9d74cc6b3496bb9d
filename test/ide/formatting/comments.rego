# A comment before the package.
package formatting.comments

import rego.v1 # why v1

# A comment about the rule below.
allow if {
	# Inside, before the first expression.
	input.user == "admin" # at the end of a line

	# After a blank line.
	input.method == "GET"
	# Before the closing brace.
} # after the closing brace

config := {
	"a": 1, # first
	# a note
	"b": 2,
}

# METADATA
# title: First

# METADATA
# title: Second
annotated := true

rules contains name if { # on the opening line
	some name in input.names
}

# Trailing comments end the file.
# They keep their text as written.
