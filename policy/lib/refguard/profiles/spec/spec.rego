# METADATA
# title: spec profile
# description: |
#   A controller that follows the Gateway API specification (v1.6) and its
#   conformance tests to the letter.
#   Sources and the versions they were read at: docs/profiles.md.
# scope: package
package lib.refguard.profiles.spec

# app_protocols: GEP-1911. A GRPCRoute cannot carry WebSocket, a TLSRoute
# (TLS bytes) cannot reach an h2c (cleartext HTTP/2) port, and wss behind an
# HTTPRoute needs a BackendTLSPolicy. A TCPRoute forwards bytes, so any
# appProtocol is fine behind one.
# with_aliases: a profile's kinds, each group of its group_aliases taking
# the kinds of the group it is read as (a controller that reads "core" as
# "" accepts group: core for the core kinds it supports).
with_aliases(kinds, aliases) := object.union(kinds, {alias: kinds[group] | some alias, group in aliases})

app_protocols := {
	"rejected": {
		"GRPCRoute": {"kubernetes.io/ws", "kubernetes.io/wss"},
		"TLSRoute": {"kubernetes.io/h2c"},
	},
	"wss_needs_tls": true,
}

profile := {
	"name": "spec",
	"filter_lookups": {},
	"controllers": [],
	"group_aliases": {},
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
		"no-backends": "",
		"tls-mismatch": "",
		"external-auth": "",
	},
	"externalname": "allowed",
	"backendref_filters": "any",
	"app_protocols": app_protocols,
	"never_cross_namespace": {},
	"join": "first",
}
