# METADATA
# title: ReferenceGrant rejected by the schema
# description: |
#   The ReferenceGrant breaks its CRD's schema: `spec`, `from` or `to`
#   missing or empty, more than 16 entries, a from entry without `group`,
#   `kind` or `namespace`, a to entry without `group` or `kind`, or a value
#   of the wrong type, length or pattern. The most common are a to entry
#   that leaves out `group: ""` for a Service (or writes `group:` with no
#   value, a null the API server drops): the field is required even when it
#   is empty; and a group written as an apiVersion
#   (`gateway.networking.k8s.io/v1`). The API server rejects the grant, so
#   the references it was written for fail with RefNotPermitted after the
#   routes applied cleanly.
# related_resources:
#   - description: "Gateway API ReferenceGrant"
#     ref: https://gateway-api.sigs.k8s.io/api-types/referencegrant/
#   - description: "Gateway API ReferenceGrant spec"
#     ref: https://gateway-api.sigs.k8s.io/reference/spec/#referencegrant
# custom:
#   id: RG205
#   name: grant-shape-invalid
#   severity: error
#   since: 0.2.0
#   reason: ""
#   scope: grant
# scope: package
package lib.refguard.rules.grant_shape_invalid

import data.lib.refguard.grants
import data.lib.refguard.refs
import data.lib.refguard.result

findings(ctx) := {f |
	some [field, problem, at] in grants.schema_problems(ctx.grant)
	group := _group_to_set(ctx.grant, at)
	f := result.rejected("RG205", ctx, field, {
		"message": sprintf("ReferenceGrant %s/%s: %s: %s; the API server rejects the grant, and the references it would permit fail with RefNotPermitted", [ctx.object.namespace, ctx.object.name, field, problem]),
		"fix": _fix(field, at, group),
		"edits": [result.set_edit(ctx.object, field, g) | some g in group],
	})
}

# _group_to_set: the group a rejected group field (left out, null, an
# apiVersion such as gateway.networking.k8s.io/v1) needs, when the entry's
# kind decides it: a from entry names a route or a Gateway, all of the
# Gateway API group; a to entry's Service or Secret is in the core group.
# Empty when no one value is right.
_group_to_set(grant, at) := [refs.gateway_group] if {
	at.key == "group"
	at.list == "from"
	grant.spec.from[at.index].kind in (refs.route_kinds | {"Gateway"})
} else := [""] if {
	at.key == "group"
	at.list == "to"
	grant.spec.to[at.index].kind in {"Service", "Secret"}
} else := []

# _fix: the repair, when the problem names one.
_fix(field, _, [group]) := sprintf("set %s: %q", [field, group])

_fix(field, at, []) := sprintf("set %s to the API group of its kind (\"\" for the core group)", [field]) if {
	at.code == "required"
	at.key == "group"
} else := sprintf("set %s to the namespace of the routes the grant is for", [field]) if {
	at.code == "required"
	at.key == "namespace"
} else := sprintf("set %s to the kind it allows (the route's kind in from, Service in to)", [field]) if {
	at.code == "required"
	at.key == "kind"
} else := "add spec with from and to entries" if {
	at.list == ""
} else := sprintf("add at least one entry to %s", [field]) if {
	at.index == null
	at.code in {"required", "min-items"}
} else := sprintf("split %s over several ReferenceGrants, at most 16 entries each", [field]) if {
	at.code == "max-items"
} else := sprintf("set %s to the one name the routes need, or remove it to allow every name", [field]) if {
	at.key == "name"
	at.code == "too-short"
} else := ""
