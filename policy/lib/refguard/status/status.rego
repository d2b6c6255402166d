# METADATA
# title: status
# description: |
#   The ResolvedRefs condition a controller of the chosen profile writes on
#   the route: False with the reason of the first failing reference (in the
#   order a controller walks the rules), True when every reference resolves,
#   Unknown when the context has no inventory or the API server rejects the
#   route (NotAdmitted: it never reaches a controller).
# scope: package
package lib.refguard.status

import data.lib.refguard.refs
import data.lib.refguard.resolve
import data.lib.refguard.schema

failing(ctx) := _failing_refs(ctx) if {
	ctx.profile.reasons["no-backends"] == ""
	ctx.profile.reasons["tls-mismatch"] == ""
	ctx.profile.reasons["external-auth"] == ""
	count(ctx.profile.filter_lookups) == 0
} else := _with_rule_failures(ctx)

_failing_refs(ctx) := [rec |
	some rec in ctx.records
	rec.resolution.ok == false
	rec.resolution.reason != ""
]

# _with_rule_failures: the failing references and the rules a controller
# fails as a whole, in walk order: first the rules whose own filter names
# a missing object (resolve.rule_filter_failures), which a controller
# checks as it builds the route, before any reference (NGINX Gateway
# Fabric's processRules; Envoy Gateway sorts the reasons it joins, so the
# order is no matter there); then, rule by rule, the references, then the
# rule: one without backendRefs, for a controller that reports one (a
# profile's "no-backends" reason), one whose backends'
# BackendTLSPolicies differ (resolve.tls_mismatches), and one whose
# ExternalAuth filter's backendRef failed, for a controller that rejects
# such a rule rather than let it through unauthenticated (a profile's
# "external-auth" reason). A controller that
# leaves the references of a rule whose filters failed unresolved
# (profile.filter_failure_skips_rule) reports nothing else of that rule.
_with_rule_failures(ctx) := [all[k] | some [_, _, k] in sort(keys)] if {
	filters := resolve.rule_filter_failures(ctx.route, ctx.inv, ctx.profile)
	skipped := _skipped_rules(ctx.profile, filters)
	filters_failing := [f | some f in filters; f.resolution.reason != ""]
	refs_failing := [rec | some rec in _failing_refs(ctx); not rec.rule in skipped]
	rules := [f | some f in array.concat(array.concat(_backendless(ctx), _tls_mismatched(ctx)), _auth_unresolved(ctx)); not f.rule in skipped]
	all := array.concat(array.concat(filters_failing, refs_failing), rules)
	keys := array.concat(
		array.concat(
			[[-1, 0, k] | some k, _ in filters_failing],
			[[rec.rule, 0, count(filters_failing) + k] | some k, rec in refs_failing],
		),
		[[rec.rule, 1, (count(filters_failing) + count(refs_failing)) + k] | some k, rec in rules],
	)
}

_skipped_rules(profile, filters) := {f.rule | some f in filters} if {
	profile.filter_failure_skips_rule
} else := set()

_backendless(ctx) := [_rule_failure(i, "no-backends", reason, "rule has no backendRefs") |
	reason := object.get(ctx.profile.reasons, "no-backends", "")
	reason != ""
	some i in refs.backendless_rules(ctx.route)
]

# The text is the controller's own condition message.
_tls_mismatched(ctx) := [_rule_failure(i, "tls-mismatch", ctx.profile.reasons["tls-mismatch"], "Backend TLS policies do not match for all backends") |
	some i, mismatch in resolve.tls_mismatches(ctx)
	mismatch.reported
]

# The text is the controller's own condition message. One per rule: the
# controller checks the rule once, after all its references. A rule whose
# BackendTLSPolicies differ has every backend invalid, the ExternalAuth
# one among them (NGINX Gateway Fabric's addBackendRefsToRules).
_auth_unresolved(ctx) := [_rule_failure(i, "external-auth", reason, "ExternalAuth filter references a backend that could not be resolved; the rule is rejected to avoid proxying without authentication") |
	reason := object.get(ctx.profile.reasons, "external-auth", "")
	reason != ""
	auth_rules := {rec.rule | some rec in ctx.records; _rule_auth(rec)}
	failed := {rec.rule | some rec in _failing_refs(ctx); _rule_auth(rec)}
	mismatched := {f.rule | some f in _tls_mismatched(ctx)} & auth_rules
	some i in sort(failed | mismatched)
]

