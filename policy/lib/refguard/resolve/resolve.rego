# METADATA
# title: resolve
# description: |
#   One resolution record per backendRef, following the resolution order of
#   docs/design (rules.md): kind, ReferenceGrant, port presence, existence,
#   usability. The first failing step wins. With no inventory (inv == null,
#   conftest one document at a time) only the steps that need no other
#   object are decided; the rest stay "unresolved".
# scope: package
package lib.refguard.resolve

import data.lib.refguard.grants
import data.lib.refguard.refs
import data.lib.refguard.schema
import data.lib.refguard.targets

# resolve adds the resolution (and the target object, when found) to a record.
# The collection, the target, the selected port entry and the grants are
# looked up once here and handed to resolution. permitted_by names the
# ReferenceGrants that allow a cross-namespace reference (empty otherwise);
# the set's used grants are read from it.
#
# The lookups are made in _found, a body of their own: OPA keeps a body's
# variables in a small array up to 16 and in a map beyond, and one body
# with the lookups, the resolution and the result needed the map for every
# reference. _found returns a finished value (object.union, see
# context.build) that resolution and the record read without copying.
resolve(rec, route, inv, profile) := object.union(rec, {
	"resolution": _as_reported(res, rec, found, profile),
	"target": found.target,
	"permitted_by": found.permitted_by,
}) if {
	found := _found(rec, route, inv, profile)
	res := resolution(rec, profile, found)
}

# _as_reported adds the reason the controller writes for the step the
# reference stopped at, unless the step set its own (a declared lookup's
# port, which a controller may not check: profile.lookup_port_reason). A
# controller that drops weight-0 references before any lookup
# (profile.skips_zero_weight) never fails on one: the reference is
# resolved as any other, so a broken one still gets its finding, but it is
# marked skipped, ok (no traffic goes there) and without a reason. A
# reference that resolves but carries an ExtensionRef filter whose object
# is missing fails there (_filter_failure), checked here where every
# reference passes anyway: most have no filters, and the test costs them
# one lookup. A controller that ignores a filter it does not support on
# a backendRef (profile.backendref_filters_ignored) serves the reference
# without it (filter-ignored, ok), and never fails on the reference such a
# filter holds, which it never looks up (unused).
_as_reported(res, rec, found, profile) := out if {
	res.ok != false # resolved, or not decided for want of an inventory
	is_array(rec.ref.filters) # a builtin first: most references have none
	out := _with_filters(res, rec, found, profile)
} else := out if {
	res.ok == false
	out := _not_failing(rec, res, found, profile)
} else := object.union({"reason": object.get(profile.reasons, res.step, "")}, res)

# _with_filters: a reference that resolved, failing on an ExtensionRef
# filter whose object is missing; or one that resolved or was not decided
# (no inventory), served without a filter the controller ignores;
# undefined when its filters change nothing.
_with_filters(res, rec, found, profile) := object.union({"reason": object.get(profile.reasons, "backend-filter-not-found", "")}, failure) if {
	res.ok == true
	failure := _filter_failure(rec, found, profile)
} else := object.union(res, {"step": "filter-ignored", "reason": "", "detail": sprintf("backendRef filter %s is not supported on a backendRef of %s by the %s controller, which ignores it", [type, refs.with_article(found.route.kind), profile.name])}) if {
	profile.backendref_filters_ignored
	res.step in {"resolved", "unresolved"} # the filter needs no other object
	type := filter_rejected(rec, profile, found.route.kind)
}

# _not_failing: a reference that failed, which the controller never
# follows: weight 0 under a controller that drops those first, or one a
# backendRef's ignored filter holds; undefined for the others.
_not_failing(rec, res, found, profile) := object.union(res, {"ok": true, "reason": "", "skipped": true}) if {
	profile.skips_zero_weight
	rec.via == "backendRef"
	rec.weight == 0
} else := {"ok": true, "step": "unused", "reason": "", "detail": sprintf("the %s controller ignores the filter on this backendRef, so it never looks this reference up", [profile.name])} if {
	profile.backendref_filters_ignored
	rec.via != "backendRef"
	rec.index != null # a backendRef's own filter
	allowed := _allowed_filters(profile, found.route.kind)
	allowed != "any"
	not _filter_allowed({}, refs.filter_types[rec.via], allowed)
}

_found(rec, route, inv, profile) := object.union({}, {"collection": coll, "target": target, "entry": entry, "permitted_by": _permitted_by(rec, route, inv, profile.group_aliases), "route": route, "inv": inv}) if {
	coll := _collection_or_null(rec, profile)
	target := _target_of(rec, inv, coll, profile, route)
	entry := _entry_or_null(target, object.get(rec, "port", null), route)
}

# Filter lookups. An ExtensionRef filter names an object of an
# implementation's own kind (Envoy Gateway's HTTPRouteFilter, NGINX
# Gateway Fabric's SnippetsFilter, Traefik's Middleware), which the
# controller looks up by name in the route's namespace; when it is
# missing, the rule or the backendRef that carries the filter fails
# (GEP-1364: an unresolvable filter is a reference failure, and the
# traffic it would have processed gets an error; the profile's reasons
# say whether the controller reports it). profile.filter_lookups: group →
# kind → the collection it is looked up in; empty when it looks nothing
# up.

# missing_filters: the ExtensionRef filters of holder (a rule, or a
# backendRef, at field) naming an object of a kind the profile looks up
# that inv does not hold in the route's namespace ns, in order.
missing_filters(holder, field, ns, inv, profile) := [m |
	some [k, ext, coll] in looked_up_filters(holder, profile)
	not inv[coll][ns][ext.name]
	m := {"field": sprintf("%s.filters[%d]", [field, k]), "collection": coll, "kind": ext.kind, "namespace": ns, "name": ext.name}
]

# looked_up_filters: [index, extensionRef, collection] of the ExtensionRef
# filters of holder (a rule or a backendRef) of a kind the profile looks
# up, with a name: what resolution looks for, and what an adapter fetches
# (lib.refguard.narrow.filter_targets).
looked_up_filters(holder, profile) := [[k, ext, coll] |
	some [k, ext] in refs.extension_filters(holder)
	coll := profile.filter_lookups[refs.extension_group(ext)][ext.kind]
	is_string(ext.name)
]

filter_text(m) := sprintf("%s %s/%s", [m.kind, m.namespace, m.name])

