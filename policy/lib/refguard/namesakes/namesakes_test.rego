package lib.refguard.namesakes_test

import data.lib.refguard.namesakes

test_the_first_five_in_order_then_an_ellipsis if {
	namesakes.first_in_order({"g", "c", "a", "f", "b", "e", "d"}) == ["a", "b", "c", "d", "e", "…"]
	namesakes.first_in_order({"b", "a"}) == ["a", "b"]
	namesakes.first_in_order(set()) == []
}

_ctx := {"object": {"namespace": "app", "kind": "HTTPRoute", "name": "r"}, "route": {"kind": "HTTPRoute"}}

_rec := {"kind": "Service", "name": "api", "field": "spec.rules[0].backendRefs[0]"}

test_one_home_is_named_and_set if {
	contains(namesakes.hint(_ctx, _rec, {"backend"}), "Service api exists in namespace backend")
	namesakes.repair(_ctx, _rec, {"backend"}).fix == "set namespace: backend"
}

test_several_homes_are_listed_in_order_without_a_fix if {
	homes := {sprintf("ns-%d", [i]) | some i in numbers.range(1, 9)}
	endswith(namesakes.hint(_ctx, _rec, homes), "exist in namespaces ns-1, ns-2, ns-3, ns-4, ns-5, …: set namespace to the one meant")
	namesakes.repair(_ctx, _rec, homes).fix == ""
}

test_the_routes_own_namespace if {
	contains(namesakes.hint(_ctx, _rec, {"app"}), "is in namespace app, the route's own")
}
