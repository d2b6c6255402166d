# METADATA
# title: spec profile
# description: |
#   A controller that follows the Gateway API specification (v1.6) and its
#   conformance tests to the letter.
# scope: package
package lib.refguard.profiles.spec

profile := {
	"name": "spec",
	# group → kind a backendRef may name → the inventory collection the
	# target is looked up in.
	"kinds": {
		"": {"Service": "services"},
		"multicluster.x-k8s.io": {"ServiceImport": "serviceimports"},
	},
	# the ResolvedRefs reason written for each resolution failure; "" means
	# no condition (an apply-time error or a warning only).
	"reasons": {
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
}
