package lib.refguard.profiles_test

import data.lib.refguard.profiles

# named is the per-route lookup, profiles the map the tools list: they must
# name the same profiles, so a profile added to one is added to both.
test_named_agrees_with_the_map if {
	every name, p in profiles.profiles {
		profiles.named(name) == p
	}
	count(profiles.profiles) == 8
}

test_unknown_profile_is_undefined if {
	not profiles.named("nginx-ingress")
}
