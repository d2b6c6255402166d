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
