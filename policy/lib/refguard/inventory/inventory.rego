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

import data.lib.refguard.refs

# sources: collection → [groupVersion, Kind], most preferred first.
sources := {
	"services": [["v1", "Service"]],
	"serviceimports": [["multicluster.x-k8s.io/v1alpha1", "ServiceImport"]],
	"referencegrants": [
		["gateway.networking.k8s.io/v1", "ReferenceGrant"],
		["gateway.networking.k8s.io/v1beta1", "ReferenceGrant"],
	],
	"backends": [["gateway.envoyproxy.io/v1alpha1", "Backend"]],
	"backendtlspolicies": [
		["gateway.networking.k8s.io/v1", "BackendTLSPolicy"],
		["gateway.networking.k8s.io/v1alpha3", "BackendTLSPolicy"],
	],
}

_objects(ns, gv, kind) := objs if {
	objs := data.inventory.namespace[ns][gv][kind]
	is_object(objs)
} else := {}

# One version, or two with the first preferred (object.union: right wins).
_merged(collection, ns) := _objects(ns, gv, kind) if {
	[[gv, kind]] := sources[collection]
} else := object.union(_objects(ns, gv2, kind2), _objects(ns, gv1, kind1)) if {
	[[gv1, kind1], [gv2, kind2]] := sources[collection]
}

# for_route returns the inventory for the namespaces the route can reach.
for_route(route) := {collection: by_ns |
	some collection, _ in sources
	by_ns := {ns: objs |
		some ns in namespaces
		objs := _merged(collection, ns)
		count(objs) > 0
	}
} if {
	namespaces := refs.namespaces(route)
}

# present: some inventory data is available at all.
present if {
	some _ in data.inventory.namespace
}
