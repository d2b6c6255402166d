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
#   ResolvedRefs turns False and the rule's requests get 500s. Profiles
#   whose controller makes no such check never report it.
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

# steps: the resolution steps of lib.refguard.targets.
steps := {"backend-invalid", "backend-address", "backend-address-type"}

findings(ctx) := {f |
	some rec in ctx.records
	rec.resolution.step in steps
	f := result.reference_finding("RG112", ctx, rec, {
		"reason": rec.resolution.reason,
		"message": sprintf("%s; the %s controller rejects it, so requests to this backend fail%s", [rec.resolution.detail, ctx.profile.name, result.undetected(ctx, rec)]),
		"fix": "",
	})
}
