# METADATA
# title: harness entrypoints
# description: |
#   What the refguard CLI evaluates, a batch of objects per query, with the
#   inventory in data.kubernetes (the kube-mgmt shape) loaded once, by
#   either evaluator (OPA's, or the policy compiled to Wasm), through the
#   same entrypoints. input: {"objects": [<route or grant>, …], "config":
#   {...}} and, for grants, "used_grants": ["ns/name", …] collected from the
#   route reports when the whole set is known; one report per object in
#   order (null for an object that is not a route, or a grant). A single
#   object is a batch of one.
# scope: package
package refguard.harness

import data.lib.refguard.all
import data.lib.refguard.context
import data.lib.refguard.refs
import data.lib.refguard.resolve
import data.lib.refguard.status

_config := object.get(input, "config", {})

# The CLI's inventory is already in the core's shape and its store hands out
# values without converting them, so the whole of it is the context's
# inventory: the core only reads it by namespace and name. (An OPA server
# converts what it reads unless configured not to; refguard.admission reads
# through refguard.kubernetes, key by key, for that reason.)
_inventory := data.kubernetes

# derived: collections the CLI adds to data.kubernetes once, after loading
# the inventory and before any route is evaluated: the indexes the core
# reads (lib.refguard.resolve.indexes), as [path, value] entries the CLI
# nests (engine.AssembleDerived), computed from the inventory collections
# derived_reads and derived_name_reads name, given as input (both
# evaluators hand over just those, instead of the whole inventory). Path
# elements are strings (JSON's object keys: the Wasm build hands the
# entries over as JSON).
derived := resolve.indexes(input)

derived_reads := {"referencegrants"}

# derived_name_reads: the collections derived reads by namespace and name
# only, which both evaluators hand over as {namespace: {name: true}}: the
# objects themselves would be parsed once more for nothing.
derived_name_reads := resolve.named_collections

# route_kinds: the kinds the CLI checks as routes. (Read here, not from
# lib.refguard.refs: OPA's Wasm compiler rejects an entrypoint in that
# package, which the Gatekeeper library imports.)
route_kinds := refs.route_kinds

# collections: the inventory collections the CLI indexes objects into
# (lib.refguard.refs.collections). Read here, not there: OPA's Wasm
# compiler rejects a function that reads a rule the build also exports as
# an entrypoint ("used as reference, not called"), and functions read the
# table.
collections := refs.collections

# duplicate_findings: the findings about objects the checked set defines
# more than once (input.duplicates: per object, its copies in the order the
# set was read).
duplicate_findings := all.duplicate_findings(input.duplicates, _config, resolve.inventory_fields)

# route_reports: a batch of routes in one query shares what every route
# reads the same way (the effective config and profile, the rule and
# catalog constants, memoised calls): 8 % of a 10k check's allocations.
route_reports := [_report_or_null(obj) | some obj in input.objects]

_report_or_null(obj) := _report(obj) if refs.is_route(obj)

else := null

_report(obj) := {
	"findings": all.route_findings(ctx),
	"condition": status.condition(ctx),
	"used_grants": context.used_grants(ctx),
	"backend_refs": count(ctx.records),
} if {
	ctx := context.build(obj, _inventory, _config)
}

# grant_reports: a batch of ReferenceGrants in one query (the CLI's Wasm
# evaluation), one report per object in order, null for an object that is
# not a grant. The used grants are bound once here and handed down: OPA's
# Wasm build evaluated _used_grants again for each grant (its interpreter
# keeps a rule's value for the query): 5,000 grants took 0.11 s that way,
# 0.07 s this way.
grant_reports := [_grant_report_or_null(obj, used) | some obj in input.objects] if {
	used := _used_grants
}

_grant_report_or_null(obj, used) := _grant_report(obj, used) if refs.is_grant(obj)

else := null

_grant_report(obj, used) := {"findings": findings} if {
	ctx := context.grant_context(obj, _config)
	findings := all.grant_findings(ctx) | _unused(ctx, used)
}

# used_grants arrives as a set (the CLI builds it once for every grant: a
# set rebuilt from an array in each grant's evaluation made the grant checks
# quadratic in the number of grants) or, from JSON, as an array, made a set
# once per query; absent (null), RG202 is not decided.
_used_grants := input.used_grants if {
	is_set(input.used_grants)
} else := {g | some g in input.used_grants} if {
	is_array(input.used_grants)
} else := null

_unused(ctx, used) := set() if {
	used == null
} else := all.set_findings(ctx, used)
