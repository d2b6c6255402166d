# METADATA
# title: contour profile
# description: |
#   Contour: Services only (ServiceImport is InvalidKind), BackendNotFound for
#   a missing Service, a port it lacks, a protocol mismatch and an
#   ExternalName Service (ExternalName is off unless enabled), Degraded for a
#   missing port, UnsupportedProtocol for any appProtocol outside
#   kubernetes.io/h2c, kubernetes.io/ws, http, https; a backendRef filter
#   other than a header modifier ignored (Accepted=False).
#   Sources and the versions they were read at: docs/profiles.md.
# scope: package
package lib.refguard.profiles.contour

profile := {
	"name": "contour",
	"filter_lookups": {},
	"controllers": ["projectcontour.io/gateway-controller"],
	"group_aliases": {},
	"kinds": {"": {"Service": "services"}},
	"reasons": {
		"filter": "",
		"kind": "InvalidKind",
		"grant": "RefNotPermitted",
		"port-missing": "Degraded",
		"port-invalid": "",
		"shape": "",
		"not-found": "BackendNotFound",
		"port-not-found": "BackendNotFound",
		"protocol": "BackendNotFound",
		"app-protocol": "UnsupportedProtocol",
		"externalname": "BackendNotFound",
		"no-backends": "Degraded",
		"tls-mismatch": "",
		"external-auth": "",
	},
	"externalname": "rejected",
	# Only header modifiers on a backendRef; any other filter there is
	# ignored, the route marked Accepted=False (UnsupportedValue) and its
	# requests served without it (gatewayapi_processor.go httpClusters,
	# grpcClusters; status_test.go "HTTPRouteFilterRequestMirror not yet
	# supported for httproute backendref"): RG111 warns, and the reference a
	# RequestMirror there names is never looked up.
	"backendref_filters": {
		"HTTPRoute": {"RequestHeaderModifier", "ResponseHeaderModifier"},
		"GRPCRoute": {"RequestHeaderModifier", "ResponseHeaderModifier"},
		"*": "any",
	},
	"backendref_filters_ignored": true,
	"app_protocols": {"allowed": {"*": {"kubernetes.io/h2c", "kubernetes.io/ws", "http", "https"}}},
	"never_cross_namespace": {},
	"join": "last",
	# A BackendTLSPolicy with a well-known CA set (System too), a CA of
	# another kind than ConfigMap or Secret, or a CA ConfigMap it cannot
	# find is not applied: Contour then proxies in plain text to the TLS
	# backend (lib.refguard.targets tls_policy_rejected).
	"tls_policy_checks": "contour",
}
