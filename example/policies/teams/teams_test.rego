# Tests for the teams policy: run them from the Test Explorer, with "Run test" above each one,
# or with `node dist/cli.js test example`.
package teams_test

import data.teams

small_change := {"user": "carol", "change": {"team": "payments", "lines": 10}}

large_change := {"user": "carol", "change": {"team": "payments", "lines": 120}}

test_carol_is_in_payments if {
	teams.user_team == "payments" with input as small_change
}

test_small_change_may_be_approved if {
	teams.may_approve with input as small_change
}

test_large_change_is_refused if {
	not teams.may_approve with input as large_change
	"the change has 120 lines; the limit is 100" in teams.reasons with input as large_change
}

test_other_team_is_refused if {
	"the change belongs to another team" in teams.reasons with input as {"user": "erin", "change": {"team": "payments", "lines": 10}}
}
