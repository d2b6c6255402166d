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
