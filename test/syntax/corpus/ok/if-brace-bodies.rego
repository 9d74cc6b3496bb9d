package brace_bodies

# These stay braced bodies (or the object, empty object and comprehension literals they were before).
a if { x == 1 }

b if {x}

c if {
	x
	x == 1
}

d if { x; x == 1 }

e if {"a": 1}

f if {}

g if {y | some y in [1]}

h if {k: v | some k, v in {"a": 1}}

i if { x } else := false

x := true
