# METADATA
# title: schema
# description: |
#   What the API server's schema validation rejects, for the parts of the
#   objects refguard reads: the string types Gateway API's CRDs share
#   (Group, Kind, Namespace, ObjectName: apis/v1/shared_types.go) with their
#   length limits and patterns, of which a route's backendRefs and a
#   ReferenceGrant's entries are both built; and the shape of the parts of a
#   route that hold backendRefs. Texts are worded as the API server words
#   them.
# scope: package
package lib.refguard.schema

import data.lib.refguard.refs

# strings: the limits and pattern of each type, by the field that holds it.
strings := {
	"group": {"min": 0, "max": 253, "pattern": `^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`},
	"kind": {"min": 1, "max": 63, "pattern": `^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$`},
	"namespace": {"min": 1, "max": 63, "pattern": `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`},
	"name": {"min": 1, "max": 253, "pattern": ""},
}

# string_problem: [code, text] for a value the type's schema rejects
# (code: type | too-short | too-long | pattern), undefined for a valid one.
string_problem(value, limits) := ["type", sprintf("Invalid value: %q: must be of type string", [type_name(value)])] if {
	not is_string(value)
} else := ["too-short", sprintf("Invalid value: %q: should be at least %d chars long", [value, limits.min])] if {
	count(value) < limits.min
} else := ["too-long", sprintf("Too long: may not be more than %d bytes", [limits.max])] if {
	count(value) > limits.max
} else := ["pattern", sprintf("Invalid value: %q: should match '%s'", [value, limits.pattern])] if {
	limits.pattern != ""
	not regex.match(limits.pattern, value)
}

# type_problem: [code, text] for a value left out (code required) or of
# another JSON type than want (code type).
type_problem(value, want) := ["required", "Required value"] if {
	value == null
} else := ["type", sprintf("Invalid value: %q: must be of type %s", [type_name(value), want])] if {
	type_name(value) != want
}

# repaired: the valid value a rejected one most likely meant, when one is
# clear: a namespace or group in capitals, lowered (Kubernetes names are
# lowercase); a group written as an apiVersion (group/version), its group;
# the core group ("Core", "Core/v1"), "".
# Undefined otherwise: an empty namespace or kind may mean the default or a
# value a template left out, and only the writer knows which.
repaired(field, value) := fixed if {
	field in {"namespace", "group"}
	is_string(value)
	fixed := _core_as_empty(field, lower(_without_version(field, value)))
	fixed != value
	not string_problem(fixed, strings[field])
}

# Kubernetes' core API group is written "" in a group field ("core" is what
# RBAC and the docs call it; Gateway API's default is "").
_core_as_empty(field, value) := "" if {
	field == "group"
	value == "core"
} else := value

_without_version(field, value) := split(value, "/")[0] if {
	field == "group"
	contains(value, "/")
} else := value

# route_problems: [field, text] for every part of a route that holds
# backendRefs and breaks the CRD's schema (spec.rules not a list, a rule
# not an object, backendRefs or filters not a list, a list longer or
# shorter than the CRD allows or left out where it is required, a filter
# type the kind does not have, a filter type without its field or a field
# on another type, a filter repeated where it may not be, a RequestMirror's
# or ExternalAuth's settings), text worded as the API server words it. A
# backendRef's own shape is its resolution's (lib.refguard.resolve, step
# shape).
route_problems(route) := ((((rule_list | rule_items) | ref_lists) | filter_lists) | filters) | sizes if {
	rule_list := {["spec.rules", "spec.rules is not a list"] |
		route.spec.rules
		not is_array(route.spec.rules)
	}
	rule_items := {[sprintf("spec.rules[%d]", [i]), "rule is not an object"] |
		some i, rule in refs.rules(route)
		not is_object(rule)
	}
	ref_lists := {[sprintf("spec.rules[%d].%s", [i, key]), sprintf("%s is not a list", [key])] |
		some i, rule in refs.rules(route)
		is_object(rule)
		some key in ["backendRefs", "filters"]
		value := rule[key]
		not is_array(value)
		value != null
	}
	filter_lists := {[sprintf("spec.rules[%d].backendRefs[%d].filters", [i, j]), "filters is not a list"] |
		some i, rule in refs.rules(route)
		some j, ref in rule.backendRefs
		value := ref.filters
		not is_array(value)
		value != null
	}
	rule_filters := {problem |
		some i, rule in refs.rules(route)
		filters := rule.filters # most rules have none: no call
		some problem in _filter_problems(route.kind, sprintf("spec.rules[%d].filters", [i]), filters)
	}
	ref_filters := {problem |
		some i, rule in refs.rules(route)
		some j, ref in rule.backendRefs
		filters := ref.filters
		some problem in _filter_problems(route.kind, sprintf("spec.rules[%d].backendRefs[%d].filters", [i, j]), filters)
	}
	filters := rule_filters | ref_filters
	sizes := _size_problems(route)
}

