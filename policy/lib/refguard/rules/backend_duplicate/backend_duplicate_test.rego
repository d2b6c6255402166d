package lib.refguard.rules.backend_duplicate_test

import data.lib.refguard.rules.backend_duplicate
import data.lib.refguard.testutil as t

test_duplicate if {
	r := t.http([{"name": "a", "port": 8080}, {"name": "a", "port": 8080}])
	t.fields(backend_duplicate.findings(t.no_inventory(r))) == {"spec.rules[0].backendRefs[1]"}
}

test_defaults_count_as_equal if {
	r := t.http([{"name": "a", "port": 8080}, {"group": "", "kind": "Service", "name": "a", "port": 8080}])
	count(backend_duplicate.findings(t.no_inventory(r))) == 1
}

test_different_port if {
	r := t.http([{"name": "a", "port": 8080}, {"name": "a", "port": 9090}])
	count(backend_duplicate.findings(t.no_inventory(r))) == 0
}
