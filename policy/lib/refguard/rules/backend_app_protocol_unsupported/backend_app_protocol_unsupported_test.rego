package lib.refguard.rules.backend_app_protocol_unsupported_test

import data.lib.refguard.rules.backend_app_protocol_unsupported
import data.lib.refguard.testutil as t

test_h2c_behind_tlsroute if {
	s := t.svc("app", "web", [{"port": 443, "appProtocol": "kubernetes.io/h2c"}])
	r := t.route("TLSRoute", "app", "r", [{"name": "web", "port": 443}])
	t.rules(backend_app_protocol_unsupported.findings(t.ctx(r, [s]))) == {"RG107"}
}

test_h2c_behind_httproute_passes if {
	s := t.svc("app", "web", [{"port": 8080, "appProtocol": "kubernetes.io/h2c"}])
	count(backend_app_protocol_unsupported.findings(t.ctx(t.http([{"name": "web", "port": 8080}]), [s]))) == 0
}
