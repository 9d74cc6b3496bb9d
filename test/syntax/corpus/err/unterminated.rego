package broken

a := "no end

b := `raw