# _filter_failure: the failure of a resolved reference whose own
# ExtensionRef filters name a missing object; undefined when none does.
# The controller processes a backendRef's filters once its backend
# resolved (Envoy Gateway's processDestinationSetting calls
# processDestinationFilters last); a controller that ignores a missing
# one there (profile.filter_lookups_on_backend_refs false) fails nothing.
_filter_failure(rec, found, profile) := object.union(_fail("backend-filter-not-found", sprintf("%s: filter %s not found", [_ref_text(rec), filter_text(missing[0])])), {"filters": missing}) if {
	rec.via == "backendRef"
	object.get(profile, "filter_lookups_on_backend_refs", true)
	missing := missing_filters(rec.ref, rec.field, refs.namespace(found.route), found.inv, profile)
	count(missing) > 0
}

# rule_filter_failures: one failure per ExtensionRef filter of an
# HTTPRoute's or GRPCRoute's rules (not of their backendRefs) that names a
# missing object, in walk order, shaped as lib.refguard.status reads a
# rule's failure: every request the rule matches fails (Envoy Gateway's
# processUnresolvedHTTPFilter answers 500). Empty without an inventory
# and under a profile that looks no filter kind up.
rule_filter_failures(route, inv, profile) := [] if {
	count(object.get(profile, "filter_lookups", {})) == 0
} else := [] if {
	inv == null
} else := [failure |
	route.kind in {"HTTPRoute", "GRPCRoute"}
	ns := refs.namespace(route)
	some i, rule in refs.rules(route)
	some m in missing_filters(rule, sprintf("spec.rules[%d]", [i]), ns, inv, profile)
	failure := {
		"field": m.field, "rule": i, "index": null, "filter": m,
		"resolution": {"ok": false, "step": "filter-not-found", "reason": object.get(profile.reasons, "filter-not-found", ""), "detail": sprintf("%s not found", [filter_text(m)])},
	}
]

# inventory_fields: what resolution and the rules read of the objects a
# reference resolves to, per inventory collection: "*" keeps a top-level
# field whole, a list keeps those keys of it ("list[].member": that member
# of each of the list's items). Collections not listed are read whole. The CLI keeps only these fields of the objects it holds (a
# cluster dump's Services carry labels, annotations and status nobody
# reads); a rule that reads another field of a target adds it here, or the
# context parity tests, which run conftest on whole objects, disagree.
inventory_fields := {
	"services": _target_fields,
	"serviceimports": object.union(_target_fields, {"metadata": ["annotations"]}),
	"serviceentries": {"spec": ["hosts"]},
	"configmaps": {"data": "*", "binaryData": "*"},
	"httproutes": {"metadata": ["labels", "annotations"], "spec": ["parentRefs", "hostnames", "rules[].matches"]},
}

_target_fields := {"spec": ["type", "externalName", "ports"]}

_permitted_by(rec, route, inv, aliases) := grants.permitting(inv, route, rec, aliases) if {
	rec.cross_namespace
	inv != null
} else := set()

# collection: the inventory collection a record's kind lives in ("" for
# kinds the profile accepts without a lookup); undefined when unsupported.
# Most controllers match group and kind together. A profile whose
# kind_match is "kind" checks the group against the groups it knows and then
# matches the kind alone, in any of them (Envoy Gateway validates group and
# kind separately, so kind: Backend with the group left out is its Backend).
collection(rec, profile) := profile.kinds[rec.group][rec.kind] if {
	object.get(profile, "kind_match", "group-kind") == "group-kind"
} else := c if {
	profile.kind_match == "kind"
	_ = profile.kinds[rec.group]
	cs := {coll | some kinds in profile.kinds; coll := kinds[rec.kind]}
	count(cs) == 1
	some c in cs
} else := "" if {
	provider_ref(rec, profile)
}

# provider_ref: a reference to another provider's service by name
# (profile.provider_refs: Traefik's name@provider), matched by kind alone.
provider_ref(rec, profile) if {
	refs_of := profile.provider_refs
	rec.kind == refs_of.kind
	is_string(rec.name)
	contains(rec.name, refs_of.separator)
}

# route_kinds: the route kinds a reference's kind is supported on, when the
# profile limits them (undefined otherwise).
route_kinds(rec, profile) := profile.provider_refs.route_kinds if {
	provider_ref(rec, profile)
} else := profile.kind_route_kinds[rec.kind]

_collection_or_null(rec, profile) := c if {
	c := collection(rec, profile)
} else := null

# target returns the referenced object, or null (also for kinds the
# profile accepts without looking anything up).
_target(rec, inv, coll) := t if {
	not rec.malformed
	is_string(rec.name)
	is_string(coll)
	coll != ""
	not coll in host_collections
	t := inv[coll][rec.namespace][rec.name]
} else := t if {
	not rec.malformed
	is_string(rec.name)
	coll in host_collections
	t := host_target(rec.name, inv)
} else := null

# _target_of: the object resolution reads for a reference: the referenced
# one, or, for a collection the profile reads through another object
# (profile.derived_targets: Cilium reads a ServiceImport through the
# Service its derived-service annotation names, and checks that Service's
# ports), that object; null when either is missing.
_target_of(rec, inv, coll, profile, route) := t if {
	spec := profile.derived_targets[coll] # a lookup: most profiles have none
	t := derived_target(_target(rec, inv, coll), spec, inv, rec.namespace)
} else := delegated_child(rec, route, inv, coll, profile.delegation) if {
	coll in delegation_collections
} else := _target(rec, inv, coll)

# delegation_collections: collections of routes a reference delegates to
# (a profile's delegation: kgateway's child HTTPRoutes), whose object is
# not the one named but a child route the reference selects.
delegation_collections := {"httproutes"}

# delegated_child: the first (by namespace and name) of the child routes a
# delegating reference reaches (delegation_children) that the controller
# keeps: one that sets no hostnames (a child inherits its parent's), and
# not the route itself (a cycle: delegation_cycle); null when there is
# none, or when a match of the reference's rule is served by none of them
# (delegation_unserved: kgateway hands each parent match over on its own).
delegated_child(rec, route, inv, coll, spec) := inv[coll][ns][name] if {
	children := delegation_children(rec, route, inv, coll, spec)
	not _among(route, children)
	kept := delegation_kept(children, inv, coll)
	not delegation_unserved(rec, route, inv, coll, spec, kept)
	[ns, name] := min(kept)
} else := null

