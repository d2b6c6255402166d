# METADATA
# title: HTTP/gRPC rule without backends
# description: |
#   An HTTPRoute or GRPCRoute rule has no backendRefs (omitted or empty) and
#   no filter that answers by itself (RequestRedirect, or an ExtensionRef an
#   implementation may use). The conformance tests require a 500 for it and
#   ResolvedRefs=True; Contour instead drops the rule and reports
#   ResolvedRefs=False (Degraded), an error under its profile.
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

findings(ctx) := {f |
	some i in refs.backendless_rules(ctx.route)
	f := _finding(ctx, i, object.get(ctx.profile.reasons, "no-backends", ""))
}

# A controller that drops such a rule and says so in status (Contour:
# ResolvedRefs=False, Degraded) makes it an error there; elsewhere the
# rule answers 500 and the route resolves.
_finding(ctx, i, "") := result.finding("RG302", ctx, sprintf("spec.rules[%d]", [i]), {
	"message": sprintf("rule %d has no backendRefs and no redirect: matching requests get 500", [i]),
	"fix": "add a backendRef or a RequestRedirect filter",
})

_finding(ctx, i, reason) := result.condition_finding("RG302", ctx, sprintf("spec.rules[%d]", [i]), {
	"reason": reason,
	"message": sprintf("rule %d has no backendRefs and no redirect: the %s controller drops the rule and reports ResolvedRefs=False (%s); matching requests go to the next rule that matches, or get 404", [i, ctx.profile.name, reason]),
	"fix": "add a backendRef or a RequestRedirect filter",
}) if reason != ""
