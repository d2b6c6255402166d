# METADATA
# title: Cross-namespace backendRef without ReferenceGrant
# description: |
#   The backendRef points into another namespace and no ReferenceGrant in the
#   *target* namespace allows it: a grant must have a `from` entry {group
#   gateway.networking.k8s.io, kind = the route's kind, namespace = the
#   route's namespace} and a `to` entry {group, kind of the target, name
#   empty or equal}. Grants OR together; for mirror refs the from kind is the
#   route's kind too. The finding explains near misses: a grant in the wrong
#   namespace, or one that differs in a single field. A mesh (GAMMA) route,
#   whose parentRefs are all Services, needs no grant: it augments a
#   Service and may send its traffic to any namespace (GEP-1294); with a
#   Gateway among its parents it needs one as any other route. Some
#   controllers refuse a namespace on some references whatever the grants:
#   Istio on a Hostname (InvalidDestination), Traefik on another provider's
#   service, name@provider (RefNotPermitted); the finding says to remove it.
#   Under a profile whose controller reads a grant's `group: core` as the
#   core group (nginx-gateway-fabric, traefik), a reference permitted only
#   so gets a warning: every other implementation refuses it.
# related_resources:
#   - description: "Gateway API ReferenceGrant"
#     ref: https://gateway-api.sigs.k8s.io/api-types/referencegrant/
#   - description: "GEP-709 Cross Namespace References from Routes"
#     ref: https://gateway-api.sigs.k8s.io/geps/gep-709/
# custom:
#   id: RG102
#   name: backend-ref-not-permitted
#   severity: error
#   since: 0.1.0
#   reason: "RefNotPermitted"
#   scope: inventory
# scope: package
package lib.refguard.rules.backend_ref_not_permitted

import data.lib.refguard.grants
import data.lib.refguard.namesakes
import data.lib.refguard.resolve
import data.lib.refguard.result
import data.lib.refguard.similar

_route_ns(ctx) := ctx.object.namespace

findings(ctx) := {f |
	some rec in ctx.records
	rec.resolution.step in {"grant", "namespace-set"}
	d := _details(ctx, rec)
	f := result.reference_finding("RG102", ctx, rec, object.union(d, {
		"reason": rec.resolution.reason,
		"message": concat("", [d.message, result.undetected(ctx, rec)]),
	}))
} | {f |
	some rec in ctx.records
	rec.resolution.step == "grant-alias"
	f := _aliased(ctx, rec, grants.aliased_entries(ctx.inv, rec, rec.permitted_by, ctx.profile.group_aliases))
}

# _aliased: a reference a grant permits only as the profile's controller
# reads the grant's group (group: core in a to entry, read as ""): it works
# here, and every other implementation refuses it (RefNotPermitted), so the
# finding is portability advice. The fix names the grant; it is not edited
# here, as RG102 never edits an existing grant from a route's context.
_aliased(ctx, rec, entries) := result.advice("RG102", ctx, rec.field, {
	"reason": "",
	"message": sprintf(`%s %s/%s is permitted by %s only because the %s controller reads group %q in a to entry as the core group ""; other implementations read it as a group of its own, and refuse the reference (RefNotPermitted)`, [rec.kind, rec.namespace, rec.name, _entries_text(rec, entries), ctx.profile.name, _entry_group(ctx, rec, entries[0])]),
	"fix": concat("; ", [sprintf(`in ReferenceGrant %s/%s set spec.to[%d].group: ""`, [rec.namespace, name, i]) | some [name, i] in entries]),
})

_entries_text(rec, entries) := concat(", ", [sprintf("ReferenceGrant %s/%s spec.to[%d]", [rec.namespace, name, i]) | some [name, i] in entries])

_entry_group(ctx, rec, [name, i]) := grants.grants_in(ctx.inv, rec.namespace)[name].spec.to[i].group

# _details: message, fix and edits, by what stops the reference: a
# namespace the controller refuses on that kind, a kind it never lets cross
# namespaces, an object the target namespace does not hold either (then no
# grant would help, and the finding says where the object is:
# lib.refguard.namesakes), or a missing grant, with the grants that nearly
# permit it.
_details(ctx, rec) := {
	"message": sprintf("%s; no ReferenceGrant can change that: remove namespace from the backendRef", [rec.resolution.detail]),
	"fix": "remove namespace from the backendRef",
	"edits": [result.remove_edit(ctx.object, sprintf("%s.namespace", [rec.field]))],
} if {
	rec.resolution.step == "namespace-set"
} else := {
	"message": sprintf("%s; no ReferenceGrant can change that: use a backend in the route's namespace", [rec.resolution.detail]),
	"fix": "",
	"edits": [],
	"suggestion": _suggestion(ctx, rec, grants.near_misses(ctx.inv, ctx.route, rec)),
} if {
	rec.kind in ctx.profile.never_cross_namespace
} else := object.union({"message": sprintf("%s; %s", [_not_permitted(ctx, rec), _absent_text(ctx, rec, homes)])}, namesakes.repair(ctx, rec, homes)) if {
	_absent(ctx, rec)
	homes := resolve.namesakes(rec, ctx.inv, ctx.profile)
	count(homes) > 0
} else := _misspelt(ctx, rec, similar.suggest(rec.name, resolve.names_in_namespace(rec, ctx.inv, ctx.profile))) if {
	_absent(ctx, rec)
} else := {
	"message": concat("; ", array.concat([_not_permitted(ctx, rec)], sort([m.text | some m in misses]))),
	"fix": _fix(ctx, rec, misses),
	"edits": _edits(ctx, rec, misses),
	"suggestion": _suggestion(ctx, rec, misses),
} if {
	misses := grants.near_misses(ctx.inv, ctx.route, rec)
}

