# METADATA
# title: istio profile
# description: |
#   Istio (default feature flags): drops weight-0 backendRefs before any
#   lookup, looks a networking.istio.io/Hostname up among ServiceEntry hosts
#   and Service cluster hostnames (BackendNotFound when none declares it),
#   looks ServiceImports up as
#   Services and never permits them across namespaces, InvalidDestination for
#   a Service named by its hostname and for a missing port (both fail the
#   whole route), no Service port, protocol or appProtocol check
#   (ResolvedRefs stays True while traffic to a wrong port fails), allows
#   ExternalName, header modifiers as the only backendRef filters, and the
#   last failing reference's reason. XBackend and InferencePool are off
#   unless istiod enables them (declare them as extension kinds then). A
#   BackendTLSPolicy's CA is its first reference, which must be a
#   ConfigMap.
#   Sources and the versions they were read at: docs/profiles.md.
# scope: package
package lib.refguard.profiles.istio

profile := {
	"name": "istio",
	"filter_lookups": {},
	"controllers": ["istio.io/gateway-controller", "istio.io/mesh-controller", "istio.io/unmanaged-gateway", "istio.io/eastwest-controller"],
	"group_aliases": {},
	"kinds": {
		"": {"Service": "services"},
		"multicluster.x-k8s.io": {"ServiceImport": "services"},
		"networking.istio.io": {"Hostname": "serviceentries"},
	},
	"reasons": {
		"filter": "InvalidFilter",
		"kind": "InvalidKind",
		"grant": "RefNotPermitted",
		"namespace-set": "InvalidDestination",
		"dotted-name": "InvalidDestination",
		"port-missing": "InvalidDestination",
		"port-invalid": "",
		"shape": "",
		"not-found": "BackendNotFound",
		"port-not-found": "",
		"protocol": "",
		"app-protocol": "",
		"externalname": "",
		"no-backends": "",
		"tls-mismatch": "",
		"external-auth": "",
	},
	"externalname": "allowed",
	"backendref_filters": {"RequestHeaderModifier", "ResponseHeaderModifier"},
	"app_protocols": {},
	# ReferenceGrantsCollection keeps grants to ConfigMap, Secret, Service,
	# XBackend and InferencePool only: no grant permits a ServiceImport or
	# a Hostname in another namespace.
	"never_cross_namespace": {"ServiceImport", "Hostname"},
	# buildDestination: "namespace may not be set with Hostname type", after
	# the grant check, whatever the namespace.
	"namespace_refused": {"Hostname"},
	"skips_zero_weight": true,
	"dotted_name_invalid": {"Service"},
	"port_required": "all",
	# A filter or destination error fails the whole route and stops the walk;
	# a reference that is not found, not permitted or of an unknown kind is
	# dropped and the walk goes on, the last one's reason winning.
	"hard_steps": {"filter", "dotted-name", "port-missing", "namespace-set"},
	"join": "istio",
	# A BackendTLSPolicy's first CA reference only, a ConfigMap only (no
	# Secret), its certificate under cacert or ca.crt; otherwise traffic is
	# blocked, with no route condition (lib.refguard.targets
	# tls_policy_rejected).
	"tls_policy_checks": "istio",
}
