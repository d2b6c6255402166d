# METADATA
# title: Route or backendRef has the wrong shape
# description: |
#   A part of the route that holds backendRefs breaks its CRD's schema:
#   spec.rules not a list, a rule not an object, backendRefs or filters not
#   a list; a list longer or shorter than the CRD allows (a TCP, TLS or UDP
#   route at v1 holds exactly one rule with at least one backendRef; a rule
#   holds at most sixteen backendRefs and sixteen filters); a filter type
#   the route kind does not have, a filter type without its field or a
#   field on another type, a filter type repeated where the CRD allows it
#   once, RequestRedirect with URLRewrite; a RequestMirror's or
#   ExternalAuth's settings; a backendRef not an object or without a name;
#   or a backendRef field whose value its CRD type refuses (a namespace in
#   capitals, an empty kind, a group written as an apiVersion). The API
#   server's schema rejects the route; the backendRef checks cannot run on
#   it.
# related_resources:
#   - description: "Gateway API HTTPRoute"
#     ref: https://gateway-api.sigs.k8s.io/reference/spec/#httproute
# custom:
#   id: RG505
#   name: route-shape-invalid
#   severity: error
#   since: 0.1.0
#   reason: ""
#   scope: route
# scope: package
package lib.refguard.rules.route_shape_invalid

import data.lib.refguard.result
import data.lib.refguard.schema

_problems(ctx) := schema.route_problems(ctx.route) | ref_items if {
	ref_items := {[rec.field, rec.resolution.detail] |
		some rec in ctx.records
		rec.resolution.step == "shape"
		not rec.resolution.key
	}
}

findings(ctx) := _shape_findings(ctx) | _field_findings(ctx)

# One finding per field: a filter can break two rules at once (a type
# without its field and another type's field), and the API server lists
# both.
_shape_findings(ctx) := {f |
	problems := _problems(ctx)
	some field in {field | some [field, _] in problems}
	texts := sort([text | some [at, text] in problems; at == field])
	f := result.finding("RG505", ctx, field, {
		"message": sprintf("%s; the API server rejects it and its backendRefs cannot be checked", [concat("; ", texts)]),
		"fix": "",
	})
}

# A backendRef field of a CRD string type that breaks the type's limits
# (resolution key): the API server rejects the route; the finding names the
# field, and the value that was most likely meant when one is clear.
_field_findings(ctx) := {f |
	some rec in ctx.records
	rec.resolution.step == "shape"
	key := rec.resolution.key
	field := sprintf("%s.%s", [rec.field, key])
	f := result.finding("RG505", ctx, field, object.union(
		{"message": sprintf("%s; the API server rejects the route", [rec.resolution.detail])},
		_repair(ctx, rec, key, field),
	))
}

_repair(ctx, rec, key, field) := result.set_repair(ctx.object, field, key, value) if {
	value := schema.repaired(key, rec.ref[key])
} else := {"fix": sprintf("remove %s for the default (%s), or set the value meant", [key, _default(ctx, key)])} if {
	rec.ref[key] == ""
	key in {"namespace", "kind"}
} else := {"fix": ""}

_default(ctx, "namespace") := sprintf("the route's namespace, %s", [ctx.object.namespace])

_default(_, "kind") := "Service"
