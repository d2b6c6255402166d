package refguard.harness_test

import data.lib.refguard.grants
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

_indexed := object.union(_inventory, derived) if {
	derived := harness.derived with data.kubernetes as _inventory
}

# The index holds every grant under each (from namespace, to name) pair;
# names and namespaces that are not strings are not keys (JSON keys are).
test_grants_indexed_by_from_namespace_and_to_name if {
	index := _indexed.referencegrants_by_from_to.t
	object.keys(index.a.x) == {"named", "other-kind"}
	object.keys(index.a[""]) == {"two-froms-wildcard", "empty-name"}
	object.keys(index.b[""]) == {"two-froms-wildcard"}
	object.keys(index.a.y) == {"null-name"}
	every key in object.keys(index.a) {
		is_string(key)
	}
	not index.a.z
}

# Reading the index permits exactly what scanning every grant permits.
test_index_permits_what_the_scan_permits if {
	every name in ["x", "y", "z", "", null, 5] {
		grants.permitting(_indexed, _route, _rec(name)) == grants.permitting(_inventory, _route, _rec(name))
	}
	grants.permitting(_indexed, _route, _rec("x")) == {"named", "two-froms-wildcard", "empty-name"}
	grants.permitting(_indexed, _route, _rec("y")) == {"two-froms-wildcard", "null-name", "empty-name"}
}

# A reference without a string name is permitted by nothing, whichever way
# the grants are read: not even by a grant naming the same number.
test_a_name_that_is_not_a_string_is_permitted_by_nothing if {
	every name in [null, 5] {
		count(grants.permitting(_indexed, _route, _rec(name))) == 0
		count(grants.permitting(_inventory, _route, _rec(name))) == 0
	}
}