_suggestion(ctx, rec, misses) := {"nearMisses": sort([m | some m in misses]), "grant": grants.suggested_grant(ctx.route, rec)}

_not_permitted(ctx, rec) := sprintf(
	"%s %s/%s is in another namespace and no ReferenceGrant in namespace %s allows %ss from namespace %s",
	[rec.kind, rec.namespace, rec.name, rec.namespace, ctx.route.kind, _route_ns(ctx)],
)

# _fix says first what fix does (a new grant, _edits); a near miss that
# one change would make permit it is named after, for a reader who knows
# nothing else relies on it. A near miss the API server rejects is
# repaired on the grant itself (RG204, RG205), so its fix is that.
_fix(ctx, rec, misses) := _near_miss_fix(ctx, rec, m) if {
	count(misses) == 1
	some m in misses
} else := _add_grant(ctx, rec)

_near_miss_fix(ctx, rec, m) := sprintf("fix ReferenceGrant %s, which the API server rejects (%s: %s)", [m.grant, m.field, m.problem]) if {
	m.rejected
	m.want == null
} else := sprintf("in ReferenceGrant %s set %s: %q", [m.grant, m.field, m.want]) if {
	m.rejected
} else := sprintf("%s; or, if nothing else relies on it as it is, in ReferenceGrant %s set %s: %q", [_add_grant(ctx, rec), m.grant, m.field, m.want]) if {
	m.field != "metadata.namespace"
} else := sprintf("%s; or, if nothing else relies on it where it is, move ReferenceGrant %s to namespace %s", [_add_grant(ctx, rec), m.grant, rec.namespace])

_add_grant(ctx, rec) := sprintf(
	"add a ReferenceGrant in namespace %s: from {group: gateway.networking.k8s.io, kind: %s, namespace: %s} to {group: %q, kind: %s, name: %s}",
	[rec.namespace, ctx.route.kind, _route_ns(ctx), rec.group, rec.kind, rec.name],
)

# _edits: a new grant in the target namespace, scoped to the one Service,
# written where the target namespace's objects are (_grant_homes).
# An existing grant is never edited, even the one near miss the fix text
# names: other references may rely on the entry as it is, and a route's
# context cannot see them, so an edit in place could break a working route
# (and a second run could flip it back). A grant the API server rejects
# that would permit it is repaired on the grant (RG204's apiVersion,
# RG205's shape): a second grant would be a copy.
_edits(ctx, rec, misses) := [] if {
	some m in misses
	m.rejected
} else := [result.add_edit(ctx.object, grants.suggested_grant(ctx.route, rec), _grant_homes(ctx, rec))]

# _grant_homes: where a new grant belongs, in order: beside the target
# namespace's first grant by name, else beside the object it permits; a
# repository laid out by namespace (and owned so) keeps the grant with the
# namespace that consents, not with the route that asks. One grant, found
# by min: sorting every grant of a namespace that grants thousands of
# routes, for every reference into it, is quadratic in OPA's Wasm build,
# which sorts by insertion.
_grant_homes(ctx, rec) := _homes(rec, grants.grants_in(ctx.inv, rec.namespace))

_homes(rec, in_namespace) := array.concat(
	[{"kind": "ReferenceGrant", "namespace": rec.namespace, "name": min(object.keys(in_namespace))} | count(in_namespace) > 0],
	[{"kind": rec.kind, "namespace": rec.namespace, "name": rec.name} | rec.target != null],
)

# _absent: the target namespace does not hold the object either (a kind
# found by name).
_absent(ctx, rec) if {
	rec.target == null
	coll := resolve.collection(rec, ctx.profile)
	coll != ""
	not coll in resolve.host_collections
}

_absent_text(ctx, rec, homes) := sprintf("%s %s/%s does not exist either: %s", [rec.kind, rec.namespace, rec.name, namesakes.hint(ctx, rec, homes)])

# _misspelt: the object is in no namespace under this name. One close name
# in the target namespace is what the reference meant (a typo, as RG103
# says of a reference in the route's own namespace): fix renames it, and
# the grant it then needs is the next round's repair; several as close
# are named, none chosen. Otherwise no grant would help.
_misspelt(ctx, rec, best) := object.union(
	{"message": sprintf("%s; %s %s/%s does not exist either: %s", [_not_permitted(ctx, rec), rec.kind, rec.namespace, rec.name, similar.did_you_mean(best)])},
	result.set_unique(ctx.object, sprintf("%s.name", [rec.field]), "name", best),
) if {
	count(best) > 0
} else := {
	"message": sprintf("%s; %s %s/%s does not exist either, so no ReferenceGrant would help", [_not_permitted(ctx, rec), rec.kind, rec.namespace, rec.name]),
	"fix": "",
	"edits": [],
}
