# METADATA
# title: narrow
# description: |
#   The least of an inventory a route's resolution reads, for the adapters
#   over replicated data (kube-mgmt's data.kubernetes, Gatekeeper's
#   data.inventory). The stores of an OPA server and of Gatekeeper hold plain
#   JSON and turn what a query reads into OPA values on every query, keyed
#   lookups lazily and anything put into a new object whole; an inventory of
#   whole namespaces converted every Service and ReferenceGrant of the
#   namespaces a route reaches on every review. A narrow inventory holds each
#   referenced object by name, the ReferenceGrants of a target namespace
#   that can permit one of its references (see grant_targets) and the
#   BackendTLSPolicies that name a referenced backend. Resolution over it is
#   resolution over the whole inventory; two rules' findings scan a
#   namespace whole (the near misses of RG102, the suggestions of RG103), so
#   an adapter builds the whole inventory again when complete fails.
# scope: package
package lib.refguard.narrow

import data.lib.refguard.refs
import data.lib.refguard.resolve

# targets: [collection, namespace, name] of every object the route's
# references resolve to under profile, in the collection resolution looks
# it up in (none for a kind the profile accepts without a lookup).
targets(route, profile) := {[coll, rec.namespace, rec.name] |
	some rec in refs.records(route)
	not rec.malformed
	is_string(rec.name)
	coll := resolve.collection(rec, profile)
	coll != ""
	not coll in resolve.host_collections # found by host, not by name: the whole inventory is read
} | filter_targets(route, profile)

# filter_targets: [collection, namespace, name] of the objects the
# ExtensionRef filters of the route's rules and backendRefs name, of the
# kinds the profile looks up (lib.refguard.resolve.looked_up_filters).
filter_targets(route, profile) := set() if {
	count(object.get(profile, "filter_lookups", {})) == 0
} else := {[coll, ns, ext.name] |
	ns := refs.namespace(route)
	some rule in refs.rules(route)
	some holder in array.concat([rule], object.get(rule, "backendRefs", []))
	some [_, ext, coll] in resolve.looked_up_filters(holder, profile)
}

# every_namespace: the route delegates to the routes of a collection in
# every namespace (a profile's delegation by label, with its wildcard
# namespace: lib.refguard.resolve.delegation_candidates), so an adapter
# reads that collection's every namespace, as a cluster-wide one's.
every_namespace(collection, route, profile) if {
	collection in resolve.delegation_collections
	spec := profile.delegation
	some rec in refs.records(route)
	rec.kind == spec.label_kind
	rec.namespace == spec.every_namespace
}

# derived_targets: [collection, namespace, name] of the objects that the
# objects found by name ({[collection, namespace, name]: object}) stand
# for under profile (its derived_targets: Cilium reads a ServiceImport
# through the Service its derived-service annotation names), which an
# adapter fetches beside them.
derived_targets(found, profile) := {[spec.collection, t[1], name] |
	some t, obj in found
	spec := profile.derived_targets[t[0]]
	name := resolve.derived_name(obj, spec)
	name != null
}

# namesakes: {collection: {name}} of the route's references that
# resolution finds by name. RG102 and RG103 name the other namespaces that
# hold an object of a missing reference's name and kind; an adapter whose inventory
# holds only the namespaces a route reaches adds these objects from every
# namespace (by key: one lookup per namespace and name).
namesakes(route, profile) := {coll: names |
	some [coll, _, _] in targets(route, profile)
	names := {name | some [c, _, name] in targets(route, profile); c == coll}
}

# grant_targets: {namespace: {name}} of the route's cross-namespace
# references, with "" (a to entry without a name allows every name): a
# ReferenceGrant of the namespace is a candidate when a from entry names the
# route's namespace and a to entry one of these names (the index
# lib.refguard.grants reads, by_from_to_entries, has the same keys; permitting
# checks every field).
grant_targets(route) := {ns: names |
	some ns in {rec.namespace | some rec in _cross_namespace(route)}
	names := {""} | {rec.name | some rec in _cross_namespace(route); rec.namespace == ns}
}

