package lib.refguard.rules.backend_weight_invalid_test

import data.lib.refguard.rules.backend_weight_invalid
import data.lib.refguard.testutil as t

test_too_heavy if {
	count(backend_weight_invalid.findings(t.no_inventory(t.http([{"name": "a", "port": 80, "weight": 1000001}])))) == 1
}

test_fraction if {
	count(backend_weight_invalid.findings(t.no_inventory(t.http([{"name": "a", "port": 80, "weight": 1.5}])))) == 1
}

test_zero_is_valid if {
	count(backend_weight_invalid.findings(t.no_inventory(t.http([{"name": "a", "port": 80, "weight": 0}])))) == 0
}
