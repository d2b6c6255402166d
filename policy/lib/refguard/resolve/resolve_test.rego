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

# kgateway's route delegation: a reference to HTTPRoutes (by name, "*",
# or a delegation label) finds child routes, in any namespace without a
# grant; other profiles do not know the kind.
_child(ns, name, spec) := {
	"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
	"metadata": {"namespace": ns, "name": name, "labels": {"delegation.kgateway.dev/label": "team"}},
	"spec": object.union({"rules": [{"backendRefs": [{"name": "api", "port": 8080}]}]}, spec),
}

_first_step(ctx) := rec.resolution.step if some rec in ctx.records

_delegation(ref, objs) := [rec.resolution.step, rec.resolution.reason, rec.resolution.detail] if {
	some rec in t.ctx_with(t.http([ref]), objs, {"profile": "kgateway"}).records
}

test_kgateway_delegation_crosses_namespaces_without_a_grant if {
	ref := {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "*", "namespace": "team1"}
	_delegation(ref, [_child("team1", "a", {})])[0] == "resolved"
	_first_step(t.ctx_with(t.http([ref]), [], {"profile": "spec"})) == "kind"
}

test_kgateway_delegation_selects_by_name_wildcard_and_label if {
	by_name := {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "a", "namespace": "team1"}
	_delegation(by_name, [_child("team1", "a", {})])[0] == "resolved"
	_delegation(by_name, [_child("team1", "b", {})]) == ["not-found", "BackendNotFound", "delegation to HTTPRoute team1/a: no such HTTPRoute"]
	_delegation(object.union(by_name, {"name": "*"}), []) == ["not-found", "BackendNotFound", "delegation to every HTTPRoute of namespace team1: the namespace holds none"]

	label := {"group": "delegation.kgateway.dev", "kind": "label", "name": "team", "namespace": "team1"}
	_delegation(label, [_child("team1", "b", {})])[0] == "resolved"
	_delegation(object.union(label, {"name": "other"}), [_child("team1", "b", {})])[0] == "not-found"
	_delegation(label, [_child("team2", "b", {})])[0] == "not-found"
	_delegation(object.union(label, {"namespace": "all"}), [_child("team2", "b", {})])[0] == "resolved"
}

test_kgateway_delegation_keeps_children_that_attach_and_leave_hostnames_unset if {
	ref := {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "*", "namespace": "team1"}
	to_parent := {"parentRefs": [{"kind": "HTTPRoute", "name": "r", "namespace": "app"}]}
	_delegation(ref, [_child("team1", "a", to_parent)])[0] == "resolved"

	elsewhere := {"parentRefs": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "other", "namespace": "app"}]}
	_delegation(ref, [_child("team1", "a", elsewhere)]) == ["not-found", "BackendNotFound", "delegation to every HTTPRoute of namespace team1 selects no HTTPRoute that attaches to HTTPRoute app/r: HTTPRoute team1/a lists parentRefs, and none of them names this route"]
	gateway := {"parentRefs": [{"name": "r", "namespace": "app"}]}
	_delegation(ref, [_child("team1", "a", gateway)])[0] == "not-found"

	_delegation(ref, [_child("team1", "a", {"parentRefs": null, "hostnames": null})])[0] == "resolved"
	_delegation(ref, [_child("team1", "a", {"parentRefs": [], "hostnames": []})])[0] == "resolved"

	hostnames := {"hostnames": ["a.example.com"]}
	_delegation(ref, [_child("team1", "a", hostnames)])[2] == "delegation to every HTTPRoute of namespace team1 selects only HTTPRoutes that set spec.hostnames (HTTPRoute team1/a), which a delegated route must leave unset: it takes its parent's"
	_delegation(ref, [_child("team1", "a", hostnames), _child("team1", "b", {})])[0] == "resolved"
}

test_kgateway_delegation_to_itself_is_a_cycle if {
	ref := {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "r"}
	self := json.patch(t.http([ref]), [{"op": "remove", "path": "/spec/parentRefs"}])
	[step, reason, _] := _delegation(ref, [self])
	[step, reason] == ["delegation-cycle", "RefNotPermitted"]

	# the route among other children of a wildcard: kgateway fails the reference all the same
	wildcard := {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "*"}
	_delegation(wildcard, [self, _child("app", "z", {})])[0] == "delegation-cycle"
}

