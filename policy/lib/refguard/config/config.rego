# METADATA
# title: config
# description: |
#   Configuration is always passed as an argument (never read from data), so
#   the same modules load unchanged in conftest, Gatekeeper, OPA and the CLI.
#   A config is {"profile": "spec", "severity": {"RG103": "warning", "RG401": "info"}};
#   severity "off" disables a rule. Unset keys take the defaults below.
# scope: package
package lib.refguard.config

import data.lib.refguard.catalog
import data.lib.refguard.profiles

default_config := {"profile": "spec", "severity": {}}

# effective merges user settings over the defaults.
effective(cfg) := object.union(default_config, cfg) if is_object(cfg)

else := default_config

# severity of a rule under a config: an override, else the catalog default
# (rules that are off by default report "off").
severity(cfg, id) := s if {
	s := cfg.severity[id]
	s in {"error", "warning", "info", "off"}
} else := "off" if {
	catalog.rules[id].enabled == false
} else := catalog.rules[id].severity

profile(cfg) := p if {
	p := profiles.named(cfg.profile)
} else := profiles.named("spec")
