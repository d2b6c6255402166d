# METADATA
# title: istio profile
# description: |
#   Istio: does not check Service ports or their protocol (ResolvedRefs stays
#   True while traffic fails), accepts networking.istio.io/Hostname, XBackend
#   and InferencePool, looks ServiceImports up as Services of that name and
#   never permits them across namespaces, allows ExternalName, allows only
#   header-modifier filters on a backendRef, joins messages with "; ".
#   Sources and the versions they were read at: docs/profiles.md.
# scope: package
package lib.refguard.profiles.istio

profile := {
	"name": "istio",
	"kinds": {
		"": {"Service": "services"},
		"multicluster.x-k8s.io": {"ServiceImport": "services"},
		"networking.istio.io": {"Hostname": ""},
		"gateway.networking.x-k8s.io": {"XBackend": ""},
		"inference.networking.k8s.io": {"InferencePool": ""},
	},
	"reasons": {
		"filter": "InvalidFilter",
		"kind": "InvalidKind",
		"grant": "RefNotPermitted",
		"port-missing": "InvalidDestination",
		"port-invalid": "",
		"shape": "",
		"not-found": "BackendNotFound",
		"port-not-found": "",
		"protocol": "",
		"app-protocol": "UnsupportedProtocol",
		"externalname": "",
	},
	"externalname": "allowed",
	"backendref_filters": {"RequestHeaderModifier", "ResponseHeaderModifier"},
	"app_protocols": "gep-1911",
	"never_cross_namespace": {"ServiceImport"},
	"join": "istio",
}
