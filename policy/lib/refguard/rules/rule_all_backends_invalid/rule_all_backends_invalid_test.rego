package lib.refguard.rules.rule_all_backends_invalid_test

import data.lib.refguard.rules.rule_all_backends_invalid
import data.lib.refguard.testutil as t

test_all_missing if {
	r := t.http([{"name": "a", "port": 8080}, {"name": "b", "port": 8080}])
	t.fields(rule_all_backends_invalid.findings(t.ctx(r, []))) == {"spec.rules[0]"}
}

test_one_left if {
	r := t.http([{"name": "a", "port": 8080}, {"name": "b", "port": 8080}])
	count(rule_all_backends_invalid.findings(t.ctx(r, [t.svc("app", "a", [t.port(8080)])]))) == 0
}

test_single_backend_left_to_its_finding if {
	count(rule_all_backends_invalid.findings(t.ctx(t.http([{"name": "a", "port": 8080}]), []))) == 0
}
