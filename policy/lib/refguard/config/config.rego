# METADATA
# title: config
# description: |
#   Configuration is always passed as an argument (never read from data), so
#   the same modules load unchanged in conftest, Gatekeeper, OPA and the CLI.
#   A config is {"profile": "spec", "severity": {"RG103": "warning", "RG401": "info"},
#   "backend_kinds": ["example.com/Thing"], "backend_lookups": [{"kind":
#   "example.com/Backend", "version": "v1", "resource": "backends", "port":
#   "spec.ports[].port"}]}; severity "off" disables a rule; backend_kinds
#   are backend kinds the user's install accepts on top of the profile's (a
#   controller's extension kinds), without a lookup; backend_lookups are
#   such kinds with how to look them up: the objects of that group and kind
#   (served at version, replicated as resource), and where their ports are
#   (a dotted path, "[]" marking a list; no port: ports are not checked).
#   Unset keys take the defaults below.
# scope: package
package lib.refguard.config

import data.lib.refguard.catalog
import data.lib.refguard.profiles
import data.lib.refguard.refs

default_config := {"profile": "spec", "severity": {}}

# effective merges user settings over the defaults.
effective(cfg) := object.union(default_config, cfg) if is_object(cfg)

else := default_config

# severity of a rule under a config: an override, else the catalog default
# (rules that are off by default report "off").
severity(cfg, id) := severity_or(cfg, id, catalog.rules[id].severity)

# severity_or is severity with fallback in place of the catalog's, for a
# finding whose default depends on the case (lib.refguard.result).
severity_or(cfg, id, fallback) := s if {
	s := cfg.severity[id]
	s in {"error", "warning", "info", "off"}
} else := "off" if {
	catalog.rules[id].enabled == false
} else := fallback

profile(cfg) := with_backend_kinds(_named(cfg), object.get(cfg, "backend_kinds", [])) if {
	not cfg.backend_lookups
} else := with_lookups(with_backend_kinds(_named(cfg), object.get(cfg, "backend_kinds", [])), lookups(cfg))

_named(cfg) := p if {
	p := profiles.named(cfg.profile)
} else := profiles.named("spec")

# with_backend_kinds adds declared backend kinds ("group/Kind", "Kind" for
# the core group) to a profile: a kind refguard holds an inventory
# collection for (lib.refguard.refs.collections) is looked up there, so a
# reference to a missing one is BackendNotFound; any other is accepted
# without a lookup, as the profile's own lookup-free kinds are.
with_backend_kinds(p, declared) := p if {
	count(declared) == 0
} else := object.union(p, {"kinds": object.union(p.kinds, {group: kinds |
	some entry in declared
	[group, _] := _group_kind(entry)
	kinds := object.union(object.get(p.kinds, group, {}), {kind: _collection(g, kind) |
		some other in declared
		[g, kind] := _group_kind(other)
		g == group
	})
})})

_group_kind(entry) := [parts[0], parts[1]] if {
	parts := split(entry, "/")
	count(parts) == 2
} else := ["", entry] if {
	not contains(entry, "/")
}

_collection(group, kind) := c if {
	some c, spec in refs.collections
	[refs.collection_group(spec), spec.kind] == [group, kind]
} else := ""

# lookups: a config's well-formed backend_lookups as collections
# (lib.refguard.refs.collections' shape), keyed by resource, with the port
# path each declares ("" for none). A resource that names one of
# refguard's own collections is ignored: those are looked up already.
lookups(cfg) := {l.resource: {"kind": kind, "apiVersions": [refs.group_version(group, l.version)], "port": object.get(l, "port", "")} |
	some l in _lookup_list(cfg)
	is_string(l.kind)
	is_string(l.version)
	is_string(l.resource)
	l.resource != ""
	not refs.collections[l.resource]
	is_string(object.get(l, "port", ""))
	[group, kind] := _group_kind(l.kind)
}

_lookup_list(cfg) := ls if {
	ls := cfg.backend_lookups
	is_array(ls)
} else := []

# collections: refguard's collections, those of the config's profile
# (a profile's own collections: kgateway's child routes) and the config's
# lookups, one table.
collections(cfg) := object.union(object.union(lookups(cfg), profile_collections(cfg)), refs.collections)

# profile_collections: the collections the config's profile reads beside
# refguard's own ({} for most).
profile_collections(cfg) := object.get(_named(cfg), "collections", {}) if is_object(cfg)

else := {}

# with_lookups adds a config's lookups to a profile: each kind resolves
# to its collection (so a reference to a missing object is
# BackendNotFound), and lookup_ports holds where each collection's ports
# are, for the port step (lib.refguard.resolve), whose failure the
# controller reports as lookup_port_reason: the profile's own, else its
# port-not-found reason.
with_lookups(p, ls) := p if {
	count(ls) == 0
} else := object.union(p, {
	"kinds": object.union(p.kinds, {group: kinds |
		some spec in ls
		group := refs.collection_group(spec)
		kinds := object.union(object.get(p.kinds, group, {}), {spec2.kind: c |
			some c, spec2 in ls
			refs.collection_group(spec2) == group
		})
	}),
	"lookup_ports": {c: spec.port | some c, spec in ls; spec.port != ""},
	"lookup_port_reason": object.get(p, "lookup_port_reason", object.get(p.reasons, "port-not-found", "")),
})
