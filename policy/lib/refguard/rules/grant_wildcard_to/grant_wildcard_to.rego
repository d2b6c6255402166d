# METADATA
# title: ReferenceGrant allows every object of a kind
# description: |
#   A ReferenceGrant `to` entry without `name` allows references to every
#   object of that kind in the namespace, including ones created later. Scope
#   it to the exact Service the route needs. Only grants with a route
#   kind among their `from` entries are checked: what a Gateway's
#   certificateRefs or a vendor's policy needs is outside refguard's view.
# related_resources:
#   - description: "Gateway API ReferenceGrant"
#     ref: https://gateway-api.sigs.k8s.io/api-types/referencegrant/
# custom:
#   id: RG201
#   name: grant-wildcard-to
#   severity: warning
#   since: 0.1.0
#   reason: ""
#   scope: grant
# scope: package
package lib.refguard.rules.grant_wildcard_to

import data.lib.refguard.grants
import data.lib.refguard.result

# A name left out or null (which the API server drops) is every name; an
# empty one is RG205's.
findings(ctx) := {f |
	grants.for_routes(ctx.grant)
	some k, to in ctx.grant.spec.to
	object.get(to, "name", null) == null
	f := result.finding("RG201", ctx, sprintf("spec.to[%d]", [k]), {
		"message": sprintf("ReferenceGrant %s/%s allows references to every %s in namespace %s; scope it with to[%d].name", [ctx.object.namespace, ctx.object.name, object.get(to, "kind", "object"), ctx.object.namespace, k]),
		"fix": sprintf("set spec.to[%d].name to the one %s the routes need", [k, object.get(to, "kind", "object")]),
	})
}
