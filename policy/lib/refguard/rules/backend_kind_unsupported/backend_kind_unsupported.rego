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

_hint(rec, ctx) := rec.resolution.detail if {
	kinds := resolve.route_kinds(rec, ctx.profile)
	not ctx.route.kind in kinds
} else := sprintf("kinds are case-sensitive: use kind: %s", [kind]) if {
	kind := _cased_kind(rec, ctx)
} else := `the core API group is "", not "core": remove group or set group: ""` if {
	rec.group == "core"
} else := `v1 is the core API's version, not its group, which is "": remove group or set group: ""` if {
	_core_version(rec)
} else := sprintf("the %s profile supports %s", [ctx.profile.name, concat(", ", sort([trim_prefix(sprintf("%s/%s", [g, k]), "/") | some g, kinds in ctx.profile.kinds; some k, _ in kinds]))])

_fix(rec, ctx) := sprintf("set kind: %s", [kind]) if {
	kind := _cased_kind(rec, ctx)
} else := `set group: ""` if {
	rec.group == "core"
} else := `set group: ""` if {
	_core_version(rec)
} else := ""

_edits(ctx, rec) := [result.set_edit(ctx.object, sprintf("%s.kind", [rec.field]), kind)] if {
	kind := _cased_kind(rec, ctx)
} else := [result.set_edit(ctx.object, sprintf("%s.group", [rec.field]), "")] if {
	rec.group == "core"
} else := [result.set_edit(ctx.object, sprintf("%s.group", [rec.field]), "")] if {
	_core_version(rec)
} else := []

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
		f := result.reference_finding("RG101", ctx, rec, {
			"reason": rec.resolution.reason,
			"message": sprintf("backend group %q kind %q is not supported; %s%s", [rec.group, rec.kind, _hint(rec, ctx), result.undetected(ctx, rec)]),
			"fix": _fix(rec, ctx),
			"edits": _edits(ctx, rec),
		})
	}

	# group: core is never the core group, even where a controller
	# tolerates it: the finding stays, as portability advice (a warning:
	# the controller accepts the kind, whatever becomes of the reference).
	tolerated := {f |
		some rec in ctx.records
		rec.group == "core"
		rec.resolution.step != "kind"
		f := result.advice("RG101", ctx, rec.field, {
			"reason": "",
			"message": sprintf(`group "core" is accepted by the %s controller, but the core API group is "": other implementations reject it (InvalidKind) and the API server skips its port check`, [ctx.profile.name]),
			"fix": _fix(rec, ctx),
			"edits": _edits(ctx, rec),
		})
	}
}
