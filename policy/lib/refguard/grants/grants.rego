# METADATA
# title: grants
# description: |
#   ReferenceGrant semantics (GEP-709): a reference from a route in namespace N
#   to an object in namespace T is permitted when some ReferenceGrant in T has
#   a from entry {group gateway.networking.k8s.io, kind = route kind,
#   namespace = N} and a to entry {group, kind of the target, name empty or
#   equal}. Grants OR together. Also explains near misses field by field.
# scope: package
package lib.refguard.grants

import data.lib.refguard.refs
import data.lib.refguard.schema

# grants_in returns the ReferenceGrants of one namespace from an inventory.
grants_in(inv, ns) := object.get(inv, ["referencegrants", ns], {})

_entries(grant, key) := es if {
	es := grant.spec[key]
	is_array(es)
} else := []

_str(obj, key) := v if {
	v := obj[key]
	is_string(v)
} else := ""

# from_mismatches lists the fields of one from entry that do not match.
from_mismatches(entry, route) := {field |
	some field, want in {
		"group": refs.gateway_group,
		"kind": route.kind,
		"namespace": refs.namespace(route),
	}
	_str(entry, field) != want
}

# to_mismatches lists the fields of one to entry that do not match the ref.
to_mismatches(entry, rec) := {field |
	some field, want in {"group": rec.group, "kind": rec.kind}
	_str(entry, field) != want
} | {"name" |
	_str(entry, "name") != ""
	_str(entry, "name") != rec.name
}

# permitting lists the names of the grants in the target namespace that
# allow the reference: some from entry names the route's group, kind and
# namespace, and some to entry the reference's group and kind and either
# its name or no name. Plain comparisons in one comprehension, no call per
# grant: this runs for every cross-namespace reference, on the admission
# path too, and a function call costs OPA's evaluator far more than the
# comparisons. The grants looked at are those that can match (below).
# A reference whose name is not a string (a shape error, decided before
# grants) is permitted by none: the index keys names, and JSON keys are
# strings. A grant at an apiVersion no release serves (RG204), or that the
# CRD's schema rejects (RG205), cannot exist in a cluster and permits
# nothing; the schema is checked last, only for a grant that would permit.
# A to entry's name left out or null (the API server drops a null) is every
# name. aliases are the profile's group_aliases: a group its controller
# reads as another, in the reference and in the to entry alike.
permitting(inv, route, rec, aliases) := {name |
	is_string(rec.name)
	route_ns := refs.namespace(route)
	group := object.get(aliases, rec.group, rec.group)
	some name, grant in _candidates(inv, rec.namespace, route_ns, rec.name)
	not refs.api_versions.ReferenceGrant[grant.apiVersion].unserved
	some from in grant.spec.from
	from.namespace == route_ns
	from.kind == route.kind
	from.group == refs.gateway_group
	some to in grant.spec.to
	to.kind == rec.kind
	object.get(aliases, to.group, to.group) == group
	object.get(to, "name", null) in [null, rec.name]
	not _rejected_elsewhere(grant)
}

# aliased_entries: [grant name, index] of the to entries that permit the
# reference only through the profile's group_aliases (a to entry's group
# "core" read as the core group ""), in grants permitting names: the
# entries another implementation reads as a group of its own.
aliased_entries(inv, rec, names, aliases) := sort([[name, i] |
	some name in names
	some i, to in grants_in(inv, rec.namespace)[name].spec.to
	to.kind == rec.kind
	to.group != rec.group
	object.get(aliases, to.group, to.group) == rec.group
	object.get(to, "name", null) in [null, rec.name]
])

# _rejected_elsewhere: the schema rejects the grant for more than the
# entries that matched, which hold valid values (the reference's own): a
# grant of one from and one to entry, the usual one, has nothing else to
# check, and reviews skip the whole schema for it.
_rejected_elsewhere(grant) if {
	not _one_to_one(grant)
	rejected(grant)
}

_one_to_one(grant) if {
	is_array(grant.spec.from)
	is_array(grant.spec.to)
	count(grant.spec.from) == 1
	count(grant.spec.to) == 1
}

# _candidates: the grants of namespace ns that can allow a reference from
# namespace from_ns to name, when the inventory carries them indexed
# (referencegrants_by_from_to: {ns: {from_ns: {to_name: {name: grant}}}},
# to_name "" for a to entry without a name; a context that holds its
# inventory across evaluations builds it once from by_from_to_entries:
# lib.refguard.resolve.indexes); otherwise every grant of ns. permitting
# checks every field either way.
_candidates(inv, ns, from_ns, name) := object.union(
	object.get(index, [ns, from_ns, name], {}),
	object.get(index, [ns, from_ns, ""], {}),
) if {
	index := inv.referencegrants_by_from_to
	is_object(index)
} else := grants_in(inv, ns)

