package lib.refguard.rules.backend_tls_ca_not_found_test

import data.lib.refguard.rules.backend_tls_ca_not_found
import data.lib.refguard.testutil as t

_policy(cas) := {
	"apiVersion": "gateway.networking.k8s.io/v1", "kind": "BackendTLSPolicy",
	"metadata": {"namespace": "app", "name": "web-tls"},
	"spec": {
		"targetRefs": [{"group": "", "kind": "Service", "name": "web"}],
		"validation": {"caCertificateRefs": cas, "hostname": "web.app.svc"},
	},
}

_cm(name, values) := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"namespace": "app", "name": name}, "data": values}

_ca(name) := {"group": "", "kind": "ConfigMap", "name": name}

_findings(objs, profile) := backend_tls_ca_not_found.findings(t.ctx_with(
	t.http([{"name": "web", "port": 8443}]),
	array.concat([t.svc("app", "web", [t.port(8443)])], objs),
	{"profile": profile},
))

test_a_misnamed_ca_configmap_fails_the_backend_under_every_profile if {
	objs := [_policy([_ca("web-cq")]), _cm("web-ca", {"ca.crt": "x"})]
	[spec] := [f | some f in _findings(objs, "spec")]
	spec.severity == "error"
	spec.reason == ""
	contains(spec.message, "ConfigMap app/web-cq does not exist (did you mean web-ca?)")
	contains(spec.message, "ResolvedRefs stays True")
	[eg] := [f | some f in _findings(objs, "envoy-gateway")]
	eg.reason == "InvalidBackendTLS"
	contains(eg.message, "configmap web-cq not found in namespace app")
	[traefik] := [f.reason | some f in _findings(objs, "traefik")]
	traefik == "RefNotPermitted"
	[ngf] := [f.reason | some f in _findings(objs, "nginx-gateway-fabric")]
	ngf == "UnsupportedValue"
}

test_a_ca_configmap_absent_with_none_it_could_mean_is_a_warning if {
	objs := [_policy([_ca("web-ca")]), _cm("kube-root-ca.crt", {"ca.crt": "x"})]
	[spec] := [f | some f in _findings(objs, "spec")]
	[spec.severity, spec.reason] == ["warning", ""]
	contains(spec.message, "names CA certificate ConfigMap app/web-ca, which is not among the checked objects: if the cluster does not hold it either, every connection to this backend fails; give it")
	[eg] := [f | some f in _findings(objs, "envoy-gateway")]
	[eg.severity, eg.reason] == ["warning", ""]
	contains(eg.message, "(the envoy-gateway controller reports InvalidBackendTLS)")
}

test_the_closest_configmap_is_suggested if {
	objs := [_policy([_ca("web-ca")]), _cm("web-ca-7g2h9k5c4t", {"ca.crt": "x"})]
	[f] := [f | some f in _findings(objs, "spec")]
	contains(f.message, "did you mean web-ca-7g2h9k5c4t?")
	startswith(f.fix, "kustomize named the ConfigMap its configMapGenerator made web-ca-7g2h9k5c4t")

	typo := [_policy([_ca("web-cq")]), _cm("web-ca", {"ca.crt": "x"})]
	[g] := [g | some g in _findings(typo, "spec")]
	startswith(g.fix, "point caCertificateRefs[0] of the BackendTLSPolicy at web-ca,")

	# a suffix outside kustomize's alphabet is no hash of its
	not_hashed := [_policy([_ca("web-ca")]), _cm("web-ca-production", {"ca.crt": "x"})]
	[h] := [h | some h in _findings(not_hashed, "spec")]
	startswith(h.fix, "point caCertificateRefs[0]")
}

test_only_configmaps_with_a_ca_are_suggested if {
	objs := [_policy([_ca("web-ca")]), _cm("web-cb", {"other": "x"})]
	[f] := [f | some f in _findings(objs, "spec")]
	not contains(f.message, "did you mean")
}

test_only_the_first_missing_one_is_reported if {
	objs := [_policy([_ca("a"), _ca("b")])]
	[f] := [f | some f in _findings(objs, "envoy-gateway")]
	contains(f.message, "ConfigMap app/a,")
}

test_an_existing_configmap_or_a_ca_of_another_kind_is_not_this_rule if {
	count(_findings([_policy([_ca("web-ca")]), _cm("web-ca", {})], "spec")) == 0
	count(_findings([_policy([{"group": "", "kind": "Secret", "name": "web-ca"}])], "spec")) == 0
	count(_findings([_policy([{"group": "core", "kind": "ConfigMap", "name": "web-ca"}])], "spec")) == 0
}

test_a_ca_in_core_is_looked_up_where_the_controller_reads_core if {
	objs := [_policy([{"group": "core", "kind": "ConfigMap", "name": "web-ca"}]), _cm("web-ca-old", {"ca.crt": "x"})]
	count(_findings(objs, "traefik")) == 1
	count(_findings(objs, "envoy-gateway")) == 1
}
