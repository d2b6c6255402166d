package lib.refguard.rules.backend_app_protocol_nonstandard_test

import data.lib.refguard.rules.backend_app_protocol_nonstandard
import data.lib.refguard.testutil as t

test_bare_h2c if {
	s := t.svc("app", "web", [{"port": 8080, "appProtocol": "h2c"}])
	t.rules(backend_app_protocol_nonstandard.findings(t.ctx(t.http([{"name": "web", "port": 8080}]), [s]))) == {"RG110"}
}

test_tcproute_is_not_checked if {
	s := t.svc("app", "web", [{"port": 8080, "appProtocol": "h2c"}])
	r := t.route("TCPRoute", "app", "r", [{"name": "web", "port": 8080}])
	count(backend_app_protocol_nonstandard.findings(t.ctx(r, [s]))) == 0
}
