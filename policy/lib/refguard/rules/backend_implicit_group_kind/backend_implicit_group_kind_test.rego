package lib.refguard.rules.backend_implicit_group_kind_test

import data.lib.refguard.rules.backend_implicit_group_kind
import data.lib.refguard.testutil as t

test_off_by_default if {
	count(backend_implicit_group_kind.findings(t.no_inventory(t.http([{"name": "a", "port": 8080}])))) == 0
}

test_on_when_configured if {
	ctx := t.ctx_with(t.http([{"name": "a", "port": 8080}]), [], {"severity": {"RG401": "warning"}})
	some f in backend_implicit_group_kind.findings(ctx)
	f.severity == "warning"
}
