# METADATA
# title: HTTP/gRPC rule without backends
# description: |
#   An HTTPRoute or GRPCRoute rule has no backendRefs (omitted or empty) and
#   no filter that answers by itself (RequestRedirect, or an ExtensionRef an
#   implementation may use). The conformance tests require a 500 for it; it
#   is not a resolution failure, so the route still shows ResolvedRefs=True.
# related_resources:
#   - description: "Gateway API HTTPRouteRule"
#     ref: https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule
# custom:
#   id: RG302
#   name: rule-no-backends
#   severity: warning
#   since: 0.1.0
#   reason: ""
#   scope: route
# scope: package
package lib.refguard.rules.rule_no_backends

import data.lib.refguard.refs
import data.lib.refguard.result

_answers_itself(rule) if {
	some filter in rule.filters
	filter.type in {"RequestRedirect", "ExtensionRef"}
}

findings(ctx) := {f |
	ctx.route.kind in {"HTTPRoute", "GRPCRoute"}
	some i, rule in refs.rules(ctx.route)
	is_object(rule)
	count(object.get(rule, "backendRefs", [])) == 0
	not _answers_itself(rule)
	f := result.finding("RG302", ctx, sprintf("spec.rules[%d]", [i]), {
		"message": sprintf("rule %d has no backendRefs and no redirect: matching requests get 500", [i]),
		"fix": "add a backendRef or a RequestRedirect filter",
	})
}
