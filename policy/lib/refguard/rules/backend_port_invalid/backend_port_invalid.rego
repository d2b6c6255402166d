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

import data.lib.refguard.result
import data.lib.refguard.schema

_hint(rec) := sprintf("; backendRefs take the Service port number, not a port name: port %s of %s %s/%s is %v", [rec.port, rec.kind, rec.namespace, rec.name, _named_port(rec)]) if {
	_named_port(rec)
} else := "; backendRefs take the Service port number, not a port name" if {
	is_string(rec.port)
	not regex.match(`^[0-9]+$`, rec.port)
} else := sprintf("; write it as a number: port: %s", [rec.port]) if {
	is_string(rec.port)
} else := ""

# _number: the port number meant, when one is clear: a number written as a
# string, or the number of the target's port of that name (port names are
# unique within a Service).
_number(rec) := n if {
	is_string(rec.port)
	regex.match(`^[0-9]+$`, rec.port)
	n := to_number(rec.port)
	schema.valid_port(n)
} else := _named_port(rec)

_named_port(rec) := named[0].port if {
	is_string(rec.port)
	named := [entry |
		some entry in object.get(rec, ["target", "spec", "ports"], [])
		entry.name == rec.port
	]
	count(named) == 1
	schema.valid_port(named[0].port)
}

_repair(ctx, rec) := result.set_repair(ctx.object, sprintf("%s.port", [rec.field]), "port", _number(rec)) if _number(rec)

else := {"fix": "", "edits": []}

findings(ctx) := {f |
	some rec in ctx.records
	schema.port_rejected(rec)
	f := result.finding("RG501", ctx, rec.field, object.union(_repair(ctx, rec), {
		"message": sprintf("port %s is not a port number (an integer from 1 to 65535)%s", [json.marshal(rec.port), _hint(rec)]),
	}))
}
