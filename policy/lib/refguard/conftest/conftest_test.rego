package lib.refguard.conftest_test

import data.lib.refguard.conftest
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
	object.keys(inv) == {"services", "serviceimports", "referencegrants", "backendtlspolicies", "backends", "serviceentries"}
	inv.serviceimports == {}
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