# delegation_kept: [namespace, name] of the children (attached:
# delegation_children) that set no hostnames
# (translator/httproute/delegation.go validateChildRoute).
delegation_kept(children, inv, coll) := {[ns, name] |
	some [ns, name] in children
	not _lists(inv[coll][ns][name], "hostnames")
}

# delegation_unserved: the first match of the reference's rule (as the
# API server defaults it) that no kept child serves, undefined when every
# one is served. The matches of a route that itself takes its parent's
# match (the inherit-parent-matcher annotation) are relative to a match up
# the chain, which the reference does not see: its children are not
# compared with them.
delegation_unserved(rec, route, inv, coll, spec, kept) := m if {
	count(kept) == 0
	m := _rule_matches(route, rec)[0]
} else := m if {
	not _inherits(route, spec)
	some m in _rule_matches(route, rec)
	not _served(m, inv, coll, spec, kept)
}

_served(parent, inv, coll, spec, kept) if {
	some [ns, name] in kept
	_serves(inv[coll][ns][name], parent, spec)
}

# _serves: a child route keeps a rule for the parent match
# (delegation_helpers.go filterDelegatedChildren): with the
# inherit-parent-matcher annotation (spec.inherit_annotation) every rule
# it has; otherwise a rule with a match that narrows the parent's
# (_narrows).
_serves(child, _, spec) if {
	_inherits(child, spec)
	count(object.get(child, ["spec", "rules"], [])) > 0
}

_serves(child, parent, spec) if {
	not _inherits(child, spec)
	some rule in object.get(child, ["spec", "rules"], [])
	some m in _matches_of(rule)
	_narrows(parent, m)
}

_inherits(child, spec) if lower(child.metadata.annotations[spec.inherit_annotation]) in {"true", "yes", "enabled"}

# _narrows: a child match within a parent's (utils/delegation
# IsDelegatedRouteMatch): the parent's path is a prefix (PathPrefix) that
# the child's path starts with, every header and query parameter match of
# the parent's is among the child's, and the child's method is the
# parent's when that sets one.
_narrows(parent, child) if {
	_path(parent).type == "PathPrefix"
	startswith(_path(child).value, _path(parent).value)
	every h in object.get(parent, "headers", []) {
		_exact(h) in {_exact(c) | some c in object.get(child, "headers", [])}
	}
	every q in object.get(parent, "queryParams", []) {
		_exact(q) in {_exact(c) | some c in object.get(child, "queryParams", [])}
	}
	_same_method(parent, child)
}

_same_method(parent, _) if not parent.method

_same_method(parent, child) if parent.method == child.method

# The API server's defaults for a rule's matches, a match's path and a
# header or query parameter match's type (HTTPRoute CRD).
_rule_matches(route, rec) := _matches_of(route.spec.rules[rec.rule]) if {
	rec.via == "backendRef"
} else := [{}]

_matches_of(rule) := ms if {
	ms := rule.matches
	is_array(ms)
	count(ms) > 0
} else := [{}]

_path(m) := {"type": object.get(m, ["path", "type"], "PathPrefix"), "value": object.get(m, ["path", "value"], "/")}

_exact(m) := object.union({"type": "Exact"}, m)

# delegation_cycle: the route is among its own children (kgateway marks
# the visited routes of a delegation chain and fails the reference that
# reaches one again: RefNotPermitted). A longer cycle, through other
# routes, is not followed.
delegation_cycle(rec, route, inv, coll, spec) if _among(route, delegation_children(rec, route, inv, coll, spec))

_among(route, children) if [refs.namespace(route), refs.name(route)] in children

# delegation_children: [namespace, name] of the routes the reference
# selects (candidates) that attach to the route: a child without
# parentRefs attaches to any parent, one with parentRefs only to a parent
# they name as an HTTPRoute (kgateway utils/delegation
# ChildRouteCanAttachToParentRef; the API server writes the group a
# parentRef leaves out).
delegation_children(rec, route, inv, coll, spec) := {[ns, name] |
	some [ns, name] in delegation_candidates(rec, inv, coll, spec)
	_attaches(inv[coll][ns][name], ns, route)
}

# delegation_candidates: [namespace, name] of the routes a reference
# selects before attachment: by label value (spec.label_kind; in every
# namespace for spec.every_namespace), else by name, "*" for every route
# of the namespace.
delegation_candidates(rec, inv, coll, spec) := {[ns, name] |
	some ns in _delegation_namespaces(rec, inv, coll, spec)
	some name, child in object.get(inv, [coll, ns], {})
	object.get(child, ["metadata", "labels", spec.label], null) == rec.name
} if {
	rec.kind == spec.label_kind
} else := {[rec.namespace, name] |
	some name, _ in object.get(inv, [coll, rec.namespace], {})
} if {
	rec.name == "*"
} else := {[rec.namespace, rec.name] | _ = inv[coll][rec.namespace][rec.name]}

_delegation_namespaces(rec, inv, coll, spec) := object.keys(object.get(inv, coll, {})) if {
	rec.namespace == spec.every_namespace
} else := {rec.namespace}

_attaches(child, _, _) if not _lists(child, "parentRefs")

_attaches(child, ns, route) if {
	some parent in child.spec.parentRefs
	object.get(parent, "group", refs.gateway_group) == refs.gateway_group
	object.get(parent, "kind", "Gateway") == "HTTPRoute"
	parent.name == refs.name(route)
	object.get(parent, "namespace", ns) == refs.namespace(route)
}

# _lists: the route's spec lists some value under key (a key left out, null
# or empty lists none, as kgateway reads it: a nil or empty Go slice).
_lists(route, key) if {
	values := route.spec[key]
	is_array(values)
	count(values) > 0
}

# derivation: how a reference is read through the object it names, when
# the profile does so (derived_targets) and that object exists: "via" the
# object, "spec" the profile's entry, "kind" the kind read in its stead and
# "name" the name its annotation gives (null without one). Undefined
# otherwise.
derivation(rec, inv, profile) := {"via": via, "spec": spec, "kind": refs.collections[spec.collection].kind, "name": derived_name(via, spec)} if {
	coll := collection(rec, profile)
	spec := profile.derived_targets[coll]
	via := inv[coll][rec.namespace][rec.name]
}

