# METADATA
# title: ReferenceGrant API version not served
# description: |
#   The ReferenceGrant's `apiVersion` is `v1alpha2`, which no Gateway API
#   release serves since v1.2 (v1.1's standard channel already dropped it).
#   The API server rejects the grant ("no matches for kind"), so the
#   references it was written for fail with RefNotPermitted, often after
#   the routes applied cleanly. Use `v1beta1`, which every release serves
#   (`v1` from v1.5).
# related_resources:
#   - description: "Gateway API ReferenceGrant"
#     ref: https://gateway-api.sigs.k8s.io/api-types/referencegrant/
#   - description: "Gateway API versioning"
#     ref: https://gateway-api.sigs.k8s.io/concepts/versioning/
# custom:
#   id: RG204
#   name: grant-version-not-served
#   severity: error
#   since: 0.2.0
#   reason: ""
#   scope: grant
# scope: package
package lib.refguard.rules.grant_version_not_served

import data.lib.refguard.refs
import data.lib.refguard.result

findings(ctx) := {f |
	since := refs.unserved_since(ctx.grant)
	f := result.rejected("RG204", ctx, "apiVersion", {
		"message": sprintf("ReferenceGrant %s/%s: no Gateway API release serves %s since %s; the API server rejects it, and the references it would permit fail with RefNotPermitted", [ctx.object.namespace, ctx.object.name, ctx.grant.apiVersion, since]),
		"fix": sprintf("set apiVersion: %s", [refs.use_version("ReferenceGrant")]),
		"edits": [result.set_edit(ctx.object, "apiVersion", refs.use_version("ReferenceGrant"))],
	})
}
