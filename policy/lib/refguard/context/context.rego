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

# build: the context of one route under inv and cfg.
#
# The context is returned through object.union, a builtin, so that it is one
# finished value: OPA binds a function's result to the term in the
# function's head, and a term still holding variables (an object literal)
# is copied again for every later call that takes it as an argument. Every
# rule takes the context, so a literal here cost a copy per rule per route
# (about a third of a healthy route's allocations).
build(route, inv, cfg) := object.union({}, ctx) if {
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

# grant_context is the context of a ReferenceGrant under review (a finished
# value for the same reason as build's).
grant_context(grant, cfg) := object.union({}, {
	"grant": grant,
	"object": refs.identity(grant),
	"cfg": config.effective(cfg),
})

# used_grants: "ns/name" of every ReferenceGrant that permits one of the
# route's cross-namespace references (for RG202 over a whole set).
used_grants(ctx) := {sprintf("%s/%s", [rec.namespace, name]) |
	some rec in ctx.records
	some name in rec.permitted_by # empty unless cross-namespace with an inventory
}
