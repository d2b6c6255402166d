package lib.refguard.rules.grant_wildcard_to_test

import data.lib.refguard.rules.grant_wildcard_to
import data.lib.refguard.testutil as t

_from := [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "app"}]

test_no_name_warns if {
	g := t.grant("pay", "g", _from, [{"group": "", "kind": "Service"}])
	t.fields(grant_wildcard_to.findings(t.grant_ctx(g))) == {"spec.to[0]"}
}

test_scoped_passes if {
	g := t.grant("pay", "g", _from, [{"group": "", "kind": "Service", "name": "api"}])
	count(grant_wildcard_to.findings(t.grant_ctx(g))) == 0
}

# A null name is left out (the API server drops it); an empty one is not a
# wildcard but a name the schema rejects (RG205).
test_null_name_warns_and_empty_name_is_rg205s if {
	g := t.grant("pay", "g", _from, [{"group": "", "kind": "Service", "name": null}, {"group": "", "kind": "Service", "name": ""}])
	t.fields(grant_wildcard_to.findings(t.grant_ctx(g))) == {"spec.to[0]"}
}

# A Gateway's grant to every Secret (its certificateRefs) serves what
# refguard does not read: no finding. With a route among its from entries
# it is a route grant, in any case of the kind.
test_only_route_grants_are_checked if {
	to := [{"group": "", "kind": "Secret"}]
	gateway := [{"group": "gateway.networking.k8s.io", "kind": "Gateway", "namespace": "app"}]
	count(grant_wildcard_to.findings(t.grant_ctx(t.grant("pay", "g", gateway, to)))) == 0
	lowered := [{"group": "gateway.networking.k8s.io", "kind": "httproute", "namespace": "app"}]
	t.fields(grant_wildcard_to.findings(t.grant_ctx(t.grant("pay", "g", array.concat(gateway, lowered), to)))) == {"spec.to[0]"}
}
