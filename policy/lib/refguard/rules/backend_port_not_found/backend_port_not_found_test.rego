package lib.refguard.rules.backend_port_not_found_test

import data.lib.refguard.rules.backend_port_not_found
import data.lib.refguard.testutil as t

test_target_port_hint if {
	s := t.svc("app", "web", [{"port": 8080, "targetPort": 80}])
	some f in backend_port_not_found.findings(t.ctx(t.http([{"name": "web", "port": 80}]), [s]))
	f.fix == "set port: 8080"
	f.reason == "BackendNotFound"
}

test_exposed_port_passes if {
	count(backend_port_not_found.findings(t.ctx(t.http([{"name": "web", "port": 8080}]), [t.svc("app", "web", [t.port(8080)])]))) == 0
}
