# METADATA
# title: cilium profile
# description: |
#   Cilium: Services and ServiceImports (read through the Service their
#   derived-service annotation names), a missing port is InvalidKind for
#   every kind, a missing Service or a port it lacks is BackendNotFound, no
#   protocol or appProtocol check, ExternalName allowed. It checks every
#   reference for a grant, then every kind and port, then every lookup, so
#   RefNotPermitted outranks InvalidKind, which outranks BackendNotFound,
#   whatever the order of the references.
#   Sources and the versions they were read at: docs/profiles.md.
# scope: package
package lib.refguard.profiles.cilium

profile := {
	"name": "cilium",
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
	"phases": {"grant": 0, "kind": 1, "port-missing": 1},
}
