# METADATA
# title: backendRef filter the controller rejects
# description: |
#   A filter on a backendRef itself (spec.rules[i].backendRefs[j].filters) of
#   a type the chosen implementation does not support there: Envoy Gateway
#   accepts only header modifiers, URLRewrite and ExtensionRef
#   (UnsupportedRefValue), Istio only header modifiers, NGINX Gateway Fabric
#   none (UnsupportedValue). The spec allows them, so the spec profile never
#   reports this rule; choose your controller's profile.
# related_resources:
#   - description: "Gateway API HTTPBackendRef filters"
#     ref: https://gateway-api.sigs.k8s.io/reference/spec/#httpbackendref
# custom:
#   id: RG111
#   name: backend-filter-unsupported
#   severity: error
#   since: 0.1.0
#   reason: ""
#   scope: route
# scope: package
package lib.refguard.rules.backend_filter_unsupported

import data.lib.refguard.result

findings(ctx) := {f |
	some rec in ctx.records
	rec.resolution.step == "filter"
	f := result.reference_finding("RG111", ctx, rec, {
		"reason": rec.resolution.reason,
		"message": sprintf("%s; move the filter to the rule, or drop it%s", [rec.resolution.detail, result.undetected(ctx, rec)]),
		"fix": "move the filter from the backendRef to the rule's filters",
	})
}
