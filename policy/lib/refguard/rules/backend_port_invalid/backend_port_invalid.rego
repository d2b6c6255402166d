# METADATA
# title: backendRef port is not a port number
# description: |
#   The port is not an integer from 1 to 65535: a string ("80"), a named port
#   (`port: http`, which backendRefs do not support) or out of range. The API
#   server's schema rejects the route.
# related_resources:
#   - description: "Gateway API PortNumber"
#     ref: https://gateway-api.sigs.k8s.io/reference/spec/#portnumber
# custom:
#   id: RG501
#   name: backend-port-invalid
#   severity: error
#   since: 0.1.0
#   reason: ""
#   scope: route
# scope: package
package lib.refguard.rules.backend_port_invalid

import data.lib.refguard.resolve
import data.lib.refguard.result

_hint(port) := "; backendRefs take the Service port number, not a port name" if {
	is_string(port)
	not regex.match(`^[0-9]+$`, port)
} else := sprintf("; write it as a number: port: %s", [port]) if {
	is_string(port)
} else := ""

_fix(port) := sprintf("set port: %s", [port]) if {
	is_string(port)
	regex.match(`^[0-9]+$`, port)
} else := ""

_edits(ctx, rec) := [result.set_edit(ctx.object, sprintf("%s.port", [rec.field]), to_number(rec.port))] if {
	is_string(rec.port)
	regex.match(`^[0-9]+$`, rec.port)
	resolve.valid_port(to_number(rec.port))
} else := []

findings(ctx) := {f |
	some rec in ctx.records
	not rec.malformed
	rec.port != null
	not resolve.valid_port(rec.port)
	f := result.finding("RG501", ctx, rec.field, {
		"message": sprintf("port %s is not a port number (an integer from 1 to 65535)%s", [json.marshal(rec.port), _hint(rec.port)]),
		"fix": _fix(rec.port),
		"edits": _edits(ctx, rec),
	})
}
