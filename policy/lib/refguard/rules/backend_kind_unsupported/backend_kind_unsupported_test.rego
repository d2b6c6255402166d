package lib.refguard.rules.backend_kind_unsupported_test

import data.lib.refguard.rules.backend_kind_unsupported
import data.lib.refguard.testutil as t

test_group_core_fires if {
	fs := backend_kind_unsupported.findings(t.ctx(t.http([{"group": "core", "kind": "Service", "name": "web", "port": 8080}]), [t.svc("app", "web", [t.port(8080)])]))
	some f in fs
	f.rule == "RG101"
	f.reason == "InvalidKind"
	f.fix == `set group: ""`
}

test_lowercase_kind_fires_without_inventory if {
	fs := backend_kind_unsupported.findings(t.no_inventory(t.http([{"kind": "service", "name": "web", "port": 8080}])))
	t.rules(fs) == {"RG101"}
}

test_service_and_serviceimport_pass if {
	refs := [{"name": "web", "port": 8080}, {"group": "multicluster.x-k8s.io", "kind": "ServiceImport", "name": "web", "port": 8080}]
	count(backend_kind_unsupported.findings(t.ctx(t.http(refs), []))) == 0
}
