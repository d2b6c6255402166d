# METADATA
# title: schema
# description: |
#   The string types Gateway API's CRDs share (Group, Kind, Namespace,
#   ObjectName: apis/v1/shared_types.go), with the length limits and
#   patterns the CRD schema validates them against, and the API server's
#   words for a value that breaks one. A route's backendRefs and a
#   ReferenceGrant's entries are built of the same types, so both read them
#   here.
# scope: package
package lib.refguard.schema

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
