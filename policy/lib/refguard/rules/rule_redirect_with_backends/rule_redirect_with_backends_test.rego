package lib.refguard.rules.rule_redirect_with_backends_test

import data.lib.refguard.rules.rule_redirect_with_backends
import data.lib.refguard.testutil as t

_route(refs) := {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "r", "namespace": "app"}, "spec": {"rules": [{"filters": [{"type": "RequestRedirect", "requestRedirect": {"scheme": "https"}}], "backendRefs": refs}]}}

test_redirect_and_backends if {
	count(rule_redirect_with_backends.findings(t.no_inventory(_route([{"name": "a", "port": 80}])))) == 1
}

test_redirect_alone if {
	count(rule_redirect_with_backends.findings(t.no_inventory(_route([])))) == 0
}
