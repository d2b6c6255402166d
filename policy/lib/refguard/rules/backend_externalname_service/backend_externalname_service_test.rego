package lib.refguard.rules.backend_externalname_service_test

import data.lib.refguard.rules.backend_externalname_service
import data.lib.refguard.testutil as t

test_externalname_warns if {
	s := object.union(t.svc("app", "ext", [t.port(443)]), {"spec": {"type": "ExternalName", "externalName": "x.example.com"}})
	some f in backend_externalname_service.findings(t.ctx(t.http([{"name": "ext", "port": 443}]), [s]))
	f.severity == "warning"
}

test_clusterip_passes if {
	count(backend_externalname_service.findings(t.ctx(t.http([{"name": "web", "port": 8080}]), [t.svc("app", "web", [t.port(8080)])]))) == 0
}

_external := object.union(t.svc("app", "ext", [t.port(443)]), {"spec": {"type": "ExternalName", "externalName": "api.example.com"}})

_on(profile) := [f | some f in backend_externalname_service.findings(t.ctx_with(t.http([{"name": "ext", "port": 443}]), [_external], {"profile": profile}))]

# Envoy Gateway reports it; NGINX Gateway Fabric leaves it out without a
# word (no DNS resolver assumed), which the message says, and names the
# setting that makes it route.
test_a_controller_that_drops_it_silently_is_an_error_without_a_reason if {
	[eg] := _on("envoy-gateway")
	[eg.severity, eg.reason, eg.fix] == ["error", "UnsupportedValue", ""]
	[ngf] := _on("nginx-gateway-fabric")
	[ngf.severity, ngf.reason] == ["error", ""]
	contains(ngf.message, "does not report this: ResolvedRefs stays True")
	contains(ngf.fix, "spec.dnsResolver")
	[istio] := _on("istio")
	istio.severity == "warning"
}
