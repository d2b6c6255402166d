# METADATA
# title: Backend not found
# description: |
#   No Service (or ServiceImport, for that kind) of that name exists in the
#   target namespace. The controller sets ResolvedRefs=False/BackendNotFound
#   and requests matching the rule get 500s. When an object of that name
#   exists in other namespaces the finding names them (the namespace was
#   left out or mistyped); else it names the closest existing Service in
#   the target namespace when one is close enough. When that one is the
#   reference's name under a prefix or suffix the route's own name carries
#   too, kustomize's namePrefix/nameSuffix renamed the Service but not the
#   backendRef (its name references know no Gateway API kind): the fix
#   says how to declare the reference in the kustomization. Under the
#   cilium profile a ServiceImport stands for the Service its
#   derived-service annotation names, which must exist too. Under the
#   kgateway profile a reference to HTTPRoutes delegates to child routes:
#   it fails when none of the routes it selects attaches to the route or
#   leaves its hostnames unset (BackendNotFound), or when the route is
#   among them (a cycle, RefNotPermitted).
# related_resources:
#   - description: "Gateway API BackendObjectReference"
#     ref: https://gateway-api.sigs.k8s.io/reference/spec/#backendref
#   - description: "Gateway API conformance: HTTPRouteInvalidNonExistentBackendRef"
#     ref: https://github.com/kubernetes-sigs/gateway-api/blob/main/conformance/tests/httproute-invalid-backendref-nonexistent.go
# custom:
#   id: RG103
#   name: backend-not-found
#   severity: error
#   since: 0.1.0
#   reason: "BackendNotFound"
#   scope: inventory
# scope: package
package lib.refguard.rules.backend_not_found

import data.lib.refguard.namesakes
import data.lib.refguard.resolve
import data.lib.refguard.result
import data.lib.refguard.similar

# The candidates and the closest of them are computed once per reference and
# handed to the hint, the fix and the edits: scoring reads every name of the
# namespace.
_hint(rec, best, candidates) := similar.did_you_mean(best) if {
	count(best) > 0
} else := sprintf("there is no %s in namespace %s at all", [rec.kind, rec.namespace]) if {
	count(candidates) == 0
} else := sprintf("%ss in namespace %s: %s", [rec.kind, rec.namespace, concat(", ", namesakes.first_in_order(candidates))])

findings(ctx) := ((by_name | by_host) | by_derivation) | by_delegation if {
	by_name := _by_name(ctx)
	by_delegation := {f |
		some rec in ctx.records
		rec.resolution.step in {"not-found", "delegation-cycle"}
		coll := resolve.collection(rec, ctx.profile)
		coll in resolve.delegation_collections
		f := result.reference_finding("RG103", ctx, rec, _delegation_details(ctx, rec, coll))
	}
	by_derivation := {f |
		some rec in ctx.records
		rec.resolution.step == "not-found"
		d := resolve.derivation(rec, ctx.inv, ctx.profile)
		f := result.reference_finding("RG103", ctx, rec, {
			"reason": rec.resolution.reason,
			"message": sprintf("%s%s", [rec.resolution.detail, result.undetected(ctx, rec)]),
			"fix": _derived_fix(rec, d, ctx.inv),
		})
	}
	by_host := {f |
		some rec in ctx.records
		rec.resolution.step == "not-found"
		resolve.collection(rec, ctx.profile) in resolve.host_collections
		f := result.reference_finding("RG103", ctx, rec, {
			"reason": rec.resolution.reason,
			"message": sprintf("%s %s not found: no ServiceEntry declares the host, and it is no Service's <name>.<namespace>.svc.cluster.local%s", [rec.kind, rec.name, result.undetected(ctx, rec)]),
			"fix": "",
		})
	}
}

# _delegation_details: a child route named that its namespace does not
# hold gets the closest name there, as a Service does; any other failure
# of a delegation says why no child is kept.
_delegation_details(ctx, rec, coll) := {
	"reason": rec.resolution.reason,
	"message": sprintf("%s; %s%s", [rec.resolution.detail, d.hint, result.undetected(ctx, rec)]),
	"fix": d.fix,
	"edits": d.edits,
} if {
	rec.resolution.step == "not-found"
	rec.kind != ctx.profile.delegation.label_kind
	rec.name != "*"
	not ctx.inv[coll][rec.namespace][rec.name]
	candidates := resolve.names_in_namespace(rec, ctx.inv, ctx.profile)
	d := _suggested(ctx, rec, similar.suggest(rec.name, candidates), candidates)
} else := {
	"reason": rec.resolution.reason,
	"message": sprintf("%s%s", [rec.resolution.detail, result.undetected(ctx, rec)]),
	"fix": "",
}

_by_name(ctx) := {f |
	some rec in ctx.records
	rec.resolution.step == "not-found"
	not resolve.collection(rec, ctx.profile) in resolve.host_collections
	not resolve.collection(rec, ctx.profile) in resolve.delegation_collections
	not resolve.derivation(rec, ctx.inv, ctx.profile)
	not contains(rec.name, ".")
	d := _details(ctx, rec, resolve.namesakes(rec, ctx.inv, ctx.profile))
	f := result.reference_finding("RG103", ctx, rec, {
		"reason": rec.resolution.reason,
		"message": sprintf("%s %s/%s not found; %s%s", [rec.kind, rec.namespace, rec.name, d.hint, result.undetected(ctx, rec)]),
		"fix": d.fix,
		"edits": d.edits,
	})
}

