# METADATA
# title: backendRef group/kind not supported
# description: |
#   A backendRef names a group/kind the controller does not support: an
#   unknown CRD, `kind: service` (kinds are case-sensitive), `group: core` or
#   `group: v1` (the core group is ""), or an implementation-specific kind the chosen profile
#   does not accept. The controller sets ResolvedRefs=False/InvalidKind and
#   the rule serves 500s. Note that `group: core` also skips the API server's
#   "must have port" check.
# related_resources:
#   - description: "Gateway API BackendObjectReference"
#     ref: https://gateway-api.sigs.k8s.io/reference/spec/#backendref
# custom:
#   id: RG101
#   name: backend-kind-unsupported
#   severity: error
#   since: 0.1.0
#   reason: "InvalidKind"
#   scope: route
# scope: package
package lib.refguard.rules.backend_kind_unsupported

import data.lib.refguard.resolve
import data.lib.refguard.result

_hint(rec, ctx, repair) := rec.resolution.detail if {
	kinds := resolve.route_kinds(rec, ctx.profile)
	not ctx.route.kind in kinds
} else := repair.hint if {
	repair.hint != ""
} else := sprintf("the %s profile supports %s", [ctx.profile.name, concat(", ", sort([trim_prefix(sprintf("%s/%s", [g, k]), "/") | some g, kinds in ctx.profile.kinds; some k, _ in kinds]))])

# _repair: the one field spelt wrong, when it is plain which (a kind in
# other case, the core group written "core" or as its version): the hint,
# the fix and the edit that writes it.
_repair(rec, ctx) := _set(ctx, rec, "kind", kind, sprintf("kinds are case-sensitive: use kind: %s", [kind])) if {
	kind := _cased_kind(rec, ctx)
} else := _set(ctx, rec, "group", "", `the core API group is "", not "core": remove group or set group: ""`) if {
	rec.group == "core"
} else := _set(ctx, rec, "group", "", `v1 is the core API's version, not its group, which is "": remove group or set group: ""`) if {
	_core_version(rec)
} else := {"hint": "", "fix": "", "edits": []}

_set(ctx, rec, key, value, hint) := object.union({"hint": hint}, result.set_repair(ctx.object, sprintf("%s.%s", [rec.field, key]), key, value))

# _cased_kind: the kind of the reference's group the profile supports,
# spelt in other case (kind: service, kind: serviceimport).
_cased_kind(rec, ctx) := kind if {
	some kind, _ in object.get(ctx.profile.kinds, rec.group, {})
	lower(kind) == lower(rec.kind)
	kind != rec.kind
}

# _core_version: the core API's apiVersion written as the group of a core
# kind (group: v1, kind: Service), which no controller accepts.
_core_version(rec) if {
	rec.group == "v1"
	rec.kind == "Service"
}

findings(ctx) := unsupported | tolerated if {
	unsupported := {f |
		some rec in ctx.records
		rec.resolution.step == "kind"
		repair := _repair(rec, ctx)
		f := result.reference_finding("RG101", ctx, rec, {
			"reason": rec.resolution.reason,
			"message": sprintf("backend group %q kind %q is not supported; %s%s", [rec.group, rec.kind, _hint(rec, ctx, repair), result.undetected(ctx, rec)]),
			"fix": repair.fix,
			"edits": repair.edits,
		})
	}

	# group: core is never the core group, even where a controller
	# tolerates it: the finding stays, as portability advice (a warning:
	# the controller accepts the kind, whatever becomes of the reference).
	tolerated := {f |
		some rec in ctx.records
		rec.group == "core"
		rec.resolution.step != "kind"
		repair := _repair(rec, ctx)
		f := result.advice("RG101", ctx, rec.field, {
			"reason": "",
			"message": sprintf(`group "core" is accepted by the %s controller, but the core API group is "": other implementations reject it (InvalidKind) and the API server skips its port check`, [ctx.profile.name]),
			"fix": repair.fix,
			"edits": repair.edits,
		})
	}
}
