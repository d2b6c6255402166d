# METADATA
# title: envoy-gateway profile
# description: |
#   Envoy Gateway: checks the group and the kind separately and then matches
#   the kind alone (kind: Backend with no group is its Backend), requires a
#   port on everything but a Backend (PortNotSpecified), PortNotFound for a
#   port the Service lacks or of the wrong protocol, UnsupportedValue for
#   ExternalName Services, header modifiers, hostname URLRewrite and
#   ExtensionRef as the only backendRef filters (header modifiers only on a
#   GRPCRoute), an ExtensionRef to an HTTPRouteFilter it does not find
#   failing the rule (UnsupportedValue) or the backendRef
#   (InvalidBackendFilters) that carries it, appProtocol never reported,
#   several failures joined; an
#   extension manager kind (a declared lookup) is checked for a
#   ReferenceGrant and existence, never for its port.
#   Sources and the versions they were read at: docs/profiles.md.
# scope: package
package lib.refguard.profiles.envoy_gateway

import data.lib.refguard.profiles.spec

profile := {
	"name": "envoy-gateway",
	"controllers": ["gateway.envoyproxy.io/gatewayclass-controller"],
	"group_aliases": {},
	"kind_match": "kind",
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
		"backend-tls": "InvalidBackendTLS",
		"no-backends": "",
		"tls-mismatch": "",
		"external-auth": "",
		"backend-invalid": "InvalidBackendRef",
		# route.go rejectPathRegexHostRewriteWithDynamicResolver
		"backend-unsupported": "UnsupportedValue",
		"backend-address": "InvalidAddress",
		"backend-address-type": "UnsupportedAddressType",
		# a rule's filter (processUnresolvedHTTPFilter), a backendRef's
		# (route.go processDestinationSetting: RouteReasonInvalidBackendFilters)
		"filter-not-found": "UnsupportedValue",
		"backend-filter-not-found": "InvalidBackendFilters",
	},
	# filter_lookups: the ExtensionRef filter kinds it looks up in the
	# route's namespace (filters.go processExtensionRefHTTPFilter), read
	# from a collection of its own (lib.refguard.config.collections).
	"filter_lookups": {"gateway.envoyproxy.io": {"HTTPRouteFilter": "httproutefilters"}},
	"collections": {"httproutefilters": {"kind": "HTTPRouteFilter", "apiVersions": ["gateway.envoyproxy.io/v1alpha1"]}},
	"target_checks": {"backends": "envoy-gateway-backend"},
	# A rule's RequestMirror whose reference fails fails the rule's filters,
	# and the rule answers 500 (route.go processHTTPRouteRule,
	# processGRPCRouteRule: processFilterError).
	"mirror_failure_fails_rule": true,
	"externalname": "rejected",
	# rule_filters_unsupported: an ExternalAuth filter is not one it
	# supports (helpers.go ValidateHTTPRouteFilter): the rule answers 500
	# (filters.go processInvalidHTTPFilter, Accepted=False,
	# UnsupportedValue), its reference is never looked up.
	"rule_filters_unsupported": {"HTTPRoute": {"ExternalAuth"}},
	"rule_filter_fixes": {"ExternalAuth": "remove the ExternalAuth filter and configure external authorization in a SecurityPolicy (spec.extAuth) that targets the route"},
	"backendref_filters": {
		"HTTPRoute": {"RequestHeaderModifier", "ResponseHeaderModifier", "URLRewrite:hostname", "ExtensionRef"},
		"GRPCRoute": {"RequestHeaderModifier", "ResponseHeaderModifier"},
		"*": "any",
	},
	"port_required": {"services", "serviceimports"},
	# A kind of the extension manager's backendResources skips every port
	# check (route.go: only validateBackendNamespace runs for it, then the
	# lookup): a declared port path is checked, but not reported.
	"lookup_port_reason": "",
	"app_protocols": spec.app_protocols,
	"never_cross_namespace": {},
	"join": "envoy-gateway",
	# What it refuses in the BackendTLSPolicy of a Service port
	# (lib.refguard.targets tls_policy_rejected).
	"tls_policy_checks": "envoy-gateway",
}
