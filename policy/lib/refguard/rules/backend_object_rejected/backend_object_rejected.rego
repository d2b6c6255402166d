# METADATA
# title: Backend object rejected by the controller
# description: |
#   The reference finds its object, and the controller rejects what the
#   object says. Envoy Gateway checks its Backend before it routes to it:
#   an endpoint hostname that is not a domain of two labels or more, an IP
#   address that is invalid or in the loopback range (InvalidAddress), a
#   Unix socket behind a route or FQDN and IP endpoints mixed in one Backend
#   (UnsupportedAddressType), a DynamicResolver with endpoints or beside
#   other backendRefs of an HTTPRoute or TLSRoute rule, or TLS with no CA
#   and no BackendTLSPolicy that supplies one (InvalidBackendRef), a
#   DynamicResolver in a rule whose HTTPRouteFilter rewrites the host from
#   the path (UnsupportedValue).
#   ResolvedRefs turns False and the rule's requests get 500s.
#   A BackendTLSPolicy that applies to the Service port without a CA
#   certificate reference the controller can read (a kind other than
#   ConfigMap or Secret, as the conformance test BackendTLSPolicyInvalidKind
#   writes, or a well-known CA set other than System), or whose CA
#   ConfigMap holds no certificate where the controller looks (ca.crt; the
#   conformance test BackendTLSPolicyInvalidCACertificateRef's empty one),
#   fails every connection to the backend (5xx) under every profile: Envoy
#   Gateway reports InvalidBackendTLS, Traefik RefNotPermitted, NGINX
#   Gateway Fabric UnsupportedValue (it also reads one CA reference only);
#   the others leave ResolvedRefs=True. A CA ConfigMap that does not exist
#   is RG113.
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
steps := {"backend-invalid", "backend-unsupported", "backend-address", "backend-address-type", "backend-tls"}

findings(ctx) := {f |
	some rec in ctx.records
	rec.resolution.step in steps
	f := result.reference_finding("RG112", ctx, rec, {
		"reason": rec.resolution.reason,
		"message": _message(ctx, rec),
		"fix": _fix(rec),
	})
}

# A controller that says nothing of a policy it cannot use still fails the
# connections through it (GEP-1897).
_message(ctx, rec) := sprintf("%s; connections to this backend fail%s", [rec.resolution.detail, result.undetected(ctx, rec)]) if {
	rec.resolution.step == "backend-tls"
	rec.resolution.reason == ""
} else := sprintf("%s; the %s controller rejects it, so requests to this backend fail%s", [rec.resolution.detail, ctx.profile.name, result.undetected(ctx, rec)])

# _fix: what to change, where one change does it: the CA ConfigMap without
# a certificate, or the policy's CA references, one ConfigMap or Secret
# that holds every CA certificate (a PEM bundle); a host taken from a
# header, which the forward proxy's loopback guard inspects. A Backend's
# endpoints are the owner's to choose.
_fix(rec) := sprintf("put the CA certificate (PEM) in ConfigMap %s/%s under the key ca.crt", [rec.resolution.ca.namespace, rec.resolution.ca.name]) if {
	rec.resolution.step == "backend-tls"
	rec.resolution.ca != null
} else := "give the BackendTLSPolicy one CA reference, a ConfigMap holding every CA certificate it needs under ca.crt (the one kind every controller reads)" if {
	rec.resolution.step == "backend-tls"
} else := "take the upstream host from a request header (urlRewrite.hostname type Header) rather than from the path, or move the path rewrite to a rule without the DynamicResolver" if {
	rec.resolution.step == "backend-unsupported"
} else := ""
