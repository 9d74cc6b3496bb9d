package policy

# Admins may do anything; everyone else may only read.
default allow := false

allow if input.user.role == "admin"

is_admin if input.user.role == "admin"

greeting := sprintf("hello %s", [input.user.name])
