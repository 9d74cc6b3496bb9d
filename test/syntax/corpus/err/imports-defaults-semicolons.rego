package p

import future.keywords.nope
import future.keywords.in as kw
import future
import rego.v3

flags.enabled.all

default f(1) := false

default g(x, x) := false

allow if { input.x; }

xs := [x | some x in input; ]