# derived_name: the name via's annotation (spec.annotation) gives, or null.
derived_name(via, spec) := name if {
	name := via.metadata.annotations[spec.annotation]
	is_string(name)
} else := null

# derived_target: the object that via names through spec (an object of
# spec.collection in namespace ns), or null.
derived_target(via, spec, inv, ns) := t if {
	t := inv[spec.collection][ns][derived_name(via, spec)]
} else := null

# host_collections: collections a reference finds by host, not by name
# (Istio's Hostname kind: pilot/pkg/config/kube/gateway LookupHostname).
host_collections := {"serviceentries"}

# host_target: the ServiceEntry (any namespace, the first by namespace and
# name) whose spec.hosts holds host, else the Service whose cluster
# hostname (<name>.<namespace>.svc.cluster.local) it is.
host_target(host, inv) := inv.serviceentries[ns][name] if {
	[ns, name] := min({[ns, name] |
		some ns, entries in object.get(inv, "serviceentries", {})
		some name, entry in entries
		host in object.get(entry, ["spec", "hosts"], [])
	})
} else := inv.services[parts[1]][parts[0]] if {
	parts := split(host, ".")
	count(parts) == 5
	array.slice(parts, 2, 5) == ["svc", "cluster", "local"]
}

# names_in_namespace: the names of the objects of the reference's kind in
# its target namespace, what a "did you mean" chooses from.
names_in_namespace(rec, inv, profile) := object.keys(object.get(inv, [collection(rec, profile), rec.namespace], {}))

# namesakes: the set of the other namespaces holding an object of the
# reference's kind and name, for a kind found by name: where a reference
# that left out or mistyped its namespace meant to go. Every adapter's
# inventory holds them (lib.refguard.narrow.namesakes). A set, not a
# sorted list: every reader shows at most five (lib.refguard.namesakes),
# and a name every namespace of a cluster holds would be sorted for each
# reference to it.
namesakes(rec, inv, profile) := found if {
	coll := collection(rec, profile)
	coll != ""
	not coll in host_collections
	found := {ns |
		some ns in _namespaces_named(inv, coll, rec.name)
		ns != rec.namespace
	}
} else := set()

# _namespaces_named: the namespaces of coll holding an object named name,
# from the inventory's names index when it carries one for coll (one
# lookup), otherwise from every namespace of coll. Without the index a set
# of N routes in N namespaces, each naming an object found nowhere, costs
# N × N lookups; an adapter that holds a whole set or cluster builds the
# index once (indexes).
_namespaces_named(inv, coll, name) := object.keys(object.get(index, name, {})) if {
	index := inv.namespaces_by_name[coll]
} else := {ns |
	some ns, objs in object.get(inv, coll, {})
	_ = objs[name]
}

# named_collections: the collections the names index covers, those whose
# objects a backendRef names by namespace and name (a host collection is
# looked up by host). A lookup collection a user declares is read without
# the index.
named_collections := {"services", "serviceimports", "backends"}

# names_entries: where each object of the given collections goes in the
# names index, [[collection, name, namespace], true]: the index is
# {collection: {name: {namespace: true}}}.
names_entries(inv, collections) := [[[coll, name, ns], true] |
	some coll in collections
	some ns, objs in object.get(inv, coll, {})
	some name, _ in objs
]

# wide_names_entries: names_entries of the collections spread over more
# than scan_limit namespaces, the only ones whose scan costs more than a
# bounded number of lookups per reference. Adapters build the index of
# those alone: for a set of ordinary width the index would cost more
# memory (every name, in every evaluator instance of the CLI) than the
# scans it saves cost time.
wide_names_entries(inv, collections) := names_entries(inv, {coll |
	some coll in collections
	count(object.get(inv, coll, {})) > scan_limit
})

# scan_limit: the number of namespaces a reference found nowhere may have
# looked through for its name, one lookup each, without the index.
scan_limit := 1000

# indexes: the indexes the core reads instead of scanning, each as
# [path, value] entries, built once by an adapter that holds a whole set or
# cluster: the grants by target namespace, from namespace and to name
# (lib.refguard.grants: a namespace that grants a hundred routes costs two
# lookups per reference, not a hundred checks), by the name a to entry
# allows (the near misses of a reference no grant permits), and, for a
# collection spread over more namespaces than a reference may look through
# (scan_limit), the namespaces of each name (namesakes). The CLI nests the
# entries in Go (refguard.harness.derived, engine.AssembleDerived: OPA's
# Wasm build has no linear way to group); conftest with nested.
indexes(inv) := {
	"referencegrants_by_from_to": grants.by_from_to_entries(object.get(inv, "referencegrants", {})),
	"referencegrants_by_to": grants.by_to_entries(object.get(inv, "referencegrants", {})),
	"namespaces_by_name": wide_names_entries(inv, named_collections),
}

# nested: an index from its entries, in OPA's evaluator, whose
# object.union_n merges the one-path objects in place: linear in the
# entries (a partial object rule would be quadratic: OPA checks every value
# it produces against every path produced before). The indexes' paths have
# three or four keys.
nested(entries) := object.union_n([_nest(path, v) | some [path, v] in entries])

_nest([a, b, c], v) := {a: {b: {c: v}}}

_nest([a, b, c, d], v) := {a: {b: {c: {d: v}}}}

_entry_or_null(target, port, route) := e if {
	target != null
	port != null
	e := service_port(target, port, _wanted_protocol(route))
} else := null

# Kinds whose ports are Service-style spec.ports.
_port_collections := {"services", "serviceimports"}

# declared_ports: the ports of an object of a config's backend_lookups at
# the path the lookup declares: "spec.port" names one number,
# "spec.ports[].port" a member of each entry of a list.
declared_ports(obj, path) := {p |
	[list, member] := split(path, "[].")
	some entry in _array_at(obj, list)
	p := object.get(entry, split(member, "."), null)
	is_number(p)
} if {
	contains(path, "[].")
} else := {p |
	p := object.get(obj, split(path, "."), null)
	is_number(p)
}

_array_at(obj, path) := a if {
	a := object.get(obj, split(path, "."), [])
	is_array(a)
} else := []

