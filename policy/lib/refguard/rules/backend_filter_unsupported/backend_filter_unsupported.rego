# METADATA
# title: backendRef filter the controller rejects
# description: |
#   A filter on a backendRef itself (spec.rules[i].backendRefs[j].filters) of
#   a type the chosen implementation does not support there: Envoy Gateway
#   accepts only header modifiers, URLRewrite and ExtensionRef
#   (UnsupportedRefValue), Istio only header modifiers, NGINX Gateway Fabric
#   none (UnsupportedValue): the reference fails, an error. Contour accepts
#   only header modifiers there and ignores any other filter: requests are
#   served without it and the route is marked Accepted=False, a warning,
#   and the reference a RequestMirror there names is never looked up. The
#   spec allows them, so the spec profile never reports this rule; choose
#   your controller's profile. A filter that holds a reference
#   (RequestMirror, ExternalAuth) of a type the controller does not support
#   on a rule at all fails that rule: Traefik (RequestMirror, ExternalAuth)
#   and Envoy Gateway (ExternalAuth) answer its requests with 500 and never
#   look the reference up; an error, which neither writes in ResolvedRefs.
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

import data.lib.refguard.refs
import data.lib.refguard.result

findings(ctx) := ({f |
	some rec in ctx.records
	rec.resolution.step == "filter"
	f := result.reference_finding("RG111", ctx, rec, {
		"reason": rec.resolution.reason,
		"message": sprintf("%s; move the filter to the rule, or drop it%s", [rec.resolution.detail, result.undetected(ctx, rec)]),
		"fix": _fix,
	})
} | {f |
	some rec in ctx.records
	rec.resolution.step == "filter-type"
	f := result.reference_finding("RG111", ctx, rec, {
		"reason": rec.resolution.reason,
		"message": rec.resolution.detail,
		"fix": _type_fix(ctx.profile, rec),
	})
}) | {f |
	some rec in ctx.records
	rec.resolution.step == "filter-ignored"
	f := result.advice("RG111", ctx, rec.field, {
		"message": sprintf("%s: requests are served without it, and the route is marked Accepted=False (UnsupportedValue); move the filter to the rule, or drop it", [rec.resolution.detail]),
		"fix": _fix,
	})
}

_fix := "move the filter from the backendRef to the rule's filters"

# _type_fix: the controller's own way to do what the filter does, where
# the profile names one.
_type_fix(profile, rec) := fix if {
	fix := profile.rule_filter_fixes[refs.filter_types[rec.via]]
} else := sprintf("remove the %s filter from rule %d, or choose a controller that supports it", [refs.filter_types[rec.via], rec.rule])