test_service_port_takes_the_routes_protocol_where_a_number_is_listed_twice if {
	dns := t.svc("infra", "dns", [{"name": "udp", "port": 53, "protocol": "UDP"}, {"name": "tcp", "port": 53, "protocol": "TCP"}])
	resolve.service_port(dns, 53, "UDP").name == "udp"
	resolve.service_port(dns, 53, "TCP").name == "tcp"
	resolve.service_port(dns, 53, "SCTP").name == "udp" # none: the first
	not resolve.service_port(dns, 54, "TCP")
}

# NGINX Gateway Fabric and the BackendTLSPolicies of a rule's backends.
_tls_policy(name, svc, validation) := {
	"apiVersion": "gateway.networking.k8s.io/v1", "kind": "BackendTLSPolicy",
	"metadata": {"namespace": "app", "name": name},
	"spec": {"targetRefs": [{"group": "", "kind": "Service", "name": svc}], "validation": validation},
}

_ca(name) := {"caCertificateRefs": [{"group": "", "kind": "ConfigMap", "name": name}], "hostname": "app.example.com"}

_ngf := {"profile": "nginx-gateway-fabric"}

_two_backends(first, second) := t.http([{"name": first, "port": 8443}, {"name": second, "port": 8443}])

_tls_objects(policies) := array.concat([t.svc("app", "a", [t.port(8443)]), t.svc("app", "b", [t.port(8443)]), t.ca_configmap("app", "ca"), t.ca_configmap("app", "other")], policies)

_mismatches(route, policies, cfg) := resolve.tls_mismatches(t.ctx_with(route, _tls_objects(policies), cfg))

test_a_policy_then_a_backend_without_one_is_the_mismatch_the_controller_reports if {
	[m] := [m | some m in _mismatches(_two_backends("a", "b"), [_tls_policy("a-tls", "a", _ca("ca"))], _ngf)]
	m.reported
	m.text == "Service app/a is under BackendTLSPolicy app/a-tls, Service app/b is under no BackendTLSPolicy"
}

test_a_backend_without_a_policy_first_is_not_reported_but_gets_tls if {
	m := _mismatches(_two_backends("b", "a"), [_tls_policy("a-tls", "a", _ca("ca"))], _ngf)[0]
	not m.reported
	m.plain == ["Service app/b"]
}

test_policies_with_one_configuration_match if {
	count(_mismatches(_two_backends("a", "b"), [_tls_policy("a-tls", "a", _ca("ca")), _tls_policy("b-tls", "b", _ca("ca"))], _ngf)) == 0
	_mismatches(_two_backends("a", "b"), [_tls_policy("a-tls", "a", _ca("ca")), _tls_policy("b-tls", "b", _ca("other"))], _ngf)[0].reported
}

test_well_known_cas_match_only_within_one_policy if {
	system := {"wellKnownCACertificates": "System", "hostname": "app.example.com"}
	_mismatches(_two_backends("a", "b"), [_tls_policy("a-tls", "a", system), _tls_policy("b-tls", "b", system)], _ngf)[0].reported
	both := json.patch(_tls_policy("ab-tls", "a", system), [{"op": "add", "path": "/spec/targetRefs/-", "value": {"group": "", "kind": "Service", "name": "b"}}])
	count(_mismatches(_two_backends("a", "b"), [both], _ngf)) == 0
}

test_only_the_nginx_gateway_fabric_profile_compares_policies if {
	count(_mismatches(_two_backends("a", "b"), [_tls_policy("a-tls", "a", _ca("ca"))], {})) == 0
	count(_mismatches(t.route("TLSRoute", "app", "r", [{"name": "a", "port": 8443}, {"name": "b", "port": 8443}]), [_tls_policy("a-tls", "a", _ca("ca"))], _ngf)) == 0
}

_tls_step(validation, section) := rec.resolution if {
	policy := json.patch(_tls_policy("a-tls", "a", validation), [{"op": "add", "path": "/spec/targetRefs/0/sectionName", "value": section}])
	ctx := t.ctx_with(t.http([{"name": "a", "port": 8443}]), [{"apiVersion": "v1", "kind": "Service", "metadata": {"namespace": "app", "name": "a"}, "spec": {"ports": [{"name": "https", "port": 8443}]}}, policy, t.ca_configmap("app", "a"), t.ca_configmap("app", "b"), t.ca_configmap("app", "ca")], _ngf)
	some rec in ctx.records
}

