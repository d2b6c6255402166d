# METADATA
# title: Object defined twice with different contents
# description: |
#   The checked manifests define the same object (API group, kind,
#   namespace, name) more than once, and the copies differ in what
#   refguard reads: typically the same Service in envs/prod/ and
#   envs/staging/ with different ports. kubectl applies one and replaces
#   the other, so which one the cluster holds depends on the order of the
#   apply; refguard checks the copy in the first file (by path) and reports
#   every location. Identical copies are fine. Check environments
#   separately (refguard check --each envs/), or keep one definition.
# related_resources:
#   - description: "kubectl apply: declarative object management"
#     ref: https://kubernetes.io/docs/tasks/manage-kubernetes-objects/declarative-config/
# custom:
#   id: RG506
#   name: object-duplicate-conflict
#   severity: error
#   since: 0.2.0
#   reason: ""
#   scope: set
# scope: package
package lib.refguard.rules.object_duplicate_conflict

import data.lib.refguard.result

# findings reports one group of copies of the same object, in the order
# the set was read (first by path): [{"file", "identity", "object"}]. The
# copies are compared on what the policy reads of them: ctx.fields, the
# fields lib.refguard.resolve.inventory_fields lists for the object's
# inventory collection (a Service's labels do not matter to a backendRef),
# or, when null, the whole object.
findings(ctx, copies) := {f |
	count({_compared(ctx.fields, c.object) | some c in copies}) > 1
	f := result.finding("RG506", ctx, "metadata.name", {
		"message": sprintf("%s %s/%s is defined %d times with different contents (%s): the cluster holds whichever was applied last; refguard checks the copy in %s. Keep one definition, or check each environment as its own set (refguard check --each DIR)", [ctx.object.kind, ctx.object.namespace, ctx.object.name, count(copies), concat(", ", [c.file | some c in copies]), copies[0].file]),
		"fix": "",
	})
}

_compared(fields, obj) := {field: _kept(obj, field, keep) |
	some field, keep in fields
	_ = obj[field]
} if {
	fields != null
} else := object.remove(obj, ["status"])

_kept(obj, field, "*") := obj[field]

_kept(obj, field, keys) := {k: obj[field][k] | some k in keys; _ = obj[field][k]} if is_array(keys)
