package refs.with.null.true.some

import data.default as d
import data.false as f

names if {
	input.null == 1
	input.true.else == 2
	x := data.false
	y := input.some.package
	input.fn.not(1)
	input.fn.null(2)
}