# by_from_to_entries: where each ReferenceGrant ({namespace: {name:
# grant}}) goes in the index _candidates reads, [[ns, from_ns, to_name,
# name], grant], by target namespace, from namespace and to name ("" for
# a to entry without one). Keys are the fields' values when they are
# strings (JSON's object keys): a from namespace that is not a string
# matches no route, and a to name that is not a string matches no
# reference that gets to the grant step, so the index holds every grant
# that can permit a reference. A to name left out or null is keyed "",
# every name.
by_from_to_entries(grants_by_ns) := [[[ns, from_ns, to_name, name], grant] |
	some ns, by_name in grants_by_ns
	some name, grant in by_name
	some from in grant.spec.from
	from_ns := from.namespace
	is_string(from_ns)
	some to in grant.spec.to
	to_name := _to_name(to)
]

# by_to_entries: where each ReferenceGrant goes in the second index,
# [[ns, to_name, name], true]: the names of a namespace's grants by the
# name a to entry allows ("" for every name), whatever they allow it from
# (names, not grants: the grants are in the inventory already).
# near_misses reads it (with by_from_to) to find the grants that are off
# in one field without looking at every grant of the namespace. Keyed as
# by_from_to is.
by_to_entries(grants_by_ns) := [[[ns, to_name, name], true] |
	some ns, by_name in grants_by_ns
	some name, grant in by_name
	some to in grant.spec.to
	to_name := _to_name(to)
]

# _to_name: the index key of a to entry, "" for every name (left out or
# null); undefined for a name that is not a string, which the schema
# rejects.
_to_name(to) := to.name if {
	is_string(to.name)
} else := "" if {
	object.get(to, "name", null) == null
}

_want_from(route) := {
	"group": refs.gateway_group,
	"kind": route.kind,
	"namespace": refs.namespace(route),
}

_want_to(rec) := {"group": rec.group, "kind": rec.kind, "name": rec.name}

# near_misses explains grants that would permit the reference but for one
# field, or for what the API server rejects (an apiVersion no release
# serves, a shape the schema refuses: "rejected", repaired on the grant by
# RG204 and RG205), or that would permit it if they lived in the target
# namespace.
near_misses(inv, route, rec) := ((wrong_field | wrong_version) | wrong_schema) | wrong_namespace if {
	candidates := _near_candidates(inv, route, rec)
	wrong_version := {miss |
		some name, grant in candidates
		refs.api_versions.ReferenceGrant[grant.apiVersion].unserved
		_allows(grant, route, rec)
		miss := {
			"grant": sprintf("%s/%s", [rec.namespace, name]),
			"field": "apiVersion",
			"have": grant.apiVersion,
			"want": refs.use_version("ReferenceGrant"),
			"rejected": true,
			"text": sprintf(
				"ReferenceGrant %s/%s would allow it, but no Gateway API release serves its apiVersion %s since %s, so it cannot exist in a cluster (want %q)",
				[rec.namespace, name, grant.apiVersion, refs.unserved_since(grant), refs.use_version("ReferenceGrant")],
			),
		}
	}
	wrong_schema := {miss |
		some name, grant in candidates
		not refs.api_versions.ReferenceGrant[grant.apiVersion].unserved
		_allows_as_given(grant, route, rec)
		problems := sort(schema_problems(grant))
		count(problems) > 0
		[field, problem, at] := problems[0]
		miss := {
			"grant": sprintf("%s/%s", [rec.namespace, name]),
			"field": field,
			"problem": problem,
			"want": _schema_want(at, route, rec),
			"rejected": true,
			"text": sprintf(
				"ReferenceGrant %s/%s would allow it, but the API server rejects it (%s: %s%s)",
				[rec.namespace, name, field, problem, _more(count(problems) - 1)],
			),
		}
	}
	wrong_field := {miss |
		some name, grant in candidates
		not refs.api_versions.ReferenceGrant[grant.apiVersion].unserved
		some fi, from in _entries(grant, "from")
		some ti, to in _entries(grant, "to")
		fm := from_mismatches(from, route)
		tm := to_mismatches(to, rec)
		count(fm) + count(tm) == 1
		not rejected(grant)
		miss := _field_miss(grant, name, fi, ti, fm, tm, route, rec)
	}
	wrong_namespace := {miss |
		refs.namespace(route) != rec.namespace
		some name, grant in grants_in(inv, refs.namespace(route))
		_would_allow_elsewhere(grant, route, rec)
		miss := {
			"grant": sprintf("%s/%s", [refs.namespace(route), name]),
			"field": "metadata.namespace",
			"have": refs.namespace(route),
			"want": rec.namespace,
			"text": sprintf(
				"ReferenceGrant %s/%s matches this reference but lives in the route's namespace %s; a grant must live in the target namespace %s",
				[refs.namespace(route), name, refs.namespace(route), rec.namespace],
			),
		}
	}
}

