# METADATA
# title: RequestRedirect together with backendRefs
# description: |
#   An HTTPRoute rule has a RequestRedirect filter and backendRefs. The CEL
#   validation rejects it: a redirect answers the request itself, so the
#   backends could never be used.
# related_resources:
#   - description: "Gateway API HTTPRouteFilter"
#     ref: https://gateway-api.sigs.k8s.io/reference/spec/#httproutefilter
# custom:
#   id: RG503
#   name: rule-redirect-with-backends
#   severity: error
#   since: 0.1.0
#   reason: ""
#   scope: route
# scope: package
package lib.refguard.rules.rule_redirect_with_backends

import data.lib.refguard.refs
import data.lib.refguard.result

findings(ctx) := {f |
	ctx.route.kind == "HTTPRoute"
	some i, rule in refs.rules(ctx.route)
	some filter in rule.filters
	filter.type == "RequestRedirect"
	count(object.get(rule, "backendRefs", [])) > 0
	f := result.finding("RG503", ctx, sprintf("spec.rules[%d]", [i]), {
		"message": sprintf("rule %d has a RequestRedirect filter and backendRefs; the API server rejects the combination", [i]),
		"fix": "remove the backendRefs or the RequestRedirect filter",
	})
}
