package v0style

p[x] = y {
	x := "a"
	y := 1
}

q := x { x := 1 }
