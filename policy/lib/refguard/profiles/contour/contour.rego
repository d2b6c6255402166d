# METADATA
# title: contour profile
# description: |
#   Contour: Services only (ServiceImport is InvalidKind), BackendNotFound for
#   a missing Service, a port it lacks, a protocol mismatch and an
#   ExternalName Service (ExternalName is off unless enabled), Degraded for a
#   missing port, UnsupportedProtocol for any appProtocol outside
#   kubernetes.io/h2c, kubernetes.io/ws, http, https.
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
	"backendref_filters": "any",
	"app_protocols": {"allowed": {"*": {"kubernetes.io/h2c", "kubernetes.io/ws", "http", "https"}}},
	"never_cross_namespace": {},
	"join": "last",
	# A BackendTLSPolicy with a well-known CA set (System too), a CA of
	# another kind than ConfigMap or Secret, or a CA ConfigMap it cannot
	# find is not applied: Contour then proxies in plain text to the TLS
	# backend (lib.refguard.targets tls_policy_rejected).
	"tls_policy_checks": "contour",
}
