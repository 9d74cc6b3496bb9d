package formatting.logical

import future.keywords.and
import future.keywords.or

either if input.a or input.b

both if input.a and input.b

precedence if input.a or input.b and input.c

grouped if (input.a or input.b) and input.c

chain if {
	input.a and
		input.b and
		input.c
}

bodies if {
	{ some x in input.xs; x > 1 } or input.fallback
}
