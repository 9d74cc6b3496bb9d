package constants

is_truthy("yes")
is_truthy("true")
is_truthy(x) if x == 1

with_wildcard(_, 0)
