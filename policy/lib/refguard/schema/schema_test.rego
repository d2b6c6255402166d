package lib.refguard.schema_test

import data.lib.refguard.schema

test_valid_values_have_no_problem if {
	every field, value in {"group": "", "kind": "Service", "namespace": "team-a", "name": "web.example"} {
		not schema.string_problem(value, schema.strings[field])
	}
	not schema.string_problem("multicluster.x-k8s.io", schema.strings.group)
}

test_each_limit_is_its_own_code if {
	schema.string_problem(7, schema.strings.name)[0] == "type"
	schema.string_problem("", schema.strings.kind)[0] == "too-short"
	schema.string_problem("", schema.strings.namespace)[0] == "too-short"
	schema.string_problem(concat("", [c | some _ in numbers.range(1, 64); c := "a"]), schema.strings.namespace)[0] == "too-long"
	schema.string_problem(concat("", [c | some _ in numbers.range(1, 254); c := "a"]), schema.strings.name)[0] == "too-long"
	not schema.string_problem(concat("", [c | some _ in numbers.range(1, 253); c := "a"]), schema.strings.name)
}

test_patterns_are_the_crds if {
	schema.string_problem("Apps", schema.strings.namespace) == ["pattern", `Invalid value: "Apps": should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'`]
	schema.string_problem("-apps", schema.strings.namespace)[0] == "pattern"
	schema.string_problem("Core", schema.strings.group)[0] == "pattern"
	schema.string_problem("gateway.networking.k8s.io/v1", schema.strings.group)[0] == "pattern"
	schema.string_problem("Service_", schema.strings.kind)[0] == "pattern"
	schema.string_problem("1Service", schema.strings.kind)[0] == "pattern"
	not schema.string_problem("ServiceImport", schema.strings.kind)
}

test_type_problem if {
	schema.type_problem(null, "object") == ["required", "Required value"]
	schema.type_problem([], "object") == ["type", `Invalid value: "array": must be of type object`]
	not schema.type_problem({}, "object")
}

test_repaired_lowers_and_drops_a_version if {
	schema.repaired("namespace", "Apps") == "apps"
	schema.repaired("group", "Gateway.Envoyproxy.io") == "gateway.envoyproxy.io"
	schema.repaired("group", "gateway.envoyproxy.io/v1alpha1") == "gateway.envoyproxy.io"
	schema.repaired("group", "Core") == ""
	schema.repaired("group", "core/v1") == ""
}

test_repaired_is_undefined_when_no_value_is_clear if {
	not schema.repaired("namespace", "")
	not schema.repaired("namespace", "apps")
	not schema.repaired("namespace", "team_a")
	not schema.repaired("kind", "")
	not schema.repaired("kind", "Service_")
}
