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
# not an object, backendRefs or filters not a list, a filter type without
# its field or a field on another type), text worded as the API server
# words it. A backendRef's own shape is its resolution's (lib.refguard.resolve,
# step shape).
route_problems(route) := (((rule_list | rule_items) | ref_lists) | filter_lists) | filter_types if {
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
	rule_filter_types := {[sprintf("spec.rules[%d].filters[%d]", [i, k]), text] |
		some i, rule in refs.rules(route)
		some k, filter in rule.filters # most rules have none: no call
		some text in _type_mismatches(filter)
	}
	ref_filter_types := {[sprintf("spec.rules[%d].backendRefs[%d].filters[%d]", [i, j, k]), text] |
		some i, rule in refs.rules(route)
		some j, ref in rule.backendRefs
		some k, filter in ref.filters
		some text in _type_mismatches(filter)
	}
	filter_types := rule_filter_types | ref_filter_types
}

# _filter_fields: the filter types that hold a backendRef, and the field
# each must (and no other type may) set: CEL rules on HTTPRouteFilter and
# GRPCRouteFilter, worded as they are.
_filter_fields := {"RequestMirror": "requestMirror", "ExternalAuth": "externalAuth"}

_type_mismatches(filter) := {text |
	is_object(filter)
	some type, key in _filter_fields
	text := _type_mismatch(filter, type, key)
}

_type_mismatch(filter, type, key) := sprintf("filter.%s must be specified for %s filter.type", [key, type]) if {
	filter.type == type
	object.get(filter, key, null) == null
} else := sprintf("filter.%s must be nil if the filter.type is not %s", [key, type]) if {
	object.get(filter, key, null) != null
	object.get(filter, "type", null) != type
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
