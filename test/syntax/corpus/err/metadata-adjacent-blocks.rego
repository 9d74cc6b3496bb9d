package adjacent_blocks

# OPA reads a `# METADATA` line right below a block as part of that block, so this is one block of
# invalid YAML, in OPA as here.

# METADATA
# title: a
# METADATA
# description: b
p := 1
