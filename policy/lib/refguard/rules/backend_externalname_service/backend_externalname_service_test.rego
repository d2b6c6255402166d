package lib.refguard.rules.backend_externalname_service_test

import data.lib.refguard.rules.backend_externalname_service
import data.lib.refguard.testutil as t

test_externalname_warns if {
	s := object.union(t.svc("app", "ext", [t.port(443)]), {"spec": {"type": "ExternalName", "externalName": "x.example.com"}})
	some f in backend_externalname_service.findings(t.ctx(t.http([{"name": "ext", "port": 443}]), [s]))
	f.severity == "warning"
}

test_clusterip_passes if {
	count(backend_externalname_service.findings(t.ctx(t.http([{"name": "web", "port": 8080}]), [t.svc("app", "web", [t.port(8080)])]))) == 0
}
