package lib.refguard.conftest_test

import data.lib.refguard.conftest
import data.lib.refguard.profiles
import data.lib.refguard.resolve
import data.lib.refguard.testutil as t

_file(contents) := {"path": "set.yaml", "contents": contents}

# An object defined twice is read from its first copy by path, whatever
# the order of the files, and RG506 reports that the copies differ.
test_inventory_keeps_the_first_copy_by_path if {
	prod := t.svc("app", "web", [t.port(8080)])
	staging := t.svc("app", "web", [t.port(9090)])
	other := t.svc("app", "api", [t.port(80)])
	files := [{"path": "staging/web.yaml", "contents": [other, staging]}, {"path": "prod/web.yaml", "contents": prod}]
	inv := conftest.inventory with input as files
	inv.services.app.web == prod
	inv.services.app.api == other
	{[path, f.rule] | some [path, f] in conftest.findings with input as files} == {["prod/web.yaml", "RG506"]}
	reversed := conftest.inventory with input as [files[1], files[0]]
	reversed == inv
}

test_inventory_reads_list_items_and_skips_what_is_not_an_object if {
	svc := t.svc("team", "db", [t.port(5432)])
	grant := t.grant("team", "allow", [], [])
	list := {"apiVersion": "v1", "kind": "List", "items": [svc, "not an object", grant]}
	inv := conftest.inventory with input as [_file(list), _file("text"), _file(null)]
	inv.services.team.db == svc
	inv.referencegrants.team.allow == grant
}

test_inventory_has_every_collection if {
	inv := conftest.inventory with input as [_file(t.svc("app", "web", []))]
	object.keys(inv) == {"services", "serviceimports", "referencegrants", "backendtlspolicies", "backends", "serviceentries", "configmaps", "referencegrants_by_from_to", "referencegrants_by_to", "namespaces_by_name"}
	inv.serviceimports == {}
}

# The inventory carries the names index the core reads instead of every
# namespace, for a collection spread over more than scan_limit namespaces:
# a name found in other namespaces is found through it.
test_inventory_indexes_names_by_collection if {
	set := [_file([t.svc("a", "web", []), t.svc("b", "web", []), t.svc("b", "db", [])])]
	inv := conftest.inventory with input as set with resolve.scan_limit as 1
	inv.namespaces_by_name.services == {"web": {"a": true, "b": true}, "db": {"b": true}}
	narrow := conftest.inventory with input as set
	narrow.namespaces_by_name == {}
	resolve.namesakes({"group": "", "kind": "Service", "namespace": "c", "name": "web"}, inv, profiles.named("spec")) == {"a", "b"}
}

test_inventory_keys_objects_by_kind_and_group if {
	svc := t.svc("app", "web", [])
	not_core := object.union(t.svc("app", "other", []), {"apiVersion": "example.com/v1"})
	inv := conftest.inventory with input as [_file([svc, not_core])]
	object.keys(inv.services.app) == {"web"}
}

test_no_inventory_one_document_at_a_time if {
	conftest.inventory == null with input as t.svc("app", "web", [])
}

# A kustomize tree given to conftest --combine: the overlays' patches are
# parts of the base's objects, not second definitions of them (no RG506),
# found by every field kustomize reads them from, relative to their
# kustomization; a file a kustomization lists as a resource stays read.
test_kustomize_patches_are_not_objects if {
	base := t.svc("default", "web", [t.port(80)])
	patch := t.svc("default", "web", [t.port(8080)])
	files := [
		{"path": "deploy/base/kustomization.yaml", "contents": {"resources": ["svc.yaml"]}},
		{"path": "deploy/base/svc.yaml", "contents": base},
		{"path": "deploy/overlays/prod/kustomization.yaml", "contents": {"namespace": "prod", "resources": ["../../base"], "patches": [{"path": "svc-patch.yaml"}, {"patch": "inline"}]}},
		{"path": "deploy/overlays/prod/svc-patch.yaml", "contents": patch},
		{"path": "deploy/overlays/dev/kustomization.yml", "contents": {"patchesStrategicMerge": ["./patches/../svc-patch.yaml", "apiVersion: v1\nkind: Service\n"], "patchesJson6902": [{"path": "../../shared/ops.yaml"}]}},
		{"path": "deploy/overlays/dev/svc-patch.yaml", "contents": patch},
		{"path": "deploy/shared/ops.yaml", "contents": [{"op": "replace"}]},
	]
	conftest._kustomize_files == {
		"deploy/base/kustomization.yaml",
		"deploy/overlays/prod/kustomization.yaml", "deploy/overlays/prod/svc-patch.yaml",
		"deploy/overlays/dev/kustomization.yml", "deploy/overlays/dev/svc-patch.yaml", "deploy/shared/ops.yaml",
	} with input as files
	inv := conftest.inventory with input as files
	inv.services["default"].web == base
	count([f | some [_, f] in conftest.findings with input as files; f.rule == "RG506"]) == 0
}

test_clean_resolves_dot_segments if {
	conftest._clean("a/./b/../c.yaml") == "a/c.yaml"
	conftest._clean("a/b/c/../../d.yaml") == "a/d.yaml"
	conftest._clean("../../x/../y.yaml") == "../../y.yaml"
	conftest._clean("./p.yaml") == "p.yaml"
}
