# METADATA
# title: envoy-gateway profile
# description: |
#   Envoy Gateway: PortNotFound for a port the Service lacks or of the wrong
#   protocol, PortNotSpecified, UnsupportedValue for ExternalName Services, its
#   own gateway.envoyproxy.io Backend kind, a restricted set of per-backendRef
#   filters, appProtocol never reported, and several failures joined.
#   Sources and the versions they were read at: docs/profiles.md.
# scope: package
package lib.refguard.profiles.envoy_gateway

profile := {
	"name": "envoy-gateway",
	"kinds": {
		"": {"Service": "services"},
		"multicluster.x-k8s.io": {"ServiceImport": "serviceimports"},
		"gateway.envoyproxy.io": {"Backend": "backends"},
	},
	"reasons": {
		"filter": "UnsupportedRefValue",
		"kind": "InvalidKind",
		"grant": "RefNotPermitted",
		"port-missing": "PortNotSpecified",
		"port-invalid": "",
		"shape": "",
		"not-found": "BackendNotFound",
		"port-not-found": "PortNotFound",
		"protocol": "PortNotFound",
		"app-protocol": "",
		"externalname": "UnsupportedValue",
	},
	"externalname": "rejected",
	"backendref_filters": {"RequestHeaderModifier", "ResponseHeaderModifier", "URLRewrite", "ExtensionRef"},
	"app_protocols": "gep-1911",
	"never_cross_namespace": {},
	"join": "envoy-gateway",
}
