# METADATA
# title: Backend is an ExternalName Service
# description: |
#   The target Service is `type: ExternalName`. The specification says
#   implementations SHOULD NOT support it (CVE-2021-25740: it can be used to
#   reach services in other namespaces without a grant). Envoy Gateway ≥ 1.9
#   reports UnsupportedValue, Contour BackendNotFound by default, NGINX
#   Gateway Fabric leaves it out of the Gateway's upstreams without a DNS
#   resolver and reports nothing, Istio allows it. A warning where the controller follows it; an error under a
#   profile whose controller rejects it, since requests to it fail there.
#   Use the implementation's own backend kind for external hosts.
# related_resources:
#   - description: "CVE-2021-25740"
#     ref: https://github.com/kubernetes/kubernetes/issues/103675
#   - description: "Gateway API BackendRef"
#     ref: https://gateway-api.sigs.k8s.io/reference/spec/#backendref
# custom:
#   id: RG108
#   name: backend-externalname-service
#   severity: warning
#   since: 0.1.0
#   reason: ""
#   scope: inventory
# scope: package
package lib.refguard.rules.backend_externalname_service

import data.lib.refguard.result

_verdict(ctx, rec) := sprintf("the %s controller does not route to it and does not report this: ResolvedRefs stays True, yet requests to this backend fail", [ctx.profile.name]) if {
	rec.resolution.ok == false
	rec.resolution.reason == ""
} else := sprintf("the %s controller rejects it, so requests to this backend fail", [ctx.profile.name]) if {
	rec.resolution.ok == false
} else := "implementations should not follow it"

# _fix: what makes the controller follow it, where the profile knows.
_fix(ctx, rec) := fix if {
	rec.resolution.ok == false
	fix := ctx.profile.externalname_fix
} else := ""

findings(ctx) := {f |
	some rec in ctx.records
	rec.target.spec.type == "ExternalName"
	rec.resolution.step == "externalname"
	f := result.reference_finding("RG108", ctx, rec, {
		"reason": rec.resolution.reason,
		"message": sprintf("%s/%s is an ExternalName Service (%s); %s (CVE-2021-25740): use your implementation's backend kind for external hosts", [rec.namespace, rec.name, object.get(rec.target.spec, "externalName", ""), _verdict(ctx, rec)]),
		"fix": _fix(ctx, rec),
	})
}
