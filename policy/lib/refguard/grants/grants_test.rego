package lib.refguard.grants_test

import data.lib.refguard.grants
import data.lib.refguard.resolve

_from := {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "shop"}

_to := {"group": "", "kind": "Service", "name": "api"}

_grant(from, to) := {"apiVersion": "gateway.networking.k8s.io/v1beta1", "kind": "ReferenceGrant", "spec": {"from": from, "to": to}}

_long(n) := concat("", ["a" | some _ in numbers.range(1, n)])

# Grants at and just past each limit the shortcut for the usual shape
# checks, valid and not.
_cases := [
	_grant([_from], [_to]),
	_grant([_from], [{"group": "", "kind": "Service"}]),
	_grant([_from], [{"group": "", "kind": "Service", "name": null}]),
	_grant([_from], [object.union(_to, {"name": ""})]),
	_grant([_from], [object.union(_to, {"name": _long(253)})]),
	_grant([_from], [object.union(_to, {"name": _long(254)})]),
	_grant([_from], [object.union(_to, {"name": 5})]),
	_grant([object.union(_from, {"namespace": "Shop"})], [_to]),
	_grant([object.union(_from, {"namespace": "shop-"})], [_to]),
	_grant([object.union(_from, {"namespace": _long(63)})], [_to]),
	_grant([object.union(_from, {"namespace": _long(64)})], [_to]),
	_grant([object.union(_from, {"namespace": ["shop"]})], [_to]),
	_grant([object.union(_from, {"namespace": null})], [_to]),
	_grant([object.union(_from, {"group": null})], [_to]),
	_grant([_from | some _ in numbers.range(1, 16)], [_to]),
	_grant([_from | some _ in numbers.range(1, 17)], [_to]),
	_grant([_from], [_to | some _ in numbers.range(1, 17)]),
	_grant([], [_to]),
	_grant([_from], []),
	_grant({"0": _from}, [_to]),
	_grant([_from, "shop"], [_to]),
	_grant([_from], [{"kind": "Service", "name": "api"}]),
]

test_the_shortcut_never_passes_a_grant_the_schema_rejects if {
	every g in _cases {
		grants.schema_problems(g) == grants._problems(g)
	}
}

test_the_shortcut_takes_the_usual_shapes if {
	grants._plain(_cases[0])
	grants._plain(_cases[1])
	grants._plain(_cases[2])
}

test_limits if {
	{i | some i, g in _cases; count(grants.schema_problems(g)) == 0} == {0, 1, 2, 4, 9, 14}
}

# A grant the schema rejects is the near miss when every field it gives
# validly matches: the fix names the field and the value it needs.
test_a_rejected_grant_is_named_with_the_value_it_needs if {
	route := {"kind": "HTTPRoute", "metadata": {"namespace": "shop"}}
	rec := {"namespace": "backend", "kind": "Service", "group": "", "name": "api"}
	every c in [
		[object.union(_from, {"group": "gateway.networking.k8s.io/v1"}), "spec.from[0].group", "gateway.networking.k8s.io"],
		[object.union(_from, {"namespace": "Shop"}), "spec.from[0].namespace", "shop"],
		[object.remove(_from, ["kind"]), "spec.from[0].kind", "HTTPRoute"],
	] {
		inv := {"referencegrants": {"backend": {"g": _grant([c[0]], [_to])}}}
		[miss] := [m | some m in grants.near_misses(inv, route, rec)]
		miss.rejected
		miss.field == c[1]
		miss.want == c[2]
	}
}

# A field given validly but wrong is a mismatch, not a near miss of this
# kind: such a grant with another entry broken is not named.
test_a_rejected_grant_with_a_wrong_value_is_not_named if {
	route := {"kind": "HTTPRoute", "metadata": {"namespace": "shop"}}
	rec := {"namespace": "backend", "kind": "Service", "group": "", "name": "api"}
	inv := {"referencegrants": {"backend": {"g": _grant([object.union(_from, {"namespace": "elsewhere"})], [{"kind": "Service", "name": "api"}])}}}
	count(grants.near_misses(inv, route, rec)) == 0
}

# Past 16 entries the count is the one problem reported, however many
# entries are broken too: what a grant can cost in findings is bounded.
test_too_many_entries_hide_the_entries_problems if {
	g := _grant([{"kind": "HTTPRoute"} | some _ in numbers.range(1, 1000)], [_to])
	grants.schema_problems(g) == {["spec.from", "Too many: 1000: must have at most 16 items", {"code": "max-items", "list": "from", "index": null, "key": ""}]}
}

