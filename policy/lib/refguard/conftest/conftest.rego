# METADATA
# title: conftest adapter
# description: |
#   Adapts conftest's input to the core and runs every rule once per query;
#   package main (policy/main) turns the result into conftest's deny and
#   warn. With --combine, input is an array of {path, contents}: every
#   object in it is indexed once (keyed, last one wins like kubectl apply)
#   and serves as the inventory. One document at a time, input is the
#   document and there is no inventory: only the checks that need no other
#   object run, and a warning says so once per route. A cluster inventory
#   given with --data (data.inventory, `refguard inventory`) is read too.
# scope: package
package lib.refguard.conftest

import data.lib.refguard.all
import data.lib.refguard.config
import data.lib.refguard.context
import data.lib.refguard.inventory as cluster_inventory
import data.lib.refguard.narrow
import data.lib.refguard.refs
import data.lib.refguard.resolve
import data.lib.refguard.result

combined if is_array(input)

# _documents: [path, document] for every document, flattening multi-document
# files and kind: List. One document at a time there is no path to report:
# conftest groups the results under the file it read.
_raw_documents := [[file.path, doc] |
	some file in input
	not _kustomize_files[file.path]
	some doc in _as_list(file.contents)
] if combined

else := [["", doc] | some doc in _as_list(input)]

# _kustomize_files: the kustomizations of a --combine set and the patches
# they apply, which hold no object to check: read as objects, an overlay's
# patch would be a second definition of the base's object (RG506), as
# refguard check skips them too (harness/manifest, docs/cli.md). A patch
# path is taken relative to its kustomization, "./" and up to four levels
# of "../" resolved. A complete rule, built once: every document looks its
# path up, and OPA evaluates a partial set's body again for each lookup.
_kustomize_files := {file.path | some file in _kustomizations} | {path |
	some file in _kustomizations
	some patch in _patch_paths(file.contents)
	path := _clean(_joined(file.path, patch))
}

_kustomizations := [file | some file in input; _kustomization(file)]

_kustomization(file) if {
	is_string(file.path)
	endswith(file.path, ".yaml")
	_base_name(file.path) == "kustomization.yaml"
}

_kustomization(file) if {
	is_string(file.path)
	endswith(file.path, ".yml")
	_base_name(file.path) == "kustomization.yml"
}

_base_name(path) := regex.replace(path, `^.*/`, "")

_patch_paths(k) := {p |
	is_object(k)
	some p in _list(k, "patchesStrategicMerge")
	is_string(p)
	not contains(p, "\n") # an inline patch
} | {entry.path |
	is_object(k)
	some key in ["patches", "patchesJson6902"]
	some entry in _list(k, key)
	is_string(entry.path)
}

_list(k, key) := k[key] if is_array(k[key])

else := []

_joined(kustomization, patch) := patch if {
	not contains(kustomization, "/")
} else := patch if {
	startswith(patch, "/")
} else := concat("/", [regex.replace(kustomization, `/[^/]*$`, ""), patch])

_clean(path) := _up(_up(_up(_up(regex.replace(path, `(^|/)\./`, "$1")))))

# _up removes one "dir/../" pair (any number of them side by side, none
# nested; _clean applies it four times for nested ones).
_up(path) := regex.replace(path, `(^|/)([^./][^/]*|\.[^./][^/]*|\.\.[^/]+)/\.\./`, "$1")

_as_list(x) := x if is_array(x)

else := [x]

# _documents: [path, object] for every object. Lists are read two deep,
# as refguard check reads them (harness/manifest): a list's items, and the
# items of a list among them. A typed list (ServiceList, HTTPRouteList)
# lends its items the apiVersion and kind the API server leaves out of
# them. Most documents are not lists: one comparison each, no call.
_documents := array.concat(
	[[path, doc] | some [path, doc] in _raw_documents; _is_object(doc); not endswith(doc.kind, "List")],
	[[path, obj] | some [path, doc] in _raw_documents; _is_object(doc); endswith(doc.kind, "List"); some obj in _objects_in(doc)],
)

_objects_in(doc) := [doc] if {
	not _is_list(doc)
} else := [obj |
	some item in _items(doc)
	some obj in _nested(item)
]