# filter_rejected: the type of the first filter on the backendRef itself
# the profile does not allow ("any" allows all).
filter_rejected(rec, profile, route_kind) := types[0] if {
	rec.via == "backendRef"
	is_array(rec.ref.filters) # a builtin, before the comprehension: most have none
	allowed := _allowed_filters(profile, route_kind)
	allowed != "any"
	types := [type |
		some filter in rec.ref.filters
		type := object.get(filter, "type", "")
		not _filter_allowed(filter, type, allowed)
	]
	count(types) > 0
}

# What a controller answers for a rule it cannot build.
_unsupported_answer("GRPCRoute") := "an error (UNAVAILABLE)"

_unsupported_answer(kind) := "500" if kind != "GRPCRoute"

# backendref_filters is "any", a set of filter types, or an object of route
# kind → either of those ("*" for kinds not listed).
_allowed_filters(profile, route_kind) := a if {
	is_object(profile.backendref_filters)
	a := object.get(profile.backendref_filters, route_kind, object.get(profile.backendref_filters, "*", "any"))
} else := profile.backendref_filters

# A type listed as "URLRewrite:hostname" allows a URLRewrite that rewrites
# the hostname only (Envoy Gateway: weighted clusters cannot rewrite paths).
_filter_allowed(_, type, allowed) if type in allowed

_filter_allowed(filter, "URLRewrite", allowed) if {
	"URLRewrite:hostname" in allowed
	not filter.urlRewrite.path
}

# app_protocol_rejected: a value the route kind cannot carry on this
# controller (profile.app_protocols.rejected, by route kind), a value outside
# its allow-list (.allowed, by route kind or "*"), or kubernetes.io/wss on
# an HTTPRoute with no BackendTLSPolicy for the Service port (.wss_needs_tls;
# targets.tls_policy).
app_protocol_rejected(route, entry, _, _, profile) if {
	entry.appProtocol in object.get(profile.app_protocols, ["rejected", route.kind], set())
}

app_protocol_rejected(route, entry, rec, inv, profile) if {
	allowed := _allowed_app_protocols(profile.app_protocols, route.kind)
	not lower(entry.appProtocol) in allowed
	not _scheme_from_policy(profile, inv, rec, entry)
}

# _scheme_from_policy: the controller speaks HTTPS to a port a
# BackendTLSPolicy applies to, whatever its appProtocol says
# (.tls_policy_sets_scheme: Traefik's loadHTTPServers and
# loadGRPCServers read the appProtocol only without a policy).
_scheme_from_policy(profile, inv, rec, entry) if {
	profile.app_protocols.tls_policy_sets_scheme
	targets.tls_policy(inv, rec, entry)
}

app_protocol_rejected(route, entry, rec, inv, profile) if {
	profile.app_protocols.wss_needs_tls
	route.kind == "HTTPRoute"
	entry.appProtocol == "kubernetes.io/wss"
	not targets.tls_policy(inv, rec, entry)
}

_allowed_app_protocols(app_protocols, route_kind) := a if {
	a := app_protocols.allowed[route_kind]
} else := app_protocols.allowed["*"]

_ports(target) := ps if {
	ps := target.spec.ports
	is_array(ps)
} else := []

# service_port returns the Service port entry the reference selects: the
# one with that number, or, where the Service lists the number once per
# protocol (DNS on 53 over UDP and TCP), the one of the protocol the route
# carries (else the first). Undefined when there is none.
service_port(target, port, protocol) := entries[0] if {
	entries := [p | some p in _ports(target); p.port == port]
	count(entries) == 1
} else := array.concat([p | some p in entries; _protocol(p) == protocol], entries)[0] if {
	entries := [p | some p in _ports(target); p.port == port]
	count(entries) > 1
}

_protocol(entry) := object.get(entry, "protocol", "TCP")

# _transport_hint: a Service port protocol outside the three transports
# (protocol: HTTP, written for an application protocol) is refused by the
# API server, so the Service is never created.
_transport_hint(entry) := sprintf("; the API server refuses a Service port protocol %v (TCP, UDP or SCTP), so the Service is not created: set protocol: TCP and name the application protocol in appProtocol", [_protocol(entry)]) if {
	not _protocol(entry) in {"TCP", "UDP", "SCTP"}
} else := ""

_wanted_protocols := {"UDPRoute": "UDP"}

_wanted_protocol(route) := object.get(_wanted_protocols, route.kind, "TCP")

# _malformed: why a reference that is not an object is rejected; a filter's
# backendRef left out (or null) is required.
_malformed(rec) := "backendRef: Required value" if {
	rec.ref == null
	rec.via != "backendRef"
} else := "backendRef is not an object"

_fail(step, detail) := {"ok": false, "step": step, "detail": detail}

# _namespace_refusal: why the controller refuses the reference with a
# namespace set, whatever the namespace and the grants: Traefik's
# name@provider (RefNotPermitted), Istio's Hostname (InvalidDestination:
# it looks the host up itself). Undefined when it does not.
_namespace_refusal(rec, profile) := sprintf("%s names another provider's service (name%sprovider), which the %s controller refuses with a namespace set", [_ref_text(rec), profile.provider_refs.separator, profile.name]) if {
	provider_ref(rec, profile)
	rec.ref.namespace != ""
} else := sprintf("%s: the %s controller takes no namespace on %s reference", [_ref_text(rec), profile.name, refs.with_article(rec.kind)]) if {
	profile.namespace_refused[rec.kind]
}

_provider_route_kinds(rec, profile) := profile.provider_refs.route_kinds if {
	provider_ref(rec, profile)
} else := set()

# _schema_fail: a backendRef field whose value its CRD type refuses
# (schema.strings), worded as the API server words it; key names the field.
_schema_fail(key, value) := object.union(
	_fail("shape", sprintf("backendRef %s: %s", [key, schema.string_problem(value, schema.strings[key])[1]])),
	{"key": key},
)

# _unknown_kind: a group and kind that name no collection. The CRD's
# string types are checked here, where it costs a valid reference nothing:
# a group or kind the type refuses (a group in capitals or written as an
# apiVersion, an empty kind) names no collection, and the API server
# rejects the route whatever the controller would do.
_unknown_kind(rec) := _schema_fail(refused[0], rec.ref[refused[0]]) if {
	refused := [key |
		some key in ["group", "kind"]
		value := rec.ref[key]
		value != null # dropped by the API server: the default applies
		schema.string_problem(value, schema.strings[key])
	]
	count(refused) > 0
} else := _fail("kind", sprintf("unsupported backend group/kind %q/%q", [rec.group, rec.kind]))

