package main_test

import data.lib.refguard.testutil as t
import data.main

_ref := {"name": "api", "namespace": "pay", "port": 8080}

_svc := t.svc("pay", "api", [t.port(8080)])

_file(path, contents) := {"path": path, "contents": contents}

test_combined_set_denies_with_the_finding_as_metadata if {
	denied := main.deny with input as [_file("routes.yaml", t.http([_ref])), _file("svc.yaml", _svc)]
	[d] := [d | some d in denied]
	startswith(d.msg, "RG102: Service pay/api is in another namespace")
	endswith(d.msg, "(HTTPRoute app/r spec.rules[0].backendRefs[0])")
	d.rule == "RG102"
	d.name == "backend-ref-not-permitted"
	d.severity == "error"
	d.reason == "RefNotPermitted"
	d.object == {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "namespace": "app", "name": "r"}
	d.field == "spec.rules[0].backendRefs[0]"
	d.file == "routes.yaml"
	contains(d.fix, "ReferenceGrant")
}

test_a_grant_fixes_it_and_is_then_used if {
	grant := t.grant("pay", "g", [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "app"}], [{"group": "", "kind": "Service", "name": "api"}])
	set := [_file("a.yaml", [t.http([_ref]), _svc, grant])]
	count(main.deny) == 0 with input as set
	count(main.warn) == 0 with input as set
}

test_warnings_are_not_failures if {
	grant := t.grant("pay", "g", [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "elsewhere"}], [{"group": "", "kind": "Service", "name": "api"}])
	set := [_file("a.yaml", grant)]
	count(main.deny) == 0 with input as set
	{w.rule | some w in main.warn} == {"RG202"} with input as set
}

test_settings_change_severity if {
	set := [_file("a.yaml", t.http([{"name": "web"}]))]
	{d.rule | some d in main.deny} == {"RG104"} with input as set
	count(main.deny) == 0 with input as set
		with data.lib.refguard_settings as {"severity": {"RG104": "warning"}}
	warned := main.warn with input as set with data.lib.refguard_settings as {"severity": {"RG104": "warning"}}
	{[w.rule, w.severity] | some w in warned} == {["RG104", "warning"]}
}

test_one_document_at_a_time_runs_only_checks_that_need_no_other_object if {
	denied := main.deny with input as t.http([{"name": "web"}])
	{d.rule | some d in denied} == {"RG104"}
	every d in denied {
		not d.file
	}
	warned := main.warn with input as t.http([{"name": "web"}])
	[w] := [w | some w in warned]
	contains(w, "run conftest with --combine")
}

test_one_document_at_a_time_never_reports_a_missing_backend if {
	count(main.deny) == 0 with input as t.http([{"name": "api", "port": 8080}])
}

test_one_document_at_a_time_never_reports_an_unused_grant if {
	count(main.warn) == 0 with input as t.grant("pay", "g", [], [])
}

test_kubectl_list_items_are_checked if {
	list := {"apiVersion": "v1", "kind": "List", "items": [t.http([{"name": "api", "port": 9090}]), t.svc("app", "api", [t.port(8080)])]}
	{[d.rule, d.file] | some d in main.deny} == {["RG105", "dump.yaml"]} with input as [_file("dump.yaml", list)]
}
