package brace_first_term

# After `if`, a brace followed by an operator is the first term of one literal, as OPA reads it.
p if {1} == x

q if {1, 2} | {3} == {1, 2, 3}

r if {"a": 1}.a == 1

s if {"b"}["b"]

t if {1}, v in [1]

u if {
	1
} == x

v if not {1} == x

x := {1}
