# METADATA
# title: Service appProtocol incompatible with the route kind
# description: |
#   The selected Service port's appProtocol cannot be carried by the route
#   kind (GEP-1911): `kubernetes.io/ws` or `kubernetes.io/wss` behind a
#   GRPCRoute or TCPRoute, `kubernetes.io/h2c` behind a TLSRoute or TCPRoute,
#   `kubernetes.io/wss` behind an HTTPRoute without a BackendTLSPolicy for the
#   Service. The controller sets ResolvedRefs=False/UnsupportedProtocol.
# related_resources:
#   - description: "GEP-1911 Backend Protocol Selection"
#     ref: https://gateway-api.sigs.k8s.io/geps/gep-1911/
# custom:
#   id: RG107
#   name: backend-app-protocol-unsupported
#   severity: error
#   since: 0.1.0
#   reason: "UnsupportedProtocol"
#   scope: inventory
# scope: package
package lib.refguard.rules.backend_app_protocol_unsupported

import data.lib.refguard.result

_hint(ctx) := "; add a BackendTLSPolicy that targets the Service" if {
	ctx.route.kind == "HTTPRoute"
} else := "; use a route kind that carries it, or another Service port"

findings(ctx) := {f |
	some rec in ctx.records
	rec.resolution.step == "app-protocol"
	f := result.reference_finding("RG107", ctx, rec, {
		"reason": rec.resolution.reason,
		"message": sprintf("%s%s%s", [rec.resolution.detail, _hint(ctx), result.undetected(ctx, rec)]),
		"fix": "",
	})
}
