package lib.refguard.rules.grant_unused_test

import data.lib.refguard.rules.grant_unused
import data.lib.refguard.testutil as t

_grant := t.grant("pay", "g", [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "app"}], [{"group": "", "kind": "Service"}])

test_unused if {
	g := _grant
	t.rules(grant_unused.findings(t.grant_ctx(g), {"pay/other"})) == {"RG202"}
}

test_used if {
	g := _grant
	count(grant_unused.findings(t.grant_ctx(g), {"pay/g"})) == 0
}

# A grant the schema rejects is RG205's: it cannot exist, so it is not
# "unused".
test_a_rejected_grant_is_not_reported_unused if {
	g := t.grant("pay", "g", [], [])
	count(grant_unused.findings(t.grant_ctx(g), {"pay/other"})) == 0
}
