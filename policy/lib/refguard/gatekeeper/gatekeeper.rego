# METADATA
# title: Gatekeeper adapter
# description: |
#   What every generated ConstraintTemplate shares: the profile parameter,
#   the route context built from input.review.object and the synced
#   data.inventory, and the shape of a violation. The templates' own
#   modules only pick the rules. Reads only input and data.inventory (via
#   lib.refguard.inventory), so it is a valid Gatekeeper lib.
# scope: package
package lib.refguard.gatekeeper

import data.lib.refguard.config as policy_config
import data.lib.refguard.context
import data.lib.refguard.inventory
import data.lib.refguard.narrow
import data.lib.refguard.refs
import data.lib.refguard.result

# parameters of the constraint under evaluation ({} when it has none).
parameters := object.get(input, "parameters", {})

profile := p if {
	p := parameters.profile
	is_string(p)
} else := "spec"

# config builds the policy config from the profile, the severity overrides,
# the backend kinds the install accepts beyond the profile's (parameter
# backendKinds: ["group/Kind", …]) and those it looks up (parameter
# backendLookups: [{kind, version, resource, port}], which the sync config
# must replicate too).
# Without lookups the config leaves the key out, so that the profile takes
# its shortest path (lib.refguard.config.profile) on every review.
config(severity) := {"profile": profile, "severity": severity, "backend_kinds": backend_kinds} if {
	count(backend_lookups) == 0
} else := {"profile": profile, "severity": severity, "backend_kinds": backend_kinds, "backend_lookups": backend_lookups}

backend_kinds := [k | some k in parameters.backendKinds; is_string(k)] if {
	is_array(parameters.backendKinds)
} else := []

backend_lookups := [l | some l in parameters.backendLookups; is_object(l)] if {
	is_array(parameters.backendLookups)
} else := []

# route_context is the context of the route under review, if it is one:
# over the narrow inventory (lib.refguard.narrow) and, when a finding scans
# a namespace, over the namespaces the route can reach.
route_context(cfg) := ctx if {
	refs.is_route(input.review.object)
	narrow_inventory := inventory.narrow_for_route(input.review.object, policy_config.profile(policy_config.effective(cfg)), _collections)
	ctx := context.build(input.review.object, narrow_inventory, cfg)
	narrow.complete(ctx)
} else := context.build(input.review.object, inventory.for_route(input.review.object, _collections, policy_config.profile(policy_config.effective(cfg))), cfg) if {
	refs.is_route(input.review.object)
}

# _collections: refguard's table, a constant, unless the constraint
# declares backend lookups or its profile reads collections of its own
# (then the table with them).
_collections := refs.collections if {
	count(backend_lookups) == 0
	count(policy_config.profile_collections({"profile": profile})) == 0
} else := policy_config.collections({"profile": profile, "backend_lookups": backend_lookups})

# grant_context is the context of the ReferenceGrant under review, if it is one.
grant_context(cfg) := context.grant_context(input.review.object, cfg) if {
	refs.is_grant(input.review.object)
}

# report is the violation Gatekeeper reports for a finding (not named
# "violation": conftest would take it for an entrypoint): the message starts
# with the rule ID; details carry the finding's fields.
report(f) := {
	"msg": result.printable(sprintf("%s: %s (%s)", [f.rule, f.message, f.field])),
	"details": {
		"rule": f.rule,
		"name": f.name,
		"severity": f.severity,
		"field": f.field,
		"reason": f.reason,
		"fix": f.fix,
	},
}
