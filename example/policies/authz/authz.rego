# Decides whether a user may perform an action on a resource of the example API.
# Try it with input.json and data.json beside this file.
package authz

# Requests are refused unless a rule below allows them.
default allow := false

# Admins may do anything.
allow if "admin" in user_roles

# Everyone else needs a grant for the action on the resource type, and no reason to deny.
allow if {
	count(deny) == 0
	some grant in grants
	grant.action == input.action
	grant.type == input.resource.type
}

user_roles := data.users[input.user].roles

grants contains grant if {
	some role in user_roles
	some grant in data.role_grants[role]
}

deny contains msg if {
	not data.users[input.user]
	msg := sprintf("unknown user %s", [input.user])
}

deny contains msg if {
	input.resource.private
	input.resource.owner != input.user
	msg := sprintf("%s may not open %s's private %s", [input.user, input.resource.owner, input.resource.type])
}
