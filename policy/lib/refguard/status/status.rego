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

condition(ctx) := c if {
	fs := failing(ctx)
	count(fs) > 0
	c := {
		"type": "ResolvedRefs",
		"status": "False",
		"reason": fs[0].resolution.reason,
		"message": sprintf("%s: %s", [fs[0].field, fs[0].resolution.detail]),
	}
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
