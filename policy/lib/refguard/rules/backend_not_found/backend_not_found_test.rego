package lib.refguard.rules.backend_not_found_test

import data.lib.refguard.rules.backend_not_found
import data.lib.refguard.similar
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

test_a_namesake_in_another_namespace_wins_over_a_similar_name if {
	objs := [t.svc("app", "apx", [t.port(80)]), t.svc("backend", "api", [t.port(80)])]
	fs := backend_not_found.findings(t.ctx(t.http([{"name": "api", "port": 80}]), objs))
	some f in fs
	f.fix == "set namespace: backend"
	[edit] := f.edits
	edit.field == "spec.rules[0].backendRefs[0].namespace"
	edit.value == "backend"
	contains(f.message, "exists in namespace backend")
}

test_namesakes_in_several_namespaces_are_named_without_a_fix if {
	objs := [t.svc("backend", "api", [t.port(80)]), t.svc("staging", "api", [t.port(80)])]
	fs := backend_not_found.findings(t.ctx(t.http([{"name": "api", "port": 80}]), objs))
	some f in fs
	f.fix == ""
	f.edits == []
	contains(f.message, "namespaces backend, staging")
}

test_a_name_prefix_the_route_carries_too_names_the_kustomize_fix if {
	route := t.route("HTTPRoute", "app", "prod-web", [{"name": "api", "port": 80}])
	fs := backend_not_found.findings(t.ctx(route, [t.svc("app", "prod-api", [t.port(80)])]))
	some f in fs
	contains(f.message, "carries the prefix prod- this route's name carries too")
	startswith(f.fix, "set name: prod-api; with kustomize")
	contains(f.fix, "fieldSpecs: [{kind: HTTPRoute, path: spec/rules/backendRefs/name}]")
	[edit] := f.edits
	edit.value == "prod-api"
}

test_a_prefix_the_route_lacks_is_only_a_suggestion if {
	fs := backend_not_found.findings(t.ctx(t.http([{"name": "api", "port": 80}]), [t.svc("app", "prod-api", [t.port(80)])]))
	some f in fs
	not contains(f.message, "kustomize")
	f.fix == "set name: prod-api"
}

test_field_spec_path_drops_indexes if {
	backend_not_found._field_spec_path("spec.rules[0].filters[2].requestMirror.backendRef") == "spec/rules/filters/requestMirror/backendRef/name"
}

_service_import(annotations) := {
	"apiVersion": "multicluster.x-k8s.io/v1beta1", "kind": "ServiceImport",
	"metadata": {"namespace": "app", "name": "api", "annotations": annotations},
	"spec": {"ports": [t.port(80)]},
}

_import_ref := [{"group": "multicluster.x-k8s.io", "kind": "ServiceImport", "name": "api", "port": 80}]

test_cilium_service_import_without_its_annotation if {
	fs := backend_not_found.findings(t.ctx_with(t.http(_import_ref), [_service_import({}), t.svc("app", "api", [t.port(80)])], {"profile": "cilium"}))
	some f in fs
	contains(f.message, "has no multicluster.kubernetes.io/derived-service annotation")
	f.fix == "set the multicluster.kubernetes.io/derived-service annotation of ServiceImport app/api to api"
}

test_cilium_service_import_whose_service_is_missing if {
	objs := [_service_import({"multicluster.kubernetes.io/derived-service": "derived-api"})]
	fs := backend_not_found.findings(t.ctx_with(t.http(_import_ref), objs, {"profile": "cilium"}))
	some f in fs
	contains(f.message, "stands for Service app/derived-api")
	startswith(f.fix, "create Service app/derived-api")
}

test_cilium_service_import_with_its_service_resolves if {
	objs := [_service_import({"multicluster.kubernetes.io/derived-service": "derived-api"}), t.svc("app", "derived-api", [t.port(80)])]
	count(backend_not_found.findings(t.ctx_with(t.http(_import_ref), objs, {"profile": "cilium"}))) == 0
}

