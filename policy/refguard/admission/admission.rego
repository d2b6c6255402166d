# METADATA
# title: admission decision
# description: |
#   An admission.k8s.io/v1 AdmissionReview in, the AdmissionReview response
#   out, for OPA as a Kubernetes admission controller (kube-mgmt). Routes
#   are checked against the replicated data.kubernetes.services,
#   .serviceimports, .referencegrants and .backendtlspolicies; a
#   ReferenceGrant under review gets its own checks. Errors deny, warnings
#   and infos become response.warnings. Serve it as the default decision:
#   --set=default_decision=refguard/admission/response.
# scope: package
package refguard.admission

import data.lib.refguard.all
import data.lib.refguard.context
import data.lib.refguard.refs
import data.lib.refguard.result
import data.refguard.kubernetes

# Settings from data (optional): data.refguard_settings {"profile", "severity"}.
_settings := s if {
	s := data.refguard_settings
	is_object(s)
} else := {}

_object := input.request.object

findings := all.route_findings(ctx) if {
	refs.is_route(_object)
	ctx := kubernetes.route_context(_object, _settings)
} else := all.grant_findings(context.grant_context(_object, _settings)) if {
	refs.is_grant(_object)
} else := set()

_messages(severities) := sort([result.summary(f) | some f in findings; result.reported(f); f.severity in severities])

_errors := _messages({"error"})

# A suppressed finding does not deny; kubectl still shows it as a warning,
# with the reason the annotation gives.
_suppressed := sort([result.printable(sprintf("suppressed by %s: %s%s", [result.ignore_annotation, result.summary(f), _because(f)])) |
	some f in findings
	f.suppression
])

_because(f) := sprintf(" (%s)", [f.suppression.justification]) if f.suppression.justification != ""

else := ""

_warnings := sort(array.concat(_messages({"warning", "info"}), _suppressed))

_denied := {
	"allowed": false,
	"status": {"code": 403, "reason": "Invalid", "message": concat("\n", _errors)},
}

_verdict := _denied if count(_errors) > 0

else := {"allowed": true}

response := {
	"apiVersion": "admission.k8s.io/v1",
	"kind": "AdmissionReview",
	"response": object.union(
		object.union({"uid": object.get(input, ["request", "uid"], "")}, _verdict),
		{"warnings": _warnings},
	),
}
