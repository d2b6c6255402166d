package lib.refguard.gatekeeper_test

import data.lib.refguard.gatekeeper
import data.lib.refguard.testutil as t

_route := t.http([{"name": "web", "port": 8080}])

_inventory := {"namespace": {"app": {"v1": {"Service": {"web": t.svc("app", "web", [t.port(8080)])}}}}}

test_profile_defaults_to_spec if {
	gatekeeper.profile == "spec" with input as {"review": {"object": _route}}
}

test_profile_from_parameters if {
	gatekeeper.profile == "istio" with input as {"review": {"object": _route}, "parameters": {"profile": "istio"}}
}

test_route_context_reads_the_synced_inventory if {
	ctx := gatekeeper.route_context({}) with input as {"review": {"object": _route}} with data.inventory as _inventory
	ctx.records[0].resolution.step == "resolved"
}

test_grant_is_not_a_route if {
	not gatekeeper.route_context({}) with input as {"review": {"object": t.grant("app", "g", [], [])}}
}

test_report_starts_with_the_rule_id if {
	v := gatekeeper.report({"rule": "RG103", "name": "n", "severity": "error", "field": "f", "reason": "r", "fix": "", "message": "m"})
	v.msg == "RG103: m (f)"
	v.details.rule == "RG103"
}
