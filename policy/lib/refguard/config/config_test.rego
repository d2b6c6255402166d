package lib.refguard.config_test

import data.lib.refguard.config

test_declared_kinds_join_the_profile if {
	p := config.profile({"profile": "istio", "backend_kinds": ["gateway.networking.x-k8s.io/XBackend", "gateway.envoyproxy.io/Backend", "Thing"]})
	p.kinds["gateway.networking.x-k8s.io"].XBackend == ""
	p.kinds["gateway.envoyproxy.io"].Backend == "backends" # refguard holds Backends: looked up
	p.kinds[""].Thing == ""
	p.kinds[""].Service == "services" # the profile's own kinds stay
	p.name == "istio"
}

test_no_declared_kinds_is_the_profile if {
	config.profile({"profile": "contour"}) == config.profile({"profile": "contour", "backend_kinds": []})
	config.profile({"profile": "contour"}).kinds == {"": {"Service": "services"}}
}

_lookup := {"kind": "gateway.example.com/Backend", "version": "v1", "resource": "examplebackends", "port": "spec.ports[].port"}

test_declared_lookups_are_collections_the_profile_looks_up if {
	cfg := {"profile": "spec", "backend_lookups": [_lookup, {"kind": "Thing", "version": "v2", "resource": "things"}]}
	config.collections(cfg).examplebackends == {"kind": "Backend", "apiVersions": ["gateway.example.com/v1"], "port": "spec.ports[].port"}
	config.collections(cfg).things == {"kind": "Thing", "apiVersions": ["v2"], "port": ""}
	config.collections(cfg).services.kind == "Service" # refguard's own stay
	p := config.profile(cfg)
	p.kinds["gateway.example.com"].Backend == "examplebackends"
	p.kinds[""].Thing == "things"
	p.kinds[""].Service == "services"
	p.lookup_ports == {"examplebackends": "spec.ports[].port"}
}

test_malformed_lookups_and_refguards_own_collections_are_ignored if {
	cfg := {"backend_lookups": [
		{"kind": "gateway.example.com/Backend", "resource": "nover"},
		{"kind": 3, "version": "v1", "resource": "badkind"},
		{"kind": "example.com/Service", "version": "v1", "resource": "services"},
		"gateway.example.com/Backend",
	]}
	config.lookups(cfg) == {}
	config.profile(cfg) == config.profile({})
}
