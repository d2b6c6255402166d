package lib.refguard.rules.rule_no_backends_test

import data.lib.refguard.rules.rule_no_backends
import data.lib.refguard.testutil as t

test_empty_rule if {
	r := t.http([])
	t.fields(rule_no_backends.findings(t.no_inventory(r))) == {"spec.rules[0]"}
}

test_tcproute_not_checked if {
	r := t.route("TCPRoute", "app", "r", [])
	count(rule_no_backends.findings(t.no_inventory(r))) == 0
}
