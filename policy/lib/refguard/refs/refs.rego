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

# with_article: a kind with its indefinite article, as it is read aloud
# ("an HTTPRoute", "a GRPCRoute", "a UDPRoute", "an XBackend").
with_article(kind) := concat(" ", ["an", kind]) if {
	regex.match(`^(HTTP|[AEIO]|U[a-z]|X[A-Z])`, kind)
} else := concat(" ", ["a", kind])

# collections: the one table of the objects references resolve against.
# Each inventory collection, named as kube-mgmt names the replicated
# resource (data.kubernetes.<collection>[namespace][name]), holds the
# objects of one kind, served at the apiVersions listed (one API group),
# most preferred first: those a synced store (Gatekeeper's data.inventory)
# may hold them under. apiVersions are full strings, so the adapters read
# them as they are, with no call per review.
# Every adapter, the Gatekeeper sync config and the CLI's Go index read
# this table; a user's backend_lookups add to it (lib.refguard.config).
collections := {
	"services": {"kind": "Service", "apiVersions": ["v1"]},
	"serviceimports": {"kind": "ServiceImport", "apiVersions": ["multicluster.x-k8s.io/v1alpha1", "multicluster.x-k8s.io/v1beta1"]},
	"referencegrants": {"kind": "ReferenceGrant", "apiVersions": ["gateway.networking.k8s.io/v1", "gateway.networking.k8s.io/v1beta1"]},
	"backendtlspolicies": {"kind": "BackendTLSPolicy", "apiVersions": ["gateway.networking.k8s.io/v1", "gateway.networking.k8s.io/v1alpha3"]},
	"backends": {"kind": "Backend", "apiVersions": ["gateway.envoyproxy.io/v1alpha1"]},
	"serviceentries": {"kind": "ServiceEntry", "apiVersions": ["networking.istio.io/v1", "networking.istio.io/v1beta1"]},
	"configmaps": {"kind": "ConfigMap", "apiVersions": ["v1"]},
}

# collection_group: the API group of a collection's objects.
collection_group(spec) := api_group(spec.apiVersions[0])

# group_version: the apiVersion of a group's version ("v1" for the core group).
group_version(group, version) := version if group == ""

else := concat("/", [group, version])

# api_versions: the Gateway API versions, of the objects refguard reviews,
# that an API server may not serve, keyed by kind and full apiVersion (one
# keyed lookup per object; a literal, so that no query has to build it).
# "experimental": served only by the experimental channel's CRDs (routes,
# since v1.6); "unserved": served by no release since the one given, so the
# API server rejects the object and a ReferenceGrant at such a version
# permits nothing.
api_versions := {
	"HTTPRoute": {"gateway.networking.k8s.io/v1alpha2": {"unserved": "v0.8"}},
	"GRPCRoute": {"gateway.networking.k8s.io/v1alpha2": {"unserved": "v1.2"}},
	"TLSRoute": {
		"gateway.networking.k8s.io/v1alpha2": {"experimental": true},
		"gateway.networking.k8s.io/v1alpha3": {"experimental": true},
	},
	"TCPRoute": {"gateway.networking.k8s.io/v1alpha2": {"experimental": true}},
	"UDPRoute": {"gateway.networking.k8s.io/v1alpha2": {"experimental": true}},
	"ReferenceGrant": {"gateway.networking.k8s.io/v1alpha2": {"unserved": "v1.2"}},
}

# use_versions: the apiVersion to write instead, for each kind of
# api_versions (ReferenceGrant v1beta1: every release serves it, v1 only
# v1.5 and later).
use_versions := {
	"HTTPRoute": "gateway.networking.k8s.io/v1",
	"GRPCRoute": "gateway.networking.k8s.io/v1",
	"TLSRoute": "gateway.networking.k8s.io/v1",
	"TCPRoute": "gateway.networking.k8s.io/v1",
	"UDPRoute": "gateway.networking.k8s.io/v1",
	"ReferenceGrant": "gateway.networking.k8s.io/v1beta1",
}

# unserved_since: the release since which no Gateway API release serves the
# object's apiVersion (undefined when served).
unserved_since(obj) := api_versions[obj.kind][obj.apiVersion].unserved

# use_version: the apiVersion to write for a kind of api_versions.
use_version(kind) := use_versions[kind]

# cluster_wide: collections whose objects a reference finds in any
# namespace (a ServiceEntry's hosts are visible from every namespace unless
# its exportTo says otherwise, which refguard does not model); an inventory
# for one route holds every namespace of these.
cluster_wide := {"serviceentries"}

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

# mesh_only: every parentRef of the route is a mesh parent, a Service (or
# Istio's ServiceEntry): a GAMMA route, which augments a Service and may
# send its traffic to backendRefs in any namespace without a ReferenceGrant
# (GEP-1294; conformance MeshConsumerRoute; Istio enforces grants only for
# Gateway parents). A route with any other parent, or none, is a Gateway's.
mesh_only(route) if {
	parents := route.spec.parentRefs
	is_array(parents)
	count(parents) > 0
	every parent in parents {
		_mesh_parent(parent)
	}
}

_mesh_parent(parent) if {
	object.get(parent, "group", "gateway.networking.k8s.io") == ""
	object.get(parent, "kind", "Gateway") == "Service"
}

