package lib.refguard.gatekeeper_test

import data.lib.refguard.all
import data.lib.refguard.config
import data.lib.refguard.context
import data.lib.refguard.gatekeeper
import data.lib.refguard.inventory
import data.lib.refguard.refs
import data.lib.refguard.testutil as t

_route := t.http([{"name": "web", "port": 8080}])

_inventory := {"namespace": {"app": {"v1": {"Service": {"web": t.svc("app", "web", [t.port(8080)])}}}}}

test_profile_defaults_to_spec if {
	gatekeeper.profile == "spec" with input as {"review": {"object": _route}}
}

test_profile_from_parameters if {
	gatekeeper.profile == "istio" with input as {"review": {"object": _route}, "parameters": {"profile": "istio"}}
}

test_route_context_reads_the_synced_inventory if {
	ctx := gatekeeper.route_context({}) with input as {"review": {"object": _route}} with data.inventory as _inventory
	ctx.records[0].resolution.step == "resolved"
}

test_grant_is_not_a_route if {
	not gatekeeper.route_context({}) with input as {"review": {"object": t.grant("app", "g", [], [])}}
}

test_report_starts_with_the_rule_id if {
	v := gatekeeper.report({"rule": "RG103", "name": "n", "severity": "error", "field": "f", "reason": "r", "fix": "", "message": "m"})
	v.msg == "RG103: m (f)"
	v.details.rule == "RG103"
}

_from_app := [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "app"}]

_v1(g) := object.union(g, {"apiVersion": "gateway.networking.k8s.io/v1"})

# Synced as Gatekeeper does: data.inventory.namespace[ns][apiVersion][kind][name];
# "db-from-app" is served in both ReferenceGrant versions, the v1 copy
# naming another service (v1 is listed first, so it wins).
_synced_objects := [
	t.svc("app", "web", [t.port(8080)]),
	t.svc("app", "other", [t.port(80)]),
	t.svc("data", "db", [t.port(5432)]),
	t.svc("data", "cache", [{"port": 6379, "appProtocol": "kubernetes.io/wss"}]),
	t.grant("data", "db-from-app", _from_app, [{"group": "", "kind": "Service", "name": "db"}]),
	_v1(t.grant("data", "db-from-app", _from_app, [{"group": "", "kind": "Service", "name": "cache"}])),
	t.grant("data", "unrelated", _from_app, [{"group": "", "kind": "Service", "name": "zzz"}]),
	{
		"apiVersion": "gateway.networking.k8s.io/v1", "kind": "BackendTLSPolicy",
		"metadata": {"namespace": "data", "name": "cache-tls"},
		"spec": {"targetRefs": [{"group": "", "kind": "Service", "name": "cache"}]},
	},
]

_synced := {"namespace": object.union_n([{o.metadata.namespace: {o.apiVersion: {o.kind: {o.metadata.name: o}}}} |
	some o in _synced_objects
])}

_gk_routes := {
	"healthy": t.http([{"name": "web", "port": 8080}, {"name": "cache", "namespace": "data", "port": 6379}]),
	"v1beta1-copy-loses": t.http([{"name": "db", "namespace": "data", "port": 5432}]),
	"not-found": t.http([{"name": "webb", "port": 8080}]),
}

_gk_ctx(route) := ctx if {
	ctx := gatekeeper.route_context({}) with input as {"review": {"object": route}} with data.inventory as _synced
}

test_route_context_has_the_findings_of_the_whole_namespaces if {
	every _, route in _gk_routes {
		got := _gk_ctx(route)
		want := context.build(route, inventory.for_route(route, refs.collections, config.profile(config.effective({}))), {}) with data.inventory as _synced
		all.route_findings(got) == all.route_findings(want)
		got.records == want.records
	}
}

test_route_context_reads_targets_and_candidates_only_for_a_healthy_route if {
	inv := _gk_ctx(_gk_routes.healthy).inv
	object.keys(inv.services.data) == {"cache"}
	object.keys(inv.referencegrants.data) == {"db-from-app"}
	inv.referencegrants.data["db-from-app"].apiVersion == "gateway.networking.k8s.io/v1"
	object.keys(inv.backendtlspolicies.data) == {"cache-tls"}
}

test_the_first_listed_version_wins_a_name if {
	ctx := _gk_ctx(_gk_routes["v1beta1-copy-loses"])
	ctx.records[0].resolution.step == "grant"
}
