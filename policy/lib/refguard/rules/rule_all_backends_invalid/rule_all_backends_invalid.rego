# METADATA
# title: Every backendRef of a rule fails
# description: |
#   Every backendRef of a rule with several backends fails to resolve (or is
#   rejected), so all matching traffic fails: HTTP 500, gRPC UNAVAILABLE, L4
#   connections are refused. A rule-level summary of the backendRef findings;
#   a rule with a single backendRef is already covered by that ref's finding.
#   Whether a reference fails mostly needs the inventory, so its scope is
#   inventory, though it also fires without one when every failure is one
#   the route shows alone (e.g. no port). NGINX Gateway Fabric also fails
#   every backend of an HTTP or gRPC rule whose backends (a mirror's too)
#   are under BackendTLSPolicies that differ: one under a policy and a later
#   one under none, or two policies with other CA references or hostnames
#   (nginx/nginx-gateway-fabric#1546); the route shows ResolvedRefs=False
#   (UnsupportedValue) and the rule's requests get 500. With a backend under
#   none before the first under a policy its check passes, but it speaks
#   TLS to every backend of the rule, so requests to the plain one fail
#   while ResolvedRefs stays True. Both are errors under that profile only.
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

import data.lib.refguard.resolve
import data.lib.refguard.result

# Only a rule with a failing backendRef can have all of them failing: the
# rules are taken from those references, not from every rule of the route.
# A profile whose controller compares its backends' BackendTLSPolicies has
# a reason for it; every other profile skips the comparison.
findings(ctx) := _failing(ctx) if {
	ctx.profile.reasons["tls-mismatch"] == ""
} else := _failing(ctx) | {f |
	some i, mismatch in resolve.tls_mismatches(ctx)
	f := _mismatch_finding(ctx, i, mismatch)
}

_mismatch_finding(ctx, i, mismatch) := result.condition_finding("RG303", ctx, sprintf("spec.rules[%d]", [i]), {
	"reason": reason,
	"message": sprintf("the backends of rule %d do not share one BackendTLSPolicy configuration (%s): the %s controller needs one TLS configuration for every backend of a rule, so it marks them all invalid (%s) and every request the rule matches gets 500", [i, mismatch.text, ctx.profile.name, reason]),
	"fix": _mismatch_fix,
}) if {
	mismatch.reported
	reason := ctx.profile.reasons["tls-mismatch"]
} else := result.finding("RG303", ctx, sprintf("spec.rules[%d]", [i]), {
	"message": sprintf("the backends of rule %d do not share one BackendTLSPolicy configuration (%s): the %s controller speaks TLS to every backend of a rule as the first policy it finds says, and does not report it (ResolvedRefs stays True), so the requests it sends to %s fail", [i, mismatch.text, ctx.profile.name, concat(", ", mismatch.plain)]),
	"fix": _mismatch_fix,
})

_mismatch_fix := "target every Service of the rule from one BackendTLSPolicy, or give their policies the same caCertificateRefs and hostname"

_failing(ctx) := {f |
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
