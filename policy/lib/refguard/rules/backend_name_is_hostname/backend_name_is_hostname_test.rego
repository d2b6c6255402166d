package lib.refguard.rules.backend_name_is_hostname_test

import data.lib.refguard.rules.backend_name_is_hostname
import data.lib.refguard.testutil as t

test_cluster_dns_name if {
	some f in backend_name_is_hostname.findings(t.ctx(t.http([{"name": "web.prod.svc.cluster.local", "port": 8080}]), []))
	f.fix == "set name: web and namespace: prod"
}

test_plain_name_is_not_hostname if {
	count(backend_name_is_hostname.findings(t.ctx(t.http([{"name": "web", "port": 8080}]), []))) == 0
}