# _namespace_failure: a namespace the CRD's type refuses (capitals, empty:
# the API server rejects the route), or one the controller refuses
# (_namespace_refusal). Undefined when neither.
_namespace_failure(rec, profile) := _schema_fail("namespace", rec.ref.namespace) if {
	schema.string_problem(rec.ref.namespace, schema.strings.namespace)
} else := _fail("namespace-set", _namespace_refusal(rec, profile))

_ref_text(rec) := sprintf("%s %s/%s", [rec.kind, rec.namespace, rec.name])

# _in_rule: a reference among the others of its rule, for a controller that
# rejects an object by what it is combined with (targets.rejected): the
# route's kind, the reference's weight, its rule's backendRefs and the
# objects its rule's ExtensionRef filters resolve to (none for a filter's
# reference).
_in_rule(route, rec, inv, profile) := {"route_kind": route.kind, "weight": rec.weight, "refs": rule.backendRefs, "filters": filters} if {
	rec.via == "backendRef"
	rule := route.spec.rules[rec.rule]
	ns := refs.namespace(route)
	filters := [obj |
		some [_, ext, coll] in looked_up_filters(rule, profile)
		obj := inv[coll][ns][ext.name]
	]
} else := {"route_kind": route.kind, "weight": rec.weight, "refs": [], "filters": []}

# _missing: the failure of a reference whose object is not found: a
# delegation that reaches the route itself (delegation_cycle), else
# not-found.
_missing(rec, found, profile) := _fail("delegation-cycle", sprintf("%s selects %s %s/%s itself, a cycle the %s controller refuses", [_delegation_text(rec, profile.delegation), found.route.kind, refs.namespace(found.route), refs.name(found.route), profile.name])) if {
	found.collection in delegation_collections
	delegation_cycle(rec, found.route, found.inv, found.collection, profile.delegation)
} else := _fail("not-found", _not_found_detail(rec, found, profile))

# _not_found_detail: what is missing, the referenced object, the child
# route a delegation needs, or the one the profile reads through the
# object (derived_targets).
_not_found_detail(rec, found, profile) := _delegation_missing(rec, found, profile.delegation) if {
	found.collection in delegation_collections
} else := _derivation_missing(rec, d, profile) if {
	d := derivation(rec, found.inv, profile)
} else := sprintf("%s not found", [_ref_text(rec)])

# _delegation_missing: why a delegating reference has no child route: no
# route selected, none that attaches to this one, or only ones that set
# hostnames (the first of each, by namespace and name).
_delegation_missing(rec, found, spec) := sprintf("%s: %s", [_delegation_text(rec, spec), _none_selected(rec, spec)]) if {
	count(delegation_candidates(rec, found.inv, found.collection, spec)) == 0
} else := sprintf("%s selects no HTTPRoute that attaches to %s %s/%s: HTTPRoute %s/%s lists parentRefs, and none of them names this route", [_delegation_text(rec, spec), found.route.kind, refs.namespace(found.route), refs.name(found.route), ns, name]) if {
	count(delegation_children(rec, found.route, found.inv, found.collection, spec)) == 0
	[ns, name] := min(delegation_candidates(rec, found.inv, found.collection, spec))
} else := sprintf("%s selects only HTTPRoutes that set spec.hostnames (HTTPRoute %s/%s), which a delegated route must leave unset: it takes its parent's", [_delegation_text(rec, spec), ns, name]) if {
	children := delegation_children(rec, found.route, found.inv, found.collection, spec)
	count(delegation_kept(children, found.inv, found.collection)) == 0
	[ns, name] := min(children)
} else := sprintf("%s: %s rule within the parent's match %s; a delegated route's paths start with the parent's prefix, and its header, query parameter and method matches narrow the parent's (or it carries %s: \"true\")", [_delegation_text(rec, spec), _none_within(rec, spec), _match_text(m), spec.inherit_annotation]) if {
	kept := delegation_kept(delegation_children(rec, found.route, found.inv, found.collection, spec), found.inv, found.collection)
	m := delegation_unserved(rec, found.route, found.inv, found.collection, spec, kept)
}

_none_within(rec, spec) := "the route has no" if {
	rec.kind != spec.label_kind
	rec.name != "*"
} else := "no HTTPRoute it selects has a"

_match_text(m) := sprintf("%s %s%s", [_path(m).type, _path(m).value, _narrowed(m)])

_narrowed(m) := " with header, query parameter or method matches" if {
	(count(object.get(m, "headers", [])) + count(object.get(m, "queryParams", []))) + count([1 | m.method]) > 0
} else := ""

_none_selected(rec, spec) := "no HTTPRoute carries that label" if {
	rec.kind == spec.label_kind
} else := "the namespace holds none" if {
	rec.name == "*"
} else := "no such HTTPRoute"

_delegation_text(rec, spec) := sprintf("delegation to HTTPRoutes labelled %s=%s in every namespace", [spec.label, rec.name]) if {
	rec.kind == spec.label_kind
	rec.namespace == spec.every_namespace
} else := sprintf("delegation to HTTPRoutes labelled %s=%s in namespace %s", [spec.label, rec.name, rec.namespace]) if {
	rec.kind == spec.label_kind
} else := sprintf("delegation to every HTTPRoute of namespace %s", [rec.namespace]) if {
	rec.name == "*"
} else := sprintf("delegation to HTTPRoute %s/%s", [rec.namespace, rec.name])

_derivation_missing(rec, d, profile) := sprintf("%s has no %s annotation: the %s controller finds no %s behind it", [_ref_text(rec), d.spec.annotation, profile.name, d.kind]) if {
	d.name == null
} else := sprintf("%s stands for %s %s/%s (its %s annotation), which is not found", [_ref_text(rec), d.kind, rec.namespace, d.name, d.spec.annotation])

