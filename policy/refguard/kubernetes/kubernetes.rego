# METADATA
# title: kubernetes inventory adapter
# description: |
#   Builds a route's context from data replicated by kube-mgmt
#   (data.kubernetes.<resource>[namespace][name]): first over the narrow
#   inventory (lib.refguard.narrow: each referenced object by name, the
#   candidate ReferenceGrants, the BackendTLSPolicies naming a backend),
#   and, when a finding scans a namespace, over the whole namespaces the
#   route can reach. Keyed lookups only, never a scan of every Service.
# scope: package
package refguard.kubernetes

import data.lib.refguard.config
import data.lib.refguard.context
import data.lib.refguard.narrow
import data.lib.refguard.refs

# route_context: the route's context under settings cfg.
route_context(route, cfg) := ctx if {
	profile := config.profile(config.effective(cfg))
	ctx := context.build(route, narrow_inventory(route, profile), cfg)
	narrow.complete(ctx)
} else := context.build(route, inventory(route, cfg, config.profile(config.effective(cfg))), cfg)

# narrow_inventory: what resolution reads (lib.refguard.narrow), read by
# key. Iterating a replicated namespace converts only the fields a test
# reads, and what goes into the inventory whole, so only the candidates go
# in. (The objects read are never passed to a function: a function's
# arguments are hashed for its cache, which converts them whole.)
narrow_inventory(route, profile) := narrow.inventory(object.union(named, derived), candidate_grants, tls_policies, configmaps) if {
	named := {t: obj |
		some t in narrow.targets(route, profile)
		[coll, ns, name] := t
		obj := data.kubernetes[coll][ns][name]
	}
	derived := {t: obj |
		some t in narrow.derived_targets(named, profile)
		[coll, ns, name] := t
		obj := data.kubernetes[coll][ns][name]
	}
	route_ns := refs.namespace(route)
	candidate_grants := {ns: _candidate_grants(ns, route_ns, names) |
		some ns, names in narrow.grant_targets(route)
	}
	tls_policies := {ns: _tls_policies(ns, names) |
		some ns, names in narrow.tls_targets(route)
	}
	configmaps := {ns: {name: cm | some name in names; cm := data.kubernetes.configmaps[ns][name]} |
		some ns, names in narrow.ca_targets(tls_policies)
	}
}

# _candidate_grants: the ReferenceGrants of ns that can permit a reference
# from namespace from_ns to one of names (lib.refguard.narrow.grant_targets).
_candidate_grants(ns, from_ns, names) := {name: grant |
	some name, grant in data.kubernetes.referencegrants[ns]
	some to in grant.spec.to
	object.get(to, "name", "") in names
	some from in grant.spec.from
	from.namespace == from_ns
}

# _tls_policies: the BackendTLSPolicies of ns that target one of names.
_tls_policies(ns, names) := {name: policy |
	some name, policy in data.kubernetes.backendtlspolicies[ns]
	some ref in policy.spec.targetRefs
	ref.name in names
}

_reachable(collection, namespaces, route, profile) := object.keys(object.get(data.kubernetes, collection, {})) if {
	collection in refs.cluster_wide
} else := object.keys(object.get(data.kubernetes, collection, {})) if {
	narrow.every_namespace(collection, route, profile)
} else := namespaces

# inventory: every object of the namespaces the route can reach (RG102's
# near misses and RG103's suggestions read them), of refguard's collections
# and the settings' backend_lookups, and the objects of other namespaces
# that bear the name of one of the route's references (RG102 and RG103 name
# their namespaces: lib.refguard.narrow.namesakes). Namespaces without
# replicated objects are simply absent; the core reads the inventory with
# defaults.
inventory(route, cfg, profile) := object.union(reachable, namesakes) if {
	namespaces := refs.namespaces(route)
	reachable := {collection: by_ns |
		some collection, _ in config.collections(cfg)
		by_ns := {ns: objs |
			some ns in _reachable(collection, namespaces, route, profile)
			objs := data.kubernetes[collection][ns]
		}
	}
	namesakes := {collection: {ns: objs |
		some ns in {n | some name in names; data.kubernetes[collection][n][name]}
		objs := {name: obj | some name in names; obj := data.kubernetes[collection][ns][name]}
	} |
		some collection, names in narrow.namesakes(route, profile)
	}
}
