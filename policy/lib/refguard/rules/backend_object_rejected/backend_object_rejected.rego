# METADATA
# title: Backend object rejected by the controller
# description: |
#   The reference finds its object, and the controller rejects what the
#   object says. Envoy Gateway checks its Backend before it routes to it:
#   an endpoint hostname that is not a domain of two labels or more, an IP
#   address that is invalid or in the loopback range (InvalidAddress), a
#   Unix socket behind a route or FQDN and IP endpoints mixed in one Backend
#   (UnsupportedAddressType), a DynamicResolver with endpoints, or TLS with
#   no CA and no BackendTLSPolicy that supplies one (InvalidBackendRef).
#   NGINX Gateway Fabric checks the BackendTLSPolicy that applies to the
#   Service port: it reads one CA reference only, a ConfigMap or Secret
#   (UnsupportedValue). ResolvedRefs turns False and the rule's requests get
#   500s. Profiles whose controller makes no such check never report it.
# related_resources:
#   - description: "Envoy Gateway Backend API"
#     ref: https://gateway.envoyproxy.io/docs/api/extension_types/#backend
# custom:
#   id: RG112
#   name: backend-object-rejected
#   severity: error
#   since: 0.2.0
#   reason: ""
#   scope: inventory
# scope: package
package lib.refguard.rules.backend_object_rejected

import data.lib.refguard.result

# steps: the resolution steps of lib.refguard.targets (backend-tls: the
# BackendTLSPolicy of the Service port).
steps := {"backend-invalid", "backend-address", "backend-address-type", "backend-tls"}

findings(ctx) := {f |
	some rec in ctx.records
	rec.resolution.step in steps
	f := result.reference_finding("RG112", ctx, rec, {
		"reason": rec.resolution.reason,
		"message": sprintf("%s; the %s controller rejects it, so requests to this backend fail%s", [rec.resolution.detail, ctx.profile.name, result.undetected(ctx, rec)]),
		"fix": _fix(rec.resolution.step),
	})
}

# _fix: what to change, where one change does it: the policy's CA
# references, one ConfigMap or Secret that holds every CA certificate (a
# PEM bundle). A Backend's endpoints are the owner's to choose.
_fix("backend-tls") := "give the BackendTLSPolicy one CA reference, a ConfigMap or Secret holding every CA certificate it needs"

_fix(step) := "" if step != "backend-tls"