# _near_candidates: the grants of the target namespace near_misses looks
# at. A near miss matches the reference in every field but one, or every
# field it gives validly, so it names the route's namespace in a from entry
# (any to entry: by_from_to under the route's namespace) or allows the
# reference's name, or every name, in a to entry (by_to); with those
# indexes a reference costs the grants that come close, not every grant of
# a namespace that grants a thousand routes. Without them, every grant of
# the namespace.
_near_candidates(inv, route, rec) := object.union_n([
	{name: grant |
		some _, by_name in object.get(inv.referencegrants_by_from_to, [rec.namespace, refs.namespace(route)], {})
		some name, grant in by_name
	},
	_granting(inv, rec.namespace, rec.name),
	_granting(inv, rec.namespace, ""),
]) if {
	is_object(inv.referencegrants_by_from_to)
	is_object(inv.referencegrants_by_to)
} else := grants_in(inv, rec.namespace)

# _granting: the grants of namespace ns whose to entries allow name, read
# through referencegrants_by_to.
_granting(inv, ns, name) := {grant_name: grant |
	some grant_name, _ in object.get(inv.referencegrants_by_to, [ns, name], {})
	grant := grants_in(inv, ns)[grant_name]
}

# _allows: some from entry and some to entry of the grant match the
# reference in every field.
_allows(grant, route, rec) if {
	some from in _entries(grant, "from")
	count(from_mismatches(from, route)) == 0
	some to in _entries(grant, "to")
	count(to_mismatches(to, rec)) == 0
}

# _allows_as_given: some from entry and some to entry match the reference
# in every field they give validly (a grant the schema rejects may leave
# some out, or give one as an apiVersion or in capitals).
_allows_as_given(grant, route, rec) if {
	some from in _entries(grant, "from")
	_given_match(from, _want_from(route))
	some to in _entries(grant, "to")
	_given_match(to, {"group": rec.group, "kind": rec.kind})
	object.get(to, "name", null) in [null, "", rec.name]
}

_given_match(entry, want) if {
	is_object(entry)
	every field, value in want {
		_as_given(object.get(entry, field, null), value, field)
	}
}

# _as_given: one field left out (null), matching, or invalid. Written with
# comparisons: `have in [null, want]` makes OPA's type checker read have as
# null, and OPA before v1.22 then finds no match for a string.
_as_given(have, want, field) if {
	have == null
} else if {
	have == want
} else if {
	schema.string_problem(have, schema.strings[field])
}

# _schema_want: the value an entry field the schema rejects (at, from
# schema_problems) should hold for this reference (null for a problem no
# one value fixes).
_schema_want(at, route, rec) := value if {
	value := {"from": _want_from(route), "to": _want_to(rec)}[at.list][at.key]
} else := null

_more(0) := ""

_more(n) := sprintf("; and %d more", [n]) if n > 0

# A grant placed in the route's namespace usually names that namespace in
# from.namespace already (or the target namespace by mistake); either counts.
_would_allow_elsewhere(grant, route, rec) if {
	some from in _entries(grant, "from")
	_str(from, "group") == refs.gateway_group
	_str(from, "kind") == route.kind
	_str(from, "namespace") in {refs.namespace(route), rec.namespace}
	some to in _entries(grant, "to")
	count(to_mismatches(to, rec)) == 0
}

_field_miss(grant, name, fi, ti, fm, tm, route, rec) := miss if {
	some field in fm
	have := _str(grant.spec.from[fi], field)
	want := _want_from(route)[field]
	miss := {
		"grant": sprintf("%s/%s", [rec.namespace, name]),
		"field": sprintf("spec.from[%d].%s", [fi, field]),
		"have": have, "want": want,
		"text": sprintf("ReferenceGrant %s/%s would allow it, but its spec.from[%d].%s is %q (want %q)", [rec.namespace, name, fi, field, have, want]),
	}
} else := miss if {
	some field in tm
	have := _str(grant.spec.to[ti], field)
	want := _want_to(rec)[field]
	miss := {
		"grant": sprintf("%s/%s", [rec.namespace, name]),
		"field": sprintf("spec.to[%d].%s", [ti, field]),
		"have": have, "want": want,
		"text": sprintf("ReferenceGrant %s/%s would allow it, but its spec.to[%d].%s is %q (want %q)", [rec.namespace, name, ti, field, have, want]),
	}
}

# suggested_grant is the smallest ReferenceGrant that permits the reference.
suggested_grant(route, rec) := {
	"apiVersion": "gateway.networking.k8s.io/v1beta1",
	"kind": "ReferenceGrant",
	"metadata": {
		"name": sprintf("allow-%s-%s-to-%s", [lower(route.kind), refs.namespace(route), rec.name]),
		"namespace": rec.namespace,
	},
	"spec": {
		"from": [_want_from(route)],
		"to": [_want_to(rec)],
	},
}

