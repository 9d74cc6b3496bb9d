package braces

allow if {
	input.x == 1

deny contains msg if {
	msg := "fine"
}

list := [1, 2

later := true
