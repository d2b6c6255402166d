# METADATA
# title: ReferenceGrant allows its own namespace
# description: |
#   A `from` entry names the grant's own namespace. References within one
#   namespace never need a grant, so the entry has no effect; usually the
#   grant was placed in the route's namespace instead of the target's.
# related_resources:
#   - description: "Gateway API ReferenceGrant"
#     ref: https://gateway-api.sigs.k8s.io/api-types/referencegrant/
# custom:
#   id: RG203
#   name: grant-from-own-namespace
#   severity: warning
#   since: 0.1.0
#   reason: ""
#   scope: grant
# scope: package
package lib.refguard.rules.grant_from_own_namespace

import data.lib.refguard.result

findings(ctx) := {f |
	some k, from in ctx.grant.spec.from
	from.namespace == ctx.object.namespace
	f := result.finding("RG203", ctx, sprintf("spec.from[%d]", [k]), {
		"message": sprintf("ReferenceGrant %s/%s: from[%d].namespace is the grant's own namespace, which needs no grant; a ReferenceGrant must live in the namespace of the referenced Service", [ctx.object.namespace, ctx.object.name, k]),
		"fix": "move the grant to the namespace of the referenced Service and set from.namespace to the route's namespace",
	})
}
