package lib.refguard.rules.grant_wildcard_to_test

import data.lib.refguard.rules.grant_wildcard_to
import data.lib.refguard.testutil as t

test_no_name_warns if {
	g := t.grant("pay", "g", [], [{"group": "", "kind": "Service"}])
	t.fields(grant_wildcard_to.findings(t.grant_ctx(g))) == {"spec.to[0]"}
}

test_scoped_passes if {
	g := t.grant("pay", "g", [], [{"group": "", "kind": "Service", "name": "api"}])
	count(grant_wildcard_to.findings(t.grant_ctx(g))) == 0
}

# A null name is left out (the API server drops it); an empty one is not a
# wildcard but a name the schema rejects (RG205).
test_null_name_warns_and_empty_name_is_rg205s if {
	g := t.grant("pay", "g", [], [{"group": "", "kind": "Service", "name": null}, {"group": "", "kind": "Service", "name": ""}])
	t.fields(grant_wildcard_to.findings(t.grant_ctx(g))) == {"spec.to[0]"}
}
