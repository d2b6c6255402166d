package lib.refguard.rules.backend_duplicate_test

import data.lib.refguard.rules.backend_duplicate
import data.lib.refguard.testutil as t

test_duplicate if {
	r := t.http([{"name": "a", "port": 8080}, {"name": "a", "port": 8080}])
	t.fields(backend_duplicate.findings(t.no_inventory(r))) == {"spec.rules[0].backendRefs[1]"}
}

test_defaults_count_as_equal if {
	r := t.http([{"name": "a", "port": 8080}, {"group": "", "kind": "Service", "name": "a", "port": 8080}])
	count(backend_duplicate.findings(t.no_inventory(r))) == 1
}

test_different_port if {
	r := t.http([{"name": "a", "port": 8080}, {"name": "a", "port": 9090}])
	count(backend_duplicate.findings(t.no_inventory(r))) == 0
}

# n equal references give n-1 findings, each naming the reference before
# it: one per repeated reference, never one per pair.
test_one_finding_per_repeat if {
	r := t.http([{"name": "a", "port": 8080} | some _ in numbers.range(1, 200)])
	fs := backend_duplicate.findings(t.no_inventory(r))
	count(fs) == 199
	some f in fs
	f.field == "spec.rules[0].backendRefs[3]"
	contains(f.message, "already backendRefs[2]")
}

test_same_key_in_other_rules_is_no_duplicate if {
	route := t.route("HTTPRoute", "app", "r", [])
	r := json.patch(route, [{"op": "add", "path": "/spec/rules", "value": [
		{"backendRefs": [{"name": "a", "port": 8080}]},
		{"backendRefs": [{"name": "a", "port": 8080}]},
	]}])
	count(backend_duplicate.findings(t.no_inventory(r))) == 0
}
