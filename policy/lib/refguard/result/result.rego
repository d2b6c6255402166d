# METADATA
# title: result
# description: |
#   The one helper that builds every finding. Identity, name and default
#   severity come from the catalog (generated from each rule's METADATA);
#   the config may change the severity or turn the rule off.
# scope: package
package lib.refguard.result

import data.lib.refguard.catalog
import data.lib.refguard.config

# finding builds a finding of rule id about ctx.object at field. details
# holds message and, where they apply, reason, fix and suggestion.
finding(id, ctx, field, details) := _finding(id, ctx, field, details, config.severity(ctx.cfg, id))

# reference_finding builds a finding about one backendRef whose severity
# follows what the chosen controller does with it (docs/profiles.md, the
# severity invariant): an error when traffic through the reference fails
# there (its resolution failed, reported in status or not), a warning when
# the reference works there and the finding is portability advice. Without
# an inventory the resolution is undecided and the catalog severity holds.
# A severity set in the config wins.
# A filter's reference whose failure the controller turns into a failure
# of its whole rule says so: a user reads a broken mirror or auth server
# as a side matter unless told that every request of the rule fails.
reference_finding(id, ctx, rec, details) := _finding(id, ctx, rec.field, _with_rule_consequence(details, ctx, rec), config.severity_or(ctx.cfg, id, _traffic_severity(id, rec.resolution.ok)))

_with_rule_consequence(details, ctx, rec) := object.union(details, {"message": _clause(details.message, consequence)}) if {
	rec.resolution.ok == false
	rec.resolution.reason != "" # one the controller does not report fails no rule
	rec.index == null
	consequence := _rule_consequence(ctx.profile, rec)
} else := details

# _clause: a clause after a message, a sentence of its own after a
# question.
_clause(message, more) := sprintf("%s %s%s", [message, upper(substring(more, 0, 1)), substring(more, 1, -1)]) if {
	endswith(message, "?")
} else := sprintf("%s; %s", [message, more])

# _rule_consequence: Envoy Gateway fails a rule whose filter fails, a
# RequestMirror's reference among them (route.go processHTTPRouteRule:
# processFilterError); NGINX Gateway Fabric rejects a rule whose
# ExternalAuth backend fails (the profile's "external-auth" reason).
_rule_consequence(profile, rec) := sprintf("the %s controller answers every request that rule %d matches with 500, not only the mirrored copies", [profile.name, rec.rule]) if {
	rec.via == "mirror"
	object.get(profile, "mirror_failure_fails_rule", false)
} else := sprintf("the %s controller rejects rule %d rather than serve it without authentication, so every request it matches gets 500", [profile.name, rec.rule]) if {
	rec.via == "externalAuth"
	object.get(profile.reasons, "external-auth", "") != ""
}

# advice builds a finding that is portability advice whatever becomes of
# the reference (a warning unless the config says otherwise): it works on
# the chosen controller and fails on others.
advice(id, ctx, field, details) := _finding(id, ctx, field, details, config.severity_or(ctx.cfg, id, "warning"))

# condition_finding builds a finding whose reason the chosen controller
# writes in the route's status (details.reason): an error unless the config
# says otherwise (docs/profiles.md, the severity invariant).
condition_finding(id, ctx, field, details) := _finding(id, ctx, field, details, config.severity_or(ctx.cfg, id, "error"))

# rejected builds a finding about an object the API server rejects, whatever
# the controller (an error unless the config says otherwise).
rejected(id, ctx, field, details) := _finding(id, ctx, field, details, config.severity_or(ctx.cfg, id, "error"))

_traffic_severity(id, ok) := "error" if {
	ok == false
} else := "warning" if {
	ok == true
} else := catalog.rules[id].severity

_finding(id, ctx, field, details, severity) := f if {
	severity != "off"
	base := object.union(
		{
			"rule": id,
			"name": catalog.rules[id].name,
			"severity": severity,
			"reason": "",
			"object": ctx.object,
			"field": field,
			"fix": "",
		},
		details,
	)
	f := _with_suppression(base, _annotations(ctx))
}

# ignore_annotation lists, on an object, the rules whose findings about it
# are suppressed: ids or names, any case, separated by commas ("all" for
# every rule); ignore_reason_annotation says why.
ignore_annotation := "refguard.io/ignore"

ignore_reason_annotation := "refguard.io/ignore-reason"

