# METADATA
# title: nginx-gateway-fabric profile
# description: |
#   NGINX Gateway Fabric: Services (and InferencePools on HTTPRoutes), accepts
#   group: core, does not check the port protocol, UnsupportedValue for a
#   missing port and any per-backendRef filter, an ExternalName Service
#   (no DNS resolver assumed) not routed and not reported, and its own appProtocol table per route kind
#   (h2c on HTTP and gRPC routes, ws on HTTPRoutes only, wss on HTTPRoutes
#   with a BackendTLSPolicy and on TLSRoutes); a BackendTLSPolicy with more
#   than one CA reference, or a CA of another kind than ConfigMap or Secret,
#   and the backends of one rule under BackendTLSPolicies that differ, are
#   UnsupportedValue; an ExtensionRef to a SnippetsFilter or
#   AuthenticationFilter it does not find fails the rule (InvalidFilter);
#   the last failing reference's reason.
#   Sources and the versions they were read at: docs/profiles.md.
# scope: package
package lib.refguard.profiles.nginx_gateway_fabric

import data.lib.refguard.profiles.spec

# "core" is read as the core group, in backendRefs and ReferenceGrants.
_group_aliases := {"core": ""}

profile := {
	"name": "nginx-gateway-fabric",
	# filter_lookups: the ExtensionRef filter kinds it looks up in the
	# route's namespace (extension_ref_filter.go buildExtRefFilterResolvers):
	# one it does not find fails the rule's filters (common_filter.go
	# processRuleFilters: ResolvedRefs=False, InvalidFilter), and the rule
	# answers 500 without its backendRefs being resolved
	# (backend_refs.go addBackendRefsToRules skips the rule).
	"filter_lookups": {"gateway.nginx.org": {"SnippetsFilter": "snippetsfilters", "AuthenticationFilter": "authenticationfilters"}},
	"collections": {
		"snippetsfilters": {"kind": "SnippetsFilter", "apiVersions": ["gateway.nginx.org/v1alpha1"]},
		"authenticationfilters": {"kind": "AuthenticationFilter", "apiVersions": ["gateway.nginx.org/v1alpha1"]},
	},
	"filter_failure_skips_rule": true,
	"controllers": ["gateway.nginx.org/nginx-gateway-controller"],
	"group_aliases": _group_aliases,
	"kinds": spec.with_aliases(
		{
			"": {"Service": "services"},
			"inference.networking.k8s.io": {"InferencePool": ""},
		},
		_group_aliases,
	),
	"reasons": {
		"filter": "UnsupportedValue",
		"kind": "InvalidKind",
		"grant": "RefNotPermitted",
		"port-missing": "UnsupportedValue",
		"port-invalid": "",
		"shape": "",
		"not-found": "BackendNotFound",
		"port-not-found": "BackendNotFound",
		"protocol": "",
		"app-protocol": "UnsupportedProtocol",
		# An ExternalName Service without a DNS resolver in the Gateway's
		# NginxProxy is left out of the Gateway's upstreams, and the
		# condition checkExternalNameValidForGateways builds for it is kept
		# per Gateway for the data plane, never written to the route
		# (backend_refs.go createBackendRef; its test "ExternalName service
		# without DNS resolver" expects no condition).
		"externalname": "",
		"backend-tls": "UnsupportedValue",
		"tls-mismatch": "UnsupportedValue",
		# a rule whose ExternalAuth filter's backendRef fails: the rule is
		# rejected rather than proxied without authentication
		# (backend_refs.go invalidateRuleIfExternalAuthBackendUnresolved)
		"external-auth": "InvalidFilter",
		"no-backends": "",
		"filter-not-found": "InvalidFilter",
	},
	"externalname": "rejected",
	"externalname_fix": "give the NginxProxy of the route's Gateway a DNS resolver (spec.dnsResolver), which NGINX Gateway Fabric needs to route to an ExternalName Service",
	"backendref_filters": set(),
	"app_protocols": {
		"rejected": {
			"GRPCRoute": {"kubernetes.io/ws", "kubernetes.io/wss"},
			"TCPRoute": {"kubernetes.io/h2c", "kubernetes.io/ws", "kubernetes.io/wss"},
			"TLSRoute": {"kubernetes.io/h2c", "kubernetes.io/ws"},
			"UDPRoute": {"kubernetes.io/h2c", "kubernetes.io/ws", "kubernetes.io/wss"},
		},
		"wss_needs_tls": true,
	},
	"port_required": {"services"},
	# validateRouteBackendRef: only an HTTPRoute's references go through
	# validateBackendRefHTTPRoute, which knows InferencePool; the other
	# route kinds' references must be Services.
	"kind_route_kinds": {"InferencePool": {"HTTPRoute"}},
	"never_cross_namespace": {},
	# Every failing reference appends its condition in walk order
	# (backend_refs.go addBackendRefsToRules), after the conditions of the
	# route's rules (InvalidFilter), and the status keeps the last of each
	# type (status/prepare_requests.go prepareRouteStatus,
	# conditions.DeduplicateConditions).
	"join": "last",
	# What it refuses in the BackendTLSPolicy of a Service port: more than
	# one CA reference, one of another kind than ConfigMap or Secret
	# (lib.refguard.targets tls_policy_rejected). One configuration for
	# every backend of an HTTP or gRPC rule is its "tls-mismatch" reason
	# (resolve.tls_mismatches).
	"tls_policy_checks": "nginx-gateway-fabric",
}