_mesh_parent(parent) if {
	object.get(parent, "group", "gateway.networking.k8s.io") == "networking.istio.io"
	object.get(parent, "kind", "Gateway") == "ServiceEntry"
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

# Most rules and references have no filters: one body decides that case.
_filters(holder) := fs if {
	is_object(holder)
	fs := object.get(holder, "filters", [])
	is_array(fs)
} else := []

# extension_filters: [index, extensionRef] of the ExtensionRef filters of
# a rule or a backendRef (holder) whose extensionRef is an object: the
# filters an implementation looks up by group, kind and name in the
# route's namespace (a LocalObjectReference).
extension_filters(holder) := [[k, ext] |
	some k, filter in _filters(holder)
	filter.type == "ExtensionRef"
	ext := filter.extensionRef
	is_object(ext)
]

# extension_group: an extensionRef's group ("" for the core group, as the
# API server leaves it when it is left out).
extension_group(ext) := _group(ext)

_backend_refs(rule) := bs if {
	bs := rule.backendRefs
	is_array(bs)
} else := []

# filter_kinds maps a filter field to the location kind it holds.
filter_kinds := {"requestMirror": "mirror", "externalAuth": "externalAuth"}

# filter_types maps a filter location kind to its filter's type.
filter_types := {"mirror": "RequestMirror", "externalAuth": "ExternalAuth"}

# The filter fields in the order a controller walks them.
_filter_keys := ["externalAuth", "requestMirror"]

_string_or(obj, key, fallback) := v if {
	v := obj[key]
	is_string(v)
	v != ""
} else := fallback

# _kind: the kind given, even an empty one (the API server rejects that,
# RG505), else Service.
_kind(ref) := k if {
	k := ref.kind
	is_string(k)
} else := "Service"

_group(ref) := g if {
	g := ref.group
	is_string(g)
} else := ""

# backendless_rules: the indices of an HTTPRoute's or GRPCRoute's rules
# with no backendRefs (left out or empty) and no filter that answers by
# itself (RequestRedirect, or an ExtensionRef an implementation may use).
# The conformance tests want a 500 for such a rule; some controllers drop
# it and say so in status (a profile's "no-backends" reason).
backendless_rules(route) := [i |
	route.kind in {"HTTPRoute", "GRPCRoute"}
	some i, rule in rules(route)
	is_object(rule)
	count(object.get(rule, "backendRefs", [])) == 0
	not _answers_itself(rule)
]

_answers_itself(rule) if {
	some filter in _filters(rule)
	filter.type in {"RequestRedirect", "ExtensionRef"}
}

# records returns one normalised record per backendRef location, in the
# order a controller walks a rule: each backendRef followed by the refs of
# its own filters, then the refs of the rule's filters. A record carries the
# location (field, rule, via, index, ref) and the reference with the
# API defaults applied. A filter's backendRef is required: a requestMirror
# or externalAuth without one is a record whose ref is null (malformed),
# not a location skipped (group, kind, namespace, name, port, weight). One
# pass over the route, no sorting: this runs for every route on every path.
records(route) := [rec |
	route_ns := namespace(route)
	some i, rule in rules(route)
	some loc in array.concat(_backend_locations(i, rule), _filter_locations(i, rule))
	rec := _record(route_ns, loc)
]

_backend_locations(i, rule) := [loc |
	some j, ref in _backend_refs(rule)
	some loc in array.concat(
		[{
			"field": sprintf("spec.rules[%d].backendRefs[%d]", [i, j]),
			"rule": i, "via": "backendRef", "index": j,
			"ref": ref,
		}],
		[nested |
			some k, filter in _filters(ref)
			some key in _filter_keys
			holder := filter[key]
			is_object(holder)
			nested := {
				"field": sprintf("spec.rules[%d].backendRefs[%d].filters[%d].%s.backendRef", [i, j, k, key]),
				"rule": i, "via": filter_kinds[key], "index": j,
				"ref": object.get(holder, "backendRef", null),
			}
		],
	)
]

_filter_locations(i, rule) := [loc |
	some k, filter in _filters(rule)
	some key in _filter_keys
	holder := filter[key]
	is_object(holder)
	loc := {
		"field": sprintf("spec.rules[%d].filters[%d].%s.backendRef", [i, k, key]),
		"rule": i, "via": filter_kinds[key], "index": null,
		"ref": object.get(holder, "backendRef", null),
	}
]

_record(route_ns, loc) := rec if {
	ref := loc.ref
	is_object(ref)
	ns := _string_or(ref, "namespace", route_ns)
	rec := {
		"field": loc.field, "rule": loc.rule, "via": loc.via,
		"index": loc.index, "ref": ref,
		"group": _group(ref),
		"kind": _kind(ref),
		"namespace": ns,
		"name": object.get(ref, "name", null),
		"port": object.get(ref, "port", null),
		"weight": object.get(ref, "weight", 1),
		"cross_namespace": ns != route_ns,
	}
} else := object.union(loc, {"malformed": true})

# namespaces the route's references can point at, plus its own: what an
# adapter reads from its inventory before building the context.
namespaces(route) := ({namespace(route)} | {rec.namespace |
	some rec in records(route)
	not rec.malformed
}) | {parts[1] |
	# a reference by host (Istio's Hostname) to a Service's cluster
	# hostname, <name>.<namespace>.svc.cluster.local, reaches that namespace
	some rec in records(route)
	not rec.malformed
	is_string(rec.name)
	endswith(rec.name, ".svc.cluster.local")
	parts := split(rec.name, ".")
	count(parts) == 5
}
