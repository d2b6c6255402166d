package lib.refguard.rules.grant_from_own_namespace_test

import data.lib.refguard.rules.grant_from_own_namespace
import data.lib.refguard.testutil as t

test_own_namespace if {
	g := t.grant("pay", "g", [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "pay"}], [])
	t.fields(grant_from_own_namespace.findings(t.grant_ctx(g))) == {"spec.from[0]"}
}

test_other_namespace if {
	g := t.grant("pay", "g", [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "app"}], [])
	count(grant_from_own_namespace.findings(t.grant_ctx(g))) == 0
}
