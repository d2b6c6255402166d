package lib.refguard.rules.route_shape_invalid_test

import data.lib.refguard.rules.route_shape_invalid
import data.lib.refguard.testutil as t

test_rules_not_a_list if {
	r := {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "r"}, "spec": {"rules": "all"}}
	t.fields(route_shape_invalid.findings(t.no_inventory(r))) == {"spec.rules"}
}

test_ref_not_an_object if {
	t.fields(route_shape_invalid.findings(t.no_inventory(t.http(["web"])))) == {"spec.rules[0].backendRefs[0]"}
}

test_well_formed if {
	count(route_shape_invalid.findings(t.no_inventory(t.http([{"name": "a", "port": 80}])))) == 0
}
