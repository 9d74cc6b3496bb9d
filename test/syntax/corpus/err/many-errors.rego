package many

a := 01

b if { }

c := [1,, 2]

d := input.x +

e := 1 f := 2

default g := input.x
