package lib.refguard.rules.backend_port_missing_test

import data.lib.refguard.rules.backend_port_missing
import data.lib.refguard.testutil as t

test_missing_port_fires if {
	t.rules(backend_port_missing.findings(t.no_inventory(t.http([{"name": "web"}])))) == {"RG104"}
}

test_serviceimport_needs_no_port if {
	count(backend_port_missing.findings(t.no_inventory(t.http([{"group": "multicluster.x-k8s.io", "kind": "ServiceImport", "name": "web"}])))) == 0
}
