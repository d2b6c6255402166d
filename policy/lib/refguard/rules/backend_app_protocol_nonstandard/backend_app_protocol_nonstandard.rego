# METADATA
# title: Non-standard appProtocol behind an HTTP or gRPC route
# description: |
#   The Service port uses a bare appProtocol such as `h2c`, `grpc`, `http2` or
#   `ws` instead of the standard `kubernetes.io/h2c` or `kubernetes.io/ws`
#   (GEP-1911). Some implementations ignore unknown values and silently
#   downgrade gRPC to HTTP/1.1, which breaks it.
# related_resources:
#   - description: "GEP-1911 Backend Protocol Selection"
#     ref: https://gateway-api.sigs.k8s.io/geps/gep-1911/
# custom:
#   id: RG110
#   name: backend-app-protocol-nonstandard
#   severity: warning
#   since: 0.1.0
#   reason: ""
#   scope: inventory
# scope: package
package lib.refguard.rules.backend_app_protocol_nonstandard

import data.lib.refguard.result

standard := {
	"h2c": "kubernetes.io/h2c",
	"grpc": "kubernetes.io/h2c",
	"http2": "kubernetes.io/h2c",
	"ws": "kubernetes.io/ws",
}

findings(ctx) := {f |
	ctx.route.kind in {"HTTPRoute", "GRPCRoute"}
	some rec in ctx.records
	rec.resolution.ok == true
	some p in rec.target.spec.ports
	p.port == rec.port
	want := standard[lower(p.appProtocol)]
	f := result.finding("RG110", ctx, rec.field, {
		"message": sprintf("port %v of Service %s/%s has appProtocol %q; use the standard %q (GEP-1911), some implementations ignore the bare value and fall back to HTTP/1.1", [rec.port, rec.namespace, rec.name, p.appProtocol, want]),
		"fix": sprintf("set appProtocol: %s on Service %s/%s port %v", [want, rec.namespace, rec.name, rec.port]),
	})
}
