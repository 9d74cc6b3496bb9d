# METADATA
# scope: package
# title: Kubernetes admission
# related_resources:
#   - https://example.invalid/docs
package kubernetes.admission

import data.kubernetes.namespaces
import future.keywords.in
import input.request.object as obj
import rego.v1

default allow := false

default max_replicas(_) := 3

# METADATA
# entrypoint: true
allow if {
	count(deny) == 0 # no denials
	input.request.kind.kind in {"Pod", "Deployment"}
}

deny contains msg if {
	some container in obj.spec.containers
	not startswith(container.image, "registry.example/")
	msg := sprintf(
		"image %q comes from an untrusted registry",
		[container.image],
	)
}

deny contains msg if {
	obj.spec.replicas > max_replicas(obj.metadata.namespace)
	msg := "too many replicas"
}

max_replicas(ns) := n if {
	n := namespaces[ns].limits.replicas
} else := 5 if {
	ns == "batch"
}

labels[key] := value if {
	some key, value in obj.metadata.labels
	not startswith(key, "internal/")
}

team.owners[name] contains email if {
	some owner in data.owners
	name := owner.name
	email := lower(owner.email)
}

total := sum([c.resources.limits.cpu |
	some c in obj.spec.containers
	c.resources.limits.cpu
])

long_condition if {
	input.a == 1
	input.b == 2 +
		3
	input.c
		== 4
}

escaped := "tab\tquote\"slash\/unicode\u00e9"

numbers := [1e3, 1E-3, -0.5, 0.0, 10, -7]

with_chain if {
	allow with input as {"request": {"kind": {"kind": "Pod"}}}
		with data.kubernetes.namespaces as {}
}

every_with_index if {
	every i, c in obj.spec.containers {
		i >= 0
		c.name != ""
	}
}

nested := {x: {y | some y in input.sets[x]} | some x in object.keys(input.sets)}

object_keys := {"if": 1, "contains": 2, "package": 3}

keyword_refs := [data.package.contains, input.every.some, obj.in]
