# METADATA
# title: config
# description: |
#   Configuration is always passed as an argument (never read from data), so
#   the same modules load unchanged in conftest, Gatekeeper, OPA and the CLI.
#   A config is {"profile": "spec", "severity": {"RG103": "warning", "RG401": "info"},
#   "backend_kinds": ["example.com/Thing"]}; severity "off" disables a
#   rule; backend_kinds are the backend kinds the user's install accepts on
#   top of the profile's (a controller's extension kinds). Unset keys take
#   the defaults below.
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

profile(cfg) := with_backend_kinds(_named(cfg), object.get(cfg, "backend_kinds", []))

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
	some c, gk in refs.collections
	gk == [group, kind]
} else := ""
