package lib.refguard.targets_test

import data.lib.refguard.targets

_resolver := {"metadata": {"namespace": "app", "name": "egress"}, "spec": {"type": "DynamicResolver"}}

_in_rule(kind, weight, refs) := {"route_kind": kind, "weight": weight, "refs": refs}

test_dynamic_resolver_beside_a_weight_zero_backend_of_an_httproute_rule if {
	r := targets.rejected("envoy-gateway-backend", _resolver, {}, _in_rule("HTTPRoute", 1, [{"name": "egress"}, {"name": "api", "weight": 0}]))
	r.step == "backend-invalid"
	startswith(r.detail, "dynamic resolver is not supported for multiple backendRefs")
}

test_dynamic_resolver_alone_is_accepted if {
	not targets.rejected("envoy-gateway-backend", _resolver, {}, _in_rule("HTTPRoute", 1, [{"name": "egress"}]))
}

test_a_weight_zero_dynamic_resolver_carries_no_traffic if {
	not targets.rejected("envoy-gateway-backend", _resolver, {}, _in_rule("HTTPRoute", 0, [{"name": "egress", "weight": 0}, {"name": "api"}]))
}

test_a_tlsroute_rule_counts_only_references_that_carry_traffic if {
	not targets.rejected("envoy-gateway-backend", _resolver, {}, _in_rule("TLSRoute", 1, [{"name": "egress"}, {"name": "api", "weight": 0}]))
	targets.rejected("envoy-gateway-backend", _resolver, {}, _in_rule("TLSRoute", 1, [{"name": "egress"}, {"name": "api"}]))
}

test_a_grpcroute_rule_is_not_checked if {
	not targets.rejected("envoy-gateway-backend", _resolver, {}, _in_rule("GRPCRoute", 1, [{"name": "egress"}, {"name": "api"}]))
}

test_a_dynamic_resolver_with_endpoints_is_rejected_first if {
	backend := json.patch(_resolver, [{"op": "add", "path": "/spec/endpoints", "value": [{"ip": {"address": "10.0.0.1", "port": 80}}]}])
	r := targets.rejected("envoy-gateway-backend", backend, {}, _in_rule("HTTPRoute", 1, [{"name": "egress"}, {"name": "api"}]))
	r.detail == "DynamicResolver type cannot have endpoints specified"
}

_path_regex_rewrite := {"kind": "HTTPRouteFilter", "spec": {"urlRewrite": {"hostname": {"type": "PathRegex", "pathRegex": {"pattern": "^/([^/]+)", "substitution": "\\1"}}}}}

test_a_dynamic_resolver_under_a_host_rewrite_from_the_path_is_unsupported if {
	r := targets.rejected("envoy-gateway-backend", _resolver, {}, object.union(_in_rule("GRPCRoute", 1, [{"name": "egress"}]), {"filters": [_path_regex_rewrite]}))
	r.step == "backend-unsupported"
	startswith(r.detail, "host rewrite from path (PathRegex) is not supported")
}

test_a_host_rewrite_from_a_header_is_accepted_with_a_dynamic_resolver if {
	header := json.patch(_path_regex_rewrite, [{"op": "replace", "path": "/spec/urlRewrite/hostname", "value": {"type": "Header", "header": "x-host"}}])
	not targets.rejected("envoy-gateway-backend", _resolver, {}, object.union(_in_rule("HTTPRoute", 1, [{"name": "egress"}]), {"filters": [header]}))
}

test_the_path_rewrite_is_reported_before_the_other_backendrefs if {
	r := targets.rejected("envoy-gateway-backend", _resolver, {}, object.union(_in_rule("HTTPRoute", 1, [{"name": "egress"}, {"name": "api"}]), {"filters": [_path_regex_rewrite]}))
	r.step == "backend-unsupported"
}

test_a_weight_zero_dynamic_resolver_ignores_the_path_rewrite if {
	not targets.rejected("envoy-gateway-backend", _resolver, {}, object.union(_in_rule("HTTPRoute", 0, [{"name": "egress", "weight": 0}]), {"filters": [_path_regex_rewrite]}))
}
