# Who may approve a change: members of the change's team, for changes that are small enough.
# Click "Evaluate" above a rule to see its value for ../input.json and ../../config/data.yaml.
package teams

# The team of the user making the request.
user_team := team if {
	some team, members in data.config.teams
	input.user in members
}

# A user approves changes of their own team, up to the line limit in data.config.
may_approve if {
	user_team == input.change.team
	input.change.lines <= data.config.max_lines
}

# Why approval is refused, for people reading the decision.
reasons contains "the change belongs to another team" if user_team != input.change.team

reasons contains msg if {
	input.change.lines > data.config.max_lines
	msg := sprintf("the change has %d lines; the limit is %d", [input.change.lines, data.config.max_lines])
}
