# METADATA
# title: BackendTLSPolicy meant for the port applies to none
# description: |
#   No BackendTLSPolicy applies to the Service port the reference uses, but
#   one in the Service's namespace targets the Service by a sectionName that
#   is no port's name, and was most likely meant for this port: the
#   Service has that one port (a port without a name cannot be targeted by
#   sectionName at all), or the name is close to the port's. A sectionName
#   names a port (GEP-1897), so the policy applies to nothing, and every
#   controller connects to the backend in plain text; a backend that serves
#   TLS refuses that or answers an error (400, 502). A warning: whether the
#   backend needs TLS is not in the manifests.
# related_resources:
#   - description: "Gateway API BackendTLSPolicy"
#     ref: https://gateway-api.sigs.k8s.io/api-types/backendtlspolicy/
# custom:
#   id: RG114
#   name: backend-tls-policy-unapplied
#   severity: warning
#   since: 0.2.0
#   reason: ""
#   scope: inventory
# scope: package
package lib.refguard.rules.backend_tls_policy_unapplied

import data.lib.refguard.result

findings(ctx) := {f |
	some rec in ctx.records
	rec.resolution.step == "backend-tls-unapplied"
	[name, section] := rec.resolution.unapplied[0]
	f := result.reference_finding("RG114", ctx, rec, {
		"reason": "",
		"message": sprintf("%s: BackendTLSPolicy %s/%s targets Service %s by sectionName %q, which is no port's name (%s), so it applies to no port and connections to this backend go in plain text", [rec.resolution.detail, rec.namespace, name, rec.name, section, _ports(rec.target)]),
		"fix": _fix(rec, name),
	})
}

_ports(svc) := concat(", ", [_port(p) | some p in svc.spec.ports])

_port(p) := sprintf("%s %v", [p.name, p.port]) if is_string(p.name)

else := sprintf("unnamed %v", [p.port])

_fix(rec, name) := sprintf("set sectionName: %s in BackendTLSPolicy %s/%s, the name of port %v", [entry.name, rec.namespace, name, rec.port]) if {
	some entry in rec.target.spec.ports
	entry.port == rec.port
	is_string(entry.name)
} else := sprintf("remove sectionName from BackendTLSPolicy %s/%s: port %v has no name, so only a policy for the whole Service applies to it", [rec.namespace, name, rec.port])
