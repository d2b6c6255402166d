# METADATA
# title: refs
# description: |
#   Walks every backendRef location of every route kind and normalises each
#   reference (defaults for group, kind, namespace and weight). Pure functions
#   of the route object: no data lookups, usable in every context.
# scope: package
package lib.refguard.refs

route_kinds := {"HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"}

gateway_group := "gateway.networking.k8s.io"

# api_group returns the group part of an apiVersion ("" for the core group).
api_group(api_version) := group if {
	parts := split(api_version, "/")
	count(parts) == 2
	group := parts[0]
} else := ""

is_route(obj) if {
	api_group(obj.apiVersion) == gateway_group
	obj.kind in route_kinds
}

is_grant(obj) if {
	api_group(obj.apiVersion) == gateway_group
	obj.kind == "ReferenceGrant"
}

# namespace is the effective namespace of an object: "default" when unset.
namespace(obj) := ns if {
	ns := obj.metadata.namespace
	is_string(ns)
	ns != ""
} else := "default"

name(obj) := n if {
	n := obj.metadata.name
	is_string(n)
} else := ""

identity(obj) := {
	"apiVersion": object.get(obj, "apiVersion", ""),
	"kind": object.get(obj, "kind", ""),
	"namespace": namespace(obj),
	"name": name(obj),
}

# rules returns spec.rules when it is an array, else an empty array.
rules(route) := rs if {
	rs := route.spec.rules
	is_array(rs)
} else := []

_filters(holder) := fs if {
	fs := holder.filters
	is_array(fs)
} else := []

_backend_refs(rule) := bs if {
	bs := rule.backendRefs
	is_array(bs)
} else := []

# filter_kinds maps a filter field to the location kind it holds.
filter_kinds := {"requestMirror": "mirror", "externalAuth": "externalAuth"}

# locations lists every place a backendRef can live, with its exact field path.
# via: backendRef | mirror | externalAuth. order sorts them the way a
# controller walks a rule: backendRefs (and their filters) first, then the
# rule's filters.
locations(route) := (backend_locs | filter_locs) | nested_locs if {
	backend_locs := {loc |
		some i, rule in rules(route)
		some j, ref in _backend_refs(rule)
		loc := {
			"field": sprintf("spec.rules[%d].backendRefs[%d]", [i, j]),
			"rule": i, "via": "backendRef", "index": j,
			"order": [i, 0, j, -1, ""], "ref": ref,
		}
	}
	filter_locs := {loc |
		some i, rule in rules(route)
		some k, filter in _filters(rule)
		some key, via in filter_kinds
		ref := filter[key].backendRef
		loc := {
			"field": sprintf("spec.rules[%d].filters[%d].%s.backendRef", [i, k, key]),
			"rule": i, "via": via, "index": null,
			"order": [i, 1, k, -1, key], "ref": ref,
		}
	}
	nested_locs := {loc |
		some i, rule in rules(route)
		some j, backend in _backend_refs(rule)
		some k, filter in _filters(backend)
		some key, via in filter_kinds
		ref := filter[key].backendRef
		loc := {
			"field": sprintf("spec.rules[%d].backendRefs[%d].filters[%d].%s.backendRef", [i, j, k, key]),
			"rule": i, "via": via, "index": j,
			"order": [i, 0, j, k, key], "ref": ref,
		}
	}
}

_string_or(obj, key, fallback) := v if {
	v := obj[key]
	is_string(v)
	v != ""
} else := fallback

# normalize applies the API defaults to one location's reference.
normalize(route, loc) := rec if {
	ref := loc.ref
	is_object(ref)
	rec := object.union(loc, {
		"group": _group(ref),
		"kind": _string_or(ref, "kind", "Service"),
		"namespace": _string_or(ref, "namespace", namespace(route)),
		"name": object.get(ref, "name", null),
		"port": object.get(ref, "port", null),
		"weight": object.get(ref, "weight", 1),
		"explicit_group": "group" in object.keys(ref),
		"explicit_kind": "kind" in object.keys(ref),
		"cross_namespace": _string_or(ref, "namespace", namespace(route)) != namespace(route),
	})
} else := object.union(loc, {"malformed": true})

_group(ref) := g if {
	g := ref.group
	is_string(g)
} else := ""

# records returns the normalised references of a route, sorted by order.
records(route) := [rec |
	some loc in sort_locations(locations(route))
	rec := normalize(route, loc)
]

sort_locations(locs) := [loc |
	some key in sort([l.order | some l in locs])
	some loc in locs
	loc.order == key
]

# namespaces the route's references can point at, plus its own. Cheap on
# purpose (no field paths): adapters call it before building the inventory.
namespaces(route) := {namespace(route)} | {ns |
	some rule in rules(route)
	some holder in array.concat([rule], _backend_refs(rule))
	some ref in _refs_in(holder)
	ns := ref.namespace
	is_string(ns)
	ns != ""
}

# _refs_in: a backendRef holder itself, and the refs of its filters.
_refs_in(holder) := array.concat([holder], [ref |
	some filter in _filters(holder)
	some key, _ in filter_kinds
	ref := filter[key].backendRef
]) if is_object(holder)

else := []
