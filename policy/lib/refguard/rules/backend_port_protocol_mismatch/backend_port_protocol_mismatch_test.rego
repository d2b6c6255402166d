package lib.refguard.rules.backend_port_protocol_mismatch_test

import data.lib.refguard.rules.backend_port_protocol_mismatch
import data.lib.refguard.testutil as t

test_udp_port_behind_http if {
	s := t.svc("app", "dns", [{"port": 53, "protocol": "UDP"}])
	t.rules(backend_port_protocol_mismatch.findings(t.ctx(t.http([{"name": "dns", "port": 53}]), [s]))) == {"RG106"}
}

test_udp_route_udp_port_passes if {
	s := t.svc("app", "dns", [{"port": 53, "protocol": "UDP"}])
	r := t.route("UDPRoute", "app", "r", [{"name": "dns", "port": 53}])
	count(backend_port_protocol_mismatch.findings(t.ctx(r, [s]))) == 0
}
