package lib.refguard.rules.grant_unused_test

import data.lib.refguard.rules.grant_unused
import data.lib.refguard.testutil as t

test_unused if {
	g := t.grant("pay", "g", [], [])
	t.rules(grant_unused.findings(t.grant_ctx(g), {"pay/other"})) == {"RG202"}
}

test_used if {
	g := t.grant("pay", "g", [], [])
	count(grant_unused.findings(t.grant_ctx(g), {"pay/g"})) == 0
}
