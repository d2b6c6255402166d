package lib.refguard.narrow_test

import data.lib.refguard.all
import data.lib.refguard.context
import data.lib.refguard.narrow
import data.lib.refguard.profiles
import data.lib.refguard.testutil as t

_cross := t.route("HTTPRoute", "app", "r", [
	{"name": "web", "port": 8080},
	{"name": "db", "namespace": "data", "port": 5432},
	{"name": "cache", "namespace": "data", "port": 6379},
	{"group": "multicluster.x-k8s.io", "kind": "ServiceImport", "name": "remote", "port": 80},
	{"group": "example.com", "kind": "Thing", "name": "x"},
	{"name": 5},
])

test_targets_are_the_profiles_lookups if {
	narrow.targets(_cross, profiles.named("spec")) == {
		["services", "app", "web"],
		["services", "data", "db"],
		["services", "data", "cache"],
		["serviceimports", "app", "remote"],
	}
	narrow.targets(_cross, profiles.named("istio")) == {
		["services", "app", "web"],
		["services", "data", "db"],
		["services", "data", "cache"],
		["services", "app", "remote"],
	}
}

test_no_target_for_a_kind_accepted_without_a_lookup if {
	route := t.http([{"group": "gateway.kgateway.dev", "kind": "Backend", "name": "ext"}])
	narrow.targets(route, profiles.named("kgateway")) == set()
}

test_no_target_for_a_kind_found_by_host if {
	route := t.http([{"group": "networking.istio.io", "kind": "Hostname", "name": "example.com", "port": 443}])
	narrow.targets(route, profiles.named("istio")) == set()
}

test_grant_targets_hold_the_cross_namespace_names_and_the_wildcard if {
	narrow.grant_targets(_cross) == {"data": {"", "db", "cache"}}
	narrow.grant_targets(t.http([{"name": "web", "port": 8080}])) == {}
}

test_tls_targets_only_for_routes_that_carry_tls if {
	narrow.tls_targets(_cross) == {"app": {"web", "remote", "x", 5}, "data": {"db", "cache"}}
	narrow.tls_targets(t.route("GRPCRoute", "app", "r", [{"name": "web", "port": 8080}])) == {"app": {"web"}}
	narrow.tls_targets(t.route("TCPRoute", "app", "r", [{"name": "web", "port": 8080}])) == {}
}

test_inventory_files_each_object_under_its_collection if {
	inv := narrow.inventory(
		{["services", "app", "web"]: {"a": 1}, ["serviceimports", "app", "remote"]: {"b": 2}},
		{"data": {"g": {"c": 3}}},
		{},
		{"app": {"ca": {"d": 4}}},
	)
	inv == {
		"services": {"app": {"web": {"a": 1}}},
		"serviceimports": {"app": {"remote": {"b": 2}}},
		"backends": {},
		"referencegrants": {"data": {"g": {"c": 3}}},
		"backendtlspolicies": {},
		"configmaps": {"app": {"ca": {"d": 4}}},
	}
}

test_ca_targets_are_the_configmaps_policies_name if {
	policies := {"app": {
		"p": {"spec": {"validation": {"caCertificateRefs": [{"kind": "ConfigMap", "name": "ca"}, {"kind": "Secret", "name": "s"}]}}},
		"q": {"spec": {"validation": {"wellKnownCACertificates": "System"}}},
	}}
	narrow.ca_targets(policies) == {"app": {"ca"}}
	narrow.ca_targets({"app": {"q": policies.app.q}}) == {}
}

test_complete_unless_a_finding_scans_a_namespace if {
	narrow.complete({"records": [{"resolution": {"step": "resolved"}}, {"resolution": {"step": "port-not-found"}}]})
	not narrow.complete({"records": [{"resolution": {"step": "resolved"}}, {"resolution": {"step": "grant"}}]})
	not narrow.complete({"records": [{"resolution": {"step": "not-found"}}]})
	not narrow.complete({"records": [{"resolution": {"step": "backend-filter-not-found"}}]})
	narrow.complete({"records": []})
}

# The steps listed are those whose findings read ctx.inv: with the inventory
# taken away after resolution, every other finding is unchanged.
test_only_the_scanning_steps_read_the_inventory_after_resolution if {
	objs := [
		t.svc("app", "web", [t.port(8080)]),
		t.svc("data", "db", [{"port": 5432, "protocol": "UDP"}]),
		t.svc("data", "cache", [t.port(6379)]),
		t.grant("data", "g", [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "app"}], [{"group": "", "kind": "Service"}]),
	]
	route := t.route("HTTPRoute", "app", "r", [
		{"name": "web", "port": 9090},
		{"name": "db", "namespace": "data", "port": 5432},
		{"name": "cache", "namespace": "data", "port": 6379, "weight": -1},
	])
	ctx := t.ctx(route, objs)
	narrow.complete(ctx)
	count(all.route_findings(ctx)) > 0
	all.route_findings(ctx) == all.route_findings(object.union(ctx, {"inv": {}}))
}

# A rule's own ExtensionRef to a missing filter stops no reference, yet its
# finding suggests names from the route's namespace.
test_not_complete_when_a_rule_filter_is_missing if {
	ext := {"type": "ExtensionRef", "extensionRef": {"group": "gateway.envoyproxy.io", "kind": "HTTPRouteFilter", "name": "gone"}}
	route := t.route("HTTPRoute", "app", "r", [{"name": "web", "port": 8080}])
	with_filter := json.patch(route, [{"op": "add", "path": "/spec/rules/0/filters", "value": [ext]}])
	inv := {"services": {"app": {"web": t.svc("app", "web", [t.port(8080)])}}}
	narrow.complete(context.build(route, inv, {"profile": "envoy-gateway"}))
	not narrow.complete(context.build(with_filter, inv, {"profile": "envoy-gateway"}))
	narrow.complete(context.build(with_filter, inv, {"profile": "spec"}))
}
