# METADATA
# title: Same backend twice in one rule
# description: |
#   The same backend (group, kind, namespace, name, port) appears twice in
#   one rule's backendRefs. Their weights add up, which is rarely intended;
#   usually a copy-paste slip.
# related_resources:
#   - description: "Gateway API BackendRef"
#     ref: https://gateway-api.sigs.k8s.io/reference/spec/#backendref
# custom:
#   id: RG304
#   name: backend-duplicate
#   severity: info
#   since: 0.1.0
#   reason: ""
#   scope: route
# scope: package
package lib.refguard.rules.backend_duplicate

import data.lib.refguard.result

_key(rec) := [rec.group, rec.kind, rec.namespace, rec.name, rec.port]

# findings: one finding per repeated reference, naming the one before it.
# The references are sorted by rule and key, so each is compared with its
# neighbour only (n log n); comparing every pair reported n² findings for n
# equal references.
findings(ctx) := {f |
	sorted := sort([[rec.rule, _key(rec), rec.index, i] |
		some i, rec in ctx.records
		rec.via == "backendRef"
		rec.resolution.step != "shape" # the API server rejects it: RG505
	])
	some p in numbers.range(1, count(sorted) - 1)
	[rule, key, earlier, _] := sorted[p - 1]
	[next_rule, next_key, _, i] := sorted[p]
	next_rule == rule
	next_key == key
	rec := ctx.records[i]
	f := result.finding("RG304", ctx, rec.field, {
		"message": sprintf("%s %s/%s port %v is already backendRefs[%d] of this rule; the weights add up", [rec.kind, rec.namespace, rec.name, rec.port, earlier]),
		"fix": "remove the duplicate or merge the weights",
	})
}
