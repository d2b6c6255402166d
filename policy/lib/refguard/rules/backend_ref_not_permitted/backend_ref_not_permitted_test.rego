package lib.refguard.rules.backend_ref_not_permitted_test

import data.lib.refguard.rules.backend_ref_not_permitted
import data.lib.refguard.testutil as t

_ref := {"name": "api", "namespace": "pay", "port": 8080}

_svc := t.svc("pay", "api", [t.port(8080)])

test_no_grant_fires if {
	fs := backend_ref_not_permitted.findings(t.ctx(t.http([_ref]), [_svc]))
	some f in fs
	f.rule == "RG102"
	f.reason == "RefNotPermitted"
	f.suggestion.grant.metadata.namespace == "pay"
}

test_grant_in_route_namespace_is_a_near_miss if {
	g := t.grant("app", "g", [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "app"}], [{"group": "", "kind": "Service", "name": "api"}])
	some f in backend_ref_not_permitted.findings(t.ctx(t.http([_ref]), [_svc, g]))
	startswith(f.fix, "add a ReferenceGrant in namespace pay: ")
	endswith(f.fix, "; or, if nothing else relies on it where it is, move ReferenceGrant app/g to namespace pay")
}

test_wrong_to_group_is_named if {
	g := t.grant("pay", "g", [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "app"}], [{"group": "core", "kind": "Service", "name": "api"}])
	some f in backend_ref_not_permitted.findings(t.ctx(t.http([_ref]), [_svc, g]))
	contains(f.message, "spec.to[0].group")
}

test_matching_grant_permits if {
	g := t.grant("pay", "g", [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "app"}], [{"group": "", "kind": "Service", "name": "api"}])
	count(backend_ref_not_permitted.findings(t.ctx(t.http([_ref]), [_svc, g]))) == 0
}

_from_app := [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "app"}]

# A name left out or null (the API server drops a null) is every Service.
test_grant_without_a_name_permits_every_service if {
	every to in [{"group": "", "kind": "Service"}, {"group": "", "kind": "Service", "name": null}] {
		g := t.grant("pay", "g", _from_app, [to])
		count(backend_ref_not_permitted.findings(t.ctx(t.http([_ref]), [_svc, g]))) == 0
	}
}

# name: "" is shorter than the schema allows: the API server rejects the
# grant, so it permits nothing, and the grant is repaired, not copied.
test_a_grant_the_schema_rejects_permits_nothing_and_is_named if {
	every to in [{"group": "", "kind": "Service", "name": ""}, {"kind": "Service", "name": "api"}] {
		g := t.grant("pay", "g", _from_app, [to])
		[f] := [f | some f in backend_ref_not_permitted.findings(t.ctx(t.http([_ref]), [_svc, g]))]
		contains(f.message, "ReferenceGrant pay/g would allow it, but the API server rejects it (spec.to[0]")
		f.edits == []
	}
}

test_grant_for_another_name_does_not_permit if {
	g := t.grant("pay", "g", _from_app, [{"group": "", "kind": "Service", "name": "web"}])
	some f in backend_ref_not_permitted.findings(t.ctx(t.http([_ref]), [_svc, g]))
	contains(f.message, "spec.to[0].name")
}

test_grant_from_another_namespace_or_kind_does_not_permit if {
	every from in [
		{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "other"},
		{"group": "gateway.networking.k8s.io", "kind": "GRPCRoute", "namespace": "app"},
		{"group": "example.com", "kind": "HTTPRoute", "namespace": "app"},
	] {
		g := t.grant("pay", "g", [from], [{"group": "", "kind": "Service", "name": "api"}])
		count(backend_ref_not_permitted.findings(t.ctx(t.http([_ref]), [_svc, g]))) == 1
	}
}

test_no_inventory_no_finding if {
	count(backend_ref_not_permitted.findings(t.no_inventory(t.http([_ref])))) == 0
}

# A grant that serves another route's reference must survive the repair:
# the edit adds a grant scoped to the one Service, never rewrites one.
test_repair_adds_a_grant_and_never_edits_a_near_miss if {
	grpc_grant := t.grant("pay", "g", [{"group": "gateway.networking.k8s.io", "kind": "GRPCRoute", "namespace": "app"}], [{"group": "", "kind": "Service", "name": "api"}])
	some f in backend_ref_not_permitted.findings(t.ctx(t.http([_ref]), [_svc, grpc_grant]))
	[edit] := f.edits
	edit.op == "add"
	edit.manifest.kind == "ReferenceGrant"
	edit.manifest.metadata.namespace == "pay"
	edit.manifest.spec.to == [{"group": "", "kind": "Service", "name": "api"}]
	edit.manifest.spec.from == [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "app"}]

	# written beside the target namespace's grants, else beside the Service
	edit.near == [{"kind": "ReferenceGrant", "namespace": "pay", "name": "g"}, {"kind": "Service", "namespace": "pay", "name": "api"}]
}

