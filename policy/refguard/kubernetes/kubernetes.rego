# METADATA
# title: kubernetes inventory adapter
# description: |
#   Builds the core's inventory from data replicated by kube-mgmt
#   (data.kubernetes.<resource>[namespace][name]), reading only the
#   namespaces the route can reach: a keyed lookup per namespace, never a
#   scan of every Service. The CLI loads its inventory in the same shape.
# scope: package
package refguard.kubernetes

import data.lib.refguard.refs

collections := ["services", "serviceimports", "referencegrants", "backendtlspolicies", "backends"]

# inventory: namespaces without replicated objects are simply absent; the
# core reads the inventory with defaults.
inventory(route) := {collection: by_ns |
	some collection in collections
	by_ns := {ns: objs |
		some ns in namespaces
		objs := data.kubernetes[collection][ns]
	}
} if {
	namespaces := refs.namespaces(route)
}
