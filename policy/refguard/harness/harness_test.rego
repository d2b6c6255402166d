package refguard.harness_test

import data.lib.refguard.grants
import data.lib.refguard.resolve
import data.refguard.harness

_gw := "gateway.networking.k8s.io"

_from(ns) := {"group": _gw, "kind": "HTTPRoute", "namespace": ns}

_svc(name) := {"group": "", "kind": "Service", "name": name}

_grant(from, to) := {"apiVersion": "gateway.networking.k8s.io/v1beta1", "kind": "ReferenceGrant", "spec": {"from": from, "to": to}}

# Grants of namespace t, some matching a route of namespace a, some almost.
_inventory := {"referencegrants": {"t": {
	"named": _grant([_from("a")], [_svc("x")]),
	"two-froms-wildcard": _grant([_from("b"), _from("a")], [{"group": "", "kind": "Service"}]),
	"null-name": _grant([_from("a")], [_svc("y"), _svc(null)]),
	"number-name": _grant([_from("a")], [_svc(5)]),
	"empty-name": _grant([_from("a")], [_svc("")]),
	"no-from-namespace": _grant([{"group": _gw, "kind": "HTTPRoute"}], [_svc("x")]),
	"other-kind": _grant([{"group": _gw, "kind": "GRPCRoute", "namespace": "a"}], [_svc("x")]),
	"other-namespace": _grant([_from("c")], [_svc("x")]),
	"malformed": {"spec": {"from": "a", "to": [_svc("x")]}},
}}}

_route := {"kind": "HTTPRoute", "metadata": {"namespace": "a"}}

_rec(name) := {"namespace": "t", "kind": "Service", "group": "", "name": name}

# The index as the CLI nests the entries derived gives (every entry's
# value at its path: engine.AssembleDerived), and as conftest builds it.
_indexed := object.union(_inventory, {"referencegrants_by_from_to": index}) if {
	entries := harness.derived.referencegrants_by_from_to with input as _inventory
	index := object.union_n([{p[0]: {p[1]: {p[2]: {p[3]: v}}}} | some [p, v] in entries])
	index == resolve.nested(grants.by_from_to_entries(_inventory.referencegrants))
}

# The index holds every grant under each (from namespace, to name) pair, a
# null name under "" (every name); names and namespaces that are not
# strings are not keys (JSON keys are).
test_grants_indexed_by_from_namespace_and_to_name if {
	index := _indexed.referencegrants_by_from_to.t
	object.keys(index.a.x) == {"named", "other-kind"}
	object.keys(index.a[""]) == {"two-froms-wildcard", "empty-name", "null-name"}
	object.keys(index.b[""]) == {"two-froms-wildcard"}
	object.keys(index.a.y) == {"null-name"}
	every key in object.keys(index.a) {
		is_string(key)
	}
	not index.a.z
}

# Reading the index permits exactly what scanning every grant permits. A
# null name is every name; an empty one is rejected by the schema (RG205)
# and permits nothing.
test_index_permits_what_the_scan_permits if {
	every name in ["x", "y", "z", "", null, 5] {
		grants.permitting(_indexed, _route, _rec(name), {}) == grants.permitting(_inventory, _route, _rec(name), {})
	}
	grants.permitting(_indexed, _route, _rec("x"), {}) == {"named", "two-froms-wildcard", "null-name"}
	grants.permitting(_indexed, _route, _rec("y"), {}) == {"two-froms-wildcard", "null-name"}
}

# A reference without a string name is permitted by nothing, whichever way
# the grants are read: not even by a grant naming the same number.
test_a_name_that_is_not_a_string_is_permitted_by_nothing if {
	every name in [null, 5] {
		count(grants.permitting(_indexed, _route, _rec(name), {})) == 0
		count(grants.permitting(_inventory, _route, _rec(name), {})) == 0
	}
}

_services := {"t": {"x": {"apiVersion": "v1", "kind": "Service", "spec": {"ports": [{"port": 80}]}}}}

# What derived_reads names is all derived reads: handed those collections
# alone, derived derives what it does from the whole inventory.
test_derived_reads_is_all_derived_reads if {
	full := object.union(_inventory, {"services": _services})
	some_of_it := object.union(object.filter(full, harness.derived_reads), {c: _names_only(full[c]) |
		some c in harness.derived_name_reads
		full[c]
	})
	object.keys(some_of_it) == {"referencegrants", "services"}
	some_of_it.services == {"t": {"x": true}}
	from_reads := harness.derived with input as some_of_it
	from_reads == harness.derived with input as full
}

# _names_only: a collection as engine.NamesOnly hands it over.
_names_only(collection) := {ns: {name: true | some name, _ in objs} | some ns, objs in collection}

_grant_ns := "t"

_grant_obj(name, to_name) := object.union(_grant([_from("a")], [_svc(to_name)]), {"metadata": {"name": name, "namespace": _grant_ns}})

_used_input(used) := {
	"objects": [_grant_obj("used", "x"), _route, _grant_obj("unused", "y")],
	"used_grants": used,
	"config": {},
}

# grant_reports answers for a batch what it answers for each of its grants
# alone (null for an object that is not a grant), whether the used grants
# come as a set or, from JSON, as an array.
test_grant_reports_batch_what_each_grant_alone_gets if {
	every used in [["t/used"], {"t/used"}] {
		reports := harness.grant_reports with input as _used_input(used)
		count(reports) == 3
		reports[1] == null
		[reports[0]] == harness.grant_reports with input as {"objects": [_grant_obj("used", "x")], "used_grants": used, "config": {}}
		[reports[2]] == harness.grant_reports with input as {"objects": [_grant_obj("unused", "y")], "used_grants": used, "config": {}}
		{f.rule | some f in reports[2].findings} == {"RG202"}
		count(reports[0].findings) == 0
	}
}

# Without used_grants (the set is not complete), RG202 is not decided.
test_grant_reports_without_used_grants_leave_rg202_out if {
	[report] := harness.grant_reports with input as {"objects": [_grant_obj("unused", "y")], "config": {}}
	count(report.findings) == 0
}
