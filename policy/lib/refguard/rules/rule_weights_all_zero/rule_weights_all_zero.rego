# METADATA
# title: Every backendRef of a rule has weight 0
# description: |
#   All backendRefs of a rule have `weight: 0`, so no backend receives
#   traffic: the rule answers 500 (Envoy Gateway, Istio) or 503. The
#   specification leaves the exact status open.
# related_resources:
#   - description: "Gateway API BackendRef weight"
#     ref: https://gateway-api.sigs.k8s.io/reference/spec/#backendref
# custom:
#   id: RG301
#   name: rule-weights-all-zero
#   severity: warning
#   since: 0.1.0
#   reason: ""
#   scope: route
# scope: package
package lib.refguard.rules.rule_weights_all_zero

import data.lib.refguard.result

# Only a rule with a backendRef of weight 0 can have all of them at 0: the
# rules are taken from those references, not from every rule of the route.
findings(ctx) := {f |
	some i in {rec.rule | some rec in ctx.records; rec.via == "backendRef"; object.get(rec, "weight", 1) == 0}
	weights := [w | some rec in ctx.records; rec.rule == i; rec.via == "backendRef"; w := object.get(rec, "weight", 1)]
	every w in weights {
		w == 0
	}
	f := result.finding("RG301", ctx, sprintf("spec.rules[%d]", [i]), {
		"message": sprintf("every backendRef of rule %d has weight 0: matching requests get 500/503", [i]),
		"fix": "give at least one backendRef a weight above 0",
	})
}
