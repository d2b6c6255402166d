package lib.refguard.rules.grant_version_not_served_test

import data.lib.refguard.rules.grant_version_not_served
import data.lib.refguard.testutil as t

_grant(api_version) := object.union(
	t.grant("pay", "g", [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "app"}], [{"group": "", "kind": "Service", "name": "api"}]),
	{"apiVersion": api_version},
)

test_v1alpha2_is_rejected if {
	[f] := [f | some f in grant_version_not_served.findings(t.grant_ctx(_grant("gateway.networking.k8s.io/v1alpha2")))]
	f.rule == "RG204"
	f.severity == "error"
	f.fix == "set apiVersion: gateway.networking.k8s.io/v1beta1"
}

test_served_versions_pass if {
	every v in ["gateway.networking.k8s.io/v1beta1", "gateway.networking.k8s.io/v1"] {
		count(grant_version_not_served.findings(t.grant_ctx(_grant(v)))) == 0
	}
}
