# METADATA
# title: Service port protocol does not fit the route
# description: |
#   The Service port the backendRef selects speaks the wrong transport: UDP or
#   SCTP behind an HTTPRoute, GRPCRoute, TLSRoute or TCPRoute, or TCP behind a
#   UDPRoute. No data can flow. Envoy Gateway reports PortNotFound, Contour
#   BackendNotFound, GEP-1911 UnsupportedProtocol. A Service may list one
#   number once per protocol (DNS on 53 over UDP and TCP): the entry of the
#   route's transport is selected, as Envoy Gateway looks it up, and the rule
#   fires only when there is none. A port written `protocol: HTTP` is refused
#   by the API server (TCP, UDP or SCTP only); the message says how to write it.
# related_resources:
#   - description: "GEP-1911 Backend Protocol Selection"
#     ref: https://gateway-api.sigs.k8s.io/geps/gep-1911/
# custom:
#   id: RG106
#   name: backend-port-protocol-mismatch
#   severity: error
#   since: 0.1.0
#   reason: "UnsupportedProtocol"
#   scope: inventory
# scope: package
package lib.refguard.rules.backend_port_protocol_mismatch

import data.lib.refguard.result

findings(ctx) := {f |
	some rec in ctx.records
	rec.resolution.step == "protocol"
	f := result.reference_finding("RG106", ctx, rec, {
		"reason": rec.resolution.reason,
		"message": sprintf("%s%s", [rec.resolution.detail, result.undetected(ctx, rec)]),
		"fix": "",
	})
}