# for_routes: some from entry names a route kind, the references refguard
# checks. Other grants (a Gateway's or ListenerSet's certificateRefs to
# Secrets, a vendor policy's references) serve references refguard does
# not read, so nothing is said of their use or scope. A kind in another
# case counts: it is a route grant written wrong, which RG102 names as the
# near miss.
for_routes(grant) if {
	some entry in _entries(grant, "from")
	_names_route(entry)
}

# for_routes_only: every from entry names a route kind, so every reference
# the grant can permit is one refguard reads (RG202 judges its use).
for_routes_only(grant) if {
	for_routes(grant)
	every entry in _entries(grant, "from") {
		_names_route(entry)
	}
}

_names_route(entry) if lower(_str(entry, "kind")) in _lower_route_kinds

_lower_route_kinds := {lower(kind) | some kind in refs.route_kinds}

# rejected: the API server rejects the grant for its shape (RG205), so it
# cannot exist in a cluster.
rejected(grant) if {
	some _ in schema_problems(grant)
}

# schema_problems: [field, text, at] for every violation of the
# ReferenceGrant CRD's schema (the same at v1beta1 and v1), text worded as
# the API server words it; at says what it is and where, for the rules
# that repair it: {"code": required | type | min-items | max-items |
# too-short | too-long | pattern, "list": "from" | "to" ("" for spec
# itself), "index": the entry (null for a list or spec), "key": the entry
# field ("" for a list, spec or a whole entry)}. A null counts as left out:
# the API server drops a null before it validates, so `group:` with no
# value is "Required value".
schema_problems(grant) := set() if {
	_plain(grant)
} else := _problems(grant)

_problems(grant) := (spec | lists) | entries if {
	spec := {["spec", text, _at(code, "", null, "")] |
		[code, text] := schema.type_problem(object.get(grant, "spec", null), "object")
	}
	lists := {[sprintf("spec.%s", [key]), text, _at(code, key, null, "")] |
		is_object(grant.spec)
		some key, _ in _entry_fields
		[code, text] := _list_problem(object.get(grant.spec, key, null))
	}
	entries := {[concat("", [sprintf("spec.%s[%d]", [key, i]), _dotted(field)]), text, _at(code, key, i, field)] |
		some key, fields in _entry_fields
		entries := _entries(grant, key)
		count(entries) <= _max_items # past it, the count is the problem to fix first
		some i, entry in entries
		some [field, code, text] in _entry_problems(entry, fields)
	}
}

_at(code, list, index, key) := {"code": code, "list": list, "index": index, "key": key}

_dotted("") := ""

_dotted(field) := concat("", [".", field]) if field != ""

# _plain: the shape nearly every grant has (routes' from entries, Service
# to entries), checked with a few comparisons: the whole schema costs far
# more, and every grant a reference meets is checked.
_plain(grant) if {
	from := grant.spec.from
	to := grant.spec.to
	is_array(from)
	is_array(to)
	count(from) > 0
	count(from) <= _max_items
	count(to) > 0
	count(to) <= _max_items
	every e in from {
		e.group == refs.gateway_group
		e.kind in refs.route_kinds
		count(e.namespace) <= 63
		regex.match(schema.strings.namespace.pattern, e.namespace)
	}
	every e in to {
		e.group == ""
		e.kind == "Service"
		_plain_name(object.get(e, "name", null))
	}
}

_plain_name(null)

_plain_name(name) if {
	is_string(name)
	name != ""
	count(name) <= 253
}

# _entry_fields: each list's entry fields, and which of them are required.
_entry_fields := {
	"from": {"group": true, "kind": true, "namespace": true},
	"to": {"group": true, "kind": true, "name": false},
}

_max_items := 16

# _entry_problems: [field, code, text] of one entry ("" for the entry
# itself).
_entry_problems(entry, fields) := {["", code, text]} if {
	[code, text] := schema.type_problem(entry, "object")
} else := {[field, code, text] |
	some field, required in fields
	[code, text] := _field_problem(object.get(entry, field, null), required, schema.strings[field])
}

# The problems below are [code, text] (schema_problems).
_list_problem(value) := p if {
	p := schema.type_problem(value, "array")
} else := ["min-items", "Invalid value: 0: should have at least 1 items"] if {
	count(value) == 0
} else := ["max-items", sprintf("Too many: %d: must have at most %d items", [count(value), _max_items])] if {
	count(value) > _max_items
}

_field_problem(value, true, _) := ["required", "Required value"] if value == null

_field_problem(value, _, limits) := p if {
	value != null
	p := schema.string_problem(value, limits)
}
