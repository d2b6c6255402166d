# METADATA
# title: Route API version not served
# description: |
#   The route's `apiVersion` is one the API server may not serve. HTTPRoute
#   and GRPCRoute `v1alpha2` are served by no Gateway API release since
#   v0.8 and v1.2: the API server rejects the route whatever is installed
#   (an error). TLSRoute `v1alpha2`/`v1alpha3` and TCPRoute/UDPRoute
#   `v1alpha2` are served only by the experimental channel CRDs since
#   Gateway API v1.6: with the standard channel installed the apply fails
#   (a warning). Use `v1`, which holds one rule and, on a TLSRoute, at
#   least one hostname: the message says when the route needs either.
# related_resources:
#   - description: "Gateway API v1.6 release notes"
#     ref: https://github.com/kubernetes-sigs/gateway-api/releases
#   - description: "Gateway API versioning"
#     ref: https://gateway-api.sigs.k8s.io/concepts/versioning/
# custom:
#   id: RG504
#   name: route-version-not-served
#   severity: warning
#   since: 0.1.0
#   reason: ""
#   scope: route
# scope: package
package lib.refguard.rules.route_version_not_served

import data.lib.refguard.refs
import data.lib.refguard.result

# One keyed lookup per route: most routes are HTTPRoute v1, found in no
# table.
findings(ctx) := {f |
	status := refs.api_versions[ctx.route.kind][ctx.route.apiVersion]
	f := _finding(ctx, status, split(ctx.route.apiVersion, "/")[1])
}

_finding(ctx, status, version) := result.rejected("RG504", ctx, "apiVersion", {
	"message": sprintf("%s %s is not served by Gateway API since %s: the API server rejects the route; use %s", [ctx.route.kind, version, status.unserved, refs.use_version(ctx.route.kind)]),
	"fix": sprintf("set apiVersion: %s", [refs.use_version(ctx.route.kind)]),
	"edits": [result.set_edit(ctx.object, "apiVersion", refs.use_version(ctx.route.kind))],
}) if {
	status.unserved
} else := result.finding("RG504", ctx, "apiVersion", {
	"message": sprintf("%s %s is served only by the experimental CRDs since Gateway API v1.6; use %s%s", [ctx.route.kind, version, refs.use_version(ctx.route.kind), _needs(ctx.route)]),
	"fix": sprintf("set apiVersion: %s%s", [refs.use_version(ctx.route.kind), _also(ctx.route)]),
})

# What the v1 schema requires that the older version did not, so that the
# route moved to v1 is not refused instead (apis/v1 tlsroute_types.go,
# tcproute_types.go, udproute_types.go: hostnames MinItems 1 on a
# TLSRoute, rules MaxItems 1): said in the message and the fix, never
# written by `fix`, which cannot choose the hostnames or how to merge the
# rules.
_v1_requirements(route) := [text |
	some [kind, text] in [
		["hostnames", "at least one SNI hostname in spec.hostnames"],
		["one-rule", "every backendRef in one rule"],
	]
	_requires(route, kind)
]

_requires(route, "hostnames") if {
	route.kind == "TLSRoute"
	count(object.get(route, ["spec", "hostnames"], [])) == 0
}

_requires(route, "one-rule") if {
	route.kind in {"TCPRoute", "TLSRoute", "UDPRoute"}
	count(object.get(route, ["spec", "rules"], [])) > 1
}

_needs(route) := sprintf(", which needs %s", [concat(" and ", _v1_requirements(route))]) if count(_v1_requirements(route)) > 0

else := ""

_also(route) := sprintf(", with %s", [concat(" and ", _v1_requirements(route))]) if count(_v1_requirements(route)) > 0

else := ""
