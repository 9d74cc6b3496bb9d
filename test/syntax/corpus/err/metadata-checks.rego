# METADATA
# scope: rule
package p

# METADATA
# scope: package
allow if true

# METADATA
# schemas:
#   - input: not_a_schema_ref
deny if true

# METADATA
# related_resources:
#   - 42
x := 1

# METADATA
# scope: document
# related_resources:
#   - https://example.com
#   - ref: https://example.com/b
# schemas:
#   - input: schema.input
y := 2