# _list_sizes: per route kind, the CRD's [fewest, most] items of spec.rules
# and of a rule's backendRefs, and whether the list is required (a null or
# left-out list counts as empty unless it is). The TCP, TLS and UDP routes
# hold exactly one rule at v1 (and TLSRoute v1alpha3); v1alpha2 held up to
# sixteen (_rules_limits). An HTTPRoute's rules given empty are refused
# since Gateway API v1.5 (kubernetes-sigs/gateway-api#4301) and accepted
# before: that depends on the CRDs installed, holds no backendRef, and
# kubectl says so at apply, so it is not reported.
_list_sizes := {
	"HTTPRoute": {"rules": [0, 16, false], "backendRefs": [0, 16, false]},
	"GRPCRoute": {"rules": [0, 16, false], "backendRefs": [0, 16, false]},
	"TCPRoute": {"rules": [1, 1, true], "backendRefs": [1, 16, true]},
	"TLSRoute": {"rules": [1, 1, true], "backendRefs": [1, 16, true]},
	"UDPRoute": {"rules": [1, 1, true], "backendRefs": [1, 16, true]},
}

_rules_limits(route) := [1, 16, true] if {
	_list_sizes[route.kind].rules[2]
	endswith(route.apiVersion, "/v1alpha2")
} else := _list_sizes[route.kind].rules

# _size_problems: a rule list's and a backendRefs list's length against
# its limits, one count per list. Nearly every route fits: one pass says
# so before any text is built.
_size_problems(route) := set() if {
	limits := _list_sizes[route.kind]
	rules := route.spec.rules
	n := count(rules)
	n >= limits.rules[0]
	n <= limits.rules[1]
	[least, most, _] := limits.backendRefs
	counts := [count(object.get(rule, "backendRefs", [])) | some rule in rules]
	max(counts) <= most
	min(counts) >= least
} else := rules | rule_lists if {
	rules := {["spec.rules", text] |
		text := _size_problem(route, "rules", object.get(route, ["spec", "rules"], null), _rules_limits(route))
	}
	rule_lists := {[sprintf("spec.rules[%d].%s", [i, key]), text] |
		some i, rule in refs.rules(route)
		is_object(rule)
		some key, limits in _list_sizes[route.kind]
		key != "rules"
		text := _size_problem(route, key, object.get(rule, key, null), limits)
	}
}

_size_problem(_, key, null, [_, _, true]) := sprintf("%s: Required value", [key])

_size_problem(_, key, list, [least, _, _]) := sprintf("%s: should have at least %d items", [key, least]) if {
	is_array(list)
	count(list) < least
}

_size_problem(route, key, list, [_, most, _]) := sprintf("%s: Too many: %d: must have at most %d items%s", [key, count(list), most, _one_rule_hint(route, key, most)]) if {
	is_array(list)
	count(list) > most
}

_one_rule_hint(route, key, most) := sprintf(" (%s at %s has one rule: put every backendRef in it)", [refs.with_article(route.kind), route.apiVersion]) if {
	[key, most] == ["rules", 1]
} else := ""

# _filters: per route kind, each filter type its CRD's enum has and the
# field that type must (and no other type may) set; _unrepeatable, the
# types a list may hold once (CEL rules on the filters lists, with the
# RequestRedirect and URLRewrite pair that may not meet). The TCP, TLS and
# UDP routes have no filters. ExternalAuth is in the experimental channel's
# enum only; with the standard CRDs installed the API server refuses it
# too, which depends on the cluster and is not reported.
_filters := {
	"HTTPRoute": {
		"RequestHeaderModifier": "requestHeaderModifier",
		"ResponseHeaderModifier": "responseHeaderModifier",
		"RequestMirror": "requestMirror",
		"RequestRedirect": "requestRedirect",
		"URLRewrite": "urlRewrite",
		"ExtensionRef": "extensionRef",
		"CORS": "cors",
		"ExternalAuth": "externalAuth",
	},
	"GRPCRoute": {
		"RequestHeaderModifier": "requestHeaderModifier",
		"ResponseHeaderModifier": "responseHeaderModifier",
		"RequestMirror": "requestMirror",
		"ExtensionRef": "extensionRef",
	},
}

_max_filters := 16

_unrepeatable := {
	"HTTPRoute": ["CORS", "RequestHeaderModifier", "ResponseHeaderModifier", "RequestRedirect", "URLRewrite"],
	"GRPCRoute": ["RequestHeaderModifier", "ResponseHeaderModifier"],
}

