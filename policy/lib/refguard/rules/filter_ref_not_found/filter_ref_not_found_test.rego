package lib.refguard.rules.filter_ref_not_found_test

import data.lib.refguard.context
import data.lib.refguard.rules.filter_ref_not_found
import data.lib.refguard.status

_route(rule) := {
	"apiVersion": "gateway.networking.k8s.io/v1",
	"kind": "HTTPRoute",
	"metadata": {"name": "r", "namespace": "app"},
	"spec": {"rules": [rule]},
}

_ext(name) := {"type": "ExtensionRef", "extensionRef": {"group": "gateway.envoyproxy.io", "kind": "HTTPRouteFilter", "name": name}}

_inv := {
	"services": {"app": {"api": {"metadata": {"name": "api", "namespace": "app"}, "spec": {"ports": [{"port": 8080}]}}}},
	"httproutefilters": {"app": {"rewrite-v2": {"metadata": {"name": "rewrite-v2", "namespace": "app"}}}},
}

_eg := {"profile": "envoy-gateway"}

_findings(route, inv, cfg) := filter_ref_not_found.findings(context.build(route, inv, cfg))

test_rule_filter_missing_is_an_error_with_the_rename if {
	fs := _findings(_route({"filters": [_ext("rewrite-v3")], "backendRefs": [{"name": "api", "port": 8080}]}), _inv, _eg)
	[f] := [f | some f in fs]
	f.field == "spec.rules[0].filters[0]"
	f.severity == "error"
	f.reason == "UnsupportedValue"
	contains(f.message, "HTTPRouteFilter app/rewrite-v3 not found")
	contains(f.message, "did you mean rewrite-v2?")
	f.edits == [{"op": "set", "object": {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "namespace": "app", "name": "r"}, "field": "spec.rules[0].filters[0].extensionRef.name", "value": "rewrite-v2"}]
}

test_backend_ref_filter_missing_fails_the_reference if {
	route := _route({"backendRefs": [{"name": "api", "port": 8080, "filters": [_ext("rewrite-v2"), _ext("gone")]}]})
	ctx := context.build(route, _inv, _eg)
	ctx.records[0].resolution.ok == false
	ctx.records[0].resolution.reason == "InvalidBackendFilters"
	[f] := [f | some f in filter_ref_not_found.findings(ctx)]
	f.field == "spec.rules[0].backendRefs[0].filters[1]"
	f.severity == "error"
	contains(f.message, "there is no") == false
	contains(f.message, "none of the 1 HTTPRouteFilters in namespace app has a similar name")
	f.fix == "create HTTPRouteFilter app/gone, or name one that exists"
}

test_existing_filter_and_other_kinds_pass if {
	other := {"type": "ExtensionRef", "extensionRef": {"group": "example.com", "kind": "Auth", "name": "x"}}
	count(_findings(_route({"filters": [_ext("rewrite-v2"), other], "backendRefs": [{"name": "api", "port": 8080, "filters": [_ext("rewrite-v2")]}]}), _inv, _eg)) == 0
}

test_not_looked_up_without_inventory_or_under_spec if {
	route := _route({"filters": [_ext("gone")], "backendRefs": [{"name": "api", "port": 8080}]})
	count(_findings(route, null, _eg)) == 0
	count(_findings(route, _inv, {"profile": "spec"})) == 0
}

test_a_backend_that_fails_first_is_reported_for_that if {
	route := _route({"backendRefs": [{"name": "nope", "port": 8080, "filters": [_ext("gone")]}]})
	ctx := context.build(route, _inv, _eg)
	ctx.records[0].resolution.step == "not-found"
	count(filter_ref_not_found.findings(ctx)) == 0
}

test_filter_of_that_name_in_another_namespace_is_named if {
	inv := object.union(_inv, {"httproutefilters": {
		"app": {"rewrite-v2": {}},
		"shop": {"strip-prefix": {}},
	}})
	[f] := [f | some f in _findings(_route({"filters": [_ext("strip-prefix")], "backendRefs": [{"name": "api", "port": 8080}]}), inv, _eg)]
	contains(f.message, "HTTPRouteFilter strip-prefix is in namespace shop, and an ExtensionRef names an object in the route's own namespace")
	f.fix == "copy HTTPRouteFilter shop/strip-prefix to namespace app"
	object.get(f, "edits", []) == []
}

# NGINX Gateway Fabric fails a rule's filters before any reference and
# leaves that rule's references unresolved: the rule's filter is reported,
# not its missing Service; a later rule's failure is appended after it and
# kept (the last condition wins).
test_nginx_gateway_fabric_skips_the_rule_whose_filter_fails if {
	sf := {"type": "ExtensionRef", "extensionRef": {"group": "gateway.nginx.org", "kind": "SnippetsFilter", "name": "gone"}}
	ngf := {"profile": "nginx-gateway-fabric"}
	alone := _route({"filters": [sf], "backendRefs": [{"name": "nope", "port": 8080}]})
	status.condition(context.build(alone, _inv, ngf)).reason == "InvalidFilter"
	later := json.patch(alone, [{"op": "add", "path": "/spec/rules/-", "value": {"backendRefs": [{"name": "also-nope", "port": 8080}]}}])
	status.condition(context.build(later, _inv, ngf)).reason == "BackendNotFound"
	[f] := [f | some f in _findings(alone, _inv, ngf)]
	f.reason == "InvalidFilter"
}

# kgateway replaces a rule whose ExtensionRef names a missing policy with a
# direct 500, outside ResolvedRefs, and drops the error of a backendRef's.
test_kgateway_fails_the_rule_and_ignores_a_backend_ref_filter if {
	tp := {"type": "ExtensionRef", "extensionRef": {"group": "gateway.kgateway.dev", "kind": "TrafficPolicy", "name": "gone"}}
	kgw := {"profile": "kgateway"}
	on_rule := _route({"filters": [tp], "backendRefs": [{"name": "api", "port": 8080}]})
	[f] := [f | some f in _findings(on_rule, _inv, kgw)]
	f.severity == "error"
	f.reason == ""
	status.condition(context.build(on_rule, _inv, kgw)).status == "True"
	on_ref := _route({"backendRefs": [{"name": "api", "port": 8080, "filters": [tp]}]})
	count(_findings(on_ref, _inv, kgw)) == 0
	context.build(on_ref, _inv, kgw).records[0].resolution.ok == true
}
