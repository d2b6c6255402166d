package refguardbackendrefs_test

import data.refguardbackendrefs

_route := {
	"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
	"metadata": {"name": "r", "namespace": "app"},
	"spec": {"rules": [{"backendRefs": [{"name": "api", "port": 8080}]}]},
}

_synced := {"namespace": {"app": {"v1": {"Service": {"api": {
	"apiVersion": "v1", "kind": "Service",
	"metadata": {"name": "api", "namespace": "app"},
	"spec": {"ports": [{"port": 80}]},
}}}}}}

_rules(parameters) := {v.details.rule | some v in violations} if {
	violations := refguardbackendrefs.violation with input as {"review": {"object": _route}, "parameters": parameters}
		with data.inventory as _synced
}

test_every_rule_in_one_template_by_severity if {
	_rules({}) == {"RG105"} # errors by default
	_rules({"severities": ["warning", "info"]}) == set()
	_rules({"severity": {"RG105": "warning"}, "severities": ["warning"]}) == {"RG105"}
}
