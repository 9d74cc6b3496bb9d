# METADATA
# scope: subpackages
# title: Everything below

# METADATA
# title: This package
package several_blocks

# A blank line ends a block; the next `# METADATA` starts another, and both annotate what follows.

# METADATA
# title: a

# METADATA
# description: b
p := 1
