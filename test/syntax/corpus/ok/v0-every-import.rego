package v0every

import future.keywords.every

all_small {
	every n in [1, 2, 3] {
		n < 10
	}
}
