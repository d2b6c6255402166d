# METADATA
# title: context
# description: |
#   The one shape every rule reads: the route, its identity, the inventory
#   (null when the context has none), the effective config and profile, and
#   the resolution record of every backendRef, computed once per route.
#   Inventory shape: {"services": {ns: {name: obj}}, "serviceimports": …,
#   "referencegrants": …, "backendtlspolicies": …}; each context's adapter
#   fills it with keyed lookups for the namespaces the route can reach.
# scope: package
package lib.refguard.context

import data.lib.refguard.config
import data.lib.refguard.refs
import data.lib.refguard.resolve

build(route, inv, cfg) := ctx if {
	eff := config.effective(cfg)
	profile := config.profile(eff)
	ctx := {
		"route": route,
		"object": refs.identity(route),
		"inv": inv,
		"cfg": eff,
		"profile": profile,
		"records": [resolve.resolve(rec, route, inv, profile) | some rec in refs.records(route)],
	}
}

# grant_context is the context of a ReferenceGrant under review.
grant_context(grant, cfg) := {
	"grant": grant,
	"object": refs.identity(grant),
	"cfg": config.effective(cfg),
}

# used_grants: "ns/name" of every ReferenceGrant that permits one of the
# route's cross-namespace references (for RG202 over a whole set).
used_grants(ctx) := {sprintf("%s/%s", [rec.namespace, name]) |
	some rec in ctx.records
	some name in rec.permitted_by # empty unless cross-namespace with an inventory
}
