package broken

# Line 5 quotes its string with typographic quotes, which Rego does not accept.
greeting := msg if {
	msg := “hello”
}
