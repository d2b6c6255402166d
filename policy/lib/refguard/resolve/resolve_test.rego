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
