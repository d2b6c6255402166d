package refguardbackendnotfound_test

import data.refguardbackendnotfound

_route(name) := {
	"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
	"metadata": {"name": "r", "namespace": "app"},
	"spec": {"rules": [{"backendRefs": [{"name": name, "port": 80}]}]},
}

_synced := {"namespace": {"app": {"v1": {"Service": {"api": {
	"apiVersion": "v1", "kind": "Service",
	"metadata": {"name": "api", "namespace": "app"},
	"spec": {"ports": [{"port": 80}]},
}}}}}}

_violations(name, parameters) := vs if {
	vs := refguardbackendnotfound.violation with input as {"review": {"object": _route(name)}, "parameters": parameters}
		with data.inventory as _synced
}

test_a_missing_service_is_a_violation_with_the_findings_details if {
	[v] := [v | some v in _violations("api-svc", {})]
	v.details.rule == "RG103"
	v.details.severity == "error"
	v.details.fix == "set name: api"
	startswith(v.msg, "RG103: ")
}

test_an_existing_service_is_none if {
	count(_violations("api", {})) == 0
}

test_the_severity_parameter_turns_the_rule_off if {
	count(_violations("api-svc", {"severity": "off"})) == 0
}
