# METADATA
# title: Every backendRef of a rule fails
# description: |
#   Every backendRef of a rule with several backends fails to resolve (or is
#   rejected), so all matching traffic fails: HTTP 500, gRPC UNAVAILABLE, L4
#   connections are refused. A rule-level summary of the backendRef findings;
#   a rule with a single backendRef is already covered by that ref's finding.
# related_resources:
#   - description: "Gateway API BackendRef"
#     ref: https://gateway-api.sigs.k8s.io/reference/spec/#backendref
# custom:
#   id: RG303
#   name: rule-all-backends-invalid
#   severity: error
#   since: 0.1.0
#   reason: ""
#   scope: route
# scope: package
package lib.refguard.rules.rule_all_backends_invalid

import data.lib.refguard.conftest
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

# conftest entrypoints: errors are failures, everything else a warning.
_conftest_findings contains f if {
	some ctx in conftest.contexts
	some f in findings(ctx)
}

deny contains conftest.result(f) if {
	some f in _conftest_findings
	conftest.is_deny(f)
}

warn contains conftest.result(f) if {
	some f in _conftest_findings
	not conftest.is_deny(f)
}
