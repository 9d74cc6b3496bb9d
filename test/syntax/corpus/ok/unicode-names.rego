package unicode

café := "crème"

naïve_größe := count([x | some x in input.élément])

名前 := café
