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

# The API server rejects a core Service reference without a port; a
# controller may require a port for more kinds (a ServiceImport, a Hostname,
# any kind), and the reference fails there.
findings(ctx) := api_server | controller if {
	api_server := {f |
		some rec in ctx.records
		not rec.malformed
		_core_service(rec)
		rec.port == null
		f := result.finding("RG104", ctx, rec.field, {
			"reason": object.get(ctx.profile.reasons, "port-missing", ""),
			"message": sprintf("backendRef to Service %s/%s has no port; the API server rejects it (Must have port for Service reference)%s", [rec.namespace, rec.name, _exposes(rec)]),
			"fix": _port_fix(rec),
			"edits": _edits(ctx, rec),
		})
	}
	controller := {f |
		some rec in ctx.records
		rec.resolution.step == "port-missing"
		not _core_service(rec)
		f := result.reference_finding("RG104", ctx, rec, {
			"reason": rec.resolution.reason,
			"message": sprintf("backendRef to %s %s/%s has no port; the %s controller requires one%s", [rec.kind, rec.namespace, rec.name, ctx.profile.name, result.undetected(ctx, rec)]),
			"fix": "",
			"edits": [],
		})
	}
}

_core_service(rec) if {
	rec.group == ""
	rec.kind == "Service"
}

_edits(ctx, rec) := [result.set_edit(ctx.object, sprintf("%s.port", [rec.field]), p) | ports := _ports(rec); count(ports) == 1; p := ports[0]]
