# METADATA
# title: Gatekeeper-shaped inventory adapter
# description: |
#   Reads data.inventory.namespace[ns][groupVersion][Kind][name] — what
#   Gatekeeper syncs, and what `refguard inventory` writes for conftest
#   --data — for the namespaces a route can reach, accepting every served
#   version (ReferenceGrant v1 and v1beta1, BackendTLSPolicy v1 and
#   v1alpha3). When two versions hold the same name, the first listed wins.
#   Reads only data.inventory, so it is a valid Gatekeeper lib.
# scope: package
package lib.refguard.inventory

import data.lib.refguard.narrow
import data.lib.refguard.refs

# sources: collection → [groupVersion, Kind], most preferred first, of
# lib.refguard.refs.collections (what the generated sync config asks
# Gatekeeper to replicate).
sources := sources_of(refs.collections)

# sources_of: the same for a table of collections (the built-in ones and a
# config's backend_lookups, lib.refguard.config.collections).
sources_of(collections) := {c: [[refs.group_version(spec.group, v), spec.kind] | some v in spec.versions] |
	some c, spec in collections
}

_objects(ns, gv, kind) := objs if {
	objs := data.inventory.namespace[ns][gv][kind]
	is_object(objs)
} else := {}

# One version, or two with the first preferred (object.union: right wins).
_merged(versions, ns) := _objects(ns, gv, kind) if {
	[[gv, kind]] := versions
} else := object.union(_objects(ns, gv2, kind2), _objects(ns, gv1, kind1)) if {
	[[gv1, kind1], [gv2, kind2]] := versions
}

# for_route returns the inventory for the namespaces the route can reach,
# of the collections srcs names (sources, or sources_of a config's
# collections).
for_route(route, srcs) := {collection: by_ns |
	some collection, versions in srcs
	by_ns := {ns: objs |
		some ns in _reachable(collection, namespaces)
		objs := _merged(versions, ns)
		count(objs) > 0
	}
} if {
	namespaces := refs.namespaces(route)
}

_reachable(collection, namespaces) := object.keys(object.get(data.inventory, "namespace", {})) if {
	collection in refs.cluster_wide
} else := namespaces

# narrow_for_route: what resolution reads (lib.refguard.narrow), read by
# key. Iterating a synced namespace converts only the fields a test reads,
# and what goes into the inventory whole, so only the candidates go in.
# (The objects read are never passed to a function: a function's arguments
# are hashed for its cache, which converts them whole.)
narrow_for_route(route, profile, srcs) := narrow.inventory(found, candidate_grants, tls_policies) if {
	found := {t: obj |
		some t in narrow.targets(route, profile)
		[coll, ns, name] := t
		obj := _object(srcs[coll], ns, name)
	}
	route_ns := refs.namespace(route)
	candidate_grants := {ns: _in_versions("referencegrants", ns, route_ns, names) |
		some ns, names in narrow.grant_targets(route)
	}
	tls_policies := {ns: _in_versions("backendtlspolicies", ns, "", names) |
		some ns, names in narrow.tls_targets(route)
	}
}

# _object: one object by name, from the first listed version that holds it.
_object(versions, ns, name) := obj if {
	[gv, kind] := versions[0]
	obj := data.inventory.namespace[ns][gv][kind][name]
} else := obj if {
	[gv, kind] := versions[1]
	obj := data.inventory.namespace[ns][gv][kind][name]
}

# _in_versions: the candidates of a collection's versions. A name held in
# the first listed version is that version's object (as in _merged), a
# candidate or not.
_in_versions(coll, ns, from_ns, names) := _candidates(coll, ns, gv, kind, from_ns, names) if {
	[[gv, kind]] := sources[coll]
} else := object.union(second, _candidates(coll, ns, gv1, kind1, from_ns, names)) if {
	[[gv1, kind1], [gv2, kind2]] := sources[coll]
	second := {name: obj |
		some name, obj in _candidates(coll, ns, gv2, kind2, from_ns, names)
		not data.inventory.namespace[ns][gv1][kind1][name]
	}
}

# _candidates: the ReferenceGrants of a version that can permit a reference
# from namespace from_ns to one of names (lib.refguard.narrow.grant_targets),
# or the BackendTLSPolicies that target one of names.
_candidates("referencegrants", ns, gv, kind, from_ns, names) := {name: grant |
	some name, grant in data.inventory.namespace[ns][gv][kind]
	some to in grant.spec.to
	object.get(to, "name", "") in names
	some from in grant.spec.from
	from.namespace == from_ns
}

_candidates("backendtlspolicies", ns, gv, kind, _, names) := {name: policy |
	some name, policy in data.inventory.namespace[ns][gv][kind]
	some ref in policy.spec.targetRefs
	ref.name in names
}

# present: some inventory data is available at all.
present if {
	some _ in data.inventory.namespace
}
