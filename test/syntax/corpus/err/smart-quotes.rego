package quotes

import rego.v1

greeting := “hello”

allow if input.name == ”bob”
