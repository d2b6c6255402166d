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

# A grant with a from entry that is not a route (a Gateway's, for its TLS
# Secrets) may serve references refguard does not read: not reported.
test_a_grant_for_other_kinds_is_not_judged if {
	to := [{"group": "", "kind": "Secret"}]
	every from in [
		[{"group": "gateway.networking.k8s.io", "kind": "Gateway", "namespace": "app"}],
		[{"group": "gateway.networking.k8s.io", "kind": "ListenerSet", "namespace": "app"}],
		[
			{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "app"},
			{"group": "gateway.envoyproxy.io", "kind": "SecurityPolicy", "namespace": "app"},
		],
	] {
		count(grant_unused.findings(t.grant_ctx(t.grant("pay", "g", from, to)), {"pay/other"})) == 0
	}
}

# A route kind in another case is a route grant written wrong: judged.
test_a_route_kind_in_another_case_is_judged if {
	from := [{"group": "gateway.networking.k8s.io", "kind": "grpcroute", "namespace": "app"}]
	t.rules(grant_unused.findings(t.grant_ctx(t.grant("pay", "g", from, [{"group": "", "kind": "Service"}])), {"pay/other"})) == {"RG202"}
}