# _rule_auth: the reference of a rule's ExternalAuth filter (one on a
# backendRef is never followed where a rule's is checked).
_rule_auth(rec) if {
	rec.via == "externalAuth"
	rec.index == null
}

_rule_failure(i, step, reason, detail) := {
	"field": sprintf("spec.rules[%d]", [i]),
	"rule": i,
	"index": null,
	"resolution": {"ok": false, "step": step, "reason": reason, "detail": detail},
}

# _reported: the failing reference whose reason the controller writes, by
# the profile's join:
#   first  the first in walk order (rules, then references; in _false);
#   last   the last (the controller overwrites the condition as it walks);
#   istio  the first hard failure (it stops the walk), else the last;
#   phase  the controller checks every reference for one step before the
#          next step: the earliest phase wins, the last reference within it.
_reported(ctx, fs) := fs[count(fs) - 1] if {
	ctx.profile.join == "last"
}

_reported(ctx, fs) := hard[0] if {
	ctx.profile.join == "istio"
	hard := [rec | some rec in fs; rec.resolution.step in ctx.profile.hard_steps]
	count(hard) > 0
}

_reported(ctx, fs) := fs[count(fs) - 1] if {
	ctx.profile.join == "istio"
	count([rec | some rec in fs; rec.resolution.step in ctx.profile.hard_steps]) == 0
}

_reported(ctx, fs) := in_phase[count(in_phase) - 1] if {
	ctx.profile.join == "phase"
	first := min({_phase(ctx.profile, rec) | some rec in fs})
	in_phase := [rec | some rec in fs; _phase(ctx.profile, rec) == first]
}

_phase(profile, rec) := object.get(profile.phases, rec.resolution.step, count(profile.phases) + 1)

# Envoy Gateway joins the distinct reasons (sorted, comma-separated) and
# writes one message line per failing reference.
_false(ctx, fs) := {
	"type": "ResolvedRefs",
	"status": "False",
	"reason": concat(",", sort({rec.resolution.reason | some rec in fs})),
	"message": concat("\n", [_envoy_gateway_line(rec) | some rec in fs]),
} if {
	ctx.profile.join == "envoy-gateway"
} else := {
	"type": "ResolvedRefs",
	"status": "False",
	"reason": fs[0].resolution.reason,
	"message": sprintf("%s: %s", [fs[0].field, fs[0].resolution.detail]),
} if {
	ctx.profile.join == "first"
} else := {
	"type": "ResolvedRefs",
	"status": "False",
	"reason": rec.resolution.reason,
	"message": sprintf("%s: %s", [rec.field, rec.resolution.detail]),
} if {
	rec := _reported(ctx, fs)
}

# A rule's own failure (index null) is written as the error alone.
_envoy_gateway_line(rec) := rec.resolution.detail if {
	rec.index == null
} else := sprintf("Failed to process route rule %d backendRef %d: %s", [rec.rule, rec.index, rec.resolution.detail])

# _rejected_fields: where the API server rejects the route, sorted (the
# first names the rejection): the shape of the parts that hold backendRefs
# and of a backendRef (RG505), a port or weight out of its type (RG501,
# RG502). A core Service without a port (RG104, a CEL rule) keeps the
# reason the controller writes: the controllers check it too, and their
# own tests (Envoy Gateway's translator, Contour's) expect that status.
_rejected_fields(ctx) := sort({field |
	some [field, _] in schema.route_problems(ctx.route)
} | {rec.field |
	some rec in ctx.records
	_rejected(rec)
})

_rejected(rec) if rec.resolution.step == "shape"

_rejected(rec) if schema.port_rejected(rec)

_rejected(rec) if schema.weight_rejected(rec)

condition(ctx) := {
	"type": "ResolvedRefs",
	"status": "Unknown",
	"reason": "NotAdmitted",
	"message": sprintf("%s: the API server rejects the route, so no controller sees it", [rejected[0]]),
} if {
	rejected := _rejected_fields(ctx)
	count(rejected) > 0
} else := _false(ctx, fs) if {
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