_nested(item) := [item] if {
	not _is_list(item)
} else := [i | some i in _items(item); not _is_list(i)]

_is_list(doc) if {
	doc.apiVersion != ""
	endswith(doc.kind, "List")
}

_items(list) := [item |
	is_array(list.items)
	some raw in list.items
	is_object(raw)
	item := object.union(_item_type(list), raw)
	_is_object(item)
]

_item_type(list) := {} if {
	list.kind == "List"
} else := {"apiVersion": list.apiVersion, "kind": trim_suffix(list.kind, "List")}

# Duplicates: an object the set defines more than once (same API group,
# kind, namespace and name) is read once, from its first copy by path,
# whatever order conftest read the files in, as refguard check does; RG506
# reports copies that differ.
_keyed := [[path, doc, _identity_key(doc)] | some [path, doc] in _documents]

_identity_key(doc) := sprintf("%s\u0000%s\u0000%s\u0000%s", [refs.api_group(doc.apiVersion), doc.kind, refs.namespace(doc), refs.name(doc)]) if {
	refs.name(doc) != ""
} else := ""

_named := [key | some [_, _, key] in _keyed; key != ""]

_has_duplicates if count({key | some key in _named}) < count(_named)

# _copies: key → the positions of its copies in _keyed, first by path. The
# inner comprehension is indexed by key (OPA's comprehension indexing), so
# grouping stays linear.
_copies := {key: sorted |
	some [_, _, key] in _keyed
	key != ""
	positions := [i | some i, [_, _, k] in _keyed; k == key]
	count(positions) > 1
	sorted := [i | some [_, i] in sort([[_keyed[j][0], j] | some j in positions])]
} if _has_duplicates

else := {}

_dropped := {i |
	some positions in _copies
	some i in array.slice(positions, 1, count(positions))
}

_kept_documents := [[path, doc] | some i, [path, doc, _] in _keyed; not _dropped[i]] if _has_duplicates

else := _documents

objects := [doc | some [_, doc] in _kept_documents]

_is_object(doc) if {
	is_object(doc)
	is_string(doc.apiVersion)
	is_string(doc.kind)
}

# _positions: collection → namespace → name → [position of the last object
# of that name]. object.union_n merges the one-path objects in place and,
# for a path given twice, keeps the later array: linear in the set, where a
# partial rule (_positions[collection][ns][name] contains i) is quadratic —
# OPA checks each value such a rule produces against every path it produced
# before.
_positions := object.union_n([{collection: {ns: {name: [i]}}} |
	some i, obj in objects
	some collection, group in _collections_of_kind[obj.kind]
	refs.api_group(obj.apiVersion) == group
	ns := refs.namespace(obj)
	name := refs.name(obj)
])

# _collections_of_kind: kind → collection → group, so that each object is
# matched by one keyed lookup instead of a scan of the collections.
_collections_of_kind[kind][collection] := group if {
	some collection, spec in _collections
	kind := spec.kind
	group := refs.collection_group(spec)
}

# _collections: refguard's and the settings' backend_lookups.
_collections := config.collections(settings)

_indexed := {collection: {ns: {name: objects[i] | some name, [i] in by_name} | some ns, by_name in by_ns} |
	some collection, by_ns in _positions
}

# inventory: the set's objects by collection, namespace and name, and the
# indexes the core reads instead of scanning (lib.refguard.resolve.indexes),
# built once per query.
inventory := object.union(_set_collections, {name: resolve.nested(entries) |
	some name, entries in resolve.indexes(_set_collections)
}) if combined

else := null

_set_collections := object.union({c: {} | some c, _ in _collections}, _indexed)

# inventory_for: the objects in the --combine set and, when a cluster
# inventory is given with conftest --data, the cluster's objects in the
# namespaces the route can reach and their namesakes elsewhere
# (lib.refguard.narrow.namesakes), under the set's (objects in the set win).
# The set's own index is handed over whole: the core reads it by namespace
# and name, and a value built once in the query is hashed once. null when
# there is neither.
inventory_for(route) := _with_cluster(route, cluster_inventory.for_route(route, _collections, _profile)) if {
	cluster_inventory.present
} else := inventory if {
	combined
} else := null

