# METADATA
# title: Route API version served only by experimental CRDs
# description: |
#   TLSRoute `v1alpha2`/`v1alpha3` and TCPRoute/UDPRoute `v1alpha2` are served
#   only by the experimental channel CRDs since Gateway API v1.6. With the
#   standard channel installed the apply fails; use `v1`.
# related_resources:
#   - description: "Gateway API v1.6 release notes"
#     ref: https://github.com/kubernetes-sigs/gateway-api/releases
# custom:
#   id: RG504
#   name: route-version-not-served
#   severity: warning
#   since: 0.1.0
#   reason: ""
#   scope: route
# scope: package
package lib.refguard.rules.route_version_not_served

import data.lib.refguard.result

experimental := {
	"TLSRoute": {"v1alpha2", "v1alpha3"},
	"TCPRoute": {"v1alpha2"},
	"UDPRoute": {"v1alpha2"},
}

findings(ctx) := {f |
	versions := experimental[ctx.route.kind] # most routes are HTTPRoutes: nothing to split
	version := split(ctx.route.apiVersion, "/")[1]
	version in versions
	f := result.finding("RG504", ctx, "apiVersion", {
		"message": sprintf("%s %s is served only by the experimental CRDs since Gateway API v1.6; use gateway.networking.k8s.io/v1", [ctx.route.kind, version]),
		"fix": "set apiVersion: gateway.networking.k8s.io/v1",
	})
}
