# METADATA
# title: Example package
# description: Shows how annotations attach.
package annotated

import rego.v1

# METADATA
# title: Allow admins
# custom:
#   severity: high
allow if input.admin

# An ordinary comment.
deny := false
