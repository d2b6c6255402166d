# METADATA
# title: spec profile
# description: |
#   A controller that follows the Gateway API specification (v1.6) and its
#   conformance tests to the letter.
#   Sources and the versions they were read at: docs/profiles.md.
# scope: package
package lib.refguard.profiles.spec

profile := {
	"name": "spec",
	"kinds": {
		"": {"Service": "services"},
		"multicluster.x-k8s.io": {"ServiceImport": "serviceimports"},
	},
	"reasons": {
		"filter": "",
		"kind": "InvalidKind",
		"grant": "RefNotPermitted",
		"port-missing": "",
		"port-invalid": "",
		"shape": "",
		"not-found": "BackendNotFound",
		"port-not-found": "BackendNotFound",
		"protocol": "UnsupportedProtocol",
		"app-protocol": "UnsupportedProtocol",
		"externalname": "",
	},
	"externalname": "allowed",
	"backendref_filters": "any",
	"app_protocols": "gep-1911",
	"never_cross_namespace": {},
	"join": "first",
}
