package lib.refguard.rules.backend_filter_unsupported_test

import data.lib.refguard.context
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

# Contour ignores a filter other than a header modifier on a backendRef:
# the requests are served without it (a warning), and the reference a
# RequestMirror there holds is never looked up.
test_contour_ignores_the_filter_and_its_reference if {
	mirror := {"type": "RequestMirror", "requestMirror": {"backendRef": {"name": "shadow", "port": 8080}}}
	route := t.http([{"name": "api", "port": 8080, "filters": [mirror]}])
	ctx := t.ctx_with(route, [t.svc("app", "api", [t.port(8080)])], {"profile": "contour"})
	[f] := [f | some f in backend_filter_unsupported.findings(ctx)]
	[f.severity, f.reason] == ["warning", ""]
	contains(f.message, "which ignores it: requests are served without it")
	[[rec.resolution.step, rec.resolution.ok] | some rec in ctx.records] == [["filter-ignored", true], ["unused", true]]

	# a header modifier there is Contour's to apply
	headers := t.http([{"name": "api", "port": 8080, "filters": [{"type": "RequestHeaderModifier", "requestHeaderModifier": {"set": [{"name": "x", "value": "y"}]}}]}])
	count(backend_filter_unsupported.findings(t.ctx_with(headers, [t.svc("app", "api", [t.port(8080)])], {"profile": "contour"}))) == 0
}

# Without an inventory (conftest one document at a time) the filter is
# still known to be ignored: it needs no other object.
test_contour_warns_without_an_inventory if {
	mirror := {"type": "RequestMirror", "requestMirror": {"backendRef": {"name": "shadow", "port": 8080}}}
	ctx := context.build(t.http([{"name": "api", "port": 8080, "filters": [mirror]}]), null, {"profile": "contour"})
	[f.severity | some f in backend_filter_unsupported.findings(ctx)] == ["warning"]
}

# A filter holding a reference that the controller does not support on a
# rule fails the rule, and its reference is never looked up.
test_a_rule_filter_the_controller_does_not_support if {
	mirror := {"type": "RequestMirror", "requestMirror": {"backendRef": {"name": "shadow", "port": 8080}}}
	route := t.http_with_rules([{"filters": [mirror], "backendRefs": [{"name": "api", "port": 8080}]}])
	objs := [t.svc("app", "api", [t.port(8080)])]
	[f] := [f | some f in backend_filter_unsupported.findings(t.ctx_with(route, objs, {"profile": "traefik"}))]
	[f.severity, f.reason, f.field] == ["error", "", "spec.rules[0].filters[0].requestMirror.backendRef"]
	contains(f.message, "answers every request of rule 0 with 500")
	count(backend_filter_unsupported.findings(t.ctx_with(route, objs, {"profile": "envoy-gateway"}))) == 0

	grpc := json.patch(route, [{"op": "replace", "path": "/kind", "value": "GRPCRoute"}])
	[g] := [g | some g in backend_filter_unsupported.findings(t.ctx_with(grpc, objs, {"profile": "traefik"}))]
	contains(g.message, "an error (UNAVAILABLE)")
}

# A RequestMirror on a backendRef is that backendRef's failure (Traefik:
# InvalidKind), not a rule filter's.
test_a_backendref_mirror_is_not_a_rule_filter_type if {
	mirror := {"type": "RequestMirror", "requestMirror": {"backendRef": {"name": "shadow", "port": 8080}}}
	route := t.http([{"name": "api", "port": 8080, "filters": [mirror]}])
	ctx := t.ctx_with(route, [t.svc("app", "api", [t.port(8080)]), t.svc("app", "shadow", [t.port(8080)])], {"profile": "traefik"})
	[[f.field, f.reason] | some f in backend_filter_unsupported.findings(ctx)] == [["spec.rules[0].backendRefs[0]", "InvalidKind"]]
}
