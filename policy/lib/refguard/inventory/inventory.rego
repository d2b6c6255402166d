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
import data.lib.refguard.profiles
import data.lib.refguard.refs

# sources: collection → [apiVersion, Kind], most preferred first, of
# lib.refguard.refs.collections and the collections profiles read beside
# them (kgateway's child HTTPRoutes): what the generated sync config asks
# Gatekeeper to replicate, so that a constraint under any profile finds
# what it reads.
sources := {c: [[api_version, spec.kind] | some api_version in spec.apiVersions] |
	some c, spec in object.union(_profile_collections, refs.collections)
}

_profile_collections := object.union_n([object.get(p, "collections", {}) | some p in profiles.profiles])

_objects(ns, gv, kind) := objs if {
	objs := data.inventory.namespace[ns][gv][kind]
	is_object(objs)
} else := {}

# One version, or two with the first preferred (object.union: right
# wins), of a collection (lib.refguard.refs.collections' shape).
_merged(spec, ns) := _objects(ns, api_version, spec.kind) if {
	[api_version] := spec.apiVersions
} else := object.union(_objects(ns, second, spec.kind), _objects(ns, first, spec.kind)) if {
	[first, second] := spec.apiVersions
}

# for_route returns the inventory for the namespaces the route can reach,
# of a table of collections (lib.refguard.refs.collections, or a config's
# with its backend lookups: lib.refguard.config.collections). The table is
# read as it is: building sources from it would cost every review.
# Beside them, the objects of any other namespace that bear the name of one
# of the route's references (lib.refguard.narrow.namesakes).
for_route(route, collections, profile) := object.union(reachable, namesakes) if {
	namespaces := refs.namespaces(route)
	reachable := {collection: by_ns |
		some collection, spec in collections
		by_ns := {ns: objs |
			some ns in _reachable(collection, namespaces, route, profile)
			objs := _merged(spec, ns)
			count(objs) > 0
		}
	}
	namesakes := {collection: by_ns |
		some collection, names in narrow.namesakes(route, profile)
		spec := collections[collection]
		by_ns := {ns: objs |
			some ns in _namesakes(spec, names)
			objs := {name: obj | some name in names; obj := _object(spec, ns, name)}
		}
	}
}

# _namesakes: the namespaces holding an object of one of names, by key.
_namesakes(spec, names) := {ns |
	some name in names
	some gv in spec.apiVersions
	data.inventory.namespace[ns][gv][spec.kind][name]
}

_reachable(collection, namespaces, route, profile) := object.keys(object.get(data.inventory, "namespace", {})) if {
	collection in refs.cluster_wide
} else := object.keys(object.get(data.inventory, "namespace", {})) if {
	narrow.every_namespace(collection, route, profile)
} else := namespaces

# narrow_for_route: what resolution reads (lib.refguard.narrow), read by
# key. Iterating a synced namespace converts only the fields a test reads,
# and what goes into the inventory whole, so only the candidates go in.
# (The objects read are never passed to a function: a function's arguments
# are hashed for its cache, which converts them whole.)
narrow_for_route(route, profile, collections) := narrow.inventory(object.union(named, derived), candidate_grants, tls_policies, configmaps) if {
	named := {t: obj |
		some t in narrow.targets(route, profile)
		[coll, ns, name] := t
		obj := _object(collections[coll], ns, name)
	}
	derived := {t: obj |
		some t in narrow.derived_targets(named, profile)
		[coll, ns, name] := t
		obj := _object(collections[coll], ns, name)
	}
	route_ns := refs.namespace(route)
	candidate_grants := {ns: _in_versions("referencegrants", ns, route_ns, names) |
		some ns, names in narrow.grant_targets(route)
	}
	tls_policies := {ns: _in_versions("backendtlspolicies", ns, "", names) |
		some ns, names in narrow.tls_targets(route)
	}
	configmaps := {ns: {name: cm | some name in names; cm := _object(refs.collections.configmaps, ns, name)} |
		some ns, names in narrow.ca_targets(tls_policies)
	}
}

# _object: one object by name, from the first listed version of its
# collection (lib.refguard.refs.collections' shape) that holds it.
_object(spec, ns, name) := obj if {
	obj := data.inventory.namespace[ns][spec.apiVersions[0]][spec.kind][name]
} else := obj if {
	obj := data.inventory.namespace[ns][spec.apiVersions[1]][spec.kind][name]
}

# _in_versions: the candidates of a collection's versions. A name held in
# the first listed version is that version's object (as in _merged), a
# candidate or not.
# Read from refs.collections itself, a constant: sources is a
# comprehension, evaluated again by every review.
_in_versions(coll, ns, from_ns, names) := _candidates(coll, ns, gv, kind, from_ns, names) if {
	spec := refs.collections[coll]
	[gv] := spec.apiVersions
	kind := spec.kind
} else := object.union(second, _candidates(coll, ns, gv1, kind1, from_ns, names)) if {
	spec := refs.collections[coll]
	[gv1, gv2] := spec.apiVersions
	kind1 := spec.kind
	kind2 := spec.kind
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
