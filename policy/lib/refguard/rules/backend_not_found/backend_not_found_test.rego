package lib.refguard.rules.backend_not_found_test

import data.lib.refguard.rules.backend_not_found
import data.lib.refguard.testutil as t

test_typo_fires_with_fix if {
	fs := backend_not_found.findings(t.ctx(t.http([{"name": "api-svc", "port": 8080}]), [t.svc("app", "api-service", [t.port(8080)])]))
	some f in fs
	f.rule == "RG103"
	f.fix == "set name: api-service"
}

test_existing_service_passes if {
	count(backend_not_found.findings(t.ctx(t.http([{"name": "api", "port": 8080}]), [t.svc("app", "api", [t.port(8080)])]))) == 0
}

test_dotted_name_is_left_to_rg109 if {
	count(backend_not_found.findings(t.ctx(t.http([{"name": "api.app.svc", "port": 8080}]), []))) == 0
}
