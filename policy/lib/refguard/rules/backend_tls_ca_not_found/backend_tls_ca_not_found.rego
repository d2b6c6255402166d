# METADATA
# title: BackendTLSPolicy CA ConfigMap not found
# description: |
#   The BackendTLSPolicy that applies to the backend's Service port names a
#   CA certificate ConfigMap that does not exist in the policy's namespace.
#   The controller has no CA to verify the backend with, and every
#   connection to the backend fails (5xx: GEP-1897, the conformance test
#   BackendTLSPolicyInvalidCACertificateRef): Envoy Gateway reports
#   InvalidBackendTLS, Traefik RefNotPermitted, NGINX Gateway Fabric
#   UnsupportedValue; the others leave ResolvedRefs=True. A ConfigMap that
#   exists without a CA certificate is RG112. ConfigMaps are inventory, as
#   Services are: one made outside the checked manifests (by trust-manager,
#   or by hand) belongs in the set or in --inventory; where it cannot be,
#   set this rule's severity.
# related_resources:
#   - description: "Gateway API BackendTLSPolicy"
#     ref: https://gateway-api.sigs.k8s.io/api-types/backendtlspolicy/
# custom:
#   id: RG113
#   name: backend-tls-ca-not-found
#   severity: error
#   since: 0.2.0
#   reason: ""
#   scope: inventory
# scope: package
package lib.refguard.rules.backend_tls_ca_not_found

import data.lib.refguard.result
import data.lib.refguard.similar
import data.lib.refguard.targets

findings(ctx) := {f |
	some rec in ctx.records
	rec.resolution.step == "backend-tls-ca"
	ca := rec.resolution.ca
	best := similar.suggest(ca.name, _candidates(ctx, ca.namespace))
	f := result.reference_finding("RG113", ctx, rec, {
		"reason": rec.resolution.reason,
		"message": sprintf("%s%s; connections to this backend fail%s", [rec.resolution.detail, _hint(best), result.undetected(ctx, rec)]),
		"fix": _fix(ca, best),
	})
}

# _candidates: the ConfigMaps of the namespace that hold a CA certificate
# where the controller looks: one without could not be the one meant.
_candidates(ctx, ns) := {name |
	check := object.get(ctx.profile, "tls_policy_checks", "spec")
	some name, cm in object.get(ctx.inv, ["configmaps", ns], {})
	targets.holds_ca(check, cm)
}

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