# resolution decides one reference; found holds the lookups resolve made
# (collection, target, entry: null when absent; permitted_by) and the route
# and inventory they were made for. detail is a short, controller-style
# sentence; rules build their messages on it. Three arguments, not five:
# each of the chain's bodies binds every argument before its first test,
# and a healthy reference goes through every one of them.
resolution(rec, profile, found) := _fail("shape", _malformed(rec)) if {
	rec.malformed
} else := _fail("shape", "backendRef has no name") if {
	not is_string(rec.name)
} else := _fail("shape", "backendRef has an empty name") if {
	rec.name == ""
} else := _fail("filter", sprintf("backendRef filter %s is not supported on a backendRef of %s by the %s controller", [filter_rejected(rec, profile, found.route.kind), refs.with_article(found.route.kind), profile.name])) if {
	filter_rejected(rec, profile, found.route.kind)
	not profile.backendref_filters_ignored # a controller that ignores it fails nothing (_as_reported)
} else := _fail("filter-type", sprintf("%s is not supported on %s by the %s controller, which never sends to this reference and answers every request of rule %d with %s", [refs.filter_types[rec.via], refs.with_article(found.route.kind), profile.name, rec.rule, _unsupported_answer(found.route.kind)])) if {
	rec.via != "backendRef"
	rec.index == null # a rule's filter; a backendRef's is RG111's "filter" step
	refs.filter_types[rec.via] in object.get(profile, ["rule_filters_unsupported", found.route.kind], set())
} else := _unknown_kind(rec) if {
	found.collection == null
} else := _fail("kind", sprintf("backend kind %s is supported on %s only by the %s controller, not on %s", [rec.kind, concat(", ", sort(route_kinds(rec, profile))), profile.name, refs.with_article(found.route.kind)])) if {
	# a builtin for the common case; provider_refs widen kind_route_kinds
	not found.route.kind in object.get(profile, ["kind_route_kinds", rec.kind], {found.route.kind})
	not found.route.kind in _provider_route_kinds(rec, profile)
} else := _fail("grant", sprintf("%s in another namespace is never permitted by the %s controller", [_ref_text(rec), profile.name])) if {
	rec.cross_namespace
	rec.kind in profile.never_cross_namespace
} else := failure if {
	rec.ref.namespace != null # a builtin, before the call: most references set none
	failure := _namespace_failure(rec, profile)
} else := _fail("grant", sprintf("%s not permitted by any ReferenceGrant in namespace %s", [_ref_text(rec), rec.namespace])) if {
	rec.cross_namespace
	found.inv != null
	not profile.grant_free_kinds[rec.kind] # a lookup: most profiles have none
	not refs.mesh_only(found.route)
	count(found.permitted_by) == 0
} else := _fail("dotted-name", sprintf("%s: the name of the %s must be used, not a hostname", [_ref_text(rec), rec.kind])) if {
	contains(rec.name, ".")
	rec.kind in object.get(profile, "dotted_name_invalid", set())
} else := _fail("port-missing", sprintf("%s has no port", [_ref_text(rec)])) if {
	rec.port == null
	port_required(rec, found.collection, profile)
} else := _fail("port-invalid", sprintf("%s has an invalid port %v", [_ref_text(rec), rec.port])) if {
	rec.port != null
	not schema.valid_port(rec.port)
} else := _fail("port-not-found", sprintf("%s declares its own port: the %s controller looks up %s:%v and finds nothing", [_ref_text(rec), profile.name, _ref_text(rec), rec.port])) if {
	rec.port != null
	[rec.group, rec.kind] in object.get(profile, "portless_kinds", set())
} else := {"ok": null, "step": "unresolved", "detail": "no inventory: existence, ports and grants not checked"} if {
	found.inv == null
} else := {"ok": true, "step": "external", "detail": sprintf("%s is accepted without a lookup", [_ref_text(rec)])} if {
	found.collection == ""
} else := _missing(rec, found, profile) if {
	found.target == null
} else := _fail(rejected.step, sprintf("%s: %s", [_ref_text(rec), rejected.detail])) if {
	check := profile.target_checks[found.collection] # a lookup: most profiles have none
	rejected := targets.rejected(check, found.target, found.inv, _in_rule(found.route, rec, found.inv, profile))
} else := _fail("externalname", sprintf("%s is an ExternalName Service, which the %s controller rejects", [_ref_text(rec), profile.name])) if {
	found.target.spec.type == "ExternalName"
	profile.externalname == "rejected"
} else := {"ok": true, "step": "externalname", "detail": sprintf("%s is an ExternalName Service", [_ref_text(rec)])} if {
	found.target.spec.type == "ExternalName"
} else := object.union(_fail("port-not-found", sprintf("%s has no port %v", [_ref_text(rec), rec.port])), {"ports": sort(declared_ports(found.target, path)), "reason": profile.lookup_port_reason}) if {
	rec.port != null
	path := profile.lookup_ports[found.collection]
	not rec.port in declared_ports(found.target, path)
} else := {"ok": true, "step": "resolved", "detail": "resolved"} if {
	not found.collection in _port_collections
} else := _fail("port-not-found", sprintf("%s has no port %v", [_ref_text(rec), rec.port])) if {
	rec.port != null
	found.entry == null
} else := _fail("protocol", sprintf("port %v of %s is %s, %s needs %s%s", [rec.port, _ref_text(rec), _protocol(found.entry), refs.with_article(found.route.kind), _wanted_protocol(found.route), _transport_hint(found.entry)])) if {
	found.entry != null
	_protocol(found.entry) != _wanted_protocol(found.route)
} else := outcome if {
	_ = found.inv.backendtlspolicies[rec.namespace] # a lookup: most namespaces have none
	outcome := _tls_outcome(found, rec, profile)
} else := _fail("app-protocol", sprintf("port %v of %s has appProtocol %s, which %s cannot use on the %s controller", [rec.port, _ref_text(rec), found.entry.appProtocol, refs.with_article(found.route.kind), profile.name])) if {
	_ = found.entry.appProtocol
	app_protocol_rejected(found.route, found.entry, rec, found.inv, profile)
} else := {"ok": true, "step": "grant-alias", "detail": sprintf("%s is permitted only through a grant's group the %s controller reads as another", [_ref_text(rec), profile.name])} if {
	# a core Service a grant permits only as "core" (group_aliases): it
	# works here and nowhere else, which RG102 says as advice
	rec.cross_namespace
	rec.group == ""
	count(profile.group_aliases) > 0
	count(found.permitted_by) > 0
	count(grants.permitting(found.inv, found.route, rec, {})) == 0
} else := {"ok": true, "step": "resolved", "detail": "resolved"}