_with_cluster(route, cluster) := object.union(reachable, namesakes) if {
	reachable := {collection: by_ns |
		some collection, _ in _collections
		by_ns := {ns: objs |
			some ns in _reachable(collection, cluster, route)
			objs := object.union(object.get(cluster, [collection, ns], {}), _in_set(collection, ns))
			count(objs) > 0
		}
	}
	namesakes := {collection: by_ns |
		some collection, names in narrow.namesakes(route, _profile)
		by_ns := {ns: objs |
			some ns in (object.keys(object.get(cluster, collection, {})) | object.keys(object.get(_set_inventory, collection, {})))
			objs := {name: obj | some name in names; obj := _namesake(cluster, collection, ns, name)}
			count(objs) > 0
		}
	}
}

_namesake(cluster, collection, ns, name) := obj if {
	obj := _set_inventory[collection][ns][name]
} else := cluster[collection][ns][name]

_profile := config.profile(config.effective(settings))

_reachable(collection, cluster, route) := object.keys(object.get(cluster, collection, {})) | object.keys(object.get(_set_inventory, collection, {})) if {
	collection in refs.cluster_wide
} else := refs.namespaces(route)

_set_inventory := inventory if combined

else := {}

_in_set(collection, ns) := object.get(inventory, [collection, ns], {}) if combined

else := {}

# Settings may be given with conftest --data as lib.refguard_settings
# ({"profile": …, "severity": {…}}).
settings := s if {
	s := data.lib.refguard_settings
	is_object(s)
} else := {}

_routes := [[path, context.build(obj, inventory_for(obj), settings)] |
	some [path, obj] in _kept_documents
	refs.is_route(obj)
]

_grants := [[path, context.grant_context(obj, settings)] |
	some [path, obj] in _kept_documents
	refs.is_grant(obj)
]

# used_grants: "ns/name" of every grant that permits some reference in the set.
used_grants := {key |
	some [_, ctx] in _routes
	some key in context.used_grants(ctx)
}

# findings: [path, finding] for every finding of every rule, computed once
# per conftest query. RG202 needs the whole set: only with --combine.
findings contains [path, f] if {
	some [path, ctx] in _routes
	some f in all.route_findings(ctx)
}

findings contains [path, f] if {
	some [path, ctx] in _grants
	some f in all.grant_findings(ctx)
}

findings contains [path, f] if {
	combined
	some [path, ctx] in _grants
	some f in all.set_findings(ctx, used_grants)
}

findings contains [copies[0].file, f] if {
	some positions in _copies
	copies := [{"file": path, "identity": refs.identity(doc), "object": doc} | some i in positions; [path, doc, _] := _keyed[i]]
	some f in all.duplicate_findings([copies], settings, resolve.inventory_fields)
}

# failures and warnings are what package main hands to conftest: errors
# fail, everything else warns.
failures contains report(path, f) if {
	some [path, f] in findings
	result.reported(f)
	f.severity == "error"
}

warnings contains report(path, f) if {
	some [path, f] in findings
	result.reported(f)
	f.severity != "error"
}

# One document at a time, without a cluster inventory, there is nothing to
# resolve references against: say so once per route (a list's routes too).
warnings contains msg if {
	not combined
	not cluster_inventory.present
	some [_, doc] in _documents
	refs.is_route(doc)
	msg := result.printable(sprintf(
		"refguard: %s %s/%s: cross-object checks (ReferenceGrants, Service existence, ports) need the whole set: run conftest with --combine",
		[doc.kind, refs.namespace(doc), refs.name(doc)],
	))
}

# report is what conftest prints: msg starts with the rule ID; the other
# keys are conftest's metadata (-o json). With --combine conftest files
# every result under "Combined", so file names the manifest and _loc, which
# conftest reads as the result's location, points -o github annotations
# and -o sarif results at it. conftest's input carries no line numbers:
# the location is the file's first line (SARIF regions start at 1). One
# document at a time conftest names the file itself.
report(path, f) := object.union(
	{
		"msg": result.summary(f),
		"rule": f.rule,
		"name": f.name,
		"severity": f.severity,
		"reason": f.reason,
		"object": f.object,
		"field": f.field,
		"fix": f.fix,
	},
	_file(path),
)

_file(path) := {"file": path, "_loc": {"file": path, "line": 1}} if path != ""

else := {}
