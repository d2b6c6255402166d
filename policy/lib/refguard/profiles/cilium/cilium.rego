# METADATA
# title: cilium profile
# description: |
#   Cilium: Services and ServiceImports (read through the Service their
#   derived-service annotation names), a missing port is InvalidKind for
#   every kind, a missing Service or a port it lacks is BackendNotFound, no
#   protocol or appProtocol check, ExternalName allowed. It checks every
#   reference for a grant, then every kind and port, then every lookup, so
#   RefNotPermitted outranks InvalidKind, which outranks BackendNotFound,
#   whatever the order of the references. A BackendTLSPolicy it cannot use
#   (several CA references, one that is not a ConfigMap, a ConfigMap
#   without ca.crt in data) is not applied: plain text to the backend.
#   Sources and the versions they were read at: docs/profiles.md.
# scope: package
package lib.refguard.profiles.cilium

profile := {
	"name": "cilium",
	"filter_lookups": {},
	"controllers": ["io.cilium/gateway-controller"],
	"group_aliases": {},
	"kinds": {
		"": {"Service": "services"},
		"multicluster.x-k8s.io": {"ServiceImport": "serviceimports"},
	},
	"reasons": {
		"filter": "",
		"kind": "InvalidKind",
		"grant": "RefNotPermitted",
		"port-missing": "InvalidKind",
		"port-invalid": "",
		"shape": "",
		"not-found": "BackendNotFound",
		"port-not-found": "BackendNotFound",
		"protocol": "",
		"app-protocol": "",
		"externalname": "",
		"no-backends": "",
		"tls-mismatch": "",
		"external-auth": "",
	},
	"externalname": "allowed",
	"backendref_filters": "any",
	"app_protocols": {},
	"port_required": "all",
	"never_cross_namespace": {},
	# helpers.GetBackendServiceName: a ServiceImport stands for the Service
	# its derived-service annotation names (none: BackendNotFound), and
	# CheckBackendIsExistingService checks that Service and its ports.
	"derived_targets": {"serviceimports": {"annotation": "multicluster.kubernetes.io/derived-service", "collection": "services"}},
	"join": "phase",
	# A BackendTLSPolicy with one CA reference, a ConfigMap holding ca.crt
	# in data; otherwise it is not applied and Cilium connects in plain
	# text, with no route condition (lib.refguard.targets
	# tls_policy_rejected).
	"tls_policy_checks": "cilium",
	"phases": {"grant": 0, "kind": 1, "port-missing": 1},
}