# _tls_outcome: what the BackendTLSPolicies of the Service's namespace do to
# a reference to one of its ports: the policy that applies fails it when
# the controller cannot use it (_tls_resolution); with none applying, one
# whose sectionName names no port of the Service, meant for this one
# (targets.unapplied_tls_policies), leaves the connection in plain text,
# which a backend that serves TLS refuses: advice, since the backend's
# protocol is not in the manifests. Undefined when neither. The applied
# policy is selected once (null when none applies).
_tls_outcome(found, rec, profile) := _tls_outcome_of(_applied_tls_policy(found, rec), found, rec, profile)

_applied_tls_policy(found, rec) := applied if {
	applied := targets.tls_policy(found.inv, rec, found.entry)
} else := null

_tls_outcome_of(applied, found, rec, profile) := _tls_resolution(problem, rec, applied, profile) if {
	applied != null
	problem := targets.tls_policy_problem(object.get(profile, "tls_policy_checks", "spec"), applied, found.inv)
}

_tls_outcome_of(null, found, rec, _) := {"ok": true, "step": "backend-tls-unapplied", "reason": "", "unapplied": unapplied, "detail": sprintf("%s: no BackendTLSPolicy applies to port %v", [_ref_text(rec), rec.port])} if {
	found.route.kind in {"HTTPRoute", "GRPCRoute"}
	rec.kind == "Service"
	found.entry != null
	unapplied := targets.unapplied_tls_policies(found.inv, rec, found.target, found.entry)
	count(unapplied) > 0
}

# _tls_resolution: a BackendTLSPolicy the controller cannot use fails the
# reference, but for a CA ConfigMap that is only absent from the checked
# objects, with none there holding a CA that the policy could have meant:
# such a ConfigMap is most often made outside the manifests (trust-manager,
# kubectl create, Gateway API's conformance suite at setup), and whether
# connections fail depends on the cluster. That one is advice (ok, no
# reason); one misnamed beside the ConfigMap it meant (a kustomize hash
# suffix, a typo) fails as the controller fails it.
_tls_resolution(problem, rec, applied, profile) := {"ok": true, "step": problem.step, "reason": "", "ca": problem.ca, "detail": sprintf("%s: BackendTLSPolicy %s/%s, which applies to it, names CA certificate ConfigMap %s/%s, which is not among the checked objects", [_ref_text(rec), applied.namespace, applied.name, problem.ca.namespace, problem.ca.name])} if {
	problem.step == "backend-tls-ca"
	count(problem.ca.meant) == 0
} else := object.union(_fail(problem.step, sprintf("%s: BackendTLSPolicy %s/%s, which applies to it, is invalid: %s", [_ref_text(rec), applied.namespace, applied.name, problem.detail])), {"reason": object.get(profile.reasons, "backend-tls", ""), "ca": object.get(problem, "ca", null)})

# tls_mismatches: {rule index: {"reported", "text", "plain"}} of the HTTP
# and gRPC rules whose backends (a mirror's too) are under BackendTLSPolicies
# that NGINX Gateway Fabric cannot serve as one: it proxies a rule's
# backends as one group, with the TLS settings of the first backend under a
# policy (nginx/config/servers.go createProxyTLSFromBackends).
#   reported  its check (graph/backend_refs.go
#             validateBackendTLSPolicyMatchingAllBackends) fails: walking
#             the references in order, the first one under a policy
#             (targets.tls_policy) is followed by one under none, one that
#             fails, or one under a policy whose settings differ
#             (targets.tls_settings_differ); every backend of the rule is
#             invalid (UnsupportedValue).
#   reported false: a backend under no policy comes before the first
#             under one: the check passes, and TLS goes to that backend
#             too (plain names them: "Service ns/name").
# Only a profile whose controller does this has a reason for the step
# (profile.reasons["tls-mismatch"]: nginx-gateway-fabric).
tls_mismatches(ctx) := {i: _tls_mismatch(recs, applied) |
	ctx.profile.reasons["tls-mismatch"] != ""
	ctx.inv != null
	ctx.route.kind in {"HTTPRoute", "GRPCRoute"}
	some i in {rec.rule | some rec in ctx.records}
	recs := [rec | some rec in ctx.records; rec.rule == i]
	count(recs) > 1
	applied := [_applied(ctx, rec) | some rec in recs]
	count([a | some a in applied; a != null]) > 0
	_tls_mismatch(recs, applied)
}

_tls_mismatch(recs, applied) := {"reported": true, "text": _tls_text(recs, applied), "plain": []} if {
	some k, first in applied
	first != null
	count([a | some a in array.slice(applied, 0, k); a != null]) == 0
	some later in array.slice(applied, k + 1, count(applied))
	_tls_differs(first, later)
} else := {"reported": false, "text": _tls_text(recs, applied), "plain": plain} if {
	plain := [_ref_text(rec) | some k, rec in recs; applied[k] == null; _resolved_service(rec)]
	count(plain) > 0
}

_resolved_service(rec) if {
	rec.resolution.ok != false
	rec.target != null
}

# _applied: the policy the controller applies to a reference that resolves
# to a Service port; null for one that fails (the controller keeps no
# policy for it) or that no policy targets.
_applied(ctx, rec) := a if {
	_resolved_service(rec)
	entry := service_port(rec.target, rec.port, _wanted_protocol(ctx.route))
	a := targets.tls_policy(ctx.inv, rec, entry)
} else := null

_tls_differs(_, null)

_tls_differs(a, b) if targets.tls_settings_differ(a, b)

_tls_text(recs, applied) := concat(", ", [sprintf("%s %s", [_ref_text(rec), _under(rec, applied[k])]) | some k, rec in recs])

_under(rec, null) := "fails, so no policy applies" if rec.resolution.ok == false

_under(rec, null) := "is under no BackendTLSPolicy" if rec.resolution.ok != false

_under(_, a) := sprintf("is under BackendTLSPolicy %s/%s", [a.namespace, a.name]) if a != null

# port_required: a reference without a port. The API server rejects one to
# a core Service (CEL on BackendObjectReference); a controller may require a
# port for more kinds (profile.port_required: inventory collections, "" for
# kinds accepted without a lookup, or "all").
port_required(rec, _, _) if {
	rec.group == ""
	rec.kind == "Service"
}

port_required(_, coll, profile) if {
	coll != null
	coll in object.get(profile, "port_required", set())
}

port_required(_, coll, profile) if {
	coll != null
	profile.port_required == "all"
}