_with_parents(parents) := json.patch(t.http([_ref]), [{"op": "add", "path": "/spec/parentRefs", "value": parents}])

_service_parent := {"group": "", "kind": "Service", "name": "api", "namespace": "pay"}

test_mesh_route_needs_no_grant if {
	count(backend_ref_not_permitted.findings(t.ctx(_with_parents([_service_parent]), [_svc]))) == 0
	entry := {"group": "networking.istio.io", "kind": "ServiceEntry", "name": "ext"}
	count(backend_ref_not_permitted.findings(t.ctx(_with_parents([_service_parent, entry]), [_svc]))) == 0
}

test_a_gateway_parent_or_none_still_needs_a_grant if {
	every parents in [[_service_parent, {"name": "gw"}], [{"kind": "Service", "name": "api"}], []] {
		count(backend_ref_not_permitted.findings(t.ctx(_with_parents(parents), [_svc]))) == 1
	}
}

test_no_grant_is_added_for_a_namespace_without_the_service if {
	some f in backend_ref_not_permitted.findings(t.ctx(t.http([_ref]), [t.svc("app", "api", [t.port(8080)])]))
	f.fix == "set namespace: app"
	[edit] := f.edits
	edit.op == "set"
	edit.value == "app"
	contains(f.message, "does not exist either")
}

test_a_service_missing_everywhere_gets_no_grant if {
	some f in backend_ref_not_permitted.findings(t.ctx(t.http([_ref]), []))
	f.fix == ""
	f.edits == []
	contains(f.message, "no ReferenceGrant would help")
}

# A namespace the controller refuses on that reference is removed, and no
# grant is added: none would help.
test_a_refused_namespace_is_removed if {
	ref := {"group": "traefik.io", "kind": "TraefikService", "name": "api@internal", "namespace": "app"}
	[f] := [f | some f in backend_ref_not_permitted.findings(t.ctx_with(t.http([ref]), [], {"profile": "traefik"}))]
	f.fix == "remove namespace from the backendRef"
	f.edits == [{"op": "remove", "object": f.object, "field": "spec.rules[0].backendRefs[0].namespace"}]
}

# A misspelt name in the target namespace: one close name is the fix (the
# grant follows in the next round), several are named and none chosen.
test_misspelt_name_in_the_target_namespace if {
	ref := {"name": "ledgr", "namespace": "pay", "port": 8080}
	some f in backend_ref_not_permitted.findings(t.ctx(t.http([ref]), [t.svc("pay", "ledger", [t.port(8080)])]))
	endswith(f.message, "does not exist either: did you mean ledger?")
	f.fix == "set name: ledger"
	[edit] := f.edits
	edit.value == "ledger"

	some tie in backend_ref_not_permitted.findings(t.ctx(t.http([{"name": "ledger", "namespace": "pay", "port": 8080}]), [t.svc("pay", "ledger-a", [t.port(8080)]), t.svc("pay", "ledger-b", [t.port(8080)])]))
	endswith(tie.message, "did you mean one of ledger-a, ledger-b?")
	tie.fix == ""
	tie.edits == []
}

_core_grant := t.grant(
	"data", "g",
	[{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "app"}],
	[{"group": "core", "kind": "Service", "name": "db"}],
)

_core_grant_findings(ref, profile) := backend_ref_not_permitted.findings(t.ctx_with(
	t.http([ref]),
	[t.svc("data", "db", [t.port(5432)]), _core_grant],
	{"profile": profile},
))

test_a_grant_read_as_the_core_group_only_by_the_controller_is_advice if {
	ref := {"name": "db", "namespace": "data", "port": 5432}
	[f] := [f | some f in _core_grant_findings(ref, "nginx-gateway-fabric")]
	[f.severity, f.reason] == ["warning", ""]
	f.fix == `in ReferenceGrant data/g set spec.to[0].group: ""`
	[g] := [g | some g in _core_grant_findings(ref, "spec")]
	[g.severity, g.reason] == ["error", "RefNotPermitted"]
}

test_a_reference_written_core_is_left_to_rg101 if {
	count(_core_grant_findings({"group": "core", "name": "db", "namespace": "data", "port": 5432}, "traefik")) == 0
}
