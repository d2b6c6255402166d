package lib.refguard.rules.route_version_not_served_test

import data.lib.refguard.rules.route_version_not_served
import data.lib.refguard.testutil as t

test_tlsroute_v1alpha3 if {
	r := object.union(t.route("TLSRoute", "app", "r", []), {"apiVersion": "gateway.networking.k8s.io/v1alpha3"})
	t.fields(route_version_not_served.findings(t.no_inventory(r))) == {"apiVersion"}
}

test_httproute_v1beta1_is_served if {
	r := object.union(t.http([]), {"apiVersion": "gateway.networking.k8s.io/v1beta1"})
	count(route_version_not_served.findings(t.no_inventory(r))) == 0
}

test_httproute_v1alpha2_is_rejected_whatever_is_installed if {
	r := object.union(t.http([]), {"apiVersion": "gateway.networking.k8s.io/v1alpha2"})
	[f] := [f | some f in route_version_not_served.findings(t.no_inventory(r))]
	f.severity == "error"
	f.fix == "set apiVersion: gateway.networking.k8s.io/v1"
}

test_experimental_only_is_a_warning if {
	r := object.union(t.route("TCPRoute", "app", "r", []), {"apiVersion": "gateway.networking.k8s.io/v1alpha2"})
	[f] := [f | some f in route_version_not_served.findings(t.no_inventory(r))]
	f.severity == "warning"
}
