package lib.refguard.rules.backend_port_invalid_test

import data.lib.refguard.rules.backend_port_invalid
import data.lib.refguard.testutil as t

test_string_port if {
	some f in backend_port_invalid.findings(t.no_inventory(t.http([{"name": "a", "port": "8080"}])))
	f.fix == "set port: 8080"
}

test_zero_port if {
	count(backend_port_invalid.findings(t.no_inventory(t.http([{"name": "a", "port": 0}])))) == 1
}

test_valid_port if {
	count(backend_port_invalid.findings(t.no_inventory(t.http([{"name": "a", "port": 1}])))) == 0
}

test_a_port_name_the_service_declares_is_repaired_to_its_number if {
	svc := t.svc("app", "web", [{"name": "http", "port": 8080}, {"name": "metrics", "port": 9090}])
	[f] := [f | some f in backend_port_invalid.findings(t.ctx(t.http([{"name": "web", "port": "metrics"}]), [svc]))]
	f.fix == "set port: 9090"
	f.edits[0].value == 9090
}

test_a_port_name_without_a_target_has_no_repair if {
	[f] := [f | some f in backend_port_invalid.findings(t.ctx(t.http([{"name": "web", "port": "http"}]), []))]
	f.fix == ""
	f.edits == []
}
