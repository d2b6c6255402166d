package lib.refguard.rules.rule_weights_all_zero_test

import data.lib.refguard.rules.rule_weights_all_zero
import data.lib.refguard.testutil as t

test_all_zero if {
	r := t.http([{"name": "a", "port": 8080, "weight": 0}, {"name": "b", "port": 8080, "weight": 0}])
	t.fields(rule_weights_all_zero.findings(t.no_inventory(r))) == {"spec.rules[0]"}
}

test_default_weight_is_one if {
	r := t.http([{"name": "a", "port": 8080, "weight": 0}, {"name": "b", "port": 8080}])
	count(rule_weights_all_zero.findings(t.no_inventory(r))) == 0
}