# _details: an object of the name in other namespaces says where the
# reference meant to go (lib.refguard.namesakes); else the closest name in
# the target namespace, when one is close enough.
_details(ctx, rec, homes) := object.union({"hint": namesakes.hint(ctx, rec, homes)}, namesakes.repair(ctx, rec, homes)) if {
	count(homes) > 0
} else := _crowded(ctx, rec, objs) if {
	objs := object.get(ctx.inv, [resolve.collection(rec, ctx.profile), rec.namespace], {})
	count(objs) > similar.max_candidates
} else := _suggested(ctx, rec, best, candidates) if {
	candidates := resolve.names_in_namespace(rec, ctx.inv, ctx.profile)
	best := similar.suggest(rec.name, candidates)
}

# _crowded: a namespace holding more objects of the kind than a name is
# compared with (lib.refguard.similar.max_candidates): only the name in
# lowercase is looked up, and the hint counts the objects instead of
# listing any, so that a reference into it costs the same however many it
# holds.
_crowded(ctx, rec, objs) := _suggested(ctx, rec, [lower(rec.name)], {lower(rec.name)}) if {
	lower(rec.name) != rec.name
	_ = objs[lower(rec.name)]
} else := {
	"hint": sprintf("namespace %s holds %d %ss, more than are compared for a similar name", [rec.namespace, count(objs), rec.kind]),
	"fix": "",
	"edits": [],
}

# _suggested: the closest name, and when it is the reference's name under
# a prefix or suffix the route's own name carries too, what put it there:
# kustomize's namePrefix and nameSuffix rename every object of an overlay
# but rewrite only the name references they know, and those know no
# Gateway API kind (a chart's release-name prefix does the same when a
# template writes the backendRef's name by hand). Setting the name in the
# rendered output is undone by the next build; the kustomization has to
# declare the reference.
_suggested(ctx, rec, best, candidates) := object.union(repair, {
	"hint": sprintf("%s %s carries the %s this route's name carries too: kustomize's namePrefix/nameSuffix (or a chart's release name) renamed the %s but not this backendRef", [_hint(rec, best, candidates), best[0], _affix_text(affix), rec.kind]),
	"fix": sprintf("%s; with kustomize, declare the reference so that every build renames it: configurations: [nameref.yaml] in the kustomization, nameref.yaml holding nameReference: [{kind: %s, fieldSpecs: [{kind: %s, path: %s}]}]", [repair.fix, rec.kind, ctx.object.kind, _field_spec_path(rec.field)]),
}) if {
	affix := _renamed_affix(ctx.object.name, rec.name, best)
	repair := result.set_unique(ctx.object, sprintf("%s.name", [rec.field]), "name", best)
} else := object.union({"hint": _hint(rec, best, candidates)}, result.set_unique(ctx.object, sprintf("%s.name", [rec.field]), "name", best))

# _renamed_affix: [prefix, suffix] that the one suggested name puts around
# the reference's name, at least one of them non-empty, when the route's
# name (longer than both) carries them too.
_renamed_affix(route_name, name, best) := [prefix, suffix] if {
	count(best) == 1
	i := indexof(best[0], name)
	i >= 0
	prefix := substring(best[0], 0, i)
	suffix := substring(best[0], i + count(name), -1)
	count(prefix) + count(suffix) > 0
	count(route_name) > count(prefix) + count(suffix)
	startswith(route_name, prefix)
	endswith(route_name, suffix)
}

_affix_text([prefix, ""]) := sprintf("prefix %s", [prefix]) if prefix != ""

_affix_text(["", suffix]) := sprintf("suffix %s", [suffix]) if suffix != ""

_affix_text([prefix, suffix]) := sprintf("prefix %s and suffix %s", [prefix, suffix]) if {
	prefix != ""
	suffix != ""
}

# _field_spec_path: a kustomize fieldSpec path for the name of the
# reference at field (spec.rules[0].backendRefs[1] →
# spec/rules/backendRefs/name): kustomize walks every entry of a list.
_field_spec_path(field) := concat("/", array.concat(split(regex.replace(field, `\[[0-9]+\]`, ""), "."), ["name"]))

# _derived_fix: the object the reference names exists, and the profile
# reads it through another it names (lib.refguard.resolve.derivation:
# Cilium, a ServiceImport's derived Service): name that one, or create it.
_derived_fix(rec, d, inv) := sprintf("set the %s annotation of %s %s/%s to %s", [d.spec.annotation, rec.kind, rec.namespace, rec.name, best[0]]) if {
	best := _derived_candidates(rec, d, inv)
	count(best) == 1
} else := sprintf("create %s %s/%s, or set the %s annotation of %s %s/%s to the %s it stands for", [d.kind, rec.namespace, d.name, d.spec.annotation, rec.kind, rec.namespace, rec.name, d.kind]) if {
	d.name != null
} else := sprintf("annotate %s %s/%s with %s: <the name of the %s it stands for>", [rec.kind, rec.namespace, rec.name, d.spec.annotation, d.kind])

# _derived_candidates: the object the annotation most likely meant: the
# closest to the name it gives, or, without one, that of the reference's
# own name.
_derived_candidates(rec, d, inv) := [rec.name] if {
	d.name == null
	_ = inv[d.spec.collection][rec.namespace][rec.name]
} else := similar.suggest(_name_or(d.name, rec.name), object.keys(object.get(inv, [d.spec.collection, rec.namespace], {})))

_name_or(null, name) := name

_name_or(given, _) := given if given != null
