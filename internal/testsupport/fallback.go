package testsupport

// FallbackPolicy is a policy (module name → text) that fails a batch of
// several routes holding route "bad" and answers for each route alone: a
// check with its Wasm build falls back to OPA's evaluator for that batch
// (which evaluates a failed batch again route by route, to name the route
// at fault), and the tests hold that the fallback is said.
func FallbackPolicy() map[string]string {
	return map[string]string{
		"refs.rego":     "package lib.refguard.refs\n\nroute_kinds := {\"HTTPRoute\"}\n",
		"profiles.rego": "package lib.refguard.profiles\n\nprofiles := {\"spec\": {}}\n",
		"resolve.rego":  "package lib.refguard.resolve\n\ninventory_fields := {}\n",
		"harness.rego": `package refguard.harness

route_kinds := data.lib.refguard.refs.route_kinds

collections := {"services": {"kind": "Service", "apiVersions": ["v1"]}}

grant_reports := []

duplicate_findings := set()

derived_reads := set()

derived_name_reads := set()

derived := {}

_report(obj) := {"findings": [], "condition": {"type": "ResolvedRefs", "status": "True", "reason": "ResolvedRefs", "message": obj.metadata.name}, "used_grants": [], "backend_refs": 0}

_holds_bad := 1 if {
	count(input.objects) > 1
	input.objects[_].metadata.name == "bad"
}

_holds_bad := 2 if {
	count(input.objects) > 1
	input.objects[_].metadata.name == "bad"
}

route_reports := [_report(obj) | some obj in input.objects; not _holds_bad == 3]
`,
	}
}
