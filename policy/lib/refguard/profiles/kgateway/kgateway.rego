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
#   namespace without a ReferenceGrant: the children are looked up
#   (lib.refguard.resolve.delegated_child), and a reference none of whose
#   children attaches to the route, or whose only children set hostnames,
#   is BackendNotFound; a route among its own children is a cycle,
#   RefNotPermitted. A rule's ExtensionRef to a TrafficPolicy or
#   DirectResponse it does not find replaces the rule with a direct 500,
#   outside ResolvedRefs.
#   Sources and the versions they were read at: docs/profiles.md.
# scope: package
package lib.refguard.profiles.kgateway

profile := {
	"name": "kgateway",
	# filter_lookups: a rule's ExtensionRef names one of its policies in the
	# route's namespace (krtcollections/policy.go resolveExtension); one
	# it does not find is ErrPolicyNotFound, a RouteAcceptanceError that
	# replaces the rule with a direct 500 (irtranslator/route.go
	# finalizeRoute) under kgateway.dev/Programmed=False, not ResolvedRefs.
	# A backendRef's ExtensionRefs are resolved with the error dropped
	# (getBackends), so a missing one there is not applied and fails
	# nothing (filter_lookups_on_backend_refs).
	"filter_lookups": {"gateway.kgateway.dev": {"TrafficPolicy": "trafficpolicies", "DirectResponse": "directresponses"}},
	"filter_lookups_on_backend_refs": false,
	"controllers": ["kgateway.dev/kgateway"],
	"group_aliases": {},
	"kinds": {
		"": {"Service": "services"},
		"gateway.kgateway.dev": {"Backend": ""},
		# route delegation: the children are HTTPRoutes, by name or "*", or
		# by the value of their delegation label
		"gateway.networking.k8s.io": {"HTTPRoute": "httproutes"},
		"delegation.kgateway.dev": {"label": "httproutes"},
	},
	# collections: inventory collections this profile reads beside
	# refguard's own (lib.refguard.config.collections): every adapter
	# indexes them only under this profile.
	"collections": {
		"httproutes": {"kind": "HTTPRoute", "apiVersions": ["gateway.networking.k8s.io/v1", "gateway.networking.k8s.io/v1beta1"]},
		"trafficpolicies": {"kind": "TrafficPolicy", "apiVersions": ["gateway.kgateway.dev/v1alpha1"]},
		"directresponses": {"kind": "DirectResponse", "apiVersions": ["gateway.kgateway.dev/v1alpha1"]},
	},
	# delegation: how a reference finds its child routes (query/route.go
	# fetchRoutesByRef, api/labels/delegation.go): the label kind selects
	# the routes whose label carries the reference's name, in its
	# namespace or, for the wildcard namespace, in every namespace; a child
	# with the annotation takes the parent's match instead of narrowing it
	# (api/annotations/delegation.go).
	"delegation": {"label_kind": "label", "label": "delegation.kgateway.dev/label", "every_namespace": "all", "inherit_annotation": "delegation.kgateway.dev/inherit-parent-matcher"},
	"reasons": {
		"filter": "",
		"kind": "InvalidKind",
		"grant": "RefNotPermitted",
		"port-missing": "BackendNotFound",
		"port-invalid": "",
		"shape": "",
		"not-found": "BackendNotFound",
		"delegation-cycle": "RefNotPermitted",
		"port-not-found": "BackendNotFound",
		"protocol": "",
		"app-protocol": "",
		"externalname": "",
		"no-backends": "",
		"tls-mismatch": "",
		"external-auth": "",
		"filter-not-found": "",
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
