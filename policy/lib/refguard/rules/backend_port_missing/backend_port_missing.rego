# METADATA
# title: Service backendRef without port
# description: |
#   A backendRef to a core Service has no `port`. The API server's CEL rule
#   rejects it ("Must have port for Service reference"), but offline schema
#   validators do not run CEL, so it passes kubeconform and fails at apply
#   time. Envoy Gateway reports PortNotSpecified when the CEL rule is bypassed.
# related_resources:
#   - description: "Gateway API BackendRef port"
#     ref: https://gateway-api.sigs.k8s.io/reference/spec/#backendref
# custom:
#   id: RG104
#   name: backend-port-missing
#   severity: error
#   since: 0.1.0
#   reason: ""
#   scope: route
# scope: package
package lib.refguard.rules.backend_port_missing

import data.lib.refguard.result

_ports(rec) := [p.port | some p in rec.target.spec.ports]

_exposes(rec) := sprintf("; the Service exposes %s", [concat(", ", [sprintf("%v", [p]) | some p in _ports(rec)])]) if {
	count(_ports(rec)) > 0
} else := ""

_port_fix(rec) := sprintf("set port: %v", [ports[0]]) if {
	ports := _ports(rec)
	count(ports) == 1
} else := ""

findings(ctx) := {f |
	some rec in ctx.records
	not rec.malformed
	rec.group == ""
	rec.kind == "Service"
	rec.port == null
	f := result.finding("RG104", ctx, rec.field, {
		"reason": object.get(ctx.profile.reasons, "port-missing", ""),
		"message": sprintf("backendRef to Service %s/%s has no port; the API server rejects it (Must have port for Service reference)%s", [rec.namespace, rec.name, _exposes(rec)]),
		"fix": _port_fix(rec),
		"edits": [result.set_edit(ctx.object, sprintf("%s.port", [rec.field]), p) | ports := _ports(rec); count(ports) == 1; p := ports[0]],
	})
}
