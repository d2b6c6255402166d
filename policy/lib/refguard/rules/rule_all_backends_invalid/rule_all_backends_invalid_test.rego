package lib.refguard.rules.rule_all_backends_invalid_test

import data.lib.refguard.rules.rule_all_backends_invalid
import data.lib.refguard.testutil as t

test_all_missing if {
	r := t.http([{"name": "a", "port": 8080}, {"name": "b", "port": 8080}])
	t.fields(rule_all_backends_invalid.findings(t.ctx(r, []))) == {"spec.rules[0]"}
}

test_one_left if {
	r := t.http([{"name": "a", "port": 8080}, {"name": "b", "port": 8080}])
	count(rule_all_backends_invalid.findings(t.ctx(r, [t.svc("app", "a", [t.port(8080)])]))) == 0
}

test_single_backend_left_to_its_finding if {
	count(rule_all_backends_invalid.findings(t.ctx(t.http([{"name": "a", "port": 8080}]), []))) == 0
}

_tls_objects := [
	t.svc("app", "a", [t.port(8443)]),
	t.svc("app", "b", [t.port(8443)]),
	t.ca_configmap("app", "ca"),
	{
		"apiVersion": "gateway.networking.k8s.io/v1", "kind": "BackendTLSPolicy",
		"metadata": {"namespace": "app", "name": "a-tls"},
		"spec": {
			"targetRefs": [{"group": "", "kind": "Service", "name": "a"}],
			"validation": {"caCertificateRefs": [{"group": "", "kind": "ConfigMap", "name": "ca"}], "hostname": "a.app.svc"},
		},
	},
]

_tls_findings(first, second, profile) := rule_all_backends_invalid.findings(t.ctx_with(
	t.http([{"name": first, "port": 8443}, {"name": second, "port": 8443}]),
	_tls_objects,
	{"profile": profile},
))

test_backends_under_different_tls_policies_fail_on_nginx_gateway_fabric if {
	[f] := [f | some f in _tls_findings("a", "b", "nginx-gateway-fabric")]
	[f.field, f.severity, f.reason] == ["spec.rules[0]", "error", "UnsupportedValue"]
	[g] := [g | some g in _tls_findings("b", "a", "nginx-gateway-fabric")]
	[g.severity, g.reason] == ["error", ""]
	contains(g.message, "does not report it")
	count(_tls_findings("a", "b", "spec")) == 0
}