# A namespace with more Services than a name is compared with: no similar
# name is looked for and none listed, the count is given; the name in
# lowercase is still found.
test_a_crowded_namespace_is_counted_not_compared if {
	objs := [t.svc("app", n, [t.port(80)]) | some n in ["svc-1", "svc-2", "svc-3", "svc-4"]]
	[f] := [f | some f in backend_not_found.findings(t.ctx(t.http([{"name": "svc-1x", "port": 80}]), objs))] with similar.max_candidates as 3
	contains(f.message, "namespace app holds 4 Services, more than are compared")
	f.fix == ""
	[g] := [g | some g in backend_not_found.findings(t.ctx(t.http([{"name": "SVC-1", "port": 80}]), objs))] with similar.max_candidates as 3
	g.fix == "set name: svc-1"
	[h] := [h | some h in backend_not_found.findings(t.ctx(t.http([{"name": "svc-1x", "port": 80}]), objs))]
	h.fix == "set name: svc-1"
}

# The hint lists the first five names in order when none is close.
test_the_first_five_names_are_listed if {
	objs := [t.svc("app", n, [t.port(80)]) | some n in ["f", "b", "g", "a", "e", "c", "d"]]
	[f] := [f | some f in backend_not_found.findings(t.ctx(t.http([{"name": "zzzzzz", "port": 80}]), objs))]
	contains(f.message, "Services in namespace app: a, b, c, d, e, …")
}

# kgateway's route delegation: a child route the reference names that its
# namespace does not hold gets the closest name there, with the rename;
# a wildcard into an empty namespace says so, with nothing to rename.
test_a_delegation_to_a_missing_child_suggests_the_closest_route if {
	ref := {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "child-team2", "namespace": "team2"}
	child := {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"namespace": "team2", "name": "child-team-2"}, "spec": {}}
	[f] := [f | some f in backend_not_found.findings(t.ctx_with(t.http([ref]), [child], {"profile": "kgateway"}))]
	f.message == "delegation to HTTPRoute team2/child-team2: no such HTTPRoute; did you mean child-team-2?"
	f.fix == "set name: child-team-2"

	wildcard := object.union(ref, {"name": "*", "namespace": "team1"})
	[g] := [g | some g in backend_not_found.findings(t.ctx_with(t.http([wildcard]), [child], {"profile": "kgateway"}))]
	g.message == "delegation to every HTTPRoute of namespace team1: the namespace holds none"
	object.get(g, "edits", []) == []
}

# A filter's reference that fails its whole rule on the chosen controller
# says so; elsewhere the message is the reference's own.
test_a_missing_mirror_fails_the_rule_on_envoy_gateway_only if {
	route := t.http_with_rules([
		{"backendRefs": [{"name": "api", "port": 80}]},
		{
			"filters": [{"type": "RequestMirror", "requestMirror": {"backendRef": {"name": "shadow", "port": 80}}}],
			"backendRefs": [{"name": "api", "port": 80}],
		},
	])
	objs := [t.svc("app", "api", [t.port(80)])]
	[eg] := [f.message | some f in backend_not_found.findings(t.ctx_with(route, objs, {"profile": "envoy-gateway"}))]
	endswith(eg, "; the envoy-gateway controller answers every request that rule 1 matches with 500, not only the mirrored copies")
	[spec] := [f.message | some f in backend_not_found.findings(t.ctx_with(route, objs, {"profile": "contour"}))]
	not contains(spec, "rule 1")
}

test_a_missing_external_auth_backend_rejects_the_rule_on_nginx_gateway_fabric if {
	route := t.http_with_rules([{
		"filters": [{"type": "ExternalAuth", "externalAuth": {"protocol": "HTTP", "http": {}, "backendRef": {"name": "authz", "port": 9000}}}],
		"backendRefs": [{"name": "api", "port": 80}],
	}])
	objs := [t.svc("app", "api", [t.port(80)])]
	[f] := [f | some f in backend_not_found.findings(t.ctx_with(route, objs, {"profile": "nginx-gateway-fabric"}))]
	f.severity == "error"
	contains(f.message, "rejects rule 0 rather than serve it without authentication")
}