test_the_controller_refuses_a_policy_with_several_cas_or_another_kind if {
	two := {"caCertificateRefs": [{"group": "", "kind": "ConfigMap", "name": "a"}, {"group": "", "kind": "ConfigMap", "name": "b"}], "hostname": "x.example.com"}
	_tls_step(two, "https").step == "backend-tls"
	_tls_step(two, "https").reason == "UnsupportedValue"
	endswith(_tls_step(two, "https").detail, "validation.caCertificateRefs: Too many: 2: must have at most 1 items")
	other := {"caCertificateRefs": [{"group": "", "kind": "Certificate", "name": "a"}], "hostname": "x.example.com"}
	endswith(_tls_step(other, "https").detail, `validation.caCertificateRefs[0].kind: Unsupported value: "Certificate": supported values: "ConfigMap", "Secret"`)
	_tls_step(_ca("ca"), "https").step == "resolved"
}

test_a_policy_for_another_port_does_not_apply if {
	two := {"caCertificateRefs": [{"group": "", "kind": "ConfigMap", "name": "a"}, {"group": "", "kind": "ConfigMap", "name": "b"}], "hostname": "x.example.com"}

	# it applies to no port, so its CAs are not the reference's concern; the
	# Service's one port is what it was meant for (RG114's advice)
	[_tls_step(two, "metrics").step, _tls_step(two, "metrics").ok] == ["backend-tls-unapplied", true]
}

_ca_step(cas, cfg) := rec.resolution if {
	policy := _tls_policy("a-tls", "a", {"caCertificateRefs": cas, "hostname": "a.app.svc"})
	ctx := t.ctx_with(t.http([{"name": "a", "port": 8443}]), [t.svc("app", "a", [t.port(8443)]), policy, t.ca_configmap("app", "ca")], cfg)
	some rec in ctx.records
}

test_a_policy_without_a_ca_any_controller_reads_fails_the_reference_everywhere if {
	unknown := [{"group": "invalid.io", "kind": "InvalidKind", "name": "x"}]
	[_ca_step(unknown, {}).step, _ca_step(unknown, {}).reason] == ["backend-tls", ""]
	_ca_step(unknown, {"profile": "envoy-gateway"}).reason == "InvalidBackendTLS"
	_ca_step(unknown, {"profile": "traefik"}).reason == "RefNotPermitted"
	_ca_step(unknown, {"profile": "nginx-gateway-fabric"}).reason == "UnsupportedValue"
}

test_envoy_gateway_reads_a_trust_bundle_and_traefik_refuses_any_unknown_ca if {
	bundle := [{"group": "certificates.k8s.io", "kind": "ClusterTrustBundle", "name": "x"}]
	_ca_step(bundle, {"profile": "envoy-gateway"}).step == "resolved"
	mixed := [{"group": "", "kind": "ConfigMap", "name": "ca"}, {"group": "invalid.io", "kind": "InvalidKind", "name": "x"}]
	_ca_step(mixed, {}).step == "resolved"
	_ca_step(mixed, {"profile": "envoy-gateway"}).step == "resolved"
	_ca_step(mixed, {"profile": "traefik"}).step == "backend-tls"
}

_well_known_step(known, cfg) := rec.resolution if {
	policy := _tls_policy("a-tls", "a", {"wellKnownCACertificates": known, "hostname": "a.app.svc"})
	ctx := t.ctx_with(t.http([{"name": "a", "port": 8443}]), [t.svc("app", "a", [t.port(8443)]), policy], cfg)
	some rec in ctx.records
}

test_a_well_known_ca_set_other_than_system_is_unknown_but_to_traefik if {
	_well_known_step("System", {}).step == "resolved"
	_well_known_step("System", {"profile": "nginx-gateway-fabric"}).step == "resolved"
	[_well_known_step("example.com/cas", {}).step, _well_known_step("example.com/cas", {}).reason] == ["backend-tls", ""]
	_well_known_step("example.com/cas", {"profile": "envoy-gateway"}).reason == "InvalidBackendTLS"
	_well_known_step("example.com/cas", {"profile": "nginx-gateway-fabric"}).reason == "UnsupportedValue"
	_well_known_step("example.com/cas", {"profile": "traefik"}).step == "resolved"
}

_configmap_step(contents, cfg) := rec.resolution if {
	policy := _tls_policy("a-tls", "a", _ca("ca"))
	cm := object.union({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"namespace": "app", "name": "ca"}}, contents)
	ctx := t.ctx_with(t.http([{"name": "a", "port": 8443}]), [t.svc("app", "a", [t.port(8443)]), policy, cm], cfg)
	some rec in ctx.records
}

