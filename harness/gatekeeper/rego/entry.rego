# The Rego of every per-rule ConstraintTemplate, written out for RG103 so
# that opa fmt, opa check and opa test read it: the generator
# (harness/gatekeeper) puts each rule's template name, rule package, ID
# and context (route_context, or grant_context for a rule about
# ReferenceGrants) in place of RG103's. It adapts Gatekeeper's input
# (input.review.object, input.parameters, data.inventory) to the core and
# emits violation from the rule's findings.
package refguardbackendnotfound

import data.lib.refguard.gatekeeper
import data.lib.refguard.result
import data.lib.refguard.rules.backend_not_found

_severity := {"RG103": s} if {
	s := gatekeeper.parameters.severity
	is_string(s)
} else := {}

_config := gatekeeper.config(_severity)

violation contains gatekeeper.report(f) if {
	some f in backend_not_found.findings(gatekeeper.route_context(_config))
	result.reported(f)
}
