package lib.refguard.rules.backend_not_found_test

import data.lib.refguard.rules.backend_not_found
import data.lib.refguard.testutil as t

test_typo_fires_with_fix if {
	fs := backend_not_found.findings(t.ctx(t.http([{"name": "api-svc", "port": 8080}]), [t.svc("app", "api-service", [t.port(8080)])]))
	some f in fs
	f.rule == "RG103"
	f.fix == "set name: api-service"
}

test_existing_service_passes if {
	count(backend_not_found.findings(t.ctx(t.http([{"name": "api", "port": 8080}]), [t.svc("app", "api", [t.port(8080)])]))) == 0
}

test_dotted_name_is_left_to_rg109 if {
	count(backend_not_found.findings(t.ctx(t.http([{"name": "api.app.svc", "port": 8080}]), []))) == 0
}

test_a_namesake_in_another_namespace_wins_over_a_similar_name if {
	objs := [t.svc("app", "apx", [t.port(80)]), t.svc("backend", "api", [t.port(80)])]
	fs := backend_not_found.findings(t.ctx(t.http([{"name": "api", "port": 80}]), objs))
	some f in fs
	f.fix == "set namespace: backend"
	[edit] := f.edits
	edit.field == "spec.rules[0].backendRefs[0].namespace"
	edit.value == "backend"
	contains(f.message, "exists in namespace backend")
}

test_namesakes_in_several_namespaces_are_named_without_a_fix if {
	objs := [t.svc("backend", "api", [t.port(80)]), t.svc("staging", "api", [t.port(80)])]
	fs := backend_not_found.findings(t.ctx(t.http([{"name": "api", "port": 80}]), objs))
	some f in fs
	f.fix == ""
	f.edits == []
	contains(f.message, "namespaces backend, staging")
}
