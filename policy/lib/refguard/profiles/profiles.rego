# METADATA
# title: profiles
# description: |
#   What a Gateway controller accepts and which ResolvedRefs reason it writes.
#   Only the prediction changes between profiles, never the findings: a step
#   whose reason is "" is one the controller does not report.
#   One file per profile; sources in docs/profiles.md.
# scope: package
package lib.refguard.profiles

import data.lib.refguard.profiles.contour
import data.lib.refguard.profiles.envoy_gateway
import data.lib.refguard.profiles.istio
import data.lib.refguard.profiles.nginx_gateway_fabric
import data.lib.refguard.profiles.spec

profiles := {
	contour.profile.name: contour.profile,
	envoy_gateway.profile.name: envoy_gateway.profile,
	istio.profile.name: istio.profile,
	nginx_gateway_fabric.profile.name: nginx_gateway_fabric.profile,
	spec.profile.name: spec.profile,
}
