package lib.refguard.rules.backend_port_not_found_test

import data.lib.refguard.rules.backend_port_not_found
import data.lib.refguard.testutil as t

test_target_port_hint if {
	s := t.svc("app", "web", [{"port": 8080, "targetPort": 80}])
	some f in backend_port_not_found.findings(t.ctx(t.http([{"name": "web", "port": 80}]), [s]))
	f.fix == "set port: 8080"
	f.reason == "BackendNotFound"
}

test_exposed_port_passes if {
	count(backend_port_not_found.findings(t.ctx(t.http([{"name": "web", "port": 8080}]), [t.svc("app", "web", [t.port(8080)])]))) == 0
}

# A Service port written as a string is refused with the Service: the
# route is right, and no edit is offered.
test_a_port_the_service_writes_as_a_string if {
	svc := {"apiVersion": "v1", "kind": "Service", "metadata": {"namespace": "app", "name": "web"}, "spec": {"ports": [{"port": "80"}]}}
	[f] := [f | some f in backend_port_not_found.findings(t.ctx(t.http([{"name": "web", "port": 80}]), [svc]))]
	contains(f.message, `(ports: "80"/TCP); the Service writes port "80" as a string, which the API server refuses`)
	f.fix == ""
	count(object.get(f, "edits", [])) == 0
}

# A nodePort named as the port: the Service port behind it is meant.
test_a_node_port_names_its_service_port if {
	svc := {"apiVersion": "v1", "kind": "Service", "metadata": {"namespace": "app", "name": "web"}, "spec": {"type": "NodePort", "ports": [
		{"name": "http", "port": 80, "nodePort": 30080},
		{"name": "https", "port": 443, "nodePort": 30443},
	]}}
	[f] := [f | some f in backend_port_not_found.findings(t.ctx(t.http([{"name": "web", "port": 30443}]), [svc]))]
	contains(f.message, "30443 is a nodePort: use the Service port 443, not the node port")
	f.fix == "set port: 443"
}

# A kind that declares its own port (kgateway's Backend): the port on the
# reference is what makes the lookup fail, so fix removes it.
test_a_port_on_a_kind_that_declares_its_own_is_removed if {
	ref := {"group": "gateway.kgateway.dev", "kind": "Backend", "name": "ext", "port": 443}
	backend := {"apiVersion": "gateway.kgateway.dev/v1alpha1", "kind": "Backend", "metadata": {"namespace": "app", "name": "ext"}, "spec": {}}
	[f] := [f | some f in backend_port_not_found.findings(t.ctx_with(t.http([ref]), [backend], {"profile": "kgateway"}))]
	f.fix == "remove port"
	[e] := f.edits
	[e.op, e.field] == ["remove", "spec.rules[0].backendRefs[0].port"]
}
