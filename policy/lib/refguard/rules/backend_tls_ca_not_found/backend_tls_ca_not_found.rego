# METADATA
# title: BackendTLSPolicy CA ConfigMap not found
# description: |
#   The BackendTLSPolicy that applies to the backend's Service port names a
#   CA certificate ConfigMap that is not among the checked objects. Where
#   the cluster lacks it too, the controller has no CA to verify the
#   backend with, and every connection to the backend fails (5xx: GEP-1897,
#   the conformance test BackendTLSPolicyInvalidCACertificateRef): Envoy
#   Gateway reports InvalidBackendTLS, Traefik RefNotPermitted, NGINX
#   Gateway Fabric UnsupportedValue; the others leave ResolvedRefs=True.
#   It is an error when the namespace holds a ConfigMap with a CA that the
#   policy most likely meant (a kustomize configMapGenerator's hash suffix,
#   which kustomize does not write into a BackendTLSPolicy; a typo), and a
#   warning otherwise: a CA ConfigMap is often made outside the manifests
#   (trust-manager, kubectl create, a test suite's setup), so give the
#   cluster's ConfigMaps with --inventory to have it checked. A ConfigMap
#   that exists without a CA certificate is RG112.
# related_resources:
#   - description: "Gateway API BackendTLSPolicy"
#     ref: https://gateway-api.sigs.k8s.io/api-types/backendtlspolicy/
# custom:
#   id: RG113
#   name: backend-tls-ca-not-found
#   severity: warning
#   since: 0.2.0
#   reason: ""
#   scope: inventory
# scope: package
package lib.refguard.rules.backend_tls_ca_not_found

import data.lib.refguard.result
import data.lib.refguard.similar

findings(ctx) := {f |
	some rec in ctx.records
	rec.resolution.step == "backend-tls-ca"
	ca := rec.resolution.ca
	f := result.reference_finding("RG113", ctx, rec, {
		"reason": rec.resolution.reason,
		"message": _message(ctx, rec),
		"fix": _fix(ca, ca.meant),
	})
}

# Absent from the checked objects, with none there it could have meant: what
# the controller does when the cluster lacks it too.
_message(ctx, rec) := sprintf("%s: if the cluster does not hold it either, every connection to this backend fails%s; give it with the manifests or --inventory", [rec.resolution.detail, _then_reports(ctx)]) if {
	rec.resolution.ok == true
} else := sprintf("%s%s; connections to this backend fail%s", [rec.resolution.detail, _hint(meant), result.undetected(ctx, rec)]) if {
	meant := rec.resolution.ca.meant
}

_then_reports(ctx) := sprintf(" (the %s controller reports %s)", [ctx.profile.name, reason]) if {
	reason := object.get(ctx.profile.reasons, "backend-tls", "")
	reason != ""
} else := ""

# A ConfigMap a kustomize configMapGenerator made carries a hash suffix that
# kustomize does not write into a BackendTLSPolicy, which it does not know:
# the closest name is most often that one.
_hint(best) := sprintf(" (%s)", [similar.did_you_mean(best)]) if count(best) > 0

else := ""

_fix(ca, best) := sprintf("kustomize named the ConfigMap its configMapGenerator made %s and does not rewrite a BackendTLSPolicy's caCertificateRefs, a kind it does not know: set options.disableNameSuffixHash: true on the generator of %s, or declare the reference in the kustomization's configurations (nameReference: ConfigMap, kind BackendTLSPolicy, path spec/validation/caCertificateRefs/name)", [best[0], ca.name]) if {
	count(best) == 1
	_kustomize_hashed(ca.name, best[0])
} else := sprintf("point caCertificateRefs[%d] of the BackendTLSPolicy at %s, or create ConfigMap %s/%s with the CA certificate under ca.crt", [ca.index, best[0], ca.namespace, ca.name]) if {
	count(best) == 1
} else := sprintf("create ConfigMap %s/%s with the CA certificate under ca.crt, or point caCertificateRefs[%d] of the BackendTLSPolicy at one that exists", [ca.namespace, ca.name, ca.index])

# _kustomize_hashed: name is a kustomize generator's name with the suffix it
# appends: "-" and the first ten hex digits of a SHA-256, with 0, 1, 3, a
# and e written g, h, k, m and t (sigs.k8s.io/kustomize/api hasher.go
# encode).
_kustomize_hashed(name, hashed) if {
	startswith(hashed, concat("", [name, "-"]))
	regex.match(`^[245-9bcdfghkmt]{10}$`, substring(hashed, count(name) + 1, -1))
}
