package lib.refguard.rules.backend_object_rejected_test

import data.lib.refguard.rules.backend_object_rejected
import data.lib.refguard.testutil as t

_backend(name, spec) := {
	"apiVersion": "gateway.envoyproxy.io/v1alpha1",
	"kind": "Backend",
	"metadata": {"name": name, "namespace": "app"},
	"spec": spec,
}

_ref(name) := {"group": "gateway.envoyproxy.io", "kind": "Backend", "name": name}

_findings(backends, policies) := backend_object_rejected.findings(t.ctx_with(
	t.http([_ref("b")]),
	array.concat(backends, policies),
	{"profile": "envoy-gateway"},
))

_reason(backend) := [f.reason | some f in _findings([backend], [])]

test_loopback_ip_and_single_label_hostname_are_invalid_addresses if {
	_reason(_backend("b", {"endpoints": [{"ip": {"address": "127.0.0.1", "port": 80}}]})) == ["InvalidAddress"]
	_reason(_backend("b", {"endpoints": [{"fqdn": {"hostname": "localhost", "port": 80}}]})) == ["InvalidAddress"]
	_reason(_backend("b", {"endpoints": [{"fqdn": {"hostname": "10.0.0.1", "port": 80}}]})) == ["InvalidAddress"]
}

test_the_first_rejected_endpoint_is_reported if {
	b := _backend("b", {"endpoints": [
		{"fqdn": {"hostname": "api.example.com", "port": 443}},
		{"ip": {"address": "127.0.0.2", "port": 80}},
		{"fqdn": {"hostname": "localhost", "port": 80}},
	]})
	[f.message | some f in _findings([b], [])] == ["Backend app/b: IP address 127.0.0.2 in the loopback range is only supported when using the Host infrastructure; the envoy-gateway controller rejects it, so requests to this backend fail"]
}

test_unix_socket_and_mixed_address_types_are_unsupported if {
	_reason(_backend("b", {"endpoints": [{"unix": {"path": "/run/b.sock"}}]})) == ["UnsupportedAddressType"]
	_reason(_backend("b", {"endpoints": [{"fqdn": {"hostname": "api.example.com", "port": 443}}, {"ip": {"address": "10.0.0.1", "port": 443}}]})) == ["UnsupportedAddressType"]
}

test_tls_needs_a_ca_from_the_backend_or_a_policy if {
	tls := _backend("b", {"endpoints": [{"fqdn": {"hostname": "api.example.com", "port": 443}}], "tls": {"sni": "api.example.com"}})
	_reason(tls) == ["InvalidBackendRef"]
	count(_findings([_backend("b", object.union(tls.spec, {"tls": {"insecureSkipVerify": true}}))], [])) == 0
	count(_findings([_backend("b", object.union(tls.spec, {"tls": {"wellKnownCACertificates": "System"}}))], [])) == 0
	policy := {
		"apiVersion": "gateway.networking.k8s.io/v1",
		"kind": "BackendTLSPolicy",
		"metadata": {"name": "p", "namespace": "app"},
		"spec": {
			"targetRefs": [{"group": "gateway.envoyproxy.io", "kind": "Backend", "name": "b", "sectionName": "443"}],
			"validation": {"caCertificateRefs": [{"name": "ca"}]},
		},
	}
	count(_findings([tls], [policy])) == 0
	other_port := json.patch(policy, [{"op": "replace", "path": "/spec/targetRefs/0/sectionName", "value": "8443"}])
	_reason(tls) == [f.reason | some f in _findings([tls], [other_port])]
}

test_valid_backends_and_other_profiles_report_nothing if {
	count(_findings([_backend("b", {"endpoints": [{"fqdn": {"hostname": "api.example.com", "port": 443}}, {"fqdn": {"hostname": "api2.example.com", "port": 443}}]})], [])) == 0
	count(_findings([_backend("b", {"type": "DynamicResolver"})], [])) == 0
	loopback := _backend("b", {"endpoints": [{"ip": {"address": "127.0.0.1", "port": 80}}]})
	count(backend_object_rejected.findings(t.ctx_with(t.http([_ref("b")]), [loopback], {"profile": "spec"}))) == 0
}

_tls_policy(cas) := {
	"apiVersion": "gateway.networking.k8s.io/v1", "kind": "BackendTLSPolicy",
	"metadata": {"namespace": "app", "name": "web-tls"},
	"spec": {
		"targetRefs": [{"group": "", "kind": "Service", "name": "web"}],
		"validation": {"caCertificateRefs": [{"group": "", "kind": "ConfigMap", "name": ca} | some ca in cas], "hostname": "web.app.svc"},
	},
}

_tls_findings(cas, profile) := backend_object_rejected.findings(t.ctx_with(
	t.http([{"name": "web", "port": 8443}]),
	[t.svc("app", "web", [t.port(8443)]), _tls_policy(cas)],
	{"profile": profile},
))

test_a_policy_with_two_cas_fails_the_reference_on_nginx_gateway_fabric_only if {
	[f] := [f | some f in _tls_findings(["ca-old", "ca-new"], "nginx-gateway-fabric")]
	f.reason == "UnsupportedValue"
	f.severity == "error"
	startswith(f.fix, "give the BackendTLSPolicy one CA reference")
	count(_tls_findings(["ca"], "nginx-gateway-fabric")) == 0
	count(_tls_findings(["ca-old", "ca-new"], "spec")) == 0
}

test_a_dynamic_resolver_behind_a_host_rewrite_from_the_path_is_unsupported if {
	route := json.patch(t.http([_ref("b")]), [{"op": "add", "path": "/spec/rules/0/filters", "value": [{"type": "ExtensionRef", "extensionRef": {"group": "gateway.envoyproxy.io", "kind": "HTTPRouteFilter", "name": "host-from-path"}}]}])
	rewrite := {
		"apiVersion": "gateway.envoyproxy.io/v1alpha1", "kind": "HTTPRouteFilter",
		"metadata": {"name": "host-from-path", "namespace": "app"},
		"spec": {"urlRewrite": {"hostname": {"type": "PathRegex", "pathRegex": {"pattern": "^/([^/]+)", "substitution": "\\1"}}}},
	}
	found := backend_object_rejected.findings(t.ctx_with(route, [_backend("b", {"type": "DynamicResolver"}), rewrite], {"profile": "envoy-gateway"}))
	[[f.reason, f.severity] | some f in found] == [["UnsupportedValue", "error"]]
	every f in found {
		contains(f.fix, "urlRewrite.hostname type Header")
	}

	# the rule without the filter routes to the resolver
	count(backend_object_rejected.findings(t.ctx_with(t.http([_ref("b")]), [_backend("b", {"type": "DynamicResolver"}), rewrite], {"profile": "envoy-gateway"}))) == 0
}
