# METADATA
# title: ExtensionRef filter names an object that does not exist
# description: |
#   An ExtensionRef filter, on a rule or on a backendRef, names an object of
#   a kind the controller looks up itself (Envoy Gateway's
#   gateway.envoyproxy.io HTTPRouteFilter, NGINX Gateway Fabric's
#   gateway.nginx.org SnippetsFilter and AuthenticationFilter, Traefik's
#   traefik.io Middleware, kgateway's gateway.kgateway.dev TrafficPolicy
#   and DirectResponse on a rule), and the route's namespace holds
#   none of that name. The filter is not skipped: every request the rule
#   matches, or every request sent to that backendRef, gets a 500, and the
#   route reports ResolvedRefs=False (GEP-1364; Envoy Gateway writes
#   UnsupportedValue for a rule's filter, InvalidBackendFilters for a
#   backendRef's; NGINX Gateway Fabric InvalidFilter). Traefik reports
#   nothing and does not build the routes of the rule: its requests get
#   404, or go to another route that matches; kgateway answers 500 and
#   reports it in its own kgateway.dev/Programmed condition. The finding names the closest existing object of the
#   kind when one is close enough. Only profiles that declare the kinds
#   their controller looks up check this; other ExtensionRef kinds are
#   accepted without a lookup.
# related_resources:
#   - description: "GEP-1364: status and conditions of unresolvable filters"
#     ref: https://gateway-api.sigs.k8s.io/geps/gep-1364/
#   - description: "Envoy Gateway HTTPRouteFilter"
#     ref: https://gateway.envoyproxy.io/docs/api/extension_types/#httproutefilter
# custom:
#   id: RG115
#   name: filter-ref-not-found
#   severity: error
#   since: 0.2.0
#   reason: ""
#   scope: inventory
# scope: package
package lib.refguard.rules.filter_ref_not_found

import data.lib.refguard.namesakes
import data.lib.refguard.resolve
import data.lib.refguard.result
import data.lib.refguard.similar

findings(ctx) := by_backend_ref | by_rule if {
	by_backend_ref := {f |
		some rec in ctx.records
		rec.resolution.step == "backend-filter-not-found"
		some m in rec.resolution.filters
		f := result.reference_finding("RG115", ctx, object.union(rec, {"field": m.field}), _details(ctx, m, rec.resolution.reason, _traffic(ctx.profile, rec.rule, "every request sent to this backendRef", rec.resolution.reason)))
	}
	by_rule := {f |
		some failure in resolve.rule_filter_failures(ctx.route, ctx.inv, ctx.profile)
		f := result.condition_finding("RG115", ctx, failure.field, _details(ctx, failure.filter, failure.resolution.reason, _traffic(ctx.profile, failure.rule, sprintf("every request that rule %d matches", [failure.rule]), failure.resolution.reason)))
	}
}

# _traffic: what becomes of the requests: a 500 for those the filter
# would have processed, or, for a controller that drops the routes it
# builds for the rule (profile.filter_not_found_drops_rule), a 404 or
# another route for every request of the rule; with whether the
# controller says so in the route's status.
_traffic(profile, rule, requests, reason) := sprintf("drops the routes it builds for rule %d, so its requests get 404 or go to another route that matches%s", [rule, _unreported(reason)]) if {
	profile.filter_not_found_drops_rule
} else := sprintf("answers %s with 500%s", [requests, _unreported(reason)])

_unreported("") := " (ResolvedRefs stays True)"

_unreported(reason) := "" if reason != ""

# _details: the message names what the controller answers and, from the
# objects of the kind in the route's namespace, the one most likely meant
# (a unique one is the repair); without one, the other namespaces that
# hold an object of that name: an ExtensionRef is a local reference, so a
# route copied to another namespace needs its filter copied too.
_details(ctx, m, reason, traffic) := object.union(
	{
		"reason": reason,
		"message": sprintf("%s not found: the %s controller %s; %s", [resolve.filter_text(m), ctx.profile.name, traffic, _hint(m, best, candidates, homes)]),
	},
	_repair(ctx, m, best, homes),
) if {
	candidates := object.keys(object.get(ctx.inv, [m.collection, m.namespace], {}))
	best := similar.suggest(m.name, candidates)
	homes := _homes(ctx.inv, m, best)
}

# _homes: the other namespaces holding an object of the name, looked for
# only when the route's namespace offers no close name (one key per
# namespace that holds objects of the kind).
_homes(inv, m, best) := set() if {
	count(best) > 0
} else := {ns |
	some ns, objs in object.get(inv, m.collection, {})
	ns != m.namespace
	_ = objs[m.name]
}

_hint(m, best, candidates, homes) := similar.did_you_mean(best) if {
	count(best) > 0
} else := sprintf("%s %s is in namespace %s, and an ExtensionRef names an object in the route's own namespace", [m.kind, m.name, concat(", ", namesakes.first_in_order(homes))]) if {
	count(homes) > 0
} else := sprintf("there is no %s in namespace %s at all", [m.kind, m.namespace]) if {
	count(candidates) == 0
} else := sprintf("none of the %d %ss in namespace %s has a similar name", [count(candidates), m.kind, m.namespace])

_repair(ctx, m, best, homes) := result.set_repair(ctx.object, sprintf("%s.extensionRef.name", [m.field]), "name", best[0]) if {
	count(best) == 1
} else := {"fix": sprintf("copy %s %s/%s to namespace %s", [m.kind, home, m.name, m.namespace])} if {
	[home] := [ns | some ns in homes]
} else := {"fix": sprintf("create %s, or name one that exists", [resolve.filter_text(m)])}
