package lib.refguard.rules.route_shape_invalid_test

import data.lib.refguard.rules.route_shape_invalid
import data.lib.refguard.testutil as t

test_rules_not_a_list if {
	r := {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "r"}, "spec": {"rules": "all"}}
	t.fields(route_shape_invalid.findings(t.no_inventory(r))) == {"spec.rules"}
}

test_ref_not_an_object if {
	t.fields(route_shape_invalid.findings(t.no_inventory(t.http(["web"])))) == {"spec.rules[0].backendRefs[0]"}
}

test_well_formed if {
	count(route_shape_invalid.findings(t.no_inventory(t.http([{"name": "a", "port": 80}])))) == 0
}

test_typed_fields_the_crd_refuses if {
	refs := [
		{"name": "web", "namespace": "Apps", "port": 80},
		{"name": "web", "namespace": "", "port": 80},
		{"name": "web", "group": "Core", "port": 80},
		{"name": "web", "kind": "", "port": 80},
		{"name": "web", "kind": "Service_", "port": 80},
		{"name": "web", "namespace": 7, "port": 80},
	]
	fs := route_shape_invalid.findings(t.ctx(t.http(refs), [t.svc("app", "web", [t.port(80)])]))
	t.fields(fs) == {
		"spec.rules[0].backendRefs[0].namespace",
		"spec.rules[0].backendRefs[1].namespace",
		"spec.rules[0].backendRefs[2].group",
		"spec.rules[0].backendRefs[3].kind",
		"spec.rules[0].backendRefs[4].kind",
		"spec.rules[0].backendRefs[5].namespace",
	}
	every f in fs {
		f.severity == "error"
	}
}

test_typed_fields_are_checked_without_an_inventory if {
	t.fields(route_shape_invalid.findings(t.no_inventory(t.http([{"name": "web", "namespace": "Apps", "port": 80}])))) == {"spec.rules[0].backendRefs[0].namespace"}
}

test_the_value_meant_is_set_when_clear if {
	fs := route_shape_invalid.findings(t.ctx(t.http([{"name": "web", "namespace": "App", "port": 80}]), [t.svc("app", "web", [t.port(80)])]))
	[f] := [f | some f in fs]
	f.fix == "set namespace: app"
	f.edits[0].value == "app"
}

test_nulls_and_valid_values_pass if {
	refs := [
		{"name": "web", "namespace": null, "group": null, "kind": null, "port": 80},
		{"name": "web", "namespace": "app", "group": "", "kind": "Service", "port": 80},
	]
	count(route_shape_invalid.findings(t.ctx(t.http(refs), [t.svc("app", "web", [t.port(80)])]))) == 0
}

test_a_filter_backend_ref_is_required if {
	r := t.http_with_rules([{
		"filters": [{"type": "RequestMirror", "requestMirror": {"percent": 10}}],
		"backendRefs": [{"name": "web", "port": 80, "filters": [{"type": "RequestMirror", "requestMirror": {"backendRef": null}}]}],
	}])
	t.fields(route_shape_invalid.findings(t.no_inventory(r))) == {
		"spec.rules[0].filters[0].requestMirror.backendRef",
		"spec.rules[0].backendRefs[0].filters[0].requestMirror.backendRef",
	}
}

test_a_filter_type_and_its_field_go_together if {
	r := t.http_with_rules([{"filters": [
		{"type": "RequestMirror"},
		{"type": "RequestHeaderModifier", "requestMirror": {"backendRef": {"name": "web", "port": 80}}},
		{"type": "ExternalAuth"},
		{"type": "RequestMirror", "requestMirror": {"backendRef": {"name": "web", "port": 80}}},
	]}])
	t.fields(route_shape_invalid.findings(t.no_inventory(r))) == {
		"spec.rules[0].filters[0]",
		"spec.rules[0].filters[1]",
		"spec.rules[0].filters[2]",
	}
}

_with_rules(kind, api_version, rules) := json.patch(t.route(kind, "app", "r", []), [
	{"op": "replace", "path": "/apiVersion", "value": api_version},
	{"op": "replace", "path": "/spec/rules", "value": rules},
])

_rule := {"backendRefs": [{"name": "web", "port": 80}]}

# The TCP, TLS and UDP routes hold one rule at v1 (sixteen at v1alpha2)
# and need a backendRef in it; a rule holds at most sixteen backendRefs.
# An HTTPRoute's empty rules depend on the CRDs installed: not reported.
test_list_lengths_the_crds_refuse if {
	v1 := "gateway.networking.k8s.io/v1"
	t.fields(route_shape_invalid.findings(t.no_inventory(_with_rules("TCPRoute", v1, [_rule, _rule])))) == {"spec.rules"}
	count(route_shape_invalid.findings(t.no_inventory(_with_rules("TCPRoute", "gateway.networking.k8s.io/v1alpha2", [_rule, _rule])))) == 0
	count(route_shape_invalid.findings(t.no_inventory(_with_rules("UDPRoute", v1, [_rule])))) == 0
	t.fields(route_shape_invalid.findings(t.no_inventory(_with_rules("UDPRoute", v1, [{"backendRefs": []}])))) == {"spec.rules[0].backendRefs"}
	t.fields(route_shape_invalid.findings(t.no_inventory(_with_rules("TLSRoute", v1, [{"name": "only"}])))) == {"spec.rules[0].backendRefs"}
	t.fields(route_shape_invalid.findings(t.no_inventory(_with_rules("TLSRoute", v1, [])))) == {"spec.rules"}
	t.fields(route_shape_invalid.findings(t.no_inventory(object.remove(_with_rules("TCPRoute", v1, []), ["spec"])))) == {"spec.rules"}
	count(route_shape_invalid.findings(t.no_inventory(_with_rules("HTTPRoute", v1, [])))) == 0
	count(route_shape_invalid.findings(t.no_inventory(_with_rules("GRPCRoute", v1, [])))) == 0
	count(route_shape_invalid.findings(t.no_inventory(json.patch(t.http([]), [{"op": "remove", "path": "/spec/rules"}])))) == 0
	refs := [{"name": "web", "port": 80} | some _ in numbers.range(1, 17)]
	t.fields(route_shape_invalid.findings(t.no_inventory(t.http(refs)))) == {"spec.rules[0].backendRefs"}
	count(route_shape_invalid.findings(t.no_inventory(t.http(array.slice(refs, 0, 16))))) == 0
}

