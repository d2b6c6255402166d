# METADATA
# title: status
# description: |
#   The ResolvedRefs condition a controller of the chosen profile writes on
#   the route: False with the reason of the first failing reference (in the
#   order a controller walks the rules), True when every reference resolves,
#   Unknown when the context has no inventory.
# scope: package
package lib.refguard.status

failing(ctx) := [rec |
	some rec in ctx.records
	rec.resolution.ok == false
	rec.resolution.reason != ""
]

# Envoy Gateway joins the distinct reasons (sorted, comma-separated) and
# writes one message line per failing reference.
_false(ctx, fs) := {
	"type": "ResolvedRefs",
	"status": "False",
	"reason": concat(",", sort({rec.resolution.reason | some rec in fs})),
	"message": concat("\n", [sprintf("Failed to process route rule %d backendRef %d: %s", [rec.rule, object.get(rec, "index", 0), rec.resolution.detail]) | some rec in fs]),
} if {
	ctx.profile.join == "envoy-gateway"
} else := {
	"type": "ResolvedRefs",
	"status": "False",
	"reason": fs[0].resolution.reason,
	"message": concat("; ", [sprintf("%s: %s", [rec.field, rec.resolution.detail]) | some rec in fs]),
} if {
	ctx.profile.join == "istio"
} else := {
	"type": "ResolvedRefs",
	"status": "False",
	"reason": fs[0].resolution.reason,
	"message": sprintf("%s: %s", [fs[0].field, fs[0].resolution.detail]),
}

condition(ctx) := _false(ctx, fs) if {
	fs := failing(ctx)
	count(fs) > 0
} else := {
	"type": "ResolvedRefs",
	"status": "Unknown",
	"reason": "Unknown",
	"message": "no inventory: references not resolved",
} if {
	ctx.inv == null
} else := {
	"type": "ResolvedRefs",
	"status": "True",
	"reason": "ResolvedRefs",
	"message": "All references resolved",
}
