# METADATA
# title: backendRef without explicit group and kind
# description: |
#   A house rule for teams that want explicit references: the backendRef
#   omits `group` or `kind` and relies on the defaults ("" and Service). Off
#   by default; turn it on with a severity in the config.
# related_resources:
#   - description: "Gateway API BackendObjectReference"
#     ref: https://gateway-api.sigs.k8s.io/reference/spec/#backendref
# custom:
#   id: RG401
#   name: backend-implicit-group-kind
#   severity: info
#   enabled: false
#   since: 0.1.0
#   reason: ""
#   scope: route
# scope: package
package lib.refguard.rules.backend_implicit_group_kind

import data.lib.refguard.result

# _missing: the fields the reference itself leaves out (the record holds
# them with the API defaults applied).
_missing(rec) := [k | some k in ["group", "kind"]; not k in object.keys(rec.ref)]

# Off by default, and most routes omit group and kind: decided before any
# record is looked at.
findings(ctx) := {f |
	result.enabled(ctx, "RG401")
	some rec in ctx.records
	not rec.malformed
	missing := _missing(rec)
	count(missing) > 0
	f := result.finding("RG401", ctx, rec.field, {
		"message": sprintf("backendRef omits %s; state group: %q and kind: %s explicitly", [concat(" and ", missing), rec.group, rec.kind]),
		"fix": sprintf(`set group: %q and kind: %s`, [rec.group, rec.kind]),
		"edits": [result.set_edit(ctx.object, sprintf("%s.%s", [rec.field, k]), rec[k]) | some k in missing],
	})
}
