package templates

assigned := $"bad {x := 1}"

negated := $"bad {not input.x}"

open := $"never closed

after := true
