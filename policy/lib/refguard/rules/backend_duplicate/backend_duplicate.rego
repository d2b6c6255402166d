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

findings(ctx) := {f |
	some rec in ctx.records
	rec.via == "backendRef"
	not rec.malformed
	some earlier in ctx.records
	earlier.via == "backendRef"
	earlier.rule == rec.rule
	earlier.index < rec.index
	not earlier.malformed
	_key(earlier) == _key(rec)
	f := result.finding("RG304", ctx, rec.field, {
		"message": sprintf("%s %s/%s port %v is already backendRefs[%d] of this rule; the weights add up", [rec.kind, rec.namespace, rec.name, rec.port, earlier.index]),
		"fix": "remove the duplicate or merge the weights",
	})
}
