# METADATA
# title: kgateway profile
# description: |
#   kgateway: looks a backend up by group, kind, namespace, name and port
#   together. A Service port it lacks, or no port at all, is
#   BackendNotFound; its own gateway.kgateway.dev Backend declares its port
#   itself, so a port on a reference to one finds nothing (BackendNotFound).
#   No protocol or appProtocol check, ExternalName allowed, any backendRef
#   filter, the last failing reference's reason. An HTTPRoute may delegate
#   to child HTTPRoutes (a backendRef to gateway.networking.k8s.io
#   HTTPRoute, by name or "*", or to delegation.kgateway.dev label), in any
#   namespace without a ReferenceGrant.
#   Sources and the versions they were read at: docs/profiles.md.
# scope: package
package lib.refguard.profiles.kgateway

profile := {
	"name": "kgateway",
	"controllers": ["kgateway.dev/kgateway"],
	"group_aliases": {},
	"kinds": {
		"": {"Service": "services"},
		"gateway.kgateway.dev": {"Backend": ""},
		# route delegation: the children are not looked up (not modelled)
		"gateway.networking.k8s.io": {"HTTPRoute": ""},
		"delegation.kgateway.dev": {"label": ""},
	},
	"reasons": {
		"filter": "",
		"kind": "InvalidKind",
		"grant": "RefNotPermitted",
		"port-missing": "BackendNotFound",
		"port-invalid": "",
		"shape": "",
		"not-found": "BackendNotFound",
		"port-not-found": "BackendNotFound",
		"protocol": "",
		"app-protocol": "",
		"externalname": "",
		"no-backends": "",
		"tls-mismatch": "",
	},
	"externalname": "allowed",
	"backendref_filters": "any",
	"app_protocols": {},
	"port_required": {"services"},
	"portless_kinds": {["gateway.kgateway.dev", "Backend"]},
	"never_cross_namespace": {},
	# Delegation is resolved apart from backends, with no grant check
	# (krtcollections getBackends: IsDelegatedHTTPRoute before
	# GetBackendFromRef), and only from an HTTPRoute.
	"grant_free_kinds": {"HTTPRoute", "label"},
	"kind_route_kinds": {"HTTPRoute": {"HTTPRoute"}, "label": {"HTTPRoute"}},
	"join": "last",
}
