# METADATA
# title: ReferenceGrant permits no reference
# description: |
#   No route in the checked set uses this ReferenceGrant. Only meaningful when
#   the whole set is known (the CLI, conftest --combine): a grant that allows
#   nothing is either stale or aimed at the wrong route kind or namespace.
#   Only grants whose every `from` entry is a route kind are judged: a grant
#   from a Gateway, a ListenerSet or a vendor's policy (for TLS Secrets,
#   say) serves references refguard does not read.
# related_resources:
#   - description: "Gateway API ReferenceGrant"
#     ref: https://gateway-api.sigs.k8s.io/api-types/referencegrant/
# custom:
#   id: RG202
#   name: grant-unused
#   severity: info
#   since: 0.1.0
#   reason: ""
#   scope: set
# scope: package
package lib.refguard.rules.grant_unused

import data.lib.refguard.grants
import data.lib.refguard.refs
import data.lib.refguard.result

# findings reports a grant when the key "ns/name" is not among the used
# ones (a set). A keyed lookup, not `in`: OPA's Wasm build scans the set
# for `in`, which made 5,000 grants against 5,000 used ones cost 2.4 s.
# A grant no release serves (RG204) or whose shape the schema rejects
# (RG205) permits nothing because it cannot exist, not because no route
# needs it; a grant from other kinds may serve what refguard does not read.
findings(ctx, used) := {f |
	key := sprintf("%s/%s", [ctx.object.namespace, ctx.object.name])
	not used[key]
	not refs.unserved_since(ctx.grant)
	not grants.rejected(ctx.grant)
	grants.for_routes_only(ctx.grant)
	f := result.finding("RG202", ctx, "spec", {
		"message": sprintf("ReferenceGrant %s permits no reference in the checked manifests; remove it or check its from/to entries", [key]),
		"fix": "",
	})
}
