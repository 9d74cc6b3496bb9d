package policy

# Admins may do anything; everyone else may only read.
default allow := false

allow if input.user.role == "admin"

allow if {
	input.action == "read"
	input.user.role in {"viewer", "editor"}
}