test_a_ca_configmap_without_a_certificate_where_the_controller_looks_fails_the_reference if {
	empty := {"data": {}}
	[_configmap_step(empty, {}).step, _configmap_step(empty, {}).reason] == ["backend-tls", ""]
	endswith(_configmap_step(empty, {}).detail, "its CA certificate ConfigMap app/ca has no key ca.crt")
	_configmap_step(empty, {"profile": "envoy-gateway"}).reason == "InvalidBackendTLS"
	endswith(_configmap_step(empty, {"profile": "envoy-gateway"}).detail, "no ca found in configmap ca")
	_configmap_step(empty, {"profile": "traefik"}).reason == "RefNotPermitted"
	_configmap_step(empty, {"profile": "nginx-gateway-fabric"}).reason == "UnsupportedValue"
}

test_each_controller_reads_the_certificate_where_it_looks if {
	binary := {"binaryData": {"ca.crt": "LS0t"}}
	_configmap_step(binary, {}).step == "resolved"
	_configmap_step(binary, {"profile": "nginx-gateway-fabric"}).step == "resolved"
	_configmap_step(binary, {"profile": "traefik"}).step == "backend-tls"
	_configmap_step(binary, {"profile": "envoy-gateway"}).step == "backend-tls"

	one_key := {"data": {"bundle.pem": "-----BEGIN CERTIFICATE-----"}}
	_configmap_step(one_key, {"profile": "envoy-gateway"}).step == "resolved"
	_configmap_step(one_key, {}).step == "backend-tls"
	two_keys := {"data": {"bundle.pem": "x", "other.pem": "y"}}
	_configmap_step(two_keys, {"profile": "envoy-gateway"}).step == "backend-tls"
	tls_crt := {"data": {"tls.crt": "x", "tls.key": "y"}}
	_configmap_step(tls_crt, {"profile": "envoy-gateway"}).step == "resolved"

	blank := {"data": {"ca.crt": ""}}
	_configmap_step(blank, {"profile": "traefik"}).step == "backend-tls"
	_configmap_step(blank, {}).step == "resolved"
}

test_a_missing_ca_configmap_fails_only_beside_the_one_it_meant if {
	policy := _tls_policy("a-tls", "a", _ca("ca-gone"))
	objs := [t.svc("app", "a", [t.port(8443)]), policy]
	ctx := t.ctx_with(t.http([{"name": "a", "port": 8443}]), objs, {"profile": "envoy-gateway"})
	some rec in ctx.records
	[rec.resolution.step, rec.resolution.ok, rec.resolution.reason] == ["backend-tls-ca", true, ""]
	rec.resolution.ca == {"namespace": "app", "name": "ca-gone", "index": 0, "meant": []}
	beside := t.ctx_with(t.http([{"name": "a", "port": 8443}]), array.concat(objs, [t.ca_configmap("app", "ca-gone-5d8fk2m9tc")]), {"profile": "envoy-gateway"})
	some meant in beside.records
	[meant.resolution.step, meant.resolution.ok, meant.resolution.reason] == ["backend-tls-ca", false, "InvalidBackendTLS"]
	meant.resolution.ca.meant == ["ca-gone-5d8fk2m9tc"]
}

test_istio_reads_the_first_ca_reference_a_configmap_with_cacert_or_ca_crt if {
	istio := {"profile": "istio"}
	secret := [{"group": "", "kind": "Secret", "name": "ca"}]
	[_ca_step(secret, istio).step, _ca_step(secret, istio).reason] == ["backend-tls", ""]
	_ca_step(secret, {}).step == "resolved"
	secret_first := [{"group": "", "kind": "Secret", "name": "ca"}, {"group": "", "kind": "ConfigMap", "name": "ca"}]
	_ca_step(secret_first, istio).step == "backend-tls"
	ignored := [{"group": "", "kind": "ConfigMap", "name": "ca"}, {"group": "", "kind": "ConfigMap", "name": "gone"}]
	_ca_step(ignored, istio).step == "resolved"
	_ca_step(ignored, {}).step == "backend-tls-ca"

	_configmap_step({"data": {"cacert": "x"}}, istio).step == "resolved"
	_configmap_step({"data": {"cacert": "x"}}, {}).step == "backend-tls"
	_configmap_step({"binaryData": {"ca.crt": "eA=="}}, istio).step == "backend-tls"
}

