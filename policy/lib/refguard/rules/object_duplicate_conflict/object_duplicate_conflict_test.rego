package lib.refguard.rules.object_duplicate_conflict_test

import data.lib.refguard.rules.object_duplicate_conflict
import data.lib.refguard.testutil as t

_svc(port, labels) := {
	"apiVersion": "v1",
	"kind": "Service",
	"metadata": {"name": "web", "namespace": "app", "labels": labels},
	"spec": {"ports": [{"port": port}]},
}

_ctx(obj) := {
	"object": {"apiVersion": obj.apiVersion, "kind": obj.kind, "namespace": "app", "name": "web"},
	"fields": {"spec": ["type", "externalName", "ports"]},
	"cfg": {"profile": "spec", "severity": {}},
	"identity": {},
}

test_different_ports_conflict if {
	copies := [{"file": "envs/prod/web.yaml", "object": _svc(80, {})}, {"file": "envs/staging/web.yaml", "object": _svc(8080, {})}]
	fs := object_duplicate_conflict.findings(_ctx(copies[0].object), copies)
	t.rules(fs) == {"RG506"}
	some f in fs
	contains(f.message, "envs/prod/web.yaml, envs/staging/web.yaml")
	f.severity == "error"
}

test_identical_copies_are_fine if {
	copies := [{"file": "a.yaml", "object": _svc(80, {})}, {"file": "b.yaml", "object": _svc(80, {})}]
	count(object_duplicate_conflict.findings(_ctx(copies[0].object), copies)) == 0
}

test_fields_the_policy_does_not_read_do_not_conflict if {
	copies := [{"file": "a.yaml", "object": _svc(80, {"team": "a"})}, {"file": "b.yaml", "object": _svc(80, {"team": "b"})}]
	count(object_duplicate_conflict.findings(_ctx(copies[0].object), copies)) == 0
}

test_routes_compare_whole if {
	r1 := t.http([{"name": "web", "port": 80}])
	r2 := t.http([{"name": "web", "port": 81}])
	ctx := {"object": {"apiVersion": r1.apiVersion, "kind": r1.kind, "namespace": "app", "name": "r"}, "fields": null, "cfg": {}}
	t.rules(object_duplicate_conflict.findings(ctx, [{"file": "a.yaml", "object": r1}, {"file": "b.yaml", "object": r2}])) == {"RG506"}
}
