# METADATA
# title: traefik profile
# description: |
#   Traefik: Services (group "" or core) and traefik.io TraefikServices,
#   UnsupportedProtocol for a missing port, a Service port that is not TCP
#   and an appProtocol outside its list (HTTPRoute: http, https,
#   kubernetes.io/h2c, kubernetes.io/ws, kubernetes.io/wss; GRPCRoute:
#   kubernetes.io/h2c, https), BackendNotFound for a missing Service, a port
#   it lacks and an ExternalName Service, InvalidKind for a backendRef filter
#   it cannot load, a TraefikService named name@provider (another
#   provider's service) on HTTP, TCP and TLS routes, and the last failing
#   reference's reason.
#   Sources and the versions they were read at: docs/profiles.md.
# scope: package
package lib.refguard.profiles.traefik

import data.lib.refguard.profiles.spec

# "core" is read as the core group, in backendRefs and ReferenceGrants.
_group_aliases := {"core": ""}

profile := {
	"name": "traefik",
	# filter_lookups: an ExtensionRef to a traefik.io Middleware names
	# <namespace>-<name>@kubernetescrd, the route's namespace
	# (provider/kubernetes/crd FillExtensionBuilderRegistry), unlooked at
	# translation and with no condition; at run time a router whose
	# middleware, or whose service's middleware, does not exist is not
	# built ("middleware ... does not exist", server/middleware
	# middlewares.go BuildChain), so the rule's requests get 404 or go to
	# another route that matches (filter_not_found_drops_rule).
	"filter_lookups": {"traefik.io": {"Middleware": "middlewares"}},
	"collections": {"middlewares": {"kind": "Middleware", "apiVersions": ["traefik.io/v1alpha1"]}},
	"filter_not_found_drops_rule": true,
	"controllers": ["traefik.io/gateway-controller"],
	"group_aliases": _group_aliases,
	"kinds": spec.with_aliases(
		{
			"": {"Service": "services"},
			"traefik.io": {"TraefikService": ""},
		},
		_group_aliases,
	),
	"reasons": {
		"filter": "InvalidKind",
		"kind": "InvalidKind",
		"grant": "RefNotPermitted",
		"namespace-set": "RefNotPermitted",
		"port-missing": "UnsupportedProtocol",
		"port-invalid": "",
		"shape": "",
		"not-found": "BackendNotFound",
		"port-not-found": "BackendNotFound",
		"protocol": "UnsupportedProtocol",
		"app-protocol": "UnsupportedProtocol",
		"externalname": "BackendNotFound",
		"backend-tls": "RefNotPermitted",
		"no-backends": "",
		"tls-mismatch": "",
		"external-auth": "",
		"filter-not-found": "",
		"backend-filter-not-found": "",
	},
	"externalname": "rejected",
	# rule_filters_unsupported: by route kind, the filter types holding a
	# reference that the controller does not support on a rule: it fails
	# the rule (loadMiddlewares, loadGRPCMiddlewares: "unsupported filter",
	# the router sent to a 500 service, UNAVAILABLE for gRPC), writes no
	# condition, and never looks the reference up.
	"rule_filters_unsupported": {
		"HTTPRoute": {"RequestMirror", "ExternalAuth"},
		"GRPCRoute": {"RequestMirror"},
	},
	"rule_filter_fixes": {
		"RequestMirror": "remove the RequestMirror filter and send the rule to a TraefikService that mirrors (spec.mirroring), a backend kind Traefik supports on HTTPRoutes",
		"ExternalAuth": "remove the ExternalAuth filter and authenticate with a ForwardAuth Middleware through an ExtensionRef filter",
	},
	"backendref_filters": {
		"HTTPRoute": {"RequestRedirect", "RequestHeaderModifier", "ResponseHeaderModifier", "ExtensionRef", "URLRewrite", "CORS"},
		"*": "any",
	},
	"app_protocols": {
		"allowed": {
			"HTTPRoute": {"http", "https", "kubernetes.io/h2c", "kubernetes.io/ws", "kubernetes.io/wss"},
			"GRPCRoute": {"kubernetes.io/h2c", "https"},
		},
		"tls_policy_sets_scheme": true,
	},
	"port_required": {"services"},
	# loadService (HTTPRoute) resolves TraefikServices; loadGRPCBackendRef
	# takes Services only, and loadTCPBackendRef a TraefikService only as a
	# service of another provider (provider_refs).
	"kind_route_kinds": {"TraefikService": {"HTTPRoute"}},
	# A TraefikService named name@provider (api@internal, whoami@file) is
	# another Traefik provider's service: loadHTTPBackendRef and
	# loadTCPBackendRef (TCPRoute, TLSRoute) accept it by kind alone, in any
	# group and without a lookup, and refuse it with any namespace set
	# (RefNotPermitted). GRPCRoute checks group and kind first.
	"provider_refs": {"kind": "TraefikService", "separator": "@", "route_kinds": {"HTTPRoute", "TCPRoute", "TLSRoute"}},
	"never_cross_namespace": {},
	"join": "last",
	# What it refuses in the BackendTLSPolicy of a Service port
	# (lib.refguard.targets tls_policy_rejected).
	"tls_policy_checks": "traefik",
}