_cross_namespace(route) := [rec |
	some rec in refs.records(route)
	not rec.malformed
	rec.cross_namespace
]

# tls_targets: {namespace: {name}} of the backends whose BackendTLSPolicies
# resolution reads (the references of the route kinds that carry TLS to a
# backend: HTTP, gRPC and TLS routes).
tls_targets(route) := {ns: names |
	route.kind in {"HTTPRoute", "GRPCRoute", "TLSRoute"}
	some ns in {rec.namespace | some rec in refs.records(route); not rec.malformed}
	names := {rec.name |
		some rec in refs.records(route)
		not rec.malformed
		rec.namespace == ns
	}
}

# ca_targets: {namespace: {name}} of the ConfigMaps that BackendTLSPolicies
# ({namespace: {name: policy}}, as tls_targets finds them) name as CA
# certificates: a policy's CA references are local to its namespace.
ca_targets(tls_policies) := {ns: names |
	some ns, policies in tls_policies
	names := {ca.name |
		some policy in policies
		some ca in object.get(policy, ["spec", "validation", "caCertificateRefs"], [])
		object.get(ca, "kind", "") == "ConfigMap"
		is_string(ca.name)
	}
	count(names) > 0
}

# inventory: the narrow inventory of the objects an adapter found by name
# ({[collection, namespace, name]: object}), the candidate ReferenceGrants
# ({namespace: {name: grant}}, see grant_targets), the BackendTLSPolicies
# naming a referenced backend ({namespace: {name: policy}}) and the
# ConfigMaps they name as CAs (ca_targets: {namespace: {name: configmap}}). Built with comprehensions, not merged with
# object.union_n, which copies every object it merges; the collections of
# a config's backend_lookups come in by the same comprehension.
inventory(found, candidate_grants, tls_policies, configmaps) := inv if {
	not _declared_in(found)
	inv := {
		"services": _found_in("services", found),
		"serviceimports": _found_in("serviceimports", found),
		"backends": _found_in("backends", found),
		"referencegrants": candidate_grants,
		"backendtlspolicies": tls_policies,
		"configmaps": configmaps,
	}
} else := object.union(
	{coll: _found_in(coll, found) | some [coll, _, _], _ in found},
	{
		"services": _found_in("services", found),
		"serviceimports": _found_in("serviceimports", found),
		"backends": _found_in("backends", found),
		"referencegrants": candidate_grants,
		"backendtlspolicies": tls_policies,
		"configmaps": configmaps,
	},
)

# _declared_in: the route reaches a collection of a config's backend
# lookups, which the literal above does not name (the literal is the
# common case, and cheaper per review than a union).
_declared_in(found) if {
	some [coll, _, _], _ in found
	not coll in {"services", "serviceimports", "backends"}
}

_found_in(coll, found) := {ns: {name: obj |
	some t, obj in found
	t[0] == coll
	t[1] == ns
	name := t[2]
} |
	some t, _ in found
	t[0] == coll
	ns := t[1]
}

# scanning_steps: the resolution steps whose findings read a namespace of
# the inventory whole: RG102 lists the grants that nearly permit a reference
# (lib.refguard.grants.near_misses), RG103 suggests names from the target's
# namespace, RG113 from the ConfigMaps of the BackendTLSPolicy's.
scanning_steps := {"grant", "not-found", "backend-tls-ca", "backend-filter-not-found"}

# complete: the context's findings are those of the whole inventory (RG115
# suggests names from the route's namespace for a missing filter object).
complete(ctx) if {
	every rec in ctx.records {
		not rec.resolution.step in scanning_steps
	}
	not _rule_filters_fail(ctx)
}

_rule_filters_fail(ctx) if {
	count(ctx.profile.filter_lookups) > 0 # most profiles look no filter up
	count(resolve.rule_filter_failures(ctx.route, ctx.inv, ctx.profile)) > 0
}
