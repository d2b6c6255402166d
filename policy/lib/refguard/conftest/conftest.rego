# METADATA
# title: conftest adapter
# description: |
#   Adapts conftest's input to the core. With --combine, input is an array of
#   {path, contents}: every object in it is indexed once (keyed, last one
#   wins like kubectl apply) and serves as the inventory. One document at a
#   time, input is the document and there is no inventory: only the checks
#   that need no other object run, and a warning says so once per route.
#   Reads input only, so this package also loads as a Gatekeeper lib.
# scope: package
package lib.refguard.conftest

import data.lib.refguard.context
import data.lib.refguard.inventory as cluster_inventory
import data.lib.refguard.refs

combined if is_array(input)

# documents flattens files, multi-document files and kind: List.
_raw_documents := [doc |
	some file in input
	some doc in _as_list(file.contents)
] if combined

else := _as_list(input)

_as_list(x) := x if is_array(x)

else := [x]

objects := array.concat(
	[doc | some doc in _raw_documents; _is_object(doc); doc.kind != "List"],
	[item | some doc in _raw_documents; _is_object(doc); doc.kind == "List"; some item in doc.items; _is_object(item)],
)

_is_object(doc) if {
	is_object(doc)
	is_string(doc.apiVersion)
	is_string(doc.kind)
}

# Inventory collections, keyed namespace → name; the last object of a name wins.
_collections := {
	"services": ["", "Service"],
	"serviceimports": ["multicluster.x-k8s.io", "ServiceImport"],
	"referencegrants": [refs.gateway_group, "ReferenceGrant"],
	"backendtlspolicies": [refs.gateway_group, "BackendTLSPolicy"],
	"backends": ["gateway.envoyproxy.io", "Backend"],
}

# _positions: collection → namespace → name → [position of the last object
# of that name]. object.union_n merges the one-path objects in place and,
# for a path given twice, keeps the later array: linear in the set, where a
# partial rule (_positions[collection][ns][name] contains i) is quadratic —
# OPA checks each value such a rule produces against every path it produced
# before (2–3 s of every query at 21,000 objects, and conftest runs 46).
_positions := object.union_n([{collection: {ns: {name: [i]}}} |
	some i, obj in objects
	some collection, [group, kind] in _collections
	obj.kind == kind
	refs.api_group(obj.apiVersion) == group
	ns := refs.namespace(obj)
	name := refs.name(obj)
])

_indexed := {collection: {ns: {name: objects[i] | some name, [i] in by_name} | some ns, by_name in by_ns} |
	some collection, by_ns in _positions
}

inventory := object.union({c: {} | some c, _ in _collections}, _indexed) if combined

else := null

# inventory_for: the objects in the --combine set, plus a cluster inventory
# given with conftest --data (data.inventory, written by `refguard
# inventory`), restricted to the namespaces the route can reach — never the
# whole set: function arguments are compared on every call, so a whole-set
# inventory would make the check quadratic. Objects in the set win over the
# cluster's. null when there is neither.
inventory_for(route) := _restricted(route, cluster_inventory.for_route(route)) if {
	cluster_inventory.present
} else := _restricted(route, {}) if {
	combined
} else := null

_restricted(route, cluster) := {collection: by_ns |
	some collection, _ in _collections
	by_ns := {ns: objs |
		some ns in namespaces
		objs := object.union(object.get(cluster, [collection, ns], {}), _in_set(collection, ns))
		count(objs) > 0
	}
} if {
	namespaces := refs.namespaces(route)
}

_in_set(collection, ns) := object.get(inventory, [collection, ns], {}) if combined

else := {}

# Settings may be given with conftest --data as lib.refguard_settings
# ({"profile": …, "severity": {…}}).
settings := s if {
	s := data.lib.refguard_settings
	is_object(s)
} else := {}

contexts := {ctx |
	some obj in objects
	refs.is_route(obj)
	ctx := context.build(obj, inventory_for(obj), settings)
}

grant_contexts := {ctx |
	some obj in objects
	refs.is_grant(obj)
	ctx := context.grant_context(obj, settings)
}

# used_grants: "ns/name" of every grant that permits some reference in the set.
used_grants := {key |
	some ctx in contexts
	some key in context.used_grants(ctx)
}

is_deny(f) if f.severity == "error"

# result is what conftest prints: the message starts with the rule ID; the
# other keys are the finding's fields, shown as metadata.
result(f) := {
	"msg": sprintf("%s: %s (%s %s/%s %s)", [f.rule, f.message, f.object.kind, f.object.namespace, f.object.name, f.field]),
	"rule": f.rule,
	"name": f.name,
	"severity": f.severity,
	"reason": f.reason,
	"object": f.object,
	"field": f.field,
	"fix": f.fix,
}

# One document at a time, without a cluster inventory, there is nothing to
# resolve references against.
warn contains msg if {
	not combined
	not cluster_inventory.present
	refs.is_route(input)
	msg := sprintf(
		"refguard: %s %s/%s: cross-object checks (ReferenceGrants, Service existence, ports) need the whole set: run conftest with --combine",
		[input.kind, refs.namespace(input), refs.name(input)],
	)
}