test_one_rule_says_where_the_backend_refs_go if {
	[f] := [f | some f in route_shape_invalid.findings(t.no_inventory(_with_rules("TCPRoute", "gateway.networking.k8s.io/v1", [_rule, _rule])))]
	contains(f.message, "Too many: 2: must have at most 1 items (a TCPRoute at gateway.networking.k8s.io/v1 has one rule: put every backendRef in it)")
}

# Each filter type of the kind's enum with its own field, once where the
# CRD says so, never RequestRedirect with URLRewrite; the filter types a
# GRPCRoute lacks are unsupported values.
test_filter_lists_the_crds_refuse if {
	header := {"type": "RequestHeaderModifier", "requestHeaderModifier": {"set": [{"name": "a", "value": "b"}]}}
	redirect := {"type": "RequestRedirect", "requestRedirect": {"scheme": "https"}}
	rewrite := {"type": "URLRewrite", "urlRewrite": {"hostname": "a.example"}}
	r := t.http_with_rules([
		{"filters": [header, header, redirect]},
		{"filters": [redirect, rewrite]},
		{"backendRefs": [{"name": "web", "port": 80, "filters": [header, header]}]},
		{"filters": [{"type": "requestHeaderModifier"}, {"requestRedirect": {"scheme": "https"}}]},
		{"filters": [header | some _ in numbers.range(1, 17)]},
		{"filters": [header, redirect, {"type": "ExtensionRef", "extensionRef": {"group": "x.io", "kind": "F", "name": "f"}}]},
	])
	fs := route_shape_invalid.findings(t.no_inventory(r))
	t.fields(fs) == {
		"spec.rules[0].filters",
		"spec.rules[1].filters",
		"spec.rules[2].backendRefs[0].filters",
		"spec.rules[3].filters[0].type",
		"spec.rules[3].filters[1].type",
		"spec.rules[4].filters",
	}
	some f in fs
	f.field == "spec.rules[1].filters"
	contains(f.message, "May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both")
	grpc := _with_rules("GRPCRoute", "gateway.networking.k8s.io/v1", [{"filters": [rewrite]}])
	[g] := [g | some g in route_shape_invalid.findings(t.no_inventory(grpc))]
	g.field == "spec.rules[0].filters[0].type"
	contains(g.message, `Unsupported value: "URLRewrite": supported values: "ExtensionRef", "RequestHeaderModifier", "RequestMirror", "ResponseHeaderModifier"`)
}

# The settings of the filters that hold a backendRef: a mirror's percent
# or fraction (one of them, in range), an ExternalAuth's protocol and its
# block.
test_mirror_and_external_auth_settings if {
	backend := {"name": "web", "port": 80}
	r := t.http_with_rules([{"filters": [
		{"type": "RequestMirror", "requestMirror": {"backendRef": backend, "percent": 10, "fraction": {"numerator": 1}}},
		{"type": "RequestMirror", "requestMirror": {"backendRef": backend, "fraction": {"numerator": 3, "denominator": 2}}},
		{"type": "RequestMirror", "requestMirror": {"backendRef": backend, "percent": 101}},
		{"type": "RequestMirror", "requestMirror": {"backendRef": backend, "fraction": {"numerator": 1, "denominator": 4}}},
		{"type": "RequestMirror", "requestMirror": {"backendRef": backend, "fraction": {"numerator": -1, "denominator": 4}}},
		{"type": "RequestMirror", "requestMirror": {"backendRef": backend, "fraction": {"numerator": 0, "denominator": 0}}},
		{"type": "ExternalAuth", "externalAuth": {"protocol": "GRPC", "backendRef": backend}},
		{"type": "ExternalAuth", "externalAuth": {"protocol": "GRPC", "backendRef": backend, "http": {}}},
		{"type": "ExternalAuth", "externalAuth": {"protocol": "HTTP", "backendRef": backend, "http": {"path": "/auth"}}},
	]}])
	t.fields(route_shape_invalid.findings(t.no_inventory(r))) == {
		"spec.rules[0].filters[0].requestMirror",
		"spec.rules[0].filters[1].requestMirror",
		"spec.rules[0].filters[2].requestMirror",
		"spec.rules[0].filters[4].requestMirror",
		"spec.rules[0].filters[5].requestMirror",
		"spec.rules[0].filters[6].externalAuth",
		"spec.rules[0].filters[7].externalAuth",
	}
}
