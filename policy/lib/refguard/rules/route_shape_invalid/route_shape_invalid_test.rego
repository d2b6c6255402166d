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
