# METADATA
# title: backendRef name is a DNS name
# description: |
#   The backendRef name contains a dot, such as `web.prod.svc.cluster.local`.
#   Service names cannot contain dots; a backendRef takes the Service's
#   `metadata.name` and, for another namespace, `namespace`. The controller
#   reports BackendNotFound (Istio: InvalidDestination).
# related_resources:
#   - description: "Gateway API BackendObjectReference"
#     ref: https://gateway-api.sigs.k8s.io/reference/spec/#backendref
# custom:
#   id: RG109
#   name: backend-name-is-hostname
#   severity: error
#   since: 0.1.0
#   reason: "BackendNotFound"
#   scope: inventory
# scope: package
package lib.refguard.rules.backend_name_is_hostname

import data.lib.refguard.resolve
import data.lib.refguard.result

_parts(rec) := split(rec.name, ".")

_service(rec) := _parts(rec)[0]

# the namespace part of <svc>.<ns>.svc[.cluster.local], if any.
_namespace(rec) := ns if {
	count(_parts(rec)) >= 3
	_parts(rec)[2] == "svc"
	ns := _parts(rec)[1]
} else := ns if {
	count(_parts(rec)) == 2
	ns := _parts(rec)[1]
} else := rec.namespace

_fix(rec) := sprintf("set name: %s", [_service(rec)]) if {
	_namespace(rec) == rec.namespace
} else := sprintf("set name: %s and namespace: %s", [_service(rec), _namespace(rec)])

findings(ctx) := {f |
	some rec in ctx.records
	rec.resolution.step in {"not-found", "dotted-name"}
	contains(rec.name, ".")
	not resolve.collection(rec, ctx.profile) in resolve.host_collections # a kind named by its host
	f := result.reference_finding("RG109", ctx, rec, {
		"reason": rec.resolution.reason,
		"message": sprintf("backendRef name %q is a DNS name, not a Service name; %s%s", [rec.name, _fix(rec), result.undetected(ctx, rec)]),
		"fix": _fix(rec),
		"edits": array.concat(
			[result.set_edit(ctx.object, sprintf("%s.name", [rec.field]), _service(rec))],
			[result.set_edit(ctx.object, sprintf("%s.namespace", [rec.field]), ns) | ns := _namespace(rec); ns != rec.namespace],
		),
	})
}
