# METADATA
# title: Every backendRef of a rule fails
# description: |
#   Every backendRef of a rule with several backends fails to resolve (or is
#   rejected), so all matching traffic fails: HTTP 500, gRPC UNAVAILABLE, L4
#   connections are refused. A rule-level summary of the backendRef findings;
#   a rule with a single backendRef is already covered by that ref's finding.
#   Whether a reference fails mostly needs the inventory, so its scope is
#   inventory, though it also fires without one when every failure is one
#   the route shows alone (e.g. no port).
# related_resources:
#   - description: "Gateway API BackendRef"
#     ref: https://gateway-api.sigs.k8s.io/reference/spec/#backendref
# custom:
#   id: RG303
#   name: rule-all-backends-invalid
#   severity: error
#   since: 0.1.0
#   reason: ""
#   scope: inventory
# scope: package
package lib.refguard.rules.rule_all_backends_invalid

import data.lib.refguard.result

# Only a rule with a failing backendRef can have all of them failing: the
# rules are taken from those references, not from every rule of the route.
findings(ctx) := {f |
	some i in {rec.rule | some rec in ctx.records; rec.via == "backendRef"; rec.resolution.ok == false}
	results := [rec.resolution.ok | some rec in ctx.records; rec.rule == i; rec.via == "backendRef"]
	count(results) > 1
	every ok in results {
		ok == false
	}
	f := result.finding("RG303", ctx, sprintf("spec.rules[%d]", [i]), {
		"message": sprintf("all %d backendRefs of rule %d fail: every request it matches fails (HTTP 500, gRPC UNAVAILABLE, L4 refused)", [count(results), i]),
		"fix": "",
	})
}
