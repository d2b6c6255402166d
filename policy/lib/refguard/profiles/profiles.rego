# METADATA
# title: profiles
# description: |
#   What a Gateway controller accepts and which ResolvedRefs reason it writes.
#   Only the prediction changes between profiles, never the findings: a step
#   whose reason is "" is one the controller does not report. A profile's
#   controllers are the controllerName values its controller writes in a
#   route's status by default (read from a live route's status, they name
#   the profile to check it with). Its group_aliases are the groups its
#   controller reads as another when it matches a ReferenceGrant's to entry
#   against a reference ("core" as the core group "", on both sides).
#   One file per profile; sources in docs/profiles.md.
# scope: package
package lib.refguard.profiles

import data.lib.refguard.profiles.cilium
import data.lib.refguard.profiles.contour
import data.lib.refguard.profiles.envoy_gateway
import data.lib.refguard.profiles.istio
import data.lib.refguard.profiles.kgateway
import data.lib.refguard.profiles.nginx_gateway_fabric
import data.lib.refguard.profiles.spec
import data.lib.refguard.profiles.traefik

profiles := {
	cilium.profile.name: cilium.profile,
	contour.profile.name: contour.profile,
	envoy_gateway.profile.name: envoy_gateway.profile,
	istio.profile.name: istio.profile,
	kgateway.profile.name: kgateway.profile,
	nginx_gateway_fabric.profile.name: nginx_gateway_fabric.profile,
	spec.profile.name: spec.profile,
	traefik.profile.name: traefik.profile,
}

# named returns one profile by name without building the whole map (the
# CLI and the admission path look a profile up for every route).
named(name) := spec.profile if {
	name == spec.profile.name
} else := envoy_gateway.profile if {
	name == envoy_gateway.profile.name
} else := istio.profile if {
	name == istio.profile.name
} else := contour.profile if {
	name == contour.profile.name
} else := nginx_gateway_fabric.profile if {
	name == nginx_gateway_fabric.profile.name
} else := kgateway.profile if {
	name == kgateway.profile.name
} else := cilium.profile if {
	name == cilium.profile.name
} else := traefik.profile if {
	name == traefik.profile.name
}
