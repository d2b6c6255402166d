package lib.refguard.status_test

import data.lib.refguard.status
import data.lib.refguard.testutil as t

_auth(name) := {"type": "ExternalAuth", "externalAuth": {"protocol": "HTTP", "http": {}, "backendRef": {"name": name, "port": 9000}}}

_objs := [t.svc("app", "api", [t.port(8080)]), t.svc("app", "authz", [t.port(9000)])]

_condition(rules, profile) := status.condition(t.ctx_with(t.http_with_rules(rules), _objs, {"profile": profile}))

# NGINX Gateway Fabric rejects a rule whose ExternalAuth backend does not
# resolve, after the reference's own condition, and keeps the last one.
test_an_unresolved_external_auth_backend_fails_the_rule_last_on_nginx_gateway_fabric if {
	rules := [{"filters": [_auth("authz-typo")], "backendRefs": [{"name": "api", "port": 8080}]}]
	c := _condition(rules, "nginx-gateway-fabric")
	c.status == "False"
	c.reason == "InvalidFilter"
	contains(c.message, "ExternalAuth filter references a backend that could not be resolved")

	# a later rule's failing reference is written after it
	later := array.concat(rules, [{"backendRefs": [{"name": "gone", "port": 8080}]}])
	_condition(later, "nginx-gateway-fabric").reason == "BackendNotFound"

	# other controllers report the reference itself
	_condition(rules, "spec").reason == "BackendNotFound"
}

test_a_resolved_external_auth_backend_leaves_the_rule_alone if {
	rules := [{"filters": [_auth("authz")], "backendRefs": [{"name": "api", "port": 8080}]}]
	_condition(rules, "nginx-gateway-fabric").status == "True"
}
