package refguard.kubernetes_test

import data.lib.refguard.all
import data.lib.refguard.context
import data.lib.refguard.testutil as t
import data.refguard.kubernetes

_from_app := [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "app"}]

_objects := [
	t.svc("app", "web", [t.port(8080)]),
	t.svc("app", "other", [t.port(80)]),
	t.svc("data", "db", [t.port(5432)]),
	t.svc("data", "cache", [{"port": 6379, "appProtocol": "kubernetes.io/wss"}]),
	t.svc("data", "dbx", [t.port(5432)]),
	t.grant("data", "db-from-app", _from_app, [{"group": "", "kind": "Service", "name": "db"}]),
	t.grant("data", "all-from-app", _from_app, [{"group": "", "kind": "Service"}]),
	t.grant("data", "dbx-from-app", _from_app, [{"group": "", "kind": "Service", "name": "dbx"}]),
	t.grant("data", "db-from-ops", [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "ops"}], [{"group": "", "kind": "Service", "name": "db"}]),
	t.grant("app", "misplaced", _from_app, [{"group": "", "kind": "Service", "name": "nope"}]),
	{
		"apiVersion": "gateway.networking.k8s.io/v1", "kind": "BackendTLSPolicy",
		"metadata": {"namespace": "data", "name": "cache-tls"},
		"spec": {"targetRefs": [{"group": "", "kind": "Service", "name": "cache"}]},
	},
]

_replicated := t.inventory(_objects)

_ref(name, ns, port) := {"name": name, "namespace": ns, "port": port}

_routes := {
	"healthy": t.http([{"name": "web", "port": 8080}, _ref("db", "data", 5432)]),
	"wss-with-tls-policy": t.http([_ref("cache", "data", 6379)]),
	"port-not-found": t.http([_ref("db", "data", 9999)]),
	"not-found": t.http([{"name": "webb", "port": 8080}]),
	"not-permitted": t.route("HTTPRoute", "ops", "r", [_ref("dbx", "data", 5432)]),
	"misplaced-grant": t.http([_ref("nope", "other", 80)]),
}

# The adapter's context has the findings, records and status of the context
# over the whole replicated inventory, for every route.
test_same_findings_as_over_the_whole_inventory if {
	every _, route in _routes {
		got := kubernetes.route_context(route, {}) with data.kubernetes as _replicated
		want := context.build(route, _replicated, {})
		all.route_findings(got) == all.route_findings(want)
		got.records == want.records
	}
}

_inv(name) := ctx.inv if {
	ctx := kubernetes.route_context(_routes[name], {}) with data.kubernetes as _replicated
}

test_a_healthy_route_reads_its_targets_and_candidate_grants_only if {
	inv := _inv("healthy")
	inv.services == {"app": {"web": _replicated.services.app.web}, "data": {"db": _replicated.services.data.db}}
	object.keys(inv.referencegrants.data) == {"db-from-app", "all-from-app"}
}

test_a_backend_tls_policy_is_read_when_it_names_a_backend if {
	inv := _inv("wss-with-tls-policy")
	object.keys(inv.backendtlspolicies.data) == {"cache-tls"}
}

test_a_scanning_finding_reads_the_whole_namespaces if {
	count(all.route_findings(kubernetes.route_context(_routes["misplaced-grant"], {}))) > 0 with data.kubernetes as _replicated
	object.keys(_inv("not-found").services.app) == {"web", "other"}
	object.keys(_inv("not-permitted").referencegrants.data) == {"db-from-app", "all-from-app", "dbx-from-app", "db-from-ops"}
}
