# The Rego of the aggregate ConstraintTemplate (one resolution context
# per review, every rule): the generator (harness/gatekeeper) ships it as
# it is. The constraint's enforcementAction applies to the severities it
# lists.
package refguardbackendrefs

import data.lib.refguard.all
import data.lib.refguard.gatekeeper
import data.lib.refguard.result

_overrides := o if {
	o := gatekeeper.parameters.severity
	is_object(o)
} else := {}

_config := gatekeeper.config(_overrides)

# severities this constraint reports: its enforcementAction applies to them.
_severities := {s | some s in gatekeeper.parameters.severities} if {
	is_array(gatekeeper.parameters.severities)
} else := {"error"}

_findings := all.route_findings(gatekeeper.route_context(_config)) if {
	gatekeeper.route_context(_config)
} else := all.grant_findings(gatekeeper.grant_context(_config))

violation contains gatekeeper.report(f) if {
	some f in _findings
	result.reported(f)
	f.severity in _severities
}
