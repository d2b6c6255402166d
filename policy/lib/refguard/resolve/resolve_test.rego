package lib.refguard.resolve_test

import data.lib.refguard.resolve
import data.lib.refguard.testutil as t

_cfg := {"backend_lookups": [{"kind": "gateway.example.com/Backend", "version": "v1", "resource": "examplebackends", "port": "spec.ports[].port"}]}

_backend(name, ports) := {
	"apiVersion": "gateway.example.com/v1", "kind": "Backend",
	"metadata": {"namespace": "app", "name": name},
	"spec": {"ports": [{"port": p} | some p in ports]},
}

_inventory(objs) := {"examplebackends": {"app": {o.metadata.name: o | some o in objs}}}

_step(name, port) := rec.resolution if {
	ref := {"group": "gateway.example.com", "kind": "Backend", "name": name, "port": port}
	ctx := t.context_with_inventory(t.http([ref]), _inventory([_backend("b", [8080, 9090])]), _cfg)
	some rec in ctx.records
}

test_a_declared_lookup_finds_its_object_and_checks_its_port if {
	_step("b", 8080).step == "resolved"
	_step("b", 80).step == "port-not-found"
	_step("b", 80).ports == [8080, 9090]
	_step("missing", 8080).step == "not-found"
}

test_declared_ports_reads_a_list_member_or_one_field if {
	resolve.declared_ports({"spec": {"ports": [{"port": 1}, {"port": 2}, {"name": "x"}]}}, "spec.ports[].port") == {1, 2}
	resolve.declared_ports({"spec": {"targetPortNumber": 8000}}, "spec.targetPortNumber") == {8000}
	resolve.declared_ports({"spec": {}}, "spec.targetPortNumber") == set()
	resolve.declared_ports({"spec": {"ports": "no"}}, "spec.ports[].port") == set()
}

# Traefik: another provider's service (name@provider) by kind alone.
_traefik_step(kind, ref) := rec.resolution if {
	ctx := t.ctx_with(t.route(kind, "app", "r", [ref]), [], {"profile": "traefik"})
	some rec in ctx.records
}

test_a_provider_ref_is_accepted_by_kind_on_the_route_kinds_listed if {
	_traefik_step("TCPRoute", {"group": "traefik.io", "kind": "TraefikService", "name": "svc@file"}).step == "external"
	_traefik_step("TLSRoute", {"kind": "TraefikService", "name": "api@internal"}).step == "external"
	_traefik_step("HTTPRoute", {"group": "traefik.io", "kind": "TraefikService", "name": "api@internal"}).step == "external"
	_traefik_step("GRPCRoute", {"group": "traefik.io", "kind": "TraefikService", "name": "api@internal"}).step == "kind"
	_traefik_step("TCPRoute", {"group": "traefik.io", "kind": "TraefikService", "name": "weighted"}).step == "kind"
}

test_a_provider_ref_with_a_namespace_is_refused_whatever_grants_exist if {
	res := _traefik_step("HTTPRoute", {"group": "traefik.io", "kind": "TraefikService", "name": "api@internal", "namespace": "app"})
	res.step == "namespace-set"
	res.reason == "RefNotPermitted"
}

test_an_istio_hostname_takes_no_namespace if {
	entry := {"apiVersion": "networking.istio.io/v1", "kind": "ServiceEntry", "metadata": {"namespace": "app", "name": "ext"}, "spec": {"hosts": ["api.example.com"]}}
	ref := {"group": "networking.istio.io", "kind": "Hostname", "name": "api.example.com", "namespace": "app", "port": 443}
	ctx := t.ctx_with(t.http([ref]), [entry], {"profile": "istio"})
	some rec in ctx.records
	rec.resolution.step == "namespace-set"
	rec.resolution.reason == "InvalidDestination"
	plain := t.ctx_with(t.http([object.remove(ref, ["namespace"])]), [entry], {"profile": "istio"})
	some other in plain.records
	other.resolution.step == "resolved"
}

test_only_the_traefik_profile_knows_provider_refs if {
	ctx := t.ctx_with(t.route("TCPRoute", "app", "r", [{"kind": "TraefikService", "name": "api@internal"}]), [], {"profile": "spec"})
	some rec in ctx.records
	rec.resolution.step == "kind"
}

test_kgateway_delegation_crosses_namespaces_without_a_grant if {
	ref := {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "*", "namespace": "team1"}
	ctx := t.ctx_with(t.http([ref]), [], {"profile": "kgateway"})
	some rec in ctx.records
	rec.resolution.step == "external"
	spec := t.ctx_with(t.http([ref]), [], {"profile": "spec"})
	some other in spec.records
	other.resolution.step == "kind"
}

test_service_port_takes_the_routes_protocol_where_a_number_is_listed_twice if {
	dns := t.svc("infra", "dns", [{"name": "udp", "port": 53, "protocol": "UDP"}, {"name": "tcp", "port": 53, "protocol": "TCP"}])
	resolve.service_port(dns, 53, "UDP").name == "udp"
	resolve.service_port(dns, 53, "TCP").name == "tcp"
	resolve.service_port(dns, 53, "SCTP").name == "udp" # none: the first
	not resolve.service_port(dns, 54, "TCP")
}
