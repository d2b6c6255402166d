package lib.refguard.rules.backend_filter_unsupported_test

import data.lib.refguard.rules.backend_filter_unsupported
import data.lib.refguard.testutil as t

_mirror := {"type": "RequestMirror", "requestMirror": {"backendRef": {"name": "copy", "port": 8080}}}

_route := t.http([{"name": "web", "port": 8080, "filters": [_mirror]}])

test_envoy_gateway_rejects_a_mirror_on_a_backendref if {
	ctx := t.ctx_with(_route, [], {"profile": "envoy-gateway"})
	some f in backend_filter_unsupported.findings(ctx)
	f.reason == "UnsupportedRefValue"
}

test_spec_allows_it if {
	count(backend_filter_unsupported.findings(t.ctx(_route, []))) == 0
}

test_envoy_gateway_allows_header_modifiers if {
	r := t.http([{"name": "web", "port": 8080, "filters": [{"type": "RequestHeaderModifier", "requestHeaderModifier": {}}]}])
	count(backend_filter_unsupported.findings(t.ctx_with(r, [], {"profile": "envoy-gateway"}))) == 0
}

test_two_rejected_filters_name_the_first if {
	r := t.http([{"name": "web", "port": 8080, "filters": [
		{"type": "ExtensionRef", "extensionRef": {"group": "example.com", "kind": "Auth", "name": "a"}},
		_mirror,
	]}])
	fs := backend_filter_unsupported.findings(t.ctx_with(r, [], {"profile": "nginx-gateway-fabric"}))
	[f] := [f | some f in fs]
	contains(f.message, "ExtensionRef")
}