# A suppressed finding is still a finding: it keeps its severity and the
# route its predicted status (the controller does not read annotations).
# Reports show it as suppressed; only what decides pass or fail (conftest
# deny/warn, an admission denial, a Gatekeeper violation, --fail-on) leaves
# it out.
_with_suppression(f, annotations) := object.union(f, {"suppression": {
	"kind": "annotation",
	"justification": object.get(annotations, ignore_reason_annotation, ""),
}}) if {
	listed := {lower(trim_space(item)) | some item in split(annotations[ignore_annotation], ",")}
	some wanted in {lower(f.rule), f.name, "all"}
	wanted in listed
} else := f

# _annotations of the object a context is about (route or grant); {} for a
# context without one, or annotations that are not strings.
_annotations(ctx) := {k: v |
	obj := object.get(ctx, "route", object.get(ctx, "grant", {}))
	some k, v in object.get(obj, ["metadata", "annotations"], {})
	is_string(v)
}

# reported: the finding counts toward a verdict (not suppressed).
reported(f) if not f.suppression

# summary is a finding in one line, as conftest and an admission response
# print it: the rule ID first, then the message and what it is about.
summary(f) := printable(sprintf("%s: %s (%s %s/%s %s)", [f.rule, f.message, f.object.kind, f.object.namespace, f.object.name, f.field]))

# printable: s with the characters that act on a terminal or a CI log
# written as visible escapes, as the CLI writes them (harness/report.Clean):
# C0 controls but tab (a newline too: a message is one line, and a line
# starting with :: in a GitHub Actions log is a workflow command), DEL, C1
# controls and the bidirectional overrides that reorder what a reader sees.
# conftest, kubectl and gator print the messages they get as they are.
# A Go test holds this to report.Clean character by character.
printable(s) := strings.replace_n(_escapes, s) if {
	regex.match(_unsafe, s)
} else := s

_unsafe := `[\x00-\x08\x0a-\x1f\x7f-\x9f\x{200e}\x{200f}\x{061c}\x{202a}-\x{202e}\x{2066}-\x{2069}]`

_unsafe_points := array.concat(
	array.concat([c | some c in numbers.range(0, 31); c != 9], numbers.range(127, 159)),
	array.concat([1564, 8206, 8207], array.concat(numbers.range(8234, 8238), numbers.range(8294, 8297))),
)

_escapes := {json.unmarshal(sprintf(`"\u%04x"`, [c])): _escape(c) | some c in _unsafe_points}

_escape(c) := sprintf(`\x%02x`, [c]) if c < 128

else := sprintf(`\u%04x`, [c])

# enabled: the rule is not switched off in the context's config (a rule that
# is off by default checks this first instead of building findings that
# finding drops).
enabled(ctx, id) if config.severity(ctx.cfg, id) != "off"

# set_edit: a repair that sets field (a path like
# "spec.rules[0].backendRefs[0].port") of obj (an identity) to value.
set_edit(obj, field, value) := {"op": "set", "object": obj, "field": field, "value": value}

# set_repair: the fix text and the edit that set key (at field) to value,
# the value written as YAML writes it ("" for the empty string, a number
# as a number).
set_repair(obj, field, key, value) := {
	"fix": sprintf("set %s: %v", [key, _yaml_scalar(value)]),
	"edits": [set_edit(obj, field, value)],
}

# set_unique: set_repair to the one value of values; no repair when there
# are none or several to choose from.
set_unique(obj, field, key, values) := set_repair(obj, field, key, values[0]) if {
	count(values) == 1
} else := {"fix": "", "edits": []}

_yaml_scalar("") := `""`

_yaml_scalar(value) := value if value != ""

# remove_edit: a repair that deletes a field of obj (a dotted path).
remove_edit(obj, field) := {"op": "remove", "object": obj, "field": field}

# add_edit: a repair that adds a new object: in the file of the first
# object of near found among the files being repaired (where the objects
# it belongs with are kept), else next to obj (in its file).
add_edit(obj, manifest, near) := {"op": "add", "object": obj, "manifest": manifest, "near": near}

# undetected: a note for findings the profile's controller does not report
# in status (ResolvedRefs stays True while the traffic fails).
undetected(ctx, rec) := sprintf(" (weight 0: the %s controller drops this reference before looking it up, so no traffic fails here; other controllers report it)", [ctx.profile.name]) if {
	rec.resolution.skipped
} else := sprintf(" (the %s controller does not report this: ResolvedRefs stays True, yet requests to this backend fail)", [ctx.profile.name]) if {
	rec.resolution.ok == false
	rec.resolution.reason == ""
} else := ""
