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
	[e] := f.edits
	[e.op, e.field, e.value] == ["set", "apiVersion", "gateway.networking.k8s.io/v1"]
}

# Only a route no API server takes is moved by fix: one the experimental
# CRDs still serve works where they are installed.
test_experimental_only_is_not_edited if {
	r := object.union(t.route("TCPRoute", "app", "r", []), {"apiVersion": "gateway.networking.k8s.io/v1alpha2"})
	[f] := [f | some f in route_version_not_served.findings(t.no_inventory(r))]
	object.get(f, "edits", []) == []
}

test_experimental_only_is_a_warning if {
	r := object.union(t.route("TCPRoute", "app", "r", []), {"apiVersion": "gateway.networking.k8s.io/v1alpha2"})
	[f] := [f | some f in route_version_not_served.findings(t.no_inventory(r))]
	f.severity == "warning"
}

test_moving_to_v1_says_what_v1_requires_that_the_old_version_did_not if {
	tls := object.union(t.route("TLSRoute", "app", "r", [{"name": "a", "port": 443}]), {"apiVersion": "gateway.networking.k8s.io/v1alpha2"})
	[f] := [f | some f in route_version_not_served.findings(t.no_inventory(tls))]
	endswith(f.message, "use gateway.networking.k8s.io/v1, which needs at least one SNI hostname in spec.hostnames")
	f.fix == "set apiVersion: gateway.networking.k8s.io/v1, with at least one SNI hostname in spec.hostnames"

	named := json.patch(tls, [{"op": "add", "path": "/spec/hostnames", "value": ["db.example.com"]}])
	[g] := [g | some g in route_version_not_served.findings(t.no_inventory(named))]
	g.fix == "set apiVersion: gateway.networking.k8s.io/v1"

	two := json.patch(object.union(t.route("TCPRoute", "app", "r", [{"name": "a", "port": 5432}]), {"apiVersion": "gateway.networking.k8s.io/v1alpha2"}), [{"op": "add", "path": "/spec/rules/-", "value": {"backendRefs": [{"name": "b", "port": 5432}]}}])
	[h] := [h | some h in route_version_not_served.findings(t.no_inventory(two))]
	h.fix == "set apiVersion: gateway.networking.k8s.io/v1, with every backendRef in one rule"
}