# _filter_problems: [field, text] for a filters list of a route of this
# kind: its length, each filter's own, repeated types, and the redirect
# and rewrite pair (HTTPRoute).
_filter_problems(kind, at, filters) := ((size | each) | repeated) | paired if {
	types := _filters[kind]
	is_array(filters)
	size := {[at, sprintf("filters: Too many: %d: must have at most %d items", [count(filters), _max_filters])] |
		count(filters) > _max_filters
	}
	each := {[sprintf("%s[%d]%s", [at, k, sub]), text] |
		some k, filter in filters
		is_object(filter)
		some [sub, text] in _filter_problem(types, filter)
	}
	repeated := {[at, sprintf("%s filter cannot be repeated", [type])] |
		some type in _unrepeatable[kind]
		count([f | some f in filters; f.type == type]) > 1
	}
	paired := {[at, "May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both"] |
		kind == "HTTPRoute"
		some a in filters
		a.type == "RequestRedirect"
		some b in filters
		b.type == "URLRewrite"
	}
}

# _filter_problem: [sub-field, text] for one filter: its type left out or
# not in the enum, then a type without its field or a field on another
# type, then the settings of the filters that hold a backendRef.
_filter_problem(types, filter) := {[".type", "Required value"]} if {
	object.get(filter, "type", null) == null
} else := {[".type", sprintf("Unsupported value: %q: supported values: %s", [filter.type, _quoted(types)])]} if {
	not types[filter.type]
} else := mismatches | settings if {
	mismatches := {["", text] |
		some type, key in types
		text := _type_mismatch(filter, type, key)
	}
	settings := _settings(filter)
}

_quoted(types) := concat(", ", [sprintf("%q", [type]) | some type in sort(object.keys(types))])

_type_mismatch(filter, type, key) := sprintf("filter.%s must be specified for %s filter.type", [key, type]) if {
	filter.type == type
	object.get(filter, key, null) == null
} else := sprintf("filter.%s must be nil if the filter.type is not %s", [key, type]) if {
	object.get(filter, key, null) != null
	filter.type != type
}

# _settings: the CEL rules and ranges of the two filters that hold a
# backendRef (the backendRef itself is a record's).
_settings(filter) := {[".requestMirror", text] |
	filter.type == "RequestMirror"
	some text in _mirror_problems(filter.requestMirror)
} | {[".externalAuth", text] |
	filter.type == "ExternalAuth"
	some text in _external_auth_problems(filter.externalAuth)
}

_mirror_problems(mirror) := ((({"Only one of percent or fraction may be specified in HTTPRequestMirrorFilter" |
	object.get(mirror, "percent", null) != null
	object.get(mirror, "fraction", null) != null
} | {"percent: must be an integer from 0 to 100" |
	percent := object.get(mirror, "percent", null)
	percent != null
	not _integer_in(percent, 0, 100)
}) | {"fraction: numerator must be less than or equal to denominator" |
	mirror.fraction.numerator > mirror.fraction.denominator
}) | {"fraction.denominator: should be greater than or equal to 1" |
	mirror.fraction.denominator < 1
}) | {"fraction.numerator: should be greater than or equal to 0" |
	mirror.fraction.numerator < 0
}

_integer_in(n, least, most) if {
	is_number(n)
	round(n) == n
	n >= least
	n <= most
}

_external_auth_problems(auth) := {text |
	some [protocol, key] in [["GRPC", "grpc"], ["HTTP", "http"]]
	some text in _protocol_problems(auth, protocol, key)
}

_protocol_problems(auth, protocol, key) := {sprintf("%s must be specified when protocol is set to '%s'", [key, protocol]) |
	auth.protocol == protocol
	object.get(auth, key, null) == null
} | {sprintf("protocol must be '%s' when %s is set", [protocol, key]) |
	object.get(auth, key, null) != null
	object.get(auth, "protocol", null) != protocol
}

# valid_port: a backendRef port the schema accepts (an integer from 1 to
# 65535).
valid_port(p) if {
	is_number(p)
	round(p) == p
	p >= 1
	p <= 65535
}

# valid_weight: a backendRef weight the schema accepts (an integer from 0
# to 1,000,000).
valid_weight(w) if {
	is_number(w)
	round(w) == w
	w >= 0
	w <= 1000000
}

# port_rejected, weight_rejected: a backendRef record
# (lib.refguard.refs.records) whose port or weight its type refuses: the
# API server rejects the route (RG501, RG502, and the predicted status).
port_rejected(rec) if {
	not rec.malformed
	rec.port != null
	not valid_port(rec.port)
}

weight_rejected(rec) if {
	not rec.malformed
	not valid_weight(rec.weight)
}
