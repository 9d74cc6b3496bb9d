package refheads

a.b.c := 1

fruits[name] := color if {
	some name, color in {"apple": "red"}
}

grade := "A" if {
	input.score >= 90
} else := "B" if {
	input.score >= 80
} else := "C"

every_admin if {
	every u in input.users {
		u.admin == true
	}
}

every_kv if {
	every k, v in {"a": 1} {
		k != ""
		v > 0
	}
}

mocked if {
	allow with input as {"method": "GET"} with data.x as 1
}

allow if true
