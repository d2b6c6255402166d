package lib.refguard.rules.grant_shape_invalid_test

import data.lib.refguard.rules.grant_shape_invalid
import data.lib.refguard.testutil as t

_from := {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "app"}

_to := {"group": "", "kind": "Service", "name": "api"}

_findings(from, to) := grant_shape_invalid.findings(t.grant_ctx(t.grant("pay", "g", from, to)))

test_a_valid_grant_passes if {
	count(_findings([_from], [_to])) == 0
	count(_findings([_from], [{"group": "", "kind": "Service"}])) == 0
	count(_findings([_from], [{"group": "", "kind": "Service", "name": null}])) == 0
}

# The usual mistake: group "" left out, or written with no value (a null).
test_a_to_entry_without_group_is_rejected_and_set_to_the_core_group if {
	every to in [{"kind": "Service", "name": "api"}, {"group": null, "kind": "Service", "name": "api"}] {
		[f] := [f | some f in _findings([_from], [to])]
		f.rule == "RG205"
		f.severity == "error"
		f.field == "spec.to[0].group"
		contains(f.message, "spec.to[0].group: Required value")
		f.fix == `set spec.to[0].group: ""`
		f.edits == [{"op": "set", "object": f.object, "field": "spec.to[0].group", "value": ""}]
	}
}

test_a_from_entry_without_group_gets_the_gateway_api_group if {
	[f] := [f | some f in _findings([{"kind": "GRPCRoute", "namespace": "app"}], [_to])]
	f.field == "spec.from[0].group"
	f.edits[0].value == "gateway.networking.k8s.io"
}

# A kind refguard cannot place in a group gets a fix text, no edit.
test_an_unknown_kind_without_group_gets_no_edit if {
	[f] := [f | some f in _findings([_from], [{"kind": "S3Bucket"}])]
	f.edits == []
	contains(f.fix, "API group of its kind")
}

test_missing_and_empty_lists_are_rejected if {
	grant := {"apiVersion": "gateway.networking.k8s.io/v1beta1", "kind": "ReferenceGrant", "metadata": {"namespace": "pay", "name": "g"}, "spec": {"to": []}}
	fields := {[f.field, f.fix] | some f in grant_shape_invalid.findings(t.grant_ctx(grant))}
	fields == {["spec.from", "add at least one entry to spec.from"], ["spec.to", "add at least one entry to spec.to"]}
}

test_seventeen_entries_are_too_many if {
	[f] := [f | some f in _findings([_from | some _ in numbers.range(1, 17)], [_to])]
	f.field == "spec.from"
	contains(f.message, "Too many: 17: must have at most 16 items")
}

test_types_lengths_and_patterns if {
	findings := _findings(
		[object.union(_from, {"namespace": "App"})],
		[object.union(_to, {"name": ""}), "Service", object.union(_to, {"kind": 5})],
	)
	{f.field | some f in findings} == {"spec.from[0].namespace", "spec.to[0].name", "spec.to[1]", "spec.to[2].kind"}
	every f in findings {
		f.severity == "error"
	}
}