# A grant whose matching entries are valid permits nothing when another
# entry breaks the schema: the API server rejects it whole.
test_a_broken_second_entry_rejects_the_whole_grant if {
	route := {"kind": "HTTPRoute", "metadata": {"namespace": "shop"}}
	rec := {"namespace": "backend", "kind": "Service", "group": "", "name": "api"}
	every g in [
		_grant([_from, {"kind": "HTTPRoute", "namespace": "other"}], [_to]),
		_grant([_from], [_to, {"kind": "Service"}]),
		_grant([_from, object.union(_from, {"namespace": "Other"})], [_to]),
	] {
		count(grants.permitting({"referencegrants": {"backend": {"g": g}}}, route, rec, {})) == 0
	}
	grants.permitting({"referencegrants": {"backend": {"g": _grant([_from], [_to])}}}, route, rec, {}) == {"g"}
	grants.permitting({"referencegrants": {"backend": {"g": _grant([_from, object.union(_from, {"namespace": "other"})], [_to])}}}, route, rec, {}) == {"g"}
}

# A controller that reads "core" as the core group (nginx-gateway-fabric,
# traefik) matches it on either side; others do not.
test_a_group_alias_matches_on_both_sides if {
	route := {"kind": "HTTPRoute", "metadata": {"namespace": "shop"}}
	core_to := {"group": "core", "kind": "Service", "name": "api"}
	inv := {"referencegrants": {"backend": {"core": _grant([_from], [core_to]), "plain": _grant([_from], [_to])}}}
	rec := {"namespace": "backend", "kind": "Service", "group": "", "name": "api"}
	grants.permitting(inv, route, rec, {}) == {"plain"}
	grants.permitting(inv, route, rec, {"core": ""}) == {"core", "plain"}
	grants.permitting(inv, route, object.union(rec, {"group": "core"}), {}) == {"core"}
	grants.permitting(inv, route, object.union(rec, {"group": "core"}), {"core": ""}) == {"core", "plain"}
}

# Grants one field off in every field a near miss can be off in, several
# off, at an apiVersion no release serves, and every shape of _cases.
_near := array.concat(_cases, [
	_grant([object.union(_from, {"namespace": "elsewhere"})], [_to]),
	_grant([object.union(_from, {"kind": "GRPCRoute"})], [_to]),
	_grant([object.union(_from, {"group": "example.com"})], [_to]),
	_grant([_from], [object.union(_to, {"name": "apx"})]),
	_grant([_from], [object.union(_to, {"kind": "Backend"})]),
	_grant([_from], [object.union(_to, {"group": "core"})]),
	_grant([object.union(_from, {"namespace": "elsewhere"})], [object.union(_to, {"name": "apx"})]),
	_grant([object.union(_from, {"namespace": "elsewhere"})], [{"group": "", "kind": "Service"}]),
	object.union(_grant([_from], [_to]), {"apiVersion": "gateway.networking.k8s.io/v1alpha2"}),
	_grant([{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute"}], [{"group": "", "kind": "Service", "name": "apx"}]),
])

# near_misses reads the grants that come close through the indexes when
# the inventory carries them, and finds exactly what looking at every
# grant of the namespace finds, for every reference and route.
test_near_misses_through_the_indexes_are_those_of_every_grant if {
	by_name := {sprintf("g%d", [i]): g | some i, g in _near}
	plain := {"referencegrants": {"backend": by_name, "shop": {"misplaced": _grant([_from], [_to])}}}
	indexed := object.union(plain, {
		"referencegrants_by_from_to": resolve.nested(grants.by_from_to_entries(plain.referencegrants)),
		"referencegrants_by_to": resolve.nested(grants.by_to_entries(plain.referencegrants)),
	})
	every name in ["api", "apx"] {
		every route_ns in ["shop", "elsewhere"] {
			route := {"kind": "HTTPRoute", "metadata": {"namespace": route_ns}}
			rec := {"namespace": "backend", "kind": "Service", "group": "", "name": name}
			grants.near_misses(indexed, route, rec) == grants.near_misses(plain, route, rec)
		}
	}
	count(grants.near_misses(indexed, {"kind": "HTTPRoute", "metadata": {"namespace": "shop"}}, {"namespace": "backend", "kind": "Service", "group": "", "name": "api"})) > 5
}