test_contour_applies_no_policy_with_a_well_known_set_and_speaks_plain_text if {
	contour := {"profile": "contour"}
	[_well_known_step("System", contour).step, _well_known_step("System", contour).reason] == ["backend-tls", ""]
	endswith(_well_known_step("System", contour).detail, "WellKnownCACertificates is unsupported")
	unknown := [{"group": "", "kind": "ConfigMap", "name": "ca"}, {"group": "trust.cert-manager.io", "kind": "Bundle", "name": "b"}]
	_ca_step(unknown, contour).step == "backend-tls"
	_ca_step(unknown, {}).step == "resolved"
	_configmap_step({"binaryData": {"ca.crt": "eA=="}}, contour).step == "backend-tls"
}

# Only a collection spread over more namespaces than scan_limit is
# indexed by name for the CLI; a narrower one is scanned.
test_only_wide_collections_are_indexed_by_name if {
	wide := {"a": {"api": {}}, "b": {"api": {}}, "c": {"db": {}}}
	narrow := {"a": {"api": {}}, "b": {"db": {}}}
	inv := {"services": wide, "backends": narrow}
	entries := resolve.wide_names_entries(inv, resolve.named_collections) with resolve.scan_limit as 2
	{e[0] | some e in entries} == {["services", "api", "a"], ["services", "api", "b"], ["services", "db", "c"]}
	resolve.wide_names_entries(inv, resolve.named_collections) == []
}

# kgateway hands each match of the parent's rule to the children that
# narrow it: a child rule's path starts with the parent's prefix, its
# headers, query parameters and method include the parent's; the
# inherit-parent-matcher annotation takes the parent's match instead.
test_kgateway_delegation_needs_a_child_within_each_parent_match if {
	ref := {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "*", "namespace": "team1"}
	parent := t.http_with_rules([{
		"matches": [
			{"path": {"type": "PathPrefix", "value": "/a"}, "headers": [{"name": "h", "value": "1"}]},
			{"path": {"type": "PathPrefix", "value": "/b"}},
		],
		"backendRefs": [ref],
	}])
	within_a := {"matches": [{"path": {"type": "Exact", "value": "/a/x"}, "headers": [{"type": "Exact", "name": "h", "value": "1"}, {"name": "g", "value": "2"}]}]}
	within_b := {"matches": [{"path": {"value": "/b/y"}, "method": "GET"}]}
	both := _child("team1", "c", {"rules": [within_a, within_b]})
	_delegation_of(parent, [both])[0] == "resolved"
	_delegation_of(parent, [_child("team1", "c", {"rules": [within_a]}), _child("team1", "d", {"rules": [within_b]})])[0] == "resolved"

	[step, reason, detail] := _delegation_of(parent, [_child("team1", "c", {"rules": [within_a]})])
	[step, reason] == ["not-found", "BackendNotFound"]
	detail == "delegation to every HTTPRoute of namespace team1: no HTTPRoute it selects has a rule within the parent's match PathPrefix /b; a delegated route's paths start with the parent's prefix, and its header, query parameter and method matches narrow the parent's (or it carries delegation.kgateway.dev/inherit-parent-matcher: \"true\")"

	no_header := {"matches": [{"path": {"value": "/a/x"}}]}
	_delegation_of(parent, [_child("team1", "c", {"rules": [no_header, within_b]})])[0] == "not-found"
	outside := {"matches": [{"path": {"value": "/v1"}}]}
	_delegation_of(parent, [_child("team1", "c", {"rules": [outside, within_b]})])[0] == "not-found"

	inherits := json.patch(_child("team1", "c", {"rules": [outside]}), [{"op": "add", "path": "/metadata/annotations", "value": {"delegation.kgateway.dev/inherit-parent-matcher": "True"}}])
	_delegation_of(parent, [inherits])[0] == "resolved"

	exact := t.http_with_rules([{"matches": [{"path": {"type": "Exact", "value": "/a"}}], "backendRefs": [ref]}])
	_delegation_of(exact, [both])[0] == "not-found"

	# a parent that takes its own parent's match: its matches are relative
	# to one up the chain, so its children are not compared with them
	relative := json.patch(parent, [{"op": "add", "path": "/metadata/annotations", "value": {"delegation.kgateway.dev/inherit-parent-matcher": "true"}}])
	_delegation_of(relative, [_child("team1", "c", {"rules": [outside]})])[0] == "resolved"
}

_delegation_of(route, objs) := [rec.resolution.step, rec.resolution.reason, rec.resolution.detail] if {
	some rec in t.ctx_with(route, objs, {"profile": "kgateway"}).records
}
